"""Notebook 05's claims about runs, computed over the settings its sliders offer.

Each test names the sentence of notebooks/05-gmm-soft-em.ipynb it backs. The data are drawn
as the notebook draws them (its `rng` is seeded 12 and first used for `x`).
"""

import itertools
import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import brentq
from scipy.special import logsumexp
from scipy.stats import multivariate_normal

import emlib
from emlib.exercises import EXERCISES, is_right

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "05-gmm-soft-em.ipynb"

x, truth = emlib.lecture_em1_data(np.random.default_rng(12))
X, X_truth = emlib.lecture_kmeans_data(np.random.default_rng(12))
xc = np.array([0.0, 0.3, -0.4, 0.8, -0.9, 0.2, 5.0])  # the collapse: six points near 0, one at 5
START = dict(means=[0.0, 3.0], covariances=[1.0, 9.0], weights=[0.5, 0.5])

KS, SEEDS = range(1, 7), range(21)  # gmm(x, k)'s sliders
DROPDOWN = [0.0, 1e-12, 1e-6, 1e-2, 0.1]  # the floor explorer's reg_covar
GRID = [(a, b, c, d) for a, b, c, d in itertools.product(range(0, 101, 20), repeat=4)
        if (a, b) <= (c, d)]  # the 2-D sliders (0..100) on a grid; swapping the means changes nothing


@lru_cache(maxsize=None)
def gmm(k, seed, reg_covar=1e-6):
    """The notebook's gmm(k, seed)."""
    means, covariances, weights = emlib.random_init(x, k, np.random.default_rng(seed))
    return emlib.gmm_em(x, means, covariances, weights, max_iter=100, reg_covar=reg_covar)


@lru_cache(maxsize=None)
def gmm2d(start, reg_covar=1e-6):
    """The notebook's gmm2d(m1x, m1y, m2x, m2y)."""
    m1x, m1y, m2x, m2y = start
    return emlib.gmm_em(X, [[m1x, m1y], [m2x, m2y]], [50 * np.eye(2)] * 2, [0.5, 0.5],
                        reg_covar=reg_covar)


def final_log_likelihoods():
    return np.array([[gmm(k, s).log_likelihood[-1] for s in SEEDS] for k in KS])


def largest_fall(h):
    return float(np.max(-np.diff(h.log_likelihood), initial=0.0))


def scipy_log_likelihood(data, means, covariances, weights):
    """Σⱼ log Σᵢ πᵢ N(xʲ | μᵢ, Σᵢ), computed by SciPy: an independent check of emlib's value."""
    data = np.asarray(data, float).reshape(len(data), -1)
    logs = [np.log(w) + multivariate_normal(m, c).logpdf(data)
            for m, c, w in zip(means, covariances, weights)]
    return float(logsumexp(np.reshape(logs, (len(weights), -1)), axis=0).sum())


def printed(cell_start):
    """The text output of the notebook's code cell whose source starts with cell_start."""
    for cell in json.loads(NOTEBOOK.read_text())["cells"]:
        if cell["cell_type"] == "code" and "".join(cell["source"]).startswith(cell_start):
            return "".join("".join(o.get("text", "")) for o in cell["outputs"])
    raise AssertionError(f"no cell starts with {cell_start!r}")


# ------------------------------------------------------------------ more components (item 8)


def test_with_k_2_every_seed_ends_at_the_same_fit_one_component_per_group():
    # "With k = 2 every seed on the slider ends at the same fit, one component per group."
    final = [gmm(2, s).log_likelihood[-1] for s in SEEDS]
    assert np.ptp(final) < 1e-6 * abs(final[0])
    for s in SEEDS:
        labels = gmm(2, s).labels()
        agree = max(np.mean(labels == truth), np.mean(labels != truth))  # either naming
        assert agree >= 0.95, f"seed {s}: only {agree:.0%} of the points in their group"


def test_the_best_run_rises_with_k_but_one_run_can_end_lower_with_one_more_component():
    # "The best of the 21 runs rises with every k. Single runs do not."
    final = final_log_likelihoods()
    assert np.all(np.diff(final.max(axis=1)) > 0)
    drops = final[:-1] - final[1:]  # drops[i, s] > 0: seed s ends lower with k = i + 2
    assert (drops > 0.01).sum() >= 5, "several seeds end lower with one more component"
    assert drops.max() > 1.0, "and by more than rounding or the stopping tolerance"
    # The example the notebook prints is the largest drop.
    i, s = np.unravel_index(np.argmax(drops), drops.shape)
    line = f"largest drop: seed {s} ends at {final[i, s]:.2f} with k = {KS[i]} and at " \
           f"{final[i + 1, s]:.2f} with k = {KS[i + 1]}"
    assert line in printed("seeds, ks = range(21)")


