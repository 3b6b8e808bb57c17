#include "keystore.h"

#include <qt6keychain/keychain.h>

#include <QEventLoop>
#include <QTimer>

#include <memory>

namespace {

KeyStore::Reply replyOf(QKeychain::Job *job)
{
    KeyStore::Reply r;
    r.ok = job->error() == QKeychain::NoError;
    r.notFound = job->error() == QKeychain::EntryNotFound;
    r.noBackend = job->error() == QKeychain::NoBackendAvailable || job->error() == QKeychain::NotImplemented;
    if (!r.ok)
        r.error = QStringLiteral("keychain: %1").arg(job->errorString());
    return r;
}

} // namespace

KeyStore::KeyStore(QObject *parent, const QString &service) : QObject(parent), service_(service) {}

QString KeyStore::account(const QString &provider, const QString &baseUrl)
{
    return baseUrl.isEmpty() ? provider : provider + QLatin1Char(' ') + baseUrl;
}

void KeyStore::startAsync(QKeychain::Job *job, const QString &account,
                          const std::function<void(QKeychain::Job *)> &onOk)
{
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(account);
    connect(job, &QKeychain::Job::finished, this, [this, account, onOk](QKeychain::Job *j) {
        const auto r = replyOf(j);
        if (r.ok)
            onOk(j);
        else
            emit failed(account, r);
    });
    job->start();
}

void KeyStore::read(const QString &account)
{
    startAsync(new QKeychain::ReadPasswordJob(service_, this), account, [this, account](QKeychain::Job *j) {
        emit keyRead(account, static_cast<QKeychain::ReadPasswordJob *>(j)->textData());
    });
}

void KeyStore::write(const QString &account, const QString &key)
{
    auto *job = new QKeychain::WritePasswordJob(service_, this);
    job->setTextData(key);
    startAsync(job, account, [this, account](QKeychain::Job *) { emit keyWritten(account); });
}

void KeyStore::remove(const QString &account)
{
    startAsync(new QKeychain::DeletePasswordJob(service_, this), account,
               [this, account](QKeychain::Job *) { emit keyRemoved(account); });
}

namespace {

// Runs one job to completion in a local event loop, bounded by timeoutMs.
KeyStore::Reply runBlocking(QKeychain::Job *job, int timeoutMs, QString *text = nullptr)
{
    std::unique_ptr<QKeychain::Job> owner(job);
    job->setAutoDelete(false);
    job->setInsecureFallback(false);
    QEventLoop loop;
    KeyStore::Reply r;
    bool done = false;
    QObject::connect(job, &QKeychain::Job::finished, &loop, [&](QKeychain::Job *j) {
        r = replyOf(j);
        if (r.ok && text)
            *text = static_cast<QKeychain::ReadPasswordJob *>(j)->textData();
        done = true;
        loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    job->start();
    if (!done)
        loop.exec();
    if (!done) {
        r = {};
        r.noBackend = true;
        r.error = QStringLiteral("keychain: no answer within %1 ms").arg(timeoutMs);
    }
    return r;
}

} // namespace

KeyStore::Reply KeyStore::readBlocking(const QString &account, int timeoutMs)
{
    auto *job = new QKeychain::ReadPasswordJob(service_);
    job->setKey(account);
    QString key;
    auto r = runBlocking(job, timeoutMs, &key);
    r.key = key;
    return r;
}

KeyStore::Reply KeyStore::writeBlocking(const QString &account, const QString &key, int timeoutMs)
{
    auto *job = new QKeychain::WritePasswordJob(service_);
    job->setKey(account);
    job->setTextData(key);
    return runBlocking(job, timeoutMs);
}

KeyStore::Reply KeyStore::removeBlocking(const QString &account, int timeoutMs)
{
    auto *job = new QKeychain::DeletePasswordJob(service_);
    job->setKey(account);
    return runBlocking(job, timeoutMs);
}
