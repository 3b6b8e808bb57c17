#pragma once
// HeatmapView: the pairwise cosine-similarity matrix painted from a QImage (one pixel per
// cell, scaled without smoothing so every cell shows exactly its colour map colour), with
// a colour legend, label strips along both axes, zoom (wheel, around the cursor) and pan
// (drag). Hover shows both sentences and the cosine; a click selects both rows in the
// shared selection model. Large matrices are drawn as an aggregated overview (block means)
// that refines to exact cells once the zoomed-in region is small enough.
// Beyond what an N x N matrix allows (setVectors), the view works from the unit vectors:
// the overview holds exact block means, sum(block i) . sum(block j) / (|i| |j|), from one
// B x D block-sum matrix and one B x B product, and a zoomed-in region of at most
// exactRegionLimit() rows per side is computed cell by cell on a worker thread.
#include "jobs/jobrunner.h"
#include "views/pointview.h"
#include "util/types.h"

#include <QFont>
#include <QImage>
#include <QPointer>
#include <QVector>
#include <QWidget>

#include <functional>
#include <memory>
#include <stop_token>

class QItemSelectionModel;

namespace es {

class HeatmapView : public QWidget {
    Q_OBJECT
public:
    enum class ColorMap { Sequential, Diverging };

    explicit HeatmapView(QWidget *parent = nullptr);

    // The N x N similarity matrix (shared, never copied); nullptr clears the view.
    // With the vectors too (optional), the overview of a large matrix (block means) is made
    // from block sums of the vectors instead of summing N x N cells: same values, faster.
    void setMatrix(std::shared_ptr<const Matrix> similarity, std::shared_ptr<const Matrix> vectors = {});
    std::shared_ptr<const Matrix> matrix() const { return sim_; }
    // The N x D vectors instead of a matrix (for N too large for N x N); nullptr clears.
    void setVectors(std::shared_ptr<const Matrix> vectors);
    bool isVectorMode() const { return bool(vecs_); }
    int count() const { return sim_ ? int(sim_->rows()) : vecs_ ? int(vecs_->rows()) : 0; }
    // Blocks per side of the vector-mode overview (default 1024) and the largest zoomed-in
    // region (rows per side) whose exact cells are computed (default 2000).
    void setOverviewBlocks(int blocks);
    void setExactRegionLimit(int rows) { exactLimit_ = std::max(1, rows); }
    int exactRegionLimit() const { return exactLimit_; }
    // Rows per overview pixel side (1 = exact cells).
    int overviewBlockSize() const { return overviewCells_; }
    // True when the cell under a widget position is drawn exactly (not a block mean).
    bool isExactAt(const QPointF &pos) const;
    // Optional: worker jobs run through this runner (progress and cancel in the status bar).
    void setJobRunner(JobRunner *jobs);
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
    // How the range was chosen (the colour bar's tooltip).
    QString rangeDescription() const;
    // Widget-space rectangles of the colour bar and of the axis labels (row numbers, and
    // texts up to 50 rows) beside the matrix (left) and above it (top).
    QRectF colorBarRect() const { return layoutFor(size()).legend; }
    QRectF plotRect() const { return layoutFor(size()).plot; }
    QRectF leftAxisRect() const { return layoutFor(size()).leftAxis; }
    QRectF topAxisRect() const { return layoutFor(size()).topAxis; }
    // True when every row shown has its text beside its number (up to 50 rows, room for a
    // line of at least 8 px per row).
    bool showsAxisTexts() const;
    // False while the image of a large matrix (or the exact cells of a zoomed-in region of
    // the vector mode) is being made on a worker thread.
    bool isReady() const { return !building_ && !detailPending_; }
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
        QRectF plot;     // the square the matrix fills at zoom 1
        QRectF legend;   // colour bar
        QRectF leftAxis; // row numbers (and texts) left of the label strip
        QRectF topAxis;  // the same above the top strip, written upwards
        double numberWidth = 0, textWidth = 0;
        QFont axisFont;
        bool barBelow = false; // the colour bar runs along the bottom (tall panels)
    };
    Layout layoutFor(const QSizeF &size) const;
    // The axis labels' font: 85 % of the widget's, or this many pixels high.
    QFont axisFont(double pixels = 0) const;
    void paintTo(QPainter &p, const QSizeF &size, const Layout &lay);
    struct Scale {
        float lo = 0, hi = 1;
        bool offDiagonal = false; // lo..hi = percentiles of the off-diagonal cells
        QVector<QRgb> lut;
        QRgb rgb(float v) const;
    };
    struct Built {
        Scale scale;
        QImage image;
        int cells = 0;
        std::shared_ptr<const Matrix> unit; // vector mode: the unit-length rows
        QRect range;                        // detail: columns x, rows y (positions)
    };
    static Scale makeScale(const Matrix *sim, ColorMap map);
    static Built build(std::shared_ptr<const Matrix> sim, std::shared_ptr<const Matrix> vectors, QVector<int> order,
                       ColorMap map, bool rescale, Scale scale);
    static Built buildFromVectors(std::shared_ptr<const Matrix> vecs, std::shared_ptr<const Matrix> unit,
                                  QVector<int> order, ColorMap map, bool rescale, Scale scale, int blocks,
                                  std::stop_token stop);
    static Built buildDetail(std::shared_ptr<const Matrix> unit, QVector<int> order, Scale scale, QRect range,
                             std::stop_token stop);
    void runWorker(const QString &kind, const QString &title, std::function<Built(std::stop_token)> work,
                   std::function<void(Built &)> done);
    void rebuild(bool rescale);
    // Vector mode: the visible position range, and a worker job for its exact cells.
    QRect visibleRange(const QSizeF &size) const;
    void ensureDetail();
    float cosineOf(int rowA, int rowB) const;
    const QImage &detailFor(int p0, int p1, int q0, int q1);
    QRgb rgbFor(float value) const;
    int posOfRow(int row) const { return posOf_.isEmpty() ? row : posOf_.value(row, -1); }
    int rowAtPos(int pos) const { return order_.isEmpty() ? pos : order_.value(pos, -1); }
    void clampView();
    void updateSelectionFromModel();

    std::shared_ptr<const Matrix> sim_;
    std::shared_ptr<const Matrix> vecs_, unit_;
    std::shared_ptr<const Matrix> simVectors_; // matrix mode: the vectors behind it, if given
    int overviewBlocks_ = 1024;
    int exactLimit_ = 2000;
    bool detailPending_ = false;
    QRect detailWanted_;
    quint64 detailGeneration_ = 0;
    QPointer<JobRunner> jobs_;
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
    // Label strip colours in display order (n x 1), made when groups or order change, so
    // a paint draws two scaled images instead of a rectangle per row.
    void rebuildStrip();
    QImage strip_;
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
