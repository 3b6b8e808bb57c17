// Tests of the text loaders (.txt, .csv, .tsv, .jsonl), the Qt-free CSV parser and
// textsFromLines: every success case and every error of the format contract, on real files.
#include "formats/csv_parser.h"
#include "formats/texts.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>
#include "tools/testmain.h"

#include <fstream>

using namespace es;
using namespace es::formats;

class TestTexts : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;

    std::string write(const std::string &name, const std::string &bytes)
    {
        const std::string path = dir_.filePath(QString::fromStdString(name)).toStdString();
        std::ofstream(path, std::ios::binary) << bytes;
        return path;
    }
    // Loads and expects an error; returns its message.
    std::string loadError(const std::string &name, const std::string &bytes, const TextLoadOptions &o = {})
    {
        auto r = loadTexts(write(name, bytes), o);
        if (r.ok()) {
            qWarning("expected an error for %s", name.c_str());
            return {};
        }
        return r.error().message;
    }
    LoadedTexts load(const std::string &name, const std::string &bytes, const TextLoadOptions &o = {})
    {
        auto r = loadTexts(write(name, bytes), o);
        if (!r.ok())
            qWarning("unexpected error: %s", r.error().message.c_str());
        return r.ok() ? std::move(*r) : LoadedTexts{};
    }

