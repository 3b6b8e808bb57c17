// Tests of the vector loaders (.npy against NumPy-written fixtures, projector TSV with
// metadata, word2vec/GloVe text) and the writers (.npy byte-identical to NumPy's, CSV,
// projector TSV, atomic writes), with every error case of the format contract.
#include "formats/npy.h"
#include "formats/texts.h"
#include "formats/vectors.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>
#include "tools/testmain.h"

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

using namespace es;
using namespace es::formats;

namespace {

std::string fixture(const char *name)
{
    return std::string(EMBEDSCOPE_TEST_DATA "/formats/") + name;
}

// The values of every fixture (tests/data/formats/make_fixtures.py).
Matrix base()
{
    Matrix m(3, 4);
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 4; ++c)
            m(r, c) = float((r * 4 + c) * 0.25 - 1.0);
    return m;
}

std::string readAll(const std::string &path)
{
    std::ifstream f(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), {});
}

} // namespace

class TestVectors : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;

    std::string path(const std::string &name) { return dir_.filePath(QString::fromStdString(name)).toStdString(); }
    std::string write(const std::string &name, const std::string &bytes)
    {
        const std::string p = path(name);
        std::filesystem::create_directories(std::filesystem::path(p).parent_path());
        std::ofstream(p, std::ios::binary) << bytes;
        return p;
    }
    std::string error(const std::string &p, const VectorLoadOptions &o = {})
    {
        auto r = loadVectors(p, o);
        if (r.ok()) {
            qWarning("expected an error for %s", p.c_str());
            return {};
        }
        return r.error().message;
    }

