"""Gaussian distributions: the formulas of the lecture's first part.

Everything here is float64 numpy. Densities in d dimensions go through a
Cholesky factor and a triangular solve, never an explicit inverse.
"""

from __future__ import annotations

import math

import numpy as np

from . import _validate as v

LOG_2PI = math.log(2.0 * math.pi)


def _check_std(std, name: str = "std") -> np.ndarray:
    arr = v.as_float_array(std, name)
    v.check_finite(arr, name)
    if (arr <= 0).any():
        raise ValueError(
            f"{name} must be > 0 (a standard deviation, sigma); got "
            f"{np.array2string(np.atleast_1d(arr), precision=4)}. A Gaussian with sigma = 0 "
            f"has no density; use a small positive sigma."
        )
    return arr


def normal_pdf(x, mean=0.0, std=1.0) -> np.ndarray:
    r"""Density of the 1-D normal distribution N(mean, std²).

    The lecture's PDF:

    .. math:: p(x) = \frac{1}{\sigma\sqrt{2\pi}}
              \exp\left(-\frac{1}{2}\left(\frac{x-\mu}{\sigma}\right)^2\right)

    A density, not a probability: with ``std=0.1``, ``normal_pdf(0, 0, 0.1)``
    is about 3.99 (the lecture's Quiz 2).

    Parameters
    ----------
    x : array_like, any shape
        Points at which to evaluate the density.
    mean : float or array_like broadcastable with x
        μ.
    std : float or array_like broadcastable with x
        σ > 0 (the standard deviation, not the variance).

    Returns
    -------
    ndarray, the broadcast shape of x, mean and std
        p(x).
    """
    return np.exp(normal_logpdf(x, mean, std))


def normal_logpdf(x, mean=0.0, std=1.0) -> np.ndarray:
    r"""Logarithm of :func:`normal_pdf`, computed without forming the density.

    .. math:: \log p(x) = -\frac{1}{2}\left(\frac{x-\mu}{\sigma}\right)^2
              - \log\sigma - \frac{1}{2}\log 2\pi

    Parameters and shapes as in :func:`normal_pdf`.
    """
    x = v.as_float_array(x, "x")
    mean = v.as_float_array(mean, "mean")
    v.check_finite(mean, "mean")
    std = _check_std(std)
    if np.isnan(x).any():
        v.check_finite(x, "x")
    z = (x - mean) / std
    return -0.5 * z * z - np.log(std) - 0.5 * LOG_2PI


_erfc = np.frompyfunc(math.erfc, 1, 1)


def normal_cdf(x, mean=0.0, std=1.0) -> np.ndarray:
    r"""Cumulative distribution function of N(mean, std²).

    The lecture's CDF, the integral of the PDF:

    .. math:: \Pr(x) = \int_{-\infty}^{x} p(t)\,dt
              = \frac{1}{2}\operatorname{erfc}\left(-\frac{x-\mu}{\sigma\sqrt{2}}\right)

    Written with erfc, not 1 + erf, so the lower tail keeps its precision.

    Parameters
    ----------
    x : array_like, any shape
    mean : float or array_like broadcastable with x
    std : float or array_like broadcastable with x, > 0

    Returns
    -------
    ndarray, the broadcast shape of x, mean and std
        Pr(X ≤ x), in [0, 1].
    """
    x = v.as_float_array(x, "x")
    mean = v.as_float_array(mean, "mean")
    v.check_finite(mean, "mean")
    std = _check_std(std)
    if np.isnan(x).any():
        v.check_finite(x, "x")
    z = -(x - mean) / (std * math.sqrt(2.0))
    return 0.5 * np.asarray(_erfc(z), dtype=np.float64)


