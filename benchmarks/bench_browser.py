"""How responsive the live figures are in the browser: what a student feels, not Agg alone.

    python benchmarks/bench_browser.py [NN ...]     (e.g. 03 05; default: every notebook)

Each notebook is opened in JupyterLab in headless Chromium (Debian's chromium, as the
browser tests) and run; then every live figure is timed in the page, from the key press
(a keydown listener) to the canvas repaint (ipympl's drawImage onto the figure's canvas,
wrapped by an init script; see tests/browser/harness.py):

- iteration: a key press on the iteration slider -> the canvas repainted;
- input: a key press on an input slider -> the final picture (the first repaint that
  shows the picture the figure ends with);
- Play: repaints per second at the notebook's interval, and the most the canvas shows at
  ever shorter intervals (100, 50, 25, 10 ms), looping (the ceiling);
- bytes per frame: the PNGs the page receives while playing.

"before" and "after" run in the same run, side by side, on two JupyterLab servers: "before"
runs the kernels on emlib with the Blitter and Explorer of the commit before issue 10's fix
(tests/browser/harness.py, emlib_before_fix), "after" on the working tree.
"""

from __future__ import annotations

import contextlib
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))
import harness  # noqa: E402

SPACING = 0.35  # s between single key presses, so that each is timed alone
PLAY_SECONDS = 2.5
CEILING_INTERVALS = (100, 50, 25, 10)


def keys_and_paints(page, cid, t0):
    """Key presses after t0, and this canvas's repaints after t0 as (time, picture hash)."""
    return page.evaluate("([i, t]) => [window.__mpl.keys.filter(k => k > t),"
                         " window.__mpl.paints.filter(p => p[1] === i && p[0] > t).map(p => [p[0], p[2]])]",
                         [cid, t0])


def press_latencies(nb, fig, slider, keys, final):
    """ms from each key press to the next repaint (or, if final, the last one before quiet)."""
    page, out = nb.page, []
    h = slider.locator(".noUi-handle").first
    h.scroll_into_view_if_needed()
    for key in keys:
        h.focus()
        t0 = harness.now(page)
        page.keyboard.press(key)
        if final:
            harness.settle(page, nb.kernel)
        else:
            time.sleep(SPACING)
        presses, paints = keys_and_paints(page, fig.canvas_id, t0)
        if presses and paints:
            if final:  # the first repaint that shows the final picture
                pick = next(t for t, h in paints if h == paints[-1][1])
            else:
                pick = paints[0][0]
            out.append(pick - presses[0])
    return out


def play_rate(nb, fig, interval, repeat, seconds=PLAY_SECONDS):
    """Repaints per second and PNG sizes while Play runs at `interval` ms."""
    page = nb.page
    nb.kernel.explorer(fig.model_id, f"e.play.interval = {interval}; e.play.repeat = {repeat}; "
                                     "e.play.playing = False; e.iteration.value = 0")
    harness.settle(page, nb.kernel)
    t0 = harness.now(page)
    fig.play_buttons.nth(0).click()
    time.sleep(seconds)
    fig.play_buttons.nth(0).click()  # pause
    t1 = harness.now(page)
    harness.settle(page, nb.kernel)
    paints = [p for p in fig.paints() if t0 < p <= t1]
    sizes = harness.pngs_since(page, t0)
    fps = (len(paints) - 1) / (paints[-1] - paints[0]) * 1000 if len(paints) > 2 else float("nan")
    return fps, sizes


