#pragma once
// LegendWidget: the colour legend of the scatter views: a title (what the colours mean,
// e.g. "label") and one entry per group with its colour swatch, name and point count.
// Clicking an entry hides or shows that group (entryToggled); hidden entries are drawn
// with a hollow swatch and muted, struck-out text. The same painting code draws the legend
// into exported images (paint()), so a PNG looks like the window.
//
//   auto *legend = new es::LegendWidget;
//   legend->setEntries({{"animals", color, 12, true}, ...});
//   connect(legend, &es::LegendWidget::entryToggled, view, ...);
#include "views/palette.h"

#include <QFont>
#include <QList>
#include <QWidget>

class QScrollArea;

namespace es {

// A numeric colouring: the first `bins` entries are equal-width bins from min to max, drawn
// as one colour bar with ticks instead of one row each; later entries (e.g. "missing") are
// rows as usual. bins = 0: no bar.
struct LegendScale {
    int bins = 0;
    double min = 0, max = 0;
    friend bool operator==(const LegendScale &, const LegendScale &) = default;
};

struct LegendEntry {
    QString name;
    QColor color;
    int count = 0;
    bool visible = true;
};

class LegendWidget : public QWidget {
    Q_OBJECT
public:
    explicit LegendWidget(QWidget *parent = nullptr);

    void setTitle(const QString &title);
    QString title() const { return title_; }
    void setEntries(const QList<LegendEntry> &entries);
    const QList<LegendEntry> &entries() const { return entries_; }
    void setEntryVisible(int index, bool visible);
    // Numeric colouring (see LegendScale); the views pass scale() to paint() in exports.
    void setScale(const LegendScale &scale);
    const LegendScale &scale() const { return scale_; }
    // Widget-space rectangle of the colour bar (empty without a scale).
    QRect barRect() const;
    void setColors(const palette::ViewColors &colors);

    // Widget-space rectangle of entry i (tests click it).
    QRect entryRect(int index) const;

    // Size the legend needs for these entries (width capped at maxWidth).
    // Lays out `plot` and this legend (in a scroll area at most maxWidth wide, hidden until
    // there are entries) side by side as owner's layout; returns the scroll area.
    QScrollArea *placeBeside(QWidget *owner, QWidget *plot, int maxWidth);
    static QSize measure(const QString &title, const QList<LegendEntry> &entries,
                         const QFont &font, int maxWidth, const LegendScale &scale = {});
    // Paints the legend at area's top-left (entries that do not fit in area are summarised
    // as "+ N more").
    static void paint(QPainter &p, const QRectF &area, const QString &title,
                      const QList<LegendEntry> &entries, const palette::ViewColors &colors,
                      const QFont &font, const LegendScale &scale = {});

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

signals:
    void entryToggled(int index, bool visible);

protected:
    void paintEvent(QPaintEvent *) override;
    void mousePressEvent(QMouseEvent *) override;
    void mouseMoveEvent(QMouseEvent *) override;
    void changeEvent(QEvent *) override;

private:
    int entryAt(const QPoint &pos) const;

    QString title_;
    QList<LegendEntry> entries_;
    LegendScale scale_;
    palette::ViewColors colors_;
    bool explicitColors_ = false;
};

} // namespace es
