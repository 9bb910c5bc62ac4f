"""BIC, AIC and k-means++ (notebook 06), against scikit-learn and by their defining properties."""

import warnings

import numpy as np
import pytest
from sklearn.mixture import GaussianMixture

import emlib


@pytest.mark.parametrize("d,k", [(1, 2), (2, 3), (3, 4)])
def test_bic_and_aic_equal_sklearn_for_the_same_parameters(rng, d, k):
    X = rng.normal(size=(300, d)) + rng.integers(0, 3, (300, 1)) * 4.0
    gm = GaussianMixture(k, random_state=0, max_iter=20)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gm.fit(X)
    args = (X, gm.means_, gm.covariances_, gm.weights_)
    assert emlib.bic(*args) == pytest.approx(gm.bic(X), rel=1e-10)
    assert emlib.aic(*args) == pytest.approx(gm.aic(X), rel=1e-10)
    assert emlib.n_parameters(k, d) == gm._n_parameters()


def test_log_likelihood_rises_with_k_but_bic_picks_the_true_k(rng):
    X = np.vstack([rng.normal([0, 0], 1, (200, 2)), rng.normal([6, 0], 1, (200, 2)),
                   rng.normal([3, 6], 1, (200, 2))])
    lls, bics = [], []
    for k in range(1, 7):
        best = None
        for seed in range(3):  # a few restarts, the best kept
            init = emlib.random_init(X, k, np.random.default_rng(seed))
            h = emlib.gmm_em(X, *init, max_iter=300)
            if best is None or h.log_likelihood[-1] > best.log_likelihood[-1]:
                best = h
        lls.append(best.log_likelihood[-1])
        bics.append(emlib.bic(X, *best.params()))
    assert all(b >= a - 1e-6 for a, b in zip(lls[:2], lls[1:3]))  # more components, better fit
    assert int(np.argmin(bics)) + 1 == 3


def test_kmeans_plusplus_picks_distinct_data_points_reproducibly(rng):
    X = rng.normal(size=(500, 2))
    c1 = emlib.kmeans_plusplus(X, 5, np.random.default_rng(7))
    c2 = emlib.kmeans_plusplus(X, 5, np.random.default_rng(7))
    np.testing.assert_array_equal(c1, c2)
    assert c1.shape == (5, 2) and len({tuple(c) for c in c1}) == 5
    assert all(any(np.array_equal(c, x) for x in X) for c in c1)


def test_kmeans_plusplus_spreads_over_separated_groups_unlike_uniform_picks():
    # Four far-apart groups: D² sampling should start one centroid in each, most of the time.
    centres = np.array([[0, 0], [100, 0], [0, 100], [100, 100]])
    X = np.vstack([c + np.random.default_rng(1).normal(size=(50, 2)) for c in centres])
    group = np.repeat(np.arange(4), 50)
    hits_pp = hits_uniform = 0
    for s in range(200):
        r = np.random.default_rng(s)
        chosen = emlib.kmeans_plusplus(X, 4, r)
        hits_pp += len({int(group[np.argmin(((X - c) ** 2).sum(1))]) for c in chosen}) == 4
        uniform = X[r.choice(len(X), 4, replace=False)]
        hits_uniform += len({int(group[np.argmin(((X - c) ** 2).sum(1))]) for c in uniform}) == 4
    assert hits_pp >= 190 and hits_uniform < 60  # uniform: 4!/4⁴ ≈ 9 % of the time


def test_kmeans_plusplus_handles_duplicates_and_bad_input(rng):
    X = np.array([[1.0, 1.0]] * 5 + [[2.0, 2.0]])
    c = emlib.kmeans_plusplus(X, 3, rng)
    assert c.shape == (3, 2)
    with pytest.raises(ValueError, match=r"k asks for k = 7 components but X has only n = 6"):
        emlib.kmeans_plusplus(X, 7, rng)
    with pytest.raises(ValueError, match=r"rng must be a numpy.random.Generator"):
        emlib.kmeans_plusplus(X, 2, 0)


