#pragma once
// HttpEmbedder: embeddings from an HTTP service (OpenAI and compatible servers, Azure
// OpenAI, Ollama, Hugging Face TEI) over libcurl's multi interface: several requests in
// flight on one thread, retries with exponential back-off and full jitter (honouring
// Retry-After), batch splitting on 413 / "too long", strict response validation, and
// cancellation within a poll interval (curl_multi_wakeup + the transfer progress callback).
// The key is held only in memory and scrubbed from every message this class produces; so is
// the user-info of the base URL. Nothing is sent before optionsProblem() says the URL and the
// key are sound; redirects are not followed, responses are capped (responseCap) and a
// stalled transfer is given up after stallTimeout.
#include "embed/embedder.h"
#include "embed/http/streaming.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace es::http {

enum class Provider { OpenAI, Azure, Ollama, Tei };

std::string_view providerName(Provider p);
std::optional<Provider> providerFromName(std::string_view name);

inline constexpr std::chrono::seconds kDefaultStallTimeout{60};

struct HttpOptions {
    Provider provider = Provider::OpenAI;
    std::string baseUrl;       // API root as documented by the provider (no endpoint)
    std::string model;         // not sent to Azure (the deployment is in the URL)
    std::string apiKey;        // may be empty (local servers)
    std::string apiVersion = "2024-02-01"; // Azure
    int dimensions = 0;        // 0 = model default; otherwise sent and checked
    int batchSize = 0;         // texts per request; 0 = provider default
    int maxTokensPerRequest = 0; // estimated tokens per request; 0 = provider default
    int concurrency = 4;       // requests in flight
    int maxAttempts = 6;       // per batch, the first try included
    std::chrono::milliseconds connectTimeout{10000};
    std::chrono::milliseconds requestTimeout{600000}; // whole request
    // A transfer that receives (or sends) nothing for this long has stalled: it is given
    // up (within a second; libcurl's low-speed limit as a backstop) and retried once, and a
    // second stall of the same batch ends the run.
    std::chrono::seconds stallTimeout{kDefaultStallTimeout};
    // Largest response accepted, in bytes; 0 = automatic: responseCap() of the batch.
    std::int64_t maxResponseBytes = 0;
    std::chrono::milliseconds backoffBase{500};
    std::chrono::milliseconds backoffMax{30000};
    std::chrono::milliseconds retryAfterMax{120000};
    // Optional wire trace (curl's verbose output, keys redacted); called on the embedding thread.
    std::function<void(std::string_view)> trace;
};

// Provider defaults and limits.
std::string defaultBaseUrl(Provider p);           // "" for Azure (no default)
int defaultBatchSize(Provider p);
int maxBatchSize(Provider p);                     // the API's documented limit
int defaultMaxTokensPerRequest(Provider p);
// Endpoint URL for a base URL ("{base}/embeddings", "?api-version=" for Azure, ...).
std::string endpointUrl(const HttpOptions &o);

// The automatic response cap for a batch of `texts` vectors of `dims` dimensions (dims 0:
// not known yet, 4096 assumed): twice the largest valid answer written as a JSON list of
// floats (32 bytes a number, 256 bytes an item), and never below 16 MB.
std::int64_t responseCap(std::size_t texts, int dims);

// What makes these options unsafe or impossible to send, or nullopt: a base URL that is
// not http(s) with a host (url::httpUrlProblem), a key with a control character (it would
// add HTTP headers of its own). Checked before any request; the key is never quoted.
std::optional<std::string> optionsProblem(const HttpOptions &o);
std::optional<std::string> apiKeyProblem(std::string_view key);

// Rough token count of a text (about 4 bytes of English per token), used for the consent
// estimate and the cost; batching uses a more cautious 3 bytes per token.
std::int64_t estimateTokens(std::string_view text);
// US dollars per million tokens for known OpenAI models, or nullopt.
std::optional<double> pricePerMillionTokens(std::string_view model);

// Removes every echo of `key` (whole or any 6+ character piece of it) from `text`.
std::string scrubKey(std::string text, std::string_view key);

// Protocol, exposed for tests: the request body for these texts, and the decoded response.
std::string requestBody(const HttpOptions &o, const std::vector<std::string_view> &texts);
struct DecodedResponse {
    std::vector<std::vector<float>> vectors; // by input position
    std::int64_t tokens = -1;                // from "usage" when the provider reports it
};
// Checks count, indices (each once), one dimension (== expectDims when > 0), finite values
// and no all-zero vector. Errors name the offending position within the batch (0-based in
// `what`, translated to rows by the caller).
struct ResponseError {
    std::string message;
    int position = -1;     // input position within the batch, or -1
    bool malformed = false;// not JSON / truncated (worth a retry) vs. wrong content
};
std::variant<DecodedResponse, ResponseError> decodeResponse(Provider p, std::string_view body,
                                                            std::size_t inputs, int expectDims);
// The provider's error message from an error body (OpenAI/Azure/Ollama/TEI shapes),
// falling back to the start of the body.
std::string providerMessage(std::string_view body);

class HttpEmbedder final : public Embedder, public StreamingEmbedder {
public:
    explicit HttpEmbedder(HttpOptions options);
    ~HttpEmbedder() override;

    std::string id() const override;
    std::string displayName() const override;
    int dimensions() const override { return dims_.load(); }
    bool isRemote() const override;
    Result<EmbedResult> embed(const std::vector<std::string> &texts, const Progress &progress = {},
                              std::stop_token stop = {}) override;
    Result<EmbedResult> embedStreaming(const std::vector<std::string> &texts, const Progress &progress,
                                       std::stop_token stop, const StreamHooks &hooks) override;
    SendEstimate estimate(const std::vector<std::string> &texts) const override;

    const HttpOptions &options() const { return o_; }

private:
    HttpOptions o_;
    std::atomic<int> dims_{0};
    std::mutex runMutex_; // one embed() at a time per instance
};

} // namespace es::http
