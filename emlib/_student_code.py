"""Checkers for the exercises where the student writes the algorithm.

Each checker runs the student's function on cases of its own (not the notebook's
data), compares every result with emlib's, and returns (ok, message). The message
says what differs (which case, which point or component, by how much) and never
the expected value. Whatever the student's function does (raise, return the
wrong shape, return NaN), the answer is a short message, never a traceback.

The cases come from a fixed seed, so the same mistake always gets the same
message, and include the cases the lecture warns about: an empty cluster
(k-means), a point far from every mean (the E-step's 0/0), correlated
data where only the outer product gives the right covariance (the M-step).
"""

from __future__ import annotations

import numpy as np

from . import mixture
from .kmeans import kmeans as _run_kmeans

_SEED = 20201210  # the lecture's date


class _NotYet(Exception):
    """The student's result differs; the message says how."""


def _call(name, function, case, args):
    try:
        return function(*args)
    except Exception as e:  # the student's code: any error becomes a message
        raise _NotYet(f"{name} raised {type(e).__name__}: {e} ({case}).") from None


def _array(name, value, shape, case, what):
    """value as a float array of the expected shape, or a _NotYet saying what is wrong."""
    if value is None:
        raise _NotYet(f"{name} returned None for {what}: write your code, then run the cell again.")
    try:
        a = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise _NotYet(f"{what} must be an array of numbers; {name} returned "
                      f"{type(value).__name__} ({case}).") from None
    if a.shape != shape:
        raise _NotYet(f"{what} must have shape {shape}; {name} returned shape {a.shape} ({case}).")
    bad = np.argwhere(~np.isfinite(a))
    if len(bad):
        raise _NotYet(f"{what} has {len(bad)} non-finite entries (NaN or inf), the first at "
                      f"index {tuple(int(i) for i in bad[0])} ({case}).")
    return a


def _unpack(name, result, n_parts, what, case):
    if result is None:
        raise _NotYet(f"{name} returned None: it must return {what}.")
    if not isinstance(result, (tuple, list)) or len(result) != n_parts:
        raise _NotYet(f"{name} must return {what}; it returned {type(result).__name__} ({case}).")
    return result


def _compare(what, mine, expected, case, rtol=1e-6, atol=1e-8, index_names=("row",)):
    """Raise _NotYet naming the entry that differs most, with the size of the difference."""
    err = np.abs(mine - expected) - (atol + rtol * np.abs(expected))
    if (err <= 0).all():
        return
    where = np.unravel_index(np.argmax(err), err.shape)
    off = float(np.abs(mine - expected)[where])
    at = ", ".join(f"{n} {int(i)}" for n, i in zip(index_names, where))
    raise _NotYet(f"{what}: {at} is off by {off:.3g} ({case}).")


def _run(name, cases, check_one):
    """Run every case; (True, summary) or (False, the first difference)."""
    try:
        for case, args in cases:
            check_one(case, args)
    except _NotYet as e:
        return False, str(e)
    return True, f"{name} agrees with emlib on all {len(cases)} test cases."


# --------------------------------------------------------------------------- 03.4 k-means step


def _kmeans_cases():
    rng = np.random.default_rng(_SEED)
    cases = []
    for n, d, k in [(30, 2, 2), (60, 2, 3), (40, 3, 4), (12, 1, 2)]:
        centres = rng.normal(0, 6, (k, d))
        X = centres[rng.integers(0, k, n)] + rng.normal(0, 1.5, (n, d))
        C = X[rng.choice(n, k, replace=False)] + rng.normal(0, 0.5, (k, d))
        cases.append((f"case {len(cases) + 1}: n = {n} points, k = {k} centroids, d = {d}", (X, C)))
    # A centroid far from every point gets none: it must stay where it is.
    X = rng.normal(0, 1, (25, 2))
    C = np.array([[0.5, 0.0], [-0.5, 0.0], [40.0, 40.0]])
    cases.append((f"case {len(cases) + 1}: n = 25, k = 3, centroid 2 gets no points", (X, C)))
    return cases


