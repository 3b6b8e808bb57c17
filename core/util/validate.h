#pragma once
// Number checks applied wherever vectors enter the core: NaN, infinities, zero rows
// (cosine undefined), too few rows. Messages name the row (1-based, as users count).
#include "util/result.h"
#include "util/types.h"

#include <string>

namespace es {

struct VectorCheck {
    bool rejectZeroRows = true;  // cosine is undefined for a zero vector
    int minRows = 1;
    std::string what = "vectors"; // names the input in messages, e.g. "vectors.npy"
};

// Ok when every value is finite (and, if asked, no row is all zeros) and there are
// at least minRows rows.
Status checkVectors(const Matrix &m, const VectorCheck &check = {});

// Normalise each row to unit length (rows must be non-zero; see checkVectors).
Matrix normalizedRows(const Matrix &m);

} // namespace es
