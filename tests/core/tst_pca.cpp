// PCA against scikit-learn (coordinates up to sign, explained variance), the randomized
// path against the exact one and the same on any thread count, deterministic signs,
// transform of new rows, bad input, cancellation.
#include "analysis/pca.h"
#include "data/analysis/fixture_io.h"

#include <QtTest>

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
        QVERIFY(worst < 1e-4);
        for (int k = 0; k < 3; ++k)
            QVERIFY(std::abs(r->explainedVarianceRatio[k] - evr(0, k)) < 1e-6);
        // Transform of the same rows gives the same coordinates.
        QVERIFY((pcaTransform(*r, x) - r->coords).cwiseAbs().maxCoeff() < 1e-3);
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
        QVERIFY(worst < 1e-3);
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

QTEST_GUILESS_MAIN(TestPca)
#include "tst_pca.moc"
