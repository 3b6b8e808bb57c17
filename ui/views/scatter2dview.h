#pragma once
// Scatter2DView: the 2D PCA / t-SNE map on Qt Charts (DESIGN.md s.2, s.7).
//
// Up to openGLThreshold() points (default 1,000) each colour group is a raster
// QScatterSeries (one graphics item per point, round antialiased markers). Above it the
// points are drawn in one of two ways (largeRenderer()):
//  - OpenGL: one OpenGL QScatterSeries per colour group (an OpenGL series draws a single
//    colour), on Qt Charts' OpenGL layer. With a GPU this keeps 100k points interactive.
//  - Painted: a single graphics item in the chart (PointLayer) holding an image of all the
//    points, drawn with antialiased dot sprites (DotRaster: 100k points in a few ms) and
//    redrawn when the points, colours, selection or visible range change. From 200,000
//    points it draws the groups from points kept in cell order (only the cells in view),
//    and zoomed out (>= 0.1 points per pixel in view) as density instead of dots: binned
//    per pixel, label colours blended by count (scatter2d_density.h; renderTo too).
// Auto (the default) paints when the OpenGL is a software rasteriser (Mesa llvmpipe under
// Xvfb, a virtual machine, a remote desktop) or missing. There Qt Charts' OpenGL layer is
// the slow path: it switches the whole window to OpenGL composition, and under llvmpipe
// every repaint of the window then costs 40-60 ms of rasterising and copying, even a
// progress bar's (bench_views and bench_gui_heartbeat, issue 6). Painted points stay in
// the window's raster backing store and are round at every size. The environment
// variable EMBEDSCOPE_2D_POINTS=opengl|painted overrides Auto.
// When OpenGL is used, the window composites through OpenGL from the view's first show
// (see prepareOpenGLLayer), which is why the threshold is 1,000 rather than a few
// thousand: measured with bench_gui_heartbeat under Xvfb, 2,000 raster points stalled the
// GUI thread 103-117 ms per result, 2,000 OpenGL points 58-72 ms, 1,000 raster points
// 81-90 ms.
// The selection and search hits are series of their own stacked above the groups (ring,
// gap, point in the group colour), never chart items, because OpenGL series are drawn on
// a layer above every chart item (the painted layer draws them itself, in the same
// order). The rubber band, lasso and text labels are drawn by a transparent
// OverlayWidget stacked on the chart, which also takes the mouse and keyboard, handled by
// Scatter2DInteraction (scatter2d_interaction.h: pan, zoom, rubber band, lasso, click and
// hover; picking by PointGrid, screen-space distance), which asks this view through
// Scatter2DInteractionHost.
// The legend (LegendWidget, right) lists groups with counts; clicking hides/shows a group.
// Colours follow the widget palette (light/dark theme). renderImage()/renderTo() paint
// everything with QPainter (no OpenGL), so PNG and SVG exports contain the points.
//
// Equal scale: one data unit spans the same number of pixels along x and y, so distances
// read the same in every direction (PCA and t-SNE coordinates are isotropic). The view
// keeps a wanted data rectangle (the data's bounds, or what the user zoomed, panned or asked
// for with setVisibleRange) and shows it grown about its centre along the short side to the
// plot area's shape; a resize, a zoom or an export at another size grows it again. Both
// axes tick at one 1-2-5 step (es::niceTicks), so the grid is square.
//
// Live updates: setPoints() with the same number of rows replaces each series' data in
// place (QXYSeries::replace) and keeps the user's zoom; until the user zooms or pans, the
// view follows the data's bounds. About 1 ms for 10,000 points (bench_views).
// New rows or groups (setPoints with another row count, setColors) rebuild the series once,
// in a queued call, so a result delivered as setPoints + setColors + setHighlight costs one
// rebuild; a hidden view rebuilds when shown (bench_gui_heartbeat).
//
// Embedding:
//   auto *view = new es::Scatter2DView;             // a QWidget, also an es::PointView
//   view->setTexts(texts);                           // tooltips and labels
//   view->setPoints(coords);                         // QVector<QVector3D>, z ignored
//   view->setColors(groupOfRow, groups);             // see palette::groupsFromValues
//   connect(view, &es::Scatter2DView::pointClicked, ...);
//   connect(view, &es::Scatter2DView::pointsSelected, ...);
#include "views/legend.h"
#include "views/niceticks.h"
#include "views/overlay.h"
#include "views/palette.h"
#include "views/pointlabels.h"
#include "views/pointview.h"
#include "views/scatter2d_density.h"
#include "views/scatter2d_grid.h"
#include "views/scatter2d_interaction.h"

