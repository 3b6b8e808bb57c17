#include "views/comparewidget.h"

#include "analysis/similarity.h"
#include "doctor/model_spec.h"
#include "jobs/jobrunner.h"
#include "views/heatmapview.h"
#include "views/palette.h"
#include "views/reporttable.h"
#include "views/scatter2dview.h"

#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace es {

namespace {

const QString kJobKind = QStringLiteral("compare");
constexpr int kRowRole = Qt::UserRole;
constexpr int kOverlapRowsShown = 5000; // the table lists the most changed items first

QString figure(double v) { return reports::figure(v, 3, QObject::tr("n/a (no labels)")); }

bool isOffline(const std::string &provider)
{
    return provider == "local" || provider == "lexical" || provider == "hybrid";
}

// Embeds texts with the model of a spec; progress mapped into [from, to].
Result<Matrix> embedWith(const EmbedderSpec &spec, const std::vector<std::string> &texts, JobContext &ctx,
                         double from, double to, std::string *name)
{
    auto made = makeEmbedder(spec);
    if (!made)
        return made.error();
    Embedder &e = **made;
    *name = e.displayName();
    const std::string stage = "Embedding with " + e.displayName();
    auto r = e.embed(
        texts, [&](double f, std::string_view) { ctx.progress(from + (to - from) * f, stage); }, ctx.stop);
    if (!r)
        return r.error();
    return std::move(r->vectors);
}

} // namespace

CompareWidget::CompareWidget(JobRunner *runner, QWidget *parent) : QWidget(parent)
{
    buildUi();
    setJobRunner(runner);
}

CompareWidget::~CompareWidget()
{
    if (runner_)
        runner_->cancel(kJobKind);
    delete ownRunner_;
}

void CompareWidget::setJobRunner(JobRunner *runner)
{
    if (runner_)
        disconnect(runner_, nullptr, this, nullptr);
    if (!runner) {
        if (!ownRunner_)
            ownRunner_ = new JobRunner;
        runner = ownRunner_;
    }
    runner_ = runner;
    watchJobs(runner, this, kJobKind,
              {progress_, status_,
               [this](bool running) {
                   cancelButton_->setEnabled(running);
                   compareButton_->setEnabled(!running);
               },
               [this](const QString &message) { emit failed(message); }});
}

