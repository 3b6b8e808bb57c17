// Scatter2DView under a real X display (Xvfb + Mesa): checks what is DRAWN (pixels grabbed
// from the window system, OpenGL layer included), and what the mouse does.
#include "views/glcheck.h"
#include "views/isolatebar.h"
#include "views/legend.h"
#include "views/palette.h"
#include "views/scatter2dview.h"

#include <QChart>
#include <QElapsedTimer>
#include <QToolButton>
#include <QGraphicsTextItem>
#include <QRegularExpression>
#include <QChartView>
#include <QOpenGLWidget>
#include <QPointer>
#include <QRandomGenerator>
#include <QScatterSeries>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include "tools/testmain.h"
#include <QValueAxis>

#include <algorithm>

using namespace es;

namespace {

// A grid of points: column i, row = group g, so no two markers overlap. The map keeps one
// data unit one length on both axes: grids of hundreds of columns space their rows
// `rowGap` units apart so the rows stay apart on screen too.
struct Grid {
    QVector<QVector3D> points;
    QVector<int> group;
    QList<PointGroup> groups;
    QStringList texts;
};

Grid makeGrid(int perGroup, int groups, float rowGap = 1)
{
    Grid g;
    for (int k = 0; k < groups; ++k)
        g.groups.append(PointGroup{QStringLiteral("group %1").arg(k), palette::groupColor(k), true});
    for (int k = 0; k < groups; ++k)
        for (int i = 0; i < perGroup; ++i) {
            g.points.append(QVector3D(float(i), float(k) * rowGap, 0));
            g.group.append(k);
            g.texts.append(QStringLiteral("sentence %1 of group %2").arg(i).arg(k));
        }
    return g;
}

// The pixel that holds a point's position (pixel i covers [i, i + 1)).
QPoint pixelOf(const Scatter2DView &view, int row)
{
    const QPointF p = view.positionOf(row);
    return QPoint(int(std::floor(p.x())), int(std::floor(p.y())));
}

bool near(QRgb a, const QColor &b, int tol = 40)
{
    return std::abs(qRed(a) - b.red()) + std::abs(qGreen(a) - b.green()) + std::abs(qBlue(a) - b.blue()) <= tol;
}

QString rgb(QRgb c)
{
    return QColor(c).name();
}

// Grabs the view from the X server until `ready` holds (the OpenGL layer may need a few
// frames after a change), at most ~5 s.
QImage grabWhen(Scatter2DView &view, const std::function<bool(const QImage &)> &ready)
{
    QImage img;
    for (int i = 0; i < 50; ++i) {
        QTest::qWait(100);
        img = view.grabScreen();
        if (!img.isNull() && ready(img))
            break;
    }
    return img;
}

// A pixel 30% of the way from row a to row b: between markers and off the grid lines.
QPoint between(Scatter2DView &view, int a, int b)
{
    const QPointF pa = view.positionOf(a), pb = view.positionOf(b);
    return (pa + (pb - pa) * 0.3).toPoint();
}

QPoint overlayPos(Scatter2DView &view, int row)
{
    return (view.positionOf(row) - view.chartView()->pos()).toPoint();
}

// How the view draws: "raster" (series below the threshold), "opengl" or "painted" (above
// it, forced). False when the mode cannot be had here (no OpenGL).
bool useMode(Scatter2DView &view, const QString &mode)
{
    if (mode == QLatin1String("opengl")) {
        if (!openGLAvailable())
            return false;
        view.setLargeRenderer(Scatter2DView::LargeRenderer::OpenGL);
    } else if (mode == QLatin1String("painted")) {
        view.setLargeRenderer(Scatter2DView::LargeRenderer::Painted);
    }
    return true;
}

void checkMode(Scatter2DView &view, const QString &mode)
{
    QCOMPARE(view.usesOpenGL(), mode == QLatin1String("opengl"));
    QCOMPARE(view.usesPaintedPoints(), mode == QLatin1String("painted"));
}

// Points along a PCA-like cloud plus three reference rows: 0 at the origin, 1 one unit
// along x, 2 one unit along y.
QVector<QVector3D> cloud(double halfWidth, double halfHeight)
{
    QVector<QVector3D> p{{0, 0, 0}, {1, 0, 0}, {0, 1, 0}};
    for (int i = 0; i <= 20; ++i) {
        const double t = -1 + i / 10.0;
        p.append(QVector3D(float(t * halfWidth), float(0.3 * t * halfHeight), 0));
        p.append(QVector3D(float(-0.2 * t * halfWidth), float(t * halfHeight), 0));
    }
    return p;
}

// Pixels per data unit along x and y of what the chart draws (Qt Charts' own mapping of
// the first series, in view coordinates) and of the view's geometry.
struct Scale {
    double chartX, chartY, viewX, viewY;
};

Scale scaleOf(Scatter2DView &view)
{
    QChart *chart = view.chartView()->chart();
    auto *series = qobject_cast<QScatterSeries *>(chart->series().first());
    auto at = [&](double x, double y) { return chart->mapToPosition(QPointF(x, y), series); };
    const QPointF o = at(0, 0), ux = at(1, 0), uy = at(0, 1);
    const QRectF plot = view.plotRect(), r = view.visibleRange();
    return {QLineF(o, ux).length(), QLineF(o, uy).length(), plot.width() / r.width(), plot.height() / r.height()};
}

// The tick labels Qt Charts draws on the axis below (Qt::Horizontal) or left of the plot,
// in order along the axis.
QStringList axisLabels(Scatter2DView &view, Qt::Orientation o)
{
    QChart *chart = view.chartView()->chart();
    const QRectF plot = chart->plotArea();
    QList<QPair<double, QString>> found;
    for (QGraphicsItem *item : view.chartView()->scene()->items()) {
        auto *text = dynamic_cast<QGraphicsTextItem *>(item);
        if (!text || !text->isVisible() || text->toPlainText().isEmpty())
            continue;
        const QRectF r = text->sceneBoundingRect();
        static const QRegularExpression number("^-?[0-9]+(\\.[0-9]+)?$");
        if (!number.match(text->toPlainText()).hasMatch())
            continue; // axis titles
        if (o == Qt::Horizontal && r.top() >= plot.bottom() - 1)
            found.append({r.center().x(), text->toPlainText()});
        else if (o == Qt::Vertical && r.right() <= plot.left() + 1)
            found.append({-r.center().y(), text->toPlainText()});
    }
    std::sort(found.begin(), found.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
    QStringList out;
    for (const auto &f : found)
        out << f.second;
    return out;
}

} // namespace

class TestScatter2DView : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void positionsMatchChart();
    void drawsGroupColours_data();
    void drawsGroupColours();
    void widgetGrabVersusScreen();
    void clickSelectsNearestPoint();
    void hoverReportsRow();
    void rubberBandSelects();
    void lassoSelects();
    void legendHidesGroup();
    void selectionAndHighlightDrawn();
    void wheelZoomKeepsAnchor();
    void liveUpdatesKeepZoom();
    void renderImageAndSvg();
    void darkTheme();
    void openGLLayerMadeAtFirstShow();
    void paintedPointsWithoutOpenGLLayer();
    void oneUnitIsOneLengthOnBothAxes();
    void zoomAndVisibleRangeKeepEqualScale();
    void exportKeepsEqualScale();
    void tickLabelsAtNiceSteps_data();
    void tickLabelsAtNiceSteps();
    void neighboursRingedAndJoined_data();
    void neighboursRingedAndJoined();
    void isolateAndShowAll();
    void labelsOnSmallMaps();
    void tooltipShowsRowNumber();
};

