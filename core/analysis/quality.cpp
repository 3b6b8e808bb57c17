#include "analysis/quality.h"

#include "analysis/parallel.h"
#include "util/validate.h"

#include <algorithm>
#include <iterator>

namespace es::analysis {
namespace {

Status checkPair(const Matrix &input, const Matrix &embedding, const QualityConfig &config)
{
    VectorCheck c;
    c.rejectZeroRows = config.inputMetric == Metric::Cosine;
    c.minRows = config.k + 2;
    if (auto s = checkVectors(input, c); !s)
        return s;
    c.rejectZeroRows = false;
    c.what = "projection";
    if (auto s = checkVectors(embedding, c); !s)
        return s;
    if (input.rows() != embedding.rows())
        return Error{"projection has " + std::to_string(embedding.rows()) + " rows, the input "
                     + std::to_string(input.rows())};
    if (config.k < 1)
        return Error{"k must be at least 1"};
    if (2 * input.rows() - 3 * config.k - 1 <= 0)
        return Error{"k = " + std::to_string(config.k) + " is too large for "
                     + std::to_string(input.rows()) + " rows (need k < (2N - 1) / 3)"};
    return Ok{};
}

} // namespace

Result<double> trustworthiness(const Matrix &input, const Matrix &embedding, const QualityConfig &config,
                               const Progress &progress, std::stop_token stop)
{
    if (auto s = checkPair(input, embedding, config); !s)
        return s.error();
    const Eigen::Index n = input.rows();
    const int k = config.k;
    KnnConfig kc;
    kc.k = k;
    kc.metric = Metric::Euclidean;
    kc.threads = config.threads;
    kc.method = NeighborMethod::Exact; // quality figures are measured against exact neighbours
    auto emb = knn(embedding, kc, {}, stop);
    if (!emb)
        return emb.error();

    // Input distances in double (as scikit-learn computes them), a block of rows at a time.
    MatrixD x = input.cast<double>();
    const bool cosine = config.inputMetric == Metric::Cosine;
    Eigen::VectorXd sq;
    if (cosine)
        x.rowwise().normalize();
    else
        sq = x.rowwise().squaredNorm();
    ThreadPool pool(config.threads);
    const Eigen::Index block = 256;
    long double penalty = 0;
    MatrixD dots;
    for (Eigen::Index r0 = 0; r0 < n; r0 += block) {
        if (stop.stop_requested())
            return Error::cancel();
        const Eigen::Index rows = std::min(block, n - r0);
        dots.resize(rows, n);
        dots.noalias() = x.middleRows(r0, rows) * x.transpose();
        std::vector<long long> part(chunkCount(std::size_t(rows), 16), 0);
        pool.forRange(std::size_t(rows), 16, [&](std::size_t lo, std::size_t hi, std::size_t c) {
            std::vector<double> thr(k);
            std::vector<long long> count(k);
            long long sum = 0;
            for (std::size_t r = lo; r < hi; ++r) {
                const Eigen::Index i = r0 + Eigen::Index(r);
                auto dist = [&](Eigen::Index j) {
                    return cosine ? 1.0 - dots(r, j) : sq[i] + sq[j] - 2.0 * dots(r, j);
                };
                for (int q = 0; q < k; ++q)
                    thr[q] = dist(emb->at(int(i), q));
                std::vector<double> sorted = thr;
                std::sort(sorted.begin(), sorted.end());
                std::fill(count.begin(), count.end(), 0);
                // rank(j) = 1 + #{l != i : d(i, l) < d(i, j)}. Bucket every l by the number
                // b of thresholds <= d(i, l); then d(i, l) < sorted[p] exactly when b <= p
                // for p the first position of that threshold value.
                for (Eigen::Index l = 0; l < n; ++l) {
                    if (l == i)
                        continue;
                    const auto b = std::upper_bound(sorted.begin(), sorted.end(), dist(l)) - sorted.begin();
                    if (b < k)
                        ++count[b];
                }
                for (int q = 0; q < k; ++q) {
                    const auto pos = std::lower_bound(sorted.begin(), sorted.end(), thr[q]) - sorted.begin();
                    long long less = 0;
                    for (int p = 0; p <= pos; ++p)
                        less += count[p];
                    const long long rank = 1 + less;
                    if (rank > k)
                        sum += rank - k;
                }
            }
            part[c] = sum;
        });
        for (long long v : part)
            penalty += v;
        report(progress, double(r0 + rows) / double(n), "trustworthiness");
    }
    const double nn = double(n), kk = double(k);
    return 1.0 - double(penalty) * (2.0 / (nn * kk * (2.0 * nn - 3.0 * kk - 1.0)));
}

Result<double> knnPreservation(const Matrix &input, const Matrix &embedding, const QualityConfig &config,
                               const Progress &progress, std::stop_token stop)
{
    if (auto s = checkPair(input, embedding, config); !s)
        return s.error();
    KnnConfig kc;
    kc.k = config.k;
    kc.metric = config.inputMetric;
    kc.threads = config.threads;
    kc.method = NeighborMethod::Exact; // quality figures are measured against exact neighbours
    auto a = knn(input, kc, progress, stop);
    if (!a)
        return a.error();
    kc.metric = Metric::Euclidean;
    auto b = knn(embedding, kc, {}, stop);
    if (!b)
        return b.error();
    const int n = a->rows(), k = config.k;
    long long shared = 0;
    std::vector<int> x(k), y(k), both;
    for (int i = 0; i < n; ++i) {
        for (int r = 0; r < k; ++r) {
            x[r] = a->at(i, r);
            y[r] = b->at(i, r);
        }
        std::sort(x.begin(), x.end());
        std::sort(y.begin(), y.end());
        both.clear();
        std::set_intersection(x.begin(), x.end(), y.begin(), y.end(), std::back_inserter(both));
        shared += static_cast<long long>(both.size());
    }
    return double(shared) / (double(n) * k);
}

} // namespace es::analysis
