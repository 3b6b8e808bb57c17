#include "views/legend.h"

#include "views/niceticks.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QScrollArea>
#include <QFontMetrics>
#include <QLocale>
#include <QMouseEvent>
#include <QPainter>

#include <algorithm>

namespace es {

namespace {

constexpr int kPad = 10;    // around the whole legend
constexpr int kSwatch = 12; // swatch diameter
constexpr int kGap = 6;     // swatch to text
constexpr int kMaxWidth = 260;

int rowHeight(const QFontMetrics &fm)
{
    return std::max(kSwatch, fm.height()) + 6;
}

QString countText(int count)
{
    return QLocale().toString(count);
}

QFont titleFont(const QFont &f)
{
    QFont t = f;
    t.setBold(true);
    return t;
}

int titleHeight(const QString &title, const QFont &font)
{
    return title.isEmpty() ? 0 : QFontMetrics(titleFont(font)).height() + 6;
}

constexpr int kBarWidth = 14;

// The colour bar of a numeric scale: its height (0 without one) and its tick labels.
int barHeight(const LegendScale &scale, const QFontMetrics &fm)
{
    return scale.bins > 0 ? std::max(120, fm.height() * 9) : 0;
}

int barBlock(const LegendScale &scale, const QFontMetrics &fm)
{
    return scale.bins > 0 ? barHeight(scale, fm) + fm.height() + 6 : 0; // half a label above and below
}

NiceTicks barTicks(const LegendScale &scale)
{
    return niceTicks(scale.min, scale.max, 5);
}

QString tickText(double v, int decimals)
{
    return QString::fromStdString(formatTick(v, decimals));
}

// Entries drawn as rows (after the bins of a scale).
int firstRow(const LegendScale &scale, int entries)
{
    return std::clamp(scale.bins, 0, entries);
}

} // namespace

LegendWidget::LegendWidget(QWidget *parent) : QWidget(parent)
{
    colors_ = palette::ViewColors::fromPalette(palette());
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
}

void LegendWidget::setTitle(const QString &title)
{
    title_ = title;
    updateGeometry();
    update();
}

void LegendWidget::setEntries(const QList<LegendEntry> &entries)
{
    entries_ = entries;
    updateGeometry();
    update();
}

void LegendWidget::setEntryVisible(int index, bool visible)
{
    if (index < 0 || index >= entries_.size() || entries_[index].visible == visible)
        return;
    entries_[index].visible = visible;
    update();
}

void LegendWidget::setColors(const palette::ViewColors &colors)
{
    colors_ = colors;
    explicitColors_ = true;
    update();
}

QSize LegendWidget::measure(const QString &title, const QList<LegendEntry> &entries,
                            const QFont &font, int maxWidth, const LegendScale &scale)
{
    const QFontMetrics fm(font);
    int w = title.isEmpty() ? 0 : QFontMetrics(titleFont(font)).horizontalAdvance(title);
    const int first = firstRow(scale, int(entries.size()));
    if (scale.bins > 0) {
        const NiceTicks t = barTicks(scale);
        int tw = 0;
        for (int i = 0; i < t.count; ++i)
            tw = std::max(tw, fm.horizontalAdvance(tickText(t.at(i), t.decimals)));
        w = std::max(w, kBarWidth + 4 + kGap + tw);
    }
    for (const auto &e : entries.mid(first)) {
        const int tw = kSwatch + kGap + fm.horizontalAdvance(e.name) + kGap
            + fm.horizontalAdvance(countText(e.count));
        w = std::max(w, tw);
    }
    // A few pixels of slack: elidedText() elides text that needs its exact width.
    w = std::min(w + 2 * kPad + 4, maxWidth);
    const int h = 2 * kPad + titleHeight(title, font) + barBlock(scale, fm)
        + int(entries.size() - first) * rowHeight(fm);
    return {w, h};
}

void LegendWidget::paint(QPainter &p, const QRectF &area, const QString &title,
                         const QList<LegendEntry> &entries, const palette::ViewColors &colors,
                         const QFont &font, const LegendScale &scale)
{
    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);
    const QFontMetrics fm(font);
    const int rh = rowHeight(fm);
    double y = area.top() + kPad;
    const double x = area.left() + kPad;
    const double textW = area.width() - 2 * kPad - kSwatch - kGap;
    if (!title.isEmpty()) {
        p.setFont(titleFont(font));
        p.setPen(colors.foreground);
        const QFontMetrics tfm(p.font());
        p.drawText(QRectF(x, y, area.width() - 2 * kPad, tfm.height()),
                   Qt::AlignLeft | Qt::AlignVCenter,
                   tfm.elidedText(title, Qt::ElideRight, int(area.width() - 2 * kPad)));
        y += titleHeight(title, font);
    }
    p.setFont(font);
    const int first = firstRow(scale, int(entries.size()));
    if (first > 0) {
        // The bins as one bar, the smallest value at the bottom, with ticks on the right.
        const double barH = std::min<double>(barHeight(scale, fm), std::max(40.0, area.bottom() - kPad - y - fm.height()));
        const QRectF bar(x, y + fm.height() / 2.0, kBarWidth, barH);
        const double binH = bar.height() / first;
        p.setRenderHint(QPainter::Antialiasing, false);
        p.setPen(Qt::NoPen);
        for (int b = 0; b < first; ++b)
            p.fillRect(QRectF(bar.left(), bar.bottom() - (b + 1) * binH, bar.width(), binH + 0.5), entries.at(b).color);
        p.setPen(QPen(colors.axis, 1));
        p.setBrush(Qt::NoBrush);
        p.drawRect(bar);
        const NiceTicks t = barTicks(scale);
        const double span = scale.max - scale.min;
        for (int i = 0; i < t.count; ++i) {
            const double v = t.at(i);
            const double ty = span > 0 ? bar.bottom() - (v - scale.min) / span * bar.height() : bar.center().y();
            p.setPen(QPen(colors.axis, 1));
            p.drawLine(QPointF(bar.right(), ty), QPointF(bar.right() + 4, ty));
            p.setPen(colors.foreground);
            p.drawText(QRectF(bar.right() + 4 + kGap, ty - fm.height() / 2.0, area.right() - bar.right() - 4 - kGap, fm.height()),
                       Qt::AlignLeft | Qt::AlignVCenter, tickText(v, t.decimals));
        }
        p.setRenderHint(QPainter::Antialiasing, true);
        y += barH + fm.height() + 6;
    }
    const int fit = std::max(0, int((area.bottom() - kPad - y) / rh));
    const int rows = int(entries.size()) - first;
    const bool truncated = fit < rows;
    const int shown = first + (truncated ? std::max(0, fit - 1) : rows);
    for (int i = first; i < shown; ++i) {
        const LegendEntry &e = entries.at(i);
        const QRectF sw(x, y + (rh - kSwatch) / 2.0, kSwatch, kSwatch);
        if (e.visible) {
            p.setPen(QPen(palette::mix(e.color, colors.foreground, 0.25), 1));
            p.setBrush(e.color);
        } else {
            p.setPen(QPen(colors.muted, 1.5));
            p.setBrush(Qt::NoBrush);
        }
        p.drawEllipse(sw.adjusted(0.5, 0.5, -0.5, -0.5));
        const QString count = countText(e.count);
        const int cw = fm.horizontalAdvance(count);
        const QRectF textRect(x + kSwatch + kGap, y, std::max(0.0, textW - cw - kGap), rh);
        QFont f = font;
        f.setStrikeOut(!e.visible);
        p.setFont(f);
        p.setPen(e.visible ? colors.foreground : colors.muted);
        p.drawText(textRect, Qt::AlignLeft | Qt::AlignVCenter,
                   fm.elidedText(e.name, Qt::ElideRight, int(textRect.width())));
        p.setFont(font);
        p.setPen(colors.muted);
        p.drawText(QRectF(area.right() - kPad - cw, y, cw, rh), Qt::AlignRight | Qt::AlignVCenter,
                   count);
        y += rh;
    }
    if (truncated && fit > 0) {
        p.setPen(colors.muted);
        p.drawText(QRectF(x, y, area.width() - 2 * kPad, rh), Qt::AlignLeft | Qt::AlignVCenter,
                   QObject::tr("+ %1 more").arg(entries.size() - shown));
    }
    p.restore();
}

