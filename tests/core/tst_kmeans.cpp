// k-means: recovers well-separated clusters, is deterministic for a seed, handles bad input.
#include "analysis/kmeans.h"

#include <QtTest>
#include "tools/testmain.h"

#include <random>
#include <set>

using namespace es;
using namespace es::analysis;

namespace {
Matrix blobs(int n, int d, int centres, std::uint64_t seed, std::vector<int> &truth)
{
    std::mt19937_64 eng(seed);
    std::normal_distribution<float> g;
    Matrix c(centres, d), x(n, d);
    for (Eigen::Index i = 0; i < c.size(); ++i)
        c.data()[i] = 10 * g(eng);
    truth.resize(n);
    for (int i = 0; i < n; ++i) {
        truth[i] = i % centres;
        for (int j = 0; j < d; ++j)
            x(i, j) = c(truth[i], j) + 0.3f * g(eng);
    }
    return x;
}
} // namespace

class TestKMeans : public QObject {
    Q_OBJECT
private slots:
    void recoversSeparatedClusters()
    {
        std::vector<int> truth;
        const Matrix x = blobs(600, 8, 5, 1, truth);
        KMeansConfig c;
        c.k = 5;
        c.normalize = false;
        auto r = kmeans(x, c);
        QVERIFY(r);
        QCOMPARE(r->labels.size(), std::size_t(600));
        // Same partition up to renaming: every true cluster maps to one label.
        for (int t = 0; t < 5; ++t) {
            std::set<int> labels;
            for (int i = 0; i < 600; ++i)
                if (truth[i] == t)
                    labels.insert(r->labels[i]);
            QCOMPARE(labels.size(), std::size_t(1));
        }
        std::set<int> all(r->labels.begin(), r->labels.end());
        QCOMPARE(all.size(), std::size_t(5));
        QVERIFY(r->inertia > 0);
    }

    void deterministicForASeed()
    {
        std::vector<int> truth;
        const Matrix x = blobs(400, 6, 7, 2, truth);
        KMeansConfig c;
        c.k = 4; // fewer than the blobs: the seeding matters
        c.seed = 9;
        auto a = kmeans(x, c), b = kmeans(x, c);
        QVERIFY(a && b);
        QCOMPARE(a->labels, b->labels);
        QVERIFY(a->centroids == b->centroids);
    }

    void badInput()
    {
        KMeansConfig c;
        c.k = 10;
        QVERIFY(!kmeans(Matrix::Random(5, 3), c));
        c.k = 0;
        QVERIFY(!kmeans(Matrix::Random(5, 3), c));
        Matrix x = Matrix::Random(20, 3);
        x.row(3).setZero();
        c.k = 2;
        QVERIFY(kmeans(x, c).error().message.find("row 4 is a zero vector") != std::string::npos);
        c.normalize = false;
        QVERIFY(kmeans(x, c));
    }
};

ES_TEST_GUILESS_MAIN(TestKMeans)
#include "tst_kmeans.moc"
