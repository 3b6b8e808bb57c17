// The registered projection methods: adding one (UMAP) is its class and one line here.
#include "projection/importedprojection.h"
#include "projection/pcaprojection.h"
#include "projection/tsneprojection.h"
#include "projection/umapprojection.h"

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

MapPoints toMapPoints(const Matrix &c)
{
    MapPoints p(int(c.rows()));
    for (Eigen::Index i = 0; i < c.rows(); ++i)
        p[int(i)] = QVector3D(c(i, 0), c.cols() > 1 ? c(i, 1) : 0.f, c.cols() > 2 ? c(i, 2) : 0.f);
    return p;
}

} // namespace es
