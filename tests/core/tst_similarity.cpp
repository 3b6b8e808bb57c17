// Cosine similarity against scikit-learn, symmetry, the same result on any thread count and
// either tile kernel,
// the top-k path for large N, bad input and cancellation (before and while running).
#include "analysis/dense.h"
#include "analysis/similarity.h"
#include "data/analysis/fixture_io.h"

#include <QtTest>
#include "tools/testmain.h"

#include <random>

using namespace es;
using namespace es::analysis;

class TestSimilarity : public QObject {
    Q_OBJECT
private slots:
    void matchesScikitLearn()
    {
        const Matrix x = testdata::readCsvF("sim_input.csv");
        const MatrixD ref = testdata::readCsv("sim_expected.csv");
        auto s = cosineSimilarity(x);
        QVERIFY(s);
        QCOMPARE(s->rows(), ref.rows());
        const double worst = (s->cast<double>() - ref).cwiseAbs().maxCoeff();
        qInfo("largest difference from scikit-learn: %.3g", worst);
        QVERIFY(worst < 1e-5);
    }

    void symmetricWithUnitDiagonalAcrossBlocks()
    {
        // More rows than one tile (512) so the mirrored triangle is exercised.
        std::mt19937_64 eng(3);
        std::normal_distribution<float> g;
        Matrix x(1500, 24);
        for (Eigen::Index i = 0; i < x.size(); ++i)
            x.data()[i] = g(eng);
        auto s = cosineSimilarity(x);
        QVERIFY(s);
        QVERIFY((*s - s->transpose()).cwiseAbs().maxCoeff() == 0.0f);
        for (Eigen::Index i = 0; i < 1500; ++i)
            QCOMPARE((*s)(i, i), 1.0f);
        MatrixD u = x.cast<double>();
        u.rowwise().normalize();
        const MatrixD ref = u * u.transpose();
        QVERIFY((s->cast<double>() - ref).cwiseAbs().maxCoeff() < 1e-5);
    }

    void sameOnAnyThreadCount()
    {
        std::mt19937_64 eng(5);
        std::normal_distribution<float> g;
        Matrix x(1300, 40); // 3 x 3 tiles, the last ones partial
        for (Eigen::Index i = 0; i < x.size(); ++i)
            x.data()[i] = g(eng);
        Matrix first;
        for (int threads : {1, 2, 3}) {
            SimilarityConfig c;
            c.threads = threads;
            auto r = cosineSimilarityAuto(x, c);
            QVERIFY(r && r->isDense());
            if (threads == 1)
                first = r->dense;
            else
                QVERIFY(r->dense == first);
        }
        auto plain = cosineSimilarity(x);
        QVERIFY(plain && *plain == first);
    }

    void everyKernelAgrees()
    {
        // Every dense path that runs here (portable loops, BLAS, the AVX-512 tile kernel) on
        // odd sizes, against a double-precision reference. Cosines of unit vectors in float
        // with D = 53: each path's rounding is within a few 1e-7 of the exact value.
        std::mt19937_64 eng(6);
        std::normal_distribution<float> g;
        Matrix x(1100, 53);
        for (Eigen::Index i = 0; i < x.size(); ++i)
            x.data()[i] = g(eng);
        Eigen::MatrixXd u = x.cast<double>();
        u.rowwise().normalize();
        const Eigen::MatrixXd exact = u.lazyProduct(u.transpose());
        const dense::Kernel before = dense::kernel();
        int paths = 0;
        for (dense::Kernel kernel : {dense::Kernel::Portable, dense::Kernel::Blas, dense::Kernel::Avx512}) {
            if (!dense::setKernel(kernel)) {
                qInfo("no %s kernel on this machine", dense::kernelName(kernel));
                continue;
            }
            auto s = cosineSimilarity(x);
            QVERIFY(s);
            ++paths;
            QVERIFY((*s - s->transpose()).cwiseAbs().maxCoeff() == 0.0f);
            const double worst = (s->cast<double>() - exact).cwiseAbs().maxCoeff();
            qInfo("%s: largest difference from the double reference %.3g", dense::kernelName(kernel), worst);
            QVERIFY(worst < 2e-6);
        }
        dense::setKernel(before);
        QVERIFY(paths >= 2);
    }

    void largeInputGivesTopK()
    {
        const Matrix x = testdata::readCsvF("knn_input.csv");
        SimilarityConfig c;
        c.maxDense = 100; // the fixture has 150 rows
        c.topK = 7;
        auto r = cosineSimilarityAuto(x, c);
        QVERIFY(r);
        QVERIFY(!r->isDense());
        const MatrixD idx = testdata::readCsv("knn_index.csv");
        for (int i = 0; i < 150; ++i)
            for (int k = 0; k < 7; ++k)
                QCOMPARE(r->neighbors.at(i, k), int(idx(i, k)));
        c.maxDense = 150;
        auto dense = cosineSimilarityAuto(x, c);
        QVERIFY(dense && dense->isDense());
    }

    void badInputNamesTheRow()
    {
        Matrix x = Matrix::Ones(5, 3);
        x(3, 1) = std::numeric_limits<float>::quiet_NaN();
        auto r = cosineSimilarity(x);
        QVERIFY(!r);
        QVERIFY2(r.error().message.find("row 4, column 2 is NaN") != std::string::npos, r.error().message.c_str());
        x(3, 1) = -std::numeric_limits<float>::infinity();
        QVERIFY(cosineSimilarity(x).error().message.find("row 4, column 2 is infinite") != std::string::npos);
        x(3, 1) = 1;
        x.row(1).setZero();
        QVERIFY(cosineSimilarity(x).error().message.find("row 2 is a zero vector") != std::string::npos);
        QVERIFY(!cosineSimilarity(Matrix(0, 3)));
    }

    void cancels()
    {
        std::stop_source s;
        s.request_stop();
        auto r = cosineSimilarity(Matrix::Ones(2000, 8), {}, s.get_token());
        QVERIFY(!r);
        QVERIFY(r.error().cancelled);
    }

    void cancelsWhileRunning()
    {
        // 10 x 10 tiles, more than one batch: the stop asked at the first progress report
        // ends the work there.
        std::stop_source s;
        int reports = 0;
        auto r = cosineSimilarity(
            Matrix::Ones(5000, 8),
            [&](double, std::string_view) {
                ++reports;
                s.request_stop();
            },
            s.get_token());
        QVERIFY(!r);
        QVERIFY(r.error().cancelled);
        QCOMPARE(reports, 1);
    }
};

ES_TEST_GUILESS_MAIN(TestSimilarity)
#include "tst_similarity.moc"
