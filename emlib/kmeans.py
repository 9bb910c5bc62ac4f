r"""k-means clustering, the lecture's part 2.

1. Assume there are k clusters.  2. Guess each centroid.
3. Assign each point to its closest centroid.  4. Recompute each centroid as
the mean of its points. Repeat 3-4 until no point changes cluster.

The objective that never increases is the inertia, Σⱼ ‖xʲ − c(xʲ)‖².
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _validate as v


@dataclass(frozen=True)
class KMeansHistory:
    """Every step of a k-means run; index 0 is the initial guess.

    Attributes
    ----------
    X : ndarray, shape (n, d)
        The data (a read-only copy).
    centroids : ndarray, shape (T+1, k, d)
        ``centroids[0]`` is the initial guess, ``centroids[t]`` the means of the
        clusters of step t − 1.
    labels : ndarray, shape (T+1, n)
        ``labels[t]``: the closest centroid of ``centroids[t]`` for each point
        (ties go to the lower index). Stored as the smallest unsigned integer
        type that holds k − 1 (uint8 up to k = 256), to keep long histories small.
    inertia : ndarray, shape (T+1,)
        ``inertia[t]`` = Σⱼ ‖xʲ − centroids[t][labels[t][j]]‖².
    converged : bool
        True when the run stopped because no point changed cluster.
    """

    X: np.ndarray
    centroids: np.ndarray
    labels: np.ndarray
    inertia: np.ndarray
    converged: bool

    @property
    def n_iter(self) -> int:
        """T, the number of iterations run (the history has T + 1 steps)."""
        return len(self.inertia) - 1


_CHUNK = 8192  # points per block: the (k, block) work arrays stay in cache


class _Lloyd:
    """One assignment pass over the data per call, in cache-sized blocks.

    For each block: all squared distances are one product,
    ‖x − c‖² − ‖x‖² = ‖c‖² − 2 x·c = [−2c, ‖c‖²] · [x, 1]; the closest centroid is
    found with min and ==, not argmin (numpy's argmin along the short axis of a
    (k, n) array is about 15x slower); and the one-hot matrix of the block,
    times [x, 1], gives each cluster's coordinate sums and count for the next
    centroids, while the block is still in cache.
    """

    def __init__(self, X: np.ndarray, shift: np.ndarray, k: int):
        n, d = X.shape
        self.n, self.d, self.k = n, d, k
        self.XaT = np.empty((d + 1, n))  # [x - shift, 1] by row, so each block is contiguous
        np.subtract(X.T, shift[:, None], out=self.XaT[:d])
        self.XaT[d] = 1.0
        self.x2 = np.einsum("ij,ij->j", self.XaT[:d], self.XaT[:d])
        self.dtype = np.min_scalar_type(max(k - 1, 1))  # uint8 up to k = 256
        self.reverse = np.arange(k - 1, -1, -1, dtype=self.dtype)[:, None]
        self.index = np.arange(k, dtype=self.dtype)[:, None]
        m = min(_CHUNK, n)
        self.D, self.eq = np.empty((k, m)), np.empty((k, m), dtype=bool)
        self.code, self.onehot = np.empty((k, m), dtype=self.dtype), np.empty((k, m))

    def assign(self, C: np.ndarray):
        """Closest centroid of every point, its squared distance, and the sums
        Σ x and counts of each cluster, shape (k, d + 1)."""
        Ca = np.hstack([-2.0 * C, np.einsum("ij,ij->i", C, C)[:, None]])
        labels = np.empty(self.n, dtype=self.dtype)
        dist = np.empty(self.n)
        sums = np.zeros((self.k, self.d + 1))
        for s in range(0, self.n, _CHUNK):
            e = min(s + _CHUNK, self.n)
            m = e - s
            D, eq, code, onehot = self.D[:, :m], self.eq[:, :m], self.code[:, :m], self.onehot[:, :m]
            xa = self.XaT[:, s:e]
            np.matmul(Ca, xa, out=D)
            best = np.min(D, axis=0, out=dist[s:e])
            np.equal(D, best, out=eq)
            # The first closest centroid: the largest of (k-1-i) over the minima.
            np.multiply(eq.view(np.uint8).astype(self.dtype, copy=False), self.reverse, out=code)
            np.subtract(self.k - 1, code.max(axis=0), out=labels[s:e])
            np.copyto(onehot, eq)
            block = onehot @ xa.T
            if block[:, -1].sum() != m:  # a point equally close to two centroids: count it once
                np.equal(labels[s:e], self.index, out=eq)
                np.copyto(onehot, eq)
                block = onehot @ xa.T
            sums += block
        dist += self.x2
        np.maximum(dist, 0.0, out=dist)  # the expansion can round a tiny distance below 0
        return labels, dist, sums


def kmeans(X, init, max_iter=100, empty="keep") -> KMeansHistory:
    """Run k-means (Lloyd's algorithm) from the given centroids; return the whole history.

    The lecture's algorithm (``l12kmean.test``): assign every point to the
    closest centroid, then move every centroid to the mean of its points,
    until no point changes cluster.

    Parameters
    ----------
    X : array_like, shape (n, d), or (n,) for 1-D data
        The data, finite.
    init : array_like, shape (k, d), or (k,) for 1-D data
        Initial centroids (the lecture's μ1, μ2, ...); 1 ≤ k ≤ n.
    max_iter : int, default 100
        Most iterations to run (≥ 0).
    empty : {"keep", "farthest"}, default "keep"
        What a centroid that loses all its points does: "keep" leaves it where
        it is (it may win points back later); "farthest" moves it onto the
        point farthest from its own centroid (as scikit-learn does).

    Returns
    -------
    KMeansHistory
        ``centroids`` (T+1, k, d), ``labels`` (T+1, n), ``inertia`` (T+1,).
    """
    X = v.as_data(X)
    n, d = X.shape
    C = v.as_means(init, d, "init")
    k = C.shape[0]
    v.check_k(k, n, "init")
    max_iter = v.as_int(max_iter, "max_iter", 0)
    empty = v.as_choice(empty, "empty", ("keep", "farthest"))

    shift = X.mean(axis=0)  # centred, so ‖x‖² − 2x·c + ‖c‖² does not cancel badly
    lloyd = _Lloyd(X, shift, k)
    C = C - shift

    labels, dist, sums = lloyd.assign(C)
    centroids, all_labels, inertia = [C], [labels], [dist.sum()]
    converged = False
    for _ in range(max_iter):
        counts = sums[:, -1]
        C = C.copy()
        filled = counts > 0
        C[filled] = sums[filled, :-1] / counts[filled, None]
        if empty == "farthest" and not filled.all():
            far = np.argsort(dist)[::-1]
            for i, j in zip(np.flatnonzero(~filled), far):
                C[i] = lloyd.XaT[:-1, j]
        labels, dist, sums = lloyd.assign(C)
        centroids.append(C), all_labels.append(labels), inertia.append(dist.sum())
        if np.array_equal(labels, all_labels[-2]):
            converged = True
            break

    X = X.copy()
    arrays = [np.array(centroids) + shift, np.array(all_labels), np.array(inertia)]
    for a in (X, *arrays):
        a.setflags(write=False)
    return KMeansHistory(X, *arrays, converged=converged)
