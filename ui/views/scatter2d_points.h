#pragma once
// DotRaster: draws many round, antialiased dots of one size and colour into a premultiplied
// ARGB32 image by blending a pre-drawn sprite, for the 2D map's painted point layer
// (Scatter2DView, large N without a GPU). QPainter costs about a microsecond or more per dot;
// a sprite blend is a few pixels of arithmetic, so 100,000 dots take a few milliseconds.
// Dots are centred on the nearest device pixel (as OpenGL points are), so the pixel under
// a point's position always has its full colour, also for dots of 2-3 pixels.
#include <QColor>
#include <QHash>
#include <QImage>
#include <QPointF>

namespace es {

class DotRaster {
public:
    // Draws into `target` (ARGB32_Premultiplied; logical coordinates are scaled by its
    // device pixel ratio).
    explicit DotRaster(QImage &target);

    // One dot of `diameter` logical pixels centred on `at` (logical coordinates of the
    // target); dots outside the image are clipped, non-finite positions are skipped.
    void draw(const QPointF &at, const QColor &color, double diameter);

private:
    struct Sprite {
        QImage image;
        int half = 0; // device pixels from the sprite's corner pixel to its centre pixel
    };
    const Sprite &spriteFor(const QColor &color, double diameter);
    void blend(const QImage &sprite, int x0, int y0);

    QImage &img_;
    uchar *bits_ = nullptr;
    qsizetype bytesPerLine_ = 0;
    double dpr_ = 1;
    QHash<quint64, Sprite> sprites_;
    quint64 lastKey_ = ~quint64(0);
    const Sprite *last_ = nullptr;
};

} // namespace es
