// HeatmapView: checks what is drawn. The pixel at a cell's on-screen position has the
// colour map colour of that cell's similarity (in input order, label order, zoomed, and in
// the refined view of a large matrix); a click selects both rows of the cell.
#include "views/heatmapview.h"

#include <QItemSelectionModel>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QSemaphore>
#include <QTest>
#include "tools/testmain.h"
#include <QThreadPool>

#include <algorithm>
#include <random>

using es::HeatmapView;
using es::Matrix;

namespace {

std::shared_ptr<const Matrix> smallMatrix()
{
    auto m = std::make_shared<Matrix>(4, 4);
    *m << 1.0f, 0.8f, 0.1f, -0.2f,
          0.8f, 1.0f, 0.3f, 0.0f,
          0.1f, 0.3f, 1.0f, 0.55f,
         -0.2f, 0.0f, 0.55f, 1.0f;
    return m;
}

QColor pixelAt(QWidget &w, const QPointF &p)
{
    const QImage img = w.grab().toImage();
    return img.pixelColor(p.toPoint());
}

} // namespace

class TestHeatmap : public QObject {
    Q_OBJECT
private slots:
    void pixelsHaveTheirCellColour()
    {
        HeatmapView view;
        view.resize(500, 420);
        view.setMatrix(smallMatrix());
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const auto sm = smallMatrix();
        const Matrix &m = *sm;
        // Distinct values get distinct colours, so a wrong cell would be caught.
        QVERIFY(view.colorFor(0.8f) != view.colorFor(0.55f));
        const QImage img = view.grab().toImage();
        for (int a = 0; a < 4; ++a)
            for (int b = 0; b < 4; ++b) {
                const QPointF c = view.cellRect(a, b).center();
                QCOMPARE(img.pixelColor(c.toPoint()), view.colorFor(m(a, b)));
            }
        // The sequential range runs over the off-diagonal cells (here 12: the 1st and 99th
        // percentiles are the smallest and the largest); the diagonal 1 takes the top colour.
        QCOMPARE(view.rangeMin(), -0.2f);
        QCOMPARE(view.rangeMax(), 0.8f);
        QCOMPARE(view.colorFor(1.0f), QColor(253, 231, 37)); // viridis top
    }

    void divergingMap()
    {
        HeatmapView view;
        view.resize(400, 360);
        view.setMatrix(smallMatrix());
        view.setColorMap(HeatmapView::ColorMap::Diverging);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QCOMPARE(view.colorFor(0.0f), QColor(247, 247, 247)); // white at zero
        QCOMPARE(pixelAt(view, view.cellRect(1, 3).center()), view.colorFor(0.0f));
        QCOMPARE(pixelAt(view, view.cellRect(0, 3).center()), view.colorFor(-0.2f));
    }

    void orderAndZoomKeepCellColours()
    {
        HeatmapView view;
        view.resize(500, 420);
        view.setMatrix(smallMatrix());
        view.setOrder({3, 1, 2, 0});
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const auto sm = smallMatrix();
        const Matrix &m = *sm;
        // Row 3 is drawn first now.
        QVERIFY(view.cellRect(3, 3).top() < view.cellRect(0, 0).top());
        QCOMPARE(pixelAt(view, view.cellRect(0, 2).center()), view.colorFor(m(0, 2)));
        view.setZoom(2.0, view.cellRect(1, 2).center());
        QVERIFY(view.zoom() > 1.9);
        const QRectF r = view.cellRect(1, 2);
        QVERIFY(r.width() > 100);
        QCOMPARE(pixelAt(view, r.center()), view.colorFor(m(1, 2)));
        QCOMPARE(view.cellAt(r.center()), qMakePair(1, 2));
        view.resetView();
        QCOMPARE(view.zoom(), 1.0);
    }

    void clickSelectsBothRows()
    {
        QStandardItemModel model(4, 2);
        QItemSelectionModel selection(&model);
        HeatmapView view;
        view.resize(500, 420);
        view.setMatrix(smallMatrix());
        view.setSelectionModel(&selection);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QSignalSpy clicked(&view, &HeatmapView::cellClicked);
        QTest::mouseClick(&view, Qt::LeftButton, {}, view.cellRect(1, 3).center().toPoint());
        QCOMPARE(clicked.count(), 1);
        QCOMPARE(clicked.at(0).at(0).toInt(), 1);
        QCOMPARE(clicked.at(0).at(1).toInt(), 3);
        QVERIFY(selection.isRowSelected(1));
        QVERIFY(selection.isRowSelected(3));
        QVERIFY(!selection.isRowSelected(0));
        QCOMPARE(selection.selectedRows().size(), 2);
        QCOMPARE(selection.currentIndex().row(), 1);
        // A click on the diagonal selects that one row.
        QTest::mouseClick(&view, Qt::LeftButton, {}, view.cellRect(2, 2).center().toPoint());
        QCOMPARE(selection.selectedRows().size(), 1);
        QVERIFY(selection.isRowSelected(2));
    }

