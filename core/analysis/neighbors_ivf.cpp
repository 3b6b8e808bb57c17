// Approximate all-points k-NN graph: an IVF k-NN join.
//
//  1. k-means (Lloyd, a few iterations from seeded sample rows) on a seeded sample of the
//     rows (unit rows for cosine) into about sqrt(N) cells; every row then goes to its
//     nearest centre.
//  2. The rows are laid out cell by cell (each cell padded to 32 rows, the tile kernel's
//     panel) and packed once for the tile kernel.
//  3. Each cell's rows are multiplied (dense tiles, the exact search's kernel) against the
//     rows of the `ivfProbes` cells whose centres are nearest to its own centre (itself
//     first), and each row keeps its best k + 2 candidates (heap behind the same vector
//     threshold scan as the exact search).
//  4. The candidates' distances are recomputed in double (dense::dotDouble) and the best k
//     kept, ordered with ties to the lower row.
// Below 2,000 rows, or where the probes needed would cost more than 70 % of the exact
// search's half product (data whose neighbours spread over most cells), the exact search
// runs instead (still reported as approximate: that is what was asked for).
//
// Determinism: the sample, the first centres and the iteration count come from a fixed
// seed; every row is assigned on its own, centre sums run in sample order; each work unit
// (a block of one cell's rows) writes only its own rows. So the result is the same on any
// thread count. Across the dense kernels (BLAS, AVX-512, portable) float scores differ in
// the last bits: an assignment whose float scores lie within the float error bound of the
// best is decided again in double, the probe order is computed in double, and the final k
// are chosen in double from k + 2 float candidates, so the kernels give the same result
// unless three candidates' scores all lie within float rounding of each other.
#include "analysis/neighbors_ivf.h"

#include "analysis/dense.h"
#include "analysis/parallel.h"
#include "analysis/topk_scan.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <random>
#include <string>

