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
