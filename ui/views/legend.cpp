#include "views/legend.h"

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
                            const QFont &font, int maxWidth)
{
    const QFontMetrics fm(font);
    int w = title.isEmpty() ? 0 : QFontMetrics(titleFont(font)).horizontalAdvance(title);
    for (const auto &e : entries) {
        const int tw = kSwatch + kGap + fm.horizontalAdvance(e.name) + kGap
            + fm.horizontalAdvance(countText(e.count));
        w = std::max(w, tw);
    }
    // A few pixels of slack: elidedText() elides text that needs its exact width.
    w = std::min(w + 2 * kPad + 4, maxWidth);
    const int h = 2 * kPad + titleHeight(title, font) + int(entries.size()) * rowHeight(fm);
    return {w, h};
}

void LegendWidget::paint(QPainter &p, const QRectF &area, const QString &title,
                         const QList<LegendEntry> &entries, const palette::ViewColors &colors,
                         const QFont &font)
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
    const int fit = std::max(0, int((area.bottom() - kPad - y) / rh));
    const bool truncated = fit < entries.size();
    const int shown = truncated ? std::max(0, fit - 1) : int(entries.size());
    for (int i = 0; i < shown; ++i) {
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

QSize LegendWidget::sizeHint() const
{
    return measure(title_, entries_, font(), kMaxWidth);
}

QSize LegendWidget::minimumSizeHint() const
{
    return {80, sizeHint().height()};
}

QRect LegendWidget::entryRect(int index) const
{
    const QFontMetrics fm(font());
    const int rh = rowHeight(fm);
    const int y = kPad + titleHeight(title_, font()) + index * rh;
    return {0, y, width(), rh};
}

int LegendWidget::entryAt(const QPoint &pos) const
{
    for (int i = 0; i < entries_.size(); ++i)
        if (entryRect(i).contains(pos))
            return i;
    return -1;
}

void LegendWidget::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), colors_.background);
    paint(p, QRectF(rect()), title_, entries_, colors_, font());
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
