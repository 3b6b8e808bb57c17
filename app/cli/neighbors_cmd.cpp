// embedscope neighbors VECTORS -k K -o OUT.csv: exact cosine nearest neighbours per row.
#include "cli/common.h"

#include "analysis/neighbors.h"
#include "formats/vectors.h"

#include <chrono>
#include <cstdio>

namespace es::cli {
namespace {

int runNeighbors(const Args &args)
{
    const std::string input = args.positional.at(0);
    const std::string out = args.required("--output");
    outputKind(out, {"csv"});
    if (!args.has("-k"))
        throw UsageError("-k is required");
    const int k = int(args.getInt("-k", 10, 1, 100000));
    const int threads = int(args.getInt("--threads", 0, 0, 256));
    const auto t0 = std::chrono::steady_clock::now();
    auto loaded = loadInputVectors(input, args);
    if (!loaded)
        return fail(loaded.error());
    const Matrix &x = loaded->vectors;
    analysis::KnnConfig kc;
    kc.k = k;
    kc.threads = threads;
    auto nn = analysis::knn(x, kc, progress, stopToken());
    if (!nn)
        return fail(nn.error());
    std::vector<std::vector<std::string>> rows;
    rows.reserve(std::size_t(x.rows()) * k);
    char buf[32];
    for (int i = 0; i < nn->rows(); ++i)
        for (int r = 0; r < k; ++r) {
            std::snprintf(buf, sizeof buf, "%.9g", double(nn->sim(i, r)));
            rows.push_back({std::to_string(i), std::to_string(r + 1), std::to_string(nn->at(i, r)), buf});
        }
    if (auto w = formats::writeCsv(out, {"row", "rank", "neighbor", "similarity"}, rows); !w)
        return fail(w.error());
    if (args.has("--stats")) {
        nlohmann::json stats{{"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()},
                             {"n", x.rows()},
                             {"dimensions", x.cols()}};
        if (loaded->embedded)
            stats["unknown_tokens"] = loaded->embedStats.unknownTokens;
        printStats(stats);
    }
    return ExitOk;
}

std::vector<Option> neighborsOptions()
{
    std::vector<Option> o{
        {"--output", "-o", "OUT", "Output .csv file: row,rank,neighbor,similarity", ""},
        {"-k", "", "K", "Neighbours per row (required)", ""},
        {"--threads", "", "T", "Worker threads (0: one per CPU)", "0"},
        {"--stats", "", "", "Print a JSON object of figures as the last line of stdout", ""},
    };
    for (auto &v : vectorInputOptions())
        o.push_back(v);
    return o;
}

const Registrar reg{Command{
    "neighbors",
    "Write each row's k nearest neighbours by cosine similarity (exact).",
    "neighbors VECTORS -k K -o OUT.csv [options]",
    "VECTORS is a vectors file or a text file (embedded with the local model first).\n"
    "OUT has one line per row and rank: row,rank,neighbor,similarity, rows counted from\n"
    "0 as in the input, rank 1 the nearest; the row itself is excluded and ties go to the\n"
    "lower row. --stats keys: seconds, n, dimensions.",
    neighborsOptions(), 1, 1, runNeighbors}};

} // namespace
} // namespace es::cli
