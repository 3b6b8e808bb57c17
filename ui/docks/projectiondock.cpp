#include "docks/projectiondock.h"

#include "document/explorerdocument.h"
#include "jobs/jobrunner.h"

#include <QActionGroup>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QJsonObject>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace es {

ProjectionDock::ProjectionDock(ExplorerDocument *doc, QWidget *parent)
    : QDockWidget(tr("Projection"), parent), doc_(doc)
{
    setObjectName(QStringLiteral("tsneDock"));
    setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable | QDockWidget::DockWidgetClosable);
    setTitleBarWidget(new QWidget(this)); // no title row: the controls say what it is
    auto *w = new QWidget(this);
    auto *rows = new QVBoxLayout(w);
    rows->setContentsMargins(4, 2, 4, 2);
    rows->setSpacing(2);
    // Row 1: what the maps show, Run / Pause / Cancel and what a drag does; row 2: the
    // parameters of the method Run starts; row 3: the status. Short rows instead of one long one: the bar never needs
    // more width than the map has at 1280 x 720.
    auto *top = new QHBoxLayout;
    top->setSpacing(6);
    rows->addLayout(top);
    // The parameters' row keeps a box's height when the method has none (Imported): the
    // map does not jump when the projection changes.
    auto *formRow = new QWidget(w);
    auto *form = new QHBoxLayout(formRow);
    form->setContentsMargins(0, 0, 0, 0);
    form->setSpacing(6);
    formRow->setMinimumHeight(QSpinBox().sizeHint().height());
    rows->addWidget(formRow);
    projection_ = new QComboBox(w);
    for (const auto &m : doc_->methods())
        projection_->addItem(m->name(), m->id());
    {
        auto *l = new QLabel(tr("Maps show:"), w);
        l->setBuddy(projection_);
        projection_->setToolTip(tr("The projection the 2D and 3D maps show"));
        top->addWidget(l);
        top->addWidget(projection_);
    }
    // One box per ParameterSpec of every method (methods naming the same objectName share
    // it), in the methods' order: the first QDoubleSpinBox is t-SNE's perplexity.
    for (const auto &m : doc_->methods())
        for (const ParameterSpec &spec : m->parameterSpecs()) {
            const QString name = spec.objectName.isEmpty() ? spec.key : spec.objectName;
            auto it = std::find_if(boxes_.begin(), boxes_.end(), [&](const ParamBox &b) {
                return b.box->objectName() == name;
            });
            if (it != boxes_.end()) {
                it->owners.append(m->id());
                continue;
            }
            ParamBox b;
            b.spec = spec;
            b.owners = {m->id()};
            b.box = makeBox(spec, w);
            b.box->setObjectName(name);
            // A box whose entries say what they are ("2D", "cosine") gets no label, only an
            // accessible name: UMAP's row must fit the bar at 1280 x 720.
            b.box->setToolTip(spec.tooltip);
            b.box->setAccessibleName(spec.label);
            b.widgets = {b.box};
            if (spec.showLabel) {
                auto *l = new QLabel(spec.label, w);
                l->setBuddy(b.box);
                l->setToolTip(spec.tooltip);
                b.widgets.prepend(l);
            }
            // Hidden from the start: the window lays its docks out before the bar is shown,
            // and a row of every method's boxes would claim the map's width then.
            for (QWidget *x : b.widgets)
                x->setVisible(false);
            boxes_.append(b);
        }
    // A method's own boxes first, then the shared ones (seed, dims, distance) at the end.
    for (int shared = 0; shared < 2; ++shared)
        for (const ParamBox &b : boxes_)
            if ((b.owners.size() > 1) == bool(shared))
                for (QWidget *x : b.widgets)
                    form->addWidget(x);
    tsneRun_ = new QPushButton(tr("Run"), w);
    tsnePause_ = new QPushButton(tr("Pause"), w);
    tsnePause_->setCheckable(true);
    tsnePause_->setEnabled(false);
    tsneCancel_ = new QPushButton(tr("Cancel"), w);
    tsneCancel_->setEnabled(false);
    tsneRun_->setObjectName(QStringLiteral("tsneRun"));
    tsnePause_->setObjectName(QStringLiteral("tsnePause"));
    tsneCancel_->setObjectName(QStringLiteral("tsneCancel"));
    form->addStretch(1);
    top->addWidget(tsneRun_);
    top->addWidget(tsnePause_);
    top->addWidget(tsneCancel_);
    // What a drag does on the 2D map, as buttons (Shift+drag and Ctrl+drag still work).
    {
        top->addSpacing(6);
        auto *label = new QLabel(tr("Drag:"), w);
        top->addWidget(label);
        auto *group = new QActionGroup(w);
        const struct {
            const char *name;
            QString text, tip;
            Scatter2DView::DragMode mode;
        } modes[] = {
            {"dragPan", tr("Pan"), tr("Drag moves the 2D map (wheel zooms)"), Scatter2DView::DragMode::Pan},
            {"dragBox", tr("Box"), tr("Drag a box on the 2D map to select the points inside (also Shift+drag)"),
             Scatter2DView::DragMode::RubberBand},
            {"dragLasso", tr("Lasso"), tr("Draw around points on the 2D map to select them (also Ctrl+drag)"),
             Scatter2DView::DragMode::Lasso},
        };
        for (const auto &m : modes) {
            auto *a = new QAction(m.text, group);
            a->setCheckable(true);
            a->setToolTip(m.tip);
            a->setChecked(m.mode == Scatter2DView::DragMode::Pan);
            auto *b = new QToolButton(w);
            b->setObjectName(QLatin1String(m.name));
            b->setDefaultAction(a);
            // The chosen mode in the selection colour: Fusion's sunken shade is invisible on
            // the dark theme's buttons (palette() follows the theme when it changes).
            b->setStyleSheet(QStringLiteral("QToolButton:checked { background: palette(highlight); "
                                            "color: palette(highlighted-text); border: 1px solid palette(dark); "
                                            "border-radius: 2px; padding: 3px 6px; }"));
            top->addWidget(b);
            const auto mode = m.mode;
            connect(a, &QAction::triggered, this, [this, mode] { emit dragModeChosen(mode); });
        }
    }
    tsneStatus_ = new QLabel(tr("PCA map shown. Choose t-SNE or UMAP and press Run."), w);
    tsneStatus_->setObjectName(QStringLiteral("tsneStatus"));
    tsneStatus_->setWordWrap(true);
    tsneStatus_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    top->addStretch(1);
    // The status has the line to itself but for what addToStatusLine puts at its end; its
    // Ignored width never squeezes the controls.
    statusRow_ = new QHBoxLayout;
    statusRow_->setSpacing(6);
    statusRow_->addWidget(tsneStatus_, 1);
    rows->addLayout(statusRow_);
    setWidget(w);
    // A method made on request is run when chosen and it has no map of these rows yet.
    connect(projection_, &QComboBox::currentIndexChanged, this, [this] {
        const QString id = projection_->currentData().toString();
        doc_->setActiveProjection(id);
        showParametersOf(runnable());
        if (!doc_->method(id)->automatic() && !doc_->hasProjection(id) && !doc_->isProjectionRunning(id))
            run(id);
        emit shownChanged();
    });
    for (const ParamBox &b : boxes_) {
        if (auto *x = qobject_cast<QSpinBox *>(b.box))
            connect(x, &QSpinBox::valueChanged, this, &ProjectionDock::pushParameters);
        else if (auto *x = qobject_cast<QDoubleSpinBox *>(b.box))
            connect(x, &QDoubleSpinBox::valueChanged, this, &ProjectionDock::pushParameters);
        else if (auto *x = qobject_cast<QComboBox *>(b.box))
            connect(x, &QComboBox::currentIndexChanged, this, &ProjectionDock::pushParameters);
    }
    // Run / Pause / Cancel act on the runs of methods made on request (t-SNE, next UMAP).
    connect(tsneRun_, &QPushButton::clicked, this, [this] { run(runnable()); });
    connect(tsneCancel_, &QPushButton::clicked, this, [this] { doc_->cancelProjection(running_); });
    connect(tsnePause_, &QPushButton::toggled, this, [this](bool on) {
        doc_->setProjectionPaused(running_, on);
        tsnePause_->setText(on ? tr("Resume") : tr("Pause"));
        if (on && doc_->method(running_))
            tsneStatus_->setText(tr("%1 pausing at %2 %3...")
                                     .arg(doc_->method(running_)->name(), stepWord(running_))
                                     .arg(doc_->projectionIteration(running_)));
    });
    connect(doc_->jobs(), &JobRunner::jobStarted, this, [this](const QString &kind) {
        if (!isMapRun(kind))
            return;
        running_ = kind;
        tsneRun_->setEnabled(false);
        tsnePause_->setEnabled(true);
        tsnePause_->setChecked(false);
        tsneCancel_->setEnabled(true);
    });
    // A box with showsUsed shows the value the map was really made with (t-SNE's perplexity,
    // reduced for small data sets).
    connect(doc_->jobs(), &JobRunner::jobFinished, this, [this](const QString &kind) {
        if (!isMapRun(kind))
            return;
        const QJsonObject used = doc_->projection(kind).used;
        for (const ParamBox &b : boxes_)
            if (b.spec.showsUsed && b.owners.size() == 1 && b.owners.first() == kind
                && used.contains(b.spec.key) && used.value(b.spec.key) != valueOf(b)) {
                const QSignalBlocker block(b.box);
                setValue(b, used.value(b.spec.key));
            }
    });
    // The runner reports only the current run of a kind, so a replaced run does not reset these.
    auto tsneEnded = [this](const QString &kind) {
        if (!isMapRun(kind))
            return;
        emit runEnded();
        tsneRun_->setEnabled(true);
        tsnePause_->setChecked(false);
        tsnePause_->setEnabled(false);
        tsneCancel_->setEnabled(false);
    };
    connect(doc_->jobs(), &JobRunner::jobFinished, this, tsneEnded);
    connect(doc_->jobs(), &JobRunner::jobFailed, this, [this, tsneEnded](const QString &kind, const QString &message) {
        tsneEnded(kind);
        if (isMapRun(kind))
            tsneStatus_->setText(tr("%1 failed: %2").arg(doc_->method(kind)->name(), message));
    });
    connect(doc_->jobs(), &JobRunner::jobCancelled, this, [this, tsneEnded](const QString &kind) {
        tsneEnded(kind);
        if (isMapRun(kind))
            tsneStatus_->setText(tr("%1 cancelled at %2 %3; the map shows where it stopped.")
                                     .arg(doc_->method(kind)->name(), stepWord(kind))
                                     .arg(doc_->projectionIteration(kind)));
    });
    // The window's and the document's state follow the box.
    connect(doc_, &ExplorerDocument::projectionStatus, this, [this](const QString &id, const QString &status) {
        if (!doc_->method(id)->automatic())
            tsneStatus_->setText(status);
    });
    if (const int i = projection_->findData(qEnvironmentVariable("EMBEDSCOPE_PROJECTION")); i > 0) {
        const QSignalBlocker block(projection_);
        projection_->setCurrentIndex(i);
        doc_->setActiveProjection(projection_->currentData().toString());
    }
    showParametersOf(runnable());
}

