#!/usr/bin/env python3
"""Writes a unit icosphere as Wavefront OBJ for Q3DScatter's user-defined mesh:
  python3 resources/meshes/make_icosphere.py 1 > resources/meshes/icosphere1.obj
(vertices, one texture coordinate, normals equal to the positions, faces v/vt/vn)."""
import math, sys
def icosphere(sub):
    t=(1+5**0.5)/2
    v=[(-1,t,0),(1,t,0),(-1,-t,0),(1,-t,0),(0,-1,t),(0,1,t),(0,-1,-t),(0,1,-t),(t,0,-1),(t,0,1),(-t,0,-1),(-t,0,1)]
    v=[tuple(c/math.sqrt(sum(x*x for x in p)) for c in p) for p in v]
    f=[(0,11,5),(0,5,1),(0,1,7),(0,7,10),(0,10,11),(1,5,9),(5,11,4),(11,10,2),(10,7,6),(7,1,8),(3,9,4),(3,4,2),(3,2,6),(3,6,8),(3,8,9),(4,9,5),(2,4,11),(6,2,10),(8,6,7),(9,8,1)]
    for _ in range(sub):
        cache={}
        def mid(a,b):
            k=(min(a,b),max(a,b))
            if k not in cache:
                p=[(v[a][i]+v[b][i])/2 for i in range(3)]; n=math.sqrt(sum(x*x for x in p))
                v.append(tuple(x/n for x in p)); cache[k]=len(v)-1
            return cache[k]
        nf=[]
        for a,b,c in f:
            ab,bc,ca=mid(a,b),mid(b,c),mid(c,a)
            nf+= [(a,ab,ca),(b,bc,ab),(c,ca,bc),(ab,bc,ca)]
        f=nf
    return v,f
sub=int(sys.argv[1]); v,f=icosphere(sub)
print(f"# icosphere, {sub} subdivision(s): {len(v)} vertices, {len(f)} triangles; normals = positions (unit sphere)")
for p in v: print("v %.6f %.6f %.6f"%p)
print("vt 0.000000 0.000000")
for p in v: print("vn %.6f %.6f %.6f"%p)
for a,b,c in f: print(f"f {a+1}/1/{a+1} {b+1}/1/{b+1} {c+1}/1/{c+1}")
