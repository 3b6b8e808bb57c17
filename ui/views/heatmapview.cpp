#include "views/heatmapview.h"

#include "jobs/background.h"
#include "views/niceticks.h"
#include "views/rownumber.h"

#include <QHelpEvent>
#include <QItemSelectionModel>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace es {

namespace {

constexpr int kExactMax = 2048;   // up to this N the image holds every cell
constexpr int kOverviewBlocks = 1024; // blocks per side of an overview made from vectors
constexpr int kDetailMax = 1024;  // a zoomed-in region this small is drawn cell by cell
constexpr int kSyncMax = 400;     // up to this N the image is made at once, above on a worker
constexpr int kLut = 255;        // colour map entries
constexpr double kStrip = 9;      // label strip width
constexpr double kGap = 3;
constexpr double kLegendBar = 16;
constexpr double kLegendText = 46;
constexpr int kAxisTextRows = 50; // up to this many rows the axes also show short texts
constexpr double kRangeLow = 0.01, kRangeHigh = 0.99; // the colour range's percentiles

struct Stop {
    double t;
    int r, g, b;
};
// Viridis (sequential, perceptually uniform, colour-blind safe) and RdBu (diverging).
constexpr Stop kViridis[] = {{0.000, 68, 1, 84},    {0.125, 72, 40, 120},  {0.250, 62, 73, 137},
                             {0.375, 49, 104, 142}, {0.500, 38, 130, 142}, {0.625, 31, 158, 137},
                             {0.750, 53, 183, 121}, {0.875, 110, 206, 88}, {1.000, 253, 231, 37}};
constexpr Stop kRdBu[] = {{0.00, 33, 102, 172},  {0.25, 103, 169, 207}, {0.40, 209, 229, 240},
                          {0.50, 247, 247, 247}, {0.60, 253, 219, 199}, {0.75, 239, 138, 98},
                          {1.00, 178, 24, 43}};

template <std::size_t N>
QRgb interpolate(const Stop (&stops)[N], double t)
{
    t = std::clamp(t, 0.0, 1.0);
    std::size_t i = 1;
    while (i < N - 1 && stops[i].t < t)
        ++i;
    const Stop &a = stops[i - 1], &b = stops[i];
    const double u = (t - a.t) / (b.t - a.t);
    auto mix = [u](int x, int y) { return int(std::lround(x + (y - x) * u)); };
    return qRgb(mix(a.r, b.r), mix(a.g, b.g), mix(a.b, b.b));
}

QString elide(const QString &s, int n = 280)
{
    return s.size() > n ? s.left(n) + QChar(0x2026) : s;
}

} // namespace

HeatmapView::HeatmapView(QWidget *parent) : QWidget(parent)
{
    setMouseTracking(true);
    setMinimumSize(200, 200);
    setAttribute(Qt::WA_OpaquePaintEvent, false);
    setFocusPolicy(Qt::StrongFocus);
    scale_ = makeScale(nullptr, map_);
}

void HeatmapView::setMatrix(std::shared_ptr<const Matrix> similarity, std::shared_ptr<const Matrix> vectors)
{
    sim_ = std::move(similarity);
    simVectors_ = sim_ && vectors && vectors->rows() == sim_->rows() ? std::move(vectors) : nullptr;
    vecs_.reset();
    unit_.reset();
    if (sim_ && order_.size() != sim_->rows()) {
        order_.clear();
        posOf_.clear();
    }
    zoom_ = 1;
    viewOrigin_ = {};
    rebuild(true);
}

void HeatmapView::setVectors(std::shared_ptr<const Matrix> vectors)
{
    sim_.reset();
    simVectors_.reset();
    unit_.reset();
    vecs_ = std::move(vectors);
    if (vecs_ && vecs_->rows() == 0)
        vecs_.reset();
    if (vecs_ && order_.size() != vecs_->rows()) {
        order_.clear();
        posOf_.clear();
    }
    zoom_ = 1;
    viewOrigin_ = {};
    rebuild(true);
}

void HeatmapView::setJobRunner(JobRunner *jobs)
{
    if (jobs_)
        disconnect(jobs_, nullptr, this, nullptr);
    jobs_ = jobs;
    if (!jobs_)
        return;
    // A cancelled or failed worker job leaves the previous picture (never a "not ready" view).
    auto dropped = [this](const QString &kind) {
        if (kind == QLatin1String("heatmap") && building_) {
            building_ = false;
            update();
            emit ready();
        } else if (kind == QLatin1String("heatmapdetail") && detailPending_) {
            detailPending_ = false;
            emit ready();
        }
    };
    connect(jobs_, &JobRunner::jobCancelled, this, dropped);
    connect(jobs_, &JobRunner::jobFailed, this, [dropped](const QString &kind, const QString &) { dropped(kind); });
}

void HeatmapView::setOverviewBlocks(int blocks)
{
    overviewBlocks_ = std::max(1, blocks);
    if (vecs_)
        rebuild(true);
}

void HeatmapView::setOrder(const QVector<int> &order)
{
    order_ = order;
    posOf_.clear();
    if (!order_.isEmpty()) {
        posOf_.fill(-1, order_.size());
        for (int p = 0; p < order_.size(); ++p)
            if (order_[p] >= 0 && order_[p] < posOf_.size())
                posOf_[order_[p]] = p;
    }
    rebuild(false);
}

void HeatmapView::setColorMap(ColorMap map)
{
    if (map == map_)
        return;
    map_ = map;
    rebuild(true);
}

void HeatmapView::setGroups(const QVector<int> &group, const QList<PointGroup> &groups)
{
    group_ = group;
    groups_ = groups;
    rebuildStrip();
    update();
}

