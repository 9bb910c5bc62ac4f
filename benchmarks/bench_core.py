"""Speed and memory of emlib's gmm_em and kmeans against scikit-learn, measured in one run.

    python benchmarks/bench_core.py            # the full table (a few minutes)
    python benchmarks/bench_core.py --quick    # N = 1e4 and 1e5 only

Per-iteration time = (t(i2 iterations) - t(i1 iterations)) / (i2 - i1), the best of
a few repeats, so fixed costs (scikit-learn's initialisation and final E-step,
emlib's feature set-up) cancel on both sides. Both libraries start from the same
data and the same initial parameters, and the script checks that both really
ran the iterations it timed. Peak memory is traced with tracemalloc (numpy
reports its allocations to it) for one fit of each at the largest N.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
import tracemalloc
import warnings

import numpy as np
import sklearn
from sklearn.cluster import KMeans
from sklearn.mixture import GaussianMixture

import emlib

TARGETS = {"gmm_em": 0.15, "kmeans": 2.0}  # emlib / sklearn per iteration, at N = 1e6, k = 5


def data(n, k, seed=0):
    """k overlapping 2-D Gaussian groups, and initial parameters drawn from the data."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 3, (k, 2))
    X = centres[rng.integers(0, k, n)] + rng.normal(size=(n, 2))
    means, covs, weights = emlib.random_init(X, k, rng)
    return X, means, covs, weights


def best_time(fn, repeats):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def per_iteration(run, i1, i2, repeats):
    """Seconds per iteration from runs of i1 and i2 iterations."""
    return (best_time(lambda: run(i2), repeats) - best_time(lambda: run(i1), repeats)) / (i2 - i1)


def sklearn_gmm(X, means, covs, weights, iters):
    gm = GaussianMixture(
        len(weights), covariance_type="full", tol=0, max_iter=iters, reg_covar=1e-6,
        weights_init=weights, means_init=means, precisions_init=np.linalg.inv(covs),
        init_params="random_from_data",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gm.fit(X)
    assert gm.n_iter_ == iters
    return gm


def sklearn_kmeans(X, init, iters):
    km = KMeans(len(init), init=init, n_init=1, algorithm="lloyd", tol=0, max_iter=iters)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        km.fit(X)
    return km


def emlib_gmm(X, means, covs, weights, iters):
    h = emlib.gmm_em(X, means, covs, weights, max_iter=iters, tol=0)
    assert h.n_iter == iters
    return h


def emlib_kmeans(X, init, iters):
    return emlib.kmeans(X, init, max_iter=iters)


def kmeans_iterations_needed(X, init):
    """k-means stops when labels stop changing; time only iterations that really run."""
    return emlib.kmeans(X, init, max_iter=300).n_iter


def peak_mib(fn):
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="N = 1e4 and 1e5 only")
    args = parser.parse_args()
    sizes = [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]

    print(f"emlib {emlib.__version__}, numpy {np.__version__}, scikit-learn {sklearn.__version__}, "
          f"Python {platform.python_version()}, {os.cpu_count()} cores")
    print("per-iteration time in ms, d = 2; ratio = emlib / scikit-learn (lower is better)\n")
    header = f"{'N':>9} {'k':>3} | {'gmm_em':>8} {'sklearn':>8} {'ratio':>6} | " \
             f"{'kmeans':>8} {'sklearn':>8} {'ratio':>6}"
    print(header)
    print("-" * len(header))
    results = {}
    for n in sizes:
        repeats = 3 if n >= 1_000_000 else 5
        for k in (2, 5, 10):
            X, means, covs, weights = data(n, k)
            i1, i2 = (1, 5) if n >= 1_000_000 else (2, 12)
            g_em = per_iteration(lambda i: emlib_gmm(X, means, covs, weights, i), i1, i2, repeats)
            g_sk = per_iteration(lambda i: sklearn_gmm(X, means, covs, weights, i), i1, i2, repeats)
            needed = kmeans_iterations_needed(X, means)
            j1, j2 = 1, min(needed, 21)
            # Unconverged, max_iter=i is the same work on both sides: i updates, i+1 assignments.
            k_em = per_iteration(lambda i: emlib_kmeans(X, means, i), j1, j2, repeats)
            k_sk = per_iteration(lambda i: sklearn_kmeans(X, means, i), j1, j2, repeats)
            results[n, k] = (g_em / g_sk, k_em / k_sk)
            print(f"{n:>9,} {k:>3} | {g_em * 1e3:8.2f} {g_sk * 1e3:8.2f} {g_em / g_sk:6.3f} | "
                  f"{k_em * 1e3:8.2f} {k_sk * 1e3:8.2f} {k_em / k_sk:6.2f}"
                  + ("" if j2 == 21 else f"   (k-means converged after {needed} iterations)"))

    n_big = sizes[-1]
    X, means, covs, weights = data(n_big, 5)
    print(f"\npeak traced memory of one fit, N = {n_big:,}, k = 5, 10 iterations (MiB; X itself is "
          f"{X.nbytes / 2**20:.0f} MiB):")
    print(f"  gmm_em {peak_mib(lambda: emlib_gmm(X, means, covs, weights, 10)):7.1f}   "
          f"sklearn GaussianMixture {peak_mib(lambda: sklearn_gmm(X, means, covs, weights, 10)):7.1f}")
    print(f"  kmeans {peak_mib(lambda: emlib_kmeans(X, means, 10)):7.1f}   "
          f"sklearn KMeans          {peak_mib(lambda: sklearn_kmeans(X, means, 10)):7.1f}")
    print("  (emlib keeps the whole history: k-means labels of every step, (T+1) x N bytes)")

    if (1_000_000, 5) in results:
        g, km = results[1_000_000, 5]
        print(f"\ntargets at N = 1e6, k = 5: gmm_em {g:.3f} x sklearn (target <= {TARGETS['gmm_em']}) "
              f"{'met' if g <= TARGETS['gmm_em'] else 'MISSED'}; kmeans {km:.2f} x sklearn "
              f"(target <= {TARGETS['kmeans']}) {'met' if km <= TARGETS['kmeans'] else 'MISSED'}")


if __name__ == "__main__":
    main()
