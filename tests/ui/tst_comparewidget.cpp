// CompareWidget on two models where one is a known rotation of the other except for one
// planted item moved to another cluster: that item heads the neighbourhood-change table,
// the aligned projections coincide elsewhere, the heatmaps and their difference are shown,
// the summary figures are filled, and selection is linked (table -> both maps, map click ->
// other map). A second case embeds texts with two offline models through the job runner.
#include "views/comparewidget.h"

#include "views/heatmapview.h"
#include "views/scatter2dview.h"

#include "testdata.h"

#include <Eigen/QR>
#include <QChartView>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTabWidget>
#include <QTest>
#include "tools/testmain.h"


#include <random>

using namespace es;


namespace {

constexpr int kMoved = 7;

struct Built {
    Dataset dataset;
    std::shared_ptr<Matrix> a, b;
};

Built build()
{
    const int n = 60, d = 16, groups = 3;
    std::mt19937 rng(11);
    std::normal_distribution<float> normal;
    Matrix centres(groups, d);
    for (int c = 0; c < groups; ++c)
        for (int j = 0; j < d; ++j)
            centres(c, j) = 2.0f * normal(rng);
    Built b;
    b.a = std::make_shared<Matrix>(n, d);
    Column label{"label", {}};
    const char *names[groups] = {"red", "green", "blue"};
    for (int i = 0; i < n; ++i) {
        for (int j = 0; j < d; ++j)
            (*b.a)(i, j) = centres(i % groups, j) + 0.6f * normal(rng);
        b.dataset.texts.push_back("item " + std::to_string(i));
        label.values.push_back(names[i % groups]);
    }
    // B = A rotated by a random orthogonal matrix; row kMoved is moved to another cluster.
    Eigen::MatrixXf g(d, d);
    for (int i = 0; i < d; ++i)
        for (int j = 0; j < d; ++j)
            g(i, j) = normal(rng);
    const Eigen::MatrixXf q = Eigen::HouseholderQR<Eigen::MatrixXf>(g).householderQ();
    Matrix moved = *b.a;
    moved.row(kMoved) = centres.row((kMoved + 1) % groups);
    b.b = std::make_shared<Matrix>(moved * q);
    b.dataset.columns.push_back(label);
    b.dataset.labelColumn = 0;
    return b;
}

} // namespace

