"""Views: each draws one frame of a history into axes it owns, updating its artists in place.

A view computes nothing the algorithm already gave; it only looks frame t up in
the history. ``set_history(h)`` is called when the algorithm re-runs (an input
changed), ``draw(t)`` when the iteration changes. Both only change artists;
the caller redraws the canvas once.

Points are drawn as a few ``Line2D`` objects, one per colour, not as a scatter
with a colour per point: at 10,000 points that is 20 ms a frame instead of 100.
"""

from __future__ import annotations

import io
import time

import numpy as np
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Ellipse, Polygon

from .kmeans import KMeansHistory
from .mixture import MixtureHistory
from .regression import gmr

# The lecture's colours: blue and red for the two groups, then more for larger k.
PALETTE = ["tab:blue", "tab:red", "tab:green", "tab:orange", "tab:purple",
           "tab:brown", "tab:pink", "tab:olive", "tab:cyan", "tab:gray"]
_RGB = np.array([to_rgb(c) for c in PALETTE])

# Fonts large enough for a projector.
STYLE = {"font.size": 13, "axes.titlesize": 14, "axes.labelsize": 13, "legend.fontsize": 11}


def color(i: int):
    """RGB of component i (blue, red, green, ...)."""
    return tuple(_RGB[i % len(_RGB)])


def figure(*, figsize=(7, 4.5), **subplots):
    """A figure for a static picture, off pyplot: under ``%matplotlib widget`` a pyplot
    figure becomes a live canvas, which a static page cannot show. Returns (fig, axes)."""
    import matplotlib

    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=figsize, layout="constrained")
        axes = fig.subplots(**subplots)
    return fig, axes


