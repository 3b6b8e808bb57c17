#include "views/scatter2dview.h"

#include "views/glcheck.h"
#include "views/isolatebar.h"
#include "views/overlay.h"
#include "views/rownumber.h"
#include "views/scatter2d_density.h"
#include "views/scatter2d_points.h"

#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QFileInfo>
#include <QGraphicsItem>
#include <QGraphicsLayout>
#include <QHBoxLayout>
#include <QPainter>
#include <QPainterPath>
#include <QScatterSeries>
#include <QScopeGuard>
#include <QScreen>
#include <QScrollArea>
#include <QSvgGenerator>
#include <QToolTip>
#include <QValueAxis>
#include <QWindow>

#include <functional>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace es {

namespace {

constexpr double kPickRadius = 6;
constexpr int kLegendMaxWidth = 260;

QString tickText(double v, int decimals)
{
    return QString::fromStdString(formatTick(v, decimals));
}

// `want` grown about its centre along the side that is short for the plot's shape, so that
// a data unit spans as many pixels along x as along y.
QRectF equalScale(const QRectF &want, const QSizeF &plot)
{
    if (!(plot.width() > 0) || !(plot.height() > 0) || !(want.width() > 0) || !(want.height() > 0))
        return want;
    const double unitsPerPixel = std::max(want.width() / plot.width(), want.height() / plot.height());
    const double w = unitsPerPixel * plot.width(), h = unitsPerPixel * plot.height();
    const QPointF c = want.center();
    return QRectF(c.x() - w / 2, c.y() - h / 2, w, h);
}

// Qt Charts computes a dynamic axis' ticks by adding the interval to the first tick again
// and again, so the tick at zero comes out as -2.8e-17 and prints "-0.0". Anchoring the
// ticks a millionth of a step above their exact values keeps every sum on the positive
// side of its value (the sums' error is ~1e-16 of the value), which the label's decimals
// never show; the axis' maximum moves up by twice that so a tick on the edge stays.
constexpr double kTickBias = 1e-6;

QString elided(const QString &s, int n)
{
    QString t = s.simplified();
    return t.size() > n ? t.left(n - 1) + QChar(0x2026) : t;
}

} // namespace

// The painted points: one item in the chart, above the grid and axes (Qt Charts draws
// scatter series at z 9), covering the plot area. It keeps an image of the points at the
// device's pixel ratio and asks the view to draw a new one when invalidated or resized.
class PointLayer : public QGraphicsItem {
public:
    using Render = std::function<void(QImage &, const QRectF &)>;
    PointLayer(Render render, QGraphicsItem *parent) : QGraphicsItem(parent), render_(std::move(render))
    {
        setZValue(9);
        setAcceptedMouseButtons(Qt::NoButton);
        setAcceptHoverEvents(false);
    }
    void setPlot(const QRectF &plot)
    {
        if (plot != plot_) {
            prepareGeometryChange();
            plot_ = plot;
        }
        invalidate();
    }
    void invalidate()
    {
        dirty_ = true;
        update();
    }
    QRectF boundingRect() const override { return plot_.adjusted(-1, -1, 1, 1); }
    void paint(QPainter *p, const QStyleOptionGraphicsItem *, QWidget *) override
    {
        if (plot_.isEmpty())
            return;
        // The image sits on whole pixels (a fractional offset would resample it); it
        // covers the plot area plus the fraction cut off at the left and top.
        const QPointF origin(std::floor(plot_.left()), std::floor(plot_.top()));
        const QRectF area(origin, plot_.bottomRight());
        const qreal dpr = p->device() ? p->device()->devicePixelRatioF() : 1.0;
        const QSize px(int(std::ceil(area.width() * dpr)), int(std::ceil(area.height() * dpr)));
        if (dirty_ || image_.size() != px || image_.devicePixelRatio() != dpr) {
            if (image_.size() != px)
                image_ = QImage(px, QImage::Format_ARGB32_Premultiplied);
            image_.setDevicePixelRatio(dpr);
            image_.fill(Qt::transparent);
            render_(image_, plot_.translated(-origin));
            dirty_ = false;
        }
        p->save();
        p->setClipRect(plot_.adjusted(-1, -1, 1, 1));
        p->drawImage(origin, image_);
        p->restore();
    }
private:
    Render render_;
    QRectF plot_;
    QImage image_;
    bool dirty_ = true;
};

Scatter2DView::Scatter2DView(QWidget *parent) : QWidget(parent)
{
    colors_ = palette::ViewColors::fromPalette(palette());

    chart_ = new QChart;
    chart_->legend()->hide();
    chart_->setMargins(QMargins(0, 0, 0, 0));
    chart_->setBackgroundRoundness(0);
    chart_->layout()->setContentsMargins(0, 0, 0, 0);
    chart_->setAnimationOptions(QChart::NoAnimation);
    axisX_ = new QValueAxis;
    axisY_ = new QValueAxis;
    for (QValueAxis *a : {axisX_, axisY_}) {
        a->setTickType(QValueAxis::TicksDynamic);
        a->setTickAnchor(0);
        a->setLabelFormat(QStringLiteral("%.1f"));
        a->setMinorTickCount(0);
    }
    chart_->addAxis(axisX_, Qt::AlignBottom);
    chart_->addAxis(axisY_, Qt::AlignLeft);

    layer_ = new PointLayer([this](QImage &img, const QRectF &plot) { paintLayer(img, plot); }, chart_);
    layer_->setVisible(false);
    const QByteArray forced = qgetenv("EMBEDSCOPE_2D_POINTS").trimmed().toLower();
    if (forced == "opengl")
        largeRenderer_ = LargeRenderer::OpenGL;
    else if (forced == "painted")
        largeRenderer_ = LargeRenderer::Painted;

    chartView_ = new QChartView(chart_);
    chartView_->setFrameShape(QFrame::NoFrame);
    chartView_->setRenderHint(QPainter::Antialiasing, true);
    chartView_->setMinimumSize(160, 120);
    chartView_->setRubberBand(QChartView::NoRubberBand);

    legend_ = new LegendWidget;
    legendScroll_ = legend_->placeBeside(this, chartView_, kLegendMaxWidth);

    overlay_ = new OverlayWidget(this);
    overlay_->setPaintCallback([this](QPainter &p) { paintOverlay(p); });
    interaction_ = new Scatter2DInteraction(this, overlay_, this);
    overlay_->raise();
    chartView_->installEventFilter(this);

    connect(legend_, &LegendWidget::entryToggled, this, [this](int i, bool visible) {
        setGroupVisible(i, visible);
        emit groupVisibilityChanged(i, visible);
    });

    isolateBar_ = new IsolateBar(this);
    connect(isolateBar_, &IsolateBar::isolateClicked, this, [this] { isolate(isolationCandidates()); });
    connect(isolateBar_, &IsolateBar::showAllClicked, this, [this] { isolate({}); });

    applyColors();
    rebuildSeries();
    applyRange();
}

