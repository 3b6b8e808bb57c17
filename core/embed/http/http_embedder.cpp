#include "embed/http/http_embedder.h"

#include "util/url.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <deque>
#include <list>
#include <memory>
#include <random>

namespace es::http {
namespace {

using Clock = std::chrono::steady_clock;

void curlGlobalInit()
{
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string lower(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

bool contains(const std::string &haystack, std::string_view needle)
{
    return haystack.find(needle) != std::string::npos;
}

// One batch of inputs (indices into the texts of the run) and its retry state.
struct Job {
    std::vector<std::size_t> items;
    int batchNo = 0;
    int attempt = 0;            // failed attempts so far
    int stalls = 0;             // attempts given up because nothing arrived for stallTimeout
    Clock::time_point notBefore{};
};

// Per-run context shared with the curl callbacks.
struct RunContext {
    std::stop_token stop;
    const std::function<void(std::string_view)> *trace = nullptr;
    std::string_view key;
};

struct Transfer {
    CURL *easy = nullptr;
    Job job;
    std::string body;
    std::string response;
    std::optional<double> retryAfterSeconds;
    std::size_t maxBytes = 0;   // the response cap of this batch
    bool tooLarge = false;      // the response went beyond maxBytes (the transfer was stopped)
    // Stall detection: the byte counts last seen and when they last moved.
    Clock::duration stallTimeout{};
    curl_off_t lastDown = -1, lastUp = -1;
    Clock::time_point lastActivity = Clock::now();
    bool stalled = false;       // nothing moved for stallTimeout (the transfer was stopped)
    RunContext *ctx = nullptr;
    char errbuf[CURL_ERROR_SIZE] = {};
};

size_t onWrite(char *p, size_t size, size_t n, void *ud)
{
    auto *t = static_cast<Transfer *>(ud);
    if (t->response.size() + size * n > t->maxBytes) {
        t->tooLarge = true;
        return 0; // stops the transfer (CURLE_WRITE_ERROR)
    }
    t->response.append(p, size * n);
    return size * n;
}

// "16 MB", "1.5 MB" (SI megabytes, as --max-response-mb).
std::string megabytes(std::int64_t bytes)
{
    char buf[32];
    if (bytes % 1000000 == 0)
        std::snprintf(buf, sizeof buf, "%lld MB", static_cast<long long>(bytes / 1000000));
    else
        std::snprintf(buf, sizeof buf, "%.1f MB", double(bytes) / 1e6);
    return buf;
}

size_t onHeader(char *p, size_t size, size_t n, void *ud)
{
    auto *t = static_cast<Transfer *>(ud);
    const std::string line = lower(std::string_view(p, size * n));
    if (line.rfind("http/", 0) == 0) { // a new response (after a 100 Continue): forget the last
        t->retryAfterSeconds.reset();
        t->response.clear();
    }
    auto value = [&](std::string_view name) -> std::optional<std::string> {
        if (line.rfind(name, 0) != 0)
            return std::nullopt;
        std::string v = line.substr(name.size());
        while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back())))
            v.pop_back();
        while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front())))
            v.erase(v.begin());
        return v;
    };
    if (auto ms = value("retry-after-ms:")) {
        try { t->retryAfterSeconds = std::stod(*ms) / 1000.0; } catch (...) {}
    } else if (auto s = value("retry-after:")) {
        try {
            t->retryAfterSeconds = std::stod(*s);
        } catch (...) {
            // An HTTP date: seconds from now.
            const std::string original(p + 12, size * n > 12 ? size * n - 12 : 0);
            const time_t when = curl_getdate(original.c_str(), nullptr);
            if (when > 0)
                t->retryAfterSeconds = std::max(0.0, double(when - time(nullptr)));
        }
    }
    return size * n;
}

