// ExplorerDocument without any widget (QCoreApplication): a real file is opened and embedded
// with the local model, and similarity, neighbours, PCA and t-SNE arrive through the
// document's signals (UMAP too: run, placement of a new row, project round trip); a result of outdated data is dropped after an edit; undo brings back
// a row with its vector and derived results; a project round-trips through the document alone;
// the data-set doctor runs through the document (doctorReady) and its result of outdated
// data is dropped after an edit.
#include "document/explorerdocument.h"

#include "analysis/similarity.h"
#include "doctor/doctor.h"
#include "formats/project.h"
#include "formats/texts.h"
#include "jobs/jobrunner.h"
#include "models/sentencemodel.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

#include "tools/testmain.h"

#include <cmath>
#include <fstream>

using namespace es;

namespace {

const char *kCsv =
    "text,label\n"
    "The cat sleeps on the warm sofa,animals\n"
    "A dog barks at the postman,animals\n"
    "Kittens play with a ball of wool,animals\n"
    "The puppy chews an old shoe,animals\n"
    "Stock markets fell sharply today,finance\n"
    "The bank raised its interest rates,finance\n"
    "Investors sold shares after the report,finance\n"
    "Inflation pushed bond prices down,finance\n"
    "The team won the football match,sport\n"
    "She scored a goal in the final minute,sport\n"
    "The tennis player served an ace,sport\n"
    "Runners crossed the marathon finish line,sport\n";

// Waits until no job runs and the events they posted are handled.
bool settle(JobRunner &jobs, int ms = 60000)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < ms) {
        QCoreApplication::processEvents();
        if (!jobs.isBusy()) {
            QCoreApplication::processEvents();
            if (!jobs.isBusy())
                return true;
        }
        jobs.waitForIdle(20);
    }
    return false;
}

bool allFinite(const MapPoints &p)
{
    return std::all_of(p.begin(), p.end(), [](const QVector3D &v) { return std::isfinite(v.x()) && std::isfinite(v.y()); });
}

} // namespace

class TestExplorerDocument : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    QString csv_;

    // A document with the file opened and embedded (every result in).
    bool openAndEmbed(ExplorerDocument &doc, JobRunner &jobs)
    {
        auto loaded = formats::loadTexts(csv_.toStdString());
        if (!loaded)
            return false;
        EmbedderSpec spec;
        spec.provider = "local";
        doc.setEmbedderSpec(spec);
        doc.setTexts(loaded->dataset);
        doc.checkModel(); // modelReady, then the document embeds and analyses
        return settle(jobs);
    }