def ks_distance(sample, mean=0.0, std=1.0) -> float:
    r"""Kolmogorov–Smirnov distance between a sample and N(mean, std²).

    The largest vertical gap between the sample's empirical CDF
    :math:`F_n(x) = \#\{x_j \le x\} / n`, a staircase, and the CDF :math:`F` of
    N(mean, std²) (:func:`normal_cdf`):

    .. math:: D_n = \sup_x |F_n(x) - F(x)|
              = \max_{i=1}^{n} \max\left(\frac{i}{n} - F(x_{(i)}),\;
                F(x_{(i)}) - \frac{i-1}{n}\right)

    with :math:`x_{(1)} \le \dots \le x_{(n)}` the sorted sample. Both sides count:
    just after its i-th step the staircase stands at i/n, just before it at
    (i − 1)/n, and the gap can be largest on either side. For draws from
    N(mean, std²), :math:`\sqrt{n}\,D_n` stays of order 1, so :math:`D_n`
    shrinks like :math:`1/\sqrt{n}`. Equal to ``scipy.stats.kstest(sample,
    "norm", args=(mean, std)).statistic``.

    Parameters
    ----------
    sample : array_like, shape (n,), n ≥ 1
        The draws.
    mean : float
        μ of the normal distribution compared with.
    std : float, > 0
        σ of the normal distribution compared with.

    Returns
    -------
    float
        D_n, in [0, 1].
    """
    x = v.as_float_array(sample, "sample")
    if x.ndim != 1 or x.size == 0:
        raise ValueError(f"sample must have shape (n,) with n ≥ 1; got shape {x.shape}. "
                         f"Pass a flat array of draws, e.g. sample.ravel().")
    v.check_finite(x, "sample")
    if np.ndim(mean) != 0 or np.ndim(std) != 0:
        raise ValueError(f"mean and std must be single numbers; got shapes {np.shape(mean)} and "
                         f"{np.shape(std)}. Compare with one normal distribution at a time.")
    F = normal_cdf(np.sort(x), mean, std)
    n = x.size
    i = np.arange(1, n + 1)
    return float(max((i / n - F).max(), (F - (i - 1) / n).max()))


