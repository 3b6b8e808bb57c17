#pragma once
// PointView: what every scatter view (2D Qt Charts, 3D Qt Data Visualization, and later
// Qt Graphs) offers the rest of the UI, so a chart backend can be swapped without touching
// the window, the selection model or the tests (DESIGN.md section 2).
#include <QColor>
#include <QImage>
#include <QList>
#include <QSize>
#include <QString>
#include <QVector>
#include <QVector3D>

#include <algorithm>

namespace es {

// The rows "Isolate these N points" keeps: the selection, the clicked point and its
// neighbours, sorted and without repeats (the same in the 2D and 3D maps).
inline QVector<int> isolationCandidateRows(QVector<int> rows, int neighborRow, const QVector<int> &neighbors)
{
    if (neighborRow >= 0)
        rows.append(neighborRow);
    rows += neighbors;
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    return rows;
}

struct PointGroup {
    QString name;   // legend entry, e.g. the label value
    QColor color;
    bool visible = true;
    friend bool operator==(const PointGroup &, const PointGroup &) = default;
};

class PointView {
public:
    virtual ~PointView() = default;

    // Coordinates, one per row of the data set (z ignored by 2D views).
    virtual void setPoints(const QVector<QVector3D> &points) = 0;
    // group[i] indexes groups; -1 = ungrouped (drawn grey).
    virtual void setColors(const QVector<int> &group, const QList<PointGroup> &groups) = 0;
    virtual void setSelection(const QVector<int> &rows) = 0;
    // Rows to emphasise (search hits); empty = none.
    virtual void setHighlight(const QVector<int> &rows) = 0;
    // The clicked row and its nearest neighbours (the rows the inspector lists): a ring on
    // each neighbour and a line from the row to it. row -1 = none. Cheap at any map size
    // (only these rows are drawn again).
    virtual void setNeighbors(int row, const QVector<int> &neighbors) = 0;
    // Shows only these rows (the Projector's "isolate N points"); empty = all. The view's
    // "Isolate these N points" button isolates the selection and the neighbours, its
    // "Show all" button and Esc show all again; either emits isolationChanged(rows).
    virtual void setIsolation(const QVector<int> &rows) = 0;
    virtual void resetView() = 0;
    // Renders the view as it is shown (legend included) into an image of the given size.
    virtual QImage renderImage(const QSize &size) = 0;

    // Implementations are QObjects and declare the signals
    //   void pointClicked(int row);
    //   void pointsSelected(const QVector<int> &rows);
    //   void pointHovered(int row);   // -1 when leaving
    //   void isolationChanged(const QVector<int> &rows); // by the view's buttons or Esc
};

} // namespace es
