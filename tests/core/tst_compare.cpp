// Tests of model comparison (Procrustes against scipy, silhouette against scikit-learn,
// neighbour overlap, leave-one-out k-NN accuracy; a model that is a rotation of another
// gives overlap 1 and disparity 0) and of the leave-one-word-out estimate on a toy embedder.
#include "doctor/compare.h"
#include "doctor/explain.h"
#include "doctor/model_spec.h"

#include <nlohmann/json.hpp>

#include <numeric>
#include <algorithm>
#include <QtTest>
#include "tools/testmain.h"

#include <Eigen/QR>

#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>

using namespace es;
using namespace es::doctor;

namespace {

Matrix fromJson(const nlohmann::json &rows)
{
    Matrix m(Eigen::Index(rows.size()), Eigen::Index(rows[0].size()));
    for (std::size_t r = 0; r < rows.size(); ++r)
        for (std::size_t c = 0; c < rows[r].size(); ++c)
            m(Eigen::Index(r), Eigen::Index(c)) = rows[r][c].get<float>();
    return m;
}

nlohmann::json reference()
{
    std::ifstream in(EMBEDSCOPE_TEST_DATA "/doctor/compare_reference.json");
    return nlohmann::json::parse(in);
}

// Labelled clusters in 16-D.
Matrix clustered(int n, std::vector<std::string> &labels, unsigned seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> g(0.0f, 1.0f);
    Matrix centres(4, 16);
    for (Eigen::Index i = 0; i < centres.size(); ++i)
        centres.data()[i] = g(rng);
    Matrix x(n, 16);
    labels.clear();
    for (int i = 0; i < n; ++i) {
        const int c = i % 4;
        for (int j = 0; j < 16; ++j)
            x(i, j) = centres(c, j) + 0.7f * g(rng);
        labels.push_back(std::string(1, char('a' + c))); // -Wrestrict false positive (GCC 12) on "c" + to_string
    }
    return x;
}

// Toy embedder: bag of words over a fixed vocabulary, one dimension per word.
class BagOfWords final : public Embedder {
public:
    std::string id() const override { return "toy:bow"; }
    std::string displayName() const override { return "toy"; }
    int dimensions() const override { return 8; }
    bool isRemote() const override { return true; }
    Result<EmbedResult> embed(const std::vector<std::string> &texts, const Progress &, std::stop_token) override
    {
        static const std::map<std::string, int> vocab{{"apple", 0}, {"banana", 1}, {"cherry", 2}, {"the", 3},
                                                      {"red", 4}, {"green", 5}, {"is", 6}};
        EmbedResult r;
        r.vectors = Matrix::Zero(Eigen::Index(texts.size()), 8);
        for (std::size_t i = 0; i < texts.size(); ++i) {
            std::istringstream words(texts[i]);
            std::string w;
            while (words >> w) {
                auto it = vocab.find(w);
                r.vectors(Eigen::Index(i), it == vocab.end() ? 7 : it->second) += 1;
            }
            ++calls;
        }
        return r;
    }
    int calls = 0;
};

} // namespace

class TestCompare : public QObject {
    Q_OBJECT
private slots:
    void procrustesMatchesScipy()
    {
        const auto ref = reference()["procrustes"];
        auto r = procrustes(fromJson(ref["a"]), fromJson(ref["b"]));
        QVERIFY(r.ok());
        QVERIFY2(std::abs(r->disparity - ref["disparity"].get<double>()) < 1e-5,
                 qPrintable(QString::number(r->disparity)));
        // Swapping the roles gives the same disparity (symmetric after standardising).
        auto s = procrustes(fromJson(ref["b"]), fromJson(ref["a"]));
        QVERIFY(std::abs(s->disparity - r->disparity) < 1e-5);
        QVERIFY(!procrustes(Matrix::Zero(3, 2), Matrix::Random(3, 2)).ok());
        QVERIFY(!procrustes(Matrix::Random(3, 2), Matrix::Random(4, 2)).ok());
    }

    void silhouetteMatchesSklearn()
    {
        const auto ref = reference()["silhouette"];
        const auto labels = ref["labels"].get<std::vector<std::string>>();
        auto s = silhouetteByLabel(fromJson(ref["x"]), labels);
        QVERIFY(s.ok());
        QVERIFY2(std::abs(*s - ref["value"].get<double>()) < 1e-5, qPrintable(QString::number(*s)));
        // A sample of 30 rows (seed 3) is the mean of scikit-learn's per-row silhouettes
        // (silhouette_samples) over exactly those rows, each scored against all 40: the
        // rows are drawn as silhouetteByLabel documents it (mt19937_64 shuffle, first 30).
        auto sampled = silhouetteByLabel(fromJson(ref["x"]), labels, 30, 3);
        const auto perRow = ref["samples"].get<std::vector<double>>();
        std::vector<int> order(labels.size());
        std::iota(order.begin(), order.end(), 0);
        std::mt19937_64 rng(3);
        std::shuffle(order.begin(), order.end(), rng);
        double expected = 0;
        for (int r = 0; r < 30; ++r)
            expected += perRow[std::size_t(order[std::size_t(r)])];
        expected /= 30;
        QVERIFY2(std::abs(*sampled - expected) < 1e-5, qPrintable(QString("%1 vs %2").arg(*sampled).arg(expected)));
        QVERIFY(std::abs(expected - *s) > 1e-4); // a real sample, not the full set
        QVERIFY(std::isnan(*silhouetteByLabel(fromJson(ref["x"]), std::vector<std::string>(40, "one"))));
    }

