// Scatter3DView under Xvfb (xcb + Mesa): renderToImage shows the groups' colours, a click
// on an item emits pointClicked(row), hiding a group removes its colour, the level of
// detail samples large sets, the OpenGL check answers, and software OpenGL is not asked
// to multisample.
#include "views/glcheck.h"
#include "views/isolatebar.h"
#include "views/legend.h"
#include "views/palette.h"
#include "views/scatter3dview.h"

#include <QRandomGenerator>
#include <QSignalSpy>
#include <QToolButton>
#include <QtDataVisualization/Q3DTheme>
#include <QTest>
#include "tools/testmain.h"
#include <QtDataVisualization/Q3DCamera>
#include <QtDataVisualization/Q3DScatter>
#include <QtDataVisualization/Q3DScene>
#include <QtDataVisualization/QScatter3DSeries>
#include <QtDataVisualization/QValue3DAxis>

#include <QRegularExpression>

using namespace es;

namespace {

struct Clusters {
    QVector<QVector3D> points;
    QVector<int> group;
    QList<PointGroup> groups;
};

Clusters makeClusters(int perGroup, int groups, quint32 seed = 1)
{
    Clusters c;
    QRandomGenerator rng(seed);
    for (int k = 0; k < groups; ++k) {
        c.groups.append(PointGroup{QStringLiteral("g%1").arg(k), palette::groupColor(k), true});
        const QVector3D centre(float(std::cos(k * 1.3) * 10), float(std::sin(k * 1.3) * 10), float((k % 3) * 6 - 6));
        for (int i = 0; i < perGroup; ++i) {
            c.points.append(centre + QVector3D(float(rng.generateDouble() - 0.5), float(rng.generateDouble() - 0.5),
                                               float(rng.generateDouble() - 0.5)) * 2.0f);
            c.group.append(k);
        }
    }
    return c;
}

// Pixels close to a colour (shading changes brightness; compare hue and saturation
// loosely and require some saturation).
int countLike(const QImage &img, const QColor &c)
{
    int n = 0;
    for (int y = 0; y < img.height(); y += 2)
        for (int x = 0; x < img.width(); x += 2) {
            const QColor p = img.pixelColor(x, y);
            if (p.hsvSaturation() < 60 || c.hsvSaturation() < 60)
                continue;
            int dh = std::abs(p.hsvHue() - c.hsvHue());
            dh = std::min(dh, 360 - dh);
            if (dh <= 10)
                ++n;
        }
    return n;
}

} // namespace

class TestScatter3DView : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void renderShowsGroups();
    void largeSetUsesPoints();
    void clickEmitsRow();
    void hideGroupRemovesColour();
    void levelOfDetail();
    void autoRotate();
    void softwareOpenGLDoesNotMultisample();
    void axisLabelsAtNiceSteps();
    void selectedKeepsColourWithRing();
    void neighboursAndIsolation();
    void sceneFillsCanvas_data();
    void sceneFillsCanvas();
    void axisLabelsFaceTheCamera();
};

void TestScatter3DView::initTestCase()
{
    QString why;
    if (!Scatter3DView::isOpenGLAvailable(&why))
        ES_SKIP_WITHOUT_GL(why + QStringLiteral(" (run under xvfb-run with QT_QPA_PLATFORM=xcb)"));
    QVERIFY(why.isEmpty());
}

