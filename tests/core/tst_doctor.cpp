// Tests of the data-set doctor on built data with known answers: planted near and exact
// duplicates, flipped labels, planted outliers (k-NN distance and LOF), clusters explained
// by their typical items and distinctive words. Each test checks that the planted items
// are found AND that clean items are not flagged (bounded false positives).
#include "doctor/doctor.h"

#include <QtTest>
#include "tools/testmain.h"

#include <algorithm>
#include <random>
#include <set>

using namespace es;
using namespace es::doctor;

namespace {

// Five well-separated clusters of unit-ish points in 32-D, labelled "topicC", with texts
// made of three topic words and two shared words.
struct Synthetic {
    Matrix vectors;
    std::vector<std::string> labels;
    std::vector<std::string> texts;
    std::vector<int> truth; // cluster of each row
};

const char *kTopicWords[5][6] = {
    {"football", "goal", "match", "league", "striker", "referee"},
    {"guitar", "melody", "concert", "album", "drummer", "chorus"},
    {"recipe", "oven", "flour", "butter", "baking", "dough"},
    {"planet", "orbit", "telescope", "galaxy", "comet", "nebula"},
    {"election", "senate", "ballot", "campaign", "voter", "minister"},
};
const char *kCommon[] = {"people", "today", "really", "great", "new", "story"};

Synthetic makeSynthetic(int perCluster, unsigned seed, float noise = 0.15f)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> g(0.0f, 1.0f);
    const int d = 32, clusters = 5;
    Matrix centres(clusters, d);
    for (int c = 0; c < clusters; ++c) {
        for (int j = 0; j < d; ++j)
            centres(c, j) = g(rng);
        centres.row(c).normalize();
    }
    Synthetic s;
    s.vectors.resize(clusters * perCluster, d);
    std::uniform_int_distribution<int> w6(0, 5);
    for (int c = 0; c < clusters; ++c)
        for (int i = 0; i < perCluster; ++i) {
            const int r = c * perCluster + i;
            for (int j = 0; j < d; ++j)
                s.vectors(r, j) = centres(c, j) + noise * g(rng);
            s.labels.push_back("topic" + std::to_string(c));
            s.truth.push_back(c);
            std::string t = std::string(kTopicWords[c][w6(rng)]) + " " + kCommon[w6(rng)] + " "
                + kTopicWords[c][w6(rng)] + " " + kCommon[w6(rng)] + " " + kTopicWords[c][w6(rng)]
                + " number " + std::to_string(r);
            s.texts.push_back(t);
        }
    return s;
}

} // namespace

class TestDoctor : public QObject {
    Q_OBJECT
private slots:
    void normalizeText()
    {
        QCOMPARE(doctor::normalizeText("  Hello \t  World\n"), std::string("hello world"));
        QCOMPARE(doctor::normalizeText("ÉCOLE  Über"), std::string("école über"));
        QCOMPARE(doctor::normalizeText("a b"), doctor::normalizeText("A  B "));
    }

