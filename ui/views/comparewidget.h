#pragma once
// CompareWidget: the same texts under two embedding models, side by side (issue 8).
//  - Summary per model on labelled data: leave-one-out k-NN label accuracy and silhouette
//    by label (cosine), plus the mean k-NN overlap and the Procrustes disparity.
//  - Projections: 2D PCA of each model, B aligned onto A by Procrustes (rotation, reflection,
//    scale) so the two maps are comparable; selection is linked between them.
//  - Heatmaps: cosine similarity under A, under B (same row order: by label, then row) and
//    the difference B - A on a diverging scale. Beyond heatmapLimit() items (default 3,000)
//    the heatmaps are skipped, never N x N.
//  - Neighbourhood change: every item with the overlap of its k nearest neighbours between
//    the models, the most changed first.
// Everything (both embeddings, the comparison, the matrices) runs in one JobRunner job of
// kind "compare" with progress and Cancel.
//
// Inputs: either model strings as `embedscope compare --a/--b` takes them (local, lexical,
// hybrid, PROVIDER[:MODEL][@URL]; the widget embeds), or two ready vector matrices.
//
// Wiring in the main window:
//   auto *cmp = new es::CompareWidget(jobRunner);
//   window->layout()->addWidget(cmp);                  // MainWindow: its own window (Tools menu);
//                                                      // never beside a 3D view in a splitter
//   cmp->setDataset(dataset);                          // texts and labels
//   cmp->setKeyProvider([this](const es::EmbedderSpec &s) { return keyFor(s.provider); });
//   cmp->setConsentHandler([this](const QString &model, int texts) { return askConsent(model, texts); });
//   connect(cmp, &es::CompareWidget::rowsActivated, this, &MainWindow::selectRows);
//   // the user picks the models in the widget and presses Compare; or from code:
//   cmp->setModels("local", "lexical"); cmp->compare();
//   cmp->compareVectors(vectorsA, "GloVe", vectorsB, "OpenAI");   // two ready matrices
#include "dataset/dataset.h"
#include "doctor/compare.h"
#include "embed/factory.h"

#include <QPointer>
#include <QString>
#include <QVector>
#include <QWidget>

#include <functional>
#include <memory>
#include <optional>

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QTableWidget;

namespace es {

class HeatmapView;
class JobContext;
class JobRunner;
class Scatter2DView;

class CompareWidget : public QWidget {
    Q_OBJECT
public:
    explicit CompareWidget(JobRunner *runner = nullptr, QWidget *parent = nullptr);
    ~CompareWidget() override;

    void setJobRunner(JobRunner *runner);
    // Texts and labels (the label column, if any). Clears the comparison.
    void setDataset(const Dataset &dataset);
    // Model strings shown in the two pickers.
    void setModels(const QString &modelA, const QString &modelB);
    // Adds a choice to both pickers' lists (e.g. the window's configured provider), once.
    void addModelChoice(const QString &model);
    QStringList modelChoices() const;
    QString modelA() const;
    QString modelB() const;
    void setK(int k);
    int k() const;
    void setHeatmapLimit(int n) { heatmapLimit_ = n; }
    int heatmapLimit() const { return heatmapLimit_; }
    // Fills the API key of a remote model's spec (the window's key store); default: none.
    void setKeyProvider(std::function<std::string(const EmbedderSpec &)> keyOf) { keyOf_ = std::move(keyOf); }
    // Asked before texts leave the machine; default: a question box.
    void setConsentHandler(std::function<bool(const QString &model, int texts)> ask) { consent_ = std::move(ask); }

    // The last comparison, or nullptr.
    const doctor::CompareResult *result() const { return result_ ? &result_->compare : nullptr; }
    QString nameA() const { return nameA_; }
    QString nameB() const { return nameB_; }
    bool isRunning() const;
    QVector<int> selection() const { return selection_; }

    // For tests and the window.
    QTableWidget *overlapTable() const { return overlap_; }
    QTableWidget *summaryTable() const { return summary_; }
    Scatter2DView *projectionA() const { return scatterA_; }
    Scatter2DView *projectionB() const { return scatterB_; }
    HeatmapView *heatmapA() const { return heatA_; }
    HeatmapView *heatmapB() const { return heatB_; }
    HeatmapView *heatmapDifference() const { return heatDiff_; }
    QTabWidget *tabs() const { return tabs_; }

public slots:
    // Embeds the texts with both models, then compares.
    void compare();
    // Compares two ready matrices (same rows as the data set).
    void compareVectors(std::shared_ptr<const Matrix> a, const QString &nameA, std::shared_ptr<const Matrix> b,
                        const QString &nameB);
    void cancel();
    // Linked selection: selects rows in both projections and the table.
    void setSelection(const QVector<int> &rows);

signals:
    void rowsActivated(const QVector<int> &rows);
    void compared();
    void failed(const QString &message);

private:
    struct Output {
        doctor::CompareResult compare;
        std::shared_ptr<const Matrix> simA, simB, diff; // empty beyond the heatmap limit
        QString nameA, nameB;
        int dimsA = 0, dimsB = 0;
    };
    // The comparison of two embeddings of the same texts (plus both heatmaps and their
    // difference up to limit rows); compareEmbeddings' progress mapped into [from, to].
    static Result<Output> compareMatrices(const Matrix &a, const Matrix &b, const std::vector<std::string> &labels,
                                          int k, int limit, JobContext &ctx, double from, double to);
    void buildUi();
    void start(std::function<Result<Output>(JobContext &)> work);
    void refresh();
    void fillSummary();
    void fillOverlap();
    QString labelOf(int row) const;

    QPointer<JobRunner> runner_;
    JobRunner *ownRunner_ = nullptr;
    Dataset dataset_;
    std::vector<std::string> labels_;
    std::optional<Output> result_;
    QString nameA_, nameB_;
    QVector<int> selection_;
    int heatmapLimit_ = 3000;
    quint64 request_ = 0;
    bool syncing_ = false;
    std::function<std::string(const EmbedderSpec &)> keyOf_;
    std::function<bool(const QString &, int)> consent_;

    QComboBox *pickA_ = nullptr, *pickB_ = nullptr;
    QSpinBox *k_ = nullptr;
    QPushButton *compareButton_ = nullptr, *cancelButton_ = nullptr;
    QProgressBar *progress_ = nullptr;
    QLabel *status_ = nullptr;
    QTableWidget *summary_ = nullptr;
    QLabel *summaryNote_ = nullptr;
    QTabWidget *tabs_ = nullptr;
    QLabel *titleA_ = nullptr, *titleB_ = nullptr;
    QLabel *heatTitleA_ = nullptr, *heatTitleB_ = nullptr;
    Scatter2DView *scatterA_ = nullptr, *scatterB_ = nullptr;
    HeatmapView *heatA_ = nullptr, *heatB_ = nullptr, *heatDiff_ = nullptr;
    QTableWidget *overlap_ = nullptr;
};

} // namespace es
