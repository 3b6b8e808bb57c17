#pragma once
// OverlayWidget: a transparent widget stacked over a plot. It paints what must never be a
// chart item (rubber band, lasso path, point labels, captions, placeholder text: DESIGN.md
// s.7, the OpenGL overlay hazard) through a callback, and it receives the plot's mouse and
// wheel events, which its owner handles with an event filter. Note: Qt Charts' OpenGL layer
// is a QOpenGLWidget with WA_AlwaysStackOnTop, composited above every raster widget, so
// where an OpenGL point and a raster overlay overlap the point wins. What must stay
// readable there (the captions) is painted, with setAboveOpenGL(true), into a transparent
// QOpenGLWidget child that is itself stacked on top and composited after the chart's
// layer; input still reaches this widget.
//
// paintPlotCaptions() draws captions (e.g. the doctor's cluster captions) at data
// positions: each in a rounded, mostly opaque box of the background colour with a border
// in the caption's colour, so it reads on any point colour. Larger captions are placed
// first; a caption that would cover one already placed moves up or down by a line, and is
// left out when no nearby place is free.
#include <QColor>
#include <QPointF>
#include <QRectF>
#include <QString>
#include <QVector>
#include <QWidget>

#include <functional>

class QFont;
class QOpenGLWidget;
class QPainter;

namespace es {

class OverlayWidget : public QWidget {
    Q_OBJECT
public:
    explicit OverlayWidget(QWidget *parent = nullptr);
    void setPaintCallback(std::function<void(QPainter &)> paint) { paint_ = std::move(paint); }
    // Paints through an OpenGL layer stacked above OpenGL chart series (see above).
    void setAboveOpenGL(bool on);
    bool isAboveOpenGL() const { return gl_ != nullptr; }

protected:
    void paintEvent(QPaintEvent *) override;
    void resizeEvent(QResizeEvent *) override;

private:
    std::function<void(QPainter &)> paint_;
    QOpenGLWidget *gl_ = nullptr;
};

// A caption at a data position. The text's first line (up to ": ") is drawn bold as the
// title, the rest below it.
struct PlotCaption {
    QPointF position;      // data coordinates
    QString text;          // "name: word, word, word"
    QColor color;          // border (e.g. the group's colour); invalid = foreground
    int weight = 0;        // placement priority (e.g. group size): higher first
};

// Paints captions centred on toPixel(position), kept inside plot; returns the boxes drawn
// (in painter coordinates), for tests.
QVector<QRectF> paintPlotCaptions(QPainter &painter, const QVector<PlotCaption> &captions,
                                  const std::function<QPointF(const QPointF &)> &toPixel, const QRectF &plot,
                                  const QFont &font, const QColor &foreground, const QColor &background);

} // namespace es
