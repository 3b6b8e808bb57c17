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
    // Row 1: what the maps show, Run / Pause / Cancel and what a drag does; row 2: t-SNE's
    // parameters; row 3: the status. Short rows instead of one long one: the bar never needs
    // more width than the map has at 1280 x 720.
    auto *top = new QHBoxLayout;
    top->setSpacing(6);
    rows->addLayout(top);
    auto *form = new QHBoxLayout;
    form->setSpacing(6);
    rows->addLayout(form);
    // Each box with its label; `owner` is the method whose row shows it ("" = every method).
    // A box whose entries say what they are ("2D", "cosine") gets no label, only an
    // accessible name: UMAP's row must fit the bar at 1280 x 720.
    const auto field = [&](const QString &label, QWidget *box, const QString &tip, const QString &owner,
                           bool showLabel = true) {
        box->setToolTip(tip);
        box->setAccessibleName(label);
        QVector<QWidget *> widgets{box};
        if (showLabel) {
            auto *l = new QLabel(label, w);
            l->setBuddy(box);
            l->setToolTip(tip);
            form->addWidget(l);
            widgets.prepend(l);
        }
        form->addWidget(box);
        if (!owner.isEmpty()) {
            ownedFields_.append({owner, widgets});
            // Hidden from the start: the window lays its docks out before the bar is shown,
            // and a row of every method's boxes would claim the map's width then.
            for (QWidget *x : widgets)
                x->setVisible(owner == QLatin1String("tsne"));
        }
    };
    const QString tsne = QStringLiteral("tsne"), umap = QStringLiteral("umap");
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
    tsnePerplexity_ = new QDoubleSpinBox(w);
    tsnePerplexity_->setRange(2, 200);
    tsnePerplexity_->setValue(30);
    tsnePerplexity_->setDecimals(1);
    tsnePerplexity_->setObjectName(QStringLiteral("tsnePerplexity"));
    field(tr("Perplexity"), tsnePerplexity_,
          tr("t-SNE: about how many neighbours each point keeps close (larger shows broader structure)."), tsne);
    // UMAP's boxes follow t-SNE's (the first QDoubleSpinBox stays t-SNE's perplexity).
    umapMinDist_ = new QDoubleSpinBox(w);
    umapMinDist_->setObjectName(QStringLiteral("umapMinDist"));
    umapMinDist_->setRange(0, 1);
    umapMinDist_->setSingleStep(0.05);
    umapMinDist_->setDecimals(2);
    umapMinDist_->setValue(0.1);
    tsneIterations_ = new QSpinBox(w);
    tsneIterations_->setRange(260, 10000);
    tsneIterations_->setSingleStep(100);
    tsneIterations_->setValue(1000);
    tsneIterations_->setObjectName(QStringLiteral("tsneIterations"));
    field(tr("Iterations"), tsneIterations_, tr("t-SNE: how many optimisation steps the map takes."), tsne);
    umapNeighbors_ = new QSpinBox(w);
    umapNeighbors_->setObjectName(QStringLiteral("umapNeighbors"));
    umapNeighbors_->setRange(2, 200);
    umapNeighbors_->setValue(15);
    field(tr("Neighbours"), umapNeighbors_,
          tr("UMAP: how many nearest neighbours each point is linked to (larger keeps more global structure)."),
          umap);
    field(tr("Min dist"), umapMinDist_,
          tr("UMAP: how tightly points may pack together on the map (0 = dense clumps, larger = more even)."),
          umap);
    umapEpochs_ = new QSpinBox(w);
    umapEpochs_->setObjectName(QStringLiteral("umapEpochs"));
    umapEpochs_->setRange(0, 5000);
    umapEpochs_->setSingleStep(50);
    umapEpochs_->setSpecialValueText(tr("auto"));
    umapEpochs_->setValue(0);
    field(tr("Epochs"), umapEpochs_,
          tr("UMAP: how many optimisation passes over the neighbour graph (auto: 500 up to 10,000 points, else 200)."),
          umap);
    tsneSeed_ = new QSpinBox(w);
    tsneSeed_->setRange(0, 1000000);
    tsneSeed_->setValue(42);
    tsneSeed_->setObjectName(QStringLiteral("projectionSeed"));
    field(tr("Seed"), tsneSeed_, tr("The same seed and data give exactly the same map."), {});
    tsneDims_ = new QComboBox(w);
    tsneDims_->addItem(tr("2D"), 2);
    tsneDims_->addItem(tr("3D"), 3);
    tsneDims_->setObjectName(QStringLiteral("projectionDims"));
    field(tr("Dims"), tsneDims_, tr("Whether the run makes a 2D or a 3D map (the 3D tab needs a 3D run)."), {},
          false);
    tsneMetric_ = new QComboBox(w);
    tsneMetric_->addItem(tr("cosine"));
    tsneMetric_->addItem(tr("euclidean"));
    tsneMetric_->setObjectName(QStringLiteral("projectionMetric"));
    field(tr("Distance"), tsneMetric_,
          tr("How the distance between two sentence vectors is measured (cosine ignores their lengths)."), {},
          false);
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
    connect(tsnePerplexity_, &QDoubleSpinBox::valueChanged, this, &ProjectionDock::pushParameters);
    connect(tsneIterations_, &QSpinBox::valueChanged, this, &ProjectionDock::pushParameters);
    connect(tsneSeed_, &QSpinBox::valueChanged, this, &ProjectionDock::pushParameters);
    connect(tsneDims_, &QComboBox::currentIndexChanged, this, &ProjectionDock::pushParameters);
    connect(tsneMetric_, &QComboBox::currentIndexChanged, this, &ProjectionDock::pushParameters);
    connect(umapNeighbors_, &QSpinBox::valueChanged, this, &ProjectionDock::pushParameters);
    connect(umapMinDist_, &QDoubleSpinBox::valueChanged, this, &ProjectionDock::pushParameters);
    connect(umapEpochs_, &QSpinBox::valueChanged, this, &ProjectionDock::pushParameters);
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
    // The box shows the perplexity the map was made with (reduced for small data sets).
    connect(doc_->jobs(), &JobRunner::jobFinished, this, [this](const QString &kind) {
        if (kind != QLatin1String("tsne"))
            return;
        const double used = doc_->projection(kind).used.value(QStringLiteral("perplexity")).toDouble(0);
        if (used > 0 && used < tsnePerplexity_->value() - 1e-9) {
            const QSignalBlocker block(tsnePerplexity_);
            tsnePerplexity_->setValue(used);
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
    return id == QLatin1String("umap") ? tr("epoch") : tr("iteration");
}

void ProjectionDock::showParametersOf(const QString &id)
{
    // Hidden boxes take no width: the row is only as wide as one method's parameters. The
    // old boxes go first: with both rows shown for a moment, the window would widen the
    // map's column to hold them and never give the sentences their width back.
    for (const auto &[owner, widgets] : ownedFields_)
        if (owner != id)
            for (QWidget *x : widgets)
                x->setVisible(false);
    for (const auto &[owner, widgets] : ownedFields_)
        if (owner == id)
            for (QWidget *x : widgets)
                x->setVisible(true);
    if (id == shared_)
        return;
    shared_ = id;
    // The shared boxes show the parameters of the method they now edit.
    const ProjectionMethod *m = doc_->method(id);
    if (!m)
        return;
    const QJsonObject p = m->parameters();
    const QSignalBlocker b1(tsneSeed_), b2(tsneDims_), b3(tsneMetric_);
    tsneSeed_->setValue(p.value(QStringLiteral("seed")).toInt(tsneSeed_->value()));
    if (const int dims = tsneDims_->findData(p.value(QStringLiteral("dims")).toInt(2)); dims >= 0)
        tsneDims_->setCurrentIndex(dims);
    tsneMetric_->setCurrentIndex(p.value(QStringLiteral("metric")).toString() == QLatin1String("euclidean") ? 1 : 0);
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
    // Each method keeps its own seed, dims and distance: the shared boxes edit the one shown.
    const auto shared = [this](const QString &id, QJsonObject p) {
        if (id == shared_) {
            p[QStringLiteral("seed")] = tsneSeed_->value();
            p[QStringLiteral("dims")] = tsneDims_->currentData().toInt();
            p[QStringLiteral("metric")] =
                tsneMetric_->currentIndex() == 1 ? QStringLiteral("euclidean") : QStringLiteral("cosine");
        }
        return p;
    };
    if (ProjectionMethod *m = doc_->method(QStringLiteral("tsne"))) {
        QJsonObject p = m->parameters();
        p[QStringLiteral("perplexity")] = tsnePerplexity_->value();
        p[QStringLiteral("iterations")] = tsneIterations_->value();
        m->setParameters(shared(m->id(), p));
    }
    if (ProjectionMethod *m = doc_->method(QStringLiteral("umap"))) {
        QJsonObject p = m->parameters();
        p[QStringLiteral("neighbors")] = umapNeighbors_->value();
        p[QStringLiteral("min_dist")] = umapMinDist_->value();
        p[QStringLiteral("epochs")] = umapEpochs_->value();
        m->setParameters(shared(m->id(), p));
    }
}

void ProjectionDock::pullParameters()
{
    if (const ProjectionMethod *m = doc_->method(QStringLiteral("umap"))) {
        const QJsonObject u = m->parameters();
        const QSignalBlocker b1(umapNeighbors_), b2(umapMinDist_), b3(umapEpochs_);
        umapNeighbors_->setValue(u.value(QStringLiteral("neighbors")).toInt(umapNeighbors_->value()));
        umapMinDist_->setValue(u.value(QStringLiteral("min_dist")).toDouble(umapMinDist_->value()));
        umapEpochs_->setValue(u.value(QStringLiteral("epochs")).toInt(umapEpochs_->value()));
    }
    if (const ProjectionMethod *m = doc_->method(QStringLiteral("tsne"))) {
        const QJsonObject t = m->parameters();
        const QSignalBlocker b1(tsnePerplexity_), b2(tsneIterations_);
        tsnePerplexity_->setValue(t.value(QStringLiteral("perplexity")).toDouble(tsnePerplexity_->value()));
        tsneIterations_->setValue(t.value(QStringLiteral("iterations")).toInt(tsneIterations_->value()));
    }
    shared_.clear(); // the shared boxes show the parameters of the method chosen again
    showParametersOf(runnable());
}

} // namespace es
