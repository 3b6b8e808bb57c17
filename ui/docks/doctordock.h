#pragma once
// DoctorDock: the data-set doctor (DoctorPanel) in the right-hand tab group, hidden until
// asked for (View menu). The doctor runs while its dock is open, on the document's current
// vectors; after an edit its report is stale until it has run again. It keeps the user's
// marks on their rows when rows are inserted or removed (undo brings them back), and owns
// the switch for the cluster captions on the 2D map (View menu and the panel's box).
#include "docks/sidedock.h"
#include "views/overlay.h"
#include "views/pointview.h"

#include <QStringList>
#include <QVector3D>
#include <QVector>

#include <functional>

class QAction;

namespace es {

class DoctorMarks;
class DoctorPanel;
class ExplorerDocument;

class DoctorDock : public SideDock {
    Q_OBJECT
public:
    DoctorDock(ExplorerDocument *doc, QWidget *parent = nullptr);

    DoctorPanel *panel() const { return doctor_; }
    DoctorMarks *marks() const;
    QAction *captionsAction() const { return captionsAction_; }
    // True when the report (if any) is not of the current rows and vectors.
    bool isStale() const { return stale_; }
    // Runs the doctor on the current vectors when its report is stale and the dock is open.
    void updateData();
    // The cluster captions for the 2D map showing the coordinates shown: none when they are
    // switched off or the report is not of the current rows. Clusters made from the labels
    // take their group's colour from labelGroups (the maps' groups when they show the
    // labels, else empty), and a group hidden in the legend (groupVisible false) loses its
    // caption with its points.
    QVector<PlotCaption> captions(const QVector<QVector3D> &shown, const QList<PointGroup> &labelGroups,
                                  const std::function<bool(int group)> &groupVisible) const;

signals:
    void rowsActivated(const QVector<int> &rows);
    // The captions were switched, or a new report arrived: the 2D map's captions change.
    void captionsChanged();

private:
    ExplorerDocument *doc_;
    DoctorPanel *doctor_ = nullptr;
    QAction *captionsAction_ = nullptr;
    bool stale_ = true;
    QStringList removingTexts_; // the rows being removed (rowsAboutToBeRemoved), for their marks' undo
};

} // namespace es