void TestScatter2DView::initTestCase()
{
    if (QGuiApplication::platformName() != QLatin1String("xcb"))
        ES_SKIP_WITHOUT_GL(QStringLiteral("needs a real X display (run under xvfb-run with QT_QPA_PLATFORM=xcb)"));
}

void TestScatter2DView::positionsMatchChart()
{
    Scatter2DView view;
    const Grid g = makeGrid(8, 5);
    view.resize(800, 500);
    view.setPoints(g.points);
    view.setColors(g.group, g.groups);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QTest::qWait(50);
    auto *series = qobject_cast<QScatterSeries *>(view.chartView()->chart()->series().first());
    QVERIFY(series);
    for (int row : {0, 7, 20, 39}) {
        const QPointF scene = view.chartView()->chart()->mapToPosition(
            QPointF(g.points[row].x(), g.points[row].y()), series);
        const QPointF widget = QPointF(view.chartView()->mapFromScene(scene)) + view.chartView()->pos();
        const QPointF ours = view.positionOf(row);
        QVERIFY2((widget - ours).manhattanLength() < 1.5,
                 qPrintable(QStringLiteral("row %1: chart (%2,%3) vs view (%4,%5)")
                                .arg(row).arg(widget.x()).arg(widget.y()).arg(ours.x()).arg(ours.y())));
    }
}

void TestScatter2DView::drawsGroupColours_data()
{
    QTest::addColumn<int>("perGroup");
    QTest::addColumn<int>("groups");
    QTest::addColumn<QString>("mode");
    QTest::newRow("raster, 40 points") << 8 << 5 << QStringLiteral("raster");
    QTest::newRow("opengl, 6000 points") << 600 << 10 << QStringLiteral("opengl");
    QTest::newRow("painted, 6000 points") << 600 << 10 << QStringLiteral("painted");
}

void TestScatter2DView::drawsGroupColours()
{
    QFETCH(int, perGroup);
    QFETCH(int, groups);
    QFETCH(QString, mode);
    const bool large = mode != QLatin1String("raster");
    Scatter2DView view;
    if (!useMode(view, mode))
        ES_SKIP_WITHOUT_GL(QStringLiteral("no OpenGL here"));
    // Wide enough that 600 columns keep markers apart.
    view.resize(large ? 1800 : 800, large ? 900 : 500);
    const Grid g = makeGrid(perGroup, groups, large ? 20 : 1);
    view.setPoints(g.points);
    view.setColors(g.group, g.groups);
    if (large)
        view.setPointSize(3);
    checkMode(view, mode);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QRandomGenerator rng(42);
    QVector<int> probe;
    for (int i = 0; i < 60; ++i)
        probe.append(int(rng.bounded(int(g.points.size()))));
    const QImage img = grabWhen(view, [&](const QImage &im) {
        const QPoint p = pixelOf(view, probe[0]);
        return near(im.pixel(p), g.groups[g.group[probe[0]]].color);
    });
    QVERIFY(!img.isNull());
    int ok = 0;
    QString bad;
    for (int row : probe) {
        const QPoint p = pixelOf(view, row);
        const QColor want = g.groups[g.group[row]].color;
        if (near(img.pixel(p), want))
            ++ok;
        else
            bad += QStringLiteral(" row %1 at (%2,%3) is %4 not %5;")
                       .arg(row).arg(p.x()).arg(p.y()).arg(rgb(img.pixel(p)), want.name());
    }
    if (!qEnvironmentVariableIsEmpty("ES_SAVE_GRABS"))
        img.save(qEnvironmentVariable("ES_SAVE_GRABS") + QStringLiteral("/grab-%1.png").arg(mode));
    QVERIFY2(ok == probe.size(), qPrintable(bad));
    // Between points (off the grid lines): background.
    const QPoint mid = between(view, 0, perGroup + 1);
    QVERIFY2(near(img.pixel(mid), palette::ViewColors::fromPalette(view.palette()).background),
             qPrintable(rgb(img.pixel(mid))));
}

// QWidget::grab of a QChartView renders the scene; whether the OpenGL layer (a child
// QOpenGLWidget) comes with it is what this records. The tests rely on grabScreen().
void TestScatter2DView::widgetGrabVersusScreen()
{
    Scatter2DView view;
    if (!useMode(view, QStringLiteral("opengl")))
        ES_SKIP_WITHOUT_GL(QStringLiteral("no OpenGL here"));
    view.resize(1800, 900);
    const Grid g = makeGrid(600, 10, 20);
    view.setPoints(g.points);
    view.setColors(g.group, g.groups);
    view.setPointSize(3);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    const int row = 1234;
    const QColor want = g.groups[g.group[row]].color;
    const QImage screen = grabWhen(view, [&](const QImage &im) {
        return near(im.pixel(view.positionOf(row).toPoint()), want);
    });
    QVERIFY(near(screen.pixel(view.positionOf(row).toPoint()), want));
    const QImage widget = view.grab().toImage();
    const QPoint p = view.positionOf(row).toPoint() * widget.devicePixelRatio();
    qInfo("QWidget::grab of the OpenGL chart at a point: %s (screen grab: %s, group colour %s)",
          qPrintable(rgb(widget.pixel(p))), qPrintable(rgb(screen.pixel(view.positionOf(row).toPoint()))),
          qPrintable(want.name()));
}