QString ProjectionDock::stepWord(const QString &id) const
{
    const ProjectionMethod *m = doc_->method(id);
    return m ? m->stepWord() : tr("iteration");
}

namespace {

// A choice's value as item data: whole numbers as int (the dims box: findData(3)).
QVariant itemData(const QJsonValue &v)
{
    if (v.isDouble() && v.toDouble() == double(v.toInt()))
        return v.toInt();
    return v.toVariant();
}

} // namespace

QWidget *ProjectionDock::makeBox(const ParameterSpec &spec, QWidget *parent)
{
    switch (spec.kind) {
    case ParameterSpec::Kind::Int: {
        auto *x = new QSpinBox(parent);
        x->setRange(int(spec.min), int(spec.max));
        x->setSingleStep(std::max(1, int(spec.step)));
        x->setSpecialValueText(spec.specialValueText);
        x->setValue(spec.defaultValue.toInt(int(spec.min)));
        return x;
    }
    case ParameterSpec::Kind::Double: {
        auto *x = new QDoubleSpinBox(parent);
        x->setDecimals(spec.decimals);
        x->setRange(spec.min, spec.max);
        x->setSingleStep(spec.step);
        x->setSpecialValueText(spec.specialValueText);
        x->setValue(spec.defaultValue.toDouble(spec.min));
        return x;
    }
    case ParameterSpec::Kind::Choice: {
        auto *x = new QComboBox(parent);
        for (const auto &[label, value] : spec.choices)
            x->addItem(label, itemData(value));
        x->setCurrentIndex(std::max(0, x->findData(itemData(spec.defaultValue))));
        return x;
    }
    }
    return nullptr;
}