def check_kmeans_step(step):
    """03.4: ``step(X, centroids) -> (labels (n,), new_centroids (k, d))``."""
    def one(case, args):
        X, C = args
        n, k, d = len(X), len(C), X.shape[1]
        result = _call("step", step, case, (X.copy(), C.copy()))
        labels, centroids = _unpack("step", result, 2, "(labels, new_centroids)", case)
        labels = _array("step", labels, (n,), case, "labels")
        if not np.array_equal(labels, np.round(labels)) or labels.min() < 0 or labels.max() >= k:
            raise _NotYet(f"labels must be centroid indices 0..{k - 1} ({case}).")
        h = _run_kmeans(X, C, max_iter=1, empty="keep")
        right = h.labels[0].astype(int)
        wrong = np.flatnonzero(labels.astype(int) != right)
        if len(wrong):
            j = int(wrong[0])
            raise _NotYet(f"{len(wrong)} point(s) get the wrong label; point {j} is closer to "
                          f"another centroid than to centroid {int(labels[j])} ({case}).")
        empty = np.flatnonzero(np.bincount(right, minlength=k) == 0)
        if len(empty):  # checked first: the mean of no points is 0/0
            mine = np.asarray(centroids, dtype=float) if centroids is not None else None
            if mine is not None and mine.shape == (k, d) and np.any(mine[empty] != C[empty]):
                raise _NotYet(f"centroid {int(empty[0])} has no points: it must stay where it "
                              f"was, not move (the mean of no points is 0/0) ({case}).")
        centroids = _array("step", centroids, (k, d), case, "new_centroids")
        _compare("new_centroids", centroids, h.centroids[1], case, index_names=("centroid", "coordinate"))
    return _run("step", _kmeans_cases(), one)


# --------------------------------------------------------------------------- 05.4 / 05.5 EM steps


def _mixture_cases():
    rng = np.random.default_rng(_SEED + 5)
    cases = []
    for n, d, k in [(20, 1, 2), (50, 2, 3), (40, 3, 2), (30, 2, 1)]:
        means = rng.normal(0, 4, (k, d))
        A = rng.normal(0, 1, (k, d, d))
        covs = A @ A.transpose(0, 2, 1) + 0.5 * np.eye(d)
        weights = rng.dirichlet(np.ones(k) * 2)
        X = means[rng.integers(0, k, n)] + rng.normal(0, 2, (n, d))
        cases.append((f"case {len(cases) + 1}: n = {n} points, k = {k} components, d = {d}",
                      (X, means, covs, weights)))
    return cases


def _far_point_case():
    # The lecture's 0/0: at x = 60 every G_i(x) underflows to 0 in float64.
    X = np.array([[1.0], [1.1], [10.0], [10.1], [60.0]])
    args = (X, np.array([[1.0], [10.0]]), np.full((2, 1, 1), 1.0), np.array([0.5, 0.5]))
    return ("case 5: the 4-point example plus a far point x = 60", args)


def check_e_step(e_step):
    """05.4: ``e_step(X, means, covariances, weights) -> W (n, k)``."""
    def one(case, args):
        X, means, covs, weights = args
        result = _call("e_step", e_step, case, tuple(a.copy() for a in args))
        W = _array("e_step", result, (len(X), len(means)), case, "W")
        expected = mixture.responsibilities(X, means, covs, weights)
        _compare("W", W, expected, case, index_names=("point", "component"))
    return _run("e_step", _mixture_cases() + [_far_point_case()], one)


def _m_step_cases():
    rng = np.random.default_rng(_SEED + 6)
    cases = []
    for n, d, k in [(20, 1, 2), (60, 2, 3), (40, 3, 2)]:
        X = rng.normal(0, 3, (n, d)) @ rng.normal(0, 1, (d, d))  # correlated: off-diagonals matter
        W = rng.dirichlet(np.ones(k), size=n)
        cases.append((f"case {len(cases) + 1}: n = {n} points, k = {k} components, d = {d}", (X, W)))
    return cases


def _m_step_reference(X, W):
    """emlib's M-step with no variance floor: (weights (k,), means (k, d), covariances (k, d, d))."""
    quad = mixture._Quadratic(X, X.mean(axis=0))
    nk, means, covs = mixture._gaussian_m_step(quad, np.ascontiguousarray(W.T), reg_covar=0.0)
    return nk / len(X), means, covs


def check_m_step(m_step):
    """05.5: ``m_step(X, W) -> (weights (k,), means (k, d), covariances (k, d, d))``."""
    def one(case, args):
        X, W = args
        (n, d), k = X.shape, W.shape[1]
        result = _call("m_step", m_step, case, (X.copy(), W.copy()))
        weights, means, covs = _unpack("m_step", result, 3, "(weights, means, covariances)", case)
        weights = _array("m_step", weights, (k,), case, "weights")
        means = _array("m_step", means, (k, d), case, "means")
        covs = _array("m_step", covs, (k, d, d), case, "covariances")
        ref_w, ref_m, ref_c = _m_step_reference(X, W)
        # Tight tolerances: "no variance floor" means a floor of 1e-6 is wrong here.
        _compare("weights", weights, ref_w, case, rtol=1e-9, atol=1e-12, index_names=("component",))
        _compare("means", means, ref_m, case, rtol=1e-9, atol=1e-12,
                 index_names=("component", "coordinate"))
        _compare("covariances", covs, ref_c, case, rtol=1e-9, atol=1e-12,
                 index_names=("component", "row", "column"))
    return _run("m_step", _m_step_cases(), one)
