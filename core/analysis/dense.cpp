#include "analysis/dense.h"

#include <Eigen/Core> // declares the Fortran BLAS functions (EIGEN_USE_BLAS)

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <cstdlib>
#include <mutex>
#include <new>
#include <string>
#include <strings.h>
#include <thread>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif
#if defined(__SSE__)
#include <xmmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define ES_AVX512_KERNEL 1
#endif

// OpenBLAS's thread switch and core name; weak, so another BLAS without them still links.
extern "C" {
void openblas_set_num_threads(int) __attribute__((weak));
int openblas_get_num_threads(void) __attribute__((weak));
char *openblas_get_corename(void) __attribute__((weak));
}

namespace es::analysis::dense {

namespace {

// The portable path: plain loops, float sums in index order. C's rows are updated a
// source row at a time (an axpy the compiler may vectorise without reordering any sum).
void gemmPortable(bool transA, bool transB, int m, int n, int k, float alpha, const float *a, int lda,
                  const float *b, int ldb, float beta, float *c, int ldc)
{
    std::vector<float> acc(static_cast<std::size_t>(n));
    std::vector<float> brow(static_cast<std::size_t>(n));
    for (int i = 0; i < m; ++i) {
        std::fill(acc.begin(), acc.end(), 0.0f);
        for (int q = 0; q < k; ++q) {
            const float aiq = transA ? a[std::size_t(q) * lda + i] : a[std::size_t(i) * lda + q];
            const float *bq;
            if (transB) {
                for (int j = 0; j < n; ++j)
                    brow[std::size_t(j)] = b[std::size_t(j) * ldb + q];
                bq = brow.data();
            } else {
                bq = b + std::size_t(q) * ldb;
            }
            for (int j = 0; j < n; ++j)
                acc[std::size_t(j)] += aiq * bq[j];
        }
        float *ci = c + std::size_t(i) * ldc;
        for (int j = 0; j < n; ++j)
            ci[j] = alpha * acc[std::size_t(j)] + (beta == 0.0f ? 0.0f : beta * ci[j]);
    }
}

// C (ni x nj) = A B^T, rows of A and B dot-multiplied in index order, four columns at a
// time; with upperOnly only the entries with column >= row.
void tilePortable(const float *a, int lda, int ni, const float *b, int ldb, int nj, int k, float *c, int ldc,
                  bool upperOnly)
{
    for (int i = 0; i < ni; ++i) {
        const float *ai = a + std::size_t(i) * lda;
        float *ci = c + std::size_t(i) * ldc;
        int j = upperOnly ? i : 0;
        for (; j + 4 <= nj; j += 4) {
            const float *b0 = b + std::size_t(j) * ldb, *b1 = b0 + ldb, *b2 = b1 + ldb, *b3 = b2 + ldb;
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            for (int q = 0; q < k; ++q) {
                const float x = ai[q];
                s0 += x * b0[q];
                s1 += x * b1[q];
                s2 += x * b2[q];
                s3 += x * b3[q];
            }
            ci[j] = s0;
            ci[j + 1] = s1;
            ci[j + 2] = s2;
            ci[j + 3] = s3;
        }
        for (; j < nj; ++j) {
            const float *bj = b + std::size_t(j) * ldb;
            float s = 0;
            for (int q = 0; q < k; ++q)
                s += ai[q] * bj[q];
            ci[j] = s;
        }
    }
}

} // namespace

void gemm(bool transA, bool transB, int m, int n, int k, float alpha, const float *a, int lda,
          const float *b, int ldb, float beta, float *c, int ldc)
{
    if (m <= 0 || n <= 0)
        return;
    if (kernel() == Kernel::Portable) {
        gemmPortable(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
    }
    // Row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T, and a row-major
    // matrix is its column-major transpose: swap the operands, keep the flags.
    const char ta = transA ? 'T' : 'N', tb = transB ? 'T' : 'N';
    sgemm_(&tb, &ta, &n, &m, &k, &alpha, b, &ldb, a, &lda, &beta, c, &ldc);
}

void syrkRowsUpper(int n, int k, const float *a, int lda, float *c, int ldc)
{
    if (n <= 0)
        return;
    if (kernel() == Kernel::Portable) {
        tilePortable(a, lda, n, a, lda, n, k, c, ldc, true);
        return;
    }
    // Column-major view: A is k x n, C = A^T A; its lower triangle is the row-major upper.
    const char uplo = 'L', trans = 'T';
    const float one = 1.0f, zero = 0.0f;
    ssyrk_(&uplo, &trans, &n, &k, &one, a, &lda, &zero, c, &ldc);
}

void adviseHugePages(void *data, std::size_t bytes)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    constexpr std::uintptr_t huge = std::uintptr_t(2) << 20;
    const std::uintptr_t begin = (std::uintptr_t(data) + huge - 1) & ~(huge - 1);
    const std::uintptr_t end = (std::uintptr_t(data) + bytes) & ~(huge - 1);
    if (end > begin)
        madvise(reinterpret_cast<void *>(begin), end - begin, MADV_HUGEPAGE);
#else
    (void)data;
    (void)bytes;
#endif
}

template <typename T>
void *HugePageAllocator<T>::allocateHuge(std::size_t bytes)
{
    constexpr std::size_t huge = std::size_t(2) << 20;
    if (bytes < huge) {
        if (void *p = std::malloc(bytes ? bytes : 1))
            return p;
        throw std::bad_alloc();
    }
    const std::size_t rounded = (bytes + huge - 1) / huge * huge;
    void *p = std::aligned_alloc(huge, rounded);
    if (!p)
        throw std::bad_alloc();
    adviseHugePages(p, rounded);
    return p;
}
template struct HugePageAllocator<float>;

Matrix unitRows(const Matrix &m)
{
    Matrix out(m.rows(), m.cols());
    adviseHugePages(out.data(), std::size_t(out.size()) * sizeof(float));
    for (Eigen::Index r = 0; r < m.rows(); ++r) {
        const double n = m.row(r).cast<double>().norm();
        out.row(r) = m.row(r) / (n > 0 ? static_cast<float>(n) : 1.0f);
    }
    return out;
}

void transpose(const float *src, float *dst, int n, int m, long ld)
{
    // Columns in groups of 64 (64 destination rows stay in L1), rows in fours.
    for (int c0 = 0; c0 < m; c0 += 64) {
        const int c1 = std::min(m, c0 + 64);
        int r = 0;
#if defined(__SSE__)
        for (; r + 4 <= n; r += 4) {
            const float *s = src + r * ld;
            int c = c0;
            for (; c + 4 <= c1; c += 4) {
                __m128 a = _mm_loadu_ps(s + c), b = _mm_loadu_ps(s + ld + c), e = _mm_loadu_ps(s + 2 * ld + c),
                       f = _mm_loadu_ps(s + 3 * ld + c);
                _MM_TRANSPOSE4_PS(a, b, e, f);
                _mm_storeu_ps(dst + c * ld + r, a);
                _mm_storeu_ps(dst + (c + 1) * ld + r, b);
                _mm_storeu_ps(dst + (c + 2) * ld + r, e);
                _mm_storeu_ps(dst + (c + 3) * ld + r, f);
            }
            for (; c < c1; ++c)
                for (int q = 0; q < 4; ++q)
                    dst[c * ld + r + q] = s[q * ld + c];
        }
#endif
        for (; r < n; ++r)
            for (int c = c0; c < c1; ++c)
                dst[c * ld + r] = src[r * ld + c];
    }
}

namespace {

#if defined(ES_AVX512_KERNEL)
// The AVX-512 tile kernel: A packed in panels of 8 rows ([k][8]), B in panels of 32 rows
// ([k][32]); an 8 x 32 block of C lives in 16 registers for the whole k loop.
constexpr int MR = 8, NR = 32;

// Panels of w rows of x (row stride ld), each stored k-major ([k][w]), zero-padded.
void packPanels(const float *x, int rows, int k, int ld, int w, float *out)
{
    for (int p = 0; p < rows; p += w) {
        float *o = out + std::size_t(p) * k;
        const int m = std::min(w, rows - p);
        for (int q = 0; q < k; ++q) {
            for (int i = 0; i < m; ++i)
                o[q * w + i] = x[std::size_t(p + i) * ld + q];
            for (int i = m; i < w; ++i)
                o[q * w + i] = 0.0f;
        }
    }
}

__attribute__((target("avx512f"))) inline void micro8x32(int k, const float *a, const float *b, float *c, int ldc,
                                                          int mi, int mj)
{
    __m512 acc[MR][2];
#pragma GCC unroll 8
    for (int i = 0; i < MR; ++i)
        acc[i][0] = acc[i][1] = _mm512_setzero_ps();
    for (int q = 0; q < k; ++q) {
        const __m512 b0 = _mm512_loadu_ps(b + NR * q), b1 = _mm512_loadu_ps(b + NR * q + 16);
#pragma GCC unroll 8
        for (int i = 0; i < MR; ++i) {
            const __m512 ai = _mm512_set1_ps(a[MR * q + i]);
            acc[i][0] = _mm512_fmadd_ps(ai, b0, acc[i][0]);
            acc[i][1] = _mm512_fmadd_ps(ai, b1, acc[i][1]);
        }
    }
    if (mi == MR && mj == NR) {
#pragma GCC unroll 8
        for (int i = 0; i < MR; ++i) {
            _mm512_storeu_ps(c + std::size_t(i) * ldc, acc[i][0]);
            _mm512_storeu_ps(c + std::size_t(i) * ldc + 16, acc[i][1]);
        }
    } else {
        alignas(64) float t[MR][NR];
        for (int i = 0; i < MR; ++i) {
            _mm512_store_ps(t[i], acc[i][0]);
            _mm512_store_ps(t[i] + 16, acc[i][1]);
        }
        for (int i = 0; i < mi; ++i)
            std::memcpy(c + std::size_t(i) * ldc, t[i], sizeof(float) * std::size_t(mj));
    }
}

__attribute__((target("avx512f"))) void tileAvx512(int ni, int nj, int k, const float *pa, const float *pb,
                                                    float *c, int ldc, bool upperOnly)
{
    // Each B panel (32 rows) stays in cache while every A panel passes over it.
    for (int jb = 0; jb < nj; jb += NR)
        for (int ib = 0; ib < ni; ib += MR) {
            if (upperOnly && jb + NR <= ib)
                continue; // wholly below the diagonal
            micro8x32(k, pa + std::size_t(ib) * k, pb + std::size_t(jb) * k, c + std::size_t(ib) * ldc + jb, ldc,
                      std::min(MR, ni - ib), std::min(NR, nj - jb));
        }
}

// Z += X^T (X V) with 16 columns: rows of X in groups of 8, so that eight independent sums
// hide the FMA latency; each row's projection y (16 floats) is one register.
__attribute__((target("avx512f"))) void covariance16(const float *x, int rows, int d, const float *v, float *z)
{
    int r = 0;
    for (; r + 8 <= rows; r += 8) {
        const float *xr = x + std::size_t(r) * d;
        __m512 y[8];
#pragma GCC unroll 8
        for (int i = 0; i < 8; ++i)
            y[i] = _mm512_setzero_ps();
        for (int q = 0; q < d; ++q) {
            const __m512 vq = _mm512_loadu_ps(v + 16 * q);
#pragma GCC unroll 8
            for (int i = 0; i < 8; ++i)
                y[i] = _mm512_fmadd_ps(_mm512_set1_ps(xr[std::size_t(i) * d + q]), vq, y[i]);
        }
        for (int q = 0; q < d; ++q) {
            __m512 a = _mm512_mul_ps(_mm512_set1_ps(xr[q]), y[0]);
            __m512 b = _mm512_mul_ps(_mm512_set1_ps(xr[std::size_t(1) * d + q]), y[1]);
#pragma GCC unroll 3
            for (int i = 2; i < 8; i += 2) {
                a = _mm512_fmadd_ps(_mm512_set1_ps(xr[std::size_t(i) * d + q]), y[i], a);
                b = _mm512_fmadd_ps(_mm512_set1_ps(xr[std::size_t(i + 1) * d + q]), y[i + 1], b);
            }
            _mm512_storeu_ps(z + 16 * q, _mm512_add_ps(_mm512_loadu_ps(z + 16 * q), _mm512_add_ps(a, b)));
        }
    }
    for (; r < rows; ++r) {
        const float *xr = x + std::size_t(r) * d;
        __m512 y = _mm512_setzero_ps();
        for (int q = 0; q < d; ++q)
            y = _mm512_fmadd_ps(_mm512_set1_ps(xr[q]), _mm512_loadu_ps(v + 16 * q), y);
        for (int q = 0; q < d; ++q)
            _mm512_storeu_ps(z + 16 * q, _mm512_fmadd_ps(_mm512_set1_ps(xr[q]), y, _mm512_loadu_ps(z + 16 * q)));
    }
}
#endif

// OpenBLAS's core is one of its AVX-512 ones.
bool blasHasAvx512()
{
    if (!openblas_get_corename)
        return false;
    const char *name = openblas_get_corename();
    if (!name)
        return false;
    for (const char *known : {"skylakex", "cooperlake", "sapphirerapids"})
        if (strcasecmp(name, known) == 0)
            return true;
    return false;
}

bool cpuHasAvx512()
{
#if defined(ES_AVX512_KERNEL)
    return __builtin_cpu_supports("avx512f");
#else
    return false;
#endif
}

// What $EMBEDSCOPE_KERNEL asked for that could not be had (see kernelNote).
std::string &choiceNote()
{
    static std::string note;
    return note;
}

Kernel chooseKernel()
{
    const char *env = std::getenv("EMBEDSCOPE_KERNEL");
    if (!env || !*env || strcasecmp(env, "auto") == 0)
        return automaticKernel();
    for (Kernel k : {Kernel::Blas, Kernel::Avx512, Kernel::Portable}) {
        if (strcasecmp(env, kernelName(k)) != 0)
            continue;
        if (kernelAvailable(k))
            return k;
        choiceNote() = std::string("EMBEDSCOPE_KERNEL=") + env + ": this CPU has no AVX-512; using "
                       + kernelName(automaticKernel());
        return automaticKernel();
    }
    choiceNote() = std::string("EMBEDSCOPE_KERNEL=") + env
                   + " is not a kernel (auto, blas, avx512 or portable); using " + kernelName(automaticKernel());
    return automaticKernel();
}

std::atomic<int> kernelState{-1}; // -1: not decided yet, else a Kernel
std::once_flag kernelOnce;

std::mutex scopeMutex;
int scopeDepth = 0;
int savedThreads = 0;
} // namespace

Kernel automaticKernel()
{
    // The CPU has AVX-512 and the BLAS is an OpenBLAS that does not use it (another BLAS is
    // trusted as it is).
    return cpuHasAvx512() && openblas_get_corename && !blasHasAvx512() ? Kernel::Avx512 : Kernel::Blas;
}

bool kernelAvailable(Kernel k)
{
    return k != Kernel::Avx512 || cpuHasAvx512();
}

const char *kernelName(Kernel k)
{
    switch (k) {
    case Kernel::Blas:
        return "blas";
    case Kernel::Avx512:
        return "avx512";
    case Kernel::Portable:
        return "portable";
    }
    return "?";
}

Kernel kernel()
{
    std::call_once(kernelOnce, [] {
        int expected = -1;
        kernelState.compare_exchange_strong(expected, int(chooseKernel()));
    });
    return Kernel(kernelState.load(std::memory_order_relaxed));
}

bool setKernel(Kernel k)
{
    kernel(); // the environment's choice is made first, so it cannot overwrite this one
    if (!kernelAvailable(k))
        return false;
    kernelState.store(int(k), std::memory_order_relaxed);
    return true;
}

std::string kernelNote()
{
    kernel();
    return choiceNote();
}

std::string blasCoreName()
{
    const char *name = openblas_get_corename ? openblas_get_corename() : nullptr;
    return name ? name : "";
}

TileOperand::TileOperand(const float *x, int rows, int k, int ld, bool left, bool right)
    : x_(x), rows_(rows), k_(k), ld_(ld)
{
#if defined(ES_AVX512_KERNEL)
    if (!ownKernel())
        return;
    if (left) {
        left_.resize(std::size_t((rows + MR - 1) / MR * MR) * k);
        packPanels(x, rows, k, ld, MR, left_.data());
    }
    if (right) {
        right_.resize(std::size_t((rows + NR - 1) / NR * NR) * k);
        packPanels(x, rows, k, ld, NR, right_.data());
    }
#else
    (void)left;
    (void)right;
#endif
}

void tileProduct(const TileOperand &a, int i0, int ni, const TileOperand &b, int j0, int nj, float *c, int ldc,
                 bool upperOnly)
{
    if (ni <= 0 || nj <= 0)
        return;
    const int k = a.k_;
#if defined(ES_AVX512_KERNEL)
    if (!a.left_.empty() && !b.right_.empty()) {
        tileAvx512(ni, nj, k, a.left_.data() + std::size_t(i0) * k, b.right_.data() + std::size_t(j0) * k, c, ldc,
                   upperOnly);
        return;
    }
#endif
    const float *pa = a.x_ + std::size_t(i0) * a.ld_, *pb = b.x_ + std::size_t(j0) * b.ld_;
    if (kernel() == Kernel::Portable)
        tilePortable(pa, a.ld_, ni, pb, b.ld_, nj, k, c, ldc, upperOnly && pa == pb);
    else if (upperOnly && ni == nj && pa == pb)
        syrkRowsUpper(ni, k, pa, a.ld_, c, ldc);
    else
        gemm(false, true, ni, nj, k, 1.0f, pa, a.ld_, pb, b.ld_, 0.0f, c, ldc);
}

bool covarianceProduct16(const float *x, int rows, int d, const float *v, float *z)
{
#if defined(ES_AVX512_KERNEL)
    if (ownKernel()) {
        covariance16(x, rows, d, v, z);
        return true;
    }
#else
    (void)x;
    (void)rows;
    (void)d;
    (void)v;
    (void)z;
#endif
    return false;
}

int tileRows(int depth)
{
    return depth > 4096 ? 256 : 512;
}

std::vector<Tile> upperTiles(int blocks)
{
    std::vector<Tile> tiles;
    tiles.reserve(std::size_t(blocks) * (blocks + 1) / 2);
    for (int off = 0; off < blocks; ++off)
        for (int i = 0; i + off < blocks; ++i)
            tiles.push_back({i, i + off});
    return tiles;
}

bool runTiles(ThreadPool &pool, std::size_t count, const std::function<void(std::size_t)> &tile,
              const Progress &progress, std::string_view stage, std::stop_token stop)
{
    const auto caller = std::this_thread::get_id();
    std::atomic<std::size_t> done{0};
    std::size_t reported = 0; // percent; touched by the calling thread only
    pool.run(count, [&](std::size_t i) {
        if (stop.stop_requested())
            return;
        tile(i);
        const std::size_t d = done.fetch_add(1) + 1;
        if (progress && std::this_thread::get_id() == caller && !stop.stop_requested()) {
            const std::size_t percent = d * 100 / count;
            if (percent > reported) {
                reported = percent;
                progress(double(d) / double(count), stage);
            }
        }
    });
    return !stop.stop_requested();
}

BlasOnCallingThread::BlasOnCallingThread()
{
    std::lock_guard lock(scopeMutex);
    if (scopeDepth++ == 0 && openblas_get_num_threads && openblas_set_num_threads) {
        savedThreads = openblas_get_num_threads();
        openblas_set_num_threads(1);
    }
}

BlasOnCallingThread::~BlasOnCallingThread()
{
    std::lock_guard lock(scopeMutex);
    if (--scopeDepth == 0 && savedThreads > 0 && openblas_set_num_threads) {
        openblas_set_num_threads(savedThreads);
        savedThreads = 0;
    }
}

} // namespace es::analysis::dense
