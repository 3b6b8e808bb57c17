#pragma once
// The data-set doctor: where to look in a data set, found from its vectors (and texts and
// labels when present). Everything runs on one exact k-NN list (es::analysis::knnCosine),
// never on an N x N matrix, so 100,000 items are fine.
//  - duplicates: exact (same text after whitespace/case normalisation) and near (cosine >=
//    threshold among the neighbours), joined into groups by union-find;
//  - label disagreement (possible mislabels): confident learning on out-of-sample k-NN
//    class probabilities, ranked by a calibrated score and capped (findLabelDisagreements);
//  - outliers: k-NN distance score or local outlier factor, flagged above a robust
//    threshold median + c * 1.4826 * MAD;
//  - clusters explained: label groups or k-means clusters with their most typical items
//    (nearest the centroid) and most distinctive words (class-based TF-IDF).
// The GUI shows each list in a panel; findingRows() flattens them to the CSV of DESIGN.md
// s.5 (finding,row,other_row,score,detail,text), optionally with the user's marks.
#include "analysis/neighbors.h"
#include "util/result.h"
#include "util/types.h"

#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

namespace es::doctor {

enum class OutlierMethod { KnnDistance, Lof };

struct DoctorConfig {
    bool duplicates = true;
    double nearDuplicateThreshold = 0.95; // cosine
    int duplicateNeighbours = 10;         // candidates per item checked against the threshold

    bool labels = true;
    int labelNeighbours = 30;             // k: neighbours voting on each item's label
    double labelMaxShare = 0.05;          // flag at most this share of the labelled rows, the most
                                          // suspect first (at least one when > 0; 0: none)

    bool outliers = true;
    int outlierNeighbours = 10;
    OutlierMethod outlierMethod = OutlierMethod::KnnDistance;
    double outlierMads = 4.0;             // threshold = median + c * 1.4826 * MAD of the scores
    double lofMinimum = 1.5;              // LOF: also require at least this (LOF ~ 1 is a normal density)

    bool clusters = true;
    int clusterCount = 0;                 // k-means k; 0 = label groups if labelled, else auto
    bool clusterByLabel = true;           // use label groups when the data are labelled
    int typicalCount = 3;                 // items nearest the centroid
    int wordCount = 8;                    // distinctive words per cluster
    unsigned seed = 1;

