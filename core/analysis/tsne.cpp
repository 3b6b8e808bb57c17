#include "analysis/tsne.h"

#include "analysis/dense.h"
#include "analysis/fft_repulsion.h"
#include "analysis/parallel.h"
#include "analysis/pca.h"
#include "analysis/sptree.h"
#include "util/validate.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numbers>
#include <random>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace es::analysis {
namespace tsne_detail {
namespace {

constexpr std::size_t kGrain = 256; // fixed chunk size: independent of the thread count
// Auto in 2D: the FFT repulsion is used while its zero-padded grid has at most this many
// nodes per point, Barnes-Hut once the embedding has expanded beyond that (measured
// crossover against the Barnes-Hut group walk, CPU time, N = 1,000 to 70,000: 10 to 14
// nodes per point). The choice depends on the coordinates only, so it is deterministic.
constexpr std::size_t kFftGridPerPoint = 12;

// Binary search of one row, as scikit-learn's _binary_search_perplexity (distances
// shifted by their minimum for numerical range; the probabilities are unchanged).
void calibrateRow(const double *dist, int k, double desiredEntropy, double *p)
{
    double dmin = INFINITY;
    for (int j = 0; j < k; ++j)
        dmin = std::min(dmin, dist[j]);
    double beta = 1.0, betaMin = -INFINITY, betaMax = INFINITY;
    for (int step = 0; step < 100; ++step) {
        double sum = 0;
        for (int j = 0; j < k; ++j) {
            p[j] = std::exp(-(dist[j] - dmin) * beta);
            sum += p[j];
        }
        if (sum == 0.0)
            sum = 1e-8;
        double sumDP = 0;
        for (int j = 0; j < k; ++j) {
            p[j] /= sum;
            sumDP += (dist[j] - dmin) * p[j];
        }
        const double entropy = std::log(sum) + beta * sumDP;
        const double diff = entropy - desiredEntropy;
        if (std::fabs(diff) <= 1e-5)
            break;
        if (diff > 0) {
            betaMin = beta;
            beta = betaMax == INFINITY ? beta * 2 : (beta + betaMax) / 2;
        } else {
            betaMax = beta;
            beta = betaMin == -INFINITY ? beta / 2 : (beta + betaMin) / 2;
        }
    }
}

std::vector<double> conditional(const Neighbors &nn, double perplexity, ThreadPool &pool)
{
    const int n = nn.rows(), k = nn.k;
    std::vector<double> p(std::size_t(n) * k);
    const double h = std::log(perplexity);
    pool.forRange(std::size_t(n), kGrain, [&](std::size_t lo, std::size_t hi, std::size_t) {
        for (std::size_t i = lo; i < hi; ++i)
            calibrateRow(nn.distance.data() + i * k, k, h, p.data() + i * k);
    });
    return p;
}

SparseP symmetrise(const Neighbors &nn, const std::vector<double> &cond)
{
    const int n = nn.rows(), k = nn.k;
    SparseP out;
    out.n = n;
    std::vector<std::int64_t> count(n + 1, 0);
    for (int i = 0; i < n; ++i)
        for (int r = 0; r < k; ++r) {
            ++count[i + 1];
            ++count[nn.at(i, r) + 1];
        }
    for (int i = 0; i < n; ++i)
        count[i + 1] += count[i];
    std::vector<std::pair<int, double>> entries(count[n]);
    std::vector<std::int64_t> fill(count.begin(), count.end() - 1);
    for (int i = 0; i < n; ++i)
        for (int r = 0; r < k; ++r) {
            const int j = nn.at(i, r);
            const double v = cond[std::size_t(i) * k + r];
            entries[fill[i]++] = {j, v};
            entries[fill[j]++] = {i, v};
        }
    out.rowStart.assign(n + 1, 0);
    out.col.reserve(entries.size());
    out.val.reserve(entries.size());
    double total = 0;
    for (int i = 0; i < n; ++i) {
        auto b = entries.begin() + count[i], e = entries.begin() + count[i + 1];
        // Stable: the (at most two) duplicates of a pair keep their insertion order.
        std::stable_sort(b, e, [](const auto &x, const auto &y) { return x.first < y.first; });
        for (auto it = b; it != e;) {
            const int j = it->first;
            double v = 0;
            for (; it != e && it->first == j; ++it)
                v += it->second;
            out.col.push_back(j);
            out.val.push_back(v);
            total += v;
        }
        out.rowStart[i + 1] = std::int64_t(out.col.size());
    }
    total = std::max(total, std::numeric_limits<double>::epsilon());
    for (double &v : out.val)
        v /= total;
    return out;
}

// Attractive part: attr_i = sum_j p_ij w_ij (y_i - y_j); KL terms if asked. The KL sum of
// each chunk goes to its own slot. Within a row, edge e (counted from the row's start) goes
// to accumulator lane e % kLanes and the lanes are added in a fixed order: independent
// chains overlap the divisions and the cache misses of y[col], and the sum order depends
// on P only (not on threads or CPU: plain IEEE operations, no contraction: see
// core/analysis/CMakeLists.txt).
constexpr int kLanes = 4;

#if defined(__x86_64__)
// The same sums for D = 2 without KL, four edges at a time in AVX2 registers: element l of
// the accumulators is lane l, each element sees exactly the operations of the plain loop
// (IEEE add, multiply, divide; no FMA), so the result is bit-identical to it.
__attribute__((target("avx2"))) void attractiveRows2Avx2(const std::int64_t *rowStart, const int *col,
                                                          const double *val, const double *y, std::size_t lo,
                                                          std::size_t hi, double exaggeration, double invZ,
                                                          const double *rep, double *grad)
{
    const __m256d one = _mm256_set1_pd(1.0);
    for (std::size_t i = lo; i < hi; ++i) {
        const double yi0 = y[i * 2], yi1 = y[i * 2 + 1];
        const __m256d xi = _mm256_set1_pd(yi0), yi = _mm256_set1_pd(yi1);
        __m256d ax = _mm256_setzero_pd(), ay = _mm256_setzero_pd();
        std::int64_t e = rowStart[i];
        const std::int64_t end = rowStart[i + 1];
        for (; e + kLanes <= end; e += kLanes) {
            const __m128d p0 = _mm_loadu_pd(y + std::size_t(col[e]) * 2);
            const __m128d p1 = _mm_loadu_pd(y + std::size_t(col[e + 1]) * 2);
            const __m128d p2 = _mm_loadu_pd(y + std::size_t(col[e + 2]) * 2);
            const __m128d p3 = _mm_loadu_pd(y + std::size_t(col[e + 3]) * 2);
            const __m256d t02 = _mm256_insertf128_pd(_mm256_castpd128_pd256(p0), p2, 1); // x0 y0 x2 y2
            const __m256d t13 = _mm256_insertf128_pd(_mm256_castpd128_pd256(p1), p3, 1); // x1 y1 x3 y3
            const __m256d dx = _mm256_sub_pd(xi, _mm256_unpacklo_pd(t02, t13));          // x0 x1 x2 x3
            const __m256d dy = _mm256_sub_pd(yi, _mm256_unpackhi_pd(t02, t13));
            const __m256d d2 = _mm256_add_pd(_mm256_mul_pd(dx, dx), _mm256_mul_pd(dy, dy));
            const __m256d w = _mm256_div_pd(one, _mm256_add_pd(one, d2));
            const __m256d pw = _mm256_mul_pd(_mm256_loadu_pd(val + e), w);
            ax = _mm256_add_pd(ax, _mm256_mul_pd(pw, dx));
            ay = _mm256_add_pd(ay, _mm256_mul_pd(pw, dy));
        }
        alignas(32) double a[2][kLanes];
        _mm256_store_pd(a[0], ax);
        _mm256_store_pd(a[1], ay);
        for (int l = 0; e < end; ++e, ++l) {
            const double *yj = y + std::size_t(col[e]) * 2;
            const double dx = yi0 - yj[0], dy = yi1 - yj[1];
            double d2 = 0;
            d2 += dx * dx;
            d2 += dy * dy;
            const double pw = val[e] * (1.0 / (1.0 + d2));
            a[0][l] += pw * dx;
            a[1][l] += pw * dy;
        }
        for (int d = 0; d < 2; ++d) {
            const double ad = (a[d][0] + a[d][1]) + (a[d][2] + a[d][3]);
            grad[i * 2 + d] = 4.0 * (exaggeration * ad - rep[i * 2 + d] * invZ);
        }
    }
}

bool useAvx2()
{
    static const bool has = __builtin_cpu_supports("avx2");
    return has && dense::kernel() != dense::Kernel::Portable;
}
#endif

template <int D, bool withKl>
void attractiveT(const SparseP &p, const double *y, double exaggeration, double z, double *grad,
                 const double *rep, double *klOut, ThreadPool &pool)
{
    const std::size_t n = std::size_t(p.n);
    std::vector<double> klChunk(chunkCount(n, kGrain), 0.0);
    const double invZ = 1.0 / z;
    const std::int64_t *rowStart = p.rowStart.data();
    const int *col = p.col.data();
    const double *val = p.val.data();
#if defined(__x86_64__)
    if constexpr (D == 2 && !withKl) {
        if (useAvx2()) {
            pool.forRange(n, kGrain, [&](std::size_t lo, std::size_t hi, std::size_t) {
                attractiveRows2Avx2(rowStart, col, val, y, lo, hi, exaggeration, invZ, rep, grad);
            });
            return;
        }
    }
#endif
    pool.forRange(n, kGrain, [&](std::size_t lo, std::size_t hi, std::size_t c) {
        double kl = 0;
        for (std::size_t i = lo; i < hi; ++i) {
            double a[D][kLanes] = {}, klLane[kLanes] = {};
            double yi[D];
            for (int d = 0; d < D; ++d)
                yi[d] = y[i * D + d];
            const auto edge = [&](std::int64_t e, int l) {
                const double *yj = y + std::size_t(col[e]) * D;
                double diff[D], d2 = 0;
                for (int d = 0; d < D; ++d) {
                    diff[d] = yi[d] - yj[d];
                    d2 += diff[d] * diff[d];
                }
                const double w = 1.0 / (1.0 + d2);
                const double pw = val[e] * w;
                for (int d = 0; d < D; ++d)
                    a[d][l] += pw * diff[d];
                if constexpr (withKl) {
                    const double eps = std::numeric_limits<double>::epsilon();
                    klLane[l] += val[e] * std::log(std::max(val[e], eps) / std::max(w * invZ, eps));
                }
            };
            std::int64_t e = rowStart[i];
            const std::int64_t end = rowStart[i + 1];
            for (; e + kLanes <= end; e += kLanes)
                for (int l = 0; l < kLanes; ++l)
                    edge(e + l, l);
            for (int l = 0; e < end; ++e, ++l)
                edge(e, l);
            static_assert(kLanes == 4);
            for (int d = 0; d < D; ++d) {
                const double ad = (a[d][0] + a[d][1]) + (a[d][2] + a[d][3]);
                grad[i * D + d] = 4.0 * (exaggeration * ad - rep[i * D + d] * invZ);
            }
            if constexpr (withKl)
                kl += (klLane[0] + klLane[1]) + (klLane[2] + klLane[3]);
        }
        klChunk[c] = kl;
    });
    if constexpr (withKl) {
        double kl = 0;
        for (double v : klChunk)
            kl += v;
        *klOut = kl;
    }
}

SparseP permutedP(const SparseP &p, const std::vector<int> &order, ThreadPool &pool)
{
    const int n = p.n;
    std::vector<int> pos(n);
    for (int a = 0; a < n; ++a)
        pos[order[a]] = a;
    SparseP out;
    out.n = n;
    out.rowStart.assign(std::size_t(n) + 1, 0);
    for (int a = 0; a < n; ++a)
        out.rowStart[a + 1] = out.rowStart[a] + (p.rowStart[order[a] + 1] - p.rowStart[order[a]]);
    out.col.resize(p.col.size());
    out.val.resize(p.val.size());
    pool.forRange(std::size_t(n), kGrain, [&](std::size_t lo, std::size_t hi, std::size_t) {
        std::vector<std::pair<int, double>> row;
        for (std::size_t a = lo; a < hi; ++a) {
            const int src = order[a];
            row.clear();
            for (std::int64_t e = p.rowStart[src]; e < p.rowStart[src + 1]; ++e)
                row.emplace_back(pos[p.col[e]], p.val[e]);
            // Columns are distinct within a row: the order is total.
            std::sort(row.begin(), row.end(), [](const auto &x, const auto &y) { return x.first < y.first; });
            std::int64_t dst = out.rowStart[a];
            for (const auto &[j, v] : row) {
                out.col[dst] = j;
                out.val[dst] = v;
                ++dst;
            }
        }
    });
    return out;
}

template <int D>
void attractive(const SparseP &p, const double *y, double exaggeration, double z, double *grad,
                const double *rep, double *klOut, ThreadPool &pool)
{
    if (klOut)
        attractiveT<D, true>(p, y, exaggeration, z, grad, rep, klOut, pool);
    else
        attractiveT<D, false>(p, y, exaggeration, z, grad, rep, klOut, pool);
}

template <int D>
void gradExactT(const SparseP &p, const std::vector<double> &y, double exaggeration,
                std::vector<double> &grad, double *kl, ThreadPool &pool)
{
    const std::size_t n = std::size_t(p.n);
    std::vector<double> rep(n * D, 0.0);
    std::vector<double> zChunk(chunkCount(n, kGrain), 0.0);
    pool.forRange(n, kGrain, [&](std::size_t lo, std::size_t hi, std::size_t c) {
        double zc = 0;
        for (std::size_t i = lo; i < hi; ++i) {
            double f[D] = {};
            const double *yi = y.data() + i * D;
            for (std::size_t j = 0; j < n; ++j) {
                if (j == i)
                    continue;
                double diff[D], d2 = 0;
                for (int d = 0; d < D; ++d) {
                    diff[d] = yi[d] - y[j * D + d];
                    d2 += diff[d] * diff[d];
                }
                const double w = 1.0 / (1.0 + d2);
                zc += w;
                for (int d = 0; d < D; ++d)
                    f[d] += w * w * diff[d];
            }
            for (int d = 0; d < D; ++d)
                rep[i * D + d] = f[d];
        }
        zChunk[c] = zc;
    });
    double z = 0;
    for (double v : zChunk)
        z += v;
    grad.resize(n * D);
    attractive<D>(p, y.data(), exaggeration, z, grad.data(), rep.data(), kl, pool);
}

template <int D>
void gradBHT(const SparseP &p, const std::vector<double> &y, double exaggeration, double theta,
             std::vector<double> &grad, double *kl, ThreadPool &pool, SpTree<D> &tree,
             std::vector<double> &rep)
{
    const std::size_t n = std::size_t(p.n);
    tree.build(y.data(), int(n));
    rep.resize(n * D);
    thread_local std::vector<double> zPoint;
    zPoint.resize(n);
    tree.repulsionAll(theta * theta, rep.data(), zPoint.data(), pool);
    double z = 0;
    for (double v : zPoint)
        z += v;
    grad.resize(n * D);
    attractive<D>(p, y.data(), exaggeration, z, grad.data(), rep.data(), kl, pool);
}

void gradFft(const SparseP &p, const std::vector<double> &y, double exaggeration, std::vector<double> &grad,
             double *kl, ThreadPool &pool, FftRepulsion &fft, std::vector<double> &rep)
{
    const std::size_t n = std::size_t(p.n);
    rep.resize(n * 2);
    const double z = fft.compute(y.data(), int(n), rep.data(), pool);
    grad.resize(n * 2);
    attractive<2>(p, y.data(), exaggeration, z, grad.data(), rep.data(), kl, pool);
}

} // namespace

std::vector<int> localityOrder(const SparseP &p)
{
    const int n = p.n;
    std::vector<std::int64_t> degree(n);
    for (int i = 0; i < n; ++i)
        degree[i] = p.rowStart[i + 1] - p.rowStart[i];
    const auto byDegree = [&](int a, int b) { return degree[a] != degree[b] ? degree[a] < degree[b] : a < b; };
    std::vector<int> starts(n);
    for (int i = 0; i < n; ++i)
        starts[i] = i;
    std::sort(starts.begin(), starts.end(), byDegree);
    std::vector<int> order;
    order.reserve(n);
    std::vector<char> seen(n, 0);
    std::vector<int> next;
    for (int s : starts) {
        if (seen[s])
            continue;
        seen[s] = 1;
        std::size_t head = order.size();
        order.push_back(s);
        while (head < order.size()) {
            const int v = order[head++];
            next.clear();
            for (std::int64_t e = p.rowStart[v]; e < p.rowStart[v + 1]; ++e) {
                const int j = p.col[e];
                if (!seen[j]) {
                    seen[j] = 1;
                    next.push_back(j);
                }
            }
            std::sort(next.begin(), next.end(), byDegree);
            order.insert(order.end(), next.begin(), next.end());
        }
    }
    std::reverse(order.begin(), order.end());
    return order;
}

SparseP permuted(const SparseP &p, const std::vector<int> &order, int threads)
{
    ThreadPool pool(threads);
    return permutedP(p, order, pool);
}

std::int64_t bandwidth(const SparseP &p)
{
    std::int64_t b = 0;
    for (int i = 0; i < p.n; ++i)
        for (std::int64_t e = p.rowStart[i]; e < p.rowStart[i + 1]; ++e)
            b = std::max<std::int64_t>(b, std::abs(std::int64_t(p.col[e]) - i));
    return b;
}

void squareForAffinities(Neighbors &nn, Metric metric)
{
    if (metric == Metric::Cosine)
        for (double &d : nn.distance)
            d *= d;
}

std::vector<double> conditionalProbabilities(const Neighbors &nn, double perplexity, int threads)
{
    ThreadPool pool(threads);
    return conditional(nn, perplexity, pool);
}

SparseP jointProbabilities(const Neighbors &nn, double perplexity, int threads)
{
    ThreadPool pool(threads);
    return symmetrise(nn, conditional(nn, perplexity, pool));
}

void gradientExact(const SparseP &p, const std::vector<double> &y, int dims, double exaggeration,
                   std::vector<double> &grad, double *kl, int threads)
{
    ThreadPool pool(threads);
    if (dims == 2)
        gradExactT<2>(p, y, exaggeration, grad, kl, pool);
    else
        gradExactT<3>(p, y, exaggeration, grad, kl, pool);
}

void gradientBarnesHut(const SparseP &p, const std::vector<double> &y, int dims, double exaggeration,
                       double theta, std::vector<double> &grad, double *kl, int threads)
{
    ThreadPool pool(threads);
    std::vector<double> rep;
    if (dims == 2) {
        SpTree<2> t;
        gradBHT<2>(p, y, exaggeration, theta, grad, kl, pool, t, rep);
    } else {
        SpTree<3> t;
        gradBHT<3>(p, y, exaggeration, theta, grad, kl, pool, t, rep);
    }
}

void gradientFft(const SparseP &p, const std::vector<double> &y, double exaggeration,
                 std::vector<double> &grad, double *kl, int threads)
{
    ThreadPool pool(threads);
    FftRepulsion fft;
    std::vector<double> rep;
    gradFft(p, y, exaggeration, grad, kl, pool, fft, rep);
}

} // namespace tsne_detail

