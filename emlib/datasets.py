"""The lecture's data sets, drawn from a numpy Generator the caller passes in.

Each returns the points and their true group (0 = blue, 1 = red), so a
notebook can compare what an algorithm finds with the truth.
"""

from __future__ import annotations

import numpy as np

from . import _validate as v


def lecture_kmeans_data(rng):
    """The two groups of ``ex/ml/l12kmean.py`` (lecture part 2).

    Blue: 100 points from N([50, 50], 10²I); red: 50 points from N([70, 60], 5²I).
    (The lecture's ``a[:,1]``, ``a[:,2]`` count columns from 1; here they are
    columns 0 and 1.)

    Parameters
    ----------
    rng : numpy.random.Generator

    Returns
    -------
    X : ndarray, shape (150, 2)
        Blue points first, then red.
    labels : ndarray of int, shape (150,)
        0 for blue, 1 for red.
    """
    rng = v.as_rng(rng)
    blue = rng.standard_normal((100, 2)) * 10 + [50, 50]
    red = rng.standard_normal((50, 2)) * 5 + [70, 60]
    return np.vstack([blue, red]), np.repeat([0, 1], [100, 50])


def lecture_em1_data(rng):
    """The 1-D data of ``ex/ml/l12em1.py`` (lecture part 3, hard EM).

    Blue ~ N(0, 3²), red ~ N(10, 1), 100 points each.

    Parameters
    ----------
    rng : numpy.random.Generator

    Returns
    -------
    x : ndarray, shape (200,)
        Blue points first, then red.
    labels : ndarray of int, shape (200,)
    """
    rng = v.as_rng(rng)
    blue = rng.standard_normal(100) * 3
    red = rng.standard_normal(100) * 1 + 10
    return np.concatenate([blue, red]), np.repeat([0, 1], 100)


def lecture_em_1dim_data(rng, n_per_group=100):
    """The data of the slide "EM in 1 Dim." (lecture part 3).

    Blue ~ N(1, 1), red ~ N(3, 1). (The slide does not say how many points;
    100 per group by default.)

    Parameters
    ----------
    rng : numpy.random.Generator
    n_per_group : int, default 100

    Returns
    -------
    x : ndarray, shape (2 * n_per_group,)
    labels : ndarray of int, shape (2 * n_per_group,)
    """
    rng = v.as_rng(rng)
    m = v.as_int(n_per_group, "n_per_group", 1)
    blue = rng.standard_normal(m) + 1
    red = rng.standard_normal(m) + 3
    return np.concatenate([blue, red]), np.repeat([0, 1], m)


def lecture_four_points():
    """The GMM example of lecture part 4: x = 1, 1.1, 10, 10.1 with π₁ = π₂ = ½.

    Returns
    -------
    x : ndarray, shape (4,)
    labels : ndarray of int, shape (4,)
        The two obvious groups: [0, 0, 1, 1].
    """
    return np.array([1.0, 1.1, 10.0, 10.1]), np.array([0, 0, 1, 1])


def motion(t):
    """The motion a teacher demonstrates in notebook 07: x(t) = sin(2πt) + t/2, t in [0, 1]."""
    t = np.asarray(t, dtype=float)
    return np.sin(2 * np.pi * t) + 0.5 * t


def demonstrations(rng, n_demos=5, noise=0.2, n_steps=100):
    """Noisy demonstrations of one motion (the lecture's "why we learn EM and GMM":
    trajectories as a stochastic process, not one recorded motion to replay).

    Demonstration d is :math:`x_d(t) = (1 + \\text{noise}\\cdot a_d)\\, m(t) + 0.3\\,\\text{noise}\\cdot e_d(t)`
    with :math:`m` = :func:`motion`, :math:`a_d \\sim N(0, 1)` (each demonstration is
    larger or smaller) and white noise :math:`e_d(t) \\sim N(0, 1)`. Each demonstration
    takes its draws in turn, so with the same seed the first demonstrations stay the
    same when ``n_demos`` grows, and ``noise`` only scales the same draws.

    Parameters
    ----------
    rng : numpy.random.Generator
    n_demos : int, default 5
    noise : float >= 0, default 0.2
    n_steps : int >= 2, default 100
        Time samples per demonstration, evenly spaced on [0, 1].

    Returns
    -------
    t, x : ndarray, shape (n_demos, n_steps)
        Time and position of every sample.
    truth : ndarray, shape (n_steps,)
        The motion itself, m(t), at the same times.
    """
    rng = v.as_rng(rng)
    n_demos = v.as_int(n_demos, "n_demos", 1)
    noise = v.as_nonnegative(noise, "noise")
    n_steps = v.as_int(n_steps, "n_steps", 2)
    t = np.linspace(0.0, 1.0, n_steps)
    m = motion(t)
    x = np.empty((n_demos, n_steps))
    for d in range(n_demos):
        a, e = rng.standard_normal(), rng.standard_normal(n_steps)
        x[d] = (1 + noise * a) * m + 0.3 * noise * e
    return np.tile(t, (n_demos, 1)), x, m
