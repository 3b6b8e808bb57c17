#include "mainwindow.h"

#include "formats/coordinates.h"

#include "views/doctorpanel.h"
#include "views/explainview.h"
#include "views/comparewidget.h"
#include "views/colorby.h"
#include "doctor/model_spec.h"
#include "embed/embedder.h"
#include "formats/coordinates.h"
#include "formats/detect.h"
#include "formats/project.h"
#include "formats/texts.h"
#include "dialogs/about.h"
#include "docks/projectiondock.h"
#include "dialogs/providerdialog.h"
#include "formats/vectors.h"
#include "jobs/jobrunner.h"
#include "keystore.h"
#include "models/sentencemodel.h"
#include "theme.h"
#include "util/url.h"
#include "views/heatmapview.h"
#include "views/legend.h"
#include "views/inspectorview.h"
#include "views/palette.h"
#include "views/pointview.h"
#include "views/rownumber.h"
#include "views/scatter2dview.h"
#include "views/scatter3dview.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QCloseEvent>
#include <QComboBox>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QFrame>
#include <QResizeEvent>
#include <QSpinBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QDir>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPainter>
#include <QRegularExpression>
#include <QSvgGenerator>
#include <QSet>
#include <QSettings>
#include <QSignalBlocker>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QScopeGuard>
#include <QScreen>
#include <QScrollArea>
#include <QGuiApplication>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QUndoStack>
#include <QUrl>
#include <QVBoxLayout>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <future>
#include <thread>
#include <numeric>

namespace es {

namespace {

// Version of the dock layout kept in the settings: a layout saved by an older arrangement of
// the docks is not restored.
constexpr int kDockStateVersion = 2;

// The first size of the window: 1280 x 720 (a 1366 x 768 laptop or projector with room for
// the desktop's panels), never more than the screen's free area.
QSize defaultWindowSize()
{
    QSize size(1280, 720);
    if (const QScreen *screen = QGuiApplication::primaryScreen())
        size = size.boundedTo(screen->availableGeometry().size() - QSize(16, 48));
    return size;
}

// A dock's content in a scroll area: however much it holds, the dock never needs more room
// than it has, so opening it never makes the window grow past the screen.
QWidget *scrollable(QWidget *content)
{
    auto *area = new QScrollArea;
    area->setWidget(content);
    area->setWidgetResizable(true);
    area->setFrameShape(QFrame::NoFrame);
    area->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    return area;
}

QString qs(const std::string &s)
{
    return QString::fromStdString(s);
}

// What a load job returns: texts, or vectors with the data set that names their rows.
struct Loaded {
    formats::Detected detected;
    Dataset dataset;
    std::optional<Matrix> vectors;
    Warnings warnings;
    std::optional<formats::Project> project;
    std::optional<MainWindow::RowVectors> rowVectors; // with vectors, made on the job's thread
};

// Reports its stages (vectors, texts) to ctx and stops between them when cancelled.
Result<Loaded> loadAnything(const std::string &path, const std::string &format, JobContext &ctx)
{
    auto det = formats::detectInput(path, format);
    if (!det)
        return det.error();
    Loaded out;
    out.detected = det.value();
    if (out.detected.kind == formats::InputKind::Texts) {
        formats::TextLoadOptions o;
        o.format = out.detected.format;
        auto t = formats::loadTexts(path, o);
        if (!t)
            return t.error();
        out.dataset = std::move(t->dataset);
        out.warnings = std::move(t->warnings);
        return out;
    }
    if (out.detected.kind == formats::InputKind::Project) {
        auto p = formats::loadProject(path);
        if (!p)
            return p.error();
        out.dataset = std::move(p->dataset);
        if (p->vectors.size() > 0)
            out.vectors = std::move(p->vectors); // held once: the project keeps maps and parameters
        out.project = std::move(p.value());
        return out;
    }
    // A text file with the same base name and the same number of rows names the rows, so
    // the vectors need no embedding. Beside a .npy, the first such file is read on a second
    // thread while the vectors are read (a million rows: seconds each).
    namespace fs = std::filesystem;
    std::vector<fs::path> candidates;
    for (const char *ext : {".csv", ".tsv", ".txt", ".jsonl"}) {
        fs::path candidate(path);
        candidate.replace_extension(ext);
        std::error_code ec;
        if (fs::exists(candidate, ec))
            candidates.push_back(candidate);
    }
    std::future<Result<formats::LoadedTexts>> firstTexts;
    if (out.detected.format == "npy" && !candidates.empty())
        firstTexts = std::async(std::launch::async, [c = candidates.front().string()] { return formats::loadTexts(c); });
    formats::VectorLoadOptions o;
    o.format = out.detected.format;
    report(ctx.progress, 0.0, firstTexts.valid() ? "reading the vectors and the texts" : "reading the vectors");
    auto v = formats::loadVectors(path, o);
    if (!v)
        return v.error();
    if (ctx.stop.stop_requested())
        return Error::cancel();
    out.vectors = std::move(v->vectors);
    out.warnings = std::move(v->warnings);
    const auto n = std::size_t(out.vectors->rows());
    if (v->metadata && v->metadata->size() == n) {
        out.dataset = std::move(*v->metadata);
        return out;
    }
    for (const fs::path &candidate : candidates) {
        report(ctx.progress, 0.4, "reading the texts (" + candidate.filename().string() + ")");
        auto t = firstTexts.valid() ? firstTexts.get() : formats::loadTexts(candidate.string());
        if (ctx.stop.stop_requested())
            return Error::cancel();
        if (t && t->dataset.size() == n) {
            out.dataset = std::move(t->dataset);
            out.warnings.push_back("texts from " + candidate.filename().string());
            return out;
        }
        if (t)
            out.warnings.push_back(candidate.filename().string() + " has " + std::to_string(t->dataset.size())
                                   + " rows but the vectors have " + std::to_string(n) + "; not used");
    }
    out.dataset.source = path;
    for (std::size_t i = 0; i < n; ++i) {
        out.dataset.texts.push_back("item " + std::to_string(i + 1));
        out.dataset.lines.push_back(0);
    }
    return out;
}

} // namespace

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setWindowTitle(tr("EmbedScope"));
    setObjectName(QStringLiteral("MainWindow"));
    resize(defaultWindowSize());
    setAcceptDrops(true);

    jobs_ = new JobRunner(this);
    doc_ = new ExplorerDocument(jobs_, this);
    doc_->setRemoteGate([this](EmbedderSpec &spec, const std::vector<std::string> &texts) {
        return prepareRemote(spec, texts);
    });
    model_ = doc_->model();
    selection_ = new QItemSelectionModel(model_, this);

    refreshTimer_ = new QTimer(this);
    refreshTimer_->setSingleShot(true);
    refreshTimer_->setInterval(150);
    connect(refreshTimer_, &QTimer::timeout, this, &MainWindow::refresh);
    startTimer_ = new QTimer(this);
    startTimer_->setSingleShot(true);
    startTimer_->setInterval(0);
    connect(startTimer_, &QTimer::timeout, this, &MainWindow::refresh);
    flashTimer_ = new QTimer(this);
    flashTimer_->setSingleShot(true);
    flashTimer_->setInterval(1800);
    connect(flashTimer_, &QTimer::timeout, this, [this] {
        flash_.clear();
        updateHighlight();
    });

    buildActions();
    buildCentral();
    buildDocks();
    buildMenus();
    buildStatusBar();

    connect(model_, &QAbstractItemModel::modelReset, this, [this] { doctorStale_ = true; });
    connect(model_, &QAbstractItemModel::rowsInserted, this,
            [this](const QModelIndex &, int first, int last) { onRowsInserted(first, last); });
    connect(model_, &QAbstractItemModel::rowsAboutToBeRemoved, this, [this](const QModelIndex &, int first, int last) {
        removingTexts_.clear();
        for (int r = first; r <= last; ++r)
            removingTexts_.append(model_->text(r));
    });
    connect(model_, &QAbstractItemModel::rowsRemoved, this,
            [this](const QModelIndex &, int first, int last) { onRowsRemoved(first, last); });
    connect(model_, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex &tl, const QModelIndex &br, const QList<int> &roles) {
                if (tl.column() > SentenceModel::TextColumn
                    || (!roles.isEmpty() && !roles.contains(Qt::DisplayRole) && !roles.contains(Qt::EditRole)))
                    return;
                for (int r = tl.row(); r <= br.row(); ++r)
                    onTextEdited(r);
            });
    connect(model_, &SentenceModel::textsChanged, this, &MainWindow::onTextsChanged);
    connect(model_->undoStack(), &QUndoStack::cleanChanged, this, &MainWindow::updateTitle);
    connect(model_, &SentenceModel::labelsChanged, this, &MainWindow::onLabelsChanged);
    connect(selection_, &QItemSelectionModel::selectionChanged, this, &MainWindow::updateViewsSelection);
    connect(selection_, &QItemSelectionModel::currentChanged, this, &MainWindow::updateViewsSelection);

    connect(jobs_, &JobRunner::jobStarted, this, [this](const QString &, const QString &title) {
        jobLabel_->setText(title);
        progress_->setValue(0);
        progress_->show();
        jobLabel_->show();
        cancelButton_->show();
    });
    connect(jobs_, &JobRunner::jobProgress, this, [this](const QString &, double f, const QString &stage) {
        setProgressValue(progress_, int(f * 1000));
        if (!stage.isEmpty())
            jobLabel_->setText(stage);
    });
    connect(jobs_, &JobRunner::busyChanged, this, [this](bool busy) {
        progress_->setVisible(busy);
        jobLabel_->setVisible(busy);
        cancelButton_->setVisible(busy);
        cancelAction_->setEnabled(busy);
        if (!busy && doc_->vectors() && (doc_->similarity() || heatmap_->isVectorMode()) && (doc_->neighbors() || doc_->neighborsPerRow()))
            emit analysisFinished();
    });
    // The document reports its own failures (documentFailed); the others (loading, views' jobs) here.
    connect(jobs_, &JobRunner::jobFailed, this, [this](const QString &kind, const QString &message) {
        if (doc_->ownsJob(kind))
            return;
        showError(kind == QLatin1String("load")     ? tr("Could not open the file")
                  : kind == QLatin1String("import") ? tr("Could not import the coordinates")
                                                    : tr("Analysis failed"),
                  message);
    });
    connectDocument();
    connect(jobs_, &JobRunner::jobCancelled, this, [this](const QString &kind) {
        showStatus(tr("Cancelled: %1").arg(kind));
    });

    restoreSettings();
    updatePrivacyLabel();
    updateEmbedActions();
    checkModel();
}

MainWindow::~MainWindow()
{
    jobs_->cancelAll();
}

// ---------------------------------------------------------------------------------------
// Building the window

