"""The lecture's data sets: shapes, truth labels, seeding."""

import numpy as np

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
