// HttpEmbedder against a real HTTP server on 127.0.0.1 (tests/tools/fake_provider.py) that
// speaks the OpenAI, Azure, Ollama and TEI APIs and fails on request.
#include "embed/cache/cache.h"
#include "embed/factory.h"
#include "embed/http/http_embedder.h"
#include "tools/fake_provider.h"
#include "util/url.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>
#include "tools/testmain.h"

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

using namespace es;
using namespace es::http;

namespace {

const std::string kKey = "sk-test-SECRETKEY-0123456789abcdef";

std::vector<std::string> makeTexts(int n, const std::string &prefix = "sentence")
{
    std::vector<std::string> t;
    for (int i = 0; i < n; ++i)
        t.push_back(prefix + " number " + std::to_string(i) + " about embeddings");
    return t;
}

} // namespace

class TestHttpEmbedder : public QObject {
    Q_OBJECT

    std::unique_ptr<test::FakeProvider> server_;
    std::string trace_;

    HttpOptions options(Provider p = Provider::OpenAI)
    {
        HttpOptions o;
        o.provider = p;
        switch (p) {
        case Provider::OpenAI: o.baseUrl = server_->root() + "/v1"; break;
        case Provider::Azure: o.baseUrl = server_->root() + "/openai/deployments/my-deployment"; break;
        default: o.baseUrl = server_->root(); break;
        }
        o.model = p == Provider::Azure ? "" : "test-model";
        o.apiKey = (p == Provider::OpenAI || p == Provider::Azure || p == Provider::Tei) ? kKey : "";
        o.batchSize = 16;
        o.concurrency = 4;
        o.maxAttempts = 4;
        o.backoffBase = std::chrono::milliseconds(10);
        o.backoffMax = std::chrono::milliseconds(50);
        o.connectTimeout = std::chrono::milliseconds(2000);
        o.requestTimeout = std::chrono::milliseconds(15000);
        o.trace = [this](std::string_view s) { trace_ += s; };
        return o;
    }

    void checkVectors(const Matrix &m, const std::vector<std::string> &texts, int dims = 8)
    {
        QCOMPARE(m.rows(), Eigen::Index(texts.size()));
        QCOMPARE(m.cols(), Eigen::Index(dims));
        for (std::size_t i = 0; i < texts.size(); ++i) {
            const auto want = test::FakeProvider::vector(texts[i], dims);
            for (int c = 0; c < dims; ++c)
                if (std::abs(m(Eigen::Index(i), c) - want[std::size_t(c)]) > 1e-6f)
                    QFAIL(qPrintable(QString("row %1 col %2: %3 != %4").arg(i).arg(c)
                                         .arg(m(Eigen::Index(i), c)).arg(want[std::size_t(c)])));
        }
    }

    void checkNoKey(const std::string &s)
    {
        QVERIFY2(s.find(kKey) == std::string::npos, s.c_str());
        QVERIFY2(s.find(kKey.substr(0, 12)) == std::string::npos, s.c_str());
    }

    Error expectError(HttpEmbedder &e, const std::vector<std::string> &texts)
    {
        auto r = e.embed(texts);
        if (r) {
            qWarning("expected an error, got %d vectors", int(r->vectors.rows()));
            return Error{"<no error>"};
        }
        checkNoKey(r.error().message);
        qInfo("error: %s", r.error().message.c_str());
        return r.error();
    }

private slots:
    void initTestCase()
    {
        server_ = std::make_unique<test::FakeProvider>(QString::fromStdString(kKey));
        QVERIFY2(server_->ok(), "the fake provider did not start");
    }
    void init()
    {
        server_->reset();
        trace_.clear();
    }
    void cleanup() { checkNoKey(trace_); }

    void openaiBase64InOrder()
    {
        const auto texts = makeTexts(100);
        HttpEmbedder e(options());
        auto r = e.embed(texts);
        QVERIFY2(r, r ? "" : r.error().message.c_str());
        checkVectors(r->vectors, texts);
        QCOMPARE(r->stats.requests, std::int64_t(7));
        QCOMPARE(r->stats.retries, std::int64_t(0));
        QCOMPARE(server_->requests(), 7);
        QCOMPARE(e.dimensions(), 8);
        QVERIFY(r->stats.tokens > 0);
        QVERIFY(trace_.find("[redacted]") != std::string::npos); // the trace ran, without the key
    }

