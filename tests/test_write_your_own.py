"""The write-your-own exercises (03.4 k-means step, 05.4 E-step, 05.5 M-step): right functions
pass, wrong and broken ones get a short message that says what differs, never a traceback and
never the expected value."""

import re

import numpy as np
import pytest
from scipy.special import logsumexp
from scipy.stats import multivariate_normal

from emlib import _student_code
from emlib.exercises import check, is_right

# --------------------------------------------------------------------------- right answers,
# written independently of emlib (plain numpy and SciPy)


def right_step(X, centroids):
    labels = ((X[:, None, :] - centroids[None]) ** 2).sum(axis=2).argmin(axis=1)
    new = centroids.copy()
    for i in range(len(centroids)):
        if np.any(labels == i):
            new[i] = X[labels == i].mean(axis=0)
    return labels, new


def right_e_step(X, means, covariances, weights):
    logp = np.column_stack([np.log(w) + multivariate_normal(m, c).logpdf(X).reshape(len(X))
                            for m, c, w in zip(means, covariances, weights)])
    return np.exp(logp - logsumexp(logp, axis=1, keepdims=True))


def right_m_step(X, W):
    nk = W.sum(axis=0)
    means = W.T @ X / nk[:, None]
    covs = np.array([(W[:, i] * (X - means[i]).T) @ (X - means[i]) / nk[i] for i in range(W.shape[1])])
    return nk / len(X), means, covs


def run(exercise, function, capsys):
    ok = is_right(exercise, function)
    check(exercise, function)
    out = capsys.readouterr().out
    assert "Traceback" not in out and out.startswith(exercise)
    return ok, out


@pytest.mark.parametrize("exercise, function", [("03.4", right_step), ("05.4", right_e_step),
                                                ("05.5", right_m_step)])
def test_a_right_function_is_accepted(exercise, function, capsys):
    ok, out = run(exercise, function, capsys)
    assert ok and "✓ right" in out and "all" in out


# --------------------------------------------------------------------------- k-means step


def notebook_step(X, centroids):
    """The step notebook 03 shows: an empty cluster's mean is NaN."""
    labels = ((X[:, None, :] - centroids[None]) ** 2).sum(axis=2).argmin(axis=1)
    return labels, np.array([X[labels == i].mean(axis=0) for i in range(len(centroids))])


def farthest_step(X, centroids):
    labels, new = right_step(X, centroids)
    return ((X[:, None, :] - centroids[None]) ** 2).sum(axis=2).argmax(axis=1), new


def median_step(X, centroids):
    labels, _ = right_step(X, centroids)
    new = centroids.copy()
    for i in range(len(centroids)):
        if np.any(labels == i):
            new[i] = np.median(X[labels == i], axis=0)
    return labels, new


def moves_empty_step(X, centroids):
    labels, new = right_step(X, centroids)
    empty = np.bincount(labels, minlength=len(centroids)) == 0
    new[empty] = 0.0
    return labels, new


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the notebook's step takes a mean of nothing
@pytest.mark.parametrize("function, says", [
    (notebook_step, "centroid 2 has no points: it must stay"),
    (farthest_step, "wrong label"),
    (median_step, "new_centroids: centroid"),
    (moves_empty_step, "has no points: it must stay"),
    (lambda X, c: (None, None), "returned None"),
    (lambda X, c: None, "returned None"),
    (lambda X, c: right_step(X, c)[0], "must return (labels, new_centroids)"),
    (lambda X, c: (right_step(X, c)[0][:-1], c), "shape"),
    (lambda X, c: 1 / 0, "raised ZeroDivisionError"),
    (lambda X: None, "raised TypeError"),
])
def test_a_wrong_or_broken_step_gets_a_short_message(function, says, capsys):
    ok, out = run("03.4", function, capsys)
    assert not ok and "✗ not yet" in out and says in out, out


def test_the_message_says_by_how_much_but_not_the_answer(capsys):
    def shifted_step(X, centroids):
        labels, new = right_step(X, centroids)
        return labels, new + 0.25

    ok, out = run("03.4", shifted_step, capsys)
    assert not ok and "off by 0.25" in out
    X, C = _student_code._kmeans_cases()[0][1]
    expected = right_step(X, C)[1]
    shown = {float(s) for s in re.findall(r"-?\d+\.\d+", out)}
    assert not any(np.isclose(expected, s, rtol=1e-3).any() for s in shown if s != 0.25)


def test_a_value_that_is_not_a_function_is_told_how_to_pass_one(capsys):
    ok, out = run("03.4", None, capsys)
    assert not ok and 'check("03.4", step)' in out


# --------------------------------------------------------------------------- E-step


def naive_e_step(X, means, covariances, weights):
    """The lecture's formula in linear space: 0/0 on a far point."""
    p = np.column_stack([w * multivariate_normal(m, c).pdf(X).reshape(len(X))
                         for m, c, w in zip(means, covariances, weights)])
    with np.errstate(invalid="ignore"):
        return p / p.sum(axis=1, keepdims=True)


def unweighted_e_step(X, means, covariances, weights):
    return right_e_step(X, means, covariances, np.full(len(weights), 1 / len(weights)))


@pytest.mark.parametrize("function, says", [
    (naive_e_step, "case 5: the 4-point example plus a far point"),
    (unweighted_e_step, "W: point"),
    (lambda X, m, c, w: right_e_step(X, m, c, w).T, "shape"),
    (lambda X, m, c, w: None, "returned None"),
    (lambda X, m, c, w: np.linalg.inv(np.zeros((2, 2))), "raised LinAlgError"),
])
def test_a_wrong_or_broken_e_step_gets_a_short_message(function, says, capsys):
    ok, out = run("05.4", function, capsys)
    assert not ok and says in out, out


def test_the_naive_e_step_fails_only_on_the_far_point():
    cases = _student_code._mixture_cases()
    for _, args in cases:
        np.testing.assert_allclose(naive_e_step(*args), right_e_step(*args), rtol=1e-9)
    assert np.isnan(naive_e_step(*_student_code._far_point_case()[1])).any()


# --------------------------------------------------------------------------- M-step


def diagonal_m_step(X, W):
    """Squares instead of the outer product: the off-diagonal entries are lost."""
    weights, means, covs = right_m_step(X, W)
    return weights, means, covs * np.eye(X.shape[1])


def per_n_m_step(X, W):
    weights, means, covs = right_m_step(X, W)
    return weights, means, covs * W.sum(axis=0)[:, None, None] / len(X)


@pytest.mark.parametrize("function, says", [
    (diagonal_m_step, "covariances: component"),
    (per_n_m_step, "covariances: component"),
    (lambda X, W: (W.sum(0), *right_m_step(X, W)[1:]), "weights: component"),
    (lambda X, W: right_m_step(X, W)[:2], "must return (weights, means, covariances)"),
    (lambda X, W: (np.full(W.shape[1], np.nan), *right_m_step(X, W)[1:]), "non-finite"),
    (lambda X, W: None, "returned None"),
    (lambda X, W: (*right_m_step(X, W)[:2], right_m_step(X, W)[2] + 1e-6 * np.eye(X.shape[1])),
     "covariances: component"),  # a variance floor, which the question rules out
])
def test_a_wrong_or_broken_m_step_gets_a_short_message(function, says, capsys):
    ok, out = run("05.5", function, capsys)
    assert not ok and says in out, out


def test_the_diagonal_m_step_is_caught_by_an_off_diagonal_entry(capsys):
    _, out = run("05.5", diagonal_m_step, capsys)
    row, column = map(int, re.search(r"row (\d+), column (\d+)", out).groups())
    assert row != column
