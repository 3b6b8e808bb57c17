#pragma once
// t-SNE as a projection method: run when asked (or when it is the map shown and the data
// changed), streaming snapshots that animate the maps; new or edited rows are placed with
// tsnePlace, the other points held fixed. Parameters: perplexity, iterations, seed, dims
// (2 or 3), metric ("cosine" / "euclidean").
#include "projection/projectionmethod.h"

#include <QCoreApplication>

namespace es {

class TsneProjection : public ProjectionMethod {
    Q_DECLARE_TR_FUNCTIONS(TsneProjection)
public:
    TsneProjection();
    QString id() const override { return QStringLiteral("tsne"); }
    QString name() const override { return tr("t-SNE"); }
    QString cannotRun(int n) const override;
    QString startingStatus() const override { return tr("t-SNE: finding neighbours..."); }
    void setParameters(const QJsonObject &p) override;
    QVector<ParameterSpec> parameterSpecs() const override;
    int dims() const override;
    Run makeRun(std::shared_ptr<const Matrix> vectors) const override;
    Place makePlace(const ProjectionPlaceInput &input) const override;
    QString axisTitle(int c, const std::shared_ptr<const void> &fit) const override;
};

} // namespace es