def png(fig, dpi=80) -> bytes:
    """The figure rendered to PNG bytes (Agg)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def show(fig_or_png, dpi=80):
    """Display a static picture in the notebook (an image a static page keeps)."""
    from IPython.display import Image, display

    data = fig_or_png if isinstance(fig_or_png, bytes) else png(fig_or_png, dpi)
    display(Image(data))


# --------------------------------------------------------------------------- frames


def frame(history, t: int) -> dict:
    """What a view needs of step t: centres, and covariances, weights, memberships if any.

    ``members`` is (n, k): one-hot for hard assignments (k-means, hard EM), the
    responsibilities Wᵢʲ for soft EM.
    """
    if isinstance(history, KMeansHistory):
        k = history.centroids.shape[1]
        labels = history.labels[t]
        return {"means": history.centroids[t], "covariances": None, "weights": None,
                "members": (labels[:, None] == np.arange(k)).astype(float),
                "objective": history.inertia, "objective_name": "inertia"}
    if isinstance(history, MixtureHistory):
        return {"means": history.means[t], "covariances": history.covariances[t],
                "weights": history.weights[t], "members": history.responsibilities(t),
                "objective": history.log_likelihood, "objective_name": "log-likelihood"}
    raise TypeError(f"history must be a KMeansHistory or a mixture history; got {type(history).__name__}")


# --------------------------------------------------------------------------- points


class _PointLayer:
    """Points coloured by membership. Sure points (share ≥ 0.99) take their
    component's colour; unsure ones a blend of their two likeliest components'
    colours, in five steps of the share: a handful of Line2D objects in all."""

    LEVELS = np.array([0.55, 0.65, 0.75, 0.85, 0.95])

    def __init__(self, ax, X2, markersize=4.0, alpha=0.8):
        self.ax, self.X = ax, X2
        self.style = {"marker": "o", "linestyle": "none", "markersize": markersize,
                      "alpha": alpha, "markeredgewidth": 0}
        self.lines = {}

    def _line(self, key, rgb):
        if key not in self.lines:
            (self.lines[key],) = self.ax.plot([], [], color=rgb, zorder=2, **self.style)
        return self.lines[key]

    def update(self, members: np.ndarray):
        n, k = members.shape
        if k == 1:
            first, second, share = np.zeros(n, int), np.zeros(n, int), np.ones(n)
        elif k == 2:  # the common case, without a partition
            first = (members[:, 1] > members[:, 0]).astype(int)
            second = 1 - first
            share = np.maximum(members[:, 0], members[:, 1]) / np.maximum(members.sum(axis=1), 1e-300)
        else:
            top2 = np.argpartition(-members, 1, axis=1)[:, :2]
            r = np.take_along_axis(members, top2, axis=1)
            swap = r[:, 1] > r[:, 0]
            first = np.where(swap, top2[:, 1], top2[:, 0])
            second = np.where(swap, top2[:, 0], top2[:, 1])
            share = np.max(r, axis=1) / np.maximum(r.sum(axis=1), 1e-300)
        level = np.where(share >= 0.99, len(self.LEVELS),
                         np.clip(((share - 0.5) * 10).astype(int), 0, len(self.LEVELS) - 1))
        second = np.where(level == len(self.LEVELS), first, second)  # sure: one line per component
        key = (first * k + second) * (len(self.LEVELS) + 1) + level
        present = np.flatnonzero(np.bincount(key))  # a handful of groups: a mask each beats a sort
        for line in self.lines.values():
            line.set_data([], [])
        for kk in present.tolist():
            idx = key == kk
            lev = kk % (len(self.LEVELS) + 1)
            pair = kk // (len(self.LEVELS) + 1)
            i, j = divmod(pair, k)
            if lev == len(self.LEVELS):
                rgb = color(i)
            else:
                s = self.LEVELS[lev]
                rgb = tuple(s * np.array(color(i)) + (1 - s) * np.array(color(j)))
            self._line(("pure", i) if lev == len(self.LEVELS) else (i, j, lev), rgb).set_data(
                self.X[idx, 0], self.X[idx, 1])


def _ellipse_geometry(cov, n_std):
    """Width, height and angle (degrees) of the n_std contour of a 2-D Gaussian."""
    vals, vecs = np.linalg.eigh(cov)
    vals = np.maximum(vals, 0.0)
    angle = np.degrees(np.arctan2(vecs[1, 1], vecs[0, 1]))
    return 2 * n_std * np.sqrt(vals[1]), 2 * n_std * np.sqrt(vals[0]), angle


# --------------------------------------------------------------------------- views


class ClusterView:
    """2-D data coloured by cluster, the centres as big markers, and (for EM) each
    component's 1σ and 2σ ellipses. Works for k-means, hard EM and soft EM histories.
    """

    def __init__(self, ax, X, k_max=10, title="", ellipses=True, truth=None, markersize=None):
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] != 2:
            raise ValueError(f"ClusterView draws 2-D data; X must have shape (n, 2), got {X.shape}.")
        if markersize is None:  # many points overlap anyway; small markers draw twice as fast
            markersize = 4.0 if len(X) <= 5_000 else 3.0 if len(X) <= 30_000 else 2.0
        self.ax, self.X, self.title = ax, X, title
        self.points = _PointLayer(ax, X, markersize=markersize)
        self.centres = [ax.plot([], [], marker="X", markersize=16, color=color(i),
                                markeredgecolor="black", markeredgewidth=1.5, linestyle="none",
                                zorder=5)[0] for i in range(k_max)]
        self.trails = [ax.plot([], [], color=color(i), linewidth=1.5, alpha=0.9, zorder=4)[0]
                       for i in range(k_max)]
        self.ellipses = []
        if ellipses:
            for i in range(k_max):
                pair = [Ellipse((0, 0), 0, 0, fill=False, edgecolor=color(i), linewidth=lw,
                                linestyle=ls, zorder=3, visible=False)
                        for lw, ls in ((2.2, "-"), (1.4, "--"))]
                for e in pair:
                    ax.add_patch(e)
                self.ellipses.append(pair)
        if truth is not None:
            for i in np.unique(truth):
                ax.plot([], [], "o", color=color(int(i)), label=f"true group {int(i)}")
        self._fit(X)
        ax.set_aspect("equal", adjustable="box")  # circles look round, ellipses true
        ax.set_xlabel("x₁")
        ax.set_ylabel("x₂")
        self.label = ax.set_title(title)
        self.history = None

    def artists(self):
        """What changes from frame to frame (drawn over a cached background)."""
        return [*self.points.lines.values(), *self.centres, *self.trails,
                *(e for pair in self.ellipses for e in pair), self.label]

    def _fit(self, points):
        lo, hi = points.min(axis=0), points.max(axis=0)
        pad = 0.06 * (hi - lo).max() + 1e-9
        self.ax.set_xlim(lo[0] - pad, hi[0] + pad)
        self.ax.set_ylim(lo[1] - pad, hi[1] + pad)

    def set_history(self, history):
        self.history = history
        path = history.centroids if isinstance(history, KMeansHistory) else history.means
        self._fit(np.vstack([self.X, path.reshape(-1, 2)]))  # the guesses stay in view

    def draw(self, t):
        h = self.history
        f = frame(h, t)
        means, covs = f["means"], f["covariances"]
        k = means.shape[0]
        self.points.update(f["members"])
        path = h.centroids if isinstance(h, KMeansHistory) else h.means
        for i, (c, trail) in enumerate(zip(self.centres, self.trails)):
            on = i < k
            c.set_data([means[i, 0]] if on else [], [means[i, 1]] if on else [])
            trail.set_data(path[: t + 1, i, 0] if on else [], path[: t + 1, i, 1] if on else [])
        for i, pair in enumerate(self.ellipses):
            for e, n_std in zip(pair, (1.0, 2.0)):
                if covs is None or i >= k or (f["weights"] is not None and f["weights"][i] == 0):
                    e.set_visible(False)
                    continue
                w, hgt, ang = _ellipse_geometry(covs[i], n_std)
                e.set_center(means[i])
                e.set_width(w)
                e.set_height(hgt)
                e.set_angle(ang)
                e.set_visible(True)
        T = len(f["objective"]) - 1
        self.label.set_text(f"{self.title}  iteration {t}/{T}".strip())


class ObjectiveView:
    r"""The objective per iteration, with a cursor at the current iteration and its value
    in the title; the y label says which quantity the curve is.

    By default the curve is what the algorithm itself improves:

    * k-means: the inertia Σⱼ ‖xʲ − c(xʲ)‖², which never rises;
    * soft EM (:class:`~emlib.mixture.GMMHistory`): the log-likelihood Σⱼ log p(xʲ),
      p(x) = Σᵢ πᵢ Gᵢ(x);
    * hard EM (:class:`~emlib.mixture.HardEMHistory`): the classification
      log-likelihood ℓ_c = Σⱼ log π_{zⱼ} G_{zⱼ}(xʲ), zⱼ the group of point j.

    The label says "never falls" only where that is proven: for EM's two curves
    with ``reg_covar = 0`` (a variance floor keeps the M-step from being the exact
    maximiser, and either curve can then fall). ``curve="log_likelihood"`` draws
    Σⱼ log p(xʲ) of any mixture history instead: under hard EM that is a curve that
    can fall. Every step where a curve goes the wrong way (more than rounding) is
    marked (▼ a fall, ▲ a rise of the inertia), so a small fall shows even when the
    first step's jump sets the scale.

    Parameters
    ----------
    ax : matplotlib Axes
    curve : {None, "log_likelihood"}
        None: the algorithm's own objective (above); "log_likelihood": Σⱼ log p(xʲ).
    fit_from : int, default 0
        Fit the y-axis to the steps from this one on: ``fit_from=1`` leaves out the
        initial guess, whose first jump can squash everything after it.
    """

    def __init__(self, ax, curve=None, fit_from=0):
        if curve not in (None, "log_likelihood"):
            raise ValueError(f'curve must be None or "log_likelihood"; got {curve!r}.')
        if isinstance(fit_from, bool) or not isinstance(fit_from, (int, np.integer)) or fit_from < 0:
            raise ValueError(f"fit_from must be a step, an integer ≥ 0 (1 leaves out the initial "
                             f"guess); got {fit_from!r}.")
        self.ax, self.kind, self.fit_from = ax, curve, int(fit_from)
        (self.curve,) = ax.plot([], [], "-o", color="0.3", markersize=3, linewidth=1.5)
        (self.wrong_way,) = ax.plot([], [], "v", color="tab:red", markersize=7, zorder=4,
                                    linestyle="none")
        self.cursor = ax.axvline(0, color="tab:red", linewidth=2)
        (self.dot,) = ax.plot([], [], "o", color="tab:red", markersize=9, zorder=5)
        self.text = ax.set_title("")
        ax.set_xlabel("iteration t")
        ax.ticklabel_format(axis="y", useOffset=False)  # −1129.5, not 0.5 and "−1.13e3" aside
        self.history = None

    def artists(self):
        return [self.cursor, self.dot, self.text]

    def _what(self, history):
        """(values, short name for the title, y label, +1 if it should rise or −1 fall)."""
        from .mixture import GMMHistory, HardEMHistory

        if isinstance(history, KMeansHistory):
            if self.kind is not None:
                raise TypeError("a k-means history has no log-likelihood; use curve=None.")
            return history.inertia, "inertia", "inertia Σ‖x − c(x)‖²\n(never rises)", -1
        if not isinstance(history, MixtureHistory):
            raise TypeError(f"history must be a KMeansHistory or a mixture history; "
                            f"got {type(history).__name__}")
        # "never falls" only where the M-step is the exact maximiser: no variance floor.
        exact = getattr(history, "reg_covar", None) == 0
        if isinstance(history, HardEMHistory):
            if self.kind is None:
                label = "classification\nlog-likelihood $\\ell_c$" + ("\n(never falls)" if exact else "")
                return history.classification_log_likelihood, r"$\ell_c$", label, 1
            # Σ log p(x) is not what hard EM raises: it can fall, floor or not.
            return history.log_likelihood, "log-likelihood", "log-likelihood Σ log p(x)", 1
        never = "\n(never falls)" if isinstance(history, GMMHistory) and exact else ""
        return history.log_likelihood, "log-likelihood", "log-likelihood Σ log p(x)" + never, 1

    def set_history(self, history):
        self.history = history
        y, self.name, ylabel, sign = self._what(history)
        y = np.asarray(y, dtype=float)
        t = np.arange(len(y))
        self.curve.set_data(t, y)
        # A step the wrong way by more than rounding (1e-9 of the value).
        step = sign * np.diff(y)
        wrong = np.flatnonzero(step < -1e-9 * (np.abs(y[1:]) + 1.0)) + 1
        self.wrong_way.set_data(t[wrong], y[wrong])
        self.wrong_way.set_marker("v" if sign > 0 else "^")
        # A short label: a long one overflows a narrow panel and squeezes the layout.
        direction = "falls" if sign > 0 else "rises"
        steps = (f"at t = {', '.join(map(str, wrong))}" if len(wrong) <= 2
                 else f"at {len(wrong)} steps, first t = {wrong[0]}")
        self.wrong_way.set_label(f"{direction} {steps}" if len(wrong) else "_none")
        legend = self.ax.get_legend()
        if legend is not None:
            legend.remove()
        if len(wrong):
            self.ax.legend(handles=[self.wrong_way], loc="best", fontsize=9)
        self.ax.set_ylabel(ylabel)
        shown = y[min(self.fit_from, len(y) - 1):]
        lo, hi = float(shown.min()), float(shown.max())
        span = hi - lo if hi > lo else max(abs(hi), 1.0)
        self.ax.set_xlim(-0.5, max(len(y) - 0.5, 1.5))
        self.ax.set_ylim(lo - 0.08 * span, hi + 0.08 * span)

    def draw(self, t):
        y = self.curve.get_ydata()
        self.cursor.set_xdata([t, t])
        self.dot.set_data([t], [y[t]])
        self.text.set_text(f"{self.name} at t = {t}: {y[t]:.2f}")


class Mixture1DView:
    """1-D data: a histogram, each component's πᵢ N(x | μᵢ, σᵢ²) and their sum, and
    the points as a rug coloured by membership (blends for soft EM)."""

    def __init__(self, ax, x, k_max=10, title="", bins=40, truth=None):
        x = np.asarray(x, dtype=float).ravel()
        self.ax, self.x, self.title = ax, x, title
        ax.hist(x, bins=bins, density=True, color="0.85", edgecolor="0.6", label="data")
        lo, hi = x.min(), x.max()
        pad = 0.1 * (hi - lo + 1e-9)
        self.grid = np.linspace(lo - pad, hi + pad, 600)
        self.curves = [ax.plot([], [], color=color(i), linewidth=2.2)[0] for i in range(k_max)]
        (self.total,) = ax.plot([], [], color="black", linewidth=1.6, linestyle="--",
                                label="mixture p(x)")
        self.means = [ax.axvline(0, color=color(i), linewidth=1, linestyle=":", visible=False)
                      for i in range(k_max)]
        rug = np.column_stack([x, np.zeros_like(x)])
        self.points = _PointLayer(ax, rug, markersize=7, alpha=0.7)
        self.points.style["marker"] = "|"
        self.points.style["markeredgewidth"] = 1.5
        ax.set_xlim(self.grid[0], self.grid[-1])
        ax.set_xlabel("x")
        ax.set_ylabel("density")
        ax.legend(loc="upper left")
        self.label = ax.set_title(title)
        self.history = None

    def artists(self):
        return [*self.curves, self.total, *self.means, *self.points.lines.values(), self.label]

    def set_history(self, history):
        self.history = history
        # The sum of the components' peaks bounds the mixture curve of every frame.
        c, w = history.covariances[:, :, 0, 0], history.weights
        ymax = float((w / np.sqrt(2 * np.pi * c)).sum(axis=1).max())
        heights = [p.get_height() for p in self.ax.patches]
        top = max(max(heights, default=0), min(ymax, 3 * max(heights, default=1)))
        self.ax.set_ylim(-0.04 * top, 1.1 * top)

    def draw(self, t):
        from .gaussian import normal_pdf

        h = self.history
        m, c, w = h.means[t, :, 0], h.covariances[t, :, 0, 0], h.weights[t]
        k = len(w)
        # The means join the grid: a component narrower than the grid's spacing (a
        # collapse, a tiny floor) still shows its peak instead of vanishing between points.
        grid = np.union1d(self.grid, m)
        total = np.zeros_like(grid)
        for i, (curve, vline) in enumerate(zip(self.curves, self.means)):
            if i < k:
                y = w[i] * normal_pdf(grid, m[i], np.sqrt(c[i]))
                total += y
                curve.set_data(grid, y)
                vline.set_xdata([m[i], m[i]])
                vline.set_visible(True)
            else:
                curve.set_data([], [])
                vline.set_visible(False)
        self.total.set_data(grid, total)
        self.points.update(frame(h, t)["members"])
        self.label.set_text(f"{self.title}  iteration {t}/{h.n_iter}".strip())


# --------------------------------------------------------------------------- static frames


def frame_grid(history, make_view, frames=None, ncols=None, size=(4.2, 3.8), title=None):
    """A static row (or grid) of a few frames of a history, as PNG bytes.

    For readers without a kernel: beside each interactive figure, the notebook
    shows this picture, so a static page still shows the algorithm moving.

    Parameters
    ----------
    history : a history from emlib
    make_view : callable (ax) -> view
        Builds the view to draw into each panel (e.g. ``lambda ax: ClusterView(ax, X)``).
    frames : list of int, optional
        Steps to show; default 0, 1, 2, the middle one and the last.
    """
    T = len(frame(history, 0)["objective"]) - 1
    if frames is None:
        frames = sorted({0, min(1, T), min(2, T), T // 2, T})
    frames = [t % (T + 1) for t in frames]
    ncols = ncols or len(frames)
    nrows = -(-len(frames) // ncols)
    import matplotlib

    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(size[0] * ncols, size[1] * nrows), layout="constrained")
        axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
        for ax, t in zip(axes, frames):
            view = make_view(ax)
            view.set_history(history)
            view.draw(t)
        for ax in axes[len(frames):]:
            ax.set_visible(False)
        if title:
            fig.suptitle(title)
        return png(fig, dpi=72)


# --------------------------------------------------------------------------- several runs


class Several(tuple):
    """Histories of several algorithms run on the same input, for views side by side;
    ``n_iter`` is the longest run's."""

    @property
    def n_iter(self):
        return max(h.n_iter for h in self)


