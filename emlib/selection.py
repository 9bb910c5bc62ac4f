"""Choosing k, beyond the lecture ("no answer in general"): information criteria and
k-means++ seeding.

The best log-likelihood over all fits never falls with k (a k-component mixture is a
(k + 1)-component one with a weight of 0), so it cannot choose k by itself; one EM run
can still end lower at k + 1 than another did at k. BIC and AIC charge for every parameter.
"""

from __future__ import annotations

import numpy as np

from dataclasses import dataclass

from . import _validate as v
from .mixture import GMMHistory, _check_mixture, gmm_em, log_likelihood, random_init


def n_parameters(k: int, d: int) -> int:
    """Free parameters of a k-component, d-dimensional GMM with full covariances:
    k·d means, k·d(d+1)/2 covariance entries, k − 1 weights (they sum to 1)."""
    return k * d + k * d * (d + 1) // 2 + k - 1


def bic(X, means, covariances, weights) -> float:
    r"""Bayesian information criterion of a Gaussian mixture (lower is better).

    .. math:: \mathrm{BIC} = -2 \log L + p \log n

    with :math:`\log L = \sum_j \log \sum_i \pi_i N(x^j \mid \mu_i, \Sigma_i)` and p the
    number of free parameters (:func:`n_parameters`). The same value as
    scikit-learn's ``GaussianMixture.bic``.

    Parameters
    ----------
    X : array_like, shape (n, d), or (n,)
    means : array_like, shape (k, d), or (k,)
    covariances : array_like, shape (k, d, d), or (k,) variances
    weights : array_like, shape (k,)

    Returns
    -------
    float
    """
    X, means, covariances, weights = _check_mixture(X, means, covariances, weights)
    return _criteria(log_likelihood(X, means, covariances, weights), len(weights), *X.shape)[0]


def aic(X, means, covariances, weights) -> float:
    r"""Akaike information criterion of a Gaussian mixture (lower is better).

    .. math:: \mathrm{AIC} = -2 \log L + 2p

    Parameters and returns as :func:`bic`; the same value as scikit-learn's
    ``GaussianMixture.aic``.
    """
    X, means, covariances, weights = _check_mixture(X, means, covariances, weights)
    return _criteria(log_likelihood(X, means, covariances, weights), len(weights), *X.shape)[1]


def _criteria(log_l, k, n, d):
    """(BIC, AIC) from a log-likelihood: −2 log L + p log n and −2 log L + 2p."""
    p = n_parameters(k, d)
    return -2.0 * log_l + p * np.log(n), -2.0 * log_l + 2.0 * p


def kmeans_plusplus(X, k, rng) -> np.ndarray:
    r"""k initial centroids by k-means++ seeding (Arthur and Vassilvitskii, 2007).

    The first centroid is a data point drawn uniformly; each next one is a data point
    drawn with probability proportional to :math:`D(x)^2`, its squared distance to the
    nearest centroid chosen so far. Far-apart starts make k-means' "initial guess
    determines the final result" much less of a gamble.

    Parameters
    ----------
    X : array_like, shape (n, d), or (n,)
    k : int
        1 ≤ k ≤ n.
    rng : numpy.random.Generator

    Returns
    -------
    ndarray, shape (k, d)
        Rows of X.
    """
    X = v.as_data(X)
    n = X.shape[0]
    k = v.as_int(k, "k", 1)
    v.check_k(k, n, "k")
    rng = v.as_rng(rng)
    chosen = [int(rng.integers(n))]
    d2 = ((X - X[chosen[0]]) ** 2).sum(axis=1)
    for _ in range(1, k):
        total = d2.sum()
        if total > 0:
            nxt = int(rng.choice(n, p=d2 / total))
        else:  # every point sits on a chosen centroid: duplicates are all that is left
            nxt = int(rng.choice(np.setdiff1d(np.arange(n), chosen)))
        chosen.append(nxt)
        np.minimum(d2, ((X - X[nxt]) ** 2).sum(axis=1), out=d2)
    return X[chosen].copy()


SEEDINGS = ("k-means++", "random")


