// Tests of the tokeniser and the SIF embedder: values on a tiny model against numpy
// references (tests/data/model/make_tiny.py), unknown words, errors, the exact word-pair
// split of the cosine, determinism across thread counts, and semantic triplets on the
// real GloVe model (skipped when $EMBEDSCOPE_MODEL is absent).
#include "embed/factory.h"
#include "embed/local/local_embedder.h"
#include "embed/local/model_convert.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>
#include "tools/testmain.h"

#include <cmath>
#include <filesystem>
#include <random>

using namespace es;
using namespace es::local;

namespace {

QString dataPath(const QString &rel)
{
    return QStringLiteral(EMBEDSCOPE_TEST_DATA "/") + rel;
}

std::vector<std::string> texts(const std::vector<Token> &tokens)
{
    std::vector<std::string> out;
    for (const auto &t : tokens)
        out.push_back(t.text);
    return out;
}

double cosine(const Matrix &m, int i, int j)
{
    return double(m.row(i).dot(m.row(j))) / (double(m.row(i).norm()) * double(m.row(j).norm()));
}

// The real model, or nullptr (the test then skips, or fails under EMBEDSCOPE_REQUIRE_MODEL=1).
std::shared_ptr<const ModelFile> realModel()
{
    static std::shared_ptr<const ModelFile> cached;
    if (cached)
        return cached;
    const char *path = std::getenv("EMBEDSCOPE_MODEL");
    if (!path || !std::filesystem::exists(path))
        return nullptr;
    auto m = ModelFile::open(path);
    if (!m)
        return nullptr;
    cached = std::shared_ptr<const ModelFile>(std::move(m.value()));
    return cached;
}

#define REQUIRE_REAL_MODEL(var)                                                                 \
    auto var = realModel();                                                                     \
    if (!var) {                                                                                 \
        if (qEnvironmentVariable("EMBEDSCOPE_REQUIRE_MODEL") == "1")                            \
            QFAIL("EMBEDSCOPE_REQUIRE_MODEL=1 but $EMBEDSCOPE_MODEL is not a valid model file"); \
        QSKIP("the real model is not available ($EMBEDSCOPE_MODEL)");                            \
    }

// A seeded batch of short sentences from a small word list (for determinism and counts).
std::vector<std::string> syntheticSentences(std::size_t n)
{
    static const char *words[] = {"the", "cat", "sleeps", "on", "mat", "kitten", "naps", "rug",
                                  "stock", "markets", "fell", "sharply", "today", "well-known",
                                  "cafe", "xyzzy", "do", "not", ",", "."};
    std::mt19937 rng(42);
    std::vector<std::string> out;
    for (std::size_t i = 0; i < n; ++i) {
        std::string s;
        const int len = 3 + int(rng() % 9);
        for (int k = 0; k < len; ++k) {
            if (k)
                s += ' ';
            s += words[rng() % std::size(words)];
        }
        out.push_back(s);
    }
    return out;
}

} // namespace

class TestSif : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;
    std::shared_ptr<const ModelFile> tiny_;
    QJsonObject expected_;

