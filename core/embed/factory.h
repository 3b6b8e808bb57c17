#pragma once
// EmbedderSpec: everything needed to build an embedder, as given on the command line or in
// the GUI's provider settings. makeEmbedder() is the one place that knows every provider.
#include "embed/embedder.h"

#include <cstdint>
#include <memory>
#include <string>

namespace es {

struct EmbedderSpec {
    std::string provider = "local";  // local | openai | azure | ollama | tei
    std::string model;               // provider model name ("" = provider default)
    std::string baseUrl;             // "" = provider default
    std::string apiKey;              // the key itself (never stored, never printed)
    std::string apiVersion = "2024-02-01"; // azure
    int dimensions = 0;              // 0 = model default
    int batchSize = 0;               // 0 = provider default
    int concurrency = 4;
    bool useCache = true;
    std::string cachePath;           // "" = default location
    int stallTimeoutSeconds = 0;     // http: give up a transfer idle this long (0 = default, 30 s)
    std::int64_t maxResponseBytes = 0; // http: response cap (0 = automatic, see http::responseCap)
    std::string modelPath;           // local: explicit model file ("" = search order)
    bool removeDatasetComponent = false; // local: also remove the data set's own common component
};

// Builds the embedder or says exactly what is missing ("--model is required for ollama").
// An HTTP provider's base URL and key are checked here, before anything can be sent:
// http(s) with a host only, no control characters in the key (http::optionsProblem).
Result<std::unique_ptr<Embedder>> makeEmbedder(const EmbedderSpec &spec);

// Default environment variable holding the key for a provider ("" when none).
std::string defaultKeyVariable(const std::string &provider);

} // namespace es
