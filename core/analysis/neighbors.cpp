#include "analysis/neighbors.h"

#include "util/validate.h"

#include <algorithm>
#include <numeric>

namespace es::analysis {

Result<Neighbors> knnCosine(const Matrix &vectors, int k, const Progress &progress, std::stop_token stop)
{
    if (auto s = checkVectors(vectors); !s)
        return s.error();
    const Eigen::Index n = vectors.rows();
    if (k < 1)
        return Error{"k must be at least 1"};
    if (k > n - 1)
        return Error{"k = " + std::to_string(k) + " needs at least " + std::to_string(k + 1)
                     + " rows; the input has " + std::to_string(n)};
    const Matrix u = normalizedRows(vectors);
    Neighbors out;
    out.k = k;
    out.index.resize(std::size_t(n) * k);
    out.similarity.resize(std::size_t(n) * k);
    const Eigen::Index block = 256;
    std::vector<int> order(n);
    for (Eigen::Index r0 = 0; r0 < n; r0 += block) {
        if (stop.stop_requested())
            return Error::cancel();
        const Eigen::Index rows = std::min(block, n - r0);
        const Matrix s = u.middleRows(r0, rows) * u.transpose();
        for (Eigen::Index r = 0; r < rows; ++r) {
            const Eigen::Index i = r0 + r;
            std::iota(order.begin(), order.end(), 0);
            std::swap(order[i], order.back()); // exclude self
            auto better = [&](int a, int b) {
                const float sa = s(r, a), sb = s(r, b);
                return sa > sb || (sa == sb && a < b);
            };
            std::partial_sort(order.begin(), order.begin() + k, order.end() - 1, better);
            for (int j = 0; j < k; ++j) {
                out.index[std::size_t(i) * k + j] = order[j];
                out.similarity[std::size_t(i) * k + j] = s(r, order[j]);
            }
        }
        report(progress, double(r0 + rows) / double(n), "neighbours");
    }
    return out;
}

} // namespace es::analysis
