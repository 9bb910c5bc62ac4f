"""The course in Jupyter Notebook 7 (the `notebook` package), which many students open instead
of JupyterLab, in headless Chromium: open a notebook, Run All, check that nothing failed, move
every figure's slider and press Play. And notebook 00's front-end check: its line turns into
"✓ live figures work in this browser" when the browser draws the figure (Notebook 7 and
JupyterLab), and keeps saying what to install when the browser lacks ipympl's extension.

The server here is this file's own (tests/browser/conftest.py has JupyterLab's; its Chromium
is shared): a Jupyter server on 127.0.0.1, on a free port, with a token and its own settings,
runtime and config folders (autosave off, every cell rendered), on a copy of the notebooks.
"""

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
# Notebook 00's front-end check; the copy served here gets it when the notebook lacks it.
CHECK_CELL = "from emlib import frontend\nfrontend.check_live_figures()"
WORKS = "live figures work in this browser"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def nb7_chromium(browser):
    """The suite's Chromium (tests/browser/conftest.py): Playwright's sync API runs one at a time."""
    return browser


@contextmanager
def notebook_server(without_ipympl_in_the_browser=False):
    """A Jupyter server on a copy of the notebooks; yields (base url, token, folder)."""
    home = Path(tempfile.mkdtemp(prefix="em-course-nb7-"))
    settings = home / "settings" / "@jupyterlab"
    for plugin, values in {"notebook-extension/tracker": {"windowingMode": "none"},
                           "docmanager-extension/plugin": {"autosave": False}}.items():
        folder, name = plugin.split("/")
        (settings / folder).mkdir(parents=True, exist_ok=True)
        (settings / folder / f"{name}.jupyterlab-settings").write_text(json.dumps(values))
    if without_ipympl_in_the_browser:  # as if ipympl were missing from the server's environment
        (home / "config" / "labconfig").mkdir(parents=True)
        (home / "config" / "labconfig" / "page_config.json").write_text(
            json.dumps({"disabledExtensions": {"matplotlib-jupyter:main": True}}))  # ipympl's plugin
    served = home / "notebooks"
    shutil.copytree(ROOT / "notebooks", served)
    start = served / "00-start-here.ipynb"
    nb = nbformat.read(start, as_version=4)
    if not any("check_live_figures" in c.source for c in nb.cells):
        nb.cells.append(nbformat.v4.new_code_cell(CHECK_CELL))
        nbformat.write(nb, start)
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"), JUPYTER_CONFIG_DIR=str(home / "config"))
    port, token = free_port(), secrets.token_hex(16)
    # `jupyter lab` serves Notebook 7 too (/notebooks/...) when the notebook package is
    # installed, as it is with the notebooks extra. (`jupyter notebook` serves JupyterLab's
    # fonts with 403 once a Notebook 7 page has been opened, so it is not used here.)
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={served}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log = open(home / "server.log", "w")
    server = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"Jupyter did not start; see {home / 'server.log'}")
                time.sleep(0.3)
        yield f"http://127.0.0.1:{port}", token, home
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="module")
def nb7_server():
    with notebook_server() as served:
        yield served


@pytest.fixture(scope="module")
def nb7_shots():
    folder = Path(tempfile.mkdtemp(prefix="em-course-nb7-screenshots-"))
    print(f"\nNotebook 7 screenshots: {folder}")
    return folder


ALL_EXECUTED = r"""() => {
    const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
    return prompts.length > 0 && prompts.every(p => /\[\d+\]/.test(p.textContent));
}"""


def open_and_run_all(page, url, shots, tag):
    """Open `url`, wait for the kernel, Run All from the Run menu, and wait until every code
    cell shows an execution number."""
    page.goto(url)
    page.locator(".jp-Notebook .jp-Cell").first.wait_for(state="visible", timeout=120_000)
    page.wait_for_function("() => document.querySelector('.jp-KernelName, .jp-Toolbar-kernelName')"
                           " && !/No Kernel/.test(document.querySelector('.jp-KernelName, "
                           ".jp-Toolbar-kernelName').textContent)", timeout=120_000)
    time.sleep(2)  # the kernel connects
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    try:
        page.wait_for_function(ALL_EXECUTED, timeout=240_000)
    except Exception:
        page.screenshot(path=str(shots / f"{tag}-timeout.png"))
        prompts = page.evaluate("() => [...document.querySelectorAll("
                                "'.jp-CodeCell .jp-InputPrompt')].map(p => p.textContent).join(' ')")
        pytest.fail(f"Run All did not finish: prompts {prompts}; screenshot {shots / (tag + '-timeout.png')}")
    time.sleep(3)  # the last widget messages


def readout(slider):
    return slider.locator(".widget-readout").inner_text().strip()


def picture(figure):
    return figure.locator("canvas").first.screenshot()


def move(page, slider):
    """Click the slider's track a quarter of the way from the far end, as a student moves it
    with the mouse. (In Notebook 7 the arrow keys do not reach a focused slider: the notebook
    takes them.)"""
    handle = slider.locator(".noUi-handle").first
    handle.scroll_into_view_if_needed()
    low, high, now = (float(handle.get_attribute(a)) for a in ("aria-valuemin", "aria-valuemax", "aria-valuenow"))
    fraction = 0.25 if now - low > (high - low) / 2 else 0.75
    box = slider.locator(".noUi-base").first.bounding_box()
    page.mouse.click(box["x"] + fraction * box["width"], box["y"] + box["height"] / 2)
    time.sleep(1.5)