    void largeMatrixOverviewRefinesWhenZoomed()
    {
        const int n = 3000;
        auto m = std::make_shared<Matrix>(n, n);
        std::mt19937 rng(7);
        std::uniform_real_distribution<float> u(-0.3f, 0.9f);
        for (int i = 0; i < n; ++i) {
            (*m)(i, i) = 1;
            for (int j = i + 1; j < n; ++j)
                (*m)(i, j) = (*m)(j, i) = u(rng);
        }
        HeatmapView view;
        view.resize(600, 520);
        view.setMatrix(m);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QTRY_VERIFY_WITH_TIMEOUT(view.isReady(), 60000); // made on a worker thread
        // Overview: something is drawn in the plot (not the background colour).
        const QColor bg = view.palette().color(QPalette::Base);
        QVERIFY(pixelAt(view, view.cellRect(1500, 1500).center()) != bg);
        // Zoomed in: exact cells again.
        view.setZoom(300.0, view.cellRect(1234, 2345).center());
        const QRectF r = view.cellRect(1234, 2345);
        QVERIFY(r.width() > 20);
        QCOMPARE(pixelAt(view, r.center()), view.colorFor((*m)(1234, 2345)));
    }

    // Large overviews are made on EmbedScope's own background pool, never on Qt's global
    // pool: Qt's raster engine hands large fills to the global pool and waits for them on
    // the GUI thread, so a build there would stall every paint of the window. With all of
    // the global pool's threads held busy, the overview must still be made.
    void overviewIsNotBuiltOnQtsGlobalPool()
    {
        QThreadPool *global = QThreadPool::globalInstance();
        const int held = std::max(1, global->maxThreadCount());
        QSemaphore release, running;
        for (int i = 0; i < held; ++i)
            global->start([&] {
                running.release();
                release.acquire();
            });
        QVERIFY(running.tryAcquire(held, 10000));
        const int n = 3000;
        auto m = std::make_shared<Matrix>(n, n);
        m->setConstant(0.25f);
        HeatmapView view;
        view.resize(400, 300);
        view.setMatrix(m);
        QVERIFY(!view.isReady()); // building on a worker
        QTRY_VERIFY_WITH_TIMEOUT(view.isReady(), 30000);
        release.release(held);
        global->waitForDone();
    }

