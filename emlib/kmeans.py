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
        ``labels[t]``: the closest centroid of ``centroids[t]`` for each point.
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


def _assign(Xc, x2, C):
    """Closest centroid of each point, and its squared distance.

    ‖x − c‖² = ‖x‖² − 2 x·c + ‖c‖²: one (k, n) product for all distances. The
    minimum is taken row by row (k is small), which is faster than argmin
    along axis 0 of a (k, n) array.
    """
    D = C @ Xc.T
    D *= -2.0
    D += (C * C).sum(axis=1)[:, None]
    best = D[0].copy()
    labels = np.zeros(Xc.shape[0], dtype=np.intp)
    for i in range(1, len(C)):
        closer = D[i] < best
        np.copyto(best, D[i], where=closer)
        labels[closer] = i
    best += x2
    np.maximum(best, 0.0, out=best)  # the expansion can round a tiny distance below 0
    return labels, best


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
    Xc = X - shift
    x2 = np.einsum("ij,ij->i", Xc, Xc)
    C = C - shift

    labels, dist = _assign(Xc, x2, C)
    centroids, all_labels, inertia = [C], [labels], [dist.sum()]
    converged = False
    for _ in range(max_iter):
        counts = np.bincount(labels, minlength=k)
        sums = np.stack([np.bincount(labels, weights=Xc[:, a], minlength=k) for a in range(d)], 1)
        C = C.copy()
        filled = counts > 0
        C[filled] = sums[filled] / counts[filled, None]
        if empty == "farthest" and not filled.all():
            far = np.argsort(dist)[::-1]
            for i, j in zip(np.flatnonzero(~filled), far):
                C[i] = Xc[j]
        labels, dist = _assign(Xc, x2, C)
        centroids.append(C), all_labels.append(labels), inertia.append(dist.sum())
        if np.array_equal(labels, all_labels[-2]):
            converged = True
            break

    X = X.copy()
    arrays = [np.array(centroids) + shift, np.array(all_labels), np.array(inertia)]
    for a in (X, *arrays):
        a.setflags(write=False)
    return KMeansHistory(X, *arrays, converged=converged)
