#include "views/inspectorview.h"

#include "models/sentencemodel.h"
#include "views/rownumber.h"

#include <QEvent>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QScrollBar>
#include <QStyledItemDelegate>
#include <QTimer>
#include <QTextBrowser>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <numeric>

namespace es {

namespace {

// The neighbours' sentence column: each sentence wraps to the column's width (its row as
// tall as the lines need) instead of running on to the right. QTreeView measures rows
// without the column width, so the delegate asks the header for it.
class WrappingDelegate : public QStyledItemDelegate {
public:
    WrappingDelegate(QTreeWidget *tree, int column) : QStyledItemDelegate(tree), tree_(tree), column_(column) {}

    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QSize s = QStyledItemDelegate::sizeHint(option, index);
        if (index.column() != column_)
            return s;
        const int margin = tree_->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, tree_) + 1;
        const int width = std::max(40, tree_->header()->sectionSize(column_) - 2 * margin - 2);
        const QRect r = QFontMetrics(option.font).boundingRect(QRect(0, 0, width, 1 << 20),
                                                               Qt::TextWordWrap, index.data().toString());
        return {width, std::max(s.height(), r.height() + 4)};
    }

private:
    QTreeWidget *tree_;
    int column_;
};

} // namespace

InspectorView::InspectorView(QWidget *parent) : QWidget(parent)
{
    auto *lay = new QVBoxLayout(this);
    title_ = new QLabel(this);
    title_->setObjectName(QStringLiteral("inspectorTitle"));
    QFont f = title_->font();
    f.setBold(true);
    title_->setFont(f);
    text_ = new QTextBrowser(this);
    text_->setMinimumHeight(60);
    text_->setMaximumHeight(120);
    text_->setOpenLinks(false);
    metaBox_ = new QWidget(this);
    meta_ = new QFormLayout(metaBox_);
    meta_->setContentsMargins(0, 0, 0, 0);
    neighborsTitle_ = new QLabel(this);
    neighborsTitle_->setObjectName(QStringLiteral("inspectorNeighborsTitle"));
    neighborsTitle_->setWordWrap(true);
    neighbors_ = new QTreeWidget(this);
    neighbors_->setRootIsDecorated(false);
    neighbors_->setColumnCount(4);
    neighbors_->setHeaderLabels({tr("#"), tr("cosine"), tr("in map"), tr("sentence")});
    // The numbers as narrow as they are, the sentence exactly the rest of the width (set
    // on every resize: a stretched last section kept its old width when the vertical scroll
    // bar appeared, and ran under it). The scroll bar is always there, so that wrapping the
    // rows to a new height never changes the width it wraps to.
    neighbors_->header()->setStretchLastSection(false);
    neighbors_->header()->setMinimumSectionSize(16);
    for (int c = 0; c < 3; ++c)
        neighbors_->header()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    neighbors_->header()->setSectionResizeMode(3, QHeaderView::Fixed);
    neighbors_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    neighbors_->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOn);
    neighbors_->setWordWrap(true);
    neighbors_->setTextElideMode(Qt::ElideNone);
    neighbors_->setUniformRowHeights(false);
    neighbors_->setItemDelegateForColumn(3, new WrappingDelegate(neighbors_, 3));
    neighbors_->viewport()->installEventFilter(this);
    connect(neighbors_->header(), &QHeaderView::sectionResized, this, [this](int section) {
        if (section < 3)
            fitSentenceColumn();
    });
    neighbors_->setToolTip(tr("Nearest sentences by cosine similarity of the full vectors. "
                              "\"in map\" says whether the projection also puts them among "
                              "the nearest points."));
    distortion_ = new QLabel(this);
    distortion_->setWordWrap(true);
    lay->addWidget(title_);
    lay->addWidget(text_);
    lay->addWidget(metaBox_);
    lay->addWidget(neighborsTitle_);
    lay->addWidget(neighbors_, 1);
    lay->addWidget(distortion_);
    connect(neighbors_, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem *item) {
        emit neighborActivated(item->data(0, Qt::UserRole).toInt());
    });
    connect(neighbors_, &QTreeWidget::itemClicked, this, [this](QTreeWidgetItem *item) {
        emit neighborActivated(item->data(0, Qt::UserRole).toInt());
    });
    refresh();
}

void InspectorView::fitSentenceColumn()
{
    QHeaderView *h = neighbors_->header();
    int used = 0;
    for (int c = 0; c < 3; ++c)
        used += h->sectionSize(c);
    const int width = std::max(40, neighbors_->viewport()->width() - used);
    if (h->sectionSize(3) == width)
        return;
    h->resizeSection(3, width);
    // The wrapped rows' heights follow the new width.
    QTimer::singleShot(0, neighbors_, [tree = neighbors_] { tree->doItemsLayout(); });
}

bool InspectorView::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == neighbors_->viewport() && event->type() == QEvent::Resize)
        fitSentenceColumn();
    return QWidget::eventFilter(watched, event);
}

void InspectorView::setModel(SentenceModel *model)
{
    if (model_)
        disconnect(model_, nullptr, this, nullptr);
    model_ = model;
    if (model_) {
        connect(model_, &QAbstractItemModel::dataChanged, this, &InspectorView::refresh);
        connect(model_, &QAbstractItemModel::modelReset, this, [this] { showRow(-1); });
        connect(model_, &QAbstractItemModel::rowsRemoved, this, [this] { showRow(-1); });
    }
    refresh();
}

