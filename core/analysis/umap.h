#pragma once
// UMAP (McInnes, Healy & Melville 2018) in 2 or 3 dimensions, following umap-learn's
// choices so that maps and quality are comparable:
//
//  1. k = `neighbors` nearest neighbours, the point itself counted as the first (as
//     umap-learn's kNN graph): cosine distance 1 - cos or Euclidean distance |a - b|.
//     They come from umapNeighbors() (the one place that chooses the neighbour search)
//     or are passed in.
//  2. Smooth-kNN calibration: rho_i = distance to the nearest other point at non-zero
//     distance, sigma_i by binary search so that sum_j exp(-(d_ij - rho_i) / sigma_i) over
//     the k - 1 neighbours is log2(k) (64 steps, tolerance 1e-5, floor 1e-3 x the mean
//     distance), memberships w_ij = exp(-(d_ij - rho_i) / sigma_i).
//  3. Fuzzy union W = A + A^T - A o A^T, then entries below max / epochs dropped.
//  4. Spectral initialisation: the eigenvectors of the 2nd to (dims+1)-th smallest
//     eigenvalues of the normalised Laplacian I - D^-1/2 W D^-1/2, computed by Chebyshev-
//     filtered subspace iteration (fixed start, iteration cap) on the sparse matrix; scaled
//     to +-10 and then to [0, 10] per axis as umap-learn. A graph of several connected
//     components is laid out part by part as umap-learn's multi_component_layout (see
//     componentLayout() below; a note among the warnings says how many parts). PCA initialisation instead,
//     with a warning, when the eigensolver does not converge on a connected graph.
//  5. a, b fitted to min_dist and spread by least squares as umap-learn's find_ab_params.
//  6. SGD with negative sampling (5 per positive sample), umap-learn's per-edge epoch
//     schedule and learning rate 1 decaying linearly; gradients clipped to +-4.
//
// Threads and determinism: umap-learn's parallel SGD (Hogwild) is not reproducible. Here
// every epoch reads the positions at the start of the epoch; each point moves only itself,
// processing its own edges in CSR order (the symmetric graph holds every pair in both rows,
// so the pair's attraction, applied to both ends in umap-learn, is applied once by each
// end with twice the step); the attraction and the negative samples of one edge are
// computed from the same position and applied together (independent pow calls overlap in
// the CPU: 18 % less time, same trustworthiness). Negative samples come from a
// counter-based generator of (seed, epoch, edge, sample). A seed therefore gives bit-identical coordinates on any thread
// count; neighbours are chosen by the dense kernel and their distances recomputed in
// double, so the CPU path does not change the result either.
//
// Animating: UmapCallbacks::snapshot receives the coordinates every `snapshotEvery`
// epochs (on the worker thread). Cancellation is checked between epochs, between blocks
// of an epoch and during the set-up: Error::cancel() comes back within milliseconds.
#include "analysis/neighbors.h"
#include "util/result.h"
#include "util/types.h"

#include <cstdint>
#include <functional>
#include <stop_token>
#include <string>
#include <vector>