    void openaiFloatListAndDimensions()
    {
        server_->control(R"({"fault": "float_list", "times": -1})");
        auto o = options();
        o.dimensions = 20;
        HttpEmbedder e(o);
        const auto texts = makeTexts(10);
        auto r = e.embed(texts);
        QVERIFY2(r, r ? "" : r.error().message.c_str());
        checkVectors(r->vectors, texts, 20);
    }

    void shuffledIndicesPlacedByIndex()
    {
        server_->control(R"({"fault": "shuffle", "times": -1})");
        const auto texts = makeTexts(40);
        HttpEmbedder e(options());
        auto r = e.embed(texts);
        QVERIFY2(r, r ? "" : r.error().message.c_str());
        checkVectors(r->vectors, texts);
    }

    void azure()
    {
        const auto texts = makeTexts(20);
        HttpEmbedder e(options(Provider::Azure));
        auto r = e.embed(texts);
        QVERIFY2(r, r ? "" : r.error().message.c_str());
        checkVectors(r->vectors, texts);
        QVERIFY(trace_.find("api-version=2024-02-01") != std::string::npos);
        QVERIFY(trace_.find("api-key: [redacted]") != std::string::npos);
    }

    void azureWrongKey()
    {
        auto o = options(Provider::Azure);
        o.apiKey = "wrong-azure-key-000000";
        HttpEmbedder e(o);
        const Error err = expectError(e, makeTexts(3));
        QVERIFY(err.message.find("HTTP 401") != std::string::npos);
        QVERIFY(err.message.find("Access denied") != std::string::npos);
        QVERIFY(err.message.find("wrong-azure-key") == std::string::npos);
        QCOMPARE(server_->requests(), 0); // refused before the embedding step
    }

    void ollama()
    {
        const auto texts = makeTexts(70);
        auto o = options(Provider::Ollama);
        o.batchSize = 0; // provider default: 64
        HttpEmbedder e(o);
        auto r = e.embed(texts);
        QVERIFY2(r, r ? "" : r.error().message.c_str());
        checkVectors(r->vectors, texts);
        QCOMPARE(r->stats.requests, std::int64_t(2));
    }

    void ollamaMissingModel()
    {
        auto o = options(Provider::Ollama);
        o.model = "missing-model";
        HttpEmbedder e(o);
        const Error err = expectError(e, makeTexts(3));
        QVERIFY(err.message.find("HTTP 404") != std::string::npos);
        QVERIFY(err.message.find("try pulling it first") != std::string::npos);
    }

    void teiSplitsOn413()
    {
        const auto texts = makeTexts(150);
        auto o = options(Provider::Tei);
        o.batchSize = 64; // the server allows 32: 413, split, and later batches start at 32
        o.concurrency = 1;
        HttpEmbedder e(o);
        auto r = e.embed(texts);
        QVERIFY2(r, r ? "" : r.error().message.c_str());
        checkVectors(r->vectors, texts);
        QCOMPARE(r->stats.retries, std::int64_t(0));
        // 1 refused 64, then 32-sized requests only: 150 / 32 -> 5 (+1 refused)
        QVERIFY2(r->stats.requests <= 7, qPrintable(QString::number(r->stats.requests)));
    }

    void teiDefaultBatch()
    {
        const auto texts = makeTexts(64);
        auto o = options(Provider::Tei);
        o.batchSize = 0;
        HttpEmbedder e(o);
        auto r = e.embed(texts);
        QVERIFY2(r, r ? "" : r.error().message.c_str());
        QCOMPARE(r->stats.requests, std::int64_t(2));
        checkVectors(r->vectors, texts);
    }

    void openai413SplitsAboveBatch()
    {
        server_->control(R"({"fault": "max_batch", "max_batch": 5})");
        const auto texts = makeTexts(33);
        HttpEmbedder e(options());
        auto r = e.embed(texts);
        QVERIFY2(r, r ? "" : r.error().message.c_str());
        checkVectors(r->vectors, texts);
    }