class SideBySide:
    """Views side by side, the i-th drawing the i-th history of a :class:`Several`;
    a run that has already stopped shows its last frame."""

    def __init__(self, views):
        self.views = list(views)

    def artists(self):
        return [a for v in self.views for a in v.artists()]

    def set_history(self, histories):
        for view, h in zip(self.views, histories):
            view.set_history(h)
        self.lengths = [h.n_iter for h in histories]

    def draw(self, t):
        for view, T in zip(self.views, self.lengths):
            view.draw(min(t, T))


# --------------------------------------------------------------------------- Gaussians and Bayes


class SamplesView:
    """Histograms of samples (density-scaled steps) over a pdf curve (lecture part 1).

    ``set_history(r)`` takes an object with ``samples``: a list of (array, label) and
    ``pdf``: the density on ``grid``; optional ``note`` is shown in the corner.
    """

    def __init__(self, ax, grid, bins, title="", ylim=None):
        self.ax, self.grid, self.bins = ax, np.asarray(grid), np.asarray(bins)
        self.steps = []
        (self.pdf,) = ax.plot([], [], color="black", linewidth=2.2, label="pdf")
        self.note = ax.text(0.98, 0.96, "", transform=ax.transAxes, ha="right", va="top",
                            fontsize=10, bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "0.8"})
        ax.set_xlim(self.bins[0], self.bins[-1])
        if ylim:
            ax.set_ylim(*ylim)
        ax.set_xlabel("x")
        ax.set_ylabel("density")
        ax.set_title(title)

    def artists(self):
        return [*self.steps, self.pdf, self.note]

    def set_history(self, r):
        self.result = r

    def draw(self, t=0):
        r = self.result
        for i, (sample, label) in enumerate(r.samples):
            counts, _ = np.histogram(sample, bins=self.bins)
            density = counts / max(len(sample), 1) / np.diff(self.bins)
            if i == len(self.steps):
                self.steps.append(self.ax.stairs(density, self.bins, color=color(i), linewidth=1.8,
                                                 label=label))
                self.ax.legend(loc="upper left", fontsize=9)
            self.steps[i].set_data(density, self.bins)
        self.pdf.set_data(self.grid, r.pdf)
        self.note.set_text(getattr(r, "note", ""))


