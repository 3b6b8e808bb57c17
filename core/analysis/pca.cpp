#include "analysis/pca.h"

#include "analysis/dense.h"
#include "analysis/parallel.h"
#include "util/validate.h"

#include <Eigen/Eigenvalues>
#include <Eigen/QR>

#include <algorithm>
#include <atomic>
#include <random>

namespace es::analysis {
namespace {

// Orthonormal basis of the columns of a (tall) matrix.
MatrixD orthonormal(const MatrixD &a)
{
    Eigen::HouseholderQR<MatrixD> qr(a);
    return qr.householderQ() * MatrixD::Identity(a.rows(), a.cols());
}

void fixSigns(MatrixD &componentsColumns)
{
    for (Eigen::Index c = 0; c < componentsColumns.cols(); ++c) {
        Eigen::Index arg;
        componentsColumns.col(c).cwiseAbs().maxCoeff(&arg);
        if (componentsColumns(arg, c) < 0)
            componentsColumns.col(c) *= -1;
    }
}

// Row i's coordinates from row i and the fit alone: sum over the dimensions, in index
// order and in double, of (x_ij - mean_j) * component_cj, rounded once to float. No BLAS
// and no vector reduction: their kernels are picked by the CPU at run time and round
// differently from one machine to the next, and a product over many rows may block them
// differently for another N. So the same row gets bit-identical coordinates from pca()
// and pcaTransform(), on every CPU, for any N and any thread count.
void projectRows(const PcaResult &fit, const Matrix &x, Matrix &out, int threads)
{
    const Eigen::Index n = x.rows(), d = x.cols(), c = fit.components.rows();
    out.resize(n, c);
    const std::vector<double> mean(fit.mean.data(), fit.mean.data() + d);
    std::vector<double> comp(std::size_t(c * d));
    for (Eigen::Index k = 0; k < c; ++k)
        for (Eigen::Index j = 0; j < d; ++j)
            comp[std::size_t(k * d + j)] = double(fit.components(k, j));
    auto rows = [&](std::size_t lo, std::size_t hi, std::size_t) {
        std::vector<double> centred(std::size_t(d), 0.0);
        for (std::size_t i = lo; i < hi; ++i) {
            const float *row = x.row(Eigen::Index(i)).data();
            for (Eigen::Index j = 0; j < d; ++j)
                centred[std::size_t(j)] = double(row[j]) - mean[std::size_t(j)];
            for (Eigen::Index k = 0; k < c; ++k) {
                const double *w = comp.data() + k * d;
                double s = 0.0;
                for (Eigen::Index j = 0; j < d; ++j)
                    s += centred[std::size_t(j)] * w[j];
                out(Eigen::Index(i), k) = float(s);
            }
        }
    };
    constexpr std::size_t grain = 4096;
    if (std::size_t(n) <= grain) {
        rows(0, std::size_t(n), 0);
        return;
    }
    ThreadPool pool(threads);
    pool.forRange(std::size_t(n), grain, rows);
}

// Products with the centred data Xc = X - mean without a centred copy of X: rows go in
// fixed chunks, each centred into a small buffer that stays in cache for the products.
// The chunks fall into a fixed number of groups, each group summed into its own slot,
// the slots then added in order: the result does not depend on the thread count.
class CovariancePass {
public:
    CovariancePass(const Matrix &x, const RowVector &mean, int threads)
        : x_(x), mean_(mean), pool_(threads),
          chunks_((x.rows() + chunkRows - 1) / chunkRows), groups_(std::min<Eigen::Index>(chunks_, 32))
    {
    }