// Cancellation, and the stall check: libcurl's low-speed limit averages over a window of
// about five seconds, so a 2 s limit fired after 6-7 s; counting the time since the byte
// counts last moved gives up within a second of stallTimeout.
int onProgress(void *ud, curl_off_t, curl_off_t dlnow, curl_off_t, curl_off_t ulnow)
{
    auto *t = static_cast<Transfer *>(ud);
    if (t->ctx->stop.stop_requested())
        return 1;
    const auto now = Clock::now();
    if (dlnow != t->lastDown || ulnow != t->lastUp) {
        t->lastDown = dlnow;
        t->lastUp = ulnow;
        t->lastActivity = now;
    } else if (now - t->lastActivity >= t->stallTimeout) {
        t->stalled = true;
        return 1;
    }
    return 0;
}

// curl's verbose output, passed to the trace sink with credentials removed.
int onDebug(CURL *, curl_infotype type, char *data, size_t size, void *ud)
{
    auto *ctx = static_cast<RunContext *>(ud);
    if (!ctx->trace || !*ctx->trace)
        return 0;
    std::string text(data, std::min<size_t>(size, 4000));
    const char *prefix = "* ";
    switch (type) {
    case CURLINFO_HEADER_OUT: {
        prefix = "> ";
        std::string out;
        std::size_t start = 0;
        while (start < text.size()) {
            std::size_t end = text.find('\n', start);
            if (end == std::string::npos)
                end = text.size() - 1;
            std::string line = text.substr(start, end - start + 1);
            const std::string l = lower(line);
            if (l.rfind("authorization:", 0) == 0 || l.rfind("api-key:", 0) == 0
                || l.rfind("proxy-authorization:", 0) == 0)
                line = line.substr(0, line.find(':') + 1) + " [redacted]\n";
            out += line;
            start = end + 1;
        }
        text = std::move(out);
        break;
    }
    case CURLINFO_HEADER_IN: prefix = "< "; break;
    case CURLINFO_DATA_OUT: prefix = "> [body] "; break;
    case CURLINFO_DATA_IN: prefix = "< [body] "; break;
    case CURLINFO_TEXT: break;
    default: return 0;
    }
    (*ctx->trace)(prefix + url::redactUrls(scrubKey(std::move(text), ctx->key)));
    return 0;
}

std::string rowsText(const Job &job, const std::vector<std::size_t> &originalRows)
{
    auto row = [&](std::size_t i) { return (originalRows.empty() ? i : originalRows[i]) + 1; };
    std::size_t lo = row(job.items.front()), hi = lo;
    for (auto i : job.items) {
        lo = std::min(lo, row(i));
        hi = std::max(hi, row(i));
    }
    return lo == hi ? "row " + std::to_string(lo)
                    : "rows " + std::to_string(lo) + "-" + std::to_string(hi);
}

bool isLocalHost(const std::string &url)
{
    std::string u = lower(url);
    const auto scheme = u.find("://");
    if (scheme != std::string::npos)
        u = u.substr(scheme + 3);
    if (auto at = u.find('@'); at != std::string::npos && at < u.find('/'))
        u = u.substr(at + 1);
    std::string host = u.substr(0, u.find_first_of("/?"));
    if (!host.empty() && host[0] == '[')
        host = host.substr(1, host.find(']') - 1);
    else
        host = host.substr(0, host.find(':'));
    return host == "localhost" || host.rfind("127.", 0) == 0 || host == "::1";
}

} // namespace

HttpEmbedder::HttpEmbedder(HttpOptions options) : o_(std::move(options))
{
    if (o_.dimensions > 0)
        dims_ = o_.dimensions;
    curlGlobalInit();
}

HttpEmbedder::~HttpEmbedder() = default;

std::string HttpEmbedder::id() const
{
    std::string base = o_.baseUrl;
    while (!base.empty() && base.back() == '/')
        base.pop_back();
    // The identity of the vectors (cache key, --stats, project files): never a password.
    return std::string(providerName(o_.provider)) + ":" + url::redactUserInfo(base) + ":" + o_.model + ":"
           + std::to_string(o_.dimensions);
}

