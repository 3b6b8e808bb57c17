#include "views/scatter2d_grid.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace es {

void PointGrid::build(const QVector<QPointF> &points)
{
    points_ = points;
    const int n = int(points.size());
    if (n == 0) {
        nx_ = ny_ = 0;
        start_.clear();
        rows_.clear();
        return;
    }
    double x0 = points[0].x(), x1 = x0, y0 = points[0].y(), y1 = y0;
    for (const QPointF &p : points) {
        x0 = std::min(x0, p.x());
        x1 = std::max(x1, p.x());
        y0 = std::min(y0, p.y());
        y1 = std::max(y1, p.y());
    }
    if (x1 <= x0)
        x1 = x0 + 1;
    if (y1 <= y0)
        y1 = y0 + 1;
    bounds_ = QRectF(QPointF(x0, y0), QPointF(x1, y1));
    // About 4 points per cell on average, at most 1024 cells a side.
    const int side = std::clamp(int(std::sqrt(n / 4.0)), 1, 1024);
    nx_ = ny_ = side;
    cw_ = bounds_.width() / nx_;
    ch_ = bounds_.height() / ny_;
    start_.fill(0, nx_ * ny_ + 1);
    QVector<int> cellOf(n);
    for (int i = 0; i < n; ++i) {
        const int c = cellY(points[i].y()) * nx_ + cellX(points[i].x());
        cellOf[i] = c;
        ++start_[c + 1];
    }
    for (int c = 0; c < nx_ * ny_; ++c)
        start_[c + 1] += start_[c];
    rows_.resize(n);
    QVector<int> fill(start_.begin(), start_.end() - 1);
    for (int i = 0; i < n; ++i)
        rows_[fill[cellOf[i]]++] = i;
}

int PointGrid::cellX(double x) const
{
    return std::clamp(int(std::floor((x - bounds_.left()) / cw_)), 0, nx_ - 1);
}

int PointGrid::cellY(double y) const
{
    return std::clamp(int(std::floor((y - bounds_.top()) / ch_)), 0, ny_ - 1);
}

int PointGrid::nearest(const QPointF &at, double sx, double sy, double radiusPx,
                       const std::function<bool(int)> &active) const
{
    if (points_.isEmpty() || sx <= 0 || sy <= 0)
        return -1;
    const double rx = radiusPx / sx, ry = radiusPx / sy;
    if (at.x() + rx < bounds_.left() || at.x() - rx > bounds_.right()
        || at.y() + ry < bounds_.top() || at.y() - ry > bounds_.bottom())
        return -1;
    const int cx0 = cellX(at.x() - rx), cx1 = cellX(at.x() + rx);
    const int cy0 = cellY(at.y() - ry), cy1 = cellY(at.y() + ry);
    double best = radiusPx * radiusPx;
    int bestRow = -1;
    for (int cy = cy0; cy <= cy1; ++cy) {
        for (int cx = cx0; cx <= cx1; ++cx) {
            const int c = cy * nx_ + cx;
            for (int k = start_[c]; k < start_[c + 1]; ++k) {
                const int r = rows_[k];
                const double dx = (points_[r].x() - at.x()) * sx;
                const double dy = (points_[r].y() - at.y()) * sy;
                const double d = dx * dx + dy * dy;
                // Ties go to the lower row so the answer does not depend on cell order.
                if ((d < best || (d == best && bestRow >= 0 && r < bestRow))
                    && (!active || active(r))) {
                    best = d;
                    bestRow = r;
                }
            }
        }
    }
    return bestRow;
}

QVector<int> PointGrid::inRect(const QRectF &data, const std::function<bool(int)> &active) const
{
    QVector<int> out;
    if (points_.isEmpty() || !data.intersects(bounds_.adjusted(-1e-12, -1e-12, 1e-12, 1e-12)))
        return out;
    const QRectF r = data.normalized();
    const int cx0 = cellX(r.left()), cx1 = cellX(r.right());
    const int cy0 = cellY(r.top()), cy1 = cellY(r.bottom());
    for (int cy = cy0; cy <= cy1; ++cy)
        for (int cx = cx0; cx <= cx1; ++cx) {
            const int c = cy * nx_ + cx;
            for (int k = start_[c]; k < start_[c + 1]; ++k) {
                const int row = rows_[k];
                const QPointF &p = points_[row];
                if (p.x() >= r.left() && p.x() <= r.right() && p.y() >= r.top()
                    && p.y() <= r.bottom() && (!active || active(row)))
                    out.append(row);
            }
        }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace es
