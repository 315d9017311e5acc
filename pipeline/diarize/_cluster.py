"""Clustering of speaker embeddings (numpy/scipy/scikit-learn only, no model)."""

from __future__ import annotations

import numpy as np


def l2n(x: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.maximum(n, 1e-9)


def ahc(x: np.ndarray, k: int) -> np.ndarray:
    """Average-linkage agglomerative clustering on cosine distance into ``k`` clusters. Labels 0..k-1."""
    from scipy.cluster.hierarchy import fcluster, linkage

    if len(x) <= k:
        return np.arange(len(x))
    z = linkage(x, method="average", metric="cosine")
    return fcluster(z, t=k, criterion="maxclust") - 1


def spectral(x: np.ndarray, k: int, p_keep: float = 0.3, seed: int = 0) -> np.ndarray:
    """Spectral clustering of the cosine-affinity graph, pruned to each row's ``p_keep`` strongest links."""
    from scipy.linalg import eigh
    from sklearn.cluster import KMeans

    n = len(x)
    if n <= k:
        return np.arange(n)
    a = np.clip(x @ x.T, 0.0, None)
    keep = max(2, int(np.ceil(p_keep * n)))
    thr = -np.sort(-a, axis=1)[:, keep - 1: keep]
    a = np.where(a >= thr, a, 0.0)
    a = 0.5 * (a + a.T)
    np.fill_diagonal(a, 0.0)
    d = a.sum(1)
    dn = 1.0 / np.sqrt(np.maximum(d, 1e-9))
    lap = np.eye(n) - dn[:, None] * a * dn[None, :]
    _, vec = eigh(lap, subset_by_index=[0, k - 1])
    vec = l2n(vec)
    return KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(vec)


def spherical_kmeans(x: np.ndarray, labels: np.ndarray, k: int, iters: int = 10) -> np.ndarray:
    """Refine ``labels`` by cosine k-means (keeps empty clusters out)."""
    for _ in range(iters):
        cent = centroids(x, labels, k)
        new = np.argmax(x @ cent.T, axis=1)
        if np.array_equal(new, labels):
            break
        if len(np.unique(new)) < min(k, len(x)):
            break
        labels = new
    return labels


def centroids(x: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    c = np.zeros((k, x.shape[1]), dtype=np.float64)
    for j in range(k):
        m = labels == j
        if m.any():
            c[j] = x[m].mean(0)
    return l2n(c)


def silhouette(x: np.ndarray, labels: np.ndarray) -> float:
    from sklearn.metrics import silhouette_score

    if len(np.unique(labels)) < 2 or len(np.unique(labels)) >= len(x):
        return -1.0
    return float(silhouette_score(x, labels, metric="cosine"))