void MainWindow::buildActions()
{
    openAction_ = new QAction(tr("&Open..."), this);
    openAction_->setShortcut(QKeySequence::Open);
    connect(openAction_, &QAction::triggered, this, &MainWindow::openFileDialog);

    embedAction_ = new QAction(tr("&Embed"), this);
    embedAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    embedAction_->setToolTip(tr("Compute the vectors of the sentences, then the heatmap and the maps"));
    connect(embedAction_, &QAction::triggered, this, [this] { embed(true); });

    rerunAction_ = new QAction(tr("&Re-run Everything"), this);
    rerunAction_->setShortcut(QKeySequence(Qt::Key_F5));
    connect(rerunAction_, &QAction::triggered, this, &MainWindow::rerun);

    cancelAction_ = new QAction(tr("&Cancel"), this);
    cancelAction_->setShortcut(QKeySequence(Qt::Key_Escape));
    cancelAction_->setEnabled(false);
    connect(cancelAction_, &QAction::triggered, this, &MainWindow::cancelJobs);

    undoAction_ = model_->undoStack()->createUndoAction(this, tr("&Undo"));
    undoAction_->setShortcut(QKeySequence::Undo);
    redoAction_ = model_->undoStack()->createRedoAction(this, tr("&Redo"));
    redoAction_->setShortcut(QKeySequence::Redo);

    addRowAction_ = new QAction(tr("&Add Sentence"), this);
    addRowAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_N));
    connect(addRowAction_, &QAction::triggered, this, &MainWindow::addRow);

    deleteRowsAction_ = new QAction(tr("&Delete Sentences"), this);
    deleteRowsAction_->setShortcut(QKeySequence::Delete);
    deleteRowsAction_->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(deleteRowsAction_, &QAction::triggered, this, &MainWindow::deleteSelectedRows);

    pasteAction_ = new QAction(tr("&Paste Sentences"), this);
    pasteAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_V));
    pasteAction_->setToolTip(tr("Add one sentence per line of the clipboard"));
    connect(pasteAction_, &QAction::triggered, this, &MainWindow::pasteSentences);

    presentationAction_ = new QAction(tr("&Presentation Mode"), this);
    presentationAction_->setCheckable(true);
    presentationAction_->setShortcut(QKeySequence(Qt::Key_F11));
    connect(presentationAction_, &QAction::toggled, this, &MainWindow::setPresentationMode);
    addAction(presentationAction_); // F11 works while the menu bar is hidden
    leavePresentationAction_ = new QAction(tr("Leave Presentation Mode"), this);
    leavePresentationAction_->setShortcut(QKeySequence(Qt::Key_Escape));
    leavePresentationAction_->setEnabled(false);
    connect(leavePresentationAction_, &QAction::triggered, this, [this] { setPresentationMode(false); });
    addAction(leavePresentationAction_);

    themeGroup_ = new QActionGroup(this);
    for (const auto &[name, label] : {std::pair{QStringLiteral("light"), tr("&Light Theme")},
                                      std::pair{QStringLiteral("dark"), tr("&Dark Theme")}}) {
        auto *a = new QAction(label, themeGroup_);
        a->setCheckable(true);
        a->setData(name);
        connect(a, &QAction::triggered, this, [this, name = name] { setTheme(name); });
    }
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(openAction_);
    recentMenu_ = file->addMenu(tr("Open &Recent"));
    file->addSeparator();
    QAction *save = file->addAction(tr("&Save Project"), this, [this] {
        if (projectPath_.isEmpty())
            saveProjectAs();
        else
            saveProject(projectPath_);
    });
    save->setShortcut(QKeySequence::Save);
    QAction *saveAs = file->addAction(tr("Save Project &As..."), this, &MainWindow::saveProjectAs);
    saveAs->setShortcut(QKeySequence::SaveAs);
    file->addAction(tr("&Import Coordinates..."), this, &MainWindow::importCoordinatesDialog);
    buildExportMenu(file->addMenu(tr("&Export")));
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(undoAction_);
    edit->addAction(redoAction_);
    edit->addSeparator();
    edit->addAction(addRowAction_);
    edit->addAction(pasteAction_);
    edit->addAction(deleteRowsAction_);
    edit->addSeparator();
    QAction *find = edit->addAction(tr("&Find..."), this, [this] {
        search_->setFocus();
        search_->selectAll();
    });
    find->setShortcut(QKeySequence::Find);

    QMenu *analysis = menuBar()->addMenu(tr("&Analysis"));
    analysis->addAction(embedAction_);
    analysis->addAction(rerunAction_);
    analysis->addAction(cancelAction_);

    analysis->addSeparator();
    analysis->addAction(tr("&Why Are These Close?"), this, &MainWindow::explainSelection);
    analysis->addAction(tr("Run &t-SNE"), this, [this] {
        tsneDock_->show();
        runTsne();
    });
    analysis->addSeparator();
    analysis->addAction(tr("Embedding &Provider..."), this, &MainWindow::showProviderDialog);
    QAction *autoEmbed = analysis->addAction(tr("Embed &Automatically with the Local Model"));
    autoEmbed->setCheckable(true);
    autoEmbed->setChecked(doc_->autoEmbed());
    connect(autoEmbed, &QAction::toggled, this, [this](bool on) {
        doc_->setAutoEmbed(on);
        QSettings().setValue(QStringLiteral("embed/auto"), on);
        if (on)
            scheduleRefresh();
    });

    QMenu *tools = menuBar()->addMenu(tr("&Tools"));
    QAction *compare = tools->addAction(tr("&Compare Models..."), this, &MainWindow::showCompare);
    compare->setObjectName(QStringLiteral("compareModelsAction"));
    compare->setToolTip(tr("Embed the sentences with two models and compare them side by side"));

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addActions(themeGroup_->actions());
    view->addSeparator();
    view->addAction(presentationAction_);
    view->addSeparator();
    for (QDockWidget *d : findChildren<QDockWidget *>())
        view->addAction(d->toggleViewAction());
    view->addSeparator();
    view->addAction(captionsAction_);
    view->addAction(pointLabelsAction_);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About EmbedScope"), this,
                    [this] { QMessageBox::about(this, tr("About EmbedScope"), aboutText()); })
        ->setObjectName(QStringLiteral("aboutAction"));

    QToolBar *tb = addToolBar(tr("Main"));
    tb->setObjectName(QStringLiteral("mainToolBar"));
    tb->addAction(openAction_);
    tb->addAction(embedAction_);
    tb->addSeparator();
    tb->addAction(undoAction_);
    tb->addAction(redoAction_);
    tb->setToolButtonStyle(Qt::ToolButtonTextOnly);
}

void MainWindow::buildCentral()
{
    auto *central = new QWidget(this);
    auto *lay = new QVBoxLayout(central);
    lay->setContentsMargins(4, 4, 4, 4);
    banner_ = new QLabel(central);
    banner_->setWordWrap(true);
    banner_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    banner_->setStyleSheet(QStringLiteral(
        "QLabel { background: #fff4ce; color: #3b2f00; border: 1px solid #e0c060; padding: 6px; }"));
    banner_->hide();
    lay->addWidget(banner_);

    // Views live in tabs, not a QSplitter: an OpenGL chart view beside a 3D window
    // container inside one splitter crashes Qt 6.4 (DESIGN.md section 7).
    tabs_ = new QTabWidget(central);
    auto *heatPage = new QWidget(tabs_);
    auto *heatLay = new QVBoxLayout(heatPage);
    heatLay->setContentsMargins(0, 0, 0, 0);
    auto *heatBar = new QHBoxLayout;
    heatBar->addWidget(new QLabel(tr("Order:"), heatPage));
    heatmapOrder_ = new QComboBox(heatPage);
    heatmapOrder_->setObjectName(QStringLiteral("heatmapOrder"));
    heatmapOrder_->addItem(tr("input"), QStringLiteral("input"));
    heatmapOrder_->addItem(tr("label"), QStringLiteral("label"));
    heatmapOrder_->addItem(tr("similarity (clusters)"), QStringLiteral("cluster"));
    heatmapOrder_->setCurrentIndex(1); // by label: the groups show as blocks along the diagonal
    heatBar->addWidget(heatmapOrder_);
    heatBar->addSpacing(12);
    heatBar->addWidget(new QLabel(tr("Colours:"), heatPage));
    heatmapColors_ = new QComboBox(heatPage);
    heatmapColors_->addItem(tr("sequential (viridis)"));
    heatmapColors_->addItem(tr("diverging (-1 to 1)"));
    heatBar->addWidget(heatmapColors_);
    auto *resetZoom = new QPushButton(tr("Reset zoom"), heatPage);
    heatBar->addWidget(resetZoom);
    heatBar->addStretch(1);
    heatLay->addLayout(heatBar);
    heatmap_ = new HeatmapView(heatPage);
    heatmap_->setObjectName(QStringLiteral("heatmap"));
    heatmap_->setSelectionModel(selection_);
    heatmap_->setJobRunner(jobs_);
    heatmap_->setTextProvider([this](int r) { return r >= 0 && r < model_->rowCount() ? model_->text(r) : QString(); });
    auto *heatRow = new QHBoxLayout;
    heatRow->addWidget(heatmap_, 1);
    auto *legend = new LegendWidget(heatPage);
    legend->setObjectName(QStringLiteral("heatmapLegend"));
    heatLegend_ = legend;
    heatRow->addWidget(legend, 0, Qt::AlignTop);
    heatLay->addLayout(heatRow, 1);
    tabs_->addTab(heatPage, tr("Heatmap"));
    connect(heatmapOrder_, &QComboBox::currentIndexChanged, this, &MainWindow::updateHeatmapOrder);
    connect(heatmapColors_, &QComboBox::currentIndexChanged, this, [this](int i) {
        heatmap_->setColorMap(i == 1 ? HeatmapView::ColorMap::Diverging : HeatmapView::ColorMap::Sequential);
    });
    connect(resetZoom, &QPushButton::clicked, heatmap_, &HeatmapView::resetView);
    connect(heatmap_, &HeatmapView::cellClicked, this, [this](int a, int) {
        table_->scrollTo(model_->index(a, 0));
    });

    integrateViews();

    lay->addWidget(tabs_, 1);
    setCentralWidget(central);

    // Presentation mode's inspector: a card over the map (see setPresentationMode).
    presentationCard_ = new QFrame(central);
    presentationCard_->setObjectName(QStringLiteral("presentationCard"));
    presentationCard_->setFrameShape(QFrame::StyledPanel);
    presentationCard_->setAutoFillBackground(true);
    auto *cardLay = new QVBoxLayout(presentationCard_);
    presentationCardText_ = new QLabel(presentationCard_);
    presentationCardText_->setWordWrap(true);
    presentationCardText_->setTextFormat(Qt::RichText);
    cardLay->addWidget(presentationCardText_);
    presentationCard_->hide();
    connect(selection_, &QItemSelectionModel::currentChanged, this, [this] { updatePresentationCard(); });
}

void MainWindow::integrateViews()
{
    // The scatter views implement PointView; the window talks to them only through it
    // (plus their texts, titles and click signals).
    auto *s2 = new Scatter2DView(tabs_);
    s2->setObjectName(QStringLiteral("scatter2d"));
    s2->setAxisTitles(tr("PC 1"), tr("PC 2"));
    s2->setPlaceholder(tr("The 2D PCA map appears here after embedding."));
    tabs_->addTab(s2, tr("2D map (PCA)"));
    pointViews_.append(qMakePair<QWidget *, PointView *>(s2, s2));
    connect(s2, &Scatter2DView::pointClicked, this, [this](int row) { selectRows({row}, row); });
    connect(s2, &Scatter2DView::groupVisibilityChanged, this, [this] { updateCaptions(); });
    connect(s2, &Scatter2DView::pointsSelected, this, [this](const QVector<int> &rows) {
        selectRows(rows, rows.isEmpty() ? -1 : rows.front());
    });
    // "Isolate these N points" / "Show all" on one map applies to both.
    auto isolateAll = [this](const QVector<int> &rows) {
        for (auto &[w, v] : pointViews_)
            v->setIsolation(rows);
    };
    connect(s2, &Scatter2DView::isolationChanged, this, isolateAll);
    scatter2d_ = s2;
    // Each sentence's first words beside its point on a small map (as render --labels auto).
    pointLabelsAction_ = new QAction(tr("Point &Labels on Small Maps"), this);
    pointLabelsAction_->setObjectName(QStringLiteral("pointLabelsAction"));
    pointLabelsAction_->setCheckable(true);
    pointLabelsAction_->setToolTip(tr("Each sentence's first words beside its point, while at most %1 points are in view")
                                       .arg(pointlabels::kAutoLimit));
    connect(pointLabelsAction_, &QAction::toggled, this, [this](bool on) {
        scatter2d_->setLabelMode(on ? pointlabels::Mode::Auto : pointlabels::Mode::Off);
        QSettings().setValue(QStringLiteral("view/pointLabels"), on);
    });
    pointLabelsAction_->setChecked(QSettings().value(QStringLiteral("view/pointLabels"), true).toBool());
    s2->setLabelMode(pointLabelsAction_->isChecked() ? pointlabels::Mode::Auto : pointlabels::Mode::Off);

    QString why;
    if (Scatter3DView::isOpenGLAvailable(&why)) {
        auto *s3 = new Scatter3DView(tabs_);
        s3->setObjectName(QStringLiteral("scatter3d"));
        s3->setAxisTitles(tr("PC 1"), tr("PC 2"), tr("PC 3"));
        tabs_->addTab(s3, tr("3D map (PCA)"));
        pointViews_.append(qMakePair<QWidget *, PointView *>(s3, s3));
        connect(s3, &Scatter3DView::pointClicked, this, [this](int row) { selectRows({row}, row); });
        connect(s3, &Scatter3DView::pointsSelected, this, [this](const QVector<int> &rows) {
            selectRows(rows, rows.isEmpty() ? -1 : rows.front());
        });
        connect(s3, &Scatter3DView::messageButtonClicked, this, &MainWindow::runTsne3d);
        connect(s3, &Scatter3DView::isolationChanged, this, isolateAll);
        scatter3d_ = s3;
    } else {
        auto *l = new QLabel(tr("The 3D map needs OpenGL, which is not available here: %1\n"
                                "The heatmap and the 2D map work without it.").arg(why), tabs_);
        l->setAlignment(Qt::AlignCenter);
        l->setWordWrap(true);
        tabs_->addTab(l, tr("3D map"));
    }
}

