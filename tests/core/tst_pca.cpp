// PCA against scikit-learn (coordinates up to sign, explained variance), the randomized
// path against the exact one and the same on any thread count, deterministic signs,
// transform of new rows, bad input, cancellation.
#include "analysis/dense.h"
#include "analysis/pca.h"
#include "data/analysis/fixture_io.h"

#include <QtTest>
#include "tools/testmain.h"

#include <random>

using namespace es;
using namespace es::analysis;

namespace {

// Largest difference between columns of a and b, each column compared up to its sign,
// relative to the column's scale.
double worstUpToSign(const MatrixD &a, const MatrixD &b)
{
    double worst = 0;
    for (Eigen::Index c = 0; c < a.cols(); ++c) {
        const double scale = b.col(c).cwiseAbs().maxCoeff();
        const double plus = (a.col(c) - b.col(c)).cwiseAbs().maxCoeff();
        const double minus = (a.col(c) + b.col(c)).cwiseAbs().maxCoeff();
        worst = std::max(worst, std::min(plus, minus) / scale);
    }
    return worst;
}

Matrix lowRank(int n, int d, std::uint64_t seed)
{
    // A spectrum that decays: a few strong directions plus noise.
    std::mt19937_64 eng(seed);
    std::normal_distribution<float> g;
    Matrix basis(6, d), x(n, d);
    for (Eigen::Index i = 0; i < basis.size(); ++i)
        basis.data()[i] = g(eng);
    const float scale[6] = {10, 7, 5, 3, 2, 1.5f};
    for (int i = 0; i < n; ++i) {
        x.row(i).setZero();
        for (int b = 0; b < 6; ++b)
            x.row(i) += scale[b] * g(eng) * basis.row(b);
        for (int c = 0; c < d; ++c)
            x(i, c) += 0.3f * g(eng) + 1.0f;
    }
    return x;
}

} // namespace

