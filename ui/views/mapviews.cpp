#include "views/mapviews.h"

#include "projection/projectionmethod.h"
#include "views/legend.h"
#include "views/pointlabels.h"
#include "views/scatter2dview.h"
#include "views/scatter3dview.h"

#include <QAction>
#include <QLabel>
#include <QSettings>
#include <QTabWidget>

namespace es {

MapViews::MapViews(QTabWidget *tabs) : QObject(tabs), tabs_(tabs)
{
    // The scatter views implement PointView; the window talks to them only through it
    // (plus their texts, titles and click signals).
    auto *s2 = new Scatter2DView(tabs_);
    s2->setObjectName(QStringLiteral("scatter2d"));
    s2->setAxisTitles(tr("PC 1"), tr("PC 2"));
    s2->setPlaceholder(tr("The 2D PCA map appears here after embedding."));
    tabs_->addTab(s2, tr("2D map (PCA)"));
    views_.append(qMakePair<QWidget *, PointView *>(s2, s2));
    connect(s2, &Scatter2DView::pointClicked, this, [this](int row) { emit rowsChosen({row}, row); });
    connect(s2, &Scatter2DView::groupVisibilityChanged, this, &MapViews::groupVisibilityChanged);
    connect(s2, &Scatter2DView::pointsSelected, this, [this](const QVector<int> &rows) {
        emit rowsChosen(rows, rows.isEmpty() ? -1 : rows.front());
    });
    // "Isolate these N points" / "Show all" on one map applies to both.
    auto isolateAll = [this](const QVector<int> &rows) {
        for (auto &[w, v] : views_)
            v->setIsolation(rows);
    };
    connect(s2, &Scatter2DView::isolationChanged, this, isolateAll);
    scatter2d_ = s2;
    // Each sentence's first words beside its point on a small map (as render --labels auto).
    pointLabelsAction_ = new QAction(tr("Point &Labels on Small Maps"), tabs_->window());
    pointLabelsAction_->setObjectName(QStringLiteral("pointLabelsAction"));
    pointLabelsAction_->setCheckable(true);
    pointLabelsAction_->setToolTip(tr("Each sentence's first words beside its point, while at most %1 points are in view")
                                       .arg(pointlabels::kAutoLimit));
    connect(pointLabelsAction_, &QAction::toggled, this, [this](bool on) {
        scatter2d_->setLabelMode(on ? pointlabels::Mode::Auto : pointlabels::Mode::Off);
        QSettings().setValue(QStringLiteral("view/pointLabels"), on);
    });
    pointLabelsAction_->setChecked(QSettings().value(QStringLiteral("view/pointLabels"), true).toBool());
    s2->setLabelMode(pointLabelsAction_->isChecked() ? pointlabels::Mode::Auto : pointlabels::Mode::Off);

    QString why;
    if (Scatter3DView::isOpenGLAvailable(&why)) {
        auto *s3 = new Scatter3DView(tabs_);
        s3->setObjectName(QStringLiteral("scatter3d"));
        s3->setAxisTitles(tr("PC 1"), tr("PC 2"), tr("PC 3"));
        tabs_->addTab(s3, tr("3D map (PCA)"));
        views_.append(qMakePair<QWidget *, PointView *>(s3, s3));
        connect(s3, &Scatter3DView::pointClicked, this, [this](int row) { emit rowsChosen({row}, row); });
        connect(s3, &Scatter3DView::pointsSelected, this, [this](const QVector<int> &rows) {
            emit rowsChosen(rows, rows.isEmpty() ? -1 : rows.front());
        });
        connect(s3, &Scatter3DView::messageButtonClicked, this, &MapViews::run3dRequested);
        connect(s3, &Scatter3DView::isolationChanged, this, isolateAll);
        scatter3d_ = s3;
    } else {
        auto *l = new QLabel(tr("The 3D map needs OpenGL, which is not available here: %1\n"
                                "The heatmap and the 2D map work without it.").arg(why), tabs_);
        l->setAlignment(Qt::AlignCenter);
        l->setWordWrap(true);
        tabs_->addTab(l, tr("3D map"));
    }
}

void MapViews::showMap(const ProjectionMethod &method, const ExplorerDocument::Projection &map, bool have3d,
                       bool running3d, const QStringList &texts, const QVector<int> &group,
                       const QList<PointGroup> &groups, const QVector<int> &highlight)
{
    // tsne: a map made on request (t-SNE, UMAP) rather than the automatic PCA.
    const bool tsne = !method.automatic();
    const QVector<QVector3D> &shown = map.coords;
    // The 3D tab: a 2D t-SNE map has no third axis (it was drawn as a flat slab). It shows
    // the last 3D t-SNE map of these data, or says that one needs a 3D run and offers it.
    const QVector<QVector3D> &shown3d = tsne && map.dims != 3 && have3d ? map.coords3d : shown;
    if (scatter3d_) {
        if (!tsne || map.dims == 3 || have3d)
            scatter3d_->clearMessage();
        else if (!running3d)
            scatter3d_->showMessage(tr("This %1 map was computed in 2D (2D chosen in the projection bar): "
                                       "it has no third axis to show. A 3D map needs a %1 run of its own.")
                                        .arg(method.name()),
                                    tr("Run %1 in 3D").arg(method.name()));
    }
    const auto axisTitle = [&](int c) { return method.axisTitle(c, map.fit); };
    scatter2d_->setAxisTitles(axisTitle(1), axisTitle(2));
    tabs_->setTabText(tabs_->indexOf(scatter2d_), tr("2D map (%1)").arg(method.name()));
    if (scatter3d_) {
        scatter3d_->setAxisTitles(axisTitle(1), axisTitle(2), axisTitle(3));
        tabs_->setTabText(tabs_->indexOf(scatter3d_), tr("3D map (%1)").arg(method.name()));
    }
    scatter2d_->setTexts(texts);
    if (scatter3d_)
        scatter3d_->setTexts(texts);
    for (auto &[w, v] : views_) {
        // Colours first: a view given rows of another count groups them and builds its
        // series once, with these colours (the other order did both twice: a million rows
        // took 100 ms more on the GUI thread). With the same rows nothing changes.
        v->setColors(group, groups);
        v->setPoints(w == scatter3d_ ? shown3d : shown);
        v->setHighlight(highlight);
    }
    scatter2d_->flushSeries();
}

void MapViews::setColoring(const QVector<int> &group, const QList<PointGroup> &groups, const LegendScale &scale,
                           const QString &title, bool applies)
{
    // The scale first: the views size their legend when the colours arrive.
    scatter2d_->legend()->setScale(scale);
    scatter2d_->setLegendTitle(title);
    if (scatter3d_) {
        scatter3d_->legend()->setScale(scale);
        scatter3d_->setLegendTitle(title);
    }
    if (applies)
        for (auto &[w, v] : views_)
            v->setColors(group, groups);
}

void MapViews::setSelection(const QVector<int> &rows)
{
    for (auto &[w, v] : views_)
        v->setSelection(rows);
}

void MapViews::setNeighbors(int row, const QVector<int> &rows)
{
    for (auto &[w, v] : views_)
        v->setNeighbors(row, rows);
}

void MapViews::setHighlight(const QVector<int> &rows)
{
    for (auto &[w, v] : views_)
        v->setHighlight(rows);
}

} // namespace es
