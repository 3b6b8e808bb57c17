// The doctor's tools in the main window:
//  - Tools > Compare Models... opens the compare window on the window's sentences; a
//    lexical-vs-local run on the classroom set completes through the window's job runner
//    (progress, Cancel), and selection is linked both ways;
//  - "Why are these close?" for an HTTP model (the fake provider over loopback): nothing is
//    sent until Estimate is pressed, then the leave-one-word-out estimate is shown and
//    labelled an estimate.
#include "mainwindow.h"
#include "models/sentencemodel.h"
#include "views/comparewidget.h"
#include "views/explainview.h"
#include "views/scatter2dview.h"

#include "formats/texts.h"
#include "jobs/jobrunner.h"
#include "tools/fake_provider.h"
#include "windowtest.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTest>
#include "tools/testmain.h"
#include <QTimer>

#include <cmath>

using namespace es;

namespace {

void select(MainWindow &w, const QVector<int> &rows)
{
    QItemSelection sel;
    for (int r : rows)
        sel.select(w.sentenceModel()->index(r, 0), w.sentenceModel()->index(r, w.sentenceModel()->columnCount() - 1));
    w.selectionModel()->select(sel, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}

QVector<int> selected(MainWindow &w)
{
    QVector<int> rows;
    for (const QModelIndex &i : w.selectionModel()->selectedRows())
        rows << i.row();
    std::sort(rows.begin(), rows.end());
    return rows;
}

} // namespace

class TestDoctorWindow : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { windowtest::isolateSettings(); }

    void compareFromTheMenu()
    {
        if (qEnvironmentVariableIsEmpty("EMBEDSCOPE_MODEL")) {
            if (qgetenv("EMBEDSCOPE_REQUIRE_MODEL") == "1")
                QFAIL("EMBEDSCOPE_MODEL is not set");
            QSKIP("the local model is needed (EMBEDSCOPE_MODEL)");
        }
        auto loaded = formats::loadTexts(EMBEDSCOPE_SOURCE_DIR "/resources/datasets/classroom.csv");
        QVERIFY(loaded);
        const Dataset ds = loaded->dataset;
        const int n = int(ds.size());
        MainWindow w;
        QVERIFY(windowtest::showWithData(w, {1300, 850}, ds, Matrix::Random(n, 8))); // the window's own vectors do not matter here

        auto *action = w.findChild<QAction *>(QStringLiteral("compareModelsAction"));
        QVERIFY(action);
        QVERIFY(!w.compareWidget());
        action->trigger();
        CompareWidget *cmp = w.compareWidget();
        QVERIFY(cmp);
        QVERIFY(w.compareWindow()->isVisible());
        QVERIFY(QTest::qWaitForWindowExposed(w.compareWindow()));
        QVERIFY(cmp->modelChoices().contains("lexical"));
        QVERIFY(cmp->modelChoices().contains("local"));

        // Through the window's job runner: its progress bar shows, Cancel stops it.
        cmp->setModels("lexical", "local");
        QSignalSpy started(w.jobs(), &JobRunner::jobStarted);
        cmp->compare();
        QTRY_VERIFY_WITH_TIMEOUT(!started.isEmpty(), 10000);
        bool sawCompare = false;
        for (const auto &args : started)
            sawCompare = sawCompare || args.first().toString() == "compare";
        QVERIFY(sawCompare);
        cmp->cancel();
        QVERIFY(w.waitForJobs(60000));
        QVERIFY(!cmp->isRunning());

        QSignalSpy done(cmp, &CompareWidget::compared);
        cmp->compare();
        QVERIFY(done.wait(180000) || done.count() == 1);
        QVERIFY(cmp->result());
        const auto *r = cmp->result();
        QCOMPARE(int(r->overlap.size()), n);
        QVERIFY(std::isfinite(r->summaryA.knnAccuracy) && std::isfinite(r->summaryB.knnAccuracy));
        QVERIFY(!cmp->nameA().isEmpty() && !cmp->nameB().isEmpty());
        QCOMPARE(cmp->overlapTable()->rowCount(), n);
        qInfo("classroom, lexical vs local: k-NN accuracy %.3f vs %.3f, silhouette %.3f vs %.3f, mean overlap %.3f",
              r->summaryA.knnAccuracy, r->summaryB.knnAccuracy, r->summaryA.silhouette, r->summaryB.silhouette,
              r->meanOverlap);

        if (const QString dir = qEnvironmentVariable("EMBEDSCOPE_SCREENSHOT_DIR"); !dir.isEmpty()) {
            QTest::qWait(300);
            w.compareWindow()->grab().save(dir + "/compare-window.png");
        }

        // Linked selection: the window's selection reaches both compare maps ...
        select(w, {2, 5});
        QCOMPARE(cmp->selection(), QVector<int>({2, 5}));
        QCOMPARE(cmp->projectionA()->selection(), QVector<int>({2, 5}));
        QCOMPARE(cmp->projectionB()->selection(), QVector<int>({2, 5}));
        // ... and a pick in the compare window reaches the window.
        const int first = cmp->overlapTable()->item(0, 0)->text().toInt() - 1; // shown 1-based
        cmp->overlapTable()->selectRow(0);
        QCOMPARE(selected(w), QVector<int>({first}));

        // Opening it again keeps the result (same data).
        w.compareWindow()->hide();
        action->trigger();
        QVERIFY(cmp->result());
    }

