#pragma once
// MainWindow: the sentence table, the views and the inspector, wired to the document.
//
// The data and everything derived from it live in the ExplorerDocument
// (ui/document/explorerdocument.h: texts and undo stack, vectors, similarity, neighbours,
// one map per projection method, their jobs). The window builds actions, menus and docks,
// shows the document's results in the views as its signals arrive, and shows errors. One
// QItemSelectionModel links the table, the heatmap, the scatter views and the inspector.
// The maps show the projection chosen in the projection bar (PCA, t-SNE: parameters, Run /
// Pause / Cancel; snapshots animate the maps). The data-set doctor and "why are these
// close?" live in docks opened from the View menu (the latter also from Analysis > Why Are
// These Close? and heatmap clicks).
#include "dataset/dataset.h"
#include "document/explorerdocument.h"
#include "embed/factory.h"
#include "util/types.h"
#include "views/pointview.h"

#include <QHash>
#include <QSet>
#include <QMainWindow>
#include <QMessageBox>
#include <QPointer>
#include <QVector3D>

#include <memory>
#include <vector>

class QAction;
class QActionGroup;
class QCheckBox;
class QComboBox;
class QHBoxLayout;
class QDockWidget;
class QDoubleSpinBox;
class QSpinBox;
class QItemSelectionModel;
class QFrame;
class QLabel;
class QLineEdit;
class QMenu;
class QProgressBar;
class QPushButton;
class QTableView;
class QTabWidget;
class QTimer;

namespace es {

class CompareWidget;
class DoctorPanel;
class Embedder;
class ExplainView;
class HeatmapView;
class InspectorView;
class JobRunner;
class PointView;
class ProjectionDock;
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
    bool openFile(const QString &path);
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
    bool saveProject(const QString &path);
    QString projectPath() const { return projectPath_; }
    // True when the table has edits not saved in a project.
    bool isModified() const;
    // Export helpers (menu actions call them with a file dialog's answer).
    bool exportCurrentView(const QString &path, const QSize &size = {});
    bool exportCoordinates(const QString &path);
    // File > Import Coordinates: a map made elsewhere (CSV of x, y[, z] with an optional row
    // column, or .npy; see core/formats/coordinates.h) for the current rows, read on a job and
    // shown as the map named by the file (UMAP, t-SNE) or as "Imported". Errors are shown.
    bool importCoordinates(const QString &path);
    void importCoordinatesDialog();
    bool exportNeighbors(const QString &path);
    bool exportSimilarity(const QString &path);
    bool exportVectors(const QString &path);
    bool exportProjector(const QString &vectorsPath, const QString &metadataPath);
    // The sentences as CSV (row, text, every column) with the doctor's marks in a column "mark".
    bool exportSentences(const QString &path);

    // Re-embeds everything with the current provider and re-fits the projections.
    void rerun();
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
    QTableView *table() const { return table_; }
    HeatmapView *heatmap() const { return heatmap_; }
    InspectorView *inspector() const { return inspector_; }
    Scatter2DView *scatter2d() const { return scatter2d_; }
    Scatter3DView *scatter3d() const { return scatter3d_; } // nullptr without OpenGL
    JobRunner *jobs() const { return jobs_; }
    QTabWidget *viewTabs() const { return tabs_; }
    QLineEdit *searchBox() const { return search_; }
    QLineEdit *newSentenceBox() const { return newSentence_; }
    QPushButton *cancelButton() const { return cancelButton_; }
    QProgressBar *progressBar() const { return progress_; }
    // Complete vectors of the current rows, or nullptr while some row has none.
    std::shared_ptr<const Matrix> vectors() const { return doc_->vectors(); }
    std::shared_ptr<const Matrix> similarity() const { return doc_->similarity(); }
    std::shared_ptr<const analysis::Neighbors> neighbors() const { return doc_->neighbors(); }
    const QVector<QVector3D> &pcaCoords() const { return doc_->projection(QStringLiteral("pca")).coords; }
    // Rows matching the search box.
    QVector<int> searchHits() const { return searchHits_; }
    // Last error shown to the user and its box (closed by tests).
    QString lastError() const { return lastError_; }
    QMessageBox *errorBox() const { return errorBox_; }
    // True once the analysis of the current data is complete (no job pending).
    bool analysisReady() const;
    // Above this many rows (default 20,000) the heatmap works from the vectors (block
    // means, exact cells when zoomed in) instead of an N x N matrix; tests lower it.
    static void setHeatmapMatrixLimit(int rows);