def solve_lower(L: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Solve L Z = B for lower-triangular L (d, d) and B (d, n) by forward substitution.

    numpy has no triangular solver; d is small, so a loop over rows with
    vector operations across the n columns is both exact and fast.
    """
    d = L.shape[0]
    Z = np.empty_like(B)
    for i in range(d):
        Z[i] = (B[i] - L[i, :i] @ Z[:i]) / L[i, i]
    return Z


def mvn_logpdf(X, mean, cov) -> np.ndarray:
    r"""Log-density of the d-dimensional normal distribution N(mean, cov).

    The lecture's N-dim PDF, in the log domain:

    .. math:: \log g(x) = -\frac{1}{2}(x-\mu)^T\Sigma^{-1}(x-\mu)
              - \frac{1}{2}\log\det\Sigma - \frac{d}{2}\log 2\pi

    computed with Σ = L Lᵀ (Cholesky): the quadratic form is ‖z‖² where
    L z = x − μ (a triangular solve), and log det Σ = 2 Σ log Lᵢᵢ.

    Parameters
    ----------
    X : array_like, shape (n, d), or (n,) when d = 1
        Points, one per row.
    mean : array_like, shape (d,) (a scalar when d = 1)
        μ.
    cov : array_like, shape (d, d) (a scalar variance when d = 1)
        Σ, symmetric positive definite.

    Returns
    -------
    ndarray, shape (n,)
        log g(xʲ) for each point.
    """
    X = v.as_data(X)
    d = X.shape[1]
    mean = v.as_mean(mean, d)
    L = v.cholesky(v.as_cov(cov, d), "cov")
    Z = solve_lower(L, (X - mean).T)
    maha = np.einsum("ij,ij->j", Z, Z)
    return -0.5 * (maha + d * LOG_2PI) - np.log(np.diag(L)).sum()


def mvn_pdf(X, mean, cov) -> np.ndarray:
    r"""Density of N(mean, cov): the lecture's

    .. math:: g(x) = \left((2\pi)^d \det\Sigma\right)^{-1/2}
              \exp\left(-\frac{1}{2}(x-\mu)^T\Sigma^{-1}(x-\mu)\right)

    Computed as ``exp(mvn_logpdf(X, mean, cov))``; far from the mean it
    underflows to 0, which is why the EM code stays in the log domain.

    Parameters
    ----------
    X : array_like, shape (n, d), or (n,) when d = 1
    mean : array_like, shape (d,)
    cov : array_like, shape (d, d)

    Returns
    -------
    ndarray, shape (n,)
    """
    return np.exp(mvn_logpdf(X, mean, cov))


def sample_mvn(mean, cov, n, rng) -> np.ndarray:
    r"""Draw n points from N(mean, cov).

    The lecture turns z ~ N(0, I) into correlated points by a linear map,
    z' = A z. That gives covariance A Aᵀ, not A. To get covariance Σ we need
    A with A Aᵀ = Σ: the Cholesky factor L. So x = μ + L z.

    Parameters
    ----------
    mean : array_like, shape (d,)
        μ.
    cov : array_like, shape (d, d)
        Σ, symmetric positive definite. (To see what a singular map does, as
        in the lecture's Quiz 1, apply the map to ``rng.standard_normal((n, d))``.)
    n : int
        Number of points, ≥ 0.
    rng : numpy.random.Generator
        The source of randomness.

    Returns
    -------
    ndarray, shape (n, d)
    """
    mean = v.as_float_array(mean, "mean")
    if mean.ndim != 1 or mean.shape[0] == 0:
        raise ValueError(f"mean must have shape (d,); got shape {mean.shape}.")
    d = mean.shape[0]
    mean = v.as_mean(mean, d)
    L = v.cholesky(v.as_cov(cov, d), "cov")
    n = v.as_int(n, "n", 0)
    rng = v.as_rng(rng)
    return mean + rng.standard_normal((n, d)) @ L.T


def marsaglia_polar(n, rng) -> np.ndarray:
    r"""n standard normal draws by the Marsaglia polar method, as in the lecture.

    Draw u, v uniform on (−1, 1) until 0 < s = u² + v² < 1 (a point inside the
    unit disc), then

    .. math:: r = \sqrt{-2\log(s)/s}, \qquad u\,r,\; v\,r \sim N(0, 1)

    The lecture's C code keeps only u·r; v·r is an independent normal draw
    too, so both are kept. Vectorised: whole batches of (u, v) pairs are drawn
    and the rejected ones (about 1 − π/4 ≈ 21 %) dropped.

    Parameters
    ----------
    n : int
        Number of draws, ≥ 0.
    rng : numpy.random.Generator
        The source of uniform numbers.

    Returns
    -------
    ndarray, shape (n,)
    """
    n = v.as_int(n, "n", 0)
    rng = v.as_rng(rng)
    out = np.empty(n)
    filled = 0
    while filled < n:
        pairs = int((n - filled) / 2 / (math.pi / 4) * 1.1) + 8
        u, w = rng.uniform(-1.0, 1.0, size=(2, pairs))
        s = u * u + w * w
        inside = (s > 0) & (s < 1)
        u, w, s = u[inside], w[inside], s[inside]
        r = np.sqrt(-2.0 * np.log(s) / s)
        draws = np.stack([u * r, w * r], axis=1).ravel()
        take = min(draws.size, n - filled)
        out[filled:filled + take] = draws[:take]
        filled += take
    return out


def logsumexp(a, axis=None) -> np.ndarray:
    r"""log Σ exp(a) along an axis, without overflow or underflow.

    .. math:: \log\sum_i e^{a_i} = m + \log\sum_i e^{a_i - m}, \quad m = \max_i a_i

    The trick behind every likelihood in this course: the lecture's
    Σᵢ πᵢ Gᵢ(x) underflows to 0 for a far point, and 0/0 is NaN; its logarithm
    does not.

    Parameters
    ----------
    a : array_like
        Log-values; −inf entries (a zero weight) are allowed.
    axis : int or None
        Axis to reduce; None reduces everything.

    Returns
    -------
    ndarray or float
        The reduced log-sum; −inf where every term is −inf.
    """
    a = v.as_float_array(a, "a")
    if np.isnan(a).any() or np.isposinf(a).any():
        raise ValueError("a must not contain NaN or +inf; -inf (log of 0) is allowed.")
    m = np.max(a, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore"):
        out = np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True)) + m
    return out.squeeze(axis=axis) if axis is not None else out.reshape(())[()]
