#pragma once
// StreamingEmbedder: an embedder that hands over each batch of vectors as soon as it
// arrives, so a wrapper (the cache) keeps finished work even when the run later fails or is
// cancelled. The HTTP embedder implements it; CachingEmbedder uses it when available.
#include "embed/embedder.h"

#include <cstddef>
#include <functional>
#include <span>
#include <vector>

namespace es {

struct StreamHooks {
    // Called on the embedding thread for every validated batch: `rows` index the texts given
    // to embed(), `data` holds rows.size() * dims floats, row-major.
    std::function<void(std::span<const std::size_t> rows, const float *data, int dims)> onBatch;
    // For messages and progress: the caller's row number (0-based) of each text given to
    // embed() (empty: the index itself), texts already served elsewhere (cache hits) and
    // the caller's total.
    std::vector<std::size_t> originalRows;
    std::int64_t alreadyDone = 0;
    std::int64_t total = 0;
};

class StreamingEmbedder {
public:
    virtual ~StreamingEmbedder() = default;
    virtual Result<EmbedResult> embedStreaming(const std::vector<std::string> &texts,
                                               const Progress &progress, std::stop_token stop,
                                               const StreamHooks &hooks) = 0;
};

} // namespace es
