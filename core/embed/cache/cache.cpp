#include "embed/cache/cache.h"

#include "embed/cache/sha256.h"
#include "embed/http/streaming.h"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <unordered_map>

namespace es {
namespace {

// FNV-1a 64 over key and vector bytes: detects damaged or misplaced entries cheaply.
std::int64_t checksum(const CacheKey &key, const void *data, std::size_t size)
{
    std::uint64_t h = 1469598103934665603ull;
    auto mix = [&](const std::uint8_t *p, std::size_t len) {
        for (std::size_t i = 0; i < len; ++i) {
            h ^= p[i];
            h *= 1099511628211ull;
        }
    };
    mix(key.data(), key.size());
    mix(static_cast<const std::uint8_t *>(data), size);
    return std::int64_t(h);
}

} // namespace

std::string EmbeddingCache::defaultPath()
{
    std::filesystem::path base;
    if (const char *x = std::getenv("XDG_CACHE_HOME"); x && *x && x[0] == '/')
        base = x;
    else if (const char *home = std::getenv("HOME"); home && *home)
        base = std::filesystem::path(home) / ".cache";
    else
        base = std::filesystem::temp_directory_path();
    return (base / "embedscope" / "embeddings.sqlite").string();
}

CacheKey EmbeddingCache::key(std::string_view identity, std::string_view text)
{
    Sha256 s;
    s.update(identity);
    s.update("\0", 1);
    s.update(text);
    return s.finish();
}

std::string EmbeddingCache::lastError() const
{
    return db_ ? sqlite3_errmsg(db_) : "cannot open";
}

Status EmbeddingCache::exec(const char *sql)
{
    char *err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
        std::string msg = err ? err : lastError();
        sqlite3_free(err);
        return Error{path_ + ": " + msg, false, false};
    }
    return Ok{};
}

Result<std::unique_ptr<EmbeddingCache>> EmbeddingCache::open(const std::string &path, int busyTimeoutMs)
{
    std::unique_ptr<EmbeddingCache> c(new EmbeddingCache);
    c->path_ = path;
    std::error_code ec;
    const auto dir = std::filesystem::path(path).parent_path();
    if (!dir.empty())
        std::filesystem::create_directories(dir, ec);
    if (ec)
        return Error{dir.string() + ": cannot create the cache folder: " + ec.message(), false, false};
    if (sqlite3_open_v2(path.c_str(), &c->db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        nullptr) != SQLITE_OK)
        return Error{path + ": " + c->lastError(), false, false};
    sqlite3_busy_timeout(c->db_, busyTimeoutMs);
    for (const char *sql : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL",
                            "PRAGMA mmap_size=1073741824", "PRAGMA cache_size=-65536",
                            "CREATE TABLE IF NOT EXISTS meta(name TEXT PRIMARY KEY, value TEXT NOT NULL)",
                            "CREATE TABLE IF NOT EXISTS vectors(key BLOB PRIMARY KEY, dims INTEGER NOT NULL, "
                            "data BLOB NOT NULL, checksum INTEGER NOT NULL, note TEXT) WITHOUT ROWID",
                            "INSERT OR IGNORE INTO meta VALUES('schema', '2')"}) {
        if (auto s = c->exec(sql); !s)
            return s.error();
    }
    sqlite3_stmt *st = nullptr;
    std::string schema;
    if (sqlite3_prepare_v2(c->db_, "SELECT value FROM meta WHERE name='schema'", -1, &st, nullptr) == SQLITE_OK
        && sqlite3_step(st) == SQLITE_ROW)
        schema = reinterpret_cast<const char *>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (schema == "1") { // an earlier layout: it is only a cache, start afresh
        for (const char *sql : {"DROP TABLE vectors",
                                "CREATE TABLE vectors(key BLOB PRIMARY KEY, dims INTEGER NOT NULL, "
                                "data BLOB NOT NULL, checksum INTEGER NOT NULL, note TEXT) WITHOUT ROWID",
                                "UPDATE meta SET value='2' WHERE name='schema'"})
            if (auto s = c->exec(sql); !s)
                return s.error();
        schema = "2";
    }
    if (schema != "2")
        return Error{path + ": not an EmbedScope cache of this version (schema '" + schema + "')", false, false};
    if (sqlite3_prepare_v2(c->db_, "SELECT dims, data, checksum, note FROM vectors WHERE key=?1", -1, &c->get_, nullptr)
            != SQLITE_OK
        || sqlite3_prepare_v2(c->db_, "INSERT OR REPLACE INTO vectors(key, dims, data, checksum, note) VALUES(?1,?2,?3,?4,?5)",
                              -1, &c->put_, nullptr)
               != SQLITE_OK
        || sqlite3_prepare_v2(c->db_, "DELETE FROM vectors WHERE key=?1", -1, &c->del_, nullptr) != SQLITE_OK)
        return Error{path + ": " + c->lastError(), false, false};
    return c;
}

