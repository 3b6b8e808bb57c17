#include "analysis/umap.h"

#include "analysis/parallel.h"
#include "analysis/pca.h"
#include "util/validate.h"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <numbers>

namespace es::analysis {

namespace {

constexpr std::size_t kGrain = 512; // rows per chunk: fixed, independent of the thread count

std::uint64_t splitmix(std::uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

// Counter-based random numbers: the same for a given (seed, a, b, c) whatever the thread.
std::uint64_t counterRandom(std::uint64_t seed, std::uint64_t a, std::uint64_t b, std::uint64_t c)
{
    return splitmix(splitmix(splitmix(seed ^ 0x5851f42d4c957f2dULL) ^ a) ^ (b * 0x2545f4914f6cdd1dULL)) ^ c;
}

// Uniform in [0, n) for n < 2^32.
inline std::uint32_t below(std::uint64_t r, std::uint32_t n)
{
    return std::uint32_t(((r >> 32) * std::uint64_t(n)) >> 32);
}

double gaussianAt(std::uint64_t seed, std::uint64_t i)
{
    const double scale = 1.0 / 9007199254740992.0; // 2^-53
    const double u1 = ((splitmix(seed ^ (2 * i)) >> 11) + 1) * scale;
    const double u2 = (splitmix(seed ^ (2 * i + 1) ^ 0xabcdefULL) >> 11) * scale;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2 * std::numbers::pi * u2);
}

Matrix toMatrix(const std::vector<double> &y, int n, int dims)
{
    Matrix m(n, dims);
    for (int i = 0; i < n; ++i)
        for (int d = 0; d < dims; ++d)
            m(i, d) = float(y[std::size_t(i) * dims + d]);
    return m;
}

inline double powPositive(double x, double b)
{
    return std::exp(b * std::log(x));
}

inline double clip4(double v)
{
    return v > 4.0 ? 4.0 : (v < -4.0 ? -4.0 : v);
}

// The SGD of one point against positions `other` (read-only this epoch) over its edges
// [e0, e1): umap-learn's optimize_layout_euclidean_single_epoch for one head, moving the
// head only. `cur` is updated in place.
template <int D>
struct Sgd {
    static constexpr int kDims = D;
    double a, b, gamma;
    int negRate;
    std::uint64_t seed;
    double attractScale; // 2 when the pair's other end applies the same pull (symmetric graph)

