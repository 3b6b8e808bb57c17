#pragma once
// Float BLAS products for the dense kernels (similarity, neighbours, PCA), row-major, on
// the standard Fortran BLAS interface that Eigen's EIGEN_USE_BLAS already links (Debian's
// OpenBLAS: runtime CPU dispatch). The kernels split their work into fixed tiles and run
// the tiles on their own ThreadPool, one single-threaded BLAS call per tile: the tiles never
// wait for each other (BLAS's own threads synchronise after every call and spin when the
// machine is busy), and results do not depend on the thread count.
#include "analysis/parallel.h"
#include "util/types.h"

#include <cstddef>
#include <cstdlib>
#include <functional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

namespace es::analysis::dense {

// C (m x n, row stride ldc) = alpha * op(A) * op(B) + beta * C, all row-major;
// op(A) is m x k, op(B) is k x n.
void gemm(bool transA, bool transB, int m, int n, int k, float alpha, const float *a, int lda,
          const float *b, int ldb, float beta, float *c, int ldc);

// C = A * B^T for A (m x k) and B (n x k): the dot products of rows.
inline void gemmRows(int m, int n, int k, const float *a, int lda, const float *b, int ldb, float *c, int ldc)
{
    gemm(false, true, m, n, k, 1.0f, a, lda, b, ldb, 0.0f, c, ldc);
}

// Upper triangle (j >= i) of C = A * A^T for A (n x k); the rest of C is not written.
void syrkRowsUpper(int n, int k, const float *a, int lda, float *c, int ldc);

// Asks the kernel to back [data, data + bytes) with huge pages (Linux, where transparent
// huge pages are on "madvise"): a large result matrix then costs a few hundred page
// faults instead of one per 4 KiB. Call before the memory is first written.
void adviseHugePages(void *data, std::size_t bytes);

// Allocates in 2 MiB-aligned blocks advised as above (for the kernels' large buffers).
template <typename T>
struct HugePageAllocator {
    using value_type = T;
    HugePageAllocator() = default;
    template <typename U>
    HugePageAllocator(const HugePageAllocator<U> &) {}
    T *allocate(std::size_t n) { return static_cast<T *>(allocateHuge(n * sizeof(T))); }
    void deallocate(T *p, std::size_t) { std::free(p); }
    template <typename U>
    bool operator==(const HugePageAllocator<U> &) const { return true; }
    static void *allocateHuge(std::size_t bytes);
};

// Rows scaled to unit length (as es::normalizedRows), in memory advised for huge pages.
Matrix unitRows(const Matrix &m);

// The rows of a matrix as an operand of tileProduct. With the AVX-512 kernel they are
// packed once, in the kernel's panel layout for the side(s) asked for, instead of once per
// tile; with BLAS the matrix is used in place (it must outlive this object).
class TileOperand {
public:
    TileOperand(const float *x, int rows, int k, int ld, bool left, bool right);
    int rows() const { return rows_; }
    int depth() const { return k_; }

private:
    friend void tileProduct(const TileOperand &, int, int, const TileOperand &, int, int, float *, int, bool);
    const float *x_;
    int rows_, k_, ld_;
    std::vector<float, HugePageAllocator<float>> left_, right_; // panels of 8 / 32 rows, k-major
};

// One tile of dot products of rows: C (ni x nj, row stride ldc) = A[i0, i0 + ni) *
// B[j0, j0 + nj)^T, where i0 and j0 are multiples of 32. With upperOnly (B is A and
// j0 == i0: a tile on the diagonal) only the entries with column >= row are needed; the
// others may or may not be written.
// Debian's OpenBLAS 0.3.21 does not know AMD Zen 5 and runs its AVX2 (Haswell) kernels
// there, at about half the speed of the AVX-512 units. On a CPU with AVX-512 whose BLAS
// has no AVX-512 kernel, tiles go to an AVX-512 kernel of our own (chosen at run time,
// so the build still runs on any x86-64); otherwise to BLAS (GEMM, or SYRK on the
// diagonal).
void tileProduct(const TileOperand &a, int i0, int ni, const TileOperand &b, int j0, int nj, float *c, int ldc,
                 bool upperOnly = false);

// For PCA's subspace iteration: Z (d x 16) += X^T (X V) for X (rows x d, row-major,
// stride d) and V (d x 16): V and Z row-major with 16 columns, the unused ones zero. One
// pass over X with the AVX-512 kernel; false (nothing done) when that kernel is not in use.
bool covarianceProduct16(const float *x, int rows, int d, const float *v, float *z);

// The dense-kernel paths. Blas: OpenBLAS (its own CPU dispatch; OPENBLAS_CORETYPE picks
// its kernel). Avx512: our AVX-512 tile kernel (where OpenBLAS has none for the CPU).
// Portable: plain C++ loops, no BLAS and no CPU-specific code (the reference the others
// are checked against). Every path gives the same results within float rounding.
enum class Kernel { Blas, Avx512, Portable };

// The path in use. Chosen once: $EMBEDSCOPE_KERNEL (auto, blas, avx512, portable) where it
// names a path that can run here, otherwise the automatic choice (Avx512 on a CPU with
// AVX-512 whose OpenBLAS has no AVX-512 kernel, else Blas).
Kernel kernel();
// Forces a path; false (nothing changed) where it cannot run here. Change it only while no
// TileOperand exists.
bool setKernel(Kernel k);
bool kernelAvailable(Kernel k);
// The automatic choice for this CPU and BLAS.
Kernel automaticKernel();
const char *kernelName(Kernel k);
// Non-empty when $EMBEDSCOPE_KERNEL asked for something that cannot be used (unknown name,
// or AVX-512 on a CPU without it): what was asked and what runs instead. Core never prints:
// the command line shows it as a warning.
std::string kernelNote();
// OpenBLAS's kernel name ("Haswell", "SkylakeX", ...), or "" for another BLAS.
std::string blasCoreName();
inline bool ownKernel() { return kernel() == Kernel::Avx512; }

// dst (m x n) = src (n x m) transposed; both row-major with row stride ld.
void transpose(const float *src, float *dst, int n, int m, long ld);

// Rows per tile side for vectors of `depth` dimensions: a multiple of 32, small enough
// that one tile takes well under 100 ms (the cancellation latency).
int tileRows(int depth);

// A tile: block i of rows against block j.
struct Tile {
    int i, j;
};

// The tiles on and above the diagonal of `blocks` x `blocks`, by diagonals (consecutive
// tiles share no block).
std::vector<Tile> upperTiles(int blocks);

// Runs tile(i) for i in [0, count) on the pool in one go (no barrier until the end);
// once a stop is requested the remaining tiles are skipped. Progress goes out from the
// calling thread only, at most once per percent, and no more after a stop. False when
// cancelled.
bool runTiles(ThreadPool &pool, std::size_t count, const std::function<void(std::size_t)> &tile,
              const Progress &progress, std::string_view stage, std::stop_token stop);

// While one exists (in any thread), BLAS runs each call on the calling thread only
// (OpenBLAS: openblas_set_num_threads(1)); the previous setting comes back when the last
// one ends. Does nothing for a BLAS without that switch.
class BlasOnCallingThread {
public:
    BlasOnCallingThread();
    ~BlasOnCallingThread();
    BlasOnCallingThread(const BlasOnCallingThread &) = delete;
    BlasOnCallingThread &operator=(const BlasOnCallingThread &) = delete;
};

// Dot product in double, in four interleaved sums in a fixed order: the same on any
// machine, kernel and thread count. The exact and the approximate neighbour searches both
// recompute their chosen neighbours' distances with it, so they agree to the bit.
inline double dotDouble(const float *a, const float *b, int n)
{
    double s[4] = {0, 0, 0, 0};
    int c = 0;
    for (; c + 4 <= n; c += 4)
        for (int l = 0; l < 4; ++l)
            s[l] += double(a[c + l]) * double(b[c + l]);
    for (; c < n; ++c)
        s[0] += double(a[c]) * double(b[c]);
    return (s[0] + s[1]) + (s[2] + s[3]);
}

} // namespace es::analysis::dense
