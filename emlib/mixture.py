r"""Gaussian mixtures: the lecture's hard EM (part 3) and soft EM / GMM (part 4).

The model (lecture, "Modeling of GMM"):

.. math:: p(x) = \sum_i \pi_i\, G_i(x), \qquad G_i = N(\mu_i, \Sigma_i), \qquad \sum_i \pi_i = 1

How the computation is organised (and why it is fast in plain numpy):

* The log of a Gaussian density is a quadratic polynomial in x. With the
  features ``F = [x_a x_b (a <= b), x, 1]`` of the (centred) data, computed
  once, the log-densities of all k components are one matrix product
  ``Theta @ F.T``, shape (k, n).
* The M-step needs, per component, Σⱼ Wᵢʲ, Σⱼ Wᵢʲ xʲ and Σⱼ Wᵢʲ xʲ xʲᵀ: that is
  one product ``R @ F`` with the responsibilities R, shape (k, n).
* The data are centred on their mean first, so that Σ W x xᵀ / Σ W − μ μᵀ
  does not lose digits to cancellation.
* Everything is in the log domain (log-sum-exp), so a far point never makes
  0/0 = NaN.

A history keeps the parameters of every step (small), not the (n, k)
responsibilities of every step; ``history.responsibilities(t)`` recomputes
them on demand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from . import _validate as v
from .gaussian import LOG_2PI, solve_lower

_EPS = 10 * np.finfo(np.float64).eps  # keeps an empty component's Σ W away from 0 (as scikit-learn)
_ROUNDOFF = 64 * np.finfo(np.float64).eps  # relative size of a covariance's own rounding error
_CANCELLATION = 1e-7  # eps / 1e-7 ≈ 2e-9: the worst relative error the moment formula may leave


# --------------------------------------------------------------------------- checks


class CollapseError(ValueError):
    """A component's covariance became singular during EM (possible with reg_covar=0).

    ``history`` holds the run up to the last step whose parameters were still
    valid, so a notebook can show the likelihood running away before the collapse.
    """

    def __init__(self, message: str, history=None):
        super().__init__(message)
        self.history = history



def _check_mixture(X, means, covariances, weights, what="the mixture"):
    """Validate a data set and mixture parameters together; return clean arrays."""
    X = v.as_data(X)
    n, d = X.shape
    means = v.as_means(means, d)
    k = means.shape[0]
    covariances = v.as_covariances(covariances, k, d)
    weights = v.as_weights(weights, k)
    for i in range(k):
        v.cholesky(covariances[i], f"covariances[{i}] (component {i} of {what})")
    return X, means, covariances, weights


# --------------------------------------------------------------------------- the two steps


class _Quadratic:
    """Quadratic features of the data, centred on ``shift``: the E- and M-step work on these."""

    def __init__(self, X: np.ndarray, shift: np.ndarray, strict: bool = False):
        n, d = X.shape
        self.d = d
        self.shift = shift
        self.iu = np.triu_indices(d)
        self.q = len(self.iu[0])  # number of distinct products x_a x_b
        Xc = X - shift
        F = np.empty((n, self.q + d + 1))
        np.multiply(Xc[:, self.iu[0]], Xc[:, self.iu[1]], out=F[:, : self.q])
        F[:, self.q : self.q + d] = Xc
        F[:, -1] = 1.0
        self.F = F
        self.centred = F[:, self.q : self.q + d]  # x - shift, a view
        self.radius2 = float(np.einsum("ij,ij->i", Xc, Xc).max())  # largest |x - shift|^2
        # A standard deviation below a few ulps of the data cannot be resolved: the
        # mean itself is only known that well. Such a variance is rounding noise.
        self.resolution2 = (16 * np.finfo(np.float64).eps * np.abs(X).max()) ** 2
        # Without a variance floor (strict), a covariance conditioned worse than SciPy's test
        # for "singular" (eigenvalues below 1e6 eps of the largest) has collapsed:
        # float64 can no longer follow EM there (the likelihood starts to wobble).
        self.min_rcond = 1e6 * np.finfo(np.float64).eps if strict else 0.0

    def weighted_log_densities(self, means, covariances, weights, where, out=None):
        r"""log πᵢ + log Gᵢ(xʲ) for all i, j, shape (k, n).

        log G(x) = −½ xᵀPx + xᵀPμ − ½ μᵀPμ − ½ log det Σ − (d/2) log 2π, with
        P = Σ⁻¹ = L⁻ᵀ L⁻¹ formed from the Cholesky factor by a triangular solve
        (d × d, once per component). All k rows are then one product with the
        features. That expansion loses about eps·‖P‖·‖x‖² to cancellation: a
        component so narrow that this matters (a collapse) gets its row
        computed directly, as ‖L⁻¹(x − μ)‖².
        """
        k, d = means.shape
        theta = np.empty((k, self.F.shape[1]))
        eye = np.eye(d)
        off = np.where(self.iu[0] == self.iu[1], 0.5, 1.0)  # x_a x_b appears twice for a != b
        direct = []
        for i in range(k):
            L = _cholesky_or_collapse(covariances[i], i, where, self)
            Linv = solve_lower(L, eye)
            P = Linv.T @ Linv
            m = means[i] - self.shift
            Lm = Linv @ m
            const = -np.log(np.diag(L)).sum() - 0.5 * d * LOG_2PI
            theta[i, : self.q] = -off * P[self.iu]
            theta[i, self.q : self.q + d] = Linv.T @ Lm
            theta[i, -1] = -0.5 * (Lm @ Lm) + const
            lost = _EPS * (Linv * Linv).sum() * (self.radius2 + m @ m)
            if not lost < 1e-7:
                direct.append((i, Linv, m, const))
        out = np.matmul(theta, self.F.T, out=out)
        for i, Linv, m, const in direct:
            z = (self.centred - m) @ Linv.T
            out[i] = -0.5 * np.einsum("ij,ij->i", z, z) + const
        with np.errstate(divide="ignore"):
            out += np.log(weights)[:, None]  # a zero weight gives a row of -inf, never NaN
        return out

    def moments(self, R: np.ndarray):
        """Σⱼ Rᵢʲ, Σⱼ Rᵢʲ xʲ and Σⱼ Rᵢʲ xʲxʲᵀ of the centred data, for every component."""
        S = R @ self.F
        k, d = R.shape[0], self.d
        second = np.empty((k, d, d))
        second[:, self.iu[0], self.iu[1]] = S[:, : self.q]
        second[:, self.iu[1], self.iu[0]] = S[:, : self.q]
        return S[:, -1], S[:, self.q : self.q + d], second


def _cholesky_or_collapse(cov, i, where, quad):
    L = v.cholesky_or_none(cov)
    eig = np.linalg.eigvalsh(cov)
    if L is None or eig[0] <= quad.resolution2 or eig[0] <= quad.min_rcond * eig[-1]:
        size = (f"its variance is {eig[0]:.3g}" if len(eig) == 1 else
                f"its smallest variance is {eig[0]:.3g} against a largest of {eig[-1]:.3g}")
        raise CollapseError(
            f"component {i} collapsed {where}: {size}, too small to tell from 0. This happens when a component "
            f"sits on one point or a line of points, and the likelihood runs to infinity. "
            f"Use reg_covar > 0 (the default 1e-6 adds a floor to every variance)."
        )
    return L


def _check_finite_likelihood(ll: float, where: str) -> float:
    if not np.isfinite(ll):
        raise CollapseError(
            f"a component collapsed {where}: the log-likelihood is {ll}, so some variance "
            f"reached 0. Use reg_covar > 0 (the default 1e-6 adds a floor to every variance)."
        )
    return ll


def _normalise_in_place(logp: np.ndarray) -> float:
    """Turn log πᵢGᵢ(xʲ) (k, n) into responsibilities Wᵢʲ in place; return Σⱼ log p(xʲ).

    Lecture: Wᵢʲ = πᵢ Gᵢ(xʲ) / Σₖ πₖ Gₖ(xʲ), done as exp(a − logsumexp(a)).
    """
    top = logp.max(axis=0)
    logp -= top
    np.exp(logp, out=logp)
    total = logp.sum(axis=0)
    logp /= total
    return float(top.sum() + np.log(total).sum())


def _gaussian_m_step(quad: _Quadratic, R: np.ndarray, reg_covar: float):
    r"""The lecture's maximisation, from (k, n) weights R:

    πᵢ = (1/N) Σⱼ Wᵢʲ,  μᵢ = Σⱼ Wᵢʲ xʲ / Σⱼ Wᵢʲ,
    Σᵢ = Σⱼ Wᵢʲ (xʲ − μᵢ)(xʲ − μᵢ)ᵀ / Σⱼ Wᵢʲ + reg_covar·I   (an outer product).
    """
    nk, sx, sxx = quad.moments(R)
    nk = nk + _EPS
    means_c = sx / nk[:, None]
    covs = sxx / nk[:, None, None] - means_c[:, :, None] * means_c[:, None, :]
    covs = (covs + covs.transpose(0, 2, 1)) / 2
    # E[x xT] - mu muT loses about eps * E|x|^2 to cancellation. Where that is not
    # negligible against the smallest variance (a tight or collapsing component far
    # from the centre), recompute that component exactly, in two passes.
    spread = np.trace(sxx, axis1=1, axis2=2) / nk
    for i in np.flatnonzero(np.linalg.eigvalsh(covs)[:, 0] < _CANCELLATION * spread):
        diff = quad.centred - means_c[i]
        covs[i] = (R[i] * diff.T) @ diff / nk[i]
    idx = np.arange(quad.d)
    if reg_covar > 0:
        # The floor must also clear the roundoff of the matrix itself, or on data of a
        # large scale (variances ~1e11) reg_covar = 1e-6 would be lost in it.
        covs[:, idx, idx] += reg_covar + _ROUNDOFF * covs[:, idx, idx].max(axis=1, keepdims=True)
    return nk, means_c + quad.shift, covs


# --------------------------------------------------------------------------- histories


@dataclass(frozen=True)
class MixtureHistory:
    """Parameters of every step of an EM run; index 0 is the starting point.

    Attributes
    ----------
    X : ndarray, shape (n, d)
        The data the run saw (a read-only copy).
    weights : ndarray, shape (T+1, k)
        πᵢ at each step.
    means : ndarray, shape (T+1, k, d)
        μᵢ at each step.
    covariances : ndarray, shape (T+1, k, d, d)
        Σᵢ at each step.
    log_likelihood : ndarray, shape (T+1,)
        ``log_likelihood[t]`` = Σⱼ log Σᵢ πᵢ N(xʲ | μᵢ, Σᵢ) for the parameters of
        step t: the (incomplete-data) log-likelihood that soft EM raises. (Hard EM
        raises another quantity: ``HardEMHistory.classification_log_likelihood``.)
    converged : bool
        Whether the run stopped by its criterion before ``max_iter``.
    """

    X: np.ndarray
    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray
    log_likelihood: np.ndarray
    converged: bool

    @property
    def n_iter(self) -> int:
        """T, the number of iterations run (the history has T + 1 steps)."""
        return len(self.log_likelihood) - 1

    def _step(self, t: int) -> int:
        T = self.n_iter
        if isinstance(t, (bool, np.bool_)) or not isinstance(t, (int, np.integer)):
            raise ValueError(f"t must be an integer step between 0 and {T}; got {t!r}.")
        if not -(T + 1) <= t <= T:
            raise ValueError(
                f"t must be a step between 0 and {T} (this run has {T} iterations); got {t}."
            )
        return int(t) % (T + 1)

    def params(self, t: int = -1):
        """(means (k, d), covariances (k, d, d), weights (k,)) of step t."""
        t = self._step(t)
        return self.means[t], self.covariances[t], self.weights[t]

    @cached_property
    def _quad(self):
        """The data's features, made once per history: a slider scrubbing through the
        steps recomputes only the (k, n) product, not the features."""
        return _Quadratic(self.X, self.X.mean(axis=0))

    def responsibilities(self, t: int = -1) -> np.ndarray:
        """Wᵢʲ of step t's parameters, shape (n, k); each row sums to 1."""
        means, covs, weights = self.params(t)
        logp = self._quad.weighted_log_densities(means, covs, weights, f"at step {self._step(t)}")
        _normalise_in_place(logp)
        return logp.T

    def labels(self, t: int = -1) -> np.ndarray:
        """The most responsible component of each point at step t, shape (n,)."""
        return self.responsibilities(t).argmax(axis=1)


