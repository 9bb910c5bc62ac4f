"""Soft EM (GMM) against scikit-learn, hard EM against the lecture's own loop, written
plainly with SciPy densities, and the numerical care points of COURSE.md."""

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import special, stats
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

import emlib
from helpers import random_spd


def sklearn_gmm(X, means, covariances, weights, max_iter, reg_covar):
    gm = GaussianMixture(
        n_components=len(weights), covariance_type="full", tol=0, max_iter=max_iter,
        reg_covar=reg_covar, weights_init=weights, means_init=means,
        precisions_init=np.linalg.inv(covariances), init_params="random_from_data",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        gm.fit(X)
    return gm


def three_d_mixture(rng):
    centres = rng.normal(0, 6, (4, 3))
    X = np.vstack([rng.multivariate_normal(c, random_spd(rng, 3), 120) for c in centres])
    return X


CASES = {
    "lecture k-means data, guesses (40,50)/(80,50)": lambda rng: (
        emlib.lecture_kmeans_data(rng)[0], np.array([[40.0, 50], [80, 50]]),
        np.array([np.eye(2) * 50] * 2), np.array([0.5, 0.5])),
    "lecture k-means data, guesses (20,30)/(80,80), k=3": lambda rng: (
        emlib.lecture_kmeans_data(rng)[0], np.array([[20.0, 30], [80, 80], [60, 40]]),
        np.array([np.eye(2) * 30] * 3), np.array([0.2, 0.3, 0.5])),
    "lecture 1-D data, mb=3 mr=5": lambda rng: (
        emlib.lecture_em1_data(rng)[0][:, None], np.array([[3.0], [5.0]]),
        np.ones((2, 1, 1)), np.array([0.5, 0.5])),
    "3-D, k=4, random_init": lambda rng: (lambda X: (X, *emlib.random_init(X, 4, rng)))(
        three_d_mixture(rng)),
}


@pytest.mark.parametrize("reg_covar", [1e-6, 1e-2])
@pytest.mark.parametrize("case", list(CASES))
def test_gmm_em_matches_sklearn_step_by_step(rng, case, reg_covar):
    X, means, covs, weights = CASES[case](rng)
    T = 40
    h = emlib.gmm_em(X, means, covs, weights, max_iter=T, tol=0, reg_covar=reg_covar)
    gm = sklearn_gmm(X, means, covs, weights, T, reg_covar)
    assert h.n_iter == T and gm.n_iter_ == T
    # sklearn's lower_bounds_[t] is the mean log-likelihood of step t's parameters.
    np.testing.assert_allclose(h.log_likelihood[:T], np.array(gm.lower_bounds_) * len(X),
                               rtol=1e-8)
    scale = np.abs(X).max()
    np.testing.assert_allclose(h.weights[-1], gm.weights_, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(h.means[-1], gm.means_, rtol=1e-8, atol=1e-10 * scale)
    np.testing.assert_allclose(h.covariances[-1], gm.covariances_, rtol=1e-8,
                               atol=1e-10 * scale**2)
    # The last entry is the log-likelihood of the final parameters.
    assert h.log_likelihood[-1] == pytest.approx(gm.score(X) * len(X), rel=1e-8)


def test_gmm_em_history_shapes_and_step_zero_is_the_init(rng):
    X, means, covs, weights = CASES["lecture k-means data, guesses (40,50)/(80,50)"](rng)
    h = emlib.gmm_em(X, means, covs, weights, max_iter=7, tol=0)
    assert h.weights.shape == (8, 2) and h.means.shape == (8, 2, 2)
    assert h.covariances.shape == (8, 2, 2, 2) and h.log_likelihood.shape == (8,)
    np.testing.assert_array_equal(h.means[0], means)
    np.testing.assert_array_equal(h.covariances[0], covs)
    np.testing.assert_array_equal(h.weights[0], weights)
    assert h.responsibilities(3).shape == (150, 2)
    assert not h.means.flags.writeable


def test_history_responsibilities_of_step_t_match_scipy(rng):
    X, means, covs, weights = CASES["lecture k-means data, guesses (20,30)/(80,80), k=3"](rng)
    h = emlib.gmm_em(X, means, covs, weights, max_iter=10, tol=0)
    for t in (0, 4, -1):
        m, c, w = h.means[t], h.covariances[t], h.weights[t]
        dens = np.stack([w[i] * stats.multivariate_normal(m[i], c[i]).pdf(X) for i in range(3)], 1)
        np.testing.assert_allclose(h.responsibilities(t), dens / dens.sum(1, keepdims=True),
                                   rtol=1e-9, atol=1e-15)
        np.testing.assert_array_equal(h.labels(t), dens.argmax(1))
        assert h.log_likelihood[t] == pytest.approx(np.log(dens.sum(1)).sum(), rel=1e-10)


def test_gmm_em_stops_on_mean_log_likelihood_change(rng):
    X, means, covs, weights = CASES["lecture k-means data, guesses (40,50)/(80,50)"](rng)
    tol = 1e-4
    h = emlib.gmm_em(X, means, covs, weights, max_iter=500, tol=tol)
    steps = np.abs(np.diff(h.log_likelihood)) / len(X)
    assert h.converged and steps[-1] < tol and (steps[:-1] >= tol).all()
    assert emlib.gmm_em(X, means, covs, weights, max_iter=0).n_iter == 0
    assert not emlib.gmm_em(X, means, covs, weights, max_iter=3, tol=0).converged


def test_one_dimensional_data_may_be_passed_flat(rng):
    x, _ = emlib.lecture_em1_data(rng)
    flat = emlib.gmm_em(x, [3.0, 5.0], [1.0, 1.0], [0.5, 0.5], max_iter=20, tol=0)
    full = emlib.gmm_em(x[:, None], [[3.0], [5.0]], np.ones((2, 1, 1)), [0.5, 0.5],
                        max_iter=20, tol=0)
    np.testing.assert_array_equal(flat.means, full.means)
    np.testing.assert_array_equal(flat.log_likelihood, full.log_likelihood)


def test_four_point_table_matches_the_lecture_formula():
    # W_i^j = pi_i G_i(x^j) / sum_k pi_k G_k(x^j), with the lecture's x and pi.
    x, _ = emlib.lecture_four_points()
    for m1, m2, s1, s2 in [(1.0, 10.0, 1.0, 1.0), (2.0, 3.0, 4.0, 0.5), (5.0, 6.0, 2.0, 3.0)]:
        g = np.stack([0.5 * stats.norm.pdf(x, m1, s1), 0.5 * stats.norm.pdf(x, m2, s2)], 1)
        W = emlib.responsibilities(x, [m1, m2], [s1**2, s2**2], [0.5, 0.5])
        np.testing.assert_allclose(W, g / g.sum(1, keepdims=True), rtol=1e-12, atol=1e-300)
        assert emlib.log_likelihood(x, [m1, m2], [s1**2, s2**2], [0.5, 0.5]) == pytest.approx(
            np.log(g.sum(1)).sum(), rel=1e-12)


def test_far_point_gives_no_nan_where_the_naive_formula_does(rng):
    # COURSE.md care point 6: x = 1000 with the lecture's initial guess.
    x, _ = emlib.lecture_em1_data(rng)
    x = np.append(x, 1000.0)
    naive = np.stack([0.5 * emlib.normal_pdf(x, 3, 1), 0.5 * emlib.normal_pdf(x, 5, 1)], 1)
    with np.errstate(invalid="ignore"):
        assert np.isnan(naive / naive.sum(1, keepdims=True)).any()  # 0/0: the failure is real
    W = emlib.responsibilities(x, [3.0, 5.0], [1.0, 1.0], [0.5, 0.5])
    assert np.isfinite(W).all()
    np.testing.assert_allclose(W.sum(1), 1.0)
    h = emlib.gmm_em(x, [3.0, 5.0], [1.0, 1.0], [0.5, 0.5])
    for a in (h.weights, h.means, h.covariances, h.log_likelihood):
        assert np.isfinite(a).all()


def test_collapse_stays_finite_with_the_variance_floor_and_is_explained_without():
    # COURSE.md care point 7: a component on a single point.
    x = np.array([0.0, 0.3, -0.4, 0.8, -0.9, 0.2, 5.0])
    means, variances, w = [0.0, 5.0], [1.0, 0.5], [0.5, 0.5]
    h = emlib.gmm_em(x, means, variances, w, max_iter=50, tol=0)
    assert np.isfinite(h.log_likelihood).all()
    assert h.covariances[-1, 1, 0, 0] == pytest.approx(1e-6, rel=1e-3)  # the floor holds it
    assert h.log_likelihood[-1] > h.log_likelihood[0]
    # Without the floor the variance shrinks to nothing and the likelihood runs away; the
    # error says so and carries the run up to the last valid step, for a notebook to show.
    with pytest.raises(emlib.CollapseError, match=r"component 1 collapsed at iteration \d") as err:
        emlib.gmm_em(x, means, variances, w, max_iter=50, tol=0, reg_covar=0.0)
    h0 = err.value.history
    assert isinstance(err.value, ValueError) and h0.n_iter >= 1
    assert h0.log_likelihood[-1] > h.log_likelihood[0] + 10
    assert never_decreasing(h0.log_likelihood)
    # ... and the likelihood reported for that near-collapse is still the right number.
    m, c, pi = h0.params()
    dens = np.stack([np.log(pi[i]) + stats.norm.logpdf(x, m[i, 0], np.sqrt(c[i, 0, 0]))
                     for i in range(2)], 1)
    assert h0.log_likelihood[-1] == pytest.approx(special.logsumexp(dens, axis=1).sum(), rel=1e-9)


def never_decreasing(a):
    return bool((np.diff(a) >= -1e-9 * (np.abs(a[:-1]) + 1)).all())


def test_exact_collapse_without_floor_is_a_clear_error():
    # Identical points: the variance is exactly 0, no density exists, and the
    # message says what to do. (Near-collapse is a huge finite likelihood, above.)
    x = np.full(10, 5.0)
    for fit in (emlib.gmm_em, emlib.hard_em):
        with pytest.raises(emlib.CollapseError, match=r"component 0 collapsed at iteration 1.*reg_covar") as err:
            fit(x, [4.0], [1.0], [1.0], reg_covar=0.0)
        assert err.value.history.n_iter == 0 and err.value.history.means[0, 0, 0] == 4.0
    h = emlib.gmm_em(x, [4.0], [1.0], [1.0])
    assert h.covariances[-1, 0, 0, 0] == pytest.approx(1e-6) and np.isfinite(h.log_likelihood).all()


def test_tight_cluster_far_from_the_centre_keeps_its_variance(rng):
    # The fast moment formula would lose these digits to cancellation; the exact
    # two-pass fallback keeps them (relative error ~1e-4 without it).
    X = np.concatenate([rng.normal(0, 1, 500), rng.normal(1e4, 1e-3, 500)])
    h = emlib.gmm_em(X, [0.0, 1e4], [1.0, 1.0], [0.5, 0.5], max_iter=5, tol=0, reg_covar=0.0)
    assert h.covariances[-1, 1, 0, 0] == pytest.approx(X[500:].var(), rel=1e-8)


# --------------------------------------------------------------------------- hard EM


def lecture_hard_em(x, mb, sb, mr, sr, W, iterations):
    """ex/ml/l12em1.py, transcribed line for line (0-based labels, numpy's std)."""
    x = np.asarray(x)
    out = []
    for _ in range(iterations):
        pb = stats.norm.pdf(x, mb, sb) * W[0]
        pr = stats.norm.pdf(x, mr, sr) * W[1]
        label = np.where(pb > pr, 0, 1)
        b, r = np.flatnonzero(label == 0), np.flatnonzero(label == 1)
        W = [len(b) / len(x), len(r) / len(x)]
        mb, sb, mr, sr = x[b].mean(), x[b].std(), x[r].mean(), x[r].std()
        out.append((label, mb, sb, mr, sr, W))
    return out


def test_hard_em_matches_the_lecture_loop(rng):
    x, truth = emlib.lecture_em1_data(rng)
    h = emlib.hard_em(x, [3.0, 5.0], [1.0, 1.0], [0.5, 0.5], max_iter=50, reg_covar=0.0)
    ref = lecture_hard_em(x, 3.0, 1.0, 5.0, 1.0, [0.5, 0.5], 50)
    assert h.converged and 1 <= h.n_iter < 50
    for t in range(h.n_iter):
        label, mb, sb, mr, sr, W = ref[t]
        np.testing.assert_array_equal(h.hard_labels[t], label)
        np.testing.assert_allclose(h.means[t + 1].ravel(), [mb, mr], rtol=1e-12)
        np.testing.assert_allclose(np.sqrt(h.covariances[t + 1].ravel()), [sb, sr], rtol=1e-10)
        np.testing.assert_allclose(h.weights[t + 1], W, rtol=1e-15)
    # After convergence the lecture's loop stands still at the same answer.
    np.testing.assert_allclose(ref[-1][1], h.means[-1, 0, 0], rtol=1e-12)
    assert (h.labels() == truth).mean() > 0.95


def test_hard_em_in_two_dimensions_matches_a_direct_computation(rng):
    X, _ = emlib.lecture_kmeans_data(rng)
    means, covs, w = np.array([[40.0, 50], [80, 50]]), np.array([np.eye(2) * 25] * 2), [0.5, 0.5]
    h = emlib.hard_em(X, means, covs, w, reg_covar=0.0)
    m, c, w = means, covs, np.array(w)
    for t in range(h.n_iter):
        score = np.stack([w[i] * stats.multivariate_normal(m[i], c[i]).pdf(X) for i in range(2)])
        label = score.argmax(0)
        np.testing.assert_array_equal(h.hard_labels[t], label)
        m = np.array([X[label == i].mean(0) for i in range(2)])
        c = np.array([np.cov(X[label == i], rowvar=False, bias=True) for i in range(2)])
        w = np.bincount(label, minlength=2) / len(X)
        np.testing.assert_allclose(h.means[t + 1], m, rtol=1e-12)
        np.testing.assert_allclose(h.covariances[t + 1], c, rtol=1e-9)


def test_hard_em_me_order_starts_from_random_labels_and_ignores_the_guess(rng):
    x, _ = emlib.lecture_em1_data(rng)
    a = emlib.hard_em(x, [3.0, 5.0], [1.0, 1.0], [0.5, 0.5], order="ME",
                      rng=np.random.default_rng(3))
    b = emlib.hard_em(x, [-50.0, 70.0], [9.0, 2.0], [0.1, 0.9], order="ME",
                      rng=np.random.default_rng(3))
    np.testing.assert_array_equal(a.means, b.means)
    z = a.initial_labels
    np.testing.assert_allclose(a.means[0].ravel(), [x[z == 0].mean(), x[z == 1].mean()])
    np.testing.assert_allclose(a.covariances[0].ravel(),
                               [x[z == 0].var() + 1e-6, x[z == 1].var() + 1e-6])
    # Random groups of the same data: both start near the overall mean.
    assert np.abs(a.means[0].ravel() - x.mean()).max() < 1.5


def test_hard_em_empty_group_keeps_its_parameters_with_weight_zero():
    x = np.array([0.0, 0.1, 0.2, 0.3])
    h = emlib.hard_em(x, [0.1, 100.0], [1.0, 1.0], [0.5, 0.5])
    assert h.weights[-1].tolist() == [1.0, 0.0]
    assert h.means[-1, 1, 0] == 100.0 and np.isfinite(h.log_likelihood).all()
    np.testing.assert_array_equal(h.responsibilities().sum(1), 1.0)


def test_a_tie_goes_to_the_later_group_as_in_the_lecture():
    # Two identical groups: every pb == pr, and the lecture's `else` makes every point red.
    x = np.array([0.0, 1.0, 2.0, 3.0])
    h = emlib.hard_em(x, [1.5, 1.5], [1.0, 1.0], [0.5, 0.5], max_iter=1)
    assert h.hard_labels[0].tolist() == [1, 1, 1, 1]
    assert h.weights[1].tolist() == [0.0, 1.0]


# --------------------------------------------------------------------------- hard EM's objective


def scipy_classification_log_likelihood(X, labels, means, covariances, weights):
    """Σⱼ log π_{zⱼ} G_{zⱼ}(xʲ) with SciPy's densities, point by point."""
    total = 0.0
    for x, z in zip(X, labels):
        if X.shape[1] == 1:
            g = stats.norm.logpdf(x[0], means[z, 0], np.sqrt(covariances[z, 0, 0]))
        else:
            g = stats.multivariate_normal(means[z], covariances[z]).logpdf(x)
        total += np.log(weights[z]) + g
    return total


@pytest.mark.parametrize("order", ["EM", "ME"])
@pytest.mark.parametrize("d", [1, 2])
def test_classification_log_likelihood_matches_scipy_with_the_labels_chosen_from_step_t(rng, d, order):
    if d == 1:
        X = emlib.lecture_em_1dim_data(rng)[0][:, None]
        means, covs = [[3.0], [5.0]], [[[1.0]], [[1.0]]]
    else:
        X = emlib.lecture_kmeans_data(rng)[0]
        means, covs = [[0.0, 0.0], [100.0, 100.0]], [np.eye(2) * 50] * 2
    h = emlib.hard_em(X, means, covs, [0.5, 0.5], order=order, rng=np.random.default_rng(1))
    assert h.classification_log_likelihood.shape == (h.n_iter + 1,) and h.n_iter >= 1
    for t in range(h.n_iter + 1):
        m, c, w = h.params(t)
        # The labels of step t are the best group of each point under step t's parameters...
        score = np.array([[np.log(w[i]) + (stats.norm.logpdf(x[0], m[i, 0], np.sqrt(c[i, 0, 0])) if d == 1
                           else stats.multivariate_normal(m[i], c[i]).logpdf(x)) for i in range(2)]
                          for x in X])
        np.testing.assert_array_equal(h.hard_labels[t], score.argmax(axis=1))
        # ... and the objective pairs those labels with those parameters.
        expected = scipy_classification_log_likelihood(X, h.hard_labels[t], m, c, w)
        assert h.classification_log_likelihood[t] == pytest.approx(expected, rel=1e-10)
        # It is the largest term of each point's sum, so it never exceeds Σ log p(x).
        assert h.classification_log_likelihood[t] <= h.log_likelihood[t] + 1e-9


@st.composite
def hard_em_problems(draw):
    """Random 1-D or 2-D data of 2-3 groups and a random start, in either order."""
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    d, k = draw(st.integers(1, 2)), draw(st.integers(2, 3))
    n = draw(st.integers(6 * k, 120))
    centres = rng.normal(0, 4, (k, d))
    X = centres[rng.integers(0, k, n)] + rng.normal(0, 1, (n, d)) * draw(st.floats(0.3, 3.0))
    means, covs, weights = emlib.random_init(X, k, rng)
    return X, means, covs, weights, draw(st.sampled_from(["EM", "ME"])), rng


@given(hard_em_problems())
def test_classification_log_likelihood_never_falls_without_a_floor(problem):
    X, means, covs, weights, order, rng = problem
    try:
        h = emlib.hard_em(X, means, covs, weights, order=order, rng=rng, reg_covar=0.0)
    except emlib.CollapseError as e:  # a group of one point: check the run up to it
        h = e.history
    if h is None:  # "M first" on random labels collapsed at once: no step to compare
        return
    assert never_decreasing(h.classification_log_likelihood), np.diff(h.classification_log_likelihood).min()


def test_with_a_floor_the_classification_log_likelihood_falls_at_most_by_the_floors_cost():
    # The docstring's bound: the floor εᵢ costs ½ Σᵢ nᵢ Σₖ [log(1 + εᵢ/λᵢₖ) − εᵢ/(λᵢₖ + εᵢ)]
    # ≤ ¼ Σᵢ nᵢ Σₖ (εᵢ/λᵢₖ)². A large floor (1.0 on data of unit scale) makes it fall often.
    falls = 0
    for seed in range(200):
        rng = np.random.default_rng(seed)
        X = rng.normal(0, 1, (30, 2)) + rng.normal(0, 3, (2, 2))[rng.integers(0, 2, 30)]
        h = emlib.hard_em(X, *emlib.random_init(X, 2, rng), reg_covar=1.0)
        for t in range(h.n_iter):
            z = h.hard_labels[t]
            cost = quarter = 0.0
            for i in np.unique(z):
                n_i = (z == i).sum()
                S = np.cov(X[z == i], rowvar=False, bias=True)
                eps = h.covariances[t + 1, i, 0, 0] - S[0, 0]  # what the M-step added
                lam = np.linalg.eigvalsh(S)
                if lam.min() <= 1e-12:  # a group of one point: no bound (its S is singular)
                    cost = quarter = np.inf
                    break
                cost += 0.5 * n_i * np.sum(np.log1p(eps / lam) - eps / (lam + eps))
                quarter += 0.25 * n_i * np.sum((eps / lam) ** 2)
            assert cost <= quarter
            drop = h.classification_log_likelihood[t] - h.classification_log_likelihood[t + 1]
            falls += drop > 0
            assert drop <= cost + 1e-9 * abs(h.classification_log_likelihood[t])
    assert falls > 0  # it does fall with a floor: "never falls" needs reg_covar = 0