    // Xc^T Xc V (D x l) for V (D x l); with sumSquares, also adds the squared norm of Xc.
    Result<MatrixD> apply(const Matrix &v, double *sumSquares, std::stop_token stop)
    {
        const int d = int(x_.cols()), l = int(v.cols());
        // Up to 16 columns: the one-pass AVX-512 kernel where it is in use (V and the
        // slots zero-padded to 16 columns), else two BLAS products per chunk.
        const int width = l <= 16 && dense::ownKernel() ? 16 : l;
        Matrix vw = Matrix::Zero(d, width);
        vw.leftCols(l) = v;
        std::vector<Matrix> slot(std::size_t(groups_), Matrix::Zero(d, width));
        std::vector<double> squares(std::size_t(groups_), 0.0);
        const bool ok = forGroups(stop, [&](Eigen::Index g, Eigen::Index, int rows, const float *xc) {
            if (width != 16 || !dense::covarianceProduct16(xc, rows, d, vw.data(), slot[g].data())) {
                thread_local Matrix y;
                y.resize(rows, width);
                dense::gemm(false, false, rows, width, d, 1.0f, xc, d, vw.data(), width, 0.0f, y.data(), width);
                dense::gemm(true, false, d, width, rows, 1.0f, xc, d, y.data(), width, 1.0f, slot[g].data(), width);
            }
            if (sumSquares) {
                const Eigen::Map<const Matrix> m(xc, rows, d);
                for (int i = 0; i < rows; ++i)
                    squares[g] += double(m.row(i).squaredNorm());
            }
        });
        if (!ok)
            return Error::cancel();
        MatrixD z = MatrixD::Zero(d, l);
        for (Eigen::Index g = 0; g < groups_; ++g) {
            z += slot[g].leftCols(l).cast<double>();
            if (sumSquares)
                *sumSquares += squares[g];
        }
        return z;
    }

private:
    static constexpr Eigen::Index chunkRows = 128;

    // fn(group, firstRow, rows, centred rows) for every chunk; false when cancelled.
    template <typename Fn>
    bool forGroups(std::stop_token stop, Fn &&fn)
    {
        const Eigen::Index n = x_.rows(), d = x_.cols();
        std::atomic<bool> cancelled{false};
        dense::BlasOnCallingThread blasScope;
        pool_.run(std::size_t(groups_), [&](std::size_t g) {
            thread_local Matrix xc;
            for (Eigen::Index c = chunks_ * Eigen::Index(g) / groups_; c < chunks_ * Eigen::Index(g + 1) / groups_; ++c) {
                if (cancelled.load(std::memory_order_relaxed))
                    return;
                if (stop.stop_requested()) {
                    cancelled = true;
                    return;
                }
                const Eigen::Index r0 = c * chunkRows, rows = std::min(chunkRows, n - r0);
                xc.resize(rows, d);
                xc.noalias() = x_.middleRows(r0, rows).rowwise() - mean_;
                fn(Eigen::Index(g), r0, int(rows), xc.data());
            }
        });
        return !cancelled;
    }

