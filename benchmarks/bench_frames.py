"""How responsive the interactive figures are: time per frame, and time to re-run an algorithm.

    python benchmarks/bench_frames.py

A frame is what the iteration slider (or Play) costs: ``view.draw(t)``, then the
Explorer's blit (the kept background restored, only the changing artists painted,
in Agg, as the kernel renders an ipympl figure). Each figure
has the notebooks' size. "replot" is the alternative this design avoids: clear the
axes and plot everything again (what ``interact`` with inline figures does; inline
also saves with ``bbox_inches='tight'``, which costs a second draw).
A recompute is what an input slider costs: running the algorithm for 50 iterations.
Targets: a frame <= 50 ms at N = 1e4 and <= 100 ms at N = 1e5; a 50-iteration history
at N = 1e4 in <= 100 ms.
"""

from __future__ import annotations

import io
import time

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import emlib  # noqa: E402
from emlib import plot  # noqa: E402


def data(n, seed=0):
    """The k-means data of the lecture, scaled up: 2/3 blue N([50,50], 10²I), 1/3 red N([70,60], 5²I)."""
    rng = np.random.default_rng(seed)
    blue = rng.standard_normal((n - n // 3, 2)) * 10 + [50, 50]
    red = rng.standard_normal((n // 3, 2)) * 5 + [70, 60]
    return np.vstack([blue, red])


def best_ms(fn, repeats=5):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return 1e3 * min(times)


def frame_time(fig, views, history):
    """One step of the iteration slider, as the Explorer does it: draw(t), then blit."""
    for v in views:
        v.set_history(history)
    blitter = plot.Blitter(fig, views)
    T = history.n_iter
    frames = iter(range(10**9))

    def one():
        t = next(frames) % (T + 1)
        for v in views:
            v.draw(t)
        blitter.frame()

    one()  # the first frame draws everything and keeps the background
    full = best_ms(fig.canvas.draw, repeats=3)  # what a new history costs: one full draw
    return best_ms(one), full


def replot_time(X, history):
    """Clear and plot again, coloured per point, saved as inline saves (tight bbox)."""
    fig, ax = plt.subplots(figsize=(5.5, 4.6))
    R = history.responsibilities(history.n_iter)
    colours = R @ np.array([plot.color(0), plot.color(1)])

    def one():
        ax.clear()
        ax.scatter(X[:, 0], X[:, 1], s=8, c=colours)
        ax.plot(*history.means[-1].T, "X", ms=16)
        fig.savefig(io.BytesIO(), format="png", bbox_inches="tight")

    ms = best_ms(one, repeats=3)
    plt.close(fig)
    return ms


def main():
    print(f"emlib {emlib.__version__}, matplotlib {matplotlib.__version__} (Agg)\n")
    print("time per frame (ms): view.draw(t) + blit of the changed artists")
    header = f"{'N':>9} | {'k-means':>8} {'hard EM':>8} {'soft EM':>8} {'1-D soft':>8} {'3 side':>8} | {'replot':>8}"
    print(header)
    print("-" * len(header))
    full_rows = []
    init = np.array([[40.0, 50.0], [80.0, 50.0]])
    covs, weights = np.array([50 * np.eye(2)] * 2), np.array([0.5, 0.5])
    for n in (150, 10_000, 100_000):
        X = data(n)
        km = emlib.kmeans(X, init, max_iter=50)
        he = emlib.hard_em(X, init, covs, weights, max_iter=50)
        ge = emlib.gmm_em(X, init, covs, weights, max_iter=50, tol=0)
        x1 = X[:, 0]
        g1 = emlib.gmm_em(x1, [40.0, 80.0], [50.0, 50.0], weights, max_iter=50, tol=0)

        cells, fulls = [], []
        for h, ellipses in ((km, False), (he, True), (ge, True)):
            fig, (ax, ax2) = plt.subplots(1, 2, figsize=(9.4, 4.0), layout="constrained")
            frame, full = frame_time(fig, [plot.ClusterView(ax, X, ellipses=ellipses),
                                           plot.ObjectiveView(ax2)], h)
            cells.append(frame), fulls.append(full)
            plt.close(fig)
        fig, (ax, ax2) = plt.subplots(1, 2, figsize=(9.4, 3.9), layout="constrained")
        frame, full = frame_time(fig, [plot.Mixture1DView(ax, x1), plot.ObjectiveView(ax2)], g1)
        cells.append(frame), fulls.append(full)
        plt.close(fig)
        fig, axes = plt.subplots(1, 3, figsize=(9.4, 3.5), layout="constrained")
        side = plot.SideBySide([plot.ClusterView(a, X) for a in axes])
        frame, full = frame_time(fig, [side], plot.Several([km, he, ge]))
        cells.append(frame), fulls.append(full)
        plt.close(fig)
        base = replot_time(X, ge)
        print(f"{n:>9,} | " + " ".join(f"{c:8.1f}" for c in cells) + f" | {base:8.1f}")
        full_rows.append((n, fulls))

    print("\nfull redraw (ms; once per new history, not per frame):")
    for n, fulls in full_rows:
        print(f"{n:>9,} | " + " ".join(f"{c:8.1f}" for c in fulls))

    print("\ntime to re-run an algorithm when an input slider moves (ms, 50 iterations, N = 10,000)")
    X = data(10_000)
    for name, run in [
        ("kmeans", lambda: emlib.kmeans(X, init, max_iter=50)),
        ("hard_em", lambda: emlib.hard_em(X, init, covs, weights, max_iter=50)),
        ("gmm_em", lambda: emlib.gmm_em(X, init, covs, weights, max_iter=50, tol=0)),
        ("all three", lambda: (emlib.kmeans(X, init, max_iter=50),
                               emlib.hard_em(X, init, covs, weights, max_iter=50),
                               emlib.gmm_em(X, init, covs, weights, max_iter=50, tol=0))),
    ]:
        print(f"  {name:10} {best_ms(run):7.1f}")
    beyond_the_lecture()


def beyond_the_lecture():
    """Notebooks 06 and 07: the up-front fits, a re-run per slider move, a frame."""
    print("\nnotebook 06: select_k(k = 1..8, 5 restarts) on 370 points, done once (ms)")
    rng = np.random.default_rng(2)
    X = np.vstack([rng.normal(c, 1.0, (n, 2)) for c, n in zip(([0, 0], [7, 1], [2, 7], [9, 8]),
                                                              (150, 110, 70, 40))])
    print(f"  {best_ms(lambda: emlib.select_k(X, range(1, 9), np.random.default_rng(0)), 3):7.1f}")

    print("\nnotebook 07: re-run when k, noise or demos moves (demonstrations + best of 3 EM runs, ms), "
          "and one frame (GMR of step t + blit, ms)")

    def imitate(k, demos):
        t, x, _ = emlib.demonstrations(np.random.default_rng(7), n_demos=demos, noise=0.2)
        D = np.column_stack([t.ravel(), x.ravel()])
        return emlib.gmm_restarts(D, k, np.random.default_rng(0), restarts=3, max_iter=200)[0]

    for k, demos in [(5, 5), (10, 10)]:
        h = imitate(k, demos)
        rerun = best_ms(lambda: imitate(k, demos), 3)
        t, x, truth = emlib.demonstrations(np.random.default_rng(7), n_demos=demos, noise=0.2)
        fig, (ax, ax2) = plt.subplots(1, 2, figsize=(9.4, 4.2), layout="constrained",
                                      width_ratios=[1.6, 1])
        frame, full = frame_time(fig, [plot.GMRView(ax, t[0], truth), plot.ObjectiveView(ax2)], h)
        plt.close(fig)
        print(f"  k = {k:2}, {demos:2} demonstrations ({demos * 100:5} points, {h.n_iter:3} iterations): "
              f"re-run {rerun:6.1f}, frame {frame:5.1f}, full redraw {full:6.1f}")


if __name__ == "__main__":
    main()
