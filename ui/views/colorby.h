#pragma once
// Colour by a column: what the window's "Colour by" box and `render --color-by` both do
// with a column's values (one code path, so a picture matches the window).
//  - Categorical (text, or at most kMaxNumericGroups distinct numbers): one group per value
//    (palette::groupsFromValues, by name, at most 24 with "(other)" last).
//  - Numeric (every non-empty value a finite number, more than kMaxNumericGroups distinct):
//    kBins equal-width bins between the smallest and the largest value, each a group in
//    the continuous colour (palette::sequentialColor) of its middle; the legend draws the
//    bins as a colour bar (LegendScale) naming the column and its range.
//  Empty cells and "NaN" / "nan" have no value: their rows go to a grey "missing" group.
#include "views/legend.h"
#include "views/palette.h"

#include <QString>
#include <QStringList>

namespace es::colorby {

inline constexpr int kBins = 32;
inline constexpr int kMaxNumericGroups = 8;

struct Coloring {
    QString title;            // the column's name, the legend's title
    bool numeric = false;
    QVector<int> group;       // per row, index into groups (every row has one)
    QList<PointGroup> groups; // categorical: values (+ "missing"); numeric: kBins bins (+ "missing")
    QVector<int> counts;      // rows per group
    LegendScale scale;        // numeric: the colour bar (bins = 0 when categorical)
    int missing = 0;          // rows without a value
};

// True when every non-empty value parses as a finite number ("NaN" counts as empty) and
// there are more than kMaxNumericGroups distinct numbers.
bool isNumeric(const QStringList &values);
Coloring fromValues(const QString &title, const QStringList &values, bool dark);
// The name of the missing-value group.
QString missingName();

} // namespace es::colorby