    void plantedDuplicatesFoundAndCleanNotFlagged()
    {
        Synthetic s = makeSynthetic(60, 7);
        const int n = int(s.vectors.rows());
        // Near duplicates: rows 10 and 130 get copies with a tiny perturbation, row 200 gets two.
        std::mt19937 rng(3);
        std::normal_distribution<float> g(0.0f, 0.01f);
        const std::vector<int> sources{10, 130, 200, 200};
        Matrix v(n + 4 + 1, s.vectors.cols());
        v.topRows(n) = s.vectors;
        for (int p = 0; p < 4; ++p) {
            for (int j = 0; j < v.cols(); ++j)
                v(n + p, j) = s.vectors(sources[std::size_t(p)], j) + g(rng);
            s.texts.push_back("near copy " + std::to_string(p));
            s.labels.push_back(s.labels[std::size_t(sources[std::size_t(p)])]);
        }
        // Exact duplicate after case/space normalisation, with a different vector (another
        // cluster), so only the text check can find it.
        v.row(n + 4) = s.vectors.row(250) + s.vectors.row(251);
        s.texts.push_back("  " + s.texts[55].substr(0, 1) + s.texts[55].substr(1) + "  ");
        std::transform(s.texts.back().begin(), s.texts.back().end(), s.texts.back().begin(), ::toupper);
        s.labels.push_back(s.labels[250]);

        DoctorConfig cfg;
        cfg.labels = cfg.outliers = cfg.clusters = false;
        auto rep = diagnose(v, s.texts, s.labels, cfg);
        QVERIFY2(rep.ok(), rep.ok() ? "" : rep.error().message.c_str());
        std::set<std::set<int>> groups;
        for (const auto &grp : rep->duplicates)
            groups.insert(std::set<int>(grp.rows.begin(), grp.rows.end()));
        QVERIFY(groups.count({10, n}));
        QVERIFY(groups.count({130, n + 1}));
        QVERIFY(groups.count({200, n + 2, n + 3}));
        QVERIFY(groups.count({55, n + 4}));
        QCOMPARE(int(rep->duplicates.size()), 4); // no clean pair flagged
        // Largest group first; the exact one is marked exact, the near ones are not.
        QCOMPARE(int(rep->duplicates.front().rows.size()), 3);
        for (const auto &grp : rep->duplicates) {
            QCOMPARE(grp.exact, grp.rows.front() == 55);
            if (!grp.exact)
                QVERIFY(grp.minSimilarity >= 0.95);
        }
        const auto rows = findingRows(*rep);
        QCOMPARE(int(rows.size()), 5);
        QCOMPARE(rows.front().finding, std::string("near_duplicate"));
        QCOMPARE(rows.front().otherRow, 200);
        int exact = 0;
        for (const auto &f : rows)
            exact += f.finding == "exact_duplicate" && f.row == n + 4 && f.otherRow == 55;
        QCOMPARE(exact, 1);
    }

    void thresholdIsRespected()
    {
        // Pairs at known cosines: 0.99, 0.96, 0.90 (2-D rotations of a basis vector in 3-D).
        Matrix v(8, 3);
        auto at = [](double c) {
            const double s = std::sqrt(1 - c * c);
            return std::pair<float, float>(float(c), float(s));
        };
        v.row(0) << 1, 0, 0;
        v.row(1) << at(0.99).first, at(0.99).second, 0;
        v.row(2) << 0, 1, 0;
        v.row(3) << 0, at(0.96).first, at(0.96).second;
        v.row(4) << 0, 0, 1;
        v.row(5) << at(0.90).second, 0, at(0.90).first;
        v.row(6) << -1, 0, 0;
        v.row(7) << 0, -1, 0;
        DoctorConfig cfg;
        cfg.labels = cfg.outliers = cfg.clusters = false;
        cfg.duplicateNeighbours = 3;
        auto rep = diagnose(v, {}, {}, cfg);
        QVERIFY(rep.ok());
        QCOMPARE(int(rep->duplicates.size()), 2);
        cfg.nearDuplicateThreshold = 0.97;
        rep = diagnose(v, {}, {}, cfg);
        QCOMPARE(int(rep->duplicates.size()), 1);
        QCOMPARE(rep->duplicates[0].rows, (std::vector<int>{0, 1}));
        QVERIFY(std::abs(rep->duplicates[0].maxSimilarity - 0.99) < 1e-5);
    }

    void flippedLabelsFound()
    {
        Synthetic s = makeSynthetic(60, 11);
        const std::vector<int> flipped{3, 77, 150, 222, 299};
        for (int r : flipped)
            s.labels[std::size_t(r)] = "topic" + std::to_string((s.truth[std::size_t(r)] + 2) % 5);
        DoctorConfig cfg;
        cfg.duplicates = cfg.outliers = cfg.clusters = false;
        auto rep = diagnose(s.vectors, s.texts, s.labels, cfg);
        QVERIFY(rep.ok());
        std::set<int> found;
        for (const auto &d : rep->disagreements) {
            found.insert(d.row);
            if (std::count(flipped.begin(), flipped.end(), d.row))
                QCOMPARE(d.majorityLabel, "topic" + std::to_string(s.truth[std::size_t(d.row)]));
            QVERIFY(d.share > 0.5);
        }
        for (int r : flipped)
            QVERIFY2(found.count(r), qPrintable(QString("flipped row %1 not found").arg(r)));
        QVERIFY(int(found.size()) - int(flipped.size()) <= 2);
        // Sorted by share, highest first.
        for (std::size_t i = 1; i < rep->disagreements.size(); ++i)
            QVERIFY(rep->disagreements[i - 1].share >= rep->disagreements[i].share);
        // Unlabelled rows are neither flagged nor counted.
        s.labels[3] = "";
        rep = diagnose(s.vectors, s.texts, s.labels, cfg);
        for (const auto &d : rep->disagreements)
            QVERIFY(d.row != 3);
    }