// Qt Charts draws OpenGL series on one QOpenGLWidget child of the chart view, created
// when the first OpenGL series is added and kept for the view's life. Its arrival switches
// the whole window to OpenGL composition with a full repaint (the window's surface is
// recreated): 110-140 ms on the GUI thread under software OpenGL. Created on the way, by
// the first large projection's result, that repaint lands in the middle of the analysis
// jobs. So the layer is made when the view is first shown, a user's click on the tab,
// before any data needs it. The price: from then on every repaint of the window is an
// OpenGL composition, which software OpenGL (Xvfb, virtual machines) makes slower than a
// raster flush (20-40 ms against a few ms); with a GPU it is negligible.
// Qt Charts recreates the layer when the view's antialiasing hint differs from the one it
// was made with, so it is made with the hint OpenGL mode uses (off, see rebuildSeries).
void Scatter2DView::prepareOpenGLLayer()
{
    if (glLayerPrepared_ || !isVisible() || !largeUsesOpenGL())
        return;
    glLayerPrepared_ = true;
    const bool antialias = chartView_->renderHints().testFlag(QPainter::Antialiasing);
    chartView_->setRenderHint(QPainter::Antialiasing, false);
    auto *probe = new QScatterSeries;
    probe->setUseOpenGL(true);
    probe->append(0, 0);
    chart_->addSeries(probe);
    chart_->removeSeries(probe);
    delete probe;
    chartView_->setRenderHint(QPainter::Antialiasing, antialias);
}

bool Scatter2DView::largeUsesOpenGL() const
{
    switch (largeRenderer_) {
    case LargeRenderer::OpenGL:
        return openGLAvailable();
    case LargeRenderer::Painted:
        return false;
    case LargeRenderer::Auto:
        break;
    }
    return openGLAvailable() && !openGLIsSoftware();
}

Scatter2DView::DrawMode Scatter2DView::modeFor(int n) const
{
    if (n <= glThreshold_)
        return DrawMode::Raster;
    return largeUsesOpenGL() ? DrawMode::OpenGL : DrawMode::Painted;
}

void Scatter2DView::updateMode()
{
    const DrawMode mode = modeFor(int(points_.size()));
    if (mode == mode_)
        return;
    mode_ = mode;
    rebuildSeries();
}

// The series built (none in painted mode) are those of the current groups and mode.
bool Scatter2DView::builtForGroups() const
{
    return builtMode_ == mode_ && base_.size() == (mode_ == DrawMode::Painted ? 0 : groupCount());
}

void Scatter2DView::setLargeRenderer(LargeRenderer r)
{
    largeRenderer_ = r;
    prepareOpenGLLayer();
    updateMode();
}

Scatter2DView::~Scatter2DView()
{
    // Before the overlay goes: the interaction calls this view, which is half destroyed then.
    delete interaction_;
    interaction_ = nullptr;
}

QWidget *Scatter2DView::overlay() const
{
    return overlay_;
}

// ---- data ---------------------------------------------------------------------------

void Scatter2DView::setPoints(const QVector<QVector3D> &points)
{
    const int oldN = int(points_.size());
    const int n = int(points.size());
    points_.resize(n);
    for (int i = 0; i < n; ++i)
        points_[i] = QPointF(points[i].x(), points[i].y());
    gridDirty_ = true;
    cellsDirty_ = true;

    if (n != oldN) {
        auto clip = [n](QVector<int> &rows, QVector<char> &flags) {
            rows.erase(std::remove_if(rows.begin(), rows.end(),
                                      [n](int r) { return r < 0 || r >= n; }),
                       rows.end());
            flags.fill(0, n);
            for (int r : rows)
                flags[r] = 1;
        };
        clip(selection_, isSelected_);
        clip(highlight_, isHighlighted_);
        // Another data set: no neighbours, nothing isolated.
        neighborRow_ = -1;
        neighbors_.clear();
        isolation_.clear();
        isIsolated_.clear();
        regroup();
        updateIsolateBar();
        mode_ = modeFor(n);
        scheduleRefresh();
        updateLegend();
    } else if (!refreshPending_) {
        fillSeries();
    }
    layoutChanged();
    if (!userZoomed_)
        fitToData();
    else
        overlay_->update();
}

void Scatter2DView::setColors(const QVector<int> &group, const QList<PointGroup> &groups)
{
    givenGroup_ = group;
    givenGroups_ = groups;
    regroup();
    mode_ = modeFor(int(points_.size()));
    scheduleRefresh();
    updateLegend();
    overlay_->update();
}

// Maps the caller's grouping onto the current rows: rows without a (valid) group go to a
// trailing "(none)" group, so every row belongs to exactly one series.
void Scatter2DView::regroup()
{
    const int n = int(points_.size());
    palette::RowGroups a = palette::assignRows(n, givenGroup_, givenGroups_, colors_.dark);
    groups_ = std::move(a.groups);
    group_ = std::move(a.group);
    counts_ = std::move(a.counts);
    hasNoneGroup_ = a.hasNone;
    rowsOf_ = QVector<QVector<int>>(groups_.size());
    for (int g = 0; g < groups_.size(); ++g)
        rowsOf_[g].reserve(counts_[g]);
    const bool isolated = !isolation_.isEmpty();
    for (int i = 0; i < n; ++i)
        if (!isolated || isIsolated_.value(i))
            rowsOf_[group_[i]].append(i);
    cellsDirty_ = true;
}

void Scatter2DView::setSelection(const QVector<int> &rows)
{
    const int n = int(points_.size());
    const QVector<int> valid = palette::validRows(rows, n);
    if (valid == selection_)
        return;
    selection_ = valid;
    isSelected_.fill(0, n);
    for (int r : selection_)
        isSelected_[r] = 1;
    fillEmphasis();
    layoutChanged();
    updateIsolateBar();
    overlay_->update();
}

void Scatter2DView::setNeighbors(int row, const QVector<int> &neighbors)
{
    const int n = int(points_.size());
    const int r = row >= 0 && row < n ? row : -1;
    // In the given order (nearest first), without the row itself and repeats.
    QVector<int> valid;
    if (r >= 0)
        for (int x : neighbors)
            if (x >= 0 && x < n && x != r && !valid.contains(x))
                valid.append(x);
    if (r == neighborRow_ && valid == neighbors_)
        return;
    neighborRow_ = r;
    neighbors_ = valid;
    layoutChanged();
    updateOverlayLayer();
    updateIsolateBar();
    overlay_->update(); // the overlay draws them: the points (or the painted layer) stay
}

QVector<int> Scatter2DView::isolationCandidates() const
{
    return isolationCandidateRows(selection_, neighborRow_, neighbors_);
}

