"""Every bad input gets a ValueError that names the parameter, says what was expected
and what was given, and says what to do."""

import numpy as np
import pytest

import emlib

rng0 = np.random.default_rng(0)
X2 = rng0.normal(size=(20, 2))
M2 = np.array([[0.0, 0.0], [1.0, 1.0]])
C2 = np.array([np.eye(2), np.eye(2)])
W2 = np.array([0.5, 0.5])
X_nan = X2.copy()
X_nan[3, 1] = np.nan
X_inf = X2.copy()
X_inf[7, 0] = np.inf
not_spd = C2.copy()
not_spd[1] = [[1.0, 2.0], [2.0, 1.0]]  # eigenvalues 3 and -1
not_sym = C2.copy()
not_sym[0] = [[1.0, 0.5], [0.0, 1.0]]
FIT = {"gmm_em": emlib.gmm_em, "hard_em": emlib.hard_em,
       "responsibilities": emlib.responsibilities, "log_likelihood": emlib.log_likelihood}

# (call, the words the message must contain)
CASES = {
    "NaN in X": (lambda f: f(X_nan, M2, C2, W2), ["X", "finite", "NaN", "index (3, 1)", "Remove"]),
    "inf in X": (lambda f: f(X_inf, M2, C2, W2), ["X", "finite", "index (7, 0)"]),
    "X of 3 dims": (lambda f: f(np.zeros((2, 3, 4)), M2, C2, W2), ["X", "shape (n, d)", "(2, 3, 4)"]),
    "X of strings": (lambda f: f([["a", "b"]], M2, C2, W2), ["X", "array of numbers", "list"]),
    "means with wrong d": (lambda f: f(X2, np.zeros((2, 3)), C2, W2),
                           ["means", "shape (k, 2)", "got shape (2, 3)"]),
    "covariances with wrong k": (lambda f: f(X2, M2, C2[:1], W2),
                                 ["covariances", "shape (2, 2, 2)", "got shape (1, 2, 2)"]),
    "weights of wrong length": (lambda f: f(X2, M2, C2, [1.0]), ["weights", "shape (2,)", "(1,)"]),
    "negative weights": (lambda f: f(X2, M2, C2, [1.5, -0.5]), ["weights", "non-negative", "-0.5"]),
    "weights not summing to 1": (lambda f: f(X2, M2, C2, [0.5, 0.4]),
                                 ["weights", "sum to 1", "0.9", "Divide them by their sum"]),
    "covariance not positive definite": (lambda f: f(X2, M2, not_spd, W2),
                                         ["covariances[1]", "component 1", "positive definite",
                                          "smallest eigenvalue -1", "reg_covar"]),
    "covariance not symmetric": (lambda f: f(X2, M2, not_sym, W2),
                                 ["covariances[0]", "symmetric", "(S + S.T) / 2"]),
    "NaN in means": (lambda f: f(X2, [[0, np.nan], [1, 1]], C2, W2), ["means", "finite"]),
}


@pytest.mark.parametrize("fn", list(FIT))
@pytest.mark.parametrize("case", list(CASES))
def test_mixture_functions_explain_bad_input(fn, case):
    call, words = CASES[case]
    with pytest.raises(ValueError) as err:
        call(FIT[fn])
    for w in words:
        assert w in str(err.value), f"{w!r} missing from: {err.value}"
    assert "got" in str(err.value)


@pytest.mark.parametrize("fn", ["gmm_em", "hard_em"])
def test_more_components_than_points(fn):
    X = np.array([[0.0, 0.0], [1.0, 1.0]])
    means = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match=r"k = 3 components but X has only n = 2 point\(s\); use k <= n"):
        FIT[fn](X, means, np.array([np.eye(2)] * 3), np.full(3, 1 / 3))


@pytest.mark.parametrize("kwargs,words", [
    ({"max_iter": -1}, ["max_iter", ">= 0", "-1"]),
    ({"max_iter": 2.5}, ["max_iter", "integer", "2.5"]),
    ({"tol": -1e-3}, ["tol", ">= 0", "-0.001"]),
    ({"reg_covar": float("nan")}, ["reg_covar", "finite", "nan"]),
    ({"reg_covar": "small"}, ["reg_covar", "number", "'small'"]),
])
def test_gmm_em_explains_bad_settings(kwargs, words):
    with pytest.raises(ValueError) as err:
        emlib.gmm_em(X2, M2, C2, W2, **kwargs)
    for w in words:
        assert w in str(err.value)


