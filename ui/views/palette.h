#pragma once
// Group colours and view colours shared by the scatter views, the legend, the heatmap's
// label strips and the exported images.
//
// Group colours are colour-blind safe: the first 8 are Okabe-Ito (Okabe & Ito 2008, the
// palette recommended by Nature Methods' "Points of view"), the next 12 a hand-picked set
// of darker/muted hues that stay apart from them (after Paul Tol's "muted" scheme), and
// beyond 20 colours are generated on the golden-angle hue circle with alternating
// lightness, so any number of groups gets distinct, deterministic colours.
//
// View colours follow the widget palette (light or dark theme, see ui/theme.h).
#include "views/pointview.h"

#include <QColor>
#include <QList>
#include <QPalette>
#include <QString>
#include <QStringList>
#include <QVector>

namespace es::palette {

// Colour of group i (0-based); dark = the palette for a dark background (Okabe-Ito's
// black becomes near-white there).
QColor groupColor(int i, bool dark = false);
QList<QColor> groupColors(int n, bool dark = false);
// Colour of rows without a group (-1).
QColor ungroupedColor(bool dark = false);

// Perceptual difference (CIE76 delta E in CIELAB) of two colours; used by the tests and to
// pick readable text colours.
double deltaE(const QColor &a, const QColor &b);

// a blended toward b by t (0 = a, 1 = b); used to dim points that are not search hits.
QColor mix(const QColor &a, const QColor &b, double t);

// Colours of a plot, derived from a widget palette.
struct ViewColors {
    QColor background;  // plot area and export background
    QColor foreground;  // axis labels, legend text, selection ring
    QColor grid;        // grid lines
    QColor axis;        // axis lines
    QColor muted;       // hidden legend entries, placeholders
    QColor accent;      // search-hit ring
    bool dark = false;

    static ViewColors fromPalette(const QPalette &palette);
    // The application's light or dark theme colours (ui/theme.cpp) without a widget.
    static ViewColors forTheme(bool dark);
};

// Groups from a categorical column: one group per distinct value, ordered by count
// (descending, ties by first appearance) or by name (locale-aware, as the window's label
// colouring does); beyond maxGroups the rarest values share one group named "(other)",
// placed last. Empty values get no group (-1).
enum class GroupOrder { Count, Name };
struct GroupAssignment {
    QVector<int> group;        // per row, index into groups or -1
    QList<PointGroup> groups;  // name + colour (+ visible)
    QVector<int> counts;       // rows per group
};
GroupAssignment groupsFromValues(const QStringList &values, int maxGroups = 24,
                                 bool dark = false, GroupOrder order = GroupOrder::Count);

// A point view's grouping of its n current rows from what the caller gave (setColors):
// rows without a valid group go to a trailing "(none)" group in the ungrouped colour, so
// every row belongs to exactly one group (one series each in the scatter views).
struct RowGroups : GroupAssignment {
    bool hasNone = false; // the last group is "(none)"
};
RowGroups assignRows(int n, const QVector<int> &givenGroup, const QList<PointGroup> &givenGroups, bool dark);

// rows within [0, n), sorted, without repeats (selection and highlight of the point views).
QVector<int> validRows(const QVector<int> &rows, int n);

} // namespace es::palette
