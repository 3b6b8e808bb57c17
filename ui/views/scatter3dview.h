#pragma once
// Scatter3DView: the 3D PCA / t-SNE map on Qt Data Visualization (Q3DScatter inside a
// window container), with the same groups, colours, legend and selection API as the 2D
// view (es::PointView).
//
// - One QScatter3DSeries per group; up to 100 points Qt's smooth spheres, up to 1,000 an
//   80-triangle icosphere (:/meshes/icosphere1.obj, a third of the frame time), above 1,000 points
//   the series switch to MeshPoint with OptimizationStatic (one draw call per series):
//   under software OpenGL 2,000 spheres took 200-390 ms a frame during live t-SNE
//   (bench_gui_heartbeat), 2,000 points 40-70 ms. setColors() with the colours already
//   shown keeps the series (the window hands them over with every live frame).
// - Rotate (right drag), zoom (wheel) and click-to-select come from Q3DScatter's input
//   handler; a click on an item emits pointClicked(row). Selected points keep their
//   group's colour: the selection, the search hits and the clicked row's neighbours are
//   ring series of their own (:/meshes/ring.obj, turned to face the camera as it moves) in
//   the foreground / accent / muted colour, so any number of rows can be shown selected.
//   Lines from the clicked row to its neighbours are rows of small dots (Q3DScatter draws
//   no lines): a few hundred items at most, whatever the map's size.
// - Isolation (setIsolation, the "Isolate these N points" / "Show all" bar over the
//   scene's top-left corner, Esc): only the isolated rows are drawn, and the axes fit them.
// - The scene fills the canvas: the camera's zoom is fitted to the canvas' shape
//   (fittingZoom). Axis labels face the camera (labelAutoRotation) and are drawn at a
//   size that keeps Data Visualization's label textures (always rendered at a large font
//   and scaled down) from being shrunk so far that they blur at normal DPI.
// - Level of detail: above sampleLimit() points (default 300,000) the groups show a
//   deterministic sample of that many points (same rows every time, in proportion to the
//   groups); selected and highlighted rows are always drawn; the legend counts all rows.
//   1M points would otherwise take ~4 s to the first frame and ~1 s per rotation step
//   under software OpenGL (DESIGN.md s.7).
// - Axes: each spans whole 1-2-5 steps around the data (es::niceTicks), one segment per
//   step, labelled with the decimals the step needs (never "-0").
// - renderImage() uses Q3DScatter::renderToImage (QWidget::grab of a window container is
//   blank) and paints the legend beside it.
// - Needs OpenGL: check isOpenGLAvailable() before constructing one; on the offscreen or
//   minimal platforms Q3DScatter crashes in its constructor. Do not put it in a QSplitter
//   next to an OpenGL QChartView (DESIGN.md s.7): use a QTabWidget or QStackedWidget.
// - showMessage() puts a text (and optionally a button) in place of the scene, e.g. "the
//   t-SNE map is 2D: run it in 3D", until clearMessage(); the button emits
//   messageButtonClicked(). The scene and the message are pages of a QStackedWidget.
// - No hover signal: Q3DScatter has no hover picking (pointHovered is never emitted).
//
// Embedding:
//   QString why;
//   if (es::Scatter3DView::isOpenGLAvailable(&why)) {
//       auto *view = new es::Scatter3DView;          // a QWidget, also an es::PointView
//       view->setPoints(xyz); view->setColors(groupOfRow, groups);
//       connect(view, &es::Scatter3DView::pointClicked, ...);
//   } else { /* show `why`, keep the 2D views */ }
#include "views/legend.h"
#include "views/palette.h"
#include "views/pointview.h"

#include <QHash>
#include <QRectF>
#include <QStringList>
#include <QWidget>

class Q3DScatter;
class QLabel;
class QPushButton;
class QScatter3DSeries;
class QScrollArea;
class QStackedWidget;
class QTimer;

namespace es {

class IsolateBar;

class Scatter3DView : public QWidget, public PointView {
    Q_OBJECT
public:
    explicit Scatter3DView(QWidget *parent = nullptr);
    ~Scatter3DView() override;

    // True when an OpenGL context can be created and made current (cached after the first
    // call); otherwise false with a user-facing reason.
    static bool isOpenGLAvailable(QString *why = nullptr);

    // PointView
    void setPoints(const QVector<QVector3D> &points) override;
    void setColors(const QVector<int> &group, const QList<PointGroup> &groups) override;
    void setSelection(const QVector<int> &rows) override;
    void setHighlight(const QVector<int> &rows) override;
    void setNeighbors(int row, const QVector<int> &neighbors) override;
    void setIsolation(const QVector<int> &rows) override;
    void resetView() override;
    QImage renderImage(const QSize &size) override;

