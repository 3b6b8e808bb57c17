#include "views/pointlabels.h"

#include <QStringList>

namespace es::pointlabels {

std::optional<Mode> parseMode(const QString &name)
{
    if (name == QLatin1String("auto"))
        return Mode::Auto;
    if (name == QLatin1String("on"))
        return Mode::On;
    if (name == QLatin1String("off"))
        return Mode::Off;
    return std::nullopt;
}

QString firstWords(const QString &text, int maxChars)
{
    const QString t = text.simplified();
    if (t.size() <= maxChars)
        return t;
    const QStringList words = t.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    QString out;
    for (const QString &w : words) {
        const int len = int(out.size()) + (out.isEmpty() ? 0 : 1) + int(w.size());
        if (len > maxChars)
            break;
        if (!out.isEmpty())
            out += QLatin1Char(' ');
        out += w;
    }
    if (out.isEmpty()) // one long first word
        out = t.left(maxChars - 1);
    // No dangling punctuation before the ellipsis ("mat,…").
    while (!out.isEmpty() && (out.back().isPunct() || out.back().isSpace()))
        out.chop(1);
    return out + QChar(0x2026);
}

} // namespace es::pointlabels
