#include "views/scatter2d_density.h"

#include "views/scatter2d_points.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace es {

DensityRaster::DensityRaster(const QImage &target)
    : DensityRaster(target.size(), target.devicePixelRatio() > 0 ? target.devicePixelRatio() : 1.0)
{
}

DensityRaster::DensityRaster(QSize devicePixels, double devicePixelRatio)
    : w_(std::max(0, devicePixels.width())), h_(std::max(0, devicePixels.height())),
      dpr_(devicePixelRatio > 0 ? devicePixelRatio : 1.0)
{
    // The bins of the last raster on this thread are reused: a frame of a 1400x900 plot
    // would otherwise page in 20 MB of fresh memory.
    bins_.swap(spare());
    bins_.assign(std::size_t(w_) * std::size_t(h_), Bin{});
}

DensityRaster::~DensityRaster()
{
    if (bins_.capacity() >= spare().capacity())
        bins_.swap(spare());
}

std::vector<DensityRaster::Bin> &DensityRaster::spare()
{
    static thread_local std::vector<Bin> bins;
    return bins;
}

std::uint32_t DensityRaster::maxCount() const
{
    return max_;
}

int DensityRaster::alphaFor(std::uint32_t count) const
{
    if (count == 0 || alpha_.empty())
        return 0;
    return alpha_[std::min<std::size_t>(count, alpha_.size() - 1)];
}

// The opacity of each count, 0..maxCount. Equalised: t = the share of covered pixels with
// a smaller count, rescaled so the sparsest pixels get minAlpha and the densest 255.
void DensityRaster::prepare(Shading shading, int minAlpha) const
{
    const std::uint32_t maxN = maxCount();
    alpha_.assign(std::size_t(maxN) + 1, 0);
    if (maxN == 0)
        return;
    minAlpha = std::clamp(minAlpha, 0, 255);
    auto opacity = [minAlpha](double t) {
        return std::uint8_t(std::lround(minAlpha + (255 - minAlpha) * std::clamp(t, 0.0, 1.0)));
    };
    if (shading == Shading::Log) {
        const double top = std::log(double(maxN));
        for (std::uint32_t c = 1; c <= maxN; ++c)
            alpha_[c] = opacity(top > 0 ? std::log(double(c)) / top : 1.0);
        return;
    }
    std::vector<std::uint64_t> hist(std::size_t(maxN) + 1, 0);
    for (const Bin &b : bins_)
        ++hist[b.n];
    const double covered = double(bins_.size() - hist[0]);
    std::uint32_t minN = 1;
    while (hist[minN] == 0)
        ++minN;
    // below(c): covered pixels with a count below c.
    const double atMin = double(hist[minN]);
    const double span = covered - atMin;
    double below = 0;
    for (std::uint32_t c = minN; c <= maxN; ++c) {
        if (hist[c] == 0)
            continue;
        // Rank of the count among the covered pixels: 0 for the sparsest, 1 for the densest.
        alpha_[c] = opacity(span > 0 ? (below + double(hist[c]) - atMin) / span : 1.0);
        below += double(hist[c]);
    }
}

void DensityRaster::paint(QImage &target, Shading shading, int minAlpha) const
{
    Q_ASSERT(target.format() == QImage::Format_ARGB32_Premultiplied);
    prepare(shading, minAlpha);
    const int w = std::min(w_, target.width()), h = std::min(h_, target.height());
    for (int y = 0; y < h; ++y) {
        auto *dst = reinterpret_cast<quint32 *>(target.scanLine(y));
        const Bin *row = bins_.data() + std::size_t(y) * std::size_t(w_);
        for (int x = 0; x < w; ++x) {
            const Bin &b = row[x];
            if (b.n == 0)
                continue;
            const quint32 a = alpha_[b.n];
            // Mean colour, premultiplied by the opacity (rounded).
            const float k = float(a) / (255.0f * float(b.n));
            const quint32 r = quint32(float(b.r) * k + 0.5f);
            const quint32 g = quint32(float(b.g) * k + 0.5f);
            const quint32 bl = quint32(float(b.b) * k + 0.5f);
            const quint32 d = dst[x];
            const quint32 keep = 255 - a;
            auto over = [keep](quint32 s, quint32 dc) { return s + (dc * keep + 127) / 255; };
            dst[x] = (over(a, d >> 24) << 24) | (over(r, (d >> 16) & 0xff) << 16) | (over(g, (d >> 8) & 0xff) << 8)
                     | over(bl, d & 0xff);
        }
    }
}

