#include "analysis/pca.h"

#include "util/validate.h"

#include <Eigen/Eigenvalues>

namespace es::analysis {

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
    report(progress, 0.0, "PCA");
    PcaResult out;
    const Eigen::RowVectorXd mean = vectors.cast<double>().colwise().mean();
    const MatrixD centred = vectors.cast<double>().rowwise() - mean;
    if (stop.stop_requested())
        return Error::cancel();
    const MatrixD cov = (centred.transpose() * centred) / double(std::max<Eigen::Index>(n - 1, 1));
    Eigen::SelfAdjointEigenSolver<MatrixD> eig(cov);
    if (eig.info() != Eigen::Success)
        return Error{"PCA: eigen-decomposition failed"};
    const double total = cov.trace();
    out.components.resize(k, d);
    for (int c = 0; c < k; ++c) {
        Eigen::VectorXd v = eig.eigenvectors().col(d - 1 - c);
        Eigen::Index arg;
        v.cwiseAbs().maxCoeff(&arg);
        if (v(arg) < 0)
            v = -v;
        out.components.row(c) = v.transpose().cast<float>();
        const double ev = std::max(0.0, eig.eigenvalues()(d - 1 - c));
        out.explainedVarianceRatio.push_back(total > 0 ? ev / total : 0.0);
    }
    out.mean = mean.cast<float>();
    out.coords = (centred * out.components.cast<double>().transpose()).cast<float>();
    report(progress, 1.0, "PCA");
    return out;
}

Matrix pcaTransform(const PcaResult &fit, const Matrix &vectors)
{
    return (vectors.rowwise() - fit.mean) * fit.components.transpose();
}

} // namespace es::analysis