void CompareWidget::buildUi()
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);

    // Model pickers: editable, so any provider spec can be typed.
    auto *controls = new QHBoxLayout;
    auto makePicker = [](const QString &initial) {
        auto *c = new QComboBox;
        c->setEditable(true);
        c->addItems({QStringLiteral("local"), QStringLiteral("lexical"), QStringLiteral("hybrid"),
                     QStringLiteral("openai:text-embedding-3-small"), QStringLiteral("ollama:nomic-embed-text")});
        c->setCurrentText(initial);
        c->setMinimumContentsLength(18);
        c->setToolTip(QObject::tr("local, lexical, hybrid, or PROVIDER[:MODEL][@BASE_URL]"));
        return c;
    };
    pickA_ = makePicker(QStringLiteral("local"));
    pickB_ = makePicker(QStringLiteral("lexical"));
    k_ = new QSpinBox;
    k_->setRange(1, 200);
    k_->setValue(10);
    k_->setToolTip(tr("Neighbours per item for the overlap and the k-NN accuracy"));
    compareButton_ = new QPushButton(tr("Compare"));
    cancelButton_ = new QPushButton(tr("Cancel"));
    cancelButton_->setEnabled(false);
    progress_ = new QProgressBar;
    progress_->setRange(0, 1000);
    progress_->setTextVisible(false);
    progress_->setMaximumWidth(200);
    progress_->setVisible(false);
    controls->addWidget(new QLabel(tr("Model A")));
    controls->addWidget(pickA_);
    controls->addSpacing(8);
    controls->addWidget(new QLabel(tr("Model B")));
    controls->addWidget(pickB_);
    controls->addSpacing(8);
    controls->addWidget(new QLabel(tr("k")));
    controls->addWidget(k_);
    controls->addWidget(compareButton_);
    controls->addWidget(cancelButton_);
    controls->addWidget(progress_);
    controls->addStretch(1);
    layout->addLayout(controls);
    status_ = new QLabel(tr("Pick two models and press Compare."));
    status_->setWordWrap(true);
    layout->addWidget(status_);

    // Summary figures, one line per model.
    summary_ = new QTableWidget(2, 4);
    summary_->setHorizontalHeaderLabels(
        {tr("Model"), tr("Dimensions"), tr("k-NN label accuracy (leave one out)"), tr("Silhouette by label")});
    summary_->setVerticalHeaderLabels({QStringLiteral("A"), QStringLiteral("B")});
    summary_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    summary_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    summary_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    summary_->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    summary_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    const int rowH = summary_->verticalHeader()->defaultSectionSize();
    summary_->setFixedHeight(summary_->horizontalHeader()->sizeHint().height() + 2 * rowH + 2 * summary_->frameWidth());
    layout->addWidget(summary_);
    summaryNote_ = new QLabel;
    summaryNote_->setWordWrap(true);
    layout->addWidget(summaryNote_);

    // Left: projections / heatmaps; right: the neighbourhood-change table.
    tabs_ = new QTabWidget;
    auto *proj = new QWidget;
    auto *projLayout = new QGridLayout(proj);
    projLayout->setContentsMargins(0, 4, 0, 0);
    titleA_ = new QLabel;
    titleB_ = new QLabel;
    // The titles do not widen their column: the two maps get the same width, hence the
    // same scale (see refresh()).
    for (QLabel *t : {titleA_, titleB_}) {
        t->setWordWrap(true);
        t->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    }
    scatterA_ = new Scatter2DView;
    scatterB_ = new Scatter2DView;
    for (auto *s : {scatterA_, scatterB_}) {
        s->setAxisTitles(tr("PC 1 (aligned)"), tr("PC 2 (aligned)"));
        s->setPlaceholder(tr("Nothing compared yet"));
        s->setLegendTitle(tr("Label"));
    }
    projLayout->addWidget(titleA_, 0, 0);
    projLayout->addWidget(titleB_, 0, 1);
    projLayout->addWidget(scatterA_, 1, 0);
    projLayout->addWidget(scatterB_, 1, 1);
    projLayout->setRowStretch(1, 1);
    projLayout->setColumnStretch(0, 1);
    projLayout->setColumnStretch(1, 1);
    tabs_->addTab(proj, tr("Projections"));

    auto *heat = new QWidget;
    auto *heatLayout = new QGridLayout(heat);
    heatLayout->setContentsMargins(0, 4, 0, 0);
    heatTitleA_ = new QLabel;
    heatTitleB_ = new QLabel;
    heatA_ = new HeatmapView;
    heatB_ = new HeatmapView;
    heatDiff_ = new HeatmapView;
    heatDiff_->setColorMap(HeatmapView::ColorMap::Diverging);
    heatLayout->addWidget(heatTitleA_, 0, 0);
    heatLayout->addWidget(heatTitleB_, 0, 1);
    auto *diffTitle = new QLabel(tr("Difference B − A (red: more similar under B, blue: under A)"));
    heatLayout->addWidget(diffTitle, 0, 2);
    // Long model names must not widen one column: titles elide to the column width.
    for (QLabel *l : {titleA_, titleB_, heatTitleA_, heatTitleB_, diffTitle})
    {
        l->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
        l->setWordWrap(true);
    }
    heatLayout->addWidget(heatA_, 1, 0);
    heatLayout->addWidget(heatB_, 1, 1);
    heatLayout->addWidget(heatDiff_, 1, 2);
    heatLayout->setRowStretch(1, 1);
    for (int c = 0; c < 3; ++c)
        heatLayout->setColumnStretch(c, 1);
    tabs_->addTab(heat, tr("Heatmaps"));

    overlap_ = reports::newListTable({tr("Row"), tr("k-NN overlap"), tr("Label"), tr("Text")});
    auto *right = new QWidget;
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(new QLabel(tr("<b>Neighbourhood change</b>: most changed first")));
    rightLayout->addWidget(overlap_, 1);

    auto *split = new QSplitter(Qt::Horizontal);
    split->addWidget(tabs_);
    split->addWidget(right);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setSizes({600, 400});
    layout->addWidget(split, 1);

    connect(compareButton_, &QPushButton::clicked, this, &CompareWidget::compare);
    connect(cancelButton_, &QPushButton::clicked, this, &CompareWidget::cancel);
    auto pick = [this](const QVector<int> &rows) {
        setSelection(rows);
        emit rowsActivated(rows);
    };
    for (auto *s : {scatterA_, scatterB_}) {
        connect(s, &Scatter2DView::pointClicked, this, [pick](int row) { pick(row >= 0 ? QVector<int>{row} : QVector<int>{}); });
        connect(s, &Scatter2DView::pointsSelected, this, pick);
    }
    for (auto *h : {heatA_, heatB_, heatDiff_})
        connect(h, &HeatmapView::cellClicked, this, [pick](int a, int b) { pick(a == b ? QVector<int>{a} : QVector<int>{a, b}); });
    connect(overlap_, &QTableWidget::itemSelectionChanged, this, [this, pick] {
        if (syncing_)
            return;
        QVector<int> rows;
        for (const QModelIndex &i : overlap_->selectionModel()->selectedRows())
            rows << overlap_->item(i.row(), 0)->data(kRowRole).toInt();
        std::sort(rows.begin(), rows.end());
        pick(rows);
    });
}

