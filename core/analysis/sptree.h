#pragma once
// Space-partitioning tree for Barnes-Hut t-SNE: a quadtree (D = 2) or octree (D = 3)
// over the current embedding, rebuilt every iteration. Nodes live in one array, the 2^D
// children of a node are contiguous, and leaves hold up to a few points (enumerated
// exactly when a leaf cannot be summarised).
#include <array>
#include <cstddef>
#include <vector>

namespace es::analysis {
class ThreadPool;
}

namespace es::analysis::tsne_detail {

template <int D>
class SpTree {
public:
    // Kept small (40 bytes in 2D): the traversal is bound by memory access.
    struct Node {
        std::array<double, D> com;    // centre of mass
        double width2 = 0;            // squared cell width (longest side)
        int count = 0;
        int firstChild = -1;          // -1 for a leaf
        int begin = 0, end = 0;       // leaf points: perm()[begin, end)
    };

    // y: n x D row-major coordinates.
    void build(const double *y, int n);

    // Repulsion on point i: adds sum_j w^2 (y_i - y_j) to force and returns sum_j w, where
    // w = 1 / (1 + |y_i - y_j|^2), over all points j != i, summarising a cell whose width
    // is below theta times its distance to y_i.
    double repulsion(const double *yi, int i, double theta2, double *force) const;

    // The same for every point at once by a group walk (Barnes 1990): the points of each
    // small cell share one traversal, with a cell summarised only when its width is below
    // theta times its distance to the group's bounding box (so for every point of the
    // group the sum is never coarser than repulsion()'s), and the resulting interaction
    // list is evaluated for each point of the group in a tight loop. Writes force (n x D)
    // and z (n). Deterministic: each point's sums run in a fixed order on one thread.
    void repulsionAll(double theta2, double *force, double *z, ThreadPool &pool) const;

    const std::vector<Node> &nodes() const { return nodes_; }
    // Point indices in tree order (spatially sorted): visiting points in this order
    // keeps consecutive traversals in cache.
    const std::vector<int> &perm() const { return perm_; }

private:
    void buildNode(int node, int begin, int end, const std::array<double, D> &center, double half,
                   int depth);

    const double *y_ = nullptr;
    std::vector<Node> nodes_;
    std::vector<int> perm_, scratch_;
    std::vector<int> groups_; // nodes whose points share one traversal, in tree order
};

extern template class SpTree<2>;
extern template class SpTree<3>;

} // namespace es::analysis::tsne_detail