    const Matrix &x_;
    const RowVector &mean_;
    ThreadPool pool_;
    Eigen::Index chunks_, groups_;
};

} // namespace

Result<PcaResult> pca(const Matrix &vectors, const PcaConfig &config, const Progress &progress,
                      std::stop_token stop)
{
    VectorCheck check;
    check.rejectZeroRows = false;
    check.minRows = 2;
    if (auto s = checkVectors(vectors, check); !s)
        return s.error();
    const Eigen::Index n = vectors.rows(), d = vectors.cols();
    const int k = config.components;
    if (k < 1 || k > d)
        return Error{"PCA: " + std::to_string(k) + " components requested from "
                     + std::to_string(d) + "-dimensional vectors"};
    if (k > n)
        return Error{"PCA: " + std::to_string(k) + " components requested from "
                     + std::to_string(n) + " rows"};
    report(progress, 0.0, "PCA");
    PcaResult out;
    // Column means in double, row by row (no double copy of the data).
    Eigen::RowVectorXd mean = Eigen::RowVectorXd::Zero(d);
    for (Eigen::Index i = 0; i < n; ++i)
        mean += vectors.row(i).cast<double>();
    mean /= double(n);
    out.mean = mean.cast<float>();
    const double denom = double(std::max<Eigen::Index>(n - 1, 1));
    MatrixD v(d, k); // components as columns
    std::vector<double> ev(k);
    double total = 0;

    const bool randomized = config.method == PcaMethod::Randomized
                            || (config.method == PcaMethod::Auto && std::min(n, d) > 600
                                && k + config.oversampling < std::min(n, d));
    if (!randomized && d <= n) {
        // The covariance from blocks of rows centred in double, in a fixed order: no double
        // copy of the whole set (a million 64-d rows would be 512 MB more at once).
        constexpr Eigen::Index kBlock = 8192;
        MatrixD cov = MatrixD::Zero(d, d);
        MatrixD block;
        for (Eigen::Index i0 = 0; i0 < n; i0 += kBlock) {
            if (stop.stop_requested())
                return Error::cancel();
            const Eigen::Index m = std::min(kBlock, n - i0);
            block = vectors.middleRows(i0, m).cast<double>().rowwise() - mean;
            total += block.squaredNorm();
            cov.noalias() += block.transpose() * block;
        }
        total /= denom;
        cov /= denom;
        Eigen::SelfAdjointEigenSolver<MatrixD> eig(cov);
        if (eig.info() != Eigen::Success)
            return Error{"PCA: eigen-decomposition failed"};
        for (int c = 0; c < k; ++c) {
            v.col(c) = eig.eigenvectors().col(d - 1 - c);
            ev[c] = std::max(0.0, eig.eigenvalues()(d - 1 - c));
        }
    } else if (!randomized) {
        // Fewer rows than dimensions: the N x N Gram matrix has the same spectrum.
        const MatrixD centred = vectors.cast<double>().rowwise() - mean;
        total = centred.squaredNorm() / denom;
        if (stop.stop_requested())
            return Error::cancel();
        MatrixD gram(n, n);
        gram.noalias() = centred * centred.transpose();
        Eigen::SelfAdjointEigenSolver<MatrixD> eig(gram);
        if (eig.info() != Eigen::Success)
            return Error{"PCA: eigen-decomposition failed"};
        for (int c = 0; c < k; ++c) {
            const double lambda = std::max(0.0, eig.eigenvalues()(n - 1 - c));
            ev[c] = lambda / denom;
            Eigen::VectorXd comp = centred.transpose() * eig.eigenvectors().col(n - 1 - c);
            const double norm = comp.norm();
            if (norm > 0)
                comp /= norm;
            v.col(c) = comp;
        }
    } else {
        out.randomized = true;
        // Subspace iteration on the covariance: V <- orth(Xc^T Xc V), starting from a
        // Gaussian sketch, then Rayleigh-Ritz on span(V). With powerIterations + 1 passes
        // this is the randomized SVD of Halko et al. with powerIterations power steps.
        // Each pass reads the data once (CovariancePass), in float; the small matrices are
        // in double.
        const Eigen::Index l = std::min<Eigen::Index>(k + config.oversampling, std::min(n, d));
        std::mt19937_64 eng(config.seed);
        std::normal_distribution<float> normal;
        MatrixD basis(d, l);
        for (Eigen::Index i = 0; i < basis.size(); ++i)
            basis.data()[i] = normal(eng);
        basis = orthonormal(basis);
        CovariancePass pass(vectors, out.mean, config.threads);
        const int passes = std::max(1, config.powerIterations + 1);
        MatrixD z;
        for (int it = 0; it < passes; ++it) {
            auto r = pass.apply(basis.cast<float>(), it == 0 ? &total : nullptr, stop);
            if (!r)
                return r.error();
            z = std::move(*r);
            if (it + 1 < passes)
                basis = orthonormal(z);
            report(progress, 0.9 * (it + 1) / passes, "PCA");
        }
        total /= denom;
        MatrixD m = basis.transpose() * z; // V^T C V
        m = 0.5 * (m + m.transpose()).eval();
        Eigen::SelfAdjointEigenSolver<MatrixD> eig(m);
        if (eig.info() != Eigen::Success)
            return Error{"PCA: eigen-decomposition failed"};
        for (int c = 0; c < k; ++c) {
            ev[c] = std::max(0.0, eig.eigenvalues()(l - 1 - c)) / denom;
            Eigen::VectorXd comp = basis * eig.eigenvectors().col(l - 1 - c);
            const double norm = comp.norm();
            if (norm > 0)
                comp /= norm;
            v.col(c) = comp;
        }
    }
    fixSigns(v);
    out.components = v.transpose().cast<float>();
    for (int c = 0; c < k; ++c) {
        out.explainedVariance.push_back(ev[c]);
        out.explainedVarianceRatio.push_back(total > 0 ? ev[c] / total : 0.0);
    }
    if (stop.stop_requested())
        return Error::cancel();
    projectRows(out, vectors, out.coords, config.threads);
    report(progress, 1.0, "PCA");
    return out;
}

Matrix pcaTransform(const PcaResult &fit, const Matrix &vectors, int threads)
{
    Matrix out;
    projectRows(fit, vectors, out, threads);
    return out;
}

} // namespace es::analysis