EmbeddingCache::~EmbeddingCache()
{
    sqlite3_finalize(get_);
    sqlite3_finalize(put_);
    sqlite3_finalize(del_);
    if (db_)
        sqlite3_close_v2(db_);
}

Result<std::vector<std::vector<float>>> EmbeddingCache::lookup(const std::vector<CacheKey> &keys, int *damaged,
                                                               std::vector<std::string> *notes)
{
    std::lock_guard lock(mutex_);
    std::vector<std::vector<float>> out(keys.size());
    if (notes)
        notes->assign(keys.size(), {});
    std::vector<std::size_t> bad;
    // Visiting the keys in sorted order walks the B-tree sequentially (several times faster
    // than random order once the file outgrows the page cache).
    std::vector<std::size_t> order(keys.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });
    if (auto s = exec("BEGIN"); !s)
        return s.error();
    for (const std::size_t i : order) {
        sqlite3_reset(get_);
        sqlite3_bind_blob(get_, 1, keys[i].data(), int(keys[i].size()), SQLITE_STATIC);
        const int rc = sqlite3_step(get_);
        if (rc == SQLITE_DONE)
            continue;
        if (rc != SQLITE_ROW) {
            const std::string msg = path_ + ": " + lastError();
            sqlite3_reset(get_);
            exec("ROLLBACK");
            return Error{msg, false, false};
        }
        const int dims = sqlite3_column_int(get_, 0);
        const void *blob = sqlite3_column_blob(get_, 1);
        const int bytes = sqlite3_column_bytes(get_, 1);
        const std::int64_t sum = sqlite3_column_int64(get_, 2);
        bool ok = dims > 0 && blob && bytes == dims * int(sizeof(float)) && checksum(keys[i], blob, std::size_t(bytes)) == sum;
        if (ok) {
            std::vector<float> v(static_cast<std::size_t>(dims));
            std::memcpy(v.data(), blob, std::size_t(bytes));
            bool nonZero = false;
            for (float x : v) {
                ok &= std::isfinite(x);
                nonZero |= x != 0.0f;
            }
            ok &= nonZero;
            if (ok) {
                out[i] = std::move(v);
                if (notes && sqlite3_column_type(get_, 3) == SQLITE_TEXT)
                    (*notes)[i] = reinterpret_cast<const char *>(sqlite3_column_text(get_, 3));
            }
        }
        if (!ok)
            bad.push_back(i);
    }
    sqlite3_reset(get_);
    if (auto s = exec("COMMIT"); !s)
        return s.error();
    if (damaged)
        *damaged = int(bad.size());
    if (!bad.empty()) {
        exec("BEGIN IMMEDIATE");
        for (auto i : bad) {
            sqlite3_reset(del_);
            sqlite3_bind_blob(del_, 1, keys[i].data(), int(keys[i].size()), SQLITE_STATIC);
            sqlite3_step(del_);
        }
        sqlite3_reset(del_);
        exec("COMMIT");
    }
    return out;
}