using namespace tsne_detail;

namespace {

// Standard normal numbers from a seeded engine, by Box-Muller (std::normal_distribution
// is implementation-defined; this is the same everywhere).
std::vector<double> gaussian(std::size_t count, std::uint64_t seed)
{
    std::mt19937_64 eng(seed);
    std::vector<double> out(count);
    const double scale = 1.0 / 9007199254740992.0; // 2^-53
    for (std::size_t i = 0; i < count; i += 2) {
        double u1 = ((eng() >> 11) + 1) * scale, u2 = (eng() >> 11) * scale;
        const double r = std::sqrt(-2.0 * std::log(u1));
        out[i] = r * std::cos(2 * std::numbers::pi * u2);
        if (i + 1 < count)
            out[i + 1] = r * std::sin(2 * std::numbers::pi * u2);
    }
    return out;
}

struct Optimiser {
    std::vector<double> update, gains;
    void reset(std::size_t n)
    {
        update.assign(n, 0.0);
        gains.assign(n, 1.0);
    }
    // One step of gradient descent with momentum and per-coordinate gains (Jacobs 1988,
    // as in van der Maaten's implementations).
    void step(std::vector<double> &y, const std::vector<double> &grad, double momentum, double lr,
              ThreadPool &pool)
    {
        pool.forRange(y.size(), 4096, [&](std::size_t lo, std::size_t hi, std::size_t) {
            for (std::size_t i = lo; i < hi; ++i) {
                gains[i] = (update[i] * grad[i] < 0.0) ? gains[i] + 0.2 : gains[i] * 0.8;
                gains[i] = std::max(gains[i], 0.01);
                update[i] = momentum * update[i] - lr * gains[i] * grad[i];
                y[i] += update[i];
            }
        });
    }
};

// order (if not empty): y's position a holds input row order[a].
Matrix toMatrix(const std::vector<double> &y, int n, int dims, const std::vector<int> &order = {})
{
    Matrix m(n, dims);
    for (int a = 0; a < n; ++a) {
        const int i = order.empty() ? a : order[a];
        for (int d = 0; d < dims; ++d)
            m(i, d) = float(y[std::size_t(a) * dims + d]);
    }
    return m;
}

} // namespace

