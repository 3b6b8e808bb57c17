#include "document/explorerdocument.h"

#include "analysis/neighbors.h"
#include "analysis/ordering.h"
#include "analysis/similarity.h"
#include "embed/cache/cache.h"
#include "embed/embedder.h"
#include "embed/local/local_embedder.h"
#include "jobs/jobrunner.h"
#include "models/sentencemodel.h"
#include "views/explainview.h" // SerializedEmbedder
#include "views/rownumber.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QScopeGuard>
#include <QSet>
#include <QTimer>
#include <QUndoStack>

#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <thread>

namespace es {

namespace {

int kMaxMatrix = 20000; // above this no N x N matrix is allocated (tests lower it)
constexpr int kNeighbors = 10;

QString qs(const std::string &s)
{
    return QString::fromStdString(s);
}

bool isLocal(const EmbedderSpec &spec)
{
    return spec.provider == "local" || spec.provider.empty();
}

bool isRemote(const EmbedderSpec &spec)
{
    return !isLocal(spec) && spec.provider != "lexical" && spec.provider != "hybrid";
}

struct EmbedOut {
    std::shared_ptr<Embedder> embedder;
    std::vector<std::string> texts;
    EmbedResult result;
};

const QStringList kJobKinds = {QStringLiteral("embed"), QStringLiteral("check-model"),
                               QStringLiteral("similarity"), QStringLiteral("knn"), QStringLiteral("knn-row"),
                               QStringLiteral("order"), QStringLiteral("doctor")};
const QString kDoctor = QStringLiteral("doctor");

} // namespace

ExplorerDocument::ExplorerDocument(JobRunner *jobs, QObject *parent)
    : QObject(parent), jobs_(jobs), model_(new SentenceModel(this)), methods_(makeProjectionMethods())
{
    for (const auto &m : methods_)
        projections_.insert(m->id(), Projection{});
    active_ = methods_.front()->id();

    connect(model_, &QAbstractItemModel::modelReset, this, &ExplorerDocument::onModelReset);
    connect(model_, &QAbstractItemModel::rowsInserted, this,
            [this](const QModelIndex &, int first, int last) { onRowsInserted(first, last); });
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
    connect(model_, &SentenceModel::textsChanged, this, &ExplorerDocument::onTextsChanged);

    connect(jobs_, &JobRunner::jobFailed, this, [this](const QString &kind, const QString &message) {
        if (kind == QLatin1String("check-model")) {
            embedderChecked_ = true;
            modelProblem_ = message;
            emit modelUnavailable(message);
            refresh();
            return;
        }
        if (ownsJob(kind)) {
            if (method(kind) && method(kind)->automatic())
                releaseHeatmap(); // no map: the heatmap need not wait for it
            emit failed(kind, message);
        }
    });
}

ExplorerDocument::~ExplorerDocument()
{
    // The runner may be gone already (a sibling QObject deleted first); its results hold no
    // pointer into the document past its own lifetime, since it cancels and waits when deleted.
    if (jobs_)
        cancel();
}

// ---------------------------------------------------------------------------------------
// Data in

ExplorerDocument::RowVectors ExplorerDocument::rowVectorsFor(const Dataset &dataset, Matrix vectors)
{
    RowVectors out;
    out.table = SentenceModel::prepare(dataset);
    out.matrix = std::make_shared<const Matrix>(std::move(vectors));
    const std::size_t n = std::min(dataset.size(), std::size_t(out.matrix->rows()));
    out.rows.reserve(dataset.size());
    out.byText.reserve(qsizetype(n));
    for (std::size_t r = 0; r < n; ++r) {
        out.rows.emplace_back(out.matrix, Eigen::Index(r));
        // The key is the model's text of the row (shared with the table, not a copy).
        out.byText.insert(out.table.rows[qsizetype(r)].text, out.rows.back());
    }
    out.rows.resize(dataset.size());
    return out;
}

void ExplorerDocument::setTexts(const Dataset &dataset)
{
    cancel();
    vectorsFromFile_ = false;
    model_->setDataset(dataset); // resets rowVec_ (filled from the cache below)
    for (int r = 0; r < model_->rowCount(); ++r)
        if (auto it = cache_.constFind(model_->text(r)); it != cache_.constEnd())
            rowVec_[std::size_t(r)] = *it;
}

void ExplorerDocument::setData(const Dataset &dataset, RowVectors prepared)
{
    cancel();
    // The table made with the vectors (rowVectorsFor), or the data set's when none was made.
    if (prepared.table.rows.isEmpty() && dataset.size() > 0) {
        model_->setDataset(dataset);
    } else {
        if (prepared.table.source.isEmpty())
            prepared.table.source = qs(dataset.source);
        rowsComing_ = true; // onModelReset need not clear a million entries replaced below
        model_->setPrepared(std::move(prepared.table));
        rowsComing_ = false;
    }
    vectorsFromFile_ = true;
    // The cache now belongs to the file, so undoing a deletion gets the row's vector back;
    // embedding with a model replaces it (another id).
    rowVec_ = std::move(prepared.rows);
    rowVec_.resize(std::size_t(model_->rowCount()));
    cache_ = std::move(prepared.byText);
    cacheId_ = QStringLiteral("file:") + qs(dataset.source);
    fileVectors_ = std::move(prepared.matrix);
}

void ExplorerDocument::restoreProjections(const formats::Project &project)
{
    // A project's vectors are the embedder's: later edits re-embed with it.
    vectorsFromFile_ = project.provider.empty();
    for (const auto &m : methods_) {
        const std::string id = m->id().toStdString();
        if (project.parameters.is_object() && project.parameters.contains(id)
            && project.parameters.at(id).is_object())
            m->setParameters(QJsonDocument::fromJson(QByteArray::fromStdString(project.parameters.at(id).dump())).object());
        if (m->automatic())
            continue; // made again from the vectors
        for (const char *dims : {"2d", "3d"}) {
            auto it = project.projections.find(id + dims);
            if (it == project.projections.end() || it->second.rows() != model_->rowCount())
                continue;
            Projection &p = state(m->id());
            p.coords = toMapPoints(it->second);
            p.dims = int(it->second.cols());
            p.used = m->parameters();
            p.refit = false;
            p.status = tr("%1 map from the project (%2D).").arg(m->name()).arg(p.dims);
            emit projectionStatus(m->id(), p.status);
        }
    }
}

formats::Project ExplorerDocument::toProject() const
{
    formats::Project p;
    p.dataset = model_->toDataset();
    if (vectors_ && vectors_->rows() == model_->rowCount())
        p.vectors = *vectors_;
    if (!vectorsFromFile_ && p.vectors.size() > 0) {
        p.provider = spec_.provider;
        p.model = embedder_ ? embedder_->id() : spec_.model;
    }
    p.parameters = nlohmann::json::object();
    const int n = model_->rowCount();
    for (const auto &m : methods_) {
        const Projection &s = projection(m->id());
        QJsonObject params = m->parameters();
        params[QStringLiteral("shown")] = active_ == m->id();
        if (m->automatic() && s.fit)
            params[QStringLiteral("components")] = s.used.value(QStringLiteral("components"));
        p.parameters[m->id().toStdString()] = nlohmann::json::parse(
            QJsonDocument(params).toJson(QJsonDocument::Compact).toStdString(), nullptr, false);
        // Complete maps only, and never one still being made.
        const bool complete = s.coords.size() == n && n > 0
            && std::none_of(s.coords.begin(), s.coords.end(), [](const QVector3D &v) { return std::isnan(v.x()); });
        if (!complete || isProjectionRunning(m->id()) || (m->automatic() && !s.fit))
            continue;
        const int dims = s.dims == 3 ? 3 : 2;
        Matrix c(s.coords.size(), dims);
        for (int i = 0; i < s.coords.size(); ++i)
            for (int d = 0; d < dims; ++d)
                c(i, d) = s.coords[i][d];
        p.projections[m->id().toStdString() + (dims == 3 ? "3d" : "2d")] = c;
    }
    return p;
}

// ---------------------------------------------------------------------------------------
// Edits

void ExplorerDocument::onModelReset()
{
    if (rowsComing_)
        rowVec_.clear();
    else
        rowVec_.assign(std::size_t(model_->rowCount()), {});
    for (const auto &m : methods_) {
        Projection &p = state(m->id());
        p.coords.clear();
        p.fit.reset();
        p.refit = true;
        p.coords3d.clear();
        if (!m->automatic()) {
            jobs_->cancel(m->id());
            jobs_->cancel(m->id() + QStringLiteral("place"));
        }
    }
}

void ExplorerDocument::onRowsInserted(int first, int last)
{
    const int count = last - first + 1;
    rowVec_.insert(rowVec_.begin() + first, std::size_t(count), {});
    for (int r = first; r <= last; ++r)
        if (auto it = cache_.constFind(model_->text(r)); it != cache_.constEnd())
            rowVec_[std::size_t(r)] = *it;
    const float nan = std::numeric_limits<float>::quiet_NaN();
    for (Projection &p : projections_)
        if (!p.coords.isEmpty() && first <= p.coords.size())
            p.coords.insert(first, count, QVector3D(nan, nan, nan));
}

void ExplorerDocument::onRowsRemoved(int first, int last)
{
    const int count = last - first + 1;
    if (std::size_t(last) < rowVec_.size())
        rowVec_.erase(rowVec_.begin() + first, rowVec_.begin() + last + 1);
    for (Projection &p : projections_)
        if (last < p.coords.size())
            p.coords.remove(first, count);
}

void ExplorerDocument::onTextEdited(int row)
{
    if (std::size_t(row) >= rowVec_.size())
        return;
    auto it = cache_.constFind(model_->text(row));
    rowVec_[std::size_t(row)] = it != cache_.constEnd() ? *it : RowVec{};
    // Placed again with the existing fit, the other points held fixed.
    const float nan = std::numeric_limits<float>::quiet_NaN();
    for (Projection &p : projections_)
        if (row < p.coords.size())
            p.coords[row] = QVector3D(nan, nan, nan);
}

void ExplorerDocument::onTextsChanged()
{
    // Everything derived from the texts is outdated: results still on their way are dropped.
    ++version_;
    for (const char *k : {"similarity", "knn", "order", "doctor"})
        jobs_->cancel(QString::fromLatin1(k));
    for (const auto &m : methods_) {
        if (m->automatic())
            jobs_->cancel(m->id());
        jobs_->cancel(m->id() + QStringLiteral("place"));
    }
    vectors_.reset();
    if (!(similarity_ && similarity_->rows() == model_->rowCount()))
        similarity_.reset();
}

// ---------------------------------------------------------------------------------------
// Embedding

void ExplorerDocument::setEmbedderSpec(const EmbedderSpec &spec)
{
    spec_ = spec;
    embedder_.reset();
    modelProblem_.clear();
    embedderChecked_ = false;
}

void ExplorerDocument::checkModel()
{
    if (isRemote(spec_)) {
        // Remote providers are reached only when embedding (after consent).
        embedderChecked_ = true;
        return;
    }
    const EmbedderSpec spec = spec_;
    jobs_->start<std::shared_ptr<Embedder>>(
        QStringLiteral("check-model"), tr("Opening the model"),
        [spec](JobContext &) -> Result<std::shared_ptr<Embedder>> {
            auto made = makeEmbedder(spec);
            if (!made)
                return made.error();
            return std::shared_ptr<Embedder>(std::move(made.value()));
        },
        [this](std::shared_ptr<Embedder> &e) {
            embedder_ = e;
            embedderChecked_ = true;
            modelProblem_.clear();
            emit modelReady(qs(e->displayName()));
            refresh();
        });
}

void ExplorerDocument::clearCache()
{
    cache_.clear();
    cacheId_.clear();
}

std::shared_ptr<Embedder> ExplorerDocument::explainEmbedder() const
{
    if (!embedder_ || vectorsFromFile_)
        return nullptr;
    // Only the local model (inside its cache) is handed over: its exact split runs without
    // embedding, so it never shares the embedder with an embedding job.
    if (auto *e = dynamic_cast<local::SifEmbedder *>(&CachingEmbedder::unwrap(*embedder_)))
        return std::shared_ptr<Embedder>(embedder_, e);
    // Any other model (HTTP, lexical, hybrid): the leave-one-word-out estimate on demand.
    // An HTTP embedder is shared with the embedding jobs (one call at a time, same cache);
    // lexical / hybrid get their own, since an estimate refits the IDF.
    if (spec_.provider == "lexical" || spec_.provider == "hybrid") {
        EmbedderSpec own = spec_;
        own.useCache = false;
        if (auto made = makeEmbedder(own))
            return std::shared_ptr<Embedder>(std::move(made.value()));
        return nullptr;
    }
    return std::make_shared<SerializedEmbedder>(embedder_, embedderMutex_);
}

int ExplorerDocument::missingVectors() const
{
    int missing = 0;
    for (int r = 0; r < model_->rowCount(); ++r)
        if (std::size_t(r) >= rowVec_.size() || rowVec_[std::size_t(r)].empty())
            ++missing;
    return missing;
}

ExplorerDocument::Refresh ExplorerDocument::refresh()
{
    // A file's matrix (setData) is for the analysis started now, if any; never a later one.
    const auto dropFileVectors = qScopeGuard([this] { fileVectors_.reset(); });
    const int n = model_->rowCount();
    if (n == 0) {
        clearAnalysis();
        return Refresh::Empty;
    }
    QVector<int> missing;
    rowVec_.resize(std::size_t(n)); // (the rows' vectors follow a reset in setData)
    for (int r = 0; r < n; ++r)
        if (rowVec_[std::size_t(r)].empty())
            missing.append(r);
    if (missing.isEmpty()) {
        startAnalysis();
        return Refresh::Started;
    }
    Refresh why = Refresh::NeedsEmbed;
    if (vectorsFromFile_ && missing.size() < n) {
        why = Refresh::FileVectors;
    } else if (autoEmbed_ && isLocal(spec_) && embedderChecked_ && modelProblem_.isEmpty()) {
        startEmbedding(missing);
        return Refresh::Started;
    } else if (!modelProblem_.isEmpty() && isLocal(spec_)) {
        why = Refresh::NoModel;
    }
    emit vectorsMissing(why);
    return why;
}

void ExplorerDocument::embed(bool all)
{
    const int n = model_->rowCount();
    QVector<int> rows;
    rowVec_.resize(std::size_t(n));
    for (int r = 0; r < n; ++r)
        if (all || rowVec_[std::size_t(r)].empty())
            rows.append(r);
    if (all) {
        // Vectors from a file or an earlier model are replaced as a whole.
        for (auto &v : rowVec_)
            v.clear();
        if (cacheId_.startsWith(QLatin1String("file:")))
            clearCache();
        vectorsFromFile_ = false;
        for (Projection &p : projections_)
            p.refit = true;
        ++version_;
    }
    if (rows.isEmpty()) {
        startAnalysis();
        return;
    }
    startEmbedding(rows);
}

void ExplorerDocument::rerun()
{
    for (Projection &p : projections_)
        p.refit = true;
    if (vectorsFromFile_) {
        startAnalysis();
        return;
    }
    cache_.clear();
    embed(true);
}

void ExplorerDocument::cancel()
{
    for (const QString &k : kJobKinds)
        if (k != QLatin1String("check-model"))
            jobs_->cancel(k);
    for (const auto &m : methods_) {
        jobs_->cancel(m->id());
        jobs_->cancel(m->id() + QStringLiteral("place"));
    }
}

bool ExplorerDocument::ownsJob(const QString &kind) const
{
    if (kJobKinds.contains(kind))
        return true;
    for (const auto &m : methods_)
        if (kind == m->id() || kind == m->id() + QStringLiteral("place"))
            return true;
    return false;
}

void ExplorerDocument::startEmbedding(const QVector<int> &rows)
{
    std::vector<std::string> texts;
    QSet<QString> seen;
    for (int r : rows) {
        const QString t = model_->text(r);
        if (!seen.contains(t) && !cache_.contains(t)) {
            seen.insert(t);
            texts.push_back(t.toStdString());
        }
    }
    if (texts.empty()) {
        refresh();
        return;
    }
    EmbedderSpec spec = spec_;
    auto emb = embedder_;
    if (isRemote(spec)) {
        if (remoteGate_ && !remoteGate_(spec, texts))
            return;
        emb.reset(); // built with the key inside the job
    }
    auto mutex = embedderMutex_;
    const int count = int(texts.size());
    jobs_->start<EmbedOut>(
        QStringLiteral("embed"), tr("Embedding %n sentence(s)", nullptr, count),
        [spec, emb, mutex, texts = std::move(texts)](JobContext &ctx) mutable -> Result<EmbedOut> {
            EmbedOut out;
            out.embedder = emb;
            if (!out.embedder) {
                report(ctx.progress, 0.0, "loading the model");
                auto made = makeEmbedder(spec);
                if (!made)
                    return made.error();
                out.embedder = std::shared_ptr<Embedder>(std::move(made.value()));
            }
            std::lock_guard lock(*mutex);
            auto r = out.embedder->embed(texts, ctx.progress, ctx.stop);
            if (!r)
                return r.error();
            out.result = std::move(r.value());
            out.texts = std::move(texts);
            return out;
        },
        [this](EmbedOut &out) {
            embedder_ = out.embedder;
            modelProblem_.clear();
            const QString id = qs(embedder_->id());
            if (id != cacheId_) {
                cache_.clear();
                cacheId_ = id;
            }
            // The rows refer to the batch's matrix: no copy per row.
            const auto m = std::make_shared<const Matrix>(std::move(out.result.vectors));
            for (std::size_t i = 0; i < out.texts.size() && Eigen::Index(i) < m->rows(); ++i)
                cache_.insert(qs(out.texts[i]), RowVec(m, Eigen::Index(i)));
            // Rows may have moved while embedding: fill every row whose text is now known.
            for (int r = 0; r < model_->rowCount(); ++r)
                if (rowVec_[std::size_t(r)].empty())
                    if (auto it = cache_.constFind(model_->text(r)); it != cache_.constEnd())
                        rowVec_[std::size_t(r)] = *it;
            QString msg = tr("Embedded %n sentence(s) with %1", nullptr, int(out.texts.size()))
                              .arg(qs(embedder_->displayName()));
            if (out.result.stats.unknownTokens > 0)
                msg += tr("; %n unknown word(s)", nullptr, int(out.result.stats.unknownTokens));
            if (!out.result.warnings.empty())
                msg += QStringLiteral("; ") + qs(out.result.warnings.front())
                       + (out.result.warnings.size() > 1 ? tr(" (and %1 more)").arg(out.result.warnings.size() - 1)
                                                         : QString());
            emit embedded(msg);
            refresh();
        });
}

// ---------------------------------------------------------------------------------------
// Analysis

void ExplorerDocument::setMatrixLimit(int rows)
{
    kMaxMatrix = std::max(1, rows);
}

int ExplorerDocument::matrixLimit()
{
    return kMaxMatrix;
}

void ExplorerDocument::clearAnalysis()
{
    vectors_.reset();
    similarity_.reset();
    knn_.reset();
    for (Projection &p : projections_)
        p.coords.clear();
    emit analysisCleared();
}

void ExplorerDocument::startAnalysis()
{
    const int n = model_->rowCount();
    if (n == 0) {
        clearAnalysis();
        return;
    }
    const std::size_t d = rowVec_.front().size();
    for (int r = 0; r < n; ++r) {
        if (rowVec_[std::size_t(r)].size() != d) {
            emit failed(QStringLiteral("vectors"),
                        tr("Row %1 has %2 dimensions but row %4 has %3. Embed again to compute "
                           "all vectors with one model.")
                            .arg(displayRow(r)).arg(rowVec_[std::size_t(r)].size()).arg(d).arg(displayRow(0)));
            return;
        }
    }
    std::shared_ptr<const Matrix> vecs = std::exchange(fileVectors_, nullptr);
    if (!vecs || vecs->rows() != n || std::size_t(vecs->cols()) != d) {
        auto m = std::make_shared<Matrix>(n, Eigen::Index(d));
        for (int r = 0; r < n; ++r)
            std::copy(rowVec_[std::size_t(r)].begin(), rowVec_[std::size_t(r)].end(), m->row(r).data());
        vecs = m;
    }
    vectors_ = vecs;
    const quint64 version = version_;
    emit vectorsReady();

    heatmapAfterMap_ = false; // a hold of earlier data (its map cancelled) ends here
    if (n <= kMaxMatrix) {
        jobs_->start<std::shared_ptr<const Matrix>>(
            QStringLiteral("similarity"), tr("Cosine similarity"),
            [vecs](JobContext &ctx) -> Result<std::shared_ptr<const Matrix>> {
                auto s = analysis::cosineSimilarity(*vecs, ctx.progress, ctx.stop);
                if (!s)
                    return s.error();
                return std::shared_ptr<const Matrix>(std::make_shared<Matrix>(std::move(s.value())));
            },
            [this, version](std::shared_ptr<const Matrix> &s) {
                if (version != version_)
                    return;
                similarity_ = s;
                emit similarityReady();
            });
    } else {
        // No N x N matrix: the heatmap makes block means (and zoomed-in cells) from the vectors.
        similarity_.reset();
        holdHeatmapForMap(n);
    }

    if (n < 2) {
        knn_.reset();
        emit neighborsReady();
        for (const auto &m : methods_)
            if (m->automatic()) {
                Projection &p = state(m->id());
                p.coords = {QVector3D(0, 0, 0)};
                p.dims = 2;
                emitProjection(m->id());
            }
        return;
    }
    const int k = std::min(kNeighbors, n - 1);
    if (n > allNeighborsLimit()) {
        knn_.reset();
        emit neighborsReady();
    } else {
        jobs_->start<std::shared_ptr<const analysis::Neighbors>>(
            QStringLiteral("knn"), tr("Nearest neighbours"),
            [vecs, k](JobContext &ctx) -> Result<std::shared_ptr<const analysis::Neighbors>> {
                auto r = analysis::knnCosine(*vecs, k, ctx.progress, ctx.stop);
                if (!r)
                    return r.error();
                return std::shared_ptr<const analysis::Neighbors>(
                    std::make_shared<analysis::Neighbors>(std::move(r.value())));
            },
            [this, version](std::shared_ptr<const analysis::Neighbors> &r) {
                if (version != version_)
                    return;
                knn_ = r;
                emit neighborsReady();
            });
    }

    for (const auto &m : methods_)
        if (m->automatic())
            updateProjection(m->id());
}

void ExplorerDocument::requestRowNeighbors(int row)
{
    const std::shared_ptr<const Matrix> vecs = vectors_;
    if (!vecs || vecs->rows() <= allNeighborsLimit() || row < 0 || row >= vecs->rows())
        return;
    const int k = int(std::min<Eigen::Index>(kNeighbors, vecs->rows() - 1));
    const quint64 version = version_;
    jobs_->start<std::shared_ptr<const analysis::Neighbors>>(
        QStringLiteral("knn-row"), tr("Nearest neighbours of row %1").arg(displayRow(row)),
        [vecs, row, k](JobContext &ctx) -> Result<std::shared_ptr<const analysis::Neighbors>> {
            // Cosine of the row with every row in one pass (no normalised copy of the set:
            // a million 64-d rows would be 256 MB more); ties to the lower row.
            const Eigen::VectorXf q = vecs->row(row).transpose();
            const float qn = q.norm();
            const Eigen::Index n = vecs->rows();
            std::vector<float> sim(static_cast<std::size_t>(n), -std::numeric_limits<float>::infinity());
            for (Eigen::Index i = 0; i < n; ++i) {
                if ((i & 0xffff) == 0 && ctx.stop.stop_requested())
                    return Error::cancel();
                const float rn = vecs->row(i).norm();
                if (i != row && rn > 0 && qn > 0)
                    sim[std::size_t(i)] = vecs->row(i).dot(q.transpose()) / (rn * qn);
            }
            std::vector<int> idx(static_cast<std::size_t>(n));
            std::iota(idx.begin(), idx.end(), 0);
            std::partial_sort(idx.begin(), idx.begin() + k, idx.end(), [&](int a, int b) {
                return sim[std::size_t(a)] > sim[std::size_t(b)] || (sim[std::size_t(a)] == sim[std::size_t(b)] && a < b);
            });
            auto one = std::make_shared<analysis::Neighbors>();
            one->k = k;
            for (int i = 0; i < k; ++i) {
                one->index.push_back(idx[std::size_t(i)]);
                one->similarity.push_back(sim[std::size_t(idx[std::size_t(i)])]);
                one->distance.push_back(1.0 - double(one->similarity.back()));
            }
            return std::shared_ptr<const analysis::Neighbors>(std::move(one));
        },
        [this, row, version](std::shared_ptr<const analysis::Neighbors> &r) {
            if (version == version_)
                emit rowNeighborsReady(row, r);
        });
}

void ExplorerDocument::requestClusterOrder()
{
    if (!vectors_ || jobs_->isRunning(QStringLiteral("order")))
        return;
    auto vecs = vectors_;
    const quint64 version = version_;
    jobs_->start<std::shared_ptr<const std::vector<int>>>(
        QStringLiteral("order"), tr("Ordering by similarity"),
        [vecs](JobContext &ctx) -> Result<std::shared_ptr<const std::vector<int>>> {
            auto r = analysis::heatmapOrder(*vecs, {}, ctx.progress, ctx.stop);
            if (!r)
                return r.error();
            return std::shared_ptr<const std::vector<int>>(std::make_shared<std::vector<int>>(std::move(r.value())));
        },
        [this, version](std::shared_ptr<const std::vector<int>> &order) {
            if (version != version_)
                return;
            clusterOrder_ = order;
            clusterOrderVersion_ = version;
            emit clusterOrderReady();
        });
}

std::shared_ptr<const std::vector<int>> ExplorerDocument::clusterOrder() const
{
    if (clusterOrderVersion_ != version_)
        return nullptr;
    return clusterOrder_;
}

// ---------------------------------------------------------------------------------------
// Projections

ProjectionMethod *ExplorerDocument::method(const QString &id) const
{
    for (const auto &m : methods_)
        if (m->id() == id)
            return m.get();
    return nullptr;
}

ExplorerDocument::Projection &ExplorerDocument::state(const QString &id)
{
    return projections_[id];
}

const ExplorerDocument::Projection &ExplorerDocument::projection(const QString &id) const
{
    static const Projection none;
    auto it = projections_.constFind(id);
    return it == projections_.constEnd() ? none : *it;
}

bool ExplorerDocument::hasProjection(const QString &id) const
{
    const Projection &p = projection(id);
    return !p.coords.isEmpty() && p.coords.size() == model_->rowCount();
}

void ExplorerDocument::setActiveProjection(const QString &id)
{
    if (method(id))
        active_ = id;
}

bool ExplorerDocument::isProjectionRunning(const QString &id) const
{
    return jobs_->isRunning(id);
}

void ExplorerDocument::cancelProjection(const QString &id)
{
    jobs_->cancel(id);
}

void ExplorerDocument::setProjectionPaused(const QString &id, bool paused)
{
    runs_[id].paused->store(paused);
}

bool ExplorerDocument::projectionPaused(const QString &id) const
{
    auto it = runs_.constFind(id);
    return it != runs_.constEnd() && it->paused->load();
}

int ExplorerDocument::projectionIteration(const QString &id) const
{
    auto it = runs_.constFind(id);
    return it == runs_.constEnd() ? 0 : it->iteration->load();
}

void ExplorerDocument::updateProjection(const QString &id)
{
    ProjectionMethod *m = method(id);
    const Projection &p = projection(id);
    const int n = model_->rowCount();
    // New sentences are placed into the existing map: only the rows without coordinates
    // (added or edited, marked NaN) are placed, the others keep theirs exactly. A re-run or
    // a new data set makes an automatic map again; a map of another size is made again.
    const bool again = p.coords.size() != n || (m->automatic() && (p.refit || !p.fit));
    if (again) {
        if (const QString why = runProjection(id); !why.isEmpty()) {
            state(id).status = why;
            emit projectionStatus(id, why);
        }
        return;
    }
    placeRows(id);
}

void ExplorerDocument::emitProjection(const QString &id)
{
    Projection &p = state(id);
    // The 3D tab shows the last 3D map of these data after a 2D run.
    if (p.dims == 3) {
        p.coords3d = p.coords;
        p.version3d = version_;
    }
    emit projectionReady(id, p.dims);
}

void ExplorerDocument::holdHeatmapForMap(int n)
{
    // Above allNeighborsLimit() rows the heatmap's jobs (block means of the vectors) would
    // share the CPU with PCA: they start once the first map is shown (a million rows: the
    // map seconds earlier). Smaller sets start both at once.
    heatmapAfterMap_ = n > allNeighborsLimit();
    if (!heatmapAfterMap_)
        emit similarityReady();
}

void ExplorerDocument::releaseHeatmap()
{
    if (!heatmapAfterMap_)
        return;
    heatmapAfterMap_ = false;
    // Queued: the map's own queued work (its points) runs first.
    QMetaObject::invokeMethod(this, [this] { emit similarityReady(); }, Qt::QueuedConnection);
}

void ExplorerDocument::projectionDone(const QString &id)
{
    emitProjection(id);
    if (method(id)->automatic())
        releaseHeatmap();
    // The map shown follows the data once the automatic maps are made: made again, or its
    // new rows placed.
    ProjectionMethod *shown = method(active_);
    if (method(id)->automatic() && shown && !shown->automatic() && !isProjectionRunning(active_))
        updateProjection(active_);
}

void ExplorerDocument::placeRows(const QString &id)
{
    ProjectionMethod *m = method(id);
    Projection &p = state(id);
    const int n = model_->rowCount();
    if (!vectors_ || vectors_->rows() != n || p.coords.size() != n)
        return;
    ProjectionPlaceInput in;
    for (int r = 0; r < n; ++r)
        if (std::isnan(p.coords[r].x()))
            in.fresh.append(r);
    if (in.fresh.isEmpty()) {
        if (m->automatic())
            projectionDone(id);
        return;
    }
    in.vectors = vectors_;
    in.coords = p.coords;
    in.dims = p.dims;
    in.fit = p.fit;
    in.used = p.used;
    ProjectionMethod::Place place = m->makePlace(in);
    if (!place) {
        runProjection(id);
        return;
    }
    const quint64 version = version_;
    const QVector<int> fresh = in.fresh;
    jobs_->start<Matrix>(
        id + QStringLiteral("place"), tr("Placing new sentences (%1)").arg(m->name()), std::move(place),
        [this, id, version, fresh](Matrix &c) {
            Projection &p = state(id);
            if (version != version_ || p.coords.size() != model_->rowCount())
                return;
            const MapPoints points = toMapPoints(c);
            for (int i = 0; i < fresh.size() && i < points.size(); ++i)
                p.coords[fresh[i]] = points[i];
            projectionDone(id);
        });
}

QString ExplorerDocument::importProjection(const QString &id, const Matrix &coords, const QString &source)
{
    ProjectionMethod *m = method(id);
    if (!m)
        return tr("No projection method %1.").arg(id);
    if (m->automatic())
        return tr("The %1 map is made from the vectors; imported coordinates are shown as another map.").arg(m->name());
    const int n = model_->rowCount();
    if (n == 0)
        return tr("Open the data set first: coordinates are imported for its rows.");
    if (coords.rows() != n)
        return tr("%1 has %2 rows of coordinates, but the data set has %3 rows.").arg(source).arg(coords.rows()).arg(n);
    if (coords.cols() != 2 && coords.cols() != 3)
        return tr("%1 has %2 columns of coordinates; a map has 2 or 3.").arg(source).arg(coords.cols());
    jobs_->cancel(id);
    jobs_->cancel(id + QStringLiteral("place"));
    Projection &p = state(id);
    p.coords = toMapPoints(coords);
    p.dims = int(coords.cols());
    p.fit.reset();
    p.used = m->parameters();
    p.used[QStringLiteral("imported")] = source;
    p.refit = false;
    ++p.snapshots;
    p.status = tr("%1: coordinates from %2 (%3D, %4 rows).").arg(m->name(), source).arg(p.dims).arg(n);
    emit projectionStatus(id, p.status);
    emitProjection(id);
    return {};
}

QString ExplorerDocument::runProjection(const QString &id)
{
    ProjectionMethod *m = method(id);
    if (!m)
        return tr("No projection method %1.").arg(id);
    const int n = model_->rowCount();
    if (!vectors_ || vectors_->rows() != n)
        return tr("%1 needs a vector for every sentence: embed them first.").arg(m->name());
    if (const QString why = m->cannotRun(n); !why.isEmpty())
        return why;
    jobs_->cancel(id + QStringLiteral("place"));
    Projection &p = state(id);
    p.refit = false;
    p.snapshots = 0;
    RunControl &control = runs_[id];
    control.paused->store(false);
    control.iteration->store(0);
    const quint64 version = version_;
    ProjectionMethod::Run run = m->makeRun(vectors_);
    auto paused = control.paused;
    auto iteration = control.iteration;
    if (!m->startingStatus().isEmpty()) {
        p.status = m->startingStatus();
        emit projectionStatus(id, p.status);
    }
    jobs_->start<ProjectionOutput>(
        id, m->name(),
        [this, id, run, paused, iteration, version](JobContext &job) -> Result<ProjectionOutput> {
            // Snapshots go to the GUI at most every 45 ms: with the iteration that ends past
            // it, about 20 frames a second (50 ms gave 17-18).
            QElapsedTimer clock;
            clock.start();
            qint64 lastShown = -1000;
            // Set again once the GUI thread has applied the last frame posted and handled
            // the paint requests it made: a frame is posted only then, so frames never queue
            // up behind a slow paint (software OpenGL) and timers and input get their turn
            // between two frames.
            auto frameDone = std::make_shared<std::atomic<bool>>(true);
            ProjectionRunContext ctx{job, {}, iteration.get()};
            auto post = [&](const Matrix &c, const QString &status) {
                lastShown = clock.elapsed();
                frameDone->store(false);
                auto points = std::make_shared<MapPoints>(toMapPoints(c));
                const int dims = int(c.cols());
                job.post([this, id, points, status, dims, version, frameDone, paused] {
                    // Queued on the way out, after the update requests this frame posts, so
                    // it runs once they are handled (a zero single shot is a queued call).
                    const auto markDone = qScopeGuard([this, frameDone] {
                        QTimer::singleShot(0, this, [frameDone] { frameDone->store(true); });
                    });
                    if (version != version_ || points->size() != model_->rowCount())
                        return;
                    Projection &p = state(id);
                    p.coords = *points;
                    p.dims = dims;
                    ++p.snapshots;
                    p.status = status + (paused->load() ? tr(", paused") : QString());
                    emit projectionStatus(id, p.status);
                    emitProjection(id);
                });
            };
            // Every snapshot: posted when 45 ms have passed and the last frame is painted, or
            // when a pause starts (so the paused map is the current one), then waits while paused.
            ctx.snapshot = [&](const Matrix &c, const QString &status) {
                if ((clock.elapsed() - lastShown >= 45 && frameDone->load()) || paused->load())
                    post(c, status);
                while (paused->load() && !job.stop.stop_requested())
                    std::this_thread::sleep_for(std::chrono::milliseconds(20));
            };
            auto out = run(ctx);
            if (out)
                out->points = toMapPoints(out->coords); // here, not on the GUI thread (a million rows)
            return out;
        },
        [this, id, version](ProjectionOutput &out) {
            if (version != version_ || out.coords.rows() != model_->rowCount())
                return;
            Projection &p = state(id);
            p.coords = out.points.size() == out.coords.rows() ? std::move(out.points) : toMapPoints(out.coords);
            p.dims = std::clamp(int(out.coords.cols()), 2, 3);
            p.fit = out.fit;
            p.used = out.used;
            ++p.snapshots;
            if (!out.summary.isEmpty()) {
                p.status = out.summary;
                emit projectionStatus(id, p.status);
            }
            projectionDone(id);
        });
    return {};
}

// ---------------------------------------------------------------------------------------
// Doctor

bool ExplorerDocument::doctorCanRun() const
{
    const int n = model_->rowCount();
    if (n == 0 || rowVec_.size() != std::size_t(n))
        return false;
    const std::size_t d = rowVec_.front().size();
    return d > 0 && std::all_of(rowVec_.begin(), rowVec_.end(), [d](const auto &v) { return v.size() == d; });
}

QString ExplorerDocument::runDoctor(const doctor::DoctorConfig &config)
{
    const int n = model_->rowCount();
    if (!doctorCanRun())
        return n ? tr("The doctor needs a vector for every sentence: embed them first.")
                 : tr("No data yet: load and embed texts first.");
    // The analysis' matrix when it is current; else (vectors set but not analysed, e.g. a
    // panel of its own) the rows' vectors.
    std::shared_ptr<const Matrix> vectors = vectors_;
    if (!vectors || vectors->rows() != n) {
        auto m = std::make_shared<Matrix>(n, Eigen::Index(rowVec_.front().size()));
        for (int r = 0; r < n; ++r)
            std::copy(rowVec_[std::size_t(r)].begin(), rowVec_[std::size_t(r)].end(), m->row(r).data());
        vectors = std::move(m);
    }
    auto input = std::make_shared<DoctorResult>();
    Dataset dataset = model_->toDataset();
    input->texts = std::move(dataset.texts);
    if (const Column *label = dataset.label())
        input->labels = label->values;
    input->config = config;
    input->version = version_;
    jobs_->start<std::shared_ptr<const DoctorResult>>(
        kDoctor, tr("Data-set doctor"),
        [vectors, input](JobContext &ctx) -> Result<std::shared_ptr<const DoctorResult>> {
            auto report = doctor::diagnose(*vectors, input->texts, input->labels, input->config, ctx.progress, ctx.stop);
            if (!report)
                return report.error();
            input->report = std::move(report.value());
            return std::shared_ptr<const DoctorResult>(input);
        },
        [this](std::shared_ptr<const DoctorResult> &result) {
            if (result->version != version_)
                return;
            doctor_ = result;
            emit doctorReady();
        });
    return {};
}

void ExplorerDocument::cancelDoctor()
{
    jobs_->cancel(kDoctor);
}

bool ExplorerDocument::isDoctorRunning() const
{
    return jobs_->isRunning(kDoctor);
}

} // namespace es
