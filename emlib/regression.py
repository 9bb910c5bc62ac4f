r"""Gaussian mixture regression (GMR): the lecture's motivation, imitation learning.

A GMM fitted to demonstrations in (t, x) describes how x varies with t. Conditioning on
the input t gives, per component, a Gaussian over x; their mixture, weighted by how
responsible each component is for t, is collapsed to one Gaussian by moment matching.
"""

from __future__ import annotations

import numpy as np

from . import _validate as v
from .gaussian import LOG_2PI, solve_lower


def gmr(means, covariances, weights, x_in, in_dims):
    r"""Condition a Gaussian mixture on some of its dimensions.

    For each component i, with its mean and covariance split into input (I) and
    output (O) blocks, the Gaussian conditional is

    .. math:: \mu_{O|I}^i(x) = \mu_O^i + \Sigma_{OI}^i (\Sigma_{II}^i)^{-1}(x - \mu_I^i),\qquad
              \Sigma_{O|I}^i = \Sigma_{OO}^i - \Sigma_{OI}^i (\Sigma_{II}^i)^{-1}\Sigma_{IO}^i,

    and its weight is its responsibility for the input,
    :math:`h_i(x) = \pi_i N(x \mid \mu_I^i, \Sigma_{II}^i) / \sum_j \pi_j N(x \mid \mu_I^j, \Sigma_{II}^j)`.
    The mixture of these conditionals is collapsed to one Gaussian by moment matching
    (the law of total variance):

    .. math:: m(x) = \sum_i h_i\, \mu_{O|I}^i(x),\qquad
              S(x) = \sum_i h_i \left(\Sigma_{O|I}^i + (\mu_{O|I}^i - m)(\mu_{O|I}^i - m)^T\right).

    Parameters
    ----------
    means : array_like, shape (k, d)
    covariances : array_like, shape (k, d, d)
    weights : array_like, shape (k,)
    x_in : array_like, shape (n, d_in), or (n,) when d_in = 1
        Values of the input dimensions.
    in_dims : sequence of int
        Which of the d dimensions are inputs (distinct, 1 ≤ d_in < d).

    Returns
    -------
    mean : ndarray, shape (n, d_out)
    covariance : ndarray, shape (n, d_out, d_out)
    """
    means = v.as_float_array(means, "means")
    if means.ndim != 2 or means.shape[1] < 2:
        raise ValueError(f"means must have shape (k, d) with d >= 2 (inputs and outputs); "
                         f"got shape {means.shape}.")
    k, d = means.shape
    means = v.as_means(means, d)
    covariances = v.as_covariances(covariances, k, d)
    weights = v.as_weights(weights, k)
    dims = np.atleast_1d(np.asarray(in_dims))
    if (dims.ndim != 1 or dims.size == 0 or not np.issubdtype(dims.dtype, np.integer)
            or len(set(dims.tolist())) != dims.size or dims.min() < 0 or dims.max() >= d
            or dims.size >= d):
        raise ValueError(f"in_dims must be distinct dimension numbers in 0..{d - 1}, at least one "
                         f"and fewer than {d} (the rest are outputs); got {in_dims!r}.")
    out_dims = np.setdiff1d(np.arange(d), dims)
    x = v.as_float_array(x_in, "x_in")
    if x.ndim == 1 and dims.size == 1:
        x = x[:, None]
    if x.ndim != 2 or x.shape[1] != dims.size:
        raise ValueError(f"x_in must have shape (n, {dims.size}) (one column per input dimension), "
                         f"or (n,) for one input; got shape {x.shape}.")
    v.check_finite(x, "x_in")
    n, d_in, d_out = x.shape[0], dims.size, out_dims.size

    log_h = np.empty((k, n))
    cond_means = np.empty((k, n, d_out))
    cond_covs = np.empty((k, d_out, d_out))
    for i in range(k):
        C = covariances[i]
        L = v.cholesky(C[np.ix_(dims, dims)], f"covariances[{i}][in_dims, in_dims] (component {i})")
        v.cholesky(C, f"covariances[{i}] (component {i})")
        C_oi = C[np.ix_(out_dims, dims)]
        A = np.linalg.solve(C[np.ix_(dims, dims)], C_oi.T).T  # Σ_OI Σ_II⁻¹ (d_in x d_in, small)
        diff = x - means[i, dims]
        z = solve_lower(L, diff.T)
        log_h[i] = (np.log(weights[i]) if weights[i] > 0 else -np.inf) - 0.5 * (z * z).sum(0) \
            - np.log(np.diag(L)).sum() - 0.5 * d_in * LOG_2PI
        cond_means[i] = means[i, out_dims] + diff @ A.T
        cond_covs[i] = C[np.ix_(out_dims, out_dims)] - A @ C_oi.T
    top = log_h.max(axis=0)
    h = np.exp(log_h - top)
    h /= h.sum(axis=0)
    mean = np.einsum("kn,kno->no", h, cond_means)
    spread = cond_means - mean[None]
    cov = np.einsum("kn,kop->nop", h, cond_covs) + np.einsum("kn,kno,knp->nop", h, spread, spread)
    return mean, (cov + cov.transpose(0, 2, 1)) / 2
