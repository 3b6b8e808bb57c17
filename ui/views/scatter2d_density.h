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

    // One point at `at` (logical coordinates of the target); points outside are ignored.
    void add(const QPointF &at, QRgb color)
    {
        const double x = at.x() * dpr_, y = at.y() * dpr_;
        // Also false for NaN.
        if (!(x >= 0 && y >= 0 && x < w_ && y < h_))
            return;
        Bin &b = bins_[std::size_t(int(y)) * std::size_t(w_) + std::size_t(int(x))];
        ++b.n;
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
    std::vector<Bin> bins_;
    std::int64_t total_ = 0;
    mutable std::vector<std::uint8_t> alpha_; // by count, after prepare()
};

// When the 2D map draws density instead of dots: at least kDensityMinPoints points of
// shown groups inside the plot, averaging at least kDensityPerPixel points per device pixel
// of the plot (zoomed out on a large set). Measured with bench_views at 1,000,000 points
// (tests/benchmarks/bench_views.cpp, densitySwitch): dots cost about 30 ns a point and
// density 5-10 ns a point plus a pass over the pixels, and at 0.1 points per pixel dots
// of 3 px already cover most of a cluster several times over (a blot); below 200,000
// points dots stay, as before, drawn in a few ms.
constexpr int kDensityMinPoints = 200000;
constexpr double kDensityPerPixel = 0.1;

// The painted layer's density branch. Bins every row whose group colour is not fully
// transparent (hidden groups are) at its position on the plot, which maps data `range`
// onto `plot` (logical coordinates of `image`, y up); when the rule above holds, paints the
// density into `image` and returns true; otherwise leaves the image alone and returns false
// (draw dots). groupOfRow[r] indexes groupColors.
bool paintDensityIfDense(QImage &image, const QRectF &plot, const QRectF &range, const QVector<QPointF> &points,
                         const QVector<int> &groupOfRow, const QVector<QRgb> &groupColors,
                         int minPoints = kDensityMinPoints, double perPixel = kDensityPerPixel);

} // namespace es