namespace es::analysis {

struct UmapConfig {
    int neighbors = 15;             // k, the point itself included (reduced to N with a warning)
    double minDist = 0.1;           // 0 <= minDist <= spread
    double spread = 1.0;
    Metric metric = Metric::Cosine; // 1 - cos, or Euclidean (not squared)
    int dims = 2;                   // 2 or 3
    int epochs = 0;                 // 0: 500 for N <= 10,000, else 200
    double learningRate = 1.0;
    int negativeSamples = 5;        // per positive sample
    double repulsion = 1.0;         // gamma
    std::uint64_t seed = 42;
    int threads = 0;                // 0: one per hardware thread
    NeighborMethod neighborMethod = NeighborMethod::Auto; // approximate above kApproximateAboveRows
    int snapshotEvery = 10;         // epochs between snapshots
    Matrix initialCoords;           // if non-empty (N x dims): used instead of the spectral start
};

struct UmapCallbacks {
    Progress progress;                                         // fraction + stage name
    std::function<void(int epoch, const Matrix &coords)> snapshot; // every snapshotEvery epochs
};

enum class UmapInit { Spectral, Pca, Given };

struct UmapResult {
    Matrix coords;      // N x dims
    int epochs = 0;
    int neighbors = 0;  // the k used
    double a = 0, b = 0;
    UmapInit init = UmapInit::Spectral;
    bool approximateNeighbours = false; // the graph came from the approximate search
    Warnings warnings;
};

// The neighbour search UMAP uses: k - 1 nearest other rows (the point itself is the first
// of the k). Exact or approximate as `method` says (Auto: by size, see neighbors.h).
Result<Neighbors> umapNeighbors(const Matrix &vectors, int k, Metric metric, int threads,
                                const Progress &progress = {}, std::stop_token stop = {},
                                NeighborMethod method = NeighborMethod::Auto);

Result<UmapResult> umap(const Matrix &vectors, const UmapConfig &config = {},
                        const UmapCallbacks &callbacks = {}, std::stop_token stop = {});

// The same from neighbours already found (k - 1 per row, self excluded, distances as
// knn() gives them: 1 - cos, or squared Euclidean). `vectors` serves the PCA fallback and
// the places of the parts of a disconnected graph.
Result<UmapResult> umapWithNeighbors(const Matrix &vectors, const Neighbors &nn, const UmapConfig &config = {},
                                     const UmapCallbacks &callbacks = {}, std::stop_token stop = {});

// Places new rows into an existing map with the old points fixed (the classroom case):
// each new row gets memberships to its k nearest base rows (calibrated as umap-learn's
// transform: no rho), starts at the membership-weighted mean of their coordinates and is
// optimised by the same SGD against the fixed base points (config.epochs, or 100 for
// N <= 10,000 else 30). Returns the new rows' coordinates only (M x dims).
Result<Matrix> umapPlace(const Matrix &newRows, const Matrix &baseVectors, const Matrix &baseCoords,
                         const UmapConfig &config = {}, const Progress &progress = {},
                         std::stop_token stop = {});

// a, b of the low-dimensional similarity 1 / (1 + a d^(2b)), fitted by least squares to
// 1 for d < minDist and exp(-(d - minDist) / spread) beyond, at 300 points on [0, 3 spread]
// (umap-learn's find_ab_params; Levenberg-Marquardt from (1, 1)).
struct AbParams {
    double a = 0, b = 0;
};
AbParams findAbParams(double minDist, double spread);

// Building blocks, public for tests and benchmarks.
namespace umap_detail {

// Symmetric sparse graph in CSR form (columns ascending in each row).
struct Graph {
    int n = 0;
    std::vector<std::int64_t> rowStart; // n + 1
    std::vector<int> col;
    std::vector<double> val;
};

// rho and sigma of every row from its k - 1 neighbour distances (ascending, self excluded;
// the self distance 0 is implied), as umap-learn's smooth_knn_dist with local
// connectivity `localConnectivity` (1 for fitting, 0 for placing).
void smoothKnn(const std::vector<double> &dist, int rows, int kMinus1, int nNeighbors, double localConnectivity,
               std::vector<double> &rho, std::vector<double> &sigma, int threads = 0);

// The fuzzy simplicial set: memberships from rho and sigma, then the fuzzy union.
// `nn` holds UMAP distances (1 - cos or Euclidean, not squared).
Graph fuzzyGraph(const Neighbors &nn, int nNeighbors, std::vector<double> *rho = nullptr,
                 std::vector<double> *sigma = nullptr, int threads = 0);

// knn() distances to UMAP distances (square roots for Euclidean).
void umapDistances(Neighbors &nn, Metric metric);

// Connected components of the graph (0 if empty). With `labels`: each row's component,
// numbered in the order of their lowest row.
int components(const Graph &g, std::vector<int> *labels = nullptr);

// The spectral layout (unscaled eigenvectors, N x dims, row-major) or false when the
// eigensolver did not converge within its iteration cap.
bool spectralLayout(const Graph &g, int dims, std::uint64_t seed, std::vector<double> &out, int threads = 0,
                    std::stop_token stop = {}, int *iterationsUsed = nullptr);

// What componentLayout() did.
struct ComponentLayoutInfo {
    std::vector<double> meta;   // parts x dims, row-major: each part's place, largest |coordinate| 1
    std::vector<double> radius; // per part: its points lie within this distance of its place
    int spectral = 0;           // parts laid out by their own spectral layout
    int notConverged = 0;       // parts of >= 50 rows or >= 1 % of the rows whose eigensolver
                                // did not converge (their points are placed at random)
    int largestNotConverged = 0; // rows of the largest of those
};

// The start for a graph of `parts` > 1 connected components (`labels` from components()),
// N x dims row-major, unscaled, after umap-learn's multi_component_layout:
//  - each part gets a place: with at most 2 dims parts the unit axes e1, -e1, e2, -e2, ...;
//    otherwise the PCA of the parts' centroids in the input space (rows unit length first
//    for the cosine metric; fitted on the 256 largest parts, all projected), scaled to a
//    largest |coordinate| of 1;
//  - its radius is half the distance to the nearest other place, at least 0.05;
//  - a part of at least 2 dims + 2 rows gets spectralLayout() of its own subgraph (the same
//    seed), scaled so that its farthest point is at the radius (Euclidean norm, so parts
//    never overlap unless the 0.05 floor applies) around its place; a smaller part,
//    or one whose eigensolver did not converge, points uniformly at random in the cube of
//    half-side radius / sqrt(dims) around its place (counter-based: the same for a seed).
// Parts of 65,536 rows or more are solved one after another with every thread, smaller ones
// one per thread. O(N + nnz + N d) besides the eigensolves; the same result on any thread
// count and CPU path.
// Returns false only when cancelled (checked between parts).
bool componentLayout(const Graph &g, const std::vector<int> &labels, int parts, const Matrix &vectors,
                     Metric metric, int dims, std::uint64_t seed, std::vector<double> &out, int threads = 0,
                     std::stop_token stop = {}, ComponentLayoutInfo *info = nullptr);

} // namespace umap_detail

} // namespace es::analysis
