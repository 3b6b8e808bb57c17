// The window's views as a user sees them (issue 11, 13, 15): colouring the maps by any
// column (categorical with > 8 groups, numeric with a colour bar, saved in the project),
// the heatmap panel (row numbers and texts on the axes, colour range from the off-diagonal
// cells, square cells filling the panel) and the inspector's wrapped neighbour sentences,
// at 1280x720, 1366x768 and 1920x1080 in the light and the dark theme. Screenshots of each
// go to $EMBEDSCOPE_SCREENSHOT_DIR (else a temporary folder).
#include "mainwindow.h"
#include "models/sentencemodel.h"
#include "views/colorby.h"
#include "views/heatmapview.h"
#include "views/inspectorview.h"
#include "views/legend.h"
#include "views/palette.h"
#include "views/scatter2dview.h"
#include "views/scatter3dview.h"

#include "embed/local/local_embedder.h"
#include "formats/texts.h"
#include "testdata.h"
#include "windowtest.h"

#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>
#include "tools/testmain.h"

#include <cmath>

using namespace es;

namespace {

struct Loaded {
    Dataset dataset;
    Matrix vectors;
};

// A CSV embedded with the local model; nullopt (and *why) without the model.
std::optional<Loaded> embedded(const QString &path, QString *why, const QString &firstText = {})
{
    const QByteArray model = qgetenv("EMBEDSCOPE_MODEL");
    if (model.isEmpty()) {
        *why = "needs the local model ($EMBEDSCOPE_MODEL)";
        return std::nullopt;
    }
    auto loaded = formats::loadTexts(path.toStdString());
    auto sif = local::SifEmbedder::open(model.toStdString());
    if (!loaded || !sif) {
        *why = "cannot load " + path + " or the model";
        return std::nullopt;
    }
    Loaded l;
    l.dataset = loaded->dataset;
    if (!firstText.isEmpty())
        l.dataset.texts[0] = firstText.toStdString();
    auto e = (*sif)->embed(l.dataset.texts);
    if (!e) {
        *why = QString::fromStdString(e.error().message);
        return std::nullopt;
    }
    l.vectors = std::move(e->vectors);
    return l;
}

const QString kColorBy12 = QStringLiteral(EMBEDSCOPE_SOURCE_DIR "/tests/data/ui/colorby12.csv");
const QString kTopics300 = QStringLiteral(EMBEDSCOPE_SOURCE_DIR "/resources/datasets/topics300.csv");
const QString kClassroom = QStringLiteral(EMBEDSCOPE_SOURCE_DIR "/resources/datasets/classroom.csv");
const QString kLongSentence = QStringLiteral(
    "Our neighbour's old cat, who has lived on this street longer than most of the people, likes to "
    "sit on the warm car bonnet every afternoon and watch the birds in the garden until it gets dark.");

void setTheme(MainWindow &w, const QString &name)
{
    for (QAction *a : w.findChildren<QAction *>())
        if (a->isCheckable() && a->data().toString() == name) {
            a->trigger();
            break;
        }
    QTest::qWait(50);
}

void save(QWidget &w, const QString &name)
{
    QDir().mkpath(shot::dir());
    const QString path = QDir(shot::dir()).filePath(name + QStringLiteral(".png"));
    QVERIFY(w.grab().save(path));
    qInfo("screenshot %s", qPrintable(path));
}

QColor pixelNear(const QImage &img, QPoint c, const QColor &want, int radius)
{
    QColor best;
    int bestD = 1 << 30;
    for (int y = c.y() - radius; y <= c.y() + radius; ++y)
        for (int x = c.x() - radius; x <= c.x() + radius; ++x) {
            if (!img.valid(x, y))
                continue;
            const QColor p = img.pixelColor(x, y);
            const int d = std::abs(p.red() - want.red()) + std::abs(p.green() - want.green()) + std::abs(p.blue() - want.blue());
            if (d < bestD) {
                bestD = d;
                best = p;
            }
        }
    return best;
}

int rgbDistance(const QColor &a, const QColor &b)
{
    return std::abs(a.red() - b.red()) + std::abs(a.green() - b.green()) + std::abs(a.blue() - b.blue());
}

} // namespace

