#include "doctor/compare.h"

#include "analysis/pca.h"
#include "util/validate.h"

#include <Eigen/SVD>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <random>

namespace es::doctor {
namespace {

Eigen::MatrixXd standardise(const Matrix &m)
{
    Eigen::MatrixXd x = m.cast<double>();
    x.rowwise() -= x.colwise().mean();
    const double norm = x.norm();
    if (norm > 0)
        x /= norm;
    return x;
}

// Labels as dense ids (-1 for ""), and the number of distinct labels.
int labelIds(const std::vector<std::string> &labels, std::vector<int> &ids)
{
    std::map<std::string, int> idOf;
    ids.assign(labels.size(), -1);
    for (std::size_t i = 0; i < labels.size(); ++i)
        if (!labels[i].empty())
            ids[i] = idOf.emplace(labels[i], int(idOf.size())).first->second;
    return int(idOf.size());
}

} // namespace

Result<ProcrustesResult> procrustes(const Matrix &a, const Matrix &b)
{
    if (a.rows() != b.rows() || a.cols() != b.cols())
        return Error{"Procrustes: the two point sets differ in shape (" + std::to_string(a.rows()) + "x"
                     + std::to_string(a.cols()) + " and " + std::to_string(b.rows()) + "x" + std::to_string(b.cols()) + ")"};
    if (a.rows() < 2)
        return Error{"Procrustes: at least two points are needed"};
    if (auto s = checkVectors(a, {false, 2, "first point set"}); !s)
        return s.error();
    if (auto s = checkVectors(b, {false, 2, "second point set"}); !s)
        return s.error();
    const Eigen::MatrixXd x = standardise(a), y = standardise(b);
    if (x.norm() == 0 || y.norm() == 0)
        return Error{"Procrustes: a point set has all points equal"};
    // R = argmin |y R - x| over orthogonal R: with y^T x = U S V^T, R = U V^T, scale = trace S.
    Eigen::JacobiSVD<Eigen::MatrixXd> svd(y.transpose() * x, Eigen::ComputeFullU | Eigen::ComputeFullV);
    const Eigen::MatrixXd r = svd.matrixU() * svd.matrixV().transpose();
    const double s = svd.singularValues().sum();
    const Eigen::MatrixXd fitted = y * r * s;
    ProcrustesResult out;
    out.a = x.cast<float>();
    out.b = fitted.cast<float>();
    out.rotation = r.cast<float>();
    out.scale = s;
    out.disparity = (x - fitted).squaredNorm();
    return out;
}

std::vector<double> neighbourOverlap(const analysis::Neighbors &a, const analysis::Neighbors &b)
{
    const int k = std::min(a.k, b.k);
    const std::size_t n = a.k > 0 ? a.index.size() / std::size_t(a.k) : 0;
    std::vector<double> out(n, 0.0);
    std::vector<int> sa, sb;
    for (std::size_t i = 0; i < n; ++i) {
        sa.assign(a.index.begin() + std::ptrdiff_t(i * a.k), a.index.begin() + std::ptrdiff_t(i * a.k + k));
        sb.assign(b.index.begin() + std::ptrdiff_t(i * b.k), b.index.begin() + std::ptrdiff_t(i * b.k + k));
        std::sort(sa.begin(), sa.end());
        std::sort(sb.begin(), sb.end());
        std::vector<int> common;
        std::set_intersection(sa.begin(), sa.end(), sb.begin(), sb.end(), std::back_inserter(common));
        out[i] = k > 0 ? double(common.size()) / k : 0.0;
    }
    return out;
}

double knnLabelAccuracy(const analysis::Neighbors &nn, const std::vector<std::string> &labels, int k)
{
    std::vector<int> ids;
    const int nLabels = labelIds(labels, ids);
    if (nLabels < 2)
        return std::numeric_limits<double>::quiet_NaN();
    k = std::min(k, nn.k);
    std::vector<int> count(static_cast<std::size_t>(nLabels));
    std::vector<double> simSum(static_cast<std::size_t>(nLabels));
    std::vector<int> firstRank(static_cast<std::size_t>(nLabels));
    long long right = 0, total = 0;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (ids[i] < 0)
            continue;
        std::fill(count.begin(), count.end(), 0);
        std::fill(simSum.begin(), simSum.end(), 0.0);
        std::fill(firstRank.begin(), firstRank.end(), std::numeric_limits<int>::max());
        int best = -1;
        for (int r = 0; r < k; ++r) {
            const int l = ids[std::size_t(nn.at(int(i), r))];
            if (l < 0)
                continue;
            ++count[std::size_t(l)];
            simSum[std::size_t(l)] += nn.sim(int(i), r);
            firstRank[std::size_t(l)] = std::min(firstRank[std::size_t(l)], r);
        }
        for (int l = 0; l < nLabels; ++l) {
            if (count[std::size_t(l)] == 0)
                continue;
            if (best < 0 || count[std::size_t(l)] > count[std::size_t(best)]
                || (count[std::size_t(l)] == count[std::size_t(best)]
                    && (simSum[std::size_t(l)] > simSum[std::size_t(best)]
                        || (simSum[std::size_t(l)] == simSum[std::size_t(best)]
                            && firstRank[std::size_t(l)] < firstRank[std::size_t(best)]))))
                best = l;
        }
        ++total;
        right += best == ids[i];
    }
    return total > 0 ? double(right) / double(total) : std::numeric_limits<double>::quiet_NaN();
}

