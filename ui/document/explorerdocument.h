#pragma once
// ExplorerDocument: the data behind the window and everything derived from it (after Tiled's
// MapDocument and hotspot's parser / results split). No widgets: it runs under a
// QCoreApplication (tst_explorerdocument).
//
// It owns the SentenceModel (texts, labels, metadata; every edit undoable), one vector per
// row (from the embedder, a text-keyed cache, or a vectors file), the embedder and its spec,
// and the results: cosine similarity, k nearest neighbours, the cluster order of the heatmap,
// one map per projection method (ui/projection/: PCA, t-SNE) and the data-set doctor's
// findings (core/doctor/doctor.h; DoctorPanel shows them). It starts their jobs
// through the one JobRunner, drops results of outdated data (version(), bumped by every text
// change) and emits one signal per result. Every edit of a text invalidates what depends on
// it: outdated jobs are cancelled, only the changed texts are embedded again, and new rows
// are placed into the current maps (the other points held fixed) instead of moving every point.
// Projects are made from and loaded into the document (toProject / restoreProjections); the
// window adds only its view state.
#include "analysis/neighbors.h"
#include "dataset/dataset.h"
#include "doctor/doctor.h"
#include "embed/factory.h"
#include "formats/project.h"
#include "models/sentencemodel.h"
#include "projection/projectionmethod.h"
#include "util/types.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace es {

class Embedder;
class JobRunner;
class SentenceModel;

// One row's vector: a row of a shared matrix (a file's vectors, an embedding batch: no copy
// per row, whatever holds it) or a vector of its own. Cheap to copy; never changed.
class RowVec {
public:
    RowVec() = default;
    RowVec(std::shared_ptr<const Matrix> matrix, Eigen::Index row)
        : data_(matrix->row(row).data()), size_(std::size_t(matrix->cols())), owner_(std::move(matrix))
    {
    }
    explicit RowVec(std::vector<float> own)
    {
        auto v = std::make_shared<const std::vector<float>>(std::move(own));
        data_ = v->data();
        size_ = v->size();
        owner_ = std::move(v);
    }
    bool empty() const { return size_ == 0; }
    std::size_t size() const { return size_; }
    const float *data() const { return data_; }
    const float *begin() const { return data_; }
    const float *end() const { return data_ + size_; }
    void clear() { *this = RowVec(); }

private:
    const float *data_ = nullptr;
    std::size_t size_ = 0;
    std::shared_ptr<const void> owner_;
};

class ExplorerDocument : public QObject {
    Q_OBJECT
public:
    // jobs: the one runner every job of the application goes through.
    explicit ExplorerDocument(JobRunner *jobs, QObject *parent = nullptr);
    ~ExplorerDocument() override;

    SentenceModel *model() const { return model_; }
    JobRunner *jobs() const { return jobs_.data(); }
    // Bumped by every change of the texts; results computed for an older version are dropped.
    quint64 version() const { return version_; }

    // ---- Data in
    // A file's data made ready on a load job's thread: the table, each row's vector and the
    // text -> vector cache, all referring to the one matrix (the vectors are held once);
    // setData only moves them into place on the GUI thread.
    struct RowVectors {
        std::vector<RowVec> rows;
        QHash<QString, RowVec> byText;
        std::shared_ptr<const Matrix> matrix; // the vectors, one row each
        SentenceModel::Prepared table;         // the data set's rows for the model
    };
    static RowVectors rowVectorsFor(const Dataset &dataset, Matrix vectors);
    // Replaces the data with texts only (vectors from the cache where known). Call refresh().
    void setTexts(const Dataset &dataset);
    // Replaces the data with a data set and its vectors (one row each). Call refresh().
    void setData(const Dataset &dataset, RowVectors prepared);
    // The project's saved maps (coordinates and parameters), after setTexts / setData.
    void restoreProjections(const formats::Project &project);
    // The project of the current data: texts, vectors, provider and model ids, every
    // method's parameters and complete maps (never a key). The caller adds view state.
    formats::Project toProject() const;
    bool vectorsFromFile() const { return vectorsFromFile_; }
    void setVectorsFromFile(bool on) { vectorsFromFile_ = on; }

    // ---- Embedding
    void setEmbedderSpec(const EmbedderSpec &spec);
    const EmbedderSpec &embedderSpec() const { return spec_; }
    std::shared_ptr<Embedder> embedder() const { return embedder_; }
    // Opens the model of the spec on a job (local providers); modelReady or modelUnavailable.
    void checkModel();
    bool modelChecked() const { return embedderChecked_; }
    QString modelProblem() const { return modelProblem_; }
    // Vectors of another model cannot be mixed with the new ones: forgets the cache.
    void clearCache();
    // Before texts leave the machine (remote providers): fills in the key and asks for
    // consent; false stops the embedding. Set by the window.
    using RemoteGate = std::function<bool(EmbedderSpec &spec, const std::vector<std::string> &texts)>;
    void setRemoteGate(RemoteGate gate) { remoteGate_ = std::move(gate); }
    // The embedder "why are these close?" may use for these vectors (nullptr: none).
    std::shared_ptr<Embedder> explainEmbedder() const;

