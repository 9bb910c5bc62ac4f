"""What a live figure's pictures do on their way to the browser, without a browser.

A small model of ipympl's front end (mpl_widget.ts) receives the kernel's messages in
order: a PNG becomes the image's source, and only the last source set is drawn when it
loads (a PNG that arrives before the previous one has loaded replaces it unseen); a "diff"
PNG is painted over what the canvas shows, a "full" one replaces it; a "draw" event is
answered with a draw request unless one is outstanding. A seeded schedule interleaves a
student's slider moves, the page handling messages, images loading and the kernel
handling the page's requests, in every order a slow page allows. When all is quiet the
canvas must show what the kernel draws.

BROWSER_BEFORE_FIX=1 runs it on the code from before the fix (it fails).
"""

import importlib
import json
import os
import random
import sys

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
pytest.importorskip("ipympl")

import harness  # noqa: E402


@pytest.fixture(scope="module")
def emlib_modules():
    """emlib.plot and emlib.widgets: today's, or from before the fix."""
    if os.environ.get("BROWSER_BEFORE_FIX"):
        sys.path.insert(0, str(harness.emlib_before_fix()))
        for m in [m for m in sys.modules if m == "emlib" or m.startswith("emlib.")]:
            del sys.modules[m]
    import emlib

    importlib.reload(emlib)
    from emlib import plot, widgets

    yield emlib, plot, widgets


class Timer:
    """A single-shot timer that fires when the schedule says so."""

    def __init__(self, *args, **kwargs):
        self.callbacks, self.running, self.single_shot = [], False, True

    def add_callback(self, f, *args, **kwargs):
        self.callbacks.append(f)

    def start(self, *args):
        self.running = True

    def stop(self):
        self.running = False

    def fire(self):
        self.running = False
        for f in self.callbacks:
            f()


class Page:
    """ipympl's front end, as far as pictures go."""

    def __init__(self, canvas):
        from PIL import Image  # noqa: F401  (the PNGs are decoded with PIL)

        self.canvas = canvas
        self.inbox = []  # kernel -> page, in order
        self.outbox = []  # page -> kernel, in order
        self.picture = None  # what the canvas shows
        self.source = None  # the image's source, not loaded yet: (pixels)
        self.image_mode = "full"
        self.waiting = False
        canvas._send = self._receive_from_kernel

    def _receive_from_kernel(self, msg, buffers=None):
        self.inbox.append((msg, buffers))

    def start(self):
        for t in ("refresh", "send_image_mode", "initialized"):
            self.outbox.append({"type": t})

    def handle(self):
        """The page handles the next message from the kernel."""
        import io

        from PIL import Image

        msg, buffers = self.inbox.pop(0)
        if msg.get("method") == "update":
            self.image_mode = msg["state"].get("_image_mode", self.image_mode)
            return
        content = json.loads(msg["content"]["data"])
        if content["type"] == "binary":
            png = bytes(buffers[0])
            self.source = (np.asarray(Image.open(io.BytesIO(png)).convert("RGBA")))
            self.waiting = False
        elif content["type"] == "draw" and not self.waiting:
            self.waiting = True
            self.outbox.append({"type": "draw"})

    def load(self):
        """The image's source has loaded: paint it (as the mode reads now)."""
        img, self.source = self.source, None
        if self.image_mode == "full" or self.picture is None or self.picture.shape != img.shape:
            self.picture = img.copy()
        else:
            seen = img[..., 3] > 0
            self.picture[seen] = img[seen]

    def answer(self):
        """The kernel handles the page's next message."""
        content = self.outbox.pop(0)
        if content["type"] == "initialized":
            self.canvas._handle_message(None, content, [])
        else:
            self.canvas.manager.handle_json(content)


