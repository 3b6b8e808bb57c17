// EmbeddingCache and CachingEmbedder on real SQLite files: round trips, damaged entries,
// corrupt and locked files (degrade with a warning), misses embedded once, rows remapped.
#include "embed/cache/cache.h"

#include <QTemporaryDir>
#include <QTest>
#include "tools/testmain.h"

#include <sqlite3.h>

#include <cstdlib>
#include <fstream>

using namespace es;

namespace {

// A deterministic in-process embedder that counts what it was asked.
class CountingEmbedder final : public Embedder {
public:
    std::string id() const override { return "counting:v1"; }
    std::string displayName() const override { return "counting"; }
    int dimensions() const override { return 4; }
    bool isRemote() const override { return false; }
    Result<EmbedResult> embed(const std::vector<std::string> &texts, const Progress &, std::stop_token) override
    {
        ++calls;
        embedded += std::int64_t(texts.size());
        EmbedResult r;
        r.vectors = Matrix(Eigen::Index(texts.size()), 4);
        for (std::size_t i = 0; i < texts.size(); ++i) {
            r.vectors.row(Eigen::Index(i)) << float(texts[i].size()), float(texts[i][0]), 1.0f, -1.0f;
            if (texts[i][0] == '?')
                r.warnings.push_back("row " + std::to_string(i + 1) + ": odd text");
        }
        return r;
    }
    SendEstimate estimate(const std::vector<std::string> &texts) const override
    {
        return {std::int64_t(texts.size()), 0, {}};
    }
    int calls = 0;
    std::int64_t embedded = 0;
};

} // namespace

