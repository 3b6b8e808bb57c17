#include "projection/importedprojection.h"

namespace es {

QString ImportedProjection::cannotRun(int) const
{
    return tr("Imported maps are not computed: File > Import Coordinates loads one (a CSV with x, y and "
              "optionally z columns, or the output of embedscope project).");
}

ProjectionMethod::Run ImportedProjection::makeRun(std::shared_ptr<const Matrix>) const
{
    const QString why = cannotRun(0);
    return [why](ProjectionRunContext &) -> Result<ProjectionOutput> { return Error{why.toStdString()}; };
}

ProjectionMethod::Place ImportedProjection::makePlace(const ProjectionPlaceInput &) const
{
    return {}; // no model to place rows with
}

QString ImportedProjection::axisTitle(int c, const std::shared_ptr<const void> &) const
{
    return c == 1 ? QStringLiteral("x") : c == 2 ? QStringLiteral("y") : QStringLiteral("z");
}

} // namespace es
