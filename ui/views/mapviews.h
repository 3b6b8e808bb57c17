#pragma once
// MapViews: the 2D and 3D maps as one. It makes their tabs (the 3D map where OpenGL is
// available, else a note in its tab), and the window gives both the shown projection, the
// colouring, the selection, the neighbours and the highlighted rows at once, through the
// PointView interface; "isolate these points" on one map applies to both. Clicks and
// selections on either come back as rowsChosen.
#include "document/explorerdocument.h"
#include "views/pointview.h"

#include <QList>
#include <QObject>
#include <QPair>
#include <QVector>

class QAction;
class QTabWidget;

namespace es {

class ProjectionMethod;
class Scatter2DView;
class Scatter3DView;
struct LegendScale;

class MapViews : public QObject {
    Q_OBJECT
public:
    // Adds the 2D and 3D tabs to tabs.
    explicit MapViews(QTabWidget *tabs);

    Scatter2DView *scatter2d() const { return scatter2d_; }
    Scatter3DView *scatter3d() const { return scatter3d_; } // nullptr without OpenGL
    // The maps' tabs and their views.
    const QList<QPair<QWidget *, PointView *>> &views() const { return views_; }
    // View > Point Labels on Small Maps (the 2D map; kept in the settings).
    QAction *pointLabelsAction() const { return pointLabelsAction_; }

    // Shows method's map: its points (the 3D tab: the last 3D map when the shown one is 2D
    // and have3d), axis and tab titles, the texts, and on the 3D tab, when it has no 3D map
    // to show, a message offering a 3D run (unless one is running).
    void showMap(const ProjectionMethod &method, const ExplorerDocument::Projection &map, bool have3d,
                 bool running3d, const QStringList &texts, const QVector<int> &group,
                 const QList<PointGroup> &groups, const QVector<int> &highlight);
    // The colouring: the legends' scale and title, and the colours when applies (the
    // groups are of the rows the maps show).
    void setColoring(const QVector<int> &group, const QList<PointGroup> &groups, const LegendScale &scale,
                     const QString &title, bool applies);
    void setSelection(const QVector<int> &rows);
    void setNeighbors(int row, const QVector<int> &rows);
    void setHighlight(const QVector<int> &rows);

signals:
    // A point clicked or points selected on a map (current: the row to make current, or -1).
    void rowsChosen(const QVector<int> &rows, int current);
    // A label group shown or hidden in the 2D map's legend.
    void groupVisibilityChanged();
    // The 3D tab's "Run ... in 3D" button.
    void run3dRequested();

private:
    QTabWidget *tabs_;
    Scatter2DView *scatter2d_ = nullptr;
    Scatter3DView *scatter3d_ = nullptr;
    QList<QPair<QWidget *, PointView *>> views_;
    QAction *pointLabelsAction_ = nullptr;
};

} // namespace es