#include <QPolygonF>
#include <QStringList>
#include <QWidget>


QT_BEGIN_NAMESPACE
class QChart;
class QChartView;
class QPainter;
class QScatterSeries;
class QScrollArea;
class QValueAxis;
QT_END_NAMESPACE

namespace es {

class DotRaster;
class IsolateBar;
class OverlayWidget;
class PointLayer;

class Scatter2DView : public QWidget, public PointView, private Scatter2DInteractionHost {
    Q_OBJECT
public:
    using DragMode = Scatter2DDragMode; // Pan, RubberBand, Lasso
    // How more than openGLThreshold() points are drawn (see the top of this file).
    enum class LargeRenderer { Auto, OpenGL, Painted };

    explicit Scatter2DView(QWidget *parent = nullptr);
    ~Scatter2DView() override;

    // PointView
    void setPoints(const QVector<QVector3D> &points) override;
    void setColors(const QVector<int> &group, const QList<PointGroup> &groups) override;
    void setSelection(const QVector<int> &rows) override;
    void setHighlight(const QVector<int> &rows) override;
    void setNeighbors(int row, const QVector<int> &neighbors) override;
    void setIsolation(const QVector<int> &rows) override;
    void resetView() override;
    QImage renderImage(const QSize &size) override;

    // Paints the whole view (plot, points, selection, labels, legend) into rect.
    void renderTo(QPainter &painter, const QRectF &rect);
    // Writes an SVG of the view at the given size; false with *error on failure.
    bool exportSvg(const QString &path, const QSize &size, QString *error = nullptr);

    void setTexts(const QStringList &texts);
    void setLegendTitle(const QString &title);
    void setAxisTitles(const QString &x, const QString &y);
    // Text drawn when there are no points (e.g. why t-SNE needs more sentences).
    void setPlaceholder(const QString &text);
    // Text labels (each sentence's first words, es::pointlabels) beside the points: Auto
    // while at most pointlabels::kAutoLimit points are in view, On up to labelLimit().
    void setLabelMode(pointlabels::Mode mode);
    pointlabels::Mode labelMode() const { return labelMode_; }
    // On or Off.
    void setShowLabels(bool on);
    // Labels drawn by the last paint (overlay or export), for tests.
    int labelsDrawn() const { return labelsDrawn_; }
    // Captions at data positions above the points (the doctor's cluster captions), painted
    // by the overlay and in exports (es::paintPlotCaptions); empty = none.
    void setCaptions(const QVector<PlotCaption> &captions);
    const QVector<PlotCaption> &captions() const { return captions_; }
    bool showLabels() const { return labelMode_ != pointlabels::Mode::Off; }
    void setLabelLimit(int n);
    int labelLimit() const { return labelLimit_; }
    void setDragMode(DragMode mode) { interaction_->setDragMode(mode); }
    DragMode dragMode() const { return interaction_->dragMode(); }
    // Marker diameter in pixels; 0 = automatic (by number of points).
    void setPointSize(double px);
    double pointSize() const;
    void setOpenGLThreshold(int n);
    // Builds the series now if a change is waiting for the queued rebuild (and the view is
    // shown; the queued call then does nothing). A caller that changes points, colours and
    // highlight together calls this last: the chart then changes once, and Qt Graphics
    // View repaints the window once, instead of once for the axes and again for the series
    // (each a full window composition when the window composites through OpenGL).
    void flushSeries();
    int openGLThreshold() const { return glThreshold_; }
    void setLargeRenderer(LargeRenderer r);
    LargeRenderer largeRenderer() const { return largeRenderer_; }
    bool usesOpenGL() const { return mode_ == DrawMode::OpenGL; }
    bool usesPaintedPoints() const { return mode_ == DrawMode::Painted; }
    void setLegendVisible(bool on);

