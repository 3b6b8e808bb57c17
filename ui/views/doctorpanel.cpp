#include "views/doctorpanel.h"

#include "formats/vectors.h"
#include "jobs/jobrunner.h"
#include "models/sentencemodel.h"
#include "views/reporttable.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QKeyEvent>
#include <QSpinBox>
#include <QTabWidget>
#include <QTimer>
#include <QTreeWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace es {

namespace {

constexpr int kRowsRole = Qt::UserRole;     // QVector<int>: rows a click activates
constexpr int kMarkRowRole = Qt::UserRole + 1; // int: the row whose mark the item shows, or -1
const char *kMarkColumnProperty = "markColumn";
const QString kJobKind = QStringLiteral("doctor"); // the document's doctor job

QString markLabel(doctor::Mark m)
{
    switch (m) {
    case doctor::Mark::Keep: return QObject::tr("keep");
    case doctor::Mark::Fix: return QObject::tr("fix");
    case doctor::Mark::Drop: return QObject::tr("drop");
    case doctor::Mark::None: break;
    }
    return {};
}

QColor markColor(doctor::Mark m, bool dark)
{
    switch (m) {
    case doctor::Mark::Keep: return dark ? QColor(110, 200, 140) : QColor(0, 120, 60);
    case doctor::Mark::Fix: return dark ? QColor(240, 180, 80) : QColor(170, 95, 0);
    case doctor::Mark::Drop: return dark ? QColor(255, 120, 120) : QColor(190, 30, 30);
    case doctor::Mark::None: break;
    }
    return {};
}

} // namespace

// ---------------------------------------------------------------------------------------
// DoctorMarks

void DoctorMarks::resize(int n) { marks_.resize(std::size_t(std::max(0, n)), doctor::Mark::None); }

doctor::Mark DoctorMarks::mark(int row) const
{
    return row >= 0 && row < size() ? marks_[std::size_t(row)] : doctor::Mark::None;
}

void DoctorMarks::setMark(int row, doctor::Mark mark) { setMarks({row}, mark); }

void DoctorMarks::setMarks(const QVector<int> &rows, doctor::Mark mark)
{
    bool changed = false;
    for (int row : rows) {
        if (row < 0)
            continue;
        if (row >= size())
            resize(row + 1);
        if (marks_[std::size_t(row)] != mark) {
            marks_[std::size_t(row)] = mark;
            changed = true;
        }
    }
    if (changed)
        emit marksChanged();
}

void DoctorMarks::setAll(std::vector<doctor::Mark> marks)
{
    removed_.clear();
    if (marks == marks_)
        return;
    marks_ = std::move(marks);
    emit marksChanged();
}

void DoctorMarks::clear()
{
    removed_.clear();
    if (markedCount() == 0) {
        std::fill(marks_.begin(), marks_.end(), doctor::Mark::None);
        return;
    }
    std::fill(marks_.begin(), marks_.end(), doctor::Mark::None);
    emit marksChanged();
}

int DoctorMarks::markedCount() const
{
    return int(std::count_if(marks_.begin(), marks_.end(), [](doctor::Mark m) { return m != doctor::Mark::None; }));
}

void DoctorMarks::insertRows(int first, int count, const QStringList &texts)
{
    if (count <= 0 || first < 0)
        return;
    // An undo of a removal puts the same rows back where they were: restore their marks.
    if (!removed_.empty() && removed_.back().first == first && removed_.back().texts.size() == count
        && removed_.back().texts == texts && first <= size()) {
        Removed back = std::move(removed_.back());
        removed_.pop_back();
        marks_.insert(marks_.begin() + first, back.marks.begin(), back.marks.end());
        emit marksChanged();
        return;
    }
    if (first >= size())
        return; // rows appended after the last mark change nothing
    marks_.insert(marks_.begin() + first, std::size_t(count), doctor::Mark::None);
    emit marksChanged();
}