void HeatmapView::rebuildStrip()
{
    const int n = count();
    if (group_.isEmpty() || n == 0) {
        strip_ = QImage();
        return;
    }
    strip_ = QImage(n, 1, QImage::Format_RGB32);
    auto *line = reinterpret_cast<QRgb *>(strip_.scanLine(0));
    for (int pos = 0; pos < n; ++pos) {
        const int g = group_.value(rowAtPos(pos), -1);
        line[pos] = (g < 0 || g >= groups_.size()) ? qRgb(170, 170, 170) : groups_[g].color.rgb();
    }
}

void HeatmapView::setHighlight(const QVector<int> &rows)
{
    highlight_ = rows;
    update();
}

void HeatmapView::setSelectionModel(QItemSelectionModel *selection)
{
    if (selection_)
        disconnect(selection_, nullptr, this, nullptr);
    selection_ = selection;
    if (selection_) {
        connect(selection_, &QItemSelectionModel::selectionChanged, this,
                &HeatmapView::updateSelectionFromModel);
        connect(selection_, &QItemSelectionModel::modelChanged, this,
                &HeatmapView::updateSelectionFromModel);
    }
    updateSelectionFromModel();
}

void HeatmapView::setPlaceholder(const QString &text)
{
    placeholder_ = text;
    update();
}

void HeatmapView::updateSelectionFromModel()
{
    selected_.clear();
    if (selection_) {
        for (const QModelIndex &i : selection_->selectedRows())
            selected_.append(i.row());
        std::sort(selected_.begin(), selected_.end());
    }
    update();
}

HeatmapView::Scale HeatmapView::makeScale(const Matrix *sim, ColorMap map)
{
    Scale sc;
    if (map == ColorMap::Diverging) {
        sc.lo = -1;
        sc.hi = 1;
    } else {
        // Sequential: the 1st to 99th percentile of the off-diagonal cells. The diagonal
        // (each row with itself, cosine 1) is drawn but left out of the range: counted, it
        // stretched the range to 1 and washed out the blocks of similar rows. Above a
        // million off-diagonal cells every stride-th of them is used (deterministic): only
        // the sampled cells are visited (10,000 rows: 100 million cells, 360 ms when each
        // was tested; a million visited, a few ms).
        std::vector<float> off;
        const Eigen::Index n = sim ? sim->rows() : 0;
        if (n > 1) {
            const std::uint64_t cells = std::uint64_t(n) * std::uint64_t(n - 1);
            const std::uint64_t stride = std::max<std::uint64_t>(1, (cells + 999999) / 1000000);
            off.reserve(std::size_t(cells / stride) + 1);
            // Off-diagonal cell m: row m / (n - 1), column r = m % (n - 1) skipping the diagonal.
            for (std::uint64_t m = 0; m < cells; m += stride) {
                const auto i = Eigen::Index(m / std::uint64_t(n - 1));
                const auto r = Eigen::Index(m % std::uint64_t(n - 1));
                const float v = (*sim)(i, r < i ? r : r + 1);
                if (std::isfinite(v))
                    off.push_back(v);
            }
        }
        if (off.empty()) {
            sc.lo = 0;
            sc.hi = 1;
        } else {
            auto at = [&off](double q) {
                const auto k = std::size_t(std::lround(q * double(off.size() - 1)));
                std::nth_element(off.begin(), off.begin() + std::ptrdiff_t(k), off.end());
                return off[k];
            };
            sc.lo = at(kRangeLow);
            sc.hi = at(kRangeHigh);
            if (!(sc.hi - sc.lo > 1e-4f)) { // (nearly) all cells equal: a small range around them
                sc.lo -= 0.05f;
                sc.hi += 0.05f;
            }
        }
        sc.offDiagonal = true;
    }
    // An odd number of entries puts the diverging map's centre (white) exactly at 0.
    sc.lut.resize(kLut);
    for (int i = 0; i < kLut; ++i) {
        const double t = i / double(kLut - 1);
        sc.lut[i] = map == ColorMap::Diverging ? interpolate(kRdBu, t) : interpolate(kViridis, t);
    }
    return sc;
}

QRgb HeatmapView::Scale::rgb(float v) const
{
    if (!std::isfinite(v) || lut.isEmpty())
        return qRgb(128, 128, 128);
    const float t = (v - lo) / (hi - lo); // beyond the range: the end colours
    const int i = std::clamp(int(std::lround(t * float(lut.size() - 1))), 0, int(lut.size()) - 1);
    return lut[i];
}

QRgb HeatmapView::rgbFor(float v) const
{
    return scale_.rgb(v);
}

QColor HeatmapView::colorFor(float value) const
{
    return QColor::fromRgb(rgbFor(value));
}

HeatmapView::Built HeatmapView::build(std::shared_ptr<const Matrix> sim, std::shared_ptr<const Matrix> vectors,
                                      QVector<int> order, ColorMap map, bool rescale, Scale scale)
{
    Built out;
    out.scale = rescale ? makeScale(sim.get(), map) : std::move(scale);
    if (!sim || sim->rows() == 0)
        return out;
    const int n = int(sim->rows());
    const Matrix &s = *sim;
    auto rowAt = [&order](int p) { return order.isEmpty() ? p : order[p]; };
    if (n <= kExactMax) {
        out.cells = 1;
        out.image = QImage(n, n, QImage::Format_RGB32);
        for (int p = 0; p < n; ++p) {
            auto *line = reinterpret_cast<QRgb *>(out.image.scanLine(p));
            const float *row = s.data() + std::size_t(rowAt(p)) * std::size_t(n);
            for (int q = 0; q < n; ++q)
                line[q] = out.scale.rgb(row[rowAt(q)]);
        }
        return out;
    }
    // Block means: b x b cells per pixel; from the vectors' block sums when they are known.
    if (vectors && vectors->rows() == n) {
        Built v = buildFromVectors(vectors, nullptr, order, map, false, out.scale, kOverviewBlocks, {});
        out.image = std::move(v.image);
        out.cells = v.cells;
        return out;
    }
    const int b = (n + kExactMax - 1) / kExactMax;
    const int m = (n + b - 1) / b;
    out.cells = b;
    std::vector<double> acc(std::size_t(m) * m, 0.0);
    std::vector<int> cnt(std::size_t(m) * m, 0);
    for (int p = 0; p < n; ++p) {
        const float *row = s.data() + std::size_t(rowAt(p)) * std::size_t(n);
        double *a = acc.data() + std::size_t(p / b) * m;
        int *c = cnt.data() + std::size_t(p / b) * m;
        for (int q = 0; q < n; ++q) {
            a[q / b] += row[rowAt(q)];
            c[q / b] += 1;
        }
    }
    out.image = QImage(m, m, QImage::Format_RGB32);
    for (int y = 0; y < m; ++y) {
        auto *line = reinterpret_cast<QRgb *>(out.image.scanLine(y));
        for (int x = 0; x < m; ++x) {
            const std::size_t k = std::size_t(y) * m + x;
            line[x] = out.scale.rgb(float(acc[k] / std::max(1, cnt[k])));
        }
    }
    return out;
}

