#pragma once
// Principal component analysis: centre, then the leading eigenvectors of the covariance.
// Signs are fixed deterministically (the largest-magnitude loading of each component is
// positive) so the same input always gives the same picture.
#include "util/result.h"
#include "util/types.h"

#include <stop_token>
#include <vector>

namespace es::analysis {

struct PcaConfig {
    int components = 2;
};

struct PcaResult {
    Matrix coords;                              // N x components
    Matrix components;                          // components x D (unit rows)
    RowVector mean;                             // 1 x D
    std::vector<double> explainedVarianceRatio; // per component
};

Result<PcaResult> pca(const Matrix &vectors, const PcaConfig &config = {},
                      const Progress &progress = {}, std::stop_token stop = {});

// Project new rows with an existing PCA (adding a sentence does not move the others).
Matrix pcaTransform(const PcaResult &fit, const Matrix &vectors);

} // namespace es::analysis
