#pragma once
// KeyStore: API keys typed in the GUI live in the system keychain (the Secret Service on
// Linux, through QtKeychain), never in settings, project files or logs. One entry per
// provider and base URL. Calls are asynchronous (results arrive as signals); the blocking
// variants run a bounded local event loop for tests and start-up code.
#include <QObject>
#include <QString>

#include <functional>

namespace QKeychain {
class Job;
}

class KeyStore : public QObject {
    Q_OBJECT
public:
    explicit KeyStore(QObject *parent = nullptr, const QString &service = QStringLiteral("EmbedScope"));

    // The keychain entry name for a provider and its base URL ("openai https://api.openai.com/v1").
    static QString account(const QString &provider, const QString &baseUrl);

    void read(const QString &account);
    void write(const QString &account, const QString &key);
    void remove(const QString &account);

    struct Reply {
        bool ok = false;
        QString key;          // read: the key
        bool notFound = false;// read/remove: no such entry
        bool noBackend = false;// no keychain service reachable
        QString error;        // human readable, never contains the key
    };
    Reply readBlocking(const QString &account, int timeoutMs = 10000);
    Reply writeBlocking(const QString &account, const QString &key, int timeoutMs = 10000);
    Reply removeBlocking(const QString &account, int timeoutMs = 10000);

signals:
    void keyRead(const QString &account, const QString &key);
    void keyWritten(const QString &account);
    void keyRemoved(const QString &account);
    void failed(const QString &account, const KeyStore::Reply &reply);

private:
    // Sets up and starts an asynchronous job; onOk runs on success, failed() otherwise.
    void startAsync(QKeychain::Job *job, const QString &account, const std::function<void(QKeychain::Job *)> &onOk);

    QString service_;
};

Q_DECLARE_METATYPE(KeyStore::Reply)
