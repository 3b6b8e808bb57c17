// Exact k-NN: identical to brute force (cosine and Euclidean), to the NumPy fixture, on any
// thread count and with either tile kernel (BLAS, AVX-512); exact ties across tiles;
// queries against another set; bad input; cancellation. Approximate search (the IVF k-NN join
// for the all-points graph, HNSW for queries against another set): the same result on 1, 2
// and 3 threads and on every kernel, recall@10 >= 0.98 against exact on seeded clusters and
// on the real GloVe vectors ($EMBEDSCOPE_MODEL), cancellation, bad input.
#include "analysis/dense.h"
#include "analysis/neighbors.h"
#include "data/analysis/fixture_io.h"
#include "embed/local/model_file.h"

#include <QtTest>
#include "tools/testmain.h"

#include <algorithm>
#include <filesystem>
#include <numeric>
#include <random>

using namespace es;
using namespace es::analysis;

namespace {

Matrix randomMatrix(int n, int d, std::uint64_t seed)
{
    std::mt19937_64 eng(seed);
    std::normal_distribution<float> g;
    Matrix x(n, d);
    for (Eigen::Index i = 0; i < x.size(); ++i)
        x.data()[i] = g(eng);
    return x;
}

// Brute force in double: the k best rows of `base` for query row i (excluding `self`).
std::vector<int> brute(const Matrix &q, const Matrix &base, int i, int k, Metric m, int self)
{
    std::vector<double> score(base.rows());
    const Eigen::VectorXd a = q.row(i).cast<double>().transpose();
    for (Eigen::Index j = 0; j < base.rows(); ++j) {
        const Eigen::VectorXd b = base.row(j).cast<double>().transpose();
        score[j] = m == Metric::Cosine ? a.dot(b) / (a.norm() * b.norm()) : -(a - b).squaredNorm();
    }
    std::vector<int> idx(base.rows());
    std::iota(idx.begin(), idx.end(), 0);
    if (self >= 0)
        idx.erase(idx.begin() + self);
    std::partial_sort(idx.begin(), idx.begin() + k, idx.end(),
                      [&](int x, int y) { return score[x] > score[y] || (score[x] == score[y] && x < y); });
    idx.resize(k);
    return idx;
}

Matrix clustered(int n, int d, int centres, std::uint64_t seed)
{
    std::mt19937_64 eng(seed);
    std::normal_distribution<float> g;
    Matrix c(centres, d), x(n, d);
    for (Eigen::Index i = 0; i < c.size(); ++i)
        c.data()[i] = g(eng);
    for (int i = 0; i < n; ++i) {
        const int k = int(eng() % unsigned(centres));
        for (int j = 0; j < d; ++j)
            x(i, j) = c(k, j) + 0.8f * g(eng);
    }
    return x;
}

double recallAt(const Neighbors &exact, const Neighbors &approx)
{
    long hit = 0;
    for (int i = 0; i < exact.rows(); ++i)
        for (int a = 0; a < exact.k; ++a)
            for (int b = 0; b < approx.k; ++b)
                if (approx.at(i, b) == exact.at(i, a)) {
                    ++hit;
                    break;
                }
    return double(hit) / double(exact.index.size());
}

KnnConfig config(int k, NeighborMethod m, Metric metric = Metric::Cosine, int threads = 0)
{
    KnnConfig c;
    c.k = k;
    c.method = m;
    c.metric = metric;
    c.threads = threads;
    return c;
}

} // namespace

class TestNeighbors : public QObject {
    Q_OBJECT
private slots:
    void matchesNumpyFixture()
    {
        const Matrix x = testdata::readCsvF("knn_input.csv");
        const MatrixD idx = testdata::readCsv("knn_index.csv"), sim = testdata::readCsv("knn_similarity.csv");
        auto r = knnCosine(x, 7);
        QVERIFY(r);
        for (int i = 0; i < 150; ++i)
            for (int k = 0; k < 7; ++k) {
                QCOMPARE(r->at(i, k), int(idx(i, k)));
                QVERIFY(std::abs(r->sim(i, k) - sim(i, k)) < 1e-6);
                QVERIFY(std::abs(r->dist(i, k) - (1.0 - sim(i, k))) < 1e-9);
            }
    }

