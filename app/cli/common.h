#pragma once
// Shared steps of the subcommands: reading any input of DESIGN.md section 5 as vectors
// (texts are embedded with the local model first), building an embedder from flags.
#include "analysis/neighbors.h"
#include "cli/cli.h"
#include "dataset/dataset.h"
#include "embed/factory.h"
#include "util/types.h"

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace es::cli {

struct InputVectors {
    Matrix vectors;
    std::optional<Dataset> dataset; // texts/metadata when the input had them
    EmbedStats embedStats;          // when the input was embedded
    bool embedded = false;
};

// Options every VECTORS-taking command accepts (--format, --text-column, --model-path).
std::vector<Option> vectorInputOptions();

// A VECTORS command's options: its own, then --stats and vectorInputOptions().
std::vector<Option> vectorCommandOptions(std::vector<Option> own);

// Loads VECTORS: a vectors file as is, a text file embedded with the local model.
Result<InputVectors> loadInputVectors(const std::string &path, const Args &args);

// EmbedderSpec from the embed options (provider, model, base URL, key variable, ...).
// Reads the key from the environment variable; throws UsageError for bad combinations and
// a base URL that is not http(s) with a host, InputError for a key that cannot be sent.
EmbedderSpec embedderSpecFromArgs(const Args &args);

// For an HTTP provider: the key from --api-key-env (or the provider's variable), refused
// (InputError naming the variable, never the key) when it holds a control character, and
// --stall-timeout / --max-response-mb. Nothing for the offline models.
void applyHttpArgs(EmbedderSpec &spec, const Args &args);

// A command's options followed by those of every command that can reach an HTTP
// provider: --stall-timeout, --max-response-mb.
std::vector<Option> withHttpLimitOptions(std::vector<Option> own);

// "OUT.npy" or "OUT.csv" by extension; throws UsageError for anything else.
std::string outputKind(const std::string &path, std::initializer_list<const char *> allowed);

// A number as a CSV cell: "%.9g", enough digits to read the same float back.
std::string numberCell(double value);

// Writes a CSV with `header` and `rows` lines; fill(i, cells) appends row i's cells.
Status writeRowsCsv(const std::string &path, const std::vector<std::string> &header, std::size_t rows,
                    const std::function<void(std::size_t, std::vector<std::string> &)> &fill);

// With --stats, prints `stats` plus the keys every VECTORS command shares: seconds since
// `start`, n, dimensions, and unknown_tokens when the input was embedded.
void printInputStats(const Args &args, nlohmann::json stats, const InputVectors &input,
                     std::chrono::steady_clock::time_point start);

// --neighbors-exact / --neighbors-approx (UsageError for both): how nearest neighbours are
// found; Auto (approximate above analysis::kApproximateAboveRows rows) without either.
analysis::NeighborMethod neighborMethodFromArgs(const Args &args);

// Those two options, for a command's option list.
std::vector<Option> neighborMethodOptions();

} // namespace es::cli
