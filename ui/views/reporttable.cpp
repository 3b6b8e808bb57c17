#include "views/reporttable.h"

#include "views/palette.h"

#include <QHeaderView>
#include <QTableWidget>

#include <cmath>

namespace es::reports {

QString figure(double v, int decimals, const QString &missing)
{
    return std::isnan(v) ? missing : number(v, decimals);
}

QTableWidget *newListTable(const QStringList &headers, Fill fill, std::initializer_list<int> fitted)
{
    auto *table = new QTableWidget(0, int(headers.size()));
    // Named columns from the start (an empty table would show "1 2 3").
    table->setHorizontalHeaderLabels(headers);
    table->verticalHeader()->setVisible(false);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    if (fill == Fill::LastColumn) {
        table->horizontalHeader()->setStretchLastSection(true);
    } else {
        table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
        for (int c : fitted)
            table->horizontalHeader()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    }
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 6);
    return table;
}

QTableWidgetItem *rowNumberItem(int row, int role)
{
    auto *item = new QTableWidgetItem(displayRow(row));
    item->setData(role, row);
    return item;
}

QTableWidgetItem *valueItem(const QString &text, const QVariant &value, int role, const QColor &base,
                            const QColor &tint, double strength)
{
    auto *item = new QTableWidgetItem(text);
    if (value.isValid() && role >= 0)
        item->setData(role, value);
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    if (tint.isValid())
        item->setBackground(palette::mix(base, tint, strength));
    return item;
}

} // namespace es::reports
