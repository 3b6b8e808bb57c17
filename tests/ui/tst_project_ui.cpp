// Project save/open and exports through the window: a saved project opens with the same
// texts, labels, vectors and view state; exported coordinates, neighbours, similarity,
// vectors, projector TSV and view images load back; unsaved-change tracking follows the
// undo stack.
#include "mainwindow.h"
#include "windowtest.h"

#include "formats/project.h"
#include "formats/vectors.h"
#include "models/sentencemodel.h"
#include "views/heatmapview.h"

#include <QComboBox>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include "tools/testmain.h"
#include <QUndoStack>

#include <random>

using namespace es;

namespace {

void sampleData(Dataset &ds, Matrix &v)
{
    const int n = 12;
    std::mt19937 rng(3);
    std::normal_distribution<float> g(0, 1);
    v.resize(n, 8);
    Column label{"topic", {}};
    for (int i = 0; i < n; ++i) {
        ds.texts.push_back("sentence number " + std::to_string(i + 1));
        label.values.push_back(i % 3 == 0 ? "a" : i % 3 == 1 ? "b" : "c");
        for (int d = 0; d < 8; ++d)
            v(i, d) = g(rng) + (d == i % 3 ? 4.0f : 0.0f);
    }
    ds.columns.push_back(label);
    ds.labelColumn = 0;
}

QStringList readLines(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts);
}

} // namespace

