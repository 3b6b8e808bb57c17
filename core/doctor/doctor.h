#pragma once
// The data-set doctor: where to look in a data set, found from its vectors (and texts and
// labels when present). Everything runs on one exact k-NN list (es::analysis::knnCosine),
// never on an N x N matrix, so 100,000 items are fine.
//  - duplicates: exact (same text after whitespace/case normalisation) and near (cosine >=
//    threshold among the neighbours), joined into groups by union-find;
//  - label disagreement: items whose k nearest neighbours mostly carry another label
//    (neighbours with cosine <= 0 are unrelated and do not vote);
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
    int labelNeighbours = 10;             // k
    double disagreementShare = 0.5;       // flag when another label holds more than this share

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
};

struct DuplicateGroup {
    std::vector<int> rows;     // ascending; rows[0] is the group's representative
    bool exact = false;        // every row has the same normalised text
    double maxSimilarity = 0;  // cosine of each row to the representative: range
    double minSimilarity = 0;
    std::vector<float> similarity; // per row (1 for the representative)
};

struct LabelDisagreement {
    int row = 0;
    std::string label;          // the item's own label
    std::string majorityLabel;  // the neighbours' most common label
    double share = 0;           // its share of the labelled neighbours
    double ownShare = 0;        // share carrying the item's own label
    int neighbours = 0;         // labelled neighbours counted
    int nearestWithMajority = -1; // nearest neighbour carrying the majority label
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
    std::vector<LabelDisagreement> disagreements; // by share, highest first
    std::vector<Outlier> outliers;          // by score, highest first
    double outlierThreshold = 0;
    double outlierMedian = 0, outlierMad = 0;
    std::vector<double> outlierScores;      // every item's score (for colouring)
    std::vector<Cluster> clusters;
    std::vector<int> clusterOf;             // per row: index into clusters
    bool clustersFromLabels = false;
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
std::vector<LabelDisagreement> findLabelDisagreements(const analysis::Neighbors &nn,
                                                      const std::vector<std::string> &labels, int k,
                                                      double share);
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
// count of t over all classes. English stop words and tokens shorter than 2 are skipped.
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