HeatmapView::Built HeatmapView::buildFromVectors(std::shared_ptr<const Matrix> vecs,
                                                 std::shared_ptr<const Matrix> unit, QVector<int> order,
                                                 ColorMap map, bool rescale, Scale scale, int blocks,
                                                 std::stop_token stop)
{
    Built out;
    const int n = vecs ? int(vecs->rows()) : 0;
    if (n == 0) {
        out.scale = rescale ? makeScale(nullptr, map) : std::move(scale);
        return out;
    }
    const Eigen::Index d = vecs->cols();
    if (!unit) {
        auto u = std::make_shared<Matrix>(*vecs);
        for (Eigen::Index i = 0; i < u->rows(); ++i) {
            const float norm = u->row(i).norm();
            if (norm > 0 && std::isfinite(norm))
                u->row(i) /= norm;
            else
                u->row(i).setZero(); // no direction: cosine 0 with everything
        }
        unit = std::move(u);
    }
    out.unit = unit;
    if (stop.stop_requested())
        return out;
    auto rowAt = [&order](int p) { return order.isEmpty() ? p : order[p]; };
    // Block k holds the positions [k b, (k+1) b); the last block may be shorter.
    const int b = (n + blocks - 1) / blocks;
    const int m = (n + b - 1) / b;
    Matrix sums = Matrix::Zero(m, d);
    for (int p = 0; p < n; ++p)
        sums.row(p / b) += unit->row(rowAt(p));
    if (stop.stop_requested())
        return out;
    // The mean of the cells of blocks (i, j) is the dot product of their sums over the sizes.
    Matrix means = sums * sums.transpose();
    for (int i = 0; i < m; ++i) {
        const double si = std::min(b, n - i * b);
        for (int j = 0; j < m; ++j)
            means(i, j) = float(means(i, j) / (si * std::min(b, n - j * b)));
    }
    if (rescale) {
        out.scale = makeScale(m > 1 ? &means : nullptr, map);
    } else {
        out.scale = std::move(scale);
    }
    out.cells = b;
    out.image = QImage(m, m, QImage::Format_RGB32);
    for (int y = 0; y < m; ++y) {
        auto *line = reinterpret_cast<QRgb *>(out.image.scanLine(y));
        for (int x = 0; x < m; ++x)
            line[x] = out.scale.rgb(means(y, x));
    }
    return out;
}

HeatmapView::Built HeatmapView::buildDetail(std::shared_ptr<const Matrix> unit, QVector<int> order, Scale scale,
                                            QRect range, std::stop_token stop)
{
    Built out;
    out.range = range;
    auto rowAt = [&order](int p) { return order.isEmpty() ? p : order[p]; };
    const Eigen::Index d = unit->cols();
    Matrix a(range.height(), d), b(range.width(), d);
    for (int i = 0; i < range.height(); ++i)
        a.row(i) = unit->row(rowAt(range.top() + i));
    for (int j = 0; j < range.width(); ++j)
        b.row(j) = unit->row(rowAt(range.left() + j));
    if (stop.stop_requested())
        return out;
    const Matrix cells = a * b.transpose();
    out.image = QImage(range.width(), range.height(), QImage::Format_RGB32);
    for (int i = 0; i < range.height(); ++i) {
        auto *line = reinterpret_cast<QRgb *>(out.image.scanLine(i));
        const float *row = cells.data() + std::size_t(i) * std::size_t(range.width());
        for (int j = 0; j < range.width(); ++j)
            line[j] = scale.rgb(row[j]);
    }
    out.cells = 1;
    return out;
}

void HeatmapView::runWorker(const QString &kind, const QString &title, std::function<Built(std::stop_token)> work,
                            std::function<void(Built &)> done)
{
    if (jobs_) {
        jobs_->start<Built>(
            kind, title, [work](JobContext &ctx) -> Result<Built> {
                Built b = work(ctx.stop);
                if (ctx.stop.stop_requested())
                    return Error::cancel();
                return b;
            },
            done);
        return;
    }
    runInBackground([work] { return work(std::stop_token{}); }).then(this, [done](Built b) { done(b); });
}

QRect HeatmapView::visibleRange(const QSizeF &) const
{
    const int n = count();
    const double span = n / zoom_;
    const int c0 = std::max(0, int(std::floor(viewOrigin_.x())));
    const int c1 = std::min(n, int(std::ceil(viewOrigin_.x() + span)));
    const int r0 = std::max(0, int(std::floor(viewOrigin_.y())));
    const int r1 = std::min(n, int(std::ceil(viewOrigin_.y() + span)));
    return QRect(c0, r0, c1 - c0, r1 - r0);
}