    // Embed rows without vectors with the local model as soon as they appear (default on).
    void setAutoEmbed(bool on) { autoEmbed_ = on; }
    bool autoEmbed() const { return autoEmbed_; }

    // What refresh() found.
    enum class Refresh {
        Empty,        // no rows: results cleared
        Started,      // the analysis or the embedding started
        FileVectors,  // some rows have no vector and the others came from a file
        NeedsEmbed,   // rows without vectors, not embedded automatically
        NoModel,      // the local model is not available
    };
    Q_ENUM(Refresh)
    // Embeds what has no vector (when autoEmbed() and the local model works), else starts
    // the analysis; vectorsMissing when it can do neither.
    Refresh refresh();
    int missingVectors() const;
    // Embeds the rows without a vector (all: every row again), then analyses.
    void embed(bool all);
    // Re-embeds everything with the current provider and fits the projections again.
    void rerun();
    // Cancels every job of the document.
    void cancel();
    // True when kind is a job kind of the document.
    bool ownsJob(const QString &kind) const;

    // ---- Results
    // Complete vectors of the current rows, or nullptr while some row has none.
    std::shared_ptr<const Matrix> vectors() const { return vectors_; }
    // nullptr above matrixLimit() rows (the heatmap then works from the vectors).
    std::shared_ptr<const Matrix> similarity() const { return similarity_; }
    // Neighbours of every row; nullptr while computed, and always above allNeighborsLimit()
    // rows (then requestRowNeighbors gives those of one row).
    std::shared_ptr<const analysis::Neighbors> neighbors() const { return knn_; }
    // Above this many rows no neighbours of every row are computed (exact k-NN of a million
    // rows is N^2 dot products: hours of CPU).
    static constexpr int allNeighborsLimit() { return 200000; }
    bool neighborsPerRow() const { return vectors_ && vectors_->rows() > allNeighborsLimit(); }
    // Large sets: finds the exact neighbours of one row on a worker (rowNeighborsReady).
    // Does nothing when neighbors() covers every row.
    void requestRowNeighbors(int row);
    static void setMatrixLimit(int rows);
    static int matrixLimit();
    // Starts the heatmap's cluster order (clusterOrderReady) unless current or running.
    void requestClusterOrder();
    std::shared_ptr<const std::vector<int>> clusterOrder() const;

    // ---- Projections
    // One map per method: coordinates (one per row, NaN while being placed), its dimensions,
    // the fit that made it, the parameters it was made with and its status line.
    struct Projection {
        MapPoints coords;
        int dims = 2;
        std::shared_ptr<const void> fit;
        QJsonObject used;
        QString status;
        int snapshots = 0;    // snapshots and results delivered (tests)
        MapPoints coords3d;   // the last 3D map of this method for these data (the 3D tab)
        quint64 version3d = ~0ull;
        bool refit = true;    // the next analysis makes the map again instead of placing rows
    };
    const std::vector<std::unique_ptr<ProjectionMethod>> &methods() const { return methods_; }
    ProjectionMethod *method(const QString &id) const;
    const Projection &projection(const QString &id) const;
    // True when the map of id has a point for every current row.
    bool hasProjection(const QString &id) const;
    // The method the maps show; the document keeps its map current after edits (runs it
    // again or places the new rows). PCA by default.
    void setActiveProjection(const QString &id);
    QString activeProjection() const { return active_; }
    // Starts a run of id with its parameters; returns why it cannot start ("" = started).
    QString runProjection(const QString &id);
    void cancelProjection(const QString &id);
    bool isProjectionRunning(const QString &id) const;
    // Pauses a streaming run (it waits at its next snapshot) or resumes it.
    void setProjectionPaused(const QString &id, bool paused);
    bool projectionPaused(const QString &id) const;
    // The iteration a streaming run has finished.
    int projectionIteration(const QString &id) const;

