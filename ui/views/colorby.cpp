#include "views/colorby.h"

#include <QCoreApplication>
#include <QLocale>
#include <QSet>

#include <algorithm>
#include <cmath>
#include <optional>

namespace es::colorby {

namespace {

bool isMissing(const QString &v)
{
    return v.isEmpty() || v.compare(QLatin1String("nan"), Qt::CaseInsensitive) == 0;
}

std::optional<double> number(const QString &v)
{
    bool ok = false;
    const double d = QLocale::c().toDouble(v, &ok);
    if (!ok || !std::isfinite(d))
        return std::nullopt;
    return d;
}

} // namespace

QString missingName()
{
    return QCoreApplication::translate("es::colorby", "missing");
}

bool isNumeric(const QStringList &values)
{
    QSet<double> distinct;
    for (const QString &raw : values) {
        const QString v = raw.trimmed();
        if (isMissing(v))
            continue;
        const auto d = number(v);
        if (!d)
            return false;
        if (distinct.size() <= kMaxNumericGroups)
            distinct.insert(*d);
    }
    return distinct.size() > kMaxNumericGroups;
}

Coloring fromValues(const QString &title, const QStringList &values, bool dark)
{
    Coloring out;
    out.title = title;
    const int n = int(values.size());
    if (!isNumeric(values)) {
        QStringList cleaned = values;
        for (QString &v : cleaned)
            if (isMissing(v.trimmed()))
                v.clear();
        const palette::GroupAssignment a = palette::groupsFromValues(cleaned, 24, dark, palette::GroupOrder::Name);
        out.group = a.group;
        out.groups = a.groups;
        out.counts = a.counts;
        out.missing = int(std::count(a.group.begin(), a.group.end(), -1));
        if (out.missing > 0) {
            const int g = int(out.groups.size());
            out.groups.append(PointGroup{missingName(), palette::ungroupedColor(dark), true});
            out.counts.append(out.missing);
            for (int &r : out.group)
                if (r < 0)
                    r = g;
        }
        return out;
    }
    out.numeric = true;
    QVector<double> x(n, std::nan(""));
    double lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < n; ++i) {
        const QString v = values.at(i).trimmed();
        if (isMissing(v))
            continue;
        x[i] = *number(v);
        lo = std::min(lo, x[i]);
        hi = std::max(hi, x[i]);
    }
    const double width = (hi - lo) / kBins;
    for (int b = 0; b < kBins; ++b) {
        const double a = lo + b * width, z = b + 1 == kBins ? hi : lo + (b + 1) * width;
        out.groups.append(PointGroup{QStringLiteral("%1 – %2").arg(QLocale().toString(a, 'g', 4),
                                                                   QLocale().toString(z, 'g', 4)),
                                     palette::sequentialColor((b + 0.5) / kBins), true});
    }
    out.counts.fill(0, kBins);
    out.group.fill(-1, n);
    for (int i = 0; i < n; ++i) {
        if (std::isnan(x[i])) {
            ++out.missing;
            continue;
        }
        const int b = width > 0 ? std::clamp(int((x[i] - lo) / width), 0, kBins - 1) : 0;
        out.group[i] = b;
        ++out.counts[b];
    }
    if (out.missing > 0) {
        out.groups.append(PointGroup{missingName(), palette::ungroupedColor(dark), true});
        out.counts.append(out.missing);
        for (int &g : out.group)
            if (g < 0)
                g = kBins;
    }
    out.scale.bins = kBins;
    out.scale.min = lo;
    out.scale.max = hi;
    return out;
}

} // namespace es::colorby
