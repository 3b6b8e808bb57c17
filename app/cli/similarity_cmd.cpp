// embedscope similarity VECTORS -o OUT.npy: the N x N cosine similarity matrix.
#include "cli/common.h"

#include "analysis/similarity.h"
#include "formats/vectors.h"

#include <chrono>

namespace es::cli {
namespace {

int runSimilarity(const Args &args)
{
    const std::string input = args.positional.at(0);
    const std::string out = args.required("--output");
    outputKind(out, {"npy"});
    const long long maxN = args.getInt("--max-n", 20000, 1, 1LL << 31);
    const auto t0 = std::chrono::steady_clock::now();
    auto loaded = loadInputVectors(input, args);
    if (!loaded)
        return fail(loaded.error());
    const Matrix &x = loaded->vectors;
    if (x.rows() > maxN)
        return fail(Error{input + ": " + std::to_string(x.rows()) + " rows, more than --max-n "
                          + std::to_string(maxN) + " (the matrix would take "
                          + std::to_string((x.rows() * x.rows() * 4) >> 20)
                          + " MiB); use `embedscope neighbors " + input
                          + " -k K -o OUT.csv` for each row's nearest neighbours, or raise --max-n"});
    auto sim = analysis::cosineSimilarity(x, progress, stopToken());
    if (!sim)
        return fail(sim.error());
    if (auto w = formats::writeNpy(out, *sim); !w)
        return fail(w.error());
    printInputStats(args, nlohmann::json::object(), *loaded, t0);
    return ExitOk;
}

std::vector<Option> similarityOptions()
{
    return vectorCommandOptions({
        {"--output", "-o", "OUT", "Output .npy file (float32, N x N)", ""},
        {"--max-n", "", "N", "Refuse inputs with more rows than this", "20000"},
    });
}

const Registrar reg{Command{
    "similarity",
    "Write the pairwise cosine similarity matrix of a set of vectors.",
    "similarity VECTORS -o OUT.npy [--max-n N] [options]",
    "VECTORS is a vectors file or a text file (embedded with the local model first).\n"
    "Entry (i, j) of OUT is the cosine similarity of rows i and j. Inputs with more\n"
    "than --max-n rows are refused: use `embedscope neighbors` for large inputs.\n"
    "--stats keys: seconds, n, dimensions.",
    similarityOptions(), 1, 1, runSimilarity}};

} // namespace
} // namespace es::cli