void Scatter2DView::setIsolation(const QVector<int> &rows)
{
    const int n = int(points_.size());
    const QVector<int> valid = palette::validRows(rows, n);
    if (valid == isolation_)
        return;
    isolation_ = valid;
    isIsolated_.fill(0, isolation_.isEmpty() ? 0 : n);
    for (int r : isolation_)
        isIsolated_[r] = 1;
    regroup();
    mode_ = modeFor(n);
    scheduleRefresh();
    layoutChanged();
    updateIsolateBar();
    // The isolated rows fill the view; Show all fits the whole map again.
    userZoomed_ = false;
    fitToData();
}

void Scatter2DView::isolate(const QVector<int> &rows)
{
    const QVector<int> before = isolation_;
    setIsolation(rows);
    if (isolation_ != before)
        emit isolationChanged(isolation_);
}

void Scatter2DView::updateIsolateBar()
{
    if (!isolateBar_)
        return;
    const int candidates = int(isolationCandidates().size());
    isolateBar_->setState(candidates, int(isolation_.size()), int(points_.size()));
    const QRectF plot = plotRect();
    isolateBar_->move(int(plot.left()) + 8, int(plot.top()) + 6);
    isolateBar_->raise();
}

void Scatter2DView::updateOverlayLayer()
{
    // Captions and the neighbours' lines must read above OpenGL points.
    overlay_->setAboveOpenGL(usesOpenGL() && (!captions_.isEmpty() || neighborRow_ >= 0));
}

void Scatter2DView::setHighlight(const QVector<int> &rows)
{
    const int n = int(points_.size());
    const QVector<int> valid = palette::validRows(rows, n);
    if (valid == highlight_)
        return;
    const bool dimChanged = valid.isEmpty() != highlight_.isEmpty();
    highlight_ = valid;
    isHighlighted_.fill(0, n);
    for (int r : highlight_)
        isHighlighted_[r] = 1;
    if (dimChanged)
        applyColors();
    fillEmphasis();
    overlay_->update();
}

void Scatter2DView::setTexts(const QStringList &texts)
{
    texts_ = texts;
    overlay_->update();
}

void Scatter2DView::setLegendTitle(const QString &title)
{
    legendTitle_ = title;
    legend_->setTitle(title);
}

void Scatter2DView::setAxisTitles(const QString &x, const QString &y)
{
    xTitle_ = x;
    yTitle_ = y;
    axisX_->setTitleText(x);
    axisY_->setTitleText(y);
    applyRange();
}

void Scatter2DView::setPlaceholder(const QString &text)
{
    placeholder_ = text;
    overlay_->update();
}

void Scatter2DView::setCaptions(const QVector<PlotCaption> &captions)
{
    captions_ = captions;
    layoutChanged();
    updateOverlayLayer();
    overlay_->update();
}

void Scatter2DView::setLabelMode(pointlabels::Mode mode)
{
    labelMode_ = mode;
    overlay_->update();
}

void Scatter2DView::setShowLabels(bool on)
{
    setLabelMode(on ? pointlabels::Mode::On : pointlabels::Mode::Off);
}

void Scatter2DView::setLabelLimit(int n)
{
    labelLimit_ = std::max(0, n);
    overlay_->update();
}

void Scatter2DView::setPointSize(double px)
{
    pointSize_ = std::max(0.0, px);
    rebuildSeries();
}

double Scatter2DView::pointSize() const
{
    return pointSize_ > 0 ? pointSize_ : autoPointSize();
}

double Scatter2DView::autoPointSize() const
{
    const int n = int(points_.size());
    if (n <= 500)
        return 10;
    if (n <= 2000)
        return 7;
    if (n <= 20000)
        return 5;
    return 3;
}

void Scatter2DView::setOpenGLThreshold(int n)
{
    glThreshold_ = std::max(0, n);
    updateMode();
}

void Scatter2DView::setLegendVisible(bool on)
{
    legendVisible_ = on;
    updateLegend();
}

void Scatter2DView::setGroupVisible(int g, bool visible)
{
    if (g < 0 || g >= groups_.size() || groups_[g].visible == visible)
        return;
    groups_[g].visible = visible;
    if (g < base_.size()) {
        base_[g]->setVisible(visible);
        emph_[g]->setVisible(visible);
    }
    legend_->setEntryVisible(g, visible);
    fillEmphasis();
    layoutChanged();
    overlay_->update();
}

bool Scatter2DView::isGroupVisible(int g) const
{
    return g >= 0 && g < groups_.size() && groups_[g].visible;
}

int Scatter2DView::groupOf(int row) const
{
    return row >= 0 && row < group_.size() ? group_[row] : -1;
}

bool Scatter2DView::rowActive(int row) const
{
    const int g = groupOf(row);
    return g >= 0 && groups_[g].visible && (isolation_.isEmpty() || isIsolated_.value(row));
}

// ---- series -------------------------------------------------------------------------

// New rows or groups only mark the series out of date; one queued refresh rebuilds them.
// A result usually arrives as setPoints + setColors + setHighlight: each used to rebuild
// (and, for raster series, refill item by item), tens of ms each on the GUI thread.
void Scatter2DView::scheduleRefresh()
{
    if (refreshPending_)
        return;
    refreshPending_ = true;
    QMetaObject::invokeMethod(this, [this] { flushSeries(); }, Qt::QueuedConnection);
}

void Scatter2DView::flushSeries()
{
    if (!refreshPending_)
        return;
    refreshPending_ = false;
    // A hidden view (another tab) builds its series when shown: creating the first
    // OpenGL series alone takes tens of ms under software OpenGL.
    if (!isVisible()) {
        seriesStale_ = true;
        return;
    }
    refreshSeries();
}

// Recreates the series only when their number or OpenGL mode changed; otherwise names,
// colours, visibility and data are updated in place (setColors during a live run).
void Scatter2DView::refreshSeries()
{
    if (!builtForGroups() || builtSize_ != pointSize()) {
        rebuildSeries();
        return;
    }
    for (int g = 0; g < base_.size(); ++g) {
        base_[g]->setName(groups_[g].name);
        base_[g]->setVisible(groups_[g].visible);
        emph_[g]->setVisible(groups_[g].visible);
    }
    applyColors();
    fillSeries();
}

