// Analysis benchmarks (label `benchmark`): prints one JSON line of figures per workload.
//   bench_analysis                       the default suite on synthetic vectors (and on
//                                        GloVe vectors if $EMBEDSCOPE_BENCH_GLOVE names a
//                                        .npy, e.g. from sklearn_glove_vectors.py)
//   bench_analysis WORK FILE.npy [N] [--threads T] [--trust]
//                                        one workload on the first N rows of FILE, as
//                                        compare_sklearn.py runs it beside scikit-learn.
// t-SNE works print the peak resident memory; $EMBEDSCOPE_TSNE_GRADIENT (exact, bh, fft)
// forces a repulsion scheme instead of the automatic choice.
// WORK: tsne2d, tsne3d, pca, similarity, knn10, gemm (the GEMM limit: one plain BLAS
// sgemm of the rows against themselves, N x N x D, on BLAS's own threads). Times are of
// the computation only (the file is loaded before the clock starts). "kernel" says which
// dense path the works used (dense::kernel(): "avx512", "blas" or "portable";
// $EMBEDSCOPE_KERNEL forces one).
#include "analysis/dense.h"
#include "analysis/neighbors.h"
#include "analysis/pca.h"
#include "analysis/quality.h"
#include "analysis/similarity.h"
#include "analysis/tsne.h"
#include "formats/vectors.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>

#include <sys/resource.h>

using namespace es;
using namespace es::analysis;