    void overlapAndAccuracyByHand()
    {
        analysis::Neighbors a, b;
        a.k = b.k = 2;
        // 4 items: neighbour lists differ for items 0 and 3 (one of two shared).
        a.index = {1, 2, 0, 2, 0, 1, 0, 1};
        b.index = {1, 3, 0, 2, 0, 1, 2, 0};
        a.similarity = b.similarity = std::vector<float>(8, 0.5f);
        const auto o = neighbourOverlap(a, b);
        QCOMPARE(o, (std::vector<double>{0.5, 1.0, 1.0, 0.5}));
        // Labels x x y y: item 0 -> {x, y} tie broken by the nearer (x): right; item 1 -> {x, y}: x right;
        // item 2 -> {x, x}: wrong; item 3 -> {x, x}: wrong.
        a.similarity = {0.9f, 0.8f, 0.9f, 0.8f, 0.9f, 0.8f, 0.9f, 0.8f};
        const double acc = knnLabelAccuracy(a, {"x", "x", "y", "y"}, 2);
        QCOMPARE(acc, 0.5);
        QVERIFY(std::isnan(knnLabelAccuracy(a, {"x", "x", "x", "x"}, 2)));
        // Unlabelled rows neither vote nor count: 0 -> {y} wrong, 2 -> {x} wrong, 3 -> {x} wrong;
        // with labels x "" x y: 0 -> {x} right, 2 -> {x} right, 3 -> {x} wrong.
        QCOMPARE(knnLabelAccuracy(a, {"x", "", "y", "y"}, 2), 0.0);
        QCOMPARE(knnLabelAccuracy(a, {"x", "", "x", "y"}, 2), 2.0 / 3.0);
    }

    void rotatedModelIsTheSame()
    {
        std::vector<std::string> labels;
        const Matrix a = clustered(200, labels, 5);
        std::mt19937 rng(9);
        std::normal_distribution<float> g(0.0f, 1.0f);
        Eigen::MatrixXf m(16, 16);
        for (Eigen::Index i = 0; i < m.size(); ++i)
            m.data()[i] = g(rng);
        const Eigen::MatrixXf q = Eigen::HouseholderQR<Eigen::MatrixXf>(m).householderQ();
        const Matrix b = (a * q) * 2.5f;
        auto r = compareEmbeddings(a, b, labels);
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        QCOMPARE(r->k, 10);
        for (double o : r->overlap)
            QCOMPARE(o, 1.0);
        QCOMPARE(r->meanOverlap, 1.0);
        QVERIFY2(r->procrustesDisparity < 1e-6, qPrintable(QString::number(r->procrustesDisparity)));
        QVERIFY(std::abs(r->summaryA.knnAccuracy - r->summaryB.knnAccuracy) < 1e-12);
        QVERIFY(std::abs(r->summaryA.silhouette - r->summaryB.silhouette) < 1e-4);
        QVERIFY(r->summaryA.knnAccuracy > 0.9);
        QVERIFY(r->summaryA.silhouette > 0.2);
        QCOMPARE(r->projectionA.rows(), Eigen::Index(200));
        QCOMPARE(r->projectionB.cols(), Eigen::Index(2));
        QVERIFY((r->projectionA - r->projectionB).norm() < 1e-3);
    }