void TestScatter2DView::clickSelectsNearestPoint()
{
    Scatter2DView view;
    view.resize(800, 500);
    const Grid g = makeGrid(8, 5);
    view.setPoints(g.points);
    view.setColors(g.group, g.groups);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QSignalSpy clicked(&view, &Scatter2DView::pointClicked);
    QSignalSpy selected(&view, &Scatter2DView::pointsSelected);
    for (int row : {3, 17, 38}) {
        QTest::mouseClick(view.overlay(), Qt::LeftButton, {}, overlayPos(view, row) + QPoint(2, -1));
        QCOMPARE(clicked.size() > 0, true);
        QCOMPARE(clicked.takeLast().at(0).toInt(), row);
        QCOMPARE(view.selection(), QVector<int>{row});
    }
    // Empty space clears the selection.
    const QPointF a = view.positionOf(0), b = view.positionOf(1);
    QTest::mouseClick(view.overlay(), Qt::LeftButton, {},
                      (QPointF((a.x() + b.x()) / 2, a.y()) - view.chartView()->pos()).toPoint());
    QVERIFY(clicked.isEmpty());
    QCOMPARE(selected.size(), 1);
    QVERIFY(selected.takeFirst().at(0).value<QVector<int>>().isEmpty());
    QVERIFY(view.selection().isEmpty());

    // 100k points: the grid finds the nearest one.
    Scatter2DView big;
    big.resize(900, 700);
    QVector<QVector3D> pts;
    QRandomGenerator rng(7);
    for (int i = 0; i < 100000; ++i)
        pts.append(QVector3D(float(rng.generateDouble() * 100), float(rng.generateDouble() * 100), 0));
    big.setPoints(pts);
    big.show();
    QVERIFY(QTest::qWaitForWindowExposed(&big));
    for (int row : {11, 5000, 99999}) {
        const QPointF at = big.positionOf(row);
        const int hit = big.rowAt(at, 6);
        QVERIFY(hit >= 0);
        // The hit is at least as close as the row itself (ties possible in dense areas).
        QVERIFY(QLineF(big.positionOf(hit), at).length() <= 1e-6 + QLineF(big.positionOf(row), at).length());
    }
}

void TestScatter2DView::hoverReportsRow()
{
    Scatter2DView view;
    view.resize(800, 500);
    const Grid g = makeGrid(8, 5);
    view.setPoints(g.points);
    view.setColors(g.group, g.groups);
    view.setTexts(g.texts);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QSignalSpy hovered(&view, &Scatter2DView::pointHovered);
    QTest::mouseMove(view.overlay(), overlayPos(view, 12));
    QTRY_VERIFY(!hovered.isEmpty());
    QCOMPARE(hovered.last().at(0).toInt(), 12);
}

void TestScatter2DView::rubberBandSelects()
{
    Scatter2DView view;
    view.resize(800, 500);
    const Grid g = makeGrid(8, 5);
    view.setPoints(g.points);
    view.setColors(g.group, g.groups);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QSignalSpy selected(&view, &Scatter2DView::pointsSelected);
    // From just outside row (i=2, g=1) to just outside (i=4, g=3): 3 x 3 points.
    const QPoint from = overlayPos(view, 1 * 8 + 2) + QPoint(-10, 10);
    const QPoint to = overlayPos(view, 3 * 8 + 4) + QPoint(10, -10);
    QTest::mousePress(view.overlay(), Qt::LeftButton, Qt::ShiftModifier, from);
    QTest::mouseMove(view.overlay(), from + QPoint(20, -20));
    QTest::mouseMove(view.overlay(), to);
    QTest::mouseRelease(view.overlay(), Qt::LeftButton, Qt::ShiftModifier, to);
    QCOMPARE(selected.size(), 1);
    QVector<int> want;
    for (int k = 1; k <= 3; ++k)
        for (int i = 2; i <= 4; ++i)
            want.append(k * 8 + i);
    QCOMPARE(selected.first().at(0).value<QVector<int>>(), want);
    QCOMPARE(view.selection(), want);
}

void TestScatter2DView::lassoSelects()
{
    Scatter2DView view;
    view.resize(800, 500);
    const Grid g = makeGrid(8, 5);
    view.setPoints(g.points);
    view.setColors(g.group, g.groups);
    view.setDragMode(Scatter2DView::DragMode::Lasso);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QSignalSpy selected(&view, &Scatter2DView::pointsSelected);
    // A triangle around (0,0), (4,0), (0,4) (rows 0, 4, 32) and the points inside it.
    const QPoint a = overlayPos(view, 0) + QPoint(-15, 15);
    const QPoint b = overlayPos(view, 4) + QPoint(25, 15);
    const QPoint c = overlayPos(view, 32) + QPoint(-15, -25);
    QTest::mousePress(view.overlay(), Qt::LeftButton, {}, a);
    for (int i = 1; i <= 10; ++i)
        QTest::mouseMove(view.overlay(), a + (b - a) * i / 10);
    for (int i = 1; i <= 10; ++i)
        QTest::mouseMove(view.overlay(), b + (c - b) * i / 10);
    QTest::mouseRelease(view.overlay(), Qt::LeftButton, {}, c);
    QCOMPARE(selected.size(), 1);
    const QVector<int> rows = selected.first().at(0).value<QVector<int>>();
    QPolygonF tri;
    tri << QPointF(a) << QPointF(b) << QPointF(c);
    QVector<int> want;
    for (int r = 0; r < g.points.size(); ++r)
        if (tri.containsPoint(QPointF(overlayPos(view, r)), Qt::OddEvenFill))
            want.append(r);
    QVERIFY(rows.contains(0) && rows.contains(4) && rows.contains(32));
    QVERIFY(!rows.contains(39));
    QCOMPARE(rows, want);
}

void TestScatter2DView::legendHidesGroup()
{
    Scatter2DView view;
    view.resize(1800, 900);
    const Grid g = makeGrid(600, 10, 20);
    view.setPoints(g.points);
    view.setColors(g.group, g.groups);
    view.setPointSize(3);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    const int row = 3 * 600 + 77; // group 3
    const QColor want = g.groups[3].color;
    const QColor bg = palette::ViewColors::fromPalette(view.palette()).background;
    QImage img = grabWhen(view, [&](const QImage &im) { return near(im.pixel(view.positionOf(row).toPoint()), want); });
    QVERIFY(near(img.pixel(view.positionOf(row).toPoint()), want));
    QSignalSpy toggled(&view, &Scatter2DView::groupVisibilityChanged);
    QTest::mouseClick(view.legend(), Qt::LeftButton, {}, view.legend()->entryRect(3).center());
    QCOMPARE(toggled.size(), 1);
    QVERIFY(!view.isGroupVisible(3));
    img = grabWhen(view, [&](const QImage &im) { return !near(im.pixel(view.positionOf(row).toPoint()), want, 60); });
    // Background or a grid line (the points sit on integer y), never the group colour.
    const QColor grid = palette::ViewColors::fromPalette(view.palette()).grid;
    for (int i : {0, 100, 599}) {
        const QPoint p = view.positionOf(3 * 600 + i).toPoint();
        QVERIFY2(!near(img.pixel(p), want, 60) && (near(img.pixel(p), bg) || near(img.pixel(p), grid)),
                 qPrintable(rgb(img.pixel(p))));
    }
    // Other groups stay.
    QVERIFY(near(img.pixel(view.positionOf(2 * 600 + 77).toPoint()), g.groups[2].color));
    // A hidden point cannot be clicked.
    QCOMPARE(view.rowAt(view.positionOf(row), 1), -1);
    QTest::mouseClick(view.legend(), Qt::LeftButton, {}, view.legend()->entryRect(3).center());
    img = grabWhen(view, [&](const QImage &im) { return near(im.pixel(view.positionOf(row).toPoint()), want); });
    QVERIFY(near(img.pixel(view.positionOf(row).toPoint()), want));
}

