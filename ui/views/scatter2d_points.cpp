#include "views/scatter2d_points.h"

#include <QPainter>

#include <cmath>

namespace es {

namespace {

// x * a / 255 for the four 8-bit channels of a premultiplied pixel at once.
inline quint32 byteMul(quint32 x, quint32 a)
{
    quint32 t = (x & 0xff00ffu) * a;
    t = (t + ((t >> 8) & 0xff00ffu) + 0x800080u) >> 8;
    t &= 0xff00ffu;
    x = ((x >> 8) & 0xff00ffu) * a;
    x = x + ((x >> 8) & 0xff00ffu) + 0x800080u;
    x &= 0xff00ff00u;
    return x | t;
}

} // namespace

DotRaster::DotRaster(QImage &target) : img_(target)
{
    Q_ASSERT(target.format() == QImage::Format_ARGB32_Premultiplied);
    dpr_ = target.devicePixelRatio() > 0 ? target.devicePixelRatio() : 1.0;
    bits_ = target.bits(); // detaches once, not per dot
    bytesPerLine_ = target.bytesPerLine();
}

const DotRaster::Sprite &DotRaster::spriteFor(const QColor &color, double diameter)
{
    const quint64 key = (quint64(color.rgba()) << 32) | quint32(std::lround(diameter * 64));
    if (key == lastKey_)
        return *last_;
    auto it = sprites_.find(key);
    if (it == sprites_.end()) {
        Sprite s;
        const double d = diameter * dpr_;
        // Corner to centre: half the diameter and one pixel for the antialiased rim.
        s.half = int(std::ceil(d / 2 + 1));
        const int side = 2 * s.half + 1;
        s.image = QImage(side, side, QImage::Format_ARGB32_Premultiplied);
        s.image.fill(Qt::transparent);
        QPainter p(&s.image);
        p.setRenderHint(QPainter::Antialiasing, true);
        p.setPen(Qt::NoPen);
        p.setBrush(color);
        p.drawEllipse(QPointF(s.half + 0.5, s.half + 0.5), d / 2, d / 2); // centre of pixel `half`
        p.end();
        it = sprites_.insert(key, s);
    }
    lastKey_ = key;
    last_ = &it.value();
    return *last_;
}

void DotRaster::draw(const QPointF &at, const QColor &color, double diameter)
{
    const double x = at.x() * dpr_, y = at.y() * dpr_;
    if (!std::isfinite(x) || !std::isfinite(y) || diameter <= 0)
        return;
    const Sprite &s = spriteFor(color, diameter);
    if (x < -s.half - 1 || y < -s.half - 1 || x > img_.width() + s.half + 1 || y > img_.height() + s.half + 1)
        return;
    // The pixel that holds the position (pixel i covers [i, i + 1)).
    blend(s.image, int(std::floor(x)) - s.half, int(std::floor(y)) - s.half);
}

void DotRaster::blend(const QImage &sprite, int x0, int y0)
{
    const int w = sprite.width(), h = sprite.height();
    const int sx0 = std::max(0, -x0), sy0 = std::max(0, -y0);
    const int sx1 = std::min(w, img_.width() - x0), sy1 = std::min(h, img_.height() - y0);
    if (sx0 >= sx1 || sy0 >= sy1)
        return;
    for (int sy = sy0; sy < sy1; ++sy) {
        const auto *src = reinterpret_cast<const quint32 *>(sprite.constScanLine(sy));
        auto *dst = reinterpret_cast<quint32 *>(bits_ + (y0 + sy) * bytesPerLine_) + x0;
        for (int sx = sx0; sx < sx1; ++sx) {
            const quint32 s = src[sx];
            const quint32 a = s >> 24;
            if (a == 0)
                continue;
            dst[sx] = a == 255 ? s : s + byteMul(dst[sx], 255 - a);
        }
    }
}

} // namespace es
