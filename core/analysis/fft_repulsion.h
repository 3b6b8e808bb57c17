#pragma once
// FFT-accelerated interpolation of the t-SNE repulsion in 2D (Linderman et al. 2019,
// "FIt-SNE"). The embedding's bounding box is cut into boxes of side at most
// `maxBoxWidth`, each with `nodesPerBox` x `nodesPerBox` equispaced interpolation nodes, so
// the nodes form one uniform grid. Every point spreads its charges (1, x, y) onto the nodes
// of its box with Lagrange polynomial weights; the kernels 1/(1+d^2) and 1/(1+d^2)^2 on
// the uniform grid are Toeplitz, so the node-to-node sums are circular convolutions of the
// zero-padded grids (FFTW real 2D transforms); the node potentials are interpolated back to
// the points with the same weights. The grid grows with the embedding's extent (a box is
// never wider than `maxBoxWidth`), which is what keeps the error bounded as the picture
// expands, as in FIt-SNE.
//
// Deterministic on any thread count: each point's charges go to the grid rows of its own
// row of boxes (one task per row of boxes, points in index order), every transform runs on
// one thread with an FFTW_ESTIMATE plan, and Z is reduced in fixed chunk order.
#include <cstddef>
#include <memory>

namespace es::analysis {
class ThreadPool;
}

namespace es::analysis::tsne_detail {

// Defaults: 4 nodes per box of side 1.25 (3.2 nodes per unit length) measured 0.4% to 1%
// relative error of the repulsive forces, against 1.7% to 3% for FIt-SNE's 3 nodes per box
// of side 1 (3 per unit) at about the same grid size; Barnes-Hut at theta 0.5: 0.5% to 1%.
struct FftOptions {
    int nodesPerBox = 4;       // interpolation nodes per box and dimension
    double maxBoxWidth = 1.25; // box side in embedding units (the kernel's scale is 1)
    int minBoxes = 8;          // per dimension: small embeddings get narrower boxes
    int maxBoxes = 512;        // per dimension: beyond it boxes get wider (less accurate)
};

class FftRepulsion {
public:
    explicit FftRepulsion(FftOptions options = {});
    ~FftRepulsion();
    FftRepulsion(const FftRepulsion &) = delete;
    FftRepulsion &operator=(const FftRepulsion &) = delete;

    // y: n x 2 row-major. Writes rep[2i..2i+1] = sum_{j != i} w_ij^2 (y_i - y_j) and
    // returns Z = sum_{i != j} w_ij, where w_ij = 1 / (1 + |y_i - y_j|^2).
    double compute(const double *y, int n, double *rep, ThreadPool &pool);

    // The zero-padded FFT grid (nodes) compute() would use for this embedding: its cost.
    std::size_t paddedGridSize(const double *y, int n) const;

    // Interpolation nodes per dimension used by the last compute() (x, y).
    int gridNodesX() const;
    int gridNodesY() const;

private:
    static void bounds(const double *y, int n, double *lo, double *hi);
    int boxesFor(const double *lo, const double *hi) const;
    struct Impl;
    std::unique_ptr<Impl> d_;
};

} // namespace es::analysis::tsne_detail
