// DoctorPanel on built data with known answers: a planted near-duplicate pair, an exact
// duplicate (case/whitespace), a flipped label and a planted outlier are listed; clicking
// a finding emits rowsActivated with its rows; marks reach the list, the marks object and
// the exported CSV; the threshold control re-runs the doctor; cluster captions sit at the
// clusters' mean positions.
#include "views/doctorpanel.h"

#include "jobs/jobrunner.h"

#include "testdata.h"

#include <QToolButton>
#include <QDoubleSpinBox>
#include <QFile>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QElapsedTimer>
#include <QApplication>
#include <QTest>
#include "tools/testmain.h"

#include <QTreeWidget>

#include <random>

using namespace es;


namespace {

using testdata::kNearA;
using testdata::kNearB;
using testdata::kExactA;
using testdata::kExactB;
using testdata::kFlipped;
using testdata::kOutlier;
using Built = testdata::DoctorSet;
constexpr auto build = testdata::doctorSet;

QTreeWidgetItem *findItem(QTreeWidget *tree, const QVector<int> &rows)
{
    for (int i = 0; i < tree->topLevelItemCount(); ++i)
        if (DoctorPanel::rowsOf(tree->topLevelItem(i)) == rows)
            return tree->topLevelItem(i);
    return nullptr;
}

void clickItem(QTreeWidget *tree, QTreeWidgetItem *item)
{
    // Under a loaded machine the tab switch may not be laid out yet: wait for the item's rect.
    QElapsedTimer waited;
    waited.start();
    tree->scrollToItem(item);
    while ((!tree->isVisible() || tree->visualItemRect(item).isEmpty()) && waited.elapsed() < 5000) {
        QTest::qWait(20);
        tree->scrollToItem(item);
    }
    const QRect r = tree->visualItemRect(item);
    QTest::mouseClick(tree->viewport(), Qt::LeftButton, {}, QPoint(r.left() + 20, r.center().y()));
    // Two clicks on one spot in quick succession would be a double click: let it settle.
    QTest::qWait(QApplication::doubleClickInterval() + 20);
}

} // namespace

