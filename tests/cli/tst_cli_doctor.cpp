// The doctor and compare subcommands run as a user runs them (QProcess on the built binary):
// planted findings of tests/data/doctor/cli_small.csv (made by make_cli_small.py) are in the
// report and clean rows are not; --stats is the last line of stdout; compare of a model with
// itself gives overlap 1 and disparity 0; usage and input errors give exit statuses 2 and 1.
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include "tools/testmain.h"

namespace {

const QString kBinary = QStringLiteral(EMBEDSCOPE_BINARY_DIR "/bin/embedscope");
const QString kInput = QStringLiteral(EMBEDSCOPE_TEST_DATA "/doctor/cli_small.csv");

struct Run {
    int exitCode = -1;
    QByteArray out, err;
};

Run run(const QStringList &args)
{
    QProcess p;
    p.setProgram(kBinary);
    p.setArguments(args);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("XDG_CACHE_HOME", QDir::tempPath() + "/embedscope-tst-cli-doctor-cache");
    p.setProcessEnvironment(env);
    p.start();
    Run r;
    if (!p.waitForFinished(120000))
        return r;
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

QJsonObject lastLineJson(const QByteArray &out)
{
    const QList<QByteArray> lines = out.trimmed().split('\n');
    return QJsonDocument::fromJson(lines.last()).object();
}

// Simple CSV reader for the report (quoted fields, doubled quotes).
QList<QStringList> readCsv(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QString s = QString::fromUtf8(f.readAll());
    QList<QStringList> rows;
    QStringList row;
    QString field;
    bool quoted = false;
    for (int i = 0; i < s.size(); ++i) {
        const QChar c = s[i];
        if (quoted) {
            if (c == '"' && i + 1 < s.size() && s[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            row << field;
            field.clear();
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n')
                ++i;
            row << field;
            field.clear();
            rows << row;
            row.clear();
        } else {
            field += c;
        }
    }
    if (!field.isEmpty() || !row.isEmpty()) {
        row << field;
        rows << row;
    }
    return rows;
}

} // namespace

class TestCliDoctor : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY2(QFile::exists(kBinary), qPrintable(kBinary));
        QVERIFY(QFile::exists(kInput));
    }

    void doctorFindsPlantedProblems()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath("report.csv");
        const Run r = run({"doctor", kInput, "--embedder", "lexical", "-o", out, "--stats"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const auto rows = readCsv(out);
        QVERIFY(rows.size() > 1);
        QCOMPARE(rows[0], (QStringList{"finding", "row", "other_row", "score", "detail", "text"}));
        QSet<QString> found;
        int flagged = 0;
        for (int i = 1; i < rows.size(); ++i) {
            QCOMPARE(rows[i].size(), 6);
            if (rows[i][0] != "cluster") {
                found.insert(rows[i][0] + ":" + rows[i][1] + ":" + rows[i][2]);
                ++flagged;
            }
        }
        QVERIFY2(found.contains("exact_duplicate:60:7"), qPrintable(QStringList(found.values()).join(' ')));
        bool flipped = false, outlier = false;
        for (const QString &f : found) {
            flipped = flipped || f.startsWith("label_disagreement:61:");
            outlier = outlier || f.startsWith("outlier:62:");
        }
        QVERIFY(flipped);
        QVERIFY(outlier);
        // Bounded false positives: at most two clean rows flagged besides the three planted.
        QVERIFY2(flagged <= 5, qPrintable(QStringList(found.values()).join(' ')));
        // Every topic explained, its typical rows inside it.
        int clusterRows = 0;
        for (int i = 1; i < rows.size(); ++i)
            if (rows[i][0] == "cluster") {
                ++clusterRows;
                QVERIFY(rows[i][4].contains("words: "));
            }
        QCOMPARE(clusterRows, 4 * 3);

        const QJsonObject stats = lastLineJson(r.out);
        QCOMPARE(stats["n"].toInt(), 63);
        QCOMPARE(stats["exact_duplicates"].toInt(), 1);
        QVERIFY(stats["label_disagreements"].toInt() >= 1);
        QVERIFY(stats["outliers"].toInt() >= 1);
        QCOMPARE(stats["clusters"].toInt(), 4);
        QVERIFY(stats.contains("seconds"));
    }

    void doctorOptions()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath("report.csv");
        // Without labels no disagreement is reported; k-means clusters instead of label groups.
        Run r = run({"doctor", kInput, "--embedder", "lexical", "--label-column", "-", "--clusters", "4",
                     "--outlier-method", "lof", "-k", "8", "-o", out, "--stats"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QJsonObject stats = lastLineJson(r.out);
        QCOMPARE(stats["label_disagreements"].toInt(), 0);
        QCOMPARE(stats["clusters_from_labels"].toBool(), false);
        QCOMPARE(stats["clusters"].toInt(), 4);
        // A threshold of -0.99 joins every row to its neighbours: each row is in some group.
        r = run({"doctor", kInput, "--embedder", "lexical", "--threshold", "-0.99", "-o", out, "--stats"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        stats = lastLineJson(r.out);
        QVERIFY(stats["duplicate_groups"].toInt() >= 1);
        QCOMPARE(stats["duplicate_groups"].toInt() + stats["near_duplicates"].toInt()
                     + stats["exact_duplicates"].toInt(),
                 63);
        // Label findings: --label-share caps them (0: none), --label-neighbors sets their k.
        r = run({"doctor", kInput, "--embedder", "lexical", "--label-share", "0", "-o", out, "--stats"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(lastLineJson(r.out)["label_disagreements"].toInt(), 0);
        r = run({"doctor", kInput, "--embedder", "lexical", "--label-neighbors", "5", "--label-share", "0.02",
                 "-o", out, "--stats"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(lastLineJson(r.out)["label_disagreements"].toInt(), 1); // at least one, floor(0.02 * 63) = 1
        bool flipped = false;
        for (const QStringList &row : readCsv(out))
            flipped = flipped || (row[0] == "label_disagreement" && row[1] == "61");
        QVERIFY(flipped);
        r = run({"doctor", kInput, "--embedder", "lexical", "--label-share", "1.5", "-o", out});
        QCOMPARE(r.exitCode, 2);
    }

    void compareModelWithItself()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath("compare.csv");
        const Run r = run({"compare", kInput, "--a", "lexical", "--b", "lexical", "-o", out, "--stats", "-k", "5"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const auto rows = readCsv(out);
        QCOMPARE(rows.size(), 64);
        QCOMPARE(rows[0], (QStringList{"rank", "row", "overlap", "a_neighbors", "b_neighbors", "label", "text"}));
        QCOMPARE(rows[1][0], QString("1"));
        QCOMPARE(rows[1][2], QString("1"));
        QCOMPARE(rows[1][3].split(' ').size(), 5);
        const QJsonObject stats = lastLineJson(r.out);
        QCOMPARE(stats["mean_overlap"].toDouble(), 1.0);
        QVERIFY(stats["procrustes_disparity"].toDouble() < 1e-9);
        QCOMPARE(stats["knn_accuracy_a"].toDouble(), stats["knn_accuracy_b"].toDouble());
        QVERIFY(stats["knn_accuracy_a"].toDouble() > 0.8);
        QVERIFY(stats["silhouette_a"].isDouble());
        QCOMPARE(stats["k"].toInt(), 5);
    }

    void errorsAndHelp()
    {
        QTemporaryDir dir;
        Run r = run({"doctor", kInput, "--embedder", "lexical"});
        QCOMPARE(r.exitCode, 2); // -o missing
        r = run({"doctor", kInput, "--embedder", "nonsense", "-o", dir.filePath("x.csv")});
        QCOMPARE(r.exitCode, 2);
        r = run({"doctor", kInput, "--outlier-method", "zscore", "-o", dir.filePath("x.csv")});
        QCOMPARE(r.exitCode, 2);
        r = run({"doctor", dir.filePath("missing.csv"), "--embedder", "lexical", "-o", dir.filePath("x.csv")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("missing.csv"));
        r = run({"compare", kInput, "--a", "lexical", "-o", dir.filePath("x.csv")});
        QCOMPARE(r.exitCode, 2); // --b missing
        r = run({"doctor", "--help"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("finding,row,other_row,score,detail,text"));
        r = run({"compare", "--help"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("--a"));
        r = run({"--help"});
        QVERIFY(r.out.contains("doctor") && r.out.contains("compare"));
    }
};

ES_TEST_GUILESS_MAIN(TestCliDoctor)
#include "tst_cli_doctor.moc"
