// Exact k-NN: identical to brute force (cosine and Euclidean), to the NumPy fixture, on any
// thread count and with either tile kernel (BLAS, AVX-512); exact ties across tiles;
// queries against another set; bad input; cancellation.
#include "analysis/dense.h"
#include "analysis/neighbors.h"
#include "data/analysis/fixture_io.h"

#include <QtTest>
#include "tools/testmain.h"

#include <algorithm>
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
