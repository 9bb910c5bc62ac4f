"""Choosing k, beyond the lecture ("no answer in general"): information criteria and
k-means++ seeding.

The log-likelihood always rises with k (more components fit the same data at least
as well), so it cannot choose k by itself. BIC and AIC charge for every parameter.
"""

from __future__ import annotations

import numpy as np

from . import _validate as v
from .mixture import _check_mixture, log_likelihood


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
    n, d = X.shape
    return -2.0 * log_likelihood(X, means, covariances, weights) + n_parameters(len(weights), d) * np.log(n)


def aic(X, means, covariances, weights) -> float:
    r"""Akaike information criterion of a Gaussian mixture (lower is better).

    .. math:: \mathrm{AIC} = -2 \log L + 2p

    Parameters and returns as :func:`bic`; the same value as scikit-learn's
    ``GaussianMixture.aic``.
    """
    X, means, covariances, weights = _check_mixture(X, means, covariances, weights)
    return -2.0 * log_likelihood(X, means, covariances, weights) + 2.0 * n_parameters(len(weights), X.shape[1])


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