void CompareWidget::setDataset(const Dataset &dataset)
{
    cancel();
    ++request_;
    dataset_ = dataset;
    labels_.clear();
    if (const Column *label = dataset_.label())
        labels_ = label->values;
    result_.reset();
    selection_.clear();
    refresh();
    status_->setText(dataset_.size() ? tr("%n item(s). Pick two models and press Compare.", nullptr, int(dataset_.size()))
                                     : tr("No data: load texts first."));
}

void CompareWidget::setModels(const QString &modelA, const QString &modelB)
{
    pickA_->setCurrentText(modelA);
    pickB_->setCurrentText(modelB);
}

void CompareWidget::addModelChoice(const QString &model)
{
    for (QComboBox *c : {pickA_, pickB_})
        if (!model.isEmpty() && c->findText(model) < 0)
            c->addItem(model);
}

QStringList CompareWidget::modelChoices() const
{
    QStringList out;
    for (int i = 0; i < pickA_->count(); ++i)
        out << pickA_->itemText(i);
    return out;
}

QString CompareWidget::modelA() const { return pickA_->currentText().trimmed(); }
QString CompareWidget::modelB() const { return pickB_->currentText().trimmed(); }
void CompareWidget::setK(int k) { k_->setValue(k); }
int CompareWidget::k() const { return k_->value(); }
bool CompareWidget::isRunning() const { return runner_ && runner_->isRunning(kJobKind); }

void CompareWidget::cancel()
{
    if (runner_)
        runner_->cancel(kJobKind);
}

QString CompareWidget::labelOf(int row) const
{
    return row >= 0 && std::size_t(row) < labels_.size() ? QString::fromStdString(labels_[std::size_t(row)]) : QString();
}

void CompareWidget::compare()
{
    if (dataset_.size() < 3) {
        status_->setText(tr("Comparing needs at least 3 texts."));
        return;
    }
    EmbedderSpec specs[2];
    const QString models[2] = {modelA(), modelB()};
    for (int m = 0; m < 2; ++m) {
        auto spec = doctor::parseModelSpec(models[m].toStdString());
        if (!spec) {
            status_->setText(tr("Model %1: %2").arg(QChar('A' + m)).arg(QString::fromStdString(spec.error().message)));
            return;
        }
        specs[m] = *spec;
        if (!isOffline(specs[m].provider)) {
            if (keyOf_)
                specs[m].apiKey = keyOf_(specs[m]);
            const int n = int(dataset_.size());
            const bool ok = consent_ ? consent_(models[m], n)
                                     : QMessageBox::question(this, tr("Send texts?"),
                                                             tr("Model %1 sends %n text(s) to %2. Continue?", nullptr, n)
                                                                 .arg(QChar('A' + m)).arg(models[m]))
                                           == QMessageBox::Yes;
            if (!ok) {
                status_->setText(tr("Not compared: sending the texts was declined."));
                return;
            }
        }
    }
    auto texts = std::make_shared<const std::vector<std::string>>(dataset_.texts);
    auto labels = std::make_shared<const std::vector<std::string>>(labels_);
    const int k = std::min(k_->value(), int(dataset_.size()) - 1);
    const int limit = heatmapLimit_;
    const EmbedderSpec a = specs[0], b = specs[1];
    start([texts, labels, a, b, k, limit](JobContext &ctx) -> Result<Output> {
        std::string nameA, nameB;
        auto va = embedWith(a, *texts, ctx, 0.0, 0.4, &nameA);
        if (!va)
            return va.error();
        auto vb = embedWith(b, *texts, ctx, 0.4, 0.8, &nameB);
        if (!vb)
            return vb.error();
        auto out = compareMatrices(*va, *vb, *labels, k, limit, ctx, 0.8, 0.95);
        if (!out)
            return out.error();
        out->nameA = QString::fromStdString(nameA);
        out->nameB = QString::fromStdString(nameB);
        ctx.progress(1.0, "Done");
        return out;
    });
}

