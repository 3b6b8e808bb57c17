// Doctor marks (keep / fix / drop) through the main window: marking findings makes the
// document modified; the project saves them ("doctor": {"marks": [...]}) and opening it
// restores them; deleting a row keeps the other rows' marks on their rows; the sentences
// export and the findings export carry a mark column, and so does `embedscope doctor` on
// the saved project. A project with a bad mark is refused with the field named.
#include "mainwindow.h"
#include "models/sentencemodel.h"
#include "views/doctorpanel.h"

#include "formats/project.h"
#include "jobs/jobrunner.h"
#include "formats/texts.h"

#include "testdata.h"
#include "windowtest.h"

#include <QDockWidget>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include "tools/testmain.h"
#include <QTreeWidget>

using namespace es;
using testdata::kExactB;
using testdata::kFlipped;
using testdata::kOutlier;

namespace {

// The CSV's lines split on commas (the texts here hold none), header first.
QList<QStringList> readCsv(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QList<QStringList> out;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (!line.trimmed().isEmpty())
            out << QString::fromUtf8(line.trimmed()).split(QLatin1Char(','));
    return out;
}

QTreeWidgetItem *itemForRow(QTreeWidget *tree, int row)
{
    for (int i = 0; i < tree->topLevelItemCount(); ++i)
        if (DoctorPanel::rowsOf(tree->topLevelItem(i)).contains(row))
            return tree->topLevelItem(i);
    return nullptr;
}

} // namespace

