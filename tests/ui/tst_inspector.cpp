// InspectorView: shows the row's text, label and metadata, its nearest neighbours by
// cosine with their similarities, and whether each is also near in the projection.
#include "views/inspectorview.h"

#include "models/sentencemodel.h"

#include <QLabel>
#include <QSignalSpy>
#include <QTest>
#include "tools/testmain.h"
#include <QTreeWidget>

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
};

ES_TEST_MAIN(TestInspector)
#include "tst_inspector.moc"
