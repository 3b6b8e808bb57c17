#include "mainwindow.h"

#include "formats/coordinates.h"
#include "dialogs/about.h"
#include "dialogs/comparewindow.h"
#include "dialogs/providerdialog.h"
#include "docks/projectiondock.h"
#include "io/documentfiles.h"
#include "io/exporter.h"
#include "jobs/jobrunner.h"
#include "jobs/jobstatus.h"
#include "models/editflash.h"
#include "models/sentencemodel.h"
#include "presentationmode.h"
#include "remoteaccess.h"
#include "theme.h"
#include "views/colorbybox.h"
#include "views/heatmappanel.h"
#include "views/heatmapview.h"
#include "views/inspectorview.h"
#include "views/mapviews.h"
#include "views/palette.h"
#include "views/scatter2dview.h"
#include "views/scatter3dview.h"

#include <QAction>
#include <QActionGroup>
#include <QCloseEvent>
#include <QComboBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QFileInfo>
#include <QGuiApplication>
#include <QItemSelectionModel>
#include <QJsonObject>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QScreen>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QUndoStack>
#include <QVBoxLayout>

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

QString qs(const std::string &s)
{
    return QString::fromStdString(s);
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
    remote_ = new RemoteAccess(this);
    connect(remote_, &RemoteAccess::failed, this, &MainWindow::showError);
    connect(remote_, &RemoteAccess::message, this, &MainWindow::showStatus);
    doc_->setRemoteGate([this](EmbedderSpec &spec, const std::vector<std::string> &texts) {
        return remote_->prepare(spec, texts);
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
    flash_ = new EditFlash(model_, this);
    connect(flash_, &EditFlash::changed, this, &MainWindow::updateHighlight);

    buildActions();
    buildCentral();
    buildDocks();
    buildMenus();
    buildStatusBar();

    connect(model_, &SentenceModel::textsChanged, this, &MainWindow::onTextsChanged);
    connect(model_, &SentenceModel::labelsChanged, this, &MainWindow::onLabelsChanged);
    connect(selection_, &QItemSelectionModel::selectionChanged, this, &MainWindow::updateViewsSelection);
    connect(selection_, &QItemSelectionModel::currentChanged, this, &MainWindow::updateViewsSelection);

    connect(jobs_, &JobRunner::busyChanged, this, [this](bool busy) {
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
    connect(openAction_, &QAction::triggered, this, [this] { files_->openDialog(); });

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
    files_->setRecentMenu(file->addMenu(tr("Open &Recent")));
    file->addSeparator();
    QAction *save = file->addAction(tr("&Save Project"), this, [this] { files_->save(); });
    save->setShortcut(QKeySequence::Save);
    QAction *saveAs = file->addAction(tr("Save Project &As..."), this, [this] { files_->saveAs(); });
    saveAs->setShortcut(QKeySequence::SaveAs);
    file->addAction(tr("&Import Coordinates..."), this, &MainWindow::importCoordinatesDialog);
    exporter_->fillMenu(file->addMenu(tr("&Export")));
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(undoAction_);
    edit->addAction(redoAction_);
    edit->addSeparator();
    edit->addAction(sentencesDock_->addRowAction());
    edit->addAction(sentencesDock_->pasteAction());
    edit->addAction(sentencesDock_->deleteRowsAction());
    edit->addSeparator();
    QAction *find = edit->addAction(tr("&Find..."), sentencesDock_, &SentencesDock::focusSearch);
    find->setShortcut(QKeySequence::Find);

    QMenu *analysis = menuBar()->addMenu(tr("&Analysis"));
    analysis->addAction(embedAction_);
    analysis->addAction(rerunAction_);
    analysis->addAction(cancelAction_);

    analysis->addSeparator();
    analysis->addAction(tr("&Why Are These Close?"), explainDock_, &ExplainDock::explainSelection);
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
    view->addAction(presentation_->action());
    view->addSeparator();
    for (QDockWidget *d : findChildren<QDockWidget *>())
        view->addAction(d->toggleViewAction());
    view->addSeparator();
    view->addAction(doctorDock_->captionsAction());
    view->addAction(maps_->pointLabelsAction());

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
    heatPanel_ = new HeatmapPanel(doc_, jobs_, selection_, tabs_);
    heatmap_ = heatPanel_->heatmap();
    tabs_->addTab(heatPanel_, tr("Heatmap"));
    connect(heatmap_, &HeatmapView::cellClicked, this, [this](int a, int) {
        table()->scrollTo(model_->index(a, 0));
    });

    maps_ = new MapViews(tabs_);
    scatter2d_ = maps_->scatter2d();
    scatter3d_ = maps_->scatter3d();
    connect(maps_, &MapViews::rowsChosen, this, &MainWindow::selectRows);
    connect(maps_, &MapViews::groupVisibilityChanged, this, [this] { updateCaptions(); });
    connect(maps_, &MapViews::run3dRequested, this, &MainWindow::runTsne3d);

    lay->addWidget(tabs_, 1);
    setCentralWidget(central);
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
        table()->scrollTo(model_->index(current, 0));
    }
    selection_->select(sel, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}

void MainWindow::buildDocks()
{
    // The sentences run the full height on the left, the inspector's tab group (with the
    // doctor and "Why close?") on the right; the projection bar sits over the map only.
    sentencesDock_ = new SentencesDock(model_, selection_, this);
    addDockWidget(Qt::LeftDockWidgetArea, sentencesDock_);
    connect(sentencesDock_, &SentencesDock::hitsChanged, this, &MainWindow::updateHighlight);
    connect(sentencesDock_, &SentencesDock::message, this, [this](const QString &m) { showStatus(m); });

    inspectorDock_ = new InspectorDock(model_, selection_, this);
    addDockWidget(Qt::RightDockWidgetArea, inspectorDock_);
    setCorner(Qt::TopLeftCorner, Qt::LeftDockWidgetArea);
    setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
    setCorner(Qt::TopRightCorner, Qt::RightDockWidgetArea);
    setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
    connect(inspectorDock_, &InspectorDock::rowActivated, this,
            [this](int row) { table()->scrollTo(model_->index(row, 0)); });

    // The projection bar over the map (docks/projectiondock.h), with the maps' "Colour by".
    tsneDock_ = new ProjectionDock(doc_, this);
    colorBy_ = new ColorByBox(model_, this);
    auto *colorByLabel = new QLabel(tr("Colour by:"), this);
    colorByLabel->setBuddy(colorBy_);
    tsneDock_->addToStatusLine(colorByLabel);
    tsneDock_->addToStatusLine(colorBy_);
    connect(colorBy_, &QComboBox::currentIndexChanged, this, [this] { updatePointColors(); });
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

    // The data-set doctor and "Why close?", hidden until asked for (View menu).
    doctorDock_ = new DoctorDock(doc_, this);
    addDockWidget(Qt::RightDockWidgetArea, doctorDock_);
    tabifyDockWidget(inspectorDock_, doctorDock_);
    doctorDock_->hide();
    connect(doctorDock_, &DoctorDock::rowsActivated, this,
            [this](const QVector<int> &rows) { selectRows(rows, rows.isEmpty() ? -1 : rows.front()); });
    connect(doctorDock_, &DoctorDock::captionsChanged, this, &MainWindow::updateCaptions);

    explainDock_ = new ExplainDock(doc_, jobs_, selection_, this);
    addDockWidget(Qt::RightDockWidgetArea, explainDock_);
    tabifyDockWidget(inspectorDock_, explainDock_);
    explainDock_->hide();
    connect(explainDock_, &ExplainDock::message, this, [this](const QString &m) { showStatus(m); });
    connect(heatmap_, &HeatmapView::cellClicked, explainDock_, &ExplainDock::explainCell);
    arrangeDocks();

    // Files and projects, exports, presentation mode.
    files_ = new DocumentFiles(doc_, jobs_, doctorDock_->marks(),
                               {[this](const Dataset &ds, std::optional<RowVectors> v) {
                                    if (v)
                                        setData(ds, std::move(*v));
                                    else
                                        setTexts(ds);
                                },
                                [this] { return viewState(); },
                                [this](const QJsonObject &o) { restoreViewState(o); }},
                               this);
    connect(files_, &DocumentFiles::opened, this, &MainWindow::fileOpened);
    connect(files_, &DocumentFiles::failed, this, &MainWindow::showError);
    connect(files_, &DocumentFiles::message, this, &MainWindow::showStatus);
    exporter_ = new Exporter(doc_,
                             {tabs_, heatmap_, scatter2d_, maps_->views(), doctorDock_->marks(),
                              [this] { return shownProjection(); }, [this] { return files_->documentName(); }},
                             this);
    connect(exporter_, &Exporter::failed, this, &MainWindow::showError);
    connect(exporter_, &Exporter::message, this, [this](const QString &m) { showStatus(m); });
    presentation_ = new PresentationMode(this, doc_, selection_, tabs_, table(), [this] { return theme_; },
                                         kDockStateVersion);
}

void MainWindow::buildStatusBar()
{
    jobStatus_ = new JobStatus(jobs_, statusBar());
    connect(jobStatus_, &JobStatus::cancelRequested, this, &MainWindow::cancelJobs);
    privacy_ = new QLabel(this);
    privacy_->setObjectName(QStringLiteral("privacyLabel"));
    statusBar()->addPermanentWidget(privacy_);
}

void MainWindow::restoreSettings()
{
    QSettings s;
    theme_ = s.value(QStringLiteral("ui/theme"), QStringLiteral("light")).toString();
    for (QAction *a : themeGroup_->actions())
        a->setChecked(a->data().toString() == theme_);
    applyTheme(themeFromName(theme_), presentation_->isOn()); // the theme chosen last time, from the start
    doc_->setAutoEmbed(s.value(QStringLiteral("embed/auto"), true).toBool());
    EmbedderSpec spec;
    spec.provider = s.value(QStringLiteral("embed/provider"), QStringLiteral("local")).toString().toStdString();
    spec.model = s.value(QStringLiteral("embed/model")).toString().toStdString();
    spec.baseUrl = s.value(QStringLiteral("embed/baseUrl")).toString().toStdString();
    spec.dimensions = s.value(QStringLiteral("embed/dimensions"), 0).toInt();
    doc_->setEmbedderSpec(spec);
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
    s.setValue(QStringLiteral("window/geometry"), presentation_->geometryToKeep());
    s.setValue(QStringLiteral("window/state"), presentation_->stateToKeep());
}

QJsonObject MainWindow::viewState() const
{
    tsneDock_->pushParameters(); // the bar's parameters into the document's methods
    QJsonObject params;
    heatPanel_->saveState(params);
    params[QStringLiteral("view")] = tabs_->currentIndex();
    params[QStringLiteral("colorBy")] = colorBy_->column(); // "" = the label column
    sentencesDock_->saveState(params);
    return params;
}

void MainWindow::restoreViewState(const QJsonObject &o)
{
    heatPanel_->restoreState(o);
    colorBy_->setColumn(o.value(QStringLiteral("colorBy")).toString());
    const int view = o.value(QStringLiteral("view")).toInt(-1);
    if (view >= 0 && view < tabs_->count())
        tabs_->setCurrentIndex(view);
    sentencesDock_->restoreState(o);
    // The methods' parameters are the document's (restoreProjections): the bar shows them.
    tsneDock_->pullParameters();
    // The saved map (restored by openFile) is shown as it was, without running it again.
    for (const auto &m : doc_->methods())
        if (o.value(m->id()).toObject().value(QStringLiteral("shown")).toBool() && doc_->hasProjection(m->id()))
            tsneDock_->choose(m->id());
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
    return RemoteAccess::privacyText(doc_->embedderSpec());
}

void MainWindow::updatePrivacyLabel()
{
    privacy_->setText(privacyText());
    privacy_->setStyleSheet(RemoteAccess::isLocal(doc_->embedderSpec())
                                ? QStringLiteral("QLabel { color: #0a7a30; font-weight: bold; padding: 0 6px; }")
                                : QStringLiteral("QLabel { color: #b35900; font-weight: bold; padding: 0 6px; }"));
}

// ---------------------------------------------------------------------------------------
// Files (io/documentfiles.h) and exports (io/exporter.h)

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


void MainWindow::dragEnterEvent(QDragEnterEvent *e)
{
    if (DocumentFiles::canDrop(e->mimeData()))
        e->acceptProposedAction();
}
void MainWindow::dropEvent(QDropEvent *e)
{
    if (files_->drop(e->mimeData()))
        e->acceptProposedAction();
}
// ---------------------------------------------------------------------------------------
// The document

void MainWindow::setTexts(const Dataset &dataset)
{
    cancelJobs();
    files_->clearMarks(); // a new document: no marks
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
    files_->clearMarks(); // a new document: no marks
    doc_->setData(dataset, std::move(prepared));
    refreshTimer_->stop();
    startTimer_->start();
}
void MainWindow::onTextsChanged()
{
    // The document has dropped what the texts made outdated (it saw the change first).
    if (!doc_->similarity()) {
        heatmap_->setMatrix(nullptr);
        heatmap_->setPlaceholder(model_->rowCount() ? tr("Updating...") : QString());
    }
    onLabelsChanged();
    sentencesDock_->updateSearch();
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
    heatPanel_->setGroups(group_, groups_, a.counts,
                          model_->headerData(SentenceModel::LabelColumn, Qt::Horizontal).toString());
    updatePointColors();
    heatPanel_->updateOrder();
}

void MainWindow::updatePointColors()
{
    colorBy_->updateColumns();
    const colorby::Coloring c = colorBy_->coloring(group_, groups_, theme_ == QLatin1String("dark"));
    pointGroup_ = c.group;
    pointGroups_ = c.groups;
    maps_->setColoring(pointGroup_, pointGroups_, c.scale, c.title,
                       doc_->projection(shownProjection()).coords.size() == pointGroup_.size());
    updateCaptions();
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
void MainWindow::connectDocument()
{
    connect(doc_, &ExplorerDocument::similarityReady, this, [this] {
        heatmap_->setPlaceholder(QString());
        if (doc_->similarity())
            heatmap_->setMatrix(doc_->similarity(), doc_->vectors());
        else // no N x N matrix: the heatmap makes block means (and zoomed-in cells) from the vectors
            heatmap_->setVectors(doc_->vectors());
        heatPanel_->updateOrder();
    });
    connect(doc_, &ExplorerDocument::neighborsReady, this, [this] {
        inspector()->setNeighbors(doc_->neighbors());
        updateViewsNeighbors();
        if (doc_->neighborsPerRow())
            updateRowNeighbors();
    });
    connect(doc_, &ExplorerDocument::rowNeighborsReady, this,
            [this](int row, std::shared_ptr<const analysis::Neighbors> n) {
                inspector()->setNeighborsOfRow(row, n);
                updateViewsNeighbors();
            });
    connect(doc_, &ExplorerDocument::projectionReady, this, [this] { applyProjection(); });
    connect(doc_, &ExplorerDocument::clusterOrderReady, heatPanel_, &HeatmapPanel::updateOrder);
    connect(doc_, &ExplorerDocument::analysisCleared, this, [this] {
        heatmap_->setMatrix(nullptr);
        heatmap_->setPlaceholder(QString());
        inspector()->setNeighbors(nullptr);
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
    // The 3D tab shows the last 3D map of these data when the shown one is 2D.
    const bool have3d = map.version3d == doc_->version() && map.coords3d.size() == model_->rowCount();
    inspector()->setProjection(map.coords, method->automatic() ? 2 : map.dims, tr("the %1 map").arg(method->name()));
    maps_->showMap(*method, map, have3d, jobs_->isRunning(id) && method->dims() == 3, model_->texts(), pointGroup_,
                   pointGroups_, sentencesDock_->searchHits() + flash_->rows());
    flash_->mapShown();
    updateViewsSelection();
    updateCaptions();
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
    sentencesDock_->deleteRowsAction()->setEnabled(any);
}

void MainWindow::showProviderDialog()
{
    const EmbedderSpec &spec_ = doc_->embedderSpec();
    const std::optional<EmbedderSpec> chosen = remote_->askProvider(spec_);
    if (!chosen)
        return;
    const EmbedderSpec &s = *chosen;
    const bool changed = s.provider != spec_.provider || s.model != spec_.model || s.baseUrl != spec_.baseUrl
                         || s.dimensions != spec_.dimensions || s.modelPath != spec_.modelPath;
    setEmbedderSpec(s);
    if (changed) {
        doc_->clearCache(); // vectors of another model cannot be mixed with the new ones
        if (model_->rowCount() > 0)
            showStatus(tr("Provider changed: use Analysis > Embed to compute the vectors with it."), 12000);
    }
}

// ---------------------------------------------------------------------------------------
// Selection, neighbours, highlights

void MainWindow::updateViewsSelection()
{
    QVector<int> rows;
    for (const QModelIndex &i : selection_->selectedRows())
        rows.append(i.row());
    std::sort(rows.begin(), rows.end());
    maps_->setSelection(rows);
    int show = -1;
    const QModelIndex cur = selection_->currentIndex();
    if (cur.isValid() && rows.contains(cur.row()))
        show = cur.row();
    else if (!rows.isEmpty())
        show = rows.front();
    if (show != inspector()->currentRow()) {
        inspector()->showRow(show);
        updateRowNeighbors();
    }
    updateViewsNeighbors();
}

// One clicked point: the maps draw its neighbours, the rows the inspector lists.
void MainWindow::updateViewsNeighbors()
{
    const int row = selection_->selectedRows().size() == 1 ? inspector()->currentRow() : -1;
    QVector<int> rows;
    if (row >= 0)
        for (const InspectorView::Shown &s : inspector()->shownNeighbors())
            rows.append(s.row);
    maps_->setNeighbors(rows.isEmpty() ? -1 : row, rows);
}

// Large sets: the document finds the neighbours of the row the inspector shows.
void MainWindow::updateRowNeighbors()
{
    doc_->requestRowNeighbors(inspector()->currentRow());
}

void MainWindow::updateHighlight()
{
    QVector<int> rows = sentencesDock_->searchHits();
    for (int r : flash_->rows())
        if (!rows.contains(r))
            rows.append(r);
    heatmap_->setHighlight(rows);
    maps_->setHighlight(rows);
}

// ---------------------------------------------------------------------------------------
// Appearance

void MainWindow::setTheme(const QString &name)
{
    theme_ = name;
    QSettings().setValue(QStringLiteral("ui/theme"), name);
    applyTheme(themeFromName(name), presentation_->isOn());
}

void MainWindow::resizeEvent(QResizeEvent *e)
{
    QMainWindow::resizeEvent(e);
    if (presentation_)
        presentation_->windowResized();
}

void MainWindow::closeEvent(QCloseEvent *e)
{
    if (!files_->maybeSave()) {
        e->ignore();
        return;
    }
    jobs_->cancelAll();
    saveWindowLayout();
    e->accept();
}

// ---------------------------------------------------------------------------------------
// Doctor, compare

void MainWindow::showCompare()
{
    if (!compareWindow_) {
        compareWindow_ = new CompareWindow(jobs_, remote_, selection_, this);
        connect(compareWindow_, &CompareWindow::rowsActivated, this,
                [this](const QVector<int> &rows) { selectRows(rows, rows.isEmpty() ? -1 : rows.front()); });
    }
    compareWindow_->showFor(doc_);
}
void MainWindow::updateCaptions()
{
    if (!scatter2d_ || !doctorDock_)
        return;
    scatter2d_->setCaptions(doctorDock_->captions(doc_->projection(shownProjection()).coords,
                                                  colorBy_->byLabel() ? groups_ : QList<PointGroup>(),
                                                  [this](int g) { return scatter2d_->isGroupVisible(g); }));
}

// ---------------------------------------------------------------------------------------
// Projections (docks/projectiondock.h)

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
} // namespace es