void MainWindow::selectRows(const QVector<int> &rows, int current)
{
    QItemSelection sel;
    const int cols = model_->columnCount();
    for (int r : rows)
        if (r >= 0 && r < model_->rowCount())
            sel.select(model_->index(r, 0), model_->index(r, cols - 1));
    if (current >= 0 && current < model_->rowCount()) {
        selection_->setCurrentIndex(model_->index(current, 0), QItemSelectionModel::NoUpdate);
        table_->scrollTo(model_->index(current, 0));
    }
    selection_->select(sel, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}

void MainWindow::buildDocks()
{
    auto *tableDock = new QDockWidget(tr("Sentences"), this);
    tableDock->setObjectName(QStringLiteral("sentencesDock"));
    tableDock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable
                           | QDockWidget::DockWidgetClosable);
    auto *w = new QWidget(tableDock);
    auto *lay = new QVBoxLayout(w);
    lay->setContentsMargins(4, 4, 4, 4);

    auto *searchRow = new QHBoxLayout;
    search_ = new QLineEdit(w);
    search_->setPlaceholderText(tr("Search sentences..."));
    search_->setClearButtonEnabled(true);
    searchRegex_ = new QCheckBox(tr("Regex"), w);
    searchRegex_->setObjectName(QStringLiteral("searchRegex"));
    searchWholeWords_ = new QCheckBox(tr("Words"), w);
    searchWholeWords_->setObjectName(QStringLiteral("searchWholeWords"));
    searchWholeWords_->setToolTip(tr("Whole words only: \"rain\" does not find \"train\""));
    searchCount_ = new QLabel(w);
    searchRow->addWidget(search_, 1);
    searchRow->addWidget(searchWholeWords_);
    searchRow->addWidget(searchRegex_);
    searchRow->addWidget(searchCount_);
    lay->addLayout(searchRow);
    connect(search_, &QLineEdit::textChanged, this, &MainWindow::updateSearch);
    connect(searchRegex_, &QCheckBox::toggled, this, &MainWindow::updateSearch);
    connect(searchWholeWords_, &QCheckBox::toggled, this, &MainWindow::updateSearch);

    table_ = new QTableView(w);
    table_->setObjectName(QStringLiteral("sentenceTable"));
    table_->setModel(model_);
    QItemSelectionModel *old = table_->selectionModel();
    table_->setSelectionModel(selection_);
    delete old;
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    table_->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed
                            | QAbstractItemView::AnyKeyPressed);
    table_->horizontalHeader()->setStretchLastSection(false);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    // The text takes the width the other columns leave: the label column stays in view at
    // any dock width (it vanished off the right edge at 1280 x 720).
    table_->horizontalHeader()->setSectionResizeMode(SentenceModel::TextColumn, QHeaderView::Stretch);
    table_->horizontalHeader()->setDefaultSectionSize(96);
    table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
    table_->setWordWrap(false);
    table_->setAlternatingRowColors(true);
    table_->setContextMenuPolicy(Qt::ActionsContextMenu);
    table_->addAction(addRowAction_);
    table_->addAction(pasteAction_);
    table_->addAction(deleteRowsAction_);
    // Ctrl+V on the table (outside an editor) pastes lines as new rows.
    auto *tablePaste = new QAction(table_);
    tablePaste->setShortcut(QKeySequence::Paste);
    tablePaste->setShortcutContext(Qt::WidgetShortcut);
    connect(tablePaste, &QAction::triggered, this, &MainWindow::pasteSentences);
    table_->addAction(tablePaste);
    lay->addWidget(table_, 1);

    newSentence_ = new QLineEdit(w);
    newSentence_->setPlaceholderText(tr("Type a new sentence and press Enter"));
    lay->addWidget(newSentence_);
    connect(newSentence_, &QLineEdit::returnPressed, this, &MainWindow::addSentenceFromBox);

    tableDock->setWidget(w);
    addDockWidget(Qt::LeftDockWidgetArea, tableDock);

    auto *inspDock = new QDockWidget(tr("Inspector"), this);
    inspDock->setObjectName(QStringLiteral("inspectorDock"));
    inspectorDock_ = inspDock;
    inspector_ = new InspectorView(inspDock);
    inspector_->setModel(model_);
    inspDock->setWidget(inspector_);
    addDockWidget(Qt::RightDockWidgetArea, inspDock);
    // The sentences run the full height on the left, the inspector's tab group on the right;
    // the projection bar sits over the map only.
    setCorner(Qt::TopLeftCorner, Qt::LeftDockWidgetArea);
    setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
    setCorner(Qt::TopRightCorner, Qt::RightDockWidgetArea);
    setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
    connect(inspector_, &InspectorView::neighborActivated, this, [this](int row) {
        if (row < 0 || row >= model_->rowCount())
            return;
        selection_->setCurrentIndex(model_->index(row, 0),
                                    QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        table_->scrollTo(model_->index(row, 0));
    });
    buildAnalysisDocks();
    sentencesDock_ = tableDock;
    arrangeDocks();
}

void MainWindow::buildStatusBar()
{
    privacy_ = new QLabel(this);
    privacy_->setObjectName(QStringLiteral("privacyLabel"));
    jobLabel_ = new QLabel(this);
    progress_ = new QProgressBar(this);
    progress_->setRange(0, 1000);
    progress_->setMaximumWidth(220);
    progress_->setTextVisible(false);
    cancelButton_ = new QPushButton(tr("Cancel"), this);
    cancelButton_->setObjectName(QStringLiteral("cancelButton"));
    connect(cancelButton_, &QPushButton::clicked, this, &MainWindow::cancelJobs);
    statusBar()->addPermanentWidget(jobLabel_);
    statusBar()->addPermanentWidget(progress_);
    statusBar()->addPermanentWidget(cancelButton_);
    statusBar()->addPermanentWidget(privacy_);
    jobLabel_->hide();
    progress_->hide();
    cancelButton_->hide();
}

void MainWindow::restoreSettings()
{
    QSettings s;
    theme_ = s.value(QStringLiteral("ui/theme"), QStringLiteral("light")).toString();
    for (QAction *a : themeGroup_->actions())
        a->setChecked(a->data().toString() == theme_);
    applyTheme(themeFromName(theme_), presentation_); // the theme chosen last time, from the start
    doc_->setAutoEmbed(s.value(QStringLiteral("embed/auto"), true).toBool());
    EmbedderSpec spec;
    spec.provider = s.value(QStringLiteral("embed/provider"), QStringLiteral("local")).toString().toStdString();
    spec.model = s.value(QStringLiteral("embed/model")).toString().toStdString();
    spec.baseUrl = s.value(QStringLiteral("embed/baseUrl")).toString().toStdString();
    spec.dimensions = s.value(QStringLiteral("embed/dimensions"), 0).toInt();
    doc_->setEmbedderSpec(spec);
    updateRecentMenu();
    // The last size, place and dock layout; a layout of an older arrangement of the docks
    // is skipped (restoreState checks the version). A size larger than the screen's free
    // area (another monitor, a lower resolution now) is brought back within it.
    if (const QByteArray g = s.value(QStringLiteral("window/geometry")).toByteArray(); !g.isEmpty())
        restoreGeometry(g);
    if (const QByteArray st = s.value(QStringLiteral("window/state")).toByteArray(); !st.isEmpty())
        restoreState(st, kDockStateVersion);
    if (const QScreen *screen = QGuiApplication::primaryScreen()) {
        const QSize room = screen->availableGeometry().size();
        if (width() > room.width() || height() > room.height())
            resize(size().boundedTo(room));
    }
}

void MainWindow::arrangeDocks()
{
    // The map keeps at least half of the window's width: the side docks share the rest.
    const int w = width();
    resizeDocks({sentencesDock_, inspectorDock_}, {w * 27 / 100, w * 20 / 100}, Qt::Horizontal);
}

void MainWindow::saveWindowLayout()
{
    QSettings s;
    // In presentation mode the layout to keep is the one from before it.
    s.setValue(QStringLiteral("window/geometry"), presentation_ ? beforePresentation_.geometry : saveGeometry());
    s.setValue(QStringLiteral("window/state"), presentation_ ? beforePresentation_.state : saveState(kDockStateVersion));
}

// ---------------------------------------------------------------------------------------
// Messages

void MainWindow::showError(const QString &title, const QString &message)
{
    lastError_ = message;
    if (errorBox_)
        errorBox_->close();
    // Window-modal but non-blocking (open(), not exec()): the event loop keeps running,
    // jobs keep reporting, and tests can read and close the box.
    auto *box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setObjectName(QStringLiteral("errorBox"));
    box->open();
    errorBox_ = box;
    emit errorShown(message);
}

void MainWindow::showStatus(const QString &message, int ms)
{
    // QStatusBar repaints its message area at once; results arrive while jobs run.
    withoutImmediateRepaint(statusBar(), [&] { statusBar()->showMessage(message, ms); });
}

QString MainWindow::privacyText() const
{
    const EmbedderSpec &spec_ = doc_->embedderSpec();
    if (spec_.provider == "local" || spec_.provider.empty())
        return tr("Local model: nothing leaves this computer");
    QString host = qs(spec_.baseUrl);
    if (host.isEmpty())
        host = qs(spec_.provider);
    else
        host = QUrl(host).host();
    return tr("Remote provider %1: texts are sent to %2").arg(qs(spec_.provider), host);
}

void MainWindow::updatePrivacyLabel()
{
    const EmbedderSpec &spec_ = doc_->embedderSpec();
    const bool local = spec_.provider == "local" || spec_.provider.empty();
    privacy_->setText(privacyText());
    privacy_->setStyleSheet(local ? QStringLiteral("QLabel { color: #0a7a30; font-weight: bold; padding: 0 6px; }")
                                  : QStringLiteral("QLabel { color: #b35900; font-weight: bold; padding: 0 6px; }"));
}

// ---------------------------------------------------------------------------------------
// Files

void MainWindow::openFileDialog()
{
    QSettings s;
    const QString dir = s.value(QStringLiteral("ui/lastDir")).toString();
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open"), dir,
        tr("All supported (*.txt *.csv *.tsv *.jsonl *.npy *.embedscope);;"
           "Texts (*.txt *.csv *.tsv *.jsonl);;Vectors (*.npy *.tsv *.txt);;"
           "Projects (*.embedscope);;All files (*)"));
    if (path.isEmpty())
        return;
    s.setValue(QStringLiteral("ui/lastDir"), QFileInfo(path).absolutePath());
    openFile(path);
}

