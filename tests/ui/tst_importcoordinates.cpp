// File > Import Coordinates in the real window (issue 18): a coordinates CSV (what
// `embedscope project` writes, in shuffled line order) is read on a job and shown as the
// "Imported" map, every point where the file puts it; a saved project keeps it; a file
// named "...-umap.csv" goes to the UMAP map; bad files (row count, not a number) leave the
// maps alone and show an error naming the file and line. With EMBEDSCOPE_SCREENSHOT_DIR
// set, the window after the import is saved there as import-coordinates.png.
#include "mainwindow.h"

#include "document/explorerdocument.h"
#include "docks/projectiondock.h"
#include "models/sentencemodel.h"
#include "views/scatter2dview.h"
#include "windowtest.h"

#include <QFile>
#include <QMessageBox>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include "tools/testmain.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

using namespace es;

class TestImportCoordinates : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    static constexpr int kRows = 60;

    // Three groups of sentences with 8-d vectors (no embedding needed).
    static void fill(MainWindow &w)
    {
        Dataset ds;
        Column label{"label", {}};
        Matrix v(kRows, 8);
        std::mt19937 rng(3);
        std::normal_distribution<float> g(0, 1);
        for (int i = 0; i < kRows; ++i) {
            ds.texts.push_back("sentence " + std::to_string(i + 1));
            label.values.push_back("group " + std::to_string(i % 3));
            for (int c = 0; c < 8; ++c)
                v(i, c) = g(rng) + (c == i % 3 ? 4.f : 0.f);
        }
        ds.columns.push_back(label);
        ds.labelColumn = 0;
        w.setData(ds, v);
    }
    // The coordinates of row i: a spiral, so that every point is somewhere else.
    static QPointF spiral(int i) { return {0.5 * i * std::cos(0.4 * i), -3.0 + 0.25 * i * std::sin(0.4 * i)}; }

    QString write(const QString &name, const QByteArray &bytes)
    {
        QFile f(dir_.filePath(name));
        if (!f.open(QIODevice::WriteOnly))
            return {};
        f.write(bytes);
        return f.fileName();
    }
    // The rows in shuffled order with their 0-based row numbers, as `embedscope project` numbers them.
    QByteArray projectCsv(int rows)
    {
        std::vector<int> order(rows);
        std::iota(order.begin(), order.end(), 0);
        std::shuffle(order.begin(), order.end(), std::mt19937(9));
        QByteArray csv = "row,x,y\n";
        for (int i : order)
            csv += QByteArray::number(i) + ',' + QByteArray::number(spiral(i).x(), 'g', 9) + ','
                   + QByteArray::number(spiral(i).y(), 'g', 9) + '\n';
        return csv;
    }
    static void closeError(MainWindow &w)
    {
        if (w.errorBox())
            w.errorBox()->close();
    }

