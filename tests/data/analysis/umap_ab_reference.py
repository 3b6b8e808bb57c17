#!/usr/bin/python3
"""Prints umap-learn's find_ab_params(spread, min_dist) for the (min_dist, spread) pairs that
tst_umap checks findAbParams() against (the values are copied into tst_umap.cpp; the test does
not need umap-learn). Needs Debian's umap-learn: /usr/bin/python3 umap_ab_reference.py"""
import umap
from umap.umap_ import find_ab_params

print("umap-learn", umap.__version__)
for min_dist, spread in [(0.0, 1.0), (0.001, 1.0), (0.1, 1.0), (0.25, 1.0), (0.5, 1.0), (0.8, 1.0), (0.99, 1.0),
                         (0.1, 0.5), (0.5, 2.0), (1.0, 3.0)]:
    a, b = find_ab_params(spread, min_dist)
    print(f"        {{{min_dist!r}, {spread!r}, {a:.12g}, {b:.12g}}},")
