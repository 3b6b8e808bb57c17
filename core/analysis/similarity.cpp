#include "analysis/similarity.h"

#include "util/validate.h"

namespace es::analysis {

Result<Matrix> cosineSimilarity(const Matrix &vectors, const Progress &progress, std::stop_token stop)
{
    if (auto s = checkVectors(vectors); !s)
        return s.error();
    const Matrix u = normalizedRows(vectors);
    const Eigen::Index n = u.rows();
    Matrix sim(n, n);
    // Blocked by rows so that progress and cancellation are checked between blocks.
    const Eigen::Index block = 512;
    for (Eigen::Index r0 = 0; r0 < n; r0 += block) {
        if (stop.stop_requested())
            return Error::cancel();
        const Eigen::Index rows = std::min(block, n - r0);
        sim.middleRows(r0, rows).noalias() = u.middleRows(r0, rows) * u.transpose();
        report(progress, double(r0 + rows) / double(n), "similarity");
    }
    for (Eigen::Index i = 0; i < n; ++i)
        sim(i, i) = 1.0f;
    return sim;
}

} // namespace es::analysis
