#include "dialogs/comparewindow.h"

#include "dialogs/providerdialog.h"
#include "document/explorerdocument.h"
#include "models/sentencemodel.h"
#include "remoteaccess.h"
#include "views/comparewidget.h"

#include <QItemSelectionModel>
#include <QVBoxLayout>

#include <algorithm>

namespace es {

CompareWindow::CompareWindow(JobRunner *jobs, RemoteAccess *remote, QItemSelectionModel *selection, QWidget *parent)
    : QWidget(parent, Qt::Window)
{
    setObjectName(QStringLiteral("compareWindow"));
    setWindowTitle(tr("Compare Models - EmbedScope"));
    auto *lay = new QVBoxLayout(this);
    lay->setContentsMargins(0, 0, 0, 0);
    compare_ = new CompareWidget(jobs, this);
    lay->addWidget(compare_);
    resize(1300, 860);
    compare_->setKeyProvider([remote](const EmbedderSpec &s) { return remote->keyFor(s.provider, s.baseUrl).toStdString(); });
    compare_->setConsentHandler(
        [this, remote](const QString &model, int n) { return remote->consentToCompare(model, n, this); });
    // Linked selection both ways.
    connect(compare_, &CompareWidget::rowsActivated, this, &CompareWindow::rowsActivated);
    connect(selection, &QItemSelectionModel::selectionChanged, compare_, [this, selection] {
        QVector<int> rows;
        for (const QModelIndex &i : selection->selectedRows())
            rows.append(i.row());
        std::sort(rows.begin(), rows.end());
        if (rows != compare_->selection())
            compare_->setSelection(rows);
    });
}

void CompareWindow::showFor(const ExplorerDocument *doc)
{
    if (!compare_->isRunning() && (dataVersion_ != doc->version() || compare_->result() == nullptr)) {
        dataVersion_ = doc->version();
        compare_->setDataset(doc->model()->toDataset());
    }
    // The configured provider is one of the choices, and model B by default.
    const EmbedderSpec &spec = doc->embedderSpec();
    if (ProviderDialog::isRemote(spec.provider)) {
        QString m = QString::fromStdString(spec.provider);
        if (!spec.model.empty())
            m += QLatin1Char(':') + QString::fromStdString(spec.model);
        if (!spec.baseUrl.empty())
            m += QLatin1Char('@') + QString::fromStdString(spec.baseUrl);
        compare_->addModelChoice(m);
        if (!compare_->result())
            compare_->setModels(QStringLiteral("local"), m);
    }
    show();
    raise();
    activateWindow();
}

} // namespace es
