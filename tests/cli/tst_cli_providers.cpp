// `embedscope embed --provider openai|azure|ollama|tei` end to end: the built binary against
// the loopback fake provider (tests/tools/fake_provider.py): vectors in input order, the
// cache on a second run, --stats, missing flags (exit 2), provider errors (exit 1 with the
// HTTP status and the provider's message) and never the key in any output.
#include "cli_run.h"

#include "tools/fake_provider.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTextStream>
#include <QtTest>
#include "tools/testmain.h"

using clitest::Run;

namespace {

const QString kKey = QStringLiteral("sk-cli-SECRET-5c0ffee5c0ffee5c0ffee");

} // namespace

class TestCliProviders : public QObject {
    Q_OBJECT

    std::unique_ptr<es::test::FakeProvider> server_;
    QTemporaryDir dir_;
    QStringList texts_;
    QString input_;
    QString leaked_; // outputs that contained (part of) the key

    QProcessEnvironment env(const QString &cacheName = "cache")
    {
        auto e = QProcessEnvironment::systemEnvironment();
        e.insert("XDG_CACHE_HOME", dir_.filePath(cacheName));
        e.insert("MY_TEST_KEY", kKey);
        e.insert("AZURE_OPENAI_API_KEY", kKey);
        e.remove("OPENAI_API_KEY");
        return e;
    }

    Run run(const QStringList &args, const QProcessEnvironment &e)
    {
        Run r = clitest::run(args, e, 120000);
        for (const QString &s : {r.out, r.err})
            if (s.contains(kKey.left(12)))
                leaked_ += s;
        return r;
    }

    static QJsonObject stats(const Run &r)
    {
        const QStringList lines = r.out.trimmed().split('\n');
        return QJsonDocument::fromJson(lines.last().toUtf8()).object();
    }

    void checkCsv(const QString &path, int dims = 8)
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QTextStream in(&f);
        const QStringList header = in.readLine().split(',');
        QCOMPARE(header.size(), dims + 1);
        int row = 0;
        while (!in.atEnd()) {
            const QStringList cells = in.readLine().split(',');
            QCOMPARE(cells.size(), dims + 1);
            QCOMPARE(cells[0].toInt(), row);
            const auto want = es::test::FakeProvider::vector(texts_[row].toStdString(), dims);
            for (int c = 0; c < dims; ++c)
                QVERIFY(std::abs(cells[c + 1].toDouble() - want[std::size_t(c)]) < 1e-6);
            ++row;
        }
        QCOMPARE(row, texts_.size());
    }