    void setGroupVisible(int group, bool visible);
    bool isGroupVisible(int group) const;
    int pointCount() const { return int(points_.size()); }
    const QVector<int> &selection() const { return selection_; }
    const QVector<int> &highlight() const { return highlight_; }
    int neighborRow() const { return neighborRow_; }
    const QVector<int> &neighbors() const { return neighbors_; }
    // Rows shown when isolated (empty = all) and the rows an Isolate would keep now (the
    // selection, the clicked row and its neighbours).
    const QVector<int> &isolation() const { return isolation_; }
    QVector<int> isolationCandidates() const;
    IsolateBar *isolateBar() const { return isolateBar_; }
    // The captions as last placed on screen (widget coordinates), for tests.
    QVector<PlacedCaption> captionLayout() const;
    // The tooltip of a row: its group, its 1-based row number and its text.
    QString tooltipHtml(int row) const;

    // Geometry, for the window, the tests and the benchmarks. Positions are in this
    // widget's coordinates.
    QPointF positionOf(int row) const;
    int rowAt(const QPointF &pos, double radiusPx = 6) const;
    QRectF visibleRange() const { return range_; } // data coordinates
    // Shows at least `range` (grown along one side to keep the equal scale); counts as a zoom.
    void setVisibleRange(const QRectF &range);
    // The rectangle the fitted view shows (resetView, live updates) instead of the points'
    // own padded bounds; a null rectangle goes back to the bounds. Compare Models gives its
    // two maps one such rectangle so that they share one scale.
    void setHomeRange(const QRectF &range);
    QRectF homeRange() const { return homeRange_; }
    // Pads a data rectangle as the fitted view does (5 % each side; empty sides widened).
    static QRectF paddedBounds(const QRectF &bounds);
    bool isZoomed() const { return userZoomed_; }
    void zoomBy(double factor, const QPointF &anchor);
    void panBy(const QPointF &pixels);
    QRectF plotRect() const; // widget coordinates of the plot area
    // What is on screen, OpenGL layer included (grabbed from the window system).
    QImage grabScreen() const;

    QChartView *chartView() const { return chartView_; }
    LegendWidget *legend() const { return legend_; }
    QWidget *overlay() const;

signals:
    void pointClicked(int row);
    void pointsSelected(const QVector<int> &rows);
    void pointHovered(int row);
    void groupVisibilityChanged(int group, bool visible);
    void isolationChanged(const QVector<int> &rows);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void resizeEvent(QResizeEvent *) override;
    void changeEvent(QEvent *) override;
    void showEvent(QShowEvent *) override;

private:
    struct Margins {
        double left, top, right, bottom;
    };
    struct AxisTicks {
        NiceTicks x, y;
    };

    void regroup();
    void scheduleRefresh();
    void prepareOpenGLLayer();
    enum class DrawMode { Raster, OpenGL, Painted };
    bool largeUsesOpenGL() const;
    DrawMode modeFor(int n) const;
    void updateMode(); // rebuilds when the mode changes
    bool builtForGroups() const;
    void invalidateLayer();
    void paintLayer(QImage &image, const QRectF &plot) const;
    int largeGroupPasses(QImage &image, const QRectF &plot, DotRaster *dots) const;
    // Calls pass(rows, colour, diameter) for each set of dots, bottom to top: the visible
    // groups (dimmed while search hits show), then the rings, gap and points of the search
    // hits and the selection. Shared by the painted layer and renderTo.
    template <class Pass>
    void pointPasses(Pass &&pass) const;
    void rebuildSeries();
    void refreshSeries();
    void fillSeries();
    void fillEmphasis();
    void applyColors();
    void applyRange();
    void updateLegend();
    void fitToData();
    QRectF dataBounds() const;
    Margins marginsFor(const QSizeF &size, const QRectF &range) const;
    QRectF plotRectFor(const QSizeF &size, const QRectF &range) const;
    // The range shown in a chart of `size` (want_ grown to the plot's shape) and its plot
    // rectangle.
    QRectF fittedRange(const QSizeF &size, QRectF *plot) const;
    static AxisTicks ticksFor(const QRectF &range, const QSizeF &plot);
    QPointF toPixel(const QPointF &data, const QRectF &plot) const;
    QPointF toData(const QPointF &pixel, const QRectF &plot) const;
    bool rowActive(int row) const;
    double autoPointSize() const;
    void paintOverlay(QPainter &p);
    void paintLabels(QPainter &p, const QRectF &plot, const QFont &font) const;
    void paintNeighbors(QPainter &p, const QRectF &plot) const;
    CaptionAvoid captionAvoid(const QRectF &plot) const;
    void updateOverlayLayer();
    void updateIsolateBar();
    void isolate(const QVector<int> &rows); // setIsolation + isolationChanged
    void layoutChanged() { ++layoutVersion_; }
    // Scatter2DInteractionHost
    QPointF overlayOffset() const override;
    int pickRow(const QPointF &pos) const override;
    QVector<int> rowsInRect(const QPointF &a, const QPointF &b) const override;
    QVector<int> rowsInPolygon(const QPolygonF &polygon) const override;
    const QVector<int> &selectedRows() const override { return selection_; }
    bool isRowSelected(int row) const override { return isSelected_.value(row); }
    void selectRowsByUser(const QVector<int> &rows) override;
    void clickRow(int row) override;
    void hoverRow(int row) override { emit pointHovered(row); }
    void showRowTooltip(int row, const QPoint &globalPos) override;
    void panPixels(const QPointF &pixels) override { panBy(pixels); }
    void zoomAround(double factor, const QPointF &anchor) override { zoomBy(factor, anchor); }
    void resetZoom() override { resetView(); }
    bool endIsolation() override;
    QList<LegendEntry> legendEntries() const;
    int groupOf(int row) const;
    int groupCount() const { return int(groups_.size()); }

