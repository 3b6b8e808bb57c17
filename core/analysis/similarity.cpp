#include "analysis/similarity.h"

#include "util/validate.h"

#include <algorithm>

namespace es::analysis {

Result<Matrix> cosineSimilarity(const Matrix &vectors, const Progress &progress, std::stop_token stop)
{
    if (auto s = checkVectors(vectors); !s)
        return s.error();
    const Matrix u = normalizedRows(vectors);
    const Eigen::Index n = u.rows();
    Matrix sim(n, n);
    // Blocks of rows against themselves and later rows: half the multiply-adds of the
    // full product; progress and cancellation between blocks.
    const Eigen::Index block = 1024;
    const double totalWork = double(n) * double(n + 1) / 2;
    double done = 0;
    for (Eigen::Index r0 = 0; r0 < n; r0 += block) {
        if (stop.stop_requested())
            return Error::cancel();
        const Eigen::Index rows = std::min(block, n - r0);
        sim.block(r0, r0, rows, n - r0).noalias() = u.middleRows(r0, rows) * u.bottomRows(n - r0).transpose();
        done += double(rows) * double(n - r0);
        report(progress, std::min(1.0, done / totalWork), "similarity");
    }
    // Mirror the upper triangle, in tiles for cache locality.
    const Eigen::Index tile = 64;
    for (Eigen::Index i0 = 0; i0 < n; i0 += tile)
        for (Eigen::Index j0 = 0; j0 <= i0; j0 += tile)
            for (Eigen::Index i = i0; i < std::min(n, i0 + tile); ++i)
                for (Eigen::Index j = j0; j < std::min(i, j0 + tile); ++j)
                    sim(i, j) = sim(j, i);
    for (Eigen::Index i = 0; i < n; ++i)
        sim(i, i) = 1.0f;
    return sim;
}

Result<SimilarityResult> cosineSimilarityAuto(const Matrix &vectors, const SimilarityConfig &config,
                                              const Progress &progress, std::stop_token stop)
{
    SimilarityResult out;
    if (vectors.rows() <= config.maxDense) {
        auto s = cosineSimilarity(vectors, progress, stop);
        if (!s)
            return s.error();
        out.dense = std::move(s.value());
        return out;
    }
    KnnConfig kc;
    kc.k = int(std::min<Eigen::Index>(config.topK, vectors.rows() - 1));
    kc.threads = config.threads;
    auto nn = knn(vectors, kc, progress, stop);
    if (!nn)
        return nn.error();
    out.neighbors = std::move(nn.value());
    return out;
}

} // namespace es::analysis
