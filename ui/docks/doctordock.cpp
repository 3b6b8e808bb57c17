#include "docks/doctordock.h"

#include "document/explorerdocument.h"
#include "models/sentencemodel.h"
#include "views/doctorpanel.h"

#include <QAction>
#include <QHash>
#include <QSet>
#include <QTimer>

namespace es {

DoctorDock::DoctorDock(ExplorerDocument *doc, QWidget *parent)
    : SideDock(tr("Doctor"), QStringLiteral("doctorDock"), parent), doc_(doc)
{
    doctor_ = new DoctorPanel(doc, this);
    setScrollableWidget(doctor_);
    // The doctor runs while its dock is open (shown: in its tab group it may not emit
    // visibilityChanged when it is shown and raised at once).
    connect(this, &QDockWidget::visibilityChanged, this, [this](bool visible) {
        if (visible)
            updateData();
    });
    connect(toggleViewAction(), &QAction::toggled, this, [this](bool on) {
        if (on)
            QTimer::singleShot(0, this, &DoctorDock::updateData);
    });
    connect(doctor_, &DoctorPanel::rowsActivated, this, &DoctorDock::rowsActivated);
    // Cluster captions on the 2D map: the View menu action and the panel's box are one switch.
    captionsAction_ = new QAction(tr("Cluster &Captions on the 2D Map"), this);
    captionsAction_->setObjectName(QStringLiteral("clusterCaptionsAction"));
    captionsAction_->setCheckable(true);
    captionsAction_->setChecked(doctor_->captionsShown());
    captionsAction_->setToolTip(tr("Each cluster's name and distinctive words at its centre (runs the doctor)"));
    connect(captionsAction_, &QAction::toggled, this, [this](bool on) {
        doctor_->setCaptionsShown(on);
        if (on && !doctor_->report())
            show(); // the doctor runs while its dock is open
        emit captionsChanged();
    });
    connect(doctor_, &DoctorPanel::captionsToggled, captionsAction_, &QAction::setChecked);
    connect(doctor_, &DoctorPanel::reportReady, this, &DoctorDock::captionsChanged);
    raiseWhenShown();

    // The report is of the rows and vectors it was made from.
    SentenceModel *model = doc_->model();
    connect(model, &QAbstractItemModel::modelReset, this, [this] { stale_ = true; });
    connect(model, &SentenceModel::textsChanged, this, [this] { stale_ = true; });
    connect(doc_, &ExplorerDocument::vectorsReady, this, [this] {
        stale_ = true;
        updateData();
    });
    // Marks stay on their rows.
    connect(model, &QAbstractItemModel::rowsInserted, this, [this, model](const QModelIndex &, int first, int last) {
        QStringList texts;
        for (int r = first; r <= last; ++r)
            texts.append(model->text(r));
        marks()->insertRows(first, last - first + 1, texts);
    });
    connect(model, &QAbstractItemModel::rowsAboutToBeRemoved, this,
            [this, model](const QModelIndex &, int first, int last) {
                removingTexts_.clear();
                for (int r = first; r <= last; ++r)
                    removingTexts_.append(model->text(r));
            });
    connect(model, &QAbstractItemModel::rowsRemoved, this, [this](const QModelIndex &, int first, int last) {
        const int count = last - first + 1;
        marks()->removeRows(first, count, removingTexts_.size() == count ? removingTexts_ : QStringList());
        removingTexts_.clear();
    });
}

DoctorMarks *DoctorDock::marks() const
{
    return doctor_->marks();
}

void DoctorDock::updateData()
{
    const auto vectors = doc_->vectors();
    if (!stale_ || !isVisible() || !vectors || vectors->rows() != doc_->model()->rowCount())
        return;
    stale_ = false;
    doctor_->reload(); // the document runs the doctor on its rows and vectors
}

QVector<PlotCaption> DoctorDock::captions(const QVector<QVector3D> &shown, const QList<PointGroup> &labelGroups,
                                          const std::function<bool(int group)> &groupVisible) const
{
    const doctor::DoctorReport *report = doctor_->report();
    const int n = doc_->model()->rowCount();
    // Only a report of the current rows: after an edit the doctor runs again (dock open).
    if (!doctor_->captionsShown() || !report || stale_ || int(report->clusterOf.size()) != n || shown.size() != n)
        return {};
    QHash<QString, QColor> colorOf;
    QSet<QString> hidden;
    if (report->clustersFromLabels)
        for (int g = 0; g < labelGroups.size(); ++g) {
            colorOf.insert(labelGroups[g].name, labelGroups[g].color);
            if (!groupVisible(g))
                hidden.insert(labelGroups[g].name);
        }
    QVector<ClusterCaption> captions = clusterCaptions(*report, shown);
    captions.removeIf([&](const ClusterCaption &c) { return hidden.contains(c.name); });
    return toPlotCaptions(captions, [&](const QString &name) { return colorOf.value(name); });
}

} // namespace es
