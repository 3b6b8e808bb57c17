#pragma once
// HeatmapView: the pairwise cosine-similarity matrix painted from a QImage (one pixel per
// cell, scaled without smoothing so every cell shows exactly its colour map colour), with
// a colour legend, label strips along both axes, zoom (wheel, around the cursor) and pan
// (drag). Hover shows both sentences and the cosine; a click selects both rows in the
// shared selection model. Large matrices are drawn as an aggregated overview (block means)
// that refines to exact cells once the zoomed-in region is small enough.
#include "views/pointview.h"
#include "util/types.h"

#include <QImage>
#include <QPointer>
#include <QVector>
#include <QWidget>

#include <functional>
#include <memory>

class QItemSelectionModel;

namespace es {

class HeatmapView : public QWidget {
    Q_OBJECT
public:
    enum class ColorMap { Sequential, Diverging };

    explicit HeatmapView(QWidget *parent = nullptr);

    // The N x N similarity matrix (shared, never copied); nullptr clears the view.
    void setMatrix(std::shared_ptr<const Matrix> similarity);
    std::shared_ptr<const Matrix> matrix() const { return sim_; }
    int count() const { return sim_ ? int(sim_->rows()) : 0; }
    // Display order: order[position] = row. Empty = input order.
    void setOrder(const QVector<int> &order);
    const QVector<int> &order() const { return order_; }
    void setColorMap(ColorMap map);
    ColorMap colorMap() const { return map_; }
    // Label colours for the axis strips (same groups as the scatter views).
    void setGroups(const QVector<int> &group, const QList<PointGroup> &groups);
    void setHighlight(const QVector<int> &rows);
    void setSelectionModel(QItemSelectionModel *selection);
    // Text of a row for tooltips.
    void setTextProvider(std::function<QString(int)> textOf) { textOf_ = std::move(textOf); }
    // Message drawn instead of the matrix (e.g. why there is none).
    void setPlaceholder(const QString &text);

    // Colour of a similarity value in the current colour map and range.
    QColor colorFor(float value) const;
    float rangeMin() const { return scale_.lo; }
    float rangeMax() const { return scale_.hi; }
    // False while the image of a large matrix is being made on a worker thread.
    bool isReady() const { return !building_; }
    // Widget-space rectangle of the cell (row a, column b), in data rows.
    QRectF cellRect(int rowA, int rowB) const;
    // Data rows under a widget position, or {-1,-1}.
    QPair<int, int> cellAt(const QPointF &pos) const;
    double zoom() const { return zoom_; }
    void setZoom(double zoom, const QPointF &anchor);
    void resetView();
    // Renders the whole view (legend included) at the given size.
    QImage renderImage(const QSize &size);

signals:
    void ready(); // the image of a large matrix is in place
    void cellClicked(int rowA, int rowB);
    void cellHovered(int rowA, int rowB); // -1,-1 when leaving

protected:
    void paintEvent(QPaintEvent *) override;
    void resizeEvent(QResizeEvent *) override;
    void wheelEvent(QWheelEvent *) override;
    void mousePressEvent(QMouseEvent *) override;
    void mouseMoveEvent(QMouseEvent *) override;
    void mouseReleaseEvent(QMouseEvent *) override;
    void mouseDoubleClickEvent(QMouseEvent *) override;
    void leaveEvent(QEvent *) override;
    bool event(QEvent *) override;

private:
    struct Layout {
        QRectF plot;    // the square the matrix fills at zoom 1
        QRectF legend;  // colour bar
    };
    Layout layoutFor(const QSizeF &size) const;
    void paintTo(QPainter &p, const QSizeF &size, const Layout &lay);
    struct Scale {
        float lo = 0, hi = 1;
        QVector<QRgb> lut;
        QRgb rgb(float v) const;
    };
    struct Built {
        Scale scale;
        QImage image;
        int cells = 0;
    };
    static Scale makeScale(const Matrix *sim, ColorMap map);
    static Built build(std::shared_ptr<const Matrix> sim, QVector<int> order, ColorMap map, bool rescale,
                       Scale scale);
    void rebuild(bool rescale);
    const QImage &detailFor(int p0, int p1, int q0, int q1);
    QRgb rgbFor(float value) const;
    int posOfRow(int row) const { return posOf_.isEmpty() ? row : posOf_.value(row, -1); }
    int rowAtPos(int pos) const { return order_.isEmpty() ? pos : order_.value(pos, -1); }
    void clampView();
    void updateSelectionFromModel();

    std::shared_ptr<const Matrix> sim_;
    QVector<int> order_, posOf_;
    ColorMap map_ = ColorMap::Sequential;
    Scale scale_;
    quint64 buildGeneration_ = 0;
    bool building_ = false;
    int builtCount_ = 0;
    QImage overview_;       // n x n, or M x M block means for large n
    int overviewCells_ = 0; // cells per overview pixel side (1 = exact)
    QImage detail_;
    QRect detailRange_;
    QVector<int> group_;
    QList<PointGroup> groups_;
    QVector<int> highlight_;
    QVector<int> selected_;
    QPointer<QItemSelectionModel> selection_;
    std::function<QString(int)> textOf_;
    QString placeholder_;
    double zoom_ = 1;        // >= 1
    QPointF viewOrigin_;     // top-left visible position, in cells
    QPointF pressPos_;
    QPointF lastDrag_;
    bool dragging_ = false;
    bool pressed_ = false;
};

} // namespace es
