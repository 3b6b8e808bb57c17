#pragma once
// DoctorPanel: a view of the data-set doctor's findings (core/doctor/doctor.h), which the
// ExplorerDocument computes and keeps (runDoctor, doctorReady, doctorResult). The panel asks
// its document to run (job kind "doctor": progress bar, Cancel button, a new run cancels the
// old one) and lists the findings of the last result in one tab per kind:
//   Near duplicates / Exact duplicates  groups, each with its rows and cosine to the first;
//   Labels    possible mislabels (confident learning on k-NN label probabilities), with
//             the suggested label and the calibrated score, most suspect first;
//   Outliers  items far from everything, with their score and robust z;
//   Clusters  label groups or k-means clusters with their typical sentences (nearest the
//             centroid) and distinctive words (c-TF-IDF).
// The threshold, the outliers' k and the cluster count are adjustable; changing one re-runs
// the doctor.
// Clicking a finding emits rowsActivated(rows): a group or cluster gives all its rows, a
// label disagreement the item and its nearest neighbour with the suggested label, any
// other line its own row. Marks keep / fix / drop (buttons or keys K, F, D, 0) apply to
// the rows of the selected findings and live in a DoctorMarks object the project saves.
// Export writes the findings CSV of DESIGN.md s.5 (core's findingTable) with a mark column.
//
// Wiring in the main window (a few lines):
//   auto *doctor = new es::DoctorPanel(document);               // document: es::ExplorerDocument*
//   addDockWidget(Qt::RightDockWidgetArea, dock(tr("Doctor"), doctor));
//   doctor->reload();                                           // after every (re-)embedding
//   connect(doctor, &es::DoctorPanel::rowsActivated, this, &MainWindow::selectRows);
//   connect(doctor->marks(), &es::DoctorMarks::marksChanged, this, &MainWindow::setModified);
//   project.marks = doctor->marks()->toStrings();               // save; fromStrings() to load
//   connect(doctor, &es::DoctorPanel::reportReady, this, [=] {   // captions on the 2D view
//       if (doctor->captionsShown())
//           scatter2d->setCaptions(es::toPlotCaptions(es::clusterCaptions(*doctor->report(), coords)));
//   });
//   connect(doctor, &es::DoctorPanel::captionsToggled, ...);     // the "Cluster captions" box
// Standalone (tests): DoctorPanel(runner) makes a document of its own; setData feeds it.
#include "dataset/dataset.h"
#include "doctor/doctor.h"
#include "document/explorerdocument.h"
#include "util/types.h"
#include "views/overlay.h"

#include <QPointF>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QVector3D>
#include <QVector>
#include <QWidget>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QTimer;
class QTreeWidget;
class QTreeWidgetItem;

namespace es {

class JobRunner;

// The user's marks on data-set rows (keep / fix / drop), one per row; saved in the project
// and exported as a column of the findings CSV.
class DoctorMarks : public QObject {
    Q_OBJECT
public:
    explicit DoctorMarks(QObject *parent = nullptr) : QObject(parent) {}

    int size() const { return int(marks_.size()); }
    // Resizes to n rows (new rows unmarked) without emitting.
    void resize(int n);
    doctor::Mark mark(int row) const;
    void setMark(int row, doctor::Mark mark);
    void setMarks(const QVector<int> &rows, doctor::Mark mark);
    const std::vector<doctor::Mark> &marks() const { return marks_; }
    void setAll(std::vector<doctor::Mark> marks);
    void clear();
    // Rows carrying a mark other than None.
    int markedCount() const;
    // Keeps marks on their rows when the table gains or loses rows (emits when marks move).
    // texts are the rows' sentences: marks of removed rows are remembered with them, and
    // rows inserted again at the same place with the same texts (an undo) get them back.
    void insertRows(int first, int count, const QStringList &texts = {});
    void removeRows(int first, int count, const QStringList &texts = {});
    // Project form: one string per row ("", "keep", "fix", "drop"); unknown strings = none.
    QStringList toStrings() const;
    void fromStrings(const QStringList &names);

signals:
    void marksChanged();

private:
    struct Removed {
        int first = 0;
        QStringList texts;
        std::vector<doctor::Mark> marks;
    };
    std::vector<doctor::Mark> marks_;
    std::vector<Removed> removed_; // most recent last; only removals that held marks
};

// A cluster caption for the 2D plot: the mean position of the cluster's rows in the given
// coordinates and the report's caption (name and top words).
struct ClusterCaption {
    int cluster = 0;
    QPointF position;
    QString text;
    int size = 0;
    QString name; // the label or "cluster N"
};
QVector<ClusterCaption> clusterCaptions(const doctor::DoctorReport &report,
                                        const QVector<QVector3D> &coords);
// As the 2D view draws them (Scatter2DView::setCaptions): bigger clusters placed first,
// the border in colorOf(name) (e.g. the label group's colour; invalid or no function =
// the text colour).
QVector<PlotCaption> toPlotCaptions(const QVector<ClusterCaption> &captions,
                                    const std::function<QColor(const QString &name)> &colorOf = {});

class DoctorPanel : public QWidget {
    Q_OBJECT
public:
    // A view of document's doctor results (the window's document).
    explicit DoctorPanel(ExplorerDocument *document, QWidget *parent = nullptr);
    // Standalone use and tests: the panel makes a document of its own on runner (without a
    // runner, on one of its own too); setData gives it the data.
    explicit DoctorPanel(JobRunner *runner = nullptr, QWidget *parent = nullptr);
    ~DoctorPanel() override;

