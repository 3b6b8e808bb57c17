#include "views/scatter2d_density.h"

#include <algorithm>
#include <cmath>

namespace es {

DensityRaster::DensityRaster(const QImage &target)
    : DensityRaster(target.size(), target.devicePixelRatio() > 0 ? target.devicePixelRatio() : 1.0)
{
}

DensityRaster::DensityRaster(QSize devicePixels, double devicePixelRatio)
    : w_(std::max(0, devicePixels.width())), h_(std::max(0, devicePixels.height())),
      dpr_(devicePixelRatio > 0 ? devicePixelRatio : 1.0), bins_(std::size_t(w_) * std::size_t(h_))
{
}

std::uint32_t DensityRaster::maxCount() const
{
    std::uint32_t m = 0;
    for (const Bin &b : bins_)
        m = std::max(m, b.n);
    return m;
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
            const quint32 div = b.n * 255;
            const quint32 r = quint32((std::uint64_t(b.r) * a + div / 2) / div);
            const quint32 g = quint32((std::uint64_t(b.g) * a + div / 2) / div);
            const quint32 bl = quint32((std::uint64_t(b.b) * a + div / 2) / div);
            const quint32 d = dst[x];
            const quint32 keep = 255 - a;
            auto over = [keep](quint32 s, quint32 dc) { return s + (dc * keep + 127) / 255; };
            dst[x] = (over(a, d >> 24) << 24) | (over(r, (d >> 16) & 0xff) << 16) | (over(g, (d >> 8) & 0xff) << 8)
                     | over(bl, d & 0xff);
        }
    }
}

bool paintDensityIfDense(QImage &image, const QRectF &plot, const QRectF &range, const QVector<QPointF> &points,
                         const QVector<int> &groupOfRow, const QVector<QRgb> &groupColors, int minPoints,
                         double perPixel)
{
    const int n = int(std::min(points.size(), groupOfRow.size()));
    if (n < minPoints || image.isNull() || !(range.width() > 0) || !(range.height() > 0))
        return false;
    DensityRaster raster(image);
    // x' = ax x + bx, y' = ay y + by (the plot's y axis points up).
    const double ax = plot.width() / range.width(), bx = plot.left() - range.left() * ax;
    const double ay = -plot.height() / range.height(), by = plot.bottom() - range.top() * ay;
    const int groups = int(groupColors.size());
    for (int r = 0; r < n; ++r) {
        const int g = groupOfRow[r];
        if (g < 0 || g >= groups)
            continue;
        const QRgb c = groupColors[g];
        if (qAlpha(c) == 0)
            continue;
        const QPointF &p = points[r];
        raster.add(QPointF(ax * p.x() + bx, ay * p.y() + by), c);
    }
    const double dpr = image.devicePixelRatio() > 0 ? image.devicePixelRatio() : 1.0;
    const double pixels = plot.width() * plot.height() * dpr * dpr;
    if (raster.total() < minPoints || double(raster.total()) < perPixel * pixels)
        return false;
    raster.paint(image);
    return true;
}

} // namespace es