    void identicalToBruteForce_data()
    {
        QTest::addColumn<int>("metric");
        QTest::newRow("cosine") << int(Metric::Cosine);
        QTest::newRow("euclidean") << int(Metric::Euclidean);
    }
    void identicalToBruteForce()
    {
        QFETCH(int, metric);
        // 9 x 9 tiles of 512 rows.
        const Matrix x = randomMatrix(4500, 16, 1);
        KnnConfig c;
        c.k = 9;
        c.metric = Metric(metric);
        Neighbors first;
        for (int threads : {1, 2, 3}) {
            c.threads = threads;
            auto r = knn(x, c);
            QVERIFY(r);
            if (threads == 1) {
                first = *r;
                for (int i = 0; i < 4500; i += 37)
                    QCOMPARE(std::vector<int>(r->index.begin() + i * 9, r->index.begin() + i * 9 + 9),
                             brute(x, x, i, 9, Metric(metric), i));
            } else {
                QVERIFY(r->index == first.index);
                QVERIFY(r->distance == first.distance);
            }
        }
        for (int i = 0; i < 4500; ++i)
            for (int k = 1; k < 9; ++k)
                QVERIFY(first.dist(i, k - 1) <= first.dist(i, k) + 1e-6);
    }

    void tiesAcrossTilesGoToLowerRow()
    {
        // 1,300 rows (3 x 3 tiles) made of 40 directions, each repeated about 32 times:
        // every row's 6 nearest are exact ties (its own direction), met in different tiles
        // and from both sides of the diagonal. Two non-zero entries per direction, so that
        // every float dot product is exact whatever order a BLAS kernel adds in.
        std::mt19937_64 eng(4);
        Matrix dirs = Matrix::Zero(40, 12);
        for (Eigen::Index r = 0; r < 40; ++r) {
            const int a = int(eng() % 12), b = (a + 1 + int(eng() % 11)) % 12;
            dirs(r, a) = float(1 + eng() % 3);
            dirs(r, b) = float(1 + eng() % 3);
        }
        Matrix x(1300, 12);
        for (Eigen::Index i = 0; i < x.rows(); ++i)
            x.row(i) = dirs.row(Eigen::Index(eng() % 40));
        KnnConfig c;
        c.k = 6;
        Neighbors first;
        for (int threads : {1, 2}) {
            c.threads = threads;
            auto r = knn(x, c);
            QVERIFY(r);
            if (threads == 1)
                first = *r;
            else
                QVERIFY(r->index == first.index);
        }
        for (int i = 0; i < 1300; i += 13)
            QCOMPARE(std::vector<int>(first.index.begin() + i * 6, first.index.begin() + i * 6 + 6),
                     brute(x, x, i, 6, Metric::Cosine, i));
    }

    void everyKernelGivesTheSameNeighbours()
    {
        // Odd sizes: partial panels and tiles on both sides. Every dense path that runs here
        // (BLAS, the AVX-512 tile kernel, the portable loops) picks the same neighbours, and
        // their distances, recomputed in double, are identical.
        const Matrix x = randomMatrix(1111, 37, 8), q = randomMatrix(530, 37, 9);
        const dense::Kernel before = dense::kernel();
        KnnConfig c;
        c.k = 7;
        std::vector<Neighbors> self, query;
        for (dense::Kernel kernel : {dense::Kernel::Portable, dense::Kernel::Blas, dense::Kernel::Avx512}) {
            if (!dense::setKernel(kernel)) {
                qInfo("no %s kernel on this machine", dense::kernelName(kernel));
                continue;
            }
            auto a = knn(x, c);
            auto b = knnQuery(q, x, c);
            QVERIFY(a && b);
            self.push_back(*a);
            query.push_back(*b);
        }
        dense::setKernel(before);
        QVERIFY(self.size() >= 2);
        for (std::size_t p = 1; p < self.size(); ++p) {
            QVERIFY(self[0].index == self[p].index);
            QVERIFY(self[0].distance == self[p].distance);
            QVERIFY(query[0].index == query[p].index);
            QVERIFY(query[0].distance == query[p].distance);
        }
        for (int i = 0; i < 1111; i += 11)
            QCOMPARE(std::vector<int>(self[1].index.begin() + i * 7, self[1].index.begin() + i * 7 + 7),
                     brute(x, x, i, 7, Metric::Cosine, i));
    }

    void cancelsWhileRunning()
    {
        std::stop_source s;
        int reports = 0;
        auto r = knnCosine(
            randomMatrix(20000, 4, 6), 5,
            [&](double, std::string_view) {
                ++reports;
                s.request_stop();
            },
            s.get_token());
        QVERIFY(!r && r.error().cancelled);
        QCOMPARE(reports, 1);
    }