namespace {

Matrix gaussian(int n, int d, std::uint64_t seed)
{
    // Clustered synthetic vectors (50 centres), like embeddings of mixed topics.
    std::mt19937_64 eng(seed);
    std::normal_distribution<float> g;
    Matrix c(50, d), x(n, d);
    for (Eigen::Index i = 0; i < c.size(); ++i)
        c.data()[i] = g(eng);
    for (int i = 0; i < n; ++i) {
        const int k = int(eng() % 50);
        for (int j = 0; j < d; ++j)
            x(i, j) = c(k, j) + 0.8f * g(eng);
    }
    return x;
}

double since(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

int runWork(const std::string &work, const Matrix &x, const std::string &source, int threads, bool trust)
{
    const auto t0 = std::chrono::steady_clock::now();
    std::string extra;
    char buf[256];
    if (work == "tsne2d" || work == "tsne3d") {
        TsneConfig c;
        c.dims = work == "tsne2d" ? 2 : 3;
        c.threads = threads;
        // $EMBEDSCOPE_TSNE_GRADIENT = exact | bh | fft forces a repulsion scheme (default: auto).
        if (const char *g = std::getenv("EMBEDSCOPE_TSNE_GRADIENT")) {
            const std::string gs = g;
            c.gradient = gs == "exact" ? TsneGradient::Exact
                         : gs == "bh"  ? TsneGradient::BarnesHut
                         : gs == "fft" ? TsneGradient::Fft
                                       : TsneGradient::Auto;
        }
        auto r = tsne(x, c);
        if (!r) {
            std::fprintf(stderr, "%s\n", r.error().message.c_str());
            return 1;
        }
        const double s = since(t0);
        // Peak resident memory of the process (the input included): shows that no N x N
        // matrix is ever held.
        rusage ru{};
        getrusage(RUSAGE_SELF, &ru);
        std::snprintf(buf, sizeof buf, ",\"kl_divergence\":%.6f,\"peak_rss_mb\":%.1f", r->klDivergence,
                      ru.ru_maxrss / 1024.0);
        extra = buf;
        if (trust) {
            QualityConfig q;
            q.k = 10;
            auto tw = trustworthiness(x, r->coords, q);
            std::snprintf(buf, sizeof buf, ",\"trustworthiness\":%.6f", tw ? *tw : -1.0);
            extra += buf;
        }
        std::printf("{\"work\":\"%s\",\"data\":\"%s\",\"n\":%lld,\"d\":%lld,\"threads\":%d,\"seconds\":%.4f%s}\n",
                    work.c_str(), source.c_str(), (long long)x.rows(), (long long)x.cols(), threads, s, extra.c_str());
    } else if (work == "pca") {
        PcaConfig c;
        c.components = 2;
        c.threads = threads;
        auto r = pca(x, c);
        const double s = since(t0);
        if (!r)
            return 1;
        std::printf("{\"work\":\"pca\",\"data\":\"%s\",\"n\":%lld,\"d\":%lld,\"seconds\":%.4f,\"randomized\":%s,"
                    "\"explained_variance_ratio\":[%.6f,%.6f]}\n",
                    source.c_str(), (long long)x.rows(), (long long)x.cols(), s, r->randomized ? "true" : "false",
                    r->explainedVarianceRatio[0], r->explainedVarianceRatio[1]);
    } else if (work == "similarity") {
        auto r = cosineSimilarity(x);
        const double s = since(t0);
        if (!r)
            return 1;
        const double gflop = 2.0 * double(x.rows()) * double(x.rows()) * double(x.cols()) / 2 / 1e9;
        std::printf("{\"work\":\"similarity\",\"data\":\"%s\",\"n\":%lld,\"d\":%lld,\"seconds\":%.4f,\"gflops\":%.1f,"
                    "\"kernel\":\"%s\"}\n",
                    source.c_str(), (long long)x.rows(), (long long)x.cols(), s, gflop / s,
                    dense::kernelName(dense::kernel()));
    } else if (work == "knn10") {
        KnnConfig c;
        c.k = 10;
        c.threads = threads;
        auto r = knn(x, c);
        const double s = since(t0);
        if (!r)
            return 1;
        // Multiply-adds of the symmetric product (each pair once): N^2 D flops.
        const double gflop = double(x.rows()) * double(x.rows()) * double(x.cols()) / 1e9;
        std::printf("{\"work\":\"knn10\",\"data\":\"%s\",\"n\":%lld,\"d\":%lld,\"seconds\":%.4f,\"gflops\":%.1f,"
                    "\"kernel\":\"%s\"}\n",
                    source.c_str(), (long long)x.rows(), (long long)x.cols(), s, gflop / s,
                    dense::kernelName(dense::kernel()));
    } else if (work == "gemm") {
        const int n = int(x.rows()), d = int(x.cols());
        Matrix c(n, n);
        dense::gemm(false, true, n, n, d, 1.0f, x.data(), d, x.data(), d, 0.0f, c.data(), n); // warm-up
        const auto t1 = std::chrono::steady_clock::now();
        dense::gemm(false, true, n, n, d, 1.0f, x.data(), d, x.data(), d, 0.0f, c.data(), n);
        const double s = since(t1);
        std::printf("{\"work\":\"gemm\",\"data\":\"%s\",\"n\":%lld,\"d\":%lld,\"seconds\":%.4f,\"gflops\":%.1f}\n",
                    source.c_str(), (long long)n, (long long)d, s, 2.0 * n * double(n) * d / s / 1e9);
    } else {
        std::fprintf(stderr, "unknown work %s\n", work.c_str());
        return 2;
    }
    std::fflush(stdout);
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    // $EMBEDSCOPE_KERNEL (blas, avx512, portable) picks the dense path (core/analysis/dense.h).
    if (const std::string note = dense::kernelNote(); !note.empty())
        std::fprintf(stderr, "warning: %s\n", note.c_str());
    int threads = 0;
    bool trust = false;
    std::vector<std::string> pos;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--threads") && i + 1 < argc)
            threads = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--trust"))
            trust = true;
        else
            pos.emplace_back(argv[i]);
    }
    if (pos.size() >= 2) {
        auto loaded = formats::loadVectors(pos[1]);
        if (!loaded) {
            std::fprintf(stderr, "%s\n", loaded.error().message.c_str());
            return 1;
        }
        Matrix x = std::move(loaded->vectors);
        if (pos.size() >= 3 && std::atoi(pos[2].c_str()) < x.rows())
            x = Matrix(x.topRows(std::atoi(pos[2].c_str())));
        return runWork(pos[0], x, pos[1], threads, trust);
    }
    // Default suite: the dense kernels on synthetic vectors of the sizes.
    int rc = 0;
    rc |= runWork("pca", gaussian(10000, 1536, 1), "synthetic", threads, false);
    rc |= runWork("similarity", gaussian(10000, 1536, 2), "synthetic", threads, false);
    rc |= runWork("knn10", gaussian(50000, 384, 3), "synthetic", threads, false);
    if (const char *glove = std::getenv("EMBEDSCOPE_BENCH_GLOVE")) {
        auto loaded = formats::loadVectors(glove);
        if (loaded) {
            const Matrix &g = loaded->vectors;
            rc |= runWork("tsne2d", g.topRows(std::min<Eigen::Index>(1000, g.rows())), "glove", threads, true);
            rc |= runWork("tsne2d", g.topRows(std::min<Eigen::Index>(10000, g.rows())), "glove", threads, true);
            rc |= runWork("tsne3d", g.topRows(std::min<Eigen::Index>(10000, g.rows())), "glove", threads, false);
            rc |= runWork("tsne2d", g.topRows(std::min<Eigen::Index>(70000, g.rows())), "glove", threads, false);
        }
    } else {
        rc |= runWork("tsne2d", gaussian(1000, 100, 4), "synthetic", threads, true);
        rc |= runWork("tsne2d", gaussian(10000, 100, 5), "synthetic", threads, true);
        rc |= runWork("tsne3d", gaussian(10000, 100, 5), "synthetic", threads, false);
        rc |= runWork("tsne2d", gaussian(70000, 100, 6), "synthetic", threads, false);
    }
    return rc;
}