void TestScatter2DView::selectionAndHighlightDrawn()
{
    for (const QString &mode : {QStringLiteral("raster"), QStringLiteral("opengl"), QStringLiteral("painted")}) {
        Scatter2DView view;
        view.resize(800, 500);
        const Grid g = makeGrid(8, 5);
        if (!useMode(view, mode))
            continue;
        if (mode != QLatin1String("raster"))
            view.setOpenGLThreshold(10);
        view.setPoints(g.points);
        view.setColors(g.group, g.groups);
        checkMode(view, mode);
        const palette::ViewColors colors = palette::ViewColors::fromPalette(view.palette());
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const double ring = view.pointSize() / 2 + 3.5; // inside the ring (s+10), outside the gap (s+4)
        view.setSelection({10});
        view.setHighlight({20, 21});
        const QImage img = grabWhen(view, [&](const QImage &im) {
            return near(im.pixel((view.positionOf(10) + QPointF(ring, 0)).toPoint()), colors.foreground, 60);
        });
        const QString tag = mode + QStringLiteral(": ");
        auto at = [&](int row, double dx) { return img.pixel((view.positionOf(row) + QPointF(dx, 0)).toPoint()); };
        QVERIFY2(near(at(10, 0), g.groups[1].color), qPrintable(tag + rgb(at(10, 0))));
        QVERIFY2(near(at(10, ring), colors.foreground, 60), qPrintable(tag + rgb(at(10, ring))));
        QVERIFY2(near(at(20, 0), g.groups[2].color), qPrintable(tag + rgb(at(20, 0))));
        QVERIFY2(near(at(20, ring), colors.accent, 60), qPrintable(tag + rgb(at(20, ring))));
        // Other points are dimmed while a search highlights some.
        const QColor dimmed = palette::mix(g.groups[0].color, colors.background, 0.75);
        QVERIFY2(near(at(3, 0), dimmed), qPrintable(tag + rgb(at(3, 0))));
    }
}

void TestScatter2DView::wheelZoomKeepsAnchor()
{
    Scatter2DView view;
    view.resize(800, 500);
    const Grid g = makeGrid(8, 5);
    view.setPoints(g.points);
    view.setColors(g.group, g.groups);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    const QRectF before = view.visibleRange();
    const QPointF anchor = view.positionOf(26);
    view.zoomBy(2.0, anchor);
    QVERIFY(view.isZoomed());
    QVERIFY(std::abs(view.visibleRange().width() - before.width() / 2) < 1e-9);
    QVERIFY(QLineF(view.positionOf(26), anchor).length() < 0.5);
    // Drag pans by the mouse distance.
    const QPointF p0 = view.positionOf(26);
    const QPoint start = overlayPos(view, 26) + QPoint(0, 30);
    QTest::mousePress(view.overlay(), Qt::LeftButton, {}, start);
    QTest::mouseMove(view.overlay(), start + QPoint(30, 0));
    QTest::mouseMove(view.overlay(), start + QPoint(60, 20));
    QTest::mouseRelease(view.overlay(), Qt::LeftButton, {}, start + QPoint(60, 20));
    QVERIFY(QLineF(view.positionOf(26), p0 + QPointF(60, 20)).length() < 0.5);
    view.resetView();
    QVERIFY(!view.isZoomed());
    QCOMPARE(view.visibleRange(), before);
}

void TestScatter2DView::liveUpdatesKeepZoom()
{
    Scatter2DView view;
    view.resize(800, 500);
    Grid g = makeGrid(8, 5);
    view.setPoints(g.points);
    view.setColors(g.group, g.groups);
    view.setSelection({5});
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    // Not zoomed: the view follows the data.
    for (auto &p : g.points)
        p *= 2;
    view.setPoints(g.points);
    QVERIFY(view.visibleRange().right() > 14);
    // Zoomed: it stays.
    view.zoomBy(1.5, view.positionOf(0));
    const QRectF zoomed = view.visibleRange();
    for (auto &p : g.points)
        p *= 3;
    view.setPoints(g.points);
    QCOMPARE(view.visibleRange(), zoomed);
    QCOMPARE(view.selection(), QVector<int>{5});
    const auto series = view.chartView()->chart()->series();
    int total = 0;
    for (auto *s : series)
        if (auto *sc = qobject_cast<QScatterSeries *>(s); sc && sc->color() == g.groups[0].color)
            total += sc->count();
    QVERIFY(total >= 8);
}

void TestScatter2DView::renderImageAndSvg()
{
    Scatter2DView view;
    view.resize(400, 300); // the image size is independent of the widget's
    const Grid g = makeGrid(600, 10, 20);
    view.setPoints(g.points);
    view.setColors(g.group, g.groups);
    view.setAxisTitles(QStringLiteral("PC 1"), QStringLiteral("PC 2"));
    view.setLegendTitle(QStringLiteral("label"));
    QVERIFY(view.usesOpenGL() || view.usesPaintedPoints()); // on screen; the image is QPainter's
    const QImage img = view.renderImage(QSize(1200, 800));
    QCOMPARE(img.size(), QSize(1200, 800));
    QVector<int> counts(10);
    for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width(); ++x)
            for (int k = 0; k < 10; ++k)
                if (near(img.pixel(x, y), g.groups[k].color, 12))
                    ++counts[k];
    for (int k = 0; k < 10; ++k)
        QVERIFY2(counts[k] > 500, qPrintable(QStringLiteral("group %1: %2 pixels").arg(k).arg(counts[k])));

    QTemporaryDir dir;
    const QString svg = dir.filePath(QStringLiteral("map.svg"));
    QString error;
    QVERIFY2(view.exportSvg(svg, QSize(800, 600), &error), qPrintable(error));
    QFile f(svg);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray data = f.readAll();
    QVERIFY(data.contains("<svg"));
    QVERIFY(data.contains(g.groups[4].color.name().toLatin1()));
}

void TestScatter2DView::darkTheme()
{
    Scatter2DView view;
    view.resize(800, 500);
    const Grid g = makeGrid(8, 5);
    view.setPoints(g.points);
    view.setColors(g.group, g.groups);
    QPalette dark = view.palette();
    dark.setColor(QPalette::Base, QColor(28, 29, 32));
    dark.setColor(QPalette::Text, QColor(230, 230, 232));
    view.setPalette(dark);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    const QImage img = grabWhen(view, [&](const QImage &im) {
        return near(im.pixel(view.positionOf(0).toPoint()), g.groups[0].color);
    });
    const QPoint mid = between(view, 0, 9);
    QVERIFY2(near(img.pixel(mid), QColor(28, 29, 32)), qPrintable(rgb(img.pixel(mid))));
    const QImage exported = view.renderImage(QSize(600, 400));
    QVERIFY(near(exported.pixel(5, 5), QColor(28, 29, 32)));
}


