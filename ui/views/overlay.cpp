#include "views/overlay.h"

#include <QPainter>

namespace es {

OverlayWidget::OverlayWidget(QWidget *parent) : QWidget(parent)
{
    setAttribute(Qt::WA_NoSystemBackground);
    setAttribute(Qt::WA_TranslucentBackground);
    setAutoFillBackground(false);
    setMouseTracking(true);
    setFocusPolicy(Qt::ClickFocus);
}

void OverlayWidget::paintEvent(QPaintEvent *)
{
    if (!paint_)
        return;
    QPainter p(this);
    paint_(p);
}

} // namespace es
