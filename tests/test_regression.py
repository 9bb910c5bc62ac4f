"""Gaussian mixture regression (notebook 07): the exact Gaussian conditional for k = 1,
and a numerical integration of the conditional density for k > 1."""

import numpy as np
import pytest
from scipy import stats

import emlib
from helpers import random_spd

integrate = getattr(np, "trapezoid", None) or np.trapz  # numpy >= 2.0 renamed it


def test_one_component_is_the_exact_gaussian_conditional(rng):
    d = 4
    mean, cov = rng.normal(size=d), random_spd(rng, d, 3.0)
    ins, outs = [0, 2], [1, 3]
    x = rng.normal(size=(7, 2))
    m, S = emlib.gmr(mean[None], cov[None], [1.0], x, ins)
    P = np.linalg.inv(cov)  # the conditional from the precision matrix: an independent route
    S_exact = np.linalg.inv(P[np.ix_(outs, outs)])
    m_exact = mean[outs] - (S_exact @ P[np.ix_(outs, ins)] @ (x - mean[ins]).T).T
    np.testing.assert_allclose(m, m_exact, rtol=1e-10)
    np.testing.assert_allclose(S, np.broadcast_to(S_exact, S.shape), rtol=1e-10)


def test_mixture_conditional_matches_numerical_integration(rng):
    # A 2-D mixture in (t, x): p(x | t) ∝ Σᵢ πᵢ N((t, x) | μᵢ, Σᵢ), integrated on a fine grid.
    means = np.array([[0.0, 0.0], [2.0, 3.0], [4.0, -1.0]])
    covs = np.array([random_spd(rng, 2, 1.0) for _ in range(3)])
    weights = np.array([0.3, 0.5, 0.2])
    grid = np.linspace(-20, 25, 200001)
    for t in (-0.5, 1.0, 2.5, 4.0):
        dens = sum(w * stats.multivariate_normal(m, c).pdf(np.column_stack([np.full_like(grid, t), grid]))
                   for m, c, w in zip(means, covs, weights))
        dens /= integrate(dens, grid)
        mean_num = integrate(grid * dens, grid)
        var_num = integrate((grid - mean_num) ** 2 * dens, grid)
        m, S = emlib.gmr(means, covs, weights, [t], [0])
        assert m[0, 0] == pytest.approx(mean_num, rel=1e-7, abs=1e-9)
        assert S[0, 0, 0] == pytest.approx(var_num, rel=1e-7)


def test_gmr_explains_bad_input(rng):
    means, covs, w = np.zeros((2, 3)), np.array([np.eye(3)] * 2), [0.5, 0.5]
    with pytest.raises(ValueError, match=r"in_dims must be distinct dimension numbers in 0..2"):
        emlib.gmr(means, covs, w, np.zeros((4, 3)), [0, 1, 2])
    with pytest.raises(ValueError, match=r"x_in must have shape \(n, 2\)"):
        emlib.gmr(means, covs, w, np.zeros((4, 3)), [0, 1])
    with pytest.raises(ValueError, match=r"means must have shape \(k, d\) with d >= 2"):
        emlib.gmr(np.zeros((2, 1)), np.ones((2, 1, 1)), w, [0.0], [0])
