"""Input checks shared by every public function.

Each check either returns a clean float64 array or raises ``ValueError`` with a
message that names the parameter, says what was expected and what was given,
and says what to do about it.
"""

from __future__ import annotations

import numbers

import numpy as np


def _describe(value) -> str:
    """A short description of what the caller passed, for error messages."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of length {len(value)}"
    return f"{value!r} ({type(value).__name__})"


def as_float_array(value, name: str) -> np.ndarray:
    """Convert to a float64 array or explain why it cannot be."""
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} must be an array of numbers; got {_describe(value)}. "
            f"Pass a list or numpy array of floats."
        ) from None
    return arr


def check_finite(arr: np.ndarray, name: str) -> None:
    bad = ~np.isfinite(arr)
    if bad.any():
        first = np.argwhere(bad)[0]
        where = first[0] if arr.ndim <= 1 else tuple(int(i) for i in first)
        raise ValueError(
            f"{name} must contain only finite numbers; got {int(bad.sum())} NaN or "
            f"inf value(s), the first at index {where}. Remove or replace them first."
        )


def as_data(X, name: str = "X") -> np.ndarray:
    """Data as a (n, d) float64 array; 1-D input of shape (n,) becomes (n, 1)."""
    arr = as_float_array(X, name)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError(
            f"{name} must have shape (n, d), or (n,) for 1-D data; got shape {arr.shape}. "
            f"Put one point per row."
        )
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(
            f"{name} must hold at least one point of at least one dimension; "
            f"got shape {arr.shape}."
        )
    check_finite(arr, name)
    return arr


def as_mean(mean, d: int, name: str = "mean") -> np.ndarray:
    """One mean vector, shape (d,); a scalar is accepted when d == 1."""
    arr = as_float_array(mean, name)
    if arr.ndim == 0 and d == 1:
        arr = arr[None]
    if arr.shape != (d,):
        raise ValueError(
            f"{name} must have shape ({d},) to match the data's {d} dimension(s); "
            f"got shape {arr.shape}."
        )
    check_finite(arr, name)
    return arr


def as_means(means, d: int, name: str = "means") -> np.ndarray:
    """k mean vectors, shape (k, d); shape (k,) is accepted when d == 1."""
    arr = as_float_array(means, name)
    if arr.ndim == 1 and d == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.shape[1] != d or arr.shape[0] == 0:
        raise ValueError(
            f"{name} must have shape (k, {d}): one row per component, {d} column(s) "
            f"to match the data; got shape {arr.shape}."
        )
    check_finite(arr, name)
    return arr


def cholesky_or_none(cov: np.ndarray):
    """Lower Cholesky factor of a symmetric matrix, or None if it is not positive
    definite at working precision.

    A pivot lost in rounding (det = 0 in exact arithmetic, like the lecture's
    Quiz 1 matrix, or a 2-D component on a line of points) factors
    "successfully" but gives meaningless densities, so it counts as singular.
    """
    try:
        L = np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        return None
    if np.diag(L).min() ** 2 <= 4 * np.finfo(float).eps * np.diag(cov).max():
        return None
    return L


def cholesky(cov: np.ndarray, name: str) -> np.ndarray:
    """Lower Cholesky factor of a symmetric positive definite matrix, or a clear error."""
    scale = max(float(np.abs(cov).max()), np.finfo(float).tiny)
    if not np.allclose(cov, cov.T, rtol=0.0, atol=1e-10 * scale):
        raise ValueError(
            f"{name} must be symmetric; got {np.array2string(cov, precision=4)} "
            f"(it differs from its transpose by {np.abs(cov - cov.T).max():.3g}). "
            f"Use (S + S.T) / 2, or build it as A @ A.T."
        )
    cov = (cov + cov.T) / 2
    L = cholesky_or_none(cov)
    if L is None:
        smallest = np.linalg.eigvalsh(cov).min()
        raise ValueError(
            f"{name} must be positive definite; got {np.array2string(cov, precision=4)} "
            f"with smallest eigenvalue {smallest:.3g} (singular, at working precision). "
            f"Give every direction a positive variance, e.g. add a small multiple of the "
            f"identity (reg_covar)."
        )
    return L


def as_cov(cov, d: int, name: str = "cov") -> np.ndarray:
    """One covariance, shape (d, d); a scalar variance is accepted when d == 1."""
    arr = as_float_array(cov, name)
    if arr.ndim == 0 and d == 1:
        arr = arr.reshape(1, 1)
    if arr.shape != (d, d):
        raise ValueError(
            f"{name} must have shape ({d}, {d}) to match the data's {d} dimension(s); "
            f"got shape {arr.shape}."
        )
    check_finite(arr, name)
    return arr


def as_covariances(covariances, k: int, d: int, name: str = "covariances") -> np.ndarray:
    """k covariances, shape (k, d, d); shape (k,) of variances is accepted when d == 1."""
    arr = as_float_array(covariances, name)
    if arr.ndim == 1 and d == 1:
        arr = arr[:, None, None]
    if arr.shape != (k, d, d):
        hint = " For 1-D data, shape (k,) holds variances (sigma squared)." if d == 1 else ""
        raise ValueError(
            f"{name} must have shape ({k}, {d}, {d}): one {d}x{d} matrix for each of the "
            f"{k} components; got shape {arr.shape}.{hint}"
        )
    check_finite(arr, name)
    return arr


def as_weights(weights, k: int, name: str = "weights") -> np.ndarray:
    """Mixing weights, shape (k,), non-negative, summing to 1."""
    arr = as_float_array(weights, name)
    if arr.shape != (k,):
        raise ValueError(
            f"{name} must have shape ({k},): one weight per component; got shape {arr.shape}."
        )
    check_finite(arr, name)
    if (arr < 0).any():
        raise ValueError(
            f"{name} must be non-negative; got {np.array2string(arr, precision=4)}. "
            f"Weights are fractions of the data, like W = 0.5 in the lecture."
        )
    total = arr.sum()
    if abs(total - 1.0) > 1e-8:
        raise ValueError(
            f"{name} must sum to 1; got {np.array2string(arr, precision=4)} with sum "
            f"{total:.6g}. Divide them by their sum."
        )
    return arr


def check_k(k: int, n: int, name: str) -> None:
    if k > n:
        raise ValueError(
            f"{name} asks for k = {k} components but X has only n = {n} point(s); "
            f"use k <= n."
        )


def as_int(value, name: str, minimum: int) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer >= {minimum}; got {_describe(value)}.")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value}.")
    return int(value)


def as_nonnegative(value, name: str) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number >= 0; got {_describe(value)}.")
    value = float(value)
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0; got {value}.")
    return value


def as_rng(rng, name: str = "rng") -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise ValueError(
            f"{name} must be a numpy.random.Generator; got {_describe(rng)}. "
            f"Create one once at the top of the notebook: rng = np.random.default_rng(12)."
        )
    return rng


def as_choice(value, name: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        options = " or ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be {options}; got {value!r}.")
    return value