void DoctorMarks::removeRows(int first, int count, const QStringList &texts)
{
    if (count <= 0 || first < 0 || first >= size())
        return;
    const auto begin = marks_.begin() + first;
    const auto end = marks_.begin() + std::min(size(), first + count);
    const bool removedMarks = std::any_of(begin, end, [](doctor::Mark m) { return m != doctor::Mark::None; });
    if (removedMarks && texts.size() == count) {
        std::vector<doctor::Mark> kept(begin, end);
        kept.resize(std::size_t(count), doctor::Mark::None);
        removed_.push_back({first, texts, std::move(kept)});
        if (removed_.size() > 1000)
            removed_.erase(removed_.begin());
    }
    const bool hadMarks = std::any_of(begin, marks_.end(), [](doctor::Mark m) { return m != doctor::Mark::None; });
    marks_.erase(begin, end);
    if (hadMarks)
        emit marksChanged();
}

QStringList DoctorMarks::toStrings() const
{
    QStringList out;
    out.reserve(size());
    for (doctor::Mark m : marks_)
        out << QString::fromLatin1(doctor::markName(m).data(), qsizetype(doctor::markName(m).size()));
    return out;
}

void DoctorMarks::fromStrings(const QStringList &names)
{
    std::vector<doctor::Mark> marks;
    marks.reserve(std::size_t(names.size()));
    for (const QString &n : names)
        marks.push_back(doctor::parseMark(n.trimmed().toLower().toStdString()).value_or(doctor::Mark::None));
    setAll(std::move(marks));
}

// ---------------------------------------------------------------------------------------
// Captions

QVector<ClusterCaption> clusterCaptions(const doctor::DoctorReport &report, const QVector<QVector3D> &coords)
{
    QVector<ClusterCaption> out;
    for (std::size_t c = 0; c < report.clusters.size(); ++c) {
        const auto &cl = report.clusters[c];
        double x = 0, y = 0;
        int n = 0;
        for (int row : cl.rows) {
            if (row < 0 || row >= coords.size())
                continue;
            x += coords[row].x();
            y += coords[row].y();
            ++n;
        }
        if (n == 0)
            continue;
        out.push_back({int(c), QPointF(x / n, y / n), QString::fromStdString(cl.caption), int(cl.rows.size()),
                       QString::fromStdString(cl.name)});
    }
    return out;
}

QVector<PlotCaption> toPlotCaptions(const QVector<ClusterCaption> &captions,
                                    const std::function<QColor(const QString &)> &colorOf)
{
    QVector<PlotCaption> out;
    out.reserve(captions.size());
    for (const auto &c : captions)
        out.push_back({c.position, c.text, colorOf ? colorOf(c.name) : QColor(), c.size});
    return out;
}

// ---------------------------------------------------------------------------------------
// DoctorPanel

DoctorPanel::DoctorPanel(ExplorerDocument *document, QWidget *parent) : QWidget(parent)
{
    marks_ = new DoctorMarks(this);
    connect(marks_, &DoctorMarks::marksChanged, this, &DoctorPanel::refreshMarks);
    debounce_ = new QTimer(this);
    debounce_->setSingleShot(true);
    debounce_->setInterval(300);
    connect(debounce_, &QTimer::timeout, this, &DoctorPanel::run);
    buildUi();
    setDocument(document);
}

DoctorPanel::DoctorPanel(JobRunner *runner, QWidget *parent) : DoctorPanel(static_cast<ExplorerDocument *>(nullptr), parent)
{
    if (!runner)
        runner = ownRunner_ = new JobRunner;
    ownDoc_ = new ExplorerDocument(runner);
    setDocument(ownDoc_);
}

DoctorPanel::~DoctorPanel()
{
    if (doc_)
        doc_->cancelDoctor();
    delete ownDoc_;
    delete ownRunner_; // waits for its workers
}

void DoctorPanel::setDocument(ExplorerDocument *document)
{
    doc_ = document;
    if (!document)
        return;
    connect(document, &ExplorerDocument::doctorReady, this, [this] {
        shown_ = doc_->doctorResult();
        showReport();
        emit reportReady();
    });
    watchJobs(document->jobs(), this, kJobKind,
              {progress_, status_,
               [this](bool running) {
                   cancelButton_->setEnabled(running);
                   if (running && doc_)
                       status_->setText(tr("Examining %n item(s)…", nullptr, doc_->model()->rowCount()));
               },
               [this](const QString &message) { emit runFailed(message); }});
}