void HeatmapView::ensureDetail()
{
    if (!vecs_ || !unit_ || building_ || overviewCells_ <= 1)
        return;
    const QRect vis = visibleRange(size());
    if (vis.isEmpty() || vis.width() > exactLimit_ || vis.height() > exactLimit_)
        return;
    if ((!detail_.isNull() && detailRange_.contains(vis)) || (detailPending_ && detailWanted_.contains(vis)))
        return;
    // A margin around the visible region lets small pans reuse the cells.
    const int n = count();
    const int mx = std::max(0, std::min(vis.width() / 2, (exactLimit_ - vis.width()) / 2));
    const int my = std::max(0, std::min(vis.height() / 2, (exactLimit_ - vis.height()) / 2));
    const QRect want = vis.adjusted(-mx, -my, mx, my).intersected(QRect(0, 0, n, n));
    detailPending_ = true;
    detailWanted_ = want;
    const quint64 gen = ++detailGeneration_;
    const quint64 buildGen = buildGeneration_;
    auto unit = unit_;
    auto order = order_;
    auto scale = scale_;
    runWorker(QStringLiteral("heatmapdetail"), tr("Heatmap cells"),
              [unit, order, scale, want](std::stop_token st) { return buildDetail(unit, order, scale, want, st); },
              [this, gen, buildGen](Built &b) {
                  if (gen != detailGeneration_ || buildGen != buildGeneration_)
                      return;
                  detailPending_ = false;
                  if (b.image.isNull())
                      return;
                  detail_ = std::move(b.image);
                  detailRange_ = b.range;
                  update();
                  emit ready();
              });
}

float HeatmapView::cosineOf(int rowA, int rowB) const
{
    if (sim_)
        return (*sim_)(rowA, rowB);
    if (unit_)
        return unit_->row(rowA).dot(unit_->row(rowB));
    return std::numeric_limits<float>::quiet_NaN();
}

bool HeatmapView::isExactAt(const QPointF &pos) const
{
    const int n = count();
    if (n == 0 || overview_.isNull())
        return false;
    if (overviewCells_ == 1)
        return true;
    const QRect vis = visibleRange(size());
    if (sim_)
        return vis.width() <= kDetailMax && vis.height() <= kDetailMax;
    const Layout lay = layoutFor(size());
    const double cell = lay.plot.width() / n * zoom_;
    const int q = int(std::floor(viewOrigin_.x() + (pos.x() - lay.plot.left()) / cell));
    const int p = int(std::floor(viewOrigin_.y() + (pos.y() - lay.plot.top()) / cell));
    return !detail_.isNull() && detailRange_.contains(vis) && detailRange_.contains(q, p);
}

void HeatmapView::rebuild(bool rescale)
{
    rebuildStrip();
    detail_ = QImage();
    detailRange_ = {};
    detailPending_ = false;
    ++detailGeneration_;
    ++buildGeneration_;
    const int n = count();
    if (vecs_) {
        building_ = true;
        if (overview_.isNull() || builtCount_ != n) {
            overview_ = QImage();
            overviewCells_ = 0;
        }
        const quint64 gen = buildGeneration_;
        auto vecs = vecs_;
        auto unit = unit_;
        auto order = order_;
        const ColorMap map = map_;
        auto scale = scale_;
        const int blocks = overviewBlocks_;
        runWorker(QStringLiteral("heatmap"), tr("Heatmap overview"),
                  [=](std::stop_token st) {
                      return buildFromVectors(vecs, unit, order, map, rescale, scale, blocks, st);
                  },
                  [this, gen, n](Built &b) {
                      if (gen != buildGeneration_)
                          return;
                      scale_ = std::move(b.scale);
                      unit_ = b.unit;
                      overview_ = std::move(b.image);
                      overviewCells_ = b.cells;
                      builtCount_ = n;
                      building_ = false;
                      update();
                      ensureDetail();
                      emit ready();
                  });
        update();
        return;
    }
    if (n <= kSyncMax) {
        Built b = build(sim_, simVectors_, order_, map_, rescale, scale_);
        scale_ = std::move(b.scale);
        overview_ = std::move(b.image);
        overviewCells_ = b.cells;
        building_ = false;
        update();
        return;
    }
    // Large matrices: the image is made on a worker thread; the GUI thread keeps painting
    // (the previous image if it has the same size, else a note) and swaps it in when ready.
    building_ = true;
    if (overview_.isNull() || builtCount_ != n) {
        overview_ = QImage();
        overviewCells_ = 0;
    }
    const quint64 gen = buildGeneration_;
    runInBackground(&HeatmapView::build, sim_, simVectors_, order_, map_, rescale, scale_)
        .then(this, [this, gen, n](Built b) {
            if (gen != buildGeneration_)
                return;
            scale_ = std::move(b.scale);
            overview_ = std::move(b.image);
            overviewCells_ = b.cells;
            builtCount_ = n;
            building_ = false;
            update();
            emit ready();
        });
    update();
}

const QImage &HeatmapView::detailFor(int p0, int p1, int q0, int q1)
{
    const QRect want(q0, p0, q1 - q0, p1 - p0);
    if (detailRange_ == want && !detail_.isNull())
        return detail_;
    detail_ = QImage(want.width(), want.height(), QImage::Format_RGB32);
    for (int p = p0; p < p1; ++p) {
        auto *line = reinterpret_cast<QRgb *>(detail_.scanLine(p - p0));
        const int r = rowAtPos(p);
        for (int q = q0; q < q1; ++q)
            line[q - q0] = scale_.rgb((*sim_)(r, rowAtPos(q)));
    }
    detailRange_ = want;
    return detail_;
}

QFont HeatmapView::axisFont(double pixels) const
{
    QFont f = font();
    if (pixels > 0)
        f.setPixelSize(std::max(1, int(std::floor(pixels))));
    else
        f.setPointSizeF((f.pointSizeF() > 0 ? f.pointSizeF() : 10.0) * 0.85);
    return f;
}

