"""Drive the course in JupyterLab in headless Chromium: shared by the browser tests and
benchmarks/bench_browser.py.

- `INSTRUMENT`, an init script, logs every PNG the page receives from a live figure
  (its size) and every repaint of a figure's canvas (its time), so a test or the
  benchmark can see what the page drew, and when.
- `Kernel` runs code in the notebook's own kernel (jupyter_client, with the kernel's
  connection file), e.g. a full Agg render of a figure to compare the page's canvas with.
- `live_figures` finds every Explorer's figure on the page; the Explorer marks its canvas
  with the DOM class ``emlib-canvas-<model id>``, so the kernel can find the same figure.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]


def chromium_path():
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Lab:
    url: str
    token: str
    home: Path  # settings, runtime (kernel connection files), the served notebooks, the log

    @property
    def runtime(self):
        return self.home / "runtime"


# The last commit before the fix of issue 10 (frames sent as they came, layout re-solved
# at every full draw, a new run's first frame over the old background).
BEFORE_FIX = "5bc2312"


def emlib_before_fix(commit=BEFORE_FIX):
    """A copy of today's emlib with the Blitter and Explorer of `commit`, in a new folder to
    put first on PYTHONPATH: the "before" of the benchmark, and the proof that the tests
    fail without the fix. The Explorer still marks its canvas, so tests find its figure."""
    def old(path):
        return subprocess.run(["git", "-C", str(ROOT), "show", f"{commit}:{path}"], check=True,
                              capture_output=True, text=True).stdout

    folder = Path(tempfile.mkdtemp(prefix="em-course-before-fix-"))
    shutil.copytree(ROOT / "emlib", folder / "emlib")
    plot = (ROOT / "emlib" / "plot.py").read_text()
    old_plot = old("emlib/plot.py")
    start = plot.index("class Blitter:")
    end = plot.find("\nclass ", start + 1)
    (folder / "emlib" / "plot.py").write_text(plot[:start] + old_plot[old_plot.index("class Blitter:"):]
                                              + (plot[end:] if end > 0 else ""))
    marker = "        self.blitter = Blitter(fig, views)\n"
    widgets = old("emlib/widgets.py").replace(marker, marker + (
        "        if hasattr(fig.canvas, 'add_class'):\n"
        "            fig.canvas.add_class(f'emlib-canvas-{fig.canvas.model_id}')\n"))
    (folder / "emlib" / "widgets.py").write_text(widgets)
    return folder


@contextlib.contextmanager
def start_lab(notebooks=ROOT / "notebooks", pythonpath=None):
    """JupyterLab on 127.0.0.1, a free port, a token, and settings, runtime and config
    folders of its own (news and update checks off, every cell rendered, autosave off),
    serving a copy of the notebooks; stopped when the block ends."""
    home = Path(tempfile.mkdtemp(prefix="em-course-lab-"))
    settings = home / "settings" / "@jupyterlab"
    (settings / "apputils-extension").mkdir(parents=True)
    (settings / "apputils-extension" / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    (settings / "notebook-extension").mkdir(parents=True)
    (settings / "notebook-extension" / "tracker.jupyterlab-settings").write_text(
        json.dumps({"windowingMode": "none"}))  # render every cell, not only those in view
    (settings / "docmanager-extension").mkdir(parents=True)
    (settings / "docmanager-extension" / "plugin.jupyterlab-settings").write_text(
        json.dumps({"autosave": False}))  # a test must never write a notebook
    served = home / "notebooks"  # and it works on a copy, so the repository stays as committed
    shutil.copytree(notebooks, served)
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"), JUPYTER_CONFIG_DIR=str(home / "config"))
    if pythonpath:  # e.g. emlib_before_fix(): the kernels import it before the installed emlib
        env["PYTHONPATH"] = os.pathsep.join([str(pythonpath), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    port, token = free_port(), secrets.token_hex(16)
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
                    raise RuntimeError(f"JupyterLab did not start; see {home / 'server.log'}")
                time.sleep(0.3)
        yield Lab(f"http://127.0.0.1:{port}", token, home)
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()

# Logs key presses (time), PNG frames received (time, bytes), and repaints of each visible
# figure canvas (time, canvas id).
INSTRUMENT = r"""
(() => {
  const log = window.__mpl = {pngs: [], paints: [], keys: [], ids: new WeakMap(), next: 0};
  document.addEventListener('keydown', () => log.keys.push(performance.now()), true);
  const id = (el) => {
    if (!log.ids.has(el)) log.ids.set(el, log.next++);
    return log.ids.get(el);
  };
  window.__mplId = id;
  const create = URL.createObjectURL.bind(URL);
  URL.createObjectURL = (blob) => {
    if (blob && blob.type === 'image/png') log.pngs.push([performance.now(), blob.size]);
    return create(blob);
  };
  const draw = CanvasRenderingContext2D.prototype.drawImage;
  CanvasRenderingContext2D.prototype.drawImage = function (...args) {
    const out = draw.apply(this, args);
    // ipympl paints its offscreen canvas onto each visible figure canvas
    if (args[0] instanceof HTMLCanvasElement && this.canvas.isConnected
        && this.canvas.closest('.jupyter-matplotlib-figure')) {
      const t = performance.now();
      let hash = 0;
      if (log.hashing) {  // which picture it is (the benchmark's "final picture")
        const c = this.canvas;
        const px = new Uint32Array(this.getImageData(0, 0, c.width, c.height).data.buffer);
        hash = 2166136261;
        for (let i = 0; i < px.length; i++) hash = Math.imul(hash ^ px[i], 16777619);
      }
      log.paints.push([t, id(this.canvas), hash]);
    }
    return out;
  };
})();
"""

ALL_EXECUTED = r"""() => {
    const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
    const prompts = panel ? [...panel.querySelectorAll('.jp-CodeCell .jp-InputPrompt')] : [];
    return prompts.length > 0 && prompts.every(p => /\[\d+\]/.test(p.textContent));
}"""

# What a failed cell or widget looks like in JupyterLab 4: a traceback renders with the
# stderr MIME type, as does anything written to stderr.
STDERR = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
WIDGET_ERROR = "Error displaying widget"


def wait_idle(page, timeout=180_000):
    """Wait for the status bar's "Idle" (the execution indicator reads idle too early)."""
    bar = page.locator("#jp-main-statusbar")
    bar.get_by_text("Busy").first.wait_for(state="hidden", timeout=timeout)
    bar.get_by_text("Idle").first.wait_for(state="visible", timeout=timeout)