def make_explorer(emlib, plot, widgets, monkeypatch):
    from ipympl.backend_nbagg import Canvas, FigureManager
    from matplotlib.figure import Figure

    monkeypatch.setattr(Canvas, "new_timer", lambda self, *a, **k: Timer())
    x, _ = emlib.lecture_em1_data(np.random.default_rng(1))
    fig = Figure(figsize=(6, 2.6), dpi=60, layout="constrained")
    ax, ax_ll = fig.subplots(1, 2)
    FigureManager(Canvas(fig), 1)  # an ipympl canvas, as %matplotlib widget makes
    page = Page(fig.canvas)

    def gmm(k, seed):
        means, covariances, weights = emlib.random_init(x, k, np.random.default_rng(seed))
        return emlib.gmm_em(x, means, covariances, weights, max_iter=40)

    ex = widgets.Explorer(gmm, [plot.Mixture1DView(ax, x), plot.ObjectiveView(ax_ll)], fig,
                          inputs={"k": widgets.slider("k", 2, 1, 4), "seed": widgets.slider("seed", 1, 0, 5)})
    return ex, page


def kernel_picture(canvas):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg.draw(canvas)  # a full draw; the Blitter paints the frame on it
    return np.asarray(canvas.buffer_rgba()).copy()


def timers(ex):
    """The Blitter's timers, wherever it keeps them."""
    found = []
    for v in vars(ex.blitter).values():
        for t in (v.values() if isinstance(v, dict) else [v]):
            if isinstance(t, Timer):
                found.append(t)
    return found


def run_schedule(ex, page, rng, steps):
    """Interleave the student, the page, image loads and the kernel, at random."""
    for _ in range(steps):
        choices = ["student"]
        choices += ["page"] * 3 if page.inbox else []
        choices += ["load"] * 2 if page.source is not None else []
        choices += ["kernel"] * 3 if page.outbox else []
        choices += ["timer"] if any(t.running for t in timers(ex)) else []
        what = rng.choice(choices)
        if what == "student":
            if rng.random() < 0.8:
                ex.set(iteration=rng.randint(0, ex.iteration.max))
            else:
                name = rng.choice(["k", "seed"])
                ex.set(**{name: rng.randint(ex.inputs[name].min, ex.inputs[name].max)})
        elif what == "page":
            page.handle()
        elif what == "load":
            page.load()
        elif what == "kernel":
            page.answer()
        else:
            next(t for t in timers(ex) if t.running).fire()


def quiet(ex, page):
    """Let everything in flight arrive, load and be answered, timers included."""
    for _ in range(1000):
        if page.inbox:
            page.handle()
        elif page.source is not None:
            page.load()
        elif page.outbox:
            page.answer()
        elif any(t.running for t in timers(ex)):
            next(t for t in timers(ex) if t.running).fire()
        else:
            return
    raise AssertionError("the pictures never stop")


@pytest.mark.parametrize("seed", range(6))
def test_the_page_ends_showing_what_the_kernel_draws(emlib_modules, monkeypatch, seed):
    emlib, plot, widgets = emlib_modules
    ex, page = make_explorer(emlib, plot, widgets, monkeypatch)
    page.start()
    quiet(ex, page)
    assert page.picture is not None, "the page never got a picture"
    rng = random.Random(seed)
    for round in range(4):
        run_schedule(ex, page, rng, 60)
        quiet(ex, page)
        truth = kernel_picture(ex.fig.canvas)
        n, _ = harness.wrong_pixels(page.picture, truth)
        assert n == 0, f"seed {seed}, round {round}: {n} pixels differ from the kernel's picture"


def test_layout_is_solved_once(emlib_modules, monkeypatch):
    """Full redraws of the same state give the same picture: the axes do not wobble."""
    emlib, plot, widgets = emlib_modules
    ex, page = make_explorer(emlib, plot, widgets, monkeypatch)
    page.start()
    quiet(ex, page)
    first = kernel_picture(ex.fig.canvas)
    positions = [ax.get_position().bounds for ax in ex.fig.axes]
    ex.set(k=4)
    quiet(ex, page)
    ex.set(k=2)
    quiet(ex, page)
    for _ in range(3):
        again = kernel_picture(ex.fig.canvas)
        assert [ax.get_position().bounds for ax in ex.fig.axes] == positions
        assert harness.wrong_pixels(again, first)[0] == 0