    void point(double *cur, int self, std::int64_t e0, std::int64_t e1, const int *col, const double *eps,
               double *nextSample, double *nextNeg, const double *other, std::uint32_t nOther, int epoch,
               double alpha) const
    {
        const double n = epoch;
        const std::uint64_t epochKey = counterRandom(seed, std::uint64_t(epoch), 0, 0);
        for (std::int64_t e = e0; e < e1; ++e) {
            if (nextSample[e] > n)
                continue;
            // The attraction and the negative samples of this edge all act from the same
            // position (their sum is applied at once): independent, so the CPU overlaps
            // their pow calls.
            const double *o = other + std::size_t(col[e]) * D;
            double step[D] = {}, diff[D], d2 = 0;
            for (int d = 0; d < D; ++d) {
                diff[d] = cur[d] - o[d];
                d2 += diff[d] * diff[d];
            }
            if (d2 > 0) {
                const double pb = powPositive(d2, b);
                const double coeff = -2.0 * a * b * (pb / d2) / (a * pb + 1.0);
                for (int d = 0; d < D; ++d)
                    step[d] = clip4(coeff * diff[d]) * alpha * attractScale;
            }
            nextSample[e] += eps[e];
            const double epsNeg = eps[e] / negRate;
            const int negs = negRate > 0 ? int((n - nextNeg[e]) / epsNeg) : 0;
            const std::uint64_t edgeKey = epochKey ^ (std::uint64_t(e) * 0xd1b54a32d192ed03ULL);
            for (int p = 0; p < negs; ++p) {
                const std::uint32_t k = below(splitmix(edgeKey + std::uint64_t(p)), nOther);
                if (int(k) == self)
                    continue;
                const double *q = other + std::size_t(k) * D;
                double dq[D], q2 = 0;
                for (int d = 0; d < D; ++d) {
                    dq[d] = cur[d] - q[d];
                    q2 += dq[d] * dq[d];
                }
                if (q2 > 0) {
                    const double pb = powPositive(q2, b);
                    const double coeff = 2.0 * gamma * b / ((0.001 + q2) * (a * pb + 1.0));
                    for (int d = 0; d < D; ++d)
                        step[d] += clip4(coeff * dq[d]) * alpha;
                }
            }
            for (int d = 0; d < D; ++d)
                cur[d] += step[d];
            if (negRate <= 0)
                continue;
            nextNeg[e] += negs * epsNeg;
        }
    }
};

} // namespace

namespace umap_detail {

void smoothKnnRows(const std::vector<double> &dist, int rows, int cols, int nNeighbors, double localConnectivity,
                   bool implicitSelf, std::vector<double> &rho, std::vector<double> &sigma, ThreadPool &pool)
{
    rho.assign(rows, 0.0);
    sigma.assign(rows, 0.0);
    const double target = std::log2(double(nNeighbors));
    const double count = cols + (implicitSelf ? 1 : 0);
    double meanAll = 0;
    for (double d : dist)
        meanAll += d;
    meanAll = rows > 0 ? meanAll / (double(rows) * count) : 0.0;
    pool.forRange(std::size_t(rows), kGrain, [&](std::size_t lo, std::size_t hi, std::size_t) {
        for (std::size_t i = lo; i < hi; ++i) {
            const double *d = dist.data() + i * cols;
            // rho: the (localConnectivity)-th smallest non-zero distance (0 for 0).
            double r = 0;
            if (localConnectivity >= 1) {
                const int want = int(localConnectivity);
                int seen = 0;
                double last = 0;
                for (int j = 0; j < cols; ++j)
                    if (d[j] > 0) {
                        last = d[j];
                        if (++seen == want)
                            break;
                    }
                r = last; // fewer non-zero than asked: the largest one (or 0 for none)
            }
            double lo2 = 0, hi2 = INFINITY, mid = 1.0;
            for (int step = 0; step < 64; ++step) {
                double psum = 0;
                for (int j = 0; j < cols; ++j) {
                    const double x = d[j] - r;
                    psum += x > 0 ? std::exp(-(x / mid)) : 1.0;
                }
                if (std::fabs(psum - target) < 1e-5)
                    break;
                if (psum > target) {
                    hi2 = mid;
                    mid = (lo2 + hi2) / 2.0;
                } else {
                    lo2 = mid;
                    mid = hi2 == INFINITY ? mid * 2 : (lo2 + hi2) / 2.0;
                }
            }
            double mean = 0;
            for (int j = 0; j < cols; ++j)
                mean += d[j];
            mean /= count;
            if (r > 0) {
                if (mid < 1e-3 * mean)
                    mid = 1e-3 * mean;
            } else if (mid < 1e-3 * meanAll) {
                mid = 1e-3 * meanAll;
            }
            rho[i] = r;
            sigma[i] = mid;
        }
    });
}

void smoothKnn(const std::vector<double> &dist, int rows, int kMinus1, int nNeighbors, double localConnectivity,
               std::vector<double> &rho, std::vector<double> &sigma, int threads)
{
    ThreadPool pool(threads);
    smoothKnnRows(dist, rows, kMinus1, nNeighbors, localConnectivity, true, rho, sigma, pool);
}

namespace {

double membership(double d, double rho, double sigma)
{
    const double x = d - rho;
    return (x <= 0 || sigma == 0) ? 1.0 : std::exp(-(x / sigma));
}

Graph fuzzyGraphImpl(const Neighbors &nn, int nNeighbors, std::vector<double> &rho, std::vector<double> &sigma,
                     ThreadPool &pool)
{
    const int n = nn.rows(), k = nn.k;
    smoothKnnRows(nn.distance, n, k, nNeighbors, 1.0, true, rho, sigma, pool);
    std::vector<double> w(std::size_t(n) * k);
    pool.forRange(std::size_t(n), kGrain, [&](std::size_t lo, std::size_t hi, std::size_t) {
        for (std::size_t i = lo; i < hi; ++i)
            for (int r = 0; r < k; ++r)
                w[i * k + r] = nn.at(int(i), r) == int(i) ? 0.0 : membership(nn.dist(int(i), r), rho[i], sigma[i]);
    });
    // Union: every directed entry goes to its row (tag 0) and, transposed, to its column's
    // row (tag 1); per row, sorted by (column, tag), w = a + t - a t.
    std::vector<std::int64_t> count(std::size_t(n) + 1, 0);
    for (int i = 0; i < n; ++i)
        for (int r = 0; r < k; ++r) {
            ++count[i + 1];
            ++count[nn.at(i, r) + 1];
        }
    for (int i = 0; i < n; ++i)
        count[i + 1] += count[i];
    struct Entry {
        int col;
        int tag;
        double v;
    };
    std::vector<Entry> entries(count[n]);
    std::vector<std::int64_t> fill(count.begin(), count.end() - 1);
    for (int i = 0; i < n; ++i)
        for (int r = 0; r < k; ++r) {
            const int j = nn.at(i, r);
            const double v = w[std::size_t(i) * k + r];
            entries[fill[i]++] = {j, 0, v};
            entries[fill[j]++] = {i, 1, v};
        }
    Graph g;
    g.n = n;
    g.rowStart.assign(std::size_t(n) + 1, 0);
    std::vector<std::int64_t> rowLen(n, 0);
    // Sort and merge each row in place (parallel: rows are independent), then compact.
    pool.forRange(std::size_t(n), kGrain, [&](std::size_t lo, std::size_t hi, std::size_t) {
        for (std::size_t i = lo; i < hi; ++i) {
            auto b = entries.begin() + count[i], e = entries.begin() + count[i + 1];
            std::sort(b, e, [](const Entry &x, const Entry &y) { return x.col != y.col ? x.col < y.col : x.tag < y.tag; });
            auto out = b;
            for (auto it = b; it != e;) {
                const int j = it->col;
                double a = 0, t = 0;
                for (; it != e && it->col == j; ++it)
                    (it->tag == 0 ? a : t) += it->v;
                const double v = a + t - a * t;
                if (v != 0 && j != int(i))
                    *out++ = {j, 0, v};
            }
            rowLen[i] = out - b;
        }
    });
    for (int i = 0; i < n; ++i)
        g.rowStart[i + 1] = g.rowStart[i] + rowLen[i];
    g.col.resize(g.rowStart[n]);
    g.val.resize(g.rowStart[n]);
    for (int i = 0; i < n; ++i)
        for (std::int64_t t = 0; t < rowLen[i]; ++t) {
            const Entry &en = entries[count[i] + t];
            g.col[g.rowStart[i] + t] = en.col;
            g.val[g.rowStart[i] + t] = en.v;
        }
    return g;
}

} // namespace

Graph fuzzyGraph(const Neighbors &nn, int nNeighbors, std::vector<double> *rho, std::vector<double> *sigma,
                 int threads)
{
    ThreadPool pool(threads);
    std::vector<double> r, s;
    Graph g = fuzzyGraphImpl(nn, nNeighbors, r, s, pool);
    if (rho)
        *rho = std::move(r);
    if (sigma)
        *sigma = std::move(s);
    return g;
}

void umapDistances(Neighbors &nn, Metric metric)
{
    if (metric == Metric::Euclidean)
        for (double &d : nn.distance)
            d = std::sqrt(std::max(d, 0.0));
    else
        for (double &d : nn.distance)
            d = std::max(d, 0.0);
}

int components(const Graph &g, std::vector<int> *labels)
{
    std::vector<int> own;
    std::vector<int> &label = labels ? *labels : own;
    label.assign(std::size_t(g.n), -1);
    std::vector<int> stack;
    int c = 0;
    for (int s = 0; s < g.n; ++s) {
        if (label[s] >= 0)
            continue;
        label[s] = c;
        stack.push_back(s);
        while (!stack.empty()) {
            const int i = stack.back();
            stack.pop_back();
            for (auto e = g.rowStart[i]; e < g.rowStart[i + 1]; ++e)
                if (label[g.col[e]] < 0) {
                    label[g.col[e]] = c;
                    stack.push_back(g.col[e]);
                }
        }
        ++c;
    }
    return c;
}

namespace {

// Eigen-decomposition of a small symmetric matrix (the block's m x m Gram and Rayleigh
// quotient matrices, m <= 16) by cyclic Jacobi rotations, in plain double arithmetic with
// a fixed order: Eigen's SelfAdjointEigenSolver reaches BLAS (symv, through
// EIGEN_USE_BLAS), whose kernels differ between OpenBLAS core types, so the spectral start
// (and every UMAP map after it) differed in its last bits under OPENBLAS_CORETYPE=SkylakeX.
// Eigenvalues ascending, eigenvectors in the columns.
struct SmallEigen {
    Eigen::VectorXd values;
    Eigen::MatrixXd vectors;
};

SmallEigen symmetricEigen(const Eigen::MatrixXd &input)
{
    const int m = int(input.rows());
    Eigen::MatrixXd a = input;
    Eigen::MatrixXd v = Eigen::MatrixXd::Identity(m, m);
    for (int sweep = 0; sweep < 100; ++sweep) {
        double off = 0, scale = 0;
        for (int i = 0; i < m; ++i)
            for (int j = 0; j < m; ++j)
                (i == j ? scale : off) += a(i, j) * a(i, j);
        if (!(off > 1e-30 * scale) || !(off > 0))
            break;
        for (int p = 0; p < m - 1; ++p)
            for (int q = p + 1; q < m; ++q) {
                const double apq = a(p, q);
                if (apq == 0)
                    continue;
                // The rotation that zeroes a(p, q) (Golub & Van Loan, Algorithm 8.5.1).
                const double tau = (a(q, q) - a(p, p)) / (2.0 * apq);
                const double t = (tau >= 0 ? 1.0 : -1.0) / (std::fabs(tau) + std::sqrt(1.0 + tau * tau));
                const double c = 1.0 / std::sqrt(1.0 + t * t), sn = t * c;
                for (int k = 0; k < m; ++k) { // A <- A J (columns p, q)
                    const double akp = a(k, p), akq = a(k, q);
                    a(k, p) = c * akp - sn * akq;
                    a(k, q) = sn * akp + c * akq;
                }
                for (int k = 0; k < m; ++k) { // A <- J^T A (rows p, q)
                    const double apk = a(p, k), aqk = a(q, k);
                    a(p, k) = c * apk - sn * aqk;
                    a(q, k) = sn * apk + c * aqk;
                }
                a(p, q) = a(q, p) = 0.0;
                for (int k = 0; k < m; ++k) { // V <- V J
                    const double vkp = v(k, p), vkq = v(k, q);
                    v(k, p) = c * vkp - sn * vkq;
                    v(k, q) = sn * vkp + c * vkq;
                }
            }
    }
    std::vector<int> order(static_cast<std::size_t>(m));
    for (int i = 0; i < m; ++i)
        order[std::size_t(i)] = i;
    std::stable_sort(order.begin(), order.end(), [&](int x, int y) { return a(x, x) < a(y, y); });
    SmallEigen out{Eigen::VectorXd(m), Eigen::MatrixXd(m, m)};
    for (int i = 0; i < m; ++i) {
        out.values(i) = a(order[std::size_t(i)], order[std::size_t(i)]);
        out.vectors.col(i) = v.col(order[std::size_t(i)]);
    }
    return out;
}

// Dense blocks of m columns, stored row-major (n x m).
using Block = std::vector<double>;

// X^T Y (m x m), summed over fixed chunks of rows in chunk order.
Eigen::MatrixXd gram(const Block &x, const Block &y, int n, int m, ThreadPool &pool)
{
    const std::size_t chunks = chunkCount(std::size_t(n), 4096);
    std::vector<Eigen::MatrixXd> part(chunks, Eigen::MatrixXd::Zero(m, m));
    pool.forRange(std::size_t(n), 4096, [&](std::size_t lo, std::size_t hi, std::size_t c) {
        Eigen::MatrixXd &p = part[c];
        for (std::size_t i = lo; i < hi; ++i)
            for (int a = 0; a < m; ++a) {
                const double xa = x[i * m + a];
                for (int b = 0; b < m; ++b)
                    p(a, b) += xa * y[i * m + b];
            }
    });
    Eigen::MatrixXd g = Eigen::MatrixXd::Zero(m, m);
    for (const auto &p : part)
        g += p;
    return g;
}

// X <- X * T (T m x m'), row by row.
Block times(const Block &x, const Eigen::MatrixXd &t, int n, ThreadPool &pool)
{
    const int m = int(t.rows()), m2 = int(t.cols());
    Block out(std::size_t(n) * m2);
    pool.forRange(std::size_t(n), 4096, [&](std::size_t lo, std::size_t hi, std::size_t) {
        for (std::size_t i = lo; i < hi; ++i)
            for (int b = 0; b < m2; ++b) {
                double s = 0;
                for (int a = 0; a < m; ++a)
                    s += x[i * m + a] * t(a, b);
                out[i * m2 + b] = s;
            }
    });
    return out;
}

struct Operator {
    const Graph &g;
    std::vector<double> dinv; // D^-1/2
    std::vector<double> v0;   // the trivial eigenvector D^1/2 1, unit length
    // Y = alpha * (N X) + beta * X + gamma * Z, N = D^-1/2 W D^-1/2.
    void apply(const Block &x, Block &y, int m, double alpha, double beta, const Block *z, double gamma,
               ThreadPool &pool) const
    {
        y.resize(x.size());
        pool.forRange(std::size_t(g.n), 2048, [&](std::size_t lo, std::size_t hi, std::size_t) {
            double acc[16];
            for (std::size_t i = lo; i < hi; ++i) {
                for (int a = 0; a < m; ++a)
                    acc[a] = 0;
                for (auto e = g.rowStart[i]; e < g.rowStart[i + 1]; ++e) {
                    const std::size_t j = std::size_t(g.col[e]);
                    const double w = g.val[e] * dinv[j];
                    for (int a = 0; a < m; ++a)
                        acc[a] += w * x[j * m + a];
                }
                for (int a = 0; a < m; ++a) {
                    double v = alpha * dinv[i] * acc[a] + beta * x[i * m + a];
                    if (z)
                        v += gamma * (*z)[i * m + a];
                    y[i * m + a] = v;
                }
            }
        });
    }
};

// v0^T X (1 x m), chunked.
std::vector<double> projections(const std::vector<double> &v0, const Block &x, int n, int m, ThreadPool &pool)
{
    const std::size_t chunks = chunkCount(std::size_t(n), 4096);
    std::vector<std::vector<double>> part(chunks, std::vector<double>(m, 0.0));
    pool.forRange(std::size_t(n), 4096, [&](std::size_t lo, std::size_t hi, std::size_t c) {
        for (std::size_t i = lo; i < hi; ++i)
            for (int a = 0; a < m; ++a)
                part[c][a] += v0[i] * x[i * m + a];
    });
    std::vector<double> s(m, 0.0);
    for (const auto &p : part)
        for (int a = 0; a < m; ++a)
            s[a] += p[a];
    return s;
}

void deflate(const std::vector<double> &v0, Block &x, int n, int m, ThreadPool &pool)
{
    const std::vector<double> s = projections(v0, x, n, m, pool);
    pool.forRange(std::size_t(n), 4096, [&](std::size_t lo, std::size_t hi, std::size_t) {
        for (std::size_t i = lo; i < hi; ++i)
            for (int a = 0; a < m; ++a)
                x[i * m + a] -= s[a] * v0[i];
    });
}

// Orthonormal columns spanning X (SVQB: Stathopoulos & Wu 2002), twice for accuracy.
void orthonormalise(Block &x, int n, int m, ThreadPool &pool)
{
    for (int pass = 0; pass < 2; ++pass) {
        Eigen::MatrixXd g = gram(x, x, n, m, pool);
        Eigen::VectorXd dsc(m);
        for (int a = 0; a < m; ++a)
            dsc(a) = g(a, a) > 0 ? 1.0 / std::sqrt(g(a, a)) : 1.0;
        const Eigen::MatrixXd s = dsc.asDiagonal() * g * dsc.asDiagonal();
        const SmallEigen es = symmetricEigen(s);
        Eigen::VectorXd lam = es.values;
        const double floor = std::max(lam.maxCoeff(), 1e-300) * 1e-14;
        for (int a = 0; a < m; ++a)
            lam(a) = 1.0 / std::sqrt(std::max(lam(a), floor));
        const Eigen::MatrixXd t = dsc.asDiagonal() * es.vectors * lam.asDiagonal();
        x = times(x, t, n, pool);
    }
}

} // namespace

bool spectralLayout(const Graph &g, int dims, std::uint64_t seed, std::vector<double> &out, int threads,
                    std::stop_token stop, int *iterationsUsed)
{
    ThreadPool pool(threads);
    const int n = g.n;
    if (iterationsUsed)
        *iterationsUsed = 0;
    if (n < dims + 2)
        return false;
    Operator op{g, std::vector<double>(n), std::vector<double>(n)};
    double norm2 = 0;
    for (int i = 0; i < n; ++i) {
        double deg = 0;
        for (auto e = g.rowStart[i]; e < g.rowStart[i + 1]; ++e)
            deg += g.val[e];
        if (!(deg > 0))
            return false;
        op.dinv[i] = 1.0 / std::sqrt(deg);
        op.v0[i] = std::sqrt(deg);
        norm2 += deg;
    }
    for (double &v : op.v0)
        v /= std::sqrt(norm2);

    // Block: the wanted eigenvectors plus a margin that speeds up convergence.
    const int m = std::min(dims + 6, n - 1);
    Block x(std::size_t(n) * m);
    for (std::size_t i = 0; i < x.size(); ++i)
        x[i] = gaussianAt(seed ^ 0x51ec7a1ULL, i);
    deflate(op.v0, x, n, m, pool);
    orthonormalise(x, n, m, pool);

    const double tol = 1e-5;
    const int degree = 8, maxRounds = 400;
    Block nx, y0, y1, y2;
    Eigen::VectorXd theta;
    double lower = -1.0; // the spectrum of N lies in [-1, 1]
    bool converged = false;
    int round = 0;
    for (;; ++round) {
        // Rayleigh-Ritz on span(X).
        op.apply(x, nx, m, 1.0, 0.0, nullptr, 0.0, pool);
        Eigen::MatrixXd h = gram(x, nx, n, m, pool);
        h = 0.5 * (h + h.transpose()).eval();
        const SmallEigen es = symmetricEigen(h);
        // Descending order.
        Eigen::MatrixXd q(m, m);
        theta.resize(m);
        for (int a = 0; a < m; ++a) {
            q.col(a) = es.vectors.col(m - 1 - a);
            theta(a) = es.values(m - 1 - a);
        }
        x = times(x, q, n, pool);
        nx = times(nx, q, n, pool);
        // Residuals of the wanted pairs.
        double worst = 0;
        {
            const std::size_t chunks = chunkCount(std::size_t(n), 4096);
            std::vector<std::vector<double>> part(chunks, std::vector<double>(dims, 0.0));
            pool.forRange(std::size_t(n), 4096, [&](std::size_t lo, std::size_t hi, std::size_t c) {
                for (std::size_t i = lo; i < hi; ++i)
                    for (int a = 0; a < dims; ++a) {
                        const double r = nx[i * m + a] - theta(a) * x[i * m + a];
                        part[c][a] += r * r;
                    }
            });
            for (int a = 0; a < dims; ++a) {
                double s = 0;
                for (const auto &p : part)
                    s += p[a];
                worst = std::max(worst, std::sqrt(s));
            }
        }
        if (worst <= tol) {
            converged = true;
            break;
        }
        if (round >= maxRounds || stop.stop_requested())
            break;
        // Chebyshev filter of degree `degree` damping [lower, cut] (Zhou & Saad 2007).
        const double cut = theta(m - 1);
        if (!(cut > lower + 1e-12)) {
            // The block spans everything left: one more Rayleigh-Ritz cannot do better.
            converged = worst <= 1e-3;
            break;
        }
        const double e = (cut - lower) / 2, c = (cut + lower) / 2;
        // y1 = (N x - c x) / e
        op.apply(x, y1, m, 1.0 / e, -c / e, nullptr, 0.0, pool);
        y0 = x;
        for (int k = 2; k <= degree; ++k) {
            // y2 = 2 (N y1 - c y1) / e - y0
            op.apply(y1, y2, m, 2.0 / e, -2.0 * c / e, &y0, -1.0, pool);
            std::swap(y0, y1);
            std::swap(y1, y2);
        }
        x = std::move(y1);
        deflate(op.v0, x, n, m, pool);
        orthonormalise(x, n, m, pool);
    }
    if (iterationsUsed)
        *iterationsUsed = round;
    if (!converged)
        return false;
    out.assign(std::size_t(n) * dims, 0.0);
    for (int a = 0; a < dims; ++a) {
        // Sign: the largest-magnitude entry positive (the lower index on ties).
        int best = 0;
        for (int i = 1; i < n; ++i)
            if (std::fabs(x[std::size_t(i) * m + a]) > std::fabs(x[std::size_t(best) * m + a]))
                best = i;
        const double sign = x[std::size_t(best) * m + a] < 0 ? -1.0 : 1.0;
        for (int i = 0; i < n; ++i)
            out[std::size_t(i) * dims + a] = sign * x[std::size_t(i) * m + a];
    }
    return true;
}

namespace {

// Uniform in [0, 1) from 64 random bits.
inline double unit(std::uint64_t r)
{
    return double(r >> 11) * (1.0 / 9007199254740992.0);
}

// Half the distance from each of the k places (k x dims, coordinates in [-1, 1]) to the
// nearest other place, at least `floor`. A grid of cells whose diagonal is 2 floor: a place
// sharing its cell gets the floor at once; otherwise the cells are searched in rings around
// it until no nearer place can be left (or one within 2 floor is found).
std::vector<double> placeRadii(const std::vector<double> &meta, int k, int dims, double floor)
{
    const double h = 2 * floor / std::sqrt(double(dims));
    const int side = int(std::ceil(2.0 / h)) + 1;
    auto axisCell = [&](double v) { return std::clamp(int((v + 1.0) / h), 0, side - 1); };
    std::vector<int> at(std::size_t(k) * 3, 0);
    std::size_t cells = 1;
    for (int d = 0; d < dims; ++d)
        cells *= std::size_t(side);
    auto cellIndex = [&](const int *c) {
        std::size_t idx = 0;
        for (int d = dims - 1; d >= 0; --d)
            idx = idx * std::size_t(side) + std::size_t(c[d]);
        return idx;
    };
    std::vector<std::int64_t> cellStart(cells + 1, 0);
    for (int p = 0; p < k; ++p) {
        for (int d = 0; d < dims; ++d)
            at[std::size_t(p) * 3 + d] = axisCell(meta[std::size_t(p) * dims + d]);
        ++cellStart[cellIndex(&at[std::size_t(p) * 3]) + 1];
    }
    for (std::size_t c = 0; c < cells; ++c)
        cellStart[c + 1] += cellStart[c];
    std::vector<int> items(static_cast<std::size_t>(k));
    {
        std::vector<std::int64_t> next(cellStart.begin(), cellStart.end() - 1);
        for (int p = 0; p < k; ++p)
            items[std::size_t(next[cellIndex(&at[std::size_t(p) * 3])]++)] = p;
    }
    const double enough = 4 * floor * floor; // squared distance at which the floor applies anyway
    std::vector<double> radius(static_cast<std::size_t>(k), floor);
    for (int p = 0; p < k; ++p) {
        const double *mp = &meta[std::size_t(p) * dims];
        const int *cp = &at[std::size_t(p) * 3];
        double best = INFINITY;
        for (int r = 0; r < side && best > enough; ++r) {
            const int zr = dims == 3 ? r : 0;
            for (int dz = -zr; dz <= zr && best > enough; ++dz)
                for (int dy = -r; dy <= r && best > enough; ++dy)
                    for (int dx = -r; dx <= r && best > enough; ++dx) {
                        if (std::max({std::abs(dx), std::abs(dy), std::abs(dz)}) != r)
                            continue;
                        const int c[3] = {cp[0] + dx, cp[1] + dy, cp[2] + dz};
                        bool inside = true;
                        for (int d = 0; d < dims; ++d)
                            inside = inside && c[d] >= 0 && c[d] < side;
                        if (!inside)
                            continue;
                        const std::size_t idx = cellIndex(c);
                        for (auto e = cellStart[idx]; e < cellStart[idx + 1]; ++e) {
                            const int q = items[std::size_t(e)];
                            if (q == p)
                                continue;
                            double d2 = 0;
                            for (int d = 0; d < dims; ++d) {
                                const double v = mp[d] - meta[std::size_t(q) * dims + d];
                                d2 += v * v;
                            }
                            best = std::min(best, d2);
                            if (best <= enough)
                                break;
                        }
                    }
            // Any place in a farther ring is at least r cells away along some axis.
            if (best <= double(r) * h * double(r) * h)
                break;
        }
        if (std::isfinite(best))
            radius[std::size_t(p)] = std::max(floor, 0.5 * std::sqrt(best));
    }
    return radius;
}

} // namespace

bool componentLayout(const Graph &g, const std::vector<int> &labels, int parts, const Matrix &vectors,
                     Metric metric, int dims, std::uint64_t seed, std::vector<double> &out, int threads,
                     std::stop_token stop, ComponentLayoutInfo *info)
{
    const int n = g.n;
    ComponentLayoutInfo own;
    ComponentLayoutInfo &inf = info ? *info : own;
    inf = ComponentLayoutInfo{};
    out.assign(std::size_t(n) * dims, 0.0);
    if (parts < 1 || n == 0)
        return true;

    // Rows grouped by part, ascending within each (counting sort); pos: index in the part.
    std::vector<std::int64_t> start(std::size_t(parts) + 1, 0);
    for (int i = 0; i < n; ++i)
        ++start[std::size_t(labels[std::size_t(i)]) + 1];
    for (int c = 0; c < parts; ++c)
        start[std::size_t(c) + 1] += start[std::size_t(c)];
    std::vector<int> order(static_cast<std::size_t>(n)), pos(static_cast<std::size_t>(n));
    {
        std::vector<std::int64_t> next(start.begin(), start.end() - 1);
        for (int i = 0; i < n; ++i) {
            const int c = labels[std::size_t(i)];
            const std::int64_t p = next[std::size_t(c)]++;
            order[std::size_t(p)] = i;
            pos[std::size_t(i)] = int(p - start[std::size_t(c)]);
        }
    }
    auto rowsOf = [&](int c) { return int(start[std::size_t(c) + 1] - start[std::size_t(c)]); };

    // 1. A place for every part.
    std::vector<double> &meta = inf.meta;
    meta.assign(std::size_t(parts) * dims, 0.0);
    if (parts <= 2 * dims) {
        for (int c = 0; c < parts; ++c)
            meta[std::size_t(c) * dims + std::size_t(c / 2)] = c % 2 ? -1.0 : 1.0;
    } else {
        const int d = int(vectors.cols());
        const bool unitRows = metric == Metric::Cosine;
        // The centroid of part c (rows in ascending order, in double) into acc.
        auto centroid = [&](int c, std::vector<double> &acc) {
            acc.assign(std::size_t(d), 0.0);
            for (auto p = start[std::size_t(c)]; p < start[std::size_t(c) + 1]; ++p) {
                const float *row = vectors.row(order[std::size_t(p)]).data();
                double f = 1.0;
                if (unitRows) {
                    double s2 = 0;
                    for (int j = 0; j < d; ++j)
                        s2 += double(row[j]) * row[j];
                    f = s2 > 0 ? 1.0 / std::sqrt(s2) : 0.0;
                }
                for (int j = 0; j < d; ++j)
                    acc[std::size_t(j)] += f * row[j];
            }
            const double inv = 1.0 / double(rowsOf(c));
            for (double &v : acc)
                v *= inv;
        };
        // PCA fitted on the centroids of the largest parts (exact: a small problem), ...
        constexpr int kFitParts = 256;
        std::vector<int> fitSet(static_cast<std::size_t>(parts));
        for (int c = 0; c < parts; ++c)
            fitSet[std::size_t(c)] = c;
        if (parts > kFitParts) {
            std::nth_element(fitSet.begin(), fitSet.begin() + kFitParts, fitSet.end(), [&](int a, int b) {
                return rowsOf(a) != rowsOf(b) ? rowsOf(a) > rowsOf(b) : a < b;
            });
            fitSet.resize(kFitParts);
            std::sort(fitSet.begin(), fitSet.end());
        }
        Matrix fitRows(Eigen::Index(fitSet.size()), d);
        std::vector<double> acc;
        for (std::size_t r = 0; r < fitSet.size(); ++r) {
            centroid(fitSet[r], acc);
            for (int j = 0; j < d; ++j)
                fitRows(Eigen::Index(r), j) = float(acc[std::size_t(j)]);
        }
        PcaConfig pc;
        pc.components = std::min({dims, d, int(fitSet.size())});
        pc.method = PcaMethod::Exact;
        pc.seed = seed;
        pc.threads = 1;
        auto fit = pca(fitRows, pc, {}, stop);
        if (stop.stop_requested())
            return false;
        if (fit) {
            // ... then every part's centroid projected (in double, fixed order).
            const int kc = pc.components;
            ThreadPool pool(threads);
            pool.forRange(std::size_t(parts), 64, [&](std::size_t lo, std::size_t hi, std::size_t) {
                std::vector<double> a;
                for (std::size_t c = lo; c < hi; ++c) {
                    if (stop.stop_requested())
                        return;
                    centroid(int(c), a);
                    for (int k = 0; k < kc; ++k) {
                        double v = 0;
                        for (int j = 0; j < d; ++j)
                            v += (a[std::size_t(j)] - double(fit->mean(j))) * double(fit->components(k, j));
                        meta[c * std::size_t(dims) + std::size_t(k)] = v;
                    }
                }
            });
            if (stop.stop_requested())
                return false;
        }
        double mx = 0;
        for (double v : meta)
            mx = std::max(mx, std::fabs(v));
        if (mx > 0)
            for (double &v : meta)
                v /= mx;
    }

    // 2. Its room: half the distance to the nearest other place, at least 0.05.
    inf.radius = placeRadii(meta, parts, dims, 0.05);

    // 3. Every part around its place. Parts large enough get their own spectral layout:
    // the very large ones one after another with all threads, the others spread over the
    // threads one part each (every part's result is the same whichever thread solves it).
    const int minSpectral = std::max(2 * dims + 2, dims + 2);
    constexpr int kOwnPool = 65536; // rows from which a part's eigensolve gets every thread
    enum : char { kRandom, kSpectral, kFailed };
    std::vector<char> status(static_cast<std::size_t>(parts), kRandom);
    auto solve = [&](int c, int solveThreads) {
        const int s = rowsOf(c);
        const std::int64_t p0 = start[std::size_t(c)];
        // The part's own subgraph (columns stay ascending: pos is monotone in the row).
        Graph sub;
        sub.n = s;
        sub.rowStart.assign(std::size_t(s) + 1, 0);
        for (int r = 0; r < s; ++r) {
            const int i = order[std::size_t(p0 + r)];
            for (auto e = g.rowStart[std::size_t(i)]; e < g.rowStart[std::size_t(i) + 1]; ++e) {
                sub.col.push_back(pos[std::size_t(g.col[std::size_t(e)])]);
                sub.val.push_back(g.val[std::size_t(e)]);
            }
            sub.rowStart[std::size_t(r) + 1] = std::int64_t(sub.col.size());
        }
        std::vector<double> layout;
        if (!spectralLayout(sub, dims, seed, layout, solveThreads, stop)) {
            status[std::size_t(c)] = kFailed;
            return;
        }
        double far2 = 0;
        for (int r = 0; r < s; ++r) {
            double n2 = 0;
            for (int d = 0; d < dims; ++d)
                n2 += layout[std::size_t(r) * dims + d] * layout[std::size_t(r) * dims + d];
            far2 = std::max(far2, n2);
        }
        const double f = far2 > 0 ? inf.radius[std::size_t(c)] / std::sqrt(far2) : 0.0;
        const double *m = &meta[std::size_t(c) * dims];
        for (int r = 0; r < s; ++r) {
            const int i = order[std::size_t(p0 + r)];
            for (int d = 0; d < dims; ++d)
                out[std::size_t(i) * dims + d] = m[d] + f * layout[std::size_t(r) * dims + d];
        }
        status[std::size_t(c)] = kSpectral;
    };
    std::vector<int> shared;
    for (int c = 0; c < parts; ++c) {
        if (stop.stop_requested())
            return false;
        if (rowsOf(c) >= kOwnPool)
            solve(c, threads);
        else if (rowsOf(c) >= minSpectral)
            shared.push_back(c);
    }
    // Largest first, so that no long solve starts last (the order changes no result).
    std::sort(shared.begin(), shared.end(),
              [&](int a, int b) { return rowsOf(a) != rowsOf(b) ? rowsOf(a) > rowsOf(b) : a < b; });
    {
        ThreadPool pool(threads);
        pool.run(shared.size(), [&](std::size_t t) {
            if (!stop.stop_requested())
                solve(shared[t], 1);
        });
    }
    if (stop.stop_requested())
        return false;

    // Small parts, and those whose eigensolver did not converge: at random around their place.
    const double invSqrtDims = 1.0 / std::sqrt(double(dims));
    for (int c = 0; c < parts; ++c) {
        const int s = rowsOf(c);
        if (status[std::size_t(c)] == kSpectral) {
            ++inf.spectral;
            continue;
        }
        if (status[std::size_t(c)] == kFailed && (s >= 50 || std::int64_t(s) * 100 >= n)) {
            ++inf.notConverged;
            inf.largestNotConverged = std::max(inf.largestNotConverged, s);
        }
        const double *m = &meta[std::size_t(c) * dims];
        const double half = inf.radius[std::size_t(c)] * invSqrtDims;
        for (auto p = start[std::size_t(c)]; p < start[std::size_t(c) + 1]; ++p) {
            const int i = order[std::size_t(p)];
            for (int d = 0; d < dims; ++d) {
                const double u = unit(counterRandom(seed ^ 0x7a11c0ULL, std::uint64_t(i), std::uint64_t(d), 0));
                out[std::size_t(i) * dims + d] = m[d] + half * (2.0 * u - 1.0);
            }
        }
    }
    return true;
}

} // namespace umap_detail

using namespace umap_detail;

AbParams findAbParams(double minDist, double spread)
{
    // Least squares of f(x) = 1 / (1 + a x^(2b)) against the target at 300 points on
    // [0, 3 spread], Levenberg-Marquardt from (1, 1) as scipy's curve_fit.
    constexpr int kPoints = 300;
    double xs[kPoints], ys[kPoints];
    for (int i = 0; i < kPoints; ++i) {
        xs[i] = spread * 3.0 * i / (kPoints - 1);
        ys[i] = xs[i] < minDist ? 1.0 : std::exp(-(xs[i] - minDist) / spread);
    }
    auto cost = [&](double a, double b) {
        double s = 0;
        for (int i = 0; i < kPoints; ++i) {
            const double f = xs[i] > 0 ? 1.0 / (1.0 + a * std::pow(xs[i], 2 * b)) : 1.0;
            s += (f - ys[i]) * (f - ys[i]);
        }
        return s;
    };
    double a = 1.0, b = 1.0, lambda = 1e-3;
    double c = cost(a, b);
    for (int it = 0; it < 500; ++it) {
        // Normal equations J^T J and J^T r.
        double jaa = 0, jab = 0, jbb = 0, ga = 0, gb = 0;
        for (int i = 0; i < kPoints; ++i) {
            if (xs[i] <= 0)
                continue; // f = 1 whatever a, b
            const double p = std::pow(xs[i], 2 * b);
            const double den = 1.0 + a * p;
            const double f = 1.0 / den;
            const double r = f - ys[i];
            const double da = -p / (den * den);
            const double db = -a * p * 2.0 * std::log(xs[i]) / (den * den);
            jaa += da * da;
            jab += da * db;
            jbb += db * db;
            ga += da * r;
            gb += db * r;
        }
        bool improved = false;
        for (int tries = 0; tries < 60 && !improved; ++tries) {
            const double m00 = jaa * (1 + lambda), m11 = jbb * (1 + lambda), m01 = jab;
            const double det = m00 * m11 - m01 * m01;
            if (!(std::fabs(det) > 0))
                break;
            const double stepA = -(m11 * ga - m01 * gb) / det;
            const double stepB = -(-m01 * ga + m00 * gb) / det;
            const double na = a + stepA, nb = b + stepB;
            const double nc = cost(na, nb);
            if (std::isfinite(nc) && nc <= c) {
                const bool done = std::fabs(stepA) <= 1e-13 * (std::fabs(a) + 1e-13)
                                  && std::fabs(stepB) <= 1e-13 * (std::fabs(b) + 1e-13);
                const double rel = c > 0 ? (c - nc) / c : 0;
                a = na;
                b = nb;
                c = nc;
                lambda = std::max(lambda / 10, 1e-12);
                improved = true;
                if (done || (rel < 1e-15 && it > 5))
                    return {a, b};
            } else {
                lambda *= 10;
            }
        }
        if (!improved)
            break;
    }
    return {a, b};
}

Result<Neighbors> umapNeighbors(const Matrix &vectors, int k, Metric metric, int threads, const Progress &progress,
                                std::stop_token stop, NeighborMethod method)
{
    KnnConfig kc;
    kc.k = k - 1;
    kc.metric = metric;
    kc.threads = threads;
    kc.method = method;
    return knn(vectors, kc, progress, stop);
}

namespace {

Status checkConfig(const UmapConfig &c, const char *what)
{
    const std::string w = what;
    if (c.dims != 2 && c.dims != 3)
        return Error{w + ": dims must be 2 or 3, got " + std::to_string(c.dims)};
    if (c.neighbors < 2)
        return Error{w + ": neighbors must be at least 2, got " + std::to_string(c.neighbors)};
    if (!(c.spread > 0) || !std::isfinite(c.spread))
        return Error{w + ": spread must be a positive number"};
    if (!(c.minDist >= 0) || !std::isfinite(c.minDist))
        return Error{w + ": min_dist must be zero or positive"};
    if (c.minDist > c.spread) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "%s: min_dist (%g) must not exceed spread (%g)", what, c.minDist, c.spread);
        return Error{buf};
    }
    if (c.epochs < 0)
        return Error{w + ": epochs must be zero (automatic) or positive"};
    if (!(c.learningRate > 0) || !std::isfinite(c.learningRate))
        return Error{w + ": the learning rate must be positive"};
    if (c.negativeSamples < 0)
        return Error{w + ": negative samples must not be negative"};
    if (!(c.repulsion >= 0) || !std::isfinite(c.repulsion))
        return Error{w + ": repulsion must be zero or positive"};
    return Ok{};
}

