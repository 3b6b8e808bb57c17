// SentenceModel: passes QAbstractItemModelTester; every edit is undoable; paste adds one
// row per line; conversion to and from a core Dataset keeps labels and metadata.
#include "models/sentencemodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>
#include "tools/testmain.h"

using es::Dataset;
using es::SentenceModel;

class TestSentenceModel : public QObject {
    Q_OBJECT

    static Dataset sample()
    {
        Dataset ds;
        ds.source = "sample.csv";
        ds.textColumn = "sentence";
        ds.texts = {"The cat sleeps.", "A dog barks.", "Stocks fell."};
        ds.columns.push_back({"topic", {"animals", "animals", "finance"}});
        ds.columns.push_back({"source", {"a", "b", "c"}});
        ds.labelColumn = 0;
        return ds;
    }

private slots:
    void passesModelTester()
    {
        SentenceModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setDataset(sample());
        QCOMPARE(m.rowCount(), 3);
        QCOMPARE(m.columnCount(), 3); // text, label, one metadata column
        m.insertTexts(1, {"new one", "new two"});
        m.pasteLines(0, "first\tlabel\n\n second \n");
        m.removeRowsUndoable({0, 2, 3, 6});
        m.undoStack()->undo();
        m.undoStack()->undo();
        m.undoStack()->redo();
        QVERIFY(m.setData(m.index(0, 0), "edited"));
        m.setHighlightedRows({0, 1});
        m.clear();
        QCOMPARE(m.rowCount(), 0);
    }

    void datasetRoundTrip()
    {
        SentenceModel m;
        m.setDataset(sample());
        QCOMPARE(m.headerData(1, Qt::Horizontal).toString(), QString("topic"));
        QCOMPARE(m.headerData(2, Qt::Horizontal).toString(), QString("source"));
        QCOMPARE(m.label(2), QString("finance"));
        const Dataset back = m.toDataset();
        QCOMPARE(back.texts, sample().texts);
        QVERIFY(back.label());
        QCOMPARE(back.label()->name, std::string("topic"));
        QCOMPARE(back.label()->values, sample().columns[0].values);
        QVERIFY(back.column("source"));
        QCOMPARE(back.column("source")->values, sample().columns[1].values);
    }

    void editUndoRedo()
    {
        SentenceModel m;
        m.setDataset(sample());
        QSignalSpy texts(&m, &SentenceModel::textsChanged);
        QVERIFY(m.setData(m.index(1, 0), "A puppy barks."));
        QCOMPARE(m.text(1), QString("A puppy barks."));
        QCOMPARE(texts.count(), 1);
        QVERIFY(!m.setData(m.index(1, 0), "   ")); // empty texts are refused
        QCOMPARE(m.text(1), QString("A puppy barks."));
        QVERIFY(m.setData(m.index(1, 1), "pets"));
        QCOMPARE(m.undoStack()->count(), 2);
        m.undoStack()->undo();
        QCOMPARE(m.label(1), QString("animals"));
        m.undoStack()->undo();
        QCOMPARE(m.text(1), QString("A dog barks."));
        m.undoStack()->redo();
        QCOMPARE(m.text(1), QString("A puppy barks."));
    }

    void deleteNonContiguousAndUndo()
    {
        SentenceModel m;
        m.setDataset(sample());
        m.insertTexts(3, {"four", "five"});
        const QStringList before = m.texts();
        m.removeRowsUndoable({4, 0, 2});
        QCOMPARE(m.texts(), QStringList({"A dog barks.", "four"}));
        m.undoStack()->undo();
        QCOMPARE(m.texts(), before);
        QCOMPARE(m.label(2), QString("finance"));
        QCOMPARE(m.rowAt(0).metadata, QStringList({"a"}));
        m.undoStack()->redo();
        QCOMPARE(m.rowCount(), 2);
    }

    void pasteManyLines()
    {
        SentenceModel m;
        m.setDataset(sample());
        const int added = m.pasteLines(1, "one\r\ntwo\tlabelled\n\n   \nthree\tx\tmeta");
        QCOMPARE(added, 3);
        QCOMPARE(m.rowCount(), 6);
        QCOMPARE(m.text(1), QString("one"));
        QCOMPARE(m.text(2), QString("two"));
        QCOMPARE(m.label(2), QString("labelled"));
        QCOMPARE(m.rowAt(3).metadata, QStringList({"meta"}));
        QCOMPARE(m.text(4), QString("A dog barks."));
        // One paste is one undo step.
        m.undoStack()->undo();
        QCOMPARE(m.rowCount(), 3);
        QCOMPARE(m.pasteLines(0, "\n \n"), 0);
        QCOMPARE(m.undoStack()->count(), 1); // nothing pushed for an empty paste
    }

    void loadClearsUndo()
    {
        SentenceModel m;
        m.setDataset(sample());
        m.insertTexts(0, {"x"});
        QVERIFY(m.undoStack()->canUndo());
        m.setDataset(sample());
        QVERIFY(!m.undoStack()->canUndo());
    }

    void highlightFollowsRows()
    {
        SentenceModel m;
        m.setDataset(sample());
        m.setHighlightedRows({1, 2});
        QVERIFY(m.data(m.index(1, 0), Qt::BackgroundRole).isValid());
        QVERIFY(!m.data(m.index(0, 0), Qt::BackgroundRole).isValid());
        m.insertTexts(0, {"zero"});
        QCOMPARE(m.highlightedRows(), QSet<int>({2, 3}));
        m.removeRowsUndoable({2});
        QCOMPARE(m.highlightedRows(), QSet<int>({2}));
    }
};

ES_TEST_MAIN(TestSentenceModel)
#include "tst_sentencemodel.moc"