    void retries_data()
    {
        QTest::addColumn<QString>("rule");
        QTest::addColumn<int>("retries");
        QTest::newRow("429") << R"({"fault": "429", "times": 2})" << 2;
        QTest::newRow("429 Retry-After") << R"({"fault": "429_retry_after", "times": 1, "retry_after": "1"})" << 1;
        QTest::newRow("500") << R"({"fault": "500", "times": 1})" << 1;
        QTest::newRow("503") << R"({"fault": "503", "times": 3})" << 3;
        QTest::newRow("slow past the timeout") << R"({"fault": "slow", "times": 1, "slow_seconds": 4})" << 1;
        QTest::newRow("dropped connection") << R"({"fault": "drop", "times": 2})" << 2;
        QTest::newRow("truncated JSON") << R"({"fault": "truncated", "times": 1})" << 1;
    }
    void retries()
    {
        QFETCH(QString, rule);
        QFETCH(int, retries);
        server_->control(rule.toStdString());
        const auto texts = makeTexts(10);
        auto o = options();
        o.concurrency = 1;
        // Only the slow case needs a short timeout; the others get room for a loaded machine.
        o.requestTimeout = std::chrono::milliseconds(rule.contains("slow") ? 1500 : 15000);
        HttpEmbedder e(o);
        const auto t0 = std::chrono::steady_clock::now();
        auto r = e.embed(texts);
        QVERIFY2(r, r ? "" : r.error().message.c_str());
        checkVectors(r->vectors, texts);
        QCOMPARE(r->stats.retries, std::int64_t(retries));
        QCOMPARE(r->stats.requests, std::int64_t(1 + retries));
        qInfo("took %.2f s", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }

    void retriesAreBounded()
    {
        server_->control(R"({"fault": "503", "times": -1})");
        auto o = options();
        o.maxAttempts = 3;
        HttpEmbedder e(o);
        const auto texts = makeTexts(20);
        const Error err = expectError(e, texts);
        QVERIFY(err.message.find("batch 1 of 2 (rows 1-16)") != std::string::npos
                || err.message.find("batch 2 of 2 (rows 17-20)") != std::string::npos);
        QVERIFY(err.message.find("after 3 attempts") != std::string::npos);
        QVERIFY(err.message.find("HTTP 503") != std::string::npos);
        QVERIFY(err.message.find("overloaded") != std::string::npos);
        QVERIFY(server_->requests() <= 6);
    }

    void truncatedEveryTime()
    {
        server_->control(R"({"fault": "truncated", "times": -1})");
        auto o = options();
        o.maxAttempts = 2;
        o.concurrency = 1;
        HttpEmbedder e(o);
        const Error err = expectError(e, makeTexts(5));
        QVERIFY(err.message.find("after 2 attempts") != std::string::npos);
    }

    void badResponses_data()
    {
        QTest::addColumn<QString>("fault");
        QTest::addColumn<QString>("expected");
        QTest::newRow("wrong count") << "count" << "has 4 embeddings for 5 inputs";
        QTest::newRow("duplicate index") << "dup_index" << "appears more than once";
        QTest::newRow("NaN") << "nan" << "non-finite value";
        QTest::newRow("wrong dimension") << "dim" << "has 7 dimensions";
        QTest::newRow("all zeros") << "zero" << "all zeros";
    }
    void badResponses()
    {
        QFETCH(QString, fault);
        QFETCH(QString, expected);
        server_->control(R"({"fault": ")" + fault.toStdString() + R"(", "times": -1})");
        HttpEmbedder e(options());
        const Error err = expectError(e, makeTexts(5));
        QVERIFY2(err.message.find(expected.toStdString()) != std::string::npos, err.message.c_str());
        QVERIFY(err.message.find("batch 1 of 1") != std::string::npos);
        QCOMPARE(server_->requests(), 1); // a wrong answer is not retried
    }

    void unauthorizedStopsAtOnce()
    {
        auto o = options();
        o.apiKey = "sk-wrong-0000000000000000000000XYZW";
        o.concurrency = 1;
        HttpEmbedder e(o);
        const Error err = expectError(e, makeTexts(100));
        QVERIFY(err.message.find("HTTP 401") != std::string::npos);
        QVERIFY(err.message.find("Incorrect API key provided") != std::string::npos);
        QVERIFY(err.message.find("API key was rejected") != std::string::npos);
        QVERIFY(err.message.find("sk-wrong-0000") == std::string::npos); // the masked echo is scrubbed too
        QVERIFY(trace_.find("sk-wrong-0000") == std::string::npos);
    }

    void missingKey()
    {
        auto o = options();
        o.apiKey.clear();
        HttpEmbedder e(o);
        const Error err = expectError(e, makeTexts(2));
        QVERIFY(err.message.find("HTTP 401") != std::string::npos);
        QVERIFY(err.message.find("didn't provide an API key") != std::string::npos);
    }

    void quotaStopsAtOnce()
    {
        server_->control(R"({"fault": "quota", "times": -1})");
        auto o = options();
        o.concurrency = 1;
        HttpEmbedder e(o);
        const Error err = expectError(e, makeTexts(64));
        QVERIFY(err.message.find("insufficient_quota") != std::string::npos);
        QVERIFY(err.message.find("billing") != std::string::npos);
        QCOMPARE(server_->requests(), 1);
    }

    void echoedKeyIsScrubbed()
    {
        server_->control(R"({"fault": "echo_key", "times": -1})");
        HttpEmbedder e(options());
        const Error err = expectError(e, makeTexts(2));
        QVERIFY(err.message.find("[redacted]") != std::string::npos);
        QVERIFY(err.message.find("HTTP 400") != std::string::npos);
    }

    void tooLongInputSplitsDownToIt()
    {
        auto texts = makeTexts(20);
        texts[6] = "TOO_LONG " + texts[6];
        HttpEmbedder e(options());
        const Error err = expectError(e, texts);
        QVERIFY2(err.message.find("row 7 is too long") != std::string::npos, err.message.c_str());
        QVERIFY(err.message.find("maximum context length") != std::string::npos);
    }

    void wrongBaseUrl()
    {
        auto o = options();
        o.baseUrl = server_->root(); // without /v1
        HttpEmbedder e(o);
        const Error err = expectError(e, makeTexts(2));
        QVERIFY(err.message.find("HTTP 404") != std::string::npos);
        QVERIFY(err.message.find("--base-url") != std::string::npos);
    }

    void connectionRefused()
    {
        auto o = options();
        o.baseUrl = "http://127.0.0.1:1/v1";
        o.maxAttempts = 2;
        HttpEmbedder e(o);
        const Error err = expectError(e, makeTexts(2));
        QVERIFY(err.message.find("after 2 attempts") != std::string::npos);
        QVERIFY(!err.badInput);
    }

    void cancelMidRequest()
    {
        server_->control(R"({"latency_ms": 20000})");
        HttpEmbedder e(options());
        std::stop_source stop;
        std::optional<Result<EmbedResult>> r;
        std::thread worker([&] { r = e.embed(makeTexts(10), {}, stop.get_token()); });
        for (int i = 0; i < 200 && server_->requests() < 1; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        QCOMPARE(server_->requests(), 1);
        std::this_thread::sleep_for(std::chrono::milliseconds(100)); // mid-request
        const auto t0 = std::chrono::steady_clock::now();
        stop.request_stop();
        worker.join();
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        qInfo("cancelled %.1f ms after the request (server would answer after 20 s)", ms);
        QVERIFY(r.has_value() && !r->ok());
        QVERIFY(r->error().cancelled);
        QVERIFY(ms < 10000); // long before the server's answer
        server_->control(R"({"latency_ms": 0})");
    }

    void progressReportsCounts()
    {
        server_->control(R"({"fault": "500", "times": 1})");
        auto o = options();
        o.concurrency = 1;
        HttpEmbedder e(o);
        std::vector<std::string> stages;
        double last = -1;
        bool monotonic = true;
        auto r = e.embed(makeTexts(64), [&](double f, std::string_view s) {
            monotonic &= f >= last;
            last = f;
            stages.emplace_back(s);
        });
        QVERIFY(r);
        QVERIFY(monotonic);
        QCOMPARE(last, 1.0);
        bool eta = false;
        for (const auto &s : stages)
            eta |= s.find("ETA") != std::string::npos;
        QVERIFY(eta);
        QVERIFY2(stages.back().find("64/64 texts, 5 requests, 1 retries, 0 cached") != std::string::npos,
                 stages.back().c_str());
    }

    void estimateAndCost()
    {
        auto o = options();
        o.model = "text-embedding-3-small";
        HttpEmbedder e(o);
        const std::vector<std::string> texts{std::string(400, 'a'), std::string(400, 'b')};
        const auto est = e.estimate(texts);
        QCOMPARE(est.texts, std::int64_t(2));
        QCOMPARE(est.tokens, std::int64_t(200));
        QVERIFY(est.costUsd.has_value());
        QCOMPARE(*est.costUsd, 200 * 0.02 / 1e6);
        o.model = "text-embedding-3-large";
        QCOMPARE(*HttpEmbedder(o).estimate(texts).costUsd, 200 * 0.13 / 1e6);
        o.model = "text-embedding-ada-002";
        QCOMPARE(*HttpEmbedder(o).estimate(texts).costUsd, 200 * 0.10 / 1e6);
        o.model = "nomic-embed-text";
        QVERIFY(!HttpEmbedder(o).estimate(texts).costUsd);
        QCOMPARE(server_->requests(), 0);
        QVERIFY(!e.isRemote()); // 127.0.0.1
        o.baseUrl = "https://api.openai.com/v1";
        QVERIFY(HttpEmbedder(o).isRemote());
    }

    void idHasNoKey()
    {
        HttpEmbedder e(options());
        checkNoKey(e.id());
        checkNoKey(e.displayName());
        QCOMPARE(QString::fromStdString(e.id()),
                 QString::fromStdString("openai:" + server_->root() + "/v1:test-model:0"));
    }

    void partialResultsStayInCache()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("cache.sqlite").toStdString();
        const auto texts = makeTexts(50, "partial");
        // Two batches succeed, then the service fails for good.
        server_->control(R"({"fault": "503", "times": -1, "after": 2})");
        {
            auto o = options();
            o.concurrency = 1;
            o.batchSize = 10;
            o.maxAttempts = 2;
            CachingEmbedder e(std::make_unique<HttpEmbedder>(o), path);
            auto r = e.embed(texts);
            QVERIFY(!r);
            checkNoKey(r.error().message);
            QCOMPARE(e.cache()->size(), std::int64_t(20));
        }
        server_->reset();
        {
            auto o = options();
            o.concurrency = 1;
            o.batchSize = 10;
            CachingEmbedder e(std::make_unique<HttpEmbedder>(o), path);
            const auto est = e.estimate(texts);
            QCOMPARE(est.texts, std::int64_t(30));
            auto r = e.embed(texts);
            QVERIFY2(r, r ? "" : r.error().message.c_str());
            checkVectors(r->vectors, texts);
            QCOMPARE(r->stats.cacheHits, std::int64_t(20));
            QCOMPARE(r->stats.requests, std::int64_t(3));
        }
        server_->reset();
        {
            CachingEmbedder e(std::make_unique<HttpEmbedder>(options()), path);
            auto r = e.embed(texts);
            QVERIFY(r);
            QCOMPARE(r->stats.requests, std::int64_t(0));
            QCOMPARE(r->stats.cacheHits, std::int64_t(50));
            QCOMPARE(server_->requests(), 0);
            checkVectors(r->vectors, texts);
        }
        // The key is nowhere in the cache files.
        for (const char *suffix : {"", "-wal", "-shm"}) {
            std::ifstream f(path + suffix, std::ios::binary);
            std::stringstream ss;
            ss << f.rdbuf();
            checkNoKey(ss.str());
        }
    }

    void cancelKeepsFinishedBatchesInCache()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("cache.sqlite").toStdString();
        const auto texts = makeTexts(40, "cancel");
        auto o = options();
        o.concurrency = 1;
        o.batchSize = 10;
        CachingEmbedder e(std::make_unique<HttpEmbedder>(o), path);
        std::stop_source stop;
        int batches = 0;
        auto r = e.embed(texts, [&](double f, std::string_view) {
            if (f >= 0.2 && ++batches == 1) {
                server_->control(R"({"latency_ms": 20000})");
                stop.request_stop();
            }
        }, stop.get_token());
        QVERIFY(!r);
        QVERIFY(r.error().cancelled);
        QCOMPARE(e.cache()->size(), std::int64_t(10));
        server_->control(R"({"latency_ms": 0})");
    }