void DoctorPanel::buildUi()
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);

    // Parameters: one per row, label and box, so the panel fits a narrow dock (the right-hand
    // docks are about 250 px wide at 1366 x 768).
    auto *params = new QGridLayout;
    params->setHorizontalSpacing(8);
    threshold_ = new QDoubleSpinBox;
    threshold_->setRange(0.5, 1.0);
    threshold_->setSingleStep(0.01);
    threshold_->setDecimals(3);
    threshold_->setValue(0.95);
    threshold_->setToolTip(tr("Near duplicates: pairs with a cosine similarity at least this"));
    k_ = new QSpinBox;
    k_->setRange(2, 100);
    k_->setValue(10);
    k_->setToolTip(tr("Neighbours examined for the outlier score"));
    clustersK_ = new QSpinBox;
    clustersK_->setRange(0, 100);
    clustersK_->setValue(0);
    clustersK_->setSpecialValueText(tr("auto"));
    clustersK_->setToolTip(tr("k-means clusters to explain; auto = the label groups when the data are labelled"));
    outlierMethod_ = new QComboBox;
    outlierMethod_->addItem(tr("k-NN distance"));
    outlierMethod_->addItem(tr("LOF"));
    outlierMethod_->setToolTip(tr("Outlier score: mean distance to the k nearest, or local outlier factor"));
    params->setVerticalSpacing(2);
    const std::pair<QString, QWidget *> fields[] = {{tr("Duplicate ≥"), threshold_},
                                                    {tr("Neighbours k"), k_},
                                                    {tr("Clusters"), clustersK_},
                                                    {tr("Outliers by"), outlierMethod_}};
    for (int i = 0; i < 4; ++i) {
        auto *label = new QLabel(fields[i].first);
        label->setBuddy(fields[i].second);
        label->setToolTip(fields[i].second->toolTip());
        params->addWidget(label, i, 0);
        params->addWidget(fields[i].second, i, 1);
    }
    for (QWidget *w : {static_cast<QWidget *>(threshold_), static_cast<QWidget *>(k_), static_cast<QWidget *>(clustersK_)})
        w->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    params->setColumnStretch(2, 1);
    layout->addLayout(params);

    auto *buttons = new QHBoxLayout;
    runButton_ = new QPushButton(tr("Examine"));
    runButton_->setToolTip(tr("Run the data-set doctor on the current vectors"));
    cancelButton_ = new QPushButton(tr("Cancel"));
    cancelButton_->setEnabled(false);
    exportButton_ = new QPushButton(tr("Export…"));
    exportButton_->setToolTip(tr("Save every finding (and the marks) as CSV"));
    exportButton_->setEnabled(false);
    captionsBox_ = new QCheckBox(tr("Cluster captions"));
    captionsBox_->setObjectName(QStringLiteral("clusterCaptions"));
    captionsBox_->setChecked(true);
    captionsBox_->setToolTip(tr("Show each cluster's name and distinctive words at its centre on the 2D map"));
    connect(captionsBox_, &QCheckBox::toggled, this, &DoctorPanel::captionsToggled);
    // Examine / Cancel on one row, the captions switch and Export below: narrow docks.
    buttons->addWidget(runButton_);
    buttons->addWidget(cancelButton_);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    auto *second = new QHBoxLayout;
    second->addWidget(captionsBox_);
    second->addStretch(1);
    second->addWidget(exportButton_);
    layout->addLayout(second);

    progress_ = new QProgressBar;
    progress_->setRange(0, 1000);
    progress_->setTextVisible(false);
    progress_->setMaximumHeight(8);
    progress_->setVisible(false);
    layout->addWidget(progress_);
    status_ = new QLabel(tr("No data yet: load and embed texts first."));
    status_->setWordWrap(true);
    layout->addWidget(status_);

    tabs_ = new QTabWidget;
    tabs_->setDocumentMode(true);
    tabs_->setUsesScrollButtons(true);
    const QStringList rowHeader = {tr("Row"), tr("Similarity"), tr("Mark"), tr("Text")};
    const QStringList headers[TabCount] = {
        rowHeader,
        rowHeader,
        {tr("Row"), tr("Label"), tr("Suggested"), tr("Score"), tr("Mark"), tr("Text")},
        {tr("Row"), tr("Score"), tr("z"), tr("Mark"), tr("Text")},
        {tr("Cluster / row"), tr("Size / sim."), tr("Mark"), tr("Distinctive words / text")},
    };
    const int markColumns[TabCount] = {2, 2, 4, 3, 2};
    for (int t = 0; t < TabCount; ++t) {
        auto *tree = new QTreeWidget;
        tree->setHeaderLabels(headers[t]);
        tree->setRootIsDecorated(t == NearDuplicates || t == ExactDuplicates || t == Clusters);
        tree->setSelectionMode(QAbstractItemView::ExtendedSelection);
        tree->setUniformRowHeights(true);
        tree->setAlternatingRowColors(true);
        tree->setProperty(kMarkColumnProperty, markColumns[t]);
        tree->header()->setStretchLastSection(true);
        tree->header()->setSectionResizeMode(QHeaderView::Interactive);
        tree->installEventFilter(this); // K, F, D, 0 mark instead of the tree's type-ahead search
        connect(tree, &QTreeWidget::itemClicked, this, [this](QTreeWidgetItem *item) { onItemActivated(item); });
        connect(tree, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem *item) { onItemActivated(item); });
        lists_[t] = tree;
        tabs_->addTab(tree, QString());
    }
    layout->addWidget(tabs_, 1);
    updateTabTitles();

    // "Mark selected:" above its buttons; tool buttons (no 80 px minimum of push buttons)
    // so that the four fit a narrow dock.
    layout->addWidget(new QLabel(tr("Mark selected:")));
    auto *markRow = new QHBoxLayout;
    markRow->setSpacing(4);
    struct MarkButton {
        QString text, key;
        doctor::Mark mark;
    };
    const MarkButton markButtons[] = {{tr("Keep"), "K", doctor::Mark::Keep},
                                      {tr("Fix"), "F", doctor::Mark::Fix},
                                      {tr("Drop"), "D", doctor::Mark::Drop},
                                      {tr("Clear"), "0", doctor::Mark::None}};
    for (const auto &b : markButtons) {
        auto *button = new QToolButton;
        button->setText(b.text);
        button->setObjectName(QStringLiteral("mark_") + b.text.toLower());
        button->setToolTip(tr("%1 (key %2)").arg(b.text, b.key));
        connect(button, &QToolButton::clicked, this, [this, m = b.mark] { markSelected(m); });
        markRow->addWidget(button);
    }
    markRow->addStretch(1);
    layout->addLayout(markRow);

    connect(runButton_, &QPushButton::clicked, this, &DoctorPanel::run);
    connect(cancelButton_, &QPushButton::clicked, this, &DoctorPanel::cancel);
    connect(exportButton_, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export findings"), tr("findings.csv"),
                                                          tr("CSV files (*.csv)"));
        if (path.isEmpty())
            return;
        QString error;
        if (!exportCsv(path, &error))
            QMessageBox::warning(this, tr("Export findings"), error);
        else
            status_->setText(tr("Saved %1").arg(path));
    });
    connect(threshold_, &QDoubleSpinBox::valueChanged, this, &DoctorPanel::scheduleRun);
    connect(k_, &QSpinBox::valueChanged, this, &DoctorPanel::scheduleRun);
    connect(clustersK_, &QSpinBox::valueChanged, this, &DoctorPanel::scheduleRun);
    connect(outlierMethod_, &QComboBox::currentIndexChanged, this, &DoctorPanel::scheduleRun);
}

