"""The lecture's data sets: shapes, truth labels, seeding."""

import numpy as np
import pytest

import emlib


def test_kmeans_data_is_the_lecture_two_groups():
    X, y = emlib.lecture_kmeans_data(np.random.default_rng(1))
    assert X.shape == (150, 2) and y.tolist() == [0] * 100 + [1] * 50
    big_X, _ = zip(*(emlib.lecture_kmeans_data(np.random.default_rng(s)) for s in range(200)))
    big = np.concatenate(big_X)
    blue, red = big.reshape(200, 150, 2)[:, :100].reshape(-1, 2), big.reshape(200, 150, 2)[:, 100:].reshape(-1, 2)
    np.testing.assert_allclose(blue.mean(0), [50, 50], atol=0.3)
    np.testing.assert_allclose(blue.std(0), [10, 10], atol=0.2)
    np.testing.assert_allclose(red.mean(0), [70, 60], atol=0.2)
    np.testing.assert_allclose(red.std(0), [5, 5], atol=0.1)


def test_em1_data_and_em_1dim_data():
    x, y = emlib.lecture_em1_data(np.random.default_rng(2))
    assert x.shape == (200,) and y.tolist() == [0] * 100 + [1] * 100
    xs = np.stack([emlib.lecture_em1_data(np.random.default_rng(s))[0] for s in range(300)])
    np.testing.assert_allclose([xs[:, :100].mean(), xs[:, :100].std()], [0, 3], atol=0.05)
    np.testing.assert_allclose([xs[:, 100:].mean(), xs[:, 100:].std()], [10, 1], atol=0.02)
    z, _ = emlib.lecture_em_1dim_data(np.random.default_rng(3), n_per_group=20000)
    np.testing.assert_allclose([z[:20000].mean(), z[20000:].mean()], [1, 3], atol=0.03)


def test_same_generator_state_gives_same_data_and_global_state_untouched():
    before = np.random.get_state()[1].copy()
    a = emlib.lecture_kmeans_data(np.random.default_rng(7))[0]
    b = emlib.lecture_kmeans_data(np.random.default_rng(7))[0]
    np.testing.assert_array_equal(a, b)
    assert (np.random.get_state()[1] == before).all()


def test_four_points():
    x, y = emlib.lecture_four_points()
    assert x.tolist() == [1.0, 1.1, 10.0, 10.1] and y.tolist() == [0, 0, 1, 1]


def test_demonstrations_vary_around_the_motion_reproducibly():
    t, x, truth = emlib.demonstrations(np.random.default_rng(3), n_demos=4, noise=0.2, n_steps=50)
    assert t.shape == x.shape == (4, 50) and truth.shape == (50,)
    assert np.allclose(t[:, 0], 0) and np.allclose(t[:, -1], 1)
    assert np.allclose(truth, np.sin(2 * np.pi * t[0]) + 0.5 * t[0])
    # Without noise every demonstration is the motion itself.
    _, x0, _ = emlib.demonstrations(np.random.default_rng(3), n_demos=4, noise=0.0, n_steps=50)
    assert np.allclose(x0, truth)
    # noise scales the same draws, and more demonstrations keep the first ones.
    _, x2, _ = emlib.demonstrations(np.random.default_rng(3), n_demos=6, noise=0.4, n_steps=50)
    assert np.allclose(x2[:4] - truth, 2 * (x - truth))
    # The spread across demonstrations grows with the noise.
    assert x2.std(axis=0).mean() > x.std(axis=0).mean() > 0


@pytest.mark.parametrize("kwargs,match", [
    ({"n_demos": 0}, "n_demos must be an integer >= 1; got 0"),
    ({"noise": -1.0}, "noise must be a finite number >= 0; got -1.0"),
    ({"n_steps": 1}, "n_steps must be an integer >= 2; got 1"),
])
def test_demonstrations_reject_bad_settings(kwargs, match):
    with pytest.raises(ValueError, match=match):
        emlib.demonstrations(np.random.default_rng(0), **kwargs)
