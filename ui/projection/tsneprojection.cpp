#include "projection/tsneprojection.h"

#include "analysis/tsne.h"

#include <cmath>
#include <limits>

namespace es {

namespace {

analysis::Metric metricOf(const QJsonObject &p)
{
    return p.value(QStringLiteral("metric")).toString() == QLatin1String("euclidean") ? analysis::Metric::Euclidean
                                                                                    : analysis::Metric::Cosine;
}

} // namespace

TsneProjection::TsneProjection()
{
    setParameters({});
}

void TsneProjection::setParameters(const QJsonObject &p)
{
    // Belkina et al. 2019 defaults; the seed makes a map reproducible.
    params_ = QJsonObject{
        {QStringLiteral("perplexity"), p.value(QStringLiteral("perplexity")).toDouble(30)},
        {QStringLiteral("iterations"), p.value(QStringLiteral("iterations")).toInt(1000)},
        {QStringLiteral("seed"), p.value(QStringLiteral("seed")).toInt(42)},
        {QStringLiteral("dims"), p.value(QStringLiteral("dims")).toInt(2) == 3 ? 3 : 2},
        {QStringLiteral("metric"), metricOf(p) == analysis::Metric::Euclidean ? QStringLiteral("euclidean")
                                                                              : QStringLiteral("cosine")},
    };
}

QVector<ParameterSpec> TsneProjection::parameterSpecs() const
{
    ParameterSpec perplexity;
    perplexity.key = QStringLiteral("perplexity");
    perplexity.objectName = QStringLiteral("tsnePerplexity");
    perplexity.label = tr("Perplexity");
    perplexity.tooltip = tr("t-SNE: about how many neighbours each point keeps close (larger shows broader structure).");
    perplexity.kind = ParameterSpec::Kind::Double;
    perplexity.min = 2;
    perplexity.max = 200;
    perplexity.decimals = 1;
    perplexity.defaultValue = 30.0;
    perplexity.showsUsed = true; // reduced for small sets: the box shows the one used
    ParameterSpec iterations;
    iterations.key = QStringLiteral("iterations");
    iterations.objectName = QStringLiteral("tsneIterations");
    iterations.label = tr("Iterations");
    iterations.tooltip = tr("t-SNE: how many optimisation steps the map takes.");
    iterations.min = 260;
    iterations.max = 10000;
    iterations.step = 100;
    iterations.defaultValue = 1000;
    return QVector<ParameterSpec>{perplexity, iterations} + commonParameterSpecs();
}

int TsneProjection::dims() const
{
    return params_.value(QStringLiteral("dims")).toInt(2);
}

QString TsneProjection::cannotRun(int n) const
{
    if (n < 4)
        return tr("t-SNE needs at least 4 sentences (this set has %1): it arranges each "
                  "point by its neighbours, and with so few there is nothing to arrange. "
                  "The PCA map is shown instead.").arg(n);
    return {};
}

ProjectionMethod::Run TsneProjection::makeRun(std::shared_ptr<const Matrix> vecs) const
{
    analysis::TsneConfig cfg;
    cfg.dims = dims();
    cfg.perplexity = params_.value(QStringLiteral("perplexity")).toDouble(30);
    cfg.iterations = params_.value(QStringLiteral("iterations")).toInt(1000);
    cfg.seed = std::uint64_t(params_.value(QStringLiteral("seed")).toInt(42));
    cfg.metric = metricOf(params_);
    cfg.snapshotEvery = 1; // the document throttles by time
    const QJsonObject asked = params_;
    return [vecs, cfg, asked](ProjectionRunContext &ctx) -> Result<ProjectionOutput> {
        double kl = std::numeric_limits<double>::quiet_NaN();
        analysis::TsneStatus status;
        analysis::TsneCallbacks cb;
        cb.progress = ctx.job.progress;
        cb.iteration = [&](const analysis::TsneStatus &s) {
            status = s;
            if (!std::isnan(s.klDivergence))
                kl = s.klDivergence;
            if (ctx.iteration)
                ctx.iteration->store(s.iteration);
        };
        cb.snapshot = [&](int, const Matrix &c) {
            ctx.snapshot(c, tr("t-SNE iteration %1 of %2%3%4")
                                .arg(status.iteration).arg(status.iterations)
                                .arg(std::isnan(kl) ? QString() : tr(", KL %1").arg(kl, 0, 'f', 3))
                                .arg(status.exaggerating ? tr(" (early exaggeration)") : QString()));
        };
        auto r = analysis::tsne(*vecs, cfg, cb, ctx.job.stop);
        if (!r)
            return r.error();
        ProjectionOutput out;
        out.coords = std::move(r->coords);
        out.used = asked;
        out.used[QStringLiteral("perplexity")] = r->perplexity;
        if (r->perplexity < cfg.perplexity - 1e-9) {
            // One sentence, and the box shows the perplexity that made this map.
            out.summary = tr("t-SNE done: %1 iterations, KL %2, perplexity %3 (%4 is too large for %5 points: "
                             "at most (N - 1) / 3).")
                              .arg(r->iterations)
                              .arg(r->klDivergence, 0, 'f', 3)
                              .arg(r->perplexity, 0, 'f', 1)
                              .arg(cfg.perplexity, 0, 'g', 4)
                              .arg(out.coords.rows());
        } else {
            out.summary = tr("t-SNE done: %1 iterations, KL %2, perplexity %3.")
                              .arg(r->iterations).arg(r->klDivergence, 0, 'f', 3).arg(r->perplexity, 0, 'g', 3);
            if (!r->warnings.empty())
                out.summary += QLatin1Char(' ') + QString::fromStdString(r->warnings.front());
        }
        return out;
    };
}

ProjectionMethod::Place TsneProjection::makePlace(const ProjectionPlaceInput &in) const
{
    const int n = int(in.coords.size());
    QVector<int> old;
    for (int r = 0, f = 0; r < n; ++r) {
        if (f < in.fresh.size() && in.fresh[f] == r)
            ++f;
        else
            old.append(r);
    }
    if (old.size() < 4 || !in.vectors)
        return {};
    const int dims = in.dims;
    const Matrix &v = *in.vectors;
    Matrix oldV(old.size(), v.cols()), oldC(old.size(), dims), newV(in.fresh.size(), v.cols());
    for (int i = 0; i < old.size(); ++i) {
        oldV.row(i) = v.row(old[i]);
        for (int d = 0; d < dims; ++d)
            oldC(i, d) = in.coords[old[i]][d];
    }
    for (int i = 0; i < in.fresh.size(); ++i)
        newV.row(i) = v.row(in.fresh[i]);
    analysis::TsnePlaceConfig pc;
    const double perplexity = in.used.value(QStringLiteral("perplexity"))
                                  .toDouble(params_.value(QStringLiteral("perplexity")).toDouble(30));
    pc.perplexity = std::min(perplexity, std::max(1.0, (old.size() - 1) / 3.0));
    pc.metric = metricOf(params_);
    return [oldV = std::move(oldV), oldC = std::move(oldC), newV = std::move(newV), pc](JobContext &ctx) {
        return analysis::tsnePlace(oldV, oldC, newV, pc, ctx.progress, ctx.stop);
    };
}

QString TsneProjection::axisTitle(int c, const std::shared_ptr<const void> &) const
{
    return tr("t-SNE %1").arg(c);
}

} // namespace es
