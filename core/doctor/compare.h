#pragma once
// Comparing two embeddings of the same items (two models, or two settings of one):
// per-item overlap of the k nearest neighbours, Procrustes alignment of two projections,
// and per-model summary figures on labelled data (leave-one-out k-NN label accuracy,
// silhouette by label on cosine distance).
#include "analysis/neighbors.h"
#include "util/result.h"
#include "util/types.h"

#include <stop_token>
#include <string>
#include <vector>

namespace es::doctor {

// Orthogonal Procrustes with scaling, as scipy.spatial.procrustes: both point sets are
// centred and scaled to unit Frobenius norm, then b is rotated (reflections allowed) and
// scaled to fit a. disparity = sum of squared differences after the fit, in [0, 1]:
// 0 when b is a rotated, scaled, shifted copy of a.
struct ProcrustesResult {
    Matrix a;            // a standardised
    Matrix b;            // b standardised, rotated and scaled onto a
    Matrix rotation;     // d x d, applied as b * rotation
    double scale = 1;
    double disparity = 0;
};
Result<ProcrustesResult> procrustes(const Matrix &a, const Matrix &b);

// |A_i ∩ B_i| / k per item (the neighbour lists must have the same k and rows).
std::vector<double> neighbourOverlap(const analysis::Neighbors &a, const analysis::Neighbors &b);

// Leave-one-out k-NN label accuracy: each labelled item's label predicted by the majority of
// its k nearest labelled neighbours (ties: larger summed similarity, then the nearest).
// Unlabelled rows ("") are neither predicted nor vote. Returns NaN without two labels.
double knnLabelAccuracy(const analysis::Neighbors &nn, const std::vector<std::string> &labels, int k);

// Mean silhouette (Rousseeuw 1987) by label on cosine distance 1 - cos, as
// sklearn.metrics.silhouette_score(metric="cosine"). Blocked products, O(N) memory per block.
// Items of singleton labels score 0. Above maxRows items a seeded sample of maxRows is
// scored against all items. NaN without two labels.
Result<double> silhouetteByLabel(const Matrix &vectors, const std::vector<std::string> &labels,
                                 int maxRows = 20000, unsigned seed = 1, std::stop_token stop = {});

struct ModelSummary {
    double knnAccuracy = 0;  // NaN when unlabelled
    double silhouette = 0;   // NaN when unlabelled
    int dimensions = 0;
};

struct CompareConfig {
    int k = 10;
    int silhouetteMaxRows = 20000;
    unsigned seed = 1;
};

struct CompareResult {
    int k = 0;
    std::vector<double> overlap;     // per item
    std::vector<int> order;          // items by overlap, lowest (most changed) first; ties by row
    double meanOverlap = 0;
    analysis::Neighbors a, b;        // the neighbour lists
    Matrix projectionA, projectionB; // 2D PCA of each, B aligned onto A (both standardised)
    double procrustesDisparity = 0;
    ModelSummary summaryA, summaryB;
};

// Both matrices have one row per item (same rows); labels may be empty.
Result<CompareResult> compareEmbeddings(const Matrix &a, const Matrix &b, const std::vector<std::string> &labels,
                                        const CompareConfig &config = {}, const Progress &progress = {},
                                        std::stop_token stop = {});

} // namespace es::doctor
