// HTTP provider throughput against the loopback fake server with 20 ms latency per request:
// texts per second at concurrency 1, 2, 4, 8 (batch 64), the cached second run, and how long
// a cancel takes mid-request. Targets (issue 5), checked (tests/benchmarks/targets.h): 4 in
// flight >= 3.5x the texts/s of 1, cached >= 100,000 texts/s, cancel < 200 ms (the longest
// of 5).
#include "embed/cache/cache.h"
#include "embed/http/http_embedder.h"
#include "targets.h"
#include "tools/fake_provider.h"

#include <QTemporaryDir>
#include <QTest>
#include "tools/testmain.h"

#include <chrono>
#include <ctime>
#include <thread>

using namespace es;
using namespace es::http;
using Clock = std::chrono::steady_clock;

class BenchHttp : public QObject {
    Q_OBJECT

    std::unique_ptr<test::FakeProvider> server_;
    bench::Targets targets_;

    HttpOptions options(int concurrency)
    {
        HttpOptions o;
        o.provider = Provider::OpenAI;
        o.baseUrl = server_->root() + "/v1";
        o.model = "bench-model";
        o.apiKey = "sk-bench-key-0000000000";
        o.batchSize = 64;
        o.concurrency = concurrency;
        return o;
    }

    static std::vector<std::string> texts(int n, const char *prefix)
    {
        std::vector<std::string> t;
        t.reserve(std::size_t(n));
        for (int i = 0; i < n; ++i)
            t.push_back(std::string(prefix) + " benchmark sentence number " + std::to_string(i)
                        + " with a few more words to look like a real one");
        return t;
    }

private slots:
    void initTestCase()
    {
        server_ = std::make_unique<test::FakeProvider>("sk-bench-key-0000000000",
                                                       QStringList{"--latency-ms", "20", "--dims", "64"});
        QVERIFY(server_->ok());
    }

    void cleanupTestCase() { targets_.summary(); }

    void concurrency()
    {
        const std::size_t from = targets_.size();
        const int n = 64 * 48; // 48 requests per run
        double base = 0;
        for (int c : {1, 2, 4, 8}) {
            HttpEmbedder e(options(c));
            const std::string prefix = std::string("c") + std::to_string(c);
            const auto in = texts(n, prefix.c_str());
            const auto t0 = Clock::now();
            auto r = e.embed(in);
            const double s = std::chrono::duration<double>(Clock::now() - t0).count();
            QVERIFY2(r, r ? "" : r.error().message.c_str());
            const double tps = n / s;
            if (c == 1)
                base = tps;
            std::printf("concurrency %d, batch 64, 20 ms latency: %8.0f texts/s (%lld requests, %.2f s, %.2fx of 1)\n",
                        c, tps, (long long)r->stats.requests, s, tps / base);
            std::fflush(stdout);
            if (c == 4)
                targets_.check("4 in flight vs 1 (texts/s)", tps / base, bench::Direction::AtLeast, 3.5, "x");
        }
        ES_VERIFY_TARGETS(targets_, from);
    }

    void cachedSecondRun()
    {
        const std::size_t from = targets_.size();
        QTemporaryDir dir;
        const std::string path = dir.filePath("bench.sqlite").toStdString();
        const auto in = texts(100000, "cached");
        {
            CachingEmbedder e(std::make_unique<HttpEmbedder>(options(8)), path);
            auto r = e.embed(in);
            QVERIFY2(r, r ? "" : r.error().message.c_str());
        }
        server_->reset();
        CachingEmbedder e(std::make_unique<HttpEmbedder>(options(8)), path);
        const auto t0 = Clock::now();
        const std::clock_t c0 = std::clock();
        auto r = e.embed(in);
        const double s = std::chrono::duration<double>(Clock::now() - t0).count();
        const double cpu = double(std::clock() - c0) / CLOCKS_PER_SEC;
        QVERIFY(r);
        QCOMPARE(r->stats.cacheHits, std::int64_t(in.size()));
        QCOMPARE(server_->requests(), 0);
        std::printf("cached second run: %.0f texts/s (%zu texts, 64 dims, %.3f s wall, 0 requests; "
                    "%.0f texts per CPU second)\n",
                    double(in.size()) / s, in.size(), s, double(in.size()) / cpu);
        std::fflush(stdout);
        targets_.check("cached second run", double(in.size()) / s, bench::Direction::AtLeast, 100000, "texts/s");
        ES_VERIFY_TARGETS(targets_, from);
    }

    void cancelLatency()
    {
        const std::size_t from = targets_.size();
        server_->control(R"({"latency_ms": 5000})");
        HttpEmbedder e(options(4));
        std::vector<double> ms;
        for (int round = 0; round < 5; ++round) {
            std::stop_source stop;
            std::optional<Result<EmbedResult>> r;
            std::thread worker([&] { r = e.embed(texts(256, "cancel"), {}, stop.get_token()); });
            std::this_thread::sleep_for(std::chrono::milliseconds(150)); // requests in flight
            const auto t0 = Clock::now();
            stop.request_stop();
            worker.join();
            ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
            QVERIFY(r && !r->ok() && r->error().cancelled);
        }
        const double worst = *std::max_element(ms.begin(), ms.end());
        std::printf("cancel mid-request (4 in flight, server answers after 5 s): max %.1f ms over 5 runs\n", worst);
        server_->control(R"({"latency_ms": 20})");
        targets_.check("cancel mid-request (longest of 5)", worst, bench::Direction::Below, 200, "ms");
        ES_VERIFY_TARGETS(targets_, from);
    }
};

ES_TEST_GUILESS_MAIN(BenchHttp)
#include "bench_http.moc"