def gmm_restarts(X, k, rng, restarts=5, seeding="k-means++", max_iter=300, tol=1e-6,
                 reg_covar=1e-6) -> list[GMMHistory]:
    """Fit a k-component GMM by EM from several seeded starts; the runs, best first.

    EM climbs to the nearest peak of the log-likelihood, so "the initial guess
    determines the final result". Several starts, keeping the best, is the usual cure.
    Each start is :func:`random_init`'s guess (the data's covariance for every
    component, weights 1/k) with its means drawn by ``seeding``: k-means++
    (:func:`kmeans_plusplus`) or k data points drawn uniformly ("random").

    Parameters
    ----------
    X : array_like, shape (n, d), or (n,)
    k : int
    rng : numpy.random.Generator
        Draws every start, one after the other.
    restarts : int
        Number of starts, at least 1.
    seeding : {"k-means++", "random"}
    max_iter, tol, reg_covar
        Passed to :func:`gmm_em`.

    Returns
    -------
    list of GMMHistory
        Sorted by final log-likelihood, highest first (ties keep the start order).
    """
    X = v.as_data(X)
    restarts = v.as_int(restarts, "restarts", 1)
    seeding = v.as_choice(seeding, "seeding", SEEDINGS)
    rng = v.as_rng(rng)
    runs = []
    for _ in range(restarts):
        means, covariances, weights = random_init(X, k, rng)
        if seeding == "k-means++":
            means = kmeans_plusplus(X, k, rng)
        runs.append(gmm_em(X, means, covariances, weights, max_iter=max_iter, tol=tol,
                           reg_covar=reg_covar))
    order = sorted(range(restarts), key=lambda r: -runs[r].log_likelihood[-1])
    return [runs[r] for r in order]


@dataclass(frozen=True)
class Selection:
    """Every restart of every k, scored. Arrays are (len(ks), restarts), restarts best first.

    Attributes
    ----------
    ks : ndarray of int
    runs : dict k -> list of GMMHistory, best first
    log_likelihood : training log-likelihood per point, (1/n) log L
    held_out : log-likelihood per point of the held-out data (NaN without it)
    bic, aic : the criteria on the training data (lower is better)
    """

    ks: np.ndarray
    runs: dict
    log_likelihood: np.ndarray
    held_out: np.ndarray
    bic: np.ndarray
    aic: np.ndarray

    def best(self, k) -> GMMHistory:
        """The run with the highest training log-likelihood for k components."""
        if k not in self.runs:
            raise ValueError(f"k must be one of the fitted {self.ks.tolist()}; got {k!r}. "
                             "Pass it in ks to select_k.")
        return self.runs[k][0]

    def choice(self, criterion: str) -> int:
        """The k each criterion picks, from each k's best run: the lowest "bic" or "aic",
        the highest "held_out" or "log_likelihood" (which always picks the largest k)."""
        criterion = v.as_choice(criterion, "criterion", ("bic", "aic", "held_out", "log_likelihood"))
        score = getattr(self, criterion)[:, 0]
        i = np.nanargmin(score) if criterion in ("bic", "aic") else np.nanargmax(score)
        return int(self.ks[i])


def select_k(X, ks, rng, restarts=5, X_test=None, seeding="k-means++", **em_options) -> Selection:
    """Fit each k in ``ks`` from several starts (:func:`gmm_restarts`) and score every run.

    The lecture leaves k open ("no answer in general"). The training log-likelihood
    cannot choose it: its best value never falls with k. BIC and AIC charge for parameters; the
    log-likelihood of held-out data falls once extra components fit noise.

    Parameters
    ----------
    X : array_like, shape (n, d), or (n,)
        Training data.
    ks : iterable of int
        The numbers of components to try.
    rng : numpy.random.Generator
    restarts : int
    X_test : array_like, shape (m, d), optional
        Held-out data from the same source, not used for fitting.
    seeding, em_options
        Passed to :func:`gmm_restarts`.

    Returns
    -------
    Selection
    """
    X = v.as_data(X)
    ks = np.array([v.as_int(k, "ks", 1) for k in ks], dtype=int)
    if ks.size == 0:
        raise ValueError("ks must name at least one number of components, e.g. range(1, 9); got none.")
    if X_test is not None:
        X_test = v.as_data(X_test, "X_test")
        if X_test.shape[1] != X.shape[1]:
            raise ValueError(f"X_test must have the training data's {X.shape[1]} columns; "
                             f"got shape {X_test.shape}.")
    runs, scores = {}, np.full((4, ks.size, v.as_int(restarts, "restarts", 1)), np.nan)
    for i, k in enumerate(ks):
        runs[int(k)] = gmm_restarts(X, k, rng, restarts, seeding, **em_options)
        for r, h in enumerate(runs[int(k)]):
            log_l = h.log_likelihood[-1]  # EM computed it for its last parameters
            scores[0, i, r] = log_l / len(X)
            if X_test is not None:
                scores[1, i, r] = log_likelihood(X_test, *h.params(-1)) / len(X_test)
            scores[2:, i, r] = _criteria(log_l, int(k), *X.shape)
    return Selection(ks, runs, *scores)