private slots:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        const QString path = dir_.filePath("tiny.esm");
        auto r = convertModelFile(dataPath("model/tiny.json").toStdString(), path.toStdString());
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        auto m = ModelFile::open(path.toStdString(), true);
        QVERIFY(m.ok());
        tiny_ = std::shared_ptr<const ModelFile>(std::move(m.value()));
        QFile f(dataPath("model/tiny_expected.json"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        expected_ = QJsonDocument::fromJson(f.readAll()).object();
    }

    void tokenizer_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("tokens");
        QTest::newRow("lower case, punctuation")
            << "The cat sleeps on the mat." << QStringList{"the", "cat", "sleeps", "on", "the", "mat", "."};
        QTest::newRow("clitics")
            << "Don't, can't, won't; we're I'll she'd I'm they've"
            << QStringList{"do", "not", ",", "can", "not", ",", "will", "not", ";", "we", "are",
                           "i", "will", "she", "would", "i", "am", "they", "have"};
        QTest::newRow("possessive") << "the cat's bowl" << QStringList{"the", "cat", "'s", "bowl"};
        QTest::newRow("typographic apostrophe and quotes")
            << QString::fromUtf8("\xe2\x80\x9cIt\xe2\x80\x99s fine\xe2\x80\x9d")
            << QStringList{"\"", "it", "'s", "fine", "\""};
        QTest::newRow("hyphens, numbers, initialisms")
            << "A well-known U.S. firm paid 1,000 dollars (3.5%) at 9am -- e.g. AT&T..."
            << QStringList{"a", "well-known", "u.s.", "firm", "paid", "1,000", "dollars", "(", "3.5",
                           "%", ")", "at", "9am", "--", "e.g.", "at&t", "..."};
        QTest::newRow("diacritics fold, other scripts kept")
            << QString::fromUtf8("Caf\xc3\xa9 STRASSE Stra\xc3\x9f" "e \xc3\x86r\xc3\xb8 \xce\x91\xce\x98\xce\x97\xce\x9d\xce\x91 \xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0")
            << QStringList{"cafe", "strasse", "strasse", "aero", QString::fromUtf8("\xce\xb1\xce\xb8\xce\xb7\xce\xbd\xce\xb1"),
                           QString::fromUtf8("\xd0\xbc\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0")};
        QTest::newRow("emoji and symbols are punctuation")
            << QString::fromUtf8("good \xf0\x9f\x98\x80 \xe2\x82\xac" "5") << QStringList{"good", QString::fromUtf8("\xf0\x9f\x98\x80"), QString::fromUtf8("\xe2\x82\xac"), "5"};
        QTest::newRow("y with diaeresis folds") << QString::fromLatin1("ok \xff end")
                                               << QStringList{"ok", "y", "end"};
    }

    void tokenizer()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, tokens);
        const std::string s = text.toStdString();
        QStringList got;
        for (const auto &t : tokenize(s))
            got << QString::fromStdString(t.text);
        QCOMPARE(got, tokens);
    }

    void tokenKindsAndOffsets()
    {
        const std::string s = "Naïve cats don't count 42!";
        const auto t = tokenize(s);
        QCOMPARE(texts(t), (std::vector<std::string>{"naive", "cats", "do", "not", "count", "42", "!"}));
        QCOMPARE(s.substr(t[0].begin, t[0].end - t[0].begin), std::string("Naïve"));
        QCOMPARE(s.substr(t[2].begin, t[2].end - t[2].begin), std::string("do"));
        QCOMPARE(s.substr(t[3].begin, t[3].end - t[3].begin), std::string("n't"));
        QCOMPARE(t[5].kind, Token::Number);
        QCOMPARE(t[6].kind, Token::Punct);
        QVERIFY(t[1].word());
        // Invalid UTF-8 is an error of the text loader; here it just becomes a symbol token.
        QCOMPARE(tokenize(std::string("ab\xc3")).size(), std::size_t(2));
    }

    void weightsFollowZipf()
    {
        SifEmbedder e(tiny_);
        const QJsonArray w = expected_["weights"].toArray();
        for (int i = 0; i < 20; ++i)
            QVERIFY(std::abs(e.wordWeight(i) - w[i].toDouble()) < 1e-6);
        QVERIFY(e.wordWeight(0) < e.wordWeight(19)); // frequent words weigh less
        SifOptions plain;
        plain.weighted = false;
        QCOMPARE(SifEmbedder(tiny_, plain).wordWeight(0), 1.0f);
    }

    void sifMatchesReference()
    {
        SifOptions o;
        o.threads = 1;
        SifEmbedder e(tiny_, o);
        const QJsonObject sif = expected_["sif"].toObject();
        std::vector<std::string> in;
        for (auto it = sif.begin(); it != sif.end(); ++it)
            in.push_back(it.key().toStdString());
        auto r = e.embed(in);
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        QCOMPARE(r->vectors.rows(), Eigen::Index(in.size()));
        QCOMPARE(r->vectors.cols(), Eigen::Index(4));
        int row = 0;
        for (auto it = sif.begin(); it != sif.end(); ++it, ++row) {
            const QJsonArray ref = it.value().toArray();
            for (int d = 0; d < 4; ++d)
                QVERIFY2(std::abs(r->vectors(row, d) - ref[d].toDouble()) < 1e-5,
                         qPrintable(it.key() + " dim " + QString::number(d)));
            // sentenceVector() is the same computation for one text.
            const RowVector one = e.sentenceVector(in[std::size_t(row)]);
            QVERIFY((one - r->vectors.row(row)).norm() < 1e-6);
        }
        // "doesn't sleep": "does" and "sleep" are not in the tiny vocabulary.
        QCOMPARE(r->stats.unknownTokens, std::int64_t(2));
        QVERIFY(!r->warnings.empty());
        QVERIFY(QString::fromStdString(r->warnings.back()).contains("does"));
    }

    void noKnownWordGetsUnknownVector()
    {
        SifEmbedder e(tiny_);
        auto r = e.embed({"the cat", "Zebras juggle oranges!", "xylophone"});
        QVERIFY(r.ok());
        QCOMPARE(r->stats.unknownTokens, std::int64_t(4));
        // The unknown vector (projected), never zero, plus a warning naming the row.
        std::vector<float> unk(e.model().unknownVector(), e.model().unknownVector() + 4);
        e.project(unk.data());
        for (int d = 0; d < 4; ++d) {
            QCOMPARE(r->vectors(1, d), unk[std::size_t(d)]);
            QCOMPARE(r->vectors(2, d), unk[std::size_t(d)]);
        }
        QVERIFY(r->vectors.row(1).norm() > 0);
        bool row2 = false, row3 = false;
        for (const auto &w : r->warnings) {
            row2 |= w.rfind("row 2: no known word in \"Zebras juggle oranges!\"", 0) == 0;
            row3 |= w.rfind("row 3: no known word", 0) == 0;
        }
        QVERIFY(row2 && row3);
        QVERIFY(e.analyze("xylophone").usedUnknownVector);
    }

    void fallbacksForUnknownTokens()
    {
        SifEmbedder e(tiny_);
        // A hyphenated word missing from the vocabulary falls back to its known parts.
        const std::string text = "Xyzzy-cat naps";
        const SentenceAnalysis a = e.analyze(text);
        QCOMPARE(a.words.size(), std::size_t(2));
        QCOMPARE(a.words[0].text, std::string("cat"));
        QCOMPARE(text.substr(a.words[0].begin, a.words[0].end - a.words[0].begin), std::string("cat"));
        QCOMPARE(a.unknownWords, std::vector<std::string>{"xyzzy"});
        QVERIFY(!a.usedUnknownVector);
        // Coefficients are SIF weights over the number of known words.
        QVERIFY(std::abs(a.words[1].coefficient - e.wordWeight(e.findWord("naps")) / 2) < 1e-7);
        // One-letter words, numbers and punctuation are left out, and not counted unknown.
        auto r = e.embed({"a cat, 42 cats?"});
        QVERIFY(r.ok());
        QCOMPARE(r->stats.unknownTokens, std::int64_t(1)); // "cats"
    }

    void emptyTextIsAnError()
    {
        SifEmbedder e(tiny_);
        auto r = e.embed({"the cat", "  \t", "the mat"});
        QVERIFY(!r.ok());
        QCOMPARE(r.error().message, std::string("row 2: empty text"));
        auto none = e.embed({});
        QVERIFY(none.ok());
        QCOMPARE(none->vectors.rows(), Eigen::Index(0));
    }

    void cancellation()
    {
        SifEmbedder e(tiny_);
        std::stop_source stop;
        stop.request_stop();
        auto r = e.embed(syntheticSentences(5000), {}, stop.get_token());
        QVERIFY(!r.ok());
        QVERIFY(r.error().cancelled);
    }

    void progressReachesOne()
    {
        SifEmbedder e(tiny_);
        double last = 0;
        int calls = 0;
        auto r = e.embed(syntheticSentences(3000), [&](double f, std::string_view) {
            QVERIFY(f >= last);
            last = f;
            ++calls;
        });
        QVERIFY(r.ok());
        QCOMPARE(last, 1.0);
        QVERIFY(calls >= 2);
    }

    void explainSumsToCosine()
    {
        SifEmbedder e(tiny_);
        const std::vector<std::string> in{"The cat sleeps on the mat.", "A kitten naps on the rug"};
        auto r = e.embed(in);
        QVERIFY(r.ok());
        auto ex = e.explainSimilarity(in[0], in[1]);
        QVERIFY(ex.ok());
        double sum = 0;
        for (const auto &p : ex->pairs)
            sum += p.contribution;
        QVERIFY(std::abs(sum - ex->cosine) < 1e-5);
        QVERIFY(std::abs(ex->cosine - cosine(r->vectors, 0, 1)) < 1e-5);
        QCOMPARE(ex->pairs.size(), ex->a.words.size() * ex->b.words.size());
        QCOMPARE(ex->a.words.size(), std::size_t(6));
        double totalA = 0;
        for (double t : ex->wordTotalsA)
            totalA += t;
        QVERIFY(std::abs(totalA - ex->cosine) < 1e-5);
        for (std::size_t k = 1; k < ex->pairs.size(); ++k)
            QVERIFY(ex->pairs[k - 1].contribution >= ex->pairs[k].contribution);
        // Word byte ranges point into the original text.
        const auto &w = ex->a.words[1];
        QCOMPARE(in[0].substr(w.begin, w.end - w.begin), std::string("cat"));
    }

    void datasetComponentOption()
    {
        SifOptions o;
        o.removeDatasetComponent = true;
        SifEmbedder e(tiny_, o);
        const auto in = syntheticSentences(700);
        auto r = e.embed(in);
        QVERIFY(r.ok());
        QCOMPARE(e.lastDatasetComponent().size(), std::size_t(4));
        QVERIFY(QString::fromStdString(e.id()).endsWith(":dataset-component"));
        // The removed direction is gone from every vector.
        for (int i = 0; i < 700; ++i) {
            double dot = 0;
            for (int d = 0; d < 4; ++d)
                dot += r->vectors(i, d) * e.lastDatasetComponent()[std::size_t(d)];
            QVERIFY(std::abs(dot) < 1e-5);
        }
        auto ex = e.explainSimilarity(in[0], in[1], e.lastDatasetComponent());
        QVERIFY(ex.ok());
        QVERIFY(std::abs(ex->cosine - cosine(r->vectors, 0, 1)) < 1e-5);
        // makeEmbedder passes the option through the spec.
        EmbedderSpec spec;
        spec.modelPath = tiny_->path();
        spec.removeDatasetComponent = true;
        auto made = makeEmbedder(spec);
        QVERIFY(made.ok());
        QCOMPARE((*made)->id(), e.id());
    }

    void deterministicAcrossThreadCounts()
    {
        auto model = realModel() ? realModel() : tiny_;
        const auto in = syntheticSentences(20000);
        Matrix first;
        for (int threads : {1, 2, 3, 8}) {
            for (bool dsc : {false, true}) {
                SifOptions o;
                o.threads = threads;
                o.removeDatasetComponent = dsc;
                SifEmbedder e(model, o);
                auto r = e.embed(in);
                QVERIFY(r.ok());
                if (!dsc && threads == 1) {
                    first = r->vectors;
                } else if (!dsc) {
                    QVERIFY(r->vectors == first); // bit-identical
                }
                static Matrix firstDsc;
                if (dsc && threads == 1)
                    firstDsc = r->vectors;
                else if (dsc)
                    QVERIFY(r->vectors == firstDsc);
            }
        }
    }

    void idNamesModelAndChecksum()
    {
        SifEmbedder e(tiny_);
        QCOMPARE(e.id(), "local:glove-100d:" + tiny_->checksumHex() + ":sif-a=0.0002");
        QVERIFY(!e.isRemote());
        QCOMPARE(e.dimensions(), 4);
        QCOMPARE(e.estimate({"a", "b"}).texts, std::int64_t(0));
    }

    void semanticTriplets_data()
    {
        QTest::addColumn<QString>("anchor");
        QTest::addColumn<QString>("closer");
        QTest::addColumn<QString>("farther");
        QTest::newRow("cat") << "The cat sleeps on the mat" << "A kitten naps on the rug"
                             << "Stock markets fell sharply today";
        QTest::newRow("markets") << "Stock markets fell sharply today"
                                 << "Shares dropped as investors sold their holdings"
                                 << "A kitten naps on the rug";
        QTest::newRow("weather") << "Heavy rain and strong winds are expected tomorrow"
                                 << "The forecast warns of storms and showers"
                                 << "She scored twice in the football final";
        QTest::newRow("sport") << "The striker scored a late goal to win the match"
                               << "Our team won the championship game last night"
                               << "Bake the bread in a hot oven for forty minutes";
        QTest::newRow("food") << "Add garlic and onions to the pan and fry gently"
                              << "This soup recipe needs fresh vegetables and herbs"
                              << "The central bank raised interest rates again";
        QTest::newRow("negation keeps topic") << "I don't like cold winters"
                                              << "Winter weather here is freezing"
                                              << "The software update fixed the login bug";
        QTest::newRow("computing") << "The program crashed because of a memory leak"
                                   << "Developers fixed the software bug in the code"
                                   << "The orchestra played a beautiful symphony";
    }

    void semanticTriplets()
    {
        QFETCH(QString, anchor);
        QFETCH(QString, closer);
        QFETCH(QString, farther);
        REQUIRE_REAL_MODEL(model);
        SifEmbedder e(model);
        auto r = e.embed({anchor.toStdString(), closer.toStdString(), farther.toStdString()});
        QVERIFY(r.ok());
        const double near = cosine(r->vectors, 0, 1), far = cosine(r->vectors, 0, 2);
        QVERIFY2(near > far, qPrintable(QString("cos(anchor, closer) = %1 <= cos(anchor, farther) = %2")
                                            .arg(near).arg(far)));
    }

    void realModelExplainAndUnknowns()
    {
        REQUIRE_REAL_MODEL(model);
        SifEmbedder e(model);
        auto ex = e.explainSimilarity("The cat sleeps on the mat", "A kitten naps on the rug");
        QVERIFY(ex.ok());
        double sum = 0;
        for (const auto &p : ex->pairs)
            sum += p.contribution;
        QVERIFY(std::abs(sum - ex->cosine) < 1e-5);
        // The strongest pair is a semantic one, not a stop word.
        const auto &top = ex->pairs.front();
        const std::string pair = ex->a.words[std::size_t(top.a)].text + "-" + ex->b.words[std::size_t(top.b)].text;
        QVERIFY2(pair == "cat-kitten" || pair == "sleeps-naps" || pair == "mat-rug", pair.c_str());

        auto r = e.embed({"Qwzxv blorptang", "the cat"});
        QVERIFY(r.ok());
        QCOMPARE(r->stats.unknownTokens, std::int64_t(2));
        QVERIFY(r->vectors.row(0).norm() > 0.1f);
        QVERIFY(QString::fromStdString(r->warnings.front()).startsWith("row 1: no known word"));
        // One-letter words and numbers are not counted as unknown.
        auto counts = e.embed({"I saw a cat 3 times in 2024"});
        QVERIFY(counts.ok());
        QCOMPARE(counts->stats.unknownTokens, std::int64_t(0));
    }
};

ES_TEST_GUILESS_MAIN(TestSif)
#include "tst_sif.moc"
