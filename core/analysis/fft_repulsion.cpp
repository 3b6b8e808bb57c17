#include "analysis/fft_repulsion.h"

#include "analysis/parallel.h"

#include <fftw3.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <mutex>
#include <vector>

namespace es::analysis::tsne_detail {
namespace {

constexpr int kMaxNodes = 8;
constexpr std::size_t kPointGrain = 1024;
constexpr std::size_t kRowGrain = 16;

// The FFTW planner is not thread-safe; executing a plan is.
std::mutex &plannerMutex()
{
    static std::mutex m;
    return m;
}

// Smallest m >= n whose only prime factors are 2, 3, 5 and 7 (fast FFT lengths).
int niceSize(int n)
{
    for (int m = std::max(n, 1);; ++m) {
        int r = m;
        for (int f : {2, 3, 5, 7})
            while (r % f == 0)
                r /= f;
        if (r == 1)
            return m;
    }
}

// An FFTW-aligned array that only grows (with head room: the grid grows in small steps
// while the embedding expands). T is double or fftw_complex.
template <typename T>
struct FftwBuffer {
    T *p = nullptr;
    std::size_t size = 0;
    FftwBuffer() = default;
    FftwBuffer(const FftwBuffer &) = delete;
    FftwBuffer &operator=(const FftwBuffer &) = delete;
    void ensure(std::size_t n)
    {
        if (n <= size)
            return;
        n = n + n / 2;
        fftw_free(p);
        p = static_cast<T *>(fftw_malloc(n * sizeof(T)));
        size = n;
    }
    ~FftwBuffer() { fftw_free(p); }
};
using Buffer = FftwBuffer<double>;
using CBuffer = FftwBuffer<fftw_complex>;

struct Plan {
    int rows = 0, cols = 0;
    fftw_plan forward = nullptr, inverse = nullptr;
};

} // namespace

struct FftRepulsion::Impl {
    FftOptions opt;
    double den[kMaxNodes] = {}; // Lagrange denominators prod_{m != k} (t_k - t_m)
    double node[kMaxNodes] = {}; // node positions inside a unit box
    std::vector<Plan> plans;     // most recent last
    int rows = 0, cols = 0;      // padded grid (2 * nodes per dimension)
    int nodesX = 0, nodesY = 0;
    Buffer kernel1, kernel2, charge[3], out[2];
    CBuffer spec[4], kernelSpec[2];
    double kernelH = -1; // box width the kernel spectra were computed for
    std::vector<double> wx, wy; // n x p Lagrange weights per point
    std::vector<int> gx0, gy0;  // first grid node of each point's box
    std::vector<int> rowStart, order; // points bucketed by row of boxes (index order)
    std::vector<double> zChunk;
    std::vector<int> ladder; // allowed box counts per dimension
    ThreadPool serial{1};

    ~Impl()
    {
        std::lock_guard lock(plannerMutex());
        for (Plan &p : plans) {
            fftw_destroy_plan(p.forward);
            fftw_destroy_plan(p.inverse);
        }
    }

    const Plan &plan(int r, int c)
    {
        for (std::size_t i = 0; i < plans.size(); ++i)
            if (plans[i].rows == r && plans[i].cols == c) {
                std::rotate(plans.begin() + i, plans.begin() + i + 1, plans.end());
                return plans.back();
            }
        std::lock_guard lock(plannerMutex());
        if (plans.size() >= 12) {
            fftw_destroy_plan(plans.front().forward);
            fftw_destroy_plan(plans.front().inverse);
            plans.erase(plans.begin());
        }
        // FFTW_ESTIMATE: the plan depends only on the size (no timing), so results are
        // reproducible; the buffers are only used for their alignment.
        Plan p;
        p.rows = r;
        p.cols = c;
        p.forward = fftw_plan_dft_r2c_2d(r, c, kernel1.p, spec[0].p, FFTW_ESTIMATE);
        p.inverse = fftw_plan_dft_c2r_2d(r, c, spec[0].p, kernel1.p, FFTW_ESTIMATE);
        plans.push_back(p);
        return plans.back();
    }

