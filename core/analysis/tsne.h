#pragma once
// t-SNE (van der Maaten & Hinton 2008; van der Maaten 2014; defaults after Belkina et al.
// 2019 and Linderman et al. 2019) in 2 or 3 dimensions.
//
// Pipeline: k = 3 * perplexity exact nearest neighbours (cosine or Euclidean), per-point
// binary search of the Gaussian precision to match the perplexity on the squared
// distances (as scikit-learn: (1 - cos)^2 or |a - b|^2), symmetrised sparse P;
// PCA initialisation scaled to standard deviation 1e-4; gradient descent with early
// exaggeration 12 for 250 iterations, momentum 0.5 then 0.8, per-coordinate gains, learning
// rate max(N / 12, 200). The repulsive forces are exact for small N, Barnes-Hut
// (quadtree in 2D, octree in 3D, evaluated by a group walk: see sptree.h) for larger N;
// in 2D from `fftAbove` points on, FFT-accelerated interpolation (Linderman et al. 2019;
// see fft_repulsion.h) is used in the iterations where its grid is cheaper than the tree
// (while the embedding is small: the exaggeration phase and, for large N, well beyond).
//
// Threads: work is split into fixed chunks and every sum is reduced in chunk order, so a
// seed gives bit-identical coordinates on any thread count.
//
// Animating from the GUI: TsneCallbacks::snapshot receives the current coordinates every
// `snapshotEvery` iterations and TsneCallbacks::iteration a status (iteration, KL every
// `klEvery` iterations) each iteration. Both run on the worker thread that called tsne();
// copy what you need and post it to the GUI thread (e.g. with QMetaObject::invokeMethod
// and a queued connection). Cancellation through the stop_token is checked every
// iteration (and between blocks of the set-up) and returns Error::cancel() within
// milliseconds even at N = 70,000.
#include "analysis/neighbors.h"
#include "util/result.h"
#include "util/types.h"

#include <cstdint>
#include <functional>
#include <stop_token>
#include <vector>

