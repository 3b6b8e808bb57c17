// The doctor's cluster captions on the main window's 2D map: with the doctor run, one
// caption per label group sits at the group's mean position in the shown projection (PCA,
// then t-SNE); its text pixels appear on screen near that position and follow zoom and pan;
// the "Cluster captions" switch (View menu action and the doctor panel's box, kept in step)
// removes them. Also the caption painter alone: boxes inside the plot, never overlapping.
#include "mainwindow.h"
#include "views/doctorpanel.h"
#include "views/isolatebar.h"
#include "views/scatter3dview.h"
#include "views/legend.h"
#include "views/overlay.h"
#include "views/scatter2dview.h"

#include "testdata.h"
#include "windowtest.h"

#include "jobs/jobrunner.h"

#include <QAction>
#include <QCheckBox>
#include <QDockWidget>
#include <QPainter>
#include <QScreen>
#include <QSettings>
#include <QToolButton>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTest>
#include "tools/testmain.h"

#include <map>
#include <random>

using namespace es;

namespace {

// Widget pixel of a data point on the view's current range (as the view maps it).
QPointF pixelOf(const Scatter2DView &view, const QPointF &d)
{
    const QRectF plot = view.plotRect(), r = view.visibleRange();
    return {plot.left() + (d.x() - r.left()) / r.width() * plot.width(),
            plot.bottom() - (d.y() - r.top()) / r.height() * plot.height()};
}

bool dark(QRgb c) { return qGray(c) < 60; } // caption text; the blue points (gray ~85) are not

// Pixels within radius of c that differ between a and b / that are dark in a but not in b.
int differing(const QImage &a, const QImage &b, QPoint c, int radius, bool darkOnly)
{
    int n = 0;
    for (int y = c.y() - radius; y <= c.y() + radius; ++y)
        for (int x = c.x() - radius; x <= c.x() + radius; ++x) {
            if (!a.valid(x, y) || !b.valid(x, y))
                continue;
            const QRgb pa = a.pixel(x, y), pb = b.pixel(x, y);
            if (darkOnly ? (dark(pa) && !dark(pb)) : pa != pb)
                ++n;
        }
    return n;
}

QImage grab(Scatter2DView *view)
{
    QTest::qWait(150);
    return view->grabScreen();
}

// Mean map position of every label's rows.
std::map<QString, QPointF> labelMeans(const Dataset &ds, const QVector<QVector3D> &coords)
{
    std::map<QString, std::pair<QPointF, int>> sum;
    for (std::size_t i = 0; i < ds.size(); ++i) {
        auto &[p, n] = sum[QString::fromStdString(ds.columns[0].values[i])];
        p += QPointF(coords[int(i)].x(), coords[int(i)].y());
        ++n;
    }
    std::map<QString, QPointF> out;
    for (const auto &[name, pn] : sum)
        out[name] = pn.first / pn.second;
    return out;
}

void checkPositions(MainWindow &w, const Dataset &ds, const QVector<QVector3D> &coords)
{
    const auto means = labelMeans(ds, coords);
    const auto &captions = w.scatter2d()->captions();
    QCOMPARE(captions.size(), int(means.size()));
    for (const PlotCaption &c : captions) {
        const QString name = c.text.section(QStringLiteral(": "), 0, 0);
        QVERIFY2(means.count(name), qPrintable(c.text));
        const QPointF want = means.at(name);
        QVERIFY2(std::abs(c.position.x() - want.x()) < 1e-4 && std::abs(c.position.y() - want.y()) < 1e-4,
                 qPrintable(QStringLiteral("%1 at %2,%3, mean %4,%5").arg(c.text).arg(c.position.x())
                                .arg(c.position.y()).arg(want.x()).arg(want.y())));
        QVERIFY(c.color.isValid()); // the label group's colour
    }
}

// Every caption's text shows near its mean: dark pixels there that the map without captions lacks.
void checkPixels(Scatter2DView *view, const QImage &with, const QImage &without)
{
    QVERIFY(!with.isNull() && !without.isNull());
    for (const PlotCaption &c : view->captions()) {
        const QPoint at = pixelOf(*view, c.position).toPoint();
        const int text = differing(with, without, at, 70, true);
        QVERIFY2(text > 40, qPrintable(QStringLiteral("%1: %2 text pixels near %3,%4").arg(c.text).arg(text)
                                            .arg(at.x()).arg(at.y())));
    }
}

} // namespace

