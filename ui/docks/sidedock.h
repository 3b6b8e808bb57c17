#pragma once
// SideDock: a dock of the right-hand tab group (inspector, doctor, "Why close?"). Its
// content sits in a scroll area (however much it holds, the dock never needs more room than
// it has, so opening it never makes the window grow past the screen), and a dock that is
// shown (from a menu, a button or the code) comes to the front of its tab group: shown
// behind another tab it would look as if nothing happened.
#include <QDockWidget>

namespace es {

class SideDock : public QDockWidget {
    Q_OBJECT
public:
    SideDock(const QString &title, const QString &objectName, QWidget *parent = nullptr);

protected:
    // content inside a scroll area as the dock's widget.
    void setScrollableWidget(QWidget *content);
    // Called by the subclass once its own reactions to being shown are connected (they run first).
    void raiseWhenShown();
};

} // namespace es