void Scatter2DView::rebuildSeries()
{
    const bool gl = usesOpenGL();
    updateOverlayLayer(); // captions and neighbour lines above OpenGL points
    // The OpenGL layer multisamples (4x) when the view antialiases: under software OpenGL
    // (Mesa llvmpipe) that alone costs several times the frame. Square GL points do not
    // need it; raster mode keeps antialiased circles.
    chartView_->setRenderHint(QPainter::Antialiasing, !gl);
    builtMode_ = mode_;
    builtSize_ = pointSize();
    refreshPending_ = false;
    chart_->removeAllSeries();
    base_.clear();
    emph_.clear();
    selRing_ = hlRing_ = gap_ = nullptr;
    layer_->setVisible(usesPaintedPoints());
    if (usesPaintedPoints()) { // the layer draws every point itself
        applyColors();
        seriesStale_ = false;
        invalidateLayer();
        return;
    }
    const int k = groupCount();
    // Qt Charts draws OpenGL series in the order of their addresses (a QMap keyed by the
    // series pointer), not in the order they were added. Allocating all series first and
    // handing out roles by address makes the stacking (groups < rings < gap < emphasised
    // points) hold in both modes.
    QVector<QScatterSeries *> pool;
    for (int i = 0; i < 2 * k + 3; ++i)
        pool.append(new QScatterSeries);
    if (gl)
        std::sort(pool.begin(), pool.end(), std::less<QScatterSeries *>());
    int next = 0;
    for (int g = 0; g < k; ++g)
        base_.append(pool[next++]);
    hlRing_ = pool[next++];
    selRing_ = pool[next++];
    gap_ = pool[next++];
    for (int g = 0; g < k; ++g)
        emph_.append(pool[next++]);

    const double s = pointSize();
    for (QScatterSeries *series : pool) {
        series->setUseOpenGL(gl);
        series->setMarkerShape(QScatterSeries::MarkerShapeCircle);
        series->setPen(Qt::NoPen);
        series->setMarkerSize(s);
        series->setPointLabelsVisible(false);
    }
    hlRing_->setMarkerSize(s + 10);
    selRing_->setMarkerSize(s + 10);
    gap_->setMarkerSize(s + 4);
    for (QScatterSeries *series : pool) {
        chart_->addSeries(series);
        series->attachAxis(axisX_);
        series->attachAxis(axisY_);
    }
    for (int g = 0; g < k; ++g) {
        base_[g]->setName(groups_[g].name);
        base_[g]->setVisible(groups_[g].visible);
        emph_[g]->setVisible(groups_[g].visible);
    }
    applyColors();
    fillSeries();
}

void Scatter2DView::fillSeries()
{
    if (refreshPending_)
        return;
    if (!isVisible()) {
        seriesStale_ = true;
        return;
    }
    if (!builtForGroups()) {
        refreshSeries();
        return;
    }
    seriesStale_ = false;
    for (int g = 0; g < base_.size(); ++g) {
        QList<QPointF> pts;
        pts.reserve(rowsOf_[g].size());
        for (int r : rowsOf_[g])
            pts.append(points_[r]);
        base_[g]->replace(pts);
    }
    fillEmphasis();
}

void Scatter2DView::fillEmphasis()
{
    if (builtMode_ == DrawMode::Painted && usesPaintedPoints()) {
        invalidateLayer();
        return;
    }
    if (!gap_ || refreshPending_)
        return;
    if (!isVisible()) {
        seriesStale_ = true;
        return;
    }
    if (!builtForGroups()) {
        refreshSeries();
        return;
    }
    QList<QPointF> sel, hl, gap;
    QVector<QList<QPointF>> emph(base_.size());
    auto add = [&](int r) {
        if (!rowActive(r))
            return;
        gap.append(points_[r]);
        emph[group_[r]].append(points_[r]);
        (isSelected_.value(r) ? sel : hl).append(points_[r]);
    };
    for (int r : selection_)
        add(r);
    for (int r : highlight_)
        if (!isSelected_.value(r))
            add(r);
    selRing_->replace(sel);
    hlRing_->replace(hl);
    gap_->replace(gap);
    for (int g = 0; g < emph_.size(); ++g)
        emph_[g]->replace(emph[g]);
}

void Scatter2DView::applyColors()
{
    chart_->setBackgroundVisible(true);
    chart_->setBackgroundBrush(colors_.background);
    chart_->setBackgroundPen(Qt::NoPen);
    chart_->setPlotAreaBackgroundVisible(false);
    chartView_->setBackgroundBrush(colors_.background);
    for (QValueAxis *a : {axisX_, axisY_}) {
        a->setGridLineColor(colors_.grid);
        a->setLinePenColor(colors_.axis);
        a->setLabelsColor(colors_.foreground);
        a->setLabelsFont(font());
        QFont tf = font();
        tf.setBold(true);
        a->setTitleFont(tf);
        a->setTitleBrush(colors_.foreground);
    }
    const bool dim = !highlight_.isEmpty();
    for (int g = 0; g < std::min(int(base_.size()), groupCount()); ++g) {
        const QColor c = groups_[g].color;
        base_[g]->setColor(dim ? palette::mix(c, colors_.background, 0.75) : c);
        emph_[g]->setColor(c);
    }
    if (gap_) {
        selRing_->setColor(colors_.foreground);
        hlRing_->setColor(colors_.accent);
        gap_->setColor(colors_.background);
    }
    invalidateLayer();
    legend_->setColors(colors_);
    QPalette lp = legendScroll_->palette();
    lp.setColor(QPalette::Window, colors_.background);
    legendScroll_->setPalette(lp);
}

void Scatter2DView::updateLegend()
{
    const bool show = legendVisible_ && !(groups_.size() == 1 && hasNoneGroup_) && !groups_.isEmpty();
    legend_->setEntries(legendEntries());
    legendScroll_->setVisible(show);
    legendScroll_->setMinimumWidth(show ? std::min(kLegendMaxWidth, legend_->sizeHint().width()) + 4 : 0);
}

QList<LegendEntry> Scatter2DView::legendEntries() const
{
    QList<LegendEntry> out;
    for (int g = 0; g < groups_.size(); ++g)
        out.append(LegendEntry{groups_[g].name, groups_[g].color, counts_.value(g), groups_[g].visible});
    return out;
}

// ---- geometry -----------------------------------------------------------------------

QRectF Scatter2DView::dataBounds() const
{
    if (points_.isEmpty())
        return QRectF(-1, -1, 2, 2);
    double x0 = std::numeric_limits<double>::max(), x1 = -x0, y0 = x0, y1 = -x0;
    const bool isolated = !isolation_.isEmpty();
    for (int i = 0; i < points_.size(); ++i) {
        const QPointF &p = points_[i];
        if (!std::isfinite(p.x()) || !std::isfinite(p.y()) || (isolated && !isIsolated_.value(i)))
            continue;
        x0 = std::min(x0, p.x());
        x1 = std::max(x1, p.x());
        y0 = std::min(y0, p.y());
        y1 = std::max(y1, p.y());
    }
    if (x0 > x1)
        return QRectF(-1, -1, 2, 2);
    return paddedBounds(QRectF(QPointF(x0, y0), QPointF(x1, y1)));
}

QRectF Scatter2DView::paddedBounds(const QRectF &bounds)
{
    double x0 = bounds.left(), x1 = bounds.right(), y0 = bounds.top(), y1 = bounds.bottom();
    auto pad = [](double &lo, double &hi) {
        double w = hi - lo;
        if (w <= 0) {
            w = std::max(1.0, std::abs(lo));
            lo -= w / 2;
            hi += w / 2;
        } else {
            lo -= w * 0.05;
            hi += w * 0.05;
        }
    };
    pad(x0, x1);
    pad(y0, y1);
    return QRectF(QPointF(x0, y0), QPointF(x1, y1));
}

