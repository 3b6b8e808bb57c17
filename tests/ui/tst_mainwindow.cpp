// MainWindow, end to end through real widgets: data set + vectors in, analysis jobs run,
// and what is drawn is checked (heatmap pixels, selection after a click, search
// highlights); undo/redo and paste through the window's actions; cancel leaves the window
// usable; a bad file shows an error naming the file and line; vectors with a matching text
// file skip embedding; one test embeds the demo set with the real local model.
#include "mainwindow.h"

#include "formats/vectors.h"
#include "jobs/jobrunner.h"
#include "models/sentencemodel.h"
#include "views/heatmapview.h"
#include "views/inspectorview.h"

#include <QAction>
#include <QCheckBox>
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
#include <QUndoStack>

#include <cmath>
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
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("EmbedScopeTest");
        QCoreApplication::setApplicationName("tst_mainwindow");
    }

    void heatmapPixelsShowTheSimilarities()
    {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
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

    void heatmapClickSelectsTwoRowsEverywhere()
    {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
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
        auto *regex = w.findChild<QCheckBox *>();
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
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
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
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
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
        for (int i = 0; i < n; ++i)
            QVERIFY(qFuzzyCompare(after[i], before[i]));
        QVERIFY(std::isfinite(after[n].x()) && std::isfinite(after[n].y()));
        // Its nearest neighbour is an animal sentence.
        QVERIFY(w.neighbors());
        const int nb = w.neighbors()->at(n, 0);
        QCOMPARE(w.sentenceModel()->label(nb), QString("animals"));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