void CompareWidget::compareVectors(std::shared_ptr<const Matrix> a, const QString &nameA, std::shared_ptr<const Matrix> b,
                                   const QString &nameB)
{
    if (!a || !b || a->rows() != b->rows() || a->rows() != Eigen::Index(dataset_.size())) {
        status_->setText(tr("The two matrices need one row per text (%1).").arg(dataset_.size()));
        return;
    }
    auto labels = std::make_shared<const std::vector<std::string>>(labels_);
    const int k = std::min(k_->value(), int(a->rows()) - 1);
    const int limit = heatmapLimit_;
    start([a, b, nameA, nameB, labels, k, limit](JobContext &ctx) -> Result<Output> {
        auto out = compareMatrices(*a, *b, *labels, k, limit, ctx, 0.0, 0.9);
        if (!out)
            return out.error();
        out->nameA = nameA;
        out->nameB = nameB;
        return out;
    });
}

Result<CompareWidget::Output> CompareWidget::compareMatrices(const Matrix &a, const Matrix &b,
                                                             const std::vector<std::string> &labels, int k, int limit,
                                                             JobContext &ctx, double from, double to)
{
    Output out;
    out.dimsA = int(a.cols());
    out.dimsB = int(b.cols());
    doctor::CompareConfig cfg;
    cfg.k = k;
    auto cmp = doctor::compareEmbeddings(
        a, b, labels, cfg, [&](double f, std::string_view s) { ctx.progress(from + (to - from) * f, s); }, ctx.stop);
    if (!cmp)
        return cmp.error();
    out.compare = std::move(*cmp);
    if (int(a.rows()) <= limit) {
        auto sa = analysis::cosineSimilarity(a, {}, ctx.stop);
        if (!sa)
            return sa.error();
        auto sb = analysis::cosineSimilarity(b, {}, ctx.stop);
        if (!sb)
            return sb.error();
        out.diff = std::make_shared<const Matrix>(*sb - *sa);
        out.simA = std::make_shared<const Matrix>(std::move(*sa));
        out.simB = std::make_shared<const Matrix>(std::move(*sb));
    }
    return out;
}

void CompareWidget::start(std::function<Result<Output>(JobContext &)> work)
{
    const quint64 request = ++request_;
    QPointer<CompareWidget> self(this);
    runner_->start<Output>(kJobKind, tr("Compare models"), std::move(work), [self, request](Output &out) {
        if (!self || request != self->request_)
            return;
        self->result_ = std::move(out);
        self->nameA_ = self->result_->nameA;
        self->nameB_ = self->result_->nameB;
        self->selection_.clear();
        self->refresh();
        emit self->compared();
    });
}