QJsonValue ProjectionDock::valueOf(const ParamBox &b) const
{
    if (auto *x = qobject_cast<QSpinBox *>(b.box))
        return x->value();
    if (auto *x = qobject_cast<QDoubleSpinBox *>(b.box))
        return x->value();
    if (auto *x = qobject_cast<QComboBox *>(b.box))
        return QJsonValue::fromVariant(x->currentData());
    return {};
}

void ProjectionDock::setValue(const ParamBox &b, const QJsonValue &v)
{
    if (v.isUndefined() || v.isNull())
        return; // keep what the box shows
    if (auto *x = qobject_cast<QSpinBox *>(b.box))
        x->setValue(v.toInt(x->value()));
    else if (auto *x = qobject_cast<QDoubleSpinBox *>(b.box))
        x->setValue(v.toDouble(x->value()));
    else if (auto *x = qobject_cast<QComboBox *>(b.box); x && x->findData(itemData(v)) >= 0)
        x->setCurrentIndex(x->findData(itemData(v)));
}

QWidget *ProjectionDock::parameterBox(const QString &objectName) const
{
    for (const ParamBox &b : boxes_)
        if (b.box->objectName() == objectName)
            return b.box;
    return nullptr;
}

QSpinBox *ProjectionDock::iterationsBox() const
{
    return qobject_cast<QSpinBox *>(parameterBox(QStringLiteral("tsneIterations")));
}

