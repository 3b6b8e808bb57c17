// InspectorView: shows the row's text, label and metadata, its nearest neighbours by
// cosine with their similarities, and whether each is also near in the projection.
#include "views/inspectorview.h"

#include "models/sentencemodel.h"

#include <QLabel>
#include <QSignalSpy>
#include <QTest>
#include "tools/testmain.h"
#include <QHeaderView>
#include <QScrollBar>
#include <QTreeWidget>

#include <random>

using namespace es;

class TestInspector : public QObject {
    Q_OBJECT
private slots:
    void titleDoesNotRepeatTheDock()
    {
        // The dock is titled "Inspector"; the view's own title says what is shown.
        InspectorView view;
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        auto *title = view.findChild<QLabel *>("inspectorTitle");
        QVERIFY(title);
        QVERIFY2(!title->text().contains("Inspector"), qPrintable(title->text()));
        QCOMPARE(title->text(), QString("No sentence chosen"));
    }

    void showsNeighboursAndDistortion()
    {
        SentenceModel model;
        Dataset ds;
        ds.texts = {"cat", "kitten", "dog", "stocks"};
        ds.columns.push_back({"label", {"animal", "animal", "animal", "money"}});
        ds.columns.push_back({"note", {"n0", "n1", "n2", "n3"}});
        ds.labelColumn = 0;
        model.setDataset(ds);

        auto knn = std::make_shared<analysis::Neighbors>();
        knn->k = 2;
        knn->index = {1, 2, 0, 2, 0, 1, 2, 0};
        knn->similarity = {0.9f, 0.7f, 0.9f, 0.6f, 0.7f, 0.6f, 0.2f, 0.1f};

        InspectorView view;
        view.setModel(&model);
        view.setNeighbors(knn);
        // In the map, row 0's two nearest points are 1 and 3 (row 2 is far away).
        view.setProjection({QVector3D(0, 0, 0), QVector3D(1, 0, 0), QVector3D(9, 9, 0), QVector3D(0, 2, 0)}, 2, "PCA");
        view.resize(500, 600);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));

        view.showRow(0);
        QCOMPARE(view.shownText(), QString("cat"));
        const auto shown = view.shownNeighbors();
        QCOMPARE(shown.size(), 2);
        QCOMPARE(shown[0].row, 1);
        QCOMPARE(shown[0].similarity, 0.9f);
        QVERIFY(shown[0].nearInProjection);
        QCOMPARE(shown[1].row, 2);
        QVERIFY(!shown[1].nearInProjection);
        auto *tree = view.findChild<QTreeWidget *>();
        QVERIFY(tree);
        QCOMPARE(tree->topLevelItemCount(), 2);
        QCOMPARE(tree->topLevelItem(0)->text(3), QString("kitten"));
        QCOMPARE(tree->topLevelItem(0)->text(1), QString("0.900"));
        bool sawMeta = false, sawLabel = false;
        for (QLabel *l : view.findChildren<QLabel *>()) {
            sawMeta |= l->text() == "n0";
            sawLabel |= l->text() == "animal";
        }
        QVERIFY(sawMeta);
        QVERIFY(sawLabel);

        QSignalSpy activated(&view, &InspectorView::neighborActivated);
        tree->itemClicked(tree->topLevelItem(1), 0);
        QCOMPARE(activated.count(), 1);
        QCOMPARE(activated.at(0).at(0).toInt(), 2);

        // Editing the text updates the panel.
        model.setData(model.index(0, 0), "a cat");
        QCOMPARE(view.shownText(), QString("a cat"));
        view.showRow(-1);
        QVERIFY(view.shownNeighbors().isEmpty());
    }

    // Issue 18: neighbours from the approximate search are marked "approximate" in the
    // header; exact ones are not. Real neighbour lists of the same vectors, both searches.
    void saysWhenNeighboursAreApproximate()
    {
        const int n = 300, d = 8;
        Matrix v(n, d);
        std::mt19937 rng(5);
        std::normal_distribution<float> g(0, 1);
        for (int i = 0; i < n; ++i)
            for (int c = 0; c < d; ++c)
                v(i, c) = g(rng) + (c == i % d ? 4.f : 0.f);
        SentenceModel model;
        Dataset ds;
        for (int i = 0; i < n; ++i)
            ds.texts.push_back("row " + std::to_string(i));
        model.setDataset(ds);
        analysis::KnnConfig cfg;
        cfg.k = 5;
        cfg.method = analysis::NeighborMethod::Approximate;
        auto approx = analysis::knn(v, cfg);
        QVERIFY(approx.ok());
        QVERIFY(approx->approximate);
        cfg.method = analysis::NeighborMethod::Exact;
        auto exact = analysis::knn(v, cfg);
        QVERIFY(exact.ok());
        QVERIFY(!exact->approximate);

        InspectorView view;
        view.setModel(&model);
        view.resize(500, 600);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        auto *header = view.findChild<QLabel *>("inspectorNeighborsTitle");
        QVERIFY(header);

        view.setNeighbors(std::make_shared<analysis::Neighbors>(std::move(exact.value())));
        view.showRow(7);
        QCOMPARE(view.shownNeighbors().size(), 5);
        QCOMPARE(header->text(), QString("5 nearest by cosine (original space):"));
        QVERIFY(header->toolTip().isEmpty());

        auto approxShared = std::make_shared<analysis::Neighbors>(std::move(approx.value()));
        view.setNeighbors(approxShared);
        QCOMPARE(view.shownNeighbors().size(), 5);
        QCOMPARE(header->text(), QString("5 nearest by cosine (original space), approximate:"));
        QVERIFY(header->toolTip().contains("approximate"));
        if (const QString dir = qEnvironmentVariable("EMBEDSCOPE_SCREENSHOT_DIR"); !dir.isEmpty())
            QVERIFY(view.grab().save(dir + "/inspector-approximate.png"));

        // Large sets: the neighbours of the shown row alone, as the window hands them over.
        auto one = std::make_shared<analysis::Neighbors>();
        one->k = 5;
        one->approximate = true;
        for (int r = 0; r < 5; ++r) {
            one->index.push_back(approxShared->at(7, r));
            one->similarity.push_back(approxShared->sim(7, r));
            one->distance.push_back(approxShared->dist(7, r));
        }
        view.setNeighbors(nullptr);
        view.setNeighborsOfRow(7, one);
        QCOMPARE(view.shownNeighbors().size(), 5);
        QVERIFY(header->text().contains("approximate"));
        one = std::make_shared<analysis::Neighbors>(*one);
        one->approximate = false;
        view.setNeighborsOfRow(7, one);
        QVERIFY(!header->text().contains("approximate"));
    }

    // Issue 15: a long neighbour sentence wraps in its column (several lines in its row)
    // instead of widening the table so that it scrolls sideways; after the dock is made
    // narrower it wraps to the new width.
    void longSentencesWrapInsteadOfScrolling()
    {
        const QString longText = QStringLiteral(
            "This neighbour sentence is deliberately long, much longer than the inspector dock is wide, "
            "so that it has to be shown on several lines: a sentence column that scrolls sideways hides "
            "its end from the reader.");
        SentenceModel model;
        Dataset ds;
        ds.texts = {"cat", longText.toStdString(), "dog"};
        ds.columns.push_back({"label", {"a", "a", "b"}});
        ds.labelColumn = 0;
        model.setDataset(ds);
        auto knn = std::make_shared<analysis::Neighbors>();
        knn->k = 2;
        knn->index = {1, 2, 0, 2, 0, 1};
        knn->similarity = {0.9f, 0.7f, 0.9f, 0.6f, 0.7f, 0.6f};
        InspectorView view;
        view.setModel(&model);
        view.setNeighbors(knn);
        view.resize(360, 600);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.showRow(0);
        auto *tree = view.findChild<QTreeWidget *>();
        QVERIFY(tree);
        for (int width : {360, 300}) {
            view.resize(width, 600);
            QTest::qWait(50);
            QCoreApplication::processEvents();
            const QRect viewport = tree->viewport()->rect();
            QVERIFY2(!tree->horizontalScrollBar()->isVisible() || tree->horizontalScrollBar()->maximum() == 0,
                     qPrintable(QStringLiteral("scrolls sideways at width %1").arg(width)));
            // The sentence column ends inside the viewport.
            QVERIFY(tree->header()->sectionViewportPosition(3) + tree->header()->sectionSize(3) <= viewport.width() + 1);
            // Its row is several lines high (wrapped), and the whole row is visible.
            QTreeWidgetItem *item = tree->topLevelItem(0);
            QCOMPARE(item->data(0, Qt::UserRole).toInt(), 1);
            const QRect r = tree->visualItemRect(item);
            const int line = tree->fontMetrics().height();
            QVERIFY2(r.height() >= 3 * line, qPrintable(QStringLiteral("row height %1, line %2 at width %3")
                                                            .arg(r.height()).arg(line).arg(width)));
            // Every word fits: the wrapped text's height at the column's width fits the row.
            const QRect need = tree->fontMetrics().boundingRect(QRect(0, 0, tree->header()->sectionSize(3) - 8, 10000),
                                                                Qt::TextWordWrap, longText);
            QVERIFY2(r.height() >= need.height(),
                     qPrintable(QStringLiteral("row %1 < text %2").arg(r.height()).arg(need.height())));
        }
    }
};

ES_TEST_MAIN(TestInspector)
#include "tst_inspector.moc"
