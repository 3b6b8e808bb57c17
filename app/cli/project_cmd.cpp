// embedscope project VECTORS -o OUT.(npy|csv) --method pca|tsne|umap: 2D/3D coordinates.
#include "cli/common.h"

#include "analysis/pca.h"
#include "analysis/tsne.h"
#include "analysis/umap.h"
#include "formats/vectors.h"

#include <chrono>
#include <cmath>

namespace es::cli {
namespace {

int runProject(const Args &args)
{
    const std::string input = args.positional.at(0);
    const std::string out = args.required("--output");
    const std::string kind = outputKind(out, {"npy", "csv"});
    const std::string method = args.required("--method");
    if (method != "pca" && method != "tsne" && method != "umap")
        throw UsageError("--method must be pca, tsne or umap; got '" + method + "'");
    const int dims = int(args.getInt("--dims", 2, 2, 3));
    const double perplexity = args.getDouble("--perplexity", 30.0, 1e-3, 1e6);
    const int iterations = int(args.getInt("--iterations", 1000, 1, 1000000));
    const int neighbors = int(args.getInt("--neighbors", 15, 2, 1000));
    const double minDist = args.getDouble("--min-dist", 0.1, 0.0, 1e6);
    const double spread = args.getDouble("--spread", 1.0, 1e-6, 1e6);
    if (minDist > spread)
        throw UsageError("--min-dist (" + args.get("--min-dist", "0.1") + ") must not exceed --spread ("
                         + args.get("--spread", "1") + ")");
    const int epochs = int(args.getInt("--epochs", 0, 0, 1000000));
    const long long seed = args.getInt("--seed", 42, 0, (1LL << 62));
    const int threads = int(args.getInt("--threads", 0, 0, 256));
    const std::string metric = args.get("--metric", "cosine");
    if (metric != "cosine" && metric != "euclidean")
        throw UsageError("--metric must be cosine or euclidean; got '" + metric + "'");
    if (method != "tsne")
        for (const char *o : {"--perplexity", "--iterations"})
            if (args.has(o))
                printWarnings({std::string(o) + " applies to --method tsne only; ignored"});
    if (method != "umap")
        for (const char *o : {"--neighbors", "--min-dist", "--spread", "--epochs"})
            if (args.has(o))
                printWarnings({std::string(o) + " applies to --method umap only; ignored"});
    if (method == "pca")
        for (const char *o : {"--metric", "--neighbors-exact", "--neighbors-approx"})
            if (args.has(o))
                printWarnings({std::string(o) + " applies to --method tsne and umap only; ignored"});

    const auto t0 = std::chrono::steady_clock::now();
    auto loaded = loadInputVectors(input, args);
    if (!loaded)
        return fail(loaded.error());
    const Matrix &x = loaded->vectors;

    nlohmann::json stats;
    Matrix coords;
    if (method == "pca") {
        analysis::PcaConfig pc;
        pc.components = dims;
        pc.seed = std::uint64_t(seed);
        auto r = analysis::pca(x, pc, progress, stopToken());
        if (!r)
            return fail(r.error());
        coords = std::move(r->coords);
        stats["explained_variance_ratio"] = r->explainedVarianceRatio;
    } else if (method == "umap") {
        analysis::UmapConfig uc;
        uc.dims = dims;
        uc.neighbors = neighbors;
        uc.minDist = minDist;
        uc.spread = spread;
        uc.epochs = epochs;
        uc.seed = std::uint64_t(seed);
        uc.threads = threads;
        uc.metric = metric == "cosine" ? analysis::Metric::Cosine : analysis::Metric::Euclidean;
        uc.neighborMethod = neighborMethodFromArgs(args);
        analysis::UmapCallbacks cb;
        cb.progress = progress;
        auto r = analysis::umap(x, uc, cb, stopToken());
        if (!r)
            return fail(r.error());
        printWarnings(r->warnings);
        coords = std::move(r->coords);
        stats["epochs"] = r->epochs;
        stats["neighbors"] = r->neighbors;
        stats["init"] = r->init == analysis::UmapInit::Spectral ? "spectral" : "pca";
        stats["approximate_neighbors"] = r->approximateNeighbours;
    } else {
        analysis::TsneConfig tc;
        tc.dims = dims;
        tc.perplexity = perplexity;
        tc.iterations = iterations;
        tc.seed = std::uint64_t(seed);
        tc.threads = threads;
        tc.neighbors = neighborMethodFromArgs(args);
        tc.metric = metric == "cosine" ? analysis::Metric::Cosine : analysis::Metric::Euclidean;
        analysis::TsneCallbacks cb;
        cb.progress = progress;
        auto r = analysis::tsne(x, tc, cb, stopToken());
        if (!r)
            return fail(r.error());
        printWarnings(r->warnings);
        coords = std::move(r->coords);
        stats["iterations"] = r->iterations;
        stats["kl_divergence"] = r->klDivergence;
        stats["perplexity"] = r->perplexity;
        stats["approximate_neighbors"] = r->approximateNeighbours;
    }

    Status written = Ok{};
    if (kind == "npy") {
        written = formats::writeNpy(out, coords);
    } else {
        std::vector<std::string> header{"row", "x", "y"};
        if (dims == 3)
            header.emplace_back("z");
        written = writeRowsCsv(out, header, std::size_t(coords.rows()), [&](std::size_t r, std::vector<std::string> &cells) {
            cells.push_back(std::to_string(r));
            for (Eigen::Index c = 0; c < coords.cols(); ++c)
                cells.push_back(numberCell(coords(Eigen::Index(r), c)));
        });
    }
    if (!written)
        return fail(written.error());

    stats["dims"] = dims;
    printInputStats(args, std::move(stats), *loaded, t0);
    return ExitOk;
}

std::vector<Option> projectOptions()
{
    std::vector<Option> own{
        {"--output", "-o", "OUT", "Output file: .npy (float32, N x dims) or .csv (row,x,y[,z])", ""},
        {"--method", "", "M", "pca, tsne or umap", ""},
        {"--dims", "", "D", "Output dimensions: 2 or 3", "2"},
        {"--perplexity", "", "P", "t-SNE perplexity (reduced with a warning for small inputs)", "30"},
        {"--iterations", "", "N", "t-SNE iterations", "1000"},
        {"--metric", "", "M", "t-SNE and UMAP input distance: cosine or euclidean", "cosine"},
        {"--neighbors", "", "K", "UMAP neighbours per point, the point itself included (2 to 1000)", "15"},
        {"--min-dist", "", "X", "UMAP minimum distance between embedded points (0 to --spread)", "0.1"},
        {"--spread", "", "X", "UMAP scale of the embedded points", "1"},
        {"--epochs", "", "N", "UMAP optimisation epochs (0: 500 up to 10,000 points, else 200)", "0"},
        {"--seed", "", "S", "Random seed (same seed, same coordinates on any thread count)", "42"},
        {"--threads", "", "T", "Worker threads (0: one per CPU)", "0"},
    };
    for (Option &o : neighborMethodOptions())
        own.push_back(std::move(o));
    return vectorCommandOptions(std::move(own));
}

const Registrar reg{Command{
    "project",
    "Project vectors to 2D or 3D coordinates with PCA, t-SNE or UMAP.",
    "project VECTORS -o OUT.(npy|csv) --method pca|tsne|umap [options]",
    "VECTORS is a vectors file (.npy, projector vectors.tsv, word2vec/GloVe text) or a\n"
    "text file, which is embedded with the local model first. Row i of OUT is row i of\n"
    "VECTORS. t-SNE and UMAP: neighbours exact up to " + std::to_string(analysis::kApproximateAboveRows) + " rows, approximate\n"
    "(IVF k-NN join) above unless --neighbors-exact. t-SNE: k = 3 x perplexity neighbours, PCA\n"
    "initialisation, early exaggeration 12 for 250 iterations, learning rate max(N/12, 200),\n"
    "Barnes-Hut gradient above 500 points. UMAP: fuzzy union, spectral initialisation (a\n"
    "disconnected graph part by part, each around its own place; PCA, with a warning, if\n"
    "the eigensolver does not converge), SGD with negative sampling; the same seed gives\n"
    "the same map on any thread count. --stats keys: seconds, n, dimensions, dims, and\n"
    "explained_variance_ratio (pca), iterations, kl_divergence and approximate_neighbors\n"
    "(tsne), or epochs, neighbors, init and approximate_neighbors (umap).",
    projectOptions(), 1, 1, runProject}};

} // namespace
} // namespace es::cli