QComboBox *ProjectionDock::dimsBox() const
{
    return qobject_cast<QComboBox *>(parameterBox(QStringLiteral("projectionDims")));
}

void ProjectionDock::showParametersOf(const QString &id)
{
    // Hidden boxes take no width: the row is only as wide as one method's parameters. The
    // old boxes go first: with both rows shown for a moment, the window would widen the
    // map's column to hold them and never give the sentences their width back.
    for (const ParamBox &b : boxes_)
        if (!b.owners.contains(id))
            for (QWidget *x : b.widgets)
                x->setVisible(false);
    for (const ParamBox &b : boxes_)
        if (b.owners.contains(id))
            for (QWidget *x : b.widgets)
                x->setVisible(true);
    if (id == shared_)
        return;
    shared_ = id;
    // The shared boxes show the parameters of the method they now edit.
    const ProjectionMethod *m = doc_->method(id);
    if (!m)
        return;
    const QJsonObject p = m->parameters();
    for (const ParamBox &b : boxes_)
        if (b.owners.size() > 1 && b.owners.contains(id)) {
            const QSignalBlocker block(b.box);
            setValue(b, p.value(b.spec.key));
        }
}

QString ProjectionDock::chosen() const
{
    return projection_->currentData().toString();
}

void ProjectionDock::choose(const QString &id)
{
    projection_->setCurrentIndex(projection_->findData(id));
}

bool ProjectionDock::isMapRun(const QString &kind) const
{
    const ProjectionMethod *m = doc_->method(kind);
    return m && !m->automatic();
}

QString ProjectionDock::runnable() const
{
    if (isMapRun(chosen()))
        return chosen();
    for (const auto &m : doc_->methods())
        if (!m->automatic())
            return m->id();
    return chosen();
}

void ProjectionDock::addToStatusLine(QWidget *w)
{
    w->setParent(widget());
    statusRow_->addWidget(w);
}

bool ProjectionDock::run(const QString &id)
{
    pushParameters();
    if (const QString why = doc_->runProjection(id); !why.isEmpty()) {
        tsneStatus_->setText(why);
        return false;
    }
    if (chosen() != id) {
        const QSignalBlocker block(projection_);
        projection_->setCurrentIndex(projection_->findData(id));
        doc_->setActiveProjection(id);
        showParametersOf(runnable());
    }
    return true;
}

void ProjectionDock::pushParameters()
{
    // A method's own boxes always edit it; the shared ones (seed, dims, distance) edit the
    // method shown, so each method keeps its own.
    for (const auto &m : doc_->methods()) {
        QJsonObject p = m->parameters();
        bool any = false;
        for (const ParamBox &b : boxes_)
            if (b.owners.contains(m->id()) && (b.owners.size() == 1 || m->id() == shared_)) {
                p[b.spec.key] = valueOf(b);
                any = true;
            }
        if (any)
            m->setParameters(p);
    }
}

void ProjectionDock::pullParameters()
{
    for (const auto &m : doc_->methods()) {
        const QJsonObject p = m->parameters();
        for (const ParamBox &b : boxes_)
            if (b.owners.size() == 1 && b.owners.first() == m->id()) {
                const QSignalBlocker block(b.box);
                setValue(b, p.value(b.spec.key));
            }
    }
    shared_.clear(); // the shared boxes show the parameters of the method chosen again
    showParametersOf(runnable());
}

} // namespace es