def test_hard_em_explains_order_and_rng():
    with pytest.raises(ValueError, match=r"order must be 'EM' or 'ME'; got 'MM'"):
        emlib.hard_em(X2, M2, C2, W2, order="MM")
    with pytest.raises(ValueError, match=r"rng must be a numpy.random.Generator when order='ME'.*got None"):
        emlib.hard_em(X2, M2, C2, W2, order="ME")
    with pytest.raises(ValueError, match=r"rng must be a numpy.random.Generator; got 3 \(int\).*default_rng"):
        emlib.hard_em(X2, M2, C2, W2, order="ME", rng=3)


def test_kmeans_explains_bad_input():
    with pytest.raises(ValueError, match=r"init must have shape \(k, 2\).*got shape \(2, 3\)"):
        emlib.kmeans(X2, np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"init asks for k = 21 components but X has only n = 20"):
        emlib.kmeans(X2, np.zeros((21, 2)))
    with pytest.raises(ValueError, match=r"X must contain only finite numbers; got 1 NaN"):
        emlib.kmeans(X_nan, M2)
    with pytest.raises(ValueError, match=r"empty must be 'keep' or 'farthest'; got 'drop'"):
        emlib.kmeans(X2, M2, empty="drop")
    with pytest.raises(ValueError, match=r"X must hold at least one point.*got shape \(0, 2\)"):
        emlib.kmeans(np.zeros((0, 2)), M2)


def test_gaussian_functions_explain_bad_input():
    with pytest.raises(ValueError, match=r"std must be > 0 .*got \[0\.\].*small positive sigma"):
        emlib.normal_pdf(0.0, 0.0, 0.0)
    with pytest.raises(ValueError, match=r"std must be > 0"):
        emlib.normal_cdf([0.0], 0.0, -1.0)
    with pytest.raises(ValueError, match=r"x must contain only finite numbers"):
        emlib.normal_pdf([0.0, np.nan])
    with pytest.raises(ValueError, match=r"(?s)cov must be positive definite; got .*smallest eigenvalue"):
        emlib.mvn_logpdf(X2, [0, 0], [[2.0, np.sqrt(3)], [np.sqrt(3), 1.5]])  # Quiz 1: det = 0
    with pytest.raises(ValueError, match=r"mean must have shape \(2,\).*got shape \(3,\)"):
        emlib.mvn_pdf(X2, [0, 0, 0], np.eye(2))
    with pytest.raises(ValueError, match=r"cov must have shape \(2, 2\).*got shape \(3, 3\)"):
        emlib.sample_mvn([0, 0], np.eye(3), 5, rng0)
    with pytest.raises(ValueError, match=r"rng must be a numpy.random.Generator; got 42 \(int\)"):
        emlib.sample_mvn([0, 0], np.eye(2), 5, 42)
    with pytest.raises(ValueError, match=r"n must be an integer >= 0; got -5"):
        emlib.marsaglia_polar(-5, rng0)
    with pytest.raises(ValueError, match=r"rng must be a numpy.random.Generator; got None"):
        emlib.marsaglia_polar(5, None)


def test_random_init_and_history_explain_bad_input():
    with pytest.raises(ValueError, match=r"k asks for k = 30 components but X has only n = 20"):
        emlib.random_init(X2, 30, rng0)
    with pytest.raises(ValueError, match=r"k must be an integer >= 1; got 0"):
        emlib.random_init(X2, 0, rng0)
    h = emlib.gmm_em(X2, M2, C2, W2, max_iter=3, tol=0)
    with pytest.raises(ValueError, match=r"t must be a step between 0 and 3 .*got 4"):
        h.responsibilities(4)
    with pytest.raises(ValueError, match=r"t must be an integer step between 0 and 3; got 1.5"):
        h.params(1.5)
    with pytest.raises(ValueError, match=r"rng must be a numpy.random.Generator"):
        emlib.lecture_kmeans_data(1)