namespace es::analysis {

enum class TsneGradient { Auto, Exact, BarnesHut, Fft /* 2D only */ };
enum class TsneInit { Pca, Random };

struct TsneConfig {
    int dims = 2;                   // 2 or 3
    double perplexity = 30.0;       // reduced (with a warning) to (N - 1) / 3 for small N
    int iterations = 1000;          // total, including the exaggeration phase
    Metric metric = Metric::Cosine; // input distance: 1 - cos, or squared Euclidean
    double learningRate = 0.0;      // 0: max(N / 12, 200)
    double exaggeration = 12.0;
    int exaggerationIterations = 250;
    double momentum = 0.5, finalMomentum = 0.8; // switch after the exaggeration phase
    double theta = 0.5;             // Barnes-Hut opening angle (0 = exact)
    TsneGradient gradient = TsneGradient::Auto;
    int exactBelow = 500;           // Auto: exact gradient for N below this
    int fftAbove = 1000;            // Auto, 2D: FFT-interpolated repulsion while cheaper, from this N on
    TsneInit init = TsneInit::Pca;
    Matrix initialCoords;           // if non-empty (N x dims): used instead of init
    std::uint64_t seed = 42;        // random init and tie-free determinism
    int threads = 0;                // 0: one per hardware thread
    int klEvery = 50;               // KL divergence computed every so many iterations (and last)
    int snapshotEvery = 10;         // coordinates passed to the snapshot callback
    NeighborMethod neighbors = NeighborMethod::Auto; // input graph: approximate above
                                    // kApproximateAboveRows rows (neighbors.h); tsnePlace is exact
    int reorderAbove = 5000;        // from this N on (not with the exact gradient), the points
                                    // are renumbered for memory locality (see localityOrder);
                                    // callbacks and the result stay in input row order
};

// Status passed every iteration. klDivergence is NaN except on iterations where it is
// computed (every klEvery iterations and the last one).
struct TsneStatus {
    int iteration = 0;   // 1-based, finished iterations
    int iterations = 0;  // total planned
    double klDivergence = 0;
    bool exaggerating = false;
};

struct TsneCallbacks {
    Progress progress;                                          // fraction + stage name
    std::function<void(const TsneStatus &)> iteration;          // every iteration
    std::function<void(int iteration, const Matrix &coords)> snapshot; // every snapshotEvery
};

struct TsneResult {
    Matrix coords;                     // N x dims
    double klDivergence = 0;           // at the end (unexaggerated P)
    int iterations = 0;
    double perplexity = 0;             // the one used (after any reduction)
    bool approximateNeighbours = false; // the input graph came from the approximate search
    std::vector<std::pair<int, double>> klHistory; // (iteration, KL)
    Warnings warnings;
};

Result<TsneResult> tsne(const Matrix &vectors, const TsneConfig &config = {},
                        const TsneCallbacks &callbacks = {}, std::stop_token stop = {});

// Places new points into an existing embedding with the old points held fixed: each new
// point gets its conditional affinities to its k nearest old points (same perplexity
// calibration) and is moved by gradient descent on its own KL divergence against the
// fixed old coordinates, starting from the affinity-weighted mean of its neighbours.
// Returns the coordinates of the new points only (M x dims).
struct TsnePlaceConfig {
    double perplexity = 30.0;
    Metric metric = Metric::Cosine;
    int iterations = 250;
    double learningRate = 1.0;
    double momentum = 0.8;
    double theta = 0.5;
    int threads = 0;
};
Result<Matrix> tsnePlace(const Matrix &oldVectors, const Matrix &oldCoords, const Matrix &newVectors,
                         const TsnePlaceConfig &config = {}, const Progress &progress = {},
                         std::stop_token stop = {});

// Building blocks, public for tests and benchmarks.
namespace tsne_detail {

// Symmetric sparse joint probabilities in CSR form (rows sum to 2 * conditional / 2N).
struct SparseP {
    int n = 0;
    std::vector<std::int64_t> rowStart; // n + 1
    std::vector<int> col;
    std::vector<double> val;
};

// The affinities are calibrated on squared distances for either metric, as scikit-learn's
// TSNE does (since 1.1): knn() returns squared Euclidean distances already, and this
// squares cosine distances, (1 - cos)^2. Measured on GloVe vectors (N = 1,000 / 10,000)
// against unsquared 1 - cos: trustworthiness 0.915 / 0.968 instead of 0.905 / 0.965
// (scikit-learn 0.915 / 0.967); with unsquared distances the cloud also collapses under
// early exaggeration until the phase ends early.
void squareForAffinities(Neighbors &nn, Metric metric);

// Memory locality for the optimisation: reverse Cuthill-McKee order of P's graph (breadth-
// first from a vertex of least degree, lowest index first; neighbours visited by increasing
// degree, then index; each further component from its least-degree, lowest-index vertex), so
// that graph neighbours get nearby numbers and the attractive forces read y from cache.
// order[a] is the row of p placed at position a. Deterministic, O(nnz log k).
std::vector<int> localityOrder(const SparseP &p);
// p renumbered by order: row a of the result is row order[a] of p, columns mapped to the new
// numbers and sorted.
SparseP permuted(const SparseP &p, const std::vector<int> &order, int threads = 0);
// Largest |i - j| over the nonzeros p_ij (0 for a diagonal or empty matrix).
std::int64_t bandwidth(const SparseP &p);

// Conditional p_{j|i} over the given neighbours by binary search on the precision (the
// same search as scikit-learn's _binary_search_perplexity: 100 steps, tolerance 1e-5 on
// the entropy in nats), then P = (P_cond + P_cond^T) / sum.
SparseP jointProbabilities(const Neighbors &nn, double perplexity, int threads = 0);

// Conditional rows only (N x k, same layout as nn.index).
std::vector<double> conditionalProbabilities(const Neighbors &nn, double perplexity, int threads = 0);

// The exact KL gradient dC/dy (with the factor 4) at y (N x dims, row-major doubles) for
// P scaled by `exaggeration`; returns KL(P||Q) of the unscaled P in *kl if non-null.
void gradientExact(const SparseP &p, const std::vector<double> &y, int dims, double exaggeration,
                   std::vector<double> &grad, double *kl, int threads = 0);
// The same with Barnes-Hut repulsion (theta 0 gives the exact gradient).
void gradientBarnesHut(const SparseP &p, const std::vector<double> &y, int dims, double exaggeration,
                       double theta, std::vector<double> &grad, double *kl, int threads = 0);
// The same (2D only) with the FFT-interpolated repulsion (default FftOptions).
void gradientFft(const SparseP &p, const std::vector<double> &y, double exaggeration,
                 std::vector<double> &grad, double *kl, int threads = 0);

} // namespace tsne_detail

} // namespace es::analysis
