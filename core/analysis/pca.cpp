#include "analysis/pca.h"

#include "util/validate.h"

#include <Eigen/Eigenvalues>
#include <Eigen/QR>

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
    Matrix centredF; // randomized path: the centred data, reused for the coordinates
    std::vector<double> ev(k);
    double total = 0;

    const bool randomized = config.method == PcaMethod::Randomized
                            || (config.method == PcaMethod::Auto && std::min(n, d) > 600
                                && k + config.oversampling < std::min(n, d));
    if (!randomized) {
        const MatrixD centred = vectors.cast<double>().rowwise() - mean;
        total = centred.squaredNorm() / denom;
        if (stop.stop_requested())
            return Error::cancel();
        if (d <= n) {
            MatrixD cov(d, d);
            cov.noalias() = centred.transpose() * centred;
            cov /= denom;
            Eigen::SelfAdjointEigenSolver<MatrixD> eig(cov);
            if (eig.info() != Eigen::Success)
                return Error{"PCA: eigen-decomposition failed"};
            for (int c = 0; c < k; ++c) {
                v.col(c) = eig.eigenvectors().col(d - 1 - c);
                ev[c] = std::max(0.0, eig.eigenvalues()(d - 1 - c));
            }
        } else {
            // Fewer rows than dimensions: the N x N Gram matrix has the same spectrum.
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
        }
    } else {
        out.randomized = true;
        // Float GEMMs on the centred data, double for the small orthonormalisations.
        centredF = vectors.rowwise() - out.mean;
        const Matrix &centred = centredF;
        for (Eigen::Index i = 0; i < n; ++i)
            total += double(centred.row(i).squaredNorm());
        total /= denom;
        const Eigen::Index l = std::min<Eigen::Index>(k + config.oversampling, std::min(n, d));
        std::mt19937_64 eng(config.seed);
        std::normal_distribution<float> normal;
        Matrix omega(d, l);
        for (Eigen::Index i = 0; i < omega.size(); ++i)
            omega.data()[i] = normal(eng);
        Matrix yq(n, l);
        yq.noalias() = centred * omega;
        MatrixD q = orthonormal(yq.cast<double>());
        Matrix z(d, l);
        for (int it = 0; it < config.powerIterations; ++it) {
            if (stop.stop_requested())
                return Error::cancel();
            z.noalias() = centred.transpose() * q.cast<float>();
            const MatrixD zq = orthonormal(z.cast<double>());
            yq.noalias() = centred * zq.cast<float>();
            q = orthonormal(yq.cast<double>());
            report(progress, 0.9 * (it + 1) / config.powerIterations, "PCA");
        }
        // B = Q^T X (l x D); its right singular vectors approximate the components.
        Matrix bt(d, l);
        bt.noalias() = centred.transpose() * q.cast<float>();
        const MatrixD b = bt.cast<double>().transpose();
        const MatrixD bbt = b * b.transpose();
        Eigen::SelfAdjointEigenSolver<MatrixD> eig(bbt);
        if (eig.info() != Eigen::Success)
            return Error{"PCA: eigen-decomposition failed"};
        for (int c = 0; c < k; ++c) {
            const double s2 = std::max(0.0, eig.eigenvalues()(l - 1 - c));
            ev[c] = s2 / denom;
            Eigen::VectorXd comp = b.transpose() * eig.eigenvectors().col(l - 1 - c);
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
    if (randomized) {
        const Matrix componentsT = out.components.transpose();
        out.coords.resize(n, k);
        out.coords.noalias() = centredF * componentsT;
    } else {
        out.coords = ((vectors.cast<double>().rowwise() - mean) * v).cast<float>();
    }
    report(progress, 1.0, "PCA");
    return out;
}

Matrix pcaTransform(const PcaResult &fit, const Matrix &vectors)
{
    return (vectors.rowwise() - fit.mean) * fit.components.transpose();
}

} // namespace es::analysis
