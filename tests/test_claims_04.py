"""What notebook 04 says about runs, computed over the settings its sliders offer.

nbval guards the numbers the notebook prints for its own settings; these tests check the
sentences that generalise them: hard EM's classification log-likelihood never falls while
Σ log p(x) can, where hard EM finds both groups, why "M first" fails, and what hard EM does on
the slide's overlapping data. The data are drawn as the notebook draws them.
"""

import itertools

import numpy as np
import pytest

import emlib

GUESSES = np.arange(-10.0, 15.01, 0.5)  # the 1-D explorer's sliders mb, mr
SEEDS = range(100)  # the "M then E" explorer's seed slider


@pytest.fixture(scope="module")
def notebook_data():
    rng = np.random.default_rng(12)  # the notebook's generator, drawn in the notebook's order
    x, truth = emlib.lecture_em1_data(rng)
    z, z_truth = emlib.lecture_em_1dim_data(rng)
    samples = [emlib.lecture_em_1dim_data(rng)[0] for _ in range(50)]
    X, _ = emlib.lecture_kmeans_data(np.random.default_rng(12))
    return {"x": x, "truth": truth, "z": z, "samples": samples, "X": X}


def accuracy(labels, truth):
    a = (labels == truth).mean()
    return max(a, 1 - a)


def falls(values):
    return bool(np.any(np.diff(values) < 0))


def em1d(x, mb, mr, **kw):
    return emlib.hard_em(x, [mb, mr], [1.0, 1.0], [0.5, 0.5], **kw)


def em2d(X, m1x, m1y, m2x, m2y):
    return emlib.hard_em(X, [[m1x, m1y], [m2x, m2y]], [50 * np.eye(2)] * 2, [0.5, 0.5])


@pytest.fixture(scope="module")
def grid_1d(notebook_data):
    x = notebook_data["x"]
    return {(mb, mr): em1d(x, mb, mr) for mb in GUESSES for mr in GUESSES}


@pytest.fixture(scope="module")
def m_first(notebook_data):
    x = notebook_data["x"]
    return [em1d(x, 3.0, 5.0, order="ME", rng=np.random.default_rng(s)) for s in SEEDS]


# --------------------------------------------------------------------------- what hard EM climbs


def test_classification_log_likelihood_never_falls_on_any_1d_setting_or_seed(grid_1d, m_first):
    # The E-then-M explorer (every setting) and the M-then-E explorer (every seed).
    for h in list(grid_1d.values()) + m_first:
        assert not falls(h.classification_log_likelihood)
    # Σ log p(x) is not what hard EM climbs: on the same settings it does fall.
    assert sum(falls(h.log_likelihood) for h in grid_1d.values()) > 0
    assert sum(falls(h.log_likelihood) for h in m_first) > 0


def test_2d_grid_log_likelihood_falls_in_about_one_start_in_six_and_l_c_never(notebook_data):
    X = notebook_data["X"]
    # The notebook's grid: every 20th value of each slider.
    runs = [em2d(X, *s) for s in itertools.product(range(0, 101, 20), repeat=4)]
    assert 1 / 8 < np.mean([falls(h.log_likelihood) for h in runs]) < 1 / 5  # "about one in six"
    assert not any(falls(h.classification_log_likelihood) for h in runs)
    # And at the sliders' full resolution (steps of 1), on random settings.
    rng = np.random.default_rng(4)
    runs = [em2d(X, *rng.integers(0, 101, 4)) for _ in range(2000)]
    assert 1 / 8 < np.mean([falls(h.log_likelihood) for h in runs]) < 1 / 5
    assert not any(falls(h.classification_log_likelihood) for h in runs)


def test_the_notebooks_example_start_falls_at_steps_3_and_4(notebook_data):
    h = em2d(notebook_data["X"], 40, 60, 100, 40)
    assert (np.flatnonzero(np.diff(h.log_likelihood) < 0) + 1).tolist() == [3, 4]
    assert np.all(np.diff(h.classification_log_likelihood) > 0)  # "rises at every step"
    # "Meanwhile red loses points at every step but the last, from 14 to 4."
    red = np.array([(labels == 1).sum() for labels in h.hard_labels])
    assert red[0] == 14 and red[-1] == 4
    assert np.all(np.diff(red[:-1]) < 0) and red[-1] == red[-2]


# --------------------------------------------------------------------------- from other guesses


