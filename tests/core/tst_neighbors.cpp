// Exact k-NN: identical to brute force (cosine and Euclidean), to the NumPy fixture, on any
// thread count; queries against another set; bad input.
#include "analysis/neighbors.h"
#include "data/analysis/fixture_io.h"

#include <QtTest>

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
        // More rows than one block of rows (512) and of columns (4096).
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

    void queriesAgainstAnotherSet()
    {
        const Matrix base = randomMatrix(700, 10, 2), q = randomMatrix(50, 10, 3);
        KnnConfig c;
        c.k = 5;
        auto r = knnQuery(q, base, c);
        QVERIFY(r);
        for (int i = 0; i < 50; ++i)
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

QTEST_GUILESS_MAIN(TestNeighbors)
#include "tst_neighbors.moc"