void CellOrderedPoints::build(const QVector<QPointF> &points, const QVector<int> &groupOfRow)
{
    clear();
    const int n = int(std::min(points.size(), groupOfRow.size()));
    double x0 = std::numeric_limits<double>::max(), x1 = -x0, y0 = x0, y1 = -x0;
    int finite = 0;
    for (int i = 0; i < n; ++i) {
        const QPointF &p = points[i];
        if (!std::isfinite(p.x()) || !std::isfinite(p.y()))
            continue;
        ++finite;
        x0 = std::min(x0, p.x());
        x1 = std::max(x1, p.x());
        y0 = std::min(y0, p.y());
        y1 = std::max(y1, p.y());
    }
    if (finite == 0)
        return;
    if (x1 <= x0)
        x1 = x0 + 1;
    if (y1 <= y0)
        y1 = y0 + 1;
    bounds_ = QRectF(QPointF(x0, y0), QPointF(x1, y1));
    const int side = std::clamp(int(std::sqrt(finite / 4.0)), 1, 2048);
    nx_ = ny_ = side;
    cw_ = bounds_.width() / nx_;
    ch_ = bounds_.height() / ny_;
    start_.assign(std::size_t(nx_) * ny_ + 1, 0);
    std::vector<int> cellOf(std::size_t(n), -1);
    for (int i = 0; i < n; ++i) {
        const QPointF &p = points[i];
        if (!std::isfinite(p.x()) || !std::isfinite(p.y()))
            continue;
        const int c = cellY(p.y()) * nx_ + cellX(p.x());
        cellOf[std::size_t(i)] = c;
        ++start_[std::size_t(c) + 1];
    }
    for (std::size_t c = 0; c + 1 < start_.size(); ++c)
        start_[c + 1] += start_[c];
    pts_.resize(std::size_t(finite));
    std::vector<int> fill(start_.begin(), start_.end() - 1);
    for (int i = 0; i < n; ++i)
        if (const int c = cellOf[std::size_t(i)]; c >= 0)
            pts_[std::size_t(fill[std::size_t(c)]++)] = Point{float(points[i].x()), float(points[i].y()), groupOfRow[i]};
}

int CellOrderedPoints::cellX(double x) const
{
    return std::clamp(int(std::floor((x - bounds_.left()) / cw_)), 0, nx_ - 1);
}

int CellOrderedPoints::cellY(double y) const
{
    return std::clamp(int(std::floor((y - bounds_.top()) / ch_)), 0, ny_ - 1);
}

bool paintDensityIfDense(QImage &image, const QRectF &plot, const QRectF &range, const CellOrderedPoints &points,
                         const QVector<QRgb> &groupColors, int minPoints, double perPixel)
{
    if (points.size() < minPoints || image.isNull() || !(range.width() > 0) || !(range.height() > 0))
        return false;
    DensityRaster raster(image);
    // x' = ax x + bx, y' = ay y + by (the plot's y axis points up).
    const double ax = plot.width() / range.width(), bx = plot.left() - range.left() * ax;
    const double ay = -plot.height() / range.height(), by = plot.bottom() - range.top() * ay;
    const int groups = int(groupColors.size());
    points.forEachIn(range, [&](const CellOrderedPoints::Point &p) {
        if (p.group < 0 || p.group >= groups)
            return;
        const QRgb c = groupColors[p.group];
        if (qAlpha(c) != 0)
            raster.add(QPointF(ax * p.x + bx, ay * p.y + by), c);
    });
    const double dpr = image.devicePixelRatio() > 0 ? image.devicePixelRatio() : 1.0;
    const double pixels = plot.width() * plot.height() * dpr * dpr;
    if (raster.total() < minPoints || double(raster.total()) < perPixel * pixels)
        return false;
    raster.paint(image);
    return true;
}

void paintDotsInView(DotRaster &dots, const QRectF &plot, const QRectF &range, const CellOrderedPoints &points,
                     const QVector<QColor> &groupColors, double diameter)
{
    if (!(range.width() > 0) || !(range.height() > 0))
        return;
    const double ax = plot.width() / range.width(), bx = plot.left() - range.left() * ax;
    const double ay = -plot.height() / range.height(), by = plot.bottom() - range.top() * ay;
    // A dot whose centre is just outside still shows its edge.
    const double mx = (diameter + 2) / ax, my = (diameter + 2) / -ay;
    const QRectF view = range.adjusted(-mx, -my, mx, my);
    for (int g = 0; g < groupColors.size(); ++g) {
        const QColor &c = groupColors[g];
        if (!c.isValid())
            continue;
        points.forEachIn(view, [&](const CellOrderedPoints::Point &p) {
            if (p.group == g)
                dots.draw(QPointF(ax * p.x + bx, ay * p.y + by), c, diameter);
        });
    }
}

} // namespace es
