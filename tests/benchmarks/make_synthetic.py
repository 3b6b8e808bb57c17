#!/usr/bin/python3
"""Clustered synthetic embeddings for scale tests and screenshots.

Writes PREFIX.npy (N x D float32: Gaussian clusters of different sizes and spreads around
random centres) and PREFIX.csv (text,label: one row per vector, same order), which the GUI
pairs with the .npy (same base name) so no embedding is needed. With --projector DIR it also
writes DIR/vectors.tsv + DIR/metadata.tsv, which the CLI (render, neighbors) reads with labels.

  /usr/bin/python3 tests/benchmarks/make_synthetic.py /tmp/synth100k --rows 100000 --dims 64
"""
import argparse
import os

import numpy as np


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("prefix", help="output path without extension")
    ap.add_argument("--rows", type=int, default=100000)
    ap.add_argument("--dims", type=int, default=64)
    ap.add_argument("--clusters", type=int, default=12)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--projector", metavar="DIR", help="also write DIR/vectors.tsv and DIR/metadata.tsv")
    a = ap.parse_args()

    rng = np.random.default_rng(a.seed)
    # Unequal cluster sizes (Dirichlet weights), so legends and blocks differ in size.
    weights = rng.dirichlet(np.full(a.clusters, 2.0))
    sizes = np.maximum(1, np.round(weights * a.rows).astype(int))
    sizes[-1] += a.rows - sizes.sum()
    centres = rng.normal(0.0, 1.0, (a.clusters, a.dims))
    spreads = rng.uniform(0.25, 0.6, a.clusters)
    label = np.repeat(np.arange(a.clusters), sizes)
    rng.shuffle(label)  # input order is mixed: ordering the heatmap by label matters
    x = centres[label] + rng.normal(0.0, 1.0, (a.rows, a.dims)) * spreads[label][:, None]
    x = x.astype(np.float32)

    np.save(a.prefix + ".npy", x)
    names = [f"cluster {chr(ord('A') + c)}" if c < 26 else f"cluster {c}" for c in range(a.clusters)]
    with open(a.prefix + ".csv", "w", encoding="utf-8") as f:
        f.write("text,label\n")
        for i, c in enumerate(label):
            f.write(f"item {i + 1} of {names[c]},{names[c]}\n")
    if a.projector:
        os.makedirs(a.projector, exist_ok=True)
        np.savetxt(os.path.join(a.projector, "vectors.tsv"), x, delimiter="\t", fmt="%.5f")
        with open(os.path.join(a.projector, "metadata.tsv"), "w", encoding="utf-8") as f:
            f.write("text\tlabel\n")
            for i, c in enumerate(label):
                f.write(f"item {i + 1} of {names[c]}\t{names[c]}\n")
    print(f"{a.rows} x {a.dims}, {a.clusters} clusters: {a.prefix}.npy, {a.prefix}.csv"
          + (f", {a.projector}/vectors.tsv + metadata.tsv" if a.projector else ""))


if __name__ == "__main__":
    main()
