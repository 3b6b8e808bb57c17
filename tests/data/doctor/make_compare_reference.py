#!/usr/bin/python3
"""Reference values for tst_compare, from scipy / scikit-learn (Debian's /usr/bin/python3).
Writes compare_reference.json: two 2-D point sets with scipy.spatial.procrustes' disparity,
and labelled vectors with sklearn's cosine silhouette (mean and per row). Run once; the JSON is committed."""
import json
import os

import numpy as np
from scipy.spatial import procrustes
from sklearn.metrics import silhouette_samples, silhouette_score

rng = np.random.default_rng(20261123)
a = rng.normal(size=(25, 2))
b = a @ np.array([[0.6, -0.8], [0.8, 0.6]]) * 3.0 + 1.5 + rng.normal(scale=0.3, size=(25, 2))
_, _, disparity = procrustes(a, b)

centres = rng.normal(size=(3, 8))
labels = rng.integers(0, 3, size=40)
x = centres[labels] + rng.normal(scale=0.8, size=(40, 8))
names = ["red", "green", "blue"]
sil = silhouette_score(x, labels, metric="cosine")
samples = silhouette_samples(x, labels, metric="cosine")  # per row: checks a sampled estimate

out = {
    "procrustes": {"a": a.tolist(), "b": b.tolist(), "disparity": float(disparity)},
    "silhouette": {"x": x.tolist(), "labels": [names[i] for i in labels], "value": float(sil),
                   "samples": samples.tolist()},
}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "compare_reference.json"), "w") as f:
    json.dump(out, f, indent=1)
print(disparity, sil)
