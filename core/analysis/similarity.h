#pragma once
// Cosine similarity of all pairs: rows normalised once, then float products (BLAS) over
// square tiles on and above the diagonal only (the matrix is symmetric: SYRK on the
// diagonal, GEMM above, half the multiply-adds of the full product), each tile mirrored
// while in cache; tiles run in parallel. Beyond ~20,000 rows the N x N matrix is too large
// (1.6 GB at 20k); cosineSimilarityAuto then returns the top-k neighbours per row.
#include "analysis/neighbors.h"
#include "util/result.h"
#include "util/types.h"

#include <stop_token>

namespace es::analysis {

// N x N cosine similarities (symmetric, diagonal 1). Rejects NaN/inf and zero rows.
Result<Matrix> cosineSimilarity(const Matrix &vectors, const Progress &progress = {},
                                std::stop_token stop = {});

struct SimilarityConfig {
    int maxDense = 20000; // above this many rows: top-k neighbours instead of N x N
    int topK = 50;        // neighbours per row in that case (capped at N - 1)
    int threads = 0;      // 0: one per hardware thread; results are identical on any count
};

struct SimilarityResult {
    Matrix dense;        // N x N when N <= maxDense, else empty
    Neighbors neighbors; // filled when dense is empty
    bool isDense() const { return dense.size() > 0; }
};

Result<SimilarityResult> cosineSimilarityAuto(const Matrix &vectors, const SimilarityConfig &config = {},
                                              const Progress &progress = {}, std::stop_token stop = {});

} // namespace es::analysis