// The window switches to OpenGL composition when Qt Charts makes its OpenGL layer (a
// QOpenGLWidget in the chart view), a full repaint of the window. The view makes that
// layer when it is first shown, with few points, so that the first large result does not
// pay for it in the middle of the analysis jobs; the layer must then be the one the large
// series use (Qt Charts replaces it when the antialiasing hint differs), and the small
// data set must still be drawn with raster series.
void TestScatter2DView::openGLLayerMadeAtFirstShow()
{
    if (!openGLAvailable())
        ES_SKIP_WITHOUT_GL(QStringLiteral("no OpenGL here"));
    Scatter2DView view;
    QVERIFY(useMode(view, QStringLiteral("opengl")));
    view.resize(800, 500);
    const Grid small = makeGrid(3, 2);
    view.setPoints(small.points);
    view.setColors(small.group, small.groups);
    QVERIFY(view.findChildren<QOpenGLWidget *>().isEmpty()); // nothing before the first show
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    const QList<QOpenGLWidget *> layers = view.findChildren<QOpenGLWidget *>();
    QCOMPARE(layers.size(), 1);
    QPointer<QOpenGLWidget> layer = layers.first();
    QVERIFY(!view.usesOpenGL());
    QVERIFY(view.chartView()->chart()->series().size() > 0);
    for (QAbstractSeries *s : view.chartView()->chart()->series())
        QVERIFY(!s->useOpenGL());

    const Grid large = makeGrid(400, 5, 20); // 2,000 points: above the default threshold
    QVERIFY(large.points.size() > view.openGLThreshold());
    view.setPoints(large.points);
    view.setColors(large.group, large.groups);
    QVERIFY(view.usesOpenGL());
    const QColor want = large.groups[3].color;
    const int row = 3 * 400 + 200;
    const QImage img = grabWhen(view, [&](const QImage &im) { return near(im.pixel(view.positionOf(row).toPoint()), want); });
    QVERIFY2(near(img.pixel(view.positionOf(row).toPoint()), want), qPrintable(rgb(img.pixel(view.positionOf(row).toPoint()))));
    QVERIFY2(layer, "Qt Charts replaced the OpenGL layer made at the first show");
    QCOMPARE(view.findChildren<QOpenGLWidget *>().size(), 1);
}

// Without a GPU (software OpenGL, as under Xvfb, or none) large maps are painted: no
// OpenGL layer is made, so the window keeps raster composition. The painted dots follow
// live updates, zoom and group visibility.
void TestScatter2DView::paintedPointsWithoutOpenGLLayer()
{
    Scatter2DView view;
    view.resize(1800, 900);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    Grid g = makeGrid(600, 10, 20);
    view.setPoints(g.points);
    view.setColors(g.group, g.groups);
    view.setPointSize(3);
    const bool software = !openGLAvailable() || openGLIsSoftware();
    QCOMPARE(view.usesPaintedPoints(), software); // Auto
    QCOMPARE(view.usesOpenGL(), !software);
    if (!software)
        QVERIFY(useMode(view, QStringLiteral("painted")));
    QVERIFY(view.usesPaintedPoints());
    if (software) // Auto never made the OpenGL layer
        QVERIFY(view.findChildren<QOpenGLWidget *>().isEmpty());
    QVERIFY(view.chartView()->chart()->series().isEmpty());

    const int row = 4 * 600 + 321;
    const QColor want = g.groups[4].color;
    auto at = [&](const QImage &im, int r) { return im.pixel(pixelOf(view, r)); };
    QImage img = grabWhen(view, [&](const QImage &im) { return near(at(im, row), want); });
    QVERIFY2(near(at(img, row), want), qPrintable(rgb(at(img, row))));

    // Zoom: the dot is drawn where positionOf puts it.
    view.zoomBy(3, view.positionOf(row));
    img = grabWhen(view, [&](const QImage &im) { return near(at(im, row + 5), want); });
    QVERIFY2(near(at(img, row + 5), want), qPrintable(rgb(at(img, row + 5))));

    // A live update (same rows, one moved half-way to the next group) moves its dot; the
    // old place is background (the zoomed range stays).
    const QPoint old = pixelOf(view, row);
    g.points[row].setY(g.points[row].y() + 0.5f);
    view.setPoints(g.points);
    QVERIFY(view.isZoomed());
    img = grabWhen(view, [&](const QImage &im) { return near(at(im, row), want) && !near(im.pixel(old), want); });
    QVERIFY2(near(at(img, row), want), qPrintable(rgb(at(img, row))));
    QVERIFY2(!near(img.pixel(old), want), qPrintable(rgb(img.pixel(old))));

    // Hiding the group clears its dots; selecting a row draws its ring.
    view.setGroupVisible(4, false);
    img = grabWhen(view, [&](const QImage &im) { return !near(at(im, row), want); });
    QVERIFY2(!near(at(img, row), want), qPrintable(rgb(at(img, row))));
    view.setGroupVisible(4, true);
    const palette::ViewColors colors = palette::ViewColors::fromPalette(view.palette());
    view.setSelection({row});
    const QPoint ring = (view.positionOf(row) + QPointF(view.pointSize() / 2 + 3.5, 0)).toPoint();
    img = grabWhen(view, [&](const QImage &im) { return near(im.pixel(ring), colors.foreground, 60); });
    QVERIFY2(near(img.pixel(ring), colors.foreground, 60), qPrintable(rgb(img.pixel(ring))));
    QVERIFY2(near(at(img, row), want), qPrintable(rgb(at(img, row))));

    // A small data set afterwards goes back to raster series; no painted dot stays behind.
    const Grid small = makeGrid(8, 5);
    view.setPoints(small.points);
    view.setColors(small.group, small.groups);
    view.resetView();
    QVERIFY(!view.usesPaintedPoints());
    QTRY_VERIFY(!view.chartView()->chart()->series().isEmpty());
    const QColor want3 = small.groups[3].color;
    img = grabWhen(view, [&](const QImage &im) { return near(at(im, 3 * 8 + 4), want3); });
    QVERIFY2(near(at(img, 3 * 8 + 4), want3), qPrintable(rgb(at(img, 3 * 8 + 4))));
    const QPoint gap = between(view, 0, 8 + 1);
    QVERIFY2(near(img.pixel(gap), colors.background), qPrintable(rgb(img.pixel(gap))));
}