def measure(nb):
    """Per notebook: every latency (ms), Play fps per figure, the ceiling, PNG bytes."""
    r = {"iteration": [], "input": [], "fps": [], "ceiling": [], "kept_up": [], "bytes": []}
    for fig in nb.figures:
        it = fig.iteration
        inputs = [fig.sliders.nth(j) for j in range(fig.sliders.count())
                  if fig.sliders.nth(j).locator(".widget-label").inner_text().strip() != "iteration"]
        if it is not None and it.locator(".noUi-handle").first.get_attribute("aria-valuemax") != "0":
            h = it.locator(".noUi-handle").first
            h.focus()
            nb.page.keyboard.press("Home")
            harness.settle(nb.page, nb.kernel)
            r["iteration"] += press_latencies(nb, fig, it, ["ArrowRight"] * 6 + ["ArrowLeft"] * 6, False)
        if inputs:
            r["input"] += press_latencies(nb, fig, inputs[0], ["ArrowRight", "ArrowLeft"] * 2, True)
        if it is not None and fig.play_buttons.count():
            interval = int(nb.kernel.value(
                "next(o for o in __import__('gc').get_objects() if type(o).__name__ == 'Explorer'"
                f" and o.fig.canvas.model_id == {fig.model_id!r}).play.interval"))
            fps, sizes = play_rate(nb, fig, interval, "False")
            if fps == fps:
                r["fps"].append(fps)
            r["bytes"] += sizes
            best, kept = 0.0, None
            for ms in CEILING_INTERVALS:
                fps, sizes = play_rate(nb, fig, ms, "True", seconds=1.5)
                r["bytes"] += sizes
                best = max(best, fps)
                if fps >= 0.8 * 1000 / ms:
                    kept = ms
            r["ceiling"].append(best)
            r["kept_up"].append(kept)
            nb.kernel.explorer(fig.model_id, f"e.play.interval = {interval}; e.play.repeat = False")
    return r


class Open:
    def __init__(self, browser, lab, name, workspace):
        self.errors = []
        self.page = harness.open_notebook(browser, lab.url, lab.token, name, workspace, self.errors)
        self.page.evaluate("() => { window.__mpl.hashing = true; }")
        failure = harness.run_all(self.page)
        if failure:
            raise RuntimeError(f"{name}: {failure}")
        self.kernel = harness.Kernel(lab.url, lab.token, lab.runtime, name)
        harness.settle(self.page, self.kernel)
        self.figures = harness.live_figures(self.page)

    def close(self):
        self.kernel.close()
        self.page.close()


def summary(values, fmt="{:.0f}"):
    if not values:
        return "–"
    return f"{fmt.format(statistics.median(values))} / {fmt.format(max(values))}"


def row(name, label, r):
    kept = [k for k in r["kept_up"] if k is not None]
    return (f"| {name[:2]} | {label} | {summary(r['iteration'])} | {summary(r['input'])} | "
            f"{summary(r['fps'], '{:.1f}')} | {(max(kept) if kept else '–')} ms, "
            f"{min(r['ceiling']) if r['ceiling'] else float('nan'):.1f} fps | "
            f"{summary([b / 1024 for b in r['bytes']], '{:.1f}')} |")


def main(argv):
    from playwright.sync_api import sync_playwright

    wanted = set(argv)
    names = [p.name for p in sorted((harness.ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
             if not wanted or p.name[:2] in wanted]
    rows = []
    with contextlib.ExitStack() as stack, sync_playwright() as p:
        before = stack.enter_context(harness.start_lab(pythonpath=harness.emlib_before_fix()))
        after = stack.enter_context(harness.start_lab())
        browser = p.chromium.launch(executable_path=harness.chromium_path(), args=harness.CHROMIUM_FLAGS)
        for name in names:
            for label, lab in (("before", before), ("after", after)):
                nb = Open(browser, lab, name, f"bench-{label}-{name[:2]}")
                try:
                    if not nb.figures:
                        break
                    r = measure(nb)
                finally:
                    nb.close()
                rows.append(row(name, label, r))
                print(rows[-1], flush=True)
        browser.close()
    print()
    print("median / max; Play fps at the notebook's interval (median / max over figures); "
          "ceiling: the shortest interval kept up with (>= 80 % of its rate) and the slowest "
          "figure's most repaints per second")
    print()
    print("| notebook | code | iteration key → repaint (ms) | input key → final picture (ms) | "
          "Play fps | Play ceiling | KB per frame |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for r in rows:
        print(r)


if __name__ == "__main__":
    main(sys.argv[1:])
