// Heatmap order: a permutation; optimal leaf ordering never worse than the tree's plain
// order and equal to a brute-force optimum on small trees; grouped order for large N.
#include "analysis/ordering.h"

#include <QtTest>
#include "tools/testmain.h"

#include <algorithm>
#include <functional>
#include <numeric>
#include <random>

using namespace es;
using namespace es::analysis;

namespace {
Matrix blobs(int n, int d, int centres, std::uint64_t seed)
{
    std::mt19937_64 eng(seed);
    std::normal_distribution<float> g;
    Matrix c(centres, d), x(n, d);
    for (Eigen::Index i = 0; i < c.size(); ++i)
        c.data()[i] = g(eng);
    // Interleaved: the input order is the worst for the heatmap.
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < d; ++j)
            x(i, j) = c(i % centres, j) + 0.25f * g(eng);
    return x;
}

bool isPermutation(std::vector<int> o, int n)
{
    std::sort(o.begin(), o.end());
    for (int i = 0; i < n; ++i)
        if (o[i] != i)
            return false;
    return int(o.size()) == n;
}

MatrixD cosineDistances(const Matrix &x)
{
    MatrixD u = x.cast<double>();
    u.rowwise().normalize();
    MatrixD d = (MatrixD::Ones(x.rows(), x.rows()) - u * u.transpose()).cwiseMax(0.0);
    d.diagonal().setZero();
    return d;
}

double cost(const MatrixD &d, const std::vector<int> &o)
{
    double c = 0;
    for (std::size_t i = 1; i < o.size(); ++i)
        c += d(o[i - 1], o[i]);
    return c;
}
} // namespace

class TestOrdering : public QObject {
    Q_OBJECT
private slots:
    void optimalOnSmallTreesByBruteForce()
    {
        // All 2^(N-1) flips of the tree, enumerated.
        const Matrix x = blobs(9, 5, 3, 4);
        const MatrixD d = cosineDistances(x);
        const auto merges = ordering_detail::averageLinkage(d);
        QCOMPARE(merges.size(), std::size_t(8));
        const auto best = ordering_detail::optimalLeafOrder(d, merges);
        QVERIFY(isPermutation(best, 9));
        const int n = 9;
        double bruteBest = 1e300;
        for (int mask = 0; mask < (1 << (n - 1)); ++mask) {
            std::function<std::vector<int>(int)> leaves = [&](int v) -> std::vector<int> {
                if (v < n)
                    return {v};
                auto a = leaves(merges[v - n].first), b = leaves(merges[v - n].second);
                if (mask & (1 << (v - n)))
                    std::swap(a, b);
                a.insert(a.end(), b.begin(), b.end());
                return a;
            };
            bruteBest = std::min(bruteBest, cost(d, leaves(2 * n - 2)));
        }
        QVERIFY(std::abs(cost(d, best) - bruteBest) < 1e-12);
    }

    void groupsSimilarRows()
    {
        const Matrix x = blobs(300, 16, 6, 1);
        auto o = heatmapOrder(x);
        QVERIFY(o);
        QVERIFY(isPermutation(*o, 300));
        std::vector<int> input(300);
        std::iota(input.begin(), input.end(), 0);
        const double before = orderCost(x, input), after = orderCost(x, *o);
        qInfo("neighbour distance sum: input order %.2f, cluster order %.2f", before, after);
        QVERIFY(after < 0.3 * before);
        // Each blob is one contiguous run: only 5 changes of blob along the order.
        int changes = 0;
        for (int p = 1; p < 300; ++p)
            changes += ((*o)[p] % 6) != ((*o)[p - 1] % 6);
        QCOMPARE(changes, 5);
    }

    void largeInputUsesClusterOrder()
    {
        const Matrix x = blobs(3000, 12, 10, 2);
        OrderConfig c;
        c.hierarchicalMax = 500;
        auto o = heatmapOrder(x, c);
        QVERIFY(o);
        QVERIFY(isPermutation(*o, 3000));
        int changes = 0;
        for (int p = 1; p < 3000; ++p)
            changes += ((*o)[p] % 10) != ((*o)[p - 1] % 10);
        qInfo("blob changes along the order: %d", changes);
        QVERIFY(changes <= 20);
    }

    void badInput()
    {
        Matrix x = Matrix::Random(6, 3);
        x.row(2).setZero();
        QVERIFY(heatmapOrder(x).error().message.find("row 3 is a zero vector") != std::string::npos);
        auto one = heatmapOrder(Matrix::Ones(1, 3));
        QVERIFY(one && one->size() == 1);
    }
};

ES_TEST_GUILESS_MAIN(TestOrdering)
#include "tst_ordering.moc"
