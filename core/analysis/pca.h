#pragma once
// Principal component analysis: centre, then either the exact eigen-decomposition of the
// smaller of the D x D covariance and the N x N Gram matrix, or, for large N and D, a
// randomized SVD (Halko, Martinsson & Tropp 2011: Gaussian sketch, power iterations with
// re-orthonormalisation, Rayleigh-Ritz on the sketched subspace), where each iteration
// reads the data once and never copies it whole (results identical on any thread count). Signs are fixed
// deterministically (the largest-magnitude loading of each component is positive) so the
// same input always gives the same picture.
#include "util/result.h"
#include "util/types.h"

#include <cstdint>
#include <stop_token>
#include <vector>

namespace es::analysis {

enum class PcaMethod { Auto, Exact, Randomized };

struct PcaConfig {
    int components = 2;
    PcaMethod method = PcaMethod::Auto; // Auto: exact while min(N, D) <= 600
    int powerIterations = 5;            // randomized only
    int oversampling = 10;              // randomized only
    std::uint64_t seed = 0;             // randomized only
    int threads = 0;                    // 0: one per hardware thread
};

struct PcaResult {
    Matrix coords;                              // N x components
    Matrix components;                          // components x D (unit rows)
    RowVector mean;                             // 1 x D
    std::vector<double> explainedVarianceRatio; // per component
    std::vector<double> explainedVariance;      // per component (variance, N - 1 normalised)
    bool randomized = false;                    // which method ran
};

Result<PcaResult> pca(const Matrix &vectors, const PcaConfig &config = {},
                      const Progress &progress = {}, std::stop_token stop = {});

// Project rows with an existing PCA (adding a sentence does not move the others). Row i's
// coordinates depend only on row i and the fit, and are bit-identical to the ones pca()
// gave that row: the same routine serves both, in a fixed order, without BLAS, so the
// result is the same on every CPU, for any number of rows and any thread count.
Matrix pcaTransform(const PcaResult &fit, const Matrix &vectors, int threads = 0);

} // namespace es::analysis
