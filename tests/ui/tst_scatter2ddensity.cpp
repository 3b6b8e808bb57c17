// The 2D map's density view (ui/views/scatter2d_density.*): the binning and colouring on an
// image, then a real Scatter2DView with 1,000,000 points under Xvfb: zoomed out the groups
// are drawn as density (overlapping groups blend), zoomed in as dots of pure group colours,
// the selection stays on top, and exports draw the density too.
#include "views/palette.h"
#include "views/scatter2d_density.h"
#include "views/scatter2d_points.h"
#include "views/scatter2dview.h"

#include <QDir>
#include <QRandomGenerator>
#include <QTest>
#include "tools/testmain.h"

#include <cmath>

using namespace es;

namespace {

const QColor kRed(220, 20, 20), kBlue(20, 20, 220);

// Half the rows (group 0, red) uniform over [0, 2] x [0, 1], half (group 1, blue) over
// [1, 3] x [0, 1]: in the middle third both groups are equally dense.
struct Halves {
    QVector<QVector3D> points;
    QVector<int> group;
    QList<PointGroup> groups;
};

Halves halves(int n, quint32 seed)
{
    Halves h;
    h.groups = {PointGroup{QStringLiteral("red"), kRed, true}, PointGroup{QStringLiteral("blue"), kBlue, true}};
    QRandomGenerator rng(seed);
    h.points.resize(n);
    h.group.resize(n);
    for (int i = 0; i < n; ++i) {
        const int g = i % 2;
        h.points[i] = QVector3D(float(g + rng.generateDouble() * 2), float(rng.generateDouble()), 0);
        h.group[i] = g;
    }
    return h;
}

QPoint pixelAt(const QPointF &p)
{
    return QPoint(int(std::floor(p.x())), int(std::floor(p.y())));
}

// The mean colour of the 9 x 9 pixels around `c`: a pixel holds a few points, so single
// pixels vary with the draw of the points.
QRgb meanAround(const QImage &img, const QPoint &c)
{
    int r = 0, g = 0, b = 0, n = 0;
    for (int y = c.y() - 4; y <= c.y() + 4; ++y)
        for (int x = c.x() - 4; x <= c.x() + 4; ++x) {
            const QRgb p = img.pixel(x, y);
            r += qRed(p);
            g += qGreen(p);
            b += qBlue(p);
            ++n;
        }
    return qRgb(r / n, g / n, b / n);
}

// Red and blue in about equal parts (purple), on the light background.
bool blended(QRgb c)
{
    return std::abs(qRed(c) - qBlue(c)) < 45 && qRed(c) > qGreen(c) + 40 && qBlue(c) > qGreen(c) + 40;
}

} // namespace

class TestScatter2DDensity : public QObject {
    Q_OBJECT
private slots:
    void binsCountsAndBlendsColours();
    void eqHistOpacity();
    void mapOfAMillionDrawsDensityZoomedOut();
    void zoomedInDrawsDots();
    void selectionDrawsOnTopOfDensity();
    void exportDrawsDensity();
};