std::string HttpEmbedder::displayName() const
{
    std::string name = o_.model.empty() ? std::string(providerName(o_.provider)) : o_.model;
    return name + " (" + std::string(providerName(o_.provider)) + ", " + url::redactUserInfo(o_.baseUrl) + ")";
}

bool HttpEmbedder::isRemote() const { return !isLocalHost(o_.baseUrl); }

SendEstimate HttpEmbedder::estimate(const std::vector<std::string> &texts) const
{
    SendEstimate e;
    e.texts = std::int64_t(texts.size());
    for (const auto &t : texts)
        e.tokens += estimateTokens(t);
    if (o_.provider == Provider::OpenAI || o_.provider == Provider::Azure)
        if (auto price = pricePerMillionTokens(o_.model))
            e.costUsd = double(e.tokens) * *price / 1e6;
    return e;
}

Result<EmbedResult> HttpEmbedder::embed(const std::vector<std::string> &texts, const Progress &progress,
                                        std::stop_token stop)
{
    return embedStreaming(texts, progress, stop, {});
}

Result<EmbedResult> HttpEmbedder::embedStreaming(const std::vector<std::string> &texts,
                                                 const Progress &progress, std::stop_token stop,
                                                 const StreamHooks &hooks)
{
    std::lock_guard runLock(runMutex_);
    const std::size_t n = texts.size();
    auto rowOf = [&](std::size_t i) { return (hooks.originalRows.empty() ? i : hooks.originalRows[i]) + 1; };
    EmbedResult result;
    if (n == 0) {
        result.vectors = Matrix(0, dims_.load());
        return result;
    }
    for (std::size_t i = 0; i < n; ++i)
        if (texts[i].empty())
            return Error{"row " + std::to_string(rowOf(i)) + ": empty text"};
    if (o_.baseUrl.empty())
        return Error{"no base URL for " + std::string(providerName(o_.provider))};
    if (auto problem = optionsProblem(o_)) // before anything is sent
        return Error{scrubKey(*problem, o_.apiKey)};

    // Batches in input order, bounded by count and by cautiously estimated tokens.
    const int batchLimit = std::clamp(o_.batchSize > 0 ? o_.batchSize : defaultBatchSize(o_.provider), 1,
                                      maxBatchSize(o_.provider));
    const std::int64_t tokenLimit = o_.maxTokensPerRequest > 0 ? o_.maxTokensPerRequest
                                                               : defaultMaxTokensPerRequest(o_.provider);
    std::deque<Job> queue;
    {
        Job cur;
        std::int64_t curTokens = 0;
        int batchNo = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const std::int64_t t = std::max<std::int64_t>(1, std::int64_t(texts[i].size() + 2) / 3);
            if (!cur.items.empty() && (int(cur.items.size()) >= batchLimit || curTokens + t > tokenLimit)) {
                cur.batchNo = ++batchNo;
                queue.push_back(std::move(cur));
                cur = Job{};
                curTokens = 0;
            }
            cur.items.push_back(i);
            curTokens += t;
        }
        cur.batchNo = ++batchNo;
        queue.push_back(std::move(cur));
    }
    const std::size_t batches = queue.size();

    RunContext ctx{stop, &o_.trace, o_.apiKey};
    const std::string url = endpointUrl(o_);
    const std::string urlShown = url::redactUserInfo(scrubKey(url, o_.apiKey));
    curl_slist *headers = nullptr;
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, "Accept: application/json");
    headers = curl_slist_append(headers, "Expect:");
    if (!o_.apiKey.empty()) {
        const std::string auth = o_.provider == Provider::Azure ? "api-key: " + o_.apiKey
                                                                : "Authorization: Bearer " + o_.apiKey;
        headers = curl_slist_append(headers, auth.c_str());
    }
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headersGuard(headers, &curl_slist_free_all);
    std::unique_ptr<CURLM, decltype(&curl_multi_cleanup)> multi(curl_multi_init(), &curl_multi_cleanup);
    const int concurrency = std::max(1, o_.concurrency);
    curl_multi_setopt(multi.get(), CURLMOPT_MAX_HOST_CONNECTIONS, long(concurrency));
    curl_multi_setopt(multi.get(), CURLMOPT_MAXCONNECTS, long(concurrency));

    std::list<std::unique_ptr<Transfer>> active;
    std::vector<CURL *> idle;
    std::vector<Job> waiting; // retries not yet due
    auto cleanup = [&] {
        for (auto &t : active) {
            curl_multi_remove_handle(multi.get(), t->easy);
            curl_easy_cleanup(t->easy);
        }
        active.clear();
        for (CURL *e : idle)
            curl_easy_cleanup(e);
        idle.clear();
    };
    // Wakes curl_multi_poll at once when the caller cancels (destroyed before `multi`).
    std::stop_callback wake(stop, [m = multi.get()] { curl_multi_wakeup(m); });

    Matrix out;
    int dims = o_.dimensions > 0 ? o_.dimensions : 0;
    std::size_t done = 0;
    std::size_t adaptiveCap = std::size_t(batchLimit);
    std::optional<Error> fatal;
    bool cancelled = false;
    std::mt19937_64 rng{std::random_device{}()};
    const auto t0 = Clock::now();
    const std::int64_t total = hooks.total > 0 ? hooks.total : std::int64_t(n);

    auto reportProgress = [&] {
        if (!progress)
            return;
        const std::int64_t all = hooks.alreadyDone + std::int64_t(done);
        std::string stage = "embedding via " + std::string(providerName(o_.provider)) + ": "
                            + std::to_string(all) + "/" + std::to_string(total) + " texts, "
                            + std::to_string(result.stats.requests) + " requests, "
                            + std::to_string(result.stats.retries) + " retries, "
                            + std::to_string(hooks.alreadyDone) + " cached";
        if (done > 0 && done < n) {
            const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
            const double eta = elapsed / double(done) * double(n - done);
            stage += ", ETA " + std::to_string(std::int64_t(std::ceil(eta))) + " s";
        }
        progress(total > 0 ? double(all) / double(total) : 1.0, stage);
    };

    auto start = [&](Job job) {
        auto t = std::make_unique<Transfer>();
        t->ctx = &ctx;
        std::vector<std::string_view> views;
        views.reserve(job.items.size());
        for (auto i : job.items)
            views.emplace_back(texts[i]);
        t->body = requestBody(o_, views);
        t->stallTimeout = std::chrono::seconds(std::max<std::int64_t>(1, o_.stallTimeout.count()));
        t->maxBytes = std::size_t(o_.maxResponseBytes > 0 ? o_.maxResponseBytes : responseCap(job.items.size(), dims));
        t->job = std::move(job);
        CURL *e = nullptr;
        if (!idle.empty()) {
            e = idle.back();
            idle.pop_back();
        } else {
            e = curl_easy_init();
        }
        t->easy = e;
        curl_easy_setopt(e, CURLOPT_URL, url.c_str());
        curl_easy_setopt(e, CURLOPT_POST, 1L);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, t->body.data());
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(t->body.size()));
        curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &onWrite);
        curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
        curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &onHeader);
        curl_easy_setopt(e, CURLOPT_HEADERDATA, t.get());
        curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, &onProgress);
        curl_easy_setopt(e, CURLOPT_XFERINFODATA, t.get());
        curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, long(o_.connectTimeout.count()));
        curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, long(o_.requestTimeout.count()));
        // The stall check is onProgress's; libcurl's low-speed limit (1 byte/s, averaged over
        // its window) stays as the backstop.
        curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
        curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, long(std::max<std::int64_t>(1, o_.stallTimeout.count())));
        curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(t->maxBytes)); // a Content-Length above it
        curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L); // the key would go along: reported instead
