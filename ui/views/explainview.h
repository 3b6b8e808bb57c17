#pragma once
// ExplainView: "why are these two close?" for two rows (a heatmap cell, two selected points).
//  - Local GloVe-SIF model (es::local::SifEmbedder): the EXACT split of the cosine into
//    word-pair contributions (SifEmbedder::explainSimilarity). Two tables list the pairs
//    that pull the texts together (largest first) and apart (most negative first); all
//    values together sum to the cosine. Each word of both sentences is highlighted by its
//    total contribution (blue pulls together, orange pulls apart).
//  - Any other embedder (HTTP, lexical, hybrid): nothing is computed until the user asks
//    ("Estimate" button, or estimate()): then the LEAVE-ONE-WORD-OUT ESTIMATE
//    (es::doctor::leaveOneWordOut) re-embeds both texts without each word in turn (one
//    batch; its size is shown on the button, as it may cost money). The result is labelled
//    an estimate everywhere: per-word influences, which need not sum to the cosine.
// Work runs through the JobRunner (kind "explain"); a new request cancels the old one.
//
// Wiring in the main window:
//   auto *explain = new es::ExplainView(jobRunner);
//   addDockWidget(Qt::BottomDockWidgetArea, dock(tr("Why close?"), explain));
//   explain->setEmbedder(currentEmbedder);          // std::shared_ptr<es::Embedder>; after a
//   explain->setTexts(texts);                       //   model change / (re-)embedding
//   connect(heatmap, &es::HeatmapView::cellClicked, explain, &es::ExplainView::explainRows);
//   // or, when exactly two rows are selected: explain->explainRows(rows[0], rows[1]);
// The embedder is used from a worker thread for the estimate: hand over one that no other
// job is using at the same time (e.g. a second es::makeEmbedder(spec) for an HTTP model), or
// wrap a shared one in SerializedEmbedder with the mutex its other users hold.
// Lexical and hybrid vectors depend on the whole batch (the IDF): their estimate embeds the
// data set's texts (setTexts) in the same call, so its cosine is the data set's.
#include "doctor/explain.h"
#include "embed/embedder.h"
#include "embed/local/local_embedder.h"

#include <QPointer>
#include <QStringList>
#include <QWidget>

#include <memory>
#include <mutex>
#include <optional>

class QLabel;
class QProgressBar;
class QPushButton;
class QSplitter;
class QTableWidget;
class QTextBrowser;

namespace es {

class JobRunner;

// An embedder shared with other jobs (the window's, used by its embedding jobs), called one
// embed() at a time under their common mutex.
class SerializedEmbedder final : public Embedder {
public:
    SerializedEmbedder(std::shared_ptr<Embedder> inner, std::shared_ptr<std::mutex> mutex)
        : inner_(std::move(inner)), mutex_(std::move(mutex)) {}
    std::string id() const override { return inner_->id(); }
    std::string displayName() const override { return inner_->displayName(); }
    int dimensions() const override { return inner_->dimensions(); }
    bool isRemote() const override { return inner_->isRemote(); }
    Result<EmbedResult> embed(const std::vector<std::string> &texts, const Progress &progress = {},
                              std::stop_token stop = {}) override
    {
        std::lock_guard lock(*mutex_);
        return inner_->embed(texts, progress, stop);
    }
    SendEstimate estimate(const std::vector<std::string> &texts) const override { return inner_->estimate(texts); }

private:
    std::shared_ptr<Embedder> inner_;
    std::shared_ptr<std::mutex> mutex_;
};

class ExplainView : public QWidget {
    Q_OBJECT
public:
    enum class Mode {
        None,     // nothing shown
        Exact,    // word-pair split of the local model
        Offer,    // another model: the estimate is offered, not computed yet
        Estimate, // leave-one-word-out estimate shown
    };

    explicit ExplainView(JobRunner *runner = nullptr, QWidget *parent = nullptr);
    ~ExplainView() override;

    void setJobRunner(JobRunner *runner);
    // The model that made the vectors (nullptr: none). A SifEmbedder gives the exact split.
    void setEmbedder(std::shared_ptr<Embedder> embedder);
    // The data set's texts, for explainRows().
    void setTexts(const QStringList &texts);

    Mode mode() const { return mode_; }
    bool isExact() const { return mode_ == Mode::Exact; }
    bool isRunning() const;
    double cosine() const { return cosine_; }
    int rowA() const { return rowA_; }
    int rowB() const { return rowB_; }

    // For tests and exports.
    QTableWidget *togetherTable() const { return together_; }
    QTableWidget *apartTable() const { return apart_; }
    QTextBrowser *sentences() const { return sentences_; }
    QPushButton *estimateButton() const { return estimateButton_; }
    // The value of every line of both tables (pair contributions or word influences).
    QVector<double> tableValues() const;

public slots:
    void explainRows(int rowA, int rowB);
    // Two texts; rowA/rowB only label the title (-1: typed texts).
    void explainTexts(const QString &textA, const QString &textB, int rowA = -1, int rowB = -1);
    // Starts the leave-one-word-out estimate for the texts shown.
    void estimate();
    void clear();

signals:
    void explained(); // a result (exact or estimate) is shown
    void failed(const QString &message);

protected:
    // Narrow (a side dock): "Pull together" above "Pull apart"; wide: side by side.
    void resizeEvent(QResizeEvent *event) override;

private:
    void buildUi();
    void showExact(const local::SimilarityExplanation &e);
    void showEstimate(const doctor::LeaveOneOutEstimate &e);
    void showOffer();
    void setTitle();
    void fillTable(QTableWidget *table, const QList<QStringList> &rows, const QVector<double> &values, bool together);

    QPointer<JobRunner> runner_;
    JobRunner *ownRunner_ = nullptr;
    std::shared_ptr<Embedder> embedder_;
    std::shared_ptr<local::SifEmbedder> sif_;
    QStringList texts_;
    QString textA_, textB_;
    int rowA_ = -1, rowB_ = -1;
    Mode mode_ = Mode::None;
    double cosine_ = 0;
    quint64 request_ = 0; // results for an older request are dropped

    QLabel *title_ = nullptr;
    QLabel *badge_ = nullptr;
    QTextBrowser *sentences_ = nullptr;
    QLabel *togetherTitle_ = nullptr;
    QLabel *apartTitle_ = nullptr;
    QTableWidget *together_ = nullptr;
    QTableWidget *apart_ = nullptr;
    QSplitter *split_ = nullptr;
    QLabel *note_ = nullptr;
    QPushButton *estimateButton_ = nullptr;
    QProgressBar *progress_ = nullptr;
};

} // namespace es
