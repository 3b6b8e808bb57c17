// niceTicks / formatTick (ui/views/niceticks.h), Qt-free: steps are 1, 2 or 5 x 10^k, the
// ticks are multiples of the step inside the range, at most maxTicks of them, printed with
// the decimals the step needs and never as "-0" (issue 16: ticks every 0.25 printed "0.3",
// t-SNE ticks every 2.5 printed "13", "8", "3", "-3", empty plots "-0.0").
#include "views/niceticks.h"

#include <QTest>
#include "tools/testmain.h"

#include <cmath>

using namespace es;

namespace {

bool isOneTwoFive(double step)
{
    const double mag = std::pow(10.0, std::floor(std::log10(step) + 1e-9));
    const double m = step / mag;
    return std::abs(m - 1) < 1e-9 || std::abs(m - 2) < 1e-9 || std::abs(m - 5) < 1e-9;
}

QStringList labels(const NiceTicks &t)
{
    QStringList out;
    for (int i = 0; i < t.count; ++i)
        out << QString::fromStdString(formatTick(t.at(i), t.decimals));
    return out;
}

} // namespace

class TestNiceTicks : public QObject {
    Q_OBJECT
private slots:
    void examples_data()
    {
        QTest::addColumn<double>("min");
        QTest::addColumn<double>("max");
        QTest::addColumn<int>("maxTicks");
        QTest::addColumn<QStringList>("expected");
        // A PCA map that used to tick every 0.25 and print "0.3", "-0.8".
        QTest::newRow("pca") << -0.83 << 1.41 << 6 << QStringList{"-0.5", "0.0", "0.5", "1.0"};
        // A t-SNE map that used to tick every 2.5 and print "13", "8", "3", "-3".
        QTest::newRow("tsne") << -14.2 << 16.9 << 8 << QStringList{"-10", "-5", "0", "5", "10", "15"};
        QTest::newRow("small") << 0.0012 << 0.0091 << 5 << QStringList{"0.002", "0.004", "0.006", "0.008"};
        QTest::newRow("large") << 120.0 << 980.0 << 5 << QStringList{"200", "400", "600", "800"};
        QTest::newRow("ends on ticks") << -1.0 << 1.0 << 5 << QStringList{"-1.0", "-0.5", "0.0", "0.5", "1.0"};
        QTest::newRow("tenths") << -0.31 << 0.29 << 7 << QStringList{"-0.3", "-0.2", "-0.1", "0.0", "0.1", "0.2"};
    }
    void examples()
    {
        QFETCH(double, min);
        QFETCH(double, max);
        QFETCH(int, maxTicks);
        QFETCH(QStringList, expected);
        const NiceTicks t = niceTicks(min, max, maxTicks);
        QCOMPARE(labels(t), expected);
    }

