#pragma once
// Internal to neighbors.cpp: the approximate all-points k-NN graph behind knn() (an IVF
// k-NN join, see neighbors_ivf.cpp). Single queries (knnQuery) keep the HNSW search.
#include "analysis/neighbors.h"

namespace es::analysis::detail {

// Approximate k nearest neighbours of every row among the other rows. Input already
// checked by checkKnnInput.
Result<Neighbors> ivfSearch(const Matrix &vectors, const KnnConfig &config, const Progress &progress,
                            std::stop_token stop);

// Cells probed by the last ivfSearch on this thread (for the benchmark's tuning lines).
extern thread_local int lastProbes;

} // namespace es::analysis::detail