// Issue 16: one data unit is as long on screen along x as along y (the plot area takes the
// tab's shape, the ranges follow it), in a wide, a tall and a square widget; what Qt Charts
// draws agrees with the view's geometry.
void TestScatter2DView::oneUnitIsOneLengthOnBothAxes()
{
    Scatter2DView view;
    view.setLegendVisible(false);
    view.setAxisTitles(QStringLiteral("PC 1"), QStringLiteral("PC 2"));
    const QVector<QVector3D> pts = cloud(2.0, 0.5);
    view.setPoints(pts);
    QChart *chart = view.chartView()->chart();
    for (const QSize size : {QSize(900, 420), QSize(420, 800), QSize(700, 700)}) {
        view.resize(size);
        if (!view.isVisible()) {
            view.show();
            QVERIFY(QTest::qWaitForWindowExposed(&view));
        }
        QTest::qWait(50);
        const QString tag = QStringLiteral("%1x%2: ").arg(size.width()).arg(size.height());
        const Scale s = scaleOf(view);
        QVERIFY2(std::abs(s.viewX - s.viewY) < 1e-6 * s.viewX,
                 qPrintable(tag + QStringLiteral("view %1 vs %2 px per unit").arg(s.viewX).arg(s.viewY)));
        QVERIFY2(std::abs(s.chartX - s.chartY) < 1.0 && std::abs(s.chartX - s.viewX) < 1.0,
                 qPrintable(tag + QStringLiteral("chart %1 vs %2 px per unit").arg(s.chartX).arg(s.chartY)));
        // Two points one unit apart along x and along y: the same distance on screen.
        const double dx = QLineF(view.positionOf(0), view.positionOf(1)).length();
        const double dy = QLineF(view.positionOf(0), view.positionOf(2)).length();
        QVERIFY2(std::abs(dx - dy) <= 1.0, qPrintable(tag + QStringLiteral("%1 vs %2 px").arg(dx).arg(dy)));
        // The chart's plot area and axis ranges are the view's; every point is inside.
        const QRectF plot = view.plotRect();
        const QRectF chartPlot = chart->plotArea().translated(view.chartView()->pos());
        QVERIFY2((chartPlot.topLeft() - plot.topLeft()).manhattanLength() < 1
                     && (chartPlot.bottomRight() - plot.bottomRight()).manhattanLength() < 1,
                 qPrintable(tag + "plot area differs"));
        auto *ax = qobject_cast<QValueAxis *>(chart->axes(Qt::Horizontal).first());
        auto *ay = qobject_cast<QValueAxis *>(chart->axes(Qt::Vertical).first());
        const QRectF r = view.visibleRange();
        QVERIFY(std::abs(ax->min() - r.left()) < 1e-3 * r.width() && std::abs(ax->max() - r.right()) < 1e-3 * r.width());
        QVERIFY(std::abs(ay->min() - r.top()) < 1e-3 * r.height() && std::abs(ay->max() - r.bottom()) < 1e-3 * r.height());
        for (int row = 0; row < pts.size(); ++row)
            QVERIFY2(plot.adjusted(-0.5, -0.5, 0.5, 0.5).contains(view.positionOf(row)), qPrintable(tag + QString::number(row)));
        // The data fill the plot along the axis that limits (5 % padding each side).
        const double fillX = 4.0 * s.viewX / plot.width(), fillY = 1.5 * s.viewY / plot.height();
        QVERIFY2(std::max(fillX, fillY) > 0.85, qPrintable(tag + QStringLiteral("fill %1 %2").arg(fillX).arg(fillY)));
    }
}

// Zooming, panning and a requested range keep the equal scale: a requested rectangle is
// grown along its short side, never cut; a resize while zoomed keeps it too.
void TestScatter2DView::zoomAndVisibleRangeKeepEqualScale()
{
    Scatter2DView view;
    view.setLegendVisible(false);
    view.resize(800, 500);
    view.setPoints(cloud(2.0, 0.5));
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    auto equal = [&](const char *what) {
        const Scale s = scaleOf(view);
        QVERIFY2(std::abs(s.viewX - s.viewY) < 1e-6 * s.viewX && std::abs(s.chartX - s.chartY) < 1.0,
                 qPrintable(QStringLiteral("%1: %2 vs %3 px per unit").arg(what).arg(s.viewX).arg(s.viewY)));
    };
    view.zoomBy(1.7, view.positionOf(1));
    equal("wheel zoom");
    view.panBy(QPointF(35, -20));
    equal("pan");
    const QRectF wide(-1, -0.1, 2, 0.2), tall(0, 0, 0.2, 2);
    for (const QRectF &want : {wide, tall}) {
        view.setVisibleRange(want);
        equal("visible range");
        const QRectF r = view.visibleRange();
        QVERIFY(r.contains(want.adjusted(1e-9, 1e-9, -1e-9, -1e-9)));
        QVERIFY(std::abs(r.width() - want.width()) < 1e-9 || std::abs(r.height() - want.height()) < 1e-9);
        QVERIFY(std::abs(r.center().x() - want.center().x()) < 1e-9 && std::abs(r.center().y() - want.center().y()) < 1e-9);
    }
    view.resize(500, 800);
    QTest::qWait(50);
    equal("resized while zoomed");
    QVERIFY(view.visibleRange().contains(tall.adjusted(1e-9, 1e-9, -1e-9, -1e-9)));
    view.resetView();
    equal("reset");
}

// Exported pictures (renderImage, also `embedscope render`) keep the equal scale at their
// own size: a circle of points comes out round in a wide image.
void TestScatter2DView::exportKeepsEqualScale()
{
    Scatter2DView view;
    view.setLegendVisible(false);
    view.resize(500, 500);
    QVector<QVector3D> circle;
    for (int i = 0; i < 72; ++i)
        circle.append(QVector3D(3 + std::cos(i * M_PI / 36), -2 + std::sin(i * M_PI / 36), 0));
    const QColor colour = palette::groupColor(0);
    view.setPoints(circle);
    view.setColors(QVector<int>(circle.size(), 0), {PointGroup{QStringLiteral("ring"), colour, true}});
    for (const QSize size : {QSize(1200, 400), QSize(400, 900)}) {
        const QImage img = view.renderImage(size);
        QRect box;
        for (int y = 0; y < img.height(); ++y)
            for (int x = 0; x < img.width(); ++x)
                if (near(img.pixel(x, y), colour, 30))
                    box |= QRect(x, y, 1, 1);
        QVERIFY(!box.isEmpty());
        QVERIFY2(std::abs(box.width() - box.height()) <= 2,
                 qPrintable(QStringLiteral("%1x%2: the circle is %3 x %4 px")
                                .arg(size.width()).arg(size.height()).arg(box.width()).arg(box.height())));
    }
}

