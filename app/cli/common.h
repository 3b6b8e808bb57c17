#pragma once
// Shared steps of the subcommands: reading any input of DESIGN.md section 5 as vectors
// (texts are embedded with the local model first), building an embedder from flags.
#include "cli/cli.h"
#include "dataset/dataset.h"
#include "embed/factory.h"
#include "util/types.h"

#include <optional>
#include <string>

namespace es::cli {

struct InputVectors {
    Matrix vectors;
    std::optional<Dataset> dataset; // texts/metadata when the input had them
    EmbedStats embedStats;          // when the input was embedded
    bool embedded = false;
};

// Options every VECTORS-taking command accepts (--format, --text-column, --model-path).
std::vector<Option> vectorInputOptions();

// Loads VECTORS: a vectors file as is, a text file embedded with the local model.
Result<InputVectors> loadInputVectors(const std::string &path, const Args &args);

// EmbedderSpec from the embed options (provider, model, base URL, key variable, ...).
// Reads the key from the environment variable; throws UsageError for bad combinations.
EmbedderSpec embedderSpecFromArgs(const Args &args);

// "OUT.npy" or "OUT.csv" by extension; throws UsageError for anything else.
std::string outputKind(const std::string &path, std::initializer_list<const char *> allowed);

} // namespace es::cli
