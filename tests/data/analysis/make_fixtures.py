#!/usr/bin/python3
"""Reference values for the analysis tests, computed independently with NumPy and
scikit-learn (Debian's python3-sklearn 1.2). Run once with /usr/bin/python3 from this
folder; the small CSV files it writes are committed. Inputs are float32-representable so
that the C++ side (float32 matrices) sees exactly the same numbers."""
import json
import os
import time

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE, trustworthiness
from sklearn.manifold._t_sne import _joint_probabilities_nn
from sklearn.metrics.pairwise import cosine_similarity
from sklearn.neighbors import NearestNeighbors

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261123)


def save(name, a, fmt="%.17g"):
    np.savetxt(os.path.join(HERE, name), np.atleast_2d(a), delimiter=",", fmt=fmt)


def clustered(n, d, centres, spread=0.6):
    c = rng.normal(size=(centres, d))
    lab = rng.integers(0, centres, size=n)
    x = c[lab] + spread * rng.normal(size=(n, d))
    return x.astype(np.float32).astype(np.float64)


# Cosine similarity.
x = clustered(40, 16, 4)
save("sim_input.csv", x)
save("sim_expected.csv", cosine_similarity(x))

# PCA: exact covariance path (N > D) and the Gram path (N < D).
for name, (n, d) in {"pca_tall": (200, 30), "pca_wide": (60, 120)}.items():
    x = clustered(n, d, 5)
    p = PCA(n_components=3, svd_solver="full").fit(x)
    save(name + "_input.csv", x)
    save(name + "_coords.csv", p.transform(x))
    save(name + "_evr.csv", p.explained_variance_ratio_)

# Exact cosine k-NN (k = 7) by brute force in NumPy.
x = clustered(150, 12, 6)
save("knn_input.csv", x)
s = cosine_similarity(x)
np.fill_diagonal(s, -np.inf)
order = np.argsort(-s, axis=1, kind="stable")[:, :7]
save("knn_index.csv", order, fmt="%d")
save("knn_similarity.csv", np.take_along_axis(s, order, axis=1))

# Trustworthiness (cosine input metric, Euclidean embedding) for k = 5 and 10.
x = clustered(300, 20, 6)
y = PCA(n_components=2).fit_transform(x) + 0.3 * rng.normal(size=(300, 2))
y = y.astype(np.float32).astype(np.float64)
save("trust_input.csv", x)
save("trust_embedding.csv", y)
save("trust_expected.csv", [[trustworthiness(x, y, n_neighbors=5, metric="cosine"),
                             trustworthiness(x, y, n_neighbors=10, metric="cosine"),
                             trustworthiness(x, y, n_neighbors=10, metric="euclidean")]])

# t-SNE affinities (perplexity 10, k = 31 neighbours) with scikit-learn's own calibration,
# and the exact KL gradient at random coordinates by direct NumPy.
x = clustered(120, 10, 4)
save("tsne_input.csv", x)
for metric in ("cosine", "euclidean"):
    k = min(len(x) - 1, int(3.0 * 10 + 1))
    nn = NearestNeighbors(n_neighbors=k, metric=metric).fit(x)
    dist = nn.kneighbors_graph(mode="distance")
    if metric == "euclidean":
        dist.data **= 2
    P = _joint_probabilities_nn(dist, 10.0, 0).toarray()
    save("tsne_P_%s.csv" % metric, P)
    if metric == "cosine":
        for dims in (2, 3):
            y = rng.normal(size=(len(x), dims)) * 2.0
            diff = y[:, None, :] - y[None, :, :]
            w = 1.0 / (1.0 + (diff ** 2).sum(-1))
            np.fill_diagonal(w, 0.0)
            Q = w / w.sum()
            for exag in (1.0, 12.0):
                g = 4.0 * (((exag * P - Q) * w)[:, :, None] * diff).sum(1)
                save("tsne_grad%dd_x%g.csv" % (dims, exag), g)
            mask = P > 0
            kl = (P[mask] * np.log(P[mask] / Q[mask])).sum()
            save("tsne_y%dd.csv" % dims, y)
            save("tsne_kl%dd.csv" % dims, [[kl]])

# A real data set: scikit-learn's digits (1797 x 64), Euclidean, perplexity 30.
digits = load_digits().data.astype(np.float64)
save("digits.csv", digits, fmt="%d")
t0 = time.time()
emb = TSNE(n_components=2, perplexity=30, init="pca", learning_rate="auto", method="barnes_hut",
           random_state=0, n_iter=1000).fit_transform(digits)
secs = time.time() - t0
tw = trustworthiness(digits, emb, n_neighbors=10)
with open(os.path.join(HERE, "digits_sklearn.json"), "w") as f:
    json.dump({"trustworthiness_k10": tw, "seconds": secs, "sklearn": __import__("sklearn").__version__}, f)
print("digits sklearn t-SNE trustworthiness", tw, "in", secs, "s")
