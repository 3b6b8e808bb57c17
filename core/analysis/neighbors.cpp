#include "analysis/neighbors.h"
#include "analysis/neighbors_hnsw.h"
#include "analysis/neighbors_ivf.h"
#include "analysis/topk_scan.h"

#include "analysis/dense.h"
#include "analysis/parallel.h"
#include "util/validate.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>

namespace es::analysis {
using detail::better;
using detail::Cand;
using detail::scanRow;
#if defined(ES_SCAN_AVX512)
using detail::scanRow512;
#endif

Status detail::checkKnnInput(const Matrix &queries, const Matrix &base, const KnnConfig &config, bool self)
{
    const Eigen::Index nb = base.rows();
    const int k = config.k;
    const bool cosine = config.metric == Metric::Cosine;
    VectorCheck check;
    check.rejectZeroRows = cosine;
    check.minRows = self ? k + 1 : 1;
    check.what = self ? "vectors" : "new vectors";
    if (k < 1)
        return Error{"k must be at least 1"};
    if (self && k > nb - 1)
        return Error{"k = " + std::to_string(k) + " needs at least " + std::to_string(k + 1)
                     + " rows; the input has " + std::to_string(nb)};
    if (!self && k > nb)
        return Error{"k = " + std::to_string(k) + " neighbours requested among "
                     + std::to_string(nb) + " rows"};
    if (auto s = checkVectors(queries, check); !s)
        return s.error();
    if (!self) {
        if (queries.cols() != base.cols())
            return Error{"new vectors have " + std::to_string(queries.cols())
                         + " dimensions, the existing ones " + std::to_string(base.cols())};
        check.what = "vectors";
        check.minRows = 1;
        if (auto s = checkVectors(base, check); !s)
            return s.error();
    }
    return Ok{};
}

namespace {

Result<Neighbors> search(const Matrix &queries, const Matrix &base, const KnnConfig &config,
                         bool self, const Progress &progress, std::stop_token stop)
{
    const Eigen::Index nq = queries.rows(), nb = base.rows();
    const int k = config.k;
    const bool cosine = config.metric == Metric::Cosine;
    if (auto s = detail::checkKnnInput(queries, base, config, self); !s)
        return s.error();

    // Scores to maximise: cos for cosine, q.x - |x|^2/2 for Euclidean (|q|^2 is constant
    // within a row, so it does not change the order).
    Matrix qUnit, bUnit;
    if (cosine) {
        qUnit = dense::unitRows(queries);
        if (!self)
            bUnit = dense::unitRows(base);
    }
    const Matrix &q = cosine ? qUnit : queries;
    const Matrix &bm = self ? q : (cosine ? bUnit : base);
    Eigen::VectorXf offset = Eigen::VectorXf::Zero(nb); // subtracted from a score for column j
    if (!cosine)
        offset = 0.5f * bm.rowwise().squaredNorm();

    std::vector<Cand> heap(std::size_t(nq) * k);
    std::vector<int> filled(nq, 0);
    // k-th best score of each row so far (-inf until k are known): the vector test in
    // scanRow lets through only the scores that can enter the heap.
    std::vector<float> kth(nq, -std::numeric_limits<float>::infinity());
    const int dims = int(queries.cols());
    auto offer = [&](Eigen::Index i, float score, int j) {
        Cand *h = heap.data() + std::size_t(i) * k;
        int &n = filled[i];
        const Cand c{score, j};
        auto worse = [](const Cand &x, const Cand &y) { return better(x, y); };
        if (n < k) {
            h[n++] = c;
            std::push_heap(h, h + n, worse);
            if (n == k)
                kth[i] = h[0].score;
        } else if (better(c, h[0])) { // ties decided by index: the visiting order does not matter
            std::pop_heap(h, h + k, worse);
            h[k - 1] = c;
            std::push_heap(h, h + k, worse);
            kth[i] = h[0].score;
        }
    };

    // Tiles of `block` query rows by `block` base rows, one GEMM each. For a self search
    // only the tiles on and above the diagonal: each product serves both rows (row i gets
    // j, row j gets i), half the multiply-adds of the full product. Tiles run in parallel;
    // a tile's heap updates hold the locks of its row blocks. Tile sizes depend only on the
    // problem, and the selection (a strict order) does not depend on the visiting order,
    // so the result is identical on any thread count.
    const Eigen::Index block = dense::tileRows(dims);
    const Eigen::Index qBlocks = (nq + block - 1) / block, bBlocks = (nb + block - 1) / block;
    std::vector<dense::Tile> tiles;
    if (self) {
        tiles = dense::upperTiles(int(qBlocks));
    } else {
        for (int j = 0; j < int(bBlocks); ++j)
            for (int i = 0; i < int(qBlocks); ++i)
                tiles.push_back({i, j});
    }
    std::vector<std::mutex> locks(static_cast<std::size_t>(qBlocks));
    dense::BlasOnCallingThread blasScope;
    ThreadPool pool(config.threads);
    const dense::TileOperand left(q.data(), int(nq), dims, dims, true, self);
    const dense::TileOperand right = self ? dense::TileOperand(q.data(), 0, dims, dims, false, false)
                                          : dense::TileOperand(bm.data(), int(nb), dims, dims, false, true);
    const dense::TileOperand &rightOp = self ? left : right;

#if defined(ES_SCAN_AVX512)
    // (the row scan only filters candidates; the portable path keeps to plain C++ anyway)
    const bool avx512 = __builtin_cpu_supports("avx512f") && dense::kernel() != dense::Kernel::Portable;
#endif
    auto runTile = [&](const dense::Tile &t) {
        const Eigen::Index i0 = t.i * block, j0 = t.j * block;
        const int ni = int(std::min(block, nq - i0)), nj = int(std::min(block, nb - j0));
        const bool diag = self && t.i == t.j, both = self && !diag;
        thread_local std::vector<float> scratch;
        scratch.resize(std::size_t(block) * block);
        float *s = scratch.data();
        dense::tileProduct(left, int(i0), ni, rightOp, int(j0), nj, s, nj, diag);
        std::unique_lock lockI(locks[t.i], std::defer_lock);
        std::unique_lock<std::mutex> lockJ;
        if (both) {
            lockJ = std::unique_lock(locks[t.j], std::defer_lock);
            std::lock(lockI, lockJ);
        } else {
            lockI.lock();
        }
        const float *offJ = offset.data() + j0;
        float *kthJ = self ? kth.data() + j0 : nullptr;
        for (int r = 0; r < ni; ++r) {
            const Eigen::Index i = i0 + r;
            const float *row = s + std::size_t(r) * nj;
            const int c0 = diag ? r + 1 : 0;
            const float offI = self ? offset[i] : 0.0f;
            auto hit = [&](int c, bool forRow, bool forCol) {
                const float v = row[c];
                if (forRow)
                    offer(i, v - offJ[c], int(j0 + c));
                if (forCol)
                    offer(j0 + c, v - offI, int(i));
            };
#if defined(ES_SCAN_AVX512)
            if (avx512) {
                scanRow512(row, c0, nj, offJ, kth[i], kthJ, offI, hit);
                continue;
            }
#endif
            scanRow(row, c0, nj, offJ, kth[i], kthJ, offI, hit);
        }
    };

    if (!dense::runTiles(pool, tiles.size(), [&](std::size_t i) { runTile(tiles[i]); }, progress,
                         "nearest neighbours", stop))
        return Error::cancel();

    Neighbors out;
    out.k = k;
    out.index.resize(std::size_t(nq) * k);
    out.distance.resize(std::size_t(nq) * k);
    if (cosine)
        out.similarity.resize(std::size_t(nq) * k);
    Eigen::VectorXd qn, bn;
    if (cosine) {
        qn = queries.cast<double>().rowwise().norm();
        bn = self ? qn : Eigen::VectorXd(base.cast<double>().rowwise().norm());
    }
    const Matrix &braw = self ? queries : base;
    pool.forRange(std::size_t(nq), 64, [&](std::size_t lo, std::size_t hi, std::size_t) {
        for (std::size_t i = lo; i < hi; ++i) {
            Cand *h = heap.data() + i * k;
            std::sort(h, h + k, better);
            for (int r = 0; r < k; ++r) {
                const int j = h[r].index;
                double d;
                if (cosine) {
                    const double dot = dense::dotDouble(queries.row(Eigen::Index(i)).data(), braw.row(j).data(), dims);
                    const double cs = dot / (qn[i] * bn[j]);
                    d = 1.0 - cs;
                    out.similarity[i * k + r] = float(cs);
                } else {
                    d = 0;
                    for (Eigen::Index c = 0; c < queries.cols(); ++c) {
                        const double t = double(queries(i, c)) - double(braw(j, c));
                        d += t * t;
                    }
                }
                out.index[i * k + r] = j;
                out.distance[i * k + r] = d;
            }
        }
    });
    return out;
}

} // namespace

NeighborMethod resolveNeighborMethod(NeighborMethod method, long rows, bool query)
{
    if (method != NeighborMethod::Auto)
        return method;
    return rows > (query ? kApproximateQueryAboveRows : kApproximateAboveRows) ? NeighborMethod::Approximate
                                                                               : NeighborMethod::Exact;
}

namespace {

Result<Neighbors> dispatch(const Matrix &queries, const Matrix &base, const KnnConfig &config, bool self,
                           const Progress &progress, std::stop_token stop)
{
    if (resolveNeighborMethod(config.method, long(base.rows()), !self) == NeighborMethod::Approximate) {
        if (auto s = detail::checkKnnInput(queries, base, config, self); !s)
            return s.error();
        if (self)
            return detail::ivfSearch(queries, config, progress, stop);
        return detail::hnswSearch(queries, base, config, self, progress, stop);
    }
    return search(queries, base, config, self, progress, stop);
}

} // namespace

Result<Neighbors> knnCosine(const Matrix &vectors, int k, const Progress &progress, std::stop_token stop)
{
    return knnCosine(vectors, k, NeighborMethod::Auto, progress, stop);
}

Result<Neighbors> knnCosine(const Matrix &vectors, int k, NeighborMethod method, const Progress &progress,
                            std::stop_token stop)
{
    KnnConfig c;
    c.k = k;
    c.method = method;
    return dispatch(vectors, vectors, c, true, progress, stop);
}

Result<Neighbors> knn(const Matrix &vectors, const KnnConfig &config, const Progress &progress,
                      std::stop_token stop)
{
    return dispatch(vectors, vectors, config, true, progress, stop);
}

Result<Neighbors> knnQuery(const Matrix &queries, const Matrix &base, const KnnConfig &config,
                           const Progress &progress, std::stop_token stop)
{
    return dispatch(queries, base, config, false, progress, stop);
}

} // namespace es::analysis