    void factoryBuildsProviders()
    {
        EmbedderSpec s;
        s.provider = "openai";
        s.apiKey = kKey;
        auto e = makeEmbedder(s);
        QVERIFY(!e);
        QVERIFY(e.error().message.find("--model") != std::string::npos);
        s.provider = "azure";
        e = makeEmbedder(s);
        QVERIFY(!e && e.error().message.find("--base-url") != std::string::npos);
        s.provider = "ollama";
        e = makeEmbedder(s);
        QVERIFY(!e && e.error().message.find("--model") != std::string::npos);
        s.provider = "tei";
        s.useCache = false;
        e = makeEmbedder(s);
        QVERIFY(e);
        QCOMPARE(QString::fromStdString((*e)->id()), QString("tei:http://localhost:8080::0"));
        s.provider = "openai";
        s.model = "text-embedding-3-small";
        s.apiKey.clear();
        e = makeEmbedder(s);
        QVERIFY(!e && e.error().message.find("OPENAI_API_KEY") != std::string::npos);
    }

    // Issue 15: a base URL that is not http(s) with a host is refused before anything is
    // sent, by the factory and by the embedder itself.
    void unparsableBaseUrlsSendNothing()
    {
        const std::string port = std::to_string(server_->port());
        const std::vector<std::string> bad = {"127.0.0.1:" + port + "/v1", "ftp://127.0.0.1:" + port + "/v1",
                                              "file:///etc", "http://", "http:///v1", "https://:443/v1",
                                              "http://127.0.0.1:" + port + " /v1", "http://127.0.0.1:99999/v1",
                                              "http://127.0.0.1:" + port + "/v1\r\nX-Injected: 1",
                                              "javascript:alert(1)", "//127.0.0.1:" + port + "/v1"};
        EmbedderSpec s;
        s.provider = "openai";
        s.model = "m";
        s.apiKey = kKey;
        s.useCache = false;
        for (const std::string &u : bad) {
            QVERIFY2(url::httpUrlProblem(u), u.c_str());
            s.baseUrl = u;
            auto made = makeEmbedder(s);
            QVERIFY2(!made, u.c_str());
            QVERIFY2(made.error().message.find("base URL") != std::string::npos, made.error().message.c_str());
            auto o = options();
            o.baseUrl = u;
            HttpEmbedder e(o);
            const Error err = expectError(e, makeTexts(2));
            QVERIFY2(err.message.find("base URL") != std::string::npos, err.message.c_str());
        }
        for (const std::string u : {"http://127.0.0.1:8080", "https://api.openai.com/v1", "http://[::1]:11434",
                                    "HTTP://Host.example/v1?x=1", "http://user:pw@host/v1", "http://host:1/"})
            QVERIFY2(!url::httpUrlProblem(u), u.c_str());
        QCOMPARE(server_->allRequests(), 0);
    }

