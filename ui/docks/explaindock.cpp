#include "docks/explaindock.h"

#include "document/explorerdocument.h"
#include "models/sentencemodel.h"
#include "views/explainview.h"

#include <QItemSelectionModel>

#include <algorithm>

namespace es {

ExplainDock::ExplainDock(ExplorerDocument *doc, JobRunner *jobs, QItemSelectionModel *selection, QWidget *parent)
    : SideDock(tr("Why close?"), QStringLiteral("explainDock"), parent), doc_(doc), selection_(selection)
{
    explain_ = new ExplainView(jobs, this);
    setScrollableWidget(explain_);
    raiseWhenShown();
    connect(doc_, &ExplorerDocument::vectorsReady, this, [this] {
        explain_->setTexts(doc_->model()->texts());
        explain_->setEmbedder(doc_->explainEmbedder());
    });
    connect(selection_, &QItemSelectionModel::selectionChanged, this, [this] {
        if (!isVisible())
            return;
        const QModelIndexList rows = selection_->selectedRows();
        if (rows.size() == 2)
            explain_->explainRows(std::min(rows[0].row(), rows[1].row()), std::max(rows[0].row(), rows[1].row()));
    });
}

void ExplainDock::explainCell(int a, int b)
{
    if (isVisible() && a != b)
        explain_->explainRows(a, b);
}

void ExplainDock::explainSelection()
{
    QVector<int> rows;
    for (const QModelIndex &i : selection_->selectedRows())
        rows.append(i.row());
    std::sort(rows.begin(), rows.end());
    show();
    raise();
    if (rows.size() != 2) {
        emit message(tr("Select exactly two sentences (or click a heatmap cell) to see why they are close."));
        return;
    }
    explain_->setTexts(doc_->model()->texts());
    explain_->explainRows(rows[0], rows[1]);
}

} // namespace es
