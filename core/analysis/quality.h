#pragma once
// Quality of a projection: how well the low-dimensional neighbourhoods reflect the input.
//  - trustworthiness (Venna & Kaski 2001), as scikit-learn's
//    sklearn.manifold.trustworthiness: 1 - 2 / (N k (2N - 3k - 1)) * sum over i and its k
//    embedded neighbours j of max(0, r(i, j) - k), r the rank of j among i's input
//    neighbours; the input side uses `inputMetric`, the embedding Euclidean distance.
//  - k-NN preservation: the mean fraction of each point's k input neighbours that are
//    among its k embedded neighbours.
#include "analysis/neighbors.h"
#include "util/result.h"
#include "util/types.h"

#include <stop_token>

namespace es::analysis {

struct QualityConfig {
    int k = 10;
    Metric inputMetric = Metric::Cosine;
    int threads = 0;
};

Result<double> trustworthiness(const Matrix &input, const Matrix &embedding, const QualityConfig &config = {},
                               const Progress &progress = {}, std::stop_token stop = {});

Result<double> knnPreservation(const Matrix &input, const Matrix &embedding, const QualityConfig &config = {},
                               const Progress &progress = {}, std::stop_token stop = {});

} // namespace es::analysis
