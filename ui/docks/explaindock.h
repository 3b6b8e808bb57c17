#pragma once
// ExplainDock: "Why are these close?" (ExplainView) in the right-hand tab group, hidden
// until asked for (View menu, Analysis > Why Are These Close?). While it is open, a heatmap
// cell or a selection of two rows is explained at once. It embeds with the document's
// embedder (word contributions need the model that made the vectors).
#include "docks/sidedock.h"

class QItemSelectionModel;

namespace es {

class ExplainView;
class ExplorerDocument;
class JobRunner;

class ExplainDock : public SideDock {
    Q_OBJECT
public:
    ExplainDock(ExplorerDocument *doc, JobRunner *jobs, QItemSelectionModel *selection, QWidget *parent = nullptr);
    ExplainView *view() const { return explain_; }

    // A heatmap cell (rows a and b): explained when the dock is open.
    void explainCell(int a, int b);
    // Analysis > Why Are These Close?: opens the dock and explains the two selected rows
    // (or says to select two).
    void explainSelection();

signals:
    // A message for the status bar.
    void message(const QString &text);

private:
    ExplorerDocument *doc_;
    QItemSelectionModel *selection_;
    ExplainView *explain_ = nullptr;
};

} // namespace es