    void queriesAgainstAnotherSet()
    {
        // More base and query rows than one tile (512).
        const Matrix base = randomMatrix(1200, 10, 2), q = randomMatrix(600, 10, 3);
        KnnConfig c;
        c.k = 5;
        auto r = knnQuery(q, base, c);
        QVERIFY(r);
        for (int i = 0; i < 600; i += 7)
            QCOMPARE(std::vector<int>(r->index.begin() + i * 5, r->index.begin() + i * 5 + 5),
                     brute(q, base, i, 5, Metric::Cosine, -1));
        QVERIFY(!knnQuery(randomMatrix(5, 9, 1), base, c)); // dimension mismatch
    }

    void tiesGoToLowerRow()
    {
        Matrix x(4, 2);
        x << 1, 0, 1, 0, 1, 0, 0, 1;
        auto r = knnCosine(x, 2);
        QVERIFY(r);
        QCOMPARE(r->at(0, 0), 1);
        QCOMPARE(r->at(0, 1), 2);
        QCOMPARE(r->at(2, 0), 0);
        QCOMPARE(r->at(2, 1), 1);
    }

    void autoChoosesBySize()
    {
        QCOMPARE(resolveNeighborMethod(NeighborMethod::Auto, kApproximateAboveRows), NeighborMethod::Exact);
        QCOMPARE(resolveNeighborMethod(NeighborMethod::Auto, kApproximateAboveRows + 1), NeighborMethod::Approximate);
        // Queries against another set (HNSW) switch later than the all-points graph (IVF join).
        QVERIFY(kApproximateQueryAboveRows > kApproximateAboveRows);
        QCOMPARE(resolveNeighborMethod(NeighborMethod::Auto, kApproximateAboveRows + 1, true), NeighborMethod::Exact);
        QCOMPARE(resolveNeighborMethod(NeighborMethod::Auto, kApproximateQueryAboveRows, true), NeighborMethod::Exact);
        QCOMPARE(resolveNeighborMethod(NeighborMethod::Auto, kApproximateQueryAboveRows + 1, true),
                 NeighborMethod::Approximate);
        QCOMPARE(resolveNeighborMethod(NeighborMethod::Exact, 10'000'000), NeighborMethod::Exact);
        QCOMPARE(resolveNeighborMethod(NeighborMethod::Approximate, 50), NeighborMethod::Approximate);
        auto small = knnCosine(randomMatrix(200, 8, 1), 5);
        QVERIFY(small && !small->approximate);
    }

    void approximateSameOnAnyThreadCountAndKernel_data()
    {
        QTest::addColumn<int>("metric");
        QTest::newRow("cosine") << int(Metric::Cosine);
        QTest::newRow("euclidean") << int(Metric::Euclidean);
    }

    void approximateSameOnAnyThreadCountAndKernel()
    {
        // Large enough for many build batches of up to 4096 rows (batches of several hundred).
        QFETCH(int, metric);
        const Matrix x = clustered(9000, 24, 30, 11);
        std::vector<Neighbors> runs;
        for (int threads : {1, 2, 3}) {
            auto r = knn(x, config(10, NeighborMethod::Approximate, Metric(metric), threads));
            QVERIFY(r);
            QVERIFY(r->approximate);
            runs.push_back(*r);
        }
        const dense::Kernel before = dense::kernel();
        for (dense::Kernel kernel : {dense::Kernel::Portable, dense::Kernel::Blas, dense::Kernel::Avx512}) {
            if (!dense::setKernel(kernel))
                continue;
            auto r = knn(x, config(10, NeighborMethod::Approximate, Metric(metric), 2));
            QVERIFY(r);
            runs.push_back(*r);
        }
        dense::setKernel(before);
        for (std::size_t p = 1; p < runs.size(); ++p) {
            QVERIFY(runs[0].index == runs[p].index);
            QVERIFY(runs[0].distance == runs[p].distance);
            QVERIFY(runs[0].similarity == runs[p].similarity);
        }
        // Best first, ties to the lower row, never the row itself.
        const Neighbors &a = runs[0];
        for (int i = 0; i < a.rows(); ++i)
            for (int r = 0; r < a.k; ++r) {
                QVERIFY(a.at(i, r) != i);
                if (r > 0)
                    QVERIFY(a.dist(i, r - 1) < a.dist(i, r)
                            || (a.dist(i, r - 1) == a.dist(i, r) && a.at(i, r - 1) < a.at(i, r)));
            }
    }

    void approximateRecallOnClusters_data()
    {
        QTest::addColumn<int>("metric");
        QTest::newRow("cosine") << int(Metric::Cosine);
        QTest::newRow("euclidean") << int(Metric::Euclidean);
    }

