#pragma once
// CompareWindow (Tools > Compare Models...): the model comparison (CompareWidget) in its own
// window, on the document's current sentences; its selection is linked with the window's
// both ways. Its own window: the compare maps are Qt Charts views, kept away from the 3D
// view's window container (DESIGN.md s.7).
#include <QVector>
#include <QWidget>

#include <QtGlobal>

class QItemSelectionModel;

namespace es {

class CompareWidget;
class ExplorerDocument;
class JobRunner;
class RemoteAccess;

class CompareWindow : public QWidget {
    Q_OBJECT
public:
    CompareWindow(JobRunner *jobs, RemoteAccess *remote, QItemSelectionModel *selection, QWidget *parent);
    CompareWidget *compare() const { return compare_; }
    // Shows the window (raised) on the document's sentences, given again when they changed
    // and no comparison runs; the configured remote provider is one of the choices.
    void showFor(const ExplorerDocument *doc);

signals:
    void rowsActivated(const QVector<int> &rows);

private:
    CompareWidget *compare_ = nullptr;
    quint64 dataVersion_ = ~0ull; // data version the window holds
};

} // namespace es