private slots:
    void initTestCase()
    {
        if (qEnvironmentVariableIsEmpty("EMBEDSCOPE_MODEL"))
            QSKIP("needs the local model ($EMBEDSCOPE_MODEL)");
        QVERIFY(dir_.isValid());
        csv_ = dir_.filePath("sentences.csv");
        std::ofstream(csv_.toStdString()) << kCsv;
    }

    void embedsAndAnalysesThroughSignals()
    {
        JobRunner jobs;
        ExplorerDocument doc(&jobs);
        QSignalSpy model(&doc, &ExplorerDocument::modelReady), vectors(&doc, &ExplorerDocument::vectorsReady),
            similarity(&doc, &ExplorerDocument::similarityReady), neighbors(&doc, &ExplorerDocument::neighborsReady),
            projection(&doc, &ExplorerDocument::projectionReady), failed(&doc, &ExplorerDocument::failed);
        QVERIFY(openAndEmbed(doc, jobs));
        QCOMPARE(failed.count(), 0);
        QCOMPARE(model.count(), 1);
        QVERIFY(vectors.count() >= 1);
        QVERIFY(similarity.count() >= 1);
        QVERIFY(neighbors.count() >= 1);
        QVERIFY(!projection.isEmpty());
        QCOMPARE(projection.last().at(0).toString(), QStringLiteral("pca"));

        const int n = 12;
        QCOMPARE(doc.model()->rowCount(), n);
        QVERIFY(doc.vectors());
        QCOMPARE(doc.vectors()->rows(), n);
        QCOMPARE(doc.vectors()->cols(), 100);
        // The similarity is the cosine of the vectors the document holds.
        auto expected = analysis::cosineSimilarity(*doc.vectors());
        QVERIFY(expected.ok());
        QVERIFY(doc.similarity());
        QVERIFY((*doc.similarity() - expected.value()).cwiseAbs().maxCoeff() < 1e-4f);
        // Neighbours: k = 10 per row, never the row itself, best first.
        QVERIFY(doc.neighbors());
        QCOMPARE(doc.neighbors()->k, 10);
        for (int i = 0; i < n; ++i) {
            QVERIFY(doc.neighbors()->at(i, 0) != i);
            QVERIFY(doc.neighbors()->sim(i, 0) >= doc.neighbors()->sim(i, 1));
            QVERIFY(std::abs(doc.neighbors()->sim(i, 0) - expected.value()(i, doc.neighbors()->at(i, 0))) < 1e-4f);
        }
        // PCA: a point per row; its axis titles carry the explained variance.
        QVERIFY(doc.hasProjection("pca"));
        QVERIFY(allFinite(doc.projection("pca").coords));
        QVERIFY(doc.method("pca")->axisTitle(1, doc.projection("pca").fit).contains("%"));

        // t-SNE through the same interface, streaming; deterministic for a seed.
        QCOMPARE(doc.runProjection("tsne"), QString());
        QVERIFY(settle(jobs));
        QVERIFY(doc.hasProjection("tsne"));
        const MapPoints first = doc.projection("tsne").coords;
        QVERIFY(allFinite(first));
        QVERIFY(doc.projection("tsne").status.startsWith("t-SNE done"));
        QCOMPARE(doc.projection("tsne").dims, 2);
        doc.method("tsne")->setParameters(QJsonObject{{"iterations", 300}, {"perplexity", 3.0}, {"seed", 7}});
        QSignalSpy tsneReady(&doc, &ExplorerDocument::projectionReady);
        QCOMPARE(doc.runProjection("tsne"), QString());
        QVERIFY(settle(jobs));
        QVERIFY(!tsneReady.isEmpty());
        QCOMPARE(tsneReady.last().at(0).toString(), QStringLiteral("tsne"));
        const MapPoints a = doc.projection("tsne").coords;
        QCOMPARE(doc.runProjection("tsne"), QString());
        QVERIFY(settle(jobs));
        QCOMPARE(doc.projection("tsne").coords, a);
        QVERIFY(a != first);
        // Too few rows: the method says why instead of running.
        QVERIFY(doc.method("tsne")->cannotRun(3).contains("at least 4"));
    }

    void staleResultIsDroppedAfterAnEdit()
    {
        JobRunner jobs;
        ExplorerDocument doc(&jobs);
        QVERIFY(openAndEmbed(doc, jobs));
        doc.method("tsne")->setParameters(QJsonObject{{"iterations", 2000}, {"perplexity", 3.0}});
        QCOMPARE(doc.runProjection("tsne"), QString());
        const quint64 before = doc.version();
        // An edit while the run computes: its map is of the old texts.
        QVERIFY(doc.model()->setCellUndoable(0, SentenceModel::TextColumn, "Parliament passed the new budget law"));
        QCOMPARE(doc.version(), before + 1);
        QVERIFY(!doc.vectors()); // outdated at once
        QVERIFY(settle(jobs));
        // Every snapshot and the result of the old run arrived after the edit and were dropped:
        // no t-SNE map of the old texts appeared.
        QVERIFY(jobs.generation("tsne") > 0);
        QVERIFY(doc.projection("tsne").coords.isEmpty());
        QCOMPARE(doc.projection("tsne").snapshots, 0);
        // The document brings the rest up to date: the new text is embedded, PCA places it.
        QCOMPARE(doc.refresh(), ExplorerDocument::Refresh::Started);
        QVERIFY(settle(jobs));
        QVERIFY(doc.vectors());
        QCOMPARE(doc.vectors()->rows(), 12);
        QVERIFY(allFinite(doc.projection("pca").coords));
    }

    void undoRestoresRowsAndResults()
    {
        JobRunner jobs;
        ExplorerDocument doc(&jobs);
        QVERIFY(openAndEmbed(doc, jobs));
        const Matrix vectors = *doc.vectors();
        const Matrix similarity = *doc.similarity();
        const MapPoints pca = doc.projection("pca").coords;
        const QString removed = doc.model()->text(4);

        doc.model()->removeRowsUndoable({4});
        doc.refresh();
        QVERIFY(settle(jobs));
        QCOMPARE(doc.model()->rowCount(), 11);
        QCOMPARE(doc.vectors()->rows(), 11);
        QCOMPARE(doc.similarity()->rows(), 11);
        QCOMPARE(doc.projection("pca").coords.size(), 11);

        doc.model()->undoStack()->undo();
        QCOMPARE(doc.model()->text(4), removed);
        QSignalSpy embedded(&doc, &ExplorerDocument::embedded);
        doc.refresh();
        QVERIFY(settle(jobs));
        QCOMPARE(embedded.count(), 0); // the row's vector came back from the cache
        QCOMPARE(doc.vectors()->rows(), 12);
        QVERIFY((*doc.vectors() - vectors).cwiseAbs().maxCoeff() == 0.f);
        QVERIFY((*doc.similarity() - similarity).cwiseAbs().maxCoeff() < 1e-5f);
        QCOMPARE(doc.neighbors()->k, 10);
        // The restored row is placed with the existing fit; the others did not move.
        const MapPoints now = doc.projection("pca").coords;
        QCOMPARE(now.size(), 12);
        QVERIFY(allFinite(now));
        for (int r = 0; r < 12; ++r)
            if (r != 4)
                QCOMPARE(now[r], pca[r]);
        QVERIFY((now[4] - pca[4]).length() < 1e-3f);
    }

    void projectRoundTripsThroughTheDocument()
    {
        JobRunner jobs;
        ExplorerDocument doc(&jobs);
        QVERIFY(openAndEmbed(doc, jobs));
        doc.method("tsne")->setParameters(QJsonObject{{"iterations", 300}, {"perplexity", 3.0}, {"seed", 11}});
        QCOMPARE(doc.runProjection("tsne"), QString());
        QVERIFY(settle(jobs));
        doc.setActiveProjection("tsne");
        const QString path = dir_.filePath("round.embedscope");
        formats::Project saved = doc.toProject();
        QCOMPARE(saved.provider, std::string("local"));
        QVERIFY(saved.projections.count("tsne2d"));
        QVERIFY(saved.projections.count("pca3d"));
        QVERIFY(formats::saveProject(path.toStdString(), saved).ok());

        auto loaded = formats::loadProject(path.toStdString());
        QVERIFY(loaded.ok());
        JobRunner jobs2;
        ExplorerDocument doc2(&jobs2);
        doc2.setData(loaded->dataset, ExplorerDocument::rowVectorsFor(loaded->dataset, loaded->vectors));
        doc2.restoreProjections(*loaded);
        QVERIFY(!doc2.vectorsFromFile()); // the embedder's vectors: later edits re-embed
        QCOMPARE(doc2.refresh(), ExplorerDocument::Refresh::Started);
        QVERIFY(settle(jobs2));
        QCOMPARE(jobs2.generation("tsne"), quint64(0)); // the saved map, not run again
        QCOMPARE(doc2.model()->texts(), doc.model()->texts());
        QCOMPARE(doc2.model()->labels(), doc.model()->labels());
        QVERIFY((*doc2.vectors() - *doc.vectors()).cwiseAbs().maxCoeff() == 0.f);
        QCOMPARE(doc2.projection("tsne").coords, doc.projection("tsne").coords);
        QCOMPARE(doc2.method("tsne")->parameters().value("seed").toInt(), 11);
        QCOMPARE(doc2.method("tsne")->parameters().value("iterations").toInt(), 300);
        QVERIFY(doc2.projection("tsne").status.contains("project"));
        QVERIFY(allFinite(doc2.projection("pca").coords));
        QVERIFY((*doc2.similarity() - *doc.similarity()).cwiseAbs().maxCoeff() < 1e-5f);
    }

    // The doctor is a result of the document like the others: started by runDoctor, it
    // arrives through doctorReady with the texts and labels it examined, and its report is
    // the one core's diagnose makes of the document's vectors.
    void doctorRunsThroughTheDocument()
    {
        JobRunner jobs;
        ExplorerDocument doc(&jobs);
        // Texts without vectors: the doctor says why it cannot run.
        {
            ExplorerDocument bare(&jobs);
            auto loaded = formats::loadTexts(csv_.toStdString());
            QVERIFY(loaded.ok());
            bare.setTexts(loaded->dataset);
            QVERIFY(!bare.doctorCanRun());
            QVERIFY(bare.runDoctor({}).contains("embed them first"));
            QCOMPARE(jobs.generation("doctor"), quint64(0));
        }
        QVERIFY(openAndEmbed(doc, jobs));
        QVERIFY(doc.doctorCanRun());
        QVERIFY(!doc.doctorResult());
        QSignalSpy ready(&doc, &ExplorerDocument::doctorReady), failed(&doc, &ExplorerDocument::failed);
        doctor::DoctorConfig cfg;
        cfg.outlierNeighbours = 5;
        QCOMPARE(doc.runDoctor(cfg), QString());
        QVERIFY(doc.isDoctorRunning());
        QVERIFY(settle(jobs));
        QCOMPARE(failed.count(), 0);
        QCOMPARE(ready.count(), 1);
        const auto result = doc.doctorResult();
        QVERIFY(result);
        QCOMPARE(result->version, doc.version());
        QCOMPARE(result->config.outlierNeighbours, 5);
        QCOMPARE(int(result->texts.size()), 12);
        QCOMPARE(QString::fromStdString(result->texts[4]), doc.model()->text(4));
        QCOMPARE(int(result->labels.size()), 12);
        QCOMPARE(result->labels[0], std::string("animals"));
        // Labelled data: the clusters are the three label groups, every row in its own.
        const doctor::DoctorReport &r = result->report;
        QVERIFY(r.clustersFromLabels);
        QCOMPARE(int(r.clusters.size()), 3);
        QCOMPARE(int(r.clusterOf.size()), 12);
        for (int row = 0; row < 12; ++row)
            QCOMPARE(r.clusters[std::size_t(r.clusterOf[std::size_t(row)])].name, result->labels[std::size_t(row)]);
        // The same report as core's diagnose of the document's vectors (deterministic).
        auto direct = doctor::diagnose(*doc.vectors(), result->texts, result->labels, cfg);
        QVERIFY(direct.ok());
        QCOMPARE(r.outlierScores.size(), direct->outlierScores.size());
        for (std::size_t i = 0; i < r.outlierScores.size(); ++i)
            QVERIFY(std::abs(r.outlierScores[i] - direct->outlierScores[i]) < 1e-9);
        QCOMPARE(r.outliers.size(), direct->outliers.size());
        QCOMPARE(r.duplicates.size(), direct->duplicates.size());
        QCOMPARE(r.disagreements.size(), direct->disagreements.size());
    }

    void doctorStaleResultIsDroppedAfterAnEdit()
    {
        JobRunner jobs;
        ExplorerDocument doc(&jobs);
        QVERIFY(openAndEmbed(doc, jobs));
        QSignalSpy ready(&doc, &ExplorerDocument::doctorReady);
        QCOMPARE(doc.runDoctor({}), QString());
        QVERIFY(settle(jobs));
        QCOMPARE(ready.count(), 1);
        const auto first = doc.doctorResult();
        QVERIFY(first);
        const quint64 generation = jobs.generation("doctor");

        // A run, then an edit while it computes: its findings are of the old texts.
        QCOMPARE(doc.runDoctor({}), QString());
        QVERIFY(jobs.generation("doctor") > generation);
        const quint64 before = doc.version();
        QVERIFY(doc.model()->setCellUndoable(0, SentenceModel::TextColumn, "Parliament passed the new budget law"));
        QCOMPARE(doc.version(), before + 1);
        QVERIFY(settle(jobs));
        QCOMPARE(ready.count(), 1); // nothing of the old texts arrived
        QVERIFY(doc.doctorResult() == first);
        QVERIFY(doc.doctorResult()->version != doc.version());
        // Not until the new text has its vector.
        QVERIFY(!doc.doctorCanRun());
        QVERIFY(!doc.runDoctor({}).isEmpty());

        // Brought up to date, the doctor examines the new text.
        QCOMPARE(doc.refresh(), ExplorerDocument::Refresh::Started);
        QVERIFY(settle(jobs));
        QCOMPARE(doc.runDoctor({}), QString());
        QVERIFY(settle(jobs));
        QCOMPARE(ready.count(), 2);
        QCOMPARE(doc.doctorResult()->version, doc.version());
        QCOMPARE(doc.doctorResult()->texts[0], std::string("Parliament passed the new budget law"));
    }

    // UMAP through the same interface: streamed snapshots, then the map; the same seed gives
    // the same map, another seed another one.
    void umapRunsThroughTheDocument()
    {
        JobRunner jobs;
        ExplorerDocument doc(&jobs);
        QVERIFY(openAndEmbed(doc, jobs));
        QVERIFY(doc.method("umap"));
        QCOMPARE(doc.method("umap")->name(), QStringLiteral("UMAP"));
        doc.method("umap")->setParameters(QJsonObject{{"neighbors", 5}, {"seed", 7}, {"epochs", 200}});
        QSignalSpy ready(&doc, &ExplorerDocument::projectionReady);
        QCOMPARE(doc.runProjection("umap"), QString());
        QVERIFY(settle(jobs));
        QVERIFY(!ready.isEmpty());
        QCOMPARE(ready.last().at(0).toString(), QStringLiteral("umap"));
        QCOMPARE(ready.last().at(1).toInt(), 2);
        QVERIFY(doc.hasProjection("umap"));
        const ExplorerDocument::Projection &p = doc.projection("umap");
        QCOMPARE(p.coords.size(), 12);
        QVERIFY(allFinite(p.coords));
        QCOMPARE(p.dims, 2);
        QVERIFY2(p.status.startsWith("UMAP done: 200 epochs, 5 neighbours"), qPrintable(p.status));
        QVERIFY(p.snapshots > 1); // snapshots, then the map
        QCOMPARE(doc.method("umap")->axisTitle(2, p.fit), QStringLiteral("UMAP 2"));
        // Same seed, same map (bitwise); another seed, another map.
        const MapPoints a = p.coords;
        QCOMPARE(doc.runProjection("umap"), QString());
        QVERIFY(settle(jobs));
        QCOMPARE(doc.projection("umap").coords, a);
        doc.method("umap")->setParameters(QJsonObject{{"neighbors", 5}, {"seed", 8}, {"epochs", 200}});
        QCOMPARE(doc.runProjection("umap"), QString());
        QVERIFY(settle(jobs));
        QVERIFY(doc.projection("umap").coords != a);
        // Too few rows: a reason a person can act on.
        QVERIFY(doc.method("umap")->cannotRun(3).contains("at least 4"));
        QVERIFY(doc.method("umap")->cannotRun(12).isEmpty());
        // A note of the core reaches the status line: with 2 neighbours (one other point
        // each) the 12 sentences fall apart, and each part is laid out on its own.
        doc.method("umap")->setParameters(QJsonObject{{"neighbors", 2}, {"epochs", 50}});
        QCOMPARE(doc.runProjection("umap"), QString());
        QVERIFY(settle(jobs));
        QVERIFY2(doc.projection("umap").status.contains("disconnected parts; each was laid out on its own"),
                 qPrintable(doc.projection("umap").status));
        // 3 dimensions.
        doc.method("umap")->setParameters(QJsonObject{{"neighbors", 5}, {"dims", 3}, {"epochs", 100}});
        QCOMPARE(doc.runProjection("umap"), QString());
        QVERIFY(settle(jobs));
        QCOMPARE(ready.last().at(1).toInt(), 3);
        QCOMPARE(doc.projection("umap").dims, 3);
    }

    void umapStaleResultIsDroppedAfterAnEdit()
    {
        JobRunner jobs;
        ExplorerDocument doc(&jobs);
        QVERIFY(openAndEmbed(doc, jobs));
        doc.method("umap")->setParameters(QJsonObject{{"neighbors", 5}, {"epochs", 3000}});
        QCOMPARE(doc.runProjection("umap"), QString());
        QVERIFY(doc.model()->setCellUndoable(0, SentenceModel::TextColumn, "Parliament passed the new budget law"));
        QVERIFY(settle(jobs));
        QVERIFY(jobs.generation("umap") > 0);
        QVERIFY(doc.projection("umap").coords.isEmpty());
        QCOMPARE(doc.projection("umap").snapshots, 0);
    }

    // The classroom case: a sentence typed into a UMAP map is placed with umapPlace, the
    // map is not made again and every other point keeps its coordinates exactly.
    void umapPlacesANewRowWithoutARerun()
    {
        JobRunner jobs;
        ExplorerDocument doc(&jobs);
        QVERIFY(openAndEmbed(doc, jobs));
        doc.method("umap")->setParameters(QJsonObject{{"neighbors", 5}, {"seed", 3}, {"epochs", 300}});
        doc.setActiveProjection("umap");
        QCOMPARE(doc.runProjection("umap"), QString());
        QVERIFY(settle(jobs));
        const MapPoints before = doc.projection("umap").coords;
        QCOMPARE(before.size(), 12);
        const quint64 runs = jobs.generation("umap");
        const quint64 placements = jobs.generation("umapplace");

        doc.model()->insertRowsUndoable(12, {SentenceModel::Row{"A kitten sleeps beside the cat", "animals", {}}});
        doc.refresh();
        QVERIFY(settle(jobs));
        QCOMPARE(jobs.generation("umap"), runs);              // no rerun
        QVERIFY(jobs.generation("umapplace") > placements);   // placed
        const MapPoints now = doc.projection("umap").coords;
        QCOMPARE(now.size(), 13);
        QVERIFY(allFinite(now));
        for (int r = 0; r < 12; ++r)
            QCOMPARE(now[r], before[r]); // bitwise: the others held fixed
        QVERIFY(doc.projection("umap").status.startsWith("UMAP done"));
        // The new point lands among its neighbours: its nearest point on the map is an animal.
        int nearest = -1;
        float best = 1e30f;
        for (int r = 0; r < 12; ++r)
            if (const float d = (now[r] - now[12]).lengthSquared(); d < best) {
                best = d;
                nearest = r;
            }
        QVERIFY2(nearest >= 0 && nearest < 4, qPrintable(QString::number(nearest)));
    }

    void umapProjectRoundTrip()
    {
        JobRunner jobs;
        ExplorerDocument doc(&jobs);
        QVERIFY(openAndEmbed(doc, jobs));
        doc.method("umap")->setParameters(QJsonObject{{"neighbors", 6}, {"min_dist", 0.3}, {"seed", 5},
                                                      {"epochs", 150}, {"metric", "euclidean"}});
        QCOMPARE(doc.runProjection("umap"), QString());
        QVERIFY(settle(jobs));
        doc.setActiveProjection("umap");
        const QString path = dir_.filePath("umap.embedscope");
        formats::Project saved = doc.toProject();
        QVERIFY(saved.projections.count("umap2d"));
        QVERIFY(saved.parameters.contains("umap"));
        QVERIFY(formats::saveProject(path.toStdString(), saved).ok());

        auto loaded = formats::loadProject(path.toStdString());
        QVERIFY(loaded.ok());
        JobRunner jobs2;
        ExplorerDocument doc2(&jobs2);
        doc2.setData(loaded->dataset, ExplorerDocument::rowVectorsFor(loaded->dataset, loaded->vectors));
        doc2.restoreProjections(*loaded);
        QCOMPARE(doc2.refresh(), ExplorerDocument::Refresh::Started);
        QVERIFY(settle(jobs2));
        QCOMPARE(jobs2.generation("umap"), quint64(0)); // the saved map, not run again
        QCOMPARE(doc2.projection("umap").coords, doc.projection("umap").coords);
        const QJsonObject p = doc2.method("umap")->parameters();
        QCOMPARE(p.value("neighbors").toInt(), 6);
        QCOMPARE(p.value("min_dist").toDouble(), 0.3);
        QCOMPARE(p.value("seed").toInt(), 5);
        QCOMPARE(p.value("epochs").toInt(), 150);
        QCOMPARE(p.value("metric").toString(), QStringLiteral("euclidean"));
    }
};

ES_TEST_GUILESS_MAIN(TestExplorerDocument)
#include "tst_explorerdocument.moc"
