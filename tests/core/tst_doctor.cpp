// Tests of the data-set doctor on built data with known answers: planted near and exact
// duplicates, flipped labels, planted outliers (k-NN distance and LOF), clusters explained
// by their typical items and distinctive words. Each test checks that the planted items
// are found AND that clean items are not flagged (bounded false positives).
#include "analysis/neighbors.h"
#include "doctor/doctor.h"

#include <QtTest>
#include "tools/testmain.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
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

// Labelled clusters that overlap (a k-NN classifier is right about 90 % of the time) with
// unequal sizes, and `flips` rows relabelled to another label (seeded).
struct Flipped {
    Matrix vectors;
    std::vector<std::string> labels; // with the flips
    std::vector<int> truth;
    std::set<int> flipped;
};

Flipped makeFlipped(unsigned seed, int flips)
{
    const std::vector<int> sizes{300, 200, 120, 80, 60, 40};
    const int d = 24, classes = int(sizes.size());
    std::mt19937 rng(seed);
    std::normal_distribution<float> g(0.0f, 1.0f);
    Matrix centres(classes, d);
    for (int c = 0; c < classes; ++c) {
        for (int j = 0; j < d; ++j)
            centres(c, j) = g(rng);
        centres.row(c).normalize();
    }
    Flipped f;
    const int n = std::accumulate(sizes.begin(), sizes.end(), 0);
    f.vectors.resize(n, d);
    int r = 0;
    for (int c = 0; c < classes; ++c)
        for (int i = 0; i < sizes[std::size_t(c)]; ++i, ++r) {
            for (int j = 0; j < d; ++j)
                f.vectors(r, j) = centres(c, j) + 0.2f * g(rng);
            f.truth.push_back(c);
            f.labels.push_back("class" + std::to_string(c));
        }
    while (int(f.flipped.size()) < flips) {
        const int row = int(rng() % unsigned(n));
        if (!f.flipped.insert(row).second)
            continue;
        const int other = (f.truth[std::size_t(row)] + 1 + int(rng() % unsigned(classes - 1))) % classes;
        f.labels[std::size_t(row)] = "class" + std::to_string(other);
    }
    return f;
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

    void approximateNeighboursGiveTheSameFindings()
    {
        // The approximate (HNSW) neighbour list, forced on a small set: the report says so,
        // and duplicates, outliers and label findings are those of the exact list.
        Synthetic s = makeSynthetic(80, 9);
        s.vectors.row(5) = s.vectors.row(6) * 1.001f;
        DoctorConfig cfg;
        cfg.clusters = false;
        cfg.neighbors = analysis::NeighborMethod::Exact;
        auto exact = diagnose(s.vectors, s.texts, s.labels, cfg);
        cfg.neighbors = analysis::NeighborMethod::Approximate;
        auto approx = diagnose(s.vectors, s.texts, s.labels, cfg);
        QVERIFY(exact && approx);
        QVERIFY(!exact->approximateNeighbours && approx->approximateNeighbours);
        QCOMPARE(findingRows(*approx).size(), findingRows(*exact).size());
        QVERIFY(!approx->duplicates.empty());
        QCOMPARE(approx->duplicates.front().rows, exact->duplicates.front().rows);
        QCOMPARE(approx->outlierScores.size(), exact->outlierScores.size());
        for (std::size_t i = 0; i < exact->outlierScores.size(); ++i)
            QVERIFY(std::abs(approx->outlierScores[i] - exact->outlierScores[i]) < 1e-9);
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
            QVERIFY(d.score > 0 && d.score <= 1);
            QVERIFY(d.probability < d.threshold);
            QCOMPARE(d.score, 1 - d.probability / d.threshold);
        }
        for (int r : flipped)
            QVERIFY2(found.count(r), qPrintable(QString("flipped row %1 not found").arg(r)));
        QVERIFY(int(found.size()) - int(flipped.size()) <= 2);
        // Sorted by score, highest first.
        for (std::size_t i = 1; i < rep->disagreements.size(); ++i)
            QVERIFY(rep->disagreements[i - 1].score >= rep->disagreements[i].score);
        // Unlabelled rows are neither flagged nor counted.
        s.labels[3] = "";
        rep = diagnose(s.vectors, s.texts, s.labels, cfg);
        for (const auto &d : rep->disagreements)
            QVERIFY(d.row != 3);
    }

    // The calibrated finder on overlapping clusters of unequal sizes with 20 planted flips:
    // it finds them within its cap (5 % of the labelled rows), ranks them first, and names
    // their true label.
    void calibratedFinderRanksPlantedFlipsWithinCap()
    {
        const Flipped f = makeFlipped(31, 20);
        const int n = int(f.labels.size());
        DoctorConfig cfg;
        cfg.duplicates = cfg.outliers = cfg.clusters = false;
        auto rep = diagnose(f.vectors, {}, f.labels, cfg);
        QVERIFY(rep.ok());
        const auto &ds = rep->disagreements;
        QVERIFY(int(ds.size()) <= n / 20); // 5 % of 800 rows = 40
        int found = 0, named = 0, inTop20 = 0;
        for (std::size_t i = 0; i < ds.size(); ++i) {
            const bool flip = f.flipped.count(ds[i].row) > 0;
            found += flip;
            inTop20 += flip && i < 20;
            named += flip && ds[i].majorityLabel == "class" + std::to_string(f.truth[std::size_t(ds[i].row)]);
            QVERIFY(ds[i].score > 0 && ds[i].score <= 1);
            if (i > 0)
                QVERIFY(ds[i - 1].score > ds[i].score || (ds[i - 1].score == ds[i].score && ds[i - 1].row < ds[i].row));
        }
        qInfo("flagged %d of %d rows; %d of 20 flips found, %d in the top 20, %d with their true label suggested",
              int(ds.size()), n, found, inTop20, named);
        QVERIFY2(found >= 18, qPrintable(QString::number(found)));
        QVERIFY(inTop20 >= 16);
        QCOMPARE(named, found);

        // A smaller cap keeps the most suspect: the first rows of the full list.
        cfg.labelMaxShare = 0.01;
        auto top = diagnose(f.vectors, {}, f.labels, cfg);
        QVERIFY(top.ok());
        QCOMPARE(int(top->disagreements.size()), 8);
        for (std::size_t i = 0; i < top->disagreements.size(); ++i)
            QCOMPARE(top->disagreements[i].row, ds[i].row);
        // No cap means none; a tiny one still shows the most suspect row; a bad one is an error.
        cfg.labelMaxShare = 0;
        QCOMPARE(int(diagnose(f.vectors, {}, f.labels, cfg)->disagreements.size()), 0);
        cfg.labelMaxShare = 1e-6;
        auto one = diagnose(f.vectors, {}, f.labels, cfg);
        QCOMPARE(int(one->disagreements.size()), 1);
        QCOMPARE(one->disagreements[0].row, ds[0].row);
        cfg.labelMaxShare = std::numeric_limits<double>::quiet_NaN();
        QVERIFY(!diagnose(f.vectors, {}, f.labels, cfg).ok());
    }

    // The neighbour list is the same on one and two threads, and so is the ranking, to the bit.
    void labelFindingsDeterministicOnOneAndTwoThreads()
    {
        const Flipped f = makeFlipped(47, 20);
        std::vector<std::vector<LabelDisagreement>> runs;
        for (int threads : {1, 2, 2}) {
            analysis::KnnConfig kc;
            kc.k = 30;
            kc.threads = threads;
            auto nn = analysis::knn(f.vectors, kc);
            QVERIFY(nn.ok());
            runs.push_back(findLabelDisagreements(*nn, f.labels, 30, 0.05));
        }
        QVERIFY(!runs[0].empty());
        for (std::size_t r = 1; r < runs.size(); ++r) {
            QCOMPARE(runs[r].size(), runs[0].size());
            for (std::size_t i = 0; i < runs[0].size(); ++i) {
                QCOMPARE(runs[r][i].row, runs[0][i].row);
                QCOMPARE(runs[r][i].majorityLabel, runs[0][i].majorityLabel);
                QVERIFY(runs[r][i].score == runs[0][i].score); // exact, not fuzzy
                QVERIFY(runs[r][i].probability == runs[0][i].probability);
            }
        }
    }

    // Edge cases: a label carried by one item (a typo inside another class), a label of two
    // items that sit together apart from everything, and unlabelled rows ("").
    void labelFindingsSmallClassesAndUnlabelledRows()
    {
        Synthetic s = makeSynthetic(40, 23); // 200 rows, topic0..topic4
        const int n = int(s.vectors.rows());
        Matrix v(n + 2, s.vectors.cols());
        v.topRows(n) = s.vectors;
        // Rows n, n+1: a pair of their own, far from the five topics.
        std::mt19937 rng(5);
        std::normal_distribution<float> g(0.0f, 1.0f);
        Eigen::RowVectorXf centre(v.cols());
        for (int j = 0; j < v.cols(); ++j)
            centre(j) = g(rng);
        centre.normalize();
        for (int p = 0; p < 2; ++p) {
            for (int j = 0; j < v.cols(); ++j)
                v(n + p, j) = centre(j) + 0.1f * g(rng);
            s.labels.push_back("rare");
        }
        s.labels[17] = "topci0";               // a one-item label inside topic0
        for (int r : {41, 42, 43, 44, 120, 160}) // unlabelled rows, in topic1, topic3, topic4
            s.labels[std::size_t(r)] = "";
        s.labels[130] = "topic1";              // one real flip (row 130 is in topic3)
        DoctorConfig cfg;
        cfg.duplicates = cfg.outliers = cfg.clusters = false;
        auto rep = diagnose(v, {}, s.labels, cfg);
        QVERIFY(rep.ok());
        std::map<int, LabelDisagreement> byRow;
        for (const auto &d : rep->disagreements)
            byRow[d.row] = d;
        QVERIFY(int(rep->disagreements.size()) <= (n + 2 - 6) / 20);
        QVERIFY(byRow.count(17));
        QCOMPARE(byRow[17].majorityLabel, std::string("topic0"));
        QVERIFY(byRow.count(130));
        QCOMPARE(byRow[130].majorityLabel, std::string("topic3"));
        QVERIFY(!byRow.count(n) && !byRow.count(n + 1)); // the pair supports itself
        for (int r : {41, 42, 43, 44, 120, 160})
            QVERIFY(!byRow.count(r));
        // Unlabelled neighbours do not vote: the flip's counted neighbours are its labelled
        // ones with cosine > 0 among its 30 nearest.
        auto nn = analysis::knnCosine(v, 30);
        QVERIFY(nn.ok());
        int labelled = 0, unlabelled = 0;
        for (int r = 0; r < 30; ++r) {
            const bool has = !s.labels[std::size_t(nn->at(130, r))].empty();
            labelled += has && nn->sim(130, r) > 0;
            unlabelled += !has;
        }
        QVERIFY(unlabelled > 0); // row 120, in the same cluster
        QCOMPARE(byRow[130].neighbours, labelled);
        // One label only, or no labelled row: nothing to disagree with.
        std::vector<std::string> single(std::size_t(n + 2), "same");
        single[3] = "";
        QCOMPARE(int(diagnose(v, {}, single, cfg)->disagreements.size()), 0);
        QCOMPARE(int(diagnose(v, {}, std::vector<std::string>(std::size_t(n + 2)), cfg)->disagreements.size()), 0);
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

    // Captions name topics: function words and light verbs ("took", "across", "anyone") are
    // skipped, and a word of one sentence only (in a class of four or more) is weak and
    // left out while the class has a word shared by several of its sentences.
    void captionWordsSkipFunctionAndWeakWords()
    {
        const std::vector<std::string> texts{
            "Anyone took the bank loan across town.",   "The bank raised the loan rate.",
            "A company took a bank loan.",               "Anyone can ask the bank for a loan.",
            "The soup simmered across the afternoon.",   "Anyone ate the onion soup.",
            "We took soup and bread.",                   "Fresh bread with soup."};
        const std::vector<int> group{0, 0, 0, 0, 1, 1, 1, 1};
        const auto words = distinctiveWords(texts, group, 2, 5);
        QCOMPARE(int(words.size()), 2);
        std::set<std::string> seen;
        for (const auto &g : words)
            for (const auto &w : g)
                seen.insert(w.word);
        for (const char *weak : {"took", "across", "anyone", "ate", "company", "afternoon", "raised"})
            QVERIFY2(!seen.count(weak), weak);
        QVERIFY(!words[0].empty() && !words[1].empty());
        QCOMPARE(words[0][0].word, std::string("bank")); // bank and loan: in all four
        QVERIFY(words[0][1].word == "loan");
        QCOMPARE(words[1][0].word, std::string("soup"));
        // One text per word everywhere: the best word stays.
        const auto lone = distinctiveWords({"alpha beta", "gamma delta", "epsilon zeta", "eta theta"}, {0, 0, 0, 0}, 1, 3);
        QCOMPARE(int(lone[0].size()), 1);
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
        LabelDisagreement d;
        d.row = 1;
        d.label = "a";
        d.majorityLabel = "b";
        d.probability = 0.05;
        d.threshold = 0.8;
        d.score = 1 - 0.05 / 0.8;
        d.suggestedProbability = 0.9;
        d.share = 0.8;
        d.ownShare = 0.2;
        d.neighbours = 10;
        d.nearestWithMajority = 3;
        r.disagreements.push_back(d);
        const auto rows = findingRows(r);
        QCOMPARE(int(rows.size()), 2);
        QCOMPARE(rows[0].finding, std::string("label_disagreement"));
        QCOMPARE(rows[0].otherRow, 3);
        QCOMPARE(rows[0].score, 0.9375); // the calibrated score
        QCOMPARE(rows[0].detail, std::string("labelled 'a' (p 0.05, typical 0.80); suggested 'b' (p 0.90); "
                                             "8 of 10 neighbours are 'b'"));
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