class TestDoctorCaptions : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { windowtest::isolateSettings(); }

    void painterKeepsBoxesApartAndInside()
    {
        QImage img(400, 300, QImage::Format_ARGB32_Premultiplied);
        img.fill(Qt::white);
        QPainter p(&img);
        const QRectF plot(20, 20, 360, 260);
        QVector<PlotCaption> cs;
        for (int i = 0; i < 5; ++i) // five captions on almost the same spot, one at the edge
            cs.push_back({QPointF(200 + i, 150), QStringLiteral("group %1: alpha, beta, gamma").arg(i), Qt::red, i});
        cs.push_back({QPointF(379, 279), QStringLiteral("edge: words"), QColor(), 0});
        const auto boxes = paintPlotCaptions(p, cs, [](const QPointF &d) { return d; }, plot, QFont(), Qt::black, Qt::white);
        p.end();
        QVERIFY(boxes.size() >= 4);
        for (int i = 0; i < boxes.size(); ++i) {
            QVERIFY(plot.contains(boxes[i]));
            for (int j = i + 1; j < boxes.size(); ++j)
                QVERIFY(!boxes[i].intersects(boxes[j]));
        }
        QImage blank(img.size(), img.format());
        blank.fill(Qt::white);
        const QPoint c = boxes.front().center().toPoint();
        QVERIFY(differing(img, blank, c, 8, true) > 5); // text in the first box
    }

    // The placement pass: a caption on a dense cluster moves beside it (with a leader line
    // to its anchor), never covers a point that must stay visible, and shows whole words.
    void placementAvoidsDensePointsAndTheSelection()
    {
        const QRectF plot(0, 0, 600, 400);
        CaptionAvoid avoid;
        std::mt19937 rng(5);
        std::normal_distribution<double> g(0, 14);
        for (int i = 0; i < 400; ++i)
            avoid.points.append(QPointF(300 + g(rng), 200 + g(rng)));
        avoid.keepClear = {QPointF(300, 200)}; // the selected point, on the anchor
        const QVector<PlotCaption> cs{{QPointF(300, 200), QStringLiteral("technology: company, bank, bond, market"), Qt::blue, 10},
                                      {QPointF(310, 205), QStringLiteral("education: school, teacher, lesson"), Qt::red, 9}};
        const auto placed = layoutPlotCaptions(cs, [](const QPointF &d) { return d; }, plot, QFont(), avoid);
        QCOMPARE(placed.size(), 2);
        auto covered = [&](const QRectF &r) {
            return int(std::count_if(avoid.points.begin(), avoid.points.end(), [&](const QPointF &p) { return r.contains(p); }));
        };
        for (const PlacedCaption &pc : placed) {
            QVERIFY(plot.contains(pc.box));
            QVERIFY2(!pc.box.adjusted(-avoid.clearRadius, -avoid.clearRadius, avoid.clearRadius, avoid.clearRadius)
                          .contains(QPointF(300, 200)), qPrintable(pc.title));
            // Centred on the anchor the box would cover a good part of the cluster.
            QRectF centred = pc.box;
            centred.moveCenter(pc.anchor);
            QVERIFY2(covered(pc.box) * 3 < covered(centred),
                     qPrintable(QStringLiteral("%1: %2 points, centred %3").arg(pc.title).arg(covered(pc.box)).arg(covered(centred))));
            QVERIFY(pc.leader);
            for (const QString &w : pc.words)
                QVERIFY(!w.contains(QChar(0x2026)));
        }
        QVERIFY(!placed[0].box.intersects(placed[1].box));
        QCOMPARE(placed[0].words, (QStringList{"company", "bank", "bond", "market"}));

        // A narrow plot: fewer words, each whole (never "company, bank, bo...").
        const auto narrow = layoutPlotCaptions({cs[0]}, [](const QPointF &d) { return d * 0.25; }, QRectF(0, 0, 150, 120),
                                               QFont(), {});
        QCOMPARE(narrow.size(), 1);
        QVERIFY(!narrow[0].words.isEmpty());
        const QStringList all{"company", "bank", "bond", "market"};
        QCOMPARE(narrow[0].words, all.mid(0, narrow[0].words.size()));
        QVERIFY(narrow[0].box.width() <= 150);

        // Painted: the leader line and text show.
        QImage img(600, 400, QImage::Format_ARGB32_Premultiplied);
        img.fill(Qt::white);
        QPainter p(&img);
        const auto boxes = paintPlotCaptions(p, cs, [](const QPointF &d) { return d; }, plot, QFont(), Qt::black, Qt::white, avoid);
        p.end();
        QCOMPARE(boxes.size(), 2);
        QImage blank(img.size(), img.format());
        blank.fill(Qt::white);
        QVERIFY(differing(img, blank, boxes[0].center().toPoint(), 8, true) > 5);
    }

    // On the window's map: the clicked point is never under a caption.
    void captionsLeaveTheClickedPointVisible()
    {
        const auto b = testdata::doctorSet();
        MainWindow w;
        QVERIFY(windowtest::showWithData(w, {1280, 720}, b.dataset, *b.vectors));
        w.doctorDock()->show();
        QVERIFY(windowtest::waitIdle(w));
        Scatter2DView *view = w.scatter2d();
        w.viewTabs()->setCurrentWidget(view);
        QTRY_VERIFY(!view->captions().isEmpty());
        // The row nearest each caption's anchor, clicked in turn.
        for (const PlotCaption &c : view->captions()) {
            const QPointF anchor = pixelOf(*view, c.position);
            int best = -1;
            double bestD = 1e9;
            for (int r = 0; r < view->pointCount(); ++r) {
                const double d = QLineF(view->positionOf(r), anchor).length();
                if (d < bestD) {
                    bestD = d;
                    best = r;
                }
            }
            QTest::mouseClick(view->overlay(), Qt::LeftButton, {},
                              view->overlay()->mapFrom(view, view->positionOf(best).toPoint()));
            QCOMPARE(view->selection(), QVector<int>{best});
            QTRY_VERIFY(view->neighborRow() == best && !view->neighbors().isEmpty());
            grab(view); // painted: the layout is made
            const QPointF at = view->positionOf(best);
            for (const PlacedCaption &pc : view->captionLayout())
                QVERIFY2(!pc.box.adjusted(-3, -3, 3, 3).contains(at),
                         qPrintable(QStringLiteral("%1 covers row %2").arg(pc.title).arg(best)));
            QVERIFY(!view->captionLayout().isEmpty());
        }
    }

    void captionsOnTheMapFollowProjectionZoomAndSwitch()
    {
        const auto b = testdata::doctorSet();
        MainWindow w;
        QVERIFY(windowtest::showWithData(w, {1500, 950}, b.dataset, *b.vectors));
        Scatter2DView *view = w.scatter2d();
        w.viewTabs()->setCurrentWidget(view);
        QVERIFY(view->captions().isEmpty()); // the doctor has not run

        // Turning captions on with the doctor never run opens the doctor, which runs.
        auto *action = w.findChild<QAction *>(QStringLiteral("clusterCaptionsAction"));
        QVERIFY(action);
        QVERIFY(action->isChecked());
        action->setChecked(false);
        action->setChecked(true);
        QVERIFY(w.doctorDock()->isVisible());
        QVERIFY(windowtest::waitIdle(w));
        QVERIFY(w.doctorPanel()->report());
        checkPositions(w, b.dataset, w.pcaCoords());
        const QImage on = grab(view);

        // Off from the panel's box: the action follows and the captions go.
        w.doctorPanel()->captionsBox()->setChecked(false);
        QVERIFY(!action->isChecked());
        QVERIFY(view->captions().isEmpty());
        const QImage off = grab(view);
        checkPixels(view, on, off);
        action->setChecked(true);
        QVERIFY(w.doctorPanel()->captionsBox()->isChecked());
        QCOMPARE(view->captions().size(), 4);

        // Hiding a group in the legend hides its caption with its points; showing it back
        // brings the caption back.
        auto *legend = view->findChild<LegendWidget *>();
        QVERIFY(legend);
        const QString hiddenName = w.groups().front().name;
        emit legend->entryToggled(0, false);
        QVERIFY(!view->isGroupVisible(0));
        QCOMPARE(view->captions().size(), 3);
        for (const PlotCaption &c : view->captions())
            QVERIFY2(!c.text.startsWith(hiddenName), qPrintable(c.text));
        emit legend->entryToggled(0, true);
        QCOMPARE(view->captions().size(), 4);

        // Zoom in around the first caption, then pan: its text stays at its mean's pixel.
        const QPointF anchor = pixelOf(*view, view->captions().front().position); // widget coordinates
        view->zoomBy(1.6, anchor);
        const QImage zoomOn = grab(view);
        action->setChecked(false);
        const QImage zoomOff = grab(view);
        action->setChecked(true);
        QVERIFY(view->isZoomed());
        QVector<PlotCaption> inside;
        for (const PlotCaption &c : view->captions())
            if (view->plotRect().adjusted(80, 40, -80, -40).contains(pixelOf(*view, c.position)))
                inside << c;
        QVERIFY(!inside.isEmpty());
        for (const PlotCaption &c : inside) {
            const QPoint at = pixelOf(*view, c.position).toPoint();
            QVERIFY2(differing(zoomOn, zoomOff, at, 70, true) > 40, qPrintable(c.text));
        }
        view->panBy(QPointF(-60, 35));
        const QImage panOn = grab(view);
        action->setChecked(false);
        const QImage panOff = grab(view);
        action->setChecked(true);
        const PlotCaption first = view->captions().front();
        if (view->plotRect().adjusted(80, 40, -80, -40).contains(pixelOf(*view, first.position)))
            QVERIFY(differing(panOn, panOff, pixelOf(*view, first.position).toPoint(), 70, true) > 40);
        view->resetView();

        // t-SNE: the captions move to the groups' means on the t-SNE map.
        QVERIFY(w.runTsne());
        QVERIFY(windowtest::waitIdle(w));
        QVERIFY(w.tsneProjection());
        QCOMPARE(w.tsneCoords().size(), int(b.dataset.size()));
        checkPositions(w, b.dataset, w.tsneCoords());
        const QImage tsneOn = grab(view);
        action->setChecked(false);
        const QImage tsneOff = grab(view);
        checkPixels(view, tsneOn, tsneOff);
        action->setChecked(true);
        QCOMPARE(view->captions().size(), 4);

        // The export (QPainter, no OpenGL) carries them too.
        const QImage exported = view->renderImage(QSize(900, 600));
        action->setChecked(false);
        const QImage exportedOff = view->renderImage(QSize(900, 600));
        QVERIFY(exported != exportedOff);
    }

    // Above the OpenGL threshold the points are drawn by Qt Charts' OpenGL layer (on top
    // of every chart item) or painted into the chart; either way the captions must still
    // be read on screen.
    void captionsAboveOpenGLPoints_data()
    {
        QTest::addColumn<bool>("opengl");
        QTest::newRow("opengl series") << true;
        QTest::newRow("painted points") << false;
    }

    void captionsAboveOpenGLPoints()
    {
        QFETCH(bool, opengl);
        Scatter2DView view;
        view.setLargeRenderer(opengl ? Scatter2DView::LargeRenderer::OpenGL : Scatter2DView::LargeRenderer::Painted);
        view.setOpenGLThreshold(100);
        view.resize(900, 600);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QVector<QVector3D> pts;
        std::mt19937 rng(3);
        std::normal_distribution<float> g(0.f, 1.f);
        for (int i = 0; i < 4000; ++i)
            pts << QVector3D((i % 2) * 8 + g(rng), g(rng), 0);
        view.setPoints(pts);
        QVector<int> group(pts.size());
        for (int i = 0; i < pts.size(); ++i)
            group[i] = i % 2;
        view.setColors(group, {PointGroup{"left", QColor(0, 114, 178)}, PointGroup{"right", QColor(230, 159, 0)}});
        if (opengl && !view.usesOpenGL())
            ES_SKIP_WITHOUT_GL(QStringLiteral("no OpenGL here"));
        QVERIFY(view.usesOpenGL() == opengl && view.usesPaintedPoints() == !opengl);
        const QVector<PlotCaption> captions{{QPointF(0, 0), "left: alpha, beta", QColor(0, 114, 178), 2000},
                                            {QPointF(8, 0), "right: gamma, delta", QColor(230, 159, 0), 2000}};
        QTest::qWait(300);
        const QImage off = grab(&view);
        view.setCaptions(captions);
        const QImage on = grab(&view);
        if (!shot::dir().isEmpty()) {
            const QString tag = opengl ? QStringLiteral("opengl") : QStringLiteral("painted");
            on.save(shot::dir() + "/captions-" + tag + "-on.png");
            off.save(shot::dir() + "/captions-" + tag + "-off.png");
        }
        // Each caption sits beside its cloud (the placement avoids dense points), at the end
        // of a leader line, and its text reads there, above the points drawn around it.
        const auto layout = view.captionLayout();
        QCOMPARE(layout.size(), 2);
        for (const PlacedCaption &pc : layout) {
            const int text = differing(on, off, pc.box.center().toPoint(), 12, true);
            qInfo("%s: %d caption text pixels over the %s points", qPrintable(pc.title), text, opengl ? "OpenGL" : "painted");
            QVERIFY(text > 20);
        }
    }

    // For review: the demo set with captions, PCA and t-SNE ($EMBEDSCOPE_SCREENSHOT_DIR).
    void screenshot()
    {
        QString why;
        auto demo = shot::demo(&why);
        if (!demo)
            QSKIP(qPrintable(why));
        auto &[ds, sif, vectors] = *demo;
        MainWindow w;
        QVERIFY(windowtest::showWithData(w, {1600, 1000}, ds, *vectors));
        w.doctorDock()->show();
        QVERIFY(windowtest::waitIdle(w));
        w.viewTabs()->setCurrentWidget(w.scatter2d());
        QTest::qWait(300);
        QVERIFY(w.grab().save(shot::dir() + "/doctor-captions-pca.png"));
        QVERIFY(w.scatter2d()->grabScreen().save(shot::dir() + "/doctor-captions-pca-map.png"));
        QVERIFY(w.runTsne());
        QVERIFY(windowtest::waitIdle(w));
        QTest::qWait(300);
        QVERIFY(w.scatter2d()->grabScreen().save(shot::dir() + "/doctor-captions-tsne-map.png"));
    }
};

ES_TEST_MAIN(TestDoctorCaptions)
#include "tst_doctorcaptions.moc"