void TestScatter3DView::renderShowsGroups()
{
    Scatter3DView view;
    view.resize(900, 600);
    const Clusters c = makeClusters(200, 4);
    view.setPoints(c.points);
    view.setColors(c.group, c.groups);
    view.setLegendTitle(QStringLiteral("topic"));
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    // 800 points: the low-poly sphere from the resources (drawn, or the hues below fail).
    QCOMPARE(view.graph()->seriesList().first()->mesh(), QAbstract3DSeries::MeshUserDefined);
    QCOMPARE(view.graph()->seriesList().first()->userDefinedMesh(), QStringLiteral(":/meshes/icosphere1.obj"));
    const QImage img = view.renderImage(QSize(900, 600));
    QCOMPARE(img.size(), QSize(900, 600));
    // The graph (left of the legend) holds every group's hue; orange (0) and vermillion (5)
    // are not both used, so hues are apart.
    const QImage graph = img.copy(0, 0, 900 - view.legend()->sizeHint().width(), 600);
    for (int k = 0; k < 4; ++k) {
        if (c.groups[k].color.hsvSaturation() < 60)
            continue;
        QVERIFY2(countLike(graph, c.groups[k].color) > 20,
                 qPrintable(QStringLiteral("group %1 (%2): %3 pixels").arg(k).arg(c.groups[k].color.name())
                                .arg(countLike(graph, c.groups[k].color))));
    }
    // Not blank: many distinct colours.
    QSet<QRgb> distinct;
    for (int y = 0; y < img.height(); y += 3)
        for (int x = 0; x < img.width(); x += 3)
            distinct.insert(img.pixel(x, y));
    QVERIFY(distinct.size() > 50);
}

void TestScatter3DView::largeSetUsesPoints()
{
    Scatter3DView view;
    view.resize(700, 500);
    const Clusters c = makeClusters(5000, 3);
    view.setPoints(c.points);
    view.setColors(c.group, c.groups);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QCOMPARE(view.graph()->optimizationHints(), QAbstract3DGraph::OptimizationStatic);
    QCOMPARE(view.graph()->seriesList().first()->mesh(), QAbstract3DSeries::MeshPoint);
    const QImage img = view.renderImage(QSize(700, 500));
    QVERIFY(countLike(img, c.groups[1].color) > 20);
}

void TestScatter3DView::clickEmitsRow()
{
    Scatter3DView view;
    view.resize(700, 500);
    const Clusters c = makeClusters(50, 3);
    view.setPoints(c.points);
    view.setColors(c.group, c.groups);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QSignalSpy clicked(&view, &Scatter3DView::pointClicked);
    // Selecting an item through the graph (what the input handler does on a click) maps
    // the series index back to the data row.
    view.clickRow(120);
    QTRY_COMPARE(clicked.size(), 1);
    QCOMPARE(clicked.first().at(0).toInt(), 120);
    QCOMPARE(view.selection(), QVector<int>{120});
    // The selection is drawn as its own series.
    QScatter3DSeries *sel = nullptr;
    for (auto *s : view.graph()->seriesList())
        if (s->name() == QStringLiteral("selected"))
            sel = s;
    QVERIFY(sel);
    QCOMPARE(sel->dataProxy()->itemCount(), 1);
    QCOMPARE(sel->dataProxy()->itemAt(0)->position(), c.points[120]);

    // A real mouse click on a rendered item: find the pixel of an isolated item by
    // rendering with only that group visible, then click there.
    view.setSelection({});
    clicked.clear();
    view.setGroupVisible(0, false);
    view.setGroupVisible(2, false);
    const QImage img = view.graph()->renderToImage(0, view.container()->size());
    QPoint hit(-1, -1);
    for (int y = 0; y < img.height() && hit.x() < 0; ++y)
        for (int x = 0; x < img.width(); ++x) {
            const QColor p = img.pixelColor(x, y);
            int dh = std::abs(p.hsvHue() - c.groups[1].color.hsvHue());
            dh = std::min(dh, 360 - dh);
            if (p.hsvSaturation() > 80 && dh < 8) {
                hit = QPoint(x, y + 2);
                break;
            }
        }
    QVERIFY(hit.x() >= 0);
    QWindow *win = view.graph();
    QTest::mouseClick(win, Qt::LeftButton, {}, hit);
    if (clicked.isEmpty())
        QTest::qWait(300); // selection is resolved on the next rendered frame
    QTRY_VERIFY_WITH_TIMEOUT(!clicked.isEmpty(), 5000);
    const int row = clicked.first().at(0).toInt();
    QVERIFY2(row >= 50 && row < 100, qPrintable(QString::number(row)));
}