class LinearMapView:
    """Samples z' = A z of z ~ N(0, I), with the 1σ and 2σ contours of N(0, A Aᵀ).

    ``set_history(r)``: r has ``points`` (n, 2), ``cov`` (2, 2) and ``note``. When
    A Aᵀ is singular the points lie on a line and there is no density: the
    contours hide and the note says so.
    """

    def __init__(self, ax, lim=8.0, title="z' = A z"):
        self.ax = ax
        (self.points,) = ax.plot([], [], "o", markersize=3, alpha=0.5, color=color(0),
                                 markeredgewidth=0)
        self.ellipses = [Ellipse((0, 0), 0, 0, fill=False, edgecolor=color(1), linewidth=lw,
                                 linestyle=ls, zorder=3) for lw, ls in ((2.2, "-"), (1.4, "--"))]
        for e in self.ellipses:
            ax.add_patch(e)
        self.note = ax.text(0.02, 0.98, "", transform=ax.transAxes, ha="left", va="top",
                            family="monospace", fontsize=11,
                            bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "0.8"})
        ax.set_xlim(-lim, lim)
        ax.set_ylim(-lim, lim)
        ax.set_aspect("equal", adjustable="box")
        ax.set_xlabel("x₁")
        ax.set_ylabel("x₂")
        ax.set_title(title)

    def artists(self):
        return [self.points, *self.ellipses, self.note]

    def set_history(self, r):
        self.result = r

    def draw(self, t=0):
        r = self.result
        self.points.set_data(r.points[:, 0], r.points[:, 1])
        singular = np.linalg.eigvalsh(r.cov)[0] <= 1e-12 * max(np.abs(r.cov).max(), 1e-300)
        for e, n_std in zip(self.ellipses, (1.0, 2.0)):
            e.set_visible(not singular)
            if not singular:
                w, h, ang = _ellipse_geometry(r.cov, n_std)
                e.set_width(w)
                e.set_height(h)
                e.set_angle(ang)
        self.note.set_text(r.note)