// Scales the start as umap-learn: largest |coordinate| 10, a little noise (sd 1e-4), then
// every axis to [0, 10].
void scaleStart(std::vector<double> &y, int n, int dims, std::uint64_t seed)
{
    double mx = 0;
    for (double v : y)
        mx = std::max(mx, std::fabs(v));
    const double f = mx > 0 ? 10.0 / mx : 1.0;
    for (std::size_t i = 0; i < y.size(); ++i)
        y[i] = y[i] * f + 1e-4 * gaussianAt(seed ^ 0x6e015eULL, i);
    for (int d = 0; d < dims; ++d) {
        double lo = INFINITY, hi = -INFINITY;
        for (int i = 0; i < n; ++i) {
            lo = std::min(lo, y[std::size_t(i) * dims + d]);
            hi = std::max(hi, y[std::size_t(i) * dims + d]);
        }
        const double s = hi > lo ? 10.0 / (hi - lo) : 1.0;
        for (int i = 0; i < n; ++i)
            y[std::size_t(i) * dims + d] = (y[std::size_t(i) * dims + d] - lo) * s;
    }
}

} // namespace

Result<UmapResult> umap(const Matrix &vectors, const UmapConfig &config, const UmapCallbacks &cb,
                        std::stop_token stop)
{
    if (auto s = checkConfig(config, "UMAP"); !s)
        return s.error();
    const int n = int(vectors.rows());
    if (n < 4)
        return Error{"UMAP needs at least 4 rows; the input has " + std::to_string(n)};
    VectorCheck check;
    check.rejectZeroRows = config.metric == Metric::Cosine;
    check.minRows = 4;
    if (auto s = checkVectors(vectors, check); !s)
        return s.error();
    const int k = std::min(config.neighbors, n);
    auto nn = umapNeighbors(vectors, k, config.metric, config.threads,
                            [&](double f, std::string_view) { report(cb.progress, 0.3 * f, "nearest neighbours"); },
                            stop, config.neighborMethod);
    if (!nn)
        return nn.error();
    if (stop.stop_requested())
        return Error::cancel();
    auto r = umapWithNeighbors(vectors, *nn, config, cb, stop);
    if (r)
        r->approximateNeighbours = nn->approximate;
    return r;
}