def open_notebook(browser, url, token, name, workspace, errors):
    """A page with the notebook open in a fresh workspace, instrumented; console errors
    and page errors are appended to `errors`."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.add_init_script(INSTRUMENT)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    # A workspace of its own, reset: JupyterLab would otherwise reopen the notebooks of
    # earlier tests as tabs, each with its own kernel.
    page.goto(f"{url}/lab/workspaces/{workspace}/tree/{name}?reset&token={token}")
    page.locator("#jp-main-statusbar").get_by_text("Idle").first.wait_for(
        state="visible", timeout=120_000)
    time.sleep(1)
    return page


def run_all(page, timeout=240_000):
    """Run All, then wait until every code cell shows an execution number and the kernel
    is idle ("Idle" alone can show for a moment before the run starts). Returns None, or
    what the page showed when it did not finish."""
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    try:
        page.wait_for_function(ALL_EXECUTED, timeout=timeout)
    except Exception:
        prompts = page.evaluate("() => [...document.querySelectorAll("
                                "'.jp-CodeCell .jp-InputPrompt')].map(p => p.textContent).join(' ')")
        status = page.locator("#jp-main-statusbar").inner_text()
        return f"Run All did not finish: prompts {prompts}; status bar {status!r}"
    wait_idle(page)
    return None


def page_faults(page, errors):
    """Everything on the page that shows something went wrong, as a list of strings."""
    faults = [f"stderr/error output: {t[:300]!r}"
              for t in page.locator(STDERR).all_inner_texts()]
    if page.get_by_text(WIDGET_ERROR).count():
        faults.append(WIDGET_ERROR)
    faults += [f"console error: {e[:300]}" for e in errors]
    return faults


class LiveFigure:
    """One Explorer on the page: its output area, canvas, sliders and Play buttons."""

    def __init__(self, page, output, model_id):
        self.page, self.out, self.model_id = page, output, model_id
        self.canvas = output.locator(".jupyter-matplotlib-figure canvas").first
        self.sliders = output.locator(".widget-slider")
        self.dropdowns = output.locator(".widget-dropdown select")
        self.play_buttons = output.locator(".widget-play button")

    @property
    def canvas_id(self):
        return self.canvas.evaluate("el => window.__mplId(el)")

    def slider(self, description):
        return self.out.locator(f".widget-slider:has(.widget-label:text-is('{description}'))").first

    @property
    def iteration(self):
        s = self.slider("iteration")
        return s if s.count() else None

    def pixels(self):
        """The canvas as the page shows it: (height, width, 4) uint8."""
        return decode(self.canvas.evaluate("c => c.toDataURL('image/png')"))

    def paints(self):
        """Times (ms, page clock) at which this figure's canvas was repainted."""
        return self.page.evaluate(
            "i => window.__mpl.paints.filter(p => p[1] === i).map(p => p[0])", self.canvas_id)


def decode(data_url):
    """A canvas's PNG data URL (lossless) as (height, width, 4) uint8."""
    import base64
    import io

    from PIL import Image

    png = base64.b64decode(data_url.split(",", 1)[1])
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def live_figures(page):
    """Every Explorer's figure on the page, in notebook order."""
    found = []
    outputs = page.locator(".jp-OutputArea-output:has(.jupyter-matplotlib)")
    for i in range(outputs.count()):
        out = outputs.nth(i)
        classes = out.locator(".jupyter-matplotlib").first.get_attribute("class") or ""
        match = re.search(r"emlib-canvas-(\w+)", classes)
        if match:
            found.append(LiveFigure(page, out, match.group(1)))
    return found


