#include "analysis/sptree.h"

#include "analysis/parallel.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace es::analysis::tsne_detail {
namespace {
constexpr int kLeafCapacity = 4;
constexpr int kMaxDepth = 40;
constexpr int kGroupSize = 64; // points sharing one traversal in repulsionAll() (measured best of 8 to 256)
} // namespace

template <int D>
void SpTree<D>::build(const double *y, int n)
{
    y_ = y;
    perm_.resize(n);
    std::iota(perm_.begin(), perm_.end(), 0);
    scratch_.resize(n);
    nodes_.clear();
    nodes_.reserve(std::size_t(n) / 2 + 16);
    std::array<double, D> lo, hi;
    lo.fill(INFINITY);
    hi.fill(-INFINITY);
    for (int i = 0; i < n; ++i)
        for (int d = 0; d < D; ++d) {
            lo[d] = std::min(lo[d], y[std::size_t(i) * D + d]);
            hi[d] = std::max(hi[d], y[std::size_t(i) * D + d]);
        }
    std::array<double, D> center;
    double half = 0;
    for (int d = 0; d < D; ++d) {
        center[d] = 0.5 * (lo[d] + hi[d]);
        half = std::max(half, 0.5 * (hi[d] - lo[d]));
    }
    half = half * (1 + 1e-9) + 1e-12;
    nodes_.emplace_back();
    buildNode(0, 0, n, center, half, 0);
    groups_.clear();
    std::vector<int> stack{0};
    while (!stack.empty()) {
        const int node = stack.back();
        stack.pop_back();
        const Node &nd = nodes_[node];
        if (nd.count == 0)
            continue;
        if (nd.count <= kGroupSize || nd.firstChild < 0) {
            groups_.push_back(node);
            continue;
        }
        for (int q = (1 << D) - 1; q >= 0; --q)
            stack.push_back(nd.firstChild + q);
    }
}

template <int D>
void SpTree<D>::buildNode(int node, int begin, int end, const std::array<double, D> &center, double half,
                          int depth)
{
    {
        Node &nd = nodes_[node];
        nd.width2 = 4 * half * half;
        nd.count = end - begin;
        nd.begin = begin;
        nd.end = end;
        nd.com.fill(0);
        for (int p = begin; p < end; ++p)
            for (int d = 0; d < D; ++d)
                nd.com[d] += y_[std::size_t(perm_[p]) * D + d];
        if (nd.count > 0)
            for (int d = 0; d < D; ++d)
                nd.com[d] /= nd.count;
        if (nd.count <= kLeafCapacity || depth >= kMaxDepth || half < 1e-12)
            return;
    }
    constexpr int kids = 1 << D;
    // Counting sort of the points into the 2^D quadrants/octants.
    std::array<int, kids + 1> start{};
    auto quadrant = [&](int p) {
        int q = 0;
        for (int d = 0; d < D; ++d)
            q |= (y_[std::size_t(p) * D + d] >= center[d]) << d;
        return q;
    };
    for (int p = begin; p < end; ++p)
        ++start[quadrant(perm_[p]) + 1];
    for (int q = 0; q < kids; ++q)
        start[q + 1] += start[q];
    std::array<int, kids> fill{};
    for (int p = begin; p < end; ++p) {
        const int q = quadrant(perm_[p]);
        scratch_[begin + start[q] + fill[q]++] = perm_[p];
    }
    std::copy(scratch_.begin() + begin, scratch_.begin() + end, perm_.begin() + begin);
    const int first = int(nodes_.size());
    nodes_[node].firstChild = first;
    nodes_.resize(nodes_.size() + kids);
    for (int q = 0; q < kids; ++q) {
        std::array<double, D> c;
        for (int d = 0; d < D; ++d)
            c[d] = center[d] + ((q >> d) & 1 ? 0.5 : -0.5) * half;
        buildNode(first + q, begin + start[q], begin + start[q + 1], c, 0.5 * half, depth + 1);
    }
}

