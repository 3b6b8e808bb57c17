#include "projection/umapprojection.h"

#include "analysis/umap.h"

#include <algorithm>

namespace es {

namespace {

analysis::Metric metricOf(const QJsonObject &p)
{
    return p.value(QStringLiteral("metric")).toString() == QLatin1String("euclidean") ? analysis::Metric::Euclidean
                                                                                    : analysis::Metric::Cosine;
}

// The core configuration of parameters p (as setParameters stores them).
analysis::UmapConfig configOf(const QJsonObject &p)
{
    analysis::UmapConfig cfg;
    cfg.neighbors = p.value(QStringLiteral("neighbors")).toInt(15);
    cfg.minDist = p.value(QStringLiteral("min_dist")).toDouble(0.1);
    cfg.spread = p.value(QStringLiteral("spread")).toDouble(1.0);
    cfg.metric = metricOf(p);
    cfg.dims = p.value(QStringLiteral("dims")).toInt(2) == 3 ? 3 : 2;
    cfg.epochs = std::max(0, p.value(QStringLiteral("epochs")).toInt(0));
    cfg.seed = std::uint64_t(p.value(QStringLiteral("seed")).toInt(42));
    return cfg;
}

} // namespace

UmapProjection::UmapProjection()
{
    setParameters({});
}

void UmapProjection::setParameters(const QJsonObject &p)
{
    // umap-learn's defaults; min_dist is kept within [0, spread] (the core refuses more).
    const double spread = std::clamp(p.value(QStringLiteral("spread")).toDouble(1.0), 0.01, 100.0);
    params_ = QJsonObject{
        {QStringLiteral("neighbors"), std::max(2, p.value(QStringLiteral("neighbors")).toInt(15))},
        {QStringLiteral("min_dist"), std::clamp(p.value(QStringLiteral("min_dist")).toDouble(0.1), 0.0, spread)},
        {QStringLiteral("spread"), spread},
        {QStringLiteral("metric"), metricOf(p) == analysis::Metric::Euclidean ? QStringLiteral("euclidean")
                                                                              : QStringLiteral("cosine")},
        {QStringLiteral("dims"), p.value(QStringLiteral("dims")).toInt(2) == 3 ? 3 : 2},
        {QStringLiteral("epochs"), std::max(0, p.value(QStringLiteral("epochs")).toInt(0))},
        {QStringLiteral("seed"), p.value(QStringLiteral("seed")).toInt(42)},
    };
}

QVector<ParameterSpec> UmapProjection::parameterSpecs() const
{
    ParameterSpec neighbors;
    neighbors.key = QStringLiteral("neighbors");
    neighbors.objectName = QStringLiteral("umapNeighbors");
    neighbors.label = tr("Neighbours");
    neighbors.tooltip =
        tr("UMAP: how many nearest neighbours each point is linked to (larger keeps more global structure).");
    neighbors.min = 2;
    neighbors.max = 200;
    neighbors.defaultValue = 15;
    ParameterSpec minDist;
    minDist.key = QStringLiteral("min_dist");
    minDist.objectName = QStringLiteral("umapMinDist");
    minDist.label = tr("Min dist");
    minDist.tooltip =
        tr("UMAP: how tightly points may pack together on the map (0 = dense clumps, larger = more even).");
    minDist.kind = ParameterSpec::Kind::Double;
    minDist.min = 0;
    minDist.max = 1;
    minDist.step = 0.05;
    minDist.decimals = 2;
    minDist.defaultValue = 0.1;
    ParameterSpec epochs;
    epochs.key = QStringLiteral("epochs");
    epochs.objectName = QStringLiteral("umapEpochs");
    epochs.label = tr("Epochs");
    epochs.tooltip = tr("UMAP: how many optimisation passes over the neighbour graph (auto: 500 up to 10,000 "
                        "points, else 200).");
    epochs.min = 0;
    epochs.max = 5000;
    epochs.step = 50;
    epochs.specialValueText = tr("auto");
    epochs.defaultValue = 0;
    return QVector<ParameterSpec>{neighbors, minDist, epochs} + commonParameterSpecs();
}

int UmapProjection::dims() const
{
    return params_.value(QStringLiteral("dims")).toInt(2);
}

QString UmapProjection::cannotRun(int n) const
{
    if (n < 4)
        return tr("UMAP needs at least 4 sentences (this set has %1): it builds a graph of each "
                  "point's neighbours, and with so few there is no graph to lay out. "
                  "The PCA map is shown instead.").arg(n);
    return {};
}

ProjectionMethod::Run UmapProjection::makeRun(std::shared_ptr<const Matrix> vecs) const
{
    analysis::UmapConfig cfg = configOf(params_);
    cfg.snapshotEvery = 1; // the document throttles by time
    const QJsonObject asked = params_;
    return [vecs, cfg, asked](ProjectionRunContext &ctx) -> Result<ProjectionOutput> {
        const int total = cfg.epochs > 0 ? cfg.epochs : (vecs->rows() <= 10000 ? 500 : 200);
        analysis::UmapCallbacks cb;
        cb.progress = ctx.job.progress;
        cb.snapshot = [&](int epoch, const Matrix &c) {
            if (ctx.iteration)
                ctx.iteration->store(epoch);
            ctx.snapshot(c, tr("UMAP epoch %1 of %2").arg(epoch).arg(total));
        };
        auto r = analysis::umap(*vecs, cfg, cb, ctx.job.stop);
        if (!r)
            return r.error();
        if (ctx.iteration)
            ctx.iteration->store(r->epochs);
        ProjectionOutput out;
        out.coords = std::move(r->coords);
        out.used = asked;
        // What the map was made with: k reduced for small sets, the epochs auto chose.
        out.used[QStringLiteral("neighbors_used")] = r->neighbors;
        out.used[QStringLiteral("epochs_used")] = r->epochs;
        out.summary = tr("UMAP done: %1 epochs, %2 neighbours%3.")
                          .arg(r->epochs)
                          .arg(r->neighbors)
                          .arg(r->approximateNeighbours ? tr(" (approximate)") : QString());
        bool saidApproximate = false;
        for (const std::string &w : r->warnings) {
            out.summary += QLatin1Char(' ') + QString::fromStdString(w);
            if (QString::fromStdString(w).contains(QLatin1String("approximate"), Qt::CaseInsensitive))
                saidApproximate = true;
        }
        if (r->approximateNeighbours && !saidApproximate)
            out.summary += QLatin1Char(' ') + tr("The neighbour graph came from the approximate neighbour search.");
        return out;
    };
}

ProjectionMethod::Place UmapProjection::makePlace(const ProjectionPlaceInput &in) const
{
    const int n = int(in.coords.size());
    QVector<int> old;
    for (int r = 0, f = 0; r < n; ++r) {
        if (f < in.fresh.size() && in.fresh[f] == r)
            ++f;
        else
            old.append(r);
    }
    if (old.size() < 4 || !in.vectors || (in.dims != 2 && in.dims != 3))
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
    // The parameters of the run that made the map (the bar may have changed since).
    analysis::UmapConfig pc = configOf(in.used.isEmpty() ? params_ : in.used);
    pc.dims = dims;
    pc.epochs = 0; // umapPlace's own default (100 for up to 10,000 rows)
    pc.neighbors = std::min<int>(pc.neighbors, int(old.size()));
    return [oldV = std::move(oldV), oldC = std::move(oldC), newV = std::move(newV), pc](JobContext &ctx) {
        return analysis::umapPlace(newV, oldV, oldC, pc, ctx.progress, ctx.stop);
    };
}

QString UmapProjection::axisTitle(int c, const std::shared_ptr<const void> &) const
{
    return tr("UMAP %1").arg(c);
}

} // namespace es
