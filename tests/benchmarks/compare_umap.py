#!/usr/bin/python3
"""Runs EmbedScope's UMAP (bench_umap) and umap-learn on the same input in the same run and
prints both times, trustworthiness (k = 10, input metric as the work) and the ratio (the
machine may be shared and noisy: the ratio is what counts). umap-learn is timed warm: a
fit of 6,000 rows first compiles its numba code (NN-descent included), then the timed fit runs.

Usage: /usr/bin/python3 compare_umap.py BUILD_DIR FILE.npy [--n N] [--dims 2|3]
                                         [--metric cosine|euclidean] [--threads T] [--no-trust]
Needs Debian's umap-learn (apt-get install umap-learn) in /usr/bin/python3.
"""
import argparse
import json
import os
import subprocess
import sys

UMAP_LEARN = r'''
import json, sys, time, warnings
warnings.filterwarnings("ignore")
import numpy as np
import umap
from sklearn.manifold import trustworthiness
path, n, dims, metric, trust = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5] == "1"
x = np.load(path)[:n]
# Compile first: umap-learn finds neighbours by brute force below 4,096 rows and by
# NN-descent above, so the warm-up fit needs more rows than that, or NN-descent's numba
# compilation (about 10 s) falls into the timed fit.
umap.UMAP(n_components=dims, metric=metric, n_neighbors=15, min_dist=0.1).fit_transform(x[:min(len(x), 6000)])
t0 = time.perf_counter()
y = umap.UMAP(n_components=dims, metric=metric, n_neighbors=15, min_dist=0.1).fit_transform(x)
out = {"seconds": time.perf_counter() - t0}
if trust:
    out["trustworthiness"] = float(trustworthiness(x, y, n_neighbors=10, metric=metric))
print(json.dumps(out))
'''


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("build")
    ap.add_argument("file")
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--dims", type=int, default=2)
    ap.add_argument("--metric", default="cosine")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--no-trust", action="store_true")
    a = ap.parse_args()
    trust = not a.no_trust
    cmd = [os.path.join(a.build, "bin", "bench_umap"), "umap3d" if a.dims == 3 else "umap2d", a.file, str(a.n),
           "--threads", str(a.threads)] + (["--trust"] if trust else []) + (["--euclidean"] if a.metric == "euclidean" else [])
    ours = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])
    ref = json.loads(subprocess.run([sys.executable, "-c", UMAP_LEARN, a.file, str(a.n), str(a.dims), a.metric,
                                     "1" if trust else "0"], check=True, capture_output=True, text=True)
                     .stdout.strip().splitlines()[-1])
    print(json.dumps({"n": ours["n"], "dims": a.dims, "metric": a.metric,
                      "embedscope": ours, "umap_learn": ref, "speedup": ref["seconds"] / ours["seconds"]}))


if __name__ == "__main__":
    main()