    // User-info (user:password@) is never printed: not in errors, ids, names or the trace.
    void userInfoIsRedacted()
    {
        QCOMPARE(url::redactUserInfo("http://user:PASSWORD99@127.0.0.1:47001/v1"),
                 std::string("http://***@127.0.0.1:47001/v1"));
        QCOMPARE(url::redactUserInfo("https://host/v1?a=b@c"), std::string("https://host/v1?a=b@c"));
        QCOMPARE(url::redactUrls("see http://u:p@h/x and 'https://a@b:1' end"),
                 std::string("see http://***@h/x and 'https://***@b:1' end"));
        auto o = options();
        o.baseUrl = "http://user:PASSWORD99@127.0.0.1:" + std::to_string(server_->port()) + "/nope";
        HttpEmbedder e(o);
        const Error err = expectError(e, makeTexts(2));
        QVERIFY2(err.message.find("HTTP 404") != std::string::npos, err.message.c_str());
        for (const std::string &s : {err.message, e.id(), e.displayName(), trace_})
            QVERIFY2(s.find("PASSWORD99") == std::string::npos, s.c_str());
        QVERIFY(err.message.find("http://***@127.0.0.1:") != std::string::npos);
    }

    // A key with a control character would add headers of its own (HTTP header injection).
    void keyWithControlCharactersIsRefused()
    {
        for (const std::string &key : {std::string("sk-abc\r\nX-Injected: 1"), std::string("sk-abc\nX-Injected: 1"),
                                      std::string("sk-abc\tdef"), std::string("sk-abc\0def", 10)}) {
            auto o = options();
            o.apiKey = key;
            HttpEmbedder e(o);
            auto r = e.embed(makeTexts(2));
            QVERIFY(!r);
            const std::string &m = r.error().message;
            QVERIFY2(m.find("control character") != std::string::npos, m.c_str());
            QVERIFY2(m.find("sk-abc") == std::string::npos && m.find("Injected") == std::string::npos, m.c_str());
            EmbedderSpec s;
            s.provider = "tei";
            s.baseUrl = server_->root();
            s.apiKey = key;
            auto made = makeEmbedder(s);
            QVERIFY(!made && made.error().message.find("control character") != std::string::npos);
        }
        QCOMPARE(server_->allRequests(), 0);
        QVERIFY(!server_->headerNames().contains("x-injected"));
    }

