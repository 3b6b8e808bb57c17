// MainWindow, end to end through real widgets: data set + vectors in, analysis jobs run,
// and what is drawn is checked (heatmap pixels, selection after a click, search
// highlights); undo/redo and paste through the window's actions; cancel leaves the window
// usable; a bad file shows an error naming the file and line; vectors with a matching text
// file skip embedding; one test embeds the demo set with the real local model.
#include "mainwindow.h"
#include "windowtest.h"

#include "docks/projectiondock.h"
#include "document/explorerdocument.h"
#include "formats/vectors.h"
#include "jobs/jobrunner.h"
#include "models/sentencemodel.h"
#include "views/doctorpanel.h"
#include "views/explainview.h"
#include "views/heatmapview.h"
#include "views/scatter2dview.h"
#include "views/inspectorview.h"
#include "views/isolatebar.h"
#include "views/scatter3dview.h"

#include <cstring>

#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QTableWidget>
#include <QAction>
#include <QToolButton>
#include <QDoubleSpinBox>
#include <QToolBar>
#include <QStatusBar>
#include <QMenuBar>
#include <QFrame>
#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QLabel>
#include <QSpinBox>
#include <QTreeWidget>
#include <QProgressBar>
#include <QApplication>
#include <QClipboard>
#include <QFile>
#include <QLineEdit>
#include <QMimeData>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include "tools/testmain.h"
#include <QUndoStack>
#include <QtDataVisualization/Q3DScatter>
#include <QtDataVisualization/QScatter3DSeries>
#include <QtDataVisualization/QScatterDataProxy>

#include <cmath>
#include <functional>
#include <random>
#include <thread>

using namespace es;

