#pragma once
// HeatmapPanel: the heatmap tab. The similarity heatmap (HeatmapView) with its bar (order:
// input, label or similarity clusters; colours: sequential or diverging; reset zoom) and the
// label legend beside it. The order by clusters is the document's (asked for when chosen).
#include <QJsonObject>
#include <QList>
#include <QVector>
#include <QWidget>

class QComboBox;
class QItemSelectionModel;

namespace es {

class ExplorerDocument;
class HeatmapView;
class JobRunner;
class LegendWidget;
struct PointGroup;

class HeatmapPanel : public QWidget {
    Q_OBJECT
public:
    HeatmapPanel(ExplorerDocument *doc, JobRunner *jobs, QItemSelectionModel *selection, QWidget *parent = nullptr);

    HeatmapView *heatmap() const { return heatmap_; }
    // The label groups (group: per row, -1 = none; counts: rows per group) and the legend's
    // title (the label column's name).
    void setGroups(const QVector<int> &group, const QList<PointGroup> &groups, const QVector<int> &counts,
                   const QString &title);
    // Orders the rows as chosen in the bar (by label: the groups as blocks along the diagonal).
    void updateOrder();
    // Order and colours in a project's view state ("heatmapOrder", "heatmapColors"), and back.
    void saveState(QJsonObject &params) const;
    void restoreState(const QJsonObject &params);

private:
    ExplorerDocument *doc_;
    QComboBox *order_ = nullptr;
    QComboBox *colors_ = nullptr;
    HeatmapView *heatmap_ = nullptr;
    LegendWidget *legend_ = nullptr;
    QVector<int> group_;
};

} // namespace es