    // Projection shown by the 2D/3D maps: PCA (default) or t-SNE (run from the t-SNE dock;
    // snapshots animate the maps, new sentences are placed with tsnePlace).
    void setTsneProjection(bool on);
    bool tsneProjection() const;
    // Starts t-SNE with the dock's parameters; false (and the reason in the dock's status)
    // when there are no vectors or fewer than 4 rows.
    bool runTsne();
    void cancelTsne();
    const QVector<QVector3D> &tsneCoords() const { return doc_->projection(QStringLiteral("tsne")).coords; }
    int tsneSnapshotsShown() const { return doc_->projection(QStringLiteral("tsne")).snapshots; }
    QLabel *tsneStatus() const;
    QSpinBox *tsneIterationsBox() const;
    QComboBox *tsneDimsBox() const;
    QDockWidget *tsneDock() const;
    DoctorPanel *doctorPanel() const { return doctor_; }
    QDockWidget *doctorDock() const { return doctorDock_; }
    ExplainView *explainView() const { return explain_; }
    // Tools > Compare Models...: the compare window (made on first use) on the current
    // sentences; selection is linked with the window's. nullptr until first shown.
    void showCompare();
    CompareWidget *compareWidget() const { return compare_; }
    QWidget *compareWindow() const { return compareWindow_; }
    QDockWidget *explainDock() const { return explainDock_; }

    // Label groups and colours shared by every view.
    QVector<int> groupOfRows() const { return group_; }
    QList<PointGroup> groups() const;
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
    void buildExportMenu(QMenu *menu);
    bool maybeSave();
    void saveProjectAs();
    void updateTitle();
    void applyProjectParameters(const QString &json);
    void showProviderDialog();
    // Before texts leave the machine: finds the key (memory, keychain, environment) and
    // asks for consent once per provider and session. False when the user declines.
    bool prepareRemote(EmbedderSpec &spec, const std::vector<std::string> &texts);
    void buildMenus();
    void buildCentral();
    void buildDocks();
    void buildStatusBar();
    void restoreSettings();
    void saveWindowLayout();
    void arrangeDocks();
    void updatePresentationCard();
    void placePresentationCard();
    void restoreLayoutIfPending(bool anySize);
    void showError(const QString &title, const QString &message);
    void showStatus(const QString &message, int ms = 6000);

    void openFileDialog();
    void addRecentFile(const QString &path);
    void updateRecentMenu();
    void loadTexts(const QString &path, const QString &format);
    void loadVectors(const QString &path, const QString &format);

    void onTextsChanged();
    void onLabelsChanged();
    // Fills the "Colour by" box from the columns and colours the maps by its choice.
    void updatePointColors();
    void onRowsInserted(int first, int last);
    void onRowsRemoved(int first, int last);
    void onTextEdited(int row);
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
    void updateSearch();
    void flashRows(const QVector<int> &rows);
    void updateHighlight();
    void updateHeatmapOrder();
    void updateEmbedActions();
    void updatePrivacyLabel();
    void checkModel();
    void addSentenceFromBox();
    void pasteSentences();
    void addRow();
    void deleteSelectedRows();
    void setTheme(const QString &name);
    void setPresentationMode(bool on);
    void integrateViews();
    void selectRows(const QVector<int> &rows, int current);
    void buildAnalysisDocks();
    void updateDoctorData();
    void explainSelection();
    // The doctor's cluster captions on the 2D map (doctor report, shown projection, toggle).
    void updateCaptions();
    // A remote provider's key: typed this session, the keychain, or its environment variable.
    QString keyFor(const std::string &provider, const std::string &baseUrl);