class TestCompareWidget : public QObject {
    Q_OBJECT
private slots:
    void plantedChangeComesFirst()
    {
        const Built b = build();
        CompareWidget w;
        w.resize(1400, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.setDataset(b.dataset);
        QSignalSpy compared(&w, &CompareWidget::compared);
        w.compareVectors(b.a, "model A", b.b, "model B rotated");
        QVERIFY(compared.wait(30000));
        QVERIFY(w.result());

        // The overlap table: the moved item first, with the lowest overlap; untouched
        // clusters keep most of their neighbours.
        QTableWidget *t = w.overlapTable();
        QCOMPARE(t->rowCount(), 60);
        QCOMPARE(t->item(0, 0)->text(), QString::number(kMoved + 1)); // counted as the table counts
        QCOMPARE(t->item(0, 0)->data(Qt::UserRole).toInt(), kMoved);
        const double first = t->item(0, 1)->data(Qt::UserRole).toDouble();
        QVERIFY(first <= 0.2);
        for (int r = 1; r < t->rowCount(); ++r)
            QVERIFY(t->item(r, 1)->data(Qt::UserRole).toDouble() >= first);
        QVERIFY(t->item(t->rowCount() - 1, 1)->data(Qt::UserRole).toDouble() >= 0.8);
        QVERIFY(t->item(0, 1)->text().contains("/10"));
        QCOMPARE(t->item(0, 2)->text(), QString("green")); // its label: 7 % 3 = 1

        // Summary figures for both models; the rotation keeps the figures of A almost exactly.
        const auto *r = w.result();
        QVERIFY(r->summaryA.knnAccuracy > 0.9);
        QVERIFY(std::abs(r->summaryA.silhouette - r->summaryB.silhouette) < 0.05);
        QCOMPARE(w.summaryTable()->item(0, 0)->text(), QString("model A"));
        QCOMPARE(w.summaryTable()->item(1, 0)->text(), QString("model B rotated"));
        QCOMPARE(w.summaryTable()->item(0, 1)->text(), QString("16"));
        QVERIFY(w.summaryTable()->item(0, 2)->text().startsWith("0.") || w.summaryTable()->item(0, 2)->text() == "1.000");

        // Aligned projections: every item but the moved one lands in nearly the same place.
        const Matrix &pa = r->projectionA, &pb = r->projectionB;
        double far = 0;
        for (int i = 0; i < 60; ++i)
            if (i != kMoved)
                far = std::max(far, double((pa.row(i) - pb.row(i)).norm()));
        QVERIFY2(far < 0.1, qPrintable(QString::number(far)));
        QCOMPARE(w.projectionA()->pointCount(), 60);
        QCOMPARE(w.projectionB()->pointCount(), 60);

        // Heatmaps: A, B and B - A, in the same order; the moved item's row differs.
        QCOMPARE(w.heatmapA()->count(), 60);
        QCOMPARE(w.heatmapB()->count(), 60);
        QCOMPARE(w.heatmapDifference()->count(), 60);
        const Matrix &diff = *w.heatmapDifference()->matrix();
        double other = 0;
        for (int i = 0; i < 60; ++i)
            for (int j = 0; j < 60; ++j)
                if (i != kMoved && j != kMoved)
                    other = std::max(other, double(std::abs(diff(i, j))));
        QVERIFY(other < 1e-4);
        QVERIFY(diff.row(kMoved).cwiseAbs().maxCoeff() > 0.3);

        // Linked selection: a click on the table's first line selects the item in both maps.
        QSignalSpy activated(&w, &CompareWidget::rowsActivated);
        const QRect cell = t->visualItemRect(t->item(0, 3));
        QTest::mouseClick(t->viewport(), Qt::LeftButton, {}, cell.center());
        QCOMPARE(activated.count(), 1);
        QCOMPARE(activated.at(0).at(0).value<QVector<int>>(), QVector<int>{kMoved});
        QCOMPARE(w.projectionA()->selection(), QVector<int>{kMoved});
        QCOMPARE(w.projectionB()->selection(), QVector<int>{kMoved});

        // A click on a point of map A selects it in map B and in the table.
        w.tabs()->setCurrentIndex(0);
        QTest::qWait(100);
        Scatter2DView *mapA = w.projectionA();
        const int target = 20;
        const QPoint at = (mapA->positionOf(target) - mapA->chartView()->pos()).toPoint();
        QTest::mouseClick(mapA->overlay(), Qt::LeftButton, {}, at);
        QCOMPARE(w.projectionB()->selection(), QVector<int>{target});
        QCOMPARE(w.selection(), QVector<int>{target});
        const auto selected = t->selectionModel()->selectedRows();
        QCOMPARE(selected.size(), 1);
        QCOMPARE(t->item(selected[0].row(), 0)->text(), QString::number(target + 1));
        QCOMPARE(activated.count(), 2);

        // A heatmap click selects both rows everywhere.
        w.tabs()->setCurrentIndex(1);
        QTest::qWait(100);
        HeatmapView *h = w.heatmapB();
        QTest::mouseClick(h, Qt::LeftButton, {}, h->cellRect(3, 9).center().toPoint());
        QCOMPARE(w.projectionA()->selection(), (QVector<int>{3, 9}));
    }

    // Issue 16: the two maps are aligned by Procrustes, so they share one scale (and each
    // keeps a data unit one length on both axes). Here B is noise unrelated to A: Procrustes
    // shrinks it to fit, and its map must show it small instead of filling the plot.
    void mapsShareOneScale()
    {
        Built b = build();
        std::mt19937 rng(5);
        std::normal_distribution<float> normal;
        for (Eigen::Index i = 0; i < b.b->rows(); ++i)
            for (Eigen::Index j = 0; j < b.b->cols(); ++j)
                (*b.b)(i, j) = normal(rng);
        CompareWidget w;
        w.resize(1400, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.setDataset(b.dataset);
        QSignalSpy compared(&w, &CompareWidget::compared);
        w.compareVectors(b.a, "model A", b.b, "noise");
        QVERIFY(compared.wait(30000));
        QTest::qWait(100);
        // The fitted B is much smaller than A (the premise of the check).
        auto extent = [](const Matrix &m) { return double((m.colwise().maxCoeff() - m.colwise().minCoeff()).norm()); };
        QVERIFY(extent(w.result()->projectionB) < 0.6 * extent(w.result()->projectionA));
        double pxPerUnit[2];
        for (int s = 0; s < 2; ++s) {
            Scatter2DView *map = s == 0 ? w.projectionA() : w.projectionB();
            const QRectF plot = map->plotRect(), r = map->visibleRange();
            const double sx = plot.width() / r.width(), sy = plot.height() / r.height();
            QVERIFY2(std::abs(sx - sy) < 1e-6 * sx, qPrintable(QStringLiteral("map %1: %2 vs %3").arg(s).arg(sx).arg(sy)));
            pxPerUnit[s] = sx;
        }
        QVERIFY2(std::abs(pxPerUnit[0] - pxPerUnit[1]) < 0.005 * pxPerUnit[0],
                 qPrintable(QStringLiteral("A %1, B %2 px per unit").arg(pxPerUnit[0]).arg(pxPerUnit[1])));
        // On screen: B's points span less than A's, by the ratio of the data.
        auto span = [](Scatter2DView *map) {
            QRectF box;
            for (int r = 0; r < map->pointCount(); ++r)
                box |= QRectF(map->positionOf(r), QSizeF(1, 1));
            return std::hypot(box.width(), box.height());
        };
        const double ratio = span(w.projectionB()) / span(w.projectionA());
        const double want = extent(w.result()->projectionB) / extent(w.result()->projectionA);
        QVERIFY2(std::abs(ratio - want) < 0.05, qPrintable(QStringLiteral("%1 vs %2").arg(ratio).arg(want)));
    }

    void embedsWithTwoOfflineModels()
    {
        Dataset ds;
        const char *texts[] = {"the cat sleeps on the mat", "a dog runs in the park", "the kitten naps",
                               "rain falls all day",        "storm clouds gather",     "sunny and warm today",
                               "bread and soup for lunch",  "fry the onions",          "cheese on toast"};
        Column label{"label", {}};
        const char *labels[] = {"animals", "animals", "animals", "weather", "weather", "weather", "food", "food", "food"};
        for (int i = 0; i < 9; ++i) {
            ds.texts.push_back(texts[i]);
            label.values.push_back(labels[i]);
        }
        ds.columns.push_back(label);
        ds.labelColumn = 0;
        CompareWidget w;
        w.resize(1200, 700);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.setDataset(ds);
        w.setModels("lexical", "lexical");
        w.setK(3);
        QSignalSpy compared(&w, &CompareWidget::compared);
        QSignalSpy failed(&w, &CompareWidget::failed);
        w.compare();
        QVERIFY(compared.wait(60000) || !failed.isEmpty());
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.at(0).at(0).toString()));
        // The same model twice: identical neighbourhoods, zero disparity.
        QVERIFY(std::abs(w.result()->meanOverlap - 1.0) < 1e-9);
        QVERIFY(w.result()->procrustesDisparity < 1e-6);
        QCOMPARE(w.overlapTable()->rowCount(), 9);
        QVERIFY(!w.nameA().isEmpty());

        // A bad model string is reported, nothing starts.
        w.setModels("lexical", "no-such-provider");
        w.compare();
        QVERIFY(!w.isRunning());
    }