bool MainWindow::openFile(const QString &path)
{
    if (!maybeSave())
        return false;
    const QFileInfo fi(path);
    if (!fi.exists() || !fi.isFile()) {
        showError(tr("Could not open the file"), tr("%1: no such file").arg(path));
        return false;
    }
    const std::string p = fi.absoluteFilePath().toStdString();
    const QString name = fi.fileName();
    jobs_->start<Loaded>(
        QStringLiteral("load"), tr("Loading %1").arg(name),
        [p](JobContext &ctx) -> Result<Loaded> {
            auto r = loadAnything(p, {}, ctx);
            if (ctx.stop.stop_requested())
                return Error::cancel();
            if (r && r->vectors) {
                // The table and the rows' vectors are made here, off the GUI thread, and hold
                // the texts and the vectors once: the data set keeps only its name.
                report(ctx.progress, 0.85, "preparing the rows");
                r->rowVectors = ExplorerDocument::rowVectorsFor(r->dataset, std::move(*r->vectors));
                r->vectors.reset();
                Dataset named;
                named.source = std::move(r->dataset.source);
                named.textColumn = std::move(r->dataset.textColumn);
                r->dataset = std::move(named);
                if (ctx.stop.stop_requested())
                    return Error::cancel();
            }
            return r;
        },
        [this, path = fi.absoluteFilePath()](Loaded &l) {
            if (l.dataset.source.empty())
                l.dataset.source = path.toStdString();
            pendingParameters_.clear();
            if (l.project)
                pendingParameters_ = QString::fromStdString(l.project->parameters.dump());
            if (l.rowVectors) // made with the vectors
                setData(l.dataset, std::move(*l.rowVectors));
            else
                setTexts(l.dataset);
            if (l.project) {
                projectPath_ = path;
                doc_->restoreProjections(*l.project); // its saved maps and their parameters
                applyProjectParameters(pendingParameters_);
                QStringList marks;
                for (const auto &m : l.project->marks)
                    marks << qs(m);
                doctor_->marks()->fromStrings(marks);
                marksModified_ = false;
            } else {
                projectPath_.clear();
            }
            documentName_ = QFileInfo(path).fileName();
            addRecentFile(path);
            updateTitle();
            QStringList w;
            for (const auto &s : l.warnings)
                w << qs(s);
            showStatus(tr("Opened %1: %n row(s)", nullptr, model_->rowCount()).arg(QFileInfo(path).fileName())
                           + (w.isEmpty() ? QString() : QStringLiteral(" (") + w.join(QStringLiteral("; ")) + QLatin1Char(')')),
                       10000);
            emit fileOpened(path);
        });
    return true;
}

void MainWindow::importCoordinatesDialog()
{
    QSettings s;
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Import Coordinates"), s.value(QStringLiteral("ui/lastDir")).toString(),
        tr("Coordinates (*.csv *.npy);;All files (*)"));
    if (path.isEmpty())
        return;
    s.setValue(QStringLiteral("ui/lastDir"), QFileInfo(path).absolutePath());
    importCoordinates(path);
}

bool MainWindow::importCoordinates(const QString &path)
{
    if (model_->rowCount() == 0) {
        showError(tr("Could not import the coordinates"), tr("Open the data set first: coordinates are imported for its rows."));
        return false;
    }
    // Read and checked on a job (a million rows of CSV take a second); the map named by the
    // file ("...-umap.csv") or the "Imported" map shows them.
    const std::string p = QFileInfo(path).absoluteFilePath().toStdString();
    const std::size_t rows = std::size_t(model_->rowCount());
    const quint64 version = doc_->version();
    jobs_->start<formats::LoadedCoordinates>(
        QStringLiteral("import"), tr("Importing %1").arg(QFileInfo(path).fileName()),
        [p, rows](JobContext &) { return formats::loadCoordinates(p, {rows}); },
        [this, version, name = QFileInfo(path).fileName()](formats::LoadedCoordinates &c) {
            if (version != doc_->version()) { // other rows now: the file was for the old ones
                showStatus(tr("The sentences changed while %1 was read; it was not imported.").arg(name), 10000);
                return;
            }
            const QString id = c.method == "umap" || c.method == "tsne" ? qs(c.method) : QStringLiteral("imported");
            if (const QString why = doc_->importProjection(id, c.coords, name); !why.isEmpty()) {
                showError(tr("Could not import the coordinates"), why);
                return;
            }
            tsneDock_->choose(id);
            applyProjection();
            QStringList w;
            for (const auto &x : c.warnings)
                w << qs(x);
            showStatus(doc_->projection(id).status + (w.isEmpty() ? QString() : QLatin1Char(' ') + w.join(QStringLiteral("; "))), 10000);
        });
    return true;
}

void MainWindow::addRecentFile(const QString &path)
{
    QSettings s;
    QStringList recent = s.value(QStringLiteral("ui/recentFiles")).toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > 10)
        recent.removeLast();
    s.setValue(QStringLiteral("ui/recentFiles"), recent);
    updateRecentMenu();
}

void MainWindow::updateRecentMenu()
{
    if (!recentMenu_)
        return;
    recentMenu_->clear();
    const QStringList recent = QSettings().value(QStringLiteral("ui/recentFiles")).toStringList();
    for (const QString &p : recent)
        recentMenu_->addAction(QFileInfo(p).fileName() + QStringLiteral("  (") + QFileInfo(p).absolutePath() + QLatin1Char(')'),
                               this, [this, p] { openFile(p); });
    recentMenu_->setEnabled(!recent.isEmpty());
}

void MainWindow::dragEnterEvent(QDragEnterEvent *e)
{
    if (e->mimeData()->hasUrls() || e->mimeData()->hasText())
        e->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *e)
{
    const QMimeData *m = e->mimeData();
    if (m->hasUrls()) {
        for (const QUrl &u : m->urls()) {
            if (u.isLocalFile()) {
                openFile(u.toLocalFile());
                e->acceptProposedAction();
                return;
            }
        }
    }
    if (m->hasText()) {
        model_->pasteLines(model_->rowCount(), m->text());
        e->acceptProposedAction();
    }
}

// ---------------------------------------------------------------------------------------
// The document

void MainWindow::setTexts(const Dataset &dataset)
{
    cancelJobs();
    doctor_->marks()->fromStrings({}); // a new document: no marks
    marksModified_ = false;
    doc_->setTexts(dataset);
    refreshTimer_->stop();
    refresh();
}
void MainWindow::setData(const Dataset &dataset, const Matrix &vectors)
{
    setData(dataset, ExplorerDocument::rowVectorsFor(dataset, Matrix(vectors)));
}
void MainWindow::setData(const Dataset &dataset, RowVectors prepared)
{
    cancelJobs();
    doctor_->marks()->fromStrings({}); // a new document: no marks
    marksModified_ = false;
    doc_->setData(dataset, std::move(prepared));
    refreshTimer_->stop();
    startTimer_->start();
}
void MainWindow::onRowsInserted(int first, int last)
{
    const int count = last - first + 1;
    QStringList texts;
    for (int r = first; r <= last; ++r)
        texts.append(model_->text(r));
    doctor_->marks()->insertRows(first, count, texts);
    for (int r = first; r <= last; ++r)
        pendingFlash_.append(r);
}
void MainWindow::onRowsRemoved(int first, int last)
{
    const int count = last - first + 1;
    doctor_->marks()->removeRows(first, count, removingTexts_.size() == count ? removingTexts_ : QStringList());
    removingTexts_.clear();
    QVector<int> kept;
    for (int r : std::as_const(pendingFlash_))
        if (r < first)
            kept.append(r);
        else if (r > last)
            kept.append(r - count);
    pendingFlash_ = kept;
}
void MainWindow::onTextEdited(int row)
{
    if (row < model_->rowCount())
        pendingFlash_.append(row);
}
void MainWindow::onTextsChanged()
{
    // The document has dropped what the texts made outdated (it saw the change first).
    doctorStale_ = true;
    if (!doc_->similarity()) {
        heatmap_->setMatrix(nullptr);
        heatmap_->setPlaceholder(model_->rowCount() ? tr("Updating...") : QString());
    }
    onLabelsChanged();
    updateSearch();
    updateEmbedActions();
    scheduleRefresh();
}

void MainWindow::onLabelsChanged()
{
    const bool dark = theme_ == QLatin1String("dark");
    const palette::GroupAssignment a =
        palette::groupsFromValues(model_->labels(), 24, dark, palette::GroupOrder::Name);
    group_ = a.group;
    groups_ = a.groups;
    heatmap_->setGroups(group_, groups_);
    {
        QList<LegendEntry> entries;
        for (int g = 0; g < groups_.size(); ++g)
            entries.append(LegendEntry{groups_[g].name, groups_[g].color, a.counts.value(g), true});
        auto *legend = static_cast<LegendWidget *>(heatLegend_);
        legend->setTitle(model_->headerData(SentenceModel::LabelColumn, Qt::Horizontal).toString());
        legend->setEntries(entries);
        legend->setVisible(!entries.isEmpty());
    }
    updatePointColors();
    updateHeatmapOrder();
}

void MainWindow::updatePointColors()
{
    // The box lists the label column, then every metadata column (item data: "" = label).
    const QString labelTitle = model_->headerData(SentenceModel::LabelColumn, Qt::Horizontal).toString();
    const QStringList names = model_->metadataNames();
    QStringList items{labelTitle};
    items += names;
    QStringList have;
    for (int i = 0; i < colorBy_->count(); ++i)
        have << colorBy_->itemText(i);
    if (have != items) {
        const QString want = colorBy_->currentData().toString();
        const QSignalBlocker block(colorBy_);
        colorBy_->clear();
        colorBy_->addItem(labelTitle, QString());
        for (const QString &n : names)
            colorBy_->addItem(n, n);
        colorBy_->setCurrentIndex(std::max(0, colorBy_->findData(want)));
    }
    const int column = int(names.indexOf(colorBy_->currentData().toString()));
    QString title = labelTitle;
    LegendScale scale;
    if (column < 0 || colorBy_->currentIndex() == 0) {
        pointGroup_ = group_;
        pointGroups_ = groups_;
    } else {
        QStringList values;
        values.reserve(model_->rowCount());
        for (int r = 0; r < model_->rowCount(); ++r)
            values << model_->rowAt(r).metadata.value(column);
        const colorby::Coloring c = colorby::fromValues(names[column], values, theme_ == QLatin1String("dark"));
        pointGroup_ = c.group;
        pointGroups_ = c.groups;
        scale = c.scale;
        title = names[column];
    }
    // The scale first: the views size their legend when the colours arrive.
    if (scatter2d_) {
        scatter2d_->legend()->setScale(scale);
        scatter2d_->setLegendTitle(title);
    }
    if (scatter3d_) {
        scatter3d_->legend()->setScale(scale);
        scatter3d_->setLegendTitle(title);
    }
    for (auto &[w, v] : pointViews_)
        if (doc_->projection(shownProjection()).coords.size() == pointGroup_.size())
            v->setColors(pointGroup_, pointGroups_);
    updateCaptions();
}

QList<PointGroup> MainWindow::groups() const
{
    return groups_;
}

void MainWindow::scheduleRefresh()
{
    refreshTimer_->start();
}

void MainWindow::refresh()
{
    refreshTimer_->stop();
    startTimer_->stop();
    doc_->refresh(); // embeds or analyses; vectorsMissing otherwise
}