    // Document (model_ is the document's)
    ExplorerDocument *doc_ = nullptr;
    SentenceModel *model_ = nullptr;
    QItemSelectionModel *selection_ = nullptr;
    QVector<int> group_;
    QList<PointGroup> groups_;
    QVector<int> pointGroup_; // the maps' groups: groups_ when colouring by label
    QList<PointGroup> pointGroups_;
    QStringList removingTexts_; // the rows being removed (rowsAboutToBeRemoved), for their marks' undo
    QVector<int> searchHits_;
    QVector<int> flash_;
    QVector<int> pendingFlash_;

    // UI
    JobRunner *jobs_ = nullptr;
    QTableView *table_ = nullptr;
    QTabWidget *tabs_ = nullptr;
    HeatmapView *heatmap_ = nullptr;
    Scatter2DView *scatter2d_ = nullptr;
    Scatter3DView *scatter3d_ = nullptr;
    InspectorView *inspector_ = nullptr;
    QLabel *banner_ = nullptr;
    QLineEdit *search_ = nullptr;
    QCheckBox *searchRegex_ = nullptr;
    QCheckBox *searchWholeWords_ = nullptr;
    QLabel *searchCount_ = nullptr;
    QLineEdit *newSentence_ = nullptr;
    QComboBox *heatmapOrder_ = nullptr;
    QComboBox *heatmapColors_ = nullptr;
    QLabel *privacy_ = nullptr;
    QLabel *jobLabel_ = nullptr;
    QProgressBar *progress_ = nullptr;
    QPushButton *cancelButton_ = nullptr;
    QTimer *refreshTimer_ = nullptr;
    // New vectors (setData): the analysis starts on the next turn of the event loop, so the
    // table and views show the new rows (and timers run) between the model reset and the
    // jobs' start (bench_gui_heartbeat, 100k rows: 49 + 29 ms of GUI time otherwise in one).
    QTimer *startTimer_ = nullptr;
    QTimer *flashTimer_ = nullptr;
    QMenu *recentMenu_ = nullptr;
    QAction *openAction_ = nullptr;
    QAction *embedAction_ = nullptr;
    QAction *rerunAction_ = nullptr;
    QAction *cancelAction_ = nullptr;
    QAction *undoAction_ = nullptr;
    QAction *redoAction_ = nullptr;
    QAction *addRowAction_ = nullptr;
    QAction *deleteRowsAction_ = nullptr;
    QAction *pasteAction_ = nullptr;
    QAction *presentationAction_ = nullptr;
    QActionGroup *themeGroup_ = nullptr;
    QHash<QString, QString> sessionKeys_;   // keychain account -> key, this session only
    QSet<QString> consented_;               // accounts the user agreed to send texts to
    QString projectPath_;
    QString documentName_;
    QString pendingParameters_;     // view state of an opened project, applied after loading
    QWidget *heatLegend_ = nullptr;
    QString lastError_;
    QPointer<QMessageBox> errorBox_;
    QString theme_ = QStringLiteral("light");
    bool presentation_ = false;
    // The window as it was before presentation mode, to come back to exactly.
    struct WindowLayout {
        QByteArray geometry, state, header;
        QSize size;
        bool maximized = false;
    } beforePresentation_;
    bool restoreLayoutPending_ = false;
    QFrame *presentationCard_ = nullptr;
    QLabel *presentationCardText_ = nullptr;
    QAction *leavePresentationAction_ = nullptr;
    QList<QPair<QWidget *, PointView *>> pointViews_;

    ProjectionDock *tsneDock_ = nullptr; // the projection bar
    QDockWidget *inspectorDock_ = nullptr;
    QDockWidget *sentencesDock_ = nullptr;
    QComboBox *colorBy_ = nullptr;

    // Doctor and "why close?"
    DoctorPanel *doctor_ = nullptr;
    QDockWidget *doctorDock_ = nullptr;
    bool doctorStale_ = true;
    ExplainView *explain_ = nullptr;
    QDockWidget *explainDock_ = nullptr;
    QAction *captionsAction_ = nullptr;
    QAction *pointLabelsAction_ = nullptr;
    bool marksModified_ = false; // doctor marks changed since the project was saved or opened
    CompareWidget *compare_ = nullptr;
    QWidget *compareWindow_ = nullptr;
    quint64 compareDataVersion_ = ~0ull; // data version the compare window holds
};

} // namespace es
