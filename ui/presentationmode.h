#pragma once
// PresentationMode (View > Presentation Mode, F11): the window full screen with only the
// map (or heatmap) at a larger font, and the inspector as a card over it (the current
// sentence and its nearest neighbours). Escape or F11 leaves it and brings back exactly the
// window from before: size and place, docks and toolbars, the table's columns.
#include <QByteArray>
#include <QObject>
#include <QSize>

#include <functional>

class QAction;
class QFrame;
class QItemSelectionModel;
class QLabel;
class QMainWindow;
class QTabWidget;
class QTableView;

namespace es {

class ExplorerDocument;

class PresentationMode : public QObject {
    Q_OBJECT
public:
    // The card goes over window's central widget (tabs: the views' tab widget in it).
    // theme: the name of the window's theme; dockStateVersion: the version of its saveState.
    PresentationMode(QMainWindow *window, ExplorerDocument *doc, QItemSelectionModel *selection, QTabWidget *tabs,
                     QTableView *table, std::function<QString()> theme, int dockStateVersion);

    bool isOn() const { return on_; }
    void setOn(bool on);
    // The checkable menu action (F11; also a window action: works while the menu bar is hidden).
    QAction *action() const { return action_; }
    // The window's geometry and dock state to keep in the settings: in presentation mode,
    // the ones from before it.
    QByteArray geometryToKeep() const;
    QByteArray stateToKeep() const;
    // The window's resize event (after QMainWindow's): places the card, and brings the docks
    // back once the window has its old size again.
    void windowResized();

private:
    void updateCard();
    void placeCard();
    void restoreLayoutIfPending(bool anySize);

    QMainWindow *window_;
    ExplorerDocument *doc_;
    QItemSelectionModel *selection_;
    QTabWidget *tabs_;
    QTableView *table_;
    std::function<QString()> theme_;
    int stateVersion_;
    bool on_ = false;
    // The window as it was before presentation mode, to come back to exactly.
    struct WindowLayout {
        QByteArray geometry, state, header;
        QSize size;
        bool maximized = false;
    } before_;
    bool restoreLayoutPending_ = false;
    QFrame *card_ = nullptr;
    QLabel *cardText_ = nullptr;
    QAction *action_ = nullptr;
    QAction *leaveAction_ = nullptr;
};

} // namespace es
