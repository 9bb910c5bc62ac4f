import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

# Property tests explore freely on a developer's machine; in CI they replay a fixed
# sequence of examples, so main stays green for the same code and a failure reproduces.
settings.register_profile(
    "dev", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("ci", parent=settings.get_profile("dev"), derandomize=True)
settings.register_profile("long", parent=settings.get_profile("dev"), max_examples=2000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))


@pytest.fixture
def rng():
    return np.random.default_rng(20201210)  # the lecture's date
