#pragma once
// IsolateBar: the maps' "Isolate these N points" / "Show all" buttons, as in the Embedding
// Projector. A 2D or 3D view shows it over the top-left corner of its plot: "Isolate" while
// a clicked point has neighbours (or several points are selected), "Show all" while the
// view shows only isolated rows. Both views use it, so the two maps behave the same.
#include <QWidget>

class QLabel;
class QToolButton;

namespace es {

class IsolateBar : public QWidget {
    Q_OBJECT
public:
    explicit IsolateBar(QWidget *parent = nullptr);
    // candidates: rows an Isolate would keep; shown/total: while isolated (shown > 0).
    void setState(int candidates, int shown, int total);
    QToolButton *isolateButton() const { return isolate_; }
    QToolButton *showAllButton() const { return showAll_; }

signals:
    void isolateClicked();
    void showAllClicked();

private:
    QToolButton *isolate_;
    QToolButton *showAll_;
    QLabel *status_;
};

} // namespace es
