#include "views/scatter2d_interaction.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <QWheelEvent>
#include <QWidget>

#include <cmath>

namespace es {

namespace {
constexpr double kDragThreshold = 4;
} // namespace

Scatter2DInteraction::Scatter2DInteraction(Scatter2DInteractionHost *host, QWidget *overlay, QObject *parent)
    : QObject(parent), host_(host), overlay_(overlay)
{
    overlay_->installEventFilter(this);
}

bool Scatter2DInteraction::eventFilter(QObject *watched, QEvent *event)
{
    if (watched != overlay_)
        return false;
    // Overlay coordinates equal chart-view coordinates; the view's own API takes its
    // widget's coordinates.
    const QPointF off = host_->overlayOffset();
    switch (event->type()) {
    case QEvent::MouseButtonPress: {
        auto *me = static_cast<QMouseEvent *>(event);
        if (me->button() != Qt::LeftButton)
            return false;
        pressPos_ = lastPos_ = me->position() + off;
        pressMods_ = me->modifiers();
        pressMode_ = (pressMods_ & Qt::ShiftModifier) ? Scatter2DDragMode::RubberBand
            : (pressMods_ & Qt::ControlModifier)       ? Scatter2DDragMode::Lasso
                                                        : dragMode_;
        gesture_ = Gesture::Press;
        lasso_.clear();
        return true;
    }
    case QEvent::MouseMove: {
        auto *me = static_cast<QMouseEvent *>(event);
        const QPointF pos = me->position() + off;
        if (gesture_ == Gesture::None) {
            const int row = host_->pickRow(pos);
            if (row != hoverRow_) {
                hoverRow_ = row;
                host_->hoverRow(row);
            }
            if (row >= 0)
                host_->showRowTooltip(row, me->globalPosition().toPoint());
            else
                QToolTip::hideText();
            overlay_->setCursor(row >= 0 ? Qt::PointingHandCursor : Qt::ArrowCursor);
            return true;
        }
        if (gesture_ == Gesture::Press
            && (pos - pressPos_).manhattanLength() >= kDragThreshold) {
            gesture_ = pressMode_ == Scatter2DDragMode::Pan ? Gesture::Pan
                : pressMode_ == Scatter2DDragMode::RubberBand ? Gesture::Rubber
                                                              : Gesture::Lasso;
            if (gesture_ == Gesture::Lasso)
                lasso_ << (pressPos_ - off);
            QToolTip::hideText();
        }
        if (gesture_ == Gesture::Pan) {
            host_->panPixels(pos - lastPos_);
        } else if (gesture_ == Gesture::Lasso) {
            lasso_ << (pos - off);
            overlay_->update();
        } else if (gesture_ == Gesture::Rubber) {
            overlay_->update();
        }
        lastPos_ = pos;
        return true;
    }
    case QEvent::MouseButtonRelease: {
        auto *me = static_cast<QMouseEvent *>(event);
        if (me->button() != Qt::LeftButton || gesture_ == Gesture::None)
            return false;
        const QPointF pos = me->position() + off;
        const Gesture g = gesture_;
        gesture_ = Gesture::None;
        if (g == Gesture::Press) {
            const int row = host_->pickRow(pos);
            if (pressMods_ & Qt::ControlModifier) {
                if (row >= 0) {
                    QVector<int> sel = host_->selectedRows();
                    if (host_->isRowSelected(row))
                        sel.removeAll(row);
                    else
                        sel.append(row);
                    host_->selectRowsByUser(sel);
                }
            } else if (row >= 0) {
                host_->clickRow(row);
            } else if (!host_->selectedRows().isEmpty()) {
                host_->selectRowsByUser({});
            }
        } else if (g == Gesture::Rubber) {
            selectRows(host_->rowsInRect(pressPos_, pos));
        } else if (g == Gesture::Lasso) {
            lasso_ << (pos - off);
            const QPolygonF poly = lasso_.translated(off);
            lasso_.clear();
            selectRows(host_->rowsInPolygon(poly));
        }
        overlay_->update();
        return true;
    }
    case QEvent::MouseButtonDblClick:
        host_->resetZoom();
        return true;
    case QEvent::Wheel: {
        auto *we = static_cast<QWheelEvent *>(event);
        const double steps = we->angleDelta().y() / 120.0;
        if (steps != 0)
            host_->zoomAround(std::pow(1.2, steps), we->position() + off);
        return true;
    }
    case QEvent::Leave:
        if (hoverRow_ >= 0) {
            hoverRow_ = -1;
            host_->hoverRow(-1);
        }
        return false;
    case QEvent::KeyPress: {
        auto *ke = static_cast<QKeyEvent *>(event);
        if (ke->key() == Qt::Key_Home || ke->key() == Qt::Key_R) {
            host_->resetZoom();
            return true;
        }
        if (ke->key() == Qt::Key_Escape && host_->endIsolation()) // back from an isolation
            return true;
        if (ke->key() == Qt::Key_Escape && !host_->selectedRows().isEmpty()) {
            host_->selectRowsByUser({});
            return true;
        }
        return false;
    }
    default:
        return false;
    }
}

// A band or lasso replaces the selection; with Alt held at the press it adds to it.
void Scatter2DInteraction::selectRows(const QVector<int> &rows)
{
    QVector<int> sel = rows;
    if (pressMods_ & Qt::AltModifier)
        sel += host_->selectedRows();
    host_->selectRowsByUser(sel);
}

void Scatter2DInteraction::paint(QPainter &p, const QColor &accent) const
{
    if (gesture_ == Gesture::Rubber) {
        const QPointF off = host_->overlayOffset();
        const QRectF r = QRectF(pressPos_ - off, lastPos_ - off).normalized();
        QColor fill = accent;
        fill.setAlphaF(0.12f);
        p.setPen(QPen(accent, 1.5));
        p.setBrush(fill);
        p.drawRect(r);
    } else if (gesture_ == Gesture::Lasso && lasso_.size() > 1) {
        QColor fill = accent;
        fill.setAlphaF(0.10f);
        p.setPen(QPen(accent, 1.5, Qt::DashLine));
        p.setBrush(fill);
        p.drawPolygon(lasso_);
    }
}

} // namespace es