private slots:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    // .npy
    void npyFixtures_data()
    {
        QTest::addColumn<QString>("file");
        for (const char *f : {"f32_c.npy", "f64_fortran.npy", "f32_v2.npy", "f32_v3.npy", "f4_big_endian.npy",
                              "f8_big_endian.npy", "f16.npy"})
            QTest::newRow(f) << QString(f);
    }
    void npyFixtures()
    {
        QFETCH(QString, file);
        auto r = loadVectors(fixture(file.toUtf8().constData()));
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        QCOMPARE(r->vectors.rows(), Eigen::Index(3));
        QCOMPARE(r->vectors.cols(), Eigen::Index(4));
        QVERIFY(r->vectors == base());
        QVERIFY(!r->metadata);
        QVERIFY(r->warnings.empty());
    }
    void npyRefused()
    {
        const std::string i = error(fixture("int32.npy"));
        QVERIFY2(i.starts_with("int32.npy: holds integers (dtype '<i4')"), i.c_str());
        const std::string o = error(fixture("object_pickled.npy"));
        QVERIFY2(o.starts_with("object_pickled.npy: holds Python objects") && o.find("pickle") != std::string::npos,
                 o.c_str());
        QVERIFY(error(fixture("one_d.npy")).starts_with("one_d.npy: a 1-D array of 5 values"));
        QVERIFY(error(fixture("three_d.npy")).starts_with("three_d.npy: shape (2, 2, 2) has 3 dimensions"));
        QCOMPARE(error(fixture("f32_nan.npy")), std::string("f32_nan.npy: row 2, column 3 is NaN"));
        QCOMPARE(error(fixture("f32_truncated.npy")),
                 std::string("f32_truncated.npy: truncated: shape (3, 4) float32 needs 48 bytes of data, the file "
                             "holds 42"));
        QVERIFY(error(write("junk.npy", "hello world, not numpy")).starts_with("junk.npy: not a .npy file"));
        QVERIFY(error(write("short.npy", "\x93NU")).starts_with("short.npy: not a .npy file"));
        QVERIFY(error(write("z.npy", std::string("PK\x03\x04", 4) + "zipdata")).find(".npz archive")
                != std::string::npos);
        // A header from the future, and a header longer than the file.
        std::string h = readAll(fixture("f32_c.npy"));
        std::string v9 = h;
        v9[6] = 9;
        QVERIFY(error(write("v9.npy", v9)).find("unsupported .npy format version 9.0") != std::string::npos);
        QVERIFY(error(write("cut.npy", h.substr(0, 40))).find("truncated") != std::string::npos);
        std::string c8 = h;
        c8.replace(c8.find("<f4"), 3, "<c8");
        QVERIFY(error(write("c8.npy", c8)).find("unsupported dtype '<c8'") != std::string::npos);
        std::string extra = h + "XYZ";
        auto e = loadVectors(write("extra.npy", extra));
        QVERIFY(e.ok());
        QCOMPARE(e->warnings.size(), std::size_t(1));
        QVERIFY(error(path("absent.npy")).find("no such file") != std::string::npos);
    }
    void npyWriterMatchesNumpy()
    {
        // Whole file identical to what np.save wrote for the same float32 array.
        const std::string out = path("w.npy");
        QVERIFY(writeNpy(out, base()).ok());
        QCOMPARE(readAll(out), readAll(fixture("f32_c.npy")));
        auto back = loadVectors(out);
        QVERIFY(back.ok());
        QVERIFY(back->vectors == base());
        // Headers for other shapes, byte for byte.
        QFile f(QString::fromStdString(fixture("npy_headers.json")));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject headers = QJsonDocument::fromJson(f.readAll()).object();
        QCOMPARE(headers.size(), 5);
        for (auto it = headers.begin(); it != headers.end(); ++it) {
            const QStringList shape = it.key().split('x');
            const std::string mine = npy::headerFor(shape[0].toLongLong(), shape[1].toLongLong());
            const QByteArray expected = QByteArray::fromHex(it.value().toString().toLatin1());
            QCOMPARE(QByteArray::fromStdString(mine), expected);
            QCOMPARE(mine.size() % 64, std::size_t(0));
        }
    }
    void npyRoundTripLarge()
    {
        std::mt19937 rng(7);
        std::normal_distribution<float> g;
        Matrix m(1000, 384);
        for (Eigen::Index i = 0; i < m.size(); ++i)
            m.data()[i] = g(rng);
        const std::string out = path("big.npy");
        QVERIFY(writeNpy(out, m).ok());
        auto back = loadVectors(out);
        QVERIFY(back.ok());
        QVERIFY(back->vectors == m);
    }

    // Atomic writes
    void atomicWrites()
    {
        const std::string p = write("keep.txt", "old contents");
        QVERIFY(writeFileAtomic(p, "new contents").ok());
        QCOMPARE(readAll(p), std::string("new contents"));
        std::filesystem::permissions(p, std::filesystem::perms(0640));
        QVERIFY(writeFileAtomic(p, "newer").ok());
        QCOMPARE(int(std::filesystem::status(p).permissions()), 0640);

        // A target that cannot be replaced (a non-empty folder): error, target intact, no temp left.
        const std::string folder = path("target.npy");
        std::filesystem::create_directories(folder + "/inside");
        auto s = writeNpy(folder, base());
        QVERIFY(!s.ok());
        QVERIFY(!s.error().badInput);
        QVERIFY(std::filesystem::is_directory(folder + "/inside"));
        for (const auto &e : std::filesystem::directory_iterator(dir_.path().toStdString()))
            QVERIFY2(e.path().filename().string().find(".tmp-") == std::string::npos, e.path().c_str());
        auto s2 = writeFileAtomic(path("no/such/folder/x.csv"), "x");
        QVERIFY(!s2.ok());
        QVERIFY(s2.error().message.find("no/such/folder/x.csv") != std::string::npos);
    }

    // Projector TSV
    void projector()
    {
        write("p1/vectors.tsv", "0.5\t-1\t2e-3\n1\t2\t3\r\n");
        write("p1/metadata.tsv", "first word\nsecond\n");
        auto r = loadVectors(path("p1/vectors.tsv"));
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        QCOMPARE(r->vectors.rows(), Eigen::Index(2));
        QCOMPARE(r->vectors(0, 2), 2e-3f);
        QCOMPARE(r->vectors(1, 1), 2.0f);
        QVERIFY(r->metadata);
        QCOMPARE(r->metadata->texts, (std::vector<std::string>{"first word", "second"}));

        // NAME_vectors.tsv + NAME_metadata.tsv with a header row and several columns.
        write("p2/glove_vectors.tsv", "1\t0\n0\t1\n\n");
        write("p2/glove_metadata.tsv", "word\tlabel\tcount\ncat\tanimal\t3\n\tnone\t0\n");
        r = loadVectors(path("p2/glove_vectors.tsv"));
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        QCOMPARE(r->metadata->textColumn, std::string("word"));
        QCOMPARE(r->metadata->texts, (std::vector<std::string>{"cat", ""}));
        QCOMPARE(r->metadata->label()->values, (std::vector<std::string>{"animal", "none"}));
        QCOMPARE(r->metadata->column("count")->values[0], std::string("3"));

        // Explicit metadata path; and no metadata at all.
        write("p3/vectors.tsv", "1\t2\n");
        write("p3/other.tsv", "only\n");
        VectorLoadOptions o;
        o.metadataPath = path("p3/other.tsv");
        r = loadVectors(path("p3/vectors.tsv"), o);
        QCOMPARE(r->metadata->texts[0], std::string("only"));
        r = loadVectors(path("p3/vectors.tsv"));
        QVERIFY(r.ok());
        QVERIFY(!r->metadata);
    }
    void projectorErrors()
    {
        QCOMPARE(error(write("e1/vectors.tsv", "1\t2\n1\t2\t3\n")),
                 std::string("vectors.tsv, line 2: 3 values, expected 2 (as on line 1)"));
        QCOMPARE(error(write("e2/vectors.tsv", "1\t2\n1\tx\n")),
                 std::string("vectors.tsv, line 2: column 2: 'x' is not a number"));
        QCOMPARE(error(write("e3/vectors.tsv", "1\t2\n1\tnan\n")),
                 std::string("vectors.tsv, line 2: column 2: value is NaN"));
        QCOMPARE(error(write("e4/vectors.tsv", "1\t-inf\n")),
                 std::string("vectors.tsv, line 1: column 2: value is infinite"));
        QCOMPARE(error(write("e5/vectors.tsv", "1\t1e39\n")),
                 std::string("vectors.tsv, line 1: column 2: '1e39' is too large for float32"));
        QCOMPARE(error(write("e6/vectors.tsv", "1\t2\n\n3\t4\n")),
                 std::string("vectors.tsv, line 2: blank line between vectors; each line must hold one vector"));
        VectorLoadOptions o;
        o.format = "projector";
        QCOMPARE(error(write("e7/vectors.tsv", "\n"), o), std::string("vectors.tsv: the file is empty"));
        // Detection sees no numbers in an empty .tsv, so it is a (bad) text table, not vectors.
        QVERIFY(error(path("e7/vectors.tsv")).find("not a vectors file") != std::string::npos);
        write("e8/vectors.tsv", "1\t2\n3\t4\n");
        write("e8/metadata.tsv", "a\nb\nc\n");
        QCOMPARE(error(path("e8/vectors.tsv")),
                 std::string("metadata.tsv: 3 rows, but the vectors file has 2 (a one-column metadata file has no "
                             "header row)"));
        write("e8/metadata.tsv", "name\tlabel\na\tx\n");
        QCOMPARE(error(path("e8/vectors.tsv")),
                 std::string("metadata.tsv: 1 rows after the header, but the vectors file has 2"));
        write("e8/metadata.tsv", "name\tlabel\na\tx\nb\n");
        QVERIFY(error(path("e8/vectors.tsv")).starts_with("metadata.tsv, line 3: 1 field, expected 2"));
        o.metadataPath = path("e8/none.tsv");
        QVERIFY(error(path("e8/vectors.tsv"), o).find("no such file") != std::string::npos);
    }

    // word2vec / GloVe text
    void word2vec()
    {
        auto r = loadVectors(write("w.txt", "3 2\nthe 0.5 -1\nat name@x.com 1 2  \nof\t+3 4e-1\n"));
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        QCOMPARE(r->vectors.rows(), Eigen::Index(3));
        QCOMPARE(r->vectors(2, 0), 3.0f);
        QCOMPARE(r->vectors(2, 1), 0.4f);
        QCOMPARE(r->metadata->texts, (std::vector<std::string>{"the", "at name@x.com", "of"}));
        QCOMPARE(r->metadata->lines, (std::vector<std::size_t>{2, 3, 4}));
        QCOMPARE(r->metadata->textColumn, std::string("word"));

        r = loadVectors(write("glove.txt", "the 0.1 0.2 0.3\n\n, 1 2 3\n"));
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        QCOMPARE(r->vectors.cols(), Eigen::Index(3));
        QCOMPARE(r->metadata->texts[1], std::string(","));
        QCOMPARE(r->warnings.size(), std::size_t(1));

        VectorLoadOptions o;
        o.format = "word2vec";
        r = loadVectors(write("w.vec", "caf\xC3\xA9 1 2\n"), o);
        QCOMPARE(r->metadata->texts[0], std::string("caf\xC3\xA9"));
    }
    void word2vecErrors()
    {
        VectorLoadOptions o;
        o.format = "word2vec";
        QCOMPARE(error(write("r.txt", "a 1 2 3\nb 1 2\n"), o),
                 std::string("r.txt, line 2: 2 values, expected 3 (as on line 1)"));
        QCOMPARE(error(write("h.txt", "2 3\na 1 2 3\nb 1 2\n"), o),
                 std::string("h.txt, line 3: 2 values, expected 3 (as the header says)"));
        QCOMPARE(error(write("c.txt", "3 2\na 1 2\nb 1 2\n"), o),
                 std::string("c.txt: the header (line 1) says 3 vectors, the file holds 2 (truncated?)"));
        QCOMPARE(error(write("n.txt", "a 1 2\nb 1 nan\n"), o), std::string("n.txt, line 2: value 2: value is NaN"));
        QCOMPARE(error(write("x.txt", "a 1 2\nb 1 2x\n"), o),
                 std::string("n.txt, line 2: value 2: '2x' is not a number").replace(0, 1, "x"));
        QCOMPARE(error(write("i.txt", "a 1 inf\n"), o), std::string("i.txt, line 1: value 2: value is infinite"));
        QVERIFY(error(write("u.txt", "a 1 2\n\xff 1 2\n"), o).starts_with("u.txt, line 2, byte 1: invalid UTF-8"));
        QVERIFY(error(write("e.txt", ""), o).find("empty") != std::string::npos);
        QVERIFY(error(write("o.txt", "2 3\n"), o).find("no vectors after the header") != std::string::npos);
        QVERIFY(error(write("s.txt", "word\n"), o).find("expected a word followed by numbers") != std::string::npos);
    }
    void detectedDispatch()
    {
        QVERIFY(error(write("texts.csv", "text\nhello\n")).starts_with("texts.csv: not a vectors file (detected as csv)"));
        VectorLoadOptions o;
        o.format = "csv";
        QVERIFY(error(write("t2.csv", "text\n"), o).find("not a vectors format") != std::string::npos);
    }

    // CSV and projector writers
    void csvWriter()
    {
        const std::string p = path("out.csv");
        QVERIFY(writeCsv(p, {"text", "label"},
                         {{"plain", "a"}, {"with, comma", "b"}, {"say \"hi\"", "c"}, {"two\nlines", "d"}})
                    .ok());
        QCOMPARE(readAll(p), std::string("text,label\nplain,a\n\"with, comma\",b\n\"say \"\"hi\"\"\",c\n\"two\nlines\",d\n"));
        auto back = loadTexts(p);
        QVERIFY(back.ok());
        QCOMPARE(back->dataset.texts,
                 (std::vector<std::string>{"plain", "with, comma", "say \"hi\"", "two\nlines"}));
        QVERIFY(!writeCsv(path("bad.csv"), {"a", "b"}, {{"1"}}).ok());
        QVERIFY(!std::filesystem::exists(path("bad.csv")));
    }
    void floatTextRoundTrips()
    {
        QCOMPARE(floatText(0.1f), std::string("0.1"));
        QCOMPARE(floatText(-1e-5f), std::string("-1e-05"));
        std::mt19937 rng(11);
        std::uniform_int_distribution<std::uint32_t> bits;
        for (int i = 0; i < 100000; ++i) {
            std::uint32_t b = bits(rng);
            float v;
            std::memcpy(&v, &b, 4);
            if (!std::isfinite(v))
                continue;
            const std::string t = floatText(v);
            QCOMPARE(std::strtof(t.c_str(), nullptr), v);
        }
    }
    void projectorWriter()
    {
        std::mt19937 rng(3);
        std::uniform_real_distribution<float> u(-1, 1);
        Matrix m(5, 7);
        for (Eigen::Index i = 0; i < m.size(); ++i)
            m.data()[i] = u(rng);
        Dataset d;
        d.textColumn = "text";
        d.texts = {"a", "tab\there", "new\nline", "d", "e"};
        d.columns = {Column{"label", {"x", "y", "x", "y", "z"}}};
        d.labelColumn = 0;
        QVERIFY(writeProjectorTsv(path("pw/vectors.tsv"), path("pw/metadata.tsv"), m, d).ok() == false);
        std::filesystem::create_directories(path("pw"));
        QVERIFY(writeProjectorTsv(path("pw/vectors.tsv"), path("pw/metadata.tsv"), m, d).ok());
        auto r = loadVectors(path("pw/vectors.tsv"));
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        QVERIFY(r->vectors == m); // shortest round-trip text is exact
        QCOMPARE(r->metadata->texts, (std::vector<std::string>{"a", "tab here", "new line", "d", "e"}));
        QCOMPARE(r->metadata->label()->values, d.columns[0].values);

        // Texts only: one column, no header.
        Dataset t;
        t.texts = {"one", "two", "three", "four", "five"};
        QVERIFY(writeProjectorTsv(path("pw/v2.tsv"), path("pw/m2.tsv"), m, t).ok());
        QCOMPARE(readAll(path("pw/m2.tsv")), std::string("one\ntwo\nthree\nfour\nfive\n"));
        Dataset shortSet;
        shortSet.texts = {"x"};
        QVERIFY(!writeProjectorTsv(path("pw/v3.tsv"), path("pw/m3.tsv"), m, shortSet).ok());
    }
};

ES_TEST_GUILESS_MAIN(TestVectors)
#include "tst_vectors.moc"
