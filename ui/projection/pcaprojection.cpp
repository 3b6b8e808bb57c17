#include "projection/pcaprojection.h"

#include "analysis/pca.h"

namespace es {

ProjectionMethod::Run PcaProjection::makeRun(std::shared_ptr<const Matrix> vecs) const
{
    return [vecs](ProjectionRunContext &ctx) -> Result<ProjectionOutput> {
        analysis::PcaConfig c;
        c.components = int(std::min<Eigen::Index>(3, vecs->cols()));
        auto r = analysis::pca(*vecs, c, ctx.job.progress, ctx.job.stop);
        if (!r)
            return r.error();
        auto fit = std::make_shared<analysis::PcaResult>(std::move(r.value()));
        ProjectionOutput out;
        out.coords = fit->coords;
        out.used = QJsonObject{{QStringLiteral("components"), int(fit->components.rows())}};
        out.fit = fit;
        return out;
    };
}

ProjectionMethod::Place PcaProjection::makePlace(const ProjectionPlaceInput &in) const
{
    auto fit = std::static_pointer_cast<const analysis::PcaResult>(in.fit);
    if (!fit || !in.vectors || fit->mean.size() != in.vectors->cols())
        return {};
    std::vector<Eigen::Index> rows(in.fresh.begin(), in.fresh.end());
    return [fit, vecs = in.vectors, rows](JobContext &) -> Result<Matrix> {
        return analysis::pcaTransform(*fit, (*vecs)(rows, Eigen::indexing::all));
    };
}

QString PcaProjection::axisTitle(int c, const std::shared_ptr<const void> &fit) const
{
    const auto *pca = static_cast<const analysis::PcaResult *>(fit.get());
    if (pca && std::size_t(c - 1) < pca->explainedVarianceRatio.size())
        return tr("PC %1 (%2 %)").arg(c).arg(pca->explainedVarianceRatio[std::size_t(c - 1)] * 100.0, 0, 'f', 1);
    return tr("PC %1").arg(c);
}

} // namespace es