class PosteriorView:
    """Two classes in 1-D (lecture, end of part 1): top, p(x | wᵢ) P(wᵢ) and their sum
    p(x); bottom, the posteriors P(wᵢ | x); the decision boundaries as vertical lines.

    ``set_history(r)``: r has ``weighted`` (2, m), ``posterior`` (2, m), ``boundaries``.
    """

    def __init__(self, ax_top, ax_bottom, grid, names=("w₁", "w₂")):
        self.top, self.bottom, self.grid = ax_top, ax_bottom, np.asarray(grid)
        self.weighted = [ax_top.plot([], [], color=color(i), linewidth=2.2,
                                     label=f"p(x | {n}) P({n})")[0] for i, n in enumerate(names)]
        (self.evidence,) = ax_top.plot([], [], "k--", linewidth=1.5, label="p(x) = Σ p(x | wᵢ) P(wᵢ)")
        self.posterior = [ax_bottom.plot([], [], color=color(i), linewidth=2.2,
                                         label=f"P({n} | x)")[0] for i, n in enumerate(names)]
        self.lines = [ax.axvline(0, color="0.3", linestyle=":", linewidth=1.5, visible=False)
                      for ax in (ax_top, ax_bottom) for _ in range(2)]
        for ax in (ax_top, ax_bottom):
            ax.set_xlim(self.grid[0], self.grid[-1])
            ax.legend(loc="upper right", fontsize=10)
        ax_top.set_ylabel("density")
        ax_top.set_title("likelihood × prior")
        ax_bottom.set_ylim(-0.03, 1.03)
        ax_bottom.set_xlabel("x")
        ax_bottom.set_ylabel("probability")
        self.label = ax_bottom.set_title("posterior")

    def artists(self):
        return [*self.weighted, self.evidence, *self.posterior, *self.lines, self.label]

    def set_history(self, r):
        self.result = r
        top = float(np.max(r.weighted.sum(axis=0)))
        self.top.set_ylim(0, 1.1 * top if top > 0 else 1)

    def draw(self, t=0):
        r = self.result
        for i in range(2):
            self.weighted[i].set_data(self.grid, r.weighted[i])
            self.posterior[i].set_data(self.grid, r.posterior[i])
        self.evidence.set_data(self.grid, r.weighted.sum(axis=0))
        b = list(r.boundaries)[:2]
        for j, line in enumerate(self.lines):
            k = j % 2
            line.set_visible(k < len(b))
            if k < len(b):
                line.set_xdata([b[k], b[k]])
        where = ", ".join(f"{x:.2f}" for x in b) or "none in view"
        self.label.set_text(f"posterior: decide w₁ where P(w₁ | x) > ½ (boundary {where})")


