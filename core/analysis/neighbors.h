#pragma once
// Exact k nearest neighbours (self excluded), best first: float GEMMs over tiles of rows
// (for a self search only the tiles on and above the diagonal, each product serving both
// rows), run in parallel; a bounded heap per row behind a vector threshold test, then the
// chosen distances recomputed in double so that they do not depend on the tiling. Ties go
// to the lower row index, so results are deterministic and identical on any thread count.
#include "util/result.h"
#include "util/types.h"

#include <stop_token>
#include <vector>

namespace es::analysis {

enum class Metric {
    Cosine,    // distance 1 - cos(a, b); rows must be non-zero
    Euclidean, // distance |a - b|^2 (squared, as t-SNE's affinities use it)
};

struct Neighbors {
    int k = 0;
    std::vector<int> index;        // N x k, row-major: index[i*k + r] is the r-th neighbour of i
    std::vector<float> similarity; // N x k, cosine similarity of that neighbour (cosine search)
    std::vector<double> distance;  // N x k, distance of that neighbour (see Metric)
    int at(int i, int r) const { return index[std::size_t(i) * k + r]; }
    float sim(int i, int r) const { return similarity[std::size_t(i) * k + r]; }
    double dist(int i, int r) const { return distance[std::size_t(i) * k + r]; }
    int rows() const { return k > 0 ? int(index.size() / std::size_t(k)) : 0; }
};

struct KnnConfig {
    int k = 10;
    Metric metric = Metric::Cosine;
    int threads = 0; // 0: one per hardware thread
};

// Ties are broken by the lower row index, so results are deterministic.
Result<Neighbors> knnCosine(const Matrix &vectors, int k, const Progress &progress = {},
                            std::stop_token stop = {});

// k nearest neighbours of every row among the other rows.
Result<Neighbors> knn(const Matrix &vectors, const KnnConfig &config,
                      const Progress &progress = {}, std::stop_token stop = {});

// k nearest rows of `base` for every row of `queries` (no self exclusion): used to place
// new points into an existing embedding.
Result<Neighbors> knnQuery(const Matrix &queries, const Matrix &base, const KnnConfig &config,
                           const Progress &progress = {}, std::stop_token stop = {});

} // namespace es::analysis
