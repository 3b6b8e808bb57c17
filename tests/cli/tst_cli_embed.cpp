// `embedscope embed` end to end: the built binary run with QProcess on the demo sets
// (.npy shape read from its header, --stats JSON), usage errors (exit 2), a bad CSV
// (exit 1 naming file and line), and the message when the local model is missing.
#include "cli_run.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>
#include "tools/testmain.h"

#include <cstdlib>
#include <filesystem>

using clitest::binary;
using clitest::Run;
using clitest::run;

namespace {

QString dataset(const QString &name)
{
    return QStringLiteral(EMBEDSCOPE_SOURCE_DIR "/resources/datasets/") + name;
}

// Shape and dtype from a .npy header (format version 1.0 or 2.0).
bool npyShape(const QString &path, QString &descr, int &rows, int &cols, qint64 &dataBytes)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return false;
    const QByteArray all = f.readAll();
    if (!all.startsWith("\x93NUMPY"))
        return false;
    const int major = static_cast<unsigned char>(all[6]);
    qint64 headerLen, start;
    if (major == 1) {
        headerLen = static_cast<unsigned char>(all[8]) | (static_cast<unsigned char>(all[9]) << 8);
        start = 10;
    } else {
        headerLen = 0;
        for (int i = 0; i < 4; ++i)
            headerLen |= qint64(static_cast<unsigned char>(all[8 + i])) << (8 * i);
        start = 12;
    }
    const QString header = QString::fromLatin1(all.mid(start, headerLen));
    const auto d = QRegularExpression("'descr':\\s*'([^']+)'").match(header);
    const auto s = QRegularExpression("'shape':\\s*\\((\\d+),\\s*(\\d+)\\)").match(header);
    if (!d.hasMatch() || !s.hasMatch() || !header.contains("'fortran_order': False"))
        return false;
    descr = d.captured(1);
    rows = s.captured(1).toInt();
    cols = s.captured(2).toInt();
    dataBytes = all.size() - start - headerLen;
    return true;
}

bool haveRealModel()
{
    const char *m = std::getenv("EMBEDSCOPE_MODEL");
    return m && std::filesystem::exists(m);
}

#define REQUIRE_REAL_MODEL()                                                            \
    if (!haveRealModel()) {                                                             \
        if (qEnvironmentVariable("EMBEDSCOPE_REQUIRE_MODEL") == "1")                    \
            QFAIL("EMBEDSCOPE_REQUIRE_MODEL=1 but $EMBEDSCOPE_MODEL is not a file");     \
        QSKIP("the real model is not available ($EMBEDSCOPE_MODEL)");                   \
    }

} // namespace

class TestCliEmbed : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;