    void weights(double u, double *w) const
    {
        const int p = opt.nodesPerBox;
        for (int k = 0; k < p; ++k) {
            double v = 1.0 / den[k];
            for (int m = 0; m < p; ++m)
                if (m != k)
                    v *= u - node[m];
            w[k] = v;
        }
    }
};

FftRepulsion::FftRepulsion(FftOptions options) : d_(std::make_unique<Impl>())
{
    options.nodesPerBox = std::clamp(options.nodesPerBox, 1, kMaxNodes);
    options.minBoxes = std::max(1, options.minBoxes);
    options.maxBoxes = std::max(options.minBoxes, options.maxBoxes);
    d_->opt = options;
    const int p = options.nodesPerBox;
    for (int k = 0; k < p; ++k)
        d_->node[k] = (k + 0.5) / p;
    for (int k = 0; k < p; ++k) {
        double v = 1;
        for (int m = 0; m < p; ++m)
            if (m != k)
                v *= d_->node[k] - d_->node[m];
        d_->den[k] = v;
    }
    for (int b = 1;;) {
        d_->ladder.push_back(b);
        if (b >= options.maxBoxes)
            break;
        b = niceSize(std::max(b + 1, int(std::ceil(b * 1.08))));
    }
}

FftRepulsion::~FftRepulsion() = default;

void FftRepulsion::bounds(const double *y, int n, double *lo, double *hi)
{
    lo[0] = lo[1] = INFINITY;
    hi[0] = hi[1] = -INFINITY;
    for (int i = 0; i < n; ++i)
        for (int d = 0; d < 2; ++d) {
            lo[d] = std::min(lo[d], y[2 * i + d]);
            hi[d] = std::max(hi[d], y[2 * i + d]);
        }
}

int FftRepulsion::boxesFor(const double *lo, const double *hi) const
{
    const double len = std::max(hi[0] - lo[0], hi[1] - lo[1]) * (1 + 1e-9) + 1e-12;
    const int need = std::clamp(int(std::ceil(len / d_->opt.maxBoxWidth)), d_->opt.minBoxes, d_->opt.maxBoxes);
    for (int b : d_->ladder)
        if (b >= need)
            return b;
    return d_->ladder.back();
}

std::size_t FftRepulsion::paddedGridSize(const double *y, int n) const
{
    double lo[2], hi[2];
    bounds(y, n, lo, hi);
    const std::size_t m = std::size_t(boxesFor(lo, hi)) * d_->opt.nodesPerBox;
    return 4 * m * m;
}

int FftRepulsion::gridNodesX() const { return d_->nodesX; }
int FftRepulsion::gridNodesY() const { return d_->nodesY; }

double FftRepulsion::compute(const double *y, int n, double *rep, ThreadPool &threads)
{
    Impl &s = *d_;
    const int p = s.opt.nodesPerBox;

    // 1. Boxes: a square grid of b x b boxes of side h centred on the bounding box; h is
    // maxBoxWidth (or extent / minBoxes, when smaller) and b comes from a ladder of fast FFT
    // lengths about 8% apart, so the grid (its FFTW plan and the kernels' spectra) changes
    // only now and then as the embedding expands.
    double lo[2], hi[2];
    bounds(y, n, lo, hi);
    const int b = boxesFor(lo, hi);
    const double len = std::max(hi[0] - lo[0], hi[1] - lo[1]) * (1 + 1e-9) + 1e-12;
    const double h = len <= s.opt.minBoxes * s.opt.maxBoxWidth || len > b * s.opt.maxBoxWidth
                         ? len / b
                         : s.opt.maxBoxWidth;
    const int boxes[2] = {b, b};
    const double boxWidth[2] = {h, h};
    double centre[2];
    for (int d = 0; d < 2; ++d) {
        centre[d] = 0.5 * (lo[d] + hi[d]);
        lo[d] = centre[d] - 0.5 * b * h;
    }
    const int mx = boxes[0] * p, my = boxes[1] * p;
    const int cols = 2 * mx, rows = 2 * my, ccols = cols / 2 + 1;
    const std::size_t nReal = std::size_t(rows) * cols, nComplex = std::size_t(rows) * ccols;
    const double spacing[2] = {boxWidth[0] / p, boxWidth[1] / p};
    s.nodesX = mx;
    s.nodesY = my;

    const bool resized = rows != s.rows || cols != s.cols;
    if (resized) {
        s.kernel1.ensure(nReal);
        s.kernel2.ensure(nReal);
        for (Buffer &buf : s.charge) {
            buf.ensure(nReal);
            std::memset(buf.p, 0, nReal * sizeof(double)); // the padding stays zero
        }
        for (Buffer &buf : s.out)
            buf.ensure(nReal);
        for (CBuffer &buf : s.spec)
            buf.ensure(nComplex);
        for (CBuffer &buf : s.kernelSpec)
            buf.ensure(nComplex);
        s.rows = rows;
        s.cols = cols;
    }
    const Plan &plan = s.plan(rows, cols);
    // Small problems (the early iterations, when the embedding is still tiny) cost less than
    // waking the other threads: run them on the calling thread.
    ThreadPool &pool = nReal <= 16384 && n <= 8192 ? s.serial : threads;
    const bool newKernel = resized || h != s.kernelH;
    s.kernelH = h;

    // 2. Each point's box and interpolation weights.
    s.wx.resize(std::size_t(n) * p);
    s.wy.resize(std::size_t(n) * p);
    s.gx0.resize(n);
    s.gy0.resize(n);
    pool.forRange(std::size_t(n), kPointGrain, [&](std::size_t pb, std::size_t pe, std::size_t) {
        for (std::size_t i = pb; i < pe; ++i) {
            int cell[2];
            double u[2];
            for (int d = 0; d < 2; ++d) {
                const double g = (y[2 * i + d] - lo[d]) / boxWidth[d];
                cell[d] = std::clamp(int(g), 0, boxes[d] - 1);
                u[d] = g - cell[d];
            }
            s.weights(u[0], s.wx.data() + i * p);
            s.weights(u[1], s.wy.data() + i * p);
            s.gx0[i] = cell[0] * p;
            s.gy0[i] = cell[1] * p;
        }
    });
    // Points bucketed by row of boxes, in index order within a row.
    s.rowStart.assign(boxes[1] + 1, 0);
    for (int i = 0; i < n; ++i)
        ++s.rowStart[s.gy0[i] / p + 1];
    for (int r = 0; r < boxes[1]; ++r)
        s.rowStart[r + 1] += s.rowStart[r];
    s.order.resize(n);
    {
        std::vector<int> fill(s.rowStart.begin(), s.rowStart.end() - 1);
        for (int i = 0; i < n; ++i)
            s.order[fill[s.gy0[i] / p]++] = i;
    }

    // 3. Spread the charges 1, x - cx, y - cy onto the grid; a row of boxes owns its grid rows.
    pool.run(std::size_t(boxes[1]), [&](std::size_t r) {
        for (int gy = int(r) * p; gy < int(r + 1) * p; ++gy)
            for (Buffer &buf : s.charge)
                std::fill_n(buf.p + std::size_t(gy) * cols, mx, 0.0);
        for (int k = s.rowStart[r]; k < s.rowStart[r + 1]; ++k) {
            const int i = s.order[k];
            const double qx = y[2 * i] - centre[0], qy = y[2 * i + 1] - centre[1];
            const double *wxi = s.wx.data() + std::size_t(i) * p, *wyi = s.wy.data() + std::size_t(i) * p;
            for (int a = 0; a < p; ++a) {
                const std::size_t row = std::size_t(s.gy0[i] + a) * cols + s.gx0[i];
                for (int c = 0; c < p; ++c) {
                    const double w = wyi[a] * wxi[c];
                    s.charge[0].p[row + c] += w;
                    s.charge[1].p[row + c] += w * qx;
                    s.charge[2].p[row + c] += w * qy;
                }
            }
        }
    });

    // 4. The two kernels on the padded grid, in circulant order (offsets 0..m-1, then
    // -(m-1)..-1; the middle row/column is never used and set to zero), and their spectra,
    // only when the grid changed.
    if (newKernel) {
        pool.forRange(std::size_t(rows), kRowGrain, [&](std::size_t rb, std::size_t re, std::size_t) {
            for (std::size_t iy = rb; iy < re; ++iy) {
                double *k1 = s.kernel1.p + iy * cols, *k2 = s.kernel2.p + iy * cols;
                const int oy = int(iy) < my ? int(iy) : int(iy) - rows;
                if (int(iy) == my) {
                    std::fill_n(k1, cols, 0.0);
                    std::fill_n(k2, cols, 0.0);
                    continue;
                }
                const double dy = oy * spacing[1];
                for (int ix = 0; ix < cols; ++ix) {
                    const int ox = ix < mx ? ix : ix - cols;
                    const double dx = ox * spacing[0];
                    const double w = ix == mx ? 0.0 : 1.0 / (1.0 + dx * dx + dy * dy);
                    k1[ix] = w;
                    k2[ix] = w * w;
                }
            }
        });
        double *kernelIn[2] = {s.kernel1.p, s.kernel2.p};
        pool.run(2, [&](std::size_t t) { fftw_execute_dft_r2c(plan.forward, kernelIn[t], s.kernelSpec[t].p); });
    }

    // 5. Forward transforms of the charges, products with the kernel spectra, inverse
    // transforms: one transform per task.
    double *chargeIn[3] = {s.charge[0].p, s.charge[1].p, s.charge[2].p};
    pool.run(3, [&](std::size_t t) { fftw_execute_dft_r2c(plan.forward, chargeIn[t], s.spec[t].p); });
    pool.forRange(nComplex, 8192, [&](std::size_t cb, std::size_t ce, std::size_t) {
        const fftw_complex *k1 = s.kernelSpec[0].p, *k2 = s.kernelSpec[1].p;
        fftw_complex *q1 = s.spec[0].p, *qx = s.spec[1].p, *qy = s.spec[2].p, *p1 = s.spec[3].p;
        for (std::size_t i = cb; i < ce; ++i) {
            const double ar = k1[i][0], ai = k1[i][1], br = k2[i][0], bi = k2[i][1];
            const double cr = q1[i][0], ci = q1[i][1];
            q1[i][0] = ar * cr - ai * ci;
            q1[i][1] = ar * ci + ai * cr;
            p1[i][0] = br * cr - bi * ci;
            p1[i][1] = br * ci + bi * cr;
            double xr = qx[i][0], xi = qx[i][1];
            qx[i][0] = br * xr - bi * xi;
            qx[i][1] = br * xi + bi * xr;
            xr = qy[i][0];
            xi = qy[i][1];
            qy[i][0] = br * xr - bi * xi;
            qy[i][1] = br * xi + bi * xr;
        }
    });
    // Potentials: K * 1, K^2 * 1, K^2 * x, K^2 * y (the kernel grids are free again: the
    // spectra are kept).
    double *potential[4] = {s.kernel1.p, s.kernel2.p, s.out[0].p, s.out[1].p};
    const int specOf[4] = {0, 3, 1, 2};
    pool.run(4, [&](std::size_t t) { fftw_execute_dft_c2r(plan.inverse, s.spec[specOf[t]].p, potential[t]); });

    // 6. Interpolate the potentials back to the points.
    const double scale = 1.0 / double(nReal);
    s.zChunk.assign(chunkCount(std::size_t(n), kPointGrain), 0.0);
    pool.forRange(std::size_t(n), kPointGrain, [&](std::size_t pb, std::size_t pe, std::size_t c) {
        double z = 0;
        for (std::size_t i = pb; i < pe; ++i) {
            const double *wxi = s.wx.data() + i * p, *wyi = s.wy.data() + i * p;
            double phi[4] = {0, 0, 0, 0};
            for (int a = 0; a < p; ++a) {
                const std::size_t row = std::size_t(s.gy0[i] + a) * cols + s.gx0[i];
                double acc[4] = {0, 0, 0, 0};
                for (int bb = 0; bb < p; ++bb)
                    for (int t = 0; t < 4; ++t)
                        acc[t] += wxi[bb] * potential[t][row + bb];
                for (int t = 0; t < 4; ++t)
                    phi[t] += wyi[a] * acc[t];
            }
            for (double &v : phi)
                v *= scale;
            z += phi[0] - 1.0; // minus the point's own K(0) = 1
            const double qx = y[2 * i] - centre[0], qy = y[2 * i + 1] - centre[1];
            rep[2 * i] = qx * phi[1] - phi[2];
            rep[2 * i + 1] = qy * phi[1] - phi[3];
        }
        s.zChunk[c] = z;
    });
    double z = 0;
    for (double v : s.zChunk)
        z += v;
    return z;
}

} // namespace es::analysis::tsne_detail
