#pragma once
// DoctorPanel: the data-set doctor (core/doctor/doctor.h) as a dock panel. It runs
// es::doctor::diagnose through the JobRunner (kind "doctor": progress bar, Cancel button,
// a new run cancels the old one) and lists the findings in one tab per kind:
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
//   auto *doctor = new es::DoctorPanel(jobRunner);              // jobRunner: es::JobRunner*
//   addDockWidget(Qt::RightDockWidgetArea, dock(tr("Doctor"), doctor));
//   doctor->setData(dataset, vectorsSharedPtr);                 // after every (re-)embedding
//   connect(doctor, &es::DoctorPanel::rowsActivated, this, &MainWindow::selectRows);
//   connect(doctor->marks(), &es::DoctorMarks::marksChanged, this, &MainWindow::setModified);
//   project.marks = doctor->marks()->toStrings();               // save; fromStrings() to load
//   connect(doctor, &es::DoctorPanel::reportReady, this, [=] {   // captions on the 2D view
//       if (doctor->captionsShown())
//           scatter2d->setCaptions(es::toPlotCaptions(es::clusterCaptions(*doctor->report(), coords)));
//   });
//   connect(doctor, &es::DoctorPanel::captionsToggled, ...);     // the "Cluster captions" box
#include "dataset/dataset.h"
#include "doctor/doctor.h"
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
    // Without a runner the panel makes its own (for standalone use and tests).
    explicit DoctorPanel(JobRunner *runner = nullptr, QWidget *parent = nullptr);
    ~DoctorPanel() override;

    void setJobRunner(JobRunner *runner);
    JobRunner *jobRunner() const { return runner_; }

    // The data set and its vectors (rows aligned). Clears the findings; runs the doctor when
    // autoRun() is on (default) and the panel has vectors.
    void setData(const Dataset &dataset, std::shared_ptr<const Matrix> vectors);
    void clear();
    void setAutoRun(bool on) { autoRun_ = on; }
    bool autoRun() const { return autoRun_; }

    doctor::DoctorConfig config() const;
    // Sets the controls (threshold, k, cluster count, outlier method) from a config.
    void setConfig(const doctor::DoctorConfig &config);

    // The last report, or nullptr while none.
    const doctor::DoctorReport *report() const { return report_ ? &*report_ : nullptr; }
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
    QString textOf(int row, int maxChars = 160) const;
    QTreeWidgetItem *rowItem(QTreeWidgetItem *parent, const QStringList &columns, const QVector<int> &rows);

    QPointer<JobRunner> runner_;
    JobRunner *ownRunner_ = nullptr;
    Dataset dataset_;
    std::vector<std::string> labels_;
    std::shared_ptr<const Matrix> vectors_;
    std::optional<doctor::DoctorReport> report_;
    DoctorMarks *marks_ = nullptr;
    bool autoRun_ = true;
    quint64 dataGeneration_ = 0; // results computed for older data are dropped
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
