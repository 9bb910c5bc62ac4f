"""Small helpers shared by the unit tests."""

import numpy as np


def random_spd(rng, d, scale=1.0):
    """A random symmetric positive definite matrix with a moderate condition number."""
    A = rng.standard_normal((d, d))
    return scale * (A @ A.T + d * np.eye(d)) / d