template <int D>
double SpTree<D>::repulsion(const double *yi, int i, double theta2, double *force) const
{
    double z = 0;
    double f[D] = {};
    int stack[64 * (1 << D)];
    int top = 0;
    stack[top++] = 0;
    while (top > 0) {
        const Node &nd = nodes_[stack[--top]];
        if (nd.count == 0)
            continue;
        double diff[D], d2 = 0;
        for (int d = 0; d < D; ++d) {
            diff[d] = yi[d] - nd.com[d];
            d2 += diff[d] * diff[d];
        }
        if (nd.firstChild < 0) {
            if (nd.count == 1 || (nd.width2 < theta2 * d2 && d2 > 0)) {
                if (nd.count == 1 && perm_[nd.begin] == i)
                    continue;
                if (nd.count == 1 || nd.width2 < theta2 * d2) {
                    const double w = 1.0 / (1.0 + d2);
                    const double cw = nd.count * w;
                    z += cw;
                    for (int d = 0; d < D; ++d)
                        f[d] += cw * w * diff[d];
                    continue;
                }
            }
            for (int p = nd.begin; p < nd.end; ++p) {
                const int j = perm_[p];
                if (j == i)
                    continue;
                double e2 = 0, e[D];
                for (int d = 0; d < D; ++d) {
                    e[d] = yi[d] - y_[std::size_t(j) * D + d];
                    e2 += e[d] * e[d];
                }
                const double w = 1.0 / (1.0 + e2);
                z += w;
                for (int d = 0; d < D; ++d)
                    f[d] += w * w * e[d];
            }
        } else if (nd.width2 < theta2 * d2) {
            const double w = 1.0 / (1.0 + d2);
            const double cw = nd.count * w;
            z += cw;
            for (int d = 0; d < D; ++d)
                f[d] += cw * w * diff[d];
        } else {
            for (int q = (1 << D) - 1; q >= 0; --q)
                stack[top++] = nd.firstChild + q;
        }
    }
    for (int d = 0; d < D; ++d)
        force[d] += f[d];
    return z;
}

template <int D>
void SpTree<D>::repulsionAll(double theta2, double *force, double *zOut, ThreadPool &pool) const
{
    pool.run(groups_.size(), [&](std::size_t g) {
        const Node &group = nodes_[groups_[g]];
        // Tight bounding box of the group's points.
        double lo[D], hi[D];
        for (int d = 0; d < D; ++d) {
            lo[d] = INFINITY;
            hi[d] = -INFINITY;
        }
        for (int p = group.begin; p < group.end; ++p)
            for (int d = 0; d < D; ++d) {
                const double v = y_[std::size_t(perm_[p]) * D + d];
                lo[d] = std::min(lo[d], v);
                hi[d] = std::max(hi[d], v);
            }
        // Interaction list: summarised cells and single points (count 1), structure of arrays.
        thread_local std::vector<double> pos[D], mass;
        thread_local std::vector<int> stack;
        for (int d = 0; d < D; ++d)
            pos[d].clear();
        mass.clear();
        stack.clear();
        stack.push_back(0);
        while (!stack.empty()) {
            const Node &nd = nodes_[stack.back()];
            stack.pop_back();
            if (nd.count == 0)
                continue;
            double d2 = 0;
            for (int d = 0; d < D; ++d) {
                const double gap = std::max({0.0, lo[d] - nd.com[d], nd.com[d] - hi[d]});
                d2 += gap * gap;
            }
            // A cell holding the group itself is always opened (its own points must come as
            // single points, whatever theta).
            const bool holdsGroup = nd.begin <= group.begin && group.end <= nd.end;
            if (!holdsGroup && d2 > 0 && nd.width2 < theta2 * d2) {
                for (int d = 0; d < D; ++d)
                    pos[d].push_back(nd.com[d]);
                mass.push_back(nd.count);
            } else if (nd.firstChild < 0) {
                for (int p = nd.begin; p < nd.end; ++p) {
                    for (int d = 0; d < D; ++d)
                        pos[d].push_back(y_[std::size_t(perm_[p]) * D + d]);
                    mass.push_back(1.0);
                }
            } else {
                for (int q = (1 << D) - 1; q >= 0; --q)
                    stack.push_back(nd.firstChild + q);
            }
        }
        const std::size_t m = mass.size();
        const double *px[D];
        for (int d = 0; d < D; ++d)
            px[d] = pos[d].data();
        const double *pm = mass.data();
        for (int p = group.begin; p < group.end; ++p) {
            const int i = perm_[p];
            double yi[D];
            for (int d = 0; d < D; ++d)
                yi[d] = y_[std::size_t(i) * D + d];
            double z = 0, f[D] = {};
            for (std::size_t e = 0; e < m; ++e) {
                double diff[D], d2 = 0;
                for (int d = 0; d < D; ++d) {
                    diff[d] = yi[d] - px[d][e];
                    d2 += diff[d] * diff[d];
                }
                const double w = 1.0 / (1.0 + d2);
                const double cw = pm[e] * w;
                z += cw;
                for (int d = 0; d < D; ++d)
                    f[d] += cw * w * diff[d];
            }
            // The point itself is in the list (distance 0: w = 1, no force).
            zOut[i] = z - 1.0;
            for (int d = 0; d < D; ++d)
                force[std::size_t(i) * D + d] = f[d];
        }
    });
}

template class SpTree<2>;
template class SpTree<3>;

} // namespace es::analysis::tsne_detail