private slots:
    void initTestCase()
    {
        windowtest::isolateSettings();
        QVERIFY(dir_.isValid());
    }

    void importShowsTheFileCoordinates()
    {
        MainWindow w;
        w.resize(1400, 860);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        fill(w);
        QVERIFY(windowtest::waitIdle(w));
        w.viewTabs()->setCurrentWidget(w.scatter2d());
        const QVector<QVector3D> pca = w.pcaCoords();
        QCOMPARE(pca.size(), kRows);

        const QString path = write("map.csv", projectCsv(kRows));
        QVERIFY(w.importCoordinates(path));
        QVERIFY(windowtest::waitIdle(w));
        QVERIFY2(w.lastError().isEmpty(), qPrintable(w.lastError()));

        // The document holds the file's coordinates, row by row, as the map "imported" ...
        const ExplorerDocument::Projection &map = w.document()->projection("imported");
        QCOMPARE(map.coords.size(), kRows);
        QCOMPARE(map.dims, 2);
        for (int i = 0; i < kRows; ++i) {
            QVERIFY(std::abs(map.coords[i].x() - spiral(i).x()) < 1e-5);
            QVERIFY(std::abs(map.coords[i].y() - spiral(i).y()) < 1e-5);
        }
        // ... which the projection bar and the map tab now show, with x / y axes.
        auto *dock = static_cast<ProjectionDock *>(w.tsneDock());
        QCOMPARE(dock->chosen(), QString("imported"));
        QCOMPARE(w.viewTabs()->tabText(w.viewTabs()->indexOf(w.scatter2d())), QString("2D map (Imported)"));
        // Every point is drawn where the file puts it: on screen, the offsets between points
        // are the file's offsets times one scale (y upwards), and the PCA map is gone.
        Scatter2DView *view = w.scatter2d();
        QCOMPARE(view->pointCount(), kRows);
        QTest::qWait(200);
        const QPointF p0 = view->positionOf(0);
        const QPointF pFar = view->positionOf(kRows - 1);
        const double scale = (pFar.x() - p0.x()) / (spiral(kRows - 1).x() - spiral(0).x());
        QVERIFY2(scale > 1, qPrintable(QString::number(scale)));
        double worst = 0;
        for (int i = 1; i < kRows; ++i) {
            const QPointF d = view->positionOf(i) - p0;
            const QPointF want = spiral(i) - spiral(0);
            worst = std::max({worst, std::abs(d.x() - scale * want.x()), std::abs(d.y() + scale * want.y())});
            QCOMPARE(view->rowAt(view->positionOf(i), 0.5), i);
        }
        QVERIFY2(worst < 1.0, qPrintable(QString("largest offset error %1 px").arg(worst)));
        // The points' bounds are the file's: the visible range holds them all.
        for (int i = 0; i < kRows; ++i)
            QVERIFY(view->visibleRange().contains(spiral(i)));

        if (const QString shots = qEnvironmentVariable("EMBEDSCOPE_SCREENSHOT_DIR"); !shots.isEmpty())
            QVERIFY(w.grab().save(shots + "/import-coordinates.png"));

        // A saved project keeps the imported map and shows it again.
        const QString project = dir_.filePath("imported.embedscope");
        QVERIFY(w.saveProject(project));
        {
            MainWindow again;
            again.show();
            QVERIFY(QTest::qWaitForWindowExposed(&again));
            QVERIFY(again.openFile(project));
            QVERIFY(windowtest::waitIdle(again));
            QCOMPARE(again.document()->projection("imported").coords, map.coords);
            QCOMPARE(static_cast<ProjectionDock *>(again.tsneDock())->chosen(), QString("imported"));
            QCOMPARE(again.scatter2d()->pointCount(), kRows);
        }

        // A file named for UMAP fills the UMAP map, in 3D here.
        QByteArray csv3 = "x,y,z\n";
        for (int i = 0; i < kRows; ++i)
            csv3 += QByteArray::number(i) + ",1," + QByteArray::number(-i) + '\n';
        QVERIFY(w.importCoordinates(write("words-umap.csv", csv3)));
        QVERIFY(windowtest::waitIdle(w));
        QVERIFY2(w.lastError().isEmpty(), qPrintable(w.lastError()));
        QCOMPARE(dock->chosen(), QString("umap"));
        const ExplorerDocument::Projection &umap = w.document()->projection("umap");
        QCOMPARE(umap.dims, 3);
        QCOMPARE(umap.coords[7], QVector3D(7, 1, -7));
        QCOMPARE(w.viewTabs()->tabText(w.viewTabs()->indexOf(w.scatter2d())), QString("2D map (UMAP)"));
        // PCA is untouched.
        QCOMPARE(w.pcaCoords(), pca);
    }

    void badFilesShowWhereAndKeepTheMap()
    {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        fill(w);
        QVERIFY(windowtest::waitIdle(w));
        QVERIFY(w.importCoordinates(write("good.csv", projectCsv(kRows))));
        QVERIFY(windowtest::waitIdle(w));
        const QVector<QVector3D> before = w.document()->projection("imported").coords;
        QCOMPARE(before.size(), kRows);

        // One row short.
        QVERIFY(w.importCoordinates(write("short.csv", projectCsv(kRows - 1))));
        QVERIFY(windowtest::waitIdle(w));
        QVERIFY(w.errorBox() && w.errorBox()->isVisible());
        QCOMPARE(w.lastError(), QString("short.csv: %1 rows of coordinates (lines 2 to %2), but the data set has %3 rows; "
                                        "the file must have one line per row")
                                    .arg(kRows - 1).arg(kRows).arg(kRows));
        closeError(w);
        // Not a number on line 4.
        QByteArray bad = projectCsv(kRows);
        const int line4 = int(bad.indexOf('\n', bad.indexOf('\n', bad.indexOf('\n') + 1) + 1)) + 1;
        bad.insert(line4 + bad.mid(line4).indexOf(',') + 1, "x");
        QVERIFY(w.importCoordinates(write("bad.csv", bad)));
        QVERIFY(windowtest::waitIdle(w));
        QVERIFY2(w.lastError().startsWith("bad.csv, line 4: column 'x' holds 'x"), qPrintable(w.lastError()));
        QVERIFY(w.lastError().endsWith(", not a number"));
        closeError(w);
        // The imported map is the one from before.
        QCOMPARE(w.document()->projection("imported").coords, before);
    }
};

ES_TEST_MAIN(TestImportCoordinates)
#include "tst_importcoordinates.moc"
