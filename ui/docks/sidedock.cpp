#include "docks/sidedock.h"

#include <QAction>
#include <QFrame>
#include <QScrollArea>
#include <QTimer>

namespace es {

SideDock::SideDock(const QString &title, const QString &objectName, QWidget *parent) : QDockWidget(title, parent)
{
    setObjectName(objectName);
}

void SideDock::setScrollableWidget(QWidget *content)
{
    auto *area = new QScrollArea;
    area->setWidget(content);
    area->setWidgetResizable(true);
    area->setFrameShape(QFrame::NoFrame);
    area->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    setWidget(area);
}

void SideDock::raiseWhenShown()
{
    connect(toggleViewAction(), &QAction::toggled, this, [this](bool on) {
        // Queued: the view action toggles before its dock is shown.
        if (on)
            QTimer::singleShot(0, this, [this] {
                if (isVisible())
                    raise();
            });
    });
}

} // namespace es