def test_the_best_fit_cannot_fall_a_k_mixture_is_a_k_plus_1_mixture_with_zero_weight():
    # "a k-component mixture is a (k+1)-component one with π_{k+1} = 0"
    h = gmm(3, 5)
    means, covariances, weights = h.params()
    wider = (np.vstack([means, [[4.0]]]), np.concatenate([covariances, [[[2.0]]]]),
             np.append(weights, 0.0))
    assert emlib.log_likelihood(x, *wider) == pytest.approx(h.log_likelihood[-1], rel=1e-12)


# ------------------------------------------------------------------ never falls (the floor)


def test_without_a_floor_soft_em_never_lowers_the_log_likelihood():
    # "Without a floor on the variance, no EM iteration can lower it."
    for k, s in itertools.product(KS, SEEDS):
        h = gmm(k, s, reg_covar=0.0)  # no run on these sliders collapses
        assert largest_fall(h) <= 1e-9 * abs(h.log_likelihood[-1]), (k, s)
    checked = 0
    for start in GRID:
        try:
            h = gmm2d(start, reg_covar=0.0)
        except emlib.CollapseError:
            continue
        checked += 1
        assert largest_fall(h) <= 1e-9 * abs(h.log_likelihood[-1]), start
    assert checked > 0.8 * len(GRID)


def test_with_a_large_floor_the_log_likelihood_falls_and_the_fall_is_real():
    # "with a large floor some do": reg_covar = 0.1 on the gmm(x, k) sliders.
    runs = [gmm(k, s, reg_covar=0.1) for k, s in itertools.product(KS, SEEDS)]
    falls = np.array([largest_fall(h) for h in runs])
    assert (falls > 1e-9).sum() >= 10 and falls.max() > 1e-3
    # Not emlib's rounding: SciPy computes the same fall from the same parameters.
    h = runs[int(np.argmax(falls))]
    t = int(np.argmax(-np.diff(h.log_likelihood))) + 1
    before, after = (scipy_log_likelihood(x, *h.params(u)) for u in (t - 1, t))
    assert before - after == pytest.approx(falls.max(), rel=1e-6)


def test_with_the_default_floor_no_gmm_run_falls_and_2d_falls_stay_below_1e_6():
    # "Without a floor, and with the default 1e-6, no run here falls."
    for k, s in itertools.product(KS, SEEDS):
        assert largest_fall(gmm(k, s)) <= 1e-9 * abs(gmm(k, s).log_likelihood[-1]), (k, s)
    # "On the 2-D data below even the default floor lets a few starts fall, by less than 1e-6."
    falls = {start: largest_fall(gmm2d(start)) for start in GRID}
    assert max(falls.values()) < 1e-6
    # "now and then": on the grid none falls by more than rounding-sized amounts (< 1e-9)
    assert np.mean([f > 1e-9 for f in falls.values()]) < 0.05
    # Such a start (off this grid), checked with SciPy: a real fall, not rounding.
    h = gmm2d((80, 60, 100, 30))
    t = int(np.argmax(-np.diff(h.log_likelihood))) + 1
    before, after = (scipy_log_likelihood(X, h.means[u], h.covariances[u], h.weights[u])
                     for u in (t - 1, t))
    assert 1e-8 < before - after < 1e-6


# ------------------------------------------------------------------ the collapse (item 9)


def test_without_a_floor_the_log_likelihood_runs_away_as_component_1_shrinks_onto_x_5():
    with pytest.raises(emlib.CollapseError) as caught:
        emlib.gmm_em(xc, **START, reg_covar=0.0)
    h = caught.value.history
    assert h.n_iter >= 5  # a run to plot, not a single jump
    assert np.all(np.diff(h.log_likelihood) > 0)
    variance = h.covariances[:, 1, 0, 0]
    assert np.all(np.diff(variance[2:]) < 0) and variance[-1] < 1e-12
    assert h.means[-1, 1, 0] == pytest.approx(5.0)
    # Higher than any floored run reaches: the floor is what caps it.
    assert h.log_likelihood[-1] > max(emlib.gmm_em(xc, **START, reg_covar=f).log_likelihood[-1]
                                      for f in 10.0 ** np.arange(-14, 0, 2))


def test_the_floor_sets_the_cap_half_ln_10_per_decade_and_the_component_stays():
    floors = 10.0 ** np.arange(-14, 0, 2)
    runs = [emlib.gmm_em(xc, **START, reg_covar=f) for f in floors]
    cap = np.array([h.log_likelihood[-1] for h in runs])
    per_decade = -np.diff(cap) / np.diff(np.log10(floors))
    np.testing.assert_allclose(per_decade, np.log(10) / 2, rtol=0.01)
    for f, h in zip(floors, runs):
        assert h.covariances[-1, 1, 0, 0] == pytest.approx(f, rel=0.01)  # the variance is the floor
        assert h.means[-1, 1, 0] == pytest.approx(5.0)  # the useless component stays on x = 5


