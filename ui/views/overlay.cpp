#include "views/overlay.h"

#include <QFontMetricsF>
#include <QOpenGLFunctions>
#include <QOpenGLWidget>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

namespace es {

namespace {

// The overlay's paint callback on a transparent OpenGL surface, stacked on top.
class GLLayer final : public QOpenGLWidget {
public:
    GLLayer(QWidget *parent, std::function<void(QPainter &)> *paint) : QOpenGLWidget(parent), paint_(paint)
    {
        QSurfaceFormat f = format();
        f.setAlphaBufferSize(8);
        setFormat(f);
        setAttribute(Qt::WA_AlwaysStackOnTop);
        setAttribute(Qt::WA_TransparentForMouseEvents);
        setFocusPolicy(Qt::NoFocus);
    }

protected:
    void paintGL() override
    {
        auto *gl = context()->functions();
        gl->glClearColor(0, 0, 0, 0);
        gl->glClear(GL_COLOR_BUFFER_BIT);
        if (paint_ && *paint_) {
            QPainter p(this);
            (*paint_)(p);
        }
    }

private:
    std::function<void(QPainter &)> *paint_;
};

} // namespace

OverlayWidget::OverlayWidget(QWidget *parent) : QWidget(parent)
{
    setAttribute(Qt::WA_NoSystemBackground);
    setAttribute(Qt::WA_TranslucentBackground);
    setAutoFillBackground(false);
    setMouseTracking(true);
    setFocusPolicy(Qt::ClickFocus);
}

void OverlayWidget::setAboveOpenGL(bool on)
{
    if (on == (gl_ != nullptr))
        return;
    if (on) {
        gl_ = new GLLayer(this, &paint_);
        gl_->setGeometry(rect());
        gl_->show();
    } else {
        delete gl_;
        gl_ = nullptr;
    }
    update();
}

void OverlayWidget::resizeEvent(QResizeEvent *e)
{
    QWidget::resizeEvent(e);
    if (gl_)
        gl_->setGeometry(rect());
}

void OverlayWidget::paintEvent(QPaintEvent *)
{
    if (gl_) { // everything goes to the layer on top
        gl_->update();
        return;
    }
    if (!paint_)
        return;
    QPainter p(this);
    paint_(p);
}

namespace {

struct CaptionFonts {
    QFont title, words;
};

CaptionFonts captionFonts(const QFont &font)
{
    CaptionFonts f{font, font};
    f.title.setBold(true);
    f.words.setPointSizeF(font.pointSizeF() > 0 ? font.pointSizeF() * 0.92 : 9);
    return f;
}

constexpr double kCaptionPad = 4;

// Counts of points per cell, summed (a summed-area table): the points under a box in O(1).
class DensityGrid {
public:
    DensityGrid(const QRectF &plot, const QVector<QPointF> &points, double cell = 8) : plot_(plot), cell_(cell)
    {
        nx_ = std::max(1, int(std::ceil(plot.width() / cell)));
        ny_ = std::max(1, int(std::ceil(plot.height() / cell)));
        sum_.assign(std::size_t(nx_ + 1) * std::size_t(ny_ + 1), 0);
        for (const QPointF &p : points) {
            const int x = int((p.x() - plot.left()) / cell), y = int((p.y() - plot.top()) / cell);
            if (x >= 0 && y >= 0 && x < nx_ && y < ny_)
                ++at(x + 1, y + 1);
        }
        for (int y = 1; y <= ny_; ++y)
            for (int x = 1; x <= nx_; ++x)
                at(x, y) += at(x - 1, y) + at(x, y - 1) - at(x - 1, y - 1);
    }
    // Points in the cells the box touches.
    double count(const QRectF &r) const
    {
        const int x0 = std::clamp(int((r.left() - plot_.left()) / cell_), 0, nx_);
        const int x1 = std::clamp(int(std::ceil((r.right() - plot_.left()) / cell_)), 0, nx_);
        const int y0 = std::clamp(int((r.top() - plot_.top()) / cell_), 0, ny_);
        const int y1 = std::clamp(int(std::ceil((r.bottom() - plot_.top()) / cell_)), 0, ny_);
        return double(at(x1, y1) - at(x0, y1) - at(x1, y0) + at(x0, y0));
    }

private:
    long long &at(int x, int y) { return sum_[std::size_t(y) * std::size_t(nx_ + 1) + std::size_t(x)]; }
    long long at(int x, int y) const { return sum_[std::size_t(y) * std::size_t(nx_ + 1) + std::size_t(x)]; }
    QRectF plot_;
    double cell_;
    int nx_ = 1, ny_ = 1;
    std::vector<long long> sum_;
};

// The point of r nearest to p (p itself when inside).
QPointF nearestOnRect(const QRectF &r, const QPointF &p)
{
    return {std::clamp(p.x(), r.left(), r.right()), std::clamp(p.y(), r.top(), r.bottom())};
}

} // namespace

QVector<PlacedCaption> layoutPlotCaptions(const QVector<PlotCaption> &captions,
                                          const std::function<QPointF(const QPointF &)> &toPixel,
                                          const QRectF &plot, const QFont &font, const CaptionAvoid &avoid)
{
    QVector<PlacedCaption> placed;
    if (captions.isEmpty() || plot.width() < 40 || plot.height() < 30)
        return placed;
    const CaptionFonts fonts = captionFonts(font);
    const QFontMetricsF tfm(fonts.title), wfm(fonts.words);
    const double pad = kCaptionPad, maxWidth = std::max(80.0, std::min(260.0, plot.width() * 0.4));
    const DensityGrid density(plot, avoid.points);

    std::vector<int> order(std::size_t(captions.size()));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return captions[a].weight > captions[b].weight; });
    for (int i : order) {
        const PlotCaption &c = captions[i];
        const QPointF at = toPixel(c.position);
        if (!std::isfinite(at.x()) || !std::isfinite(at.y()) || !plot.contains(at))
            continue;
        PlacedCaption pc;
        pc.index = i;
        pc.anchor = at;
        // Title (the group name) bold, whole; the words below, whole, as many as fit.
        const int colon = c.text.indexOf(QStringLiteral(": "));
        pc.title = colon >= 0 ? c.text.left(colon) : c.text;
        const double titleMax = std::max(maxWidth, plot.width() - 2 * pad - 4);
        if (tfm.horizontalAdvance(pc.title) > titleMax) // a very long name: the only cut
            pc.title = tfm.elidedText(pc.title, Qt::ElideRight, titleMax);
        const double lineMax = std::max(maxWidth, tfm.horizontalAdvance(pc.title));
        if (colon >= 0) {
            QString line;
            for (const QString &w : c.text.mid(colon + 2).split(QStringLiteral(", "), Qt::SkipEmptyParts)) {
                const QString next = line.isEmpty() ? w : line + QStringLiteral(", ") + w;
                if (wfm.horizontalAdvance(next) > lineMax)
                    break;
                line = next;
                pc.words.append(w);
            }
        }
        const QString words = pc.words.join(QStringLiteral(", "));
        const double w = std::max(tfm.horizontalAdvance(pc.title), words.isEmpty() ? 0.0 : wfm.horizontalAdvance(words));
        const double h = tfm.height() + (words.isEmpty() ? 0.0 : wfm.height());
        const QSizeF size(std::ceil(w + 2 * pad), std::ceil(h + 2 * pad - 1));

        // Candidates: centred on the anchor, then on rings around it; the cost is the points
        // covered plus the distance moved (20 px cost one point).
        QRectF best;
        double bestCost = std::numeric_limits<double>::max();
        auto consider = [&](const QPointF &centre) {
            QRectF r(centre.x() - size.width() / 2, centre.y() - size.height() / 2, size.width(), size.height());
            r.moveLeft(std::clamp(r.left(), plot.left() + 1, std::max(plot.left() + 1, plot.right() - r.width() - 1)));
            r.moveTop(std::clamp(r.top(), plot.top() + 1, std::max(plot.top() + 1, plot.bottom() - r.height() - 1)));
            for (const PlacedCaption &q : placed)
                if (q.box.adjusted(-3, -3, 3, 3).intersects(r))
                    return;
            const QRectF clear = r.adjusted(-avoid.clearRadius, -avoid.clearRadius, avoid.clearRadius, avoid.clearRadius);
            for (const QPointF &k : avoid.keepClear)
                if (clear.contains(k))
                    return;
            const QPointF d = nearestOnRect(r, at) - at;
            const double cost = density.count(r) + std::hypot(d.x(), d.y()) / 20.0;
            if (cost < bestCost) {
                bestCost = cost;
                best = r;
            }
        };
        consider(at);
        const double stepX = size.width() / 2 + 6, stepY = size.height() / 2 + 6;
        for (int ring = 1; ring <= 6; ++ring)
            for (int k = 0; k < 16; ++k) {
                const double a = k * M_PI / 8;
                consider(at + QPointF(std::cos(a) * stepX * ring * 0.75, std::sin(a) * stepY * ring * 0.75));
            }
        if (best.isNull())
            continue;
        pc.box = best;
        pc.leader = !best.adjusted(-2, -2, 2, 2).contains(at);
        placed.append(pc);
    }
    return placed;
}