    // Data
    QVector<QPointF> points_;
    QVector<int> givenGroup_;      // as passed to setColors
    QList<PointGroup> givenGroups_;
    QVector<int> group_;           // per row, index into groups_ (ungrouped mapped to last)
    QList<PointGroup> groups_;     // given groups (+ "(none)" when some rows have none)
    bool hasNoneGroup_ = false;
    QVector<QVector<int>> rowsOf_; // rows per group
    QVector<int> counts_;
    QVector<int> selection_, highlight_;
    QVector<char> isSelected_, isHighlighted_;
    int neighborRow_ = -1;
    QVector<int> neighbors_;
    QVector<int> isolation_;
    QVector<char> isIsolated_;
    QStringList texts_;
    mutable PointGrid grid_;
    mutable bool gridDirty_ = true;
    mutable CellOrderedPoints cells_; // large sets: drawn from these (scatter2d_density.h)
    mutable bool cellsDirty_ = true;
    // The chart series are filled only while the view is visible (a hidden tab, or the
    // render command, which paints the points itself): raster series make one graphics
    // item per point, which takes minutes for 100k points.
    bool seriesStale_ = false;
    bool glLayerPrepared_ = false;
    bool refreshPending_ = false; // a queued flushSeries() will refresh the series

    // View state: want_ is the data rectangle to show, range_ the range shown (want_ grown
    // to the plot's shape) and plot_ the plot area in chart-view coordinates.
    QRectF want_{-1, -1, 2, 2};
    QRectF range_{-1, -1, 2, 2};
    QRectF plot_;
    QRectF homeRange_;
    bool userZoomed_ = false;
    pointlabels::Mode labelMode_ = pointlabels::Mode::Off;
    int labelLimit_ = pointlabels::kOnLimit;
    mutable int labelsDrawn_ = 0;
    // The on-screen caption layout, kept until the range, plot or inputs change.
    mutable QVector<PlacedCaption> captionLayout_;
    mutable QRectF layoutRange_, layoutPlot_;
    mutable quint64 layoutDone_ = 0;
    quint64 layoutVersion_ = 1;
    double pointSize_ = 0;
    int glThreshold_ = 1000;
    DrawMode mode_ = DrawMode::Raster;      // for the current points
    DrawMode builtMode_ = DrawMode::Raster; // of the series (or layer) built
    LargeRenderer largeRenderer_ = LargeRenderer::Auto;
    double builtSize_ = 0;
    QString legendTitle_, xTitle_, yTitle_, placeholder_;
    QVector<PlotCaption> captions_;
    palette::ViewColors colors_;
    bool legendVisible_ = true;

    // Widgets
    QChartView *chartView_ = nullptr;
    QChart *chart_ = nullptr;
    QValueAxis *axisX_ = nullptr, *axisY_ = nullptr;
    OverlayWidget *overlay_ = nullptr;
    Scatter2DInteraction *interaction_ = nullptr; // the overlay's input
    LegendWidget *legend_ = nullptr;
    QScrollArea *legendScroll_ = nullptr;
    IsolateBar *isolateBar_ = nullptr;
    QVector<QScatterSeries *> base_, emph_;
    QScatterSeries *selRing_ = nullptr, *hlRing_ = nullptr, *gap_ = nullptr;
    PointLayer *layer_ = nullptr;
};

} // namespace es
