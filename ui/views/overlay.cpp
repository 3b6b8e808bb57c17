#include "views/overlay.h"

#include <QFontMetricsF>
#include <QOpenGLFunctions>
#include <QOpenGLWidget>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>
#include <numeric>

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

QVector<QRectF> paintPlotCaptions(QPainter &p, const QVector<PlotCaption> &captions,
                                  const std::function<QPointF(const QPointF &)> &toPixel, const QRectF &plot,
                                  const QFont &font, const QColor &foreground, const QColor &background)
{
    QVector<QRectF> placed;
    if (captions.isEmpty() || plot.width() < 40 || plot.height() < 30)
        return placed;
    QFont titleFont = font;
    titleFont.setBold(true);
    QFont wordFont = font;
    wordFont.setPointSizeF(font.pointSizeF() > 0 ? font.pointSizeF() * 0.92 : 9);
    const QFontMetricsF tfm(titleFont), wfm(wordFont);
    const double pad = 4, maxWidth = std::max(80.0, std::min(260.0, plot.width() * 0.4));

    std::vector<int> order(std::size_t(captions.size()));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return captions[a].weight > captions[b].weight; });

    QColor fill = background;
    fill.setAlphaF(0.86f);
    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setRenderHint(QPainter::TextAntialiasing, true);
    p.setClipRect(plot);
    for (int i : order) {
        const PlotCaption &c = captions[i];
        const QPointF at = toPixel(c.position);
        if (!std::isfinite(at.x()) || !std::isfinite(at.y()) || !plot.contains(at))
            continue;
        // Title (the group name) bold, words below; each line elided to maxWidth.
        const int colon = c.text.indexOf(QStringLiteral(": "));
        const QString title = tfm.elidedText(colon >= 0 ? c.text.left(colon) : c.text, Qt::ElideRight, maxWidth);
        const QString words = colon >= 0 ? wfm.elidedText(c.text.mid(colon + 2), Qt::ElideRight, maxWidth) : QString();
        const double w = std::max(tfm.horizontalAdvance(title), words.isEmpty() ? 0.0 : wfm.horizontalAdvance(words));
        const double h = tfm.height() + (words.isEmpty() ? 0.0 : wfm.height());
        const QSizeF size(w + 2 * pad, h + 2 * pad - 1);
        // Candidate places: centred on the mean, then shifted by a line up and down.
        QRectF box;
        bool found = false;
        for (double dy : {0.0, -1.0, 1.0, -2.0, 2.0, -3.0, 3.0}) {
            QRectF r(at.x() - size.width() / 2, at.y() - size.height() / 2 + dy * (size.height() * 0.6 + 2), size.width(),
                     size.height());
            // Inside the plot.
            r.moveLeft(std::clamp(r.left(), plot.left() + 1, std::max(plot.left() + 1, plot.right() - r.width() - 1)));
            r.moveTop(std::clamp(r.top(), plot.top() + 1, std::max(plot.top() + 1, plot.bottom() - r.height() - 1)));
            const bool clash = std::any_of(placed.begin(), placed.end(),
                                           [&](const QRectF &q) { return q.adjusted(-2, -2, 2, 2).intersects(r); });
            if (!clash) {
                box = r;
                found = true;
                break;
            }
        }
        if (!found)
            continue;
        placed.append(box);
        const QColor border = c.color.isValid() ? c.color : foreground;
        p.setPen(QPen(border, 1.6));
        p.setBrush(fill);
        p.drawRoundedRect(box, 4, 4);
        p.setPen(foreground);
        p.setFont(titleFont);
        p.drawText(QRectF(box.left() + pad, box.top() + pad - 1, box.width() - 2 * pad, tfm.height()),
                   Qt::AlignHCenter | Qt::AlignVCenter, title);
        if (!words.isEmpty()) {
            p.setFont(wordFont);
            p.drawText(QRectF(box.left() + pad, box.top() + pad - 1 + tfm.height(), box.width() - 2 * pad, wfm.height()),
                       Qt::AlignHCenter | Qt::AlignVCenter, words);
        }
    }
    p.restore();
    return placed;
}

} // namespace es
