// Approximate k nearest neighbours: an HNSW graph (hnswlib, header-only) built on one thread
// in row order with a fixed seed, searched in parallel, then the chosen neighbours' distances
// recomputed in double and ordered with ties to the lower row (see neighbors.h).
//
// Determinism: hnswlib's own distance functions choose SSE/AVX/AVX-512 at compile and run
// time, and parallel insertion depends on thread timing. Here the distance is our own, summed
// in a fixed order (eight lanes, then a fixed reduction: the same float result on every
// x86-64; compiled without FMA contraction, see CMakeLists.txt; 16 lanes measured slower), the graph is built by one thread in row order, and a search only reads the graph,
// so the neighbours do not depend on the CPU or the thread count.
#include "analysis/neighbors_hnsw.h"

#include "analysis/dense.h"
#include "analysis/parallel.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-variable"
#pragma GCC diagnostic ignored "-Wunused-but-set-variable"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <hnswlib/hnswlib.h>
#pragma GCC diagnostic pop

namespace es::analysis::detail {
namespace {

// Sums in eight lanes (lane l takes elements l, l+8, ...), the tail into lane 0, then
// ((0+1)+(2+3))+((4+5)+(6+7)): a fixed order, whatever instructions the compiler picks.
inline float reduce8(const float s[8])
{
    return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

float innerProductDistance(const void *pa, const void *pb, const void *param)
{
    const float *a = static_cast<const float *>(pa), *b = static_cast<const float *>(pb);
    const std::size_t n = *static_cast<const std::size_t *>(param);
    float s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    std::size_t c = 0;
    for (; c + 8 <= n; c += 8)
        for (int l = 0; l < 8; ++l)
            s[l] += a[c + l] * b[c + l];
    for (; c < n; ++c)
        s[0] += a[c] * b[c];
    return 1.0f - reduce8(s);
}

float squaredL2Distance(const void *pa, const void *pb, const void *param)
{
    const float *a = static_cast<const float *>(pa), *b = static_cast<const float *>(pb);
    const std::size_t n = *static_cast<const std::size_t *>(param);
    float s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    std::size_t c = 0;
    for (; c + 8 <= n; c += 8)
        for (int l = 0; l < 8; ++l) {
            const float t = a[c + l] - b[c + l];
            s[l] += t * t;
        }
    for (; c < n; ++c) {
        const float t = a[c] - b[c];
        s[0] += t * t;
    }
    return reduce8(s);
}

class FixedOrderSpace final : public hnswlib::SpaceInterface<float> {
public:
    FixedOrderSpace(std::size_t dims, bool innerProduct)
        : dims_(dims), fn_(innerProduct ? innerProductDistance : squaredL2Distance)
    {
    }
    std::size_t get_data_size() override { return dims_ * sizeof(float); }
    hnswlib::DISTFUNC<float> get_dist_func() override { return fn_; }
    void *get_dist_func_param() override { return &dims_; }

private:
    std::size_t dims_;
    hnswlib::DISTFUNC<float> fn_;
};


using Hnsw = hnswlib::HierarchicalNSW<float>;
using hnswlib::tableint;
using CandidateQueue = std::priority_queue<std::pair<float, tableint>, std::vector<std::pair<float, tableint>>,
                                           Hnsw::CompareByFirst>;

// Rows inserted at once while `inserted` rows are in the graph: one at a time at first, then
// a sixteenth of the graph, at most 4096. Depends only on the count (never on the threads).
inline std::size_t batchSize(std::size_t inserted)
{
    return std::clamp<std::size_t>(inserted / 16, 1, 4096);
}

// Deterministic parallel HNSW construction on hnswlib's graph (its public members), in
// batches: the rows of a batch search the graph as it stood before the batch (in parallel:
// nothing writes), then are placed and linked in row order, and the reverse links they ask
// for are applied per target node (in parallel: each target's list is written by one
// thread, its requests in row order). With batches of one row this is hnswlib's own
// addPoint; larger batches only keep the rows of a batch from seeing one another, which the
// later batches make up for. The result depends on neither the thread count nor timing.
class BatchBuilder {
public:
    BatchBuilder(Hnsw &h, const Matrix &rows, ThreadPool &pool) : h_(h), rows_(rows), pool_(pool)
    {
        // Levels drawn in row order from a fixed seed, as hnswlib draws them.
        std::mt19937_64 eng(100);
        std::uniform_real_distribution<double> u(0.0, 1.0);
        levels_.resize(std::size_t(rows.rows()));
        for (int &l : levels_)
            l = int(-std::log(1.0 - u(eng)) * h.mult_);
    }

    // Inserts rows [lo, hi).
    void insert(std::size_t lo, std::size_t hi)
    {
        if (h_.cur_element_count == 0) {
            place(tableint(lo));
            h_.cur_element_count = 1;
            h_.enterpoint_node_ = tableint(lo);
            h_.maxlevel_ = levels_[lo];
            ++lo;
        }
        if (lo >= hi)
            return;
        const std::size_t n = hi - lo;
        plans_.assign(n, {});
        // 1. Search the frozen graph (parallel).
        const tableint entry = h_.enterpoint_node_;
        const int maxLevel = h_.maxlevel_;
        pool_.forRange(n, 8, [&](std::size_t a, std::size_t b, std::size_t) {
            for (std::size_t r = a; r < b; ++r)
                plan(tableint(lo + r), entry, maxLevel, plans_[r]);
        });
        // 2. Place the rows and write their own lists (row order); collect reverse links.
        requests_.clear();
        for (std::size_t r = 0; r < n; ++r) {
            const tableint id = tableint(lo + r);
            place(id);
            const auto &p = plans_[r];
            for (int level = 0; level < int(p.size()); ++level) {
                hnswlib::linklistsizeint *ll = h_.get_linklist_at_level(id, level);
                h_.setListCount(ll, (unsigned short)p[std::size_t(level)].size());
                tableint *data = reinterpret_cast<tableint *>(ll + 1);
                for (std::size_t j = 0; j < p[std::size_t(level)].size(); ++j) {
                    data[j] = p[std::size_t(level)][j];
                    requests_.push_back({level, p[std::size_t(level)][j], id});
                }
            }
        }
        h_.cur_element_count = hi;
        // 3. Reverse links, grouped by (level, target), each group's requests in row order.
        std::sort(requests_.begin(), requests_.end());
        groups_.clear();
        for (std::size_t i = 0; i < requests_.size(); ++i)
            if (i == 0 || requests_[i].level != requests_[i - 1].level || requests_[i].target != requests_[i - 1].target)
                groups_.push_back(i);
        groups_.push_back(requests_.size());
        pool_.forRange(groups_.size() - 1, 64, [&](std::size_t a, std::size_t b, std::size_t) {
            for (std::size_t g = a; g < b; ++g)
                for (std::size_t i = groups_[g]; i < groups_[g + 1]; ++i)
                    link(requests_[i]);
        });
        // 4. A row above the top level becomes the entry point (row order).
        for (std::size_t r = 0; r < n; ++r)
            if (levels_[lo + r] > h_.maxlevel_) {
                h_.maxlevel_ = levels_[lo + r];
                h_.enterpoint_node_ = tableint(lo + r);
            }
    }

private:
    struct Request {
        int level;
        tableint target, from;
        bool operator<(const Request &o) const
        {
            return level != o.level ? level < o.level : target != o.target ? target < o.target : from < o.from;
        }
    };

    float dist(const void *a, const void *b) const { return h_.fstdistfunc_(a, b, h_.dist_func_param_); }

    // The neighbours row `id` will link to on each of its levels (up to the graph's top).
    void plan(tableint id, tableint entry, int maxLevel, std::vector<std::vector<tableint>> &out)
    {
        const void *q = rows_.row(Eigen::Index(id)).data();
        const int level = levels_[id];
        tableint cur = entry;
        float curDist = dist(q, h_.getDataByInternalId(cur));
        for (int l = maxLevel; l > level; --l) {
            for (bool changed = true; changed;) {
                changed = false;
                hnswlib::linklistsizeint *ll = h_.get_linklist(cur, l);
                const int size = h_.getListCount(ll);
                const tableint *data = reinterpret_cast<const tableint *>(ll + 1);
                for (int i = 0; i < size; ++i) {
                    const float d = dist(q, h_.getDataByInternalId(data[i]));
                    if (d < curDist) {
                        curDist = d;
                        cur = data[i];
                        changed = true;
                    }
                }
            }
        }
        out.assign(std::size_t(std::min(level, maxLevel) + 1), {});
        for (int l = std::min(level, maxLevel); l >= 0; --l) {
            CandidateQueue top = h_.searchBaseLayer(cur, q, l);
            h_.getNeighborsByHeuristic2(top, h_.M_);
            auto &sel = out[std::size_t(l)];
            for (; !top.empty(); top.pop())
                sel.push_back(top.top().second);
            cur = sel.back();
        }
    }

    void place(tableint id)
    {
        const int level = levels_[id];
        std::memset(h_.data_level0_memory_ + std::size_t(id) * h_.size_data_per_element_ + h_.offsetLevel0_, 0,
                    h_.size_data_per_element_);
        const hnswlib::labeltype label = id;
        std::memcpy(h_.getExternalLabeLp(id), &label, sizeof label);
        std::memcpy(h_.getDataByInternalId(id), rows_.row(Eigen::Index(id)).data(), h_.data_size_);
        h_.element_levels_[id] = level;
        if (level > 0) {
            h_.linkLists_[id] = static_cast<char *>(std::malloc(h_.size_links_per_element_ * std::size_t(level) + 1));
            if (!h_.linkLists_[id])
                throw std::bad_alloc();
            std::memset(h_.linkLists_[id], 0, h_.size_links_per_element_ * std::size_t(level) + 1);
        }
        h_.label_lookup_[label] = id;
    }

    // hnswlib's reverse link: append, or keep the heuristic's choice among the old links and
    // the new one when the list is full.
    void link(const Request &r)
    {
        const std::size_t maxLinks = r.level ? h_.maxM_ : h_.maxM0_;
        hnswlib::linklistsizeint *ll = h_.get_linklist_at_level(r.target, r.level);
        const std::size_t size = h_.getListCount(ll);
        tableint *data = reinterpret_cast<tableint *>(ll + 1);
        if (size < maxLinks) {
            data[size] = r.from;
            h_.setListCount(ll, (unsigned short)(size + 1));
            return;
        }
        const char *t = h_.getDataByInternalId(r.target);
        CandidateQueue c;
        c.emplace(dist(h_.getDataByInternalId(r.from), t), r.from);
        for (std::size_t j = 0; j < size; ++j)
            c.emplace(dist(h_.getDataByInternalId(data[j]), t), data[j]);
        h_.getNeighborsByHeuristic2(c, maxLinks);
        std::size_t n = 0;
        for (; !c.empty(); c.pop())
            data[n++] = c.top().second;
        h_.setListCount(ll, (unsigned short)n);
    }

    Hnsw &h_;
    const Matrix &rows_;
    ThreadPool &pool_;
    std::vector<int> levels_;
    std::vector<std::vector<std::vector<tableint>>> plans_;
    std::vector<Request> requests_;
    std::vector<std::size_t> groups_;
};

} // namespace

Result<Neighbors> hnswSearch(const Matrix &queries, const Matrix &base, const KnnConfig &config, bool self,
                             const Progress &progress, std::stop_token stop)
{
    const bool cosine = config.metric == Metric::Cosine;
    const int k = config.k, dims = int(base.cols());
    const Eigen::Index nq = queries.rows(), nb = base.rows();
    if (config.hnswM < 2 || config.hnswEfConstruction < 1 || config.hnswEf < 1)
        return Error{"approximate neighbours: M must be at least 2 and ef at least 1"};

    // Cosine: inner products of unit rows (distance 1 - cos).
    Matrix bUnit, qUnit;
    if (cosine) {
        bUnit = dense::unitRows(base);
        if (!self)
            qUnit = dense::unitRows(queries);
    }
    const Matrix &b = cosine ? bUnit : base;
    const Matrix &q = self ? b : (cosine ? qUnit : queries);

    // Build (deterministic batches, see BatchBuilder): most of the progress bar.
    const double buildShare = self ? 0.8 : std::clamp(double(nb) / double(nb + nq), 0.2, 0.9);
    FixedOrderSpace space(std::size_t(dims), cosine);
    std::unique_ptr<Hnsw> index;
    dense::BlasOnCallingThread blasScope;
    ThreadPool pool(config.threads);
    try {
        index = std::make_unique<Hnsw>(&space, std::size_t(nb), std::size_t(config.hnswM),
                                       std::size_t(config.hnswEfConstruction), 100);
        BatchBuilder builder(*index, b, pool);
        int reported = 0;
        for (std::size_t i = 0; i < std::size_t(nb);) {
            if (stop.stop_requested())
                return Error::cancel();
            const std::size_t end = std::min(std::size_t(nb), i + batchSize(i));
            builder.insert(i, end);
            i = end;
            const int percent = int(i * 100 / std::size_t(nb));
            if (progress && percent > reported) {
                reported = percent;
                progress(buildShare * double(i) / double(nb), "nearest neighbours (building the graph)");
            }
        }
    } catch (const std::exception &e) {
        return Error{std::string("approximate neighbours: ") + e.what()};
    }
    if (stop.stop_requested())
        return Error::cancel();
    index->setEf(std::size_t(std::max(config.hnswEf, k + 1)));

    Neighbors out;
    out.k = k;
    out.approximate = true;
    out.index.resize(std::size_t(nq) * k);
    out.distance.resize(std::size_t(nq) * k);
    if (cosine)
        out.similarity.resize(std::size_t(nq) * k);
    Eigen::VectorXd qn, bn;
    if (cosine) {
        bn = base.cast<double>().rowwise().norm();
        qn = self ? bn : Eigen::VectorXd(queries.cast<double>().rowwise().norm());
    }
    const Matrix &qraw = queries, &braw = self ? queries : base;

    // Search: chunks of rows in parallel; each row's result depends only on the graph.
    constexpr std::size_t grain = 256;
    const std::size_t chunks = (std::size_t(nq) + grain - 1) / grain;
    const std::size_t want = std::size_t(self ? k + 1 : k);
    std::atomic<bool> failed{false};
    const bool done = dense::runTiles(
        pool, chunks,
        [&](std::size_t chunk) {
            struct Found {
                double key; // to minimise: 1 - cos in double (cosine) or squared distance
                double sim;
                int index;
            };
            std::vector<Found> found;
            const std::size_t lo = chunk * grain, hi = std::min(std::size_t(nq), lo + grain);
            for (std::size_t i = lo; i < hi; ++i) {
                std::priority_queue<std::pair<float, hnswlib::labeltype>> r;
                try {
                    r = index->searchKnn(q.row(Eigen::Index(i)).data(), want);
                } catch (const std::exception &) {
                    failed = true;
                    return;
                }
                found.clear();
                for (; !r.empty(); r.pop()) {
                    const int j = int(r.top().second);
                    if (self && j == int(i))
                        continue;
                    Found f{0, 0, j};
                    if (cosine) {
                        const double dot = dense::dotDouble(qraw.row(Eigen::Index(i)).data(), braw.row(j).data(), dims);
                        f.sim = dot / (qn[Eigen::Index(i)] * bn[j]);
                        f.key = -f.sim;
                    } else {
                        double d = 0;
                        for (int c = 0; c < dims; ++c) {
                            const double t = double(qraw(Eigen::Index(i), c)) - double(braw(j, c));
                            d += t * t;
                        }
                        f.key = d;
                    }
                    found.push_back(f);
                }
                if (int(found.size()) < k) { // too few reachable nodes (tiny or degenerate graph)
                    failed = true;
                    return;
                }
                std::sort(found.begin(), found.end(), [](const Found &x, const Found &y) {
                    return x.key < y.key || (x.key == y.key && x.index < y.index);
                });
                for (int r2 = 0; r2 < k; ++r2) {
                    const std::size_t o = i * std::size_t(k) + std::size_t(r2);
                    out.index[o] = found[r2].index;
                    if (cosine) {
                        out.similarity[o] = float(found[r2].sim);
                        out.distance[o] = 1.0 - found[r2].sim;
                    } else {
                        out.distance[o] = found[r2].key;
                    }
                }
            }
        },
        [&](double f, std::string_view) {
            report(progress, buildShare + (1.0 - buildShare) * f, "nearest neighbours (searching the graph)");
        },
        "nearest neighbours", stop);
    if (!done)
        return Error::cancel();
    if (failed)
        return Error{"approximate neighbours: the search found fewer than k = " + std::to_string(k)
                     + " neighbours for some row; use exact neighbours"};
    return out;
}

} // namespace es::analysis::detail
