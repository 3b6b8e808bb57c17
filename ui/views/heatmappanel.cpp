#include "views/heatmappanel.h"

#include "document/explorerdocument.h"
#include "models/sentencemodel.h"
#include "views/heatmapview.h"
#include "views/legend.h"
#include "views/palette.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>
#include <numeric>

namespace es {

HeatmapPanel::HeatmapPanel(ExplorerDocument *doc, JobRunner *jobs, QItemSelectionModel *selection, QWidget *parent)
    : QWidget(parent), doc_(doc)
{
    auto *heatLay = new QVBoxLayout(this);
    heatLay->setContentsMargins(0, 0, 0, 0);
    auto *heatBar = new QHBoxLayout;
    heatBar->addWidget(new QLabel(tr("Order:"), this));
    order_ = new QComboBox(this);
    order_->setObjectName(QStringLiteral("heatmapOrder"));
    order_->addItem(tr("input"), QStringLiteral("input"));
    order_->addItem(tr("label"), QStringLiteral("label"));
    order_->addItem(tr("similarity (clusters)"), QStringLiteral("cluster"));
    order_->setCurrentIndex(1); // by label: the groups show as blocks along the diagonal
    heatBar->addWidget(order_);
    heatBar->addSpacing(12);
    heatBar->addWidget(new QLabel(tr("Colours:"), this));
    colors_ = new QComboBox(this);
    colors_->addItem(tr("sequential (viridis)"));
    colors_->addItem(tr("diverging (-1 to 1)"));
    heatBar->addWidget(colors_);
    auto *resetZoom = new QPushButton(tr("Reset zoom"), this);
    heatBar->addWidget(resetZoom);
    heatBar->addStretch(1);
    heatLay->addLayout(heatBar);
    heatmap_ = new HeatmapView(this);
    heatmap_->setObjectName(QStringLiteral("heatmap"));
    heatmap_->setSelectionModel(selection);
    heatmap_->setJobRunner(jobs);
    SentenceModel *model = doc_->model();
    heatmap_->setTextProvider([model](int r) { return r >= 0 && r < model->rowCount() ? model->text(r) : QString(); });
    auto *heatRow = new QHBoxLayout;
    heatRow->addWidget(heatmap_, 1);
    legend_ = new LegendWidget(this);
    legend_->setObjectName(QStringLiteral("heatmapLegend"));
    heatRow->addWidget(legend_, 0, Qt::AlignTop);
    heatLay->addLayout(heatRow, 1);
    connect(order_, &QComboBox::currentIndexChanged, this, &HeatmapPanel::updateOrder);
    connect(colors_, &QComboBox::currentIndexChanged, this, [this](int i) {
        heatmap_->setColorMap(i == 1 ? HeatmapView::ColorMap::Diverging : HeatmapView::ColorMap::Sequential);
    });
    connect(resetZoom, &QPushButton::clicked, heatmap_, &HeatmapView::resetView);
}

void HeatmapPanel::setGroups(const QVector<int> &group, const QList<PointGroup> &groups, const QVector<int> &counts,
                             const QString &title)
{
    group_ = group;
    heatmap_->setGroups(group, groups);
    QList<LegendEntry> entries;
    for (int g = 0; g < groups.size(); ++g)
        entries.append(LegendEntry{groups[g].name, groups[g].color, counts.value(g), true});
    legend_->setTitle(title);
    legend_->setEntries(entries);
    legend_->setVisible(!entries.isEmpty());
}

void HeatmapPanel::updateOrder()
{
    const int n = heatmap_->count();
    if (n == 0)
        return;
    const QString mode = order_->currentData().toString();
    QVector<int> order(n);
    std::iota(order.begin(), order.end(), 0);
    if (mode == QLatin1String("cluster")) {
        if (const auto cluster = doc_->clusterOrder(); cluster && int(cluster->size()) == n) {
            order = QVector<int>(cluster->begin(), cluster->end());
        } else {
            doc_->requestClusterOrder(); // clusterOrderReady
            return;
        }
    } else if (mode == QLatin1String("label") && group_.size() == n) {
        // A stable counting sort by label (rows without one last): linear in the rows, so a
        // million-row set does not stall the GUI thread on a comparison sort.
        int labels = 0;
        for (int g : std::as_const(group_))
            labels = std::max(labels, g + 1);
        QVector<int> start(labels + 2, 0);
        const auto bucket = [&](int g) { return g < 0 ? labels : g; };
        for (int g : std::as_const(group_))
            ++start[bucket(g) + 1];
        for (int b = 0; b <= labels; ++b)
            start[b + 1] += start[b];
        for (int i = 0; i < n; ++i)
            order[start[bucket(group_[i])]++] = i;
    }
    if (order != heatmap_->order())
        heatmap_->setOrder(order);
}

void HeatmapPanel::saveState(QJsonObject &params) const
{
    params[QStringLiteral("heatmapOrder")] = order_->currentData().toString();
    params[QStringLiteral("heatmapColors")] = colors_->currentIndex() == 1 ? QStringLiteral("diverging")
                                                                           : QStringLiteral("sequential");
}

void HeatmapPanel::restoreState(const QJsonObject &o)
{
    const int order = order_->findData(o.value(QStringLiteral("heatmapOrder")).toString());
    if (order >= 0)
        order_->setCurrentIndex(order);
    colors_->setCurrentIndex(o.value(QStringLiteral("heatmapColors")).toString() == QLatin1String("diverging") ? 1 : 0);
}

} // namespace es
