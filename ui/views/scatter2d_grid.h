#pragma once
// PointGrid: a uniform bucket grid over 2D data coordinates for "which point is under the
// mouse" on 100k points. Built in O(N) (counting sort into cells, CSR layout); a query
// visits only the cells that intersect the pick radius. Distances are measured in screen
// pixels (x and y scales may differ), so the pick radius means the same on any zoom.
#include <QPointF>
#include <QRectF>
#include <QVector>

#include <functional>

namespace es {

class PointGrid {
public:
    void build(const QVector<QPointF> &points);
    bool isEmpty() const { return points_.isEmpty(); }

    // Queries take active(row): false = skipped (hidden group); empty = all active.
    // Nearest active row to `at` (data coordinates) within radiusPx pixels, given the
    // pixels per data unit along x and y; -1 when none.
    int nearest(const QPointF &at, double pxPerUnitX, double pxPerUnitY, double radiusPx,
                const std::function<bool(int)> &active = {}) const;
    // Rows whose points lie in a data rectangle.
    QVector<int> inRect(const QRectF &data, const std::function<bool(int)> &active = {}) const;

private:
    int cellX(double x) const;
    int cellY(double y) const;

    QVector<QPointF> points_;
    QRectF bounds_;
    int nx_ = 0, ny_ = 0;
    double cw_ = 1, ch_ = 1;
    QVector<int> start_; // nx*ny+1 offsets into rows_
    QVector<int> rows_;
};

} // namespace es