# --------------------------------------------------------------------------- beyond the lecture


class CriteriaView:
    """How many clusters? (notebook 06): for every k of a :class:`emlib.Selection`, top,
    the log-likelihood per point of the training and the held-out data; bottom, BIC
    and AIC. Lines join each k's best run, small dots are the other restarts, a star
    marks each criterion's choice. A cursor follows the k of the history shown, and
    red rings mark that run's own scores.
    """

    CURVES = (("log_likelihood", "training", "0.25", "top"), ("held_out", "held-out", "tab:green", "top"),
              ("bic", "BIC", "tab:purple", "bottom"), ("aic", "AIC", "tab:orange", "bottom"))

    def __init__(self, ax_top, ax_bottom, selection):
        self.top, self.bottom, self.selection = ax_top, ax_bottom, selection
        ks = selection.ks
        self.rings = {}
        for name, label, c, where in self.CURVES:
            ax = ax_top if where == "top" else ax_bottom
            values = getattr(selection, name)
            if np.all(np.isnan(values)):
                continue
            ax.plot(np.repeat(ks, values.shape[1] - 1), values[:, 1:].ravel(), ".", color=c,
                    alpha=0.45, markersize=5)
            ax.plot(ks, values[:, 0], "-o", color=c, markersize=4, linewidth=1.8, label=label)
            if name != "log_likelihood":  # the training log-likelihood would pick the largest k
                i = int(np.flatnonzero(ks == selection.choice(name))[0])
                ax.plot(ks[i], values[i, 0], "*", color=c, markersize=17,
                        markeredgecolor="black", zorder=5)
            self.rings[name] = ax.plot([], [], "o", markerfacecolor="none", markeredgecolor="tab:red",
                                       markersize=11, markeredgewidth=2, zorder=6)[0]
        ax_top.set_ylabel("log-lik. per point")
        ax_top.legend(loc="lower right", fontsize=10)
        ax_bottom.set_ylabel("criterion")
        ax_bottom.legend(loc="upper right", fontsize=10)
        ax_bottom.set_xlabel("number of components k")
        for ax in (ax_top, ax_bottom):
            ax.set_xticks(ks)
            ax.set_xlim(ks.min() - 0.5, ks.max() + 0.5)
        ax_top.tick_params(labelbottom=False)
        self.cursors = [ax.axvline(ks[0], color="tab:red", linewidth=2, alpha=0.6)
                        for ax in (ax_top, ax_bottom)]
        self.label = ax_top.set_title("", fontsize=11)

    def artists(self):
        return [*self.cursors, *self.rings.values(), self.label]

    def set_history(self, history):
        """Find the run among the selection's (by identity) and mark its k and scores."""
        sel = self.selection
        k = history.means.shape[1]
        runs = sel.runs.get(k, [])
        r = next((j for j, h in enumerate(runs) if h is history), None)
        for c in self.cursors:
            c.set_xdata([k, k])
        if r is None:
            for ring in self.rings.values():
                ring.set_data([], [])
            self.label.set_text(f"k = {k}: a run that is not in the selection")
            return
        i = int(np.flatnonzero(sel.ks == k)[0])
        for name, ring in self.rings.items():
            ring.set_data([k], [getattr(sel, name)[i, r]])
        self.label.set_text(f"k = {k}, restart {r + 1}: BIC {sel.bic[i, r]:.0f}, "
                            f"AIC {sel.aic[i, r]:.0f}")

    def draw(self, t):
        pass  # nothing here moves with the iteration: the scores are of finished runs


