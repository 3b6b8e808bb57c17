#pragma once
// Embedder: turns texts into vectors. One interface for the local model and every HTTP
// provider, so the CLI, the GUI and the cache treat them alike.
#include "util/result.h"
#include "util/types.h"

#include <cstdint>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

namespace es {

struct EmbedStats {
    std::int64_t unknownTokens = 0;  // local model: tokens not in the vocabulary
    std::int64_t tokens = 0;         // tokens seen (local) or estimated (HTTP)
    std::int64_t requests = 0;       // HTTP requests sent
    std::int64_t retries = 0;        // HTTP retries
    std::int64_t cacheHits = 0;      // texts served from the cache
};

struct EmbedResult {
    Matrix vectors;     // one row per input text, in input order
    Warnings warnings;  // e.g. "row 7: no known word; using the unknown-word vector"
    EmbedStats stats;
};

// What leaves the machine before a remote embedding: shown in the consent dialog.
struct SendEstimate {
    std::int64_t texts = 0;          // texts that would be sent (cache misses)
    std::int64_t tokens = 0;         // estimated tokens
    std::optional<double> costUsd;   // for known models
};

class Embedder {
public:
    virtual ~Embedder() = default;

    // Stable identity for caches and project files, e.g. "local:glove-100d:<checksum>" or
    // "openai:https://api.openai.com/v1:text-embedding-3-small:1536". Never a key.
    virtual std::string id() const = 0;
    // Human readable, e.g. "GloVe 100d (local, SIF)".
    virtual std::string displayName() const = 0;
    // Dimension of the vectors, or 0 while unknown (an HTTP model before its first reply).
    virtual int dimensions() const = 0;
    // True when texts leave the machine.
    virtual bool isRemote() const = 0;

    // Embed texts (none may be empty). Row i of the result is texts[i]. Progress is
    // reported as the fraction of texts done; cancellation returns Error::cancel().
    virtual Result<EmbedResult> embed(const std::vector<std::string> &texts,
                                      const Progress &progress = {},
                                      std::stop_token stop = {}) = 0;

    // Local embedders return texts=0 (nothing leaves the machine).
    virtual SendEstimate estimate(const std::vector<std::string> &texts) const
    {
        (void)texts;
        return {};
    }
};

} // namespace es