def test_hard_em_finds_both_groups_exactly_in_the_band_of_midpoints(notebook_data, grid_1d):
    truth = notebook_data["truth"]
    found = {s: accuracy(h.labels(), truth) >= 0.9 for s, h in grid_1d.items()}
    assert found[3.0, 5.0]  # the lecture's guess
    assert not any(found[g, g] for g in GUESSES)  # the diagonal: one group takes every point
    middle = {s: (s[0] + s[1]) / 2 for s in grid_1d}
    lo = min(m for s, m in middle.items() if found[s])
    hi = max(m for s, m in middle.items() if found[s])
    assert (lo, hi) == (-1.0, 10.75)
    for s, ok in found.items():  # the two corners fail, everything else off the diagonal works
        assert ok == (s[0] != s[1] and lo <= middle[s] <= hi)
    # Where it fails, one small narrow group and one wide group over both true groups
    # (true σ: 3 and 1).
    for s, h in grid_1d.items():
        if s[0] != s[1] and not found[s]:
            sigma = np.sqrt(h.covariances[-1].ravel())
            small = h.weights[-1].argmin()
            assert h.weights[-1, small] <= 0.15 and sigma[1 - small] > 4


# --------------------------------------------------------------------------- E first vs M first


def test_m_first_fails_from_hard_labels_on_a_symmetric_start_not_from_the_order(notebook_data, m_first):
    x, truth = notebook_data["x"], notebook_data["truth"]
    hard_failed = [s for s in SEEDS if accuracy(m_first[s].labels(), truth) < 0.9]
    assert 0.3 < len(hard_failed) / len(SEEDS) < 0.6
    # Most failures: the first hard E-step leaves a group with no points, and it stays empty.
    empty = [s for s in hard_failed if np.bincount(m_first[s].labels(), minlength=2).min() == 0]
    assert len(empty) > len(hard_failed) / 2
    # Both groups start nearly equal: close to the whole data's mean.
    assert all(np.abs(h.means[0].ravel() - x.mean()).max() < 1.0 for h in m_first)
    # Soft EM from the very same M-step start: it recovers in most seeds ...
    soft = [emlib.gmm_em(x, *h.params(0)) for h in m_first]
    soft_failed = [s for s in SEEDS if accuracy(soft[s].labels(), truth) < 0.9]
    assert len(soft_failed) < len(hard_failed) / 3
    # ... and its failures are stops by the tolerance, after a few iterations, near the
    # symmetric start: run on, every one recovers.
    for s in soft_failed:
        assert soft[s].converged and soft[s].n_iter <= 5
        longer = emlib.gmm_em(x, *m_first[s].params(0), tol=0, max_iter=200)
        assert accuracy(longer.labels(), truth) >= 0.9
    # E first, from the lecture's guess, is right.
    assert accuracy(em1d(x, 3.0, 5.0).labels(), truth) == 1.0


# --------------------------------------------------------------------------- EM in 1 Dim


def test_hard_em_on_the_slides_data_makes_one_wide_group_and_a_shrinking_spike(notebook_data):
    z = notebook_data["z"]
    h = em1d(z, 3.0, 5.0)
    sizes = np.bincount(h.labels(), minlength=2)
    assert sizes[0] / len(z) > 0.95 and sizes[1] <= 10
    red = [(labels == 1).sum() for labels in h.hard_labels]
    assert all(np.diff(red) <= 0) and red[0] > red[-1]  # red loses points step by step
    sigma = np.sqrt(h.covariances[:, :, 0, 0])
    assert np.all(np.diff(sigma[1:, 0]) > 0) and np.all(np.diff(sigma[1:, 1]) < 0)  # blue wider, red narrower
    assert sigma[-1, 0] > 1.0 and sigma[-1, 1] < 0.1  # wider than either true group; a spike
    assert h.labels()[z.argmax()] == 0  # even the largest point ends in blue


def test_on_new_samples_of_the_slides_data_hard_em_never_lands_near_the_truth_soft_em_sometimes(notebook_data):
    near = {"hard": 0, "soft": 0}
    for sample in notebook_data["samples"]:
        for name, h in [("hard", em1d(sample, 3.0, 5.0)),
                        ("soft", emlib.gmm_em(sample, [3, 5], [1, 1], [0.5, 0.5], max_iter=500))]:
            near[name] += int(np.abs(np.sort(h.means[-1].ravel()) - [1, 3]).max() < 0.5)
    assert near["hard"] == 0 and 0 < near["soft"] < len(notebook_data["samples"])


def test_on_the_slides_data_even_soft_em_started_at_the_truth_lands_near_it_in_only_some_samples(
        notebook_data):
    # "Two groups only two standard deviations apart are hard to tell apart from 200 points:
    # even soft EM started from the true parameters ends that close in only some samples."
    near = [np.abs(np.sort(emlib.gmm_em(sample, [1, 3], [1, 1], [0.5, 0.5], max_iter=500)
                           .means[-1].ravel()) - [1, 3]).max() < 0.5
            for sample in notebook_data["samples"]]
    assert 0.2 < np.mean(near) < 0.9
