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
// in the caption's colour, so it reads on any point colour. layoutPlotCaptions() places
// them first (larger captions first), a simple label-placement pass: each caption tries
// places around its anchor (the cluster's mean) and takes the one that covers the fewest
// points (CaptionAvoid::points, a density grid) and lies nearest, never overlapping a
// caption already placed nor covering a point that must stay visible (the selected point
// and its neighbours). A caption moved off its anchor gets a leader line to a dot there.
// A caption with no free place is left out. The words are whole: those that do not fit
// the box's width are left out rather than cut ("company, bank", not "company, bank, bo...").
#include <QColor>
#include <QPointF>
#include <QRectF>
#include <QString>
#include <QStringList>
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

// What captions should not cover, in pixels (painter coordinates).
struct CaptionAvoid {
    QVector<QPointF> points;    // the points drawn: captions prefer places with few of them
    QVector<QPointF> keepClear; // never covered (the selected point, its neighbours)
    double clearRadius = 8;     // around each keepClear point
};

// A caption as placed: its box, the anchor pixel, and the lines drawn.
struct PlacedCaption {
    int index = 0;      // into the captions given
    QRectF box;
    QPointF anchor;
    QString title;      // whole
    QStringList words;  // whole words that fit
    bool leader = false; // the box is off its anchor: a line joins them
};

QVector<PlacedCaption> layoutPlotCaptions(const QVector<PlotCaption> &captions,
                                          const std::function<QPointF(const QPointF &)> &toPixel,
                                          const QRectF &plot, const QFont &font,
                                          const CaptionAvoid &avoid = {});
// Paints captions laid out by layoutPlotCaptions; returns the boxes drawn (in painter
// coordinates), for tests.
QVector<QRectF> paintPlotCaptions(QPainter &painter, const QVector<PlotCaption> &captions,
                                  const std::function<QPointF(const QPointF &)> &toPixel, const QRectF &plot,
                                  const QFont &font, const QColor &foreground, const QColor &background,
                                  const CaptionAvoid &avoid = {});
void paintPlacedCaptions(QPainter &painter, const QVector<PlacedCaption> &placed,
                         const QVector<PlotCaption> &captions, const QRectF &plot, const QFont &font,
                         const QColor &foreground, const QColor &background);

} // namespace es
