#pragma once
// k-means clustering for colouring points: k-means++ seeding (Arthur & Vassilvitskii
// 2007) from a seeded engine, then Lloyd iterations with distances from one GEMM per
// iteration. Deterministic: ties go to the lower cluster, sums run in row order, an
// emptied cluster is re-seeded with the point farthest from its centre.
#include "util/result.h"
#include "util/types.h"

#include <cstdint>
#include <stop_token>
#include <vector>

namespace es::analysis {

struct KMeansConfig {
    int k = 8;
    int maxIterations = 100;
    double tolerance = 1e-6;    // stop when the inertia improves by less (relative)
    std::uint64_t seed = 0;
    bool normalize = true;      // cluster unit rows (cosine geometry, for text embeddings)
};

struct KMeansResult {
    std::vector<int> labels;    // N, in [0, k)
    Matrix centroids;           // k x D (in the normalised space when normalize is set)
    double inertia = 0;         // sum of squared distances to the assigned centre
    int iterations = 0;
};

Result<KMeansResult> kmeans(const Matrix &vectors, const KMeansConfig &config = {},
                            const Progress &progress = {}, std::stop_token stop = {});

} // namespace es::analysis
