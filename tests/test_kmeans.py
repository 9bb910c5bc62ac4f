"""k-means against scikit-learn's Lloyd implementation from the same initial centroids."""

import numpy as np
import pytest
from sklearn.cluster import KMeans

import emlib

INITS = {
    "lecture guess (40,50)/(80,50)": [[40, 50], [80, 50]],
    "lecture guess (20,30)/(80,80)": [[20, 30], [80, 80]],
    "lecture test3(50,50,70,70,60,30)": [[50, 50], [70, 70], [60, 30]],
    "lecture test3(40,80,70,30,50,50)": [[40, 80], [70, 30], [50, 50]],
}


@pytest.mark.parametrize("name", list(INITS))
def test_kmeans_matches_sklearn_on_the_lecture_guesses(rng, name):
    X, _ = emlib.lecture_kmeans_data(rng)
    init = np.array(INITS[name], dtype=float)
    h = emlib.kmeans(X, init)
    km = KMeans(len(init), init=init, n_init=1, algorithm="lloyd", tol=0, max_iter=300).fit(X)
    assert h.converged
    np.testing.assert_allclose(h.centroids[-1], km.cluster_centers_, rtol=1e-12)
    np.testing.assert_array_equal(h.labels[-1], km.labels_)
    assert h.inertia[-1] == pytest.approx(km.inertia_, rel=1e-10)
    assert km.n_iter_ == h.n_iter + 1  # sklearn counts assignment passes, we count updates


@pytest.mark.parametrize("d,k", [(1, 3), (3, 5), (5, 10)])
def test_kmeans_matches_sklearn_on_random_data(rng, d, k):
    X = rng.normal(0, 1, (2000, d)) + rng.integers(0, 4, (2000, 1)) * 3.0
    init = X[rng.choice(len(X), k, replace=False)]
    h = emlib.kmeans(X if d > 1 else X[:, 0], init if d > 1 else init[:, 0])
    km = KMeans(k, init=init, n_init=1, algorithm="lloyd", tol=0, max_iter=300).fit(X)
    np.testing.assert_allclose(h.centroids[-1], km.cluster_centers_, rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(h.labels[-1], km.labels_)
    assert h.inertia[-1] == pytest.approx(km.inertia_, rel=1e-10)


def test_history_is_consistent_step_by_step(rng):
    X, _ = emlib.lecture_kmeans_data(rng)
    init = np.array([[20.0, 30], [80, 80]])
    h = emlib.kmeans(X, init)
    T = h.n_iter
    assert h.centroids.shape == (T + 1, 2, 2) and h.labels.shape == (T + 1, 150)
    np.testing.assert_array_equal(h.centroids[0], init)
    for t in range(T + 1):
        dist = ((X[:, None, :] - h.centroids[t][None]) ** 2).sum(-1)  # direct, no expansion
        np.testing.assert_array_equal(h.labels[t], dist.argmin(1))
        assert h.inertia[t] == pytest.approx(dist.min(1).sum(), rel=1e-12)
        if t:
            for i in range(2):
                np.testing.assert_allclose(h.centroids[t][i], X[h.labels[t - 1] == i].mean(0))
    np.testing.assert_array_equal(h.labels[-1], h.labels[-2])  # stopped: nothing changed


def test_empty_cluster_keeps_its_centroid_and_never_turns_nan(rng):
    X, _ = emlib.lecture_kmeans_data(rng)
    init = np.array([[50.0, 50], [60, 55], [500, 500]])  # the third wins no point
    h = emlib.kmeans(X, init)
    assert np.isfinite(h.centroids).all() and np.isfinite(h.inertia).all()
    np.testing.assert_array_equal(h.centroids[:, 2], np.tile([500.0, 500.0], (h.n_iter + 1, 1)))


def test_empty_cluster_can_move_to_the_farthest_point(rng):
    X, _ = emlib.lecture_kmeans_data(rng)
    init = np.array([[50.0, 50], [60, 55], [500, 500]])
    h = emlib.kmeans(X, init, empty="farthest")
    far = np.argmax(((X - h.centroids[0][h.labels[0]]) ** 2).sum(1))
    np.testing.assert_allclose(h.centroids[1, 2], X[far])
    assert np.bincount(h.labels[-1], minlength=3).min() > 0
    assert np.isfinite(h.centroids).all()


def test_max_iter_zero_and_not_converged(rng):
    X, _ = emlib.lecture_kmeans_data(rng)
    h0 = emlib.kmeans(X, [[20, 30], [80, 80]], max_iter=0)
    assert h0.n_iter == 0 and not h0.converged
    h1 = emlib.kmeans(X, [[20, 30], [80, 80]], max_iter=1)
    assert h1.n_iter == 1 and not h1.converged


def direct_kmeans(X, C, iterations):
    """Lloyd's algorithm written plainly: full distance table, argmin, means."""
    out = []
    for _ in range(iterations):
        labels = ((X[:, None, :] - C[None]) ** 2).sum(-1).argmin(1)
        out.append(labels)
        C = np.array([X[labels == i].mean(0) if (labels == i).any() else C[i]
                      for i in range(len(C))])
    return out, C


def test_ties_go_to_the_lower_index_and_are_counted_once():
    # Integer data: point 3 is exactly between centroids 1 and 5; the first two
    # centroids are equal, so every point near them is a tie.
    X = np.array([[0.0], [1], [2], [3], [4], [5], [6], [3], [3]])
    init = np.array([[1.0], [1.0], [5.0]])
    h = emlib.kmeans(X, init)
    ref_labels, ref_C = direct_kmeans(X, init, h.n_iter + 1)
    for t, labels in enumerate(ref_labels):
        np.testing.assert_array_equal(h.labels[t], labels)
    np.testing.assert_allclose(h.centroids[-1], ref_C)
    assert np.bincount(h.labels[0], minlength=3).sum() == len(X)


def test_many_clusters_use_a_wider_label_type(rng):
    X = rng.normal(size=(3000, 2))
    init = X[:300].copy()
    h = emlib.kmeans(X, init, max_iter=3)
    ref_labels, _ = direct_kmeans(X, init, 4)
    assert h.labels.dtype == np.uint16
    for t in range(h.n_iter + 1):
        np.testing.assert_array_equal(h.labels[t], ref_labels[t])


def test_blocks_cover_data_larger_than_one_block(rng):
    X = rng.normal(size=(20_001, 2)) + rng.integers(0, 3, (20_001, 1)) * 4
    init = X[:3].copy()
    h = emlib.kmeans(X, init)
    km = KMeans(3, init=init, n_init=1, algorithm="lloyd", tol=0, max_iter=300).fit(X)
    np.testing.assert_array_equal(h.labels[-1], km.labels_)
    np.testing.assert_allclose(h.centroids[-1], km.cluster_centers_, rtol=1e-10)
