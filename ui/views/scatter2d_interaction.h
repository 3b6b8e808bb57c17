#pragma once
// Scatter2DInteraction: the 2D map's mouse and keyboard input (Scatter2DView), apart from
// its rendering. Installed as the event filter of the view's transparent overlay (stacked
// on the chart), it owns the gesture state and turns events into requests to the view
// through Scatter2DInteractionHost:
//   wheel = zoom around the cursor, drag = pan (or the drag mode), Shift+drag = rubber
//   band, Ctrl+drag = lasso, click = select the nearest point within a few pixels,
//   Ctrl+click = toggle, Alt adds a band or lasso to the selection, double click / Home / R
//   = reset, Esc = show all again after an isolation, else clear the selection; hovering
//   shows the row's text as a tooltip.
// paint() draws the rubber band or lasso being dragged, in overlay coordinates; the view
// calls it from the overlay's paint callback.
#include <QObject>
#include <QPointF>
#include <QPolygonF>
#include <QVector>

QT_BEGIN_NAMESPACE
class QColor;
class QPainter;
class QPoint;
class QWidget;
QT_END_NAMESPACE

namespace es {

// What a drag without modifiers does (Scatter2DView::DragMode).
enum class Scatter2DDragMode { Pan, RubberBand, Lasso };

// What the interaction asks of the view. Positions are in the view's widget coordinates.
class Scatter2DInteractionHost {
public:
    virtual ~Scatter2DInteractionHost() = default;
    // Where overlay coordinates start in the view's coordinates.
    virtual QPointF overlayOffset() const = 0;
    // The row nearest pos within the pick radius, or -1.
    virtual int pickRow(const QPointF &pos) const = 0;
    // The shown rows inside the rectangle with corners a and b / inside the polygon.
    virtual QVector<int> rowsInRect(const QPointF &a, const QPointF &b) const = 0;
    virtual QVector<int> rowsInPolygon(const QPolygonF &polygon) const = 0;
    virtual const QVector<int> &selectedRows() const = 0;
    virtual bool isRowSelected(int row) const = 0;
    // Selects the rows and emits pointsSelected.
    virtual void selectRowsByUser(const QVector<int> &rows) = 0;
    // Selects the row and emits pointClicked.
    virtual void clickRow(int row) = 0;
    // Emits pointHovered(row) (-1 when leaving).
    virtual void hoverRow(int row) = 0;
    virtual void showRowTooltip(int row, const QPoint &globalPos) = 0;
    virtual void panPixels(const QPointF &pixels) = 0;
    virtual void zoomAround(double factor, const QPointF &anchor) = 0;
    virtual void resetZoom() = 0;
    // Shows all rows again if some are isolated (emitting isolationChanged); false if none were.
    virtual bool endIsolation() = 0;
};

class Scatter2DInteraction : public QObject {
    Q_OBJECT
public:
    // Takes the input of `overlay` (whose coordinates are the view's minus overlayOffset()).
    Scatter2DInteraction(Scatter2DInteractionHost *host, QWidget *overlay, QObject *parent = nullptr);

    void setDragMode(Scatter2DDragMode mode) { dragMode_ = mode; }
    Scatter2DDragMode dragMode() const { return dragMode_; }

    // Draws the rubber band or lasso being dragged (overlay coordinates).
    void paint(QPainter &p, const QColor &accent) const;

    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    enum class Gesture { None, Press, Pan, Rubber, Lasso };
    void selectRows(const QVector<int> &rows);

    Scatter2DInteractionHost *host_;
    QWidget *overlay_;
    Scatter2DDragMode dragMode_ = Scatter2DDragMode::Pan;
    Gesture gesture_ = Gesture::None;
    Scatter2DDragMode pressMode_ = Scatter2DDragMode::Pan;
    QPointF pressPos_, lastPos_; // view coordinates
    QPolygonF lasso_;            // overlay coordinates
    Qt::KeyboardModifiers pressMods_;
    int hoverRow_ = -1;
};

} // namespace es
