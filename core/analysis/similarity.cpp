#include "analysis/similarity.h"

#include "analysis/dense.h"
#include "analysis/parallel.h"
#include "util/validate.h"

#include <algorithm>

namespace es::analysis {

namespace {

Result<Matrix> denseSimilarity(const Matrix &vectors, int threads, const Progress &progress, std::stop_token stop)
{
    if (auto s = checkVectors(vectors); !s)
        return s.error();
    const Matrix u = dense::unitRows(vectors);
    const Eigen::Index n = u.rows();
    const int d = int(u.cols());
    Matrix sim(n, n);
    dense::adviseHugePages(sim.data(), std::size_t(sim.size()) * sizeof(float));
    // Tiles of `block` x `block` on and above the diagonal (dense::tileProduct: BLAS, or
    // the AVX-512 kernel where BLAS has none), each mirrored below the diagonal while it
    // is still in cache. Tiles write disjoint parts of the matrix and run in parallel; the
    // tiling depends only on N, so the result does not depend on the thread count.
    const Eigen::Index block = dense::tileRows(d);
    const auto tiles = dense::upperTiles(int((n + block - 1) / block));
    dense::BlasOnCallingThread blasScope;
    ThreadPool pool(threads);
    const dense::TileOperand op(u.data(), int(n), d, d, true, true);
    auto runTile = [&](const dense::Tile &t) {
        const Eigen::Index i0 = t.i * block, j0 = t.j * block;
        const int ni = int(std::min(block, n - i0)), nj = int(std::min(block, n - j0));
        float *c = sim.data() + i0 * n + j0;
        if (t.i == t.j) {
            dense::tileProduct(op, int(i0), ni, op, int(i0), ni, c, int(n), true);
            for (int r = 0; r < ni; ++r)
                c[r * n + r] = 1.0f;
            // Below the diagonal: in squares of 64, each the mirror of one above it.
            for (int r0 = 0; r0 < ni; r0 += 64)
                for (int q0 = r0 + 64; q0 < ni; q0 += 64)
                    dense::transpose(c + r0 * n + q0, c + q0 * n + r0, std::min(64, ni - r0),
                                     std::min(64, ni - q0), long(n));
            for (int r0 = 0; r0 < ni; r0 += 64)
                for (int r = r0; r < std::min(ni, r0 + 64); ++r)
                    for (int q = r + 1; q < std::min(ni, r0 + 64); ++q)
                        c[q * n + r] = c[r * n + q];
        } else {
            dense::tileProduct(op, int(i0), ni, op, int(j0), nj, c, int(n));
            dense::transpose(c, sim.data() + j0 * n + i0, ni, nj, long(n));
        }
    };
    if (!dense::runTiles(pool, tiles.size(), [&](std::size_t i) { runTile(tiles[i]); }, progress, "similarity", stop))
        return Error::cancel();
    return sim;
}

} // namespace

Result<Matrix> cosineSimilarity(const Matrix &vectors, const Progress &progress, std::stop_token stop)
{
    return denseSimilarity(vectors, 0, progress, stop);
}

Result<SimilarityResult> cosineSimilarityAuto(const Matrix &vectors, const SimilarityConfig &config,
                                              const Progress &progress, std::stop_token stop)
{
    SimilarityResult out;
    if (vectors.rows() <= config.maxDense) {
        auto s = denseSimilarity(vectors, config.threads, progress, stop);
        if (!s)
            return s.error();
        out.dense = std::move(s.value());
        return out;
    }
    KnnConfig kc;
    kc.k = int(std::min<Eigen::Index>(config.topK, vectors.rows() - 1));
    kc.threads = config.threads;
    kc.method = NeighborMethod::Exact; // the top-k similarity list is exact
    auto nn = knn(vectors, kc, progress, stop);
    if (!nn)
        return nn.error();
    out.neighbors = std::move(nn.value());
    return out;
}

} // namespace es::analysis