HeatmapView::Layout HeatmapView::layoutFor(const QSizeF &size) const
{
    const double fm = fontMetrics().height();
    const int n = count();
    const double right = 12 + kLegendBar + kLegendText + fm * 0.5;
    const double bottom = 8;
    // Axes: 1-based row numbers beside the label strips and, up to kAxisTextRows rows, the
    // start of each text too, one line per row: the axis font shrinks to the cell height
    // (not below 8 px); when even that does not fit, the texts are left out.
    auto make = [&](const QFont &axis, bool texts) {
        Layout lay;
        lay.axisFont = axis;
        const QFontMetricsF afm(axis);
        lay.numberWidth = n > 0 ? afm.horizontalAdvance(displayRow(n - 1)) + 2 : 0;
        if (texts) {
            double want = 0;
            for (int r = 0; r < n; ++r)
                want = std::max(want, afm.horizontalAdvance(textOf_(r).left(40)));
            lay.textWidth = std::min({want + 2, afm.averageCharWidth() * 22, std::min(size.width(), size.height()) * 0.18});
        }
        const double axisSpan = lay.numberWidth + (lay.textWidth > 0 ? lay.textWidth + 6 : 0);
        const double margin = 6 + axisSpan + 4 + kStrip + kGap;
        // The colour bar goes right of the matrix, or below it when that leaves a larger
        // matrix (a panel taller than wide).
        const double below = 12 + kLegendBar + 5 + fm + 6;
        const double sideRight = std::min(size.width() - margin - right, size.height() - margin - bottom);
        const double sideBelow = std::min(size.width() - margin - 10, size.height() - margin - below);
        lay.barBelow = sideBelow > sideRight + 8;
        const double side = std::max(10.0, lay.barBelow ? sideBelow : sideRight);
        // Centred across the width the matrix, its axes and colour bar leave over.
        const double x0 = std::max(0.0, (size.width() - margin - side - (lay.barBelow ? 10 : right)) / 2);
        lay.plot = QRectF(x0 + margin, margin, side, side);
        lay.leftAxis = QRectF(x0 + 6, margin, axisSpan, side);
        lay.topAxis = QRectF(x0 + margin, 6, side, axisSpan);
        if (lay.barBelow) {
            const double title = fontMetrics().horizontalAdvance(tr("cosine")) + 12;
            lay.legend = QRectF(lay.plot.left() + title, lay.plot.bottom() + 12, std::max(20.0, side - title - 16), kLegendBar);
        } else {
            lay.legend = QRectF(lay.plot.right() + 14, margin + fm, kLegendBar, std::max(20.0, side - 2 * fm));
        }
        return lay;
    };
    const QFont normal = axisFont();
    if (n == 0 || n > kAxisTextRows || !textOf_)
        return make(normal, false);
    Layout lay = make(normal, true);
    const double cell = lay.plot.height() / n;
    if (QFontMetricsF(normal).height() <= cell)
        return lay;
    if (cell >= 8) {
        // Shrink until a line fits a cell (the smaller font also narrows the margins).
        for (double px = std::floor(cell); px >= 8; px -= 1) {
            Layout small = make(axisFont(px), true);
            if (QFontMetricsF(small.axisFont).height() <= small.plot.height() / n + 0.5)
                return small;
        }
    }
    return make(normal, false);
}

bool HeatmapView::showsAxisTexts() const
{
    const Layout lay = layoutFor(size());
    const int n = count();
    return n > 0 && lay.textWidth > 0 && zoom_ * lay.plot.height() / n >= QFontMetricsF(lay.axisFont).height() - 0.5;
}

QString HeatmapView::rangeDescription() const
{
    if (scale_.offDiagonal)
        return tr("Colours span the 1st to 99th percentile of the off-diagonal cosines (%1 to %2); "
                  "values beyond take the end colours. The diagonal (each sentence with itself, 1) is "
                  "drawn but not counted.")
            .arg(QString::number(double(scale_.lo), 'f', 3), QString::number(double(scale_.hi), 'f', 3));
    return tr("Colours span cosine -1 to 1, white at 0.");
}

QRectF HeatmapView::cellRect(int rowA, int rowB) const
{
    const int n = count();
    const int p = posOfRow(rowA), q = posOfRow(rowB);
    if (n == 0 || p < 0 || q < 0)
        return {};
    const Layout lay = layoutFor(size());
    const double cell = lay.plot.width() / n * zoom_;
    return QRectF(lay.plot.left() + (q - viewOrigin_.x()) * cell,
                  lay.plot.top() + (p - viewOrigin_.y()) * cell, cell, cell);
}

QPair<int, int> HeatmapView::cellAt(const QPointF &pos) const
{
    const int n = count();
    if (n == 0)
        return {-1, -1};
    const Layout lay = layoutFor(size());
    if (!lay.plot.contains(pos))
        return {-1, -1};
    const double cell = lay.plot.width() / n * zoom_;
    const int q = int(std::floor(viewOrigin_.x() + (pos.x() - lay.plot.left()) / cell));
    const int p = int(std::floor(viewOrigin_.y() + (pos.y() - lay.plot.top()) / cell));
    if (p < 0 || q < 0 || p >= n || q >= n)
        return {-1, -1};
    return {rowAtPos(p), rowAtPos(q)};
}

void HeatmapView::clampView()
{
    const int n = count();
    zoom_ = std::clamp(zoom_, 1.0, std::max(4.0, n / 4.0));
    const double span = n / zoom_;
    viewOrigin_.setX(std::clamp(viewOrigin_.x(), 0.0, std::max(0.0, n - span)));
    viewOrigin_.setY(std::clamp(viewOrigin_.y(), 0.0, std::max(0.0, n - span)));
}