    ExplorerDocument *document() const { return doc_; }
    JobRunner *jobRunner() const { return doc_ ? doc_->jobs() : nullptr; }

    // Replaces the document's data with a data set and its vectors (rows aligned; nullptr:
    // texts only), then reload(). For a panel with a document of its own.
    void setData(const Dataset &dataset, std::shared_ptr<const Matrix> vectors);
    // The document's rows or vectors changed: clears the findings; runs the doctor when
    // autoRun() is on (default) and every row has a vector.
    void reload();
    void clear();
    void setAutoRun(bool on) { autoRun_ = on; }
    bool autoRun() const { return autoRun_; }

    doctor::DoctorConfig config() const;
    // Sets the controls (threshold, k, cluster count, outlier method) from a config.
    void setConfig(const doctor::DoctorConfig &config);

    // The report shown, or nullptr while none.
    const doctor::DoctorReport *report() const { return shown_ ? &shown_->report : nullptr; }
    DoctorMarks *marks() const { return marks_; }
    bool isRunning() const;
    // The "Cluster captions" box: whether the window draws the clusters' captions on the
    // 2D map (on by default).
    bool captionsShown() const;
    void setCaptionsShown(bool on);
    QCheckBox *captionsBox() const { return captionsBox_; }

    // The CSV of findings (finding,row,other_row,score,detail,text,mark); false + *error on failure.
    bool exportCsv(const QString &path, QString *error = nullptr) const;

    // For tests and the window: the list widget of each kind.
    enum Tab { NearDuplicates, ExactDuplicates, Labels, Outliers, Clusters, TabCount };
    QTreeWidget *list(Tab tab) const { return lists_[tab]; }
    QTabWidget *tabs() const { return tabs_; }
    // Rows a list item stands for (what a click activates).
    static QVector<int> rowsOf(const QTreeWidgetItem *item);

public slots:
    void run();
    void cancel();
    // Applies a mark to the rows of the selected findings of the current tab.
    void markSelected(doctor::Mark mark);

signals:
    void rowsActivated(const QVector<int> &rows);
    void reportReady();
    void captionsToggled(bool on);
    void runFailed(const QString &message);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void setDocument(ExplorerDocument *document);
    void buildUi();
    void scheduleRun();
    void showReport();
    void fillDuplicates();
    void fillLabels();
    void fillOutliers();
    void fillClusters();
    void refreshMarks();
    void updateTabTitles();
    void onItemActivated(QTreeWidgetItem *item);
    // Rows of the data the shown report was made from (else of the document).
    int rowCount() const;
    QString textOf(int row, int maxChars = 160) const;
    QTreeWidgetItem *rowItem(QTreeWidgetItem *parent, const QStringList &columns, const QVector<int> &rows);

    QPointer<ExplorerDocument> doc_;
    JobRunner *ownRunner_ = nullptr;      // standalone: deleted after ownDoc_
    ExplorerDocument *ownDoc_ = nullptr;
    std::shared_ptr<const ExplorerDocument::DoctorResult> shown_;
    DoctorMarks *marks_ = nullptr;
    bool autoRun_ = true;
    bool settingConfig_ = false;

    QDoubleSpinBox *threshold_ = nullptr;
    QSpinBox *k_ = nullptr;
    QSpinBox *clustersK_ = nullptr;
    QComboBox *outlierMethod_ = nullptr;
    QPushButton *runButton_ = nullptr;
    QPushButton *cancelButton_ = nullptr;
    QPushButton *exportButton_ = nullptr;
    QCheckBox *captionsBox_ = nullptr;
    QProgressBar *progress_ = nullptr;
    QLabel *status_ = nullptr;
    QTabWidget *tabs_ = nullptr;
    QTreeWidget *lists_[TabCount] = {};
    QTimer *debounce_ = nullptr;
};

} // namespace es
