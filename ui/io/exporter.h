#pragma once
// Exporter: File > Export. Writes what the window shows or the document holds: the current
// view as PNG or SVG, the shown map's coordinates, the neighbours, the similarity matrix,
// the vectors (CSV or .npy), the TensorFlow Projector TSV pair and the sentences with the
// doctor's marks. Failures ("nothing to export yet", a file that cannot be written) are
// reported by `failed`; files are written by core's writers (atomically).
#include <QList>
#include <QObject>
#include <QPair>
#include <QSize>

#include <functional>

class QMenu;
class QTabWidget;

namespace es {

class DoctorMarks;
class ExplorerDocument;
class HeatmapView;
class PointView;
class Scatter2DView;

class Exporter : public QObject {
    Q_OBJECT
public:
    // What the exports read besides the document.
    struct Sources {
        QTabWidget *tabs = nullptr; // the current tab is "the current view"
        HeatmapView *heatmap = nullptr;
        Scatter2DView *scatter2d = nullptr;
        QList<QPair<QWidget *, PointView *>> pointViews; // the maps' tabs and their views
        DoctorMarks *marks = nullptr;
        std::function<QString()> shownProjection; // the id of the map shown ("pca", "tsne")
        std::function<QString()> documentName;    // for the suggested file names
    };
    // window: the file dialogs' parent.
    Exporter(ExplorerDocument *doc, Sources sources, QWidget *window);

    // The menu's entries (each asks for a file name, then calls one of the functions below).
    void fillMenu(QMenu *menu);

    bool exportCurrentView(const QString &path, const QSize &size = {});
    bool exportCoordinates(const QString &path);
    bool exportNeighbors(const QString &path);
    bool exportSimilarity(const QString &path);
    bool exportVectors(const QString &path);
    bool exportProjector(const QString &vectorsPath, const QString &metadataPath);
    // The sentences as CSV (row, text, every column) with the doctor's marks in a column "mark".
    bool exportSentences(const QString &path);

signals:
    void failed(const QString &title, const QString &message);
    // A message for the status bar.
    void message(const QString &text);

private:
    QString ask(const QString &title, const QString &suffix, const QString &filter) const;

    ExplorerDocument *doc_;
    Sources src_;
    QWidget *window_;
};

} // namespace es