@dataclass(frozen=True)
class GMMHistory(MixtureHistory):
    """History of :func:`gmm_em` (soft EM). See :class:`MixtureHistory`.

    reg_covar : float
        The variance floor that was added to each covariance's diagonal.
    """

    reg_covar: float = 1e-6


@dataclass(frozen=True)
class HardEMHistory(MixtureHistory):
    r"""History of :func:`hard_em`. See :class:`MixtureHistory`; in addition:

    hard_labels : ndarray, shape (T+1, n)
        ``hard_labels[t]`` = zₜ, the group of each point chosen by the E-step from
        step t's parameters θₜ: zₜʲ = argmaxᵢ πᵢ Gᵢ(xʲ), ties going to the later group
        (the lecture's ``if pb > pr: blue, else: red``).
    classification_log_likelihood : ndarray, shape (T+1,)
        The objective hard EM raises, for each step t:

        .. math:: \ell_c(z_t, \theta_t) = \sum_j \log \pi_{z_t^j} G_{z_t^j}(x^j)
                  = \sum_j \max_i \log \pi_i G_i(x^j),

        with θₜ = (πᵢ, μᵢ, Σᵢ) the parameters of step t and zₜ = ``hard_labels[t]``,
        the labels chosen *from* θₜ. (``log_likelihood``, Σⱼ log Σᵢ πᵢ Gᵢ(xʲ), is
        what soft EM raises; under hard EM it can fall.)

        Why it never falls. The E-step maximises ℓ_c(z, θ) over the labels z for fixed
        θ, the M-step over θ for fixed z; each step t + 1 is θₜ₊₁ = M(zₜ), then
        zₜ₊₁ = E(θₜ₊₁), so

        .. math:: \ell_c(z_{t+1}, \theta_{t+1}) = \max_z \ell_c(z, \theta_{t+1})
                  \ge \ell_c(z_t, \theta_{t+1}) \ge \ell_c(z_t, \theta_t) .

        The same holds for ``order="ME"``: there step 0 holds the parameters that
        the first M-step made from the random labels, and the chain above starts
        from them. A group that loses all its points has πᵢ = 0, so it adds no
        term. The second inequality needs the M-step to be the exact maximiser,
        which it is with ``reg_covar=0``. A floor makes each covariance Sᵢ + εᵢI
        instead of the group's own Sᵢ (εᵢ the amount added to its diagonal: reg_covar,
        kept above the covariance's rounding error), which costs up to
        ½ Σᵢ nᵢ Σₖ [log(1 + εᵢ/λᵢₖ) − εᵢ/(λᵢₖ + εᵢ)] ≤ ¼ Σᵢ nᵢ Σₖ (εᵢ/λᵢₖ)²
        (λᵢₖ the eigenvalues of Sᵢ, nᵢ its points): with a floor, ℓ_c can fall by
        at most that much, which matters only when a group's variance is near ε.
    order : str
        "EM" (the lecture's algorithm) or "ME" (the variant the lecture warns about).
    initial_labels : ndarray of shape (n,), or None
        For order "ME", the random labels the first M-step started from.
    reg_covar : float
        The variance floor that was added to each covariance's diagonal.
    """

    hard_labels: np.ndarray = field(default=None)
    classification_log_likelihood: np.ndarray = field(default=None)
    order: str = "EM"
    initial_labels: np.ndarray | None = None
    reg_covar: float = 1e-6

    def responsibilities(self, t: int = -1) -> np.ndarray:
        """One-hot weights of step t's hard assignment, shape (n, k)."""
        t = self._step(t)
        k = self.weights.shape[1]
        return (self.hard_labels[t][:, None] == np.arange(k)).astype(np.float64)

    def labels(self, t: int = -1) -> np.ndarray:
        """The group of each point at step t, shape (n,)."""
        return self.hard_labels[self._step(t)]


