#!/usr/bin/env python3
"""Writes a ring (a thin torus in the xy plane, facing +z) as Wavefront OBJ for the 3D map's
selection and neighbour rings (Q3DScatter user-defined mesh, turned to face the camera):
  python3 resources/meshes/make_ring.py > resources/meshes/ring.obj
Major radius 1 (the item size), tube radius 0.14; faces v/vt/vn."""
import math
N, M, R, r = 40, 8, 1.0, 0.14
v, n = [], []
for i in range(N):
    a = 2 * math.pi * i / N
    for j in range(M):
        b = 2 * math.pi * j / M
        cx, cy = math.cos(a), math.sin(a)
        n.append((math.cos(b) * cx, math.cos(b) * cy, math.sin(b)))
        v.append(((R + r * math.cos(b)) * cx, (R + r * math.cos(b)) * cy, r * math.sin(b)))
print(f"# ring: torus R={R} r={r}, {len(v)} vertices, {2 * N * M} triangles")
for p in v: print("v %.6f %.6f %.6f" % p)
print("vt 0.000000 0.000000")
for p in n: print("vn %.6f %.6f %.6f" % p)
def k(i, j): return (i % N) * M + (j % M) + 1
for i in range(N):
    for j in range(M):
        a, b, c, d = k(i, j), k(i + 1, j), k(i + 1, j + 1), k(i, j + 1)
        print(f"f {a}/1/{a} {b}/1/{b} {c}/1/{c}")
        print(f"f {a}/1/{a} {c}/1/{c} {d}/1/{d}")
