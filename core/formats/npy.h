#pragma once
// NumPy .npy reading and writing (format versions 1.0-3.0), without NumPy.
// https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
#include "formats/vectors.h"

#include <cstdint>
#include <string>

namespace es::formats::npy {

// Reads a 2-D float array ('<f4', '<f8', '>f4', '>f8', '<f2', '>f2'; C or Fortran order)
// as float32. Refuses integer, complex, string, structured and object (pickled) arrays,
// 1-D and 3-D+ shapes, and truncated files (expected against actual data size).
Result<LoadedVectors> load(const std::string &path);

// The complete header (magic, version 1.0, length, dict, padding) NumPy 1.24 writes for a
// C-order float32 array of this shape, byte for byte.
std::string headerFor(std::int64_t rows, std::int64_t cols);

} // namespace es::formats::npy
