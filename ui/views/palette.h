#pragma once
// Group colours and view colours shared by the scatter views, the legend, the heatmap's
// label strips and the exported images.
//
// Group colours: the first 6 are Okabe-Ito's (Okabe & Ito 2008, colour-blind safe; its
// yellow and black are left out, too light for white and too dark for the dark theme), the
// next 14 were picked one by one as the colour farthest (CIEDE2000) from all before it
// among mid-light saturated colours, and beyond 20 colours are generated on the
// golden-angle hue circle in CIELCh with alternating lightness, so any number of groups
// gets distinct, deterministic colours. Every colour has CIELAB lightness 38-72: none is
// black or close to either theme's background, so one palette serves both themes.
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

// Colour of group i (0-based); the same on light and dark backgrounds (dark is kept for
// callers that pass the theme).
QColor groupColor(int i, bool dark = false);
QList<QColor> groupColors(int n, bool dark = false);
// Colour of rows without a group (-1).
QColor ungroupedColor(bool dark = false);

// Perceptual difference (CIE76 delta E in CIELAB) of two colours; used by the tests and to
// pick readable text colours.
double deltaE(const QColor &a, const QColor &b);
// CIEDE2000 colour difference (closer to what people see than CIE76, mostly for blues
// and saturated colours); about 2 is just noticeable, above 15 clearly different.
double deltaE2000(const QColor &a, const QColor &b);
// CIELAB lightness L* (0 black .. 100 white).
double lightness(const QColor &c);
// Continuous colour for t in [0, 1] (numeric colour-by): viridis without its darkest and
// lightest ends, so both ends read on the light and the dark theme.
QColor sequentialColor(double t);

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
