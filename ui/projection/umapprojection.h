#pragma once
// UMAP as a projection method: run when asked (or when it is the map shown and the data
// changed), streaming snapshots of its epochs that animate the maps; new or edited rows
// are placed with umapPlace, the other points held fixed (a sentence typed in a classroom
// appears on the existing map without a rerun). Parameters: neighbors, min_dist, spread,
// metric ("cosine" / "euclidean"), dims (2 or 3), epochs (0 = auto), seed.
#include "projection/projectionmethod.h"

#include <QCoreApplication>

namespace es {

class UmapProjection : public ProjectionMethod {
    Q_DECLARE_TR_FUNCTIONS(UmapProjection)
public:
    UmapProjection();
    QString id() const override { return QStringLiteral("umap"); }
    QString name() const override { return tr("UMAP"); }
    QString cannotRun(int n) const override;
    QString startingStatus() const override { return tr("UMAP: finding neighbours..."); }
    void setParameters(const QJsonObject &p) override;
    QVector<ParameterSpec> parameterSpecs() const override;
    QString stepWord() const override { return tr("epoch"); }
    int dims() const override;
    Run makeRun(std::shared_ptr<const Matrix> vectors) const override;
    Place makePlace(const ProjectionPlaceInput &input) const override;
    QString axisTitle(int c, const std::shared_ptr<const void> &fit) const override;
};

} // namespace es
