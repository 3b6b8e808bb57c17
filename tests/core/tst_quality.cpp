// Trustworthiness equal to scikit-learn's to 1e-6; k-NN preservation on known cases.
#include "analysis/quality.h"
#include "data/analysis/fixture_io.h"

#include <QtTest>
#include "tools/testmain.h"

using namespace es;
using namespace es::analysis;

class TestQuality : public QObject {
    Q_OBJECT
private slots:
    void trustworthinessMatchesScikitLearn()
    {
        const Matrix x = testdata::readCsvF("trust_input.csv"), y = testdata::readCsvF("trust_embedding.csv");
        const MatrixD ref = testdata::readCsv("trust_expected.csv");
        QualityConfig c;
        c.k = 5;
        auto t5 = trustworthiness(x, y, c);
        c.k = 10;
        auto t10 = trustworthiness(x, y, c);
        c.inputMetric = Metric::Euclidean;
        auto t10e = trustworthiness(x, y, c);
        QVERIFY(t5 && t10 && t10e);
        qInfo("trustworthiness %.9f %.9f %.9f (scikit-learn %.9f %.9f %.9f)", *t5, *t10, *t10e, ref(0, 0), ref(0, 1), ref(0, 2));
        QVERIFY(std::abs(*t5 - ref(0, 0)) < 1e-6);
        QVERIFY(std::abs(*t10 - ref(0, 1)) < 1e-6);
        QVERIFY(std::abs(*t10e - ref(0, 2)) < 1e-6);
        c.threads = 1;
        auto again = trustworthiness(x, y, c);
        QCOMPARE(*again, *t10e);
    }

    void perfectProjection()
    {
        // The embedding is the input itself (2-D): every neighbour is kept.
        const Matrix y = testdata::readCsvF("trust_embedding.csv");
        QualityConfig c;
        c.inputMetric = Metric::Euclidean;
        QCOMPARE(*trustworthiness(y, y, c), 1.0);
        QCOMPARE(*knnPreservation(y, y, c), 1.0);
        const Matrix x = testdata::readCsvF("trust_input.csv");
        auto p = knnPreservation(x, y, c);
        QVERIFY(p && *p > 0 && *p < 1);
    }

    void badInput()
    {
        const Matrix y = testdata::readCsvF("trust_embedding.csv");
        QVERIFY(!trustworthiness(y, y.topRows(100)));
        QualityConfig c;
        c.k = 250;
        QVERIFY(!trustworthiness(y, y, c));
        Matrix bad = y;
        bad(9, 1) = std::numeric_limits<float>::quiet_NaN();
        QVERIFY(trustworthiness(y, bad).error().message.find("projection: row 10, column 2 is NaN") != std::string::npos);
    }
};

ES_TEST_GUILESS_MAIN(TestQuality)
#include "tst_quality.moc"