void MainWindow::showVectorsMissing(ExplorerDocument::Refresh why)
{
    if (why == ExplorerDocument::Refresh::FileVectors) {
        heatmap_->setPlaceholder(tr("%n row(s) have no vector: the vectors came from a file. "
                                    "Use Analysis > Embed to embed every sentence with the current model.",
                                    nullptr, doc_->missingVectors()));
        return;
    }
    heatmap_->setPlaceholder(why == ExplorerDocument::Refresh::NeedsEmbed
                                 ? tr("Press Embed (Ctrl+E) to compute the vectors.")
                                 : tr("No local model: open vectors (.npy, projector TSV) or "
                                      "see the note above on how to get the model."));
}
void MainWindow::embed(bool all)
{
    if (model_->rowCount() == 0) {
        showError(tr("Nothing to embed"), tr("Add or open some sentences first."));
        return;
    }
    doc_->embed(all);
}
void MainWindow::rerun()
{
    doc_->rerun();
}
void MainWindow::connectDocument()
{
    connect(doc_, &ExplorerDocument::vectorsReady, this, [this] {
        doctorStale_ = true;
        updateDoctorData();
        explain_->setTexts(model_->texts());
        explain_->setEmbedder(doc_->explainEmbedder());
    });
    connect(doc_, &ExplorerDocument::similarityReady, this, [this] {
        heatmap_->setPlaceholder(QString());
        if (doc_->similarity())
            heatmap_->setMatrix(doc_->similarity(), doc_->vectors());
        else // no N x N matrix: the heatmap makes block means (and zoomed-in cells) from the vectors
            heatmap_->setVectors(doc_->vectors());
        updateHeatmapOrder();
    });
    connect(doc_, &ExplorerDocument::neighborsReady, this, [this] {
        inspector_->setNeighbors(doc_->neighbors());
        updateViewsNeighbors();
        if (doc_->neighborsPerRow())
            updateRowNeighbors();
    });
    connect(doc_, &ExplorerDocument::rowNeighborsReady, this,
            [this](int row, std::shared_ptr<const analysis::Neighbors> n) {
                inspector_->setNeighborsOfRow(row, n);
                updateViewsNeighbors();
            });
    connect(doc_, &ExplorerDocument::projectionReady, this, [this] { applyProjection(); });
    connect(doc_, &ExplorerDocument::clusterOrderReady, this, &MainWindow::updateHeatmapOrder);
    connect(doc_, &ExplorerDocument::analysisCleared, this, [this] {
        heatmap_->setMatrix(nullptr);
        heatmap_->setPlaceholder(QString());
        inspector_->setNeighbors(nullptr);
        updateViewsNeighbors();
        applyProjection();
    });
    connect(doc_, &ExplorerDocument::vectorsMissing, this, &MainWindow::showVectorsMissing);
    // Before the document's refresh that follows these: a pending refresh would start the
    // analysis a second time.
    connect(doc_, &ExplorerDocument::embedded, this, [this](const QString &message) {
        refreshTimer_->stop();
        startTimer_->stop();
        banner_->hide();
        showStatus(message, 10000);
    });
    connect(doc_, &ExplorerDocument::modelReady, this, [this](const QString &name) {
        refreshTimer_->stop();
        startTimer_->stop();
        banner_->hide();
        showStatus(tr("Model: %1").arg(name));
    });
    connect(doc_, &ExplorerDocument::modelUnavailable, this, [this](const QString &message) {
        refreshTimer_->stop();
        startTimer_->stop();
        banner_->setText(tr("<b>The embedding model is not available.</b> %1<br>You can still "
                            "edit sentences and open vectors (.npy, projector TSV) from files.")
                             .arg(message.toHtmlEscaped()));
        banner_->show();
    });
    connect(doc_, &ExplorerDocument::failed, this, [this](const QString &kind, const QString &message) {
        showError(kind == QLatin1String("embed")     ? tr("Embedding failed")
                  : kind == QLatin1String("vectors") ? tr("Vectors do not match")
                                                     : tr("Analysis failed"),
                  message);
    });
}
QString MainWindow::shownProjection() const
{
    const QString active = tsneDock_ ? tsneDock_->chosen() : QString();
    if (doc_->method(active) && doc_->hasProjection(active))
        return active;
    return doc_->methods().front()->id();
}

void MainWindow::applyProjection()
{
    const QString id = shownProjection();
    const ProjectionMethod *method = doc_->method(id);
    const ExplorerDocument::Projection &map = doc_->projection(id);
    // tsne: a map made on request (t-SNE, UMAP) rather than the automatic PCA.
    const bool tsne = !method->automatic();
    const QVector<QVector3D> &shown = map.coords;
    // The 3D tab: a 2D t-SNE map has no third axis (it was drawn as a flat slab). It shows
    // the last 3D t-SNE map of these data, or says that one needs a 3D run and offers it.
    const bool have3d = map.version3d == doc_->version() && map.coords3d.size() == model_->rowCount();
    const QVector<QVector3D> &shown3d = tsne && map.dims != 3 && have3d ? map.coords3d : shown;
    if (scatter3d_) {
        if (!tsne || map.dims == 3 || have3d)
            scatter3d_->clearMessage();
        else if (!jobs_->isRunning(id) || method->dims() != 3)
            scatter3d_->showMessage(tr("This %1 map was computed in 2D (2D chosen in the projection bar): "
                                       "it has no third axis to show. A 3D map needs a %1 run of its own.")
                                        .arg(method->name()),
                                    tr("Run %1 in 3D").arg(method->name()));
    }
    inspector_->setProjection(shown, tsne ? map.dims : 2, tr("the %1 map").arg(method->name()));
    const auto axisTitle = [&](int c) { return method->axisTitle(c, map.fit); };
    if (scatter2d_) {
        scatter2d_->setAxisTitles(axisTitle(1), axisTitle(2));
        tabs_->setTabText(tabs_->indexOf(scatter2d_), tr("2D map (%1)").arg(method->name()));
    }
    if (scatter3d_) {
        scatter3d_->setAxisTitles(axisTitle(1), axisTitle(2), axisTitle(3));
        tabs_->setTabText(tabs_->indexOf(scatter3d_), tr("3D map (%1)").arg(method->name()));
    }
    const QStringList texts = model_->texts();
    if (scatter2d_)
        scatter2d_->setTexts(texts);
    if (scatter3d_)
        scatter3d_->setTexts(texts);
    for (auto &[w, v] : pointViews_) {
        v->setPoints(w == scatter3d_ ? shown3d : shown);
        v->setColors(pointGroup_, pointGroups_);
        v->setHighlight(searchHits_ + flash_);
    }
    if (scatter2d_)
        scatter2d_->flushSeries();
    if (!pendingFlash_.isEmpty()) {
        flashRows(pendingFlash_);
        pendingFlash_.clear();
    }
    updateViewsSelection();
    updateCaptions();
}

void MainWindow::setHeatmapMatrixLimit(int rows)
{
    ExplorerDocument::setMatrixLimit(rows);
}
bool MainWindow::analysisReady() const
{
    return doc_->vectors() && idle();
}

bool MainWindow::idle() const
{
    return !jobs_->isBusy() && !refreshTimer_->isActive() && !startTimer_->isActive() && heatmap_->isReady();
}

void MainWindow::cancelJobs()
{
    jobs_->cancel(QStringLiteral("load"));
    doc_->cancel();
}
bool MainWindow::waitForJobs(int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < timeoutMs) {
        if (idle()) {
            QCoreApplication::processEvents();
            if (idle())
                return true;
        }
        jobs_->waitForIdle(20);
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    }
    return false;
}

void MainWindow::setEmbedderSpec(const EmbedderSpec &spec)
{
    doc_->setEmbedderSpec(spec);
    QSettings s;
    s.setValue(QStringLiteral("embed/provider"), qs(spec.provider));
    s.setValue(QStringLiteral("embed/model"), qs(spec.model));
    s.setValue(QStringLiteral("embed/baseUrl"), qs(spec.baseUrl));
    s.setValue(QStringLiteral("embed/dimensions"), spec.dimensions);
    updatePrivacyLabel();
    checkModel();
}

void MainWindow::checkModel()
{
    // Remote providers are reached only when embedding (after consent).
    if (ProviderDialog::isRemote(doc_->embedderSpec().provider))
        banner_->hide();
    doc_->checkModel();
}
void MainWindow::updateEmbedActions()
{
    const bool any = model_->rowCount() > 0;
    embedAction_->setEnabled(any);
    rerunAction_->setEnabled(any);
    deleteRowsAction_->setEnabled(any);
}

void MainWindow::showProviderDialog()
{
    const EmbedderSpec &spec_ = doc_->embedderSpec();
    ProviderDialog dlg(spec_, this);
    const QString account = KeyStore::account(qs(spec_.provider), qs(spec_.baseUrl));
    if (sessionKeys_.contains(account))
        dlg.setKey(sessionKeys_.value(account));
    if (dlg.exec() != QDialog::Accepted)
        return;
    EmbedderSpec s = dlg.spec();
    const QString key = QString::fromStdString(s.apiKey);
    s.apiKey.clear(); // never kept in the spec (settings, projects)
    if (!key.isEmpty()) {
        const QString acc = KeyStore::account(qs(s.provider), qs(s.baseUrl));
        sessionKeys_.insert(acc, key);
        if (dlg.rememberKey()) {
            KeyStore store;
            const auto r = store.writeBlocking(acc, key, 5000);
            if (!r.ok)
                showStatus(tr("The key is kept for this session only: %1").arg(r.error), 12000);
        }
    }
    const bool changed = s.provider != spec_.provider || s.model != spec_.model || s.baseUrl != spec_.baseUrl
                         || s.dimensions != spec_.dimensions || s.modelPath != spec_.modelPath;
    setEmbedderSpec(s);
    if (changed) {
        doc_->clearCache(); // vectors of another model cannot be mixed with the new ones
        if (model_->rowCount() > 0)
            showStatus(tr("Provider changed: use Analysis > Embed to compute the vectors with it."), 12000);
    }
}

QString MainWindow::keyFor(const std::string &provider, const std::string &baseUrl)
{
    const QString account = KeyStore::account(qs(provider), qs(baseUrl));
    QString key = sessionKeys_.value(account);
    if (key.isEmpty()) {
        KeyStore store;
        const auto r = store.readBlocking(account, 5000);
        if (r.ok)
            key = r.key;
    }
    if (key.isEmpty()) {
        const std::string var = defaultKeyVariable(provider);
        if (!var.empty())
            key = qEnvironmentVariable(var.c_str());
    }
    return key;
}

bool MainWindow::prepareRemote(EmbedderSpec &spec, const std::vector<std::string> &texts)
{
    const QString account = KeyStore::account(qs(spec.provider), qs(spec.baseUrl));
    spec.apiKey = keyFor(spec.provider, spec.baseUrl).toStdString();
    if (consented_.contains(account))
        return true;
    auto made = makeEmbedder(spec);
    if (!made) {
        showError(tr("Embedding provider"), qs(made.error().message));
        return false;
    }
    const SendEstimate est = made.value()->estimate(texts);
    const QString host = spec.baseUrl.empty() ? qs(spec.provider) : QUrl(qs(spec.baseUrl)).host();
    QString text = tr("<p><b>%n sentence(s) will be sent to %1</b> (%2) to be embedded.</p>"
                      "<p>Estimated tokens: %L3</p>", nullptr, int(est.texts > 0 ? est.texts : qint64(texts.size())))
                       .arg(host.toHtmlEscaped(), qs(made.value()->displayName()).toHtmlEscaped())
                       .arg(qint64(est.tokens));
    if (est.costUsd)
        text += tr("<p>Estimated cost: about US$%1</p>").arg(*est.costUsd, 0, 'f', 4);
    text += tr("<p>Texts already embedded before are served from the local cache and not sent again. "
               "Continue?</p>");
    QMessageBox box(QMessageBox::Question, tr("Send texts to %1?").arg(host), text,
                    QMessageBox::Yes | QMessageBox::No, this);
    box.button(QMessageBox::Yes)->setText(tr("Send"));
    box.setDefaultButton(QMessageBox::No);
    if (box.exec() != QMessageBox::Yes)
        return false;
    consented_.insert(account);
    return true;
}

// ---------------------------------------------------------------------------------------
// Selection, search, highlights

void MainWindow::updateViewsSelection()
{
    QVector<int> rows;
    for (const QModelIndex &i : selection_->selectedRows())
        rows.append(i.row());
    std::sort(rows.begin(), rows.end());
    for (auto &[w, v] : pointViews_)
        v->setSelection(rows);
    int show = -1;
    const QModelIndex cur = selection_->currentIndex();
    if (cur.isValid() && rows.contains(cur.row()))
        show = cur.row();
    else if (!rows.isEmpty())
        show = rows.front();
    if (show != inspector_->currentRow()) {
        inspector_->showRow(show);
        updateRowNeighbors();
    }
    updateViewsNeighbors();
}

// One clicked point: the maps draw its neighbours, the rows the inspector lists.
void MainWindow::updateViewsNeighbors()
{
    const int row = selection_->selectedRows().size() == 1 ? inspector_->currentRow() : -1;
    QVector<int> rows;
    if (row >= 0)
        for (const InspectorView::Shown &s : inspector_->shownNeighbors())
            rows.append(s.row);
    for (auto &[w, v] : pointViews_)
        v->setNeighbors(rows.isEmpty() ? -1 : row, rows);
}

// Large sets: the document finds the neighbours of the row the inspector shows.
void MainWindow::updateRowNeighbors()
{
    doc_->requestRowNeighbors(inspector_->currentRow());
}