    void plantedOutliersFound_data()
    {
        QTest::addColumn<int>("method");
        QTest::newRow("knn-distance") << int(OutlierMethod::KnnDistance);
        QTest::newRow("lof") << int(OutlierMethod::Lof);
    }
    void plantedOutliersFound()
    {
        QFETCH(int, method);
        Synthetic s = makeSynthetic(80, 5);
        const int n = int(s.vectors.rows());
        Matrix v(n + 2, s.vectors.cols());
        v.topRows(n) = s.vectors;
        std::mt19937 rng(99);
        std::normal_distribution<float> g(0.0f, 1.0f);
        for (int p = 0; p < 2; ++p)
            for (int j = 0; j < v.cols(); ++j)
                v(n + p, j) = g(rng);
        DoctorConfig cfg;
        cfg.duplicates = cfg.labels = cfg.clusters = false;
        cfg.outlierMethod = OutlierMethod(method);
        auto rep = diagnose(v, {}, {}, cfg);
        QVERIFY(rep.ok());
        std::set<int> found;
        for (const auto &o : rep->outliers)
            found.insert(o.row);
        QVERIFY(found.count(n));
        QVERIFY(found.count(n + 1));
        const int falsePositives = int(found.size()) - 2;
        QVERIFY2(falsePositives <= n / 100, qPrintable(QString("%1 clean items flagged").arg(falsePositives)));
        // The planted ones score highest.
        QVERIFY(rep->outliers[0].row >= n && rep->outliers[1].row >= n);
        QVERIFY(rep->outliers[0].robustZ > cfg.outlierMads);
        QCOMPARE(int(rep->outlierScores.size()), n + 2);
    }

    void cleanDataHasFewFindings()
    {
        Synthetic s = makeSynthetic(100, 21);
        DoctorConfig cfg;
        auto rep = diagnose(s.vectors, s.texts, s.labels, cfg);
        QVERIFY(rep.ok());
        QCOMPARE(int(rep->duplicates.size()), 0);
        QCOMPARE(int(rep->disagreements.size()), 0);
        QVERIFY(int(rep->outliers.size()) <= 5);
    }

    void clustersExplainedByLabels()
    {
        Synthetic s = makeSynthetic(40, 13);
        DoctorConfig cfg;
        cfg.duplicates = cfg.labels = cfg.outliers = false;
        auto rep = diagnose(s.vectors, s.texts, s.labels, cfg);
        QVERIFY(rep.ok());
        QVERIFY(rep->clustersFromLabels);
        QCOMPARE(int(rep->clusters.size()), 5);
        for (const auto &c : rep->clusters) {
            const int topic = c.name.back() - '0';
            QCOMPARE(int(c.rows.size()), 40);
            QCOMPARE(int(c.typical.size()), 3);
            for (int t : c.typical)
                QCOMPARE(s.truth[std::size_t(t)], topic);
            QVERIFY(c.typicalSimilarity[0] >= c.typicalSimilarity[1]);
            // The six topic words are the most distinctive; shared words and stop words are not.
            QVERIFY(c.words.size() >= 6);
            std::set<std::string> topicWords(kTopicWords[topic], kTopicWords[topic] + 6);
            for (int w = 0; w < 6; ++w)
                QVERIFY2(topicWords.count(c.words[std::size_t(w)].word), c.words[std::size_t(w)].word.c_str());
            QVERIFY(c.caption.rfind(c.name + ": ", 0) == 0);
        }
        for (int i = 0; i < int(s.truth.size()); ++i)
            QCOMPARE(rep->clusters[std::size_t(rep->clusterOf[std::size_t(i)])].name, s.labels[std::size_t(i)]);
    }