def redrawn(figure, before, timeout=20.0):
    """Whether the figure's picture differs from `before` within `timeout` seconds (the kernel
    draws, then sends the picture when the browser asks; a busy machine takes a while)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if picture(figure) != before:
            return True
        time.sleep(0.5)
    return False


def check_no_failures(page, console_errors):
    assert page.locator(".jp-OutputArea-output[data-mime-type="
                        "'application/vnd.jupyter.stderr']").count() == 0, "a cell wrote to stderr"
    assert page.locator("[data-mime-type='application/vnd.jupyter.error']").count() == 0, "a cell raised an error"
    assert page.get_by_text("Error displaying widget").count() == 0
    assert console_errors == [], console_errors


def upstream(error):
    """Notebook 7's own error on opening any notebook (7.6.5 with JupyterLab 4.6.6, also with
    no notebook content and no settings of ours): its shortcuts plugin reads the schema of a
    plugin the settings registry does not have. Not the course's; every other error counts."""
    return (str(error) == "Cannot read properties of undefined (reading 'schema')"
            and "/static/notebook/notebook_core." in (error.stack or ""))


def new_page(browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: None if upstream(e) else errors.append(str(e)))
    return page, errors


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook7_runs_and_its_figures_respond(nb7_chromium, nb7_server, nb7_shots, name):
    url, token, _ = nb7_server
    page, console_errors = new_page(nb7_chromium)
    try:
        open_and_run_all(page, f"{url}/notebooks/{name}?token={token}", nb7_shots, f"nb7-{name[:2]}")
        check_no_failures(page, console_errors)
        outputs = page.locator(".jp-OutputArea-output:has(.jupyter-matplotlib)")
        assert outputs.count() >= 1, "no live figure in the notebook"
        for i in range(outputs.count()):
            out = outputs.nth(i)
            figure = out.locator(".jupyter-matplotlib-figure").first
            figure.scroll_into_view_if_needed()
            box = figure.locator("canvas").first.bounding_box()
            assert box and box["width"] > 100 and box["height"] > 60, f"figure {i} is not shown"
            sliders = out.locator(".widget-slider")
            if sliders.count() == 0:
                continue  # a figure without controls (00's front-end check)
            iteration = out.locator(".widget-slider:has-text('iteration')")
            slider = iteration.first if iteration.count() else sliders.first
            before_text, before_picture = readout(slider), picture(figure)
            if i == 0:
                figure.screenshot(path=str(nb7_shots / f"nb7-{name[:2]}-before.png"))
            move(page, slider)
            assert readout(slider) != before_text, f"figure {i}: the slider's readout did not move"
            assert redrawn(figure, before_picture), f"figure {i}: the figure did not change within 20 s"
            if i == 0:
                figure.screenshot(path=str(nb7_shots / f"nb7-{name[:2]}-after.png"))
            play = out.locator(".widget-play button")
            if iteration.count() and play.count():
                handle = slider.locator(".noUi-handle").first
                if handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax"):
                    move(page, slider)  # back from the last frame, so Play can move
                start = readout(slider)
                play.first.click()
                time.sleep(2.5)
                play.nth(1).click()  # pause
                assert readout(slider) != start, f"figure {i}: Play did not advance the iteration"
        check_no_failures(page, console_errors)
    finally:
        page.close()


def front_end_line(page):
    """The text of notebook 00's front-end check line, once the notebook has run."""
    cell = page.locator(".jp-CodeCell:has-text('check_live_figures')").last
    cell.scroll_into_view_if_needed()
    return cell.locator(".jp-OutputArea-output").last


def check_turns_green(browser, url, shots, tag):
    page, console_errors = new_page(browser)
    try:
        open_and_run_all(page, url, shots, tag)
        line = front_end_line(page)
        deadline = time.monotonic() + 30
        while not line.inner_text().startswith("✓") and time.monotonic() < deadline:
            time.sleep(0.5)
        page.locator(".jp-CodeCell:has-text('check_live_figures')").last.screenshot(
            path=str(shots / f"{tag}.png"))
        assert line.inner_text().strip() == "✓ " + WORKS
        check_no_failures(page, console_errors)
    finally:
        page.close()


def test_the_front_end_check_turns_green_in_notebook7(nb7_chromium, nb7_server, nb7_shots):
    url, token, _ = nb7_server
    check_turns_green(nb7_chromium, f"{url}/notebooks/00-start-here.ipynb?token={token}",
                      nb7_shots, "check-nb7")


def test_the_front_end_check_turns_green_in_jupyterlab(nb7_chromium, nb7_shots):
    # A server of its own: once a Notebook 7 page has been opened, the server answers
    # JupyterLab's font requests with 403 (not the course's; a fresh server does not).
    with notebook_server() as (url, token, _):
        check_turns_green(nb7_chromium, f"{url}/lab/workspaces/check/tree/00-start-here.ipynb?reset&token={token}",
                          nb7_shots, "check-lab")


def test_the_front_end_check_says_what_to_install_when_the_browser_lacks_ipympl(nb7_chromium, nb7_shots):
    with notebook_server(without_ipympl_in_the_browser=True) as (url, token, _):
        page, _ = new_page(nb7_chromium)
        try:
            open_and_run_all(page, f"{url}/notebooks/00-start-here.ipynb?token={token}",
                             nb7_shots, "check-missing")
            time.sleep(10)  # time enough for a browser that can draw the figure to say so
            line = front_end_line(page)
            page.locator(".jp-CodeCell:has-text('check_live_figures')").last.screenshot(
                path=str(nb7_shots / "check-missing.png"))
            text = line.inner_text()
            assert not text.startswith("✓"), text
            assert "install ipympl in the environment that runs Jupyter" in text
            cell = page.locator(".jp-CodeCell:has-text('check_live_figures')").last
            assert cell.locator(".jupyter-matplotlib-figure").count() == 0  # indeed not drawn
        finally:
            page.close()
