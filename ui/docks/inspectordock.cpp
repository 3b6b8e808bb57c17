#include "docks/inspectordock.h"

#include "models/sentencemodel.h"
#include "views/inspectorview.h"

#include <QItemSelectionModel>

namespace es {

InspectorDock::InspectorDock(SentenceModel *model, QItemSelectionModel *selection, QWidget *parent)
    : SideDock(tr("Inspector"), QStringLiteral("inspectorDock"), parent)
{
    inspector_ = new InspectorView(this);
    inspector_->setModel(model);
    setWidget(inspector_);
    connect(inspector_, &InspectorView::neighborActivated, this, [this, model, selection](int row) {
        if (row < 0 || row >= model->rowCount())
            return;
        selection->setCurrentIndex(model->index(row, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        emit rowActivated(row);
    });
    raiseWhenShown();
}

} // namespace es