void MainWindow::updateSearch()
{
    const QString q = search_->text();
    searchHits_.clear();
    if (!q.isEmpty()) {
        // Whole words: "rain" finds "rain" and "Rain," but not "train" (the pattern is the
        // text, escaped, between word boundaries; with Regex, the pattern as written).
        const bool whole = searchWholeWords_->isChecked();
        QRegularExpression re;
        if (searchRegex_->isChecked() || whole) {
            const QString pattern = searchRegex_->isChecked() ? q : QRegularExpression::escape(q);
            re = QRegularExpression(whole ? QStringLiteral("\\b(?:%1)\\b").arg(pattern) : pattern,
                                    QRegularExpression::CaseInsensitiveOption | QRegularExpression::UseUnicodePropertiesOption);
            if (!re.isValid()) {
                searchCount_->setText(tr("bad pattern"));
                searchCount_->setToolTip(re.errorString());
                model_->setHighlightedRows({});
                updateHighlight();
                return;
            }
        }
        for (int r = 0; r < model_->rowCount(); ++r) {
            const QString t = model_->text(r);
            if (searchRegex_->isChecked() || whole ? re.match(t).hasMatch() : t.contains(q, Qt::CaseInsensitive))
                searchHits_.append(r);
        }
        searchCount_->setText(tr("%n match(es)", nullptr, int(searchHits_.size())));
    } else {
        searchCount_->clear();
    }
    searchCount_->setToolTip(QString());
    model_->setHighlightedRows(QSet<int>(searchHits_.begin(), searchHits_.end()));
    updateHighlight();
}

void MainWindow::flashRows(const QVector<int> &rows)
{
    flash_ = rows;
    updateHighlight();
    flashTimer_->start();
}

void MainWindow::updateHighlight()
{
    QVector<int> rows = searchHits_;
    for (int r : std::as_const(flash_))
        if (!rows.contains(r))
            rows.append(r);
    heatmap_->setHighlight(rows);
    for (auto &[w, v] : pointViews_)
        v->setHighlight(rows);
}

void MainWindow::updateHeatmapOrder()
{
    const int n = heatmap_->count();
    if (n == 0)
        return;
    const QString mode = heatmapOrder_->currentData().toString();
    QVector<int> order(n);
    std::iota(order.begin(), order.end(), 0);
    if (mode == QLatin1String("cluster")) {
        if (const auto cluster = doc_->clusterOrder(); cluster && int(cluster->size()) == n) {
            order = QVector<int>(cluster->begin(), cluster->end());
        } else {
            doc_->requestClusterOrder(); // clusterOrderReady
            return;
        }
    } else if (mode == QLatin1String("label") && group_.size() == n) {
        std::stable_sort(order.begin(), order.end(), [this](int a, int b) {
            const int ga = group_[a] < 0 ? INT_MAX : group_[a], gb = group_[b] < 0 ? INT_MAX : group_[b];
            return ga < gb;
        });
    }
    if (order != heatmap_->order())
        heatmap_->setOrder(order);
}

// ---------------------------------------------------------------------------------------
// Editing

void MainWindow::addSentenceFromBox()
{
    const QString t = newSentence_->text().trimmed();
    if (t.isEmpty())
        return;
    model_->insertTexts(model_->rowCount(), {t});
    newSentence_->clear();
    table_->scrollToBottom();
}

void MainWindow::pasteSentences()
{
    const QString text = QApplication::clipboard()->text();
    const QModelIndex cur = selection_->currentIndex();
    const int at = cur.isValid() ? cur.row() + 1 : model_->rowCount();
    const int added = model_->pasteLines(at, text);
    if (added == 0)
        showStatus(tr("The clipboard holds no text to paste"));
    else
        showStatus(tr("Pasted %n sentence(s)", nullptr, added));
}

