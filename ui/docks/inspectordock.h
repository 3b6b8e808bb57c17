#pragma once
// InspectorDock: the inspector (the current sentence, its columns and its nearest
// neighbours) in the right-hand tab group. A neighbour activated in its list becomes the
// current, selected row (rowActivated follows, for the window to scroll the table to it).
#include "docks/sidedock.h"

class QItemSelectionModel;

namespace es {

class InspectorView;
class SentenceModel;

class InspectorDock : public SideDock {
    Q_OBJECT
public:
    InspectorDock(SentenceModel *model, QItemSelectionModel *selection, QWidget *parent = nullptr);
    InspectorView *view() const { return inspector_; }

signals:
    void rowActivated(int row);

private:
    InspectorView *inspector_ = nullptr;
};

} // namespace es