    void screenshot()
    {
        QString why;
        auto demo = shot::demo(&why);
        if (!demo)
            QSKIP(qPrintable(why));
        auto &[ds, sif, vectors] = *demo;
        CompareWidget w;
        w.resize(1700, 1000);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.setDataset(ds);
        w.setModels("local", "lexical");
        QSignalSpy compared(&w, &CompareWidget::compared);
        QSignalSpy failed(&w, &CompareWidget::failed);
        w.compare();
        QVERIFY(compared.wait(120000) || !failed.isEmpty());
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.at(0).at(0).toString()));
        QTest::qWait(200);
        QVERIFY(w.grab().save(shot::dir() + "/compare_projections.png"));
        w.tabs()->setCurrentIndex(1);
        QTest::qWait(200);
        QVERIFY(w.grab().save(shot::dir() + "/compare_heatmaps.png"));
        const auto *r = w.result();
        qInfo("A %s knn %.3f sil %.3f | B %s knn %.3f sil %.3f | overlap %.3f disparity %.3f", qPrintable(w.nameA()),
              r->summaryA.knnAccuracy, r->summaryA.silhouette, qPrintable(w.nameB()), r->summaryB.knnAccuracy,
              r->summaryB.silhouette, r->meanOverlap, r->procrustesDisparity);
    }
};

ES_TEST_MAIN(TestCompareWidget)
#include "tst_comparewidget.moc"