Status EmbeddingCache::store(std::span<const CacheKey> keys, const float *data, int dims,
                             const std::vector<std::string> *notes)
{
    std::lock_guard lock(mutex_);
    if (auto s = exec("BEGIN IMMEDIATE"); !s)
        return s;
    const std::size_t bytes = std::size_t(dims) * sizeof(float);
    for (std::size_t i = 0; i < keys.size(); ++i) {
        const float *row = data + i * std::size_t(dims);
        sqlite3_reset(put_);
        sqlite3_bind_blob(put_, 1, keys[i].data(), int(keys[i].size()), SQLITE_STATIC);
        sqlite3_bind_int(put_, 2, dims);
        sqlite3_bind_blob(put_, 3, row, int(bytes), SQLITE_STATIC);
        sqlite3_bind_int64(put_, 4, checksum(keys[i], row, bytes));
        if (notes && i < notes->size() && !(*notes)[i].empty())
            sqlite3_bind_text(put_, 5, (*notes)[i].data(), int((*notes)[i].size()), SQLITE_STATIC);
        else
            sqlite3_bind_null(put_, 5);
        if (sqlite3_step(put_) != SQLITE_DONE) {
            const std::string msg = path_ + ": " + lastError();
            sqlite3_reset(put_);
            exec("ROLLBACK");
            return Error{msg, false, false};
        }
    }
    sqlite3_reset(put_);
    return exec("COMMIT");
}

