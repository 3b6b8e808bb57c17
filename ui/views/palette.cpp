#include "views/palette.h"

#include <QCoreApplication>
#include <QHash>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <numeric>

namespace es::palette {

namespace {

constexpr QRgb kOkabeIto[] = {
    0xE69F00, // orange
    0x56B4E9, // sky blue
    0x009E73, // bluish green
    0xF0E442, // yellow
    0x0072B2, // blue
    0xD55E00, // vermillion
    0xCC79A7, // reddish purple
    0x000000, // black (near-white on dark backgrounds)
};

// Muted/dark hues that sit between the Okabe-Ito ones (checked by tst_palette: every pair
// of the first 20 colours differs by more than delta E 15).
constexpr QRgb kExtension[] = {
    0x332288, // indigo
    0x882255, // wine
    0x117733, // dark green
    0x999933, // olive
    0xAA4499, // purple
    0x8C564B, // brown
    0x66A61E, // grass green
    0xDDCC77, // sand
    0x661100, // dark brown
    0xCAB2D6, // lavender
    0xFF6F91, // pink
    0x44AA99, // teal
};

constexpr int kFixed = int(std::size(kOkabeIto) + std::size(kExtension));

double labF(double t)
{
    return t > 216.0 / 24389.0 ? std::cbrt(t) : (24389.0 / 27.0 * t + 16.0) / 116.0;
}

double linear(double c)
{
    return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

void toLab(const QColor &c, double &L, double &a, double &b)
{
    const double r = linear(c.redF()), g = linear(c.greenF()), bl = linear(c.blueF());
    const double x = (0.4124 * r + 0.3576 * g + 0.1805 * bl) / 0.95047;
    const double y = 0.2126 * r + 0.7152 * g + 0.0722 * bl;
    const double z = (0.0193 * r + 0.1192 * g + 0.9505 * bl) / 1.08883;
    const double fx = labF(x), fy = labF(y), fz = labF(z);
    L = 116 * fy - 16;
    a = 500 * (fx - fy);
    b = 200 * (fy - fz);
}

} // namespace

QColor groupColor(int i, bool dark)
{
    if (i < 0)
        return ungroupedColor(dark);
    if (i < int(std::size(kOkabeIto))) {
        if (i == 7 && dark)
            return QColor(0xEEEEEE);
        return QColor(kOkabeIto[i]);
    }
    if (i < kFixed)
        return QColor(kExtension[i - int(std::size(kOkabeIto))]);
    // Golden-angle hues; lightness and saturation cycle so neighbours in hue differ in
    // lightness too.
    const int k = i - kFixed;
    const double hue = std::fmod(17.0 + k * 137.50776, 360.0);
    static constexpr double lightness[] = {0.42, 0.62, 0.32, 0.52};
    static constexpr double saturation[] = {0.70, 0.55, 0.80};
    return QColor::fromHslF(float(hue / 360.0), float(saturation[k % 3]),
                            float(lightness[(k / 3) % 4]));
}

QList<QColor> groupColors(int n, bool dark)
{
    QList<QColor> out;
    out.reserve(n);
    for (int i = 0; i < n; ++i)
        out.append(groupColor(i, dark));
    return out;
}

QColor ungroupedColor(bool dark)
{
    return dark ? QColor(0x8A8A8A) : QColor(0xA0A0A0);
}

double deltaE(const QColor &a, const QColor &b)
{
    double L1, a1, b1, L2, a2, b2;
    toLab(a, L1, a1, b1);
    toLab(b, L2, a2, b2);
    return std::sqrt((L1 - L2) * (L1 - L2) + (a1 - a2) * (a1 - a2) + (b1 - b2) * (b1 - b2));
}

QColor mix(const QColor &a, const QColor &b, double t)
{
    auto m = [t](float x, float y) { return float(x + (y - x) * t); };
    return QColor::fromRgbF(m(a.redF(), b.redF()), m(a.greenF(), b.greenF()),
                            m(a.blueF(), b.blueF()), m(a.alphaF(), b.alphaF()));
}

ViewColors ViewColors::fromPalette(const QPalette &p)
{
    ViewColors c;
    c.background = p.color(QPalette::Base);
    c.foreground = p.color(QPalette::Text);
    c.dark = c.background.lightnessF() < 0.5;
    c.grid = mix(c.background, c.foreground, c.dark ? 0.16 : 0.10);
    c.axis = mix(c.background, c.foreground, 0.45);
    c.muted = mix(c.background, c.foreground, 0.45);
    c.accent = c.dark ? QColor(0xFF, 0x4F, 0xD8) : QColor(0xD1, 0x00, 0x8F);
    return c;
}

ViewColors ViewColors::forTheme(bool dark)
{
    QPalette p;
    p.setColor(QPalette::Base, dark ? QColor(28, 29, 32) : QColor(Qt::white));
    p.setColor(QPalette::Text, dark ? QColor(230, 230, 232) : QColor(28, 28, 30));
    return fromPalette(p);
}

GroupAssignment groupsFromValues(const QStringList &values, int maxGroups, bool dark, GroupOrder sortBy)
{
    GroupAssignment out;
    QHash<QString, int> index;
    QStringList names;
    QVector<int> counts;
    QVector<int> raw(values.size(), -1);
    for (int r = 0; r < values.size(); ++r) {
        const QString v = values.at(r).trimmed();
        if (v.isEmpty())
            continue;
        auto it = index.find(v);
        if (it == index.end()) {
            it = index.insert(v, int(names.size()));
            names.append(v);
            counts.append(0);
        }
        raw[r] = *it;
        ++counts[*it];
    }
    QVector<int> order(names.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return counts[a] > counts[b]; });
    const bool lump = maxGroups > 1 && names.size() > maxGroups;
    const int kept = lump ? maxGroups - 1 : int(names.size());
    if (sortBy == GroupOrder::Name)
        std::sort(order.begin(), order.begin() + kept, [&](int a, int b) {
            return QString::localeAwareCompare(names[a], names[b]) < 0;
        });
    QVector<int> remap(names.size(), -1);
    for (int i = 0; i < order.size(); ++i)
        remap[order[i]] = i < kept ? i : kept;
    for (int i = 0; i < kept; ++i)
        out.groups.append(PointGroup{names[order[i]], groupColor(i, dark), true});
    if (lump)
        out.groups.append(PointGroup{QStringLiteral("(other)"), ungroupedColor(dark), true});
    out.counts.fill(0, out.groups.size());
    out.group.resize(values.size());
    for (int r = 0; r < values.size(); ++r) {
        out.group[r] = raw[r] < 0 ? -1 : remap[raw[r]];
        if (out.group[r] >= 0)
            ++out.counts[out.group[r]];
    }
    return out;
}

RowGroups assignRows(int n, const QVector<int> &givenGroup, const QList<PointGroup> &givenGroups, bool dark)
{
    RowGroups out;
    out.groups = givenGroups;
    out.group.fill(-1, n);
    for (int i = 0; i < n; ++i) {
        const int g = givenGroup.value(i, -1);
        if (g >= 0 && g < givenGroups.size())
            out.group[i] = g;
        else
            out.hasNone = true;
    }
    if (out.hasNone) {
        const int none = int(out.groups.size());
        out.groups.append(PointGroup{QCoreApplication::translate("es::palette", "(none)"), ungroupedColor(dark), true});
        for (int &g : out.group)
            if (g < 0)
                g = none;
    }
    out.counts.fill(0, out.groups.size());
    for (int g : std::as_const(out.group))
        ++out.counts[g];
    return out;
}

QVector<int> validRows(const QVector<int> &rows, int n)
{
    QVector<int> valid;
    valid.reserve(rows.size());
    for (int r : rows)
        if (r >= 0 && r < n)
            valid.append(r);
    std::sort(valid.begin(), valid.end());
    valid.erase(std::unique(valid.begin(), valid.end()), valid.end());
    return valid;
}

} // namespace es::palette