void InspectorView::setNeighbors(std::shared_ptr<const analysis::Neighbors> neighbors)
{
    knn_ = std::move(neighbors);
    refresh();
}

void InspectorView::setNeighborsOfRow(int row, std::shared_ptr<const analysis::Neighbors> one)
{
    oneRowOf_ = one && one->k > 0 && !one->index.empty() ? row : -1;
    oneRow_ = oneRowOf_ >= 0 ? std::move(one) : nullptr;
    refresh();
}

void InspectorView::setProjection(const QVector<QVector3D> &coords, int dims, const QString &name)
{
    coords_ = coords;
    dims_ = dims;
    projectionName_ = name;
    refresh();
}

void InspectorView::showRow(int row)
{
    row_ = row;
    refresh();
}

QString InspectorView::shownText() const
{
    return text_->toPlainText();
}

QVector<int> InspectorView::projectionNeighbors(int row, int k) const
{
    const int n = int(coords_.size());
    if (row < 0 || row >= n || k <= 0)
        return {};
    auto dist = [&](int j) {
        QVector3D d = coords_[j] - coords_[row];
        if (dims_ < 3)
            d.setZ(0);
        return d.lengthSquared();
    };
    QVector<int> idx(n);
    std::iota(idx.begin(), idx.end(), 0);
    idx.removeAt(row);
    k = std::min(k, int(idx.size()));
    std::partial_sort(idx.begin(), idx.begin() + k, idx.end(), [&](int a, int b) {
        const float da = dist(a), db = dist(b);
        return da < db || (da == db && a < b);
    });
    idx.resize(k);
    return idx;
}

void InspectorView::refresh()
{
    shown_.clear();
    neighbors_->clear();
    while (meta_->rowCount() > 0)
        meta_->removeRow(0);
    const bool valid = model_ && row_ >= 0 && row_ < model_->rowCount();
    if (!valid) {
        title_->setText(tr("No sentence chosen")); // the dock's title already says "Inspector"
        text_->setPlainText(QString());
        text_->setPlaceholderText(tr("Click a sentence, a point or a heatmap cell."));
        neighborsTitle_->clear();
        distortion_->clear();
        return;
    }
    title_->setText(tr("Sentence %1").arg(displayRow(row_)));
    const SentenceModel::Row &r = model_->rowAt(row_);
    text_->setPlainText(r.text);
    meta_->addRow(tr("%1:").arg(model_->headerData(SentenceModel::LabelColumn, Qt::Horizontal).toString()),
                  new QLabel(r.label.isEmpty() ? tr("(none)") : r.label));
    const QStringList names = model_->metadataNames();
    for (int m = 0; m < names.size(); ++m) {
        auto *l = new QLabel(r.metadata.value(m));
        l->setWordWrap(true);
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);
        meta_->addRow(names[m] + QLatin1Char(':'), l);
    }
    // Every row's neighbours, or (large sets) those of this row alone.
    const analysis::Neighbors *knn = knn_.get();
    int at = row_;
    if (oneRow_ && oneRowOf_ == row_) {
        knn = oneRow_.get();
        at = 0;
    }
    if (!knn || knn->k == 0 || std::size_t(at) * knn->k >= knn->index.size()) {
        neighborsTitle_->setText(tr("Nearest neighbours appear after embedding."));
        distortion_->clear();
        return;
    }
    const int k = knn->k;
    const QVector<int> near = projectionNeighbors(row_, k);
    // Neighbours from the approximate search (large sets) may miss some true ones: the header says so.
    neighborsTitle_->setText(knn->approximate
                                 ? tr("%n nearest by cosine (original space), approximate:", nullptr, k)
                                 : tr("%n nearest by cosine (original space):", nullptr, k));
    neighborsTitle_->setToolTip(knn->approximate ? tr("Found by the approximate search: a few true "
                                                      "neighbours may be missing.")
                                                 : QString());
    int kept = 0;
    for (int i = 0; i < k; ++i) {
        const int nb = knn->at(at, i);
        const float s = knn->sim(at, i);
        const bool inMap = near.contains(nb);
        kept += inMap;
        shown_.append({nb, s, inMap});
        auto *item = new QTreeWidgetItem(neighbors_);
        item->setText(0, displayRow(nb));
        item->setData(0, Qt::UserRole, nb);
        item->setText(1, QString::number(double(s), 'f', 3));
        item->setText(2, near.isEmpty() ? QStringLiteral("-") : inMap ? tr("yes") : tr("no"));
        item->setForeground(2, inMap ? QColor(0, 140, 60) : QColor(200, 60, 40));
        item->setText(3, nb < model_->rowCount() ? model_->text(nb) : QString());
        item->setToolTip(3, item->text(3));
    }
    fitSentenceColumn();
    if (near.isEmpty())
        distortion_->setText(tr("No projection yet."));
    else
        distortion_->setText(tr("%1 of %2 true neighbours are also among the %2 nearest points in %3.")
                                 .arg(kept).arg(k).arg(projectionName_));
}

} // namespace es