Result<double> silhouetteByLabel(const Matrix &vectors, const std::vector<std::string> &labels, int maxRows,
                                 unsigned seed, std::stop_token stop)
{
    if (std::size_t(vectors.rows()) != labels.size())
        return Error{"silhouette: " + std::to_string(labels.size()) + " labels for " + std::to_string(vectors.rows())
                     + " vectors"};
    if (auto s = checkVectors(vectors); !s)
        return s.error();
    std::vector<int> ids;
    const int nLabels = labelIds(labels, ids);
    if (nLabels < 2)
        return std::numeric_limits<double>::quiet_NaN();
    // Only labelled items take part (scored and as the other points).
    std::vector<int> rows;
    for (std::size_t i = 0; i < ids.size(); ++i)
        if (ids[i] >= 0)
            rows.push_back(int(i));
    const Eigen::Index m = Eigen::Index(rows.size());
    Matrix u(m, vectors.cols());
    std::vector<int> lab(rows.size());
    std::vector<int> size(std::size_t(nLabels), 0);
    for (Eigen::Index i = 0; i < m; ++i) {
        u.row(i) = vectors.row(rows[std::size_t(i)]).normalized();
        lab[std::size_t(i)] = ids[std::size_t(rows[std::size_t(i)])];
        ++size[std::size_t(lab[std::size_t(i)])];
    }
    std::vector<Eigen::Index> scored(static_cast<std::size_t>(m));
    std::iota(scored.begin(), scored.end(), Eigen::Index(0));
    if (maxRows > 0 && m > maxRows) {
        std::mt19937_64 rng(seed);
        std::shuffle(scored.begin(), scored.end(), rng);
        scored.resize(std::size_t(maxRows));
        std::sort(scored.begin(), scored.end());
    }
    double total = 0;
    const std::size_t block = 256;
    std::vector<double> dsum(static_cast<std::size_t>(nLabels));
    for (std::size_t b0 = 0; b0 < scored.size(); b0 += block) {
        if (stop.stop_requested())
            return Error::cancel();
        const std::size_t rowsInBlock = std::min(block, scored.size() - b0);
        Matrix q(Eigen::Index(rowsInBlock), u.cols());
        for (std::size_t r = 0; r < rowsInBlock; ++r)
            q.row(Eigen::Index(r)) = u.row(scored[b0 + r]);
        const Matrix s = q * u.transpose();
        for (std::size_t r = 0; r < rowsInBlock; ++r) {
            const Eigen::Index i = scored[b0 + r];
            std::fill(dsum.begin(), dsum.end(), 0.0);
            for (Eigen::Index j = 0; j < m; ++j)
                if (j != i)
                    dsum[std::size_t(lab[std::size_t(j)])] += std::max(0.0, 1.0 - double(s(Eigen::Index(r), j)));
            const int own = lab[std::size_t(i)];
            if (size[std::size_t(own)] < 2)
                continue; // singleton: 0
            const double a = dsum[std::size_t(own)] / (size[std::size_t(own)] - 1);
            double bmin = std::numeric_limits<double>::infinity();
            for (int l = 0; l < nLabels; ++l)
                if (l != own && size[std::size_t(l)] > 0)
                    bmin = std::min(bmin, dsum[std::size_t(l)] / size[std::size_t(l)]);
            const double den = std::max(a, bmin);
            total += den > 0 ? (bmin - a) / den : 0.0;
        }
    }
    return total / double(scored.size());
}