    // The one neighbour list behind every analysis: Auto is approximate (the IVF k-NN join) above
    // analysis::kApproximateAboveRows rows, exact below.
    analysis::NeighborMethod neighbors = analysis::NeighborMethod::Auto;
};

struct DuplicateGroup {
    std::vector<int> rows;     // ascending; rows[0] is the group's representative
    bool exact = false;        // every row has the same normalised text
    double maxSimilarity = 0;  // cosine of each row to the representative: range
    double minSimilarity = 0;
    std::vector<float> similarity; // per row (1 for the representative)
};

// A possible mislabel. The probabilities are out of sample: an item is never its own
// neighbour (see findLabelDisagreements).
struct LabelDisagreement {
    int row = 0;
    std::string label;          // the item's own (given) label
    std::string majorityLabel;  // the suggested label: the other label with the highest probability
    double score = 0;           // calibrated: 1 - p(label) / t(label), in (0, 1]; higher = more suspect
    double probability = 0;     // p(label): k-NN probability of its own label
    double threshold = 0;       // t(label): mean p(label) over the items carrying that label
                                // (with one pseudo-item at the mean over all labels)
    double suggestedProbability = 0; // p(majorityLabel)
    double share = 0;           // share of the labelled neighbours carrying majorityLabel (by count)
    double ownShare = 0;        // share carrying the item's own label
    int neighbours = 0;         // labelled neighbours counted (cosine > 0)
    int nearestWithMajority = -1; // nearest neighbour carrying majorityLabel, -1 when none in the k
};

struct Outlier {
    int row = 0;
    double score = 0;       // k-NN distance (1 - mean cosine of the k nearest) or LOF
    double robustZ = 0;     // (score - median) / (1.4826 MAD)
    int nearest = -1;       // its nearest neighbour
    double nearestSimilarity = 0;
};

struct WordScore {
    std::string word;
    double score = 0; // c-TF-IDF
};

struct Cluster {
    int id = 0;
    std::string name;         // the label, or "cluster N"
    std::vector<int> rows;    // members, ascending
    std::vector<int> typical; // nearest the centroid, best first
    std::vector<float> typicalSimilarity;
    std::vector<WordScore> words; // most distinctive first
    std::string caption;      // for the 2D plot: name and the top three words
};

struct DoctorReport {
    std::vector<DuplicateGroup> duplicates; // largest groups first, then by similarity
    std::vector<LabelDisagreement> disagreements; // by score, highest first; ties by row
    std::vector<Outlier> outliers;          // by score, highest first
    double outlierThreshold = 0;
    double outlierMedian = 0, outlierMad = 0;
    std::vector<double> outlierScores;      // every item's score (for colouring)
    std::vector<Cluster> clusters;
    std::vector<int> clusterOf;             // per row: index into clusters
    bool clustersFromLabels = false;
    bool approximateNeighbours = false;     // the neighbour list came from the approximate search
    Warnings warnings;
};

// Inputs: vectors (one row per item), texts (empty = none: no exact duplicates, no cluster
// words) and labels (empty = none: no disagreement; "" = unlabelled row). Rows align.
Result<DoctorReport> diagnose(const Matrix &vectors, const std::vector<std::string> &texts,
                              const std::vector<std::string> &labels, const DoctorConfig &config = {},
                              const Progress &progress = {}, std::stop_token stop = {});

// The parts, for callers that already hold the neighbour list (k at least the one needed).
std::vector<DuplicateGroup> findDuplicates(const Matrix &unitVectors, const analysis::Neighbors &nn,
                                           const std::vector<std::string> &texts, double threshold,
                                           int neighbours);

// Possible mislabels by confident learning (Northcutt, Jiang, Chuang 2021, "Confident
// learning: estimating uncertainty in dataset labels") on k-NN class probabilities:
//  1. p(j | i), out of sample (an item is never its own neighbour): of its k nearest, those
//     with a label and cosine > 0 vote with weight (s_r / s_1) / r^2 (s_r the cosine of the
//     r-th nearest, r from 1), so the nearest few decide and farther ones still separate
//     "the own label is nowhere near" from "it is a few places down";
//     p(j | i) = (votes_j + a * prior_j) / (sum of votes + a), a = 0.03, prior_j = the
//     label's share of the labelled rows. Items without a vote are left out.
//  2. Per-label thresholds t_j = mean p(j | i) over the items labelled j, with one
//     pseudo-item at the mean over all labels (so a label of one or two items gets a usable
//     threshold).
//  3. Item i labelled y is a possible mislabel when p(y | i) < t_y and another label j is
//     more credible: p(j | i) >= t_j (confident learning's rule), or p(j | i) > p(y | i) and
//     more of the k neighbours carry j than y (one mislabelled nearest neighbour alone does
//     not make its neighbours look mislabelled).
//  4. Ranked by score = 1 - p(y | i) / t_y (how far below its label's typical confidence),
//     highest first, ties by row; at most max(1, floor(maxShare * labelled rows)) are kept
//     (none when maxShare <= 0).
// Unlabelled rows ("") neither vote nor are flagged. Single-threaded and in a fixed order,
// so the result depends only on the neighbour list (itself the same on any thread count).
// Measured on the Debian descriptions with 40 planted flips: tests/benchmarks/bench_doctor.
std::vector<LabelDisagreement> findLabelDisagreements(const analysis::Neighbors &nn,
                                                      const std::vector<std::string> &labels, int k,
                                                      double maxShare);
struct OutlierScores {
    std::vector<double> score;
    double median = 0, mad = 0, threshold = 0;
};
OutlierScores outlierScores(const analysis::Neighbors &nn, int k, OutlierMethod method, double mads,
                            double lofMinimum = 1.5);

// Whitespace collapsed and trimmed, lower-cased (ASCII, Latin, Greek, Cyrillic).
std::string normalizeText(std::string_view text);

// Distinctive words of groups of texts by class-based TF-IDF (Grootendorst 2022):
// score(t, c) = tf(t, c) / |c| * ln(1 + A / f(t)), A the mean words per class, f(t) the
// count of t over all classes. English stop words, function words and light verbs ("took",
// "across", "anyone") and tokens shorter than 2 are skipped. In a class of 4 or more texts
// a word found in one of them only is weak and left out (unless no other word is left: the
// best one stays).
std::vector<std::vector<WordScore>> distinctiveWords(const std::vector<std::string> &texts,
                                                      const std::vector<int> &groupOf, int groups,
                                                      int count);

// Marks a user sets on findings; saved in the project, exported as a column.
enum class Mark { None, Keep, Fix, Drop };
std::string_view markName(Mark m);                   // "", "keep", "fix", "drop"
std::optional<Mark> parseMark(std::string_view name); // inverse; nullopt when unknown

// One line of the doctor CSV.
struct FindingRow {
    std::string finding;  // exact_duplicate | near_duplicate | label_disagreement | outlier | cluster
    int row = 0;
    int otherRow = -1;    // -1: none
    double score = 0;
    std::string detail;
};

// All findings in report order: duplicates, label disagreements, outliers, then the typical
// items of each cluster.
std::vector<FindingRow> findingRows(const DoctorReport &report);

// The CSV table: header finding,row,other_row,score,detail,text (+ mark when marks is
// non-empty: one per data-set row). Rows are 0-based like every other output.
struct Table {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
};
Table findingTable(const std::vector<FindingRow> &findings, const std::vector<std::string> &texts,
                   const std::vector<Mark> &marks = {});

} // namespace es::doctor
