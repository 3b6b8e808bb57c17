// Tests of the .embedscope project file: a full round trip (data set, vectors, ids,
// parameters, projections, times), projects without vectors or texts, and every error
// loadProject and saveProject report, on real files.
#include "formats/project.h"

#include <QTemporaryDir>
#include <QtTest>
#include "tools/testmain.h"

#include <fstream>
#include <random>
#include <regex>

using namespace es;
using namespace es::formats;
using json = nlohmann::json;

namespace {

Matrix randomMatrix(int rows, int cols, unsigned seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> g;
    Matrix m(rows, cols);
    for (Eigen::Index i = 0; i < m.size(); ++i)
        m.data()[i] = g(rng);
    return m;
}

std::string readAll(const std::string &path)
{
    std::ifstream f(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), {});
}

Project sample()
{
    Project p;
    p.dataset.source = "/data/sentences.csv";
    p.dataset.textColumn = "text";
    p.dataset.texts = {"The cat sleeps", "It rains", "caf\xC3\xA9 \"quoted\"\nline", "Stocks fell"};
    p.dataset.lines = {2, 3, 4, 6};
    p.dataset.columns = {Column{"label", {"animals", "weather", "food", "finance"}}, Column{"id", {"1", "2", "3", "4"}}};
    p.dataset.labelColumn = 0;
    p.vectors = randomMatrix(4, 5, 1);
    p.provider = "local";
    p.model = "glove-100d";
    p.parameters = {{"tsne", {{"perplexity", 30}, {"seed", 42}}}, {"view", {{"colorBy", "label"}}}};
    p.projections["pca2d"] = randomMatrix(4, 2, 2);
    p.projections["tsne3d"] = randomMatrix(4, 3, 3);
    return p;
}

} // namespace

class TestProject : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;

    std::string path(const std::string &name) { return dir_.filePath(QString::fromStdString(name)).toStdString(); }
    std::string write(const std::string &name, const std::string &bytes)
    {
        const std::string p = path(name);
        std::ofstream(p, std::ios::binary) << bytes;
        return p;
    }
    // A saved sample project as JSON, to be broken by a test.
    json savedSample()
    {
        Project p = sample();
        const std::string f = path("base.embedscope");
        if (!saveProject(f, p).ok())
            return {};
        return json::parse(readAll(f));
    }
    std::string loadError(const std::string &name, const json &doc)
    {
        auto r = loadProject(write(name, doc.dump()));
        return r.ok() ? std::string("(no error)") : r.error().message;
    }