private slots:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        server_ = std::make_unique<es::test::FakeProvider>(kKey);
        QVERIFY(server_->ok());
        for (int i = 0; i < 45; ++i)
            texts_ << QStringLiteral("The %1th sentence of the command-line provider test.").arg(i);
        input_ = dir_.filePath("texts.txt");
        QFile f(input_);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(texts_.join('\n').toUtf8() + "\n");
    }
    void init() { server_->reset(); }
    void cleanup() { QVERIFY2(leaked_.isEmpty(), qPrintable("the key leaked: " + leaked_)); }

    void openaiThenCached()
    {
        const QString out = dir_.filePath("openai.csv");
        const QStringList args{"embed", input_, "-o", out, "--provider", "openai", "--model", "test-model",
                               "--base-url", QString::fromStdString(server_->root() + "/v1"),
                               "--api-key-env", "MY_TEST_KEY", "--batch-size", "10", "--stats"};
        Run r = run(args, env("c1"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        checkCsv(out);
        QJsonObject s = stats(r);
        QCOMPARE(s["requests"].toInt(), 5);
        QCOMPARE(s["retries"].toInt(), 0);
        QCOMPARE(s["cache_hits"].toInt(), 0);
        QVERIFY(s["texts_per_second"].toDouble() > 0);
        QCOMPARE(server_->requests(), 5);

        r = run(args, env("c1"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        s = stats(r);
        QCOMPARE(s["requests"].toInt(), 0);
        QCOMPARE(s["cache_hits"].toInt(), 45);
        QCOMPARE(server_->requests(), 5); // nothing sent
        checkCsv(out);

        r = run(QStringList(args) << "--no-cache", env("c1"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(stats(r)["requests"].toInt(), 5);
    }

    void localModelIsCachedToo()
    {
        const QString model = qEnvironmentVariable("EMBEDSCOPE_MODEL");
        if (model.isEmpty() || !QFile::exists(model)) {
            if (qEnvironmentVariable("EMBEDSCOPE_REQUIRE_MODEL") == "1")
                QFAIL("EMBEDSCOPE_MODEL is not set or missing, but EMBEDSCOPE_REQUIRE_MODEL=1");
            QSKIP("no local model ($EMBEDSCOPE_MODEL)");
        }
        const QString out = dir_.filePath("local.npy");
        const QStringList args{"embed", input_, "-o", out, "--model-path", model, "--stats"};
        Run r = run(args, env("local"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(stats(r)["cache_hits"].toInt(), 0);
        QFile f(out);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray first = f.readAll();
        f.close();
        r = run(args, env("local"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(stats(r)["cache_hits"].toInt(), texts_.size());
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), first); // the same bytes from the cache
    }

    void retriesAreCounted()
    {
        server_->control(R"({"fault": "429_retry_after", "times": 1, "retry_after": "0"})");
        const QString out = dir_.filePath("retry.csv");
        Run r = run({"embed", input_, "-o", out, "--provider", "openai", "--model", "test-model", "--base-url",
                     QString::fromStdString(server_->root() + "/v1"), "--api-key-env", "MY_TEST_KEY",
                     "--concurrency", "1", "--stats"},
                    env("c2"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(stats(r)["retries"].toInt(), 1);
        checkCsv(out);
    }

    void otherProviders_data()
    {
        QTest::addColumn<QStringList>("args");
        const QString root = QString::fromStdString(server_->root());
        QTest::newRow("azure") << QStringList{"--provider", "azure", "--base-url",
                                              root + "/openai/deployments/embed-small", "--api-version", "2024-06-01"};
        QTest::newRow("ollama") << QStringList{"--provider", "ollama", "--model", "nomic-embed-text", "--base-url", root};
        QTest::newRow("tei") << QStringList{"--provider", "tei", "--base-url", root, "--api-key-env", "MY_TEST_KEY"};
    }
    void otherProviders()
    {
        QFETCH(QStringList, args);
        const QString out = dir_.filePath(QString(QTest::currentDataTag()) + ".csv");
        Run r = run(QStringList{"embed", input_, "-o", out, "--stats"} + args, env(QTest::currentDataTag()));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        checkCsv(out);
        QVERIFY(stats(r)["requests"].toInt() >= 1);
    }

    void missingFlags_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("flag");
        QTest::newRow("openai without --model") << QStringList{"--provider", "openai"} << "--model";
        QTest::newRow("azure without --base-url") << QStringList{"--provider", "azure"} << "--base-url";
        QTest::newRow("ollama without --model") << QStringList{"--provider", "ollama"} << "--model";
        QTest::newRow("unset key variable") << QStringList{"--provider", "openai", "--model", "m",
                                                           "--api-key-env", "NO_SUCH_VARIABLE_HERE"}
                                            << "NO_SUCH_VARIABLE_HERE";
    }
    void missingFlags()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, flag);
        Run r = run(QStringList{"embed", input_, "-o", dir_.filePath("x.npy")} + args, env());
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(flag), qPrintable(r.err));
        QCOMPARE(server_->requests(), 0);
    }

    void openaiWithoutKey()
    {
        Run r = run({"embed", input_, "-o", dir_.filePath("x.npy"), "--provider", "openai", "--model",
                     "text-embedding-3-small"},
                    env());
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("OPENAI_API_KEY"), qPrintable(r.err));
    }

    void providerErrors_data()
    {
        QTest::addColumn<QString>("rule");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("401 wrong key") << "" << "sk-cli-WRONG-0123456789abcdef"
                                       << QStringList{"HTTP 401", "Incorrect API key provided", "API key was rejected",
                                                       "read from $MY_TEST_KEY"};
        QTest::newRow("insufficient_quota") << R"({"fault": "quota", "times": -1})" << ""
                                            << QStringList{"HTTP 429", "insufficient_quota", "billing"};
        QTest::newRow("key echoed") << R"({"fault": "echo_key", "times": -1})" << ""
                                    << QStringList{"HTTP 400", "[redacted]"};
        QTest::newRow("bad response") << R"({"fault": "count", "times": -1})" << ""
                                      << QStringList{"embeddings for", "batch 1 of"};
    }
    void providerErrors()
    {
        QFETCH(QString, rule);
        QFETCH(QString, key);
        QFETCH(QStringList, expected);
        if (!rule.isEmpty())
            server_->control(rule.toStdString());
        auto e = env(QString("err-") + QTest::currentDataTag());
        if (!key.isEmpty())
            e.insert("MY_TEST_KEY", key);
        Run r = run({"embed", input_, "-o", dir_.filePath("err.npy"), "--provider", "openai", "--model", "m",
                     "--base-url", QString::fromStdString(server_->root() + "/v1"), "--api-key-env",
                     "MY_TEST_KEY", "--concurrency", "1"},
                    e);
        QCOMPARE(r.exitCode, 1);
        for (const auto &x : expected)
            QVERIFY2(r.err.contains(x), qPrintable(r.err));
        if (!key.isEmpty())
            QVERIFY(!r.err.contains(key.left(10)));
        QVERIFY(!QFile::exists(dir_.filePath("err.npy")));
    }

    // Issue 15: a provider spec or base URL that does not parse is refused (exit 2) before
    // anything is sent. Every proxy variable points at the fake server, so an attempt to
    // reach the public endpoint would show up there as a CONNECT.
    void unparsableUrlsSendNothing_data()
    {
        QTest::addColumn<QStringList>("args");
        const QString port = QString::number(server_->port());
        const QString in = input_;
        QTest::newRow("compare, no scheme")
            << QStringList{"compare", in, "--a", "lexical", "--b", "openai:m@127.0.0.1:" + port + "/v1"};
        QTest::newRow("compare, ftp")
            << QStringList{"compare", in, "--a", "lexical", "--b", "openai:m@ftp://127.0.0.1:" + port + "/v1"};
        QTest::newRow("compare, file") << QStringList{"compare", in, "--a", "lexical", "--b", "openai:m@file:///etc"};
        QTest::newRow("compare, no host") << QStringList{"compare", in, "--a", "openai:m@http:///v1", "--b", "lexical"};
        QTest::newRow("doctor, no scheme")
            << QStringList{"doctor", in, "--embedder", "openai:m@127.0.0.1:" + port + "/v1"};
        QTest::newRow("embed, no scheme") << QStringList{"embed", in, "--provider", "openai", "--model", "m",
                                                         "--base-url", "127.0.0.1:" + port + "/v1"};
        QTest::newRow("embed, ftp") << QStringList{"embed", in, "--provider", "openai", "--model", "m",
                                                   "--base-url", "ftp://127.0.0.1:" + port + "/v1"};
        QTest::newRow("embed, empty host") << QStringList{"embed", in, "--provider", "ollama", "--model", "m",
                                                          "--base-url", "http://:" + port};
    }
    void unparsableUrlsSendNothing()
    {
        QFETCH(QStringList, args);
        auto e = env("bad-url");
        e.insert("OPENAI_API_KEY", kKey);
        for (const char *v : {"http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"})
            e.insert(v, QString::fromStdString(server_->root()));
        e.remove("no_proxy");
        e.remove("NO_PROXY");
        const QString out = dir_.filePath(args[0] == "embed" ? "badurl.npy" : "badurl.csv");
        Run r = run(args + QStringList{"-o", out}, e);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("base URL"), qPrintable(r.err));
        QVERIFY2(!r.err.contains("api.openai.com"), qPrintable(r.err));
        QCOMPARE(server_->allRequests(), 0);
        QVERIFY(!QFile::exists(out));
    }

    // A key with a line break would add a header of its own: refused, the key not printed.
    void keyWithControlCharactersIsRefused()
    {
        auto e = env("ctl");
        e.insert("MY_TEST_KEY", "sk-abc\r\nX-Injected: 1");
        const QString out = dir_.filePath("ctl.npy");
        for (const QStringList &args :
             {QStringList{"embed", input_, "-o", out, "--provider", "openai", "--model", "m", "--base-url",
                          QString::fromStdString(server_->root() + "/v1"), "--api-key-env", "MY_TEST_KEY"},
              QStringList{"compare", input_, "-o", dir_.filePath("ctl.csv"), "--a", "lexical", "--b",
                          QString::fromStdString("tei@" + server_->root()), "--api-key-env", "MY_TEST_KEY"}}) {
            Run r = run(args, e);
            QCOMPARE(r.exitCode, 1);
            QVERIFY2(r.err.contains("MY_TEST_KEY") && r.err.contains("control character"), qPrintable(r.err));
            QVERIFY2(!r.err.contains("sk-abc") && !r.err.contains("X-Injected"), qPrintable(r.err));
            QCOMPARE(server_->allRequests(), 0);
            QVERIFY2(!server_->headerNames().contains("x-injected"), qPrintable(server_->headerNames().join(' ')));
        }
        QVERIFY(!QFile::exists(out));
    }

    // User-info in a base URL is never printed: not in errors, not in --stats.
    void passwordInBaseUrlIsRedacted()
    {
        const QString withPassword = QString::fromStdString("http://user:PASSWORD99@127.0.0.1:"
                                                            + std::to_string(server_->port()));
        Run r = run({"embed", input_, "-o", dir_.filePath("pw.npy"), "--provider", "openai", "--model", "m",
                     "--base-url", withPassword + "/nope", "--api-key-env", "MY_TEST_KEY"},
                    env("pw"));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("HTTP 404") && r.err.contains("127.0.0.1"), qPrintable(r.err));
        QVERIFY2(!r.err.contains("PASSWORD99") && !r.out.contains("PASSWORD99"), qPrintable(r.err));

        r = run({"compare", input_, "-o", dir_.filePath("pw.csv"), "--a", "lexical", "--b",
                 "openai:test-model@" + withPassword + "/v1", "--api-key-env", "MY_TEST_KEY", "--stats"},
                env("pw"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(!r.err.contains("PASSWORD99") && !r.out.contains("PASSWORD99"), qPrintable(r.out + r.err));
        QVERIFY2(stats(r)["model_b"].toString().contains("127.0.0.1"), qPrintable(r.out));
    }

    // An answer beyond --max-response-mb is refused at once (not retried).
    void oversizedResponseIsRefused()
    {
        server_->control(R"({"fault": "huge", "times": -1, "size_mb": 3})");
        const QString out = dir_.filePath("huge.npy");
        Run r = run({"embed", input_, "-o", out, "--provider", "openai", "--model", "m", "--base-url",
                     QString::fromStdString(server_->root() + "/v1"), "--api-key-env", "MY_TEST_KEY",
                     "--max-response-mb", "1"},
                    env("huge"));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("larger than 1 MB") && r.err.contains("--max-response-mb"), qPrintable(r.err));
        QCOMPARE(server_->requests(), 1);
        QVERIFY(!QFile::exists(out));
    }

    // A server that stops sending is given up on after --stall-timeout, not after minutes.
    void stalledServerGivesUpQuickly()
    {
        server_->control(R"({"fault": "stall", "times": -1, "stall_seconds": 120})");
        const QString out = dir_.filePath("stall.npy");
        QElapsedTimer clock;
        clock.start();
        Run r = run({"embed", input_, "-o", out, "--provider", "openai", "--model", "m", "--base-url",
                     QString::fromStdString(server_->root() + "/v1"), "--api-key-env", "MY_TEST_KEY",
                     "--stall-timeout", "2"},
                    env("stall"));
        const qint64 ms = clock.elapsed();
        qInfo("stalled server, --stall-timeout 2: gave up after %.1f s", double(ms) / 1000.0);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("stalled") && r.err.contains("--stall-timeout"), qPrintable(r.err));
        QVERIFY2(ms < 30000, qPrintable(QString::number(ms)));
        QVERIFY(!QFile::exists(out));
    }

    // A redirect is not followed (the key would go with it): the message says so and where.
    void redirectIsReported()
    {
        server_->control("{\"fault\": \"redirect\", \"times\": -1, "
                         "\"location\": \"http://someone:PASSWORD99@127.0.0.1:9/v2/embeddings\"}");
        Run r = run({"embed", input_, "-o", dir_.filePath("redirect.npy"), "--provider", "openai", "--model",
                     "m", "--base-url", QString::fromStdString(server_->root() + "/v1"), "--api-key-env",
                     "MY_TEST_KEY"},
                    env("redirect"));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("HTTP 307") && r.err.contains("redirect") && r.err.contains("not followed")
                     && r.err.contains("127.0.0.1:9/v2/embeddings"),
                 qPrintable(r.err));
        QVERIFY2(!r.err.contains("PASSWORD99"), qPrintable(r.err));
        QCOMPARE(server_->requests(), 1);
    }

    // compare has no --model: the message says how to name the model in the spec.
    void compareSpecWithoutModel()
    {
        Run r = run({"compare", input_, "-o", dir_.filePath("nomodel.csv"), "--a", "lexical", "--b",
                     QString::fromStdString("openai@" + server_->root() + "/v1"), "--api-key-env", "MY_TEST_KEY"},
                    env("nomodel"));
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("openai:MODEL@"), qPrintable(r.err));
        QVERIFY2(!r.err.contains("--model "), qPrintable(r.err));
        QCOMPARE(server_->allRequests(), 0);
    }
};

ES_TEST_GUILESS_MAIN(TestCliProviders)
#include "tst_cli_providers.moc"