Result<UmapResult> umapWithNeighbors(const Matrix &vectors, const Neighbors &nnIn, const UmapConfig &config,
                                     const UmapCallbacks &cb, std::stop_token stop)
{
    if (auto s = checkConfig(config, "UMAP"); !s)
        return s.error();
    const int n = int(vectors.rows());
    const int dims = config.dims;
    if (n < 4)
        return Error{"UMAP needs at least 4 rows; the input has " + std::to_string(n)};
    if (nnIn.rows() != n || nnIn.k < 1)
        return Error{"UMAP: the neighbours do not match the vectors (" + std::to_string(nnIn.rows()) + " rows for "
                     + std::to_string(n) + ")"};
    if (config.initialCoords.size() > 0
        && (config.initialCoords.rows() != n || config.initialCoords.cols() != dims))
        return Error{"UMAP: initial coordinates must be " + std::to_string(n) + " x " + std::to_string(dims)};
    UmapResult out;
    const int k = nnIn.k + 1;
    if (config.neighbors > n) {
        out.warnings.push_back("UMAP: " + std::to_string(config.neighbors) + " neighbours is too many for "
                               + std::to_string(n) + " points; using " + std::to_string(k));
    }
    out.neighbors = k;
    ThreadPool pool(config.threads);

    // 1. Fuzzy graph.
    report(cb.progress, 0.3, "fuzzy graph");
    Neighbors nn = nnIn;
    umapDistances(nn, config.metric);
    std::vector<double> rho, sigma;
    Graph g = fuzzyGraphImpl(nn, k, rho, sigma, pool);
    nn = Neighbors{};
    if (stop.stop_requested())
        return Error::cancel();
    const int epochs = config.epochs > 0 ? config.epochs : (n <= 10000 ? 500 : 200);
    out.epochs = epochs;
    double wmax = 0;
    for (double v : g.val)
        wmax = std::max(wmax, v);
    // Entries too weak to be sampled even once are dropped (umap-learn does the same).
    {
        Graph f;
        f.n = n;
        f.rowStart.assign(std::size_t(n) + 1, 0);
        const double floor = wmax / epochs;
        for (int i = 0; i < n; ++i) {
            for (auto e = g.rowStart[i]; e < g.rowStart[i + 1]; ++e)
                if (!(g.val[e] < floor)) {
                    f.col.push_back(g.col[e]);
                    f.val.push_back(g.val[e]);
                }
            f.rowStart[i + 1] = std::int64_t(f.col.size());
        }
        g = std::move(f);
    }

    // 2. Start.
    std::vector<double> y(std::size_t(n) * dims);
    if (config.initialCoords.size() > 0) {
        out.init = UmapInit::Given;
        for (int i = 0; i < n; ++i)
            for (int d = 0; d < dims; ++d)
                y[std::size_t(i) * dims + d] = config.initialCoords(i, d);
    } else {
        report(cb.progress, 0.35, "spectral initialisation");
        std::vector<int> labels;
        const int comps = components(g, &labels);
        bool ok = false;
        if (comps == 1) {
            int rounds = 0;
            ok = spectralLayout(g, dims, config.seed, y, config.threads, stop, &rounds);
            if (stop.stop_requested())
                return Error::cancel();
            if (!ok)
                out.warnings.push_back("UMAP: the spectral initialisation did not converge in " + std::to_string(rounds)
                                       + " rounds; PCA initialisation used instead");
        } else {
            ComponentLayoutInfo info;
            if (!componentLayout(g, labels, comps, vectors, config.metric, dims, config.seed, y, config.threads, stop,
                                 &info))
                return Error::cancel();
            ok = true;
            out.warnings.push_back("UMAP: the neighbour graph has " + std::to_string(comps)
                                   + " disconnected parts; each was laid out on its own");
            if (info.notConverged > 0)
                out.warnings.push_back(
                    "UMAP: the spectral layout of " + std::to_string(info.notConverged)
                    + (info.notConverged == 1 ? " part" : " parts") + " (largest " + std::to_string(info.largestNotConverged)
                    + " rows) did not converge; " + (info.notConverged == 1 ? "its" : "their")
                    + " points start at random around " + (info.notConverged == 1 ? "its" : "their") + " place");
        }
        if (ok) {
            out.init = UmapInit::Spectral;
        } else {
            out.init = UmapInit::Pca;
            PcaConfig pc;
            pc.components = std::min<int>(dims, int(vectors.cols()));
            pc.seed = config.seed;
            pc.threads = config.threads;
            auto fit = pca(vectors, pc, {}, stop);
            if (!fit)
                return fit.error();
            std::fill(y.begin(), y.end(), 0.0);
            for (int i = 0; i < n; ++i)
                for (int d = 0; d < pc.components; ++d)
                    y[std::size_t(i) * dims + d] = fit->coords(i, d);
        }
        scaleStart(y, n, dims, config.seed);
    }
    if (stop.stop_requested())
        return Error::cancel();

    // 3. SGD.
    const AbParams ab = findAbParams(config.minDist, config.spread);
    out.a = ab.a;
    out.b = ab.b;
    const std::size_t nnz = g.col.size();
    std::vector<double> eps(nnz), nextSample(nnz), nextNeg(nnz);
    const int negRate = std::max(config.negativeSamples, 0);
    for (std::size_t e = 0; e < nnz; ++e) {
        eps[e] = wmax / g.val[e];
        nextSample[e] = eps[e];
        nextNeg[e] = negRate > 0 ? eps[e] / negRate : INFINITY;
    }
    g.val = {};
    std::vector<double> prev(y.size());
    const int snapEvery = std::max(1, config.snapshotEvery);
    for (int epoch = 0; epoch < epochs; ++epoch) {
        if (stop.stop_requested())
            return Error::cancel();
        prev = y;
        const double alpha = config.learningRate * (1.0 - double(epoch) / epochs);
        auto run = [&](auto sgd) {
            constexpr int D = decltype(sgd)::kDims;
            pool.forRange(std::size_t(n), kGrain, [&](std::size_t lo, std::size_t hi, std::size_t) {
                if (stop.stop_requested())
                    return;
                for (std::size_t i = lo; i < hi; ++i)
                    sgd.point(y.data() + i * D, int(i), g.rowStart[i], g.rowStart[i + 1], g.col.data(), eps.data(),
                                nextSample.data(), nextNeg.data(), prev.data(),
                                std::uint32_t(n), epoch, alpha);
            });
        };
        if (dims == 2)
            run(Sgd<2>{ab.a, ab.b, config.repulsion, negRate, config.seed, 2.0});
        else
            run(Sgd<3>{ab.a, ab.b, config.repulsion, negRate, config.seed, 2.0});
        if (stop.stop_requested())
            return Error::cancel();
        if (cb.snapshot && ((epoch + 1) % snapEvery == 0 || epoch + 1 == epochs))
            cb.snapshot(epoch + 1, toMatrix(y, n, dims));
        report(cb.progress, 0.4 + 0.6 * double(epoch + 1) / epochs, "optimising");
    }
    out.coords = toMatrix(y, n, dims);
    return out;
}