def _sklearn_with(means, covariances, weights):
    """A scikit-learn GaussianMixture holding given parameters (an independent scorer)."""
    gm = GaussianMixture(len(weights), covariance_type="full")
    gm.means_, gm.covariances_, gm.weights_ = means, covariances, weights
    gm.precisions_cholesky_ = np.linalg.cholesky(np.linalg.inv(covariances))
    return gm


def test_gmm_restarts_are_sorted_best_first_and_reproducible(rng):
    X = np.vstack([rng.normal(c, 1, (80, 2)) for c in ([0, 0], [5, 0], [0, 5])])
    runs = emlib.gmm_restarts(X, 3, np.random.default_rng(1), restarts=6)
    final = [h.log_likelihood[-1] for h in runs]
    assert len(runs) == 6 and final == sorted(final, reverse=True)
    assert all(h.means.shape[1:] == (3, 2) for h in runs)
    again = emlib.gmm_restarts(X, 3, np.random.default_rng(1), restarts=6)
    assert [h.log_likelihood[-1] for h in again] == final
    uniform = emlib.gmm_restarts(X, 3, np.random.default_rng(1), restarts=6, seeding="random")
    assert not np.allclose(uniform[-1].means[0], runs[-1].means[0])  # a different start
    with pytest.raises(ValueError, match="seeding must be 'k-means\\+\\+' or 'random'; got 'kmeans'"):
        emlib.gmm_restarts(X, 3, rng, seeding="kmeans")
    with pytest.raises(ValueError, match="restarts must be an integer >= 1; got 0"):
        emlib.gmm_restarts(X, 3, rng, restarts=0)


def test_select_k_scores_every_run_as_sklearn_does(rng):
    def draw(n):
        return np.vstack([rng.normal(c, 1, (n, 2)) for c in ([0, 0], [6, 0], [3, 6])])

    X, X_test = draw(100), draw(100)
    sel = emlib.select_k(X, [1, 2, 3, 4, 5], rng, restarts=3, X_test=X_test)
    assert sel.bic.shape == sel.aic.shape == sel.held_out.shape == sel.log_likelihood.shape == (5, 3)
    for i, k in enumerate(sel.ks):
        for r, h in enumerate(sel.runs[k]):
            gm = _sklearn_with(*h.params(-1))
            assert sel.bic[i, r] == pytest.approx(gm.bic(X), rel=1e-10)
            assert sel.aic[i, r] == pytest.approx(gm.aic(X), rel=1e-10)
            assert sel.log_likelihood[i, r] == pytest.approx(gm.score(X), rel=1e-10)
            assert sel.held_out[i, r] == pytest.approx(gm.score(X_test), rel=1e-10)
    assert sel.best(3) is sel.runs[3][0]
    assert sel.choice("bic") == 3 and sel.choice("held_out") == 3
    assert sel.choice("log_likelihood") == int(sel.ks[np.argmax(sel.log_likelihood[:, 0])])
    assert np.all(np.diff(sel.log_likelihood[:, 0]) > 0)  # the best fit rises with k


def test_select_k_without_held_out_data_and_its_errors(rng):
    X = rng.normal(size=(50, 2))
    sel = emlib.select_k(X, [1, 2], rng, restarts=2)
    assert np.all(np.isnan(sel.held_out))
    with pytest.raises(ValueError, match="k must be one of the fitted \\[1, 2\\]; got 7"):
        sel.best(7)
    with pytest.raises(ValueError, match="criterion must be"):
        sel.choice("bicc")
    with pytest.raises(ValueError, match="ks must name at least one"):
        emlib.select_k(X, [], rng)
    with pytest.raises(ValueError, match="X_test must have the training data's 2 columns"):
        emlib.select_k(X, [1], rng, X_test=np.zeros((5, 3)))
