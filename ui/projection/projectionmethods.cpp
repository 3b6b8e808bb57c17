// The registered projection methods: adding one (UMAP) is its class and one line here.
#include "projection/importedprojection.h"
#include "projection/pcaprojection.h"
#include "projection/tsneprojection.h"
#include "projection/umapprojection.h"

#include <QCoreApplication>

namespace es {

std::vector<std::unique_ptr<ProjectionMethod>> makeProjectionMethods()
{
    std::vector<std::unique_ptr<ProjectionMethod>> methods;
    methods.push_back(std::make_unique<PcaProjection>());
    methods.push_back(std::make_unique<TsneProjection>());
    methods.push_back(std::make_unique<UmapProjection>());
    methods.push_back(std::make_unique<ImportedProjection>());
    return methods;
}

QString ProjectionMethod::stepWord() const
{
    return QCoreApplication::translate("ProjectionMethod", "iteration");
}

QVector<ParameterSpec> commonParameterSpecs()
{
    const auto tr = [](const char *s) { return QCoreApplication::translate("ProjectionMethod", s); };
    ParameterSpec seed;
    seed.key = QStringLiteral("seed");
    seed.objectName = QStringLiteral("projectionSeed");
    seed.label = tr("Seed");
    seed.tooltip = tr("The same seed and data give exactly the same map.");
    seed.kind = ParameterSpec::Kind::Int;
    seed.min = 0;
    seed.max = 1000000;
    seed.defaultValue = 42;
    ParameterSpec dims;
    dims.key = QStringLiteral("dims");
    dims.objectName = QStringLiteral("projectionDims");
    dims.label = tr("Dims");
    dims.tooltip = tr("Whether the run makes a 2D or a 3D map (the 3D tab needs a 3D run).");
    dims.kind = ParameterSpec::Kind::Choice;
    dims.choices = {{tr("2D"), 2}, {tr("3D"), 3}};
    dims.defaultValue = 2;
    dims.showLabel = false;
    ParameterSpec metric;
    metric.key = QStringLiteral("metric");
    metric.objectName = QStringLiteral("projectionMetric");
    metric.label = tr("Distance");
    metric.tooltip = tr("How the distance between two sentence vectors is measured (cosine ignores their lengths).");
    metric.kind = ParameterSpec::Kind::Choice;
    metric.choices = {{tr("cosine"), QStringLiteral("cosine")}, {tr("euclidean"), QStringLiteral("euclidean")}};
    metric.defaultValue = QStringLiteral("cosine");
    metric.showLabel = false;
    return {seed, dims, metric};
}

MapPoints toMapPoints(const Matrix &c)
{
    MapPoints p(int(c.rows()));
    for (Eigen::Index i = 0; i < c.rows(); ++i)
        p[int(i)] = QVector3D(c(i, 0), c.cols() > 1 ? c(i, 1) : 0.f, c.cols() > 2 ? c(i, 2) : 0.f);
    return p;
}

} // namespace es