    // Beyond the matrix limit the view works from the vectors: the overview pixels have the
    // colours of the exact block means (computed here from the vectors), the tooltip names
    // the blocks, and zooming in computes exact cells on a worker thread.
    void vectorOverviewShowsBlockMeansAndRefines()
    {
        const int n = 300, d = 8, blocks = 30; // 10 rows per block
        auto v = std::make_shared<Matrix>(n, d);
        std::mt19937 rng(11);
        std::normal_distribution<float> g(0.f, 1.f);
        for (int i = 0; i < n; ++i)
            for (int k = 0; k < d; ++k)
                (*v)(i, k) = g(rng) + (k == (i % 3) ? 2.5f : 0.f); // three loose clusters
        // Label order: rows of one cluster together (a real order, so positions != rows).
        QVector<int> order;
        for (int c = 0; c < 3; ++c)
            for (int i = c; i < n; i += 3)
                order.append(i);
        HeatmapView view;
        view.resize(640, 560);
        view.setOverviewBlocks(blocks);
        view.setExactRegionLimit(40);
        view.setVectors(v);
        view.setOrder(order);
        QVERIFY(view.isVectorMode());
        QVERIFY(!view.matrix());
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QTRY_VERIFY_WITH_TIMEOUT(view.isReady(), 30000);
        QCOMPARE(view.overviewBlockSize(), 10);

        Matrix unit = *v;
        for (int i = 0; i < n; ++i)
            unit.row(i).normalize();
        auto blockMean = [&](int bi, int bj) {
            double s = 0;
            for (int p = bi * 10; p < bi * 10 + 10; ++p)
                for (int q = bj * 10; q < bj * 10 + 10; ++q)
                    s += unit.row(order[p]).dot(unit.row(order[q]));
            return float(s / 100.0);
        };
        const QImage img = view.grab().toImage();
        int checked = 0;
        for (int bi = 0; bi < blocks; bi += 7)
            for (int bj = 0; bj < blocks; bj += 5) {
                // The centre of block (bi, bj): rows at positions bi*10+5 and bj*10+5.
                const QPointF c = view.cellRect(order[bi * 10 + 5], order[bj * 10 + 5]).topLeft();
                QVERIFY(!view.isExactAt(c));
                const QColor want = view.colorFor(blockMean(bi, bj));
                const QColor got = img.pixelColor(c.toPoint());
                QVERIFY2(got == want, qPrintable(QStringLiteral("block %1,%2: %3 vs %4")
                                                     .arg(bi).arg(bj).arg(got.name(), want.name())));
                ++checked;
            }
        QVERIFY(checked >= 20);
        // Blocks of one cluster are more alike than blocks of two clusters.
        QVERIFY(blockMean(0, 1) > blockMean(0, blocks - 1) + 0.2f);

        // Zoom into a region of at most 40 rows: exact cells arrive from the worker.
        const int a = order[123], b = order[57];
        view.setZoom(300.0 / 30.0, view.cellRect(a, b).center());
        QTRY_VERIFY_WITH_TIMEOUT(view.isReady(), 30000);
        const QRectF r = view.cellRect(a, b);
        QVERIFY(r.width() > 10);
        QVERIFY(view.isExactAt(r.center()));
        QCOMPARE(view.cellAt(r.center()), qMakePair(a, b));
        const QImage zoomed = view.grab().toImage();
        QCOMPARE(zoomed.pixelColor(r.center().toPoint()), view.colorFor(unit.row(a).dot(unit.row(b))));
        // A neighbouring cell differs from the block mean in general: check several cells.
        for (int dp = -3; dp <= 3; ++dp) {
            const int ra = order[123 + dp], rb = order[57 - dp];
            const QRectF rc = view.cellRect(ra, rb);
            QCOMPARE(zoomed.pixelColor(rc.center().toPoint()), view.colorFor(unit.row(ra).dot(unit.row(rb))));
        }
        // The render path (CLI, export) computes the same cells at once.
        const QImage rendered = view.renderImage(view.size());
        QCOMPARE(rendered.pixelColor(r.center().toPoint()), view.colorFor(unit.row(a).dot(unit.row(b))));
    }

    // A large matrix given with its vectors: the overview (block means) is made from the
    // vectors' block sums; its colours are the means of the matrix cells of each block.
    void overviewFromVectorsMatchesMatrix()
    {
        const int n = 2500, d = 6;
        auto v = std::make_shared<Matrix>(n, d);
        std::mt19937 rng(5);
        std::normal_distribution<float> g(0.f, 1.f);
        for (int i = 0; i < n; ++i)
            for (int k = 0; k < d; ++k)
                (*v)(i, k) = g(rng) + (k == i % 4 ? 2.f : 0.f);
        Matrix u = *v;
        for (int i = 0; i < n; ++i)
            u.row(i).normalize();
        auto sim = std::make_shared<Matrix>(u * u.transpose());
        QVector<int> order;
        for (int c = 0; c < 4; ++c)
            for (int i = c; i < n; i += 4)
                order.append(i);
        HeatmapView view;
        view.resize(1600, 1500);
        view.setMatrix(sim, v);
        view.setOrder(order);
        // Zoomed so a block spans a few pixels, but not so far that exact cells are drawn.
        view.setZoom(1.8, QPointF(300, 300));
        const QImage img = view.renderImage(QSize(1600, 1500));
        const int bs = view.overviewBlockSize();
        QVERIFY(bs > 1);
        int checked = 0;
        for (int bi = 0; bi < n / bs; bi += 23)
            for (int bj = 0; bj < n / bs; bj += 37) {
                double sum = 0;
                for (int p = bi * bs; p < (bi + 1) * bs; ++p)
                    for (int q = bj * bs; q < (bj + 1) * bs; ++q)
                        sum += (*sim)(order[p], order[q]);
                const QPointF c = view.cellRect(order[bi * bs + 1], order[bj * bs + 1]).center();
                if (view.cellAt(c) != qMakePair(order[bi * bs + 1], order[bj * bs + 1]))
                    continue; // outside the zoomed view
                QCOMPARE(img.pixelColor(c.toPoint()), view.colorFor(float(sum / (bs * bs))));
                ++checked;
            }
        QVERIFY(checked >= 9);
    }

    void renderImageDrawsTheSameCells()
    {
        HeatmapView view;
        view.resize(500, 420);
        view.setMatrix(smallMatrix());
        const QImage img = view.renderImage(QSize(500, 420));
        QCOMPARE(img.size(), QSize(500, 420));
        QCOMPARE(img.pixelColor(view.cellRect(0, 1).center().toPoint()), view.colorFor(0.8f));
    }