void HeatmapView::setZoom(double zoom, const QPointF &anchor)
{
    const int n = count();
    if (n == 0)
        return;
    const Layout lay = layoutFor(size());
    const double cellBefore = lay.plot.width() / n * zoom_;
    const QPointF cellUnder(viewOrigin_.x() + (anchor.x() - lay.plot.left()) / cellBefore,
                            viewOrigin_.y() + (anchor.y() - lay.plot.top()) / cellBefore);
    zoom_ = std::clamp(zoom, 1.0, std::max(4.0, n / 4.0));
    const double cellAfter = lay.plot.width() / n * zoom_;
    viewOrigin_ = QPointF(cellUnder.x() - (anchor.x() - lay.plot.left()) / cellAfter,
                          cellUnder.y() - (anchor.y() - lay.plot.top()) / cellAfter);
    clampView();
    update();
    ensureDetail();
}

void HeatmapView::resetView()
{
    zoom_ = 1;
    viewOrigin_ = {};
    update();
}

QImage HeatmapView::renderImage(const QSize &size)
{
    if (building_) {
        // Exports and the render command need the finished picture now: make it here
        // (the worker's late result is dropped by the generation check).
        ++buildGeneration_;
        Built b = vecs_ ? buildFromVectors(vecs_, unit_, order_, map_, true, scale_, overviewBlocks_, {})
                        : build(sim_, simVectors_, order_, map_, true, scale_);
        scale_ = std::move(b.scale);
        if (b.unit)
            unit_ = b.unit;
        overview_ = std::move(b.image);
        overviewCells_ = b.cells;
        builtCount_ = count();
        building_ = false;
    }
    if (vecs_ && unit_ && overviewCells_ > 1) {
        const QRect vis = visibleRange(size);
        if (!vis.isEmpty() && vis.width() <= exactLimit_ && vis.height() <= exactLimit_
            && !(detailRange_.contains(vis) && !detail_.isNull())) {
            ++detailGeneration_;
            detailPending_ = false;
            Built b = buildDetail(unit_, order_, scale_, vis, {});
            detail_ = std::move(b.image);
            detailRange_ = b.range;
        }
    }
    QImage img(size, QImage::Format_ARGB32_Premultiplied);
    img.fill(palette().color(QPalette::Window));
    QPainter p(&img);
    // The layout is computed for the target size; zoom and pan are kept.
    paintTo(p, QSizeF(size), layoutFor(QSizeF(size)));
    return img;
}

void HeatmapView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), palette().color(QPalette::Base));
    paintTo(p, QSizeF(size()), layoutFor(size()));
}

