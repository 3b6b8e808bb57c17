// Group colours: Okabe-Ito first, distinct beyond, deterministic; groups from a column.
#include "views/palette.h"

#include <QTest>
#include "tools/testmain.h"

using namespace es;

class TestPalette : public QObject {
    Q_OBJECT
private slots:
    void okabeItoFirst();
    void distinctBeyondEight();
    void readableOnBothThemes();
    void groupsFromValues();
};

void TestPalette::okabeItoFirst()
{
    const QStringList okabeIto{"#e69f00", "#56b4e9", "#009e73", "#f0e442",
                               "#0072b2", "#d55e00", "#cc79a7", "#000000"};
    for (int i = 0; i < 8; ++i)
        QCOMPARE(palette::groupColor(i).name(), okabeIto[i]);
    QVERIFY(palette::groupColor(7, true).lightness() > 200); // black would vanish on dark
    QCOMPARE(palette::groupColor(-1), palette::ungroupedColor());
    QCOMPARE(palette::groupColors(40), palette::groupColors(40)); // deterministic
}

void TestPalette::distinctBeyondEight()
{
    // The first 20 colours are pairwise clearly different (CIE76 delta E > 15), and none
    // is close to the ungrouped grey; the generated ones beyond stay apart from their
    // neighbours.
    const QList<QColor> c = palette::groupColors(60);
    double worst = 1e9;
    QString pair;
    for (int i = 0; i < 20; ++i) {
        for (int j = i + 1; j < 20; ++j) {
            const double d = palette::deltaE(c[i], c[j]);
            if (d < worst) {
                worst = d;
                pair = c[i].name() + " " + c[j].name();
            }
        }
        QVERIFY2(palette::deltaE(c[i], palette::ungroupedColor()) > 10, qPrintable(c[i].name()));
    }
    qInfo("closest pair among the first 20 colours: %s (delta E %.1f)", qPrintable(pair), worst);
    QVERIFY2(worst > 15, qPrintable(pair));
    for (int i = 20; i < 60; ++i)
        for (int j = std::max(0, i - 6); j < i; ++j)
            QVERIFY2(palette::deltaE(c[i], c[j]) > 10, qPrintable(QStringLiteral("%1 %2").arg(i).arg(j)));
}

void TestPalette::readableOnBothThemes()
{
    const auto light = palette::ViewColors::forTheme(false);
    const auto dark = palette::ViewColors::forTheme(true);
    QVERIFY(!light.dark);
    QVERIFY(dark.dark);
    for (int i = 0; i < 20; ++i) {
        QVERIFY2(palette::deltaE(palette::groupColor(i, false), light.background) > 12, qPrintable(QString::number(i)));
        QVERIFY2(palette::deltaE(palette::groupColor(i, true), dark.background) > 12, qPrintable(QString::number(i)));
    }
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
