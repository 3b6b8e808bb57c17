// The map views as a user sees them, at two window sizes in both themes, saved as PNGs for
// review (into $EMBEDSCOPE_SCREENSHOT_DIR, else a temporary folder: see shot::dir): captions,
// a clicked point's neighbours (2D, 3D), the isolate view, the small-map labels
// (classroom.csv) and the 3D tab. Each step is checked (the window idle, the grab saved).
// Its own process, apart from tst_doctorcaptions: four main windows with 3D views and
// t-SNE runs, about a minute, and a crash here names this suite.
#include "mainwindow.h"
#include "views/isolatebar.h"
#include "views/scatter2dview.h"
#include "views/scatter3dview.h"

#include "formats/texts.h"
#include "testdata.h"
#include "windowtest.h"

#include <QDockWidget>
#include <QLineF>
#include <QScreen>
#include <QSettings>
#include <QTabWidget>
#include <QTest>
#include <QToolButton>
#include "tools/testmain.h"

using namespace es;

class TestMapScreenshots : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { windowtest::isolateSettings(); }

    // For review (into $EMBEDSCOPE_SCREENSHOT_DIR, else a temporary folder: see shot::dir): the map views at two window sizes in both
    // themes: captions, a clicked point's neighbours (2D, 3D), the isolate view, the
    // small-map labels (classroom.csv) and the 3D tab.
    void mapScreenshots_data()
    {
        QTest::addColumn<QSize>("size");
        QTest::addColumn<QString>("theme");
        for (const char *name : {"light", "dark"}) {
            const QString theme = QString::fromLatin1(name);
            QTest::newRow(qPrintable("1366x768 " + theme)) << QSize(1366, 768) << theme;
            QTest::newRow(qPrintable("1920x1080 " + theme)) << QSize(1920, 1080) << theme;
        }
    }

    void mapScreenshots()
    {
        QFETCH(QSize, size);
        QFETCH(QString, theme);
        QString why;
        auto demo = shot::demo(&why);
        if (!demo)
            QSKIP(qPrintable(why));
        auto &[ds, sif, vectors] = *demo;
        QSettings().setValue(QStringLiteral("ui/theme"), theme);
        const QString tag = QStringLiteral("%1/%2x%3-%4-").arg(shot::dir()).arg(size.width()).arg(size.height()).arg(theme);
        auto screen = [](QWidget &w) {
            QTest::qWait(1500); // the 3D scene fits itself once shown (a few offscreen renders)
            return w.screen()->grabWindow(w.winId()).toImage();
        };
        {
            MainWindow w;
            QVERIFY(windowtest::showWithData(w, size, ds, *vectors));
            w.doctorDock()->show();
            QVERIFY(windowtest::waitIdle(w));
            Scatter2DView *view = w.scatter2d();
            w.viewTabs()->setCurrentWidget(view);
            QVERIFY(screen(w).save(tag + "1-captions.png"));
            // Click the point nearest the map's centre.
            const QPointF c = view->plotRect().center();
            int best = 0;
            for (int r = 0; r < view->pointCount(); ++r)
                if (QLineF(view->positionOf(r), c).length() < QLineF(view->positionOf(best), c).length())
                    best = r;
            QTest::mouseClick(view->overlay(), Qt::LeftButton, {}, view->overlay()->mapFrom(view, view->positionOf(best).toPoint()));
            QVERIFY(screen(w).save(tag + "2-neighbours-2d.png"));
            if (w.scatter3d()) {
                w.viewTabs()->setCurrentWidget(w.scatter3d());
                QVERIFY(screen(w).save(tag + "3-neighbours-3d.png"));
                w.viewTabs()->setCurrentWidget(view);
            }
            view->isolateBar()->isolateButton()->click();
            QVERIFY(screen(w).save(tag + "4-isolated-2d.png"));
            if (w.scatter3d()) {
                w.viewTabs()->setCurrentWidget(w.scatter3d());
                QVERIFY(screen(w).save(tag + "5-isolated-3d.png"));
                w.viewTabs()->setCurrentWidget(view);
            }
            view->isolateBar()->showAllButton()->click();
            QVERIFY(w.runTsne());
            QVERIFY(windowtest::waitIdle(w));
            QVERIFY(screen(w).save(tag + "6-captions-tsne.png"));
        }
        {
            auto loaded = formats::loadTexts(EMBEDSCOPE_SOURCE_DIR "/resources/datasets/classroom.csv");
            QVERIFY(loaded);
            auto e = sif->embed(loaded->dataset.texts);
            QVERIFY(e);
            MainWindow w;
            QVERIFY(windowtest::showWithData(w, size, loaded->dataset, e->vectors));
            w.viewTabs()->setCurrentWidget(w.scatter2d());
            QVERIFY(screen(w).save(tag + "7-labels-small-map.png"));
            if (w.scatter3d()) {
                w.viewTabs()->setCurrentWidget(w.scatter3d());
                QVERIFY(screen(w).save(tag + "8-3d-tab.png"));
            }
        }
        QSettings().remove(QStringLiteral("ui/theme"));
    }

};

ES_TEST_MAIN(TestMapScreenshots)
#include "tst_mapscreenshots.moc"