void LegendWidget::setScale(const LegendScale &scale)
{
    if (scale == scale_)
        return;
    scale_ = scale;
    updateGeometry();
    update();
}

QRect LegendWidget::barRect() const
{
    if (firstRow(scale_, int(entries_.size())) == 0)
        return {};
    const QFontMetrics fm(font());
    return QRect(kPad, kPad + titleHeight(title_, font()) + fm.height() / 2, kBarWidth, barHeight(scale_, fm));
}

QSize LegendWidget::sizeHint() const
{
    return measure(title_, entries_, font(), kMaxWidth, scale_);
}

QSize LegendWidget::minimumSizeHint() const
{
    return {80, sizeHint().height()};
}

QRect LegendWidget::entryRect(int index) const
{
    const QFontMetrics fm(font());
    const int rh = rowHeight(fm);
    const int first = firstRow(scale_, int(entries_.size()));
    if (index < first)
        return barRect();
    const int y = kPad + titleHeight(title_, font()) + barBlock(scale_, fm) + (index - first) * rh;
    return {0, y, width(), rh};
}

int LegendWidget::entryAt(const QPoint &pos) const
{
    for (int i = firstRow(scale_, int(entries_.size())); i < entries_.size(); ++i)
        if (entryRect(i).contains(pos))
            return i;
    return -1;
}

void LegendWidget::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), colors_.background);
    paint(p, QRectF(rect()), title_, entries_, colors_, font(), scale_);
}

void LegendWidget::mousePressEvent(QMouseEvent *e)
{
    const int i = entryAt(e->position().toPoint());
    if (i < 0 || e->button() != Qt::LeftButton)
        return;
    entries_[i].visible = !entries_[i].visible;
    update();
    emit entryToggled(i, entries_[i].visible);
}

void LegendWidget::mouseMoveEvent(QMouseEvent *e)
{
    const int i = entryAt(e->position().toPoint());
    setCursor(i >= 0 ? Qt::PointingHandCursor : Qt::ArrowCursor);
    if (i < 0 && barRect().contains(e->position().toPoint()))
        setToolTip(tr("%1: %2 to %3 (smallest to largest value)")
                       .arg(title_, QLocale().toString(scale_.min, 'g', 6), QLocale().toString(scale_.max, 'g', 6)));
    else
        setToolTip(i >= 0 ? tr("Click to hide or show \"%1\"").arg(entries_[i].name) : QString());
}

void LegendWidget::changeEvent(QEvent *e)
{
    if (e->type() == QEvent::PaletteChange && !explicitColors_)
        colors_ = palette::ViewColors::fromPalette(palette());
    if (e->type() == QEvent::FontChange)
        updateGeometry();
    QWidget::changeEvent(e);
}

QScrollArea *LegendWidget::placeBeside(QWidget *owner, QWidget *plot, int maxWidth)
{
    auto *scroll = new QScrollArea;
    scroll->setWidget(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setMaximumWidth(maxWidth + 16);
    scroll->hide();
    auto *layout = new QHBoxLayout(owner);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(plot, 1);
    layout->addWidget(scroll, 0);
    return scroll;
}

} // namespace es