// Issue 16: the axes tick at 1-2-5 steps and print the decimals the step needs, never "-0"
// (ticks every 0.25 printed "0.3", t-SNE ticks every 2.5 printed "13", "8", "3", "-3",
// an empty plot "-0.0"). Reads the labels Qt Charts draws.
void TestScatter2DView::tickLabelsAtNiceSteps_data()
{
    QTest::addColumn<QRectF>("data"); // empty: no points
    QTest::addColumn<QSize>("size");
    QTest::newRow("pca") << QRectF(QPointF(-0.83, -0.62), QPointF(1.41, 0.55)) << QSize(800, 500);
    QTest::newRow("pca small window") << QRectF(QPointF(-0.83, -0.62), QPointF(1.41, 0.55)) << QSize(420, 330);
    QTest::newRow("tsne") << QRectF(QPointF(-14.2, -12.5), QPointF(16.9, 13.1)) << QSize(900, 600);
    QTest::newRow("tiny") << QRectF(QPointF(0.0012, -0.0031), QPointF(0.0091, 0.0044)) << QSize(700, 500);
    QTest::newRow("empty") << QRectF() << QSize(600, 400);
}

void TestScatter2DView::tickLabelsAtNiceSteps()
{
    QFETCH(QRectF, data);
    QFETCH(QSize, size);
    Scatter2DView view;
    view.setLegendVisible(false);
    view.resize(size);
    if (!data.isNull()) {
        QVector<QVector3D> pts;
        for (int i = 0; i <= 10; ++i)
            for (int j = 0; j <= 10; ++j)
                pts.append(QVector3D(float(data.left() + data.width() * i / 10), float(data.top() + data.height() * j / 10), 0));
        view.setPoints(pts);
    }
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QTest::qWait(50);
    static const QRegularExpression minusZero("^-0(\\.0*)?$");
    double steps[2] = {0, 0};
    for (const Qt::Orientation o : {Qt::Horizontal, Qt::Vertical}) {
        const QStringList labels = axisLabels(view, o);
        const QString tag = (o == Qt::Horizontal ? QStringLiteral("x: ") : QStringLiteral("y: ")) + labels.join(' ');
        QVERIFY2(labels.size() >= 2, qPrintable(tag));
        const double step = labels[1].toDouble() - labels[0].toDouble();
        const double mag = std::pow(10.0, std::floor(std::log10(step) + 1e-9));
        const double m = step / mag;
        QVERIFY2(std::abs(m - 1) < 1e-6 || std::abs(m - 2) < 1e-6 || std::abs(m - 5) < 1e-6,
                 qPrintable(tag + QStringLiteral(" (step %1)").arg(step)));
        const int decimals = std::max(0, int(-std::floor(std::log10(step) + 1e-9)));
        for (int i = 0; i < labels.size(); ++i) {
            QVERIFY2(!minusZero.match(labels[i]).hasMatch(), qPrintable(tag));
            const int dot = int(labels[i].indexOf('.'));
            QVERIFY2((dot < 0 ? 0 : int(labels[i].size()) - dot - 1) == decimals, qPrintable(tag));
            if (i > 0)
                QVERIFY2(std::abs(labels[i].toDouble() - labels[i - 1].toDouble() - step) < step * 1e-6, qPrintable(tag));
        }
        steps[o == Qt::Horizontal ? 0 : 1] = step;
    }
    // One data unit is one length on both axes, and so is one grid step.
    QVERIFY2(std::abs(steps[0] - steps[1]) < 1e-9 * steps[0],
             qPrintable(QStringLiteral("x step %1, y step %2").arg(steps[0]).arg(steps[1])));
}

// The clicked point's neighbours: a ring on each (the foreground colour just outside the
// point) and a line from the clicked point to each (the line colour half way), in every
// drawing mode; on a painted map of 20,000 points the neighbours redraw only the overlay.
void TestScatter2DView::neighboursRingedAndJoined_data()
{
    QTest::addColumn<QString>("mode");
    QTest::newRow("raster") << QStringLiteral("raster");
    QTest::newRow("opengl") << QStringLiteral("opengl");
    QTest::newRow("painted") << QStringLiteral("painted");
}

void TestScatter2DView::neighboursRingedAndJoined()
{
    QFETCH(QString, mode);
    Scatter2DView view;
    view.resize(900, 560);
    if (!useMode(view, mode))
        QSKIP("no OpenGL here");
    // A row of 8 points per group, 5 groups, far apart; for the large modes a 20,000-point
    // background far below (the points under test stay where they are).
    Grid g = makeGrid(8, 5, 2);
    if (mode != QLatin1String("raster")) {
        view.setOpenGLThreshold(1000);
        for (int i = 0; i < 20000; ++i) {
            g.points.append(QVector3D(float(i % 200) * 0.035f, -4.0f - float(i / 200) * 0.02f, 0));
            g.group.append(0);
        }
    }
    view.setPoints(g.points);
    view.setColors(g.group, g.groups);
    checkMode(view, mode);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QTest::qWait(200);
    const palette::ViewColors colors = palette::ViewColors::fromPalette(view.palette());
    const int row = 2 * 8 + 3;               // group 2, column 3
    const QImage before = view.grabScreen();
    const QVector<int> nb{2 * 8 + 6, 4 * 8 + 3, 0 * 8 + 0};
    view.setSelection({row});
    QElapsedTimer t;
    t.start();
    view.setNeighbors(row, nb);
    QCOMPARE(view.neighborRow(), row);
    QCOMPARE(view.neighbors(), nb);
    const double ring = view.pointSize() / 2 + 4;
    const QImage img = grabWhen(view, [&](const QImage &im) {
        return near(im.pixel((view.positionOf(nb[0]) + QPointF(0, -ring)).toPoint()), colors.foreground, 160);
    });
    qInfo("%s: neighbours shown in %lld ms", qPrintable(mode), t.elapsed());
    for (int r : nb) {
        const QPoint at = (view.positionOf(r) + QPointF(0, -ring)).toPoint();
        QVERIFY2(near(img.pixel(at), colors.foreground, 160), qPrintable(QStringLiteral("ring of %1: %2").arg(r).arg(rgb(img.pixel(at)))));
        // The line: half way between the clicked point and the neighbour, not background.
        const QPointF mid = (view.positionOf(row) + view.positionOf(r)) / 2;
        bool line = false;
        for (int dy = -1; dy <= 1 && !line; ++dy)
            for (int dx = -1; dx <= 1 && !line; ++dx)
                line = !near(img.pixel(mid.toPoint() + QPoint(dx, dy)), colors.background, 30);
        QVERIFY2(line, qPrintable(QStringLiteral("line to %1 at %2,%3").arg(r).arg(mid.x()).arg(mid.y())));
    }
    // The points themselves keep their colours (the ring leaves them clear).
    QVERIFY2(near(img.pixel(pixelOf(view, nb[1])), g.groups[4].color), qPrintable(rgb(img.pixel(pixelOf(view, nb[1])))));
    // Exports carry them.
    view.setNeighbors(-1, {});
    const QImage without = view.renderImage(QSize(900, 560));
    view.setNeighbors(row, nb);
    QVERIFY(view.renderImage(QSize(900, 560)) != without);
    // Off again: the ring pixel is background.
    view.setNeighbors(-1, {});
    QVERIFY(view.neighbors().isEmpty());
    const QPoint ringAt = (view.positionOf(nb[0]) + QPointF(0, -ring)).toPoint();
    const QImage off = grabWhen(view, [&](const QImage &im) { return im.pixel(ringAt) == before.pixel(ringAt); });
    QVERIFY2(off.pixel(ringAt) == before.pixel(ringAt), qPrintable(rgb(off.pixel(ringAt))));
}