void Scatter2DView::fitToData()
{
    want_ = homeRange_.isValid() ? homeRange_ : dataBounds();
    applyRange();
}

void Scatter2DView::setHomeRange(const QRectF &range)
{
    homeRange_ = range.isValid() ? range.normalized() : QRectF();
    if (!userZoomed_)
        fitToData();
}

void Scatter2DView::resetView()
{
    userZoomed_ = false;
    fitToData();
}

void Scatter2DView::setVisibleRange(const QRectF &range)
{
    if (!(range.width() > 0) || !(range.height() > 0))
        return;
    want_ = range;
    userZoomed_ = true;
    applyRange();
}

// Both axes tick at one 1-2-5 step (a data unit is one length on both, so the grid is
// square): the larger of the steps that leave a label every 64 px across and 50 px up.
Scatter2DView::AxisTicks Scatter2DView::ticksFor(const QRectF &range, const QSizeF &plot)
{
    const NiceTicks x = niceTicks(range.left(), range.right(), 1 + int(std::max(0.0, plot.width()) / 64));
    const NiceTicks y = niceTicks(range.top(), range.bottom(), 1 + int(std::max(0.0, plot.height()) / 50));
    const double step = std::max(x.step, y.step);
    return {ticksWithStep(range.left(), range.right(), step), ticksWithStep(range.top(), range.bottom(), step)};
}

Scatter2DView::Margins Scatter2DView::marginsFor(const QSizeF &size, const QRectF &range) const
{
    const QFontMetricsF fm(font());
    QFont tf = font();
    tf.setBold(true);
    const QFontMetricsF tfm(tf);
    const NiceTicks ty = ticksFor(range, QSizeF(size.width() - 100, size.height() - 60)).y;
    // At least the width of "-00.00", so zooming and panning rarely move the plot edge.
    double labelW = fm.horizontalAdvance(QStringLiteral("-00.00"));
    for (int i = 0; i < ty.count; ++i)
        labelW = std::max(labelW, fm.horizontalAdvance(tickText(ty.at(i), ty.decimals)));
    Margins m;
    m.left = 12 + labelW + (yTitle_.isEmpty() ? 0 : tfm.height() + 6);
    m.bottom = 10 + fm.height() + (xTitle_.isEmpty() ? 0 : tfm.height() + 6);
    m.top = 12;
    m.right = 16;
    return m;
}

QRectF Scatter2DView::plotRectFor(const QSizeF &size, const QRectF &range) const
{
    const Margins m = marginsFor(size, range);
    return QRectF(m.left, m.top, std::max(10.0, size.width() - m.left - m.right),
                  std::max(10.0, size.height() - m.top - m.bottom));
}

// The plot's left margin holds the y tick labels, which depend on the range, which depends
// on the plot's shape: a few rounds settle it (the margin has a minimum width, so it rarely
// moves). The range returned fits the plot returned exactly.
QRectF Scatter2DView::fittedRange(const QSizeF &size, QRectF *plot) const
{
    QRectF r = range_;
    QRectF p = plotRectFor(size, r);
    for (int round = 0; round < 3; ++round) {
        r = equalScale(want_, p.size());
        const QRectF next = plotRectFor(size, r);
        if (next == p)
            break;
        p = next;
    }
    *plot = p;
    return equalScale(want_, p.size());
}

QRectF Scatter2DView::plotRect() const
{
    return plot_.translated(chartView_->pos());
}

void Scatter2DView::applyRange()
{
    range_ = fittedRange(QSizeF(chartView_->size()), &plot_);
    const AxisTicks t = ticksFor(range_, plot_.size());
    const QString format = QStringLiteral("%.") + QString::number(t.x.decimals) + QStringLiteral("f");
    for (QValueAxis *a : {axisX_, axisY_}) {
        const NiceTicks &ticks = a == axisX_ ? t.x : t.y;
        a->setTickInterval(ticks.step);
        a->setTickAnchor(ticks.first() + ticks.step * kTickBias);
        a->setLabelFormat(format);
    }
    axisX_->setRange(range_.left(), range_.right() + 2 * t.x.step * kTickBias);
    axisY_->setRange(range_.top(), range_.bottom() + 2 * t.y.step * kTickBias);
    chart_->setPlotArea(plot_);
    layer_->setPlot(plot_);
    updateIsolateBar();
    overlay_->update();
}

void Scatter2DView::invalidateLayer()
{
    if (layer_ && layer_->isVisible())
        layer_->invalidate();
}

template <class Pass>
void Scatter2DView::pointPasses(Pass &&pass) const
{
    const double s = pointSize();
    const bool dim = !highlight_.isEmpty();
    for (int g = 0; g < groups_.size(); ++g)
        if (groups_[g].visible)
            pass(rowsOf_[g], dim ? palette::mix(groups_[g].color, colors_.background, 0.75) : groups_[g].color, s);
    QVector<int> hlRows, selRows;
    for (int r : highlight_)
        if (rowActive(r) && !isSelected_.value(r))
            hlRows.append(r);
    for (int r : selection_)
        if (rowActive(r))
            selRows.append(r);
    if (hlRows.isEmpty() && selRows.isEmpty())
        return;
    pass(hlRows, colors_.accent, s + 10);
    pass(selRows, colors_.foreground, s + 10);
    const QVector<int> marked = hlRows + selRows;
    pass(marked, colors_.background, s + 4);
    for (int r : marked)
        pass(QVector<int>{r}, groups_[group_[r]].color, s);
}

// The painted layer's image: `plot` is the plot area in the image's coordinates.
void Scatter2DView::paintLayer(QImage &image, const QRectF &plot) const
{
    DotRaster dots(image);
    // Zoomed out on a large set the groups are drawn as density (scatter2d_density.h);
    // their passes are then skipped and only the emphasis is drawn as dots on top.
    int skip = largeGroupPasses(image, plot, &dots);
    pointPasses([&](const QVector<int> &rows, const QColor &c, double size) {
        if (skip > 0) {
            --skip;
            return;
        }
        for (int r : rows)
            dots.draw(toPixel(points_[r], plot), c, size);
    });
}

// Large sets (at least kDensityMinPoints rows) draw their shown groups from points kept in
// cell order (scatter2d_density.h): as density when the rule there holds, else, when `dots`
// is given, as dots of the cells in view. Returns the number of pointPasses() passes drawn
// (one per shown group); 0 = draw them with pointPasses().
int Scatter2DView::largeGroupPasses(QImage &image, const QRectF &plot, DotRaster *dots) const
{
    if (points_.size() < kDensityMinPoints)
        return 0;
    if (cellsDirty_) {
        cells_.build(points_, group_);
        cellsDirty_ = false;
    }
    const bool dim = !highlight_.isEmpty();
    QVector<QColor> colors(groups_.size());
    QVector<QRgb> rgb(groups_.size(), 0);
    int shown = 0;
    for (int g = 0; g < groups_.size(); ++g)
        if (groups_[g].visible) {
            ++shown;
            colors[g] = dim ? palette::mix(groups_[g].color, colors_.background, 0.75) : groups_[g].color;
            rgb[g] = colors[g].rgba() | 0xff000000u;
        }
    if (paintDensityIfDense(image, plot, range_, cells_, rgb))
        return shown;
    if (!dots)
        return 0;
    paintDotsInView(*dots, plot, range_, cells_, colors, pointSize());
    return shown;
}