namespace {

// Six sentences in two labelled groups with hand-made 4-d vectors: the groups point in
// different directions, so similarities within a group are high and across are low.
void sampleData(Dataset &ds, Matrix &v)
{
    ds.texts = {"The cat sleeps on the mat", "A kitten naps on the rug", "The dog barks",
                "Stock markets fell", "The bank raised rates", "Investors bought shares"};
    ds.columns.push_back({"label", {"animals", "animals", "animals", "finance", "finance", "finance"}});
    ds.labelColumn = 0;
    v.resize(6, 4);
    v << 1.0f, 0.1f, 0.0f, 0.2f,
         0.9f, 0.2f, 0.1f, 0.1f,
         0.8f, 0.0f, 0.3f, 0.3f,
         0.0f, 1.0f, 0.1f, 0.2f,
         0.1f, 0.9f, 0.3f, 0.0f,
         0.2f, 0.8f, 0.0f, 0.4f;
}

// n points in three seeded Gaussian clusters around orthogonal directions (8-d), labelled.
void clusterData(int n, Dataset &ds, Matrix &v)
{
    std::mt19937 rng(7);
    std::normal_distribution<float> noise(0.f, 0.15f);
    v.resize(n, 8);
    std::vector<std::string> labels;
    for (int i = 0; i < n; ++i) {
        const int c = i % 3;
        ds.texts.push_back("sentence " + std::to_string(i) + " of topic " + std::to_string(c));
        labels.push_back("topic" + std::to_string(c));
        for (int d = 0; d < 8; ++d)
            v(i, d) = (d == c ? 1.f : 0.f) + noise(rng);
    }
    ds.columns.push_back({"label", labels});
    ds.labelColumn = 0;
}

float cosine(const Matrix &v, int a, int b)
{
    return v.row(a).dot(v.row(b)) / (v.row(a).norm() * v.row(b).norm());
}

QAction *actionNamed(QWidget &w, const QString &text)
{
    for (QAction *a : w.findChildren<QAction *>())
        if (a->text().remove('&') == text)
            return a;
    return nullptr;
}

} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        windowtest::isolateSettings(); // the application name: the test's executable
    }

    void heatmapPixelsShowTheSimilarities()
    {
        MainWindow w;
        QVERIFY(windowtest::show(w));
        Dataset ds;
        Matrix v;
        sampleData(ds, v);
        w.setData(ds, v);
        QVERIFY(w.waitForJobs(30000));
        QVERIFY(w.analysisReady());
        QVERIFY(w.similarity());
        QCOMPARE(w.similarity()->rows(), 6);
        QCOMPARE(w.pcaCoords().size(), 6);
        QVERIFY(w.neighbors());
        QCOMPARE(w.neighbors()->at(0, 0), 1); // the kitten is the cat's nearest

        HeatmapView *h = w.heatmap();
        w.viewTabs()->setCurrentIndex(0);
        QTest::qWait(50);
        const QImage img = h->grab().toImage();
        for (auto [a, b] : {std::pair{0, 1}, std::pair{0, 4}, std::pair{3, 5}, std::pair{2, 2}}) {
            const float s = cosine(v, a, b);
            QVERIFY(std::abs((*w.similarity())(a, b) - s) < 1e-5f);
            QCOMPARE(img.pixelColor(h->cellRect(a, b).center().toPoint()), h->colorFor((*w.similarity())(a, b)));
        }
        // The within-group colour differs from the across-group colour.
        QVERIFY(h->colorFor(cosine(v, 0, 1)) != h->colorFor(cosine(v, 0, 4)));
        QVERIFY(w.privacyText().contains("nothing leaves this computer"));
    }

    // Above the matrix limit (20,000; lowered here to keep the test small) the window
    // allocates no N x N matrix: the heatmap shows block means from the vectors, refines
    // when zoomed in, and a click still selects two rows.
    void largeSetsUseTheVectorHeatmap()
    {
        MainWindow::setHeatmapMatrixLimit(100);
        MainWindow w;
        QVERIFY(windowtest::show(w, {1300, 900}));
        w.viewTabs()->setCurrentIndex(0);
        Dataset ds;
        Matrix v;
        clusterData(300, ds, v);
        w.setData(ds, v);
        QVERIFY(w.waitForJobs(30000));
        MainWindow::setHeatmapMatrixLimit(20000);
        w.findChild<QComboBox *>("heatmapOrder")->setCurrentIndex(0); // heatmap order: input
        QVERIFY(w.waitForJobs(30000));
        HeatmapView *h = w.heatmap();
        QVERIFY(!w.similarity());
        QVERIFY(h->isVectorMode());
        QCOMPARE(h->count(), 300);
        QVERIFY(w.neighbors());
        // 300 rows fit in 1024 overview blocks: each block is one row, so cells are exact.
        QCOMPARE(h->overviewBlockSize(), 1);
        // Input order here: zoomed so a cell spans several pixels.
        h->setZoom(12.0, h->cellRect(0, 0).topLeft());
        QVERIFY(w.waitForJobs(30000));
        QTest::qWait(50);
        const QImage img = h->grab().toImage();
        for (auto [a, b] : {std::pair{0, 3}, std::pair{0, 1}, std::pair{4, 12}}) {
            const QPointF c = h->cellRect(a, b).center();
            QVERIFY2(h->cellRect(a, b).width() > 6, qPrintable(QStringLiteral("cell %1 zoom %2 size %3x%4").arg(h->cellRect(a, b).width()).arg(h->zoom()).arg(h->width()).arg(h->height())));
            QCOMPARE(h->cellAt(c), qMakePair(a, b));
            QCOMPARE(img.pixelColor(c.toPoint()), h->colorFor(cosine(v, a, b)));
        }
        QTest::mouseClick(h, Qt::LeftButton, {}, h->cellRect(0, 1).center().toPoint());
        QCOMPARE(w.selectionModel()->selectedRows().size(), 2);
        QVERIFY(w.selectionModel()->isRowSelected(1));
    }

    void heatmapClickSelectsTwoRowsEverywhere()
    {
        MainWindow w;
        QVERIFY(windowtest::show(w));
        Dataset ds;
        Matrix v;
        sampleData(ds, v);
        w.setData(ds, v);
        QVERIFY(w.waitForJobs(30000));
        HeatmapView *h = w.heatmap();
        QTest::mouseClick(h, Qt::LeftButton, {}, h->cellRect(1, 4).center().toPoint());
        QItemSelectionModel *sel = w.table()->selectionModel();
        QCOMPARE(sel, w.selectionModel());
        QCOMPARE(sel->selectedRows().size(), 2);
        QVERIFY(sel->isRowSelected(1));
        QVERIFY(sel->isRowSelected(4));
        // The inspector shows the clicked row and its neighbours.
        QCOMPARE(w.inspector()->currentRow(), 1);
        QCOMPARE(w.inspector()->shownText(), QString("A kitten naps on the rug"));
        QVERIFY(!w.inspector()->shownNeighbors().isEmpty());
        QCOMPARE(w.inspector()->shownNeighbors().front().row, 0);
        // Selecting in the table moves the inspector too.
        w.table()->selectRow(3);
        QCOMPARE(w.inspector()->currentRow(), 3);
    }

    void searchHighlightsRows()
    {
        MainWindow w;
        w.show();
        Dataset ds;
        Matrix v;
        sampleData(ds, v);
        w.setData(ds, v);
        QVERIFY(w.waitForJobs(30000));
        QTest::keyClicks(w.searchBox(), "the");
        QCOMPARE(w.searchHits(), QVector<int>({0, 1, 2, 4}));
        QCOMPARE(w.sentenceModel()->highlightedRows(), QSet<int>({0, 1, 2, 4}));
        QVERIFY(w.sentenceModel()->data(w.sentenceModel()->index(2, 0), Qt::BackgroundRole).isValid());
        w.searchBox()->clear();
        QVERIFY(w.searchHits().isEmpty());
        // Whole words: "ark" is inside "barks" and "markets" but is no word of its own.
        auto *words = w.findChild<QCheckBox *>("searchWholeWords");
        QVERIFY(words);
        w.searchBox()->setText("ark");
        QCOMPARE(w.searchHits(), QVector<int>({2, 3}));
        words->setChecked(true);
        QVERIFY(w.searchHits().isEmpty());
        w.searchBox()->setText("BANK");
        QCOMPARE(w.searchHits(), QVector<int>({4}));
        w.searchBox()->setText("on the");
        QCOMPARE(w.searchHits(), QVector<int>({0, 1}));
        words->setChecked(false);
        auto *regex = w.findChild<QCheckBox *>("searchRegex");
        QVERIFY(regex);
        regex->setChecked(true);
        w.searchBox()->setText("^(The|A) [ck]");
        QCOMPARE(w.searchHits(), QVector<int>({0, 1}));
        w.searchBox()->setText("(unclosed");
        QVERIFY(w.searchHits().isEmpty());
    }

    void deleteUndoRedoThroughActions()
    {
        MainWindow w;
        w.show();
        Dataset ds;
        Matrix v;
        sampleData(ds, v);
        w.setData(ds, v);
        QVERIFY(w.waitForJobs(30000));
        w.table()->selectRow(2);
        QAction *del = actionNamed(w, "Delete Sentences");
        QAction *undo = actionNamed(w, "Undo");
        QVERIFY(del && undo);
        del->trigger();
        QCOMPARE(w.sentenceModel()->rowCount(), 5);
        QVERIFY(w.waitForJobs(30000));
        QVERIFY2(w.similarity(), qPrintable(w.lastError()));
        // The vectors followed their rows: the analysis runs on the 5 remaining rows.
        QCOMPARE(w.similarity()->rows(), 5);
        QVERIFY(std::abs((*w.similarity())(2, 3) - cosine(v, 3, 4)) < 1e-5f);
        QVERIFY(undo->isEnabled());
        undo->trigger();
        QCOMPARE(w.sentenceModel()->rowCount(), 6);
        QCOMPARE(w.sentenceModel()->text(2), QString("The dog barks"));
        QVERIFY(w.waitForJobs(30000));
        QVERIFY2(w.similarity(), qPrintable(w.lastError()));
        QCOMPARE(w.similarity()->rows(), 6);
        QVERIFY(std::abs((*w.similarity())(2, 0) - cosine(v, 2, 0)) < 1e-5f);
        w.sentenceModel()->undoStack()->redo();
        QCOMPARE(w.sentenceModel()->rowCount(), 5);
    }

    void pasteAddsOneRowPerLine()
    {
        MainWindow w;
        w.show();
        Dataset ds;
        Matrix v;
        sampleData(ds, v);
        w.setData(ds, v);
        QVERIFY(w.waitForJobs(30000));
        QApplication::clipboard()->setText("first pasted\nsecond pasted\n\nthird pasted\n");
        w.selectionModel()->clearSelection();
        w.selectionModel()->setCurrentIndex(QModelIndex(), QItemSelectionModel::NoUpdate);
        QAction *paste = actionNamed(w, "Paste Sentences");
        QVERIFY(paste);
        paste->trigger();
        QCOMPARE(w.sentenceModel()->rowCount(), 9);
        QCOMPARE(w.sentenceModel()->text(6), QString("first pasted"));
        QCOMPARE(w.sentenceModel()->text(8), QString("third pasted"));
        w.sentenceModel()->undoStack()->undo();
        QCOMPARE(w.sentenceModel()->rowCount(), 6);
    }

    void cancelLeavesTheWindowUsable()
    {
        MainWindow w;
        QVERIFY(windowtest::show(w));
        QVERIFY(w.waitForJobs(30000)); // the model check
        std::atomic<bool> started{false};
        QSignalSpy cancelled(w.jobs(), &JobRunner::jobCancelled);
        w.jobs()->start<int>("embed", "A long job", [&](JobContext &ctx) -> Result<int> {
            started = true;
            while (!ctx.stop.stop_requested())
                std::this_thread::sleep_for(std::chrono::milliseconds(2));
            return Error::cancel();
        }, [](int &) {});
        QTRY_VERIFY(started);
        QTRY_VERIFY(w.cancelButton()->isVisible());
        QVERIFY(w.progressBar()->isVisible());
        QTest::mouseClick(w.cancelButton(), Qt::LeftButton);
        QTRY_COMPARE(cancelled.count(), 1);
        QTRY_VERIFY(!w.cancelButton()->isVisible());
        // Still usable: new data is analysed.
        Dataset ds;
        Matrix v;
        sampleData(ds, v);
        w.setData(ds, v);
        QVERIFY(w.waitForJobs(30000));
        QVERIFY(w.similarity());
        QCOMPARE(w.similarity()->rows(), 6);
    }

    void dragModesAreButtons()
    {
        // Box and lasso selection are discoverable: buttons with tooltips over the map.
        MainWindow w;
        w.setAutoEmbed(false);
        QVERIFY(windowtest::show(w));
        QCOMPARE(w.scatter2d()->dragMode(), Scatter2DView::DragMode::Pan);
        const std::pair<const char *, Scatter2DView::DragMode> buttons[] = {
            {"dragBox", Scatter2DView::DragMode::RubberBand},
            {"dragLasso", Scatter2DView::DragMode::Lasso},
            {"dragPan", Scatter2DView::DragMode::Pan}};
        for (const auto &[name, mode] : buttons) {
            auto *b = w.tsneDock()->findChild<QToolButton *>(name);
            QVERIFY2(b && b->isVisible(), name);
            QVERIFY(!b->toolTip().isEmpty());
            QTest::mouseClick(b, Qt::LeftButton);
            QCOMPARE(w.scatter2d()->dragMode(), mode);
            QVERIFY(b->isChecked());
        }
    }

    void chosenDragModeShowsInBothThemes()
    {
        // The chosen drag mode must be visible in the dark theme too (Fusion's sunken shade
        // of a dark button was indistinguishable from the others).
        for (const char *theme : {"dark", "light"}) {
            QSettings().setValue(QStringLiteral("ui/theme"), QString::fromLatin1(theme));
            MainWindow w;
            w.setAutoEmbed(false);
            QVERIFY(windowtest::show(w));
            auto *pan = w.tsneDock()->findChild<QToolButton *>("dragPan");
            auto *box = w.tsneDock()->findChild<QToolButton *>("dragBox");
            QVERIFY(pan && box && pan->isChecked() && !box->isChecked());
            QTest::qWait(50);
            const auto background = [](QToolButton *b) {
                const QImage img = b->grab().toImage();
                return QColor(img.pixel(3, img.height() / 2)); // inside the frame, left of the text
            };
            const QColor on = background(pan), off = background(box);
            const int diff = std::abs(on.red() - off.red()) + std::abs(on.green() - off.green())
                + std::abs(on.blue() - off.blue());
            QVERIFY2(diff >= 90, qPrintable(QString("%1: chosen %2, other %3").arg(theme, on.name(), off.name())));
        }
        QSettings().remove(QStringLiteral("ui/theme"));
    }

    void perplexityTooLargeIsOneSentenceAndShown()
    {
        // 12 points: perplexity 30 is cut to (12 - 1) / 3; the status says so once and the box
        // shows the value the map was made with.
        MainWindow w;
        w.setAutoEmbed(false);
        QVERIFY(windowtest::show(w));
        Dataset ds;
        Matrix v;
        clusterData(12, ds, v);
        w.setData(ds, v);
        QVERIFY(w.waitForJobs(30000));
        auto *perplexity = w.tsneDock()->findChild<QDoubleSpinBox *>();
        QVERIFY(perplexity);
        perplexity->setValue(30);
        w.tsneIterationsBox()->setValue(300);
        QVERIFY(w.runTsne());
        QVERIFY(w.waitForJobs(60000));
        const QString status = w.tsneStatus()->text();
        QVERIFY2(status.startsWith("t-SNE done") && status.count(". ") == 0 && status.endsWith(").")
                     && status.count("perplexity") == 1 && status.contains("30 is too large for 12 points"),
                 qPrintable(status));
        QVERIFY2(std::abs(perplexity->value() - 11.0 / 3.0) < 0.05, qPrintable(QString::number(perplexity->value())));
    }

    void tsneAnimatesTheMapAndCancels()
    {
        MainWindow w;
        w.setAutoEmbed(false);
        QVERIFY(windowtest::show(w, {1400, 900}));
        Dataset ds;
        Matrix v;
        clusterData(90, ds, v);
        w.setData(ds, v);
        QVERIFY(w.waitForJobs(30000));
        w.viewTabs()->setCurrentWidget(w.scatter2d());
        QCoreApplication::processEvents();
        const QRectF pcaRange = w.scatter2d()->visibleRange();
        QVector<QPointF> pcaPos;
        for (int r = 0; r < 90; ++r)
            pcaPos.append(w.scatter2d()->positionOf(r));

        w.tsneIterationsBox()->setValue(400);
        QVERIFY(w.runTsne());
        QVERIFY(w.waitForJobs(120000));
        QCOMPARE(w.tsneCoords().size(), 90);
        QVERIFY(w.tsneSnapshotsShown() >= 1);
        QVERIFY2(w.tsneStatus()->text().contains("done"), qPrintable(w.tsneStatus()->text()));
        QVERIFY(w.viewTabs()->tabText(w.viewTabs()->indexOf(w.scatter2d())).contains("t-SNE"));
        QCoreApplication::processEvents();
        QVERIFY(w.scatter2d()->visibleRange() != pcaRange);
        int moved = 0;
        for (int r = 0; r < 90; ++r)
            moved += QLineF(pcaPos[r], w.scatter2d()->positionOf(r)).length() > 2;
        QVERIFY2(moved > 45, qPrintable(QString::number(moved)));
        // The clusters stay apart in the map: same-topic points are closer on average.
        double within = 0, between = 0;
        int nw = 0, nb = 0;
        const auto &c = w.tsneCoords();
        for (int i = 0; i < 90; ++i)
            for (int j = i + 1; j < 90; ++j) {
                const double d = (c[i] - c[j]).length();
                if (i % 3 == j % 3) { within += d; ++nw; } else { between += d; ++nb; }
            }
        QVERIFY(within / nw < 0.5 * between / nb);

        // A row that comes back (undo of a delete) is placed with tsnePlace; the others stay.
        const QVector<QVector3D> before = w.tsneCoords();
        QAction *del = actionNamed(w, "Delete Sentences");
        QAction *undo = actionNamed(w, "Undo");
        QVERIFY(del && undo);
        w.table()->selectRow(4);
        del->trigger();
        QVERIFY(w.waitForJobs(60000));
        QCOMPARE(w.tsneCoords().size(), 89);
        undo->trigger();
        QVERIFY(w.waitForJobs(60000));
        QCOMPARE(w.tsneCoords().size(), 90);
        for (int r = 0; r < 90; ++r)
            if (r != 4)
                QCOMPARE(w.tsneCoords()[r], before[r]);
        const QVector3D placed = w.tsneCoords()[4];
        QVERIFY(std::isfinite(placed.x()) && std::isfinite(placed.y()));
        QVector3D centre[3];
        for (int r = 0; r < 90; ++r)
            if (r != 4)
                centre[r % 3] += before[r] / (r % 3 == 1 ? 29.f : 30.f);
        const float d1 = (placed - centre[1]).length();
        QVERIFY(d1 < (placed - centre[0]).length() && d1 < (placed - centre[2]).length());

        // Pause, then Cancel: the job ends as cancelled and the window keeps working.
        QSignalSpy cancelled(w.jobs(), &JobRunner::jobCancelled);
        w.tsneIterationsBox()->setValue(10000);
        QVERIFY(w.runTsne());
        auto *pause = w.tsneDock()->findChild<QPushButton *>("tsnePause");
        auto *cancel = w.tsneDock()->findChild<QPushButton *>("tsneCancel");
        QVERIFY(pause && cancel);
        const int shown = w.tsneSnapshotsShown();
        QTest::mouseClick(pause, Qt::LeftButton);
        QVERIFY(pause->isChecked());
        // Paused, the run posts its current map once and waits: a live snapshot arrives
        // while the job is still running.
        QTRY_VERIFY(w.tsneSnapshotsShown() > shown);
        QVERIFY(w.jobs()->isRunning("tsne"));
        QVERIFY2(w.tsneStatus()->text().contains("paused"), qPrintable(w.tsneStatus()->text()));
        QTest::mouseClick(cancel, Qt::LeftButton);
        QTRY_VERIFY(cancelled.contains(QVariantList{QString("tsne")}));
        QTRY_VERIFY(!w.jobs()->isRunning("tsne"));
        QVERIFY(w.tsneStatus()->text().contains("cancelled"));
        QVERIFY(w.tsneDock()->findChild<QPushButton *>("tsneRun")->isEnabled());
        QVERIFY(!cancel->isEnabled() && !pause->isEnabled());

        // New data with t-SNE selected: the map is computed again for it.
        Dataset small;
        Matrix sv;
        sampleData(small, sv);
        w.setData(small, sv);
        QVERIFY(w.waitForJobs(60000));
        QVERIFY(w.similarity());
        QCOMPARE(w.tsneCoords().size(), 6);
        for (const QVector3D &p : w.tsneCoords())
            QVERIFY(std::isfinite(p.x()) && std::isfinite(p.y()));

        // 3D t-SNE: the third coordinate is used.
        w.tsneDimsBox()->setCurrentIndex(1);
        w.tsneIterationsBox()->setValue(300);
        QVERIFY(w.runTsne());
        QVERIFY(w.waitForJobs(60000));
        QCOMPARE(w.tsneCoords().size(), 6);
        bool anyZ = false;
        for (const QVector3D &p : w.tsneCoords())
            anyZ = anyZ || std::abs(p.z()) > 1e-6f;
        QVERIFY(anyZ);

        // Fewer than 4 rows: t-SNE says why instead of running.
        Dataset three;
        Matrix tv = sv.topRows(3);
        three.texts = {small.texts[0], small.texts[1], small.texts[2]};
        w.setData(three, tv);
        QVERIFY(w.waitForJobs(30000));
        QVERIFY(!w.runTsne());
        QVERIFY(w.tsneStatus()->text().contains("at least 4"));
    }

    // UMAP from the projection bar: its boxes replace t-SNE's, choosing it runs it, the 2D
    // map shows every point with UMAP axes, export writes its coordinates, Cancel stops a run.
    void umapRunsFromTheBarAndCancels()
    {
        MainWindow w;
        w.setAutoEmbed(false);
        QVERIFY(windowtest::show(w, {1400, 900}));
        Dataset ds;
        Matrix v;
        clusterData(90, ds, v);
        w.setData(ds, v);
        QVERIFY(w.waitForJobs(30000));
        w.viewTabs()->setCurrentWidget(w.scatter2d());
        auto *dock = qobject_cast<ProjectionDock *>(w.tsneDock());
        QVERIFY(dock);
        const auto box = [&](const char *name) { return dock->findChild<QWidget *>(name); };
        for (const char *name : {"umapNeighbors", "umapMinDist", "umapEpochs", "tsnePerplexity", "tsneIterations",
                                 "projectionSeed", "projectionDims", "projectionMetric"}) {
            QVERIFY2(box(name), name);
            QVERIFY2(!box(name)->toolTip().isEmpty(), name);
        }
        // PCA chosen: Run starts t-SNE, so t-SNE's boxes show.
        QVERIFY(box("tsnePerplexity")->isVisible() && box("tsneIterations")->isVisible());
        QVERIFY(!box("umapNeighbors")->isVisible() && !box("umapEpochs")->isVisible());

        qobject_cast<QSpinBox *>(box("umapEpochs"))->setValue(200);
        const int mapsBefore = w.document()->projection("umap").snapshots;
        QCOMPARE(mapsBefore, 0);
        dock->choose("umap"); // a method made on request runs when chosen
        QVERIFY(w.waitForJobs(60000));
        QVERIFY(box("umapNeighbors")->isVisible() && box("umapMinDist")->isVisible()
                && box("umapEpochs")->isVisible());
        QVERIFY(!box("tsnePerplexity")->isVisible() && !box("tsneIterations")->isVisible());
        QVERIFY(box("projectionSeed")->isVisible() && box("projectionDims")->isVisible());
        const ExplorerDocument::Projection &map = w.document()->projection("umap");
        QCOMPARE(map.coords.size(), 90);
        QVERIFY(map.snapshots > 1); // animated
        QVERIFY2(w.tsneStatus()->text().startsWith("UMAP done: 200 epochs"), qPrintable(w.tsneStatus()->text()));
        QCoreApplication::processEvents();
        QCOMPARE(w.scatter2d()->pointCount(), 90);
        QVERIFY(w.viewTabs()->tabText(w.viewTabs()->indexOf(w.scatter2d())).contains("UMAP"));
        // The map keeps the three groups apart.
        double within = 0, between = 0;
        int nw = 0, nb = 0;
        for (int i = 0; i < 90; ++i)
            for (int j = i + 1; j < 90; ++j) {
                const double d = (map.coords[i] - map.coords[j]).length();
                if (i % 3 == j % 3) { within += d; ++nw; } else { between += d; ++nb; }
            }
        QVERIFY(within / nw < 0.5 * between / nb);
        // The point drawn for row r is at its UMAP coordinates.
        const QPointF p7 = w.scatter2d()->positionOf(7), p8 = w.scatter2d()->positionOf(8);
        QVERIFY(QLineF(p7, p8).length() > 0);

        // Export > Coordinates writes the UMAP map shown.
        QTemporaryDir tmp;
        const QString csv = tmp.filePath("umap.csv");
        QVERIFY(w.exportCoordinates(csv));
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(f.readAll()).trimmed().split('\n');
        QCOMPARE(lines.size(), 91);
        QCOMPARE(lines[0].trimmed(), QStringLiteral("row,x,y"));
        const QStringList row5 = lines[6].trimmed().split(',');
        QCOMPARE(row5.size(), 3);
        QVERIFY(std::abs(row5[1].toDouble() - map.coords[5].x()) < 1e-4);
        QVERIFY(std::abs(row5[2].toDouble() - map.coords[5].y()) < 1e-4);

        // Seed, dims and distance are each method's own: the boxes follow the method chosen.
        auto *seed = qobject_cast<QSpinBox *>(box("projectionSeed"));
        seed->setValue(9);
        QCOMPARE(w.document()->method("umap")->parameters().value("seed").toInt(), 9);
        QCOMPARE(w.document()->method("tsne")->parameters().value("seed").toInt(), 42);

        // Run, then Cancel: the run ends as cancelled and the window keeps working.
        QSignalSpy cancelled(w.jobs(), &JobRunner::jobCancelled);
        qobject_cast<QSpinBox *>(box("umapEpochs"))->setValue(5000);
        auto *run = dock->findChild<QPushButton *>("tsneRun");
        auto *cancel = dock->findChild<QPushButton *>("tsneCancel");
        QTest::mouseClick(run, Qt::LeftButton);
        QTRY_VERIFY(cancel->isEnabled());
        QVERIFY(w.jobs()->isRunning("umap"));
        QTest::mouseClick(cancel, Qt::LeftButton);
        QTRY_VERIFY(cancelled.contains(QVariantList{QString("umap")}));
        QTRY_VERIFY(!w.jobs()->isRunning("umap"));
        QVERIFY2(w.tsneStatus()->text().contains("UMAP cancelled at epoch"), qPrintable(w.tsneStatus()->text()));
        QVERIFY(run->isEnabled() && !cancel->isEnabled());

        // Back to t-SNE: its boxes, and its own seed.
        dock->choose("tsne");
        QVERIFY(w.waitForJobs(120000));
        QVERIFY(box("tsnePerplexity")->isVisible() && !box("umapNeighbors")->isVisible());
        QCOMPARE(seed->value(), 42);
        dock->choose("umap");
        QCOMPARE(seed->value(), 9);
        QVERIFY(w.waitForJobs(120000));

        // The 3D tab offers a 3D UMAP run for the 2D UMAP map, and the button makes one.
        qobject_cast<QSpinBox *>(box("umapEpochs"))->setValue(100);
        w.viewTabs()->setCurrentWidget(w.scatter3d());
        QTest::qWait(50);
        auto *offer = w.scatter3d()->findChild<QPushButton *>("scatter3dMessageButton");
        auto *message = w.scatter3d()->findChild<QLabel *>("scatter3dMessage");
        QVERIFY(offer && message && offer->isVisible());
        QVERIFY2(message->text().contains("UMAP"), qPrintable(message->text()));
        QVERIFY(w.viewTabs()->tabText(w.viewTabs()->indexOf(w.scatter3d())).contains("UMAP"));
        QTest::mouseClick(offer, Qt::LeftButton);
        QVERIFY(w.jobs()->isRunning("umap"));
        QVERIFY(!w.jobs()->isRunning("tsne"));
        QVERIFY(w.waitForJobs(120000));
        QTRY_VERIFY(w.scatter3d()->container()->isVisible());
        QCOMPARE(w.document()->projection("umap").dims, 3);
        QCOMPARE(w.document()->method("tsne")->parameters().value("dims").toInt(), 2); // t-SNE's own
    }

    void doctorFindingSelectsRows()
    {
        MainWindow w;
        w.setAutoEmbed(false);
        QVERIFY(windowtest::show(w, {1400, 900}));
        Dataset ds;
        Matrix v;
        clusterData(30, ds, v);
        w.setData(ds, v);
        QVERIFY(w.waitForJobs(30000));
        QVERIFY(!w.doctorDock()->isVisible());
        QVERIFY(!w.doctorPanel()->report());
        w.doctorDock()->toggleViewAction()->trigger();
        QTRY_VERIFY(w.doctorDock()->isVisible());
        QVERIFY(w.waitForJobs(60000));
        QTRY_VERIFY(w.doctorPanel()->report());
        QTreeWidget *clusters = w.doctorPanel()->list(DoctorPanel::Clusters);
        QTabWidget *tabs = w.doctorPanel()->tabs();
        for (int i = 0; i < tabs->count(); ++i)
            if (tabs->widget(i) == clusters || tabs->widget(i)->isAncestorOf(clusters))
                tabs->setCurrentIndex(i);
        QTRY_VERIFY(clusters->isVisible());
        QVERIFY(clusters->topLevelItemCount() > 0);
        QTreeWidgetItem *item = clusters->topLevelItem(0);
        const QVector<int> rows = DoctorPanel::rowsOf(item);
        QVERIFY(rows.size() > 1);
        clusters->scrollToItem(item);
        QTest::mouseClick(clusters->viewport(), Qt::LeftButton, {}, clusters->visualItemRect(item).center());
        QTRY_COMPARE(w.selectionModel()->selectedRows().size(), rows.size());
        for (const QModelIndex &i : w.selectionModel()->selectedRows())
            QVERIFY(rows.contains(i.row()));
    }

    // Issue 16: every row number a person reads in the window is the one the sentence
    // table shows beside the row (1-based): inspector, "Why close?" and the doctor.
    void rowNumbersReadAsInTheTable()
    {
        MainWindow w;
        w.setAutoEmbed(false);
        QVERIFY(windowtest::show(w, {1400, 900}));
        Dataset ds;
        Matrix v;
        clusterData(30, ds, v);
        w.setData(ds, v);
        QVERIFY(w.waitForJobs(30000));
        auto header = [&](int row) {
            return w.sentenceModel()->headerData(row, Qt::Vertical, Qt::DisplayRole).toString();
        };
        QCOMPARE(header(14), QString("15"));

        // Table rows 15 and 16 (0-based 14 and 15), the current one 15.
        QItemSelection sel(w.sentenceModel()->index(14, 0), w.sentenceModel()->index(15, 0));
        w.selectionModel()->select(sel, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        w.selectionModel()->setCurrentIndex(w.sentenceModel()->index(14, 0), QItemSelectionModel::NoUpdate);
        auto *inspectorTitle = w.inspector()->findChild<QLabel *>("inspectorTitle");
        QVERIFY(inspectorTitle);
        QTRY_COMPARE(inspectorTitle->text(), "Sentence " + header(14));

        QAction *why = actionNamed(w, "Why Are These Close?");
        QVERIFY(why);
        why->trigger();
        auto *explainTitle = w.explainView()->findChild<QLabel *>("explainTitle");
        QVERIFY(explainTitle);
        QTRY_VERIFY2(explainTitle->text().contains("rows " + header(14) + " and " + header(15)),
                     qPrintable(explainTitle->text()));
        QVERIFY(w.waitForJobs(30000));

        // The doctor: each single-row entry shows its row's table number.
        w.doctorDock()->toggleViewAction()->trigger();
        QTRY_VERIFY(w.doctorDock()->isVisible());
        QVERIFY(w.waitForJobs(60000));
        QTRY_VERIFY(w.doctorPanel()->report());
        int checked = 0;
        for (int t = 0; t < DoctorPanel::TabCount; ++t) {
            QTreeWidget *list = w.doctorPanel()->list(DoctorPanel::Tab(t));
            std::function<void(QTreeWidgetItem *)> visit = [&](QTreeWidgetItem *item) {
                const QVector<int> rows = DoctorPanel::rowsOf(item);
                if (item->childCount() == 0 && !rows.isEmpty()) {
                    QCOMPARE(item->text(0), header(rows.front()));
                    ++checked;
                }
                for (int c = 0; c < item->childCount(); ++c)
                    visit(item->child(c));
            };
            for (int i = 0; i < list->topLevelItemCount(); ++i)
                visit(list->topLevelItem(i));
        }
        QVERIFY(checked > 0);
    }

    // Issue 16: after a 2D t-SNE run the 3D tab showed the 2D map as a flat slab. It now says
    // that a 3D map needs a 3D run and offers it; the button starts t-SNE in 3D and the tab
    // then shows those points; a later 2D run leaves the 3D map in the 3D tab.
    void tsne3dTabOffersA3dRun()
    {
        MainWindow w;
        w.setAutoEmbed(false);
        QVERIFY(windowtest::show(w, {1400, 900}));
        auto *s3 = w.findChild<QWidget *>("scatter3d");
        if (!s3)
            ES_SKIP_WITHOUT_GL(QStringLiteral("no OpenGL here: no 3D tab"));
        auto *graph = w.scatter3d()->graph();
        // The z range of the points the 3D scene draws (all series), and how many.
        auto drawn = [&](double &zmin, double &zmax) {
            zmin = HUGE_VAL;
            zmax = -HUGE_VAL;
            int n = 0;
            for (QScatter3DSeries *series : graph->seriesList()) {
                const QScatterDataArray *a = series->dataProxy()->array();
                if (!series->isVisible() || !a || series->name() == "selected" || series->name() == "search hits")
                    continue;
                for (const QScatterDataItem &item : *a) {
                    zmin = std::min(zmin, double(item.z()));
                    zmax = std::max(zmax, double(item.z()));
                    ++n;
                }
            }
            return n;
        };
        Dataset ds;
        Matrix v;
        clusterData(60, ds, v);
        w.setData(ds, v);
        QVERIFY(w.waitForJobs(30000));
        w.viewTabs()->setCurrentWidget(s3);
        QTest::qWait(50);
        QVERIFY(w.scatter3d()->container()->isVisible()); // PCA: the 3D scene

        w.tsneDimsBox()->setCurrentIndex(w.tsneDimsBox()->findData(2));
        w.tsneIterationsBox()->setValue(300);
        QVERIFY(w.runTsne());
        QVERIFY(w.waitForJobs(120000));
        QTest::qWait(50);
        auto *button = s3->findChild<QPushButton *>("scatter3dMessageButton");
        auto *message = s3->findChild<QLabel *>("scatter3dMessage");
        QVERIFY2(button && message, "no message in the 3D tab after a 2D t-SNE run");
        QVERIFY(button->isVisible() && message->isVisible());
        QVERIFY2(message->text().contains("2D") && message->text().contains("3D"), qPrintable(message->text()));
        QVERIFY(!w.scatter3d()->container()->isVisible()); // no flat slab

        QTest::mouseClick(button, Qt::LeftButton);
        QCOMPARE(w.tsneDimsBox()->currentData().toInt(), 3);
        QVERIFY(w.jobs()->isRunning("tsne"));
        QVERIFY(!button->isVisible()); // no second run while this one computes
        QVERIFY(w.waitForJobs(120000));
        QTRY_VERIFY(w.scatter3d()->container()->isVisible());
        QVERIFY(!message->isVisible());
        double zmin = 0, zmax = 0;
        QCOMPARE(drawn(zmin, zmax), 60);
        double tmin = HUGE_VAL, tmax = -HUGE_VAL, xmin = HUGE_VAL, xmax = -HUGE_VAL;
        for (const QVector3D &p : w.tsneCoords()) {
            tmin = std::min(tmin, double(p.z()));
            tmax = std::max(tmax, double(p.z()));
            xmin = std::min(xmin, double(p.x()));
            xmax = std::max(xmax, double(p.x()));
        }
        QVERIFY2(zmax - zmin > 0.1 * (xmax - xmin), qPrintable(QStringLiteral("z %1..%2").arg(zmin).arg(zmax)));
        QVERIFY(std::abs(zmin - tmin) < 1e-4 && std::abs(zmax - tmax) < 1e-4);

        // A 2D run afterwards: the 3D tab keeps the 3D map of these data.
        w.tsneDimsBox()->setCurrentIndex(w.tsneDimsBox()->findData(2));
        QVERIFY(w.runTsne());
        QVERIFY(w.waitForJobs(120000));
        QTest::qWait(50);
        for (const QVector3D &p : w.tsneCoords())
            QCOMPARE(p.z(), 0.f);
        QVERIFY(w.scatter3d()->container()->isVisible());
        double z2min = 0, z2max = 0;
        QCOMPARE(drawn(z2min, z2max), 60);
        QCOMPARE(z2min, zmin);
        QCOMPARE(z2max, zmax);
    }

    void badCsvShowsAnErrorNamingTheLine()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("broken.csv");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("text,label\n\"fine\",a\n\"unbalanced,b\nlast,c\n");
        f.close();
        MainWindow w;
        w.show();
        QSignalSpy error(&w, &MainWindow::errorShown);
        QVERIFY(w.openFile(path));
        QTRY_COMPARE_WITH_TIMEOUT(error.count(), 1, 30000);
        const QString msg = error.at(0).at(0).toString();
        QVERIFY2(msg.contains("broken.csv"), qPrintable(msg));
        QVERIFY2(msg.contains("line"), qPrintable(msg));
        QVERIFY(w.errorBox());
        QVERIFY(w.errorBox()->isVisible());
        QVERIFY(w.errorBox()->text().contains("broken.csv"));
        w.errorBox()->close();
        QTRY_VERIFY(!w.errorBox());
        // A missing file, too.
        QVERIFY(!w.openFile(dir.filePath("nope.txt")));
        QCOMPARE(error.count(), 2);
        // The window still works.
        Dataset ds;
        Matrix v;
        sampleData(ds, v);
        w.setData(ds, v);
        QVERIFY(w.waitForJobs(30000));
        QCOMPARE(w.sentenceModel()->rowCount(), 6);
    }

    void vectorsWithMatchingTextsSkipEmbedding()
    {
        QTemporaryDir dir;
        Dataset ds;
        Matrix v;
        sampleData(ds, v);
        QVERIFY(formats::writeNpy(dir.filePath("demo.npy").toStdString(), v).ok());
        QFile f(dir.filePath("demo.csv"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("text,label\n");
        for (std::size_t i = 0; i < ds.texts.size(); ++i)
            f.write(QByteArray::fromStdString(ds.texts[i] + "," + ds.columns[0].values[i] + "\n"));
        f.close();
        MainWindow w;
        w.show();
        QSignalSpy opened(&w, &MainWindow::fileOpened);
        QVERIFY(w.openFile(dir.filePath("demo.npy")));
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 30000);
        QVERIFY(w.waitForJobs(30000));
        QCOMPARE(w.sentenceModel()->rowCount(), 6);
        QCOMPARE(w.sentenceModel()->text(1), QString("A kitten naps on the rug"));
        QCOMPARE(w.sentenceModel()->label(4), QString("finance"));
        QVERIFY(w.vectors());
        QCOMPARE(w.vectors()->cols(), 4); // the file's vectors, not the model's 100
        QVERIFY(w.vectors()->isApprox(v));
    }

    void dropOpensTheFile()
    {
        QTemporaryDir dir;
        QFile f(dir.filePath("dropped.txt"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("one sentence\n\nanother sentence\n");
        f.close();
        MainWindow w;
        w.setAutoEmbed(false);
        QVERIFY(windowtest::show(w));
        QSignalSpy opened(&w, &MainWindow::fileOpened);
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(f.fileName())});
        const QPoint at = w.rect().center();
        QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&w, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&w, &drop);
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 30000);
        QCOMPARE(w.sentenceModel()->rowCount(), 2);
        QCOMPARE(w.sentenceModel()->text(1), QString("another sentence"));
    }

    void savedThemeIsAppliedAtStart()
    {
        // A user who chose Dark finds a dark window when starting again (it used to open
        // light with "Dark" ticked in the menu).
        QSettings().setValue(QStringLiteral("ui/theme"), QStringLiteral("dark"));
        {
            MainWindow w;
            QVERIFY(windowtest::show(w));
            QVERIFY(QApplication::palette().color(QPalette::Window).lightness() < 100);
            const QImage shot = w.grab().toImage();
            QVERIFY(QColor(shot.pixel(shot.width() / 2, shot.height() - 3)).lightness() < 100);
        }
        QSettings().setValue(QStringLiteral("ui/theme"), QStringLiteral("light"));
        MainWindow w;
        QVERIFY(windowtest::show(w));
        QVERIFY(QApplication::palette().color(QPalette::Window).lightness() > 150);
        QSettings().remove(QStringLiteral("ui/theme"));
    }

    void layoutFitsOrdinaryScreens_data()
    {
        QTest::addColumn<QSize>("size");
        QTest::newRow("1280x720") << QSize(1280, 720);
        QTest::newRow("1366x768") << QSize(1366, 768);
        QTest::newRow("1920x1080") << QSize(1920, 1080);
    }
    void layoutFitsOrdinaryScreens()
    {
        // With the doctor and "Why close?" open: the window keeps its size, nothing
        // overlaps, Run / Pause / Cancel and the label column stay in view, and the map keeps
        // at least half of the window's width.
        QFETCH(QSize, size);
        MainWindow w;
        w.setAutoEmbed(false);
        QVERIFY(windowtest::show(w, size));
        QVERIFY(w.openFile(QStringLiteral(EMBEDSCOPE_SOURCE_DIR "/resources/datasets/topics300.csv")));
        QTRY_COMPARE(w.sentenceModel()->rowCount(), 330);
        w.doctorDock()->toggleViewAction()->trigger();
        QTRY_VERIFY(w.doctorDock()->isVisible());
        QAction *why = actionNamed(w, "Why Are These Close?");
        QVERIFY(why);
        why->trigger();
        QTRY_VERIFY(w.explainDock()->isVisible());
        QTest::qWait(200);
        QCOMPARE(w.size(), size); // the window never grows itself

        if (const QString dir = qEnvironmentVariable("EMBEDSCOPE_SCREENSHOT_DIR"); !dir.isEmpty())
            w.grab().save(QString("%1/window_%2x%3.png").arg(dir).arg(size.width()).arg(size.height()));
        // Docks behind another tab of their group are moved out of the window by Qt (still
        // "visible"): what is on screen is what has a visible region.
        QList<QWidget *> parts{w.centralWidget(), w.statusBar(), w.menuBar()};
        for (QDockWidget *d : w.findChildren<QDockWidget *>(QString(), Qt::FindDirectChildrenOnly))
            if (d->isVisible() && !d->visibleRegion().isEmpty())
                parts.append(d);
        QVERIFY(parts.size() >= 6); // sentences, projection bar, one of the right-hand tabs
        for (int a = 0; a < parts.size(); ++a)
            for (int b = a + 1; b < parts.size(); ++b)
                QVERIFY2(!parts[a]->geometry().intersects(parts[b]->geometry()),
                         qPrintable(QString("%1 overlaps %2").arg(parts[a]->objectName(), parts[b]->objectName())));
        const QRect inside = w.rect();
        for (QWidget *part : parts)
            QVERIFY2(inside.contains(part->geometry()), qPrintable(part->objectName() + " is cut off"));

        QVERIFY2(w.centralWidget()->width() * 2 >= w.width(),
                 qPrintable(QString("map %1 px of %2").arg(w.centralWidget()->width()).arg(w.width())));
        for (const char *name : {"tsneRun", "tsnePause", "tsneCancel"}) {
            auto *b = w.tsneDock()->findChild<QPushButton *>(name);
            QVERIFY(b && b->isVisible());
            const QRect r(b->mapTo(&w, QPoint(0, 0)), b->size());
            QVERIFY2(w.tsneDock()->geometry().contains(r), name);
            QVERIFY(b->width() >= b->sizeHint().width() - 1);
        }
        // UMAP's parameter row (one box more than t-SNE's) fits the bar too, and swapping the
        // rows leaves the docks their widths.
        auto *dock = qobject_cast<ProjectionDock *>(w.tsneDock());
        QVERIFY(dock);
        QDockWidget *sentences = w.findChild<QDockWidget *>("sentencesDock");
        const int sentencesWidth = sentences->width();
        dock->choose(QStringLiteral("umap"));
        QTest::qWait(50);
        QCOMPARE(w.size(), size);
        QCOMPARE(sentences->width(), sentencesWidth);
        dock->choose(QStringLiteral("pca")); // Run starts t-SNE: its boxes again
        QTest::qWait(50);
        QCOMPARE(sentences->width(), sentencesWidth);
        QVERIFY(dock->findChild<QWidget *>("tsnePerplexity")->isVisible());
        dock->choose(QStringLiteral("umap"));
        QTest::qWait(50);
        QCOMPARE(sentences->width(), sentencesWidth);
        for (const char *name : {"umapNeighbors", "umapMinDist", "umapEpochs", "projectionMetric", "tsneRun",
                                 "tsneCancel"}) {
            auto *b = dock->findChild<QWidget *>(name);
            QVERIFY2(b && b->isVisible(), name);
            const QRect r(b->mapTo(&w, QPoint(0, 0)), b->size());
            QVERIFY2(dock->geometry().contains(r), name);
            QVERIFY2(b->width() >= b->sizeHint().width() - 1, name);
        }
        QTableView *t = w.table();
        const int labelRight = t->columnViewportPosition(SentenceModel::LabelColumn) + t->columnWidth(SentenceModel::LabelColumn);
        QVERIFY2(t->columnViewportPosition(SentenceModel::LabelColumn) >= 0 && labelRight <= t->viewport()->width(),
                 qPrintable(QString("label column ends at %1 of %2").arg(labelRight).arg(t->viewport()->width())));
        QVERIFY(t->columnWidth(SentenceModel::TextColumn) >= 120);

        // The right-hand docks fit their width: no part of the doctor or "Why close?" is cut
        // off behind a horizontal scroll bar.
        for (QDockWidget *d : {w.doctorDock(), w.explainDock()}) {
            d->raise();
            QTest::qWait(50);
            for (QScrollArea *area : d->findChildren<QScrollArea *>())
                if (area->widgetResizable())
                    QVERIFY2(!area->horizontalScrollBar()->isVisible(),
                             qPrintable(QString("%1: content %2 px wide in %3 px").arg(d->objectName())
                                            .arg(area->widget()->minimumSizeHint().width()).arg(area->viewport()->width())));
        }

        // "Why close?"'s two tables are wide enough to read two words and a contribution
        // (side by side they were 120 px each in a side dock: "Wor Wor Contributi").
        w.explainDock()->raise();
        QTest::qWait(50);
        const auto tables = w.explainDock()->findChildren<QTableWidget *>();
        QCOMPARE(tables.size(), 2);
        for (QTableWidget *table : tables)
            QVERIFY2(table->viewport()->width() >= 200, qPrintable(QString("table %1 px wide").arg(table->viewport()->width())));

        // The inspector (a tab beside the doctor and "Why close?") shows at least 5 neighbours.
        w.findChild<QDockWidget *>("inspectorDock")->raise();
        QTest::qWait(50);
        auto *list = w.findChild<QDockWidget *>("inspectorDock")->findChild<QTreeWidget *>();
        QVERIFY(list && list->isVisible());
        QVERIFY2(list->viewport()->height() >= 5 * (list->fontMetrics().height() + 4),
                 qPrintable(QString("neighbour list %1 px high").arg(list->viewport()->height())));
    }

    void presentationModeShowsTheMapAndComesBack()
    {
        MainWindow w;
        w.setAutoEmbed(false);
        QVERIFY(windowtest::show(w, {1280, 720}));
        QVERIFY(w.openFile(QStringLiteral(EMBEDSCOPE_SOURCE_DIR "/resources/datasets/topics300.csv")));
        QTRY_COMPARE(w.sentenceModel()->rowCount(), 330);
        w.doctorDock()->toggleViewAction()->trigger();
        QTest::qWait(100);
        const QSize size = w.size();
        // Docks and toolbars as laid out: which are shown, where and how large.
        const auto layout = [&w] {
            QStringList out;
            for (QWidget *d : w.findChildren<QWidget *>(QString(), Qt::FindDirectChildrenOnly))
                if (qobject_cast<QDockWidget *>(d) || qobject_cast<QToolBar *>(d)) {
                    const bool shown = d->isVisible() && !d->visibleRegion().isEmpty();
                    out << (shown ? QString("%1 shown at %2,%3 %4x%5")
                                        .arg(d->objectName())
                                        .arg(d->x())
                                        .arg(d->y())
                                        .arg(d->width())
                                        .arg(d->height())
                                  : QString("%1 %2").arg(d->objectName(), d->isVisible() ? "behind a tab" : "hidden"));
                }
            return out;
        };
        const QStringList before = layout();
        const int labelWidth = w.table()->columnWidth(SentenceModel::LabelColumn);
        const qreal statusPoints = w.statusBar()->font().pointSizeF();
        auto *pause = w.tsneDock()->findChild<QPushButton *>("tsnePause");
        QVERIFY(pause && !pause->isEnabled());
        const QColor enabledText = pause->palette().color(QPalette::Active, QPalette::ButtonText);
        QVERIFY(pause->palette().color(QPalette::Disabled, QPalette::ButtonText) != enabledText);

        QAction *present = actionNamed(w, "Presentation Mode");
        QVERIFY(present);
        present->trigger();
        QTRY_VERIFY(w.isFullScreen());
        QTest::qWait(200);
        // Only the map (or heatmap) and the inspector card: no dock, menu or status bar.
        for (QDockWidget *d : w.findChildren<QDockWidget *>(QString(), Qt::FindDirectChildrenOnly))
            QVERIFY2(!d->isVisible(), qPrintable(d->objectName()));
        QVERIFY(!w.menuBar()->isVisible());
        QVERIFY(!w.statusBar()->isVisible());
        QVERIFY(w.centralWidget()->width() >= w.width() - 20);
        QVERIFY(QApplication::font().pointSizeF() > statusPoints * 1.4);
        auto *card = w.findChild<QFrame *>("presentationCard");
        QVERIFY(card && card->isVisible());
        w.table()->selectRow(4);
        QTRY_VERIFY(card->findChild<QLabel *>()->text().contains("Row 5"));
        QVERIFY(w.centralWidget()->rect().contains(QRect(card->mapTo(w.centralWidget(), QPoint()), card->size())));
        if (const QString dir = qEnvironmentVariable("EMBEDSCOPE_SCREENSHOT_DIR"); !dir.isEmpty())
            w.grab().save(dir + "/presentation.png");

        // F11 again: exactly the window from before.
        QTest::keyClick(&w, Qt::Key_F11);
        QTRY_VERIFY(!w.isFullScreen());
        QTRY_COMPARE(w.size(), size);
        QTRY_COMPARE(layout(), before);
        QVERIFY(w.doctorDock()->isVisible());
        QVERIFY(w.menuBar()->isVisible() && w.statusBar()->isVisible());
        QCOMPARE(w.table()->columnWidth(SentenceModel::LabelColumn), labelWidth);
        QCOMPARE(w.statusBar()->font().pointSizeF(), statusPoints);
        QVERIFY(!card->isVisible());
        QVERIFY(!present->isChecked());
    }

    // A clicked point's neighbours (the rows the inspector lists) are ringed on both maps;
    // "Isolate these N points" on one map isolates them on both, "Show all" comes back;
    // the View menu's point labels switch drives the 2D map's labels.
    void mapsShowNeighboursAndIsolate()
    {
        MainWindow w;
        QVERIFY(windowtest::show(w, {1366, 768}));
        Dataset ds;
        Matrix v;
        sampleData(ds, v);
        w.setData(ds, v);
        QVERIFY(w.waitForJobs(30000));
        Scatter2DView *s2 = w.scatter2d();
        w.viewTabs()->setCurrentWidget(s2);
        QTest::qWait(100);
        QTest::mouseClick(s2->overlay(), Qt::LeftButton, {}, s2->overlay()->mapFrom(s2, s2->positionOf(0).toPoint()));
        QCOMPARE(s2->selection(), QVector<int>{0});
        QVector<int> listed;
        for (const auto &n : w.inspector()->shownNeighbors())
            listed.append(n.row);
        QVERIFY(!listed.isEmpty());
        QCOMPARE(s2->neighborRow(), 0);
        QCOMPARE(s2->neighbors(), listed);
        if (w.scatter3d()) {
            QCOMPARE(w.scatter3d()->neighborRow(), 0);
            QCOMPARE(w.scatter3d()->neighbors(), listed);
        }
        // Isolate on the 2D map: both maps show the point and its neighbours only.
        QVERIFY(s2->isolateBar()->isVisible());
        s2->isolateBar()->isolateButton()->click();
        QCOMPARE(s2->isolation().size(), listed.size() + 1);
        if (w.scatter3d())
            QCOMPARE(w.scatter3d()->isolation(), s2->isolation());
        s2->isolateBar()->showAllButton()->click();
        QVERIFY(s2->isolation().isEmpty());
        if (w.scatter3d())
            QVERIFY(w.scatter3d()->isolation().isEmpty());
        // Several rows selected: no neighbour lines.
        w.table()->selectAll();
        QTRY_COMPARE(s2->neighborRow(), -1);
        // Point labels: on by default (Auto), off from the View menu.
        auto *labels = w.findChild<QAction *>(QStringLiteral("pointLabelsAction"));
        QVERIFY(labels);
        QVERIFY(labels->isChecked());
        QCOMPARE(s2->labelMode(), pointlabels::Mode::Auto);
        labels->setChecked(false);
        QCOMPARE(s2->labelMode(), pointlabels::Mode::Off);
        labels->setChecked(true);
    }

    void endToEndWithTheLocalModel()
    {
        const QByteArray model = qgetenv("EMBEDSCOPE_MODEL");
        if (model.isEmpty() || !QFile::exists(QString::fromLocal8Bit(model))) {
            if (qgetenv("EMBEDSCOPE_REQUIRE_MODEL") == "1")
                QFAIL("EMBEDSCOPE_REQUIRE_MODEL=1 but $EMBEDSCOPE_MODEL names no model file");
            QSKIP("no local model ($EMBEDSCOPE_MODEL unset)");
        }
        MainWindow w;
        EmbedderSpec spec;
        spec.modelPath = model.toStdString();
        w.setEmbedderSpec(spec);
        w.setAutoEmbed(true);
        w.show();
        QSignalSpy opened(&w, &MainWindow::fileOpened);
        QVERIFY(w.openFile(QStringLiteral(EMBEDSCOPE_SOURCE_DIR "/resources/datasets/classroom.csv")));
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 30000);
        QVERIFY(w.waitForJobs(60000));
        QVERIFY2(w.lastError().isEmpty(), qPrintable(w.lastError()));
        const int n = w.sentenceModel()->rowCount();
        QVERIFY(n >= 20);
        QVERIFY(w.vectors());
        QCOMPARE(w.vectors()->rows(), n);
        QCOMPARE(w.vectors()->cols(), 100);
        QVERIFY(w.similarity());
        QCOMPARE(w.pcaCoords().size(), n);
        // Typing a new sentence embeds just it and places it without moving the others.
        const QVector<QVector3D> before = w.pcaCoords();
        QTest::keyClicks(w.newSentenceBox(), "A small cat sleeps on a warm mat");
        QTest::keyClick(w.newSentenceBox(), Qt::Key_Return);
        QCOMPARE(w.sentenceModel()->rowCount(), n + 1);
        QTRY_VERIFY_WITH_TIMEOUT(w.vectors() && w.vectors()->rows() == n + 1, 30000);
        QVERIFY(w.waitForJobs(30000));
        const QVector<QVector3D> after = w.pcaCoords();
        QCOMPARE(after.size(), n + 1);
        // Exactly: the existing rows are not transformed again (and would give the same bits
        // if they were: one projection routine, the same on every CPU path).
        for (int i = 0; i < n; ++i)
            QVERIFY2(std::memcmp(&after[i], &before[i], sizeof(QVector3D)) == 0,
                     qPrintable(QStringLiteral("row %1 moved").arg(i + 1)));
        QVERIFY(std::isfinite(after[n].x()) && std::isfinite(after[n].y()));
        // Its nearest neighbour is an animal sentence.
        QVERIFY(w.neighbors());
        const int nb = w.neighbors()->at(n, 0);
        QCOMPARE(w.sentenceModel()->label(nb), QString("animals"));

        // t-SNE map, then a typed sentence is placed into it (tsnePlace), the others stay.
        QVERIFY(w.runTsne());
        QVERIFY(w.waitForJobs(120000));
        QCOMPARE(w.tsneCoords().size(), n + 1);
        const QVector<QVector3D> tsneBefore = w.tsneCoords();
        QTest::keyClicks(w.newSentenceBox(), "The dog chased a ball in the garden");
        QTest::keyClick(w.newSentenceBox(), Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(w.vectors() && w.vectors()->rows() == n + 2, 30000);
        QVERIFY(w.waitForJobs(60000));
        QCOMPARE(w.tsneCoords().size(), n + 2);
        for (int i = 0; i <= n; ++i)
            QCOMPARE(w.tsneCoords()[i], tsneBefore[i]);
        QVERIFY(std::isfinite(w.tsneCoords()[n + 1].x()) && std::isfinite(w.tsneCoords()[n + 1].y()));

        // "Why are these close?" for two selected rows: the exact split of the local model.
        w.table()->selectRow(0);
        w.selectionModel()->select(w.sentenceModel()->index(n, 0),
                                   QItemSelectionModel::Select | QItemSelectionModel::Rows);
        QAction *why = actionNamed(w, "Why Are These Close?");
        QVERIFY(why);
        why->trigger();
        QVERIFY(w.explainDock()->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(w.explainView()->isExact(), 30000);
        QCOMPARE(w.explainView()->rowA(), 0);
        QCOMPARE(w.explainView()->rowB(), n);
    }
};

ES_TEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
