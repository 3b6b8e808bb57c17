#include "views/scatter3dview.h"

#include "views/glcheck.h"
#include "views/isolatebar.h"
#include "views/niceticks.h"
#include "views/rownumber.h"

#include <QFile>
#include <QHBoxLayout>
#include <QFontMetricsF>
#include <QKeyEvent>
#include <QQuaternion>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QScrollArea>
#include <QStackedWidget>
#include <QTimer>
#include <QVBoxLayout>
#include <QtDataVisualization/Q3DCamera>
#include <QtDataVisualization/Q3DInputHandler>
#include <QtDataVisualization/Q3DScatter>
#include <QtDataVisualization/Q3DTheme>
#include <QtDataVisualization/QScatter3DSeries>
#include <QtDataVisualization/QScatterDataProxy>
#include <QtDataVisualization/QValue3DAxis>
#include <QtDataVisualization/QValue3DAxisFormatter>
#include <QtDataVisualization/qutils.h>

#include <algorithm>
#include <cmath>

namespace es {

namespace {

constexpr int kLargeN = 1000;         // above: MeshPoint + OptimizationStatic
// Above this many points the spheres are an 80-triangle icosphere instead of Qt's smooth
// sphere: under software OpenGL the sphere's vertices dominate a frame (live t-SNE, 1,000
// rows: 158-237 ms a frame with Qt's sphere, 87-109 ms with the icosphere); at the sizes
// drawn there (itemSize 0.06-0.1) the facets do not show.
constexpr int kSmoothMaxN = 100;
const QString kIcosphere = QStringLiteral(":/meshes/icosphere1.obj");
const QString kRing = QStringLiteral(":/meshes/ring.obj");
constexpr int kLegendMaxWidth = 260;
constexpr float kDefaultZoom = 85.0f;  // 100 clips the axis titles at the bottom
constexpr int kMaxTicks3D = 6;         // labels per axis: they are large in the scene
constexpr double kSceneUnitsPerShortSide = 2.4; // see applyLabelFont
constexpr double kLabelScale = 1.3;

// Deterministic "keep this row?" for the level of detail: a multiplicative hash of the
// row compared with the kept fraction, so the same rows stay when coordinates change.
bool keepRow(int row, double fraction)
{
    const quint32 h = quint32(row) * 2654435761u;
    return double(h) < fraction * 4294967296.0;
}

QString escapeLabel(const QString &s)
{
    QString t = s.simplified();
    if (t.size() > 90)
        t = t.left(89) + QChar(0x2026);
    // '@' starts a tag in Data Visualization's item label format.
    t.replace(QLatin1Char('@'), QStringLiteral("(at)"));
    return t;
}

// Labels of a 3D axis whose ends and segments lie on 1-2-5 ticks (updateAxes): each value
// is snapped to its tick and printed with the decimals the step needs, never as "-0". Data
// Visualization computes a label as min + i / segments * (max - min) from the axis' float
// range, so the tick at zero would print "-0.0" and 0.6 as "0.60000002" with "%g".
class TickFormatter : public QValue3DAxisFormatter {
public:
    explicit TickFormatter(QObject *parent = nullptr) : QValue3DAxisFormatter(parent) {}
    void setTicks(double step, int decimals)
    {
        if (step == step_ && decimals == decimals_)
            return;
        step_ = step;
        decimals_ = decimals;
        markDirty(true);
    }

protected:
    QValue3DAxisFormatter *createNewInstance() const override { return new TickFormatter; }
    void populateCopy(QValue3DAxisFormatter &copy) const override
    {
        QValue3DAxisFormatter::populateCopy(copy);
        auto &c = static_cast<TickFormatter &>(copy);
        c.step_ = step_;
        c.decimals_ = decimals_;
    }
    QString stringForValue(qreal value, const QString &) const override
    {
        if (step_ > 0)
            value = std::round(value / step_) * step_;
        return QString::fromStdString(formatTick(value, decimals_));
    }

private:
    double step_ = 0;
    int decimals_ = 2;
};

} // namespace

bool Scatter3DView::isOpenGLAvailable(QString *why)
{
    return openGLAvailable(why);
}

Scatter3DView::Scatter3DView(QWidget *parent) : QWidget(parent)
{
    colors_ = palette::ViewColors::fromPalette(palette());
    // Qt's default format multisamples 8x. A GPU hardly notices; a software rasteriser
    // (llvmpipe under Xvfb or in a VM) spends most of a frame on it: live t-SNE on 1,000
    // rows took 81-109 ms a frame with 8x and 60-83 ms without. Exported pictures are not
    // affected (renderToImage multisamples on its own).
    QSurfaceFormat format = qDefaultSurfaceFormat(true);
    if (openGLIsSoftware())
        format.setSamples(0);
    graph_ = new Q3DScatter(&format);
    graph_->setShadowQuality(QAbstract3DGraph::ShadowQualityNone);
    graph_->setSelectionMode(QAbstract3DGraph::SelectionItem);
    graph_->scene()->activeCamera()->setCameraPreset(Q3DCamera::CameraPresetIsometricRight);
    graph_->scene()->activeCamera()->setZoomLevel(kDefaultZoom);
    graph_->axisX()->setTitle(QStringLiteral("1"));
    graph_->axisY()->setTitle(QStringLiteral("2"));
    graph_->axisZ()->setTitle(QStringLiteral("3"));
    for (QValue3DAxis *a : {graph_->axisX(), graph_->axisY(), graph_->axisZ()}) {
        a->setTitleVisible(true);
        a->setFormatter(new TickFormatter(a));
        a->setSubSegmentCount(1);
        // Labels and titles turn towards the camera instead of lying in the axis' plane,
        // where they are seen at a slant and their scaled-down textures smear.
        a->setLabelAutoRotation(90.0f);
        a->setTitleFixed(false);
    }
    updateAxes();

    container_ = QWidget::createWindowContainer(graph_);
    container_->setMinimumSize(200, 160);
    container_->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    container_->setFocusPolicy(Qt::StrongFocus);

    // The message page: a text and a button, centred.
    messagePage_ = new QWidget;
    messageLabel_ = new QLabel;
    messageLabel_->setObjectName(QStringLiteral("scatter3dMessage"));
    messageLabel_->setWordWrap(true);
    messageLabel_->setAlignment(Qt::AlignCenter);
    messageButton_ = new QPushButton;
    messageButton_->setObjectName(QStringLiteral("scatter3dMessageButton"));
    connect(messageButton_, &QPushButton::clicked, this, &Scatter3DView::messageButtonClicked);
    auto *messageLayout = new QVBoxLayout(messagePage_);
    messageLayout->addStretch(1);
    // No alignment flag: an aligned word-wrapped label gets its one-line height. The
    // margins (resizeEvent) keep the lines short.
    messageLayout->addWidget(messageLabel_);
    messageLayout->addSpacing(8);
    messageLayout->addWidget(messageButton_, 0, Qt::AlignHCenter);
    messageLayout->addStretch(1);
    stack_ = new QStackedWidget;
    stack_->addWidget(container_);
    stack_->addWidget(messagePage_);

    // The isolate bar above the scene, in the layout: the scene is a native OpenGL window,
    // which a widget laid over it cannot cover (the bar was there but never seen).
    auto *plot = new QWidget;
    auto *plotLayout = new QVBoxLayout(plot);
    plotLayout->setContentsMargins(0, 0, 0, 0);
    plotLayout->setSpacing(2);
    isolateBar_ = new IsolateBar(plot);
    plotLayout->addWidget(isolateBar_, 0, Qt::AlignLeft);
    plotLayout->addWidget(stack_, 1);

    legend_ = new LegendWidget;
    legendScroll_ = legend_->placeBeside(this, plot, kLegendMaxWidth);

    connect(legend_, &LegendWidget::entryToggled, this, [this](int i, bool visible) {
        setGroupVisible(i, visible);
        emit groupVisibilityChanged(i, visible);
    });

    connect(isolateBar_, &IsolateBar::isolateClicked, this, [this] { isolate(isolationCandidates()); });
    connect(isolateBar_, &IsolateBar::showAllClicked, this, [this] { isolate({}); });
    graph_->installEventFilter(this);
    Q3DCamera *camera = graph_->scene()->activeCamera();
    connect(camera, &Q3DCamera::xRotationChanged, this, [this] { faceRingsToCamera(); });
    connect(camera, &Q3DCamera::yRotationChanged, this, [this] { faceRingsToCamera(); });
    connect(camera, &Q3DCamera::zoomLevelChanged, this, [this] { applyLabelFont(); });

    rotateTimer_ = new QTimer(this);
    rotateTimer_->setInterval(33);
    connect(rotateTimer_, &QTimer::timeout, this, [this] {
        Q3DCamera *cam = graph_->scene()->activeCamera();
        float x = cam->xRotation() + 0.5f;
        if (x > 180.0f)
            x -= 360.0f;
        cam->setXRotation(x);
    });

    applyTheme();
    rebuildSeries();
}

Scatter3DView::~Scatter3DView() = default;

void Scatter3DView::applyTheme()
{
    auto *theme = new Q3DTheme(Q3DTheme::ThemeQt);
    theme->setType(Q3DTheme::ThemeUserDefined);
    theme->setBackgroundColor(colors_.background);
    theme->setWindowColor(colors_.background);
    theme->setLabelTextColor(colors_.foreground);
    theme->setLabelBackgroundColor(colors_.background);
    theme->setLabelBackgroundEnabled(false);
    theme->setLabelBorderEnabled(false);
    theme->setGridLineColor(colors_.grid);
    theme->setGridEnabled(true);
    theme->setBackgroundEnabled(true);
    theme->setSingleHighlightColor(colors_.foreground);
    theme->setColorStyle(Q3DTheme::ColorStyleUniform);
    theme->setLightStrength(4.0f);
    theme->setAmbientLightStrength(0.5f);
    graph_->setActiveTheme(theme);
    applyLabelFont();
    // Themes do not apply to series colours set explicitly; reapply them. A clicked point
    // keeps its colour (its highlight colour is its own); the ring around it marks it.
    for (int g = 0; g < base_.size(); ++g) {
        base_[g]->setBaseColor(groups_[g].color);
        base_[g]->setSingleHighlightColor(groups_[g].color);
    }
    if (selSeries_) {
        selSeries_->setBaseColor(colors_.foreground);
        hlSeries_->setBaseColor(colors_.accent);
        nbSeries_->setBaseColor(palette::mix(colors_.foreground, colors_.background, 0.3));
        linkSeries_->setBaseColor(palette::mix(colors_.foreground, colors_.background, 0.35));
        for (QScatter3DSeries *s : {selSeries_, hlSeries_, nbSeries_, linkSeries_})
            s->setSingleHighlightColor(s->baseColor());
    }
    legend_->setColors(colors_);
    QPalette lp = legendScroll_->palette();
    lp.setColor(QPalette::Window, colors_.background);
    legendScroll_->setPalette(lp);
}

void Scatter3DView::changeEvent(QEvent *e)
{
    if (e->type() == QEvent::PaletteChange) {
        colors_ = palette::ViewColors::fromPalette(palette());
        if (hasNoneGroup_ && !groups_.isEmpty())
            groups_.last().color = palette::ungroupedColor(colors_.dark);
        applyTheme();
        updateLegend();
    }
    QWidget::changeEvent(e);
}

// Each axis spans whole 1-2-5 steps around its coordinate's values, one segment per step, so
// its grid lines and labels sit on the same nice values as the 2D map's (es::niceTicks).
void Scatter3DView::updateAxes()
{
    QValue3DAxis *axes[3] = {graph_->axisX(), graph_->axisY(), graph_->axisZ()};
    // One pass over the rows for the three ranges (a million rows: 48 ms as three passes
    // with a bounds-checked isolation test, a few ms like this).
    float lo3[3] = {HUGE_VALF, HUGE_VALF, HUGE_VALF}, hi3[3] = {-HUGE_VALF, -HUGE_VALF, -HUGE_VALF};
    const bool isolated = !isolation_.isEmpty(); // the axes fit the isolated rows
    const QVector3D *pts = points_.constData();
    const int n = int(points_.size());
    for (int i = 0; i < n; ++i) {
        if (isolated && !(i < isIsolated_.size() && isIsolated_[i]))
            continue;
        for (int d = 0; d < 3; ++d) {
            const float v = pts[i][d];
            if (std::isfinite(v)) {
                lo3[d] = std::min(lo3[d], v);
                hi3[d] = std::max(hi3[d], v);
            }
        }
    }
    for (int d = 0; d < 3; ++d) {
        double lo = lo3[d] <= hi3[d] ? double(lo3[d]) : HUGE_VAL, hi = lo3[d] <= hi3[d] ? double(hi3[d]) : -HUGE_VAL;
        if (lo > hi) {
            lo = -1;
            hi = 1;
        } else if (hi - lo < 1e-12 * std::max(1.0, std::abs(lo))) { // a flat coordinate
            const double half = std::max(1.0, std::abs(lo)) * 0.5;
            lo -= half;
            hi += half;
        }
        const NiceTicks t = niceTicks(lo, hi, kMaxTicks3D);
        const double first = std::floor(lo / t.step - 1e-9) * t.step;
        const double last = std::ceil(hi / t.step + 1e-9) * t.step;
        const int segments = std::max(1, int(std::lround((last - first) / t.step)));
        if (auto *f = dynamic_cast<TickFormatter *>(axes[d]->formatter()))
            f->setTicks(t.step, t.decimals);
        axes[d]->setLabelFormat(QStringLiteral("%.") + QString::number(t.decimals) + QStringLiteral("f"));
        axes[d]->setSegmentCount(segments);
        axes[d]->setRange(float(first), float(first + segments * t.step));
    }
}

void Scatter3DView::setPoints(const QVector<QVector3D> &points)
{
    const bool sameRows = points.size() == points_.size();
    points_ = points;
    if (sameRows && !base_.isEmpty()) {
        updateAxes();
        fillSeries();
        return;
    }
    const int n = int(points_.size());
    auto clip = [n](QVector<int> &rows) {
        rows.erase(std::remove_if(rows.begin(), rows.end(), [n](int r) { return r < 0 || r >= n; }), rows.end());
    };
    clip(selection_);
    clip(highlight_);
    neighborRow_ = -1;
    neighbors_.clear();
    isolation_.clear();
    isIsolated_.clear();
    updateAxes();
    regroup();
    rebuildSeries();
    updateLegend();
    updateIsolateBar();
}

void Scatter3DView::setColors(const QVector<int> &group, const QList<PointGroup> &groups)
{
    // The window hands the colours over with every new map (each live t-SNE frame); the
    // same colours keep the series, whose rebuild (new meshes) costs a slow frame.
    if (!base_.isEmpty() && group == givenGroup_ && groups == givenGroups_)
        return;
    givenGroup_ = group;
    givenGroups_ = groups;
    regroup();
    rebuildSeries();
    updateLegend();
}

void Scatter3DView::regroup()
{
    const int n = int(points_.size());
    palette::RowGroups a = palette::assignRows(n, givenGroup_, givenGroups_, colors_.dark);
    groups_ = std::move(a.groups);
    group_ = std::move(a.group);
    counts_ = std::move(a.counts);
    hasNoneGroup_ = a.hasNone;
    rowsOf_ = QVector<QVector<int>>(groups_.size());
    sampled_ = n > sampleLimit_;
    const double fraction = sampled_ ? double(sampleLimit_) / n : 1.0;
    const bool isolated = !isolation_.isEmpty();
    for (int i = 0; i < n; ++i)
        if ((!sampled_ || keepRow(i, fraction)) && (!isolated || isIsolated_.value(i)))
            rowsOf_[group_[i]].append(i);
}

void Scatter3DView::rebuildSeries()
{
    for (QScatter3DSeries *s : graph_->seriesList())
        graph_->removeSeries(s);
    // deleteLater: the renderer may still hold the removed series until its next sync
    // (deleting them at once crashes in Scatter3DRenderer::updateSeries).
    for (QScatter3DSeries *s : base_)
        s->deleteLater();
    base_.clear();
    if (selSeries_) {
        selSeries_->deleteLater();
        hlSeries_->deleteLater();
        nbSeries_->deleteLater();
        linkSeries_->deleteLater();
    }
    largeMode_ = drawnCount() > kLargeN;
    graph_->setOptimizationHints(largeMode_ ? QAbstract3DGraph::OptimizationStatic
                                            : QAbstract3DGraph::OptimizationDefault);
    const int drawn = drawnCount();
    const float itemSize = largeMode_ ? 0.0f : (drawn > 500 ? 0.06f : drawn > kSmoothMaxN ? 0.1f : 0.16f);
    auto make = [&](const QColor &c, const QString &name) {
        auto *s = new QScatter3DSeries;
        if (largeMode_) {
            s->setMesh(QAbstract3DSeries::MeshPoint);
        } else if (drawn > kSmoothMaxN && QFile::exists(kIcosphere)) { // Qt crashes on a missing mesh file
            s->setMesh(QAbstract3DSeries::MeshUserDefined);
            s->setUserDefinedMesh(kIcosphere);
        } else {
            s->setMesh(QAbstract3DSeries::MeshSphere);
        }
        s->setMeshSmooth(!largeMode_);
        if (itemSize > 0)
            s->setItemSize(itemSize);
        s->setColorStyle(Q3DTheme::ColorStyleUniform);
        s->setBaseColor(c);
        s->setSingleHighlightColor(c); // a clicked point keeps its colour
        s->setName(name);
        s->setItemLabelFormat(name);
        connect(s, &QScatter3DSeries::selectedItemChanged, this,
                [this, s](int index) { onItemSelected(s, index); });
        return s;
    };
    for (int g = 0; g < groups_.size(); ++g) {
        base_.append(make(groups_[g].color, groups_[g].name));
        base_[g]->setVisible(groups_[g].visible);
    }
    // Emphasis series are rings around the points (facing the camera), so a selected point
    // keeps its colour; without the ring mesh, larger spheres.
    selSeries_ = make(colors_.foreground, tr("selected"));
    hlSeries_ = make(colors_.accent, tr("search hits"));
    nbSeries_ = make(palette::mix(colors_.foreground, colors_.background, 0.3), tr("neighbours"));
    const bool rings = QFile::exists(kRing);
    const float ringSize = largeMode_ ? 0.055f : itemSize * 1.6f;
    for (QScatter3DSeries *s : {selSeries_, hlSeries_, nbSeries_}) {
        if (rings) {
            s->setMesh(QAbstract3DSeries::MeshUserDefined);
            s->setUserDefinedMesh(kRing);
        } else {
            s->setMesh(QAbstract3DSeries::MeshSphere);
        }
        s->setMeshSmooth(true);
        s->setItemSize(rings ? ringSize : ringSize * 0.9f);
    }
    nbSeries_->setItemSize(rings ? ringSize * 0.85f : ringSize * 0.8f);
    // The neighbour lines: small dots from the clicked point to each neighbour.
    linkSeries_ = make(palette::mix(colors_.foreground, colors_.background, 0.35), tr("neighbour lines"));
    if (QFile::exists(kIcosphere)) {
        linkSeries_->setMesh(QAbstract3DSeries::MeshUserDefined);
        linkSeries_->setUserDefinedMesh(kIcosphere);
    } else {
        linkSeries_->setMesh(QAbstract3DSeries::MeshMinimal);
    }
    linkSeries_->setItemSize(largeMode_ ? 0.012f : std::max(0.012f, itemSize * 0.22f));
    for (QScatter3DSeries *s : base_)
        graph_->addSeries(s);
    for (QScatter3DSeries *s : {linkSeries_, nbSeries_, selSeries_, hlSeries_})
        graph_->addSeries(s);
    faceRingsToCamera();
    fillSeries();
}

void Scatter3DView::fillSeries()
{
    for (int g = 0; g < base_.size(); ++g) {
        auto *array = new QScatterDataArray(rowsOf_[g].size());
        QScatterDataItem *item = array->data();
        for (int r : rowsOf_[g])
            (item++)->setPosition(points_[r]);
        base_[g]->dataProxy()->resetArray(array);
    }
    fillEmphasis();
}

void Scatter3DView::fillEmphasis()
{
    if (!selSeries_)
        return;
    selDrawn_.clear();
    hlDrawn_.clear();
    for (int r : selection_)
        if (rowActive(r))
            selDrawn_.append(r);
    for (int r : highlight_)
        if (rowActive(r) && !std::binary_search(selection_.begin(), selection_.end(), r))
            hlDrawn_.append(r);
    auto fill = [this](QScatter3DSeries *s, const QVector<int> &rows) {
        auto *array = new QScatterDataArray(rows.size());
        QScatterDataItem *item = array->data();
        for (int r : rows)
            (item++)->setPosition(points_[r]);
        s->dataProxy()->resetArray(array);
    };
    fill(selSeries_, selDrawn_);
    fill(hlSeries_, hlDrawn_);

    // Neighbours: rings, and dotted lines from the clicked row (spaced by the scene's scale).
    nbDrawn_.clear();
    QVector<QVector3D> dots;
    if (neighborRow_ >= 0 && rowActive(neighborRow_)) {
        const QVector3D from = points_[neighborRow_];
        QVector3D span(graph_->axisX()->max() - graph_->axisX()->min(), graph_->axisY()->max() - graph_->axisY()->min(),
                       graph_->axisZ()->max() - graph_->axisZ()->min());
        for (int d = 0; d < 3; ++d)
            if (!(span[d] > 0))
                span[d] = 1;
        for (int r : neighbors_) {
            if (!rowActive(r))
                continue;
            nbDrawn_.append(r);
            const QVector3D to = points_[r];
            const float len = ((to - from) / span).length() * 2.0f; // scene units, about
            const int count = std::clamp(int(len / 0.045f), 2, 60);
            for (int i = 1; i < count; ++i)
                dots.append(from + (to - from) * (float(i) / count));
        }
    }
    fill(nbSeries_, nbDrawn_);
    auto *array = new QScatterDataArray(dots.size());
    QScatterDataItem *item = array->data();
    for (const QVector3D &d : dots)
        (item++)->setPosition(d);
    linkSeries_->dataProxy()->resetArray(array);
}

// Rings lie in the mesh's xy plane: turned by the camera's rotations they face the viewer,
// as Data Visualization turns its labels.
void Scatter3DView::faceRingsToCamera()
{
    if (!selSeries_)
        return;
    const Q3DCamera *cam = graph_->scene()->activeCamera();
    const QQuaternion q = QQuaternion::fromAxisAndAngle(0, 1, 0, -cam->xRotation())
        * QQuaternion::fromAxisAndAngle(1, 0, 0, -cam->yRotation());
    for (QScatter3DSeries *s : {selSeries_, hlSeries_, nbSeries_})
        s->setMeshRotation(q);
}

void Scatter3DView::setNeighbors(int row, const QVector<int> &neighbors)
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
    fillEmphasis();
    updateIsolateBar();
}

