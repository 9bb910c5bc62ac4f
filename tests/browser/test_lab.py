"""Every notebook in JupyterLab, in a real (headless) browser, as a student uses it:
open it, Run All, check that nothing failed, then move every figure's slider and press Play.

nbval executes the notebooks too, but it cannot see a widget that fails to display or a
figure that does not change when its slider moves.
"""

import time
from pathlib import Path

import pytest

NOTEBOOKS = sorted(p.name for p in (Path(__file__).resolve().parents[2] / "notebooks")
                   .glob("[0-9][0-9]-*.ipynb"))


def wait_idle(page, timeout=180_000):
    """Wait for the status bar's "Idle" (the execution indicator reads idle too early)."""
    bar = page.locator("#jp-main-statusbar")
    bar.get_by_text("Busy").first.wait_for(state="hidden", timeout=timeout)
    bar.get_by_text("Idle").first.wait_for(state="visible", timeout=timeout)


ALL_EXECUTED = r"""() => {
    const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
    const prompts = panel ? [...panel.querySelectorAll('.jp-CodeCell .jp-InputPrompt')] : [];
    return prompts.length > 0 && prompts.every(p => /\[\d+\]/.test(p.textContent));
}"""


def run_all(page, shots, name):
    """Run All, then wait until every code cell shows an execution number and the
    kernel is idle: "Idle" alone can show for a moment before the run starts."""
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    try:
        page.wait_for_function(ALL_EXECUTED, timeout=240_000)
    except Exception:  # say what the page showed
        page.screenshot(path=str(shots / f"{name[:2]}-timeout.png"))
        prompts = page.evaluate("() => [...document.querySelectorAll("
                                "'.jp-CodeCell .jp-InputPrompt')].map(p => p.textContent).join(' ')")
        status = page.locator("#jp-main-statusbar").inner_text()
        pytest.fail(f"Run All did not finish: prompts {prompts}; status bar {status!r}; "
                    f"screenshot {shots / (name[:2] + '-timeout.png')}")
    wait_idle(page)
    page.locator(".jupyter-matplotlib-figure").first.wait_for(state="visible", timeout=60_000)
    time.sleep(2)  # the last widget messages


def readout(slider):
    return slider.locator(".widget-readout").inner_text().strip()


def picture(figure):
    return figure.locator("canvas").first.screenshot()


def nudge(page, slider, steps=3):
    """Focus the slider's handle and press arrow keys, away from the end it sits at."""
    handle = slider.locator(".noUi-handle").first
    handle.scroll_into_view_if_needed()
    handle.focus()
    at_max = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
    for _ in range(steps):
        page.keyboard.press("ArrowLeft" if at_max else "ArrowRight")
        time.sleep(0.5)
    time.sleep(1.0)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_and_its_figures_respond(browser, lab, shots, name):
    url, token = lab
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: console_errors.append(str(e)))
    try:
        # A workspace of its own, reset: JupyterLab would otherwise reopen the notebooks
        # of the earlier tests as tabs, each with its own kernel.
        page.goto(f"{url}/lab/workspaces/test-{name[:2]}/tree/{name}?reset&token={token}")
        page.locator("#jp-main-statusbar").get_by_text("Idle").first.wait_for(
            state="visible", timeout=120_000)
        time.sleep(1)
        run_all(page, shots, name)

        assert page.locator(".jp-OutputArea-output[data-mime-type="
                            "'application/vnd.jupyter.stderr']").count() == 0, "a cell wrote to stderr"
        assert page.locator(".jp-RenderedText[data-mime-type="
                            "'application/vnd.jupyter.error']").count() == 0, "a cell raised an error"
        assert page.get_by_text("Error displaying widget").count() == 0

        outputs = page.locator(".jp-OutputArea-output:has(.jupyter-matplotlib)")
        assert outputs.count() >= 1, "no live figure in the notebook"
        for i in range(outputs.count()):
            out = outputs.nth(i)
            figure = out.locator(".jupyter-matplotlib-figure").first
            figure.scroll_into_view_if_needed()
            box = figure.locator("canvas").first.bounding_box()
            assert box and box["width"] > 100 and box["height"] > 100, f"figure {i} is not shown"
            iteration = out.locator(".widget-slider:has-text('iteration')")
            slider = iteration.first if iteration.count() else out.locator(".widget-slider").first
            before_text, before_picture = readout(slider), picture(figure)
            if i == 0:
                figure.screenshot(path=str(shots / f"{name[:2]}-before.png"))
            nudge(page, slider)
            after_text, after_picture = readout(slider), picture(figure)
            assert after_text != before_text, f"figure {i}: the slider's readout did not move"
            assert after_picture != before_picture, f"figure {i}: the figure did not change"
            if i == 0:
                figure.screenshot(path=str(shots / f"{name[:2]}-after.png"))
            play = out.locator(".widget-play button").first
            if iteration.count() and play.count():
                nudge(page, slider, steps=0)
                start = readout(slider)
                handle = slider.locator(".noUi-handle").first
                if handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax"):
                    continue  # at the last frame Play has nowhere to go
                play.click()
                time.sleep(2.5)
                out.locator(".widget-play button").nth(1).click()  # pause
                assert readout(slider) != start, f"figure {i}: Play did not advance the iteration"
        assert console_errors == [], console_errors
    finally:
        page.close()
