// Tests of the lexical (TF-IDF words + bigrams, hashed) and hybrid (GloVe-SIF + TF-IDF)
// embedders: unit rows, IDF fitted on the data set (and the id says so), rare shared words
// weigh more than common ones, bigrams, placeholders for texts without words, the factory
// names "lexical" and "hybrid", and the hybrid's cosine as the weighted mean of its parts.
#include "embed/factory.h"
#include "embed/lexical/lexical_embedder.h"

#include <QtTest>
#include "tools/testmain.h"

#include <cstdlib>

using namespace es;
using namespace es::lexical;

namespace {

double cosine(const Matrix &m, int i, int j)
{
    return double(m.row(i).dot(m.row(j))) / (double(m.row(i).norm()) * double(m.row(j).norm()));
}

} // namespace

class TestLexical : public QObject {
    Q_OBJECT
private slots:
    void unitRowsAndIdentity()
    {
        TfidfEmbedder e;
        const std::vector<std::string> texts{"The cat sat on the mat.", "the CAT sat on the mat",
                                             "Dogs chase cats in the park", "Stock markets fell sharply today"};
        auto r = e.embed(texts);
        QVERIFY(r.ok());
        QCOMPARE(r->vectors.rows(), Eigen::Index(4));
        QCOMPARE(r->vectors.cols(), Eigen::Index(4096));
        QCOMPARE(e.dimensions(), 4096);
        for (int i = 0; i < 4; ++i)
            QVERIFY(std::abs(r->vectors.row(i).norm() - 1.0f) < 1e-5f);
        QVERIFY(cosine(r->vectors, 0, 1) > 0.9999); // case and punctuation do not matter
        QVERIFY(std::abs(cosine(r->vectors, 0, 3)) < 0.05);
        QVERIFY(!e.isRemote());
        // Deterministic.
        TfidfEmbedder e2;
        QCOMPARE(e2.embed(texts)->vectors, r->vectors);
    }

    void idfFromTheDataSet()
    {
        TfidfEmbedder e;
        // "the" is in every text, "zebra" in two: sharing zebra makes texts closer than sharing "the".
        const std::vector<std::string> texts{"the zebra runs", "the zebra sleeps", "the lion runs fast",
                                             "the eagle flies", "the shark swims"};
        auto r = e.embed(texts);
        QVERIFY(r.ok());
        QVERIFY(cosine(r->vectors, 0, 1) > cosine(r->vectors, 3, 4));
        const auto terms = e.terms("the zebra");
        QCOMPARE(terms.front().text, std::string("zebra"));
        bool bigram = false;
        for (const auto &t : terms)
            bigram = bigram || t.text == "the zebra";
        QVERIFY(bigram);
        // The vectors and the id depend on the data set.
        const std::string id1 = e.id();
        QVERIFY(id1.find(":data=") != std::string::npos);
        auto r2 = e.embed({"the zebra runs", "the zebra sleeps", "a zebra"});
        QVERIFY(r2.ok());
        QVERIFY(e.id() != id1);
        QVERIFY((r2->vectors.row(0) - r->vectors.row(0)).norm() > 1e-3f);
        QVERIFY(TfidfEmbedder::isDatasetDependent());
        QCOMPARE(datasetHash({"ab", "c"}) == datasetHash({"a", "bc"}), false);
    }

    void bigramsCarryWordOrder()
    {
        TfidfOptions uni;
        uni.bigrams = false;
        TfidfEmbedder a, b(uni);
        const std::vector<std::string> texts{"new york city", "york new city", "paris"};
        QVERIFY(cosine(a.embed(texts)->vectors, 0, 1) < 0.999);
        QVERIFY(cosine(b.embed(texts)->vectors, 0, 1) > 0.9999);
        QVERIFY(b.id() != a.id());
    }

    void textsWithoutWordsAndBadInput()
    {
        TfidfEmbedder e;
        auto r = e.embed({"hello world", "!!!", "???"});
        QVERIFY(r.ok());
        QCOMPARE(int(r->warnings.size()), 2);
        QVERIFY(r->warnings[0].find("row 2") != std::string::npos);
        QVERIFY(r->vectors.row(1).norm() > 0.99f);
        QVERIFY(cosine(r->vectors, 1, 2) > 0.9999);
        auto bad = e.embed({"fine", "  "});
        QVERIFY(!bad.ok());
        QVERIFY(bad.error().message.find("row 2") != std::string::npos);
        std::stop_source stop;
        stop.request_stop();
        auto c = e.embed({"a text"}, {}, stop.get_token());
        QVERIFY(!c.ok() && c.error().cancelled);
        QVERIFY(e.embed({})->vectors.rows() == 0);
    }

    void factoryProviders()
    {
        EmbedderSpec spec;
        spec.provider = "lexical";
        spec.dimensions = 1024;
        auto e = makeEmbedder(spec);
        QVERIFY2(e.ok(), e.ok() ? "" : e.error().message.c_str());
        QCOMPARE((*e)->dimensions(), 1024);
        QVERIFY((*e)->id().rfind("lexical:", 0) == 0);
        spec.provider = "hybrid";
        spec.modelPath = "/nonexistent/model.esm";
        auto h = makeEmbedder(spec);
        QVERIFY(!h.ok());
    }

    void hybridIsWeightedMeanOfParts()
    {
        const char *model = std::getenv("EMBEDSCOPE_MODEL");
        if (!model || !*model) {
            if (const char *req = std::getenv("EMBEDSCOPE_REQUIRE_MODEL"); req && std::string(req) == "1")
                QFAIL("EMBEDSCOPE_MODEL is not set");
            QSKIP("EMBEDSCOPE_MODEL is not set");
        }
        EmbedderSpec spec;
        spec.provider = "hybrid";
        spec.modelPath = model;
        auto h = makeEmbedder(spec);
        QVERIFY2(h.ok(), h.ok() ? "" : h.error().message.c_str());
        spec.provider = "local";
        auto g = makeEmbedder(spec);
        QVERIFY(g.ok());
        TfidfEmbedder t;
        const std::vector<std::string> texts{"The striker scored a late goal", "A goal in the final minute",
                                             "Bake the bread for an hour", "The oven was too hot"};
        auto rh = (*h)->embed(texts), rg = (*g)->embed(texts), rt = t.embed(texts);
        QVERIFY(rh.ok() && rg.ok() && rt.ok());
        QCOMPARE((*h)->dimensions(), (*g)->dimensions() + 4096);
        QCOMPARE(rh->vectors.cols(), Eigen::Index((*h)->dimensions()));
        for (int i = 0; i < 4; ++i) {
            QVERIFY(std::abs(rh->vectors.row(i).norm() - 1.0f) < 1e-4f);
            for (int j = 0; j < 4; ++j) {
                const double expected = 0.5 * cosine(rg->vectors, i, j) + 0.5 * cosine(rt->vectors, i, j);
                QVERIFY(std::abs(cosine(rh->vectors, i, j) - expected) < 1e-5);
            }
        }
        QVERIFY((*h)->id().rfind("hybrid:", 0) == 0);
        QVERIFY((*h)->id().find("local:") != std::string::npos);
    }
};

ES_TEST_GUILESS_MAIN(TestLexical)
#include "tst_lexical.moc"
