"""What notebooks 01 (Gaussians) and 02 (Bayes' rule) say about their sliders and figures,
computed over the settings the sliders offer."""

import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

import emlib

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = {n: ROOT / "notebooks" / f for n, f in [("01", "01-gaussian-distributions.ipynb"),
                                                    ("02", "02-bayes-rule.ipynb")]}


def code(notebook):
    return [c.source for c in nbformat.read(NOTEBOOKS[notebook], as_version=4).cells
            if c.cell_type == "code"]


def markdown(notebook):
    return "\n".join(c.source for c in nbformat.read(NOTEBOOKS[notebook], as_version=4).cells
                     if c.cell_type == "markdown")


# ------------------------------------------------------------------------------ notebook 01

N_SLIDER = range(10, 20001, 10)  # the draws explorer's n: 10 to 20,000 in steps of 10


def notebook_01_draws():
    """The notebook's own draws, from its one generator in the notebook's order: five polar draws
    one at a time (as the lecture's loop), the explorer's two pools, the 5000 z, the 1000 points Z."""
    rng = np.random.default_rng(12)
    first = []
    while len(first) < 5:
        u, v = rng.uniform(-1, 1, size=2)
        s = u * u + v * v
        if 0 < s < 1:
            first.append(u * np.sqrt(-2 * np.log(s) / s))
    pools = {"polar": emlib.marsaglia_polar(20_000, rng), "numpy": rng.standard_normal(20_000)}
    z, Z = rng.standard_normal(5000), rng.standard_normal((1000, 2))
    return first, pools, z, Z


def test_the_draws_here_are_the_notebooks():
    # the five values its first cell prints, and the explorer's sample covariance it prints
    first, _, _, Z = notebook_01_draws()
    cells = nbformat.read(NOTEBOOKS["01"], as_version=4).cells
    printed = next(o.text for c in cells if c.cell_type == "code" and "def polar_one" in c.source
                   for o in c.outputs if o.output_type == "stream")
    assert printed.strip() == str([round(float(x), 3) for x in first])
    A = np.array([[2.0, 0.5], [0.5, 1.5]])
    np.testing.assert_allclose(np.cov((Z @ A.T).T)[0], [4.08, 1.74], atol=0.005)  # the live note
SIGMA_SLIDER = np.arange(0.25, 4.0 + 1e-9, 0.25)  # the shift/scale explorer's σ


@pytest.mark.parametrize("notebook", ["01", "02"])
def test_all_randomness_comes_from_the_notebooks_one_seeded_generator(notebook):
    cells = code(notebook)
    generators = [c for c in cells if "default_rng(" in c]
    assert len(generators) == 1 and "rng = np.random.default_rng(" in generators[0], generators
    for source in cells:  # no legacy global-state calls either
        assert not re.search(r"np\.random\.(?!default_rng)\w+", source), source


