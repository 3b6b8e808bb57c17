#pragma once
// InspectorView: everything about one sentence: its full text, label and metadata, its k
// nearest neighbours by exact cosine in the original space (with similarities), and which
// of them are also among its k nearest in the current projection, so users see what the
// projection distorts. Activating a neighbour asks the window to select that row.
#include "analysis/neighbors.h"

#include <QPointer>
#include <QVector3D>
#include <QVector>
#include <QWidget>

#include <memory>

class QLabel;
class QTreeWidget;
class QFormLayout;
class QTextBrowser;

namespace es {

class SentenceModel;

class InspectorView : public QWidget {
    Q_OBJECT
public:
    explicit InspectorView(QWidget *parent = nullptr);

    void setModel(SentenceModel *model);
    void setNeighbors(std::shared_ptr<const analysis::Neighbors> neighbors);
    // Large sets have no neighbours of every row (setNeighbors(nullptr)): the window computes
    // those of the row shown when it is chosen and hands them over here, `one` holding a
    // single row of neighbours (row 0) that belongs to data row `row`.
    void setNeighborsOfRow(int row, std::shared_ptr<const analysis::Neighbors> one);
    // Coordinates of the current projection (one per row) and its name ("PCA 2D").
    void setProjection(const QVector<QVector3D> &coords, int dims, const QString &name);
    // Shows one row, or nothing for -1.
    void showRow(int row);
    int currentRow() const { return row_; }

    // For tests and exports: the neighbours shown (row, similarity, near in the map).
    struct Shown {
        int row;
        float similarity;
        bool nearInProjection;
    };
    QVector<Shown> shownNeighbors() const { return shown_; }
    QString shownText() const;

signals:
    void neighborActivated(int row);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void refresh();
    // The sentence column takes exactly the width the other columns leave.
    void fitSentenceColumn();
    QVector<int> projectionNeighbors(int row, int k) const;

    QPointer<SentenceModel> model_;
    std::shared_ptr<const analysis::Neighbors> knn_;
    std::shared_ptr<const analysis::Neighbors> oneRow_; // neighbours of oneRowOf_ alone
    int oneRowOf_ = -1;
    QVector<QVector3D> coords_;
    int dims_ = 2;
    QString projectionName_;
    int row_ = -1;
    QVector<Shown> shown_;

    QLabel *title_;
    QTextBrowser *text_;
    QWidget *metaBox_;
    QFormLayout *meta_;
    QLabel *neighborsTitle_;
    QTreeWidget *neighbors_;
    QLabel *distortion_;
};

} // namespace es