class TestDoctorPanel : public QObject {
    Q_OBJECT
private slots:
    void findsPlantedItemsAndActivatesRows()
    {
        const Built b = build();
        JobRunner runner;
        DoctorPanel panel(&runner);
        panel.resize(700, 700);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));

        QSignalSpy ready(&panel, &DoctorPanel::reportReady);
        panel.setData(b.dataset, b.vectors);
        QVERIFY(ready.wait(30000));
        QVERIFY(panel.report());

        // Near duplicates: exactly the planted pair (no clean pair flagged).
        QTreeWidget *nearList = panel.list(DoctorPanel::NearDuplicates);
        QCOMPARE(nearList->topLevelItemCount(), 1);
        QTreeWidgetItem *pair = findItem(nearList, {kNearA, kNearB});
        QVERIFY(pair);
        QCOMPARE(pair->childCount(), 2);
        QVERIFY(panel.tabs()->tabText(DoctorPanel::NearDuplicates).contains("(1)"));
        // Exact duplicates: the case/whitespace pair.
        QTreeWidget *exactList = panel.list(DoctorPanel::ExactDuplicates);
        QCOMPARE(exactList->topLevelItemCount(), 1);
        QVERIFY(findItem(exactList, {kExactA, kExactB}));
        // Label disagreement: the flipped row, suggested "animals"; at most one other (the
        // outlier, whose neighbours are arbitrary; the cap is 5 % of 40 rows = 2).
        QTreeWidget *labels = panel.list(DoctorPanel::Labels);
        QString listed;
        for (int i = 0; i < labels->topLevelItemCount(); ++i)
            listed += labels->topLevelItem(i)->text(0) + ' ';
        QVERIFY2(labels->topLevelItemCount() >= 1 && labels->topLevelItemCount() <= 2, qPrintable(listed));
        QTreeWidgetItem *flipped = nullptr;
        for (int i = 0; i < labels->topLevelItemCount(); ++i)
            if (labels->topLevelItem(i)->text(0) == QString::number(kFlipped + 1)) // as the table counts
                flipped = labels->topLevelItem(i);
        QVERIFY(flipped);
        QCOMPARE(flipped->text(1), QString("weather"));
        QCOMPARE(flipped->text(2), QString("animals"));
        // The calibrated score, 1 - p(label) / p typical of the label: near 1 for a clear flip.
        bool isNumber = false;
        const double score = flipped->text(3).toDouble(&isNumber);
        QVERIFY2(isNumber && score > 0.5 && score <= 1.0, qPrintable(flipped->text(3)));
        QVERIFY(flipped->toolTip(3).contains("animals"));
        // Outliers: the planted one first.
        QTreeWidget *outliers = panel.list(DoctorPanel::Outliers);
        QVERIFY(outliers->topLevelItemCount() >= 1 && outliers->topLevelItemCount() <= 2);
        QCOMPARE(outliers->topLevelItem(0)->text(0), QString::number(kOutlier + 1));
        // Its tooltip names the nearest row the same way (1-based).
        {
            static const QRegularExpression nearestRe("row (\\d+)");
            const auto m = nearestRe.match(outliers->topLevelItem(0)->toolTip(1));
            QVERIFY(m.hasMatch());
            QCOMPARE(m.captured(1).toInt(), panel.report()->outliers.front().nearest + 1);
        }
        // Clusters: the four labels, each with typical sentences and words.
        QTreeWidget *clusters = panel.list(DoctorPanel::Clusters);
        QCOMPARE(clusters->topLevelItemCount(), 4);
        QVERIFY(clusters->topLevelItem(0)->childCount() > 0);
        QVERIFY(!clusters->topLevelItem(0)->text(3).isEmpty());

        // Clicking the duplicate pair (a real mouse click in the shown list) activates both rows.
        QSignalSpy activated(&panel, &DoctorPanel::rowsActivated);
        panel.tabs()->setCurrentIndex(DoctorPanel::NearDuplicates);
        QTest::qWait(50);
        clickItem(nearList, pair);
        QCOMPARE(activated.count(), 1);
        QCOMPARE(activated.at(0).at(0).value<QVector<int>>(), (QVector<int>{kNearA, kNearB}));
        // A label finding activates the item and its nearest neighbour with the majority label.
        panel.tabs()->setCurrentIndex(DoctorPanel::Labels);
        QTest::qWait(50);
        clickItem(labels, flipped);
        QCOMPARE(activated.count(), 2);
        const auto rows = activated.at(1).at(0).value<QVector<int>>();
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows[0], kFlipped);
        QCOMPARE(b.dataset.columns[0].values[std::size_t(rows[1])], std::string("animals"));

        // Marks: drop the duplicate pair with the button; the list shows it, the object has it.
        panel.tabs()->setCurrentIndex(DoctorPanel::NearDuplicates);
        QTest::qWait(50);
        clickItem(nearList, pair);
        QSignalSpy marksChanged(panel.marks(), &DoctorMarks::marksChanged);
        auto *drop = panel.findChild<QToolButton *>("mark_drop");
        QVERIFY(drop);
        QTest::mouseClick(drop, Qt::LeftButton);
        QCOMPARE(marksChanged.count(), 1);
        QCOMPARE(panel.marks()->mark(kNearA), doctor::Mark::Drop);
        QCOMPARE(panel.marks()->mark(kNearB), doctor::Mark::Drop);
        QCOMPARE(panel.marks()->markedCount(), 2);
        QCOMPARE(pair->text(2), QString("drop"));
        QCOMPARE(pair->child(1)->text(2), QString("drop"));
        // Keyboard: K keeps the selected label finding.
        panel.tabs()->setCurrentIndex(DoctorPanel::Labels);
        QTest::qWait(50);
        clickItem(labels, flipped);
        QTest::keyClick(labels, Qt::Key_K);
        QCOMPARE(panel.marks()->mark(kFlipped), doctor::Mark::Keep);
        QCOMPARE(flipped->text(4), QString("keep"));
        // Project round trip.
        const QStringList saved = panel.marks()->toStrings();
        QCOMPARE(saved.size(), 40);
        QCOMPARE(saved[kNearA], QString("drop"));
        DoctorMarks restored;
        restored.fromStrings(saved);
        QCOMPARE(restored.marks(), panel.marks()->marks());

        // Export: the CSV has the findings and the mark column.
        QTemporaryDir dir;
        const QString path = dir.filePath("findings.csv");
        QString error;
        QVERIFY2(panel.exportCsv(path, &error), qPrintable(error));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QString csv = QString::fromUtf8(f.readAll());
        QVERIFY(csv.startsWith("finding,row,other_row,score,detail,text,mark"));
        QVERIFY(csv.contains(QStringLiteral("near_duplicate,%1,%2").arg(kNearA).arg(kNearB)) ||
                csv.contains(QStringLiteral("near_duplicate,%1,%2").arg(kNearB).arg(kNearA)));
        QVERIFY(csv.contains("exact_duplicate"));
        QVERIFY(csv.contains("label_disagreement," + QString::number(kFlipped)));
        QVERIFY(csv.contains(",drop"));
        QVERIFY(csv.contains(",keep"));

        // Raising the threshold above the pair's cosine re-runs the doctor and drops the group.
        const double pairCos = panel.report()->duplicates.front().exact
                                   ? panel.report()->duplicates.back().minSimilarity
                                   : panel.report()->duplicates.front().minSimilarity;
        QVERIFY(pairCos > 0.95 && pairCos < 0.995);
        auto *threshold = panel.findChild<QDoubleSpinBox *>();
        QVERIFY(threshold);
        threshold->setValue(0.998);
        QVERIFY(ready.wait(30000));
        QCOMPARE(panel.list(DoctorPanel::NearDuplicates)->topLevelItemCount(), 0);
        QCOMPARE(panel.list(DoctorPanel::ExactDuplicates)->topLevelItemCount(), 1);
        QCOMPARE(panel.config().nearDuplicateThreshold, 0.998);
        // Marks survive a re-run.
        QCOMPARE(panel.marks()->mark(kNearA), doctor::Mark::Drop);
    }

    void captionsAtClusterMeans()
    {
        doctor::DoctorReport report;
        doctor::Cluster a;
        a.rows = {0, 1};
        a.caption = "animals: cat, dog";
        doctor::Cluster b;
        b.rows = {2, 3, 4};
        b.caption = "food: soup";
        report.clusters = {a, b};
        const QVector<QVector3D> coords = {{0, 0, 0}, {2, 2, 0}, {10, 0, 0}, {11, 3, 0}, {12, 0, 0}};
        const auto captions = clusterCaptions(report, coords);
        QCOMPARE(captions.size(), 2);
        QCOMPARE(captions[0].position, QPointF(1, 1));
        QCOMPARE(captions[0].text, QString("animals: cat, dog"));
        QCOMPARE(captions[1].position, QPointF(11, 1));
        QCOMPARE(captions[1].size, 3);
    }

    void cancelLeavesPanelUsable()
    {
        const Built b = build();
        DoctorPanel panel; // its own runner
        panel.setAutoRun(false);
        panel.setData(b.dataset, b.vectors);
        QVERIFY(!panel.report());
        panel.run();
        panel.cancel();
        QVERIFY(panel.jobRunner()->waitForIdle(30000));
        QSignalSpy ready(&panel, &DoctorPanel::reportReady);
        panel.run();
        QVERIFY(ready.wait(30000));
        QVERIFY(panel.report());
        QCOMPARE(panel.list(DoctorPanel::NearDuplicates)->topLevelItemCount(), 1);
        panel.clear();
        QVERIFY(!panel.report());
        QCOMPARE(panel.list(DoctorPanel::NearDuplicates)->topLevelItemCount(), 0);
    }

    void screenshot()
    {
        QString why;
        auto demo = shot::demo(&why);
        if (!demo)
            QSKIP(qPrintable(why));
        auto &[ds, sif, vectors] = *demo;
        DoctorPanel panel;
        panel.resize(560, 860);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QSignalSpy ready(&panel, &DoctorPanel::reportReady);
        panel.setData(ds, vectors);
        QVERIFY(ready.wait(60000));
        const char *names[] = {"near", "exact", "labels", "outliers", "clusters"};
        for (int t = 0; t < DoctorPanel::TabCount; ++t) {
            panel.tabs()->setCurrentIndex(t);
            QTest::qWait(100);
            QVERIFY(panel.grab().save(shot::dir() + "/doctor_" + names[t] + ".png"));
        }
        // A lower threshold, to see near-duplicate groups in the demo set.
        doctor::DoctorConfig cfg = panel.config();
        cfg.nearDuplicateThreshold = 0.85;
        panel.setConfig(cfg);
        panel.run();
        QVERIFY(ready.wait(60000));
        panel.tabs()->setCurrentIndex(DoctorPanel::NearDuplicates);
        QTest::qWait(100);
        QVERIFY(panel.grab().save(shot::dir() + "/doctor_near_085.png"));
        qInfo("near %d exact %d labels %d outliers %d clusters %d", panel.list(DoctorPanel::NearDuplicates)->topLevelItemCount(),
              panel.list(DoctorPanel::ExactDuplicates)->topLevelItemCount(), panel.list(DoctorPanel::Labels)->topLevelItemCount(),
              panel.list(DoctorPanel::Outliers)->topLevelItemCount(), panel.list(DoctorPanel::Clusters)->topLevelItemCount());
    }
};

ES_TEST_MAIN(TestDoctorPanel)
#include "tst_doctorpanel.moc"