def test_the_floor_dropdown_collapses_only_at_0():
    for floor in DROPDOWN:
        run = lambda: emlib.gmm_em(xc, **START, tol=0, max_iter=30, reg_covar=floor)  # noqa: E731
        if floor == 0:
            with pytest.raises(emlib.CollapseError):
                run()
        else:  # and the floors it offers never lower the log-likelihood of this run
            h = run()
            assert h.n_iter == 30 and largest_fall(h) <= 1e-9 * abs(h.log_likelihood[-1])


def test_the_floor_explorers_left_panel_shows_the_spike_off_the_top_at_0_1e_12_and_1e_6():
    # "with 0, 1e-12 and 1e-6 the last frame looks the same, the spike at x = 5 a line running
    # off the top"; with the larger floors the whole peak is in view.
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from emlib import plot

    for floor in DROPDOWN:
        try:
            h = emlib.gmm_em(xc, **START, tol=0, max_iter=30, reg_covar=floor)
        except emlib.CollapseError as error:
            h = error.history  # what the explorer draws at 0
        view = plot.Mixture1DView(Figure().subplots(), xc, bins=12)
        view.set_history(h)
        view.draw(h.n_iter)
        x, y = view.curves[1].get_data()  # component 1, the one on x = 5
        top = view.ax.get_ylim()[1]
        assert x[np.argmax(y)] == pytest.approx(5.0)
        assert (y.max() > 10 * top) == (floor <= 1e-6), floor
        assert (y.max() < top) == (floor > 1e-6), floor


def test_some_2d_starts_end_with_a_component_on_two_points_and_a_higher_likelihood():
    # "The start (0, 0)/(10, 0) ends with a component on 2 points, its smallest variance the
    # floor, and a higher log-likelihood than the fit that finds the groups."
    good, spike = gmm2d((40, 50, 80, 50)), gmm2d((0, 0, 10, 0))
    assert (good.labels() != X_truth).sum() <= 5
    points = spike.weights[-1] * len(X)
    assert points.min() == pytest.approx(2.0, abs=0.01)
    smallest = np.linalg.eigvalsh(spike.covariances[-1])[:, 0]
    assert smallest.min() == pytest.approx(1e-6, rel=1e-3)
    assert spike.log_likelihood[-1] > good.log_likelihood[-1]
    with pytest.raises(emlib.CollapseError):
        gmm2d((0, 0, 10, 0), reg_covar=0.0)
    # "Not every start finds the two groups. Some end with one component on just one or two
    # points": on a grid of starts, both happen.
    on_floor = [s for s in GRID if np.linalg.eigvalsh(gmm2d(s).covariances[-1])[:, 0].min() < 2e-6]
    assert len(on_floor) >= 10
    points = []
    for s in on_floor:
        h = gmm2d(s)
        i = np.linalg.eigvalsh(h.covariances[-1])[:, 0].argmin()  # the component on the floor
        points.append(h.weights[-1, i] * len(X))
    np.testing.assert_allclose(points, np.round(points), atol=0.01)
    assert set(np.round(points).astype(int)) == {1, 2}


def test_equal_starts_stay_equal_and_never_split():
    for m in range(0, 101, 10):
        for n in range(0, 101, 10):
            h = gmm2d((m, n, m, n))
            np.testing.assert_allclose(h.means[-1, 0], h.means[-1, 1], rtol=1e-12)
            np.testing.assert_allclose(h.covariances[-1, 0], h.covariances[-1, 1], rtol=1e-12)


# ------------------------------------------------------------------ exercises


def test_05_2_asks_for_soft_ems_boundary_not_hard_ems_or_the_truths():
    h = emlib.gmm_em(x, [3.0, 5.0], [1.0, 1.0], [0.5, 0.5])
    at = lambda p: lambda z: emlib.responsibilities([z], *p)[0, 1] - 0.5  # noqa: E731
    soft = brentq(at(h.params()), 0, 10)
    assert EXERCISES["05.2"]["solve"](x=x) == pytest.approx(soft, abs=1e-9)
    assert is_right("05.2", soft, x=x) and is_right("05.2", round(soft, 2), x=x)
    hard = brentq(at(emlib.hard_em(x, [3.0, 5.0], [1.0, 1.0], [0.5, 0.5]).params()), 0, 10)
    true = brentq(at(([0.0, 10.0], [9.0, 1.0], [0.5, 0.5])), 0, 10)
    start = brentq(at(([3.0, 5.0], [1.0, 1.0], [0.5, 0.5])), 0, 10)
    for other in (hard, true, start):
        assert not is_right("05.2", other, x=x), other