std::int64_t EmbeddingCache::size()
{
    std::lock_guard lock(mutex_);
    sqlite3_stmt *st = nullptr;
    std::int64_t n = -1;
    if (sqlite3_prepare_v2(db_, "SELECT count(*) FROM vectors", -1, &st, nullptr) == SQLITE_OK
        && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

// ---------------------------------------------------------------------------------------

CachingEmbedder::CachingEmbedder(std::unique_ptr<Embedder> inner, std::string cachePath)
    : inner_(std::move(inner)), path_(cachePath.empty() ? EmbeddingCache::defaultPath() : std::move(cachePath))
{
    auto c = EmbeddingCache::open(path_);
    if (c)
        cache_ = std::move(c.value());
    else
        disable(c.error().message);
}

CachingEmbedder::~CachingEmbedder() = default;

std::string CachingEmbedder::warning() const
{
    std::lock_guard lock(cacheMutex_);
    return warning_.value_or(std::string());
}

std::shared_ptr<EmbeddingCache> CachingEmbedder::currentCache() const
{
    std::lock_guard lock(cacheMutex_);
    return cache_;
}

void CachingEmbedder::disable(const std::string &why)
{
    std::lock_guard lock(cacheMutex_);
    cache_.reset();
    warning_ = "the embedding cache is unavailable (" + why + "); continuing without it";
}

namespace {

// Splits "row K: rest" into K (1-based) and rest; K = 0 when the warning names no row.
std::size_t rowOfWarning(const std::string &w, std::string *rest = nullptr)
{
    if (w.rfind("row ", 0) != 0)
        return 0;
    std::size_t pos = 4, k = 0;
    while (pos < w.size() && std::isdigit(static_cast<unsigned char>(w[pos])))
        k = k * 10 + std::size_t(w[pos++] - '0');
    if (pos == 4 || w.compare(pos, 2, ": ") != 0)
        return 0;
    if (rest)
        *rest = w.substr(pos + 2);
    return k;
}

} // namespace

Result<EmbedResult> CachingEmbedder::embed(const std::vector<std::string> &texts, const Progress &progress,
                                           std::stop_token stop)
{
    const std::size_t n = texts.size();
    auto cache = currentCache();
    auto drop = [&](const std::string &why) {
        disable(why);
        cache.reset();
    };
    std::vector<CacheKey> keys;
    std::vector<std::vector<float>> cached;
    std::vector<std::string> cachedNotes;
    if (cache) {
        const std::string identity = inner_->id();
        keys.reserve(n);
        for (const auto &t : texts)
            keys.push_back(EmbeddingCache::key(identity, t));
        auto found = cache->lookup(keys, nullptr, &cachedNotes);
        if (found)
            cached = std::move(found.value());
        else
            drop(found.error().message);
    }
    if (cached.size() != n)
        cached.assign(n, {});
    if (cachedNotes.size() != n)
        cachedNotes.assign(n, {});

    // Cached vectors must agree in dimension with each other and with the embedder.
    int dims = inner_->dimensions();
    for (const auto &v : cached)
        if (dims == 0 && !v.empty())
            dims = int(v.size());
    std::int64_t hits = 0;
    for (auto &v : cached) {
        if (!v.empty() && int(v.size()) != dims)
            v.clear();
        hits += !v.empty();
    }

    // Distinct missing texts, each embedded once.
    std::vector<std::string> missTexts;
    std::vector<std::size_t> missOf(n, SIZE_MAX), firstRow;
    std::unordered_map<std::string_view, std::size_t> seen;
    for (std::size_t i = 0; i < n; ++i) {
        if (!cached[i].empty())
            continue;
        auto [it, inserted] = seen.emplace(texts[i], missTexts.size());
        if (inserted) {
            missTexts.push_back(texts[i]);
            firstRow.push_back(i);
        }
        missOf[i] = it->second;
    }

    EmbedResult result;
    Matrix fetched;
    Warnings innerWarnings;
    if (!missTexts.empty()) {
        auto storeRows = [&](std::span<const std::size_t> rows, const float *data, int d) {
            if (!cache)
                return;
            std::vector<CacheKey> k;
            k.reserve(rows.size());
            for (auto r : rows)
                k.push_back(keys[firstRow[r]]);
            if (auto s = cache->store(k, data, d); !s)
                drop(s.error().message);
        };
        Result<EmbedResult> r = Error{""};
        auto *streaming = dynamic_cast<StreamingEmbedder *>(inner_.get());
        if (streaming && cache) {
            StreamHooks hooks;
            hooks.onBatch = storeRows;
            hooks.originalRows = firstRow;
            hooks.alreadyDone = hits;
            hooks.total = std::int64_t(n);
            r = streaming->embedStreaming(missTexts, progress, stop, hooks);
        } else {
            const double share = n ? double(missTexts.size()) / double(n) : 1.0;
            const double base = n ? double(hits) / double(n) : 0.0;
            Progress inner = progress ? Progress([&](double f, std::string_view stage) {
                progress(base + f * share, stage);
            })
                                      : Progress{};
            if (streaming) {
                StreamHooks hooks;
                hooks.originalRows = firstRow;
                hooks.alreadyDone = hits;
                hooks.total = std::int64_t(n);
                r = streaming->embedStreaming(missTexts, progress, stop, hooks);
            } else {
                r = inner_->embed(missTexts, inner, stop);
            }
            if (r && cache && r->vectors.rows() > 0) {
                // Per-text warnings ("row K: ...") travel with the vectors.
                std::vector<std::string> notes(missTexts.size());
                for (const auto &w : r->warnings) {
                    std::string rest;
                    const std::size_t k = rowOfWarning(w, &rest);
                    if (k >= 1 && k <= notes.size())
                        notes[k - 1] += (notes[k - 1].empty() ? "" : "; ") + rest;
                }
                std::vector<CacheKey> k;
                k.reserve(missTexts.size());
                for (std::size_t i = 0; i < missTexts.size(); ++i)
                    k.push_back(keys[firstRow[i]]);
                if (auto s = cache->store(k, r->vectors.data(), int(r->vectors.cols()), &notes); !s)
                    drop(s.error().message);
            }
        }
        if (!r)
            return r.error();
        result.stats = r->stats;
        innerWarnings = std::move(r->warnings);
        fetched = std::move(r->vectors);
        if (hits > 0 && fetched.cols() != dims) {
            // The cached vectors are from an earlier shape of this model: embed those too.
            for (auto &v : cached)
                v.clear();
            hits = 0;
            auto again = inner_->embed(texts, {}, stop);
            if (!again)
                return again.error();
            result.stats.requests += again->stats.requests;
            result.stats.retries += again->stats.retries;
            result.vectors = std::move(again->vectors);
            result.warnings = std::move(again->warnings);
            if (cache) {
                std::vector<CacheKey> k(keys.begin(), keys.end());
                if (auto s = cache->store(k, result.vectors.data(), int(result.vectors.cols())); !s)
                    drop(s.error().message);
            }
            if (auto w = warning(); !w.empty())
                result.warnings.push_back(w);
            return result;
        }
        dims = int(fetched.cols());
    }

    result.vectors = Matrix(Eigen::Index(n), dims);
    for (std::size_t i = 0; i < n; ++i) {
        if (!cached[i].empty())
            std::copy(cached[i].begin(), cached[i].end(), result.vectors.row(Eigen::Index(i)).data());
        else
            result.vectors.row(Eigen::Index(i)) = fetched.row(Eigen::Index(missOf[i]));
    }
    result.stats.cacheHits = hits;
    // Row warnings in row order: the inner embedder's (renumbered to the caller's rows) and
    // the notes stored with cached vectors; then the others.
    std::vector<std::pair<std::size_t, std::string>> rowWarnings;
    for (auto &w : innerWarnings) {
        std::string rest;
        const std::size_t k = rowOfWarning(w, &rest);
        if (k >= 1 && k <= firstRow.size())
            rowWarnings.emplace_back(firstRow[k - 1] + 1, "row " + std::to_string(firstRow[k - 1] + 1) + ": " + rest);
    }
    for (std::size_t i = 0; i < n; ++i)
        if (!cached[i].empty() && !cachedNotes[i].empty())
            rowWarnings.emplace_back(i + 1, "row " + std::to_string(i + 1) + ": " + cachedNotes[i]);
    std::stable_sort(rowWarnings.begin(), rowWarnings.end(),
                     [](const auto &a, const auto &b) { return a.first < b.first; });
    for (auto &w : rowWarnings)
        result.warnings.push_back(std::move(w.second));
    for (auto &w : innerWarnings)
        if (rowOfWarning(w) == 0 || rowOfWarning(w) > firstRow.size())
            result.warnings.push_back(std::move(w));
    if (auto w = warning(); !w.empty())
        result.warnings.push_back(w);
    if (missTexts.empty())
        report(progress, 1.0, "embedding: all " + std::to_string(n) + " texts from the cache");
    return result;
}

Embedder &CachingEmbedder::unwrap(Embedder &e)
{
    if (auto *c = dynamic_cast<CachingEmbedder *>(&e))
        return *c->inner_;
    return e;
}

SendEstimate CachingEmbedder::estimate(const std::vector<std::string> &texts) const
{
    const auto cache = currentCache();
    if (!cache)
        return inner_->estimate(texts);
    const std::string identity = inner_->id();
    std::vector<CacheKey> keys;
    keys.reserve(texts.size());
    for (const auto &t : texts)
        keys.push_back(EmbeddingCache::key(identity, t));
    auto found = cache->lookup(keys);
    if (!found)
        return inner_->estimate(texts);
    std::vector<std::string> misses;
    std::unordered_map<std::string_view, bool> seen;
    for (std::size_t i = 0; i < texts.size(); ++i)
        if (found.value()[i].empty() && seen.emplace(texts[i], true).second)
            misses.push_back(texts[i]);
    return inner_->estimate(misses);
}

} // namespace es