    void emptyShowsPlaceholder()
    {
        HeatmapView view;
        view.resize(300, 300);
        view.setPlaceholder("nothing yet");
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QCOMPARE(view.cellAt(QPointF(150, 150)), qMakePair(-1, -1));
        QVERIFY(view.cellRect(0, 0).isNull());
    }

    // Issue 13: the colour range comes from the off-diagonal cells (1st to 99th
    // percentile), not from the diagonal's 1, so blocks of similar rows use the whole map.
    void rangeFromOffDiagonalCells()
    {
        const int n = 60;
        std::mt19937 rng(13);
        std::uniform_real_distribution<float> u(0.1f, 0.5f);
        auto m = std::make_shared<Matrix>(n, n);
        std::vector<float> off;
        for (int i = 0; i < n; ++i) {
            (*m)(i, i) = 1.0f;
            for (int j = i + 1; j < n; ++j) {
                const float v = u(rng);
                (*m)(i, j) = (*m)(j, i) = v;
                off.push_back(v);
                off.push_back(v);
            }
        }
        std::sort(off.begin(), off.end());
        const float p01 = off[std::size_t(std::lround(0.01 * double(off.size() - 1)))];
        const float p99 = off[std::size_t(std::lround(0.99 * double(off.size() - 1)))];
        HeatmapView view;
        view.resize(480, 650);
        view.setMatrix(m);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QCOMPARE(view.rangeMin(), p01);
        QCOMPARE(view.rangeMax(), p99);
        QVERIFY(view.rangeMax() < 0.5f); // not 1
        QVERIFY(view.rangeDescription().contains(QStringLiteral("off-diagonal")));
        // On screen: the largest off-diagonal cell and the diagonal both have the top colour,
        // a cell at the range's middle the middle colour.
        const QImage img = view.grab().toImage();
        const QColor top(253, 231, 37);
        int bi = 0, bj = 1;
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j)
                if (i != j && (*m)(i, j) > (*m)(bi, bj))
                    bi = i, bj = j;
        QCOMPARE(img.pixelColor(view.cellRect(bi, bj).center().toPoint()), top);
        QCOMPARE(img.pixelColor(view.cellRect(3, 3).center().toPoint()), top);
        QCOMPARE(img.pixelColor(view.cellRect(bi, bj).center().toPoint()), view.colorFor(p99));
        // The colour bar runs from the bottom colour to the top colour.
        const QRectF bar = view.colorBarRect();
        QVERIFY(!bar.isEmpty());
    }

    // Issue 13: the matrix uses a tall panel (colour bar below, square cells), row numbers
    // on both axes, texts too for up to 50 rows.
    void fillsPanelWithAxisLabels()
    {
        const int n = 30;
        auto m = std::make_shared<Matrix>(Matrix::Identity(n, n));
        HeatmapView view;
        view.setTextProvider([](int r) { return QStringLiteral("sentence number %1 about something").arg(r + 1); });
        view.resize(480, 650);
        view.setMatrix(m);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const QRectF plot = view.plotRect();
        QCOMPARE(plot.width(), plot.height());
        QVERIFY2(plot.width() >= 0.6 * 480, qPrintable(QString::number(plot.width())));
        QVERIFY(view.showsAxisTexts());
        QVERIFY(view.colorBarRect().top() > plot.bottom()); // below, in the panel's spare height
        QVERIFY(view.colorBarRect().bottom() <= 650);
        // Row numbers and texts are drawn: the axis areas have text pixels.
        const QImage img = view.grab().toImage();
        auto inked = [&](const QRectF &r) {
            int k = 0;
            const QColor bg = img.pixelColor(1, 1);
            for (int y = int(r.top()); y < int(r.bottom()); ++y)
                for (int x = int(r.left()); x < int(r.right()); ++x)
                    if (img.valid(x, y) && img.pixelColor(x, y) != bg)
                        ++k;
            return k;
        };
        QVERIFY(inked(view.leftAxisRect()) > 200);
        QVERIFY(inked(view.topAxisRect()) > 200);
        // A larger set: numbers only, and the matrix takes most of the width.
        auto big = std::make_shared<Matrix>(Matrix::Identity(300, 300));
        view.setMatrix(big);
        QVERIFY(!view.showsAxisTexts());
        QVERIFY2(view.plotRect().width() >= 0.85 * 480, qPrintable(QString::number(view.plotRect().width())));
    }
};

ES_TEST_MAIN(TestHeatmap)
#include "tst_heatmap.moc"
