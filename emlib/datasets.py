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