    // For many ranges and tick budgets: a 1-2-5 step, every tick inside the range and a
    // multiple of the step, at most maxTicks of them, at least two once the budget allows
    // it, and the next smaller 1-2-5 step would have needed more ticks.
    void propertiesOverManyRanges()
    {
        int cases = 0;
        for (double centre : {-1000.0, -3.7, -0.02, 0.0, 0.4, 12.5, 7777.0})
            for (double span : {1e-4, 0.003, 0.06, 0.8, 1.0, 2.5, 13.0, 31.0, 250.0, 9000.0})
                for (int maxTicks : {2, 3, 5, 8, 11, 20}) {
                    const double lo = centre - span * 0.37, hi = centre + span * 0.63;
                    const NiceTicks t = niceTicks(lo, hi, maxTicks);
                    const QString what = QStringLiteral("[%1, %2] max %3: step %4, first %5, count %6")
                                             .arg(lo).arg(hi).arg(maxTicks).arg(t.step).arg(t.first()).arg(t.count);
                    QVERIFY2(isOneTwoFive(t.step), qPrintable(what));
                    QVERIFY2(t.count >= 1 && t.count <= maxTicks, qPrintable(what));
                    QVERIFY2(t.first() >= lo - t.step * 1e-6 && t.last() <= hi + t.step * 1e-6, qPrintable(what));
                    QVERIFY2(t.first() - t.step < lo && t.last() + t.step > hi, qPrintable(what));
                    // The next smaller 1-2-5 step fits more ticks than allowed.
                    const double smaller = t.step * (isOneTwoFive(t.step / 2) ? 0.5 : isOneTwoFive(t.step / 2.5) ? 0.4 : 0.5);
                    const int smallerCount = int(std::floor(hi / smaller + 1e-6) - std::ceil(lo / smaller - 1e-6)) + 1;
                    QVERIFY2(smallerCount > maxTicks, qPrintable(what + QStringLiteral(", smaller step %1 fits %2").arg(smaller).arg(smallerCount)));
                    // Labels: distinct, the decimals the step needs, no "-0".
                    const QStringList l = labels(t);
                    QCOMPARE(QSet<QString>(l.begin(), l.end()).size(), l.size());
                    for (const QString &s : l) {
                        QVERIFY2(!s.startsWith("-0") || s.contains(QRegularExpression("[1-9]")), qPrintable(what + " " + s));
                        const int dot = int(s.indexOf('.'));
                        QCOMPARE(dot < 0 ? 0 : int(s.size()) - dot - 1, t.decimals);
                        QVERIFY2(std::abs(s.toDouble() - t.at(int(l.indexOf(s)))) < t.step * 1e-6, qPrintable(what + " " + s));
                    }
                    ++cases;
                }
        QCOMPARE(cases, 7 * 10 * 6);
    }

    void decimalsFollowTheStep()
    {
        QCOMPARE(decimalsForStep(5), 0);
        QCOMPARE(decimalsForStep(1), 0);
        QCOMPARE(decimalsForStep(20), 0);
        QCOMPARE(decimalsForStep(0.5), 1);
        QCOMPARE(decimalsForStep(0.2), 1);
        QCOMPARE(decimalsForStep(0.1), 1);
        QCOMPARE(decimalsForStep(0.05), 2);
        QCOMPARE(decimalsForStep(0.001), 3);
        QCOMPARE(niceStepAtLeast(0.3), 0.5);
        QCOMPARE(niceStepAtLeast(0.2), 0.2);
        QCOMPARE(niceStepAtLeast(2.5), 5.0);
        QCOMPARE(niceStepAtLeast(7), 10.0);
        QCOMPARE(niceStepAtLeast(10), 10.0);
    }

    void neverMinusZero()
    {
        QCOMPARE(QString::fromStdString(formatTick(-2.7755575615628914e-17, 1)), QString("0.0"));
        QCOMPARE(QString::fromStdString(formatTick(-0.0, 0)), QString("0"));
        QCOMPARE(QString::fromStdString(formatTick(-0.004, 2)), QString("0.00"));
        QCOMPARE(QString::fromStdString(formatTick(-0.006, 2)), QString("-0.01"));
        QCOMPARE(QString::fromStdString(formatTick(-10, 0)), QString("-10"));
        // The tick at zero is exactly zero, whatever the step.
        for (double lo : {-0.53, -1.0, -17.3, -0.0031}) {
            const NiceTicks t = niceTicks(lo, -lo * 0.7, 9);
            bool sawZero = false;
            for (int i = 0; i < t.count; ++i)
                if (t.at(i) == 0.0 && !std::signbit(t.at(i)))
                    sawZero = true;
            QVERIFY(sawZero);
        }
    }

    void degenerateRanges()
    {
        for (auto [lo, hi] : {std::pair{1.0, 1.0}, std::pair{2.0, -2.0}, std::pair{double(NAN), 1.0}, std::pair{0.0, double(INFINITY)}}) {
            const NiceTicks t = niceTicks(lo, hi, 6);
            QCOMPARE(t.count, 1);
            QVERIFY(std::isfinite(t.at(0)));
        }
    }
};

ES_TEST_GUILESS_MAIN(TestNiceTicks)
#include "tst_niceticks.moc"