class GMRView:
    """Gaussian mixture regression over demonstrations (notebook 07).

    The demonstrations (t, x) as grey lines, each component's 1σ and 2σ ellipses in
    the (t, x) plane, and the regression: the mean of x given t with a band of ±2
    standard deviations, computed by :func:`emlib.gmr` from the parameters of step t.
    With ``truth`` (the demonstrated motion on ``grid``), the title gives the RMS
    distance from the regressed mean to it.
    """

    def __init__(self, ax, grid, truth=None, k_max=10, title=""):
        self.ax, self.grid, self.title = ax, np.asarray(grid, dtype=float), title
        self.truth = None if truth is None else np.asarray(truth, dtype=float)
        (self.demos,) = ax.plot([], [], color="0.6", linewidth=0.9, alpha=0.8,
                                label="demonstrations")
        if self.truth is not None:
            ax.plot(self.grid, self.truth, ":", color="black", linewidth=1.8, label="motion taught")
        self.band = Polygon(np.zeros((0, 2)), closed=True, facecolor="tab:blue", alpha=0.22,
                            edgecolor="none", label="±2 std")
        ax.add_patch(self.band)
        (self.mean,) = ax.plot([], [], color="tab:blue", linewidth=2.6, label="GMR mean")
        self.ellipses = []
        for i in range(k_max):
            pair = [Ellipse((0, 0), 0, 0, fill=False, edgecolor=color(i + 1), linewidth=lw,
                            linestyle=ls, zorder=3, visible=False)
                    for lw, ls in ((1.8, "-"), (1.1, "--"))]
            for e in pair:
                ax.add_patch(e)
            self.ellipses.append(pair)
        ax.set_xlim(self.grid[0], self.grid[-1])
        ax.set_xlabel("time t")
        ax.set_ylabel("position x")
        ax.legend(loc="lower left", fontsize=9, ncols=2)
        self.label = ax.set_title(title)
        self.history = None

    def artists(self):
        return [self.band, self.mean, *(e for pair in self.ellipses for e in pair), self.label]

    def set_history(self, history):
        if not isinstance(history, MixtureHistory) or history.X.shape[1] != 2:
            raise TypeError("GMRView draws a mixture history of 2-D data (t, x).")
        self.history = history
        t, x = history.X[:, 0], history.X[:, 1]
        breaks = np.flatnonzero(np.diff(t) < 0) + 1  # a new demonstration starts where t falls
        self.demos.set_data(np.insert(t, breaks, np.nan), np.insert(x, breaks, np.nan))
        lo, hi = float(x.min()), float(x.max())
        if self.truth is not None:
            lo, hi = min(lo, self.truth.min()), max(hi, self.truth.max())
        pad = 0.25 * (hi - lo) + 1e-9
        self.ax.set_ylim(lo - pad, hi + pad)

    def draw(self, t):
        h = self.history
        means, covs, weights = h.params(t)
        mean, cov = gmr(means, covs, weights, self.grid, [0])
        m, sd = mean[:, 0], np.sqrt(cov[:, 0, 0])
        self.mean.set_data(self.grid, m)
        self.band.set_xy(np.column_stack([np.r_[self.grid, self.grid[::-1]],
                                          np.r_[m + 2 * sd, (m - 2 * sd)[::-1]]]))
        k = len(weights)
        for i, pair in enumerate(self.ellipses):
            for e, n_std in zip(pair, (1.0, 2.0)):
                on = i < k and weights[i] > 0
                e.set_visible(on)
                if on:
                    w, hgt, ang = _ellipse_geometry(covs[i], n_std)
                    e.set_center(means[i])
                    e.set_width(w)
                    e.set_height(hgt)
                    e.set_angle(ang)
        text = f"{self.title}  iteration {t}/{h.n_iter}".strip()
        if self.truth is not None:
            self.rmse = float(np.sqrt(np.mean((m - self.truth) ** 2)))
            text += f" · RMS error {self.rmse:.3f}"
        self.label.set_text(text.strip())


# --------------------------------------------------------------------------- fast frames