    // Responses are capped: automatically (16 MB for a small batch) or as configured; an
    // answer over the cap is refused at once, one within it is read.
    void oversizedResponseIsRefused()
    {
        server_->control(R"({"fault": "huge", "times": -1, "size_mb": 40})");
        {
            HttpEmbedder e(options());
            const Error err = expectError(e, makeTexts(5));
            QVERIFY2(err.message.find("larger than 16 MB") != std::string::npos, err.message.c_str());
            QCOMPARE(server_->requests(), 1);
        }
        server_->reset();
        server_->control(R"({"fault": "huge", "times": -1, "size_mb": 3})");
        auto o = options();
        o.maxResponseBytes = 1000000;
        {
            HttpEmbedder e(o);
            const Error err = expectError(e, makeTexts(5));
            QVERIFY2(err.message.find("larger than 1 MB") != std::string::npos, err.message.c_str());
        }
        server_->reset();
        server_->control(R"({"fault": "huge", "times": -1, "size_mb": 0.5})");
        HttpEmbedder e(o);
        auto r = e.embed(makeTexts(5));
        QVERIFY2(r, r ? "" : r.error().message.c_str());
        checkVectors(r->vectors, makeTexts(5));
    }

    // A server that stops sending: the transfer is given up after stallTimeout, and a batch
    // that stalls twice ends the run (not six attempts of ten minutes).
    void stalledServerGivesUp_data()
    {
        QTest::addColumn<QString>("at");
        QTest::newRow("before the answer") << "start";
        QTest::newRow("in the body") << "body";
    }
    void stalledServerGivesUp()
    {
        QFETCH(QString, at);
        server_->control("{\"fault\": \"stall\", \"times\": -1, \"stall_seconds\": 60, \"stall_at\": \""
                         + at.toStdString() + "\"}");
        auto o = options();
        o.stallTimeout = std::chrono::seconds(2);
        o.maxAttempts = 6;
        HttpEmbedder e(o);
        QElapsedTimer clock;
        clock.start();
        const Error err = expectError(e, makeTexts(3));
        qInfo("stall timeout 2 s: gave up after %.1f s", double(clock.elapsed()) / 1000.0);
        QVERIFY2(err.message.find("stalled") != std::string::npos, err.message.c_str());
        QVERIFY(clock.elapsed() < 15000);
        QCOMPARE(server_->requests(), 2);
    }