void CompareWidget::refresh()
{
    // Fills every part from result_ (or empties them).
    const bool have = result_.has_value();
    titleA_->setText(have ? tr("<b>A</b>: %1").arg(nameA_.toHtmlEscaped()) : QString());
    titleB_->setText(have ? tr("<b>B</b>: %1 (aligned onto A by Procrustes)").arg(nameB_.toHtmlEscaped()) : QString());
    heatTitleA_->setText(have ? tr("<b>A</b>: %1").arg(nameA_.toHtmlEscaped()) : QString());
    heatTitleB_->setText(have ? tr("<b>B</b>: %1").arg(nameB_.toHtmlEscaped()) : QString());

    QStringList texts;
    texts.reserve(int(dataset_.size()));
    for (const auto &t : dataset_.texts)
        texts << QString::fromStdString(t);
    QStringList labelValues;
    for (const auto &l : labels_)
        labelValues << QString::fromStdString(l);
    const auto groups = palette::groupsFromValues(labelValues, 24, palette::ViewColors::fromPalette(palette()).dark,
                                                  palette::GroupOrder::Name);

    auto toPoints = [](const Matrix &m) {
        QVector<QVector3D> p(int(m.rows()));
        for (Eigen::Index i = 0; i < m.rows(); ++i)
            p[int(i)] = QVector3D(m(i, 0), m.cols() > 1 ? m(i, 1) : 0.0f, 0);
        return p;
    };
    // B is aligned onto A (rotation, reflection and scale), so the two maps are drawn at one
    // scale: both fit the union of their bounds. A B that Procrustes had to shrink to fit
    // looks small, as it is, instead of being blown up to fill its plot.
    double x0 = HUGE_VAL, x1 = -HUGE_VAL, y0 = HUGE_VAL, y1 = -HUGE_VAL;
    if (have)
        for (const Matrix *m : {&result_->compare.projectionA, &result_->compare.projectionB})
            for (Eigen::Index i = 0; i < m->rows(); ++i) {
                const double x = (*m)(i, 0), y = m->cols() > 1 ? (*m)(i, 1) : 0.0;
                if (!std::isfinite(x) || !std::isfinite(y))
                    continue;
                x0 = std::min(x0, x);
                x1 = std::max(x1, x);
                y0 = std::min(y0, y);
                y1 = std::max(y1, y);
            }
    const QRectF home = x0 <= x1 ? Scatter2DView::paddedBounds(QRectF(QPointF(x0, y0), QPointF(x1, y1))) : QRectF();
    for (int s = 0; s < 2; ++s) {
        Scatter2DView *view = s == 0 ? scatterA_ : scatterB_;
        view->setTexts(texts);
        if (have) {
            view->setPoints(toPoints(s == 0 ? result_->compare.projectionA : result_->compare.projectionB));
            view->setColors(labelValues.isEmpty() ? QVector<int>(int(dataset_.size()), -1) : groups.group, groups.groups);
        } else {
            view->setPoints({});
        }
        view->setHomeRange(home);
        view->setSelection({});
        view->resetView();
    }

    // Heatmaps in one order: by label, then row, so the blocks line up across the three.
    QVector<int> order(int(dataset_.size()));
    std::iota(order.begin(), order.end(), 0);
    if (!labels_.empty())
        std::stable_sort(order.begin(), order.end(), [&](int x, int y) { return labels_[std::size_t(x)] < labels_[std::size_t(y)]; });
    auto textOf = [texts](int row) { return row >= 0 && row < texts.size() ? texts[row] : QString(); };
    const bool heat = have && result_->simA;
    const QString why = have ? tr("More than %n items: no heatmaps (N x N).", nullptr, heatmapLimit_) : QString();
    const std::shared_ptr<const Matrix> mats[3] = {heat ? result_->simA : nullptr, heat ? result_->simB : nullptr,
                                                   heat ? result_->diff : nullptr};
    HeatmapView *views[3] = {heatA_, heatB_, heatDiff_};
    for (int h = 0; h < 3; ++h) {
        views[h]->setMatrix(mats[h]);
        if (heat) {
            views[h]->setOrder(order);
            if (!labels_.empty())
                views[h]->setGroups(groups.group, groups.groups);
        }
        views[h]->setTextProvider(textOf);
        views[h]->setPlaceholder(heat ? QString() : why);
    }

    fillSummary();
    fillOverlap();
    if (have) {
        const auto &c = result_->compare;
        status_->setText(tr("Compared %n item(s).", nullptr, int(dataset_.size())));
        summaryNote_->setText(tr("Mean overlap of the %1 nearest neighbours: <b>%2</b> (1 = same neighbourhoods). "
                                 "Procrustes disparity of the two PCA maps: %3 (0 = same shape).")
                                  .arg(c.k).arg(reports::number(c.meanOverlap))
                                  .arg(reports::number(c.procrustesDisparity)));
    } else {
        summaryNote_->clear();
    }
}