void HeatmapView::paintTo(QPainter &p, const QSizeF &size, const Layout &lay)
{
    const QColor fg = palette().color(QPalette::Text);
    const int n = count();
    if (n == 0 || overview_.isNull()) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        const QString msg = building_ ? tr("Drawing the heatmap...")
            : placeholder_.isEmpty()  ? tr("The similarity heatmap appears here after embedding.")
                                      : placeholder_;
        p.drawText(QRectF(QPointF(0, 0), size).adjusted(20, 20, -20, -20),
                   Qt::AlignCenter | Qt::TextWordWrap, msg);
        return;
    }
    const double cell = lay.plot.width() / n * zoom_;
    const double span = n / zoom_;
    const int c0 = std::max(0, int(std::floor(viewOrigin_.x())));
    const int c1 = std::min(n, int(std::ceil(viewOrigin_.x() + span)));
    const int r0 = std::max(0, int(std::floor(viewOrigin_.y())));
    const int r1 = std::min(n, int(std::ceil(viewOrigin_.y() + span)));
    auto xOf = [&](double pos) { return lay.plot.left() + (pos - viewOrigin_.x()) * cell; };
    auto yOf = [&](double pos) { return lay.plot.top() + (pos - viewOrigin_.y()) * cell; };

    p.save();
    p.setRenderHint(QPainter::SmoothPixmapTransform, false);
    p.setClipRect(lay.plot);
    const QRectF target(QPointF(xOf(c0), yOf(r0)), QPointF(xOf(c1), yOf(r1)));
    if (overviewCells_ == 1) {
        p.drawImage(target, overview_, QRectF(c0, r0, c1 - c0, r1 - r0));
    } else if (vecs_ && !detail_.isNull() && detailRange_.contains(QRect(c0, r0, c1 - c0, r1 - r0))) {
        p.drawImage(target, detail_, QRectF(c0 - detailRange_.left(), r0 - detailRange_.top(), c1 - c0, r1 - r0));
    } else if (sim_ && c1 - c0 <= kDetailMax && r1 - r0 <= kDetailMax) {
        p.drawImage(target, detailFor(r0, r1, c0, c1));
    } else {
        const int b = overviewCells_;
        const int x0 = c0 / b, x1 = (c1 + b - 1) / b, y0 = r0 / b, y1 = (r1 + b - 1) / b;
        const QRectF t(QPointF(xOf(x0 * b), yOf(y0 * b)), QPointF(xOf(x1 * b), yOf(y1 * b)));
        p.drawImage(t, overview_, QRectF(x0, y0, x1 - x0, y1 - y0));
    }

    // Selected rows: outline their row and column bands (for a few rows), so the cells
    // of the pair a click selected stand out without recolouring them.
    if (!selected_.isEmpty() && selected_.size() <= 64) {
        p.setRenderHint(QPainter::Antialiasing, false);
        QPen pen(QColor(255, 255, 255, 220), 1);
        pen.setCosmetic(true);
        p.setPen(pen);
        p.setBrush(Qt::NoBrush);
        for (int row : selected_) {
            const int pos = posOfRow(row);
            if (pos < 0)
                continue;
            p.drawRect(QRectF(lay.plot.left(), yOf(pos), lay.plot.width(), cell));
            p.drawRect(QRectF(xOf(pos), lay.plot.top(), cell, lay.plot.height()));
        }
    }
    p.restore();

    // Label strips along the left and top edges, then search hits and selection marks.
    const QRectF leftStrip(lay.plot.left() - kGap - kStrip, lay.plot.top(), kStrip, lay.plot.height());
    const QRectF topStrip(lay.plot.left(), lay.plot.top() - kGap - kStrip, lay.plot.width(), kStrip);
    p.save();
    if (!strip_.isNull() && strip_.width() == n) {
        // One pixel per position, scaled without smoothing: each row keeps its group colour.
        p.setRenderHint(QPainter::SmoothPixmapTransform, false);
        p.setClipRect(leftStrip);
        p.save();
        p.translate(leftStrip.left(), yOf(r0));
        p.rotate(90);
        p.drawImage(QRectF(0, -kStrip, (r1 - r0) * cell, kStrip), strip_, QRectF(r0, 0, r1 - r0, 1));
        p.restore();
        p.setClipRect(topStrip);
        p.drawImage(QRectF(xOf(c0), topStrip.top(), (c1 - c0) * cell, kStrip), strip_, QRectF(c0, 0, c1 - c0, 1));
    }
    p.setClipping(false);
    auto markRows = [&](const QVector<int> &rows, const QColor &c) {
        for (int row : rows) {
            const int pos = posOfRow(row);
            if (pos < r0 - 1 || pos > r1)
                continue;
            const double y = yOf(pos), h = std::max(2.0, cell);
            p.fillRect(QRectF(leftStrip.left() - 5, y, 4, h), c);
            const double x = xOf(pos);
            if (pos >= c0 - 1 && pos <= c1)
                p.fillRect(QRectF(x, topStrip.top() - 5, std::max(2.0, cell), 4), c);
        }
    };
    markRows(highlight_, QColor(255, 200, 0));
    markRows(selected_, palette().color(QPalette::Highlight));
    p.restore();

    // Axes: row numbers (1-based, every step-th position so they never overlap) and, while
    // every row has its own label, the start of each text; the top axis reads upwards.
    {
        p.save();
        p.setFont(lay.axisFont);
        const QFontMetricsF afm(p.font());
        const int step = std::max(1, int(niceStepAtLeast(std::max(1e-9, afm.height() / cell - 0.02))));
        const bool texts = lay.textWidth > 0 && step == 1 && textOf_;
        p.setPen(palette().color(QPalette::Text));
        const double h = afm.height();
        p.setClipRect(lay.leftAxis.adjusted(0, -h, 0, h));
        for (int pos = (r0 + step - 1) / step * step; pos < r1; pos += step) {
            const int row = rowAtPos(pos);
            const double y = yOf(pos + 0.5);
            if (y < lay.plot.top() - 1 || y > lay.plot.bottom() + 1)
                continue;
            p.drawText(QRectF(lay.leftAxis.right() - lay.numberWidth, y - h / 2, lay.numberWidth, h),
                       Qt::AlignRight | Qt::AlignVCenter, displayRow(row));
            if (texts)
                p.drawText(QRectF(lay.leftAxis.left(), y - h / 2, lay.textWidth, h), Qt::AlignRight | Qt::AlignVCenter,
                           afm.elidedText(textOf_(row).simplified(), Qt::ElideRight, lay.textWidth));
        }
        p.setClipRect(lay.topAxis.adjusted(-h, 0, h, 0));
        for (int pos = (c0 + step - 1) / step * step; pos < c1; pos += step) {
            const int row = rowAtPos(pos);
            const double x = xOf(pos + 0.5);
            if (x < lay.plot.left() - 1 || x > lay.plot.right() + 1)
                continue;
            p.save();
            p.translate(x, lay.topAxis.bottom());
            p.rotate(-90);
            p.drawText(QRectF(0, -h / 2, lay.numberWidth, h), Qt::AlignLeft | Qt::AlignVCenter, displayRow(row));
            if (texts)
                p.drawText(QRectF(lay.numberWidth + 6, -h / 2, lay.textWidth, h), Qt::AlignLeft | Qt::AlignVCenter,
                           afm.elidedText(textOf_(row).simplified(), Qt::ElideRight, lay.textWidth));
            p.restore();
        }
        p.restore();
    }

    // Legend: the colour bar with its range, right of the matrix or (in a tall panel) below.
    const QRectF bar = lay.legend;
    const QFontMetrics fm = p.fontMetrics();
    QImage grad = lay.barBelow ? QImage(kLut, 1, QImage::Format_RGB32) : QImage(1, kLut, QImage::Format_RGB32);
    for (int i = 0; i < kLut; ++i) {
        if (lay.barBelow)
            grad.setPixel(i, 0, scale_.lut[i]);
        else
            grad.setPixel(0, kLut - 1 - i, scale_.lut[i]);
    }
    p.drawImage(bar, grad);
    p.setPen(fg);
    p.drawRect(bar);
    // Ticks at round values inside the range (at most about one per 3 text lines, or per
    // 4 label widths along a horizontal bar).
    const double length = lay.barBelow ? bar.width() : bar.height();
    const double perTick = lay.barBelow ? fm.horizontalAdvance(QStringLiteral("-0.00")) * 2.0 : fm.height() * 2.5;
    const NiceTicks ticks = niceTicks(scale_.lo, scale_.hi, std::clamp(int(length / perTick), 2, 8));
    for (int i = 0; i < ticks.count; ++i) {
        const double v = ticks.at(i);
        const double f = (v - scale_.lo) / (scale_.hi - scale_.lo);
        const QString text = QString::fromStdString(formatTick(v, std::max(ticks.decimals, 1)));
        if (lay.barBelow) {
            const double x = bar.left() + f * bar.width();
            p.drawLine(QPointF(x, bar.bottom()), QPointF(x, bar.bottom() + 4));
            p.drawText(QRectF(x - 40, bar.bottom() + 5, 80, fm.height()), Qt::AlignHCenter | Qt::AlignTop, text);
        } else {
            const double y = bar.bottom() - f * bar.height();
            p.drawLine(QPointF(bar.right(), y), QPointF(bar.right() + 4, y));
            p.drawText(QPointF(bar.right() + 7, y + fm.ascent() / 2.0 - 1), text);
        }
    }
    if (lay.barBelow) // left of the bar
        p.drawText(QRectF(lay.plot.left(), bar.top() - 4, bar.left() - lay.plot.left() - 8, bar.height() + 8),
                   Qt::AlignRight | Qt::AlignVCenter, tr("cosine"));
    else // above the top tick's label (which is centred on the bar's top edge)
        p.drawText(QRectF(bar.left() - 4, bar.top() - fm.height() - fm.ascent() / 2.0 - 1, kLegendBar + kLegendText,
                          fm.height()),
                   Qt::AlignLeft | Qt::AlignVCenter, tr("cosine"));
}

