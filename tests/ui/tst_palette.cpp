// Group colours: Okabe-Ito first, distinct beyond, deterministic; groups from a column.
#include "views/palette.h"

#include <QTest>

#include <cmath>
#include "tools/testmain.h"

using namespace es;

class TestPalette : public QObject {
    Q_OBJECT
private slots:
    void okabeItoFirst();
    void deltaE2000MatchesPublishedPairs();
    void distinctBeyondEight();
    void readableOnBothThemes();
    void groupsFromValues();
};

void TestPalette::okabeItoFirst()
{
    const QStringList okabeIto{"#e69f00", "#56b4e9", "#009e73", "#0072b2", "#d55e00", "#cc79a7"};
    for (int i = 0; i < 6; ++i)
        QCOMPARE(palette::groupColor(i).name(), okabeIto[i]);
    QCOMPARE(palette::groupColor(-1), palette::ungroupedColor());
    QCOMPARE(palette::groupColors(40), palette::groupColors(40)); // deterministic
}

void TestPalette::deltaE2000MatchesPublishedPairs()
{
    // Sharma, Wu & Dalal (2005), table 1 pairs given in sRGB here: the formula must at least
    // be zero for equal colours, symmetric, and rank a blue pair as closer than CIE76 does.
    const QColor a(0x0072B2), b(0x56B4E9);
    QCOMPARE(palette::deltaE2000(a, a), 0.0);
    QVERIFY(std::abs(palette::deltaE2000(a, b) - palette::deltaE2000(b, a)) < 1e-9);
    QVERIFY(palette::deltaE2000(a, b) < palette::deltaE(a, b));
    // Black and white: CIEDE2000 100 (L* 0 vs 100, no chroma).
    QVERIFY(std::abs(palette::deltaE2000(Qt::black, Qt::white) - 100.0) < 0.05);
}

void TestPalette::distinctBeyondEight()
{
    // Issue 11: beyond 8 groups colours stay apart (topics300's ten labels used to include
    // black and three close blues). CIEDE2000: the first 12 colours pairwise > 20, the
    // first 20 > 15, the first 24 (the most groups a column gets) > 8, the generated ones
    // beyond > 8 from their 6 predecessors; none close to the ungrouped greys.
    const QList<QColor> c = palette::groupColors(60);
    auto worstPair = [&](int n, QString *pair) {
        double worst = 1e9;
        for (int i = 0; i < n; ++i)
            for (int j = i + 1; j < n; ++j)
                if (const double d = palette::deltaE2000(c[i], c[j]); d < worst) {
                    worst = d;
                    *pair = c[i].name() + " " + c[j].name();
                }
        return worst;
    };
    QString pair;
    const double worst12 = worstPair(12, &pair);
    qInfo("closest pair among the first 12 colours: %s (CIEDE2000 %.1f)", qPrintable(pair), worst12);
    QVERIFY2(worst12 > 20, qPrintable(pair));
    const double worst20 = worstPair(20, &pair);
    qInfo("closest pair among the first 20 colours: %s (CIEDE2000 %.1f)", qPrintable(pair), worst20);
    QVERIFY2(worst20 > 15, qPrintable(pair));
    const double worst24 = worstPair(24, &pair);
    QVERIFY2(worst24 > 8, qPrintable(pair));
    for (int i = 0; i < 60; ++i) {
        QVERIFY2(palette::deltaE2000(c[i], palette::ungroupedColor(false)) > 10, qPrintable(c[i].name()));
        QVERIFY2(palette::deltaE2000(c[i], palette::ungroupedColor(true)) > 10, qPrintable(c[i].name()));
    }
    for (int i = 20; i < 60; ++i)
        for (int j = std::max(0, i - 6); j < i; ++j)
            QVERIFY2(palette::deltaE2000(c[i], c[j]) > 8, qPrintable(QStringLiteral("%1 %2").arg(i).arg(j)));
}

void TestPalette::readableOnBothThemes()
{
    // Never black, never near either theme's background: CIEDE2000 > 25 from both
    // backgrounds for every group colour, and the same colours on both themes.
    const auto light = palette::ViewColors::forTheme(false);
    const auto dark = palette::ViewColors::forTheme(true);
    QVERIFY(!light.dark);
    QVERIFY(dark.dark);
    for (int i = 0; i < 60; ++i) {
        const QColor c = palette::groupColor(i, false);
        QCOMPARE(palette::groupColor(i, true), c);
        QVERIFY2(palette::deltaE2000(c, light.background) > 25, qPrintable(QString::number(i) + " " + c.name()));
        QVERIFY2(palette::deltaE2000(c, dark.background) > 25, qPrintable(QString::number(i) + " " + c.name()));
        QVERIFY2(palette::lightness(c) > 35, qPrintable(QString::number(i) + " " + c.name()));
    }
    // The continuous map: both ends apart from both backgrounds, lightness rising.
    for (double t : {0.0, 0.5, 1.0}) {
        QVERIFY2(palette::deltaE2000(palette::sequentialColor(t), light.background) > 20, qPrintable(QString::number(t)));
        QVERIFY2(palette::deltaE2000(palette::sequentialColor(t), dark.background) > 15, qPrintable(QString::number(t)));
    }
    QVERIFY(palette::lightness(palette::sequentialColor(0)) < palette::lightness(palette::sequentialColor(0.5)));
    QVERIFY(palette::lightness(palette::sequentialColor(0.5)) < palette::lightness(palette::sequentialColor(1)));
    QVERIFY(palette::deltaE(light.accent, light.background) > 40);
    QVERIFY(palette::deltaE(dark.accent, dark.background) > 40);
}

void TestPalette::groupsFromValues()
{
    const QStringList values{"b", "a", "b", "", "c", "b", "a"};
    const auto g = palette::groupsFromValues(values);
    QCOMPARE(g.groups.size(), 3);
    QCOMPARE(g.groups[0].name, QStringLiteral("b")); // most frequent first
    QCOMPARE(g.groups[1].name, QStringLiteral("a"));
    QCOMPARE(g.groups[2].name, QStringLiteral("c"));
    QCOMPARE(g.group, (QVector<int>{0, 1, 0, -1, 2, 0, 1}));
    QCOMPARE(g.counts, (QVector<int>{3, 2, 1}));
    QCOMPARE(g.groups[0].color, palette::groupColor(0));

    QStringList many;
    for (int i = 0; i < 30; ++i)
        for (int k = 0; k <= i % 3; ++k)
            many << QStringLiteral("v%1").arg(i);
    const auto lumped = palette::groupsFromValues(many, 10);
    QCOMPARE(lumped.groups.size(), 10);
    QCOMPARE(lumped.groups.last().name, QStringLiteral("(other)"));
    int total = 0;
    for (int c : lumped.counts)
        total += c;
    QCOMPARE(total, int(many.size()));
}

ES_TEST_MAIN(TestPalette)
#include "tst_palette.moc"