namespace es::analysis::detail {
namespace {

constexpr std::uint64_t kSeed = 0x1f5eed5eedULL;
constexpr int kIterations = 8;        // Lloyd iterations on the sample
constexpr int kSamplePerCell = 48;    // sample rows per cell for k-means
constexpr int kRowBlock = 256;        // rows of one cell per work unit
constexpr int kColBlock = 512;        // columns of a probe cell per tile
constexpr int kExactBelowRows = 2000; // the exact search below this many rows
// The exact search instead when the join would cost more than this share of its
// multiply-adds (its tiles are larger and it needs no partitioning).
constexpr double kExactShare = 0.7;

// Nearest centre of each row of x (rows [0, n)): argmax x.c - |c|^2 / 2, ties to the lower
// centre. Float GEMM screens; centres within the float error bound of the best are
// compared again in double, so that the choice does not depend on the dense kernel.
void assign(const float *x, int n, int d, const Matrix &centres, const Eigen::VectorXd &halfNorm2,
            const std::vector<float> &halfNorm2f, double maxNorm, ThreadPool &pool, std::vector<int> &out)
{
    const int c = int(centres.rows());
    out.assign(std::size_t(n), 0);
    constexpr int block = 512;
    pool.forRange(std::size_t(n), block, [&](std::size_t lo, std::size_t hi, std::size_t) {
        thread_local std::vector<float> s;
        const int m = int(hi - lo);
        s.resize(std::size_t(m) * std::size_t(c));
        dense::gemmRows(m, c, d, x + lo * std::size_t(d), d, centres.data(), d, s.data(), c);
        for (int r = 0; r < m; ++r) {
            float *row = s.data() + std::size_t(r) * c;
            const float *xr = x + (lo + std::size_t(r)) * std::size_t(d);
            int best = 0;
            float bestScore = -std::numeric_limits<float>::infinity();
            for (int j = 0; j < c; ++j) {
                row[j] -= halfNorm2f[std::size_t(j)];
                if (row[j] > bestScore) {
                    bestScore = row[j];
                    best = j;
                }
            }
            // |float dot - exact| <= d u |x||c| (any summation order, u = 2^-24), plus the
            // offset's and the subtraction's rounding: a generous bound, doubled for the
            // difference of two scores.
            double xn = 0;
            for (int q = 0; q < d; ++q)
                xn += double(xr[q]) * double(xr[q]);
            const double bound = 4.0 * double(d + 8) * std::ldexp(1.0, -24) * (std::sqrt(xn) * maxNorm + maxNorm * maxNorm);
            const float floor = float(double(bestScore) - bound);
            int second = 0;
            for (int j = 0; j < c; ++j)
                second += row[j] >= floor;
            if (second > 1) {
                double bestD = -std::numeric_limits<double>::infinity();
                for (int j = 0; j < c; ++j) {
                    if (row[j] < floor)
                        continue;
                    const double v = dense::dotDouble(xr, centres.row(j).data(), d) - halfNorm2[j];
                    if (v > bestD) {
                        bestD = v;
                        best = j;
                    }
                }
            }
            out[lo + std::size_t(r)] = best;
        }
    });
}

void centreNorms(const Matrix &centres, Eigen::VectorXd &half, std::vector<float> &halfF, double &maxNorm)
{
    const int c = int(centres.rows()), d = int(centres.cols());
    half.resize(c);
    halfF.resize(std::size_t(c));
    maxNorm = 0;
    for (int j = 0; j < c; ++j) {
        const double n2 = dense::dotDouble(centres.row(j).data(), centres.row(j).data(), d);
        half[j] = 0.5 * n2;
        halfF[std::size_t(j)] = float(0.5 * n2);
        maxNorm = std::max(maxNorm, std::sqrt(n2));
    }
}

} // namespace

thread_local int lastProbes = 0;

Result<Neighbors> ivfSearch(const Matrix &vectors, const KnnConfig &config, const Progress &progress,
                            std::stop_token stop)
{
    const int n = int(vectors.rows()), d = int(vectors.cols()), k = config.k;
    const bool cosine = config.metric == Metric::Cosine;
    const int keep = std::min(k + 2, n - 1); // float candidates per row, re-ranked in double

    // Where the exact search costs about as much (small sets, or data whose neighbours are
    // spread over most cells), it is used instead: the same interface, no missed neighbours.
    auto exactInstead = [&](double from) -> Result<Neighbors> {
        KnnConfig exact = config;
        exact.method = NeighborMethod::Exact;
        auto r = knn(
            vectors, exact,
            [&](double f, std::string_view stage) {
                if (progress)
                    progress(from + (1.0 - from) * f, stage);
            },
            stop);
        if (r)
            r->approximate = true; // asked for approximate; the list happens to be exact
        lastProbes = 0;
        return r;
    };
    if (n <= kExactBelowRows)
        return exactInstead(0.0);

    Matrix unit;
    if (cosine)
        unit = dense::unitRows(vectors);
    const Matrix &x = cosine ? unit : vectors;

    dense::BlasOnCallingThread blasScope;
    ThreadPool pool(config.threads);
    auto partitioning = [&](double f) {
        if (progress)
            progress(0.1 * f, "nearest neighbours (partitioning)");
        return !stop.stop_requested();
    };
    if (!partitioning(0))
        return Error::cancel();

    // 1. Cells: k-means on a sample.
    const int cells = std::clamp(config.ivfCells > 0 ? config.ivfCells : int(std::lround(std::sqrt(double(n)))), 1, n);
    const int sampleRows = int(std::min<long>(n, long(cells) * kSamplePerCell));
    std::vector<int> sample(static_cast<std::size_t>(n));
    std::iota(sample.begin(), sample.end(), 0);
    std::mt19937_64 eng(kSeed);
    for (int i = 0; i < sampleRows; ++i) { // partial Fisher-Yates with an engine-only draw
        const std::uint64_t r = eng() % std::uint64_t(n - i);
        std::swap(sample[std::size_t(i)], sample[std::size_t(i) + std::size_t(r)]);
    }
    sample.resize(std::size_t(sampleRows));
    Matrix centres(cells, d);
    for (int j = 0; j < cells; ++j) // the first `cells` sampled rows (distinct rows)
        centres.row(j) = x.row(sample[std::size_t(j)]);
    std::sort(sample.begin(), sample.end());
    Matrix s(sampleRows, d);
    for (int i = 0; i < sampleRows; ++i)
        s.row(i) = x.row(sample[std::size_t(i)]);

    Eigen::VectorXd half;
    std::vector<float> halfF;
    double maxNorm = 0;
    std::vector<int> label;
    for (int it = 0; it < kIterations; ++it) {
        centreNorms(centres, half, halfF, maxNorm);
        assign(s.data(), sampleRows, d, centres, half, halfF, maxNorm, pool, label);
        Eigen::MatrixXd sum = Eigen::MatrixXd::Zero(cells, d);
        std::vector<long> count(static_cast<std::size_t>(cells), 0);
        for (int i = 0; i < sampleRows; ++i) {
            const int c = label[std::size_t(i)];
            ++count[std::size_t(c)];
            for (int q = 0; q < d; ++q)
                sum(c, q) += double(s(i, q));
        }
        for (int j = 0; j < cells; ++j)
            if (count[std::size_t(j)] > 0) // an empty cell keeps its centre
                for (int q = 0; q < d; ++q)
                    centres(j, q) = float(sum(j, q) / double(count[std::size_t(j)]));
        if (!partitioning(double(it + 1) / double(kIterations + 1)))
            return Error::cancel();
    }
    s.resize(0, 0);
    centreNorms(centres, half, halfF, maxNorm);
    std::vector<int> cellOf;
    assign(x.data(), n, d, centres, half, halfF, maxNorm, pool, cellOf);
    if (!partitioning(1))
        return Error::cancel();

    // 2. Rows cell by cell, each cell from a multiple of 32.
    std::vector<int> size(static_cast<std::size_t>(cells), 0);
    for (int c : cellOf)
        ++size[std::size_t(c)];
    std::vector<long> start(static_cast<std::size_t>(cells) + 1, 0);
    for (int j = 0; j < cells; ++j)
        start[std::size_t(j) + 1] = start[std::size_t(j)] + (size[std::size_t(j)] + 31) / 32 * 32;
    const long padded = start[std::size_t(cells)];
    Matrix p = Matrix::Zero(padded, d);
    std::vector<int> perm(static_cast<std::size_t>(padded), -1);
    {
        std::vector<long> fill(start.begin(), start.end() - 1);
        for (int i = 0; i < n; ++i) {
            const long at = fill[std::size_t(cellOf[std::size_t(i)])]++;
            p.row(at) = x.row(i);
            perm[std::size_t(at)] = i;
        }
    }
    unit.resize(0, 0);
    std::vector<float> offset(static_cast<std::size_t>(padded), 0.0f); // subtracted from a score (Euclidean)
    if (!cosine)
        for (long r = 0; r < padded; ++r)
            offset[std::size_t(r)] = 0.5f * p.row(r).squaredNorm();
    const dense::TileOperand op(p.data(), int(padded), d, d, true, true);

    // Probe order: for each non-empty cell, the non-empty cells by centre distance to its
    // centre (in double), itself first, ties to the lower cell.
    std::vector<int> live;
    std::vector<int> liveRank(static_cast<std::size_t>(cells), -1);
    for (int j = 0; j < cells; ++j)
        if (size[std::size_t(j)] > 0) {
            liveRank[std::size_t(j)] = int(live.size());
            live.push_back(j);
        }
    const std::size_t nl = live.size();
    std::vector<int> order(nl * nl);   // order[a * nl + r]: the r-th cell probed from live cell a
    std::vector<int> rankOf(nl * nl);  // rankOf[a * nl + b]: where live cell b comes in a's order
    pool.forRange(nl, 16, [&](std::size_t lo, std::size_t hi, std::size_t) {
        std::vector<std::pair<double, int>> o(nl);
        for (std::size_t a = lo; a < hi; ++a) {
            const int ca = live[a];
            for (std::size_t b = 0; b < nl; ++b) {
                const int cb = live[b];
                const double v = dense::dotDouble(centres.row(ca).data(), centres.row(cb).data(), d) - half[cb];
                o[b] = {-v, int(b)};
            }
            o[a].first = -std::numeric_limits<double>::infinity();
            std::sort(o.begin(), o.end());
            for (std::size_t r = 0; r < nl; ++r) {
                order[a * nl + r] = o[r].second;
                rankOf[a * nl + std::size_t(o[r].second)] = int(r);
            }
        }
    });

    // How many cells to probe: fixed (ivfProbes > 0), or the fewest that hold a share
    // ivfTargetRecall of the true neighbours of a seeded sample of rows (their exact lists
    // against all rows).
    int probes = config.ivfProbes;
    if (probes <= 0) {
        const int sampleN = std::min(n, 400);
        std::vector<int> rows(static_cast<std::size_t>(n));
        std::iota(rows.begin(), rows.end(), 0);
        std::mt19937_64 pick(kSeed + 1);
        for (int i = 0; i < sampleN; ++i) {
            const std::uint64_t r = pick() % std::uint64_t(n - i);
            std::swap(rows[std::size_t(i)], rows[std::size_t(i) + std::size_t(r)]);
        }
        rows.resize(std::size_t(sampleN));
        std::sort(rows.begin(), rows.end());
        Matrix q(sampleN, d);
        for (int i = 0; i < sampleN; ++i)
            q.row(i) = vectors.row(rows[std::size_t(i)]);
        KnnConfig exact = config;
        exact.method = NeighborMethod::Exact;
        exact.k = std::min(k + 1, n);
        auto e = knnQuery(q, vectors, exact, {}, stop);
        if (!e)
            return e.error();
        std::vector<long> atRank(nl + 1, 0);
        long total = 0;
        for (int i = 0; i < sampleN; ++i) {
            const int row = rows[std::size_t(i)];
            const std::size_t a = std::size_t(liveRank[std::size_t(cellOf[std::size_t(row)])]);
            int taken = 0;
            for (int c = 0; c < e->k && taken < k; ++c) {
                const int j = e->at(i, c);
                if (j == row)
                    continue;
                ++taken;
                ++atRank[std::size_t(rankOf[a * nl + std::size_t(liveRank[std::size_t(cellOf[std::size_t(j)])])])];
                ++total;
            }
        }
        long covered = 0;
        probes = int(nl);
        for (std::size_t r = 0; r < nl; ++r) {
            covered += atRank[r];
            if (double(covered) >= config.ivfTargetRecall * double(total)) {
                probes = int(r) + 1;
                break;
            }
        }
        probes = std::max(probes, 2);
    }
    std::vector<std::vector<int>> probe(static_cast<std::size_t>(cells));
    for (std::size_t a = 0; a < nl; ++a) {
        std::vector<int> &list = probe[std::size_t(live[a])];
        long have = 0;
        for (std::size_t r = 0; r < nl; ++r) {
            if (int(list.size()) >= probes && have >= keep + 1)
                break;
            const int cb = live[std::size_t(order[a * nl + r])];
            list.push_back(cb);
            have += size[std::size_t(cb)];
        }
    }
    lastProbes = probes;
    {
        // Multiply-adds of the join against those of the exact search's half product.
        double join = 0;
        for (std::size_t a = 0; a < nl; ++a) {
            double rows = 0;
            for (int cb : probe[std::size_t(live[a])])
                rows += double(size[std::size_t(cb)]);
            join += double(size[std::size_t(live[a])]) * rows;
        }
        if (join > kExactShare * 0.5 * double(n) * double(n)) {
            unit.resize(0, 0);
            return exactInstead(0.1);
        }
    }

    // 3. Work units: blocks of one cell's rows against its probe cells.
    struct Unit {
        int cell, r0, rows;
    };
    std::vector<Unit> units;
    for (int c : live)
        for (int r0 = 0; r0 < size[std::size_t(c)]; r0 += kRowBlock)
            units.push_back({c, r0, std::min(kRowBlock, size[std::size_t(c)] - r0)});

    Neighbors out;
    out.k = k;
    out.approximate = true;
    out.index.resize(std::size_t(n) * k);
    out.distance.resize(std::size_t(n) * k);
    if (cosine)
        out.similarity.resize(std::size_t(n) * k);
    Eigen::VectorXd norms;
    if (cosine)
        norms = vectors.cast<double>().rowwise().norm();
    std::atomic<bool> shortList{false};
#if defined(ES_SCAN_AVX512)
    const bool avx512 = __builtin_cpu_supports("avx512f") && dense::kernel() != dense::Kernel::Portable;
#endif

    auto runUnit = [&](std::size_t u) {
        const Unit &w = units[u];
        const long a0 = start[std::size_t(w.cell)] + w.r0;
        thread_local std::vector<float> scratch;
        thread_local std::vector<Cand> heap;
        thread_local std::vector<int> filled;
        thread_local std::vector<float> kth;
        scratch.resize(std::size_t(kRowBlock) * kColBlock);
        heap.resize(std::size_t(w.rows) * keep);
        filled.assign(std::size_t(w.rows), 0);
        kth.assign(std::size_t(w.rows), -std::numeric_limits<float>::infinity());
        auto worse = [](const Cand &a, const Cand &b) { return better(a, b); };
        for (int cb : probe[std::size_t(w.cell)]) {
            if (stop.stop_requested())
                return;
            for (int c0 = 0; c0 < size[std::size_t(cb)]; c0 += kColBlock) {
                const long b0 = start[std::size_t(cb)] + c0;
                const int nj = std::min(kColBlock, size[std::size_t(cb)] - c0);
                float *sc = scratch.data();
                dense::tileProduct(op, int(a0), w.rows, op, int(b0), nj, sc, nj, false);
                const float *offJ = offset.data() + b0;
                const int *permJ = perm.data() + b0;
                for (int r = 0; r < w.rows; ++r) {
                    const int i = perm[std::size_t(a0 + r)];
                    const float *row = sc + std::size_t(r) * nj;
                    Cand *h = heap.data() + std::size_t(r) * keep;
                    int &f = filled[std::size_t(r)];
                    float &t = kth[std::size_t(r)];
                    auto hit = [&](int c, bool, bool) {
                        const int j = permJ[c];
                        if (j == i)
                            return;
                        const Cand cand{row[c] - offJ[c], j};
                        if (f < keep) {
                            h[f++] = cand;
                            std::push_heap(h, h + f, worse);
                            if (f == keep)
                                t = h[0].score;
                        } else if (better(cand, h[0])) {
                            std::pop_heap(h, h + keep, worse);
                            h[keep - 1] = cand;
                            std::push_heap(h, h + keep, worse);
                            t = h[0].score;
                        }
                    };
#if defined(ES_SCAN_AVX512)
                    if (avx512) {
                        scanRow512(row, 0, nj, offJ, t, nullptr, 0.0f, hit);
                        continue;
                    }
#endif
                    scanRow(row, 0, nj, offJ, t, nullptr, 0.0f, hit);
                }
            }
        }
        // 4. Re-rank each row's candidates in double.
        struct Found {
            double key; // to minimise: -cos (cosine) or the squared distance
            int index;
        };
        std::vector<Found> found;
        for (int r = 0; r < w.rows; ++r) {
            const int i = perm[std::size_t(a0 + r)];
            const int f = filled[std::size_t(r)];
            if (f < k) {
                shortList = true;
                return;
            }
            found.clear();
            const float *xi = vectors.row(i).data();
            for (int e = 0; e < f; ++e) {
                const int j = heap[std::size_t(r) * keep + std::size_t(e)].index;
                Found fd{0, j};
                if (cosine) {
                    fd.key = -(dense::dotDouble(xi, vectors.row(j).data(), d) / (norms[i] * norms[j]));
                } else {
                    double dd = 0;
                    for (int q = 0; q < d; ++q) {
                        const double tq = double(xi[q]) - double(vectors(j, q));
                        dd += tq * tq;
                    }
                    fd.key = dd;
                }
                found.push_back(fd);
            }
            std::sort(found.begin(), found.end(), [](const Found &a, const Found &b) {
                return a.key < b.key || (a.key == b.key && a.index < b.index);
            });
            for (int e = 0; e < k; ++e) {
                const std::size_t o = std::size_t(i) * k + std::size_t(e);
                out.index[o] = found[std::size_t(e)].index;
                out.distance[o] = found[std::size_t(e)].key; // -cos for cosine until the end
            }
        }
    };
    const bool done = dense::runTiles(
        pool, units.size(), runUnit,
        [&](double f, std::string_view) {
            if (progress)
                progress(0.1 + 0.9 * f, "nearest neighbours");
        },
        "nearest neighbours", stop);
    if (!done)
        return Error::cancel();
    if (shortList)
        return Error{"approximate neighbours: fewer than k = " + std::to_string(k)
                     + " candidates for some row; use exact neighbours"};

    // 5. Neighbours of neighbours: each row also looks at the first `fan` neighbours of its
    // first `fan` neighbours (all rows read the previous round's lists, so the order of the
    // rows does not matter), keys in double as above.
    const int fan = std::min(k, 10);
    auto key = [&](int i, int j) {
        const float *xi = vectors.row(i).data(), *xj = vectors.row(j).data();
        if (cosine)
            return -(dense::dotDouble(xi, xj, d) / (norms[i] * norms[j]));
        double dd = 0;
        for (int q = 0; q < d; ++q) {
            const double tq = double(xi[q]) - double(xj[q]);
            dd += tq * tq;
        }
        return dd;
    };
    for (int round = 0; round < config.ivfRefine; ++round) {
        std::vector<int> nextIndex(out.index.size());
        std::vector<double> nextKey(out.distance.size());
        const bool ok = dense::runTiles(
            pool, chunkCount(std::size_t(n), 1024),
            [&](std::size_t chunk) {
                std::vector<std::pair<double, int>> cand;
                std::vector<int> seen;
                const std::size_t lo = chunk * 1024, hi = std::min(std::size_t(n), lo + 1024);
                for (std::size_t i = lo; i < hi; ++i) {
                    const int *li = out.index.data() + i * k;
                    const double *ki = out.distance.data() + i * k;
                    seen.assign(li, li + k);
                    seen.push_back(int(i));
                    const std::size_t known = seen.size();
                    for (int a = 0; a < fan; ++a) {
                        const int *lj = out.index.data() + std::size_t(li[a]) * k;
                        for (int b = 0; b < fan; ++b)
                            seen.push_back(lj[b]);
                    }
                    std::sort(seen.begin() + long(known), seen.end());
                    seen.erase(std::unique(seen.begin() + long(known), seen.end()), seen.end());
                    cand.clear();
                    for (int e = 0; e < k; ++e)
                        cand.push_back({ki[e], li[e]});
                    for (std::size_t e = known; e < seen.size(); ++e) {
                        const int j = seen[e];
                        if (std::find(seen.begin(), seen.begin() + long(known), j) != seen.begin() + long(known))
                            continue;
                        cand.push_back({key(int(i), j), j});
                    }
                    std::partial_sort(cand.begin(), cand.begin() + k, cand.end());
                    for (int e = 0; e < k; ++e) {
                        nextIndex[i * k + std::size_t(e)] = cand[std::size_t(e)].second;
                        nextKey[i * k + std::size_t(e)] = cand[std::size_t(e)].first;
                    }
                }
            },
            [&](double, std::string_view) {}, "nearest neighbours", stop);
        if (!ok)
            return Error::cancel();
        out.index.swap(nextIndex);
        out.distance.swap(nextKey);
    }
    if (cosine)
        for (std::size_t o = 0; o < out.distance.size(); ++o) {
            const double sim = -out.distance[o];
            out.similarity[o] = float(sim);
            out.distance[o] = 1.0 - sim;
        }
    return out;
}

} // namespace es::analysis::detail
