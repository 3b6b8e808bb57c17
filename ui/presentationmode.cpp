#include "presentationmode.h"

#include "document/explorerdocument.h"
#include "models/sentencemodel.h"
#include "theme.h"

#include <QAction>
#include <QDockWidget>
#include <QFrame>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMainWindow>
#include <QMenuBar>
#include <QSignalBlocker>
#include <QStatusBar>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

#include <algorithm>

namespace es {

PresentationMode::PresentationMode(QMainWindow *window, ExplorerDocument *doc, QItemSelectionModel *selection,
                                   QTabWidget *tabs, QTableView *table, std::function<QString()> theme,
                                   int dockStateVersion)
    : QObject(window), window_(window), doc_(doc), selection_(selection), tabs_(tabs), table_(table),
      theme_(std::move(theme)), stateVersion_(dockStateVersion)
{
    action_ = new QAction(tr("&Presentation Mode"), window);
    action_->setCheckable(true);
    action_->setShortcut(QKeySequence(Qt::Key_F11));
    connect(action_, &QAction::toggled, this, &PresentationMode::setOn);
    window->addAction(action_); // F11 works while the menu bar is hidden
    leaveAction_ = new QAction(tr("Leave Presentation Mode"), window);
    leaveAction_->setShortcut(QKeySequence(Qt::Key_Escape));
    leaveAction_->setEnabled(false);
    connect(leaveAction_, &QAction::triggered, this, [this] { setOn(false); });
    window->addAction(leaveAction_);

    // The inspector's card over the map.
    card_ = new QFrame(window->centralWidget());
    card_->setObjectName(QStringLiteral("presentationCard"));
    card_->setFrameShape(QFrame::StyledPanel);
    card_->setAutoFillBackground(true);
    auto *cardLay = new QVBoxLayout(card_);
    cardText_ = new QLabel(card_);
    cardText_->setWordWrap(true);
    cardText_->setTextFormat(Qt::RichText);
    cardLay->addWidget(cardText_);
    card_->hide();
    connect(selection_, &QItemSelectionModel::currentChanged, this, [this] { updateCard(); });
}

void PresentationMode::setOn(bool on)
{
    if (on == on_)
        return;
    QMainWindow *w = window_;
    if (on) {
        // Everything needed to come back exactly: size and place, docks and toolbars, the
        // table's columns.
        before_ = {w->saveGeometry(), w->saveState(stateVersion_), table_->horizontalHeader()->saveState(), w->size(),
                   w->isMaximized()};
        restoreLayoutPending_ = false;
        on_ = true;
        for (QDockWidget *d : w->findChildren<QDockWidget *>(QString(), Qt::FindDirectChildrenOnly))
            d->hide();
        for (QToolBar *t : w->findChildren<QToolBar *>(QString(), Qt::FindDirectChildrenOnly))
            t->hide();
        w->menuBar()->hide();
        w->statusBar()->hide();
        applyTheme(themeFromName(theme_()), true);
        card_->show();
        updateCard();
        w->showFullScreen();
    } else {
        on_ = false;
        card_->hide();
        applyTheme(themeFromName(theme_()), false);
        w->menuBar()->show();
        w->statusBar()->show();
        if (before_.maximized)
            w->showMaximized();
        else
            w->showNormal();
        w->restoreGeometry(before_.geometry);
        // The docks go back once the window has its old size again (the window system
        // answers later): restored in a full-screen window they would keep full-screen
        // proportions. A timer covers a window manager that never sends the old size.
        restoreLayoutPending_ = true;
        QTimer::singleShot(1000, this, [this] { restoreLayoutIfPending(true); });
    }
    if (action_->isChecked() != on) {
        const QSignalBlocker block(action_);
        action_->setChecked(on);
    }
    leaveAction_->setEnabled(on);
}

QByteArray PresentationMode::geometryToKeep() const
{
    return on_ ? before_.geometry : window_->saveGeometry();
}

QByteArray PresentationMode::stateToKeep() const
{
    return on_ ? before_.state : window_->saveState(stateVersion_);
}

void PresentationMode::windowResized()
{
    placeCard();
    restoreLayoutIfPending(false);
}

void PresentationMode::updateCard()
{
    if (!on_)
        return;
    // The inspector as a card over the map: the clicked sentence and its nearest neighbours.
    const SentenceModel *model = doc_->model();
    const int row = selection_->currentIndex().isValid() ? selection_->currentIndex().row() : -1;
    QString html;
    if (row < 0 || row >= model->rowCount()) {
        html = tr("<i>Click a point to see its sentence and its nearest neighbours.</i>");
    } else {
        html = tr("<b>Row %1</b>: %2").arg(row + 1).arg(model->text(row).toHtmlEscaped());
        const auto knn = doc_->neighbors();
        if (knn && row < knn->rows()) {
            html += tr("<br><br><b>Nearest neighbours</b> (cosine)<br>");
            for (int r = 0; r < std::min(5, knn->k); ++r) {
                const int j = knn->at(row, r);
                if (j < 0 || j >= model->rowCount())
                    continue;
                html += QStringLiteral("%1&nbsp;&nbsp;%2 <span style='opacity:0.7'>(row %3)</span><br>")
                            .arg(QString::number(knn->sim(row, r), 'f', 2), model->text(j).toHtmlEscaped())
                            .arg(j + 1);
            }
        }
    }
    cardText_->setText(html);
    placeCard();
}

void PresentationMode::placeCard()
{
    if (!card_->isVisible())
        return;
    QWidget *host = card_->parentWidget();
    const int w = std::max(260, host->width() * 32 / 100);
    cardText_->setFixedWidth(w - 24);
    card_->adjustSize();
    // Bottom right: the legends sit at the top right of the heatmap and of the maps.
    card_->move(host->width() - card_->width() - 16,
                std::max(tabs_->tabBar()->height() + 12, host->height() - card_->height() - 16));
    card_->raise();
}

void PresentationMode::restoreLayoutIfPending(bool anySize)
{
    if (!restoreLayoutPending_ || on_ || (!anySize && window_->size() != before_.size))
        return;
    restoreLayoutPending_ = false;
    // Called from the resize event of the old size: the main window's layout has that size
    // now (docks restored before it would be scaled in proportion to the full-screen width).
    refreshSizeHints(); // nothing keeps a size measured with the presentation font
    window_->restoreState(before_.state, stateVersion_);
    table_->horizontalHeader()->restoreState(before_.header);
}

} // namespace es
