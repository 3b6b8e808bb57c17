#include "views/palette.h"

#include <QCoreApplication>
#include <QHash>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <numeric>

namespace es::palette {

namespace {

// The six Okabe-Ito colours that read on both a white and a near-black background
// (its yellow is too light for white, its black vanishes on dark).
constexpr QRgb kOkabeIto[] = {
    0xE69F00, // orange
    0x56B4E9, // sky blue
    0x009E73, // bluish green
    0x0072B2, // blue
    0xD55E00, // vermillion
    0xCC79A7, // reddish purple
};

// Then, one at a time, the sRGB colour (17-step grid) farthest by CIEDE2000 from every
// colour chosen before and from the ungrouped greys, among colours of CIELAB lightness
// 38-72 and chroma 30-72: mid-light and saturated enough to stand out on the light and the
// dark theme's background alike, never black or near the background, never neon.
// tst_palette checks: the first 12 differ pairwise by CIEDE2000 > 20, the first 20 by > 15.
constexpr QRgb kExtension[] = {
    0x666600, // olive
    0xBB0033, // crimson
    0x7744AA, // violet
    0x99BB33, // yellow green
    0x9988FF, // lavender blue
    0xEE9988, // salmon
    0x006655, // dark teal
    0x007711, // green
    0x885500, // brown
    0xBB0077, // magenta
    0x44BBBB, // turquoise
    0x008899, // petrol
    0xBB6666, // rose brown
    0x998844, // khaki
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

double labFInv(double t)
{
    return t > 6.0 / 29.0 ? t * t * t : (116.0 * t - 16.0) / (24389.0 / 27.0);
}

double gamma(double c)
{
    c = std::clamp(c, 0.0, 1.0);
    return c <= 0.0031308 ? 12.92 * c : 1.055 * std::pow(c, 1 / 2.4) - 0.055;
}

QColor fromLab(double L, double a, double b)
{
    const double fy = (L + 16) / 116, fx = fy + a / 500, fz = fy - b / 200;
    const double x = labFInv(fx) * 0.95047, y = labFInv(fy), z = labFInv(fz) * 1.08883;
    const double r = 3.2406 * x - 1.5372 * y - 0.4986 * z;
    const double g = -0.9689 * x + 1.8758 * y + 0.0415 * z;
    const double bl = 0.0557 * x - 0.2040 * y + 1.0570 * z;
    return QColor::fromRgbF(float(gamma(r)), float(gamma(g)), float(gamma(bl)));
}

} // namespace

QColor groupColor(int i, bool dark)
{
    if (i < 0)
        return ungroupedColor(dark);
    Q_UNUSED(dark); // one palette reads on both themes (lightness 38-72)
    if (i < int(std::size(kOkabeIto)))
        return QColor(kOkabeIto[i]);
    if (i < kFixed)
        return QColor(kExtension[i - int(std::size(kOkabeIto))]);
    // Golden-angle hues in CIELCh at lightness 40-68 (never near either background);
    // lightness and chroma cycle so neighbours in hue differ in lightness too.
    const int k = i - kFixed;
    const double hue = std::fmod(165.0 + k * 137.50776, 360.0) * M_PI / 180.0;
    static constexpr double lightness[] = {48, 64, 40, 56};
    static constexpr double chroma[] = {50, 38, 58};
    const double L = lightness[(k / 3) % 4], C = chroma[k % 3];
    return fromLab(L, C * std::cos(hue), C * std::sin(hue));
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

double deltaE2000(const QColor &c1, const QColor &c2)
{
    // Sharma, Wu & Dalal (2005), "The CIEDE2000 color-difference formula: implementation
    // notes" (kL = kC = kH = 1).
    double L1, a1, b1, L2, a2, b2;
    toLab(c1, L1, a1, b1);
    toLab(c2, L2, a2, b2);
    const double deg = M_PI / 180.0;
    const double cBar = (std::hypot(a1, b1) + std::hypot(a2, b2)) / 2;
    const double c7 = std::pow(cBar, 7);
    const double g = 0.5 * (1 - std::sqrt(c7 / (c7 + std::pow(25.0, 7))));
    const double a1p = (1 + g) * a1, a2p = (1 + g) * a2;
    const double c1p = std::hypot(a1p, b1), c2p = std::hypot(a2p, b2);
    auto hueOf = [&](double b, double ap) {
        if (b == 0 && ap == 0)
            return 0.0;
        const double h = std::atan2(b, ap) / deg;
        return h < 0 ? h + 360 : h;
    };
    const double h1p = hueOf(b1, a1p), h2p = hueOf(b2, a2p);
    const double dL = L2 - L1, dC = c2p - c1p;
    double dh = 0;
    if (c1p * c2p != 0) {
        dh = h2p - h1p;
        if (dh > 180)
            dh -= 360;
        else if (dh < -180)
            dh += 360;
    }
    const double dH = 2 * std::sqrt(c1p * c2p) * std::sin(dh / 2 * deg);
    const double lBar = (L1 + L2) / 2, cBarP = (c1p + c2p) / 2;
    double hBar = h1p + h2p;
    if (c1p * c2p != 0) {
        if (std::abs(h1p - h2p) <= 180)
            hBar = (h1p + h2p) / 2;
        else
            hBar = h1p + h2p < 360 ? (h1p + h2p + 360) / 2 : (h1p + h2p - 360) / 2;
    }
    const double t = 1 - 0.17 * std::cos((hBar - 30) * deg) + 0.24 * std::cos(2 * hBar * deg)
        + 0.32 * std::cos((3 * hBar + 6) * deg) - 0.20 * std::cos((4 * hBar - 63) * deg);
    const double dTheta = 30 * std::exp(-std::pow((hBar - 275) / 25, 2));
    const double cp7 = std::pow(cBarP, 7);
    const double rc = 2 * std::sqrt(cp7 / (cp7 + std::pow(25.0, 7)));
    const double sl = 1 + 0.015 * (lBar - 50) * (lBar - 50) / std::sqrt(20 + (lBar - 50) * (lBar - 50));
    const double sc = 1 + 0.045 * cBarP, sh = 1 + 0.015 * cBarP * t;
    const double rt = -std::sin(2 * dTheta * deg) * rc;
    return std::sqrt((dL / sl) * (dL / sl) + (dC / sc) * (dC / sc) + (dH / sh) * (dH / sh)
                     + rt * (dC / sc) * (dH / sh));
}

double lightness(const QColor &c)
{
    double L, a, b;
    toLab(c, L, a, b);
    return L;
}

QColor sequentialColor(double t)
{
    // Viridis (matplotlib), from 0.08 to 0.92 of its length: its darkest purple would sink
    // into the dark theme's background and its lightest yellow into the light one's.
    static constexpr struct {
        double t;
        int r, g, b;
    } kStops[] = {{0.000, 68, 1, 84},    {0.125, 72, 40, 120},  {0.250, 62, 73, 137},
                  {0.375, 49, 104, 142}, {0.500, 38, 130, 142}, {0.625, 31, 158, 137},
                  {0.750, 53, 183, 121}, {0.875, 109, 205, 89}, {1.000, 253, 231, 37}};
    const double u = 0.08 + 0.84 * std::clamp(std::isfinite(t) ? t : 0.0, 0.0, 1.0);
    int k = 0;
    while (k + 2 < int(std::size(kStops)) && u > kStops[k + 1].t)
        ++k;
    const auto &a = kStops[k], &b = kStops[k + 1];
    const double f = (u - a.t) / (b.t - a.t);
    auto m = [f](int x, int y) { return int(std::lround(x + (y - x) * f)); };
    return QColor(m(a.r, b.r), m(a.g, b.g), m(a.b, b.b));
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