class TestViewPanels : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { windowtest::isolateSettings(); }

    // Issue 11: the maps are coloured by the label (12 distinct colours), a numeric column
    // (colour bar naming the column and its range, a grey "missing" entry), or another text
    // column; the choice is saved with the project.
    void colourByAnyColumn()
    {
        QString why;
        const auto data = embedded(kColorBy12, &why);
        if (!data)
            QSKIP(qPrintable(why));
        MainWindow w;
        QVERIFY(windowtest::showWithData(w, {1366, 768}, data->dataset, data->vectors));
        Scatter2DView *view = w.scatter2d();
        w.viewTabs()->setCurrentWidget(view);
        auto *box = w.findChild<QComboBox *>(QStringLiteral("colorBy"));
        QVERIFY(box);
        QCOMPARE(box->count(), 3);
        const QString labelTitle = w.sentenceModel()->headerData(1, Qt::Horizontal).toString(); // "Label"
        QCOMPARE(box->itemText(0), labelTitle);
        QCOMPARE(box->itemText(1), QStringLiteral("score"));
        QCOMPARE(box->itemText(2), QStringLiteral("region"));

        // Label: 12 groups, clearly different colours, none near the background.
        QCOMPARE(view->legend()->title(), labelTitle);
        const auto entries = view->legend()->entries();
        QCOMPARE(entries.size(), 12);
        const auto bg = palette::ViewColors::forTheme(false).background;
        for (int i = 0; i < entries.size(); ++i) {
            QVERIFY2(palette::deltaE2000(entries[i].color, bg) > 25, qPrintable(entries[i].name));
            for (int j = i + 1; j < entries.size(); ++j)
                QVERIFY2(palette::deltaE2000(entries[i].color, entries[j].color) > 15,
                         qPrintable(entries[i].name + " " + entries[j].name));
        }

        // Score: numeric, 32 bins on a colour bar from the smallest to the largest score.
        box->setCurrentIndex(1);
        QTest::qWait(100);
        QCOMPARE(view->legend()->title(), QStringLiteral("score"));
        const LegendScale scale = view->legend()->scale();
        QCOMPARE(scale.bins, colorby::kBins);
        double lo = INFINITY, hi = -INFINITY;
        int missing = 0, top = -1;
        const Column *score = data->dataset.column("score");
        for (std::size_t r = 0; r < score->values.size(); ++r) {
            const QString v = QString::fromStdString(score->values[r]);
            bool ok = false;
            const double d = v.toDouble(&ok);
            if (!ok || std::isnan(d)) {
                ++missing;
                continue;
            }
            if (d > hi)
                top = int(r);
            lo = std::min(lo, d);
            hi = std::max(hi, d);
        }
        QVERIFY(std::abs(scale.min - lo) < 1e-9 && std::abs(scale.max - hi) < 1e-9);
        const auto scoreEntries = view->legend()->entries();
        QCOMPARE(scoreEntries.size(), colorby::kBins + 1);
        QCOMPARE(scoreEntries.last().name, colorby::missingName());
        QCOMPARE(scoreEntries.last().count, missing);
        QCOMPARE(w.pointGroupOfRows().value(top), colorby::kBins - 1);
        if (w.scatter3d()) { // the 3D map gets the same colours and colour bar
            QCOMPARE(w.scatter3d()->legend()->scale().bins, colorby::kBins);
            QCOMPARE(w.scatter3d()->legend()->title(), QStringLiteral("score"));
        }
        // On screen: the colour bar runs from the low colour (bottom) to the high (top), and
        // the highest-scoring point has the high colour.
        const QRect bar = view->legend()->barRect();
        QVERIFY(!bar.isEmpty());
        const QImage legendImg = view->legend()->grab().toImage();
        const QColor low = palette::sequentialColor(0.5 / colorby::kBins);
        const QColor high = palette::sequentialColor(1 - 0.5 / colorby::kBins);
        QVERIFY(rgbDistance(legendImg.pixelColor(bar.center().x(), bar.bottom() - 2), low) < 24);
        QVERIFY(rgbDistance(legendImg.pixelColor(bar.center().x(), bar.top() + 2), high) < 24);
        const QImage screen = view->grabScreen();
        const QPoint at = view->positionOf(top).toPoint();
        QVERIFY2(rgbDistance(pixelNear(screen, at, high, 2), high) < 30, qPrintable(pixelNear(screen, at, high, 2).name()));

        // Region: categorical again, no colour bar.
        box->setCurrentIndex(2);
        QTest::qWait(50);
        QCOMPARE(view->legend()->scale().bins, 0);
        QCOMPARE(view->legend()->entries().size(), 3);
        QVERIFY(view->legend()->barRect().isEmpty());

        // Saved with the project and restored on opening it.
        box->setCurrentIndex(1);
        QTemporaryDir dir;
        const QString project = dir.filePath(QStringLiteral("colorby.embedscope"));
        QVERIFY(w.saveProject(project));
        MainWindow w2;
        w2.show();
        QVERIFY(w2.openFile(project));
        QVERIFY(windowtest::waitIdle(w2));
        QCOMPARE(w2.findChild<QComboBox *>(QStringLiteral("colorBy"))->currentText(), QStringLiteral("score"));
        QCOMPARE(w2.scatter2d()->legend()->scale().bins, colorby::kBins);
    }

    // Issue 13 and 15 at every size and theme, with screenshots of every state.
    void panelsAtEverySizeAndTheme_data()
    {
        QTest::addColumn<QSize>("size");
        QTest::addColumn<QString>("theme");
        for (const QString theme : {QStringLiteral("light"), QStringLiteral("dark")})
            for (const QSize s : {QSize(1280, 720), QSize(1366, 768), QSize(1920, 1080)})
                QTest::newRow(qPrintable(QStringLiteral("%1x%2-%3").arg(s.width()).arg(s.height()).arg(theme)))
                    << s << theme;
    }
    void panelsAtEverySizeAndTheme()
    {
        QFETCH(QSize, size);
        QFETCH(QString, theme);
        const QString tag = QStringLiteral("panel16-%1x%2-%3").arg(size.width()).arg(size.height()).arg(theme);
        QString why;
        const auto colorBy = embedded(kColorBy12, &why, kLongSentence);
        const auto topics = embedded(kTopics300, &why);
        const auto classroom = embedded(kClassroom, &why);
        if (!colorBy || !topics || !classroom)
            QSKIP(qPrintable(why));
        MainWindow w;
        QVERIFY(windowtest::show(w, size));
        setTheme(w, theme);
        const bool dark = theme == QLatin1String("dark");
        const auto colors = palette::ViewColors::forTheme(dark);

        // Maps coloured by the 12 labels, then by the numeric score.
        w.setData(colorBy->dataset, colorBy->vectors);
        QVERIFY(windowtest::waitIdle(w));
        w.viewTabs()->setCurrentWidget(w.scatter2d());
        w.selectionModel()->setCurrentIndex(w.sentenceModel()->index(1, 0),
                                            QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        QTest::qWait(150);
        save(w, tag + QStringLiteral("-colorby-label"));
        auto *box = w.findChild<QComboBox *>(QStringLiteral("colorBy"));
        QVERIFY(box->isVisible());
        QVERIFY(box->mapTo(&w, QPoint(box->width(), 0)).x() <= w.width()); // the box fits
        box->setCurrentIndex(1);
        QTest::qWait(150);
        save(w, tag + QStringLiteral("-colorby-score"));
        QVERIFY(!w.scatter2d()->legend()->barRect().isEmpty());

        // The inspector: the long sentence wraps within the neighbour table.
        w.inspector()->showRow(1);
        QTest::qWait(100);
        auto *tree = w.inspector()->findChild<QTreeWidget *>();
        QVERIFY(tree);
        // The sentence column ends inside the visible part of the table (no sideways scroll).
        QVERIFY2(tree->header()->sectionViewportPosition(3) + tree->header()->sectionSize(3)
                     <= tree->viewport()->width() + 1,
                 qPrintable(QStringLiteral("%1: column ends at %2, viewport %3 (%4 %5 %6 %7)").arg(tag)
                                .arg(tree->header()->sectionViewportPosition(3) + tree->header()->sectionSize(3))
                                .arg(tree->viewport()->width()).arg(tree->columnWidth(0)).arg(tree->columnWidth(1))
                                .arg(tree->columnWidth(2)).arg(tree->columnWidth(3))));
        for (int i = 0; i < tree->topLevelItemCount(); ++i) {
            QTreeWidgetItem *item = tree->topLevelItem(i);
            if (item->data(0, Qt::UserRole).toInt() != 0)
                continue;
            const QRect r = tree->visualItemRect(item);
            const QRect need = tree->fontMetrics().boundingRect(
                QRect(0, 0, tree->columnWidth(3) - 8, 10000), Qt::TextWordWrap, kLongSentence);
            QVERIFY2(r.height() >= need.height(), qPrintable(tag));
        }
        save(w, tag + QStringLiteral("-inspector"));

        // The heatmap of a <= 50-row set: texts and row numbers on both axes.
        HeatmapView *heat = w.heatmap();
        w.setData(classroom->dataset, classroom->vectors);
        QVERIFY(windowtest::waitIdle(w));
        w.viewTabs()->setCurrentWidget(heat->parentWidget());
        QTest::qWait(150);
        QVERIFY2(heat->showsAxisTexts(), qPrintable(tag)); // numbers and texts, one line per row
        QVERIFY(heat->leftAxisRect().width() > 50);
        QVERIFY(heat->topAxisRect().height() > 50);
        {
            const QRectF plot = heat->plotRect();
            const double avail = std::min(heat->width(), heat->height());
            QVERIFY2(plot.width() >= 0.6 * avail,
                     qPrintable(QStringLiteral("%1 of %2x%3").arg(plot.width()).arg(heat->width()).arg(heat->height())));
        }
        save(w, tag + QStringLiteral("-heatmap-30"));

        // The heatmap of topics300: numbers only; the range from the off-diagonal cells.
        w.setData(topics->dataset, topics->vectors);
        QVERIFY(windowtest::waitIdle(w));
        QTest::qWait(150);
        QVERIFY(!heat->showsAxisTexts());
        QVERIFY(heat->leftAxisRect().width() < 60); // numbers only
        QVERIFY(heat->rangeMax() < 0.95f);
        // Square cells that use the panel: the matrix spans most of the smaller side.
        const QRectF plot = heat->plotRect();
        QCOMPARE(plot.width(), plot.height());
        const double avail = std::min(heat->width(), heat->height());
        QVERIFY2(plot.width() >= 0.75 * avail,
                 qPrintable(QStringLiteral("%1 of %2x%3").arg(plot.width()).arg(heat->width()).arg(heat->height())));
        save(w, tag + QStringLiteral("-heatmap-300"));
        Q_UNUSED(colors);
    }
};

ES_TEST_MAIN(TestViewPanels)
#include "tst_viewpanels.moc"