void TestScatter2DDensity::binsCountsAndBlendsColours()
{
    QImage img(10, 10, QImage::Format_ARGB32_Premultiplied);
    img.fill(Qt::transparent);
    DensityRaster r(img);
    // Pixel (2, 3): 3 red points and 1 blue; pixel (7, 7): one green; two points outside.
    for (int i = 0; i < 3; ++i)
        r.add(QPointF(2.2 + 0.1 * i, 3.7), qRgb(200, 0, 0));
    r.add(QPointF(2.9, 3.0), qRgb(0, 0, 200));
    r.add(QPointF(7.5, 7.5), qRgb(0, 200, 0));
    r.add(QPointF(-0.5, 3), qRgb(0, 200, 0));
    r.add(QPointF(10.0, 3), qRgb(0, 200, 0));
    r.add(QPointF(qQNaN(), 3), qRgb(0, 200, 0));
    QCOMPARE(r.total(), 5);
    QCOMPARE(r.countAt(2, 3), 4u);
    QCOMPARE(r.countAt(7, 7), 1u);
    QCOMPARE(r.maxCount(), 4u);
    r.paint(img);
    // The densest pixel is opaque, in the count-weighted mean colour (150, 0, 50).
    const QRgb dense = img.pixel(2, 3);
    QCOMPARE(qAlpha(dense), 255);
    QVERIFY(std::abs(qRed(dense) - 150) <= 1 && qGreen(dense) == 0 && std::abs(qBlue(dense) - 50) <= 1);
    // The sparsest has the minimum opacity; empty pixels stay transparent.
    QCOMPARE(qAlpha(img.pixel(7, 7)), DensityRaster::kMinAlpha);
    QCOMPARE(img.pixel(0, 0), 0u);
    QCOMPARE(img.pixel(5, 5), 0u);

    // Logical coordinates scale with the device pixel ratio.
    QImage hi(20, 20, QImage::Format_ARGB32_Premultiplied);
    hi.setDevicePixelRatio(2);
    DensityRaster r2(hi);
    r2.add(QPointF(4.6, 1.2), qRgb(1, 2, 3));
    QCOMPARE(r2.countAt(9, 2), 1u);
}

// Equalised opacity: the rank of a pixel's count among the covered pixels, so one very
// dense pixel does not leave every other one faint (a linear scale would).
void TestScatter2DDensity::eqHistOpacity()
{
    DensityRaster r(QSize(100, 1), 1.0);
    // 40 pixels with 1 point, 30 with 2, 20 with 3, 9 with 10, 1 with 1000.
    int x = 0;
    auto fill = [&](int pixels, int count) {
        for (int p = 0; p < pixels; ++p, ++x)
            for (int c = 0; c < count; ++c)
                r.add(QPointF(x + 0.5, 0.5), qRgb(255, 255, 255));
    };
    fill(40, 1);
    fill(30, 2);
    fill(20, 3);
    fill(9, 10);
    fill(1, 1000);
    r.prepare(DensityRaster::Shading::EqHist, 0);
    QCOMPARE(r.alphaFor(0), 0);
    QCOMPARE(r.alphaFor(1), 0);
    QCOMPARE(r.alphaFor(1000), 255);
    // Count 2 ranks above 70 of the 100 pixels: (70 - 40) / 60 of the way up.
    QCOMPARE(r.alphaFor(2), int(std::lround(255.0 * 30 / 60)));
    QCOMPARE(r.alphaFor(10), int(std::lround(255.0 * 59 / 60)));
    QVERIFY(r.alphaFor(3) > r.alphaFor(2) && r.alphaFor(10) > r.alphaFor(3));
    // Log: count 10 is a third of the way to 1000.
    r.prepare(DensityRaster::Shading::Log, 0);
    QCOMPARE(r.alphaFor(10), int(std::lround(255.0 / 3)));
}

void TestScatter2DDensity::mapOfAMillionDrawsDensityZoomedOut()
{
    const Halves h = halves(1000000, 5);
    Scatter2DView view;
    view.setLargeRenderer(Scatter2DView::LargeRenderer::Painted);
    view.resize(1200, 600);
    view.setPoints(h.points);
    view.setColors(h.group, h.groups);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QVERIFY(view.usesPaintedPoints());
    const QImage shot = view.grab().toImage();
    // The pixel of a data position (widget coordinates; the plot's y axis points up).
    auto at = [&](double x, double y) {
        const QRectF plot = view.plotRect(), range = view.visibleRange();
        return meanAround(shot, pixelAt(QPointF(plot.left() + (x - range.left()) / range.width() * plot.width(),
                                                plot.bottom() - (y - range.top()) / range.height() * plot.height())));
    };
    shot.save(QDir::temp().filePath(QStringLiteral("tst_scatter2ddensity-zoomedout.png")));
    // Where both groups are equally dense the colour is their blend; dots would show the
    // group drawn last (blue) on top.
    int mixed = 0, redOnly = 0;
    for (int i = 0; i < 20; ++i) {
        mixed += blended(at(1.1 + 0.04 * i, 0.5));
        const QRgb c = at(0.1 + 0.04 * i, 0.3);
        redOnly += qRed(c) > qBlue(c) + 40 && std::abs(qGreen(c) - qBlue(c)) < 20;
    }
    QVERIFY2(mixed >= 18, qPrintable(QStringLiteral("%1 of 20 blended pixels; one is #%2")
                                         .arg(mixed).arg(at(1.5, 0.5), 8, 16, QLatin1Char('0'))));
    QCOMPARE(redOnly, 20);
}