QVector<int> Scatter3DView::isolationCandidates() const
{
    return isolationCandidateRows(selection_, neighborRow_, neighbors_);
}

void Scatter3DView::setIsolation(const QVector<int> &rows)
{
    const int n = int(points_.size());
    const QVector<int> valid = palette::validRows(rows, n);
    if (valid == isolation_)
        return;
    isolation_ = valid;
    isIsolated_.fill(0, isolation_.isEmpty() ? 0 : n);
    for (int r : isolation_)
        isIsolated_[r] = 1;
    updateAxes();
    regroup();
    rebuildSeries();
    updateIsolateBar();
}

void Scatter3DView::isolate(const QVector<int> &rows)
{
    const QVector<int> before = isolation_;
    setIsolation(rows);
    if (isolation_ != before)
        emit isolationChanged(isolation_);
}

void Scatter3DView::updateIsolateBar()
{
    if (!isolateBar_)
        return;
    isolateBar_->setState(int(isolationCandidates().size()), int(isolation_.size()), int(points_.size()));
    if (isShowingMessage())
        isolateBar_->hide();
}

bool Scatter3DView::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == graph_ && event->type() == QEvent::KeyPress
        && static_cast<QKeyEvent *>(event)->key() == Qt::Key_Escape) {
        if (!isolation_.isEmpty()) {
            isolate({});
            return true;
        }
        if (!selection_.isEmpty()) {
            setSelection({});
            emit pointsSelected({});
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

int Scatter3DView::drawnCount() const
{
    int n = 0;
    for (const auto &rows : rowsOf_)
        n += int(rows.size());
    return n;
}

bool Scatter3DView::rowActive(int row) const
{
    const int g = group_.value(row, -1);
    return g >= 0 && groups_[g].visible && (isolation_.isEmpty() || isIsolated_.value(row));
}

QString Scatter3DView::itemLabel(int row) const
{
    const QString number = tr("Row %1").arg(displayRow(row));
    return row >= 0 && row < texts_.size() ? escapeLabel(number + QStringLiteral(": ") + texts_[row]) : number;
}

void Scatter3DView::onItemSelected(QScatter3DSeries *series, int index)
{
    if (updatingSelection_ || index < 0)
        return;
    int row = -1;
    const int g = int(base_.indexOf(series));
    if (g >= 0)
        row = rowsOf_[g].value(index, -1);
    else if (series == selSeries_)
        row = selDrawn_.value(index, -1);
    else if (series == hlSeries_)
        row = hlDrawn_.value(index, -1);
    if (row < 0)
        return;
    // Data Visualization shows the series' item label for the selected item: its row
    // number (1-based, as in the table) and text.
    series->setItemLabelFormat(itemLabel(row));
    setSelection({row});
    emit pointClicked(row);
}

void Scatter3DView::clickRow(int row)
{
    const int g = group_.value(row, -1);
    if (g < 0)
        return;
    const int index = int(rowsOf_[g].indexOf(row));
    if (index >= 0) {
        base_[g]->setSelectedItem(index);
        return;
    }
    // A row left out by the level of detail: select it directly.
    setSelection({row});
    emit pointClicked(row);
}

void Scatter3DView::setSelection(const QVector<int> &rows)
{
    const QVector<int> valid = palette::validRows(rows, int(points_.size()));
    if (valid == selection_)
        return;
    selection_ = valid;
    if (selection_.isEmpty()) {
        updatingSelection_ = true;
        graph_->clearSelection();
        updatingSelection_ = false;
    }
    fillEmphasis();
    updateIsolateBar();
}

void Scatter3DView::setHighlight(const QVector<int> &rows)
{
    const QVector<int> valid = palette::validRows(rows, int(points_.size()));
    if (valid == highlight_)
        return;
    highlight_ = valid;
    fillEmphasis();
}

void Scatter3DView::resetView()
{
    setAutoRotate(false);
    Q3DCamera *cam = graph_->scene()->activeCamera();
    cam->setCameraPreset(Q3DCamera::CameraPresetIsometricRight);
    autoZoom_ = fittingZoom();
    cam->setZoomLevel(autoZoom_);
    cam->setTarget(QVector3D(0, fitTarget_, 0));
}

// Data Visualization draws every label from a texture printed at 50 pt and scales it to
// a height of 0.05 + pt / 500 scene units (pt: the theme font's size); the texture is
// minified with mipmaps. A label shrunk to a fifth of its texture blurs; one drawn at
// half to a third reads sharply. The theme font is sized so that labels come out at
// about 1.3 times the window font's height on screen, whatever the canvas size.
void Scatter3DView::applyLabelFont()
{
    Q3DTheme *theme = graph_->activeTheme();
    if (!theme || fitting_)
        return;
    const QSize s = container_ ? container_->size() : size();
    const double zoom = graph_->scene()->activeCamera()->zoomLevel() / 100.0;
    // Pixels per scene unit (measured: a canvas' short side spans about 2.4 units at zoom 100).
    const double perUnit = std::max(1, std::min(s.width(), s.height())) / kSceneUnitsPerShortSide * zoom;
    const double want = QFontMetricsF(font()).height() * kLabelScale;
    const double pt = std::clamp((want / perUnit - 0.05) * 500.0, 6.0, 60.0);
    QFont f = font();
    if (std::abs(theme->font().pointSizeF() - pt) < 0.75)
        return;
    f.setPointSizeF(pt);
    theme->setFont(f);
}

// The part of a small offscreen picture (at the given zoom and camera height) that is not
// background, in fractions of the picture; null when nothing is drawn.
QRectF Scatter3DView::drawnBounds(const QSize &small, float zoom, float targetY)
{
    Q3DCamera *cam = graph_->scene()->activeCamera();
    cam->setZoomLevel(zoom);
    cam->setTarget(QVector3D(0, targetY, 0));
    const QImage img = graph_->renderToImage(0, small);
    if (img.isNull())
        return {};
    const QRgb bg = img.pixel(0, 0);
    int x0 = img.width(), x1 = -1, y0 = img.height(), y1 = -1;
    for (int y = 0; y < img.height(); ++y) {
        const QRgb *line = reinterpret_cast<const QRgb *>(img.constScanLine(y));
        for (int x = 0; x < img.width(); ++x) {
            const QRgb p = line[x];
            if (std::abs(qRed(p) - qRed(bg)) + std::abs(qGreen(p) - qGreen(bg)) + std::abs(qBlue(p) - qBlue(bg)) > 30) {
                x0 = std::min(x0, x);
                x1 = std::max(x1, x);
                y0 = std::min(y0, y);
                y1 = std::max(y1, y);
            }
        }
    }
    if (x1 < 0)
        return {};
    return QRectF(double(x0) / img.width(), double(y0) / img.height(), double(x1 - x0 + 1) / img.width(),
                  double(y1 - y0 + 1) / img.height());
}

// The zoom and camera height at which the scene (cube, labels, titles) fills a canvas of
// this size along its limiting side, centred, with a small margin. Data Visualization's
// projection fits the scene to the canvas' width on tall and square canvases and to its
// height on wide ones, and the preset view puts the labels below the cube, so the fit is
// measured: the scene is drawn small (320 px wide) offscreen at two camera heights, the
// height that centres it is interpolated, and the zoom scales its bounds to the canvas.
// About 3 small renders per canvas shape (kept per shape).
Scatter3DView::Fit Scatter3DView::fitFor(const QSize &s)
{
    Fit fit{kDefaultZoom, 0.0f};
    if (s.width() < 16 || s.height() < 16 || !isVisible())
        return fit;
    const int key = int(std::lround(double(s.width()) / s.height() * 40));
    if (auto it = fits_.constFind(key); it != fits_.constEnd())
        return it.value();
    Q3DCamera *cam = graph_->scene()->activeCamera();
    const float zoom0 = cam->zoomLevel();
    const QVector3D target0 = cam->target();
    fitting_ = true;
    const QSize small(320, std::max(40, int(std::lround(320.0 * s.height() / s.width()))));
    constexpr float kProbeZoom = 60.0f; // small enough that nothing is cut off
    const QRectF a = drawnBounds(small, kProbeZoom, 0.0f);
    const QRectF b = drawnBounds(small, kProbeZoom, -0.5f);
    bool measured = false;
    if (!a.isNull() && !b.isNull()) {
        measured = true;
        const double ca = a.center().y() - 0.5, cb = b.center().y() - 0.5;
        float ty = 0;
        if (std::abs(ca - cb) > 1e-4)
            ty = float(std::clamp(-0.5 * ca / (ca - cb), -1.0, 0.5));
        // The scene does not grow quite in proportion to the zoom (perspective): scaled,
        // then measured again and corrected.
        float zoom = kProbeZoom;
        for (int round = 0; round < 3; ++round) {
            const QRectF r = drawnBounds(small, zoom, ty);
            if (r.isNull())
                break;
            constexpr double kHalf = 0.5 - 0.02; // 2 % margin each side
            const double kx = kHalf / std::max({0.5 - r.left(), r.right() - 0.5, 1e-3});
            const double ky = kHalf / std::max({0.5 - r.top(), r.bottom() - 0.5, 1e-3});
            const double k = std::min(kx, ky);
            // An edge touched means cut off: step back and measure again.
            const bool cut = r.left() <= 0 || r.top() <= 0 || r.right() >= 1 || r.bottom() >= 1;
            zoom = float(std::clamp(zoom * (cut ? 0.85 : k), 30.0, 500.0));
            fit = {zoom, ty};
            if (!cut && std::abs(k - 1) < 0.02)
                break;
        }
    }
    cam->setZoomLevel(zoom0);
    cam->setTarget(target0);
    fitting_ = false;
    if (measured) // else (nothing drawn yet) measured again next time
        fits_.insert(key, fit);
    return fit;
}

float Scatter3DView::fittingZoom()
{
    const QSize s = container_ ? container_->size() : size();
    const Fit fit = fitFor(s);
    fitTarget_ = fit.targetY;
    return fit.zoom;
}

void Scatter3DView::resizeEvent(QResizeEvent *e)
{
    QWidget::resizeEvent(e);
    // The message wraps at about 600 px: wide side margins (a maximum width on the label
    // would let the layout ask its height for the wider cell and clip the second line).
    const int side = std::max(48, (width() - 600) / 2);
    messagePage_->layout()->setContentsMargins(side, 24, side, 24);
    updateIsolateBar();
    Q3DCamera *cam = graph_->scene()->activeCamera();
    if (autoZoom_ == 0 || std::abs(cam->zoomLevel() - autoZoom_) < 0.01f) {
        autoZoom_ = fittingZoom();
        cam->setZoomLevel(autoZoom_);
        cam->setTarget(QVector3D(0, fitTarget_, 0));
    }
    applyLabelFont();
}

void Scatter3DView::showEvent(QShowEvent *e)
{
    QWidget::showEvent(e);
    // The fit needs the scene on screen (an OpenGL context): measured once shown, again a
    // little later while the first frames are not drawn yet.
    refitLater(5);
}

void Scatter3DView::refitLater(int tries)
{
    QTimer::singleShot(tries == 5 ? 0 : 150, this, [this, tries] {
        Q3DCamera *c = graph_->scene()->activeCamera();
        if (!isVisible() || (autoZoom_ != 0 && std::abs(c->zoomLevel() - autoZoom_) >= 0.01f))
            return; // hidden again, or the user zoomed meanwhile
        const QSize s = container_->size();
        const bool known = fits_.contains(int(std::lround(double(s.width()) / std::max(1, s.height()) * 40)));
        autoZoom_ = fittingZoom();
        c->setZoomLevel(autoZoom_);
        c->setTarget(QVector3D(0, fitTarget_, 0));
        applyLabelFont();
        updateIsolateBar(); // the scene's window may have been made above it
        graph_->requestUpdate(); // offscreen renders can leave the window's last frame up
        const bool measured = fits_.contains(int(std::lround(double(s.width()) / std::max(1, s.height()) * 40)));
        if (!known && !measured && tries > 1)
            refitLater(tries - 1);
    });
}

void Scatter3DView::setTexts(const QStringList &texts)
{
    texts_ = texts;
}

void Scatter3DView::setLegendTitle(const QString &title)
{
    legendTitle_ = title;
    legend_->setTitle(title);
}

void Scatter3DView::setAxisTitles(const QString &x, const QString &y, const QString &z)
{
    graph_->axisX()->setTitle(x);
    graph_->axisY()->setTitle(y);
    graph_->axisZ()->setTitle(z);
}

void Scatter3DView::setLegendVisible(bool on)
{
    legendVisible_ = on;
    updateLegend();
}

void Scatter3DView::setAutoRotate(bool on)
{
    if (on)
        rotateTimer_->start();
    else
        rotateTimer_->stop();
}

bool Scatter3DView::autoRotate() const
{
    return rotateTimer_->isActive();
}

void Scatter3DView::setSampleLimit(int n)
{
    sampleLimit_ = std::max(1000, n);
    regroup();
    rebuildSeries();
}

void Scatter3DView::setGroupVisible(int g, bool visible)
{
    if (g < 0 || g >= groups_.size() || groups_[g].visible == visible)
        return;
    groups_[g].visible = visible;
    if (g < base_.size())
        base_[g]->setVisible(visible);
    legend_->setEntryVisible(g, visible);
    fillEmphasis();
    updateIsolateBar();
}

bool Scatter3DView::isGroupVisible(int g) const
{
    return g >= 0 && g < groups_.size() && groups_[g].visible;
}

QList<LegendEntry> Scatter3DView::legendEntries() const
{
    QList<LegendEntry> out;
    for (int g = 0; g < groups_.size(); ++g)
        out.append(LegendEntry{groups_[g].name, groups_[g].color, counts_.value(g), groups_[g].visible});
    return out;
}

void Scatter3DView::showMessage(const QString &text, const QString &buttonText)
{
    messageLabel_->setText(text);
    messageButton_->setText(buttonText);
    messageButton_->setVisible(!buttonText.isEmpty());
    stack_->setCurrentWidget(messagePage_);
    setAutoRotate(false);
    updateLegend();
    updateIsolateBar();
}

void Scatter3DView::clearMessage()
{
    if (!isShowingMessage())
        return;
    stack_->setCurrentWidget(container_);
    updateLegend();
    updateIsolateBar();
}

bool Scatter3DView::isShowingMessage() const
{
    return stack_->currentWidget() == messagePage_;
}

QString Scatter3DView::message() const
{
    return isShowingMessage() ? messageLabel_->text() : QString();
}

void Scatter3DView::updateLegend()
{
    const bool show = legendVisible_ && !groups_.isEmpty() && !(groups_.size() == 1 && hasNoneGroup_)
        && !isShowingMessage();
    legend_->setEntries(legendEntries());
    legendScroll_->setVisible(show);
    legendScroll_->setMinimumWidth(show ? std::min(kLegendMaxWidth, legend_->sizeHint().width()) + 4 : 0);
}

QImage Scatter3DView::renderImage(const QSize &size)
{
    const bool legendOn = legendVisible_ && !groups_.isEmpty() && !(groups_.size() == 1 && hasNoneGroup_);
    const QList<LegendEntry> entries = legendEntries();
    const int legendW = legendOn
        ? std::min(LegendWidget::measure(legendTitle_, entries, font(), kLegendMaxWidth, legend_->scale()).width(),
                   int(size.width() * 0.35))
        : 0;
    QImage out(size, QImage::Format_ARGB32_Premultiplied);
    out.fill(colors_.background);
    const QSize graphSize(std::max(16, size.width() - legendW), size.height());
    // Not zoomed by the user: the picture's own shape is fitted, as the screen's is.
    Q3DCamera *cam = graph_->scene()->activeCamera();
    const bool fitted = autoZoom_ != 0 && std::abs(cam->zoomLevel() - autoZoom_) < 0.01f && isVisible();
    const float zoom0 = cam->zoomLevel();
    const QVector3D target0 = cam->target();
    if (fitted) {
        const Fit fit = fitFor(graphSize);
        fitting_ = true;
        cam->setZoomLevel(fit.zoom);
        cam->setTarget(QVector3D(0, fit.targetY, 0));
        fitting_ = false;
    }
    const QImage graph = graph_->renderToImage(4, graphSize);
    if (fitted) {
        fitting_ = true;
        cam->setZoomLevel(zoom0);
        cam->setTarget(target0);
        fitting_ = false;
    }
    QPainter p(&out);
    p.drawImage(QPoint(0, 0), graph);
    if (legendOn)
        LegendWidget::paint(p, QRectF(size.width() - legendW, 0, legendW, size.height()), legendTitle_,
                            entries, colors_, font(), legend_->scale());
    p.end();
    return out;
}

} // namespace es