Result<TsneResult> tsne(const Matrix &vectors, const TsneConfig &config, const TsneCallbacks &cb,
                        std::stop_token stop)
{
    const int n = int(vectors.rows());
    const int dims = config.dims;
    if (dims != 2 && dims != 3)
        return Error{"t-SNE: dims must be 2 or 3, got " + std::to_string(dims)};
    if (n < 4)
        return Error{"t-SNE needs at least 4 rows; the input has " + std::to_string(n)};
    if (!(config.perplexity > 0))
        return Error{"t-SNE: perplexity must be positive"};
    if (config.iterations < 1)
        return Error{"t-SNE: iterations must be at least 1"};
    if (!(config.theta >= 0))
        return Error{"t-SNE: theta must be non-negative"};
    VectorCheck check;
    check.rejectZeroRows = config.metric == Metric::Cosine;
    check.minRows = 4;
    if (auto s = checkVectors(vectors, check); !s)
        return s.error();
    if (config.initialCoords.size() > 0
        && (config.initialCoords.rows() != n || config.initialCoords.cols() != dims))
        return Error{"t-SNE: initial coordinates must be " + std::to_string(n) + " x "
                     + std::to_string(dims)};

    TsneResult out;
    double perplexity = config.perplexity;
    const double maxPerplexity = (n - 1) / 3.0;
    if (perplexity > maxPerplexity) {
        char buf[200];
        std::snprintf(buf, sizeof buf,
                      "t-SNE: perplexity %g is too large for %d points; using %g ((N - 1) / 3)",
                      perplexity, n, maxPerplexity);
        out.warnings.emplace_back(buf);
        perplexity = maxPerplexity;
    }
    out.perplexity = perplexity;
    const int k = std::min(n - 1, int(3.0 * perplexity + 1));

    ThreadPool pool(config.threads);

    // 1. Input affinities.
    KnnConfig kc;
    kc.k = k;
    kc.metric = config.metric;
    kc.threads = config.threads;
    kc.method = config.neighbors;
    auto nn = knn(vectors, kc, [&](double f, std::string_view) { report(cb.progress, 0.3 * f, "nearest neighbours"); },
                  stop);
    if (!nn)
        return nn.error();
    out.approximateNeighbours = nn->approximate;
    if (stop.stop_requested())
        return Error::cancel();
    report(cb.progress, 0.3, "calibrating perplexity");
    squareForAffinities(*nn, config.metric);
    SparseP P = symmetrise(*nn, conditional(*nn, perplexity, pool));
    *nn = Neighbors{}; // released before the renumbered copy of P is made
    if (stop.stop_requested())
        return Error::cancel();
    const bool exact = config.gradient == TsneGradient::Exact
                       || (config.gradient == TsneGradient::Auto && n < config.exactBelow);
    // Renumbering for locality: the optimisation runs on rows in `order`; snapshots, the
    // result and the KL are those of the same points (only sums are taken in another order).
    std::vector<int> order;
    if (!exact && n >= config.reorderAbove) {
        report(cb.progress, 0.3, "ordering for locality");
        order = localityOrder(P);
        P = permutedP(P, order, pool);
        if (stop.stop_requested())
            return Error::cancel();
    }

    // 2. Initial coordinates.
    std::vector<double> y(std::size_t(n) * dims);
    if (config.initialCoords.size() > 0) {
        for (int i = 0; i < n; ++i)
            for (int d = 0; d < dims; ++d)
                y[std::size_t(i) * dims + d] = config.initialCoords(i, d);
    } else {
        bool done = false;
        if (config.init == TsneInit::Pca && vectors.cols() >= dims) {
            PcaConfig pc;
            pc.components = dims;
            auto fit = pca(vectors, pc, {}, stop);
            if (fit) {
                double mean = 0, var = 0;
                for (int i = 0; i < n; ++i)
                    mean += fit->coords(i, 0);
                mean /= n;
                for (int i = 0; i < n; ++i)
                    var += (fit->coords(i, 0) - mean) * (fit->coords(i, 0) - mean);
                const double sd = std::sqrt(var / n);
                if (sd > 0) {
                    for (int i = 0; i < n; ++i)
                        for (int d = 0; d < dims; ++d)
                            y[std::size_t(i) * dims + d] = fit->coords(i, d) / sd * 1e-4;
                    done = true;
                }
            } else if (fit.error().cancelled) {
                return fit.error();
            }
            if (!done)
                out.warnings.emplace_back("t-SNE: PCA initialisation impossible (no variance); random initialisation used");
        }
        if (!done) {
            y = gaussian(y.size(), config.seed);
            for (double &v : y)
                v *= 1e-4;
        }
    }

    if (!order.empty()) {
        std::vector<double> yp(y.size());
        for (int a = 0; a < n; ++a)
            for (int d = 0; d < dims; ++d)
                yp[std::size_t(a) * dims + d] = y[std::size_t(order[a]) * dims + d];
        y.swap(yp);
    }

    // 3. Gradient descent.
    const bool forceFft = dims == 2 && config.gradient == TsneGradient::Fft;
    const bool autoFft = dims == 2 && !exact && config.gradient == TsneGradient::Auto && n >= config.fftAbove;
    const double lr = config.learningRate > 0 ? config.learningRate : std::max(n / 12.0, 200.0);
    // The gradient carries the factor 4 of dC/dy; learning rates in the max(N/12, 200)
    // convention are for the gradient without it.
    const double step = lr / 4.0;
    Optimiser opt;
    opt.reset(y.size());
    std::vector<double> grad, rep;
    SpTree<2> tree2;
    SpTree<3> tree3;
    FftRepulsion fft;
    const int total = config.iterations;
    const int exIts = std::min(config.exaggerationIterations, total);
    const int klEvery = std::max(1, config.klEvery);
    const int snapEvery = std::max(1, config.snapshotEvery);
    double lastKl = std::numeric_limits<double>::quiet_NaN();
    int exaggerationEnd = exIts;
    for (int it = 0; it < total; ++it) {
        if (stop.stop_requested())
            return Error::cancel();
        if (it == exaggerationEnd && exaggerationEnd > 0)
            opt.reset(y.size());
        const bool early = it < exaggerationEnd;
        const double exag = early ? config.exaggeration : 1.0;
        const double momentum = early ? config.momentum : config.finalMomentum;
        const bool wantKl = (it + 1) % klEvery == 0 || it + 1 == total;
        double kl = std::numeric_limits<double>::quiet_NaN();
        double *klp = wantKl ? &kl : nullptr;
        if (exact) {
            if (dims == 2)
                gradExactT<2>(P, y, exag, grad, klp, pool);
            else
                gradExactT<3>(P, y, exag, grad, klp, pool);
        } else if (forceFft
                   || (autoFft && fft.paddedGridSize(y.data(), n) <= kFftGridPerPoint * std::size_t(n))) {
            gradFft(P, y, exag, grad, klp, pool, fft, rep);
        } else if (dims == 2) {
            gradBHT<2>(P, y, exag, config.theta, grad, klp, pool, tree2, rep);
        } else {
            gradBHT<3>(P, y, exag, config.theta, grad, klp, pool, tree3, rep);
        }
        // The KL of the exaggerated step is that of P scaled: report the plain KL; during
        // the exaggeration the forces used exag * P, which klp does not include.
        opt.step(y, grad, momentum, step, pool);
        // Keep the embedding centred (the gains let the mean drift): without an offset, a
        // cloud that contracts under exaggeration keeps its relative precision.
        for (int d = 0; d < dims; ++d) {
            double mean = 0;
            for (int i = 0; i < n; ++i)
                mean += y[std::size_t(i) * dims + d];
            mean /= n;
            for (int i = 0; i < n; ++i)
                y[std::size_t(i) * dims + d] -= mean;
        }
        // As scikit-learn: when data without cluster structure has contracted to a point
        // under exaggeration (norm of the gain-scaled gradient <= 1e-7 at a 50-iteration
        // check), the exaggeration phase ends early; the remaining iterations expand it
        // again. The norm is that of gains * gradient, as in scikit-learn's
        // _gradient_descent (checked after the gains are applied; measured: the same norms
        // at iterations 50 to 200 on GloVe vectors).
        if (early && (it + 1) % 50 == 0 && it + 1 < exaggerationEnd) {
            double norm2 = 0;
            for (std::size_t i = 0; i < grad.size(); ++i)
                norm2 += (opt.gains[i] * grad[i]) * (opt.gains[i] * grad[i]);
            if (std::sqrt(norm2) <= 1e-7)
                exaggerationEnd = it + 1;
        }
        if (wantKl) {
            lastKl = kl;
            out.klHistory.emplace_back(it + 1, kl);
        }
        if (cb.iteration) {
            TsneStatus s;
            s.iteration = it + 1;
            s.iterations = total;
            s.klDivergence = kl;
            s.exaggerating = early;
            cb.iteration(s);
        }
        if (cb.snapshot && ((it + 1) % snapEvery == 0 || it + 1 == total))
            cb.snapshot(it + 1, toMatrix(y, n, dims, order));
        report(cb.progress, 0.3 + 0.7 * double(it + 1) / total, "optimising");
    }
    out.coords = toMatrix(y, n, dims, order);
    out.klDivergence = lastKl;
    out.iterations = total;
    return out;
}

