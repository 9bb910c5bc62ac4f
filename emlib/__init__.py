"""emlib: the numerical core of the course on EM and Gaussian mixtures (Lecture 12).

Pure numpy. Arrays in, a history of parameters out; each function mirrors one
formula of the lecture and its docstring says which.

Parts of the lecture and where they live:

* Gaussians (part 1): :func:`normal_pdf`, :func:`normal_cdf`, :func:`mvn_logpdf`,
  :func:`mvn_pdf`, :func:`sample_mvn`, :func:`marsaglia_polar`, :func:`ks_distance`,
  :func:`logsumexp`.
* k-means (part 2): :func:`kmeans`.
* Hard EM (part 3): :func:`hard_em`.
* GMM and soft EM (part 4): :func:`responsibilities`, :func:`log_likelihood`,
  :func:`gmm_em`, :func:`random_init`.
* Beyond the lecture: :func:`bic`, :func:`aic`, :func:`select_k`, :func:`gmm_restarts`,
  :func:`kmeans_plusplus` (choosing k and the start); :func:`gmr` (Gaussian mixture
  regression) and :func:`demonstrations` (imitation learning).
* The lecture's data: :func:`lecture_kmeans_data`, :func:`lecture_em1_data`,
  :func:`lecture_em_1dim_data`, :func:`lecture_four_points`.
"""

from .datasets import (
    demonstrations,
    lecture_em1_data,
    lecture_em_1dim_data,
    lecture_four_points,
    lecture_kmeans_data,
)
from .gaussian import (
    ks_distance,
    logsumexp,
    marsaglia_polar,
    mvn_logpdf,
    mvn_pdf,
    normal_cdf,
    normal_logpdf,
    normal_pdf,
    sample_mvn,
)
from .kmeans import KMeansHistory, kmeans
from .regression import gmr
from .selection import Selection, aic, bic, gmm_restarts, kmeans_plusplus, n_parameters, select_k
from .mixture import (
    CollapseError,
    GMMHistory,
    HardEMHistory,
    MixtureHistory,
    gmm_em,
    hard_em,
    log_likelihood,
    random_init,
    responsibilities,
)

__all__ = [
    "CollapseError",
    "GMMHistory",
    "HardEMHistory",
    "KMeansHistory",
    "MixtureHistory",
    "aic",
    "bic",
    "demonstrations",
    "gmm_restarts",
    "gmr",
    "kmeans_plusplus",
    "ks_distance",
    "n_parameters",
    "select_k",
    "Selection",
    "gmm_em",
    "hard_em",
    "kmeans",
    "lecture_em1_data",
    "lecture_em_1dim_data",
    "lecture_four_points",
    "lecture_kmeans_data",
    "log_likelihood",
    "logsumexp",
    "marsaglia_polar",
    "mvn_logpdf",
    "mvn_pdf",
    "normal_cdf",
    "normal_logpdf",
    "normal_pdf",
    "random_init",
    "responsibilities",
    "sample_mvn",
]

__version__ = "0.1.0"
