#pragma once
// OverlayWidget: a transparent widget stacked over a plot. It paints what must never be a
// chart item (rubber band, lasso path, point labels, placeholder text: DESIGN.md s.7, the
// OpenGL overlay hazard) through a callback, and it receives the plot's mouse and wheel
// events, which its owner handles with an event filter. Note: Qt Charts' OpenGL layer is
// a QOpenGLWidget with WA_AlwaysStackOnTop, so where an OpenGL point and the overlay
// overlap the point wins; the overlay's items are thin lines and, for small N (no OpenGL),
// labels, so this does not hide anything that matters.
#include <QWidget>

#include <functional>

namespace es {

class OverlayWidget : public QWidget {
    Q_OBJECT
public:
    explicit OverlayWidget(QWidget *parent = nullptr);
    void setPaintCallback(std::function<void(QPainter &)> paint) { paint_ = std::move(paint); }

protected:
    void paintEvent(QPaintEvent *) override;

private:
    std::function<void(QPainter &)> paint_;
};

} // namespace es
