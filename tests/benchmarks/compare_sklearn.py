#!/usr/bin/python3
"""Runs EmbedScope's analysis workloads and scikit-learn's on the same input in the same
run, and prints both times and the ratio (the machine may be shared and noisy: the ratio
is what counts).

Usage: /usr/bin/python3 compare_sklearn.py BUILD_DIR [--works W,W,...] [--sklearn-max-n N]
                                           [--threads T] [--data-dir DIR]
Works: tsne2d:1000, tsne2d:10000, tsne3d:10000, tsne2d:70000 (GloVe 100-d word vectors,
cosine, perplexity 30, 1000 iterations), pca (10,000 x 1,536 synthetic), similarity
(10,000 x 1,536 synthetic), knn10 (50,000 x 384 synthetic), gemm[:N] (the GEMM limit: a
plain sgemm of N rows of the 1,536-d set against themselves, default 4,096, on both sides).
GloVe vectors come from the local model's source package (sklearn_glove_vectors.py).
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))

SKLEARN = r'''
import json, sys, time
import numpy as np
work, path, n, threads, trust = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "1"
x = np.load(path)[:n]
t0 = time.perf_counter()
out = {}
if work.startswith("tsne"):
    from sklearn.manifold import TSNE, trustworthiness
    y = TSNE(n_components=2 if work == "tsne2d" else 3, perplexity=30, metric="cosine", init="pca",
             learning_rate="auto", n_iter=1000, n_jobs=threads, random_state=0).fit(x)
    out["seconds"] = time.perf_counter() - t0
    out["kl_divergence"] = float(y.kl_divergence_)
    if trust:
        out["trustworthiness"] = float(trustworthiness(x, y.embedding_, n_neighbors=10, metric="cosine"))
elif work == "pca":
    from sklearn.decomposition import PCA
    PCA(n_components=2).fit_transform(x)
    out["seconds"] = time.perf_counter() - t0
elif work == "similarity":
    from sklearn.metrics.pairwise import cosine_similarity
    cosine_similarity(x)
    out["seconds"] = time.perf_counter() - t0
elif work == "gemm":
    # The GEMM limit: a plain sgemm through numpy (the same OpenBLAS); two arrays, so
    # that numpy does not switch to SYRK.
    y = x.copy()
    x @ y.T
    t0 = time.perf_counter()
    x @ y.T
    out["seconds"] = time.perf_counter() - t0
    out["gflops"] = 2.0 * x.shape[0] ** 2 * x.shape[1] / out["seconds"] / 1e9
elif work == "knn10":
    from sklearn.neighbors import NearestNeighbors
    NearestNeighbors(n_neighbors=10, metric="cosine", algorithm="brute", n_jobs=threads).fit(x).kneighbors()
    out["seconds"] = time.perf_counter() - t0
print(json.dumps(out))
'''


def prepare(data_dir):
    import numpy as np
    os.makedirs(data_dir, exist_ok=True)
    glove = os.path.join(data_dir, "glove70k.npy")
    if not os.path.exists(glove):
        subprocess.run([sys.executable, os.path.join(HERE, "sklearn_glove_vectors.py"), glove, "70000"], check=True)
    rng = np.random.default_rng(0)
    files = {"glove": glove}
    for name, (n, d) in {"synth1536": (10000, 1536), "synth384": (50000, 384)}.items():
        path = os.path.join(data_dir, name + ".npy")
        if not os.path.exists(path):
            centres = rng.normal(size=(50, d)).astype(np.float32)
            lab = rng.integers(0, 50, size=n)
            x = centres[lab] + 0.8 * rng.normal(size=(n, d)).astype(np.float32)
            np.save(path, x.astype(np.float32))
        files[name] = path
    return files


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build_dir")
    ap.add_argument("--works", default="tsne2d:1000,tsne2d:10000,tsne3d:10000,pca,similarity,knn10,tsne2d:70000")
    ap.add_argument("--sklearn-max-n", type=int, default=10000,
                    help="skip scikit-learn's t-SNE above this N (it takes many minutes)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--data-dir", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "embedscope-bench"))
    args = ap.parse_args()
    bench = os.path.join(args.build_dir, "bin", "bench_analysis")
    files = prepare(args.data_dir)
    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads), OPENBLAS_NUM_THREADS=str(args.threads))
    rows = []
    for item in args.works.split(","):
        work, _, n = item.partition(":")
        if work.startswith("tsne"):
            path, n = files["glove"], int(n)
        elif work in ("pca", "similarity"):
            path, n = files["synth1536"], 10000
        elif work == "gemm":
            path, n = files["synth1536"], int(n or 4096)
        else:
            path, n = files["synth384"], 50000
        trust = work.startswith("tsne") and n <= 10000
        cmd = [bench, work, path, str(n), "--threads", str(args.threads)] + (["--trust"] if trust else [])
        # CPU seconds of each child (user + system, including loading the input) beside
        # the wall-clock figures: on a shared machine they are the steadier measure.
        def cpu():
            r = resource.getrusage(resource.RUSAGE_CHILDREN)
            return r.ru_utime + r.ru_stime
        c0 = cpu()
        ours = json.loads(subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])
        ours["cpu"] = cpu() - c0
        sk = None
        if not (work.startswith("tsne") and n > args.sklearn_max_n):
            c0 = cpu()
            res = subprocess.run([sys.executable, "-c", SKLEARN, work, path, str(n), str(args.threads), "1" if trust else "0"],
                                 env=env, check=True, capture_output=True, text=True)
            sk = json.loads(res.stdout.strip().splitlines()[-1])
            sk["cpu"] = cpu() - c0
        ratio = sk["seconds"] / ours["seconds"] if sk else None
        row = {"work": item, "n": n, "embedscope_s": round(ours["seconds"], 3),
               "sklearn_s": round(sk["seconds"], 3) if sk else None,
               "ratio": round(ratio, 2) if ratio else None,
               "embedscope_cpu_s": round(ours["cpu"], 2), "sklearn_cpu_s": round(sk["cpu"], 2) if sk else None,
               "cpu_ratio": round(sk["cpu"] / ours["cpu"], 2) if sk else None}
        row["load_average"] = round(os.getloadavg()[0], 2)
        for key in ("trustworthiness", "kl_divergence", "gflops", "kernel", "peak_rss_mb"):
            if key in ours:
                row["embedscope_" + key] = ours[key] if isinstance(ours[key], str) else round(ours[key], 5)
            if sk and key in sk:
                row["sklearn_" + key] = sk[key] if isinstance(sk[key], str) else round(sk[key], 5)
        rows.append(row)
        print(json.dumps(row), flush=True)
    print("\n| work | N | EmbedScope s | scikit-learn s | ratio | CPU s (ours / sklearn) | CPU ratio | trust (ours / sklearn) |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        tw = ""
        if "embedscope_trustworthiness" in r:
            tw = "%s / %s" % (r["embedscope_trustworthiness"], r.get("sklearn_trustworthiness", "-"))
        print("| %s | %d | %s | %s | %s | %s / %s | %s | %s |" % (
            r["work"], r["n"], r["embedscope_s"], r["sklearn_s"] or "not run", r["ratio"] or "-",
            r["embedscope_cpu_s"], r["sklearn_cpu_s"] or "-", r["cpu_ratio"] or "-", tw))


if __name__ == "__main__":
    main()