void CompareWidget::fillSummary()
{
    for (int r = 0; r < 2; ++r)
        for (int c = 0; c < 4; ++c)
            summary_->setItem(r, c, new QTableWidgetItem(QString()));
    if (!result_)
        return;
    const auto &c = result_->compare;
    const doctor::ModelSummary *s[2] = {&c.summaryA, &c.summaryB};
    const QString names[2] = {nameA_, nameB_};
    const int dims[2] = {result_->dimsA, result_->dimsB};
    for (int r = 0; r < 2; ++r) {
        summary_->item(r, 0)->setText(names[r]);
        summary_->setItem(r, 1, reports::valueItem(QString::number(dims[r])));
        summary_->setItem(r, 2, reports::valueItem(figure(s[r]->knnAccuracy)));
        summary_->setItem(r, 3, reports::valueItem(figure(s[r]->silhouette)));
    }
    // The better figure in bold.
    for (int col = 2; col < 4; ++col) {
        const double v0 = col == 2 ? s[0]->knnAccuracy : s[0]->silhouette;
        const double v1 = col == 2 ? s[1]->knnAccuracy : s[1]->silhouette;
        if (std::isnan(v0) || std::isnan(v1) || v0 == v1)
            continue;
        reports::setBold(summary_->item(v0 > v1 ? 0 : 1, col));
    }
}

void CompareWidget::fillOverlap()
{
    syncing_ = true;
    overlap_->clearContents();
    overlap_->setRowCount(0);
    if (result_) {
        const auto &c = result_->compare;
        const int n = std::min<int>(int(c.order.size()), kOverlapRowsShown);
        overlap_->setRowCount(n);
        const QColor base = palette().color(QPalette::Base);
        for (int i = 0; i < n; ++i) {
            const int row = c.order[std::size_t(i)];
            const double o = c.overlap[std::size_t(row)];
            auto *rowItem = reports::rowNumberItem(row, kRowRole);
            // Low overlap tinted vermillion (Okabe-Ito): the eye finds the changed items.
            auto *ov = reports::valueItem(QStringLiteral("%1  (%2/%3)").arg(reports::number(o, 2)).arg(qRound(o * c.k)).arg(c.k),
                                         o, kRowRole, base, QColor(213, 94, 0), 0.55 * (1.0 - o));
            const QString text = QString::fromStdString(dataset_.texts[std::size_t(row)]);
            auto *textItem = new QTableWidgetItem(text);
            textItem->setToolTip(text);
            overlap_->setItem(i, 0, rowItem);
            overlap_->setItem(i, 1, ov);
            overlap_->setItem(i, 2, new QTableWidgetItem(labelOf(row)));
            overlap_->setItem(i, 3, textItem);
        }
        reports::fitColumnsButLast(overlap_);
    }
    syncing_ = false;
}

void CompareWidget::setSelection(const QVector<int> &rows)
{
    selection_ = rows;
    scatterA_->setSelection(rows);
    scatterB_->setSelection(rows);
    for (auto *h : {heatA_, heatB_, heatDiff_})
        h->setHighlight(rows);
    // Mirror into the table without re-emitting.
    syncing_ = true;
    overlap_->clearSelection();
    if (!rows.isEmpty()) {
        QItemSelection sel;
        int first = -1;
        for (int i = 0; i < overlap_->rowCount(); ++i) {
            if (rows.contains(overlap_->item(i, 0)->data(kRowRole).toInt())) {
                sel.select(overlap_->model()->index(i, 0), overlap_->model()->index(i, overlap_->columnCount() - 1));
                if (first < 0)
                    first = i;
            }
        }
        overlap_->selectionModel()->select(sel, QItemSelectionModel::Select);
        if (first >= 0)
            overlap_->scrollToItem(overlap_->item(first, 0));
    }
    syncing_ = false;
}

} // namespace es