class Blitter:
    """Redraw only what changes between frames (matplotlib's blitting pattern), and send a
    live canvas's pictures so that the browser never paints a frame over a stale picture.

    A full draw (first display, a resize, a new history) paints the axes, ticks and
    labels, keeps that picture as the background, then paints the views' changing artists
    on top. A frame restores the background and paints only the changing artists: no
    layout, no tick labels.

    The layout is solved once per figure, until it rests (and again after a resize):
    constrained layout re-solved at every full draw moved the axes by a few pixels each time.

    A live (ipympl) canvas sends each picture as a PNG of the pixels that changed since
    the last one. The browser drops a PNG when the next one arrives before it has loaded,
    and the changes after it then paint over a stale picture. So on a live canvas:

    - one picture at a time: what is asked for is painted once the message being handled
      is done, and sent with a "draw" event after it, which the browser answers (ipympl's
      draw request) once it has taken the picture; what is asked for meanwhile becomes
      one picture, of the latest state, sent on that answer;
    - once no picture has been asked for during ``settle`` seconds, the last one is sent
      again whole, so the picture a student is left with is always right (a picture can
      still be dropped when the page is busy as it loads);
    - an answer that has not come within ``patience`` seconds (a reloaded page) is not
      waited for: the next picture is sent whole.
    Every PNG is sent in ipympl's "diff" mode, a whole picture as the diff against nothing
    (every pixel): the page reads the mode, a widget state that arrives apart from the PNG,
    when a PNG has loaded, so a switch to "full" and back could clear the canvas under a diff.
    Nothing is painted before the browser first asks: a canvas drawn before the page shows
    it stays 0 x 0 px.
    """

    settle = 0.5  # s of quiet before the last picture is sent whole (longer than Play's steps)
    patience = 1.0  # s to wait for the browser's answer

    def __init__(self, fig, views):
        self.fig, self.canvas, self.views = fig, fig.canvas, list(views)
        self.background = None
        self._wanted = None  # None, "whole" (the same picture, every pixel), "frame" or "full"
        self._layout = None  # the layout engine, set aside once its layout is solved
        self.canvas.mpl_connect("draw_event", self._on_draw)
        self.canvas.mpl_connect("resize_event", self._on_resize)
        # ipympl (matplotlib's webagg core): a canvas that sends PNGs to a browser
        self.live = hasattr(self.canvas, "get_diff_image") and hasattr(self.canvas, "send_event")
        if self.live:
            self._asked = False  # a "draw" event sent, not answered yet
            self._shown = False  # the browser has answered once: the canvas is on the page
            self._whole_next = False  # the next PNG holds every pixel
            self.canvas._current_image_mode = self.canvas._image_mode = "diff"
            self._timers = {}
            for name, seconds, callback in (("soon", 0, self._flush),
                                            ("keyframe", self.settle, self._send_whole_soon),
                                            ("watchdog", self.patience, self._unanswered)):
                timer = self._timers[name] = self.canvas.new_timer(interval=int(1000 * seconds))
                timer.single_shot = True
                timer.add_callback(callback)
            # Every redraw asked for (a resize, the toolbar, pyplot) goes through full(),
            # and the browser's "draw" request is its answer.
            self.canvas.draw_idle = self.full
            self.canvas.handle_draw = self._on_browser_answer
            refresh = self.canvas.handle_refresh

            def on_refresh(event):  # a (new) page shows the canvas: nothing is on its way
                self._asked = False
                refresh(event)

            self.canvas.handle_refresh = on_refresh

    def _artists(self):
        artists = [a for v in self.views for a in v.artists()]
        for a in artists:
            a.set_animated(True)  # left out of full draws: they go on the background
        return artists

    def _on_draw(self, event=None):
        self.background = self.canvas.copy_from_bbox(self.fig.bbox)
        self._paint()

    def _on_resize(self, event=None):
        if self._layout is not None:  # a new size: solve the layout again
            self.fig.set_layout_engine(self._layout)
            self._layout = None
        self.background = None

    def _paint(self):
        for a in self._artists():
            self.fig.draw_artist(a)

    def _solve_layout(self):
        """Run the layout engine until the axes stop moving, then keep that layout."""
        from matplotlib.layout_engine import PlaceHolderLayoutEngine

        engine = self.fig.get_layout_engine()
        if engine is None or isinstance(engine, PlaceHolderLayoutEngine):
            return  # no engine, or the layout is solved already
        before = None
        for _ in range(10):
            engine.execute(self.fig)
            now = np.array([ax.get_position().bounds for ax in self.fig.axes])
            if before is not None and np.abs(now - before).max() < 1e-5:
                break
            before = now
        self._layout = engine
        self.fig.set_layout_engine("none")

    # -- what the Explorer calls

    def full(self):
        """After a new history (limits may have changed): redraw everything."""
        self._want("full")

    def frame(self):
        """After the iteration changed: repaint the changing artists over the background."""
        self._want("frame")

    _ORDER = {None: 0, "whole": 1, "frame": 2, "full": 3}

    def _want(self, what):
        if self._ORDER[what] > self._ORDER[self._wanted]:
            self._wanted = what
        if not self.live:
            self._paint_wanted()
        elif not self._shown:
            self._ask()  # the page answers once it shows the canvas
        else:
            self._timers["soon"].start()  # once the message being handled is done

    # -- painting

    def _paint_wanted(self):
        wanted, self._wanted = self._wanted, None
        if wanted is None:
            return
        if wanted == "whole":  # the picture the canvas holds, sent again whole
            self._next_whole()
            self.canvas._png_is_old = True
            self.canvas.manager.refresh_all()
            return
        self._artists()
        if wanted == "full" or self.background is None:
            self._solve_layout()
            # Draws now on Agg; its draw_event keeps the background and paints the artists.
            # (A live canvas: ipympl's draw() sends the picture too.)
            self.canvas.draw() if self.live else self.canvas.draw_idle()
        else:
            self.canvas.restore_region(self.background)
            self._paint()
            self.canvas.blit(self.fig.bbox)

    # -- a live canvas: one picture at a time

    def _flush(self):
        if self._wanted is not None and not self._asked:  # else the answer sends it
            self._send()

    def _send(self):
        """Paint what is wanted, send it, and ask the browser to answer when it has it."""
        w, h = self.canvas.get_width_height(physical=True)
        if self.canvas._force_full or self.canvas._last_buff.shape != (h, w):
            self.canvas._force_full = False  # (a new page, a new size): whole, in diff mode
            self.canvas._last_buff = np.zeros((h, w), np.uint32)
            self._whole_next = True
        sent = self.canvas._last_buff  # replaced by every picture sent
        try:
            self._paint_wanted()
        finally:
            if self.canvas._last_buff is sent:  # painting failed: send what there is
                self._wanted = "whole"
                self._paint_wanted()
        whole, self._whole_next = self._whole_next, False
        self._timers["keyframe"].stop()
        if not whole:
            self._timers["keyframe"].start()  # if nothing else comes, send it whole
        self._ask()

    def _next_whole(self):
        """Make the next PNG hold every pixel, still in diff mode: the diff against zeros
        (no pixel of a figure is 0, which would be transparent black)."""
        self.canvas._last_buff = np.zeros_like(self.canvas._last_buff)
        self._whole_next = True

    def _ask(self):
        if not self._asked:
            self._asked = True
            self.canvas.send_event("draw")
            self._timers["watchdog"].start()

    def _on_browser_answer(self, event=None):
        """The browser asks for a picture: it has taken the last one."""
        self._asked, self._shown = False, True
        self._timers["watchdog"].stop()
        if self._wanted is not None:
            self._send()

    def _send_whole_soon(self):
        self._want("whole")

    def _unanswered(self):
        if self._asked and self._shown:  # answer lost: go on, and send the next one whole
            self._asked = False
            self._next_whole()
            if self._wanted is not None:
                self._send()
