#pragma once
// RemoteAccess: what sending texts to a remote embedding provider needs. The API key: typed
// this session, the system keychain (KeyStore), or the provider's environment variable;
// never kept in the settings or a project. The user's consent: asked once per provider and
// session, with the number of sentences, the estimated tokens and cost (texts already in
// the local cache are not sent again).
#include "embed/factory.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QString>

#include <optional>
#include <string>
#include <vector>

class QWidget;

namespace es {

class RemoteAccess : public QObject {
    Q_OBJECT
public:
    // window: the dialogs' parent.
    explicit RemoteAccess(QWidget *window);

    // Where texts go with spec, for the status bar ("Local model: nothing leaves this computer").
    static QString privacyText(const EmbedderSpec &spec);
    static bool isLocal(const EmbedderSpec &spec) { return spec.provider == "local" || spec.provider.empty(); }

    // A remote provider's key: typed this session, the keychain, or its environment variable.
    QString keyFor(const std::string &provider, const std::string &baseUrl);
    // Before texts leave the machine: finds the key (into spec.apiKey) and asks for consent
    // once per provider and session. False when the user declines.
    bool prepare(EmbedderSpec &spec, const std::vector<std::string> &texts);
    // Tools > Compare Models: consent to send n sentences to model ("provider:model@url").
    bool consentToCompare(const QString &model, int n, QWidget *parent);
    // Analysis > Embedding Provider...: the spec chosen, without its key (kept for the
    // session, and in the keychain when asked); nullopt when cancelled.
    std::optional<EmbedderSpec> askProvider(const EmbedderSpec &current);

signals:
    void failed(const QString &title, const QString &message);
    // A message for the status bar (ms: how long it stays).
    void message(const QString &text, int ms);

private:
    QWidget *window_;
    QHash<QString, QString> sessionKeys_; // keychain account -> key, this session only
    QSet<QString> consented_;             // accounts the user agreed to send texts to
};

} // namespace es