void DoctorPanel::setData(const Dataset &dataset, std::shared_ptr<const Matrix> vectors)
{
    if (vectors && vectors->rows() == Eigen::Index(dataset.size())) {
        doc_->setData(dataset, ExplorerDocument::rowVectorsFor(dataset, *vectors));
    } else {
        doc_->clearCache(); // texts only: no vector comes back from an earlier set
        doc_->setTexts(dataset);
    }
    reload();
}

void DoctorPanel::reload()
{
    debounce_->stop();
    if (doc_)
        doc_->cancelDoctor();
    shown_.reset();
    const int n = doc_ ? doc_->model()->rowCount() : 0;
    const bool ready = doc_ && doc_->doctorCanRun();
    marks_->resize(n);
    showReport();
    if (!ready)
        status_->setText(n ? tr("No vectors yet: embed the texts first.") : tr("No data yet: load and embed texts first."));
    else
        status_->setText(tr("%n item(s) ready.", nullptr, n));
    runButton_->setEnabled(ready);
    if (autoRun_ && ready)
        run();
}

void DoctorPanel::clear() { setData(Dataset{}, nullptr); }

doctor::DoctorConfig DoctorPanel::config() const
{
    doctor::DoctorConfig c;
    c.nearDuplicateThreshold = threshold_->value();
    c.outlierNeighbours = k_->value();
    c.duplicateNeighbours = std::max(10, k_->value());
    c.clusterCount = clustersK_->value();
    c.clusterByLabel = clustersK_->value() == 0;
    c.outlierMethod = outlierMethod_->currentIndex() == 1 ? doctor::OutlierMethod::Lof
                                                          : doctor::OutlierMethod::KnnDistance;
    return c;
}