void MainWindow::addRow()
{
    const QModelIndex cur = selection_->currentIndex();
    const int at = cur.isValid() ? cur.row() + 1 : model_->rowCount();
    model_->insertTexts(at, {tr("New sentence")});
    const QModelIndex idx = model_->index(at, SentenceModel::TextColumn);
    selection_->setCurrentIndex(idx, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    table_->scrollTo(idx);
    table_->edit(idx);
}

void MainWindow::deleteSelectedRows()
{
    QList<int> rows;
    for (const QModelIndex &i : selection_->selectedRows())
        rows.append(i.row());
    if (rows.isEmpty() && selection_->currentIndex().isValid())
        rows.append(selection_->currentIndex().row());
    model_->removeRowsUndoable(rows);
}

// ---------------------------------------------------------------------------------------
// Appearance

void MainWindow::setTheme(const QString &name)
{
    theme_ = name;
    QSettings().setValue(QStringLiteral("ui/theme"), name);
    applyTheme(themeFromName(name), presentation_);
}

void MainWindow::setPresentationMode(bool on)
{
    if (on == presentation_)
        return;
    if (on) {
        // Everything needed to come back exactly: size and place, docks and toolbars, the
        // table's columns.
        beforePresentation_ = {saveGeometry(), saveState(kDockStateVersion), table_->horizontalHeader()->saveState(),
                               size(), isMaximized()};
        restoreLayoutPending_ = false;
        presentation_ = true;
        for (QDockWidget *d : findChildren<QDockWidget *>(QString(), Qt::FindDirectChildrenOnly))
            d->hide();
        for (QToolBar *t : findChildren<QToolBar *>(QString(), Qt::FindDirectChildrenOnly))
            t->hide();
        menuBar()->hide();
        statusBar()->hide();
        applyTheme(themeFromName(theme_), true);
        presentationCard_->show();
        updatePresentationCard();
        showFullScreen();
    } else {
        presentation_ = false;
        presentationCard_->hide();
        applyTheme(themeFromName(theme_), false);
        menuBar()->show();
        statusBar()->show();
        if (beforePresentation_.maximized)
            showMaximized();
        else
            showNormal();
        restoreGeometry(beforePresentation_.geometry);
        // The docks go back once the window has its old size again (the window system
        // answers later): restored in a full-screen window they would keep full-screen
        // proportions. A timer covers a window manager that never sends the old size.
        restoreLayoutPending_ = true;
        QTimer::singleShot(1000, this, [this] { restoreLayoutIfPending(true); });
    }
    if (presentationAction_->isChecked() != on) {
        const QSignalBlocker block(presentationAction_);
        presentationAction_->setChecked(on);
    }
    leavePresentationAction_->setEnabled(on);
}

void MainWindow::updatePresentationCard()
{
    if (!presentation_ || !presentationCard_)
        return;
    // The inspector as a card over the map: the clicked sentence and its nearest neighbours.
    const int row = selection_->currentIndex().isValid() ? selection_->currentIndex().row() : -1;
    QString html;
    if (row < 0 || row >= model_->rowCount()) {
        html = tr("<i>Click a point to see its sentence and its nearest neighbours.</i>");
    } else {
        html = tr("<b>Row %1</b>: %2").arg(row + 1).arg(model_->text(row).toHtmlEscaped());
        const auto knn_ = doc_->neighbors();
        if (knn_ && row < knn_->rows()) {
            html += tr("<br><br><b>Nearest neighbours</b> (cosine)<br>");
            for (int r = 0; r < std::min(5, knn_->k); ++r) {
                const int j = knn_->at(row, r);
                if (j < 0 || j >= model_->rowCount())
                    continue;
                html += QStringLiteral("%1&nbsp;&nbsp;%2 <span style='opacity:0.7'>(row %3)</span><br>")
                            .arg(QString::number(knn_->sim(row, r), 'f', 2), model_->text(j).toHtmlEscaped())
                            .arg(j + 1);
            }
        }
    }
    presentationCardText_->setText(html);
    placePresentationCard();
}

void MainWindow::placePresentationCard()
{
    if (!presentationCard_ || !presentationCard_->isVisible())
        return;
    QWidget *host = presentationCard_->parentWidget();
    const int w = std::max(260, host->width() * 32 / 100);
    presentationCardText_->setFixedWidth(w - 24);
    presentationCard_->adjustSize();
    // Bottom right: the legends sit at the top right of the heatmap and of the maps.
    presentationCard_->move(host->width() - presentationCard_->width() - 16,
                            std::max(tabs_->tabBar()->height() + 12, host->height() - presentationCard_->height() - 16));
    presentationCard_->raise();
}

void MainWindow::restoreLayoutIfPending(bool anySize)
{
    if (!restoreLayoutPending_ || presentation_ || (!anySize && size() != beforePresentation_.size))
        return;
    restoreLayoutPending_ = false;
    // Called from the resize event of the old size: the main window's layout has that size
    // now (docks restored before it would be scaled in proportion to the full-screen width).
    refreshSizeHints(); // nothing keeps a size measured with the presentation font
    restoreState(beforePresentation_.state, kDockStateVersion);
    table_->horizontalHeader()->restoreState(beforePresentation_.header);
}

void MainWindow::resizeEvent(QResizeEvent *e)
{
    QMainWindow::resizeEvent(e);
    placePresentationCard();
    restoreLayoutIfPending(false);
}

void MainWindow::closeEvent(QCloseEvent *e)
{
    if (!maybeSave()) {
        e->ignore();
        return;
    }
    jobs_->cancelAll();
    saveWindowLayout();
    e->accept();
}

// ---------------------------------------------------------------------------------------
// Projects

bool MainWindow::isModified() const
{
    return !model_->undoStack()->isClean() || marksModified_;
}

bool MainWindow::maybeSave()
{
    if (!isModified())
        return true;
    const auto answer = QMessageBox::question(
        this, tr("Unsaved changes"),
        tr("The sentences have changes that are not saved in a project. Save them first?"),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (answer == QMessageBox::Cancel)
        return false;
    if (answer == QMessageBox::Discard)
        return true;
    if (projectPath_.isEmpty()) {
        saveProjectAs();
        return !isModified();
    }
    return saveProject(projectPath_);
}

void MainWindow::saveProjectAs()
{
    QString suggestion = projectPath_;
    if (suggestion.isEmpty()) {
        const QFileInfo src(model_->source());
        suggestion = (src.absolutePath().isEmpty() ? QString() : src.absolutePath() + QLatin1Char('/'))
                     + (src.completeBaseName().isEmpty() ? QStringLiteral("untitled") : src.completeBaseName())
                     + QStringLiteral(".embedscope");
    }
    const QString path = QFileDialog::getSaveFileName(this, tr("Save Project"), suggestion,
                                                      tr("EmbedScope projects (*.embedscope)"));
    if (path.isEmpty())
        return;
    saveProject(path.endsWith(QLatin1String(".embedscope")) ? path : path + QStringLiteral(".embedscope"));
}

bool MainWindow::saveProject(const QString &path)
{
    // The document's data, maps and their parameters; the view state beside them.
    tsneDock_->pushParameters();
    formats::Project p = doc_->toProject();
    QJsonObject params;
    params[QStringLiteral("heatmapOrder")] = heatmapOrder_->currentData().toString();
    params[QStringLiteral("heatmapColors")] = heatmapColors_->currentIndex() == 1 ? QStringLiteral("diverging")
                                                                                 : QStringLiteral("sequential");
    params[QStringLiteral("view")] = tabs_->currentIndex();
    params[QStringLiteral("colorBy")] = colorBy_->currentData().toString(); // "" = the label column
    params[QStringLiteral("search")] = search_->text();
    params[QStringLiteral("searchRegex")] = searchRegex_->isChecked();
    const nlohmann::json view = nlohmann::json::parse(
        QJsonDocument(params).toJson(QJsonDocument::Compact).toStdString(), nullptr, false);
    for (auto it = view.begin(); it != view.end(); ++it)
        p.parameters[it.key()] = it.value();
    if (doctor_->marks()->markedCount() > 0) {
        QStringList marks = doctor_->marks()->toStrings();
        marks.resize(model_->rowCount());
        for (const QString &m : std::as_const(marks))
            p.marks.push_back(m.toStdString());
    }
    const auto st = formats::saveProject(path.toStdString(), p);
    if (!st) {
        showError(tr("Could not save the project"), qs(st.error().message));
        return false;
    }
    marksModified_ = false;
    projectPath_ = path;
    documentName_ = QFileInfo(path).fileName();
    model_->undoStack()->setClean();
    addRecentFile(path);
    updateTitle();
    showStatus(tr("Saved %1").arg(QFileInfo(path).fileName()));
    return true;
}

void MainWindow::applyProjectParameters(const QString &json)
{
    const QJsonObject o = QJsonDocument::fromJson(json.toUtf8()).object();
    if (o.isEmpty())
        return;
    const int order = heatmapOrder_->findData(o.value(QStringLiteral("heatmapOrder")).toString());
    if (order >= 0)
        heatmapOrder_->setCurrentIndex(order);
    heatmapColors_->setCurrentIndex(o.value(QStringLiteral("heatmapColors")).toString() == QLatin1String("diverging") ? 1 : 0);
    colorBy_->setCurrentIndex(std::max(0, colorBy_->findData(o.value(QStringLiteral("colorBy")).toString())));
    const int view = o.value(QStringLiteral("view")).toInt(-1);
    if (view >= 0 && view < tabs_->count())
        tabs_->setCurrentIndex(view);
    searchRegex_->setChecked(o.value(QStringLiteral("searchRegex")).toBool());
    search_->setText(o.value(QStringLiteral("search")).toString());
    // The methods' parameters are the document's (restoreProjections): the bar shows them.
    tsneDock_->pullParameters();
    // The saved map (restored by openFile) is shown as it was, without running it again.
    for (const auto &m : doc_->methods())
        if (o.value(m->id()).toObject().value(QStringLiteral("shown")).toBool() && doc_->hasProjection(m->id()))
            tsneDock_->choose(m->id());
}

void MainWindow::updateTitle()
{
    const QString name = documentName_.isEmpty() ? tr("untitled") : documentName_;
    setWindowTitle(tr("%1%2 - EmbedScope").arg(name, isModified() ? QStringLiteral(" *") : QString()));
}

// ---------------------------------------------------------------------------------------
// Export

void MainWindow::buildExportMenu(QMenu *menu)
{
    auto ask = [this](const QString &title, const QString &suffix, const QString &filter) {
        QString base = QFileInfo(documentName_.isEmpty() ? QStringLiteral("embedscope") : documentName_).completeBaseName();
        const QString dir = QSettings().value(QStringLiteral("ui/exportDir"), QDir::homePath()).toString();
        QString path = QFileDialog::getSaveFileName(this, title, dir + QLatin1Char('/') + base + suffix, filter);
        if (!path.isEmpty())
            QSettings().setValue(QStringLiteral("ui/exportDir"), QFileInfo(path).absolutePath());
        return path;
    };
    menu->addAction(tr("Current View as &PNG..."), this, [this, ask] {
        const QString p = ask(tr("Export View"), QStringLiteral(".png"), tr("PNG images (*.png)"));
        if (!p.isEmpty())
            exportCurrentView(p);
    });
    menu->addAction(tr("Current View as &SVG..."), this, [this, ask] {
        const QString p = ask(tr("Export View"), QStringLiteral(".svg"), tr("SVG images (*.svg)"));
        if (!p.isEmpty())
            exportCurrentView(p);
    });
    menu->addSeparator();
    menu->addAction(tr("Map &Coordinates (CSV or .npy)..."), this, [this, ask] {
        const QString p = ask(tr("Export Coordinates"), QStringLiteral("-%1.csv").arg(shownProjection()),
                              tr("CSV (*.csv);;NumPy (*.npy)"));
        if (!p.isEmpty())
            exportCoordinates(p);
    });
    menu->addAction(tr("&Neighbours (CSV)..."), this, [this, ask] {
        const QString p = ask(tr("Export Neighbours"), QStringLiteral("-neighbors.csv"), tr("CSV (*.csv)"));
        if (!p.isEmpty())
            exportNeighbors(p);
    });
    menu->addAction(tr("Similarity &Matrix (.npy or CSV)..."), this, [this, ask] {
        const QString p = ask(tr("Export Similarity"), QStringLiteral("-similarity.npy"), tr("NumPy (*.npy);;CSV (*.csv)"));
        if (!p.isEmpty())
            exportSimilarity(p);
    });
    menu->addAction(tr("&Vectors (.npy or CSV)..."), this, [this, ask] {
        const QString p = ask(tr("Export Vectors"), QStringLiteral("-vectors.npy"), tr("NumPy (*.npy);;CSV (*.csv)"));
        if (!p.isEmpty())
            exportVectors(p);
    });
    menu->addAction(tr("Sentences with Doctor M&arks (CSV)..."), this, [this, ask] {
        const QString p = ask(tr("Export Sentences"), QStringLiteral("-marked.csv"), tr("CSV (*.csv)"));
        if (!p.isEmpty() && exportSentences(p))
            showStatus(tr("Wrote %1").arg(QFileInfo(p).fileName()));
    });
    menu->addAction(tr("TensorFlow &Projector TSV Pair..."), this, [this, ask] {
        const QString p = ask(tr("Export for projector.tensorflow.org (vectors file)"), QStringLiteral("-vectors.tsv"),
                              tr("TSV (*.tsv)"));
        if (p.isEmpty())
            return;
        QString meta = p;
        meta.replace(QRegularExpression(QStringLiteral("(vectors)?\\.tsv$")), QStringLiteral("metadata.tsv"));
        if (meta == p)
            meta = p + QStringLiteral(".metadata.tsv");
        if (exportProjector(p, meta))
            showStatus(tr("Wrote %1 and %2").arg(QFileInfo(p).fileName(), QFileInfo(meta).fileName()));
    });
}

bool MainWindow::exportCurrentView(const QString &path, const QSize &requested)
{
    QWidget *page = tabs_->currentWidget();
    const bool svg = path.endsWith(QLatin1String(".svg"), Qt::CaseInsensitive);
    PointView *pv = nullptr;
    QWidget *pw = nullptr;
    for (auto &[w, v] : pointViews_)
        if (w == page) {
            pv = v;
            pw = w;
        }
    const QSize size = requested.isValid() ? requested : (pw ? pw->size() : heatmap_->size());
    if (svg) {
        if (pw && pw == scatter2d_) {
            QString err;
            if (!scatter2d_->exportSvg(path, size, &err)) {
                showError(tr("Export failed"), err);
                return false;
            }
            return true;
        }
        if (pw) {
            showError(tr("Export failed"), tr("The 3D map can be exported as PNG only."));
            return false;
        }
        QSvgGenerator gen;
        gen.setFileName(path);
        gen.setSize(size);
        gen.setViewBox(QRect(QPoint(0, 0), size));
        gen.setTitle(QStringLiteral("EmbedScope heatmap"));
        QPainter p;
        if (!p.begin(&gen)) {
            showError(tr("Export failed"), tr("%1: cannot be written").arg(path));
            return false;
        }
        p.drawImage(QPoint(0, 0), heatmap_->renderImage(size));
        p.end();
        return true;
    }
    const QImage img = pv ? pv->renderImage(size) : heatmap_->renderImage(size);
    if (img.isNull() || !img.save(path)) {
        showError(tr("Export failed"), tr("%1: cannot be written").arg(path));
        return false;
    }
    return true;
}

namespace {
bool isNpy(const QString &p)
{
    return p.endsWith(QLatin1String(".npy"), Qt::CaseInsensitive);
}
std::string num(float v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", double(v));
    return buf;
}
Status writeMatrix(const QString &path, const Matrix &m, std::vector<std::string> header)
{
    if (isNpy(path))
        return formats::writeNpy(path.toStdString(), m);
    if (header.empty())
        for (Eigen::Index c = 0; c < m.cols(); ++c)
            header.push_back("c" + std::to_string(c));
    std::vector<std::vector<std::string>> rows(std::size_t(m.rows()));
    for (Eigen::Index r = 0; r < m.rows(); ++r)
        for (Eigen::Index c = 0; c < m.cols(); ++c)
            rows[std::size_t(r)].push_back(num(m(r, c)));
    return formats::writeCsv(path.toStdString(), header, rows);
}
} // namespace

bool MainWindow::exportCoordinates(const QString &path)
{
    // The projection the maps show: t-SNE when it is shown, else PCA.
    const QString id = shownProjection();
    const ExplorerDocument::Projection &map = doc_->projection(id);
    if (!doc_->hasProjection(id) || (doc_->method(id)->automatic() && !map.fit)) {
        showError(tr("Nothing to export"), tr("There is no map yet: embed the sentences first."));
        return false;
    }
    const QVector<QVector3D> &shown = map.coords;
    const int dims = map.dims == 3 ? 3 : 2;
    Matrix c(shown.size(), dims);
    for (int i = 0; i < shown.size(); ++i)
        for (int d = 0; d < dims; ++d)
            c(i, d) = shown[i][d];
    Status st = Ok{};
    if (isNpy(path)) {
        st = formats::writeNpy(path.toStdString(), c);
    } else {
        // The columns of `embedscope project` (DESIGN.md s.6), so scripts read both alike;
        // the suggested file name carries the method.
        std::vector<std::string> header{"row", "x", "y"};
        if (dims == 3)
            header.push_back("z");
        std::vector<std::vector<std::string>> rows;
        for (int i = 0; i < c.rows(); ++i) {
            std::vector<std::string> r{std::to_string(i)};
            for (int d = 0; d < dims; ++d)
                r.push_back(num(c(i, d)));
            rows.push_back(std::move(r));
        }
        st = formats::writeCsv(path.toStdString(), header, rows);
    }
    if (!st)
        showError(tr("Export failed"), qs(st.error().message));
    return st.ok();
}
bool MainWindow::exportNeighbors(const QString &path)
{
    const auto knn_ = doc_->neighbors();
    if (!knn_) {
        showError(tr("Nothing to export"), tr("There are no neighbours yet: embed the sentences first."));
        return false;
    }
    std::vector<std::vector<std::string>> rows;
    const int n = int(knn_->index.size() / std::size_t(std::max(1, knn_->k)));
    for (int i = 0; i < n; ++i)
        for (int r = 0; r < knn_->k; ++r)
            rows.push_back({std::to_string(i), std::to_string(r + 1), std::to_string(knn_->at(i, r)), num(knn_->sim(i, r))});
    const auto st = formats::writeCsv(path.toStdString(), {"row", "rank", "neighbor", "similarity"}, rows);
    if (!st)
        showError(tr("Export failed"), qs(st.error().message));
    return st.ok();
}

bool MainWindow::exportSimilarity(const QString &path)
{
    if (!doc_->similarity()) {
        showError(tr("Nothing to export"), tr("There is no similarity matrix yet: embed the sentences first."));
        return false;
    }
    const auto st = writeMatrix(path, *doc_->similarity(), {});
    if (!st)
        showError(tr("Export failed"), qs(st.error().message));
    return st.ok();
}

bool MainWindow::exportVectors(const QString &path)
{
    if (!doc_->vectors()) {
        showError(tr("Nothing to export"), tr("There are no vectors yet: embed the sentences first."));
        return false;
    }
    const auto st = writeMatrix(path, *doc_->vectors(), {});
    if (!st)
        showError(tr("Export failed"), qs(st.error().message));
    return st.ok();
}

bool MainWindow::exportProjector(const QString &vectorsPath, const QString &metadataPath)
{
    if (!doc_->vectors()) {
        showError(tr("Nothing to export"), tr("There are no vectors yet: embed the sentences first."));
        return false;
    }
    const auto st = formats::writeProjectorTsv(vectorsPath.toStdString(), metadataPath.toStdString(), *doc_->vectors(),
                                               model_->toDataset());
    if (!st)
        showError(tr("Export failed"), qs(st.error().message));
    return st.ok();
}

bool MainWindow::exportSentences(const QString &path)
{
    const Dataset ds = model_->toDataset();
    std::vector<std::string> header{"row", "text"};
    for (const Column &c : ds.columns)
        header.push_back(c.name);
    header.push_back("mark");
    std::vector<std::vector<std::string>> rows;
    rows.reserve(ds.size());
    for (std::size_t i = 0; i < ds.size(); ++i) {
        std::vector<std::string> r{std::to_string(i), ds.texts[i]};
        for (const Column &c : ds.columns)
            r.push_back(i < c.values.size() ? c.values[i] : std::string());
        r.emplace_back(doctor::markName(doctor_->marks()->mark(int(i))));
        rows.push_back(std::move(r));
    }
    const auto st = formats::writeCsv(path.toStdString(), header, rows);
    if (!st)
        showError(tr("Export failed"), qs(st.error().message));
    return st.ok();
}

void MainWindow::buildAnalysisDocks()
{
    // The projection bar over the map (docks/projectiondock.h).
    tsneDock_ = new ProjectionDock(doc_, this);
    {
        colorBy_ = new QComboBox(this);
        colorBy_->setObjectName(QStringLiteral("colorBy"));
        // A width for about 10 characters, whatever the columns are called (longer names are
        // elided; the list shows them whole): the bar's width never depends on the data.
        colorBy_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        colorBy_->setMinimumContentsLength(10);
        colorBy_->addItem(tr("label"), QString());
        auto *l = new QLabel(tr("Colour by:"), this);
        l->setBuddy(colorBy_);
        colorBy_->setToolTip(tr("The column the 2D and 3D maps colour points by: text values get one colour "
                                "each, numbers a colour scale"));
        tsneDock_->addToStatusLine(l);
        tsneDock_->addToStatusLine(colorBy_);
        connect(colorBy_, &QComboBox::currentIndexChanged, this, [this] { updatePointColors(); });
    }
    addDockWidget(Qt::TopDockWidgetArea, tsneDock_);
    connect(tsneDock_, &ProjectionDock::shownChanged, this, &MainWindow::applyProjection);
    connect(tsneDock_, &ProjectionDock::dragModeChosen, this, [this](Scatter2DView::DragMode mode) {
        if (scatter2d_)
            scatter2d_->setDragMode(mode);
    });
    connect(tsneDock_, &ProjectionDock::runEnded, this, [this] {
        if (scatter3d_ && scatter3d_->isShowingMessage())
            QMetaObject::invokeMethod(this, [this] { applyProjection(); }, Qt::QueuedConnection);
    });

    // Data-set doctor, hidden until asked for (View menu).
    doctorDock_ = new QDockWidget(tr("Doctor"), this);
    doctorDock_->setObjectName(QStringLiteral("doctorDock"));
    doctor_ = new DoctorPanel(jobs_, doctorDock_);
    doctorDock_->setWidget(scrollable(doctor_));
    addDockWidget(Qt::RightDockWidgetArea, doctorDock_);
    tabifyDockWidget(inspectorDock_, doctorDock_);
    doctorDock_->hide();
    // The doctor runs while its dock is open (shown: in its tab group it may not emit
    // visibilityChanged when it is shown and raised at once).
    connect(doctorDock_, &QDockWidget::visibilityChanged, this, [this](bool visible) {
        if (visible)
            updateDoctorData();
    });
    connect(doctorDock_->toggleViewAction(), &QAction::toggled, this, [this](bool on) {
        if (on)
            QTimer::singleShot(0, this, &MainWindow::updateDoctorData);
    });
    connect(doctor_, &DoctorPanel::rowsActivated, this, [this](const QVector<int> &rows) {
        selectRows(rows, rows.isEmpty() ? -1 : rows.front());
    });
    // Cluster captions on the 2D map: the View menu action and the panel's box are one switch.
    captionsAction_ = new QAction(tr("Cluster &Captions on the 2D Map"), this);
    captionsAction_->setObjectName(QStringLiteral("clusterCaptionsAction"));
    captionsAction_->setCheckable(true);
    captionsAction_->setChecked(doctor_->captionsShown());
    captionsAction_->setToolTip(tr("Each cluster's name and distinctive words at its centre (runs the doctor)"));
    connect(captionsAction_, &QAction::toggled, this, [this](bool on) {
        doctor_->setCaptionsShown(on);
        if (on && !doctor_->report())
            doctorDock_->show(); // the doctor runs while its dock is open
        updateCaptions();
    });
    connect(doctor_, &DoctorPanel::captionsToggled, captionsAction_, &QAction::setChecked);
    connect(doctor_, &DoctorPanel::reportReady, this, &MainWindow::updateCaptions);
    connect(doctor_->marks(), &DoctorMarks::marksChanged, this, [this] {
        marksModified_ = true;
        updateTitle();
    });

    // "Why are these close?" for a heatmap cell or two selected rows.
    explainDock_ = new QDockWidget(tr("Why close?"), this);
    explainDock_->setObjectName(QStringLiteral("explainDock"));
    explain_ = new ExplainView(jobs_, explainDock_);
    explainDock_->setWidget(scrollable(explain_));
    addDockWidget(Qt::RightDockWidgetArea, explainDock_);
    tabifyDockWidget(inspectorDock_, explainDock_);
    explainDock_->hide();
    // A dock that is shown (from a menu, a button or the code) comes to the front of its
    // tab group: shown behind the inspector's tab it would look as if nothing happened.
    for (QDockWidget *d : {doctorDock_, explainDock_, inspectorDock_})
        connect(d->toggleViewAction(), &QAction::toggled, d, [d](bool on) {
            // Queued: the view action toggles before its dock is shown.
            if (on)
                QTimer::singleShot(0, d, [d] {
                    if (d->isVisible())
                        d->raise();
                });
        });
    connect(heatmap_, &HeatmapView::cellClicked, this, [this](int a, int b) {
        if (explainDock_->isVisible() && a != b)
            explain_->explainRows(a, b);
    });
    connect(selection_, &QItemSelectionModel::selectionChanged, this, [this] {
        if (!explainDock_->isVisible())
            return;
        const QModelIndexList rows = selection_->selectedRows();
        if (rows.size() == 2)
            explain_->explainRows(std::min(rows[0].row(), rows[1].row()), std::max(rows[0].row(), rows[1].row()));
    });
}

void MainWindow::explainSelection()
{
    QVector<int> rows;
    for (const QModelIndex &i : selection_->selectedRows())
        rows.append(i.row());
    std::sort(rows.begin(), rows.end());
    explainDock_->show();
    explainDock_->raise();
    if (rows.size() != 2) {
        showStatus(tr("Select exactly two sentences (or click a heatmap cell) to see why they are close."));
        return;
    }
    explain_->setTexts(model_->texts());
    explain_->explainRows(rows[0], rows[1]);
}

void MainWindow::updateDoctorData()
{
    const auto vectors_ = doc_->vectors();
    if (!doctor_ || !doctorStale_ || !doctorDock_->isVisible() || !vectors_
        || vectors_->rows() != model_->rowCount())
        return;
    doctorStale_ = false;
    doctor_->setData(model_->toDataset(), vectors_);
}

void MainWindow::showCompare()
{
    if (!compare_) {
        // Its own window: the compare maps are Qt Charts views, kept away from the 3D view's
        // window container (DESIGN.md s.7).
        compareWindow_ = new QWidget(this, Qt::Window);
        compareWindow_->setObjectName(QStringLiteral("compareWindow"));
        compareWindow_->setWindowTitle(tr("Compare Models - EmbedScope"));
        auto *lay = new QVBoxLayout(compareWindow_);
        lay->setContentsMargins(0, 0, 0, 0);
        compare_ = new CompareWidget(jobs_, compareWindow_);
        lay->addWidget(compare_);
        compareWindow_->resize(1300, 860);
        compare_->setKeyProvider([this](const EmbedderSpec &s) { return keyFor(s.provider, s.baseUrl).toStdString(); });
        compare_->setConsentHandler([this](const QString &model, int n) {
            auto spec = doctor::parseModelSpec(model.toStdString());
            const QString account = spec ? KeyStore::account(qs(spec->provider), qs(spec->baseUrl)) : model;
            if (consented_.contains(account))
                return true;
            if (QMessageBox::question(compareWindow_, tr("Send texts?"),
                                      tr("Comparing with %1 sends %n sentence(s) to the provider. Continue?", nullptr, n)
                                          .arg(qs(url::redactUrls(model.toStdString()))))
                != QMessageBox::Yes)
                return false;
            consented_.insert(account);
            return true;
        });
        // Linked selection both ways.
        connect(compare_, &CompareWidget::rowsActivated, this,
                [this](const QVector<int> &rows) { selectRows(rows, rows.isEmpty() ? -1 : rows.front()); });
        connect(selection_, &QItemSelectionModel::selectionChanged, compare_, [this] {
            QVector<int> rows;
            for (const QModelIndex &i : selection_->selectedRows())
                rows.append(i.row());
            std::sort(rows.begin(), rows.end());
            if (rows != compare_->selection())
                compare_->setSelection(rows);
        });
    }
    if (!compare_->isRunning() && (compareDataVersion_ != doc_->version() || compare_->result() == nullptr)) {
        compareDataVersion_ = doc_->version();
        compare_->setDataset(model_->toDataset());
    }
    // The configured provider is one of the choices, and model B by default.
    const EmbedderSpec &spec_ = doc_->embedderSpec();
    if (ProviderDialog::isRemote(spec_.provider)) {
        QString m = qs(spec_.provider);
        if (!spec_.model.empty())
            m += QLatin1Char(':') + qs(spec_.model);
        if (!spec_.baseUrl.empty())
            m += QLatin1Char('@') + qs(spec_.baseUrl);
        compare_->addModelChoice(m);
        if (!compare_->result())
            compare_->setModels(QStringLiteral("local"), m);
    }
    compareWindow_->show();
    compareWindow_->raise();
    compareWindow_->activateWindow();
}

void MainWindow::updateCaptions()
{
    if (!scatter2d_ || !doctor_)
        return;
    const doctor::DoctorReport *report = doctor_->report();
    const int n = model_->rowCount();
    const QVector<QVector3D> &shown = doc_->projection(shownProjection()).coords;
    // Only a report of the current rows: after an edit the doctor runs again (dock open).
    if (!doctor_->captionsShown() || !report || doctorStale_ || int(report->clusterOf.size()) != n
        || shown.size() != n) {
        scatter2d_->setCaptions({});
        return;
    }
    // Label groups' captions carry the group's colour; a group hidden in the legend loses
    // its caption with its points.
    QHash<QString, QColor> colorOf;
    QSet<QString> hidden;
    if (report->clustersFromLabels && colorBy_->currentIndex() <= 0) // the maps show the label groups
        for (int g = 0; g < groups_.size(); ++g) {
            colorOf.insert(groups_[g].name, groups_[g].color);
            if (!scatter2d_->isGroupVisible(g))
                hidden.insert(groups_[g].name);
        }
    QVector<ClusterCaption> captions = clusterCaptions(*report, shown);
    captions.removeIf([&](const ClusterCaption &c) { return hidden.contains(c.name); });
    scatter2d_->setCaptions(toPlotCaptions(captions, [&](const QString &name) { return colorOf.value(name); }));
}

void MainWindow::setTsneProjection(bool on)
{
    tsneDock_->choose(on ? QStringLiteral("tsne") : QStringLiteral("pca"));
}bool MainWindow::tsneProjection() const
{
    return tsneDock_ && tsneDock_->chosen() == QLatin1String("tsne");
}void MainWindow::cancelTsne()
{
    doc_->cancelProjection(QStringLiteral("tsne"));
}
// The 3D tab's button: the usual run of the method chosen (t-SNE or UMAP; t-SNE when PCA
// is chosen) with the bar's parameters and Dimensions set to 3D.
void MainWindow::runTsne3d()
{
    const ProjectionMethod *chosen = doc_->method(tsneDock_->chosen());
    const QString id = chosen && !chosen->automatic() ? chosen->id() : QStringLiteral("tsne");
    tsneDock_->dimsBox()->setCurrentIndex(tsneDock_->dimsBox()->findData(3));
    tsneDock_->show();
    if (tsneDock_->run(id) && scatter3d_)
        scatter3d_->showMessage(tr("Computing the 3D %1 map...").arg(doc_->method(id)->name()));
}

QLabel *MainWindow::tsneStatus() const
{
    return tsneDock_->status();
}

QSpinBox *MainWindow::tsneIterationsBox() const
{
    return tsneDock_->iterationsBox();
}

QComboBox *MainWindow::tsneDimsBox() const
{
    return tsneDock_->dimsBox();
}

QDockWidget *MainWindow::tsneDock() const
{
    return tsneDock_;
}

bool MainWindow::runTsne()
{
    return tsneDock_->run(QStringLiteral("tsne"));
}
} // namespace es