    void setTexts(const QStringList &texts);
    void setLegendTitle(const QString &title);
    void setAxisTitles(const QString &x, const QString &y, const QString &z);
    void setLegendVisible(bool on);
    void setAutoRotate(bool on);
    bool autoRotate() const;
    void setSampleLimit(int n);
    int sampleLimit() const { return sampleLimit_; }
    // Rows drawn for the groups (all rows unless the level of detail sampled them).
    int drawnCount() const;
    bool isSampled() const { return sampled_; }

    void setGroupVisible(int group, bool visible);
    bool isGroupVisible(int group) const;
    int pointCount() const { return int(points_.size()); }
    const QVector<int> &selection() const { return selection_; }
    int neighborRow() const { return neighborRow_; }
    const QVector<int> &neighbors() const { return neighbors_; }
    const QVector<int> &isolation() const { return isolation_; }
    QVector<int> isolationCandidates() const;
    IsolateBar *isolateBar() const { return isolateBar_; }
    // The series drawing rings (selection, search hits, neighbours) and the neighbour lines.
    QScatter3DSeries *selectionSeries() const { return selSeries_; }
    QScatter3DSeries *neighborSeries() const { return nbSeries_; }
    QScatter3DSeries *linkSeries() const { return linkSeries_; }
    QScatter3DSeries *groupSeries(int g) const { return base_.value(g); }
    // The item label shown for a clicked row: "Row 15: text".
    QString itemLabel(int row) const;

    // Selects the item of `row` as if the user had clicked it (tests, keyboard).
    void clickRow(int row);
    const QVector<QVector3D> &points() const { return points_; }

    // A message in place of the scene (and the legend), with a button when buttonText is
    // not empty; clearMessage() shows the scene again.
    void showMessage(const QString &text, const QString &buttonText = QString());
    void clearMessage();
    bool isShowingMessage() const;
    QString message() const;
    QPushButton *messageButton() const { return messageButton_; }

    Q3DScatter *graph() const { return graph_; }
    LegendWidget *legend() const { return legend_; }
    QWidget *container() const { return container_; }

signals:
    void pointClicked(int row);
    void pointsSelected(const QVector<int> &rows);
    void pointHovered(int row);
    void groupVisibilityChanged(int group, bool visible);
    void messageButtonClicked();
    void isolationChanged(const QVector<int> &rows);

protected:
    void changeEvent(QEvent *) override;
    void resizeEvent(QResizeEvent *) override;
    void showEvent(QShowEvent *) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void regroup();
    void updateAxes();
    void rebuildSeries();
    void fillSeries();
    void fillEmphasis();
    void applyTheme();
    void updateLegend();
    void onItemSelected(QScatter3DSeries *series, int index);
    QList<LegendEntry> legendEntries() const;
    bool rowActive(int row) const;
    void updateIsolateBar();
    void isolate(const QVector<int> &rows);
    void faceRingsToCamera();
    void applyLabelFont();

    QVector<QVector3D> points_;
    QVector<int> givenGroup_;
    QList<PointGroup> givenGroups_;
    QVector<int> group_;
    QList<PointGroup> groups_;
    bool hasNoneGroup_ = false;
    QVector<QVector<int>> rowsOf_;   // drawn rows per group (sampled above the limit)
    QVector<int> counts_;            // all rows per group
    QVector<int> selection_, highlight_;
    QVector<int> selDrawn_, hlDrawn_; // rows in the selection / highlight series
    int neighborRow_ = -1;
    QVector<int> neighbors_, nbDrawn_;
    QVector<int> isolation_;
    QVector<char> isIsolated_;
    QStringList texts_;
    QString legendTitle_;
    palette::ViewColors colors_;
    bool legendVisible_ = true;
    int sampleLimit_ = 300000;
    bool sampled_ = false;
    bool largeMode_ = false;
    bool updatingSelection_ = false;

    Q3DScatter *graph_ = nullptr;
    QWidget *container_ = nullptr;
    QStackedWidget *stack_ = nullptr; // container_, or the message page
    QWidget *messagePage_ = nullptr;
    QLabel *messageLabel_ = nullptr;
    QPushButton *messageButton_ = nullptr;
    // The scene fills the width: a tall view zooms in further than a wide one (whose
    // height clips the axis titles). Followed on resize until the user zooms.
    struct Fit {
        float zoom;
        float targetY;
    };
    Fit fitFor(const QSize &canvas);
    void refitLater(int tries);
    QRectF drawnBounds(const QSize &small, float zoom, float targetY);
    float fittingZoom(); // sets fitTarget_
    float autoZoom_ = 0;
    float fitTarget_ = 0;
    bool fitting_ = false;
    QHash<int, Fit> fits_; // by canvas shape
    LegendWidget *legend_ = nullptr;
    QScrollArea *legendScroll_ = nullptr;
    QTimer *rotateTimer_ = nullptr;
    QVector<QScatter3DSeries *> base_;
    QScatter3DSeries *selSeries_ = nullptr, *hlSeries_ = nullptr;
    QScatter3DSeries *nbSeries_ = nullptr, *linkSeries_ = nullptr;
    IsolateBar *isolateBar_ = nullptr;
};

} // namespace es
