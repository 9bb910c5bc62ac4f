"""The views and the slider wiring, headless (Agg): what is drawn is what the history says."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.figure import Figure

import emlib
from emlib import plot, widgets


@pytest.fixture
def data():
    return emlib.lecture_kmeans_data(np.random.default_rng(12))


def drawn_points(layer):
    """Every point the layer draws, with the colour it is drawn in."""
    pts, cols = [], []
    for line in layer.lines.values():
        x, y = line.get_data()
        pts += list(zip(x, y))
        cols += [matplotlib.colors.to_rgb(line.get_color())] * len(x)
    return pts, cols


def test_each_point_is_drawn_once_in_its_cluster_colour(data):
    X, _ = data
    h = emlib.kmeans(X, [[40, 50], [80, 50]])
    view = plot.ClusterView(Figure().subplots(), X)
    view.set_history(h)
    for t in (0, h.n_iter):
        view.draw(t)
        pts, cols = drawn_points(view.points)
        assert sorted(pts) == sorted(map(tuple, X))
        colour_of = dict(zip(pts, cols))
        for x, label in zip(X, h.labels[t]):
            assert colour_of[tuple(x)] == plot.color(int(label))
        np.testing.assert_allclose([c.get_xydata()[0] for c in view.centres[:2]], h.centroids[t])


def test_soft_memberships_blend_the_two_likeliest_colours(data):
    X, _ = data
    h = emlib.gmm_em(X, [[40, 50], [80, 50]], [np.eye(2) * 50] * 2, [0.5, 0.5], max_iter=3)
    view = plot.ClusterView(Figure().subplots(), X)
    view.set_history(h)
    view.draw(1)
    pts, cols = drawn_points(view.points)
    assert sorted(pts) == sorted(map(tuple, X))
    R = h.responsibilities(1)
    colour_of = dict(zip(pts, cols))
    for x, r in zip(X, R):
        c = np.array(colour_of[tuple(x)])
        exact = r @ np.array([plot.color(0), plot.color(1)])
        assert np.abs(c - exact).max() < 0.06  # five blend levels: within half a step
    assert all(e.get_visible() for e in view.ellipses[0] + view.ellipses[1])
    w, hgt, _ = plot._ellipse_geometry(h.covariances[1][0], 1.0)
    assert view.ellipses[0][0].get_width() == pytest.approx(w)


def test_objective_cursor_and_1d_view(data):
    x, _ = emlib.lecture_em1_data(np.random.default_rng(1))
    h = emlib.gmm_em(x, [3.0, 5.0], [1.0, 1.0], [0.5, 0.5])
    fig = Figure()
    ax1, ax2 = fig.subplots(1, 2)
    v1, v2 = plot.Mixture1DView(ax1, x), plot.ObjectiveView(ax2)
    for v in (v1, v2):
        v.set_history(h)
        v.draw(2)
    assert v2.cursor.get_xdata()[0] == 2 and v2.dot.get_ydata()[0] == h.log_likelihood[2]
    y = v1.curves[1].get_ydata()
    assert y.max() == pytest.approx(
        (h.weights[2, 1] * emlib.normal_pdf(v1.grid, h.means[2, 1, 0],
                                             np.sqrt(h.covariances[2, 1, 0, 0]))).max())
    fig.canvas.draw()


def test_frame_grid_is_a_png(data):
    X, _ = data
    png = plot.frame_grid(emlib.kmeans(X, [[20, 30], [80, 80]]), lambda ax: plot.ClusterView(ax, X))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def make_explorer(X):
    fig = Figure()
    ax = fig.subplots()
    view = plot.ClusterView(ax, X)

    def compute(k):
        means = X[np.arange(k) % len(X)]  # k means even when k > n
        return emlib.gmm_em(X, means, [np.eye(2) * 50] * k, np.full(k, 1 / k), max_iter=30)

    ex = widgets.Explorer(compute, [view], fig, inputs={"k": widgets.slider("k", 2, 1, 200)})
    return ex, view


def test_explorer_recomputes_on_inputs_and_draws_on_iteration(data):
    X, _ = data
    ex, view = make_explorer(X)
    first = ex.history
    ex.set(iteration=3)
    assert ex.history is first  # scrubbing never recomputes
    np.testing.assert_allclose(view.centres[1].get_xydata()[0], first.means[3, 1])
    ex.play.value = 5  # the Play button moves the iteration slider
    assert ex.iteration.value == 5
    ex.set(k=3)
    assert ex.history is not first and ex.play.max == ex.iteration.max == ex.n_iter


def test_bad_slider_setting_shows_a_message_not_a_traceback(data):
    X, _ = data
    ex, view = make_explorer(X[:10])
    good = ex.history
    ex.set(k=20)  # more components than points
    assert "k = 20 components but X has only n = 10" in ex.message.value
    assert ex.history is good
    ex.set(k=2)
    assert ex.message.value == ""


def test_collapse_shows_its_message_and_the_run_before_it():
    x = np.array([0.0, 0.3, -0.4, 0.8, -0.9, 0.2, 5.0])
    fig = Figure()
    view = plot.Mixture1DView(fig.subplots(), x)
    ex = widgets.Explorer(
        lambda reg: emlib.gmm_em(x, [0.0, 5.0], [1.0, 0.5], [0.5, 0.5], tol=0, reg_covar=reg),
        [view], fig, inputs={"reg": widgets.slider("reg", 0.0, 0.0, 1.0, 0.01)})
    assert "collapsed" in ex.message.value and ex.history.n_iter >= 1
    assert "iterations 0.." in repr(ex)


def test_side_by_side_clamps_each_run_to_its_own_length(data):
    X, _ = data
    init = np.array([[40.0, 50], [80, 50]])
    runs = plot.Several([emlib.kmeans(X, init),
                         emlib.gmm_em(X, init, [np.eye(2) * 50] * 2, [0.5, 0.5], max_iter=40, tol=0)])
    assert runs.n_iter == 40
    axes = Figure().subplots(1, 2)
    side = plot.SideBySide([plot.ClusterView(ax, X) for ax in axes])
    side.set_history(runs)
    side.draw(30)
    assert side.views[0].label.get_text().endswith(f"iteration {runs[0].n_iter}/{runs[0].n_iter}")
    assert side.views[1].label.get_text().endswith("iteration 30/40")


def test_short_message_is_the_first_sentence_even_with_numbers():
    e = ValueError("cov must be positive definite; got [[7.     6.0622]\n [6.0622 5.25  ]] with "
                   "smallest eigenvalue 0. Give every direction a positive variance.")
    assert widgets.short(e).endswith("smallest eigenvalue 0.")
    assert widgets.short("no full stop") == "no full stop"