    // ---- Doctor
    // The data-set doctor's findings with what they were made from: the texts and labels of
    // the rows as they were (row i of the report is row i of texts), and the data version.
    struct DoctorResult {
        doctor::DoctorReport report;
        doctor::DoctorConfig config;
        std::vector<std::string> texts;
        std::vector<std::string> labels; // empty: no label column
        quint64 version = 0;
    };
    // True when every row has a vector (of one dimension), so the doctor can run.
    bool doctorCanRun() const;
    // Examines the current rows and vectors (kind "doctor"; a new run cancels the one
    // running); doctorReady when done. Returns why it cannot start ("" = started).
    QString runDoctor(const doctor::DoctorConfig &config);
    void cancelDoctor();
    bool isDoctorRunning() const;
    // The last result (nullptr: none yet); of the current rows when its version is version().
    std::shared_ptr<const DoctorResult> doctorResult() const { return doctor_; }
    // ---- Imported maps (File > Import Coordinates)
    // Shows coordinates made elsewhere (row i = data-set row i; 2 or 3 columns) as the map of
    // method id: "imported", or "umap" / "tsne" for a map those methods made elsewhere (its
    // new rows are then placed by the method). Cancels that method's run, sets its map and
    // status and emits projectionStatus and projectionReady. Returns why it cannot ("" =
    // done): no such method, an automatic one (PCA is made again from the vectors), or a row
    // count other than the data set's.
    QString importProjection(const QString &id, const Matrix &coords, const QString &source);

signals:
    void vectorsReady();
    // similarity() is set (or nullptr above matrixLimit(): use the vectors).
    void similarityReady();
    void neighborsReady();
    void rowNeighborsReady(int row, std::shared_ptr<const analysis::Neighbors> neighbors);
    // A map (or a snapshot of a running one) of method id; dims 2 or 3.
    void projectionReady(const QString &id, int dims);
    // A status line of a method's run ("t-SNE iteration 120 of 1000").
    void projectionStatus(const QString &id, const QString &status);
    void clusterOrderReady();
    // doctorResult() is the doctor's findings on the current rows.
    void doctorReady();
    // Results were dropped: no rows.
    void analysisCleared();
    // refresh() found rows without vectors that it does not embed (FileVectors, NeedsEmbed,
    // NoModel).
    void vectorsMissing(ExplorerDocument::Refresh why);
    void embedded(const QString &message);
    void modelReady(const QString &displayName);
    void modelUnavailable(const QString &message);
    // Work of the document failed: kind is a job kind, or "vectors" (mismatched dimensions).
    void failed(const QString &kind, const QString &message);

private:
    void onModelReset();
    void onRowsInserted(int first, int last);
    void onRowsRemoved(int first, int last);
    void onTextEdited(int row);
    void onTextsChanged();
    void startEmbedding(const QVector<int> &rows);
    void startAnalysis();
    void clearAnalysis();
    // Makes the map of id again (refit) or places its rows without coordinates.
    void updateProjection(const QString &id);
    void placeRows(const QString &id);
    // projectionReady, then the shown map follows an automatic one.
    void projectionDone(const QString &id);
    // Large sets: similarityReady (the heatmap's cue) waits for the first automatic map.
    void holdHeatmapForMap(int n);
    void releaseHeatmap();
    // projectionReady for a map or a snapshot; keeps the last 3D map of these data.
    void emitProjection(const QString &id);
    Projection &state(const QString &id);

    QPointer<JobRunner> jobs_;
    SentenceModel *model_ = nullptr;
    quint64 version_ = 0;

    std::vector<RowVec> rowVec_;              // one per row; empty = not embedded yet
    bool vectorsFromFile_ = false;             // vectors did not come from the embedder
    bool rowsComing_ = false;                  // setData: the rows' vectors follow the model's reset
    QHash<QString, RowVec> cache_;            // text -> vector of the current embedder
    QString cacheId_;                          // embedder id the cache belongs to
    // A file's vectors as loaded, for the analysis setData starts (saves copying them back
    // out of rowVec_); taken by that startAnalysis, dropped by refresh otherwise.
    std::shared_ptr<const Matrix> fileVectors_;

    EmbedderSpec spec_;
    std::shared_ptr<Embedder> embedder_;
    std::shared_ptr<std::mutex> embedderMutex_ = std::make_shared<std::mutex>();
    QString modelProblem_;
    bool embedderChecked_ = false;
    RemoteGate remoteGate_;
    bool autoEmbed_ = true;

    std::shared_ptr<const Matrix> vectors_;
    std::shared_ptr<const Matrix> similarity_;
    std::shared_ptr<const analysis::Neighbors> knn_;
    std::shared_ptr<const std::vector<int>> clusterOrder_;
    quint64 clusterOrderVersion_ = ~0ull;

    std::vector<std::unique_ptr<ProjectionMethod>> methods_;
    QHash<QString, Projection> projections_;
    QString active_;
    struct RunControl {
        std::shared_ptr<std::atomic<bool>> paused = std::make_shared<std::atomic<bool>>(false);
        std::shared_ptr<std::atomic<int>> iteration = std::make_shared<std::atomic<int>>(0);
    };
    QHash<QString, RunControl> runs_;

    std::shared_ptr<const DoctorResult> doctor_;
    bool heatmapAfterMap_ = false; // similarityReady waits for the first map (holdHeatmapForMap)
};

} // namespace es
