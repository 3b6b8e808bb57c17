// embedscope neighbors VECTORS -k K -o OUT.csv: cosine nearest neighbours per row (exact, or
// approximate above analysis::kApproximateAboveRows rows unless --neighbors-exact).
#include "cli/common.h"

#include "analysis/neighbors.h"
#include "formats/vectors.h"

#include <chrono>

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
    const analysis::NeighborMethod method = neighborMethodFromArgs(args);
    const auto t0 = std::chrono::steady_clock::now();
    auto loaded = loadInputVectors(input, args);
    if (!loaded)
        return fail(loaded.error());
    const Matrix &x = loaded->vectors;
    analysis::KnnConfig kc;
    kc.k = k;
    kc.threads = threads;
    kc.method = method;
    auto nn = analysis::knn(x, kc, progress, stopToken());
    if (!nn)
        return fail(nn.error());
    // One line per (row, rank): row,rank,neighbor,similarity.
    const auto written = writeRowsCsv(out, {"row", "rank", "neighbor", "similarity"}, std::size_t(nn->rows()) * k,
                                      [&](std::size_t line, std::vector<std::string> &cells) {
                                          const int i = int(line / k), r = int(line % k);
                                          cells = {std::to_string(i), std::to_string(r + 1),
                                                   std::to_string(nn->at(i, r)), numberCell(nn->sim(i, r))};
                                      });
    if (!written)
        return fail(written.error());
    printInputStats(args, nlohmann::json{{"approximate_neighbors", nn->approximate}}, *loaded, t0);
    return ExitOk;
}

std::vector<Option> neighborsOptions()
{
    std::vector<Option> own{
        {"--output", "-o", "OUT", "Output .csv file: row,rank,neighbor,similarity", ""},
        {"-k", "", "K", "Neighbours per row (required)", ""},
        {"--threads", "", "T", "Worker threads (0: one per CPU)", "0"},
    };
    for (Option &o : neighborMethodOptions())
        own.push_back(std::move(o));
    return vectorCommandOptions(std::move(own));
}

const Registrar reg{Command{
    "neighbors",
    "Write each row's k nearest neighbours by cosine similarity.",
    "neighbors VECTORS -k K -o OUT.csv [options]",
    "VECTORS is a vectors file or a text file (embedded with the local model first).\n"
    "OUT has one line per row and rank: row,rank,neighbor,similarity, rows counted from\n"
    "0 as in the input, rank 1 the nearest; the row itself is excluded and ties go to the\n"
    "lower row. Above " + std::to_string(analysis::kApproximateAboveRows) + " rows the neighbours are approximate (IVF k-NN join;\n"
    "recall@10 about 0.98 or better; the same result on any thread count) unless\n"
    "--neighbors-exact. --stats keys: seconds, n, dimensions, approximate_neighbors.",
    neighborsOptions(), 1, 1, runNeighbors}};

} // namespace
} // namespace es::cli