void TestScatter2DDensity::zoomedInDrawsDots()
{
    const Halves h = halves(1000000, 5);
    Scatter2DView view;
    view.setLargeRenderer(Scatter2DView::LargeRenderer::Painted);
    view.resize(1200, 600);
    view.setPoints(h.points);
    view.setColors(h.group, h.groups);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    // About 100 points in view: far below the density rule.
    view.setVisibleRange(QRectF(1.5, 0.5, 0.02, 0.01));
    QTest::qWait(50);
    const QImage shot = view.grab().toImage();
    int checked = 0, pure = 0;
    for (int r = 0; r < h.points.size() && checked < 40; ++r) {
        const QPointF p = view.positionOf(r);
        if (!view.plotRect().adjusted(10, 10, -10, -10).contains(p))
            continue;
        ++checked;
        const QRgb c = shot.pixel(pixelAt(p));
        pure += (qRed(c) > 180 && qBlue(c) < 60) || (qBlue(c) > 180 && qRed(c) < 60);
    }
    QVERIFY(checked >= 20);
    QVERIFY2(pure >= checked - 2, qPrintable(QStringLiteral("%1 of %2 dots in a pure group colour").arg(pure).arg(checked)));
}

void TestScatter2DDensity::selectionDrawsOnTopOfDensity()
{
    const Halves h = halves(1000000, 5);
    Scatter2DView view;
    view.setLargeRenderer(Scatter2DView::LargeRenderer::Painted);
    view.resize(1200, 600);
    view.setPoints(h.points);
    view.setColors(h.group, h.groups);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    // A red row in the middle of the blended band.
    int row = -1;
    for (int r = 0; r < h.points.size(); r += 2)
        if (std::abs(h.points[r].x() - 1.5f) < 0.01f && std::abs(h.points[r].y() - 0.5f) < 0.01f) {
            row = r;
            break;
        }
    QVERIFY(row >= 0);
    view.setSelection({row});
    QTest::qWait(50);
    const QImage shot = view.grab().toImage();
    const QPoint c = pixelAt(view.positionOf(row));
    const QRgb centre = shot.pixel(c);
    QVERIFY2(qRed(centre) > 180 && qBlue(centre) < 60, qPrintable(QString::number(centre, 16)));
    // The ring (the foreground colour, dark on the light theme) around it.
    const double ringR = (view.pointSize() + 10) / 2 - 1;
    const QRgb ring = shot.pixel(c + QPoint(int(ringR), 0));
    QVERIFY2(qGray(ring) < 100, qPrintable(QString::number(ring, 16)));
}

void TestScatter2DDensity::exportDrawsDensity()
{
    const Halves h = halves(1000000, 5);
    Scatter2DView view;
    view.setPoints(h.points);
    view.setColors(h.group, h.groups);
    view.setLegendVisible(false);
    const QImage img = view.renderImage(QSize(1200, 600));
    // The middle third of the plot is blended; QPainter dots would leave it blue.
    int mixed = 0, samples = 0;
    for (int y = 10; y < img.height() - 10; y += 10)
        for (int x = 10; x < img.width() - 10; x += 10, ++samples)
            mixed += blended(meanAround(img, QPoint(x, y)));
    QVERIFY2(mixed > samples / 8, qPrintable(QStringLiteral("%1 of %2").arg(mixed).arg(samples)));
}

ES_TEST_MAIN(TestScatter2DDensity)
#include "tst_scatter2ddensity.moc"
