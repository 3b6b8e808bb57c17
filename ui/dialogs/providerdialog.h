#pragma once
// ProviderDialog: choose the embedding provider: the local model (offline) or an HTTP
// provider (OpenAI, Azure OpenAI, Ollama, Text Embeddings Inference) with its model, base
// URL, dimensions and API key. The key is only held in memory here; the window stores it
// in the system keychain (KeyStore) when "remember" is ticked, never in settings or
// projects. "Test connection" builds the embedder and embeds one short text on a worker
// thread, so the dialog stays responsive and shows the provider's own error message.
#include "embed/factory.h"

#include <QDialog>
#include <QFutureWatcher>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace es {

class ProviderDialog : public QDialog {
    Q_OBJECT
public:
    explicit ProviderDialog(const EmbedderSpec &spec, QWidget *parent = nullptr);
    ~ProviderDialog() override;

    // The spec as edited, key included (in memory only).
    EmbedderSpec spec() const;
    bool rememberKey() const;
    void setKey(const QString &key);
    // Result of the last connection test ("" while none ran).
    QString testResult() const;

    // OK: refused, with the reason shown, while the base URL is not http(s) with a host or
    // the key holds a control character (the checks makeEmbedder makes before sending).
    void accept() override;

    static bool isRemote(const std::string &provider) { return !provider.empty() && provider != "local" && provider != "lexical"; }

signals:
    void testFinished(bool ok, const QString &message);

private:
    void updateFields();
    void testConnection();

    QComboBox *provider_;
    QLineEdit *model_;
    QLineEdit *baseUrl_;
    QSpinBox *dimensions_;
    QLineEdit *key_;
    QCheckBox *remember_;
    QLineEdit *modelPath_;
    QLabel *privacy_;
    QPushButton *test_;
    QLabel *result_;
    QFutureWatcher<QString> watcher_;
    EmbedderSpec original_;
};

} // namespace es