private slots:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    void roundTrip()
    {
        Project p = sample();
        const std::string f = path("p.embedscope");
        auto s = saveProject(f, p);
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
        QCOMPARE(p.appVersion, std::string(EMBEDSCOPE_VERSION));
        const std::regex iso(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)");
        QVERIFY(std::regex_match(p.created, iso));
        QCOMPARE(p.modified, p.created);

        auto r = loadProject(f);
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        const Project &q = *r;
        QCOMPARE(q.dataset.source, p.dataset.source);
        QCOMPARE(q.dataset.textColumn, p.dataset.textColumn);
        QCOMPARE(q.dataset.texts, p.dataset.texts);
        QCOMPARE(q.dataset.lines, p.dataset.lines);
        QCOMPARE(q.dataset.columns.size(), std::size_t(2));
        QCOMPARE(q.dataset.columns[1].name, std::string("id"));
        QCOMPARE(q.dataset.columns[1].values, p.dataset.columns[1].values);
        QCOMPARE(q.dataset.labelColumn, 0);
        QVERIFY(q.vectors == p.vectors); // bit-exact
        QCOMPARE(q.provider, std::string("local"));
        QCOMPARE(q.model, std::string("glove-100d"));
        QCOMPARE(q.parameters, p.parameters);
        QCOMPARE(q.projections.size(), std::size_t(2));
        QVERIFY(q.projections.at("pca2d") == p.projections.at("pca2d"));
        QVERIFY(q.projections.at("tsne3d") == p.projections.at("tsne3d"));
        QCOMPARE(q.created, p.created);
        QCOMPARE(q.appVersion, p.appVersion);

        // The document itself: format name and version, no key anywhere.
        const json doc = json::parse(readAll(f));
        QCOMPARE(doc["format"].get<std::string>(), std::string("embedscope-project"));
        QCOMPARE(doc["version"].get<int>(), 1);
        QCOMPARE(doc["vectors"]["rows"].get<int>(), 4);
        QCOMPARE(doc["vectors"]["dims"].get<int>(), 5);
        QVERIFY(readAll(f).find("key") == std::string::npos);

        // Saving again keeps created.
        Project again = *r;
        QVERIFY(saveProject(f, again).ok());
        QCOMPARE(again.created, p.created);
    }

    void partialProjects()
    {
        Project textsOnly;
        textsOnly.dataset.texts = {"a", "b"};
        textsOnly.projections["pca2d"] = randomMatrix(2, 2, 5);
        const std::string f = path("t.embedscope");
        QVERIFY(saveProject(f, textsOnly).ok());
        auto r = loadProject(f);
        QVERIFY(r.ok());
        QCOMPARE(r->vectors.size(), Eigen::Index(0));
        QCOMPARE(r->dataset.texts.size(), std::size_t(2));
        QVERIFY(r->dataset.lines.empty());
        QCOMPARE(r->dataset.labelColumn, -1);

        Project vectorsOnly;
        vectorsOnly.vectors = randomMatrix(300, 64, 6);
        QVERIFY(saveProject(f, vectorsOnly).ok());
        r = loadProject(f);
        QVERIFY(r.ok());
        QVERIFY(r->vectors == vectorsOnly.vectors);
        QVERIFY(r->dataset.texts.empty());
        QVERIFY(r->parameters.is_object());
    }

    void base64()
    {
        const std::string samples[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar", std::string("\0\xff\x10", 3)};
        const char *expected[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy", "AP8Q"};
        for (std::size_t i = 0; i < std::size(samples); ++i) {
            QCOMPARE(encodeBase64(samples[i]), std::string(expected[i]));
            std::string back;
            QVERIFY(decodeBase64(expected[i], back));
            QCOMPARE(back, samples[i]);
        }
        std::string out;
        QVERIFY(!decodeBase64("Zm9", out));
        QVERIFY(!decodeBase64("Zm9v!A==", out));
        QVERIFY(!decodeBase64("Zg==Zg==", out));
        QVERIFY(!decodeBase64("Z===", out));
    }

    void loadErrors()
    {
        const std::string missing = path("nope.embedscope");
        QCOMPARE(loadProject(missing).error().message, missing + ": no such file");
        QCOMPARE(loadProject(write("bad.embedscope", "{\"format\": ")).error().message,
                 std::string("bad.embedscope: not a valid project file (JSON syntax error at byte 12)"));
        QVERIFY(loadError("other.embedscope", json{{"format", "something"}}).find("not an EmbedScope project")
                != std::string::npos);

        json doc = savedSample();
        QVERIFY(!doc.is_null());
        json d = doc;
        d["version"] = 7;
        QCOMPARE(loadError("v.embedscope", d),
                 std::string("v.embedscope: written by a newer EmbedScope (project format version 7; this version "
                             "reads up to 1)"));
        d = doc;
        d.erase("version");
        QVERIFY(loadError("nv.embedscope", d).find("no format version") != std::string::npos);

        // Vectors one float short.
        d = doc;
        std::string data = d["vectors"]["data"];
        std::string bytes;
        QVERIFY(decodeBase64(data, bytes));
        bytes.resize(bytes.size() - 4);
        d["vectors"]["data"] = encodeBase64(bytes);
        QCOMPARE(loadError("short.embedscope", d),
                 std::string("short.embedscope: vectors: 76 bytes, expected 80 for 4 x 5 float32"));
        d = doc;
        d["vectors"]["data"] = "not base64!";
        QCOMPARE(loadError("b64.embedscope", d), std::string("b64.embedscope: vectors.data: invalid base64"));
        d = doc;
        d["vectors"]["dtype"] = "float64";
        QCOMPARE(loadError("dt.embedscope", d), std::string("dt.embedscope: vectors.dtype: only float32 is read"));
        d = doc;
        d["vectors"].erase("rows");
        QCOMPARE(loadError("rows.embedscope", d), std::string("rows.embedscope: vectors.rows: missing"));

        d = doc;
        d["dataset"]["texts"][2] = 5;
        QCOMPARE(loadError("t.embedscope", d),
                 std::string("t.embedscope: dataset.texts[2]: expected a string, found number"));
        d = doc;
        d.erase("dataset");
        QCOMPARE(loadError("nd.embedscope", d), std::string("nd.embedscope: dataset: missing"));
        d = doc;
        d["dataset"]["texts"].erase(3);
        d["dataset"]["lines"].erase(3);
        QCOMPARE(loadError("c.embedscope", d),
                 std::string("c.embedscope: dataset column 'label': 4 values for 3 texts"));
        d = doc;
        d["dataset"]["label_column"] = 5;
        QVERIFY(loadError("l.embedscope", d).find("dataset.label_column: 5 is not a column index") != std::string::npos);
        d = doc;
        Project two;
        two.projections["pca2d"] = randomMatrix(3, 2, 9);
        two.dataset.texts = {"a", "b", "c"};
        QVERIFY(saveProject(path("two.embedscope"), two).ok());
        d["projections"]["pca2d"] = json::parse(readAll(path("two.embedscope")))["projections"]["pca2d"];
        QCOMPARE(loadError("pr.embedscope", d), std::string("pr.embedscope: projections.pca2d: 3 rows for 4 vectors"));
        d = doc;
        d["dataset"]["columns"][0]["values"] = "x";
        QCOMPARE(loadError("cv.embedscope", d),
                 std::string("cv.embedscope: dataset.columns[0].values: expected an array of strings, found string"));
    }

    void saveErrors()
    {
        Project p = sample();
        p.vectors(1, 2) = std::nanf("");
        auto s = saveProject(path("nan.embedscope"), p);
        QVERIFY(!s.ok());
        QCOMPARE(s.error().message, std::string("nan.embedscope: cannot save: vectors: row 2, column 3 is NaN"));
        QVERIFY(!std::filesystem::exists(path("nan.embedscope")));

        p = sample();
        p.vectors = randomMatrix(3, 5, 1);
        QCOMPARE(saveProject(path("x.embedscope"), p).error().message,
                 std::string("x.embedscope: cannot save: vectors: 3 rows for 4 texts"));
        p = sample();
        p.parameters = json::array();
        QVERIFY(saveProject(path("x.embedscope"), p).error().message.find("parameters: expected a JSON object")
                != std::string::npos);
        p = sample();
        p.projections["tsne2d"] = randomMatrix(2, 2, 1);
        QVERIFY(!saveProject(path("x.embedscope"), p).ok());

        // A failed save leaves an existing project as it was.
        p = sample();
        const std::string f = path("keep.embedscope");
        QVERIFY(saveProject(f, p).ok());
        const std::string before = readAll(f);
        p.dataset.columns[0].values.pop_back();
        QVERIFY(!saveProject(f, p).ok());
        QCOMPARE(readAll(f), before);
        QVERIFY(!saveProject(path("no/folder/p.embedscope"), p).ok());
    }

    // A crafted project with 100,000 nested levels in "parameters" (once a stack overflow)
    // is refused with the file and the byte; brackets inside strings do not count.
    void deepNestingIsRefused()
    {
        const std::string doc = savedSample().dump();
        QVERIFY(!doc.empty());
        for (const std::string &deep : {std::string(100000, '[') + std::string(100000, ']'),
                                        [] {
                                            std::string s;
                                            for (int i = 0; i < 100000; ++i)
                                                s += "{\"a\":";
                                            return s + "1" + std::string(100000, '}');
                                        }()}) {
            std::string text = doc;
            const auto at = text.find("\"parameters\":");
            QVERIFY(at != std::string::npos);
            text.replace(at, 13, "\"parameters\":{\"deep\":" + deep + "},\"old_parameters\":");
            auto r = loadProject(write("deep.embedscope", text));
            QVERIFY(!r.ok());
            QVERIFY2(r.error().message.starts_with("deep.embedscope: nested too deep"), r.error().message.c_str());
        }
        json d = savedSample();
        d["parameters"]["note"] = std::string(5000, '[') + std::string(300, '{');
        d["parameters"]["ok"] = json::parse("[[[[[[[[[[{\"a\": [[[1]]]}]]]]]]]]]]");
        auto r = loadProject(write("brackets.embedscope", d.dump()));
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        QCOMPARE(r->parameters, d["parameters"]);
    }

    // Integers are range-checked before they are narrowed (4294967297 was version 1 and
    // 4294967296 label column 0), and a projection has 2 or 3 columns.
    void integersAndShapesAreChecked()
    {
        const json doc = savedSample();
        QVERIFY(!doc.is_null());
        json d = doc;
        d["version"] = 4294967297LL;
        std::string m = loadError("v.embedscope", d);
        QVERIFY2(m.find("4294967297") != std::string::npos, m.c_str());
        d["version"] = -4294967295LL;
        m = loadError("v.embedscope", d);
        QVERIFY2(m.find("version -4294967295") != std::string::npos, m.c_str());
        d["version"] = 1.5;
        QVERIFY(loadError("v.embedscope", d).find("version") != std::string::npos);

        d = doc;
        d["dataset"]["label_column"] = 4294967296LL;
        m = loadError("l.embedscope", d);
        QVERIFY2(m.find("dataset.label_column: 4294967296 is not a column index") != std::string::npos, m.c_str());
        d["dataset"]["label_column"] = -2;
        QVERIFY(loadError("l.embedscope", d).find("dataset.label_column: -2 is not a column index") != std::string::npos);
        d["dataset"]["label_column"] = 18446744073709551615ULL;
        QVERIFY(loadError("l.embedscope", d).find("dataset.label_column: 18446744073709551615") != std::string::npos);

        d = doc;
        d["vectors"]["rows"] = 18446744073709551615ULL;
        m = loadError("r.embedscope", d);
        QVERIFY2(m.find("vectors.rows") != std::string::npos, m.c_str());
        d = doc;
        d["vectors"]["dims"] = 4294967301LL; // 5 after truncation to 32 bits
        m = loadError("dims.embedscope", d);
        QVERIFY2(m.find("vectors") != std::string::npos && m.find("4294967301") != std::string::npos, m.c_str());
        d = doc;
        d["dataset"]["lines"][1] = -3;
        QVERIFY(loadError("ln.embedscope", d).find("dataset.lines[1]") != std::string::npos);

        // A projection of 4 x 5: the bytes are right, the shape is not.
        Project five;
        five.dataset.texts = {"a", "b", "c", "d"};
        five.projections["pca2d"] = randomMatrix(4, 2, 1);
        QVERIFY(saveProject(path("five.embedscope"), five).ok());
        d = json::parse(readAll(path("five.embedscope")));
        const Matrix m5 = randomMatrix(4, 5, 2);
        d["projections"]["pca2d"]["dims"] = 5;
        d["projections"]["pca2d"]["data"] =
            encodeBase64(std::string_view(reinterpret_cast<const char *>(m5.data()), 4 * 5 * sizeof(float)));
        QCOMPARE(loadError("p5.embedscope", d),
                 std::string("p5.embedscope: projections.pca2d: 5 columns; a projection has 2 or 3"));
        five.projections["pca2d"] = m5;
        QVERIFY(!saveProject(path("five.embedscope"), five).ok());
    }
};

ES_TEST_GUILESS_MAIN(TestProject)
#include "tst_project.moc"
