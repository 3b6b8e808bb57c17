#pragma once
// ProjectionMethod: one way of drawing the vectors as a 2D or 3D map (PCA, t-SNE, UMAP).
//
// The document (ExplorerDocument) keeps one instance of each registered method
// (projectionmethods.cpp) and the coordinates each one made; it starts the method's jobs
// through the JobRunner, drops results of outdated data and emits projectionReady. A
// method only says what to compute:
//  - its id ("pca", "tsne", "umap": job kind, project keys "<id>2d" / "<id>3d" and parameters.<id>)
//    and its name ("PCA", "t-SNE": the projection box, tabs and axis titles);
//  - its parameters as JSON (what the project saves and the projection bar edits) and
//    their description (parameterSpecs(): the bar makes one box per spec);
//  - makeRun(): the work of a run, copied out on the GUI thread and run on a worker; a run
//    may stream snapshots (t-SNE) through its context, which also handles pause and cancel;
//  - makePlace(): new or edited rows placed into the current map with the others held
//    fixed (PCA: the existing fit; t-SNE: tsnePlace; UMAP: umapPlace), or "run again" when it cannot.
// Adding a method is one class and one line in makeProjectionMethods(): no view or menu
// code changes.
#include "jobs/jobrunner.h"
#include "util/result.h"
#include "util/types.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QPair>
#include <QVector3D>
#include <QVector>

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

namespace es {

// One point per row (a row still to be placed holds NaN); z = 0 for a 2D map.
using MapPoints = QVector<QVector3D>;

// What a run or a placement hands back to the GUI thread.
struct ProjectionOutput {
    Matrix coords;                  // N x dims
    QString summary;                // one sentence for the status line ("t-SNE done: ...")
    QJsonObject used;               // the parameters the map was really made with
    std::shared_ptr<const void> fit; // the method's model for placing rows later (PCA: PcaResult)
    MapPoints points;               // coords as the views take them; made by the document on the worker
};

// Handed to a run on the worker thread.
struct ProjectionRunContext {
    JobContext &job;
    // Current coordinates and a status line ("t-SNE iteration 120 of 1000, KL 1.234"); the
    // document throttles what reaches the views and blocks here while the run is paused.
    std::function<void(const Matrix &coords, const QString &status)> snapshot;
    // The iteration the run has finished (for "paused at iteration 120").
    std::atomic<int> *iteration = nullptr;
};

// What the document knows of the current map when rows must be placed.
struct ProjectionPlaceInput {
    std::shared_ptr<const Matrix> vectors; // every row
    MapPoints coords;                      // every row; the rows in fresh are NaN
    QVector<int> fresh;                    // rows to place
    int dims = 2;
    std::shared_ptr<const void> fit;       // ProjectionOutput::fit of the run that made the map
    QJsonObject used;                      // ProjectionOutput::used of that run
};

// One parameter as the projection bar shows it: the bar makes a box from it (a spin box for
// Int / Double, a combo box for Choice) whose value is parameters()[key]. Methods naming the
// same objectName share one box, which edits the parameters of the method shown (seed, dims,
// distance); the first method's spec of a shared box gives its range and label.
struct ParameterSpec {
    enum class Kind { Int, Double, Choice };
    QString key;        // in parameters() and the project file
    QString objectName; // of the box (tests find it by this name); "" = key
    QString label;      // the box's label (or only its accessible name when !showLabel)
    QString tooltip;
    Kind kind = Kind::Int;
    double min = 0, max = 100, step = 1;
    int decimals = 2;         // Double
    QString specialValueText; // shown at min ("auto")
    QVector<QPair<QString, QJsonValue>> choices; // Choice: (label, value)
    QJsonValue defaultValue;
    bool showLabel = true;    // false: the entries say what they are ("2D", "cosine")
    // The box shows the value the last run really used (parameters().used[key]) when it
    // differs: t-SNE's perplexity is reduced for small sets.
    bool showsUsed = false;
};

class ProjectionMethod {
public:
    virtual ~ProjectionMethod() = default;

    virtual QString id() const = 0;
    virtual QString name() const = 0;
    // True: runs with every analysis (PCA, cheap). False: runs when asked, or when it is the
    // projection the maps show and the data changed.
    virtual bool automatic() const { return false; }
    // Why a run on n rows cannot start ("" = it can).
    virtual QString cannotRun(int n) const { Q_UNUSED(n); return {}; }
    // The status line when a run starts.
    virtual QString startingStatus() const { return {}; }

    // Parameters (defaults when never set); setParameters keeps keys it does not know out.
    virtual QJsonObject parameters() const { return params_; }
    virtual void setParameters(const QJsonObject &p) { params_ = p; }
    // The boxes the projection bar shows for the parameters, in order (none: no boxes).
    virtual QVector<ParameterSpec> parameterSpecs() const { return {}; }
    // What a run counts, for "cancelled at iteration 120" ("iteration", "epoch").
    virtual QString stepWord() const;
    // Dimensions (2 or 3) the next run makes.
    virtual int dims() const { return 2; }

    using Run = std::function<Result<ProjectionOutput>(ProjectionRunContext &)>;
    virtual Run makeRun(std::shared_ptr<const Matrix> vectors) const = 0;

    // The job placing input.fresh (result: one row of coordinates per fresh row), or an empty
    // function when the method cannot place them and the map must be made again.
    using Place = std::function<Result<Matrix>(JobContext &)>;
    virtual Place makePlace(const ProjectionPlaceInput &input) const = 0;

    // Axis c (1-based) of a map made with fit ("PC 1 (12.3 %)", "t-SNE 1").
    virtual QString axisTitle(int c, const std::shared_ptr<const void> &fit) const = 0;

protected:
    QJsonObject params_;
};

// The seed, dims (2D / 3D) and distance (cosine / euclidean) boxes the computed methods
// share (keys "seed", "dims", "metric").
QVector<ParameterSpec> commonParameterSpecs();

// Every method, in the order the projection box lists them; the first is the default map.
std::vector<std::unique_ptr<ProjectionMethod>> makeProjectionMethods();

// Coordinates (N x dims) as map points; z = 0 when dims < 3.
MapPoints toMapPoints(const Matrix &c);

} // namespace es
