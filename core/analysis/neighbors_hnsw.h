#pragma once
// Internal to neighbors.cpp: the approximate (HNSW) search behind knn()/knnQuery().
#include "analysis/neighbors.h"

namespace es::analysis::detail {

// The checks both searches make (k, row counts, finite values, zero rows for cosine,
// matching dimensions), with the exact path's messages.
Status checkKnnInput(const Matrix &queries, const Matrix &base, const KnnConfig &config, bool self);

// Approximate k nearest rows of `base` for every row of `queries` (self: queries == base and
// each row's own index excluded). Input already checked by checkKnnInput.
Result<Neighbors> hnswSearch(const Matrix &queries, const Matrix &base, const KnnConfig &config, bool self,
                             const Progress &progress, std::stop_token stop);

} // namespace es::analysis::detail