class TestDoctorMarks : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { windowtest::isolateSettings(); }

    void marksRoundTripThroughProjectAndExports()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString project = tmp.filePath("marked.embedscope");
        const auto b = testdata::doctorSet();
        {
            MainWindow w;
            QVERIFY(windowtest::showWithData(w, {1400, 900}, b.dataset, *b.vectors));
            w.doctorDock()->show();
            QVERIFY(windowtest::waitIdle(w));
            DoctorPanel *doctor = w.doctorPanel();
            QVERIFY(doctor->report());
            QVERIFY(!w.isModified());

            // Through the panel: select the outlier and the flipped label, mark them.
            doctor->tabs()->setCurrentIndex(DoctorPanel::Outliers);
            QTreeWidgetItem *outlier = itemForRow(doctor->list(DoctorPanel::Outliers), kOutlier);
            QVERIFY(outlier);
            outlier->setSelected(true);
            doctor->markSelected(doctor::Mark::Drop);
            doctor->tabs()->setCurrentIndex(DoctorPanel::Labels);
            QTreeWidgetItem *flipped = itemForRow(doctor->list(DoctorPanel::Labels), kFlipped);
            QVERIFY(flipped);
            flipped->setSelected(true);
            doctor->markSelected(doctor::Mark::Fix);
            doctor->marks()->setMark(kExactB, doctor::Mark::Keep);
            QCOMPARE(doctor->marks()->markedCount(), 3);
            QVERIFY(w.isModified());
            QVERIFY(w.windowTitle().contains(QLatin1Char('*')));

            QVERIFY(w.saveProject(project));
            QVERIFY(!w.isModified());
        }

        // The file: one mark per row, in the "doctor" object.
        {
            QFile f(project);
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QJsonArray marks = QJsonDocument::fromJson(f.readAll()).object()["doctor"].toObject()["marks"].toArray();
            QCOMPARE(marks.size(), int(b.dataset.size()));
            QCOMPARE(marks[kOutlier].toString(), QString("drop"));
            QCOMPARE(marks[kFlipped].toString(), QString("fix"));
            QCOMPARE(marks[kExactB].toString(), QString("keep"));
            QCOMPARE(marks[0].toString(), QString());
        }

        // `embedscope doctor` on the project: a mark column with each finding row's mark.
        {
            QProcess cli;
            const QString report = tmp.filePath("report.csv");
            cli.start(EMBEDSCOPE_BINARY_DIR "/bin/embedscope", {"doctor", project, "-o", report});
            QVERIFY(cli.waitForFinished(120000));
            QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());
            const auto lines = readCsv(report);
            QVERIFY(lines.size() > 1);
            QCOMPARE(lines[0].last(), QString("mark"));
            bool sawOutlier = false;
            for (const QStringList &l : lines.mid(1))
                if (l[0] == "outlier" && l[1].toInt() == kOutlier) {
                    QCOMPARE(l.last(), QString("drop"));
                    sawOutlier = true;
                }
            QVERIFY(sawOutlier);
        }

        // Opening restores them; deleting row 0 moves them with their rows.
        MainWindow w;
        QVERIFY(windowtest::show(w, {1400, 900}));
        QVERIFY(w.openFile(project));
        QVERIFY(windowtest::waitIdle(w));
        QCOMPARE(w.sentenceModel()->rowCount(), int(b.dataset.size()));
        DoctorMarks *marks = w.doctorPanel()->marks();
        QCOMPARE(marks->mark(kOutlier), doctor::Mark::Drop);
        QCOMPARE(marks->mark(kFlipped), doctor::Mark::Fix);
        QCOMPARE(marks->mark(kExactB), doctor::Mark::Keep);
        QCOMPARE(marks->markedCount(), 3);
        QVERIFY(!w.isModified());

        const QString sentences = tmp.filePath("sentences.csv");
        QVERIFY(w.exportSentences(sentences));
        auto lines = readCsv(sentences);
        QCOMPARE(lines.size(), int(b.dataset.size()) + 1);
        QCOMPARE(lines[0], QStringList({"row", "text", "label", "mark"}));
        QCOMPARE(lines[1 + kOutlier].last(), QString("drop"));
        QCOMPARE(lines[1 + kFlipped].last(), QString("fix"));
        QCOMPARE(lines[1].last(), QString());

        // Deleting marked rows and undoing brings the rows back with their marks (undo and
        // redo, twice); deleting an unmarked row keeps the others' marks on their rows.
        const int before = marks->markedCount();
        w.sentenceModel()->removeRowsUndoable({kFlipped, kOutlier});
        QCOMPARE(marks->markedCount(), before - 2);
        w.sentenceModel()->undoStack()->undo();
        QCOMPARE(marks->mark(kOutlier), doctor::Mark::Drop);
        QCOMPARE(marks->mark(kFlipped), doctor::Mark::Fix);
        QCOMPARE(marks->markedCount(), before);
        w.sentenceModel()->undoStack()->redo();
        QCOMPARE(marks->markedCount(), before - 2);
        w.sentenceModel()->undoStack()->undo();
        QCOMPARE(marks->mark(kOutlier), doctor::Mark::Drop);
        QCOMPARE(marks->mark(kFlipped), doctor::Mark::Fix);

        w.sentenceModel()->removeRowsUndoable({0});
        QCOMPARE(marks->mark(kOutlier - 1), doctor::Mark::Drop);
        QCOMPARE(marks->mark(kFlipped - 1), doctor::Mark::Fix);
        QCOMPARE(marks->markedCount(), 3);

        // The findings export of the panel (after the doctor ran on the edited rows).
        w.doctorDock()->show();
        QVERIFY(windowtest::waitIdle(w));
        QVERIFY(w.doctorPanel()->report());
        const QString findings = tmp.filePath("findings.csv");
        QVERIFY(w.doctorPanel()->exportCsv(findings));
        lines = readCsv(findings);
        QCOMPARE(lines[0].last(), QString("mark"));

        // Opening another file clears the marks.
        Dataset plain;
        plain.texts = {"one", "two", "three"};
        w.setData(plain, Matrix::Random(3, 4));
        QCOMPARE(marks->markedCount(), 0);
    }

    void badMarkIsRefusedWithItsField()
    {
        QTemporaryDir tmp;
        formats::Project p;
        p.dataset.texts = {"a", "b"};
        p.marks = {"keep", "maybe"};
        const auto st = formats::saveProject(tmp.filePath("bad.embedscope").toStdString(), p);
        QVERIFY(!st);
        QVERIFY2(QString::fromStdString(st.error().message).contains("doctor.marks[1]"), st.error().message.c_str());
        p.marks = {"keep"};
        QVERIFY(!formats::saveProject(tmp.filePath("bad.embedscope").toStdString(), p));
        p.marks = {"keep", ""};
        QVERIFY(formats::saveProject(tmp.filePath("good.embedscope").toStdString(), p));
        auto back = formats::loadProject(tmp.filePath("good.embedscope").toStdString());
        QVERIFY(back);
        QCOMPARE(back->marks, (std::vector<std::string>{"keep", ""}));
    }
};

ES_TEST_MAIN(TestDoctorMarks)
#include "tst_doctormarks.moc"
