#include "analysis/kmeans.h"

#include "util/validate.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace es::analysis {
namespace {

double uniform01(std::mt19937_64 &eng)
{
    return double(eng() >> 11) * (1.0 / 9007199254740992.0);
}

// Squared distances of every row to every centre (N x k), clamped at 0.
MatrixD distances(const Matrix &x, const Eigen::VectorXd &xsq, const Matrix &c)
{
    Matrix dots(x.rows(), c.rows());
    dots.noalias() = x * c.transpose();
    const Eigen::VectorXd csq = c.cast<double>().rowwise().squaredNorm();
    MatrixD d(x.rows(), c.rows());
    for (Eigen::Index i = 0; i < x.rows(); ++i)
        for (Eigen::Index j = 0; j < c.rows(); ++j)
            d(i, j) = std::max(0.0, xsq[i] + csq[j] - 2.0 * double(dots(i, j)));
    return d;
}

} // namespace

Result<KMeansResult> kmeans(const Matrix &vectors, const KMeansConfig &config, const Progress &progress,
                            std::stop_token stop)
{
    VectorCheck check;
    check.rejectZeroRows = config.normalize;
    check.minRows = std::max(1, config.k);
    if (config.k < 1)
        return Error{"k-means: k must be at least 1"};
    if (auto s = checkVectors(vectors, check); !s)
        return s.error();
    const Matrix x = config.normalize ? normalizedRows(vectors) : vectors;
    const Eigen::Index n = x.rows(), d = x.cols();
    const int k = config.k;
    const Eigen::VectorXd xsq = x.cast<double>().rowwise().squaredNorm();
    std::mt19937_64 eng(config.seed);

    // k-means++ seeding.
    Matrix c(k, d);
    std::vector<double> best(n, INFINITY);
    Eigen::Index first = Eigen::Index(uniform01(eng) * double(n));
    c.row(0) = x.row(std::min(first, n - 1));
    for (int j = 1; j <= k; ++j) {
        const Matrix cj = c.row(j - 1);
        const MatrixD dj = distances(x, xsq, cj);
        double total = 0;
        for (Eigen::Index i = 0; i < n; ++i) {
            best[i] = std::min(best[i], dj(i, 0));
            total += best[i];
        }
        if (j == k)
            break;
        Eigen::Index pick = 0;
        if (total > 0) {
            double target = uniform01(eng) * total, acc = 0;
            pick = n - 1;
            for (Eigen::Index i = 0; i < n; ++i) {
                acc += best[i];
                if (acc > target && best[i] > 0) {
                    pick = i;
                    break;
                }
            }
        } else {
            pick = std::min<Eigen::Index>(j, n - 1);
        }
        c.row(j) = x.row(pick);
    }

    KMeansResult out;
    out.labels.assign(n, 0);
    double prev = INFINITY;
    for (int it = 0; it < std::max(1, config.maxIterations); ++it) {
        if (stop.stop_requested())
            return Error::cancel();
        const MatrixD dist = distances(x, xsq, c);
        double inertia = 0;
        for (Eigen::Index i = 0; i < n; ++i) {
            Eigen::Index arg = 0;
            double m = dist(i, 0);
            for (Eigen::Index j = 1; j < k; ++j)
                if (dist(i, j) < m) {
                    m = dist(i, j);
                    arg = j;
                }
            out.labels[i] = int(arg);
            inertia += m;
        }
        out.inertia = inertia;
        out.iterations = it + 1;
        // New centres (row order sums in double).
        MatrixD sum = MatrixD::Zero(k, d);
        std::vector<Eigen::Index> count(k, 0);
        for (Eigen::Index i = 0; i < n; ++i) {
            sum.row(out.labels[i]) += x.row(i).cast<double>();
            ++count[out.labels[i]];
        }
        for (int j = 0; j < k; ++j) {
            if (count[j] > 0) {
                c.row(j) = (sum.row(j) / double(count[j])).cast<float>();
            } else {
                // Re-seed an empty cluster with the point farthest from its centre.
                Eigen::Index far = 0;
                double fd = -1;
                for (Eigen::Index i = 0; i < n; ++i)
                    if (dist(i, out.labels[i]) > fd) {
                        fd = dist(i, out.labels[i]);
                        far = i;
                    }
                c.row(j) = x.row(far);
            }
        }
        report(progress, double(it + 1) / config.maxIterations, "k-means");
        if (prev - inertia <= config.tolerance * std::max(1e-300, inertia))
            break;
        prev = inertia;
    }
    out.centroids = c;
    return out;
}

} // namespace es::analysis