// "Isolate these N points" keeps the clicked point and its neighbours (and fits the view
// to them); "Show all" and Esc come back.
void TestScatter2DView::isolateAndShowAll()
{
    Scatter2DView view;
    view.resize(900, 560);
    const Grid g = makeGrid(10, 4);
    view.setTexts(g.texts);
    view.setPoints(g.points);
    view.setColors(g.group, g.groups);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    IsolateBar *bar = view.isolateBar();
    QVERIFY(bar);
    QVERIFY(!bar->isVisible());
    const QRectF whole = view.visibleRange();
    // A click on row 12, whose neighbours are 13, 14 and 22.
    QTest::mouseClick(view.overlay(), Qt::LeftButton, {}, overlayPos(view, 12));
    QCOMPARE(view.selection(), QVector<int>{12});
    view.setNeighbors(12, {13, 14, 22});
    QVERIFY(bar->isVisible());
    QVERIFY(bar->isolateButton()->isVisible());
    QCOMPARE(bar->isolateButton()->text(), QStringLiteral("Isolate these 4 points"));
    QVERIFY(!bar->showAllButton()->isVisible());
    QVERIFY(view.plotRect().contains(bar->geometry().topLeft()));

    QSignalSpy spy(&view, &Scatter2DView::isolationChanged);
    bar->isolateButton()->click();
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.first().first().value<QVector<int>>(), (QVector<int>{12, 13, 14, 22}));
    QCOMPARE(view.isolation(), (QVector<int>{12, 13, 14, 22}));
    QVERIFY(bar->showAllButton()->isVisible());
    QVERIFY(!bar->isolateButton()->isVisible());
    // Only those rows are drawn and picked; the view fits them.
    QVERIFY(view.visibleRange().width() < whole.width());
    for (int r : {12, 13, 14, 22})
        QVERIFY(view.plotRect().contains(view.positionOf(r)));
    QVERIFY(view.rowAt(view.positionOf(15), 3) == -1 || !view.plotRect().contains(view.positionOf(15)));
    const QImage exported = view.renderImage(QSize(900, 560));
    QVERIFY(!exported.isNull());

    // Esc shows all again.
    view.overlay()->setFocus();
    QTest::keyClick(view.overlay(), Qt::Key_Escape);
    QVERIFY(view.isolation().isEmpty());
    QCOMPARE(spy.count(), 2);
    QCOMPARE(view.visibleRange(), whole);
    QCOMPARE(view.rowAt(view.positionOf(15), 3), 15);
    // Isolate again, then Show all.
    bar->isolateButton()->click();
    QCOMPARE(view.isolation().size(), 4);
    bar->showAllButton()->click();
    QVERIFY(view.isolation().isEmpty());
    QCOMPARE(spy.count(), 4);
    // A new data set (another row count) drops the isolation and the neighbours.
    view.setIsolation({1, 2});
    view.setPoints(makeGrid(5, 2).points);
    QVERIFY(view.isolation().isEmpty());
    QCOMPARE(view.neighborRow(), -1);
}

// Auto labels (the window's "Point labels" switch, render --labels auto): each sentence's
// first words beside its point up to pointlabels::kAutoLimit points in view, none above.
void TestScatter2DView::labelsOnSmallMaps()
{
    QCOMPARE(pointlabels::firstWords(QStringLiteral("The dog barks at the postman every morning.")),
             QStringLiteral("The dog barks at the postman") + QChar(0x2026));
    QCOMPARE(pointlabels::firstWords(QStringLiteral("Short one.")), QStringLiteral("Short one."));
    QCOMPARE(*pointlabels::parseMode(QStringLiteral("auto")), pointlabels::Mode::Auto);
    QVERIFY(!pointlabels::parseMode(QStringLiteral("yes")));

    Scatter2DView view;
    view.resize(1000, 620);
    const Grid small = makeGrid(6, 5, 0.4f); // 30 points, columns ~170 px apart
    view.setTexts(small.texts);
    view.setPoints(small.points);
    view.setColors(small.group, small.groups);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QCOMPARE(view.labelMode(), pointlabels::Mode::Off);
    QTest::qWait(100);
    const QImage off = view.grabScreen();
    QCOMPARE(view.labelsDrawn(), 0);
    view.setLabelMode(pointlabels::Mode::Auto);
    QTRY_VERIFY(view.labelsDrawn() > 20);
    QTest::qWait(100);
    const QImage on = view.grabScreen();
    // Text right of a point (between it and the next column) that the map without labels lacks.
    const QPoint right = (view.positionOf(7) + QPointF(view.pointSize() / 2 + 12, 0)).toPoint();
    int changed = 0;
    for (int dy = -5; dy <= 5; ++dy)
        for (int dx = 0; dx < 30; ++dx)
            changed += on.pixel(right + QPoint(dx, dy)) != off.pixel(right + QPoint(dx, dy));
    QVERIFY2(changed > 10, qPrintable(QString::number(changed)));
    const QImage exportedOn = view.renderImage(QSize(1000, 620));
    view.setLabelMode(pointlabels::Mode::Off);
    QVERIFY(exportedOn != view.renderImage(QSize(1000, 620)));

    // 100 points: too many for Auto; zoomed in to a few, they show.
    view.setLabelMode(pointlabels::Mode::Auto);
    const Grid big = makeGrid(25, 4, 2);
    view.setTexts(big.texts);
    view.setPoints(big.points);
    view.setColors(big.group, big.groups);
    QTest::qWait(150);
    view.grabScreen();
    QTRY_COMPARE(view.labelsDrawn(), 0);
    view.setVisibleRange(QRectF(-0.5, -0.5, 6, 5));
    QTRY_VERIFY(view.labelsDrawn() > 5);
}

void TestScatter2DView::tooltipShowsRowNumber()
{
    Scatter2DView view;
    const Grid g = makeGrid(8, 2);
    view.setTexts(g.texts);
    view.setPoints(g.points);
    view.setColors(g.group, g.groups);
    const QString html = view.tooltipHtml(14);
    QVERIFY2(html.contains(QStringLiteral("Row 15")), qPrintable(html)); // 1-based, as the table
    QVERIFY(html.contains(g.texts[14]));
    QVERIFY(html.contains(QStringLiteral("group 1")));
    QStringList noTexts;
    view.setTexts(noTexts);
    QVERIFY(view.tooltipHtml(0).contains(QStringLiteral("Row 1")));
}

ES_TEST_MAIN(TestScatter2DView)
#include "tst_scatter2dview.moc"