Result<CompareResult> compareEmbeddings(const Matrix &a, const Matrix &b, const std::vector<std::string> &labels,
                                        const CompareConfig &config, const Progress &progress, std::stop_token stop)
{
    if (a.rows() != b.rows())
        return Error{"compare: the two embeddings have different numbers of rows (" + std::to_string(a.rows())
                     + " and " + std::to_string(b.rows()) + ")"};
    if (!labels.empty() && std::size_t(a.rows()) != labels.size())
        return Error{"compare: " + std::to_string(labels.size()) + " labels for " + std::to_string(a.rows()) + " rows"};
    const int n = int(a.rows());
    if (n < 3)
        return Error{"compare: at least 3 rows are needed; the input has " + std::to_string(n)};
    CompareResult out;
    out.k = std::min(config.k, n - 1);
    auto stage = [&progress](double from, double to) {
        return Progress([&progress, from, to](double f, std::string_view s) { report(progress, from + (to - from) * f, s); });
    };
    // Exact: the overlap of the two lists must not include search misses.
    auto na = analysis::knnCosine(a, out.k, analysis::NeighborMethod::Exact, stage(0.0, 0.35), stop);
    if (!na)
        return na.error();
    auto nb = analysis::knnCosine(b, out.k, analysis::NeighborMethod::Exact, stage(0.35, 0.7), stop);
    if (!nb)
        return nb.error();
    out.a = std::move(*na);
    out.b = std::move(*nb);
    out.overlap = neighbourOverlap(out.a, out.b);
    out.meanOverlap = std::accumulate(out.overlap.begin(), out.overlap.end(), 0.0) / n;
    out.order.resize(std::size_t(n));
    std::iota(out.order.begin(), out.order.end(), 0);
    std::stable_sort(out.order.begin(), out.order.end(),
                     [&](int x, int y) { return out.overlap[std::size_t(x)] < out.overlap[std::size_t(y)]; });

    report(progress, 0.72, "projections");
    analysis::PcaConfig pc;
    pc.components = 2;
    auto pa = analysis::pca(a, pc, {}, stop);
    if (!pa)
        return pa.error();
    auto pb = analysis::pca(b, pc, {}, stop);
    if (!pb)
        return pb.error();
    auto pr = procrustes(pa->coords, pb->coords);
    if (!pr)
        return pr.error();
    out.projectionA = std::move(pr->a);
    out.projectionB = std::move(pr->b);
    out.procrustesDisparity = pr->disparity;

    out.summaryA.dimensions = int(a.cols());
    out.summaryB.dimensions = int(b.cols());
    out.summaryA.knnAccuracy = knnLabelAccuracy(out.a, labels, out.k);
    out.summaryB.knnAccuracy = knnLabelAccuracy(out.b, labels, out.k);
    report(progress, 0.8, "silhouette");
    const double nan = std::numeric_limits<double>::quiet_NaN();
    out.summaryA.silhouette = out.summaryB.silhouette = nan;
    if (!labels.empty()) {
        auto sa = silhouetteByLabel(a, labels, config.silhouetteMaxRows, config.seed, stop);
        if (!sa)
            return sa.error();
        auto sb = silhouetteByLabel(b, labels, config.silhouetteMaxRows, config.seed, stop);
        if (!sb)
            return sb.error();
        out.summaryA.silhouette = *sa;
        out.summaryB.silhouette = *sb;
    }
    report(progress, 1.0, "done");
    return out;
}

} // namespace es::doctor
