// Tests of input detection (DESIGN.md section 5): by extension, by content for .tsv and
// .txt, the --format override, and the errors for unknown formats and missing files.
#include "formats/detect.h"

#include <QTemporaryDir>
#include <QtTest>
#include "tools/testmain.h"

#include <fstream>

using namespace es;
using namespace es::formats;

class TestDetect : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;

    std::string write(const std::string &name, const std::string &bytes)
    {
        const std::string path = dir_.filePath(QString::fromStdString(name)).toStdString();
        std::ofstream(path, std::ios::binary) << bytes;
        return path;
    }
    void expect(const std::string &name, const std::string &bytes, InputKind kind, const std::string &format)
    {
        auto d = detectInput(write(name, bytes));
        QVERIFY2(d.ok(), d.ok() ? "" : d.error().message.c_str());
        QCOMPARE(int(d->kind), int(kind));
        QCOMPARE(d->format, format);
    }

private slots:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    void byExtension()
    {
        expect("v.npy", "\x93NUMPY", InputKind::Vectors, "npy");
        expect("V.NPY", "", InputKind::Vectors, "npy");
        expect("p.embedscope", "{}", InputKind::Project, "embedscope");
        expect("s.csv", "text\na\n", InputKind::Texts, "csv");
        expect("s.jsonl", "{}\n", InputKind::Texts, "jsonl");
        expect("s.ndjson", "{}\n", InputKind::Texts, "jsonl");
        expect("w.vec", "2 3\na 1 2 3\nb 1 2 3\n", InputKind::Vectors, "word2vec");
    }

    void tsvByContent()
    {
        expect("vectors.tsv", "0.1\t-2\t3e-4\n1\t2\t3\n", InputKind::Vectors, "projector");
        expect("one.tsv", "5\n", InputKind::Vectors, "projector");
        expect("crlf.tsv", "\xEF\xBB\xBF" "0.5\t1\r\n", InputKind::Vectors, "projector");
        expect("texts.tsv", "text\tlabel\nhello\ta\n", InputKind::Texts, "tsv");
        expect("mixed.tsv", "1\t2\tthree\n", InputKind::Texts, "tsv");
        expect("blankfirst.tsv", "\n\n0.1\t0.2\n", InputKind::Vectors, "projector");
    }

    void txtByContent()
    {
        expect("w2v.txt", "3 4\nthe 0.1 0.2 0.3 0.4\n", InputKind::Vectors, "word2vec");
        expect("glove.txt", "the 0.418 0.24968 -0.41242\n, 0.013441 0.23682 -0.16899\n. 0.15164 0.30177 -0.16763\n",
               InputKind::Vectors, "word2vec");
        expect("sentences.txt", "The cat sleeps.\nIt rains today.\n", InputKind::Texts, "txt");
        expect("chapter.txt", "Chapter 1\nChapter 2\n", InputKind::Texts, "txt"); // one number only
        expect("mixed.txt", "the 0.1 0.2 0.3\nA sentence with words\n", InputKind::Texts, "txt");
        expect("ragged.txt", "a 1 2 3\nb 1 2\n", InputKind::Texts, "txt");
        expect("empty.txt", "", InputKind::Texts, "txt");
        expect("zero.txt", "0 0\n", InputKind::Texts, "txt"); // a count of zero is no header
    }

    void longFileHeadOnly()
    {
        // The content check reads only the head: a long word2vec file is still fast to detect.
        std::string s;
        for (int i = 0; i < 20000; ++i)
            s.append("w").append(std::to_string(i)).append(" 0.1 0.2 0.3 0.4 0.5\n");
        expect("long.txt", s, InputKind::Vectors, "word2vec");
        // One line longer than 64 KB (a very wide vector) is still seen whole.
        std::string wide = "word";
        for (int i = 0; i < 12000; ++i)
            wide += " -0.123456";
        expect("wide.txt", wide + "\n" + wide + "\n", InputKind::Vectors, "word2vec");
    }

    void overrides()
    {
        const std::string p = write("data.bin", "whatever");
        const std::pair<const char *, InputKind> cases[] = {
            {"txt", InputKind::Texts},       {"csv", InputKind::Texts},
            {"tsv", InputKind::Texts},       {"jsonl", InputKind::Texts},
            {"npy", InputKind::Vectors},     {"projector", InputKind::Vectors},
            {"word2vec", InputKind::Vectors}, {"embedscope", InputKind::Project},
            {"CSV", InputKind::Texts},
        };
        for (const auto &[name, kind] : cases) {
            auto d = detectInput(p, name);
            QVERIFY(d.ok());
            QCOMPARE(int(d->kind), int(kind));
        }
        // The override beats the extension.
        auto d = detectInput(write("t.tsv", "1\t2\n"), "tsv");
        QCOMPARE(d->format, std::string("tsv"));
        auto bad = detectInput(p, "xlsx");
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().message,
                 std::string("unknown format 'xlsx'; use one of txt, csv, tsv, jsonl, npy, projector, word2vec, "
                             "embedscope"));
    }

    void errors()
    {
        auto u = detectInput(write("sheet.xlsx", "PK"));
        QVERIFY(!u.ok());
        QVERIFY(u.error().message.starts_with("sheet.xlsx: unknown input format '.xlsx'; supported: .txt, .csv"));
        QVERIFY(u.error().message.find(".npy") != std::string::npos);
        QVERIFY(u.error().message.find(".embedscope") != std::string::npos);
        auto n = detectInput(write("README", "x"));
        QVERIFY(n.error().message.find("(no file extension)") != std::string::npos);
        const std::string missing = dir_.filePath("missing.csv").toStdString();
        auto m = detectInput(missing);
        QVERIFY(!m.ok());
        QCOMPARE(m.error().message, missing + ": no such file");
        auto m2 = detectInput(missing, "csv"); // also with an override
        QVERIFY(!m2.ok());
        auto folder = detectInput(dir_.path().toStdString());
        QVERIFY(folder.error().message.find("is a folder") != std::string::npos);
    }
};

ES_TEST_GUILESS_MAIN(TestDetect)
#include "tst_detect.moc"
