#!/usr/bin/python3
"""Reference fuzzy simplicial sets for tst_umap, computed with NumPy alone (an independent
implementation of McInnes, Healy & Melville 2018, section 3 / umap-learn's smooth_knn_dist,
compute_membership_strengths and fuzzy union), for a small seeded data set.

Writes into this folder:
  umap_input.csv                 60 x 5 input rows (three Gaussian clusters)
  umap_rho_sigma_{metric}.csv    60 x 2: rho, sigma per row (k = 8, the point itself included)
  umap_fuzzy_{metric}.csv        60 x 60 dense symmetric membership matrix
for metric in cosine (1 - cos) and euclidean (not squared). Run: /usr/bin/python3 make_umap_fixtures.py
"""
import os
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
K = 8


def data():
    rng = np.random.default_rng(20260412)
    centres = rng.normal(size=(3, 5)) * 3
    rows = [centres[i % 3] + rng.normal(size=5) for i in range(60)]
    return np.array(rows, dtype=np.float32).astype(np.float64)


def distances(x, metric):
    if metric == "cosine":
        u = x / np.linalg.norm(x, axis=1, keepdims=True)
        d = 1.0 - u @ u.T
    else:
        sq = (x * x).sum(1)
        d = np.sqrt(np.maximum(sq[:, None] + sq[None, :] - 2 * x @ x.T, 0))
    np.fill_diagonal(d, 0.0)
    return np.maximum(d, 0.0)


def smooth_knn(knn_d, k):
    n = knn_d.shape[0]
    target = np.log2(k)
    rho = np.zeros(n)
    sigma = np.zeros(n)
    mean_all = knn_d.mean()
    for i in range(n):
        d = knn_d[i]
        nz = d[d > 0]
        rho[i] = nz[0] if len(nz) > 0 else 0.0
        lo, hi, mid = 0.0, np.inf, 1.0
        for _ in range(64):
            x = d[1:] - rho[i]
            psum = np.where(x > 0, np.exp(-np.maximum(x, 0) / mid), 1.0).sum()
            if abs(psum - target) < 1e-5:
                break
            if psum > target:
                hi = mid
                mid = (lo + hi) / 2
            else:
                lo = mid
                mid = mid * 2 if hi == np.inf else (lo + hi) / 2
        if rho[i] > 0:
            mid = max(mid, 1e-3 * d.mean())
        else:
            mid = max(mid, 1e-3 * mean_all)
        sigma[i] = mid
    return rho, sigma


def fuzzy(x, metric):
    n = x.shape[0]
    d = distances(x, metric)
    # k nearest including the point itself (distance 0, first); ties by lower index.
    order = np.array([np.lexsort((np.arange(n), d[i] + np.where(np.arange(n) == i, -1.0, 0.0)))[:K]
                      for i in range(n)])
    knn_d = np.take_along_axis(d, order, axis=1)
    knn_d[:, 0] = 0.0
    rho, sigma = smooth_knn(knn_d, K)
    a = np.zeros((n, n))
    for i in range(n):
        for r in range(1, K):
            j = order[i, r]
            v = knn_d[i, r] - rho[i]
            a[i, j] = 1.0 if v <= 0 or sigma[i] == 0 else np.exp(-v / sigma[i])
    w = a + a.T - a * a.T
    return rho, sigma, w


def main():
    x = data()
    np.savetxt(os.path.join(HERE, "umap_input.csv"), x, delimiter=",", fmt="%.9g")
    for metric in ("cosine", "euclidean"):
        rho, sigma, w = fuzzy(x, metric)
        np.savetxt(os.path.join(HERE, f"umap_rho_sigma_{metric}.csv"), np.c_[rho, sigma], delimiter=",", fmt="%.17g")
        np.savetxt(os.path.join(HERE, f"umap_fuzzy_{metric}.csv"), w, delimiter=",", fmt="%.17g")


if __name__ == "__main__":
    main()