    void differentModelsChangeNeighbourhoods()
    {
        std::vector<std::string> labels;
        const Matrix a = clustered(120, labels, 1);
        Matrix b = a;
        // Model B scrambles the first 20 items (random vectors): they must come first.
        std::mt19937 rng(4);
        std::normal_distribution<float> g(0.0f, 1.0f);
        for (int i = 0; i < 20; ++i)
            for (int j = 0; j < 16; ++j)
                b(i, j) = 3 * g(rng);
        auto r = compareEmbeddings(a, b, labels);
        QVERIFY(r.ok());
        QVERIFY(r->meanOverlap < 0.95);
        std::set<int> first(r->order.begin(), r->order.begin() + 20);
        int scrambledFirst = 0;
        for (int i = 0; i < 20; ++i)
            scrambledFirst += first.count(i) ? 1 : 0;
        QVERIFY2(scrambledFirst >= 18, qPrintable(QString::number(scrambledFirst)));
        for (std::size_t i = 1; i < r->order.size(); ++i)
            QVERIFY(r->overlap[std::size_t(r->order[i - 1])] <= r->overlap[std::size_t(r->order[i])]);
        QVERIFY(r->summaryB.knnAccuracy < r->summaryA.knnAccuracy);
        QVERIFY(r->procrustesDisparity > 1e-4);
        // Mismatched rows and cancellation.
        QVERIFY(!compareEmbeddings(a, b.topRows(10), labels).ok());
        std::stop_source stop;
        stop.request_stop();
        auto c = compareEmbeddings(a, b, labels, {}, {}, stop.get_token());
        QVERIFY(!c.ok() && c.error().cancelled);
    }

    void leaveOneWordOutOnToyEmbedder()
    {
        BagOfWords toy;
        auto e = leaveOneWordOut(toy, "apple banana", "apple cherry");
        QVERIFY(e.ok());
        QVERIFY(LeaveOneOutEstimate::isEstimate);
        QCOMPARE(e->textsEmbedded, 6); // both texts and four variants, one call
        QVERIFY(std::abs(e->cosine - 0.5) < 1e-6);
        QCOMPARE(int(e->a.size()), 2);
        QCOMPARE(e->a[0].word, std::string("apple"));
        QCOMPARE(e->a[0].begin, std::size_t(0));
        QCOMPARE(e->a[0].end, std::size_t(5));
        // Removing the shared word leaves nothing in common: it carried all of the similarity.
        QVERIFY(std::abs(e->a[0].cosineWithout - 0.0) < 1e-6);
        QVERIFY(std::abs(e->a[0].influence - 0.5) < 1e-6);
        // Removing an unshared word makes them more alike: it pulled them apart.
        QVERIFY(std::abs(e->a[1].cosineWithout - std::sqrt(0.5)) < 1e-6);
        QVERIFY(e->a[1].influence < 0);
        QVERIFY(e->b[1].influence < 0);
        QCOMPARE(e->b[1].word, std::string("cherry"));
        // A one-word text: its word cannot be removed.
        e = leaveOneWordOut(toy, "apple", "the red apple");
        QVERIFY(e.ok());
        QVERIFY(e->a[0].skipped);
        QCOMPARE(int(e->b.size()), 3);
        QVERIFY(e->b[2].influence > 0.5);
        QVERIFY(e->b[0].influence < 0 && e->b[1].influence < 0);
    }

    // MODEL strings: the base URL after the first '@' must be http(s) with a host (else
    // the spec once fell back to the public OpenAI endpoint), and a provider that needs a
    // model says how to name it in the spec.
    void modelSpecs()
    {
        auto ok = parseModelSpec("ollama:nomic-embed-text:latest@http://u:p@127.0.0.1:11434");
        QVERIFY2(ok, ok ? "" : ok.error().message.c_str());
        QCOMPARE(ok->provider, std::string("ollama"));
        QCOMPARE(ok->model, std::string("nomic-embed-text:latest"));
        QCOMPARE(ok->baseUrl, std::string("http://u:p@127.0.0.1:11434"));
        QVERIFY(parseModelSpec("tei"));
        QVERIFY(parseModelSpec("openai:text-embedding-3-small"));
        QVERIFY(parseModelSpec("azure@https://r.openai.azure.com/openai/deployments/d"));
        for (const char *bad : {"openai:m@127.0.0.1:40911/v1", "openai:m@ftp://127.0.0.1:40911/v1",
                                "openai:m@file:///etc", "openai:m@", "openai:m@http://", "tei@localhost:8080",
                                "openai:m@https://:443/v1"}) {
            auto r = parseModelSpec(bad);
            QVERIFY2(!r, bad);
            QVERIFY2(r.error().message.find("base URL") != std::string::npos, r.error().message.c_str());
        }
        auto pw = parseModelSpec("openai:m@ftp://user:PASSWORD99@host/v1");
        QVERIFY(!pw && pw.error().message.find("PASSWORD99") == std::string::npos);
        auto noModel = parseModelSpec("openai@http://127.0.0.1:1/v1");
        QVERIFY(!noModel);
        QVERIFY2(noModel.error().message.find("openai:MODEL@") != std::string::npos, noModel.error().message.c_str());
        QVERIFY(noModel.error().message.find("--model") == std::string::npos);
        auto azure = parseModelSpec("azure");
        QVERIFY(!azure && azure.error().message.find("azure@https://") != std::string::npos);
    }
};

ES_TEST_GUILESS_MAIN(TestCompare)
#include "tst_compare.moc"
