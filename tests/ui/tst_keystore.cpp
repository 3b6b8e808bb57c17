// KeyStore against a real Secret Service: tests/tools/run_ctest.sh starts a private D-Bus
// session with an unlocked gnome-keyring and sets EMBEDSCOPE_REQUIRE_KEYRING=1, so there a
// missing keyring fails the test; elsewhere it is skipped.
#include "keystore.h"

#include <QSignalSpy>
#include <QTest>
#include "tools/testmain.h"

class TestKeyStore : public QObject {
    Q_OBJECT

    const QString service_ = QStringLiteral("EmbedScope-test-%1").arg(QCoreApplication::applicationPid());
    const QString key_ = QStringLiteral("sk-keystore-test-7f3a9c1e5b2d");

    // Skips (or, under EMBEDSCOPE_REQUIRE_KEYRING=1, fails) when no keyring answers.
#define REQUIRE_BACKEND(reply)                                                                     \
    do {                                                                                           \
        const KeyStore::Reply r_ = (reply);                                                        \
        if (!r_.ok) {                                                                              \
            if (qgetenv("EMBEDSCOPE_REQUIRE_KEYRING") == "1")                                      \
                QFAIL(qPrintable("no usable keyring, but EMBEDSCOPE_REQUIRE_KEYRING=1: " + r_.error)); \
            QSKIP(qPrintable("no usable Secret Service (" + r_.error                               \
                             + "); run via tests/tools/run_ctest.sh"));                            \
        }                                                                                          \
    } while (0)

private slots:
    void accountNames()
    {
        QCOMPARE(KeyStore::account("openai", "https://api.openai.com/v1"),
                 QString("openai https://api.openai.com/v1"));
        QCOMPARE(KeyStore::account("tei", ""), QString("tei"));
    }

    void writeReadRemove()
    {
        KeyStore store(nullptr, service_);
        const QString account = KeyStore::account("openai", "http://127.0.0.1:9/v1");
        auto w = store.writeBlocking(account, key_);
        REQUIRE_BACKEND(w);
        QVERIFY(!w.error.contains(key_));

        auto r = store.readBlocking(account);
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.key, key_);

        // Another base URL is another entry.
        auto other = store.readBlocking(KeyStore::account("openai", "https://api.openai.com/v1"));
        QVERIFY(!other.ok);
        QVERIFY(other.notFound);

        auto d = store.removeBlocking(account);
        QVERIFY2(d.ok, qPrintable(d.error));
        auto gone = store.readBlocking(account);
        QVERIFY(!gone.ok);
        QVERIFY(gone.notFound);
        QVERIFY(!gone.error.contains(key_));
    }

    void asynchronousSignals()
    {
        KeyStore store(nullptr, service_);
        const QString account = KeyStore::account("azure", "https://x.openai.azure.com/openai/deployments/d");
        QSignalSpy written(&store, &KeyStore::keyWritten);
        QSignalSpy read(&store, &KeyStore::keyRead);
        QSignalSpy removed(&store, &KeyStore::keyRemoved);
        QSignalSpy failed(&store, &KeyStore::failed);
        store.write(account, key_);
        QVERIFY(QTest::qWaitFor([&] { return written.count() + failed.count() > 0; }, 10000));
        if (failed.count())
            REQUIRE_BACKEND(failed.at(0).at(1).value<KeyStore::Reply>());
        QCOMPARE(written.count(), 1);
        store.read(account);
        QVERIFY(QTest::qWaitFor([&] { return read.count() > 0; }, 10000));
        QCOMPARE(read.at(0).at(1).toString(), key_);
        store.remove(account);
        QVERIFY(QTest::qWaitFor([&] { return removed.count() > 0; }, 10000));
        store.read(account);
        QVERIFY(QTest::qWaitFor([&] { return failed.count() > 0; }, 10000));
        QVERIFY(failed.at(0).at(1).value<KeyStore::Reply>().notFound);
    }
};

ES_TEST_GUILESS_MAIN(TestKeyStore)
#include "tst_keystore.moc"