void TestScatter3DView::hideGroupRemovesColour()
{
    Scatter3DView view;
    view.resize(800, 500);
    const Clusters c = makeClusters(300, 3);
    view.setPoints(c.points);
    view.setColors(c.group, c.groups);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    const QColor sky = c.groups[1].color;
    const int before = countLike(view.graph()->renderToImage(0, QSize(600, 500)), sky);
    QVERIFY(before > 20);
    QSignalSpy toggled(&view, &Scatter3DView::groupVisibilityChanged);
    QTest::mouseClick(view.legend(), Qt::LeftButton, {}, view.legend()->entryRect(1).center());
    QCOMPARE(toggled.size(), 1);
    const int after = countLike(view.graph()->renderToImage(0, QSize(600, 500)), sky);
    QVERIFY2(after < before / 10, qPrintable(QStringLiteral("%1 -> %2").arg(before).arg(after)));
}

void TestScatter3DView::levelOfDetail()
{
    Scatter3DView view;
    view.setSampleLimit(10000);
    const Clusters c = makeClusters(10000, 4);
    view.setPoints(c.points);
    view.setColors(c.group, c.groups);
    QVERIFY(view.isSampled());
    QVERIFY(view.drawnCount() > 9000 && view.drawnCount() < 11000);
    // The legend still counts every row.
    QCOMPARE(view.legend()->entries().at(2).count, 10000);
    // Selected rows are drawn even when the sample left them out.
    view.setSelection({0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
    QScatter3DSeries *sel = nullptr;
    for (auto *s : view.graph()->seriesList())
        if (s->name() == QStringLiteral("selected"))
            sel = s;
    QVERIFY(sel);
    QCOMPARE(sel->dataProxy()->itemCount(), 10);
}

void TestScatter3DView::autoRotate()
{
    Scatter3DView view;
    const Clusters c = makeClusters(20, 2);
    view.setPoints(c.points);
    view.setColors(c.group, c.groups);
    QCOMPARE(view.graph()->seriesList().first()->mesh(), QAbstract3DSeries::MeshSphere); // few: Qt's smooth sphere
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    const float x0 = view.graph()->scene()->activeCamera()->xRotation();
    view.setAutoRotate(true);
    QTRY_VERIFY(view.graph()->scene()->activeCamera()->xRotation() != x0);
    view.resetView();
    QVERIFY(!view.autoRotate());
}


// Under a software rasteriser (Xvfb's llvmpipe) the window is not multisampled: 8x
// multisampling made a live t-SNE frame of 1,000 spheres take 81-109 ms instead of 60-83.
void TestScatter3DView::softwareOpenGLDoesNotMultisample()
{
    QVERIFY(isSoftwareRenderer(QStringLiteral("llvmpipe (LLVM 15.0.6, 256 bits)")));
    QVERIFY(isSoftwareRenderer(QStringLiteral("softpipe")));
    QVERIFY(isSoftwareRenderer(QStringLiteral("Software Rasterizer")));
    QVERIFY(!isSoftwareRenderer(QStringLiteral("AMD Radeon RX 6600 (navi23, LLVM 15.0.6, DRM 3.49, 6.1.0-13-amd64)")));
    QVERIFY(!isSoftwareRenderer(QStringLiteral("Mesa Intel(R) UHD Graphics 620 (KBL GT2)")));
    QVERIFY(!isSoftwareRenderer(QStringLiteral("NVIDIA GeForce RTX 3060/PCIe/SSE2")));

    Scatter3DView view;
    const int samples = view.graph()->format().samples();
    if (openGLIsSoftware())
        QVERIFY2(samples <= 0, qPrintable(QString::number(samples)));
    else
        QVERIFY2(samples > 0, qPrintable(QString::number(samples))); // Qt asks for 8
}

// Issue 16: the 3D axes tick at 1-2-5 steps with the decimals the step needs and never
// "-0" (they printed "%.2g": "0.25" as "0.25" next to "0.5", "13" for 12.5, "-0.0"), and
// each axis spans whole steps around its data. Reads the axes' labels.
void TestScatter3DView::axisLabelsAtNiceSteps()
{
    Scatter3DView view;
    view.resize(700, 500);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QVector<QVector3D> pts;
    for (int i = 0; i <= 20; ++i) {
        const float t = i / 20.0f;
        // x like PCA, y like t-SNE, z tiny; then z flat (a 2D result) in the second round.
        pts.append(QVector3D(-0.83f + 2.24f * t, -14.2f + 31.1f * (1 - t), 0.0012f + 0.0079f * t));
    }
    static const QRegularExpression minusZero("^-0(\\.0*)?$");
    for (int round = 0; round < 3; ++round) {
        if (round == 1)
            for (QVector3D &p : pts)
                p.setZ(0);
        if (round == 2)
            pts.clear(); // no points: the default axes
        view.setPoints(pts);
        QValue3DAxis *axes[3] = {view.graph()->axisX(), view.graph()->axisY(), view.graph()->axisZ()};
        for (int d = 0; d < 3; ++d) {
            QValue3DAxis *a = axes[d];
            const QStringList labels = a->labels();
            const QString tag = QStringLiteral("round %1 axis %2: ").arg(round).arg(d) + labels.join(' ');
            QCOMPARE(labels.size(), a->segmentCount() + 1);
            QVERIFY2(labels.size() >= 2 && labels.size() <= 8, qPrintable(tag));
            const double step = labels[1].toDouble() - labels[0].toDouble();
            const double mag = std::pow(10.0, std::floor(std::log10(step) + 1e-9));
            const double m = step / mag;
            QVERIFY2(std::abs(m - 1) < 1e-6 || std::abs(m - 2) < 1e-6 || std::abs(m - 5) < 1e-6, qPrintable(tag));
            const int decimals = std::max(0, int(-std::floor(std::log10(step) + 1e-9)));
            for (int i = 0; i < labels.size(); ++i) {
                QVERIFY2(!minusZero.match(labels[i]).hasMatch(), qPrintable(tag));
                const int dot = int(labels[i].indexOf('.'));
                QVERIFY2((dot < 0 ? 0 : int(labels[i].size()) - dot - 1) == decimals, qPrintable(tag));
                if (i > 0)
                    QVERIFY2(std::abs(labels[i].toDouble() - labels[i - 1].toDouble() - step) < step * 1e-6, qPrintable(tag));
            }
            // The axis holds all its points, ending at most one step beyond them.
            for (const QVector3D &p : pts) {
                QVERIFY2(p[d] >= a->min() - 1e-6 * step && p[d] <= a->max() + 1e-6 * step, qPrintable(tag));
            }
            if (!pts.isEmpty() && !(round == 1 && d == 2)) {
                double lo = HUGE_VAL, hi = -HUGE_VAL;
                for (const QVector3D &p : pts) {
                    lo = std::min(lo, double(p[d]));
                    hi = std::max(hi, double(p[d]));
                }
                QVERIFY2(lo - a->min() < step * 1.0001 && a->max() - hi < step * 1.0001, qPrintable(tag));
            }
        }
    }
}

// A clicked point keeps its group's colour (its highlight colour is its own, not the
// foreground's black); a ring (the ring mesh, facing the camera) marks it.
void TestScatter3DView::selectedKeepsColourWithRing()
{
    Scatter3DView view;
    view.resize(800, 560);
    const Clusters c = makeClusters(40, 3);
    view.setPoints(c.points);
    view.setColors(c.group, c.groups);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    for (int g = 0; g < 3; ++g)
        QCOMPARE(view.groupSeries(g)->singleHighlightColor(), c.groups[g].color);
    view.clickRow(45);
    QTRY_COMPARE(view.selection(), QVector<int>{45});
    QScatter3DSeries *sel = view.selectionSeries();
    QCOMPARE(sel->mesh(), QAbstract3DSeries::MeshUserDefined);
    QCOMPARE(sel->userDefinedMesh(), QStringLiteral(":/meshes/ring.obj"));
    QCOMPARE(sel->dataProxy()->itemCount(), 1);
    QVERIFY(sel->itemSize() > view.groupSeries(1)->itemSize());
    // The clicked item is drawn in its colour, not black: render only group 1 with and
    // without the selection; the selected point's own pixels keep group 1's hue.
    view.setGroupVisible(0, false);
    view.setGroupVisible(2, false);
    const QImage img = view.renderImage(QSize(800, 560));
    QVERIFY2(countLike(img, c.groups[1].color) > 20, qPrintable(QString::number(countLike(img, c.groups[1].color))));
    // The item label names the row, 1-based.
    QVERIFY(view.itemLabel(45).startsWith(QStringLiteral("Row 46")));
    // The rings turn with the camera.
    const QQuaternion before = sel->meshRotation();
    view.graph()->scene()->activeCamera()->setXRotation(view.graph()->scene()->activeCamera()->xRotation() + 40);
    QVERIFY(!qFuzzyCompare(sel->meshRotation(), before));
}

void TestScatter3DView::neighboursAndIsolation()
{
    Scatter3DView view;
    view.resize(800, 560);
    const Clusters c = makeClusters(40, 3);
    view.setPoints(c.points);
    view.setColors(c.group, c.groups);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.setSelection({5});
    view.setNeighbors(5, {6, 7, 50});
    QCOMPARE(view.neighborSeries()->dataProxy()->itemCount(), 3);
    QCOMPARE(view.neighborSeries()->userDefinedMesh(), QStringLiteral(":/meshes/ring.obj"));
    // Dotted lines: dots between the clicked point and each neighbour (the far one, in
    // another cluster, gets many).
    const int dots = view.linkSeries()->dataProxy()->itemCount();
    QVERIFY2(dots > 10, qPrintable(QString::number(dots)));
    const QVector3D a = c.points[5], b = c.points[50];
    int onLine = 0;
    for (int i = 0; i < dots; ++i) {
        const QVector3D p = view.linkSeries()->dataProxy()->itemAt(i)->position();
        const QVector3D ap = p - a, ab = b - a;
        if (QVector3D::crossProduct(ap, ab).length() < 1e-3f * ab.lengthSquared())
            ++onLine;
    }
    QVERIFY(onLine >= 5);
    // Isolate these 4 points: only they are drawn and the axes fit them.
    IsolateBar *bar = view.isolateBar();
    QVERIFY(bar->isVisible());
    // Not under the scene: the scene is a native OpenGL window that covers any widget laid
    // over it (the bar was "visible" but never seen).
    {
        const QRect barRect(bar->mapTo(&view, QPoint(0, 0)), bar->size());
        const QRect sceneRect(view.container()->mapTo(&view, QPoint(0, 0)), view.container()->size());
        QVERIFY2(!barRect.intersects(sceneRect), "the isolate bar lies under the 3D scene's window");
    }
    QCOMPARE(bar->isolateButton()->text(), QStringLiteral("Isolate these 4 points"));
    const float spanBefore = view.graph()->axisX()->max() - view.graph()->axisX()->min();
    QSignalSpy spy(&view, &Scatter3DView::isolationChanged);
    bar->isolateButton()->click();
    QCOMPARE(spy.count(), 1);
    QCOMPARE(view.isolation(), (QVector<int>{5, 6, 7, 50}));
    QCOMPARE(view.drawnCount(), 4);
    QVERIFY(view.graph()->axisX()->max() - view.graph()->axisX()->min() <= spanBefore);
    QVERIFY(bar->showAllButton()->isVisible());
    // Esc in the scene shows all.
    QKeyEvent esc(QEvent::KeyPress, Qt::Key_Escape, Qt::NoModifier);
    QCoreApplication::sendEvent(view.graph(), &esc);
    QVERIFY(view.isolation().isEmpty());
    QCOMPARE(view.drawnCount(), 120);
    QCOMPARE(spy.count(), 2);
    view.setNeighbors(-1, {});
    QCOMPARE(view.linkSeries()->dataProxy()->itemCount(), 0);
}

// The scene (the axis cube with its labels) fills the canvas along its limiting side and
// is not clipped, at the 3D tab's sizes in 1280x720, 1366x768 and 1920x1080 windows.
void TestScatter3DView::sceneFillsCanvas_data()
{
    QTest::addColumn<QSize>("size");
    QTest::newRow("1280x720 window") << QSize(760, 520);
    QTest::newRow("1366x768 window") << QSize(820, 560);
    QTest::newRow("1920x1080 window") << QSize(1200, 840);
    QTest::newRow("wide") << QSize(1200, 500);
    QTest::newRow("tall") << QSize(600, 800);
}

void TestScatter3DView::sceneFillsCanvas()
{
    QFETCH(QSize, size);
    Scatter3DView view;
    view.setLegendVisible(false);
    view.resize(size);
    const Clusters c = makeClusters(60, 3);
    view.setPoints(c.points);
    view.setColors(c.group, c.groups);
    view.setAxisTitles(QStringLiteral("PC 1"), QStringLiteral("PC 2"), QStringLiteral("PC 3"));
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QTest::qWait(100);
    const QSize canvas = view.container()->size();
    const QImage img = view.renderImage(canvas);
    const QRgb bg = img.pixel(0, 0);
    int x0 = img.width(), x1 = -1, y0 = img.height(), y1 = -1;
    for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width(); ++x) {
            const QRgb p = img.pixel(x, y);
            if (std::abs(qRed(p) - qRed(bg)) + std::abs(qGreen(p) - qGreen(bg)) + std::abs(qBlue(p) - qBlue(bg)) > 30) {
                x0 = std::min(x0, x);
                x1 = std::max(x1, x);
                y0 = std::min(y0, y);
                y1 = std::max(y1, y);
            }
        }
    const double fw = double(x1 - x0 + 1) / img.width(), fh = double(y1 - y0 + 1) / img.height();
    const QString tag = QStringLiteral("canvas %1x%2: drawn %3,%4 - %5,%6 (%7 x %8)")
                            .arg(img.width()).arg(img.height()).arg(x0).arg(y0).arg(x1).arg(y1).arg(fw, 0, 'f', 2).arg(fh, 0, 'f', 2);
    qInfo("%s", qPrintable(tag));
    QVERIFY2(std::max(fw, fh) >= 0.8, qPrintable(tag)); // 0.67-0.72 before the fit
    QVERIFY2(x0 > 0 && y0 > 0 && x1 < img.width() - 1 && y1 < img.height() - 1, qPrintable(tag)); // nothing clipped
}

// Axis labels and titles turn to the camera, and the theme font is sized so that the
// labels' textures (printed at 50 pt) are not shrunk below a third on screen.
void TestScatter3DView::axisLabelsFaceTheCamera()
{
    Scatter3DView view;
    view.resize(820, 560);
    view.setPoints(makeClusters(20, 2).points);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    for (QValue3DAxis *a : {view.graph()->axisX(), view.graph()->axisY(), view.graph()->axisZ()}) {
        QVERIFY(a->labelAutoRotation() > 0);
        QVERIFY(!a->isTitleFixed());
    }
    const double small = view.graph()->activeTheme()->font().pointSizeF();
    view.resize(1400, 960);
    QTest::qWait(50);
    const double large = view.graph()->activeTheme()->font().pointSizeF();
    // A larger canvas draws the scene larger: the same on-screen label size needs a
    // smaller theme font.
    QVERIFY2(large < small, qPrintable(QStringLiteral("%1 -> %2").arg(small).arg(large)));
}

ES_TEST_MAIN(TestScatter3DView)
#include "tst_scatter3dview.moc"