class TestCache : public QObject {
    Q_OBJECT

private slots:
    void roundTrip()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("sub/dir/c.sqlite").toStdString();
        auto c = EmbeddingCache::open(path);
        QVERIFY2(c, c ? "" : c.error().message.c_str());
        const std::vector<CacheKey> keys{EmbeddingCache::key("a", "x"), EmbeddingCache::key("a", "y")};
        const float data[6] = {1, 2, 3, 4, 5, 6};
        QVERIFY((*c)->store(keys, data, 3));
        auto got = (*c)->lookup({keys[1], keys[0], EmbeddingCache::key("b", "x")});
        QVERIFY(got);
        QCOMPARE(got->at(0), (std::vector<float>{4, 5, 6}));
        QCOMPARE(got->at(1), (std::vector<float>{1, 2, 3}));
        QVERIFY(got->at(2).empty()); // another identity, same text: another key
        QCOMPARE((*c)->size(), std::int64_t(2));
    }

    void keysDifferByEveryPart()
    {
        QVERIFY(EmbeddingCache::key("openai:u:m:0", "t") != EmbeddingCache::key("openai:u:m:256", "t"));
        QVERIFY(EmbeddingCache::key("a", "bc") != EmbeddingCache::key("ab", "c"));
    }

    void damagedEntryIsAMiss()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("c.sqlite").toStdString();
        const auto k = EmbeddingCache::key("a", "x");
        {
            auto c = EmbeddingCache::open(path);
            const float data[3] = {1, 2, 3};
            QVERIFY((*c)->store(std::vector<CacheKey>{k}, data, 3));
        }
        sqlite3 *db = nullptr;
        QCOMPARE(sqlite3_open(path.c_str(), &db), SQLITE_OK);
        QCOMPARE(sqlite3_exec(db, "UPDATE vectors SET data = zeroblob(12)", nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(db);
        auto c = EmbeddingCache::open(path);
        int damaged = 0;
        auto got = (*c)->lookup({k}, &damaged);
        QVERIFY(got);
        QVERIFY(got->at(0).empty());
        QCOMPARE(damaged, 1);
        QCOMPARE((*c)->size(), std::int64_t(0));
    }

    void corruptFileDegradesWithAWarning()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("c.sqlite").toStdString();
        {
            std::ofstream f(path, std::ios::binary);
            for (int i = 0; i < 4096; ++i)
                f.put(char((i * 7919) & 0xff));
        }
        QVERIFY(!EmbeddingCache::open(path));
        auto *inner = new CountingEmbedder;
        CachingEmbedder e{std::unique_ptr<Embedder>(inner), path};
        QVERIFY(e.cache() == nullptr);
        auto r = e.embed({"alpha", "beta"});
        QVERIFY(r);
        QCOMPARE(r->vectors.rows(), Eigen::Index(2));
        QVERIFY(!r->warnings.empty());
        QVERIFY(r->warnings.back().find("embedding cache is unavailable") != std::string::npos);
        QVERIFY(r->warnings.back().find(path) != std::string::npos);
    }

    void lockedFileDegradesWithAWarning()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("c.sqlite").toStdString();
        { auto c = EmbeddingCache::open(path); QVERIFY(c); }
        // Another process-like connection holds an exclusive lock.
        sqlite3 *db = nullptr;
        QCOMPARE(sqlite3_open(path.c_str(), &db), SQLITE_OK);
        QCOMPARE(sqlite3_exec(db, "PRAGMA journal_mode=DELETE; PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE;",
                              nullptr, nullptr, nullptr), SQLITE_OK);
        auto *inner = new CountingEmbedder;
        CachingEmbedder e{std::unique_ptr<Embedder>(inner), path};
        auto r = e.embed({"alpha", "beta"});
        QVERIFY(r);
        QCOMPARE(inner->embedded, std::int64_t(2));
        QVERIFY(!r->warnings.empty());
        QVERIFY2(r->warnings.back().find("embedding cache is unavailable") != std::string::npos,
                 r->warnings.back().c_str());
        qInfo("%s", r->warnings.back().c_str());
        sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
        sqlite3_close(db);
    }

    void secondRunSendsNothing()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("c.sqlite").toStdString();
        auto *inner = new CountingEmbedder;
        CachingEmbedder e{std::unique_ptr<Embedder>(inner), path};
        const std::vector<std::string> texts{"one", "two", "one", "?three"};
        QCOMPARE(e.estimate(texts).texts, std::int64_t(3)); // distinct misses
        auto r1 = e.embed(texts);
        QVERIFY(r1);
        QCOMPARE(inner->embedded, std::int64_t(3)); // "one" once
        QCOMPARE(r1->stats.cacheHits, std::int64_t(0));
        QCOMPARE(r1->vectors.row(0), r1->vectors.row(2));
        QCOMPARE(r1->warnings.size(), std::size_t(1));
        QCOMPARE(QString::fromStdString(r1->warnings[0]), QString("row 4: odd text"));
        auto r2 = e.embed(texts);
        QVERIFY(r2);
        QCOMPARE(inner->calls, 1);
        QCOMPARE(r2->stats.cacheHits, std::int64_t(4));
        QCOMPARE(r2->vectors, r1->vectors);
        QCOMPARE(r2->warnings.size(), std::size_t(1)); // the per-row note is kept with the vector
        QCOMPARE(QString::fromStdString(r2->warnings[0]), QString("row 4: odd text"));
        QCOMPARE(e.estimate(texts).texts, std::int64_t(0));

        // Partly cached: the new texts only; warnings name the caller's rows.
        auto r3 = e.embed({"two", "?four", "five"});
        QVERIFY(r3);
        QCOMPARE(inner->embedded, std::int64_t(5));
        QCOMPARE(r3->stats.cacheHits, std::int64_t(1));
        QCOMPARE(r3->warnings.size(), std::size_t(1));
        QCOMPARE(QString::fromStdString(r3->warnings.at(0)), QString("row 2: odd text"));
        auto r4 = e.embed({"?four", "?three", "?new"});
        QVERIFY(r4);
        QCOMPARE(r4->warnings.size(), std::size_t(3));
        QCOMPARE(QString::fromStdString(r4->warnings.at(0)), QString("row 1: odd text"));
        QCOMPARE(QString::fromStdString(r4->warnings.at(1)), QString("row 2: odd text"));
        QCOMPARE(QString::fromStdString(r4->warnings.at(2)), QString("row 3: odd text"));
        QCOMPARE(r3->vectors(1, 0), 5.0f);
        QCOMPARE(r3->vectors(2, 0), 4.0f);
    }

    void defaultPathFollowsXdg()
    {
        const QByteArray old = qgetenv("XDG_CACHE_HOME");
        qputenv("XDG_CACHE_HOME", "/tmp/xdg-test-cache");
        QCOMPARE(QString::fromStdString(EmbeddingCache::defaultPath()),
                 QString("/tmp/xdg-test-cache/embedscope/embeddings.sqlite"));
        qunsetenv("XDG_CACHE_HOME");
        QCOMPARE(QString::fromStdString(EmbeddingCache::defaultPath()),
                 QString::fromUtf8(qgetenv("HOME")) + "/.cache/embedscope/embeddings.sqlite");
        if (!old.isNull())
            qputenv("XDG_CACHE_HOME", old);
    }
};

ES_TEST_GUILESS_MAIN(TestCache)
#include "tst_cache.moc"
