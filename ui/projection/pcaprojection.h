#pragma once
// PCA as a projection method: fitted with every analysis (up to 3 components); new or edited
// rows are placed with the existing fit, so the other points stay exactly where they were.
#include "projection/projectionmethod.h"

#include <QCoreApplication>

namespace es {

class PcaProjection : public ProjectionMethod {
    Q_DECLARE_TR_FUNCTIONS(PcaProjection)
public:
    QString id() const override { return QStringLiteral("pca"); }
    QString name() const override { return tr("PCA"); }
    bool automatic() const override { return true; }
    int dims() const override { return 3; }
    Run makeRun(std::shared_ptr<const Matrix> vectors) const override;
    Place makePlace(const ProjectionPlaceInput &input) const override;
    // "PC 1 (12.3 %)": users see how much of the data a flat picture can show.
    QString axisTitle(int c, const std::shared_ptr<const void> &fit) const override;
};

} // namespace es