private slots:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        QVERIFY2(QFile::exists(binary()), qPrintable(binary() + " was not built"));
    }

    void embedDemoSets_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<int>("rows");
        QTest::newRow("classroom.csv") << "classroom.csv" << 30;
        QTest::newRow("topics300.csv") << "topics300.csv" << 330;
        QTest::newRow("sentences.txt") << "sentences.txt" << 16;
    }

    void embedDemoSets()
    {
        QFETCH(QString, input);
        QFETCH(int, rows);
        REQUIRE_REAL_MODEL();
        const QString out = dir_.filePath(input + ".npy");
        const Run r = run({"embed", dataset(input), "-o", out, "--stats", "--no-cache"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QString descr;
        int n = 0, d = 0;
        qint64 bytes = 0;
        QVERIFY(npyShape(out, descr, n, d, bytes));
        QCOMPARE(descr, QString("<f4"));
        QCOMPARE(n, rows);
        QCOMPARE(d, 100);
        QCOMPARE(bytes, qint64(rows) * 100 * 4);

        const QStringList lines = r.out.trimmed().split('\n');
        QVERIFY(!lines.isEmpty());
        QJsonParseError pe;
        const QJsonObject stats = QJsonDocument::fromJson(lines.last().toUtf8(), &pe).object();
        QVERIFY2(pe.error == QJsonParseError::NoError, qPrintable(lines.last()));
        for (const char *key : {"seconds", "n", "dimensions", "unknown_tokens"})
            QVERIFY2(stats.contains(key), key);
        QCOMPARE(stats["n"].toInt(), rows);
        QCOMPARE(stats["dimensions"].toInt(), 100);
        QVERIFY(stats["seconds"].toDouble() >= 0);
        QVERIFY(stats["unknown_tokens"].toInt() >= 0);
    }

    void explicitModelPath()
    {
        // A tiny model converted by the converter, chosen with --model-path.
        const QString model = dir_.filePath("tiny.esm");
        QProcess conv;
        conv.start(QStringLiteral(EMBEDSCOPE_BINARY_DIR "/bin/embedscope-convert-model"),
                   {"--input", QStringLiteral(EMBEDSCOPE_TEST_DATA "/model/tiny.json"), "--output", model});
        QVERIFY(conv.waitForFinished(30000));
        QCOMPARE(conv.exitCode(), 0);
        const QString txt = dir_.filePath("tiny.txt");
        QFile f(txt);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("The cat sleeps on the mat\nStock markets fell sharply today\n");
        f.close();
        const QString out = dir_.filePath("tiny.npy");
        const Run r = run({"embed", txt, "-o", out, "--model-path", model, "--no-cache", "--stats"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QString descr;
        int n = 0, d = 0;
        qint64 bytes = 0;
        QVERIFY(npyShape(out, descr, n, d, bytes));
        QCOMPARE(n, 2);
        QCOMPARE(d, 4);
    }

    void badUsage_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("missing -o") << QStringList{"embed", dataset("classroom.csv")};
        QTest::newRow("unknown flag") << QStringList{"embed", dataset("classroom.csv"), "-o", "x.npy", "--frobnicate"};
        QTest::newRow("no input") << QStringList{"embed", "-o", "x.npy"};
        QTest::newRow("bad output kind") << QStringList{"embed", dataset("classroom.csv"), "-o", "x.exe"};
    }

    void badUsage()
    {
        QFETCH(QStringList, args);
        const Run r = run(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY(!r.err.isEmpty());
    }

    void badCsvNamesFileAndLine()
    {
        const QString csv = dir_.filePath("bad.csv");
        QFile f(csv);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("text,label\nThe cat sleeps,animals\n,weather\nRain again,weather\n");
        f.close();
        const Run r = run({"embed", csv, "-o", dir_.filePath("bad.npy")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("bad.csv"), qPrintable(r.err));
        QVERIFY2(r.err.contains("line 3"), qPrintable(r.err));
        QVERIFY(!QFile::exists(dir_.filePath("bad.npy")));
    }

    void missingModelSaysHowToGetIt()
    {
        QTemporaryDir emptyData;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("EMBEDSCOPE_MODEL", "/nonexistent/embedscope/glove-100d.esm");
        env.insert("XDG_DATA_HOME", emptyData.path());
        env.insert("XDG_CACHE_HOME", emptyData.path() + "/cache");
        const Run r = run({"embed", dataset("classroom.csv"), "-o", dir_.filePath("none.npy")}, env);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("/nonexistent/embedscope/glove-100d.esm"), qPrintable(r.err));
        QVERIFY2(r.err.contains(emptyData.path() + "/embedscope/models/glove-100d.esm"), qPrintable(r.err));
        QVERIFY2(r.err.contains("run packaging/setup.sh, or install the embedscope-model-glove package"),
                 qPrintable(r.err));
        QVERIFY(!QFile::exists(dir_.filePath("none.npy")));
    }

    // A mistyped command is not taken for a file to open in the window.
    void unknownCommandSuggests()
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove("DISPLAY");
        env.remove("WAYLAND_DISPLAY");
        env.insert("QT_QPA_PLATFORM", "xcb");
        Run r = run({"embd", dataset("classroom.csv"), "-o", dir_.filePath("typo.npy")}, env);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("unknown command 'embd' (did you mean 'embed'?)"), qPrintable(r.err));
        r = run({"nosuchthing"}, env);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("unknown command 'nosuchthing'"), qPrintable(r.err));
        r = run({dir_.filePath("missing.csv")}, env);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("missing.csv") && r.err.contains("no such file"), qPrintable(r.err));
        QVERIFY(!QFile::exists(dir_.filePath("typo.npy")));
    }

    // Starting the window where there is no display says so and exits 1 (Qt would abort).
    void windowWithoutDisplayExits1()
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove("DISPLAY");
        env.remove("WAYLAND_DISPLAY");
        env.insert("QT_QPA_PLATFORM", "xcb");
        Run r = run({dataset("classroom.csv")}, env, 60000);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("no display"), qPrintable(r.err));
        r = run({}, env, 60000);
        QCOMPARE(r.exitCode, 1);
        // A display that cannot be reached, and a platform plugin that does not exist.
        env.insert("DISPLAY", ":4242");
        r = run({}, env, 60000);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("cannot open the window"), qPrintable(r.err));
        env.insert("QT_QPA_PLATFORM", "nosuchplatform");
        r = run({}, env, 60000);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("cannot open the window"), qPrintable(r.err));
    }
};

ES_TEST_GUILESS_MAIN(TestCliEmbed)
#include "tst_cli_embed.moc"