    void approximateRecallOnClusters()
    {
        QFETCH(int, metric);
        const Matrix x = clustered(8000, 48, 40, 12);
        auto e = knn(x, config(10, NeighborMethod::Exact, Metric(metric)));
        auto a = knn(x, config(10, NeighborMethod::Approximate, Metric(metric)));
        QVERIFY(e && a);
        QVERIFY(!e->approximate && a->approximate);
        const double rec = recallAt(*e, *a);
        qInfo("recall@10 %.4f", rec);
        QVERIFY2(rec >= 0.98, std::to_string(rec).c_str());
        // A neighbour both lists hold has the same distance, computed in double.
        for (int i = 0; i < 8000; i += 37)
            for (int r = 0; r < 10; ++r)
                for (int s = 0; s < 10; ++s)
                    if (a->at(i, r) == e->at(i, s))
                        QCOMPARE(a->dist(i, r), e->dist(i, s));
        // Queries against another set: new points near existing ones.
        Matrix q = randomMatrix(700, 48, 13) * 0.3f;
        for (int i = 0; i < 700; ++i)
            q.row(i) += x.row(i * 11);
        auto eq = knnQuery(q, x, config(10, NeighborMethod::Exact, Metric(metric)));
        auto aq = knnQuery(q, x, config(10, NeighborMethod::Approximate, Metric(metric)));
        QVERIFY(eq && aq && aq->approximate);
        const double recQuery = recallAt(*eq, *aq);
        qInfo("queries: recall@10 %.4f", recQuery);
        QVERIFY2(recQuery >= 0.98, std::to_string(recQuery).c_str());
    }

    void ivfJoinRecallDeterminismAndCancel()
    {
        // The all-points approximate graph (IVF k-NN join): adaptive probing reaches recall@10
        // >= 0.98 on seeded clusters, probing only two cells does visibly worse (the
        // probes are what finds the neighbours), and the result is identical on 1 and 2
        // threads, also with refinement rounds.
        const Matrix x = clustered(12000, 32, 24, 21);
        auto e = knn(x, config(10, NeighborMethod::Exact));
        QVERIFY(e);
        std::vector<Neighbors> runs;
        for (int threads : {1, 2}) {
            auto a = knn(x, config(10, NeighborMethod::Approximate, Metric::Cosine, threads));
            QVERIFY(a && a->approximate);
            runs.push_back(*a);
        }
        QVERIFY(runs[0].index == runs[1].index);
        QVERIFY(runs[0].distance == runs[1].distance);
        QVERIFY(runs[0].similarity == runs[1].similarity);
        const double rec = recallAt(*e, runs[0]);
        qInfo("IVF join recall@10 %.4f", rec);
        QVERIFY2(rec >= 0.98, std::to_string(rec).c_str());

        KnnConfig one = config(10, NeighborMethod::Approximate, Metric::Cosine, 2);
        one.ivfProbes = 2;
        auto narrow = knn(x, one);
        QVERIFY(narrow);
        const double recNarrow = recallAt(*e, *narrow);
        qInfo("two cells probed: recall@10 %.4f", recNarrow);
        QVERIFY2(recNarrow < rec - 0.05, std::to_string(recNarrow).c_str());
        one.ivfRefine = 2; // neighbours of neighbours recover some of it, the same on any thread count
        auto refined = knn(x, one);
        one.threads = 1;
        auto refined1 = knn(x, one);
        QVERIFY(refined && refined1);
        QVERIFY(refined->index == refined1->index);
        const double recRefined = recallAt(*e, *refined);
        qInfo("two cells probed, 2 refinement rounds: recall@10 %.4f", recRefined);
        QVERIFY2(recRefined > recNarrow + 0.02, std::to_string(recRefined).c_str());

        // Euclidean too, and the distances of neighbours both lists hold are the exact ones.
        auto ee = knn(x, config(10, NeighborMethod::Exact, Metric::Euclidean));
        auto ae = knn(x, config(10, NeighborMethod::Approximate, Metric::Euclidean, 2));
        QVERIFY(ee && ae);
        QVERIFY2(recallAt(*ee, *ae) >= 0.98, std::to_string(recallAt(*ee, *ae)).c_str());
        for (int i = 0; i < 12000; i += 53)
            for (int r = 0; r < 10; ++r)
                for (int t = 0; t < 10; ++t)
                    if (ae->at(i, r) == ee->at(i, t))
                        QCOMPARE(ae->dist(i, r), ee->dist(i, t));

        // Cancelled in the join itself (after the partitioning stage, below 10 %).
        std::stop_source s;
        double at = -1;
        auto c = knn(
            x, config(10, NeighborMethod::Approximate, Metric::Cosine, 2),
            [&](double f, std::string_view) {
                if (f > 0.1 && at < 0) {
                    at = f;
                    s.request_stop();
                }
            },
            s.get_token());
        QVERIFY(!c && c.error().cancelled);
        QVERIFY(at > 0.1 && at < 1.0);
    }