class TestPca : public QObject {
    Q_OBJECT
private slots:
    void matchesScikitLearn_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("N > D: covariance") << "pca_tall";
        QTest::newRow("N < D: Gram matrix") << "pca_wide";
    }
    void matchesScikitLearn()
    {
        QFETCH(QString, name);
        const std::string base = name.toStdString();
        const Matrix x = testdata::readCsvF(base + "_input.csv");
        const MatrixD coords = testdata::readCsv(base + "_coords.csv");
        const MatrixD evr = testdata::readCsv(base + "_evr.csv");
        PcaConfig c;
        c.components = 3;
        auto r = pca(x, c);
        QVERIFY(r);
        QVERIFY(!r->randomized);
        const double worst = worstUpToSign(r->coords.cast<double>(), coords);
        qInfo("largest relative coordinate difference: %.3g", worst);
        QVERIFY(worst < 1e-6); // measured 6e-8: float input, double arithmetic on both sides
        for (int k = 0; k < 3; ++k)
            QVERIFY(std::abs(r->explainedVarianceRatio[k] - evr(0, k)) < 1e-6);
        // Transform of the same rows gives the same coordinates, to the bit.
        QVERIFY(pcaTransform(*r, x) == r->coords);
    }

    void transformDependsOnTheRowAlone_data()
    {
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("d");
        QTest::addColumn<int>("method");
        QTest::newRow("classroom-like, N < D (Gram)") << 30 << 100 << int(PcaMethod::Exact);
        QTest::newRow("N > D (covariance)") << 400 << 20 << int(PcaMethod::Exact);
        QTest::newRow("randomized") << 1100 << 650 << int(PcaMethod::Randomized);
        QTest::newRow("many rows (threaded projection)") << 9000 << 16 << int(PcaMethod::Exact);
    }
    void transformDependsOnTheRowAlone()
    {
        // Row i's coordinates come from row i and the fit only: the fit's own coordinates,
        // a transform of all rows, of a few rows, of one row, and on 1 or 3 threads are the
        // same bits. This is what keeps the classroom map still when a sentence is added.
        QFETCH(int, n);
        QFETCH(int, d);
        QFETCH(int, method);
        const Matrix x = lowRank(n, d, 11);
        PcaConfig c;
        c.components = 3;
        c.method = PcaMethod(method);
        auto fit = pca(x, c);
        QVERIFY(fit);
        QVERIFY(pcaTransform(*fit, x, 1) == fit->coords);
        QVERIFY(pcaTransform(*fit, x, 3) == fit->coords);
        const std::vector<Eigen::Index> some = {Eigen::Index(n - 1), 0, Eigen::Index(n / 2), 3};
        const Matrix part = pcaTransform(*fit, x(some, Eigen::indexing::all));
        for (std::size_t r = 0; r < some.size(); ++r)
            QVERIFY(part.row(Eigen::Index(r)) == fit->coords.row(some[r]));
        QVERIFY(pcaTransform(*fit, x.row(n - 1)) == fit->coords.row(n - 1));
        // Adding rows and fitting again is another fit; but a transform never looks at the
        // other rows: the same row among more rows gives the same bits.
        Matrix more(n + 5, d);
        more.topRows(n) = x;
        more.bottomRows(5) = lowRank(5, d, 12);
        QVERIFY(pcaTransform(*fit, more).topRows(n) == fit->coords);
    }

    void sameOnEveryKernel()
    {
        // The randomized fit multiplies through the dense path (BLAS, AVX-512, portable);
        // their float sums round differently, so components and coordinates agree within a
        // tolerance scaled to the data: 1e-6 of the largest coordinate (measured: 6e-5 of 880,
        // 7e-8 of it).
        // The exact fits use Eigen's products only: identical on each path.
        const Matrix x = lowRank(1100, 650, 3);
        const dense::Kernel before = dense::kernel();
        std::vector<PcaResult> rnd, exact;
        for (dense::Kernel kernel : {dense::Kernel::Portable, dense::Kernel::Blas, dense::Kernel::Avx512}) {
            if (!dense::setKernel(kernel)) {
                qInfo("no %s kernel on this machine", dense::kernelName(kernel));
                continue;
            }
            PcaConfig c;
            c.components = 3;
            c.method = PcaMethod::Randomized;
            auto r = pca(x, c);
            c.method = PcaMethod::Exact;
            auto e = pca(x.topRows(300), c);
            QVERIFY(r && e);
            rnd.push_back(*r);
            exact.push_back(*e);
        }
        dense::setKernel(before);
        QVERIFY(rnd.size() >= 2);
        const double scale = rnd[0].coords.cwiseAbs().maxCoeff();
        for (std::size_t p = 1; p < rnd.size(); ++p) {
            const double diff = (rnd[p].coords - rnd[0].coords).cwiseAbs().maxCoeff();
            qInfo("randomized PCA, path %zu vs portable: largest coordinate difference %.3g of %.3g", p, diff, scale);
            QVERIFY(diff <= 1e-6 * scale);
            QVERIFY((rnd[p].components - rnd[0].components).cwiseAbs().maxCoeff() < 1e-6);
            QVERIFY(exact[p].coords == exact[0].coords);
        }
    }

    void randomizedMatchesExact()
    {
        const Matrix x = lowRank(1500, 700, 7);
        PcaConfig exact, rnd;
        exact.components = rnd.components = 3;
        exact.method = PcaMethod::Exact;
        rnd.method = PcaMethod::Randomized;
        auto a = pca(x, exact), b = pca(x, rnd);
        QVERIFY(a && b);
        QVERIFY(b->randomized);
        const double worst = worstUpToSign(b->coords.cast<double>(), a->coords.cast<double>());
        qInfo("randomized vs exact: largest relative coordinate difference %.3g", worst);
        QVERIFY(worst < 1e-6); // measured 5e-8 to 7e-8 on the BLAS, AVX-512 and portable paths
        for (int k = 0; k < 3; ++k)
            QVERIFY(std::abs(a->explainedVarianceRatio[k] - b->explainedVarianceRatio[k]) < 1e-5);
        // Auto picks the randomized solver for this size.
        auto c = pca(x, PcaConfig{3});
        QVERIFY(c && c->randomized);
    }

    void signsAreDeterministic()
    {
        const Matrix x = testdata::readCsvF("pca_tall_input.csv");
        auto a = pca(x, PcaConfig{2});
        const Matrix flipped = -x; // same components up to sign
        auto b = pca(flipped, PcaConfig{2});
        QVERIFY(a && b);
        for (int k = 0; k < 2; ++k) {
            Eigen::Index arg;
            a->components.row(k).cwiseAbs().maxCoeff(&arg);
            QVERIFY(a->components(k, arg) > 0);
            b->components.row(k).cwiseAbs().maxCoeff(&arg);
            QVERIFY(b->components(k, arg) > 0);
        }
        QVERIFY((a->components - b->components).cwiseAbs().maxCoeff() < 1e-5);
        auto again = pca(x, PcaConfig{2});
        QVERIFY(again->coords == a->coords);
    }

    void randomizedSameOnAnyThreadCount()
    {
        const Matrix x = lowRank(1100, 650, 3); // several row chunks and groups
        PcaConfig c;
        c.components = 3;
        c.method = PcaMethod::Randomized;
        PcaResult first;
        for (int threads : {1, 2, 3}) {
            c.threads = threads;
            auto r = pca(x, c);
            QVERIFY(r && r->randomized);
            if (threads == 1) {
                first = *r;
            } else {
                QVERIFY(r->coords == first.coords);
                QVERIFY(r->components == first.components);
                QVERIFY(r->explainedVarianceRatio == first.explainedVarianceRatio);
            }
        }
    }

    void cancels()
    {
        const Matrix x = lowRank(1100, 650, 3);
        PcaConfig c;
        c.method = PcaMethod::Randomized;
        std::stop_source before;
        before.request_stop();
        auto r = pca(x, c, {}, before.get_token());
        QVERIFY(!r && r.error().cancelled);
        // Asked during the work (at the first report after the start): no further reports.
        std::stop_source during;
        int reports = 0;
        r = pca(
            x, c,
            [&](double fraction, std::string_view) {
                ++reports;
                if (fraction > 0)
                    during.request_stop();
            },
            during.get_token());
        QVERIFY(!r && r.error().cancelled);
        QCOMPARE(reports, 2);
    }

    void badInput()
    {
        Matrix x = Matrix::Random(10, 4);
        x(6, 0) = std::numeric_limits<float>::quiet_NaN();
        auto r = pca(x);
        QVERIFY(!r);
        QVERIFY(r.error().message.find("row 7, column 1 is NaN") != std::string::npos);
        QVERIFY(!pca(Matrix::Random(1, 4)));
        QVERIFY(pca(Matrix::Random(10, 4), PcaConfig{5}).error().message.find("5 components") != std::string::npos);
        Matrix z = Matrix::Random(10, 4);
        z.row(2).setZero();
        QVERIFY(pca(z)); // zero rows are fine for PCA
    }
};

ES_TEST_GUILESS_MAIN(TestPca)
#include "tst_pca.moc"