void DoctorPanel::setConfig(const doctor::DoctorConfig &config)
{
    settingConfig_ = true;
    threshold_->setValue(config.nearDuplicateThreshold);
    k_->setValue(config.outlierNeighbours);
    clustersK_->setValue(config.clusterByLabel ? 0 : config.clusterCount);
    outlierMethod_->setCurrentIndex(config.outlierMethod == doctor::OutlierMethod::Lof ? 1 : 0);
    settingConfig_ = false;
    debounce_->stop();
}

bool DoctorPanel::isRunning() const { return doc_ && doc_->isDoctorRunning(); }

bool DoctorPanel::captionsShown() const { return captionsBox_->isChecked(); }

void DoctorPanel::setCaptionsShown(bool on) { captionsBox_->setChecked(on); }

void DoctorPanel::scheduleRun()
{
    if (!settingConfig_ && doc_ && doc_->doctorCanRun())
        debounce_->start();
}

void DoctorPanel::run()
{
    debounce_->stop();
    if (doc_ && doc_->doctorCanRun())
        doc_->runDoctor(config());
}

void DoctorPanel::cancel()
{
    debounce_->stop();
    if (doc_)
        doc_->cancelDoctor();
}

// ---------------------------------------------------------------------------------------
// Lists

int DoctorPanel::rowCount() const
{
    return shown_ ? int(shown_->texts.size()) : doc_ ? doc_->model()->rowCount() : 0;
}

QString DoctorPanel::textOf(int row, int maxChars) const
{
    if (!shown_ || row < 0 || row >= int(shown_->texts.size()))
        return {};
    QString t = QString::fromStdString(shown_->texts[std::size_t(row)]).simplified();
    if (t.size() > maxChars)
        t = t.left(maxChars - 1) + QChar(0x2026);
    return t;
}

QTreeWidgetItem *DoctorPanel::rowItem(QTreeWidgetItem *parent, const QStringList &columns, const QVector<int> &rows)
{
    auto *item = parent ? new QTreeWidgetItem(parent, columns) : new QTreeWidgetItem(columns);
    item->setData(0, kRowsRole, QVariant::fromValue(rows));
    item->setData(0, kMarkRowRole, rows.size() == 1 ? rows.front() : -1);
    if (rows.size() == 1 && shown_ && rows.front() >= 0 && rows.front() < int(shown_->texts.size()))
        item->setToolTip(columns.size() - 1, QString::fromStdString(shown_->texts[std::size_t(rows.front())]));
    return item;
}

QVector<int> DoctorPanel::rowsOf(const QTreeWidgetItem *item)
{
    return item ? item->data(0, kRowsRole).value<QVector<int>>() : QVector<int>{};
}

void DoctorPanel::showReport()
{
    for (auto *l : lists_)
        l->clear();
    exportButton_->setEnabled(shown_ != nullptr);
    if (shown_) {
        fillDuplicates();
        fillLabels();
        fillOutliers();
        fillClusters();
        refreshMarks();
        int exact = 0, nearGroups = 0;
        for (const auto &g : shown_->report.duplicates)
            (g.exact ? exact : nearGroups) += 1;
        QString s = tr("%1 near-duplicate group(s), %2 exact, %3 label disagreement(s), %4 outlier(s), %5 cluster(s).")
                        .arg(nearGroups).arg(exact).arg(shown_->report.disagreements.size())
                        .arg(shown_->report.outliers.size()).arg(shown_->report.clusters.size());
        if (shown_->labels.empty())
            s += QLatin1Char(' ') + tr("No label column: no label check.");
        for (const auto &w : shown_->report.warnings)
            s += QLatin1Char('\n') + QString::fromStdString(w);
        status_->setText(s);
        for (auto *l : lists_)
            reports::fitColumnsButLast(l);
    }
    updateTabTitles();
}

