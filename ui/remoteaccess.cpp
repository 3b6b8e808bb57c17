#include "remoteaccess.h"

#include "dialogs/providerdialog.h"
#include "doctor/model_spec.h"
#include "embed/embedder.h"
#include "keystore.h"
#include "util/url.h"

#include <QMessageBox>
#include <QPushButton>
#include <QUrl>

namespace es {

namespace {
QString qs(const std::string &s)
{
    return QString::fromStdString(s);
}
} // namespace

RemoteAccess::RemoteAccess(QWidget *window) : QObject(window), window_(window) {}

QString RemoteAccess::privacyText(const EmbedderSpec &spec)
{
    if (isLocal(spec))
        return tr("Local model: nothing leaves this computer");
    QString host = qs(spec.baseUrl);
    if (host.isEmpty())
        host = qs(spec.provider);
    else
        host = QUrl(host).host();
    return tr("Remote provider %1: texts are sent to %2").arg(qs(spec.provider), host);
}

QString RemoteAccess::keyFor(const std::string &provider, const std::string &baseUrl)
{
    const QString account = KeyStore::account(qs(provider), qs(baseUrl));
    QString key = sessionKeys_.value(account);
    if (key.isEmpty()) {
        KeyStore store;
        const auto r = store.readBlocking(account, 5000);
        if (r.ok)
            key = r.key;
    }
    if (key.isEmpty()) {
        const std::string var = defaultKeyVariable(provider);
        if (!var.empty())
            key = qEnvironmentVariable(var.c_str());
    }
    return key;
}

bool RemoteAccess::prepare(EmbedderSpec &spec, const std::vector<std::string> &texts)
{
    const QString account = KeyStore::account(qs(spec.provider), qs(spec.baseUrl));
    spec.apiKey = keyFor(spec.provider, spec.baseUrl).toStdString();
    if (consented_.contains(account))
        return true;
    auto made = makeEmbedder(spec);
    if (!made) {
        emit failed(tr("Embedding provider"), qs(made.error().message));
        return false;
    }
    const SendEstimate est = made.value()->estimate(texts);
    const QString host = spec.baseUrl.empty() ? qs(spec.provider) : QUrl(qs(spec.baseUrl)).host();
    QString text = tr("<p><b>%n sentence(s) will be sent to %1</b> (%2) to be embedded.</p>"
                      "<p>Estimated tokens: %L3</p>", nullptr, int(est.texts > 0 ? est.texts : qint64(texts.size())))
                       .arg(host.toHtmlEscaped(), qs(made.value()->displayName()).toHtmlEscaped())
                       .arg(qint64(est.tokens));
    if (est.costUsd)
        text += tr("<p>Estimated cost: about US$%1</p>").arg(*est.costUsd, 0, 'f', 4);
    text += tr("<p>Texts already embedded before are served from the local cache and not sent again. "
               "Continue?</p>");
    QMessageBox box(QMessageBox::Question, tr("Send texts to %1?").arg(host), text,
                    QMessageBox::Yes | QMessageBox::No, window_);
    box.button(QMessageBox::Yes)->setText(tr("Send"));
    box.setDefaultButton(QMessageBox::No);
    if (box.exec() != QMessageBox::Yes)
        return false;
    consented_.insert(account);
    return true;
}

bool RemoteAccess::consentToCompare(const QString &model, int n, QWidget *parent)
{
    auto spec = doctor::parseModelSpec(model.toStdString());
    const QString account = spec ? KeyStore::account(qs(spec->provider), qs(spec->baseUrl)) : model;
    if (consented_.contains(account))
        return true;
    if (QMessageBox::question(parent, tr("Send texts?"),
                              tr("Comparing with %1 sends %n sentence(s) to the provider. Continue?", nullptr, n)
                                  .arg(qs(url::redactUrls(model.toStdString()))))
        != QMessageBox::Yes)
        return false;
    consented_.insert(account);
    return true;
}

std::optional<EmbedderSpec> RemoteAccess::askProvider(const EmbedderSpec &current)
{
    ProviderDialog dlg(current, window_);
    const QString account = KeyStore::account(qs(current.provider), qs(current.baseUrl));
    if (sessionKeys_.contains(account))
        dlg.setKey(sessionKeys_.value(account));
    if (dlg.exec() != QDialog::Accepted)
        return std::nullopt;
    EmbedderSpec s = dlg.spec();
    const QString key = QString::fromStdString(s.apiKey);
    s.apiKey.clear(); // never kept in the spec (settings, projects)
    if (!key.isEmpty()) {
        const QString acc = KeyStore::account(qs(s.provider), qs(s.baseUrl));
        sessionKeys_.insert(acc, key);
        if (dlg.rememberKey()) {
            KeyStore store;
            const auto r = store.writeBlocking(acc, key, 5000);
            if (!r.ok)
                emit message(tr("The key is kept for this session only: %1").arg(r.error), 12000);
        }
    }
    return s;
}

} // namespace es
