#include "dialogs/providerdialog.h"

#include "embed/embedder.h"
#include "embed/http/http_embedder.h"
#include "jobs/background.h"
#include "util/url.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace es {

ProviderDialog::ProviderDialog(const EmbedderSpec &spec, QWidget *parent) : QDialog(parent), original_(spec)
{
    setWindowTitle(tr("Embedding Provider"));
    auto *lay = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    provider_ = new QComboBox(this);
    provider_->addItem(tr("Local model (GloVe, offline)"), QStringLiteral("local"));
    provider_->addItem(tr("OpenAI"), QStringLiteral("openai"));
    provider_->addItem(tr("Azure OpenAI"), QStringLiteral("azure"));
    provider_->addItem(tr("Ollama (your own server)"), QStringLiteral("ollama"));
    provider_->addItem(tr("Text Embeddings Inference (your own server)"), QStringLiteral("tei"));
    model_ = new QLineEdit(QString::fromStdString(spec.model), this);
    model_->setPlaceholderText(tr("provider default, e.g. text-embedding-3-small"));
    baseUrl_ = new QLineEdit(QString::fromStdString(spec.baseUrl), this);
    baseUrl_->setPlaceholderText(tr("provider default"));
    dimensions_ = new QSpinBox(this);
    dimensions_->setRange(0, 16384);
    dimensions_->setSpecialValueText(tr("model default"));
    dimensions_->setValue(spec.dimensions);
    key_ = new QLineEdit(QString::fromStdString(spec.apiKey), this);
    key_->setEchoMode(QLineEdit::Password);
    key_->setPlaceholderText(tr("API key (kept in the system keychain, never in files)"));
    remember_ = new QCheckBox(tr("Remember the key in the system keychain"), this);
    remember_->setChecked(true);
    modelPath_ = new QLineEdit(QString::fromStdString(spec.modelPath), this);
    modelPath_->setPlaceholderText(tr("search the usual places"));
    form->addRow(tr("Provider:"), provider_);
    form->addRow(tr("Model:"), model_);
    form->addRow(tr("Base URL:"), baseUrl_);
    form->addRow(tr("Dimensions:"), dimensions_);
    form->addRow(tr("API key:"), key_);
    form->addRow(QString(), remember_);
    form->addRow(tr("Local model file:"), modelPath_);
    lay->addLayout(form);
    privacy_ = new QLabel(this);
    privacy_->setWordWrap(true);
    lay->addWidget(privacy_);
    auto *testRow = new QHBoxLayout;
    test_ = new QPushButton(tr("Test connection"), this);
    result_ = new QLabel(this);
    result_->setWordWrap(true);
    result_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    testRow->addWidget(test_);
    testRow->addWidget(result_, 1);
    lay->addLayout(testRow);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    lay->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(test_, &QPushButton::clicked, this, &ProviderDialog::testConnection);
    connect(provider_, &QComboBox::currentIndexChanged, this, &ProviderDialog::updateFields);
    connect(&watcher_, &QFutureWatcher<QString>::finished, this, [this] {
        const QString msg = watcher_.result();
        const bool ok = msg.startsWith(QLatin1String("OK"));
        result_->setText(msg);
        result_->setStyleSheet(ok ? QStringLiteral("color: #0a7a30") : QStringLiteral("color: #b00020"));
        test_->setEnabled(true);
        emit testFinished(ok, msg);
    });
    const int i = provider_->findData(QString::fromStdString(spec.provider.empty() ? "local" : spec.provider));
    provider_->setCurrentIndex(i < 0 ? 0 : i);
    updateFields();
    resize(560, sizeHint().height());
}

ProviderDialog::~ProviderDialog()
{
    watcher_.waitForFinished();
}

void ProviderDialog::updateFields()
{
    const std::string p = provider_->currentData().toString().toStdString();
    const bool remote = p != "local";
    model_->setEnabled(remote);
    baseUrl_->setEnabled(remote);
    dimensions_->setEnabled(remote);
    key_->setEnabled(p == "openai" || p == "azure" || p == "tei");
    remember_->setEnabled(key_->isEnabled());
    modelPath_->setEnabled(!remote);
    privacy_->setText(remote ? tr("<b>Texts leave this computer</b>: they are sent to the provider's server. "
                                  "You will be asked before the first texts are sent.")
                             : tr("<b>Nothing leaves this computer</b>: the local model runs offline."));
    result_->clear();
}

EmbedderSpec ProviderDialog::spec() const
{
    EmbedderSpec s = original_;
    s.provider = provider_->currentData().toString().toStdString();
    s.model = model_->text().trimmed().toStdString();
    s.baseUrl = baseUrl_->text().trimmed().toStdString();
    s.dimensions = dimensions_->value();
    s.apiKey = key_->text().toStdString();
    s.modelPath = modelPath_->text().trimmed().toStdString();
    return s;
}

bool ProviderDialog::rememberKey() const
{
    return remember_->isChecked() && !key_->text().isEmpty();
}

void ProviderDialog::setKey(const QString &key)
{
    key_->setText(key);
}

QString ProviderDialog::testResult() const
{
    return result_->text();
}

void ProviderDialog::accept()
{
    const EmbedderSpec s = spec();
    std::optional<std::string> problem;
    if (http::providerFromName(s.provider)) {
        if (!s.baseUrl.empty())
            problem = url::httpUrlProblem(s.baseUrl);
        if (!problem)
            problem = http::apiKeyProblem(s.apiKey);
    }
    if (problem) {
        result_->setStyleSheet(QStringLiteral("color: #b00020"));
        result_->setText(QString::fromStdString(*problem));
        return;
    }
    QDialog::accept();
}

void ProviderDialog::testConnection()
{
    if (watcher_.isRunning())
        return;
    test_->setEnabled(false);
    result_->setStyleSheet(QString());
    result_->setText(tr("Testing..."));
    const EmbedderSpec s = spec();
    watcher_.setFuture(runInBackground([s]() -> QString {
        auto made = makeEmbedder(s);
        if (!made)
            return QString::fromStdString(made.error().message);
        auto r = made.value()->embed({"EmbedScope connection test"});
        if (!r)
            return QString::fromStdString(r.error().message);
        return QStringLiteral("OK: %1, %2 dimensions")
            .arg(QString::fromStdString(made.value()->displayName()))
            .arg(r->vectors.cols());
    }));
}

} // namespace es
