#pragma once
// The embedding cache: an SQLite file (WAL) of vectors keyed by
// SHA-256(embedder identity, text), where the identity is Embedder::id() (provider kind,
// full base URL, model, dimensions; the local model's checksum). Stored vectors carry a
// checksum and are checked on read. A corrupt, unwritable or locked file is reported as an
// Error, and CachingEmbedder then runs without a cache and says so in a warning.
#include "embed/embedder.h"

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace es {

using CacheKey = std::array<std::uint8_t, 32>;

class EmbeddingCache {
public:
    // ${XDG_CACHE_HOME:-~/.cache}/embedscope/embeddings.sqlite
    static std::string defaultPath();
    // Opens (creating the file and its folder) and checks the schema; busyTimeoutMs bounds
    // the wait for a lock held by another process.
    static Result<std::unique_ptr<EmbeddingCache>> open(const std::string &path, int busyTimeoutMs = 2000);
    ~EmbeddingCache();

    static CacheKey key(std::string_view identity, std::string_view text);

    // One entry per key: the vector, or empty when missing or damaged (damaged entries are
    // deleted and counted in `damaged`). `notes` (optional) receives each entry's note.
    Result<std::vector<std::vector<float>>> lookup(const std::vector<CacheKey> &keys, int *damaged = nullptr,
                                                   std::vector<std::string> *notes = nullptr);
    // Stores rows of `data` (keys.size() x dims, row-major) in one transaction, each with an
    // optional note (a per-text warning of the embedder, without its "row N: " prefix).
    Status store(std::span<const CacheKey> keys, const float *data, int dims,
                 const std::vector<std::string> *notes = nullptr);
    std::int64_t size();
    const std::string &path() const { return path_; }

private:
    EmbeddingCache() = default;
    Status exec(const char *sql);
    std::string lastError() const;

    std::mutex mutex_;
    std::string path_;
    sqlite3 *db_ = nullptr;
    sqlite3_stmt *get_ = nullptr;
    sqlite3_stmt *put_ = nullptr;
    sqlite3_stmt *del_ = nullptr;
};

// Wraps any embedder with the cache: texts found are served from it, only the misses are
// embedded (each distinct text once), and every batch that arrives is stored at once, so a
// failed or cancelled run keeps what it fetched. Cache trouble never fails the run: it
// becomes a warning and the run continues uncached.
class CachingEmbedder final : public Embedder {
public:
    // cachePath "" = EmbeddingCache::defaultPath().
    CachingEmbedder(std::unique_ptr<Embedder> inner, std::string cachePath = {});
    ~CachingEmbedder() override;

    std::string id() const override { return inner_->id(); }
    std::string displayName() const override { return inner_->displayName(); }
    int dimensions() const override { return inner_->dimensions(); }
    bool isRemote() const override { return inner_->isRemote(); }
    Result<EmbedResult> embed(const std::vector<std::string> &texts, const Progress &progress = {},
                              std::stop_token stop = {}) override;
    // The texts that would be sent: cache misses only (distinct texts).
    SendEstimate estimate(const std::vector<std::string> &texts) const override;

    Embedder &inner() { return *inner_; }
    // Null when the cache could not be opened or failed (see the warning of the next embed()).
    EmbeddingCache *cache()
    {
        std::lock_guard lock(cacheMutex_);
        return cache_.get();
    }

    // The embedder inside a CachingEmbedder (e itself otherwise): for features of one
    // embedder type, such as the local model's similarity explanation.
    static Embedder &unwrap(Embedder &e);

private:
    void disable(const std::string &why);
    std::shared_ptr<EmbeddingCache> currentCache() const;
    std::string warning() const;

    std::unique_ptr<Embedder> inner_;
    mutable std::mutex cacheMutex_; // guards cache_ and warning_ (estimate() may run beside embed())
    std::shared_ptr<EmbeddingCache> cache_;
    std::string path_;
    std::optional<std::string> warning_;
};

} // namespace es