Result<Matrix> tsnePlace(const Matrix &oldVectors, const Matrix &oldCoords, const Matrix &newVectors,
                         const TsnePlaceConfig &config, const Progress &progress, std::stop_token stop)
{
    const int nOld = int(oldVectors.rows()), m = int(newVectors.rows());
    const int dims = int(oldCoords.cols());
    if (dims != 2 && dims != 3)
        return Error{"t-SNE placement: the existing embedding must have 2 or 3 columns"};
    if (oldCoords.rows() != nOld)
        return Error{"t-SNE placement: " + std::to_string(oldCoords.rows()) + " coordinates for "
                     + std::to_string(nOld) + " existing vectors"};
    if (nOld < 4)
        return Error{"t-SNE placement needs an embedding of at least 4 points"};
    if (m == 0)
        return Matrix(0, dims);
    if (!(config.perplexity > 0))
        return Error{"t-SNE placement: perplexity must be positive"};
    if (auto s = checkVectors(oldCoords, {false, 1, "existing coordinates"}); !s)
        return s.error();
    const double perplexity = std::min(config.perplexity, (nOld - 1) / 3.0);
    KnnConfig kc;
    kc.k = std::min(nOld, int(3.0 * perplexity + 1));
    kc.metric = config.metric;
    kc.threads = config.threads;
    kc.method = NeighborMethod::Exact; // few new rows against the old ones: exact is cheap
    auto nn = knnQuery(newVectors, oldVectors, kc, [&](double f, std::string_view) { report(progress, 0.3 * f, "nearest neighbours"); },
                       stop);
    if (!nn)
        return nn.error();
    ThreadPool pool(config.threads);
    squareForAffinities(*nn, config.metric);
    const std::vector<double> p = conditional(*nn, perplexity, pool);
    const int k = kc.k;

    std::vector<double> yOld(std::size_t(nOld) * dims);
    for (int i = 0; i < nOld; ++i)
        for (int d = 0; d < dims; ++d)
            yOld[std::size_t(i) * dims + d] = oldCoords(i, d);
    SpTree<2> t2;
    SpTree<3> t3;
    if (dims == 2)
        t2.build(yOld.data(), nOld);
    else
        t3.build(yOld.data(), nOld);

    // Start at the affinity-weighted mean of the neighbours.
    std::vector<double> y(std::size_t(m) * dims, 0.0);
    for (int i = 0; i < m; ++i)
        for (int r = 0; r < k; ++r)
            for (int d = 0; d < dims; ++d)
                y[std::size_t(i) * dims + d] += p[std::size_t(i) * k + r] * yOld[std::size_t(nn->at(i, r)) * dims + d];

    // Each new point descends its own KL(p_.|i || q_.|i) against the fixed old points:
    // grad = 2 (sum_j p_j w_ij (y_i - y_j) - sum_l w_il^2 (y_i - y_l) / Z_i).
    std::vector<double> grad(y.size());
    Optimiser opt;
    opt.reset(y.size());
    const double theta2 = config.theta * config.theta;
    for (int it = 0; it < config.iterations; ++it) {
        if (stop.stop_requested())
            return Error::cancel();
        pool.forRange(std::size_t(m), 64, [&](std::size_t lo, std::size_t hi, std::size_t) {
            for (std::size_t i = lo; i < hi; ++i) {
                double rep[3] = {0, 0, 0};
                const double *yi = y.data() + i * dims;
                const double z = dims == 2 ? t2.repulsion(yi, -1, theta2, rep) : t3.repulsion(yi, -1, theta2, rep);
                double a[3] = {0, 0, 0};
                for (int r = 0; r < k; ++r) {
                    const double *yj = yOld.data() + std::size_t(nn->at(int(i), r)) * dims;
                    double d2 = 0;
                    for (int d = 0; d < dims; ++d)
                        d2 += (yi[d] - yj[d]) * (yi[d] - yj[d]);
                    const double pw = p[i * k + r] / (1.0 + d2);
                    for (int d = 0; d < dims; ++d)
                        a[d] += pw * (yi[d] - yj[d]);
                }
                for (int d = 0; d < dims; ++d)
                    grad[i * dims + d] = 2.0 * (a[d] - rep[d] / z);
            }
        });
        opt.step(y, grad, config.momentum, config.learningRate, pool);
        report(progress, 0.3 + 0.7 * double(it + 1) / config.iterations, "placing");
    }
    return toMatrix(y, m, dims);
}

} // namespace es::analysis