    void clustersByKmeansRecoverTruth()
    {
        Synthetic s = makeSynthetic(40, 17);
        DoctorConfig cfg;
        cfg.duplicates = cfg.labels = cfg.outliers = false;
        cfg.clusterCount = 5;
        auto rep = diagnose(s.vectors, s.texts, {}, cfg);
        QVERIFY(rep.ok());
        QVERIFY(!rep->clustersFromLabels);
        QCOMPARE(int(rep->clusters.size()), 5);
        // Each k-means cluster is exactly one true cluster (they are well separated).
        for (const auto &c : rep->clusters) {
            std::set<int> truths;
            for (int r : c.rows)
                truths.insert(s.truth[std::size_t(r)]);
            QCOMPARE(int(truths.size()), 1);
        }
        // Deterministic for a seed.
        auto again = diagnose(s.vectors, s.texts, {}, cfg);
        QCOMPARE(again->clusterOf, rep->clusterOf);
    }

    void findingTableHasDesignColumns()
    {
        DoctorReport r;
        r.outliers.push_back({4, 0.7, 6.5, 2, 0.31});
        r.outlierThreshold = 0.4;
        r.disagreements.push_back({1, "a", "b", 0.8, 0.2, 10, 3});
        const auto rows = findingRows(r);
        QCOMPARE(int(rows.size()), 2);
        QCOMPARE(rows[0].finding, std::string("label_disagreement"));
        QCOMPARE(rows[0].detail, std::string("labelled 'a'; 8 of 10 neighbours are 'b'"));
        std::vector<std::string> texts{"t0", "t1", "t2", "t3", "t4"};
        std::vector<Mark> marks(5);
        marks[4] = Mark::Drop;
        auto t = findingTable(rows, texts, marks);
        QCOMPARE(t.header, (std::vector<std::string>{"finding", "row", "other_row", "score", "detail", "text", "mark"}));
        QCOMPARE(t.rows[1][0], std::string("outlier"));
        QCOMPARE(t.rows[1][1], std::string("4"));
        QCOMPARE(t.rows[1][2], std::string("2"));
        QCOMPARE(t.rows[1][3], std::string("0.7"));
        QCOMPARE(t.rows[1][5], std::string("t4"));
        QCOMPARE(t.rows[1][6], std::string("drop"));
        QCOMPARE(findingTable(rows, texts).header.size(), std::size_t(6));
        QCOMPARE(parseMark("fix").value(), Mark::Fix);
        QVERIFY(!parseMark("maybe"));
        QCOMPARE(markName(Mark::Keep), std::string_view("keep"));
    }

    void badInputAndCancel()
    {
        Matrix v = Matrix::Random(10, 4);
        v(3, 2) = std::numeric_limits<float>::quiet_NaN();
        auto r = diagnose(v, {}, {});
        QVERIFY(!r.ok());
        QVERIFY(r.error().message.find("row 4") != std::string::npos);
        v = Matrix::Random(10, 4);
        r = diagnose(v, {"only one text"}, {});
        QVERIFY(!r.ok());
        std::stop_source stop;
        stop.request_stop();
        r = diagnose(v, {}, {}, {}, {}, stop.get_token());
        QVERIFY(!r.ok());
        QVERIFY(r.error().cancelled);
        // Tiny inputs: neighbour lists shortened with a warning, not an error.
        r = diagnose(Matrix::Random(4, 3), {}, {});
        QVERIFY(r.ok());
        QVERIFY(!r->warnings.empty());
    }

    void progressReported()
    {
        Synthetic s = makeSynthetic(20, 1);
        double last = -1;
        bool monotone = true;
        auto r = diagnose(s.vectors, s.texts, s.labels, {}, [&](double f, std::string_view) {
            monotone = monotone && f >= last;
            last = f;
        });
        QVERIFY(r.ok());
        QVERIFY(monotone);
        QCOMPARE(last, 1.0);
    }
};

ES_TEST_GUILESS_MAIN(TestDoctor)
#include "tst_doctor.moc"