void DoctorPanel::fillDuplicates()
{
    int index[2] = {0, 0};
    for (const auto &g : shown_->report.duplicates) {
        const Tab tab = g.exact ? ExactDuplicates : NearDuplicates;
        const QVector<int> rows(g.rows.begin(), g.rows.end());
        const QString sim = g.exact ? tr("identical")
                                    : (std::abs(g.maxSimilarity - g.minSimilarity) < 5e-4
                                           ? reports::number(g.minSimilarity)
                                           : reports::number(g.minSimilarity) + QStringLiteral("–") + reports::number(g.maxSimilarity));
        auto *group = rowItem(nullptr,
                              {tr("Group %1 (%n rows)", nullptr, int(rows.size())).arg(++index[g.exact ? 1 : 0]),
                               sim, QString(), textOf(rows.front())},
                              rows);
        reports::setBold(group, 0);
        for (std::size_t i = 0; i < g.rows.size(); ++i) {
            const int row = g.rows[i];
            const double s = i < g.similarity.size() ? g.similarity[i] : 1.0;
            rowItem(group, {displayRow(row), i == 0 ? tr("first") : reports::number(s), QString(), textOf(row)}, {row});
        }
        lists_[tab]->addTopLevelItem(group);
        group->setExpanded(true);
    }
}

void DoctorPanel::fillLabels()
{
    for (const auto &d : shown_->report.disagreements) {
        QVector<int> rows{d.row};
        if (d.nearestWithMajority >= 0)
            rows << d.nearestWithMajority;
        auto *item = rowItem(nullptr,
                             {displayRow(d.row), QString::fromStdString(d.label),
                              QString::fromStdString(d.majorityLabel), reports::number(d.score, 2), QString(), textOf(d.row)},
                             rows);
        item->setData(0, kMarkRowRole, d.row);
        item->setToolTip(3, tr("Probability of its label '%1' from its neighbours: %2 (typical for that label: %3); "
                               "of '%4': %5. %6 of %7 labelled neighbours say '%4', %8 say '%1'. "
                               "Score = 1 − %2 / %3.")
                                .arg(QString::fromStdString(d.label), reports::number(d.probability, 2), reports::number(d.threshold, 2),
                                     QString::fromStdString(d.majorityLabel), reports::number(d.suggestedProbability, 2))
                                .arg(qRound(d.share * d.neighbours)).arg(d.neighbours)
                                .arg(qRound(d.ownShare * d.neighbours)));
        lists_[Labels]->addTopLevelItem(item);
    }
}

void DoctorPanel::fillOutliers()
{
    for (const auto &o : shown_->report.outliers) {
        auto *item = rowItem(nullptr, {displayRow(o.row), reports::number(o.score), reports::number(o.robustZ, 1), QString(), textOf(o.row)},
                             {o.row});
        if (o.nearest >= 0)
            item->setToolTip(1, tr("Nearest: row %1 (cosine %2)").arg(displayRow(o.nearest), reports::number(o.nearestSimilarity)));
        lists_[Outliers]->addTopLevelItem(item);
    }
}

void DoctorPanel::fillClusters()
{
    for (const auto &c : shown_->report.clusters) {
        const QVector<int> rows(c.rows.begin(), c.rows.end());
        QStringList words;
        for (const auto &w : c.words)
            words << QString::fromStdString(w.word);
        auto *item = rowItem(nullptr, {QString::fromStdString(c.name), QString::number(rows.size()), QString(),
                                       words.join(QStringLiteral(", "))},
                             rows);
        reports::setBold(item, 0);
        item->setToolTip(3, QString::fromStdString(c.caption));
        for (std::size_t i = 0; i < c.typical.size(); ++i) {
            const int row = c.typical[i];
            const double s = i < c.typicalSimilarity.size() ? c.typicalSimilarity[i] : 0.0;
            rowItem(item, {displayRow(row), reports::number(s), QString(), textOf(row)}, {row});
        }
        lists_[Clusters]->addTopLevelItem(item);
        item->setExpanded(true);
    }
}

