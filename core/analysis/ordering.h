#pragma once
// Row order for the similarity heatmap that puts similar items next to each other.
//  - Small N (<= hierarchicalMax): average-linkage hierarchical clustering on cosine
//    distance (nearest-neighbour chain, O(N^2)), then optimal leaf ordering (Bar-Joseph,
//    Gifford & Jaakkola 2001): among the 2^(N-1) orders the tree allows, the one with the
//    smallest sum of distances between neighbours.
//  - Large N: cluster, then order: k-means into about sqrt(N) groups, the groups ordered
//    by the same method on their centres, each group ordered recursively.
#include "util/result.h"
#include "util/types.h"

#include <cstdint>
#include <stop_token>
#include <vector>

namespace es::analysis {

struct OrderConfig {
    int hierarchicalMax = 1500;
    std::uint64_t seed = 0; // k-means of the large-N path
};

// A permutation: order[p] is the row shown at position p.
Result<std::vector<int>> heatmapOrder(const Matrix &vectors, const OrderConfig &config = {},
                                      const Progress &progress = {}, std::stop_token stop = {});

// Sum of cosine distances between consecutive rows of an order (lower is better).
double orderCost(const Matrix &vectors, const std::vector<int> &order);

namespace ordering_detail {
// Average-linkage merges as (a, b) node ids: leaves 0..N-1, merge m creates node N + m.
std::vector<std::pair<int, int>> averageLinkage(const MatrixD &distance);
// Optimal leaf order of that tree for the distance matrix.
std::vector<int> optimalLeafOrder(const MatrixD &distance, const std::vector<std::pair<int, int>> &merges);
} // namespace ordering_detail

} // namespace es::analysis
