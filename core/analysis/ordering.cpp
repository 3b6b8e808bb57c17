#include "analysis/ordering.h"

#include "analysis/kmeans.h"
#include "util/validate.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

namespace es::analysis {
namespace ordering_detail {

std::vector<std::pair<int, int>> averageLinkage(const MatrixD &distance)
{
    const int n = int(distance.rows());
    MatrixD d = distance;
    std::vector<int> size(n, 1), node(n);
    std::vector<char> active(n, 1);
    for (int i = 0; i < n; ++i)
        node[i] = i;
    std::vector<std::pair<int, int>> merges;
    merges.reserve(n > 0 ? n - 1 : 0);
    std::vector<int> chain;
    int remaining = n;
    while (remaining > 1) {
        if (chain.empty()) {
            for (int i = 0; i < n; ++i)
                if (active[i]) {
                    chain.push_back(i);
                    break;
                }
        }
        const int a = chain.back();
        const int prev = chain.size() >= 2 ? chain[chain.size() - 2] : -1;
        int b = -1;
        double bd = std::numeric_limits<double>::infinity();
        if (prev >= 0) {
            b = prev;
            bd = d(a, prev);
        }
        for (int c = 0; c < n; ++c)
            if (active[c] && c != a && d(a, c) < bd) {
                bd = d(a, c);
                b = c;
            }
        if (b == prev) {
            chain.pop_back();
            chain.pop_back();
            // Merge b into slot a (Lance-Williams update for average linkage).
            const int keep = std::min(a, b), drop = std::max(a, b);
            merges.emplace_back(node[keep], node[drop]);
            const double sk = size[keep], sd = size[drop];
            for (int c = 0; c < n; ++c)
                if (active[c] && c != keep && c != drop) {
                    const double v = (sk * d(keep, c) + sd * d(drop, c)) / (sk + sd);
                    d(keep, c) = d(c, keep) = v;
                }
            size[keep] += size[drop];
            active[drop] = 0;
            node[keep] = n + int(merges.size()) - 1;
            --remaining;
        } else {
            chain.push_back(b);
        }
    }
    return merges;
}

std::vector<int> optimalLeafOrder(const MatrixD &D, const std::vector<std::pair<int, int>> &merges)
{
    const int n = int(D.rows());
    if (n <= 2) {
        std::vector<int> o(n);
        for (int i = 0; i < n; ++i)
            o[i] = i;
        return o;
    }
    // leaves of every node, left part then right part; split = size of the left part.
    const int nodes = n + int(merges.size());
    std::vector<std::vector<int>> leaves(nodes);
    std::vector<int> split(nodes, 0), left(nodes, -1), right(nodes, -1);
    for (int i = 0; i < n; ++i)
        leaves[i] = {i};
    // M(i, j): best cost of an order of the subtree LCA(i, j) running from i to j.
    MatrixD M = MatrixD::Zero(n, n);
    for (std::size_t m = 0; m < merges.size(); ++m) {
        const int v = n + int(m), a = merges[m].first, b = merges[m].second;
        left[v] = a;
        right[v] = b;
        const auto &La = leaves[a], &Lb = leaves[b];
        auto others = [&](int node, int leaf, std::vector<int> &out) {
            out.clear();
            if (node < n) {
                out.push_back(leaf);
                return;
            }
            const auto &L = leaves[node];
            const int s = split[node];
            const bool inLeft = std::find(L.begin(), L.begin() + s, leaf) != L.begin() + s;
            if (inLeft)
                out.assign(L.begin() + s, L.end());
            else
                out.assign(L.begin(), L.begin() + s);
        };
        // T(i, m) = min over k on the far side of a from i of M(i, k) + D(k, m).
        MatrixD T(La.size(), Lb.size());
        std::vector<int> ka, mb;
        for (std::size_t ii = 0; ii < La.size(); ++ii) {
            const int i = La[ii];
            others(a, i, ka);
            for (std::size_t mm = 0; mm < Lb.size(); ++mm) {
                double best = std::numeric_limits<double>::infinity();
                for (int kk : ka)
                    best = std::min(best, M(i, kk) + D(kk, Lb[mm]));
                T(ii, mm) = best;
            }
        }
        std::vector<int> posB(n, -1);
        for (std::size_t mm = 0; mm < Lb.size(); ++mm)
            posB[Lb[mm]] = int(mm);
        for (std::size_t jj = 0; jj < Lb.size(); ++jj) {
            const int j = Lb[jj];
            others(b, j, mb);
            for (std::size_t ii = 0; ii < La.size(); ++ii) {
                double best = std::numeric_limits<double>::infinity();
                for (int mm : mb)
                    best = std::min(best, T(ii, posB[mm]) + M(mm, j));
                M(La[ii], j) = M(j, La[ii]) = best;
            }
        }
        leaves[v] = La;
        leaves[v].insert(leaves[v].end(), Lb.begin(), Lb.end());
        split[v] = int(La.size());
        leaves[a].clear();
        leaves[a].shrink_to_fit();
        leaves[b].clear();
        leaves[b].shrink_to_fit();
    }
    // The children's lists were dropped to save memory; reconstruction collects them again.
    std::function<void(int, std::vector<int> &)> collect = [&](int v, std::vector<int> &out) {
        if (v < n) {
            out.push_back(v);
            return;
        }
        collect(left[v], out);
        collect(right[v], out);
    };
    const int root = nodes - 1;
    // Best end points at the root.
    std::vector<int> la, lb;
    collect(left[root], la);
    collect(right[root], lb);
    int bi = la[0], bj = lb[0];
    for (int i : la)
        for (int j : lb)
            if (M(i, j) < M(bi, bj))
                bi = i, bj = j;
    std::vector<int> order;
    order.reserve(n);
    // Recover, for node v with ends i (in left) and j (in right), the inner ends k and m.
    std::function<void(int, int, int)> emit = [&](int v, int i, int j) {
        if (v < n) {
            order.push_back(v);
            return;
        }
        std::vector<int> L;
        collect(left[v], L);
        if (std::find(L.begin(), L.end(), i) == L.end()) {
            // The order must start at i, which is on the right: emit from j to i, reversed.
            const std::size_t start = order.size();
            emit(v, j, i);
            std::reverse(order.begin() + std::ptrdiff_t(start), order.end());
            return;
        }
        auto farSide = [&](int node, int leaf) {
            std::vector<int> out;
            if (node < n) {
                out.push_back(leaf);
                return out;
            }
            std::vector<int> l2;
            collect(left[node], l2);
            if (std::find(l2.begin(), l2.end(), leaf) != l2.end())
                collect(right[node], out);
            else
                out = l2;
            return out;
        };
        const std::vector<int> ks = farSide(left[v], i), ms = farSide(right[v], j);
        int bk = ks[0], bm = ms[0];
        double best = std::numeric_limits<double>::infinity();
        for (int k : ks)
            for (int m : ms) {
                const double c = M(i, k) + D(k, m) + M(m, j);
                if (c < best) {
                    best = c;
                    bk = k;
                    bm = m;
                }
            }
        emit(left[v], i, bk);
        emit(right[v], bm, j);
    };
    emit(root, bi, bj);
    return order;
}

} // namespace ordering_detail

namespace {

MatrixD cosineDistances(const Matrix &x)
{
    MatrixD u = x.cast<double>();
    u.rowwise().normalize();
    MatrixD d = MatrixD::Ones(u.rows(), u.rows()) - u * u.transpose();
    for (Eigen::Index i = 0; i < d.rows(); ++i)
        d(i, i) = 0;
    return d.cwiseMax(0.0);
}

std::vector<int> smallOrder(const Matrix &x)
{
    const MatrixD d = cosineDistances(x);
    return ordering_detail::optimalLeafOrder(d, ordering_detail::averageLinkage(d));
}

Result<std::vector<int>> orderRows(const Matrix &x, const OrderConfig &config, std::stop_token stop, int depth)
{
    const Eigen::Index n = x.rows();
    if (stop.stop_requested())
        return Error::cancel();
    if (n <= config.hierarchicalMax || depth > 6)
        return smallOrder(x);
    KMeansConfig kc;
    kc.k = int(std::clamp<double>(std::ceil(std::sqrt(double(n))), 2.0, double(config.hierarchicalMax)));
    kc.seed = config.seed + std::uint64_t(depth);
    kc.maxIterations = 30;
    auto km = kmeans(x, kc, {}, stop);
    if (!km)
        return km.error();
    std::vector<std::vector<int>> members(kc.k);
    for (Eigen::Index i = 0; i < n; ++i)
        members[km->labels[i]].push_back(int(i));
    // Order the non-empty groups by their centres.
    std::vector<int> groups;
    for (int g = 0; g < kc.k; ++g)
        if (!members[g].empty())
            groups.push_back(g);
    Matrix centres(groups.size(), x.cols());
    for (std::size_t g = 0; g < groups.size(); ++g)
        centres.row(g) = km->centroids.row(groups[g]);
    std::vector<int> groupOrder(groups.size());
    if (groups.size() > 1) {
        // Centres may be zero only if a group's rows cancel out; fall back to input order.
        bool zero = false;
        for (Eigen::Index g = 0; g < centres.rows(); ++g)
            zero = zero || centres.row(g).squaredNorm() == 0.0f;
        if (zero)
            for (std::size_t g = 0; g < groups.size(); ++g)
                groupOrder[g] = int(g);
        else
            groupOrder = smallOrder(centres);
    } else {
        groupOrder = {0};
    }
    std::vector<int> out;
    out.reserve(n);
    for (int g : groupOrder) {
        const auto &mem = members[groups[g]];
        if (mem.size() == std::size_t(n)) { // k-means could not split: keep the order
            out.insert(out.end(), mem.begin(), mem.end());
            continue;
        }
        Matrix sub(mem.size(), x.cols());
        for (std::size_t r = 0; r < mem.size(); ++r)
            sub.row(r) = x.row(mem[r]);
        auto o = orderRows(sub, config, stop, depth + 1);
        if (!o)
            return o.error();
        for (int r : *o)
            out.push_back(mem[r]);
    }
    return out;
}

} // namespace

Result<std::vector<int>> heatmapOrder(const Matrix &vectors, const OrderConfig &config, const Progress &progress,
                                      std::stop_token stop)
{
    if (auto s = checkVectors(vectors); !s)
        return s.error();
    report(progress, 0.0, "ordering");
    auto out = orderRows(vectors, config, stop, 0);
    report(progress, 1.0, "ordering");
    return out;
}

double orderCost(const Matrix &vectors, const std::vector<int> &order)
{
    double cost = 0;
    for (std::size_t p = 1; p < order.size(); ++p) {
        const auto a = vectors.row(order[p - 1]).cast<double>(), b = vectors.row(order[p]).cast<double>();
        cost += 1.0 - a.dot(b) / (a.norm() * b.norm());
    }
    return cost;
}

} // namespace es::analysis
