#!/usr/bin/python3
"""t-SNE affinities as scikit-learn 1.2's TSNE computes them for metric="cosine": the k
nearest neighbours' cosine distances are squared before the perplexity calibration
(sklearn/manifold/_t_sne.py squares the neighbour distances for every metric since 1.1;
make_fixtures.py's tsne_P_cosine.csv is the calibration on unsquared distances). Run once
with /usr/bin/python3 from this folder after make_fixtures.py (it reads tsne_input.csv)."""
import os

import numpy as np
from sklearn.manifold._t_sne import _joint_probabilities_nn
from sklearn.neighbors import NearestNeighbors

HERE = os.path.dirname(os.path.abspath(__file__))
x = np.loadtxt(os.path.join(HERE, "tsne_input.csv"), delimiter=",")
k = min(len(x) - 1, int(3.0 * 10 + 1))
dist = NearestNeighbors(n_neighbors=k, metric="cosine").fit(x).kneighbors_graph(mode="distance")
dist.data **= 2  # as TSNE._fit does, whatever the metric
P = _joint_probabilities_nn(dist, 10.0, 0).toarray()
np.savetxt(os.path.join(HERE, "tsne_P_cosine_squared.csv"), P, delimiter=",", fmt="%.17g")
