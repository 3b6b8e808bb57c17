#pragma once
// Exact k nearest neighbours (self excluded), best first: float GEMMs over tiles of rows
// (for a self search only the tiles on and above the diagonal, each product serving both
// rows), run in parallel; a bounded heap per row behind a vector threshold test, then the
// chosen distances recomputed in double so that they do not depend on the tiling. Ties go
// to the lower row index, so results are deterministic and identical on any thread count.
//
// Approximate neighbours (NeighborMethod::Approximate, or Auto above kApproximateAboveRows
// rows for the all-points graph, kApproximateQueryAboveRows base rows for queries). The all-points graph (knn(): t-SNE input, UMAP, doctor) is an IVF k-NN join
// (neighbors_ivf.cpp): seeded k-means on a sample into about sqrt(N) cells, then each
// cell's rows against the rows of its nearest cells (by centre) in dense tiles, as many
// cells as hold 99 % of the true neighbours of 400 sampled rows found exactly. Queries
// against another set (knnQuery) use an HNSW graph (hnswlib's) built in deterministic
// batches (levels from a fixed seed; a batch searches the graph frozen before it in
// parallel, then is linked in row order) with a distance of fixed summation order, then
// searched for every query in parallel. Both recompute the chosen neighbours' distances in
// double and order them as the exact path does (ties to the lower row), so the result is
// identical on any thread count; only some true neighbours may be missed (recall@10 >= 0.98
// at the defaults on GloVe words, Debian descriptions and clustered sets).
#include "util/result.h"
#include "util/types.h"

#include <stop_token>
#include <vector>

namespace es::analysis {

enum class Metric {
    Cosine,    // distance 1 - cos(a, b); rows must be non-zero
    Euclidean, // distance |a - b|^2 (squared, as t-SNE's affinities use it)
};

// How knn()/knnQuery() find neighbours. Auto: Exact up to kApproximateAboveRows base rows
// for the all-points graph (knn()), kApproximateQueryAboveRows for queries against another
// set (knnQuery()), Approximate above (see resolveNeighborMethod).
enum class NeighborMethod { Auto, Exact, Approximate };

// Auto switches the all-points graph (knn(): t-SNE input, UMAP, doctor, `neighbors`) to the
// IVF join above this many rows. Measured on 2 idle cores (bench_neighbors, clustered 64-d
// sets, k = 30 as the doctor asks): 100,000 rows 3.69 s exact vs 0.98 s with the join, and
// the exact search grows with N^2, so above 50,000 rows (about 1 s exact) the join is worth
// its recall (>= 0.98 at the defaults). Where the join would not pay (rows spread evenly, as
// GloVe's are) it falls back to the exact search by itself (neighbors_ivf.cpp).
inline constexpr long kApproximateAboveRows = 50000;

// Auto switches queries against another set (knnQuery(): new rows placed into a map) to the
// HNSW graph above this many base rows. Measured on 2 cores (bench_neighbors, CPU seconds,
// so that the shared machine's load counts less): the exact search (GEMM tiles, compute
// bound, ~N^2) against building and searching the HNSW graph at the defaults (random memory
// access, ~N log N): GloVe words 20,000 x 100: 0.38 s vs 3.1 s; 100,000 x 100: 6.9 s vs 54 s;
// clustered 100,000 x 64 (k = 30): 7.3 s vs 36 s. The two cross near 500,000 rows.
inline constexpr long kApproximateQueryAboveRows = 500000;

// The method Auto resolves to for `rows` base rows of the all-points graph (query = false)
// or of a query search (query = true). Exact and Approximate stay as they are.
NeighborMethod resolveNeighborMethod(NeighborMethod method, long rows, bool query = false);

struct Neighbors {
    int k = 0;
    bool approximate = false;      // found by an approximate search (some true neighbours may be missing)
    std::vector<int> index;        // N x k, row-major: index[i*k + r] is the r-th neighbour of i
    std::vector<float> similarity; // N x k, cosine similarity of that neighbour (cosine search)
    std::vector<double> distance;  // N x k, distance of that neighbour (see Metric)
    int at(int i, int r) const { return index[std::size_t(i) * k + r]; }
    float sim(int i, int r) const { return similarity[std::size_t(i) * k + r]; }
    double dist(int i, int r) const { return distance[std::size_t(i) * k + r]; }
    int rows() const { return k > 0 ? int(index.size() / std::size_t(k)) : 0; }
};

struct KnnConfig {
    int k = 10;
    Metric metric = Metric::Cosine;
    int threads = 0; // 0: one per hardware thread
    NeighborMethod method = NeighborMethod::Auto;
    // HNSW parameters (approximate search only): links per node, candidate list while
    // building and while searching (the search uses at least k + 1).
    int hnswM = 32;
    int hnswEfConstruction = 100;
    int hnswEf = 100;
    // IVF k-NN join parameters (approximate all-points graph, knn()): k-means cells (0:
    // about sqrt(rows)) and the cells whose rows each cell's rows are compared with (the
    // nearest centres, its own first).
    int ivfCells = 0;
    // ivfProbes 0: the fewest cells that hold ivfTargetRecall of the true neighbours of a
    // seeded sample of 400 rows (found exactly), so that the recall adapts to the data.
    int ivfProbes = 0;
    double ivfTargetRecall = 0.99;
    int ivfRefine = 0; // rounds of neighbours-of-neighbours refinement after the join
};

// Ties are broken by the lower row index, so results are deterministic. NeighborMethod::Auto
// unless `method` says otherwise.
Result<Neighbors> knnCosine(const Matrix &vectors, int k, const Progress &progress = {},
                            std::stop_token stop = {});
Result<Neighbors> knnCosine(const Matrix &vectors, int k, NeighborMethod method,
                            const Progress &progress = {}, std::stop_token stop = {});

// k nearest neighbours of every row among the other rows.
Result<Neighbors> knn(const Matrix &vectors, const KnnConfig &config,
                      const Progress &progress = {}, std::stop_token stop = {});

// k nearest rows of `base` for every row of `queries` (no self exclusion): used to place
// new points into an existing embedding.
Result<Neighbors> knnQuery(const Matrix &queries, const Matrix &base, const KnnConfig &config,
                           const Progress &progress = {}, std::stop_token stop = {});

} // namespace es::analysis