QPointF Scatter2DView::toPixel(const QPointF &d, const QRectF &plot) const
{
    return {plot.left() + (d.x() - range_.left()) / range_.width() * plot.width(),
            plot.bottom() - (d.y() - range_.top()) / range_.height() * plot.height()};
}

QPointF Scatter2DView::toData(const QPointF &px, const QRectF &plot) const
{
    return {range_.left() + (px.x() - plot.left()) / plot.width() * range_.width(),
            range_.top() + (plot.bottom() - px.y()) / plot.height() * range_.height()};
}

QPointF Scatter2DView::positionOf(int row) const
{
    if (row < 0 || row >= points_.size())
        return {-1, -1};
    return toPixel(points_[row], plotRect());
}

int Scatter2DView::rowAt(const QPointF &pos, double radiusPx) const
{
    if (points_.isEmpty())
        return -1;
    const QRectF plot = plotRect();
    if (!plot.adjusted(-radiusPx, -radiusPx, radiusPx, radiusPx).contains(pos))
        return -1;
    if (gridDirty_) {
        grid_.build(points_);
        gridDirty_ = false;
    }
    const double sx = plot.width() / range_.width(), sy = plot.height() / range_.height();
    return grid_.nearest(toData(pos, plot), sx, sy, radiusPx, [this](int r) { return rowActive(r); });
}

void Scatter2DView::zoomBy(double factor, const QPointF &anchor)
{
    if (!(factor > 0))
        return;
    const QPointF a = toData(anchor, plotRect());
    const double w = range_.width() / factor, h = range_.height() / factor;
    if (w < 1e-12 || h < 1e-12 || w > 1e12 || h > 1e12)
        return;
    const double left = a.x() - (a.x() - range_.left()) / factor;
    const double top = a.y() - (a.y() - range_.top()) / factor;
    want_ = QRectF(left, top, w, h); // the range's shape: it stays as it is
    userZoomed_ = true;
    applyRange();
    // New tick labels may change the plot's left margin (and the range grows to its new
    // shape): keep the anchor's data point under the cursor.
    const QPointF now = toData(anchor, plotRect());
    if (now != a) {
        want_.translate(a - now);
        applyRange();
    }
}

void Scatter2DView::panBy(const QPointF &pixels)
{
    const QRectF plot = plotRect();
    const double dx = -pixels.x() / plot.width() * range_.width();
    const double dy = pixels.y() / plot.height() * range_.height();
    want_.translate(dx, dy);
    userZoomed_ = true;
    applyRange();
}

QImage Scatter2DView::grabScreen() const
{
    QWidget *top = window();
    QScreen *screen = top->screen();
    if (!screen || !top->windowHandle())
        return {};
    const QPoint origin = mapTo(top, QPoint(0, 0));
    return screen->grabWindow(top->winId(), origin.x(), origin.y(), width(), height()).toImage();
}

// ---- events -------------------------------------------------------------------------

void Scatter2DView::resizeEvent(QResizeEvent *e)
{
    QWidget::resizeEvent(e);
    overlay_->setGeometry(chartView_->geometry());
    applyRange();
}

void Scatter2DView::showEvent(QShowEvent *e)
{
    QWidget::showEvent(e);
    prepareOpenGLLayer();
    if (seriesStale_) {
        seriesStale_ = false;
        refreshSeries();
    }
}

void Scatter2DView::changeEvent(QEvent *e)
{
    if (e->type() == QEvent::PaletteChange || e->type() == QEvent::FontChange) {
        layoutChanged();
        colors_ = palette::ViewColors::fromPalette(palette());
        if (hasNoneGroup_ && !groups_.isEmpty())
            groups_.last().color = palette::ungroupedColor(colors_.dark);
        applyColors();
        updateLegend();
        applyRange();
    }
    QWidget::changeEvent(e);
}

bool Scatter2DView::eventFilter(QObject *watched, QEvent *event)
{
    // The overlay covers the chart view; its input is the interaction's (an event filter of
    // its own).
    if (watched == chartView_ && (event->type() == QEvent::Resize || event->type() == QEvent::Move)) {
        overlay_->setGeometry(chartView_->geometry());
        overlay_->raise();
        if (event->type() == QEvent::Resize)
            applyRange();
    }
    return false;
}

// ---- interaction (Scatter2DInteractionHost) -----------------------------------------

QPointF Scatter2DView::overlayOffset() const
{
    return chartView_->pos();
}

int Scatter2DView::pickRow(const QPointF &pos) const
{
    return rowAt(pos, kPickRadius);
}

QVector<int> Scatter2DView::rowsInRect(const QPointF &a, const QPointF &b) const
{
    const QRectF plot = plotRect();
    const QRectF data = QRectF(toData(a, plot), toData(b, plot)).normalized();
    if (gridDirty_) {
        grid_.build(points_);
        gridDirty_ = false;
    }
    return grid_.inRect(data, [this](int r) { return rowActive(r); });
}

QVector<int> Scatter2DView::rowsInPolygon(const QPolygonF &poly) const
{
    const QRectF box = poly.boundingRect();
    const QRectF plot = plotRect();
    QVector<int> rows;
    for (int r = 0; r < points_.size(); ++r) {
        if (!rowActive(r))
            continue;
        const QPointF p = toPixel(points_[r], plot);
        if (box.contains(p) && poly.containsPoint(p, Qt::OddEvenFill))
            rows.append(r);
    }
    return rows;
}

void Scatter2DView::selectRowsByUser(const QVector<int> &rows)
{
    setSelection(rows);
    emit pointsSelected(selection_);
}

void Scatter2DView::clickRow(int row)
{
    setSelection({row});
    emit pointClicked(row);
}

bool Scatter2DView::endIsolation()
{
    if (isolation_.isEmpty())
        return false;
    isolate({});
    return true;
}

QString Scatter2DView::tooltipHtml(int row) const
{
    // "Row 15 · animals" (the table's 1-based number), then the text.
    QString html = QStringLiteral("<b>%1</b>").arg(tr("Row %1").arg(displayRow(row)));
    const int g = groupOf(row);
    if (g >= 0 && !(hasNoneGroup_ && g == groups_.size() - 1))
        html += QStringLiteral(" &middot; <b>%1</b>").arg(groups_[g].name.toHtmlEscaped());
    if (row < texts_.size())
        html += QStringLiteral("<div style='white-space:pre-wrap'>%1</div>").arg(elided(texts_[row], 400).toHtmlEscaped());
    return html;
}