#if LIBCURL_VERSION_NUM >= 0x075500
        curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
#else
        curl_easy_setopt(e, CURLOPT_PROTOCOLS, long(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
        curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
        curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
        curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf);
        curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());
        curl_easy_setopt(e, CURLOPT_USERAGENT, "EmbedScope/" EMBEDSCOPE_VERSION);
        const bool verbose = o_.trace != nullptr;
        curl_easy_setopt(e, CURLOPT_VERBOSE, verbose ? 1L : 0L);
        if (verbose) {
            curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, &onDebug);
            curl_easy_setopt(e, CURLOPT_DEBUGDATA, &ctx);
        }
        curl_multi_add_handle(multi.get(), e);
        ++result.stats.requests;
        active.push_back(std::move(t));
    };

    auto fail = [&](std::string message, bool badInput = false) {
        if (!fatal)
            fatal = Error{url::redactUrls(scrubKey(std::move(message), o_.apiKey)), false, badInput};
    };

    auto retryOrFail = [&](Job job, const std::string &what, std::optional<double> retryAfter) {
        ++job.attempt;
        const std::string where = "batch " + std::to_string(job.batchNo) + " of " + std::to_string(batches)
                                  + " (" + rowsText(job, hooks.originalRows) + ")";
        if (job.attempt >= std::max(1, o_.maxAttempts)) {
            fail(where + " failed after " + std::to_string(job.attempt) + " attempts to " + urlShown
                 + "; the last: " + what);
            return;
        }
        // Exponential back-off with full jitter; Retry-After is a lower bound.
        const double cap = std::min<double>(double(o_.backoffMax.count()),
                                            double(o_.backoffBase.count()) * std::ldexp(1.0, job.attempt - 1));
        double delayMs = std::uniform_real_distribution<double>(0.0, std::max(1.0, cap))(rng);
        if (retryAfter)
            delayMs = std::max(delayMs, std::min(*retryAfter * 1000.0, double(o_.retryAfterMax.count())));
        job.notBefore = Clock::now() + std::chrono::microseconds(std::int64_t(delayMs * 1000.0));
        ++result.stats.retries;
        waiting.push_back(std::move(job));
    };

    auto finish = [&](std::unique_ptr<Transfer> t, CURLcode code) {
        long status = 0;
        curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
        Job job = std::move(t->job);
        const std::string where = "batch " + std::to_string(job.batchNo) + " of " + std::to_string(batches)
                                  + " (" + rowsText(job, hooks.originalRows) + ")";
        if ((code == CURLE_ABORTED_BY_CALLBACK && !t->stalled) || stop.stop_requested()) {
            cancelled = true;
            return;
        }
        if (t->tooLarge || code == CURLE_FILESIZE_EXCEEDED) {
            // The same request would get the same answer: not retried.
            const std::int64_t cap = std::int64_t(t->maxBytes);
            fail(where + ": the response from " + urlShown + " is larger than " + megabytes(cap)
                 + (o_.maxResponseBytes > 0 ? std::string(", the cap set with --max-response-mb")
                                            : ", many times what " + std::to_string(job.items.size())
                                                  + " embeddings need")
                 + "; it was not read. If the server's answers are really that large, raise --max-response-mb");
            return;
        }
        const bool stalled = t->stalled
                             || (code == CURLE_OPERATION_TIMEDOUT
                                 && std::string_view(t->errbuf).find("too slow") != std::string_view::npos);
        if (stalled) {
            const std::string what = "the server sent nothing for " + std::to_string(o_.stallTimeout.count())
                                     + " s (stalled; --stall-timeout)";
            if (++job.stalls >= 2) {
                fail(where + ": " + urlShown + " stalled twice: nothing arrived for "
                     + std::to_string(o_.stallTimeout.count()) + " s each time; giving up. For a slow server, "
                       "raise --stall-timeout");
                return;
            }
            retryOrFail(std::move(job), what, std::nullopt);
            return;
        }
        if (code != CURLE_OK) {
            std::string what = std::string(curl_easy_strerror(code));
            if (t->errbuf[0])
                what += " (" + std::string(t->errbuf) + ")";
            switch (code) {
            case CURLE_UNSUPPORTED_PROTOCOL:
            case CURLE_URL_MALFORMAT:
            case CURLE_COULDNT_RESOLVE_HOST:
            case CURLE_COULDNT_RESOLVE_PROXY:
            case CURLE_PEER_FAILED_VERIFICATION:
            case CURLE_SSL_CERTPROBLEM:
            case CURLE_SSL_CACERT_BADFILE:
                fail("cannot reach " + urlShown + ": " + what + "; check --base-url");
                return;
            default:
                retryOrFail(std::move(job), what, std::nullopt);
                return;
            }
        }
        if (status >= 200 && status < 300) {
            auto decoded = decodeResponse(o_.provider, t->response, job.items.size(), dims);
            if (auto *err = std::get_if<ResponseError>(&decoded)) {
                std::string msg = err->message;
                if (err->position >= 0)
                    msg = "row " + std::to_string(rowOf(job.items[std::size_t(err->position)])) + ": " + msg;
                if (err->malformed) {
                    retryOrFail(std::move(job), "HTTP " + std::to_string(status) + " with a bad body: " + msg,
                                std::nullopt);
                } else {
                    fail(where + ": invalid response from " + urlShown + ": " + msg);
                }
                return;
            }
            auto &r = std::get<DecodedResponse>(decoded);
            if (dims == 0) {
                dims = int(r.vectors[0].size());
                dims_ = dims;
            }
            if (out.rows() == 0)
                out = Matrix::Zero(Eigen::Index(n), dims);
            std::vector<float> flat(job.items.size() * std::size_t(dims));
            for (std::size_t k = 0; k < job.items.size(); ++k) {
                std::copy(r.vectors[k].begin(), r.vectors[k].end(), flat.begin() + std::ptrdiff_t(k * dims));
                std::copy(r.vectors[k].begin(), r.vectors[k].end(), out.row(Eigen::Index(job.items[k])).data());
            }
            if (r.tokens >= 0) {
                result.stats.tokens += r.tokens;
            } else {
                for (auto i : job.items)
                    result.stats.tokens += estimateTokens(texts[i]);
            }
            done += job.items.size();
            if (hooks.onBatch)
                hooks.onBatch(job.items, flat.data(), dims);
            reportProgress();
            return;
        }

        if (status >= 300 && status < 400) {
            // Not followed: the key (and the texts) would go to wherever the server points.
            char *location = nullptr;
            curl_easy_getinfo(t->easy, CURLINFO_REDIRECT_URL, &location);
            fail("HTTP " + std::to_string(status) + " from " + urlShown + ": a redirect"
                     + (location && *location ? " to " + url::redactUserInfo(location) : std::string(" without a Location"))
                     + ", not followed (the key would go along). Set --base-url to the address the provider "
                       "documents",
                 true);
            return;
        }
        const std::string message = scrubKey(providerMessage(t->response), o_.apiKey);
        const std::string what = "HTTP " + std::to_string(status) + ": " + message;
        const std::string body = lower(t->response);
        if (status == 401 || status == 403) {
            fail("HTTP " + std::to_string(status) + " from " + urlShown + ": " + message
                     + (status == 401 ? ". The API key was rejected: check that the key is set and valid for this "
                                        "provider and endpoint"
                                      : ". The key is not allowed to use this model or endpoint: check its "
                                        "permissions, the model and the base URL"),
                 true);
            return;
        }
        if (contains(body, "insufficient_quota")) {
            fail("HTTP " + std::to_string(status) + " from " + urlShown + ": " + message
                     + ". The account has no quota left (insufficient_quota): check the plan and billing "
                       "of this API key",
                 true);
            return;
        }
        if (status == 413 || contains(body, "maximum context length") || contains(body, "context length")
            || contains(body, "too long") || contains(body, "too many tokens")
            || contains(body, "must have less than")) {
            if (job.items.size() > 1) {
                // Split in halves, first half first; later batches start at the smaller size.
                const std::size_t half = job.items.size() / 2;
                adaptiveCap = std::min(adaptiveCap, half);
                Job a{std::vector<std::size_t>(job.items.begin(), job.items.begin() + std::ptrdiff_t(half)),
                      job.batchNo, 0, {}};
                Job b{std::vector<std::size_t>(job.items.begin() + std::ptrdiff_t(half), job.items.end()),
                      job.batchNo, 0, {}};
                queue.push_front(std::move(b));
                queue.push_front(std::move(a));
                return;
            }
            fail("row " + std::to_string(rowOf(job.items[0])) + " is too long for "
                     + (o_.model.empty() ? std::string("the model") : o_.model) + " (about "
                     + std::to_string(estimateTokens(texts[job.items[0]])) + " tokens): " + what,
                 true);
            return;
        }
        if (status == 429 || status == 408 || status >= 500) {
            retryOrFail(std::move(job), what, t->retryAfterSeconds);
            return;
        }
        std::string hint;
        if (status == 404)
            hint = ". Check --base-url (the API root, without the endpoint) and --model";
        else if (status == 400 || status == 422)
            hint = ". The provider refused the request";
        fail("HTTP " + std::to_string(status) + " from " + urlShown + ": " + message + hint, true);
    };

    reportProgress();
    while (true) {
        if (stop.stop_requested()) {
            cancelled = true;
            break;
        }
        if (fatal || cancelled)
            break;
        const auto now = Clock::now();
        for (auto it = waiting.begin(); it != waiting.end();) {
            if (it->notBefore <= now) {
                queue.push_back(std::move(*it));
                it = waiting.erase(it);
            } else {
                ++it;
            }
        }
        while (int(active.size()) < concurrency && !queue.empty()) {
            Job job = std::move(queue.front());
            queue.pop_front();
            if (job.items.size() > adaptiveCap) { // a 413 taught us a smaller batch size
                Job rest{std::vector<std::size_t>(job.items.begin() + std::ptrdiff_t(adaptiveCap), job.items.end()),
                         job.batchNo, job.attempt, {}};
                job.items.resize(adaptiveCap);
                queue.push_front(std::move(rest));
            }
            start(std::move(job));
        }
        if (active.empty() && queue.empty() && waiting.empty())
            break;

        int running = 0;
        curl_multi_perform(multi.get(), &running);
        bool finished = false;
        int left = 0;
        while (CURLMsg *msg = curl_multi_info_read(multi.get(), &left)) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            CURL *e = msg->easy_handle;
            const CURLcode code = msg->data.result;
            curl_multi_remove_handle(multi.get(), e);
            auto it = std::find_if(active.begin(), active.end(), [&](const auto &t) { return t->easy == e; });
            std::unique_ptr<Transfer> t = std::move(*it);
            active.erase(it);
            finish(std::move(t), code);
            idle.push_back(e);
            finished = true;
        }
        if (finished)
            continue;
        int timeoutMs = 100;
        if (active.empty() && queue.empty() && !waiting.empty()) {
            auto next = std::min_element(waiting.begin(), waiting.end(),
                                         [](const Job &a, const Job &b) { return a.notBefore < b.notBefore; });
            const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(next->notBefore - Clock::now());
            timeoutMs = int(std::clamp<std::int64_t>(ms.count() + 1, 0, 100));
        }
        curl_multi_poll(multi.get(), nullptr, 0, timeoutMs, nullptr);
    }
    cleanup();

    if (cancelled)
        return Error::cancel();
    if (fatal)
        return *fatal;
    result.vectors = std::move(out);
    reportProgress();
    return result;
}

} // namespace es::http