@pytest.mark.parametrize("seed", ["notebook", *range(5)])
def test_the_ks_distance_shrinks_like_one_over_root_n_for_every_n_the_slider_offers(seed):
    # "√n × distance stays of order 1 for every n the slider offers": the notebook draws 20,000
    # of each once and the slider shows the first n; here its own and five other generators'.
    if seed == "notebook":
        pools = notebook_01_draws()[1]
    else:
        rng = np.random.default_rng(seed)
        pools = {"polar": emlib.marsaglia_polar(20_000, rng), "numpy": rng.standard_normal(20_000)}
    for name, pool in pools.items():
        u = emlib.normal_cdf(pool)  # F once; then each prefix's distance is vectorised
        scaled = []
        for n in N_SLIDER:
            s, i = np.sort(u[:n]), np.arange(1, n + 1)
            scaled.append(np.sqrt(n) * max((i / n - s).max(), (s - (i - 1) / n).max()))
        for n in (10, 1000, 20_000):  # the same as emlib.ks_distance, which the note prints
            assert scaled[n // 10 - 1] == pytest.approx(np.sqrt(n) * emlib.ks_distance(pool[:n]))
        assert 0.25 < min(scaled) and max(scaled) < 2.5, (name, min(scaled), max(scaled))


def test_the_peak_passes_one_below_sigma_about_0_4_and_fits_the_explorer():
    # "passes 1 when σ < 1/√(2π), about 0.4"; on the slider only σ = 0.25 does, and the
    # explorer's y-axis (0 to 1.6) still shows that highest peak.
    assert 1 / np.sqrt(2 * np.pi) == pytest.approx(0.4, abs=0.005)
    peaks = emlib.normal_pdf(0.0, 0.0, SIGMA_SLIDER)
    np.testing.assert_array_equal(SIGMA_SLIDER[peaks > 1], [0.25])
    assert peaks.max() <= 1.6
    assert round(float(emlib.normal_pdf(0.0, 0.0, 0.1)), 2) == 3.99  # Quiz 2's p(0) ≈ 3.99


def test_quiz_1_puts_every_point_on_one_line():
    A = np.array([[2, np.sqrt(3)], [np.sqrt(3), 1.5]])
    assert np.linalg.det(A) == pytest.approx(0.0, abs=1e-12)  # "det = 3 − 3 = 0"
    P = np.random.default_rng(0).standard_normal((1000, 2)) @ A.T
    direction = A[:, 0] / np.linalg.norm(A[:, 0])  # the line spanned by A's columns
    off_line = P[:, 0] * direction[1] - P[:, 1] * direction[0]
    assert np.abs(off_line).max() < 1e-12


@pytest.mark.parametrize("S", [np.diag([2.0, 1.5]), np.array([[2, 0.5], [0.5, 1.5]]),
                               np.array([[2, -1.2], [-1.2, 1.5]])])
def test_contour_axes_are_eigenvectors_with_half_lengths_root_eigenvalues(S):
    # The figure's red axes end on the Mahalanobis-2 contour: the density there is the level
    # drawn, exp(-2) times the peak, and nowhere on that ellipse is farther from the centre.
    peak = emlib.mvn_pdf([[0.0, 0.0]], [0, 0], S)[0]
    eigenvalues, eigenvectors = np.linalg.eigh(S)
    ends = (2 * np.sqrt(eigenvalues) * eigenvectors).T
    np.testing.assert_allclose(emlib.mvn_pdf(ends, [0, 0], S), peak * np.exp(-2.0), rtol=1e-12)
    angle = np.linspace(0, 2 * np.pi, 3601)
    ellipse = 2 * np.linalg.cholesky(S) @ np.stack([np.cos(angle), np.sin(angle)])
    radius = np.linalg.norm(ellipse, axis=0)
    assert radius.max() == pytest.approx(2 * np.sqrt(eigenvalues.max()), rel=1e-5)
    assert radius.min() == pytest.approx(2 * np.sqrt(eigenvalues.min()), rel=1e-5)
    if S[0, 1] == 0:  # a diagonal Σ: the axes are the coordinate axes, scaled by √Σᵢᵢ
        np.testing.assert_allclose(np.sort(np.abs(ends).max(axis=1)), np.sort(2 * np.sqrt(np.diag(S))))


# ------------------------------------------------------------------------------ notebook 02

GRID = np.linspace(-4, 14, 1801)  # the explorer's x range
MU = np.arange(-2.0, 12.0 + 1e-9, 0.5)
SIGMA = np.round(np.arange(0.3, 4.0 + 1e-9, 0.1), 1)
PRIOR = np.round(np.arange(0.01, 0.99 + 1e-9, 0.01), 2)


def slider_settings(count=400, seed=0):
    """Random settings of the four class sliders, plus the lecture's and the corners."""
    rng = np.random.default_rng(seed)
    picks = [(4.0, 1.0, 6.0, 1.0), (4.0, 1.0, 6.0, 3.0), (-2.0, 0.3, 12.0, 4.0), (12.0, 4.0, -2.0, 0.3)]
    picks += [(rng.choice(MU), rng.choice(SIGMA), rng.choice(MU), rng.choice(SIGMA)) for _ in range(count)]
    return picks


def posterior_1(x, mu1, s1, mu2, s2, p1):
    return emlib.responsibilities(x, [mu1, mu2], [s1 ** 2, s2 ** 2], [p1, 1 - p1])[:, 0]


def crossings(p):
    """Boundaries on the explorer's grid: where P(w₁ | x) crosses ½."""
    above = p > 0.5
    return np.flatnonzero(above[:-1] != above[1:])


def test_a_larger_prior_widens_its_class_region_and_pushes_the_boundary_away_from_its_mean():
    # "a larger prior P(w₁) widens the region where w₁ wins (with equal spreads it pushes the one
    # boundary away from μ₁)". Only with equal spreads: when w₁ is the wider class its region is
    # outside, and a larger prior pulls both boundaries in, towards μ₁.
    inner = [GRID[crossings(posterior_1(GRID, 5.0, 3.0, 5.0, 1.0, p1))] for p1 in (0.3, 0.5)]
    assert np.all(np.abs(inner[1] - 5.0) < np.abs(inner[0] - 5.0))
    for mu1, s1, mu2, s2 in slider_settings(60):
        p = np.array([posterior_1(GRID, mu1, s1, mu2, s2, p1) for p1 in PRIOR])
        assert np.all(np.diff(p, axis=0) >= -1e-12)  # P(w₁ | x) never falls as P(w₁) rises
        wins = p > 0.5
        assert np.all(wins[1:] >= wins[:-1])  # so w₁'s region only grows
        if s1 == s2 and mu1 != mu2:  # one boundary, moving away from μ₁
            b = [GRID[crossings(row)] for row in p]
            moved = [y[0] - x[0] for x, y in zip(b, b[1:]) if len(x) == len(y) == 1]
            assert moved and all(np.sign(m) in (0, np.sign(mu2 - mu1)) for m in moved)
            assert any(m != 0 for m in moved)


def test_unequal_spreads_far_out_the_wider_class_wins_on_both_sides():
    for mu1, s1, mu2, s2 in slider_settings():
        if s1 == s2:
            continue
        for p1 in (0.01, 0.5, 0.99):
            far = posterior_1(np.array([-1e4, 1e4]), mu1, s1, mu2, s2, p1)
            wider_is_1 = s1 > s2
            assert np.all((far > 0.5) == wider_is_1), (mu1, s1, mu2, s2, p1, far)


def analytic_boundaries(mu1, s1, mu2, s2, p1):
    """The real roots of log P(w₁)N(x | μ₁, σ₁²) − log P(w₂)N(x | μ₂, σ₂²) = a x² + b x + c."""
    a = 1 / (2 * s2 ** 2) - 1 / (2 * s1 ** 2)
    b = mu1 / s1 ** 2 - mu2 / s2 ** 2
    c = np.log(p1 / (1 - p1)) + np.log(s2 / s1) - mu1 ** 2 / (2 * s1 ** 2) + mu2 ** 2 / (2 * s2 ** 2)
    if a == 0:
        return np.array([-c / b]) if b != 0 else np.array([])
    discriminant = b * b - 4 * a * c
    if abs(discriminant) < 1e-9 * max(b * b, abs(4 * a * c)):
        return None  # a double root: P(w₁ | x) only touches ½ there (σ₂/σ₁ = P(w₂)/P(w₁), μ₁ = μ₂)
    if discriminant < 0:
        return np.array([])
    return np.sort((-b + np.array([-1.0, 1.0]) * np.sqrt(discriminant)) / (2 * a))


def test_boundaries_count_two_at_most_two_only_with_unequal_spreads_and_some_out_of_view():
    seen = {"two in view": False, "one in view of two": False, "none with unequal spreads": False}
    for mu1, s1, mu2, s2 in slider_settings():
        for p1 in (0.01, 0.2, 0.5, 0.8, 0.99):
            view = GRID[crossings(posterior_1(GRID, mu1, s1, mu2, s2, p1))]
            every = analytic_boundaries(mu1, s1, mu2, s2, p1)
            if every is None:
                continue
            inside = every[(every > GRID[0]) & (every < GRID[-1])]
            assert len(view) == len(inside) and np.allclose(view, inside, atol=0.011)
            if s1 == s2:
                assert len(every) == (1 if mu1 != mu2 else 0)
            else:  # a quadratic: none or two
                assert len(every) in (0, 2)
                seen["two in view"] |= len(view) == 2
                seen["one in view of two"] |= len(view) == 1
                seen["none with unequal spreads"] |= len(every) == 0
    assert all(seen.values()), seen


def test_the_static_figure_and_the_exercises_ask_different_settings():
    # The figure prints the boundary for P(w₁) = 0.8 (a check of the student's formula);
    # exercise 3 asks P(w₁) = 0.7, exercise 2 P(w₁) = 0.1, neither drawn.
    figure = next(c for c in code("02") if c.startswith("settings = {"))
    priors = {float(p) for p in re.findall(r"\(4, 1, 6, \d, (0\.\d+)\)", figure)}
    assert priors == {0.5, 0.8}
    text = markdown("02")
    assert "$P(w_1) = 0.7$" in text and "$P(w_1) = 0.1$" in text


def test_the_1_and_2_sigma_ellipses_hold_39_and_86_percent_in_2d():
    # "In 2-D they hold only about 39 % and 86 % of the points, fewer than within 1σ and 2σ of
    # the mean in 1-D."
    # z'ᵀ(AAᵀ)⁻¹z' = ‖z‖² for z' = Az: chi-square with 2 degrees of freedom, P(≤ r²) = 1 − e^(−r²/2).
    inside = 1 - np.exp(-0.5 * np.array([1.0, 4.0]))
    np.testing.assert_allclose(inside, [0.39, 0.86], atol=0.005)
    assert np.all(emlib.normal_cdf([1.0, 2.0]) - emlib.normal_cdf([-1.0, -2.0]) > inside + 0.05)
    A = np.array([[2.0, 0.5], [0.5, 1.5]])  # and the explorer's own 1000 points agree
    P = notebook_01_draws()[3] @ A.T
    m = np.einsum("ij,jk,ik->i", P, np.linalg.inv(A @ A.T), P)
    np.testing.assert_allclose([(m <= 1).mean(), (m <= 4).mean()], inside, atol=0.04)