def _frozen(*arrays):
    for a in arrays:
        a.setflags(write=False)


# --------------------------------------------------------------------------- public functions


def responsibilities(X, means, covariances, weights) -> np.ndarray:
    r"""The E-step: probability that point j belongs to component i.

    Lecture ("Probability of the jth point belongs to the ith cluster"):

    .. math:: W_i^j = \frac{\pi_i G_i(x^j)}{\sum_k \pi_k G_k(x^j)}

    computed in the log domain, so a point far from every component still
    gets weights that sum to 1.

    Parameters
    ----------
    X : array_like, shape (n, d), or (n,) for 1-D data
    means : array_like, shape (k, d), or (k,) for 1-D data
    covariances : array_like, shape (k, d, d), or (k,) variances for 1-D data
    weights : array_like, shape (k,)
        πᵢ ≥ 0, summing to 1.

    Returns
    -------
    ndarray, shape (n, k)
        Wᵢʲ; each row sums to 1.
    """
    X, means, covariances, weights = _check_mixture(X, means, covariances, weights)
    quad = _Quadratic(X, X.mean(axis=0))
    logp = quad.weighted_log_densities(means, covariances, weights, "here")
    _normalise_in_place(logp)
    return logp.T.copy()


def log_likelihood(X, means, covariances, weights) -> float:
    r"""Log-likelihood of the data under a mixture: the quantity EM raises.

    .. math:: \log L = \sum_j \log \sum_i \pi_i G_i(x^j)

    (The lecture's last line writes the complete-data form, with the labels
    known; this is the incomplete-data one, with the labels summed out.)

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
    quad = _Quadratic(X, X.mean(axis=0))
    logp = quad.weighted_log_densities(means, covariances, weights, "here")
    return _normalise_in_place(logp)


def random_init(X, k, rng):
    """The lecture's initial guess in ``gmm(x, k)``: k data points as means,
    the data's covariance for every component, equal weights 1/k.

    Where the data's covariance is singular (all points on a line, or equal),
    a small ridge, 1e-6 of its largest eigenvalue, makes it positive definite.

    Parameters
    ----------
    X : array_like, shape (n, d), or (n,)
    k : int
        Number of components, 1 ≤ k ≤ n.
    rng : numpy.random.Generator

    Returns
    -------
    means : ndarray, shape (k, d)
    covariances : ndarray, shape (k, d, d)
    weights : ndarray, shape (k,)
    """
    X = v.as_data(X)
    n, d = X.shape
    k = v.as_int(k, "k", 1)
    v.check_k(k, n, "k")
    rng = v.as_rng(rng)
    means = X[rng.choice(n, size=k, replace=False)].copy()
    Xc = X - X.mean(axis=0)
    cov = Xc.T @ Xc / n
    low, top = np.linalg.eigvalsh(cov)[[0, -1]]
    if low <= 1e-9 * top:  # points on a line or a plane, or all equal:
        cov += np.eye(d) * 1e-6 * max(top, 1.0)  # a ridge makes the guess a valid covariance
    return means, np.repeat(cov[None], k, axis=0), np.full(k, 1.0 / k)


def gmm_em(X, means, covariances, weights, max_iter=100, tol=1e-6, reg_covar=1e-6) -> GMMHistory:
    r"""Fit a Gaussian mixture with full covariances by (soft) EM; return the whole history.

    The lecture's GMM. Each iteration:

    * **E-step** (with the current parameters): Wᵢʲ = πᵢGᵢ(xʲ) / Σₖ πₖGₖ(xʲ).
    * **M-step**: πᵢ = (1/N)ΣⱼWᵢʲ,  μᵢ = ΣⱼWᵢʲxʲ / ΣⱼWᵢʲ,
      Σᵢ = ΣⱼWᵢʲ(xʲ−μᵢ)(xʲ−μᵢ)ᵀ / ΣⱼWᵢʲ + reg_covar·I.

    ``reg_covar`` is a floor on every variance: without it a component can
    sit on one point, its variance goes to 0 and the likelihood to infinity.
    (With ``reg_covar > 0`` the floor is also kept above the covariance's own
    rounding error, 64·eps times its largest variance, so it holds on data of
    any scale; against scikit-learn that is a relative change of ~1e-14.)

    Parameters
    ----------
    X : array_like, shape (n, d), or (n,) for 1-D data
        The data, finite.
    means : array_like, shape (k, d), or (k,) for 1-D data
        Initial μᵢ.
    covariances : array_like, shape (k, d, d), or (k,) variances for 1-D data
        Initial Σᵢ, symmetric positive definite.
    weights : array_like, shape (k,)
        Initial πᵢ ≥ 0, summing to 1.
    max_iter : int, default 100
        Most iterations to run (≥ 0).
    tol : float, default 1e-6
        Stop when the mean per-point log-likelihood changes by less than tol;
        ``tol=0`` runs exactly ``max_iter`` iterations.
    reg_covar : float, default 1e-6
        Added to the diagonal of every covariance in the M-step (≥ 0).

    Returns
    -------
    GMMHistory
        ``weights`` (T+1, k), ``means`` (T+1, k, d), ``covariances``
        (T+1, k, d, d), ``log_likelihood`` (T+1,), index 0 the initial
        parameters; ``responsibilities(t)`` gives (n, k).

    Raises
    ------
    ValueError
        On bad input.
    CollapseError
        (a ValueError) With ``reg_covar=0``, when a component's covariance becomes
        singular: a variance below the data's resolution, or a condition number
        past 1/(1e6·eps) ≈ 4.5e9 (SciPy's test), where float64 cannot follow EM.
        Its ``history`` holds the run up to the last valid step.
    """
    X, means, covariances, weights = _check_mixture(
        X, means, covariances, weights, "the initial parameters"
    )
    n, d = X.shape
    k = means.shape[0]
    v.check_k(k, n, "means")
    max_iter = v.as_int(max_iter, "max_iter", 0)
    tol = v.as_nonnegative(tol, "tol")
    reg_covar = v.as_nonnegative(reg_covar, "reg_covar")

    quad = _Quadratic(X, X.mean(axis=0), strict=reg_covar == 0)
    W, M, C, LL = [weights], [means], [covariances], []

    def history(converged=False):
        arrays = [np.array(a) for a in (W, M, C, LL)]
        _frozen(X, *arrays)
        return GMMHistory(X, *arrays, converged=converged, reg_covar=reg_covar)

    R = np.empty((k, n))  # reused: log-densities, then responsibilities, in place
    quad.weighted_log_densities(means, covariances, weights, "at the start", out=R)
    LL.append(_normalise_in_place(R))
    X = X.copy()
    for t in range(1, max_iter + 1):
        nk, means, covariances = _gaussian_m_step(quad, R, reg_covar)
        weights = nk / nk.sum()
        where = f"at iteration {t}"
        try:
            quad.weighted_log_densities(means, covariances, weights, where, out=R)
            ll = _check_finite_likelihood(_normalise_in_place(R), where)
        except CollapseError as e:
            raise CollapseError(str(e), history()) from None
        W.append(weights), M.append(means), C.append(covariances), LL.append(ll)
        if tol > 0 and abs(LL[-1] - LL[-2]) / n < tol:
            return history(converged=True)
    return history()


def hard_em(
    X, means, covariances, weights, max_iter=50, order="EM", rng=None, reg_covar=1e-6
) -> HardEMHistory:
    r"""The lecture's hard EM (``ex/ml/l12em1.py``): assign, then re-estimate.

    * **E-step** with the current parameters: each point joins the group with
      the larger Wᵢ·pdf (the lecture's ``if pb[j] > pr[j]``; a tie goes to the later
      group, as the lecture's ``else``), i.e. argmaxᵢ log Wᵢ + log Gᵢ(xʲ).
    * **M-step**: each group's fraction Wᵢ = nᵢ / n, mean, and maximum-likelihood
      covariance (divide by nᵢ, like numpy's ``std``), plus ``reg_covar``·I.

    Stops when no point changes group. A group that loses all its points
    keeps its mean and covariance with weight 0.

    ``order="ME"`` runs the variant the lecture warns about: the M-step first,
    on random labels (the lecture's ``randint``), so the initial guess is
    thrown away. Step 0 of its history holds the parameters of those random
    groups, and ``initial_labels`` the random labels.

    Parameters
    ----------
    X : array_like, shape (n, d), or (n,) for 1-D data
    means : array_like, shape (k, d), or (k,) for 1-D data
        Initial means (the lecture's mb = 3, mr = 5).
    covariances : array_like, shape (k, d, d), or (k,) variances for 1-D data
        Initial covariances (the lecture's sb = sr = 1 are standard
        deviations; their squares are the variances).
    weights : array_like, shape (k,)
        Initial fractions (the lecture's W = 0.5, 0.5).
    max_iter : int, default 50
    order : {"EM", "ME"}, default "EM"
    rng : numpy.random.Generator, required when order is "ME"
    reg_covar : float, default 1e-6
        Floor added to every variance, so a group of one point stays finite.

    Returns
    -------
    HardEMHistory
        As :class:`GMMHistory`, plus ``hard_labels`` (T+1, n) and
        ``classification_log_likelihood`` (T+1,), the objective hard EM raises:
        Σⱼ log π_{zⱼ} G_{zⱼ}(xʲ) with zₜ the labels chosen from step t's parameters.
        Its ``log_likelihood`` (T+1,), Σⱼ log Σᵢ πᵢ Gᵢ(xʲ), can fall from step to step.

    Raises
    ------
    ValueError
        On bad input.
    CollapseError
        With ``reg_covar=0``, when a group's covariance becomes singular (a
        group of one point, or of points on a line); ``history`` holds the run
        up to the last valid step.
    """
    X, means, covariances, weights = _check_mixture(
        X, means, covariances, weights, "the initial parameters"
    )
    n, d = X.shape
    k = means.shape[0]
    v.check_k(k, n, "means")
    max_iter = v.as_int(max_iter, "max_iter", 0)
    order = v.as_choice(order, "order", ("EM", "ME"))
    reg_covar = v.as_nonnegative(reg_covar, "reg_covar")
    quad = _Quadratic(X, X.mean(axis=0), strict=reg_covar == 0)
    groups = np.arange(k)[:, None]

    def m_step(labels, means, covariances, where):
        """Fraction, mean and ML covariance of each group; an empty group keeps its own."""
        R = (labels == groups).astype(np.float64)
        _, new_means, new_covs = _gaussian_m_step(quad, R, reg_covar)
        sizes = R.sum(axis=1)
        empty = sizes == 0
        new_means[empty], new_covs[empty] = means[empty], covariances[empty]
        for i in np.flatnonzero(~empty):
            _cholesky_or_collapse(new_covs[i], i, where, quad)
        return sizes / n, new_means, new_covs

    def e_step(means, covariances, weights, where):
        """Labels from these parameters, Σ log p(x), and the classification log-likelihood."""
        logp = quad.weighted_log_densities(means, covariances, weights, where)
        labels = k - 1 - logp[::-1].argmax(axis=0)  # a tie goes to the later group, as in the lecture
        classification = float(logp.max(axis=0).sum())  # each point's term in its own group
        ll = _check_finite_likelihood(_normalise_in_place(logp), where)
        return labels, ll, classification

    initial_labels = None
    if order == "ME":
        if rng is None:
            raise ValueError(
                "rng must be a numpy.random.Generator when order='ME' (the M-step starts "
                "from random labels); got None. Pass rng=np.random.default_rng(seed)."
            )
        rng = v.as_rng(rng)
        initial_labels = rng.integers(0, k, size=n)
        weights, means, covariances = m_step(initial_labels, means, covariances, "at the start")

    labels, ll, cl = e_step(means, covariances, weights, "at the start")
    W, M, C, LL, Z, CL = [weights], [means], [covariances], [ll], [labels], [cl]
    X = X.copy()

    def history(converged=False):
        arrays = [np.array(a) for a in (W, M, C, LL, Z, CL)]
        _frozen(X, *arrays)
        return HardEMHistory(X, *arrays[:4], converged=converged, hard_labels=arrays[4],
                             classification_log_likelihood=arrays[5], order=order,
                             initial_labels=initial_labels, reg_covar=reg_covar)

    for t in range(1, max_iter + 1):
        where = f"at iteration {t}"
        try:
            weights, means, covariances = m_step(labels, means, covariances, where)
            labels, ll, cl = e_step(means, covariances, weights, where)
        except CollapseError as e:
            raise CollapseError(str(e), history()) from None
        W.append(weights), M.append(means), C.append(covariances), LL.append(ll), Z.append(labels)
        CL.append(cl)
        if np.array_equal(Z[-1], Z[-2]):
            return history(converged=True)
    return history()