    void approximateRecallOnGlove()
    {
        const char *path = std::getenv("EMBEDSCOPE_MODEL");
        if (!path || !std::filesystem::exists(path)) {
            if (qEnvironmentVariable("EMBEDSCOPE_REQUIRE_MODEL") == "1")
                QFAIL("EMBEDSCOPE_REQUIRE_MODEL=1 but $EMBEDSCOPE_MODEL is not set");
            QSKIP("the real model is not available ($EMBEDSCOPE_MODEL)");
        }
        auto m = local::ModelFile::open(path);
        QVERIFY(m);
        const int n = std::min(10000, (*m)->vocabSize()), d = (*m)->dims();
        Matrix x(n, d);
        for (int i = 0; i < n; ++i)
            std::copy((*m)->vector(i), (*m)->vector(i) + d, x.row(i).data());
        auto e = knn(x, config(10, NeighborMethod::Exact));
        auto a = knn(x, config(10, NeighborMethod::Approximate));
        QVERIFY(e && a);
        const double rec = recallAt(*e, *a);
        qInfo("GloVe %d words: recall@10 %.4f", n, rec);
        QVERIFY2(rec >= 0.98, std::to_string(rec).c_str());
    }

    void approximateCancelsAndRefusesBadInput()
    {
        std::stop_source s;
        int reports = 0;
        auto r = knn(
            clustered(20000, 8, 10, 14), config(5, NeighborMethod::Approximate),
            [&](double, std::string_view) {
                ++reports;
                s.request_stop();
            },
            s.get_token());
        QVERIFY(!r && r.error().cancelled);
        QCOMPARE(reports, 1);

        Matrix x = randomMatrix(50, 4, 5);
        x(12, 3) = std::numeric_limits<float>::quiet_NaN();
        auto bad = knn(x, config(3, NeighborMethod::Approximate));
        QVERIFY(!bad);
        QVERIFY2(bad.error().message.find("row 13, column 4") != std::string::npos, bad.error().message.c_str());
        x(12, 3) = 0;
        QVERIFY(knn(x, config(50, NeighborMethod::Approximate)).error().message.find("needs at least 51 rows")
                != std::string::npos);
        x.row(4).setZero();
        QVERIFY(knn(x, config(3, NeighborMethod::Approximate)).error().message.find("row 5 is a zero vector")
                != std::string::npos);
        QVERIFY(knn(x, config(3, NeighborMethod::Approximate, Metric::Euclidean)));
        // Tiny sets still give every row k neighbours.
        auto tiny = knn(randomMatrix(6, 3, 7), config(5, NeighborMethod::Approximate));
        QVERIFY(tiny);
        for (int i = 0; i < 6; ++i) {
            std::vector<int> row(tiny->index.begin() + i * 5, tiny->index.begin() + i * 5 + 5);
            std::sort(row.begin(), row.end());
            QVERIFY(std::adjacent_find(row.begin(), row.end()) == row.end());
        }
    }

    void badInput()
    {
        Matrix x = randomMatrix(20, 4, 5);
        QVERIFY(knnCosine(x, 20).error().message.find("needs at least 21 rows; the input has 20") != std::string::npos);
        QVERIFY(!knnCosine(x, 0));
        x(12, 3) = std::numeric_limits<float>::infinity();
        QVERIFY(knnCosine(x, 3).error().message.find("row 13, column 4 is infinite") != std::string::npos);
        x(12, 3) = 0;
        x.row(4).setZero();
        QVERIFY(knnCosine(x, 3).error().message.find("row 5 is a zero vector") != std::string::npos);
        KnnConfig e;
        e.k = 3;
        e.metric = Metric::Euclidean;
        QVERIFY(knn(x, e));
        std::stop_source s;
        s.request_stop();
        auto r = knnCosine(randomMatrix(100, 4, 1), 3, {}, s.get_token());
        QVERIFY(!r && r.error().cancelled);
    }
};

ES_TEST_GUILESS_MAIN(TestNeighbors)
#include "tst_neighbors.moc"
