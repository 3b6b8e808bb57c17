#pragma once
// DensityRaster: the 2D map's density view for very many points (the datashader look).
// Each point falls into the device pixel under it; every pixel keeps how many points it
// holds and the sum of their colours. paint() then writes one colour per covered pixel:
// the mean colour of its points (label colours blended by count), with an opacity that
// grows with the count through histogram equalisation (datashader's default "eq_hist":
// the pixel's rank among the covered pixels, so a few very dense pixels do not leave the
// rest faint) or through log(count). The opacity never drops below minAlpha, so a single
// point stays visible; the background shows through the rest, so the same image reads on
// the light and the dark theme. Zoomed out, a million points read as shapes instead of a
// blot of overdrawn dots, at a few ns per point plus a pass over the pixels.
// Scatter2DView switches between this and DotRaster (see useDensity()).
#include <QImage>
#include <QPointF>
#include <QRectF>
#include <QRgb>
#include <QVector>

#include <cstdint>
#include <vector>

namespace es {

class DensityRaster {
public:
    enum class Shading { EqHist, Log };

    // Bins the pixels of `target` (logical coordinates are scaled by its device pixel ratio).
    explicit DensityRaster(const QImage &target);
    DensityRaster(QSize devicePixels, double devicePixelRatio);
    ~DensityRaster();
    DensityRaster(const DensityRaster &) = delete;
    DensityRaster &operator=(const DensityRaster &) = delete;

    // One point at `at` (logical coordinates of the target); points outside are ignored.
    void add(const QPointF &at, QRgb color)
    {
        const double x = at.x() * dpr_, y = at.y() * dpr_;
        // Also false for NaN.
        if (!(x >= 0 && y >= 0 && x < w_ && y < h_))
            return;
        Bin &b = bins_[std::size_t(int(y)) * std::size_t(w_) + std::size_t(int(x))];
        if (++b.n > max_)
            max_ = b.n;
        b.r += qRed(color);
        b.g += qGreen(color);
        b.b += qBlue(color);
        ++total_;
    }

    // Writes the covered pixels over `target` (ARGB32_Premultiplied, the size given to the
    // constructor); pixels without points are left as they are.
    void paint(QImage &target, Shading shading = Shading::EqHist, int minAlpha = kMinAlpha) const;

    std::uint32_t countAt(int x, int y) const { return bins_[std::size_t(y) * std::size_t(w_) + std::size_t(x)].n; }
    std::int64_t total() const { return total_; }
    std::uint32_t maxCount() const;
    // Opacity (0-255) paint() gives a pixel holding `count` points (0 for none); valid after
    // prepare() or paint().
    int alphaFor(std::uint32_t count) const;
    void prepare(Shading shading = Shading::EqHist, int minAlpha = kMinAlpha) const;

    // A single point's opacity: about a quarter, readable on both themes.
    static constexpr int kMinAlpha = 70;

private:
    struct Bin {
        std::uint32_t n = 0, r = 0, g = 0, b = 0;
    };
    int w_ = 0, h_ = 0;
    double dpr_ = 1;
    static std::vector<Bin> &spare();
    std::vector<Bin> bins_;
    std::int64_t total_ = 0;
    std::uint32_t max_ = 0;
    mutable std::vector<std::uint8_t> alpha_; // by count, after prepare()
};

// When the 2D map draws density instead of dots: at least kDensityMinPoints points of
// shown groups inside the plot, averaging at least kDensityPerPixel points per device pixel
// of the plot (zoomed out on a large set). Measured with bench_views scatter2DMillion
// (points in input order into a 1300x820 image, machine shared, load ~9 on 2 cores): 3 px
// dots against density took 23/20 ms at 100k points, 47/23 ms at 200k, 108/36 ms at 500k,
// 184/72 ms at 1M. From 200k on density is the cheaper picture, and at 0.1 points per pixel
// 3 px dots already cover a cluster several times over (a blot); below, dots stay as before.
constexpr int kDensityMinPoints = 200000;
constexpr double kDensityPerPixel = 0.1;

// The points of a large map in cell order (a uniform grid over their bounds, about 4
// points a cell) with their group: drawing then walks memory in order (binning 1M points
// in input order missed the cache on every point) and visits only the cells in view, so a
// zoomed-in frame costs what is on screen, not the whole set. Built in O(N) when the
// points or groups change (counting sort, as PointGrid).
class CellOrderedPoints {
public:
    void build(const QVector<QPointF> &points, const QVector<int> &groupOfRow);
    void clear() { pts_.clear(); start_.clear(); nx_ = ny_ = 0; }
    bool isEmpty() const { return pts_.empty(); }
    int size() const { return int(pts_.size()); }

    struct Point {
        float x, y;
        int group;
    };
    // Calls f(const Point &) for the points of every cell that meets `data` (a superset of
    // the points inside it), cell row by cell row.
    template <class F>
    void forEachIn(const QRectF &data, F &&f) const
    {
        if (pts_.empty())
            return;
        const QRectF r = data.normalized();
        if (r.right() < bounds_.left() || r.left() > bounds_.right() || r.bottom() < bounds_.top()
            || r.top() > bounds_.bottom())
            return;
        const int cx0 = cellX(r.left()), cx1 = cellX(r.right()), cy0 = cellY(r.top()), cy1 = cellY(r.bottom());
        for (int cy = cy0; cy <= cy1; ++cy) {
            const int k0 = start_[std::size_t(cy) * nx_ + cx0], k1 = start_[std::size_t(cy) * nx_ + cx1 + 1];
            for (int k = k0; k < k1; ++k)
                f(pts_[std::size_t(k)]);
        }
    }

private:
    int cellX(double x) const;
    int cellY(double y) const;
    std::vector<Point> pts_;
    std::vector<int> start_; // nx*ny+1 offsets into pts_
    QRectF bounds_;
    int nx_ = 0, ny_ = 0;
    double cw_ = 1, ch_ = 1;
};

// The painted layer's density branch. Bins the points in view whose group colour is not
// fully transparent (hidden groups are) at their positions on the plot, which maps data
// `range` onto `plot` (logical coordinates of `image`, y up); when the rule above holds,
// paints the density into `image` and returns true; otherwise leaves the image alone and
// returns false (draw dots).
bool paintDensityIfDense(QImage &image, const QRectF &plot, const QRectF &range, const CellOrderedPoints &points,
                         const QVector<QRgb> &groupColors, int minPoints = kDensityMinPoints,
                         double perPixel = kDensityPerPixel);

// The dots of the points in view, group by group in group order (later groups on top), each
// in its group's colour (hidden groups: an invalid colour), `diameter` logical pixels wide.
class DotRaster;
void paintDotsInView(DotRaster &dots, const QRectF &plot, const QRectF &range, const CellOrderedPoints &points,
                     const QVector<QColor> &groupColors, double diameter);

} // namespace es
