#include "views/scatter3dview.h"

#include "views/glcheck.h"
#include "views/niceticks.h"

#include <QFile>
#include <QHBoxLayout>
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
constexpr int kLegendMaxWidth = 260;
constexpr float kDefaultZoom = 85.0f;  // 100 clips the axis titles at the bottom
constexpr int kMaxTicks3D = 6;         // labels per axis: they are large in the scene

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
    if (t.size() > 80)
        t = t.left(79) + QChar(0x2026);
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

    legend_ = new LegendWidget;
    legendScroll_ = legend_->placeBeside(this, stack_, kLegendMaxWidth);

    connect(legend_, &LegendWidget::entryToggled, this, [this](int i, bool visible) {
        setGroupVisible(i, visible);
        emit groupVisibilityChanged(i, visible);
    });

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
    QFont f = font();
    f.setPointSizeF(std::max(18.0, f.pointSizeF() * 2)); // labels are textures, scaled down
    theme->setFont(f);
    graph_->setActiveTheme(theme);
    // Themes do not apply to series colours set explicitly; reapply them.
    for (int g = 0; g < base_.size(); ++g)
        base_[g]->setBaseColor(groups_[g].color);
    if (selSeries_) {
        selSeries_->setBaseColor(colors_.foreground);
        hlSeries_->setBaseColor(colors_.accent);
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
    for (int d = 0; d < 3; ++d) {
        double lo = HUGE_VAL, hi = -HUGE_VAL;
        for (const QVector3D &p : points_) {
            const double v = p[d];
            if (std::isfinite(v)) {
                lo = std::min(lo, v);
                hi = std::max(hi, v);
            }
        }
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
    updateAxes();
    if (sameRows && !base_.isEmpty()) {
        fillSeries();
        return;
    }
    const int n = int(points_.size());
    auto clip = [n](QVector<int> &rows) {
        rows.erase(std::remove_if(rows.begin(), rows.end(), [n](int r) { return r < 0 || r >= n; }), rows.end());
    };
    clip(selection_);
    clip(highlight_);
    regroup();
    rebuildSeries();
    updateLegend();
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
    for (int i = 0; i < n; ++i)
        if (!sampled_ || keepRow(i, fraction))
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
        s->setSingleHighlightColor(colors_.foreground);
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
    // Emphasis series are always spheres, larger than the points, so they read as marks.
    selSeries_ = make(colors_.foreground, tr("selected"));
    hlSeries_ = make(colors_.accent, tr("search hits"));
    for (QScatter3DSeries *s : {selSeries_, hlSeries_}) {
        s->setMesh(QAbstract3DSeries::MeshSphere);
        s->setMeshSmooth(true);
        s->setItemSize(largeMode_ ? 0.05f : itemSize * 1.5f);
    }
    // Emphasis series come last and are larger, so a selected mark shows around its point.
    for (QScatter3DSeries *s : base_)
        graph_->addSeries(s);
    graph_->addSeries(selSeries_);
    graph_->addSeries(hlSeries_);
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
    return g >= 0 && groups_[g].visible;
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
    // Data Visualization shows the series' item label for the selected item: the text.
    if (row < texts_.size())
        series->setItemLabelFormat(escapeLabel(texts_[row]));
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
    cam->setTarget(QVector3D(0, 0, 0));
}

float Scatter3DView::fittingZoom() const
{
    const QSize s = container_ ? container_->size() : size();
    if (s.width() <= 0 || s.height() <= 0)
        return kDefaultZoom;
    const double tall = double(s.height()) / s.width();
    return float(kDefaultZoom * std::clamp(1.0 + (tall - 0.8) * 0.5, 1.0, 1.3));
}

void Scatter3DView::resizeEvent(QResizeEvent *e)
{
    QWidget::resizeEvent(e);
    // The message wraps at about 600 px: wide side margins (a maximum width on the label
    // would let the layout ask its height for the wider cell and clip the second line).
    const int side = std::max(48, (width() - 600) / 2);
    messagePage_->layout()->setContentsMargins(side, 24, side, 24);
    Q3DCamera *cam = graph_->scene()->activeCamera();
    if (autoZoom_ == 0 || std::abs(cam->zoomLevel() - autoZoom_) < 0.01f) {
        autoZoom_ = fittingZoom();
        cam->setZoomLevel(autoZoom_);
    }
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
}

void Scatter3DView::clearMessage()
{
    if (!isShowingMessage())
        return;
    stack_->setCurrentWidget(container_);
    updateLegend();
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
    const QImage graph = graph_->renderToImage(4, graphSize);
    QPainter p(&out);
    p.drawImage(QPoint(0, 0), graph);
    if (legendOn)
        LegendWidget::paint(p, QRectF(size.width() - legendW, 0, legendW, size.height()), legendTitle_,
                            entries, colors_, font(), legend_->scale());
    p.end();
    return out;
}

} // namespace es