private slots:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    // .txt
    void txtLinesBlankCrlfBom()
    {
        auto t = load("a.txt", "\xEF\xBB\xBFone\r\ntwo\n\n   \nthree");
        QCOMPARE(t.dataset.texts, (std::vector<std::string>{"one", "two", "three"}));
        QCOMPARE(t.dataset.lines, (std::vector<std::size_t>{1, 2, 5}));
        QCOMPARE(t.dataset.textColumn, std::string());
        QVERIFY(t.dataset.columns.empty());
        QCOMPARE(t.warnings.size(), std::size_t(1));
        QCOMPARE(t.warnings[0], std::string("a.txt: 2 blank lines skipped (lines 3, 4)"));
        QVERIFY(t.dataset.source.ends_with("a.txt"));
    }
    void txtTrailingNewlineIsNotBlank()
    {
        auto t = load("b.txt", "x\ny\n");
        QCOMPARE(t.dataset.size(), std::size_t(2));
        QVERIFY(t.warnings.empty());
    }
    void txtErrors()
    {
        QCOMPARE(loadError("empty.txt", ""), std::string("empty.txt: the file is empty"));
        QCOMPARE(loadError("bom.txt", "\xEF\xBB\xBF"), std::string("bom.txt: the file is empty"));
        QVERIFY(loadError("blank.txt", "\n \n\t\n").find("only blank lines") != std::string::npos);
        const std::string bad = loadError("bad.txt", "ok\nab\xff" "c\n");
        QVERIFY2(bad.starts_with("bad.txt, line 2, byte 3: invalid UTF-8"), bad.c_str());
        QVERIFY(loadError("overlong.txt", "a\xC0\xAF").find("line 1, byte 2") != std::string::npos);
        QVERIFY(loadError("surrogate.txt", "x\n\xED\xA0\x80").find("line 2, byte 1") != std::string::npos);
        QVERIFY(loadError("cut.txt", "abc\xE2\x82").find("line 1, byte 4") != std::string::npos);
        auto missing = loadTexts(dir_.filePath("nope.txt").toStdString());
        QVERIFY(!missing.ok());
        QVERIFY(missing.error().message.find("no such file") != std::string::npos);
    }
    void utf8Accepted()
    {
        auto t = load("u.txt", "caf\xC3\xA9\n\xE2\x82\xAC 5\n\xF0\x9F\x98\x80\n");
        QCOMPARE(t.dataset.size(), std::size_t(3));
        QCOMPARE(t.dataset.texts[0], std::string("caf\xC3\xA9"));
    }

    // .csv
    void csvQuotingAndColumns()
    {
        const std::string csv = "id,Text,label,source\r\n"
                                "1,\"Hello, world\",greet,a\r\n"
                                "2,\"She said \"\"hi\"\"\",greet,b\r\n"
                                "3,\"two\r\nlines\",multi,c\r\n"
                                "4,plain,other,\"\"\r\n";
        auto t = load("s.csv", csv);
        QCOMPARE(t.dataset.texts, (std::vector<std::string>{"Hello, world", "She said \"hi\"", "two\nlines", "plain"}));
        QCOMPARE(t.dataset.lines, (std::vector<std::size_t>{2, 3, 4, 6}));
        QCOMPARE(t.dataset.textColumn, std::string("Text"));
        QCOMPARE(t.dataset.columns.size(), std::size_t(3));
        QCOMPARE(t.dataset.columns[0].name, std::string("id"));
        QVERIFY(t.dataset.label());
        QCOMPARE(t.dataset.label()->name, std::string("label"));
        QCOMPARE(t.dataset.label()->values, (std::vector<std::string>{"greet", "greet", "multi", "other"}));
        QCOMPARE(t.dataset.column("source")->values[3], std::string());
        QVERIFY(t.warnings.empty());
    }
    void csvColumnChoice()
    {
        const std::string csv = "Sentence,note,Category\nA cat,x,animals\nRain,y,weather\n";
        auto t = load("c.csv", csv);
        QCOMPARE(t.dataset.textColumn, std::string("Sentence"));
        QCOMPARE(t.dataset.label()->name, std::string("Category"));

        TextLoadOptions o;
        o.textColumn = "NOTE"; // case-insensitive
        o.labelColumn = "-";
        t = load("c2.csv", csv, o);
        QCOMPARE(t.dataset.textColumn, std::string("note"));
        QCOMPARE(t.dataset.texts, (std::vector<std::string>{"x", "y"}));
        QVERIFY(!t.dataset.label());
        QCOMPARE(t.dataset.columns.size(), std::size_t(2));

        o = {};
        o.labelColumn = "note";
        t = load("c3.csv", csv, o);
        QCOMPARE(t.dataset.label()->name, std::string("note"));

        for (const char *name : {"document", "content", "body", "sentences", "TEXT"}) {
            t = load("d.csv", std::string("x,") + name + "\n1,hello\n");
            QCOMPARE(t.dataset.texts[0], std::string("hello"));
        }
        for (const char *name : {"class", "topic", "labels", "Label"}) {
            t = load("l.csv", std::string("text,") + name + "\nhello,t\n");
            QVERIFY(t.dataset.label());
            QCOMPARE(t.dataset.label()->values[0], std::string("t"));
        }
        // One column: it is the text whatever its name.
        t = load("one.csv", "quote\nTo be or not to be\n");
        QCOMPARE(t.dataset.textColumn, std::string("quote"));
    }
    void csvBlankLinesBomAndHeaderTidy()
    {
        auto t = load("b.csv", "\xEF\xBB\xBF text , ,text\n\na,b,c\n\nd,e,f\n");
        QCOMPARE(t.dataset.textColumn, std::string("text"));
        QCOMPARE(t.dataset.texts, (std::vector<std::string>{"a", "d"}));
        QCOMPARE(t.dataset.columns[0].name, std::string("column 2"));
        QCOMPARE(t.dataset.columns[1].name, std::string("text (2)"));
        QCOMPARE(t.dataset.lines, (std::vector<std::size_t>{3, 5}));
        QCOMPARE(t.warnings.size(), std::size_t(1));
        QCOMPARE(t.warnings[0], std::string("b.csv: 2 blank lines skipped (lines 2, 4)"));
    }
    void csvErrors()
    {
        QCOMPARE(loadError("e.csv", ""), std::string("e.csv: the file is empty"));
        QCOMPARE(loadError("h.csv", "text,label\n"), std::string("h.csv: a header (line 1) but no data rows"));
        QVERIFY(loadError("hb.csv", "\n\n").find("no header row") != std::string::npos);
        QCOMPARE(loadError("m.csv", "a,b\n1,2\n"),
                 std::string("m.csv: no text column (expected one named text, sentence, document, content or "
                             "body, or choose one); columns found: 'a', 'b'"));
        TextLoadOptions o;
        o.textColumn = "nope";
        QCOMPARE(loadError("n.csv", "a,b\n1,2\n", o),
                 std::string("n.csv: no column named 'nope'; columns found: 'a', 'b'"));
        o = {};
        o.labelColumn = "nope";
        QVERIFY(loadError("nl.csv", "text,b\n1,2\n", o).find("no column named 'nope' for the labels")
                != std::string::npos);
        std::string csv = "text,label\n";
        for (int i = 2; i < 17; ++i)
            csv += "row " + std::to_string(i) + ",x\n";
        QCOMPARE(loadError("sentences.csv", csv + " ,x\n"),
                 std::string("sentences.csv, line 17: empty text in column 'text'"));
        QCOMPARE(loadError("q.csv", "text,label\nok,1\n\"never\nclosed,2\nmore,3\n"),
                 std::string("q.csv, line 3: a quoted field starting on this line is never closed (unbalanced "
                             "quotes)"));
        QCOMPARE(loadError("r.csv", "text,label\na,1\nb,c,2\n"),
                 std::string("r.csv, line 3: 3 fields, expected 2 (as in the header on line 1); a field holding "
                             "the delimiter must be quoted"));
        QCOMPARE(loadError("r2.csv", "text,label,x\r\na,1,2\r\nb\r\n"),
                 std::string("r2.csv, line 3: 1 field, expected 3 (as in the header on line 1)"));
        QVERIFY(loadError("aq.csv", "text\n\"a\"b\n").starts_with("aq.csv, line 2: unexpected text after the "
                                                                 "closing quote"));
        const std::string u = loadError("u.csv", "text\nfine\n\"x\xC3\"\n");
        QVERIFY2(u.starts_with("u.csv, line 3, byte 3: invalid UTF-8"), u.c_str());
        // The line of a row after a multi-line field is still right.
        QCOMPARE(loadError("ml.csv", "text,label\n\"a\nb\nc\",1\n,2\n"),
                 std::string("ml.csv, line 5: empty text in column 'text'"));
    }

    // .tsv
    void tsv()
    {
        auto t = load("t.tsv", "label\ttext\nA\tcomma, fine\nB\t\"quoted\ttab\"\nC\t\"Hello\" she said\n");
        QCOMPARE(t.dataset.texts,
                 (std::vector<std::string>{"comma, fine", "quoted\ttab", "\"Hello\" she said"}));
        QCOMPARE(t.dataset.label()->values, (std::vector<std::string>{"A", "B", "C"}));
        QCOMPARE(loadError("r.tsv", "text\tlabel\na\tb\tc\n").substr(0, 26), std::string("r.tsv, line 2: 3 fields, e"));
    }

    // .jsonl
    void jsonl()
    {
        const std::string j = "{\"text\": \"first\", \"label\": \"a\", \"score\": 0.5, \"ok\": true}\n"
                              "\n"
                              "{\"label\": \"b\", \"text\": \"second\", \"extra\": null, \"tags\": [1, 2]}\r\n"
                              "{\"text\": \"caf\\u00e9\", \"label\": \"c\", \"nested\": {\"x\": 1}}\n";
        auto t = load("d.jsonl", j);
        QCOMPARE(t.dataset.texts, (std::vector<std::string>{"first", "second", "caf\xC3\xA9"}));
        QCOMPARE(t.dataset.lines, (std::vector<std::size_t>{1, 3, 4}));
        QCOMPARE(t.dataset.textColumn, std::string("text"));
        QCOMPARE(t.dataset.label()->values, (std::vector<std::string>{"a", "b", "c"}));
        QCOMPARE(t.dataset.column("score")->values, (std::vector<std::string>{"0.5", "", ""}));
        QCOMPARE(t.dataset.column("ok")->values, (std::vector<std::string>{"true", "", ""}));
        QCOMPARE(t.dataset.column("extra")->values, (std::vector<std::string>{"", "", ""}));
        QVERIFY(!t.dataset.column("tags"));
        QCOMPARE(t.warnings.size(), std::size_t(3)); // blank line, tags, nested
        QCOMPARE(t.warnings[0], std::string("d.jsonl: 1 blank line skipped (line 2)"));

        TextLoadOptions o;
        o.format = "jsonl";
        t = load("d.ndjson.dat", "{\"sentence\": \"s\", \"topic\": \"t\"}", o);
        QCOMPARE(t.dataset.texts[0], std::string("s"));
        QCOMPARE(t.dataset.label()->name, std::string("topic"));
    }
    void jsonlErrors()
    {
        QCOMPARE(loadError("j.jsonl", "{\"text\": \"a\"}\n{\"text\": \"b\",}\n").substr(0, 32),
                 std::string("j.jsonl, line 2: invalid JSON (s"));
        QVERIFY(loadError("k.jsonl", "{\"text\": \"a\"}\n[1, 2]\n").starts_with("k.jsonl, line 2: expected a JSON object"));
        QCOMPARE(loadError("m.jsonl", "{\"text\": \"a\"}\n{\"label\": \"b\"}\n"),
                 std::string("m.jsonl, line 2: empty text in key 'text'"));
        QVERIFY(loadError("n.jsonl", "{\"a\": \"x\", \"b\": 1}\n").find("keys found: 'a', 'b'") != std::string::npos);
        QVERIFY(loadError("b.jsonl", "\n\n").find("only blank lines") != std::string::npos);
    }

    void formats()
    {
        QVERIFY(loadError("x.xlsx", "text\n").find("unknown text format '.xlsx'") != std::string::npos);
        TextLoadOptions o;
        o.format = "csv";
        auto t = load("x.dat", "text\nhi\n", o);
        QCOMPARE(t.dataset.texts[0], std::string("hi"));
        o.format = "npy";
        QVERIFY(loadError("y.dat", "text\n", o).find("not a text format") != std::string::npos);
    }

    void fromLines()
    {
        Dataset d = textsFromLines("\xEF\xBB\xBF" "alpha\r\n\n  beta  \n\n");
        QCOMPARE(d.texts, (std::vector<std::string>{"alpha", "  beta  "}));
        QCOMPARE(d.lines, (std::vector<std::size_t>{1, 3}));
        QCOMPARE(d.source, std::string());
        QCOMPARE(textsFromLines("").size(), std::size_t(0));
        QCOMPARE(textsFromLines("\n \n").size(), std::size_t(0));
    }

    // The parser on its own: configurations the loaders use.
    void parserConfigs()
    {
        csv::ParseConfig c;
        c.delimiter = '\t';
        c.quoting = false;
        c.skipBlankLines = false;
        c.hasHeader = false;
        c.name = "meta.tsv";
        auto r = csv::parse("a\n\n\"q\"\nb", c);
        QVERIFY(r.ok());
        QCOMPARE(r->columns.size(), std::size_t(1));
        QCOMPARE(r->columns[0], (std::vector<std::string>{"a", "", "\"q\"", "b"}));
        QCOMPARE(r->lines, (std::vector<std::size_t>{1, 2, 3, 4}));
        QVERIFY(r->header.empty());

        csv::ParseConfig d;
        d.name = "x.csv";
        auto e = csv::parse("a,b\n1,\n,\n\"\",\"\"\"\"\n", d);
        QVERIFY(e.ok());
        QCOMPARE(e->columns[0], (std::vector<std::string>{"1", "", ""}));
        QCOMPARE(e->columns[1], (std::vector<std::string>{"", "", "\""}));
        // A lone '\r' ends a line too (old Mac files).
        auto m = csv::parse("h\rv1\rv2", d);
        QVERIFY(m.ok());
        QCOMPARE(m->columns[0], (std::vector<std::string>{"v1", "v2"}));
        QCOMPARE(m->lines, (std::vector<std::size_t>{2, 3}));
    }

    // Many rows: every row and its line survive (the speed figure is in the report, not here).
    void largeCsv()
    {
        std::string csv = "text,label,n\n";
        for (int i = 0; i < 50000; ++i)
            csv += (i % 7 == 0 ? "\"row, " + std::to_string(i) + "\nsecond line\"" : "row " + std::to_string(i))
                   + ",L" + std::to_string(i % 5) + "," + std::to_string(i) + "\n";
        auto t = load("big.csv", csv);
        QCOMPARE(t.dataset.size(), std::size_t(50000));
        QCOMPARE(t.dataset.texts[49999], std::string("row 49999"));
        QCOMPARE(t.dataset.column("n")->values[49999], std::string("49999"));
        // Rows 0, 7, 14, ... take two lines each.
        QCOMPARE(t.dataset.lines[49999], std::size_t(2 + 49999 + (49999 + 6) / 7));
    }

    // A table 100,000 columns wide loads (header names tidied, every cell in its column);
    // repeated header names were once matched against every earlier column (quadratic).
    void csvHundredThousandColumns()
    {
        const int n = 100000;
        std::string header = "text", row = "the only text";
        for (int c = 1; c < n; ++c) {
            header += c % 1000 == 0 ? ",dup" : ",c" + std::to_string(c);
            row += "," + std::to_string(c);
        }
        const std::string path = write("wide.csv", header + "\n" + row + "\n");
        QElapsedTimer clock;
        clock.start();
        auto r = loadTexts(path);
        qInfo("100,000 columns x 1 row: %lld ms", static_cast<long long>(clock.elapsed()));
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        const Dataset &d = r->dataset;
        QCOMPARE(d.texts, std::vector<std::string>{"the only text"});
        QCOMPARE(d.columns.size(), std::size_t(n - 1));
        QCOMPARE(d.columns[0].name, std::string("c1"));
        QCOMPARE(d.columns[998].name, std::string("c999"));
        QCOMPARE(d.columns[999].name, std::string("dup"));
        QCOMPARE(d.columns[1999].name, std::string("dup (2)"));
        QCOMPARE(d.columns[98999].name, std::string("dup (99)"));
        QCOMPARE(d.columns[n - 2].name, std::string("c99999"));
        QCOMPARE(d.columns[n - 2].values, std::vector<std::string>{"99999"});
        QCOMPARE(d.columns[999].values, std::vector<std::string>{"1000"});
        // Header tidying keeps its rules: blank names numbered, repeats counted.
        auto t = load("tidy.csv", "text, a ,,a,a,a (2)\nx,1,2,3,4,5\n");
        std::vector<std::string> names;
        for (const auto &c : t.dataset.columns)
            names.push_back(c.name);
        QCOMPARE(names, (std::vector<std::string>{"a", "column 3", "a (2)", "a (3)", "a (2) (2)"}));
    }

    // 100,000 nested arrays in a line: "nested too deep" with the line, not a crash or
    // "no text key"; a JSONL line as wide as that loads.
    void jsonlNestedTooDeep()
    {
        const std::string deep = std::string(100000, '[') + std::string(100000, ']');
        std::string m = loadError("deep.jsonl", "{\"text\": \"a\"}\n{\"text\": " + deep + "}\n");
        QVERIFY2(m.starts_with("deep.jsonl, line 2: nested too deep"), m.c_str());
        m = loadError("deep2.jsonl", "{\"text\": \"a\"}\n\n{\"text\": \"b\", \"x\": {\"y\": " + deep + "}}\n");
        QVERIFY2(m.starts_with("deep2.jsonl, line 3: nested too deep"), m.c_str());
        // Brackets inside strings are text, and ordinary nesting is fine.
        auto t = load("ok.jsonl", "{\"text\": \"" + std::string(1000, '[') + "\", \"meta\": [[[{\"a\": [1]}]]]}\n");
        QCOMPARE(t.dataset.texts[0], std::string(1000, '['));
        std::string wide = "{\"text\": \"w\"";
        for (int k = 0; k < 100000; ++k)
            wide += ",\"k" + std::to_string(k) + "\": " + std::to_string(k);
        t = load("wide.jsonl", wide + "}\n");
        QCOMPARE(t.dataset.columns.size(), std::size_t(100000));
        QCOMPARE(t.dataset.column("k99999")->values, std::vector<std::string>{"99999"});
    }
};

ES_TEST_GUILESS_MAIN(TestTexts)
#include "tst_texts.moc"
