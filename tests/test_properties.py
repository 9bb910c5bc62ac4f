"""Properties that must hold for any data and any start, explored by hypothesis."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import emlib


@st.composite
def mixture_problems(draw, max_k=4):
    """Random data from a random mixture, and a lecture-style random initial guess."""
    seed = draw(st.integers(0, 2**32 - 1))
    d = draw(st.integers(1, 3))
    k = draw(st.integers(1, max_k))
    n = draw(st.integers(3 * k, 80))
    spread = draw(st.floats(0.1, 10.0))
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 5, (k, d))
    X = centres[rng.integers(0, k, n)] + rng.normal(0, 1, (n, d)) * spread
    return X, k, rng


@st.composite
def awkward_data(draw):
    """Small sets with duplicates, far outliers and tiny groups."""
    d = draw(st.integers(1, 2))
    base = draw(arrays(np.float64, (draw(st.integers(2, 30)), d),
                       elements=st.floats(-10, 10, allow_nan=False, width=32)))
    dups = base[: draw(st.integers(0, len(base)))]
    outliers = draw(arrays(np.float64, (draw(st.integers(0, 3)), d),
                           elements=st.sampled_from([-1e4, 1e3, 1e4, 5e5])))
    X = np.vstack([base, dups, outliers])
    k = draw(st.integers(1, min(4, len(X))))
    return X, k, np.random.default_rng(draw(st.integers(0, 2**32 - 1)))


def never_decreases(values, rel=1e-9):
    values = np.asarray(values)
    slack = rel * (np.abs(values[:-1]) + 1.0)
    return bool((np.diff(values) >= -slack).all())


@given(mixture_problems())
def test_em_log_likelihood_never_decreases(problem):
    X, k, rng = problem
    means, covs, weights = emlib.random_init(X, k, rng)
    try:
        h = emlib.gmm_em(X, means, covs, weights, max_iter=30, tol=0, reg_covar=0.0)
    except emlib.CollapseError as e:  # without a floor this can happen: check the run before it
        h = e.history
    assert never_decreases(h.log_likelihood), np.diff(h.log_likelihood).min()


@given(mixture_problems(max_k=6))
def test_kmeans_inertia_never_increases(problem):
    X, k, rng = problem
    init = X[rng.choice(len(X), k, replace=False)] + rng.normal(0, 0.5, (k, X.shape[1]))
    for empty in ("keep", "farthest"):
        h = emlib.kmeans(X, init, empty=empty)
        assert never_decreases(-h.inertia, rel=1e-12)
        assert np.isfinite(h.centroids).all()


@given(awkward_data())
def test_responsibilities_sum_to_one_and_nothing_turns_nan(problem):
    X, k, rng = problem
    means, covs, weights = emlib.random_init(X, k, rng)
    W = emlib.responsibilities(X, means, covs, weights)
    assert np.isfinite(W).all() and (W >= 0).all()
    np.testing.assert_allclose(W.sum(axis=1), 1.0, rtol=1e-12)
    h = emlib.gmm_em(X, means, covs, weights, max_iter=15)
    for a in (h.weights, h.means, h.covariances, h.log_likelihood):
        assert np.isfinite(a).all()
    np.testing.assert_allclose(h.responsibilities().sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(h.weights.sum(axis=1), 1.0, rtol=1e-12)


@given(awkward_data())
def test_hard_em_and_kmeans_stay_finite_on_awkward_data(problem):
    X, k, rng = problem
    means, covs, weights = emlib.random_init(X, k, rng)
    h = emlib.hard_em(X, means, covs, weights, max_iter=20)
    for a in (h.weights, h.means, h.covariances, h.log_likelihood):
        assert np.isfinite(a).all()
    np.testing.assert_allclose(h.weights.sum(axis=1), 1.0, rtol=1e-12)
    km = emlib.kmeans(X, means)
    assert np.isfinite(km.centroids).all() and np.isfinite(km.inertia).all()


@given(mixture_problems())
def test_hard_em_stops_at_a_fixed_point(problem):
    X, k, rng = problem
    means, covs, weights = emlib.random_init(X, k, rng)
    h = emlib.hard_em(X, means, covs, weights, max_iter=200)
    if h.converged:
        np.testing.assert_array_equal(h.hard_labels[-1], h.hard_labels[-2])
        again = emlib.hard_em(X, h.means[-1], h.covariances[-1], h.weights[-1] / h.weights[-1].sum(),
                              max_iter=1)
        np.testing.assert_array_equal(again.hard_labels[0], h.hard_labels[-1])
