#pragma once
// MainWindow: the views, docks and menus, wired to the document.
//
// The data and everything derived from it live in the ExplorerDocument
// (ui/document/explorerdocument.h: texts and undo stack, vectors, similarity, neighbours,
// one map per projection method, their jobs). The window builds actions, menus and docks,
// shows the document's results in the views as its signals arrive, and shows errors. One
// QItemSelectionModel links the table, the heatmap, the scatter views and the inspector.
// Each concern has its own class: the docks in ui/docks/ (sentences, inspector, projection
// bar, doctor, "why close?"), the heatmap tab (views/heatmappanel.h), opening and saving
// files (io/documentfiles.h), File > Export (io/exporter.h), presentation mode
// (presentationmode.h), keys and consent for remote providers (remoteaccess.h) and the
// model comparison window (dialogs/comparewindow.h).
#include "dataset/dataset.h"
#include "dialogs/comparewindow.h"
#include "docks/doctordock.h"
#include "docks/explaindock.h"
#include "docks/inspectordock.h"
#include "docks/projectiondock.h"
#include "docks/sentencesdock.h"
#include "document/explorerdocument.h"
#include "embed/factory.h"
#include "io/documentfiles.h"
#include "io/exporter.h"
#include "jobs/jobstatus.h"
#include "util/types.h"
#include "views/pointview.h"

#include <QMainWindow>
#include <QMessageBox>
#include <QPointer>
#include <QVector3D>

#include <memory>

class QAction;
class QActionGroup;
class QComboBox;
class QDockWidget;
class QItemSelectionModel;
class QJsonObject;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableView;
class QTabWidget;
class QTimer;

namespace es {

class ColorByBox;
class CompareWidget;
class DoctorPanel;
class EditFlash;
class ExplainView;
class HeatmapPanel;
class HeatmapView;
class InspectorView;
class JobRunner;
class MapViews;
class PresentationMode;
class RemoteAccess;
class Scatter2DView;
class Scatter3DView;
class SentenceModel;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Opens texts, vectors or a project; errors are shown (non-modal box), never thrown.
    // Returns false when the file could not be recognised or read synchronously; texts and
    // vectors are read by a job, so success means "started".
    bool openFile(const QString &path) { return files_->open(path); }
    // Replaces the document with a data set and its vectors (one row each), skipping
    // embedding; the analysis starts on the next turn of the event loop.
    void setData(const Dataset &dataset, const Matrix &vectors);
    using RowVectors = ExplorerDocument::RowVectors;
    // Replaces the document with texts only (embedded automatically with the local model
    // when auto-embedding is on).
    void setTexts(const Dataset &dataset);

    // Embeds the rows that have no vector yet (all = every row), then runs the analysis.
    void embed(bool all = false);
    // Saves the project (.embedscope: texts, labels, vectors, provider and model ids,
    // parameters, projections; never a key). Atomic. Returns false and shows why on error.
    bool saveProject(const QString &path) { return files_->save(path); }
    QString projectPath() const { return files_->projectPath(); }
    // True when the table has edits not saved in a project.
    bool isModified() const { return files_->isModified(); }
    // Export helpers (menu actions call them with a file dialog's answer; io/exporter.h).
    bool exportCurrentView(const QString &path, const QSize &size = {})
    {
        return exporter_->exportCurrentView(path, size);
    }
    bool exportCoordinates(const QString &path) { return exporter_->exportCoordinates(path); }
    bool exportNeighbors(const QString &path) { return exporter_->exportNeighbors(path); }
    bool exportSimilarity(const QString &path) { return exporter_->exportSimilarity(path); }
    bool exportVectors(const QString &path) { return exporter_->exportVectors(path); }
    bool exportProjector(const QString &vectorsPath, const QString &metadataPath)
    {
        return exporter_->exportProjector(vectorsPath, metadataPath);
    }
    // File > Import Coordinates: a map made elsewhere (CSV of x, y[, z] with an optional row
    // column, or .npy; see core/formats/coordinates.h) for the current rows, read on a job and
    // shown as the map named by the file (UMAP, t-SNE) or as "Imported". Errors are shown.
    bool importCoordinates(const QString &path);
    void importCoordinatesDialog();
    // The sentences as CSV (row, text, every column) with the doctor's marks in a column "mark".
    bool exportSentences(const QString &path) { return exporter_->exportSentences(path); }

    // Re-embeds everything with the current provider and re-fits the projections.
    void rerun() { doc_->rerun(); }
    void cancelJobs();
    // Waits, processing events, until no job is running (tests, --screenshot).
    bool waitForJobs(int timeoutMs);