class TestProjectUi : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        windowtest::isolateSettings(); // the application name: the test's executable
    }

    void saveAndOpenRoundTrip()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("demo.embedscope");
        Dataset ds;
        Matrix v;
        sampleData(ds, v);
        {
            MainWindow w;
            w.show();
            w.setData(ds, v);
            QVERIFY(w.waitForJobs(30000));
            QVERIFY(!w.isModified());
            w.sentenceModel()->setData(w.sentenceModel()->index(0, 1), "renamed");
            QVERIFY(w.isModified());
            QVERIFY(w.windowTitle().contains('*'));
            w.findChild<QComboBox *>("heatmapOrder")->setCurrentIndex(2); // heatmap order: clusters
            w.searchBox()->setText("number 1");
            QVERIFY(w.waitForJobs(30000));
            QVERIFY(w.saveProject(path));
            QVERIFY(!w.isModified());
            QVERIFY(!w.windowTitle().contains('*'));
        }
        auto p = formats::loadProject(path.toStdString());
        QVERIFY2(p.ok(), p.ok() ? "" : p.error().message.c_str());
        QCOMPARE(p->dataset.texts, ds.texts);
        QVERIFY(p->vectors.isApprox(v));
        QVERIFY(p->projections.count("pca3d"));
        QCOMPARE(p->dataset.label()->values[0], std::string("renamed"));

        MainWindow w2;
        w2.show();
        QSignalSpy opened(&w2, &MainWindow::fileOpened);
        QVERIFY(w2.openFile(path));
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 30000);
        QVERIFY(w2.waitForJobs(30000));
        QCOMPARE(w2.sentenceModel()->rowCount(), 12);
        QCOMPARE(w2.sentenceModel()->label(0), QString("renamed"));
        QCOMPARE(w2.sentenceModel()->text(5), QString("sentence number 6"));
        QVERIFY(w2.vectors());
        QVERIFY(w2.vectors()->isApprox(v));
        QCOMPARE(w2.searchBox()->text(), QString("number 1"));
        QCOMPARE(w2.searchHits().size(), 4); // 1, 10, 11, 12
        QCOMPARE(w2.findChild<QComboBox *>("heatmapOrder")->currentIndex(), 2);
        QVERIFY(w2.heatmap()->order().size() == 12); // the cluster order arrived
        QCOMPARE(w2.projectPath(), path);
        QVERIFY(!w2.isModified());
    }

    // t-SNE settings and coordinates are saved; opening shows that map without running
    // t-SNE again, and "Export coordinates" writes the t-SNE map while it is shown.
    void tsneRoundTrip()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("tsne.embedscope");
        Dataset ds;
        Matrix v;
        sampleData(ds, v);
        QVector<QVector3D> saved;
        {
            MainWindow w;
            w.show();
            w.setData(ds, v);
            QVERIFY(w.waitForJobs(30000));
            w.tsneDock()->findChild<QDoubleSpinBox *>()->setValue(3.0); // perplexity
            w.tsneIterationsBox()->setValue(400);
            w.tsneDimsBox()->setCurrentIndex(w.tsneDimsBox()->findData(2));
            QVERIFY(w.runTsne());
            QVERIFY(w.waitForJobs(60000));
            QVERIFY(w.tsneProjection());
            saved = w.tsneCoords();
            QCOMPARE(saved.size(), 12);
            QVERIFY(w.saveProject(path));
        }
        auto p = formats::loadProject(path.toStdString());
        QVERIFY2(p.ok(), p.ok() ? "" : p.error().message.c_str());
        QVERIFY(p->projections.count("tsne2d"));
        const Matrix &c = p->projections.at("tsne2d");
        QCOMPARE(c.rows(), 12);
        QCOMPARE(c.cols(), 2);
        QCOMPARE(c(5, 1), saved[5].y());
        QCOMPARE(p->parameters["tsne"]["perplexity"].get<double>(), 3.0);
        QCOMPARE(p->parameters["tsne"]["iterations"].get<int>(), 400);
        QCOMPARE(p->parameters["tsne"]["dims"].get<int>(), 2);
        QCOMPARE(p->parameters["tsne"]["metric"].get<std::string>(), std::string("cosine"));
        QVERIFY(p->parameters["tsne"]["shown"].get<bool>());

        MainWindow w2;
        w2.show();
        QSignalSpy opened(&w2, &MainWindow::fileOpened);
        QVERIFY(w2.openFile(path));
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 30000);
        QVERIFY(w2.waitForJobs(30000));
        QVERIFY(w2.tsneProjection());
        QCOMPARE(w2.jobs()->generation(QStringLiteral("tsne")), quint64(0)); // not run again
        QCOMPARE(w2.tsneCoords(), saved);
        QCOMPARE(w2.tsneDock()->findChild<QDoubleSpinBox *>()->value(), 3.0);
        QCOMPARE(w2.tsneIterationsBox()->value(), 400);
        QVERIFY(w2.tsneStatus()->text().contains("project"));

        QVERIFY(w2.exportCoordinates(dir.filePath("t.csv")));
        const QStringList lines = readLines(dir.filePath("t.csv"));
        QCOMPARE(lines.size(), 13);
        QCOMPARE(lines[0].trimmed(), QString("row,x,y")); // the 2D t-SNE map
        QVERIFY(std::abs(lines[4].split(',')[2].toFloat() - saved[3].y()) < 1e-3f * std::max(1.f, std::abs(saved[3].y())));
        // Back to PCA: the export follows the map shown.
        w2.setTsneProjection(false);
        QVERIFY(w2.exportCoordinates(dir.filePath("p.csv")));
        const QStringList pl = readLines(dir.filePath("p.csv"));
        QVERIFY(pl[0].startsWith("row,x,y"));
        QVERIFY(std::abs(pl[4].split(',')[1].toFloat() - w2.pcaCoords()[3].x()) < 1e-3f * std::max(1.f, std::abs(w2.pcaCoords()[3].x())));
    }

    void exportsLoadBack()
    {
        QTemporaryDir dir;
        Dataset ds;
        Matrix v;
        sampleData(ds, v);
        MainWindow w;
        QVERIFY(windowtest::show(w));
        w.setData(ds, v);
        QVERIFY(w.waitForJobs(30000));

        QVERIFY(w.exportVectors(dir.filePath("v.npy")));
        auto back = formats::loadVectors(dir.filePath("v.npy").toStdString());
        QVERIFY(back.ok());
        QVERIFY(back->vectors.isApprox(v));

        QVERIFY(w.exportSimilarity(dir.filePath("s.npy")));
        auto sim = formats::loadVectors(dir.filePath("s.npy").toStdString());
        QVERIFY(sim.ok());
        QCOMPARE(sim->vectors.rows(), 12);
        QVERIFY(sim->vectors.isApprox(*w.similarity()));

        QVERIFY(w.exportCoordinates(dir.filePath("c.csv")));
        QStringList lines = readLines(dir.filePath("c.csv"));
        QCOMPARE(lines.size(), 13);
        QCOMPARE(lines[0].trimmed(), QString("row,x,y,z")); // PCA is shown: three components
        QVERIFY(std::abs(lines[3].split(',')[1].toFloat() - w.pcaCoords()[2].x()) < 1e-4f);

        QVERIFY(w.exportNeighbors(dir.filePath("n.csv")));
        lines = readLines(dir.filePath("n.csv"));
        QCOMPARE(lines[0].trimmed(), QString("row,rank,neighbor,similarity"));
        QCOMPARE(lines.size(), 1 + 12 * w.neighbors()->k);
        QCOMPARE(lines[1].split(',')[2].toInt(), w.neighbors()->at(0, 0));

        QVERIFY(w.exportProjector(dir.filePath("vectors.tsv"), dir.filePath("metadata.tsv")));
        auto proj = formats::loadVectors(dir.filePath("vectors.tsv").toStdString());
        QVERIFY2(proj.ok(), proj.ok() ? "" : proj.error().message.c_str());
        QVERIFY(proj->vectors.isApprox(v, 1e-5f));
        QVERIFY(proj->metadata);
        QCOMPARE(proj->metadata->texts, ds.texts);

        // View images: the heatmap PNG has the cell colours; SVG files are written.
        w.viewTabs()->setCurrentIndex(0);
        const QSize size = w.heatmap()->size();
        QVERIFY(w.exportCurrentView(dir.filePath("heat.png")));
        QImage img(dir.filePath("heat.png"));
        QCOMPARE(img.size(), size);
        QCOMPARE(img.pixelColor(w.heatmap()->cellRect(0, 3).center().toPoint()),
                 w.heatmap()->colorFor((*w.similarity())(0, 3)));
        QVERIFY(w.exportCurrentView(dir.filePath("heat.svg")));
        QVERIFY(QFile(dir.filePath("heat.svg")).size() > 1000);
        w.viewTabs()->setCurrentIndex(1);
        QVERIFY(w.exportCurrentView(dir.filePath("map.png"), QSize(800, 600)));
        QCOMPARE(QImage(dir.filePath("map.png")).size(), QSize(800, 600));
        QVERIFY(w.exportCurrentView(dir.filePath("map.svg"), QSize(800, 600)));
        QVERIFY(QFile(dir.filePath("map.svg")).size() > 1000);
    }
};

ES_TEST_MAIN(TestProjectUi)
#include "tst_project_ui.moc"
