#pragma once
// Coordinates made elsewhere (File > Import Coordinates: a CSV of x, y[, z], or what
// `embedscope project` writes), shown as a map of their own. Nothing is computed: the
// document stores the file's coordinates (ExplorerDocument::importProjection) and a run
// only says where they come from. New rows cannot be placed into an imported map; they
// stay unplaced until coordinates for every row are imported again.
#include "projection/projectionmethod.h"

#include <QCoreApplication>

namespace es {

class ImportedProjection : public ProjectionMethod {
    Q_DECLARE_TR_FUNCTIONS(ImportedProjection)
public:
    QString id() const override { return QStringLiteral("imported"); }
    QString name() const override { return tr("Imported"); }
    QString cannotRun(int n) const override;
    Run makeRun(std::shared_ptr<const Matrix> vectors) const override;
    Place makePlace(const ProjectionPlaceInput &input) const override;
    QString axisTitle(int c, const std::shared_ptr<const void> &fit) const override;
};

} // namespace es
