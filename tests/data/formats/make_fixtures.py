#!/usr/bin/python3
"""Writes the .npy fixtures of tst_vectors with NumPy (Debian's /usr/bin/python3).

Run once from this folder; the outputs are committed. Every float array holds
value(r, c) = (r * cols + c) * 0.25 - 1.0 for shape (3, 4), so the test can recompute it.
npy_headers.json holds the exact header bytes NumPy writes for several float32 shapes,
which writeNpy must reproduce byte for byte.
"""
import io
import json

import numpy as np

rows, cols = 3, 4
base = (np.arange(rows * cols, dtype=np.float64).reshape(rows, cols) * 0.25 - 1.0)

np.save("f32_c.npy", base.astype("<f4"))
np.save("f64_fortran.npy", np.asfortranarray(base.astype("<f8")))
assert np.load("f64_fortran.npy").flags.f_contiguous
with open("f32_v2.npy", "wb") as f:
    np.lib.format.write_array(f, base.astype("<f4"), version=(2, 0))
with open("f32_v3.npy", "wb") as f:
    np.lib.format.write_array(f, base.astype("<f4"), version=(3, 0))
np.save("f4_big_endian.npy", base.astype(">f4"))
np.save("f8_big_endian.npy", base.astype(">f8"))
np.save("f16.npy", base.astype("<f2"))
np.save("int32.npy", np.arange(rows * cols, dtype="<i4").reshape(rows, cols))
obj = np.empty((2,), dtype=object)
obj[0] = [1.0, 2.0]
obj[1] = {"a": 1}
np.save("object_pickled.npy", obj, allow_pickle=True)
np.save("one_d.npy", np.arange(5, dtype="<f4"))
np.save("three_d.npy", np.zeros((2, 2, 2), dtype="<f4"))
with_nan = base.astype("<f4")
with_nan[1, 2] = np.nan
np.save("f32_nan.npy", with_nan)
# Truncated: the full file minus its last 6 bytes.
buf = io.BytesIO()
np.save(buf, base.astype("<f4"))
with open("f32_truncated.npy", "wb") as f:
    f.write(buf.getvalue()[:-6])

headers = {}
for shape in [(3, 4), (1, 1), (1, 1536), (12345, 384), (100000, 3)]:
    b = io.BytesIO()
    np.save(b, np.zeros(shape, dtype="<f4"))
    data = b.getvalue()
    headers["%dx%d" % shape] = data[: len(data) - shape[0] * shape[1] * 4].hex()
with open("npy_headers.json", "w") as f:
    json.dump(headers, f, indent=1, sort_keys=True)
    f.write("\n")
print("numpy", np.__version__)