    // A redirect is not followed (the key would travel with it); the message says where to.
    void redirectIsNotFollowed()
    {
        server_->control("{\"fault\": \"redirect\", \"times\": -1, "
                         "\"location\": \"https://u:PASSWORD99@elsewhere.example/v1/embeddings\"}");
        HttpEmbedder e(options());
        const Error err = expectError(e, makeTexts(2));
        QVERIFY2(err.message.find("HTTP 307") != std::string::npos && err.message.find("redirect") != std::string::npos
                     && err.message.find("not followed") != std::string::npos
                     && err.message.find("https://***@elsewhere.example/v1/embeddings") != std::string::npos,
                 err.message.c_str());
        QVERIFY(err.message.find("PASSWORD99") == std::string::npos);
        QCOMPARE(server_->requests(), 1);
    }

    // A response nested 100,000 levels deep is refused unparsed (copying it would recurse
    // once per level), as is the error message of one.
    void deeplyNestedResponseIsRefused()
    {
        const std::string deep = std::string(100000, '[') + std::string(100000, ']');
        auto r = decodeResponse(Provider::OpenAI, "{\"data\": " + deep + "}", 1, 0);
        const auto *err = std::get_if<ResponseError>(&r);
        QVERIFY(err);
        QVERIFY2(err->message.find("nested too deep") != std::string::npos, err->message.c_str());
        QCOMPARE(providerMessage("{\"error\": " + deep + "}").substr(0, 10), std::string("{\"error\": "));
    }
};

ES_TEST_GUILESS_MAIN(TestHttpEmbedder)
#include "tst_http_embedder.moc"