    void estimateForAnHttpModel()
    {
        test::FakeProvider server;
        QVERIFY(server.ok());
        MainWindow w;
        QVERIFY(windowtest::show(w, {1300, 850}));
        EmbedderSpec spec;
        spec.provider = "ollama";
        spec.model = "fake-embed";
        spec.baseUrl = server.root();
        spec.useCache = false;
        w.setEmbedderSpec(spec);
        Dataset ds;
        ds.texts = {"the cat sleeps on the warm mat", "a cat naps on the mat", "stocks fell sharply today",
                    "the bank raised its rates"};
        w.setTexts(ds);
        QVERIFY(windowtest::waitIdle(w));

        // The consent question before texts leave the machine: answered "Send".
        QTimer consent;
        consent.setInterval(50);
        connect(&consent, &QTimer::timeout, [] {
            if (auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget()))
                if (QAbstractButton *send = box->button(QMessageBox::Yes))
                    send->click();
        });
        consent.start();
        w.embed(true);
        QVERIFY(windowtest::waitIdle(w));
        consent.stop();
        QVERIFY2(w.vectors(), qPrintable(w.lastError()));
        QCOMPARE(int(w.vectors()->rows()), 4);

        ExplainView *explain = w.explainView();
        w.explainDock()->show();
        const int before = server.requests();
        select(w, {0, 1});
        QTest::qWait(300);
        QCOMPARE(explain->mode(), ExplainView::Mode::Offer); // offered, not computed
        QVERIFY(!explain->isRunning());
        QCOMPARE(server.requests(), before);
        QVERIFY(explain->estimateButton()->isVisible());
        auto *badge = explain->findChild<QLabel *>(QStringLiteral("explainBadge"));
        QVERIFY(badge);
        QCOMPARE(badge->text(), QString("ESTIMATE"));

        QSignalSpy explained(explain, &ExplainView::explained);
        QTest::mouseClick(explain->estimateButton(), Qt::LeftButton);
        QVERIFY(explained.wait(60000));
        QCOMPARE(explain->mode(), ExplainView::Mode::Estimate);
        QVERIFY(server.requests() > before);
        QCOMPARE(badge->text(), QString("ESTIMATE"));
        QVERIFY(explain->togetherTable()->rowCount() + explain->apartTable()->rowCount() > 0);
        if (const QString dir = qEnvironmentVariable("EMBEDSCOPE_SCREENSHOT_DIR"); !dir.isEmpty())
            w.grab().save(dir + "/explain-http-window.png");
        QVERIFY(explain->togetherTable()->horizontalHeaderItem(2)->text().contains("est."));
        // The cosine is the model's: the same as the two rows' vectors.
        const auto &v = *w.vectors();
        const double cos = double(v.row(0).dot(v.row(1))) / (double(v.row(0).norm()) * double(v.row(1).norm()));
        QVERIFY2(std::abs(explain->cosine() - cos) < 1e-4, qPrintable(QString::number(explain->cosine())));
    }
};

ES_TEST_MAIN(TestDoctorWindow)
#include "tst_doctorwindow.moc"
