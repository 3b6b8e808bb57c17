// embedscope project VECTORS -o OUT.(npy|csv) --method pca|tsne: 2D/3D coordinates.
#include "cli/common.h"

#include "analysis/pca.h"
#include "analysis/tsne.h"
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
    if (method != "pca" && method != "tsne")
        throw UsageError("--method must be pca or tsne; got '" + method + "'");
    const int dims = int(args.getInt("--dims", 2, 2, 3));
    const double perplexity = args.getDouble("--perplexity", 30.0, 1e-3, 1e6);
    const int iterations = int(args.getInt("--iterations", 1000, 1, 1000000));
    const long long seed = args.getInt("--seed", 42, 0, (1LL << 62));
    const int threads = int(args.getInt("--threads", 0, 0, 256));
    const std::string metric = args.get("--metric", "cosine");
    if (metric != "cosine" && metric != "euclidean")
        throw UsageError("--metric must be cosine or euclidean; got '" + metric + "'");
    if (method == "pca") {
        for (const char *o : {"--perplexity", "--iterations", "--metric", "--neighbors-exact", "--neighbors-approx"})
            if (args.has(o))
                printWarnings({std::string(o) + " applies to --method tsne only; ignored"});
    }

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
        {"--method", "", "M", "pca or tsne", ""},
        {"--dims", "", "D", "Output dimensions: 2 or 3", "2"},
        {"--perplexity", "", "P", "t-SNE perplexity (reduced with a warning for small inputs)", "30"},
        {"--iterations", "", "N", "t-SNE iterations", "1000"},
        {"--metric", "", "M", "t-SNE input distance: cosine or euclidean", "cosine"},
        {"--seed", "", "S", "Random seed (same seed, same coordinates on any thread count)", "42"},
        {"--threads", "", "T", "Worker threads (0: one per CPU)", "0"},
    };
    for (Option &o : neighborMethodOptions())
        own.push_back(std::move(o));
    return vectorCommandOptions(std::move(own));
}

const Registrar reg{Command{
    "project",
    "Project vectors to 2D or 3D coordinates with PCA or t-SNE.",
    "project VECTORS -o OUT.(npy|csv) --method pca|tsne [options]",
    "VECTORS is a vectors file (.npy, projector vectors.tsv, word2vec/GloVe text) or a\n"
    "text file, which is embedded with the local model first. Row i of OUT is row i of\n"
    "VECTORS. t-SNE: k = 3 x perplexity neighbours (exact up to " + std::to_string(analysis::kApproximateAboveRows) + " rows, approximate\n"
    "above unless --neighbors-exact), PCA initialisation, early exaggeration 12 for 250\n"
    "iterations, learning rate max(N/12, 200), Barnes-Hut gradient above 500 points.\n"
    "--stats keys: seconds, n, dimensions, dims, and explained_variance_ratio (pca) or\n"
    "iterations, kl_divergence and approximate_neighbors (tsne).",
    projectOptions(), 1, 1, runProject}};

} // namespace
} // namespace es::cli