void paintPlacedCaptions(QPainter &p, const QVector<PlacedCaption> &placed, const QVector<PlotCaption> &captions,
                         const QRectF &plot, const QFont &font, const QColor &foreground, const QColor &background)
{
    if (placed.isEmpty())
        return;
    const CaptionFonts fonts = captionFonts(font);
    const QFontMetricsF tfm(fonts.title), wfm(fonts.words);
    const double pad = kCaptionPad;
    QColor fill = background;
    fill.setAlphaF(0.88f);
    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setRenderHint(QPainter::TextAntialiasing, true);
    p.setClipRect(plot);
    // Leader lines first, under every box.
    for (const PlacedCaption &pc : placed) {
        if (!pc.leader)
            continue;
        const PlotCaption &c = captions[pc.index];
        const QColor line = c.color.isValid() ? c.color : foreground;
        p.setPen(QPen(background, 3.2, Qt::SolidLine, Qt::RoundCap));
        p.drawLine(pc.anchor, nearestOnRect(pc.box, pc.anchor));
        p.setPen(QPen(line, 1.4, Qt::SolidLine, Qt::RoundCap));
        p.drawLine(pc.anchor, nearestOnRect(pc.box, pc.anchor));
        p.setPen(QPen(background, 1.2));
        p.setBrush(line);
        p.drawEllipse(pc.anchor, 3.2, 3.2);
    }
    for (const PlacedCaption &pc : placed) {
        const PlotCaption &c = captions[pc.index];
        const QRectF &box = pc.box;
        const QColor border = c.color.isValid() ? c.color : foreground;
        p.setPen(QPen(border, 1.6));
        p.setBrush(fill);
        p.drawRoundedRect(box, 4, 4);
        p.setPen(foreground);
        p.setFont(fonts.title);
        p.drawText(QRectF(box.left() + pad, box.top() + pad - 1, box.width() - 2 * pad, tfm.height()),
                   Qt::AlignHCenter | Qt::AlignVCenter, pc.title);
        if (!pc.words.isEmpty()) {
            p.setFont(fonts.words);
            p.drawText(QRectF(box.left() + pad, box.top() + pad - 1 + tfm.height(), box.width() - 2 * pad, wfm.height()),
                       Qt::AlignHCenter | Qt::AlignVCenter, pc.words.join(QStringLiteral(", ")));
        }
    }
    p.restore();
}

QVector<QRectF> paintPlotCaptions(QPainter &p, const QVector<PlotCaption> &captions,
                                  const std::function<QPointF(const QPointF &)> &toPixel, const QRectF &plot,
                                  const QFont &font, const QColor &foreground, const QColor &background,
                                  const CaptionAvoid &avoid)
{
    const QVector<PlacedCaption> placed = layoutPlotCaptions(captions, toPixel, plot, font, avoid);
    paintPlacedCaptions(p, placed, captions, plot, font, foreground, background);
    QVector<QRectF> boxes;
    for (const PlacedCaption &pc : placed)
        boxes.append(pc.box);
    return boxes;
}

} // namespace es
