#pragma once
// Row numbers as a person reads them. The sentence table counts rows from 1, so everything
// the window shows (tooltips, inspector, explain titles, the doctor's and Compare Models'
// tables, messages) numbers a row the same way, through this one function (DESIGN.md s.4).
// Files written for scripts (the CLI's CSV outputs, the doctor's CSV export) keep the
// 0-based `row` column instead: row i there is row i of the loaded data set.
#include <QString>

namespace es {

// "15" for the 0-based row 14: the number the sentence table shows beside that row.
inline QString displayRow(int zeroBasedRow)
{
    return QString::number(qint64(zeroBasedRow) + 1);
}

} // namespace es