void Scatter2DView::showRowTooltip(int row, const QPoint &globalPos)
{
    QToolTip::showText(globalPos, tooltipHtml(row), overlay_);
}

// ---- painting -----------------------------------------------------------------------

void Scatter2DView::paintLabels(QPainter &p, const QRectF &plot, const QFont &font) const
{
    labelsDrawn_ = 0;
    if (labelMode_ == pointlabels::Mode::Off || texts_.isEmpty() || points_.isEmpty())
        return;
    const int limit = labelMode_ == pointlabels::Mode::Auto ? pointlabels::kAutoLimit : labelLimit_;
    QVector<int> rows;
    for (int r = 0; r < points_.size(); ++r) {
        if (!rowActive(r))
            continue;
        if (plot.contains(toPixel(points_[r], plot))) {
            rows.append(r);
            if (rows.size() > limit)
                return;
        }
    }
    QFont f = font;
    f.setPointSizeF(font.pointSizeF() > 0 ? font.pointSizeF() * 0.85 : 8);
    p.save();
    p.setFont(f);
    p.setClipRect(plot);
    const QFontMetricsF fm(f);
    const double r = pointSize() / 2 + 3;
    QVector<QRectF> placed;
    for (int row : rows) {
        if (row >= texts_.size())
            continue;
        const QString t = pointlabels::firstWords(texts_[row]);
        const QPointF at = toPixel(points_[row], plot);
        const double w = fm.horizontalAdvance(t);
        QRectF box(at.x() + r, at.y() - fm.height() / 2, w, fm.height());
        if (box.right() > plot.right() && at.x() - r - w >= plot.left())
            box.moveRight(at.x() - r); // near the right edge: label on the left
        // Greedy placement: a label that would overlap an earlier one is left out (the
        // tooltip still shows it).
        bool clash = false;
        for (const QRectF &q : placed)
            if (q.intersects(box)) {
                clash = true;
                break;
            }
        if (clash)
            continue;
        placed.append(box);
        p.setPen(palette::mix(colors_.foreground, colors_.background, 0.15));
        p.drawText(box, Qt::AlignLeft | Qt::AlignVCenter, t);
        ++labelsDrawn_;
    }
    p.restore();
}

// The clicked row's neighbours: a line from the row to each (under), a ring on each.
void Scatter2DView::paintNeighbors(QPainter &p, const QRectF &plot) const
{
    if (neighborRow_ < 0 || neighbors_.isEmpty() || !rowActive(neighborRow_))
        return;
    const QPointF from = toPixel(points_[neighborRow_], plot);
    const double ring = pointSize() / 2 + 4;
    p.save();
    p.setClipRect(plot.adjusted(-1, -1, 1, 1));
    p.setRenderHint(QPainter::Antialiasing, true);
    const QColor line = palette::mix(colors_.foreground, colors_.background, 0.35);
    for (int r : neighbors_) {
        if (!rowActive(r))
            continue;
        const QPointF to = toPixel(points_[r], plot);
        const QPointF d = to - from;
        const double len = std::hypot(d.x(), d.y());
        if (len <= 2 * ring)
            continue;
        // From ring to ring, so the points stay clear.
        const QPointF u = d / len;
        p.setPen(QPen(colors_.background, 3.5, Qt::SolidLine, Qt::RoundCap));
        p.drawLine(from + u * (ring + 1), to - u * (ring + 1));
        p.setPen(QPen(line, 1.6, Qt::SolidLine, Qt::RoundCap));
        p.drawLine(from + u * (ring + 1), to - u * (ring + 1));
    }
    p.setBrush(Qt::NoBrush);
    for (int r : neighbors_) {
        if (!rowActive(r))
            continue;
        const QPointF at = toPixel(points_[r], plot);
        p.setPen(QPen(colors_.background, 4.2));
        p.drawEllipse(at, ring, ring);
        p.setPen(QPen(colors_.foreground, 2.0));
        p.drawEllipse(at, ring, ring);
    }
    p.restore();
}

// What the captions avoid: the points in view (a sample of at most 20,000: only their
// density matters) and, never covered, the selected rows and the clicked row's neighbours.
CaptionAvoid Scatter2DView::captionAvoid(const QRectF &plot) const
{
    CaptionAvoid a;
    a.clearRadius = pointSize() / 2 + 6;
    if (captions_.isEmpty())
        return a;
    const int n = int(points_.size());
    const int stride = std::max(1, n / 20000);
    a.points.reserve(n / stride + 1);
    for (int r = 0; r < n; r += stride)
        if (rowActive(r))
            a.points.append(toPixel(points_[r], plot));
    for (int i = 0; i < std::min<qsizetype>(selection_.size(), 200); ++i)
        if (rowActive(selection_[i]))
            a.keepClear.append(toPixel(points_[selection_[i]], plot));
    if (neighborRow_ >= 0) {
        a.keepClear.append(toPixel(points_[neighborRow_], plot));
        for (int r : neighbors_)
            if (rowActive(r))
                a.keepClear.append(toPixel(points_[r], plot));
    }
    return a;
}

QVector<PlacedCaption> Scatter2DView::captionLayout() const
{
    QVector<PlacedCaption> out = captionLayout_;
    const QPointF off = chartView_->pos();
    for (PlacedCaption &c : out) {
        c.box.translate(off);
        c.anchor += off;
    }
    return out;
}

void Scatter2DView::paintOverlay(QPainter &p)
{
    const QPointF off = chartView_->pos();
    const QRectF plot = plotRect().translated(-off);
    p.setRenderHint(QPainter::Antialiasing, true);
    if (points_.isEmpty()) {
        p.setPen(colors_.muted);
        p.drawText(plot.adjusted(20, 20, -20, -20), Qt::AlignCenter | Qt::TextWordWrap,
                   placeholder_.isEmpty() ? tr("The 2D map appears here after embedding.") : placeholder_);
        return;
    }
    // Labels are computed in widget coordinates, painted in overlay coordinates.
    p.save();
    p.translate(-off);
    paintLabels(p, plotRect(), font());
    p.restore();
    paintNeighbors(p, plot);
    // The captions' places are kept while nothing they depend on changes (a rubber band or
    // lasso repaints the overlay at every mouse move).
    if (layoutDone_ != layoutVersion_ || layoutRange_ != range_ || layoutPlot_ != plot) {
        // Isolated rows are a few points of some clusters: no cluster captions then.
        captionLayout_ = isolation_.isEmpty()
            ? layoutPlotCaptions(captions_, [&](const QPointF &d) { return toPixel(d, plot); }, plot, font(),
                                 captionAvoid(plot))
            : QVector<PlacedCaption>();
        layoutDone_ = layoutVersion_;
        layoutRange_ = range_;
        layoutPlot_ = plot;
    }
    paintPlacedCaptions(p, captionLayout_, captions_, plot, font(), colors_.foreground, colors_.background);
    if (interaction_)
        interaction_->paint(p, colors_.accent); // the rubber band or lasso being dragged
}