void DoctorPanel::refreshMarks()
{
    const bool dark = palette().color(QPalette::Base).lightness() < 128;
    for (auto *tree : lists_) {
        const int column = tree->property(kMarkColumnProperty).toInt();
        std::function<void(QTreeWidgetItem *)> visit = [&](QTreeWidgetItem *item) {
            const int row = item->data(0, kMarkRowRole).toInt();
            if (row >= 0) {
                const doctor::Mark m = marks_->mark(row);
                item->setText(column, markLabel(m));
                item->setForeground(column, m == doctor::Mark::None ? QBrush() : QBrush(markColor(m, dark)));
            } else {
                // A group: the marks of its rows when they agree, else "mixed".
                const QVector<int> rows = rowsOf(item);
                QString text;
                if (!rows.isEmpty()) {
                    const doctor::Mark first = marks_->mark(rows.front());
                    const bool same = std::all_of(rows.begin(), rows.end(), [&](int r) { return marks_->mark(r) == first; });
                    text = same ? markLabel(first) : tr("mixed");
                }
                item->setText(column, text);
            }
            for (int i = 0; i < item->childCount(); ++i)
                visit(item->child(i));
        };
        for (int i = 0; i < tree->topLevelItemCount(); ++i)
            visit(tree->topLevelItem(i));
    }
}

void DoctorPanel::updateTabTitles()
{
    // Short titles so the five tabs fit a narrow dock; the tooltip says what each holds.
    const QString names[TabCount] = {tr("Near dup."), tr("Exact dup."), tr("Labels"), tr("Outliers"), tr("Clusters")};
    const QString tips[TabCount] = {tr("Near-duplicate groups (cosine at least the threshold)"),
                                    tr("Exact duplicates after whitespace and case normalisation"),
                                    tr("Items whose nearest neighbours mostly carry another label"),
                                    tr("Items far from everything"),
                                    tr("Clusters with their typical sentences and distinctive words")};
    for (int t = 0; t < TabCount; ++t) {
        const int n = lists_[t]->topLevelItemCount();
        tabs_->setTabText(t, shown_ ? QStringLiteral("%1 (%2)").arg(names[t]).arg(n) : names[t]);
        tabs_->setTabToolTip(t, tips[t]);
    }
}

void DoctorPanel::onItemActivated(QTreeWidgetItem *item)
{
    const QVector<int> rows = rowsOf(item);
    if (!rows.isEmpty())
        emit rowsActivated(rows);
}

bool DoctorPanel::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::KeyPress && qobject_cast<QTreeWidget *>(watched)) {
        auto *key = static_cast<QKeyEvent *>(event);
        if ((key->modifiers() & ~Qt::KeypadModifier) == Qt::NoModifier) {
            switch (key->key()) {
            case Qt::Key_K: markSelected(doctor::Mark::Keep); return true;
            case Qt::Key_F: markSelected(doctor::Mark::Fix); return true;
            case Qt::Key_D: markSelected(doctor::Mark::Drop); return true;
            case Qt::Key_0: markSelected(doctor::Mark::None); return true;
            default: break;
            }
        }
    }
    return QWidget::eventFilter(watched, event);
}

void DoctorPanel::markSelected(doctor::Mark mark)
{
    auto *tree = qobject_cast<QTreeWidget *>(tabs_->currentWidget());
    if (!tree)
        return;
    QVector<int> rows;
    for (QTreeWidgetItem *item : tree->selectedItems()) {
        const int markRow = item->data(0, kMarkRowRole).toInt();
        if (markRow >= 0)
            rows << markRow;
        else
            rows << rowsOf(item);
    }
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    if (marks_->size() < rowCount())
        marks_->resize(rowCount());
    marks_->setMarks(rows, mark);
}

bool DoctorPanel::exportCsv(const QString &path, QString *error) const
{
    if (!shown_) {
        if (error)
            *error = tr("Nothing to export: the doctor has not run.");
        return false;
    }
    std::vector<doctor::Mark> marks = marks_->marks();
    marks.resize(shown_->texts.size(), doctor::Mark::None);
    const auto table = doctor::findingTable(doctor::findingRows(shown_->report), shown_->texts, marks);
    if (auto w = formats::writeCsv(path.toStdString(), table.header, table.rows); !w) {
        if (error)
            *error = QString::fromStdString(w.error().message);
        return false;
    }
    return true;
}

} // namespace es