    void setEmbedderSpec(const EmbedderSpec &spec);
    const EmbedderSpec &embedderSpec() const { return doc_->embedderSpec(); }
    void setAutoEmbed(bool on) { doc_->setAutoEmbed(on); }
    bool autoEmbed() const { return doc_->autoEmbed(); }
    // Text shown in the status bar about where texts go.
    QString privacyText() const;

    // The document, for tests and exports.
    ExplorerDocument *document() const { return doc_; }
    SentenceModel *sentenceModel() const { return model_; }
    QItemSelectionModel *selectionModel() const { return selection_; }
    QTableView *table() const { return sentencesDock_->table(); }
    HeatmapView *heatmap() const { return heatmap_; }
    InspectorView *inspector() const { return inspectorDock_->view(); }
    Scatter2DView *scatter2d() const { return scatter2d_; }
    Scatter3DView *scatter3d() const { return scatter3d_; } // nullptr without OpenGL
    JobRunner *jobs() const { return jobs_; }
    QTabWidget *viewTabs() const { return tabs_; }
    QLineEdit *searchBox() const { return sentencesDock_->searchBox(); }
    QLineEdit *newSentenceBox() const { return sentencesDock_->newSentenceBox(); }
    QPushButton *cancelButton() const { return jobStatus_->cancelButton(); }
    QProgressBar *progressBar() const { return jobStatus_->progressBar(); }
    // Complete vectors of the current rows, or nullptr while some row has none.
    std::shared_ptr<const Matrix> vectors() const { return doc_->vectors(); }
    std::shared_ptr<const Matrix> similarity() const { return doc_->similarity(); }
    std::shared_ptr<const analysis::Neighbors> neighbors() const { return doc_->neighbors(); }
    const QVector<QVector3D> &pcaCoords() const { return doc_->projection(QStringLiteral("pca")).coords; }
    // Rows matching the search box.
    QVector<int> searchHits() const { return sentencesDock_->searchHits(); }
    // Last error shown to the user and its box (closed by tests).
    QString lastError() const { return lastError_; }
    QMessageBox *errorBox() const { return errorBox_; }
    // True once the analysis of the current data is complete (no job pending).
    bool analysisReady() const;
    // Above this many rows (default 20,000) the heatmap works from the vectors (block
    // means, exact cells when zoomed in) instead of an N x N matrix; tests lower it.
    static void setHeatmapMatrixLimit(int rows) { ExplorerDocument::setMatrixLimit(rows); }

    // Projection shown by the 2D/3D maps: PCA (default) or t-SNE (run from the t-SNE dock;
    // snapshots animate the maps, new sentences are placed with tsnePlace).
    void setTsneProjection(bool on) { tsneDock_->choose(on ? QStringLiteral("tsne") : QStringLiteral("pca")); }
    bool tsneProjection() const { return tsneDock_ && tsneDock_->chosen() == QLatin1String("tsne"); }
    // Starts t-SNE with the dock's parameters; false (and the reason in the dock's status)
    // when there are no vectors or fewer than 4 rows.
    bool runTsne() { return tsneDock_->run(QStringLiteral("tsne")); }
    void cancelTsne() { doc_->cancelProjection(QStringLiteral("tsne")); }
    const QVector<QVector3D> &tsneCoords() const { return doc_->projection(QStringLiteral("tsne")).coords; }
    int tsneSnapshotsShown() const { return doc_->projection(QStringLiteral("tsne")).snapshots; }
    QLabel *tsneStatus() const { return tsneDock_->status(); }
    QSpinBox *tsneIterationsBox() const { return tsneDock_->iterationsBox(); }
    QComboBox *tsneDimsBox() const { return tsneDock_->dimsBox(); }
    QDockWidget *tsneDock() const { return tsneDock_; }
    DoctorPanel *doctorPanel() const { return doctorDock_->panel(); }
    QDockWidget *doctorDock() const { return doctorDock_; }
    ExplainView *explainView() const { return explainDock_->view(); }
    // Tools > Compare Models...: the compare window (made on first use) on the current
    // sentences; selection is linked with the window's. nullptr until first shown.
    void showCompare();
    CompareWidget *compareWidget() const { return compareWindow_ ? compareWindow_->compare() : nullptr; }
    QWidget *compareWindow() const { return compareWindow_; }
    QDockWidget *explainDock() const { return explainDock_; }

