#pragma once
// The report tables of the Compare Models, "Why close?" and doctor panels, built one way:
// read-only lists with named columns, numbers with a fixed count of decimals, row numbers
// as the sentence table shows them (rownumber.h), value cells right-aligned with their
// number kept in a data role and tinted by size, bold for what stands out, and columns
// sized to their contents with the last one taking the rest.
#include "views/rownumber.h"

#include <QColor>
#include <QFont>
#include <QString>
#include <QStringList>
#include <QVariant>

#include <initializer_list>

class QTableWidget;
class QTableWidgetItem;

namespace es::reports {

// "0.953": fixed decimals, as every panel prints cosines, scores and shares.
inline QString number(double v, int decimals = 3) { return QString::number(v, 'f', decimals); }
// "+0.0123" / "-0.0040": contributions, which pull one way or the other.
inline QString signedNumber(double v, int decimals = 4)
{
    return (v >= 0 ? QStringLiteral("+") : QString()) + number(v, decimals);
}
// number(v, decimals), or missing for NaN (a figure that could not be computed).
QString figure(double v, int decimals, const QString &missing);

// How a list's columns share its width.
enum class Fill {
    LastColumn, // the last column stretches; the others keep their (fitted) widths
    AllColumns, // every column shares the width, except the fitted ones (sized to contents)
};

// A read-only list: named columns, no row header, whole rows selected, rows one line of
// text high (font height + 6 px). fitted: columns sized to their contents (Fill::AllColumns).
QTableWidget *newListTable(const QStringList &headers, Fill fill = Fill::LastColumn,
                           std::initializer_list<int> fitted = {});

// The cell of a row number: displayRow(row) with the 0-based row in role.
QTableWidgetItem *rowNumberItem(int row, int role);
// A value cell: text right-aligned, value in role (when valid), the background tinted from
// base toward tint by strength (0: base; none when tint is invalid).
QTableWidgetItem *valueItem(const QString &text, const QVariant &value = {}, int role = -1,
                            const QColor &base = {}, const QColor &tint = {}, double strength = 0);

// Bold text: a group's heading, the better of two figures. Table items have one font,
// tree items one per column.
template <class Item>
void setBold(Item *item)
{
    QFont f = item->font();
    f.setBold(true);
    item->setFont(f);
}
template <class Item>
void setBold(Item *item, int column)
{
    QFont f = item->font(column);
    f.setBold(true);
    item->setFont(column, f);
}

// Every column but the last sized to its contents (the last takes the rest): lists of a
// table or a tree widget.
template <class View>
void fitColumnsButLast(View *view)
{
    for (int c = 0; c < view->columnCount() - 1; ++c)
        view->resizeColumnToContents(c);
}

} // namespace es::reports
