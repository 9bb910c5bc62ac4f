"""Exercises whose answers a student can check alone.

``check(exercise, answer, **data)`` says right or wrong, and why, without
printing the answer. The answers are computed here, from the same data the
notebook uses, so they are never written in a notebook cell.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import _student_code, gaussian, mixture, selection
from .kmeans import kmeans as _run_kmeans  # the function: emlib.kmeans names it, not the module


def _kmeans_final(X, init):
    return _run_kmeans(X, np.asarray(init, dtype=float))


# A checker accepts exactly what its question says. Each entry declares its tolerance once,
# in the question's own terms; tests/test_exercises.py reads every question in the notebooks
# and checks that the tolerance it states is this one.
class Tolerance(NamedTuple):
    """How far an answer may be from the true value: ``kind`` is "relative" (``amount`` is a
    fraction of the true value), "absolute" (in the answer's units) or "exact"."""

    kind: str
    amount: float


def within_percent(percent) -> Tolerance:
    """A question's "(within 1 %)": |answer − true| ≤ percent/100 × |true|."""
    return Tolerance("relative", percent / 100)


def within(amount) -> Tolerance:
    """A question's "(within 0.001)": |answer − true| ≤ amount."""
    return Tolerance("absolute", float(amount))


def to_decimals(places) -> Tolerance:
    """A question's "(to three decimals)": |answer − true| ≤ ½ × 10**-places, so every correct
    rounding of the true value is accepted."""
    return Tolerance("absolute", 0.5 * 10.0 ** -places)


EXACT = Tolerance("exact", 0.0)  # a count, or numbers the question gives exactly
ROUND_OFF = 1e-9  # a relative slack for floating-point round-off only, far below any stated one


def tolerance(entry) -> Tolerance:
    """The tolerance an EXERCISES entry declares: a Tolerance, or the older form, a number
    ``tol`` (0 means exact) that is relative when ``"relative": True``."""
    tol = entry["tol"]
    if isinstance(tol, Tolerance):
        return tol
    if tol == 0:
        return EXACT
    return Tolerance("relative" if entry.get("relative", False) else "absolute", float(tol))


EXERCISES = {
    # 01 Gaussian distributions
    "01.1": {
        "solve": lambda: float(gaussian.normal_pdf(0.0, 0.0, 0.05)),
        "tol": within_percent(1),
        "why": "p(0) = 1 / (σ√(2π)); halving σ doubles the peak. A density can exceed 1.",
    },
    "01.2": {
        "solve": lambda: float(gaussian.normal_cdf(1.0) - gaussian.normal_cdf(-1.0)),
        "tol": to_decimals(3),
        "why": "Pr(μ − σ < x < μ + σ) = CDF(μ + σ) − CDF(μ − σ), the same for every μ and σ.",
    },
    "01.3": {
        "solve": lambda A: np.asarray(A, float) @ np.asarray(A, float).T,
        "tol": EXACT,
        "why": "z' = A z with z ~ N(0, I) has covariance E[A z zᵀ Aᵀ] = A Aᵀ.",
    },
    # 02 Bayes' rule
    "02.1": {
        "solve": lambda: 0.9 * 0.01 / (0.9 * 0.01 + 0.05 * 0.99),
        "tol": within(0.001),
        "why": "P(ill | +) = P(+ | ill)P(ill) / [P(+ | ill)P(ill) + P(+ | healthy)P(healthy)].",
    },
    "02.2": {
        "solve": lambda: float(mixture.responsibilities(
            [4.0], [4.0, 6.0], [1.0, 1.0], [0.1, 0.9])[0, 1]),
        "tol": within(0.001),
        "why": "P(w₂ | x) = P(w₂) N(x | 6, 1) / [P(w₁) N(x | 4, 1) + P(w₂) N(x | 6, 1)], the "
               "evidence summed over both classes at x = 4. Here the likelihood and the prior "
               "pull in opposite directions.",
    },
    "02.3": {
        "solve": lambda: 5.0 + np.log(0.7 / 0.3) / 2.0,
        "tol": within(0.001),
        "why": "(μ₁ + μ₂)/2 + σ² log(P(w₁)/P(w₂)) / (μ₂ − μ₁): a larger prior moves the "
               "boundary away from its own class's mean.",
    },
    # 03 k-means
    "03.1": {
        "solve": lambda X: int(np.count_nonzero(np.not_equal(
            *_kmeans_final(X, [[20, 30], [80, 80]]).labels[[0, -1]]))),
        "tol": 0,
        "why": "Compare history.labels[0] with history.labels[-1] and count the points whose "
               "labels differ.",
    },
    "03.2": {
        "solve": lambda X: float(_run_kmeans(X, [[50.0, 50.0], [70.0, 60.0]], max_iter=0).inertia[0]),
        "tol": 0.01,
        "why": "Σⱼ ‖xʲ − c(xʲ)‖² with c(xʲ) the nearer true mean (emlib.kmeans with max_iter=0 "
               "does step 3 only). It is higher than k-means' final inertia: k-means stops where "
               "inertia is low, not at the true means.",
        "relative": True,
    },
    "03.3": {
        "solve": lambda X: float(sum(((g - g.mean(axis=0)) ** 2).sum()
                                     for g in np.split(np.asarray(X, dtype=float), [100]))),
        "tol": 0.01,
        "why": "Σ over both groups of ‖xʲ − the mean of xʲ's group‖², with X[:100] blue and "
               "X[100:] red. It is higher than k-means' final inertia: k-means looks for the "
               "lowest inertia, not for the true groups.",
        "relative": True,
    },
    # 04 hard EM
    "04.1": {
        "solve": lambda x: float((h := mixture.hard_em(x, [3.0, 5.0], [1.0, 1.0], [0.5, 0.5]))
                                 .log_likelihood[-1] - h.classification_log_likelihood[-1]),
        "tol": within_percent(1),
        "why": "Take the last step of the run: h.log_likelihood[-1] − "
               "h.classification_log_likelihood[-1]. (Why it cannot be negative is yours to say.)",
    },
    "04.2": {
        "solve": lambda x: float(np.sqrt(mixture.hard_em(
            x, [3.0, 5.0], [1.0, 1.0], [0.5, 0.5]).covariances[-1, 0, 0, 0])),
        "tol": within_percent(1),
        "why": "The blue group's standard deviation is the square root of its variance.",
    },
    # 05 GMM
    "05.1": {
        "solve": lambda: float(mixture.responsibilities(
            [1.0, 1.1, 10.0, 10.1], [1.0, 10.0], [4.0, 4.0], [0.5, 0.5])[2, 0]),
        "tol": within_percent(0.1),
        "why": "W₁³ = π₁G₁(10) / (π₁G₁(10) + π₂G₂(10)): tiny, not zero.",
    },
    "05.2": {
        "solve": lambda x: _as_likely(mixture.gmm_em(x, [3.0, 5.0], [1.0, 1.0], [0.5, 0.5])),
        "tol": within(0.01),
        "why": "W₁ = W₂ where π₁G₁(x) = π₂G₂(x), with soft EM's final parameters (not hard EM's): "
               "scan a fine grid of x with emlib.responsibilities, or take logs, a quadratic in x.",
    },
    # Write your own: the answer is a function, run on the checker's own cases
    "03.4": {
        "write": "step",
        "checker": "check_kmeans_step",
        "why": "Step 3 takes the closest centroid (argmin of squared distances), step 4 the "
               "mean of each cluster's points; a centroid with no points stays put.",
    },
    "05.4": {
        "write": "e_step",
        "checker": "check_e_step",
        "why": "Wᵢʲ = πᵢGᵢ(xʲ) / Σₖ πₖGₖ(xʲ), computed from log πᵢ + log Gᵢ(xʲ) with "
               "log-sum-exp, so a far point gives weights, not 0/0.",
    },
    "05.5": {
        "write": "m_step",
        "checker": "check_m_step",
        "why": "πᵢ = Σⱼ Wᵢʲ / N, μᵢ = Σⱼ Wᵢʲ xʲ / Σⱼ Wᵢʲ, Σᵢ = Σⱼ Wᵢʲ (xʲ − μᵢ)(xʲ − μᵢ)ᵀ / Σⱼ Wᵢʲ: "
               "an outer product.",
    },
    # 06 How many clusters?
    "06.1": {
        "solve": lambda: selection.n_parameters(5, 3),
        "tol": EXACT,
        "why": "k·d means + k·d(d+1)/2 covariance entries (a covariance is symmetric) + k − 1 "
               "weights (they sum to 1).",
    },
    "06.2": {
        "solve": lambda X: float((selection.n_parameters(2, np.shape(X)[1])
                                  - selection.n_parameters(1, np.shape(X)[1])) * np.log(len(X))),
        "tol": within_percent(1),
        "why": "One more component adds d means, d(d+1)/2 covariance entries and 1 weight; "
               "each costs log n.",
    },
    "06.3": {
        "solve": lambda X: _uniform_start_success(X),
        "tol": EXACT,  # a count out of 100 seeds: every correct count gives the same number
        "why": "Keep the 100 final inertias (history.inertia[-1]) and count those "
               "<= 1.001 × their minimum; divide by 100.",
    },
    # 07 Imitation learning with GMR
    "07.1": {
        "solve": lambda t, x: float(np.polyfit(np.ravel(t), np.ravel(x), 1)[1]),
        "tol": within_percent(1),
        "why": "With one Gaussian the GMR mean is μ_x + Σ_xt/Σ_tt (t − μ_t), the least-squares "
               "line; at t = 0 it is μ_x − (Σ_xt/Σ_tt) μ_t.",
    },
    "07.2": {
        "solve": lambda: [0.8 * 1.0, 1.0 - 0.8 ** 2 / 1.0],
        "tol": EXACT,  # 0.8 and 0.36, exactly
        "why": "Mean μ_x + Σ_xt/Σ_tt (t − μ_t); variance Σ_xx − Σ_xt²/Σ_tt, whatever t is.",
    },
}


def _as_likely(history):
    """05.2: the x between the two final means where W₁ = W₂ = ½. log π₁G₁(x) = log π₂G₂(x) is
    a quadratic a x² + b x + c = 0 in x (linear when the variances are equal)."""
    m, var, w = history.means[-1, :, 0], history.covariances[-1, :, 0, 0], history.weights[-1]
    a = 1 / (2 * var[1]) - 1 / (2 * var[0])
    b = m[0] / var[0] - m[1] / var[1]
    c = (m[1] ** 2 / (2 * var[1]) - m[0] ** 2 / (2 * var[0]) + np.log(w[0] / w[1])
         - 0.5 * np.log(var[0] / var[1]))
    roots = np.roots([a, b, c])
    between = [r.real for r in roots if abs(r.imag) < 1e-12 and min(m) <= r.real <= max(m)]
    return float(between[0])


def _uniform_start_success(X, k=5, seeds=100):
    final = np.array([_run_kmeans(X, mixture.random_init(X, k, np.random.default_rng(s))[0])
                      .inertia[-1] for s in range(seeds)])
    return float(np.mean(final <= 1.001 * final.min()))


def _close(answer, expected, tol: Tolerance):
    a = np.asarray(answer, dtype=float)
    e = np.asarray(expected, dtype=float)
    if a.shape != e.shape or not np.isfinite(a).all():
        return False
    allowed = {"relative": tol.amount * np.abs(e), "absolute": tol.amount, "exact": 0.0}[tol.kind]
    return bool(np.all(np.abs(a - e) <= allowed + ROUND_OFF * np.abs(e)))


def check(exercise: str, answer, **data) -> None:
    """Print whether ``answer`` to ``exercise`` is right, and why, without the answer."""
    is_right(exercise, answer, verbose=True, **data)


def is_right(exercise: str, answer, verbose=False, **data) -> bool:
    """Whether ``answer`` to ``exercise`` is right (printing why when verbose)."""
    if exercise not in EXERCISES:
        raise ValueError(f"exercise must be one of {sorted(EXERCISES)}; got {exercise!r}.")
    ex = EXERCISES[exercise]
    if "write" in ex:  # the answer is the student's own function, run on cases of the checker's
        if not callable(answer):
            ok, message = False, f"pass your function itself, e.g. check(\"{exercise}\", {ex['write']})."
        else:
            ok, message = getattr(_student_code, ex["checker"])(answer)
        if verbose:
            print(f"{exercise}: ✓ right. {message} {ex['why']}" if ok
                  else f"{exercise}: ✗ not yet. {message} Hint: {ex['why']}")
        return ok
    if answer is None or answer is Ellipsis:
        if verbose:
            print(f"{exercise}: replace None with your answer, then run this cell again.")
        return False
    try:
        expected = ex["solve"](**data)
        ok = _close(answer, expected, tolerance(ex))
    except (TypeError, ValueError):
        ok = False
    if verbose:
        print(f"{exercise}: ✓ right. {ex['why']}" if ok else f"{exercise}: ✗ not yet. Hint: {ex['why']}")
    return ok