    // Label groups and colours shared by every view.
    QVector<int> groupOfRows() const { return group_; }
    QList<PointGroup> groups() const { return groups_; }
    // The maps' colouring (the "Colour by" box: the label column or any metadata column).
    QVector<int> pointGroupOfRows() const { return pointGroup_; }
    QList<PointGroup> pointGroups() const { return pointGroups_; }

signals:
    void analysisFinished();
    void errorShown(const QString &message);
    void fileOpened(const QString &path);

protected:
    void closeEvent(QCloseEvent *) override;
    void resizeEvent(QResizeEvent *) override;
    void dragEnterEvent(QDragEnterEvent *) override;
    void dropEvent(QDropEvent *) override;

private:
    void buildActions();
    void buildMenus();
    void buildCentral();
    void buildDocks();
    void buildStatusBar();
    void restoreSettings();
    void saveWindowLayout();
    void arrangeDocks();
    void showError(const QString &title, const QString &message);
    void showStatus(const QString &message, int ms = 6000);
    void showProviderDialog();
    // The view state saved in a project beside the document (heatmap, tab, colouring,
    // search, the projection bar), and back.
    QJsonObject viewState() const;
    void restoreViewState(const QJsonObject &o);

    void onTextsChanged();
    void onLabelsChanged();
    // Fills the "Colour by" box from the columns and colours the maps by its choice.
    void updatePointColors();
    void scheduleRefresh();
    void refresh();
    // No job running, no analysis waiting to start, the heatmap image built.
    bool idle() const;
    void setData(const Dataset &dataset, RowVectors prepared);
    // The document's signals to the views.
    void connectDocument();
    void showVectorsMissing(ExplorerDocument::Refresh why);
    // The projection the maps show: the one chosen when its map is complete, else the first (PCA).
    QString shownProjection() const;
    void applyProjection();
    void runTsne3d();
    void updateViewsSelection();
    void updateRowNeighbors();
    void updateViewsNeighbors();
    void updateHighlight();
    void updateEmbedActions();
    void updatePrivacyLabel();
    void checkModel();
    void setTheme(const QString &name);
    void selectRows(const QVector<int> &rows, int current);
    // The doctor's cluster captions on the 2D map (doctor report, shown projection, toggle).
    void updateCaptions();

    // Document (model_ is the document's)
    ExplorerDocument *doc_ = nullptr;
    SentenceModel *model_ = nullptr;
    QItemSelectionModel *selection_ = nullptr;
    JobRunner *jobs_ = nullptr;
    QVector<int> group_;
    QList<PointGroup> groups_;
    QVector<int> pointGroup_; // the maps' groups: groups_ when colouring by label
    QList<PointGroup> pointGroups_;
    EditFlash *flash_ = nullptr; // edited rows flash on the maps

    // Views
    QTabWidget *tabs_ = nullptr;
    HeatmapPanel *heatPanel_ = nullptr;
    HeatmapView *heatmap_ = nullptr;
    Scatter2DView *scatter2d_ = nullptr;
    Scatter3DView *scatter3d_ = nullptr;
    MapViews *maps_ = nullptr; // the 2D and 3D maps
    QLabel *banner_ = nullptr;

    // Docks
    SentencesDock *sentencesDock_ = nullptr;
    InspectorDock *inspectorDock_ = nullptr;
    ProjectionDock *tsneDock_ = nullptr; // the projection bar
    ColorByBox *colorBy_ = nullptr;      // on the projection bar's status line
    DoctorDock *doctorDock_ = nullptr;
    ExplainDock *explainDock_ = nullptr;
    CompareWindow *compareWindow_ = nullptr;

    // The window's helpers
    DocumentFiles *files_ = nullptr;
    Exporter *exporter_ = nullptr;
    PresentationMode *presentation_ = nullptr;
    RemoteAccess *remote_ = nullptr;

    // Status bar
    JobStatus *jobStatus_ = nullptr;
    QLabel *privacy_ = nullptr;

    QTimer *refreshTimer_ = nullptr;
    // New vectors (setData): the analysis starts on the next turn of the event loop, so the
    // table and views show the new rows (and timers run) between the model reset and the
    // jobs' start (bench_gui_heartbeat, 100k rows: 49 + 29 ms of GUI time otherwise in one).
    QTimer *startTimer_ = nullptr;

    QAction *openAction_ = nullptr;
    QAction *embedAction_ = nullptr;
    QAction *rerunAction_ = nullptr;
    QAction *cancelAction_ = nullptr;
    QAction *undoAction_ = nullptr;
    QAction *redoAction_ = nullptr;
    QActionGroup *themeGroup_ = nullptr;
    QString theme_ = QStringLiteral("light");
    QString lastError_;
    QPointer<QMessageBox> errorBox_;
};

} // namespace es