void HeatmapView::resizeEvent(QResizeEvent *e)
{
    QWidget::resizeEvent(e);
    clampView();
    ensureDetail();
}

void HeatmapView::wheelEvent(QWheelEvent *e)
{
    if (count() == 0)
        return;
    const double steps = e->angleDelta().y() / 120.0;
    setZoom(zoom_ * std::pow(1.25, steps), e->position());
    e->accept();
}

void HeatmapView::mousePressEvent(QMouseEvent *e)
{
    if (e->button() == Qt::LeftButton || e->button() == Qt::MiddleButton) {
        pressed_ = true;
        dragging_ = e->button() == Qt::MiddleButton;
        pressPos_ = lastDrag_ = e->position();
    }
}

void HeatmapView::mouseMoveEvent(QMouseEvent *e)
{
    if (pressed_) {
        if (!dragging_ && (e->position() - pressPos_).manhattanLength() > 4 && zoom_ > 1)
            dragging_ = true;
        if (dragging_) {
            const Layout lay = layoutFor(size());
            const double cell = lay.plot.width() / std::max(1, count()) * zoom_;
            viewOrigin_ -= (e->position() - lastDrag_) / cell;
            lastDrag_ = e->position();
            clampView();
            setCursor(Qt::ClosedHandCursor);
            update();
            ensureDetail();
            return;
        }
    }
    const auto c = cellAt(e->position());
    emit cellHovered(c.first, c.second);
}

void HeatmapView::mouseReleaseEvent(QMouseEvent *e)
{
    if (!pressed_)
        return;
    pressed_ = false;
    unsetCursor();
    if (dragging_) {
        dragging_ = false;
        return;
    }
    if (e->button() != Qt::LeftButton)
        return;
    const auto c = cellAt(e->position());
    if (c.first < 0)
        return;
    if (selection_ && selection_->model()) {
        const QAbstractItemModel *m = selection_->model();
        QItemSelection sel;
        for (int row : {c.first, c.second})
            if (row < m->rowCount())
                sel.select(m->index(row, 0), m->index(row, m->columnCount() - 1));
        // The current index is the row of the clicked cell, so the inspector shows it.
        selection_->setCurrentIndex(m->index(c.first, 0), QItemSelectionModel::NoUpdate);
        selection_->select(sel, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    }
    emit cellClicked(c.first, c.second);
}

void HeatmapView::mouseDoubleClickEvent(QMouseEvent *)
{
    resetView();
}

void HeatmapView::leaveEvent(QEvent *)
{
    emit cellHovered(-1, -1);
}

bool HeatmapView::event(QEvent *e)
{
    if (e->type() == QEvent::ToolTip) {
        auto *he = static_cast<QHelpEvent *>(e);
        if (count() > 0 && colorBarRect().adjusted(-2, -fontMetrics().height(), kLegendText, 4).contains(he->pos())) {
            QToolTip::showText(he->globalPos(), rangeDescription(), this);
            return true;
        }
        const auto c = cellAt(he->pos());
        if (c.first < 0 || (!sim_ && !unit_)) {
            QToolTip::hideText();
            e->ignore();
            return true;
        }
        if (!sim_ && !isExactAt(he->pos())) {
            // An aggregated cell: its two blocks (positions in the current order) and their mean.
            const int b = overviewCells_, n = count();
            const int by = posOfRow(c.first) / b, bx = posOfRow(c.second) / b;
            const Eigen::Index d = unit_->cols();
            Eigen::VectorXd sa = Eigen::VectorXd::Zero(d), sb = Eigen::VectorXd::Zero(d);
            for (int p = by * b; p < std::min(n, (by + 1) * b); ++p)
                sa += unit_->row(rowAtPos(p)).cast<double>().transpose();
            for (int p = bx * b; p < std::min(n, (bx + 1) * b); ++p)
                sb += unit_->row(rowAtPos(p)).cast<double>().transpose();
            const int na = std::min(n, (by + 1) * b) - by * b, nb = std::min(n, (bx + 1) * b) - bx * b;
            const double mean = sa.dot(sb) / (double(na) * nb);
            const QString where = order_.isEmpty() ? tr("rows") : tr("positions");
            QToolTip::showText(he->globalPos(),
                               tr("<p>Block of %1 %2&ndash;%3 &times; %1 %4&ndash;%5</p>"
                                  "<p>mean cosine = <b>%6</b> over %L7 pairs</p><p><i>Zoom in for single cells.</i></p>")
                                   .arg(where, displayRow(by * b), displayRow(by * b + na - 1), displayRow(bx * b), displayRow(bx * b + nb - 1))
                                   .arg(QString::number(mean, 'f', 3)).arg(qint64(na) * nb),
                               this);
            return true;
        }
        const float v = cosineOf(c.first, c.second);
        auto t = [&](int r) { return textOf_ ? elide(textOf_(r)).toHtmlEscaped() : QString(); };
        QToolTip::showText(he->globalPos(),
                           tr("<p><b>%1</b> &nbsp;%2</p><p><b>%3</b> &nbsp;%4</p><p>cosine = <b>%5</b></p>")
                               .arg(displayRow(c.first), t(c.first), displayRow(c.second), t(c.second))
                               .arg(QString::number(double(v), 'f', 3)),
                           this);
        return true;
    }
    return QWidget::event(e);
}

} // namespace es