def now(page):
    return page.evaluate("() => performance.now()")


def pngs_since(page, t0):
    """Sizes (bytes) of the PNG frames the page received after page time t0."""
    return page.evaluate("t => window.__mpl.pngs.filter(p => p[0] > t).map(p => p[1])", t0)


def settle(page, kernel, quiet_ms=800, timeout=60.0):
    """Wait until what the page sent has reached the kernel and been handled, and what the
    kernel sent back has been drawn: no repaint and no PNG for quiet_ms, twice, around a
    kernel barrier (a picture asks the page to answer, which the kernel answers again)."""
    time.sleep(0.3)  # the page's last messages on their way
    deadline = time.monotonic() + timeout
    for _ in range(2):
        kernel.barrier()
        if not wait_quiet(page, quiet_ms, max(1.0, deadline - time.monotonic())):
            return False
    return True


def wait_quiet(page, quiet_ms=800, timeout=30.0):
    """Wait until no figure has been repainted and no PNG received for quiet_ms."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        idle = page.evaluate(
            """q => { const l = window.__mpl, t = performance.now();
                      const last = Math.max(0, ...l.paints.map(p => p[0]), ...l.pngs.map(p => p[0]));
                      return t - last > q; }""", quiet_ms)
        if idle:
            return True
        time.sleep(0.1)
    return False


# ------------------------------------------------------------------ the notebook's kernel


def api(url, token, path):
    with urllib.request.urlopen(f"{url}{path}?token={token}", timeout=10) as r:
        return json.load(r)


class Kernel:
    """The running kernel of one notebook, reached with its connection file."""

    def __init__(self, url, token, runtime_dir, notebook):
        from jupyter_client import BlockingKernelClient

        sessions = [s for s in api(url, token, "/api/sessions") if s["path"].endswith(notebook)]
        assert sessions, f"no kernel session for {notebook}"
        kid = sessions[-1]["kernel"]["id"]
        self.client = BlockingKernelClient(connection_file=str(Path(runtime_dir) / f"kernel-{kid}.json"))
        self.client.load_connection_file()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=30)
        self.folder = Path(tempfile.mkdtemp(prefix="em-course-kernel-"))

    def run(self, code, timeout=60):
        """Run code silently; return its stdout; raise on an error."""
        out = []

        def hook(msg):
            if msg["msg_type"] == "stream":
                out.append(msg["content"]["text"])

        reply = self.client.execute_interactive(code, silent=False, store_history=False,
                                                output_hook=hook, timeout=timeout)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"kernel: {reply['content'].get('ename')}: "
                               f"{reply['content'].get('evalue')}")
        return "".join(out)

    def render(self, model_id):
        """The kernel's own full render of a figure (Agg, as ipympl renders; the figure's
        draw_event lets its Blitter paint the changing artists), sent nowhere: (h, w, 4)."""
        for _ in range(3):  # a picture half painted while we read it (the kernel's timers
            picture = self._render(model_id)  # run between messages) is read again
            if (picture[..., 3] == 255).all():
                break
            time.sleep(0.3)
        return picture

    def _render(self, model_id):
        path = self.folder / f"{model_id}.npy"
        self.run(f"""
import numpy as _np
from ipywidgets.widgets.widget import _instances
from matplotlib.backends.backend_agg import FigureCanvasAgg as _Agg
_c = _instances[{model_id!r}]
_Agg.draw(_c)
_np.save({str(path)!r}, _np.asarray(_c.buffer_rgba()))
del _c
""")
        return np.load(path)

    def barrier(self):
        """Return once the kernel has handled every message that reached it before."""
        self.run("pass")

    def explorer(self, model_id, code):
        """Run code with `e` bound to the Explorer whose canvas has this model id."""
        return self.run(f"""
import gc as _gc
from ipywidgets.widgets.widget import _instances
_f = _instances[{model_id!r}].figure
e = next(o for o in _gc.get_objects() if type(o).__name__ == "Explorer" and o.fig is _f)
{code}
del e, _f
""")

    def value(self, expression):
        return self.run(f"print(repr({expression}))").strip()

    def close(self):
        self.client.stop_channels()


def wrong_pixels(shown, truth, tolerance=24):
    """Pixels whose colour differs by more than `tolerance` in some channel (antialiasing
    at the same size differs by less), and a picture of where they are."""
    if shown.shape != truth.shape:
        raise AssertionError(f"the page shows {shown.shape[1]}x{shown.shape[0]} px, "
                             f"the kernel renders {truth.shape[1]}x{truth.shape[0]}")
    bad = (np.abs(shown.astype(int) - truth.astype(int)).max(axis=2) > tolerance)
    return int(bad.sum()), bad


def save_comparison(path, shown, truth, bad):
    """shown | kernel | wrong pixels in red, one PNG."""
    from PIL import Image

    marked = truth.copy()
    marked[bad] = [255, 0, 0, 255]
    Image.fromarray(np.hstack([shown, truth, marked])).save(path)
