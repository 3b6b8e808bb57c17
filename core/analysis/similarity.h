#pragma once
// Cosine similarity of all pairs: rows normalised once, then one float GEMM.
#include "util/result.h"
#include "util/types.h"

#include <stop_token>

namespace es::analysis {

// N x N cosine similarities (symmetric, diagonal 1). Rejects NaN/inf and zero rows.
Result<Matrix> cosineSimilarity(const Matrix &vectors, const Progress &progress = {},
                                std::stop_token stop = {});

} // namespace es::analysis
