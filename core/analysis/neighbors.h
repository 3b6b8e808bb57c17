#pragma once
// Exact k nearest neighbours by cosine similarity (self excluded), best first.
#include "util/result.h"
#include "util/types.h"

#include <stop_token>
#include <vector>

namespace es::analysis {

struct Neighbors {
    int k = 0;
    std::vector<int> index;        // N x k, row-major: index[i*k + r] is the r-th neighbour of i
    std::vector<float> similarity; // N x k, cosine similarity of that neighbour
    int at(int i, int r) const { return index[std::size_t(i) * k + r]; }
    float sim(int i, int r) const { return similarity[std::size_t(i) * k + r]; }
};

// Ties are broken by the lower row index, so results are deterministic.
Result<Neighbors> knnCosine(const Matrix &vectors, int k, const Progress &progress = {},
                            std::stop_token stop = {});

} // namespace es::analysis