Result<Matrix> umapPlace(const Matrix &newRows, const Matrix &baseVectors, const Matrix &baseCoords,
                         const UmapConfig &config, const Progress &progress, std::stop_token stop)
{
    if (auto s = checkConfig(config, "UMAP placement"); !s)
        return s.error();
    const int nBase = int(baseVectors.rows()), m = int(newRows.rows());
    const int dims = int(baseCoords.cols());
    if (dims != 2 && dims != 3)
        return Error{"UMAP placement: the existing map must have 2 or 3 columns"};
    if (baseCoords.rows() != nBase)
        return Error{"UMAP placement: " + std::to_string(baseCoords.rows()) + " coordinates for "
                     + std::to_string(nBase) + " existing vectors"};
    if (nBase < 2)
        return Error{"UMAP placement needs a map of at least 2 points"};
    if (m == 0)
        return Matrix(0, dims);
    if (newRows.cols() != baseVectors.cols())
        return Error{"UMAP placement: the new rows have " + std::to_string(newRows.cols())
                     + " dimensions, the existing vectors " + std::to_string(baseVectors.cols())};
    VectorCheck check;
    check.rejectZeroRows = config.metric == Metric::Cosine;
    check.what = "new rows";
    if (auto s = checkVectors(newRows, check); !s)
        return s.error();
    check.what = "existing vectors";
    if (auto s = checkVectors(baseVectors, check); !s)
        return s.error();
    if (auto s = checkVectors(baseCoords, {false, 1, "existing coordinates"}); !s)
        return s.error();

    KnnConfig kc;
    kc.k = std::min(config.neighbors, nBase);
    kc.metric = config.metric;
    kc.threads = config.threads;
    auto nn = knnQuery(newRows, baseVectors, kc,
                       [&](double f, std::string_view) { report(progress, 0.5 * f, "nearest neighbours"); }, stop);
    if (!nn)
        return nn.error();
    if (stop.stop_requested())
        return Error::cancel();
    umapDistances(*nn, config.metric);
    const int k = nn->k;
    ThreadPool pool(config.threads);
    std::vector<double> rho, sigma;
    smoothKnnRows(nn->distance, m, k, k, 0.0, false, rho, sigma, pool);
    std::vector<double> w(std::size_t(m) * k);
    double wmax = 0;
    for (int i = 0; i < m; ++i)
        for (int r = 0; r < k; ++r) {
            w[std::size_t(i) * k + r] = membership(nn->dist(i, r), rho[i], sigma[i]);
            wmax = std::max(wmax, w[std::size_t(i) * k + r]);
        }

    std::vector<double> base(std::size_t(nBase) * dims);
    for (int i = 0; i < nBase; ++i)
        for (int d = 0; d < dims; ++d)
            base[std::size_t(i) * dims + d] = baseCoords(i, d);
    // Start at the membership-weighted mean of the neighbours.
    std::vector<double> y(std::size_t(m) * dims, 0.0);
    for (int i = 0; i < m; ++i) {
        double sw = 0;
        for (int r = 0; r < k; ++r)
            sw += w[std::size_t(i) * k + r];
        for (int r = 0; r < k; ++r) {
            const double f = sw > 0 ? w[std::size_t(i) * k + r] / sw : 1.0 / k;
            for (int d = 0; d < dims; ++d)
                y[std::size_t(i) * dims + d] += f * base[std::size_t(nn->at(i, r)) * dims + d];
        }
    }
    const int epochs = config.epochs > 0 ? config.epochs : (m <= 10000 ? 100 : 30);
    // Edges: row i's neighbours (weak ones dropped, as for the fit), head-only moves.
    std::vector<std::int64_t> rowStart(std::size_t(m) + 1, 0);
    std::vector<int> col;
    std::vector<double> eps;
    for (int i = 0; i < m; ++i) {
        for (int r = 0; r < k; ++r) {
            const double v = w[std::size_t(i) * k + r];
            if (v > 0 && !(v < wmax / epochs)) {
                col.push_back(nn->at(i, r));
                eps.push_back(wmax / v);
            }
        }
        rowStart[i + 1] = std::int64_t(col.size());
    }
    const int negRate = config.negativeSamples;
    std::vector<double> nextSample(eps), nextNeg(eps.size());
    for (std::size_t e = 0; e < eps.size(); ++e)
        nextNeg[e] = negRate > 0 ? eps[e] / negRate : INFINITY;
    const AbParams ab = findAbParams(config.minDist, config.spread);
    for (int epoch = 0; epoch < epochs; ++epoch) {
        if (stop.stop_requested())
            return Error::cancel();
        const double alpha = config.learningRate / 4.0 * (1.0 - double(epoch) / epochs);
        pool.forRange(std::size_t(m), kGrain, [&](std::size_t lo, std::size_t hi, std::size_t) {
            for (std::size_t i = lo; i < hi; ++i) {
                if (dims == 2)
                    Sgd<2>{ab.a, ab.b, config.repulsion, negRate, config.seed, 1.0}.point(
                        y.data() + i * 2, -1, rowStart[i], rowStart[i + 1], col.data(), eps.data(), nextSample.data(),
                        nextNeg.data(), base.data(), std::uint32_t(nBase), epoch, alpha);
                else
                    Sgd<3>{ab.a, ab.b, config.repulsion, negRate, config.seed, 1.0}.point(
                        y.data() + i * 3, -1, rowStart[i], rowStart[i + 1], col.data(), eps.data(), nextSample.data(),
                        nextNeg.data(), base.data(), std::uint32_t(nBase), epoch, alpha);
            }
        });
        report(progress, 0.5 + 0.5 * double(epoch + 1) / epochs, "placing");
    }
    return toMatrix(y, m, dims);
}

} // namespace es::analysis