void Scatter2DView::renderTo(QPainter &p, const QRectF &rect)
{
    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setRenderHint(QPainter::TextAntialiasing, true);
    p.fillRect(rect, colors_.background);
    p.setFont(font());

    const bool legendOn = legendVisible_ && !groups_.isEmpty() && !(groups_.size() == 1 && hasNoneGroup_);
    double legendW = 0;
    QList<LegendEntry> entries;
    if (legendOn) {
        entries = legendEntries();
        legendW = std::min<double>(LegendWidget::measure(legendTitle_, entries, font(), kLegendMaxWidth, legend_->scale()).width(),
                                   rect.width() * 0.35);
    }
    // The picture has its own shape: the wanted rectangle is grown to it, as on screen.
    const QSizeF plotArea(rect.width() - legendW, rect.height());
    QRectF localPlot;
    const QRectF shown = fittedRange(plotArea, &localPlot);
    const QRectF plot = localPlot.translated(rect.topLeft());
    const QRectF screenRange = std::exchange(range_, shown); // toPixel() maps with range_
    const auto restoreRange = qScopeGuard([&] { range_ = screenRange; });

    // Grid, axes, tick labels, axis titles.
    const AxisTicks ticks = ticksFor(range_, plot.size());
    const NiceTicks &tx = ticks.x, &ty = ticks.y;
    const QFontMetricsF fm(font());
    p.setPen(QPen(colors_.grid, 1));
    for (int i = 0; i < tx.count; ++i) {
        const double x = toPixel({tx.at(i), range_.top()}, plot).x();
        p.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
    }
    for (int i = 0; i < ty.count; ++i) {
        const double y = toPixel({range_.left(), ty.at(i)}, plot).y();
        p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y));
    }
    p.setPen(QPen(colors_.axis, 1));
    p.drawLine(plot.bottomLeft(), plot.bottomRight());
    p.drawLine(plot.bottomLeft(), plot.topLeft());
    p.setPen(colors_.foreground);
    for (int i = 0; i < tx.count; ++i) {
        const double v = tx.at(i);
        const double x = toPixel({v, range_.top()}, plot).x();
        const QString t = tickText(v, tx.decimals);
        const double w = fm.horizontalAdvance(t);
        p.drawText(QRectF(x - w / 2 - 2, plot.bottom() + 4, w + 4, fm.height()), Qt::AlignCenter, t);
    }
    for (int i = 0; i < ty.count; ++i) {
        const double v = ty.at(i);
        const double y = toPixel({range_.left(), v}, plot).y();
        const QString t = tickText(v, ty.decimals);
        p.drawText(QRectF(rect.left(), y - fm.height() / 2, plot.left() - rect.left() - 6, fm.height()),
                   Qt::AlignRight | Qt::AlignVCenter, t);
    }
    QFont tf = font();
    tf.setBold(true);
    p.setFont(tf);
    const QFontMetricsF tfm(tf);
    if (!xTitle_.isEmpty())
        p.drawText(QRectF(plot.left(), plot.bottom() + 6 + fm.height(), plot.width(), tfm.height()),
                   Qt::AlignCenter, xTitle_);
    if (!yTitle_.isEmpty()) {
        p.save();
        p.translate(rect.left() + 4, plot.center().y());
        p.rotate(-90);
        p.drawText(QRectF(-plot.height() / 2, 0, plot.height(), tfm.height()), Qt::AlignCenter, yTitle_);
        p.restore();
    }
    p.setFont(font());

    // Points: round caps on zero-length lines are the fastest antialiased dots in QPainter
    // (and stay vector shapes in SVG).
    p.save();
    p.setClipRect(plot.adjusted(-1, -1, 1, 1));
    const double s = pointSize();
    const QRectF cull = plot.adjusted(-s - 10, -s - 10, s + 10, s + 10);
    int skip = 0; // the groups' passes drawn as density (as on screen), as an image of the plot
    if (points_.size() >= kDensityMinPoints) {
        const QRectF area(QPointF(std::floor(plot.left()), std::floor(plot.top())), plot.bottomRight());
        const qreal dpr = p.device() ? p.device()->devicePixelRatioF() : 1.0;
        QImage density(QSize(int(std::ceil(area.width() * dpr)), int(std::ceil(area.height() * dpr))),
                       QImage::Format_ARGB32_Premultiplied);
        density.setDevicePixelRatio(dpr);
        density.fill(Qt::transparent);
        skip = largeGroupPasses(density, plot.translated(-area.topLeft()), nullptr);
        if (skip > 0)
            p.drawImage(area.topLeft(), density);
    }
    pointPasses([&](const QVector<int> &rows, const QColor &c, double size) {
        if (skip > 0) {
            --skip;
            return;
        }
        QPolygonF pts;
        pts.reserve(rows.size());
        for (int r : rows) {
            const QPointF q = toPixel(points_[r], plot);
            if (cull.contains(q))
                pts.append(q);
        }
        p.setPen(QPen(c, size, Qt::SolidLine, Qt::RoundCap));
        p.drawPoints(pts);
    });
    p.restore();

    if (points_.isEmpty()) {
        p.setPen(colors_.muted);
        p.drawText(plot.adjusted(20, 20, -20, -20), Qt::AlignCenter | Qt::TextWordWrap,
                   placeholder_.isEmpty() ? tr("The 2D map appears here after embedding.") : placeholder_);
    }
    paintLabels(p, plot, font());
    paintNeighbors(p, plot);
    if (isolation_.isEmpty())
        paintPlotCaptions(p, captions_, [&](const QPointF &d) { return toPixel(d, plot); }, plot, font(),
                          colors_.foreground, colors_.background, captionAvoid(plot));
    if (legendOn)
        LegendWidget::paint(p, QRectF(rect.right() - legendW, rect.top(), legendW, rect.height()),
                            legendTitle_, entries, colors_, font(), legend_->scale());
    p.restore();
}

QImage Scatter2DView::renderImage(const QSize &size)
{
    QImage img(size, QImage::Format_ARGB32_Premultiplied);
    img.fill(colors_.background);
    QPainter p(&img);
    renderTo(p, QRectF(QPointF(0, 0), QSizeF(size)));
    p.end();
    return img;
}

bool Scatter2DView::exportSvg(const QString &path, const QSize &size, QString *error)
{
    QSvgGenerator svg;
    svg.setFileName(path);
    svg.setSize(size);
    svg.setViewBox(QRect(QPoint(0, 0), size));
    svg.setTitle(QStringLiteral("EmbedScope 2D map"));
    QPainter p;
    if (!p.begin(&svg)) {
        if (error)
            *error = tr("cannot write %1").arg(path);
        return false;
    }
    renderTo(p, QRectF(QPointF(0, 0), QSizeF(size)));
    p.end();
    if (!QFileInfo(path).exists() || QFileInfo(path).size() == 0) {
        if (error)
            *error = tr("cannot write %1").arg(path);
        return false;
    }
    return true;
}

} // namespace es
