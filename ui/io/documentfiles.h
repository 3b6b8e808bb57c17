#pragma once
// DocumentFiles: the files behind the window's document. Opening texts, vectors or a
// project (read by a job; File > Open, Open Recent, a dropped file), the recent files, and
// saving the project (.embedscope: the document's data and maps, the window's view state
// beside them, the doctor's marks). It asks before unsaved changes are dropped and keeps the
// window's title ("name * - EmbedScope").
// The window replaces its document with what was read and gives and takes its view state
// through Hooks; errors and messages come back by signal.
#include "dataset/dataset.h"
#include "document/explorerdocument.h"

#include <QJsonObject>
#include <QObject>
#include <QString>

#include <functional>
#include <optional>

class QMenu;
class QMimeData;
class QWidget;

namespace es {

class DoctorMarks;
class JobRunner;

class DocumentFiles : public QObject {
    Q_OBJECT
public:
    struct Hooks {
        // Replaces the document with what a file held (vectors: none for texts).
        std::function<void(const Dataset &, std::optional<ExplorerDocument::RowVectors>)> replace;
        // The window's view state for a project's parameters, and back (after the project's
        // maps are in the document).
        std::function<QJsonObject()> viewState;
        std::function<void(const QJsonObject &)> restoreViewState;
    };
    // window: the dialogs' parent and the window titled.
    DocumentFiles(ExplorerDocument *doc, JobRunner *jobs, DoctorMarks *marks, Hooks hooks, QWidget *window);

    // Opens texts, vectors or a project (see MainWindow::openFile).
    bool open(const QString &path);
    void openDialog();
    // A dropped file is opened, dropped text becomes rows. False when the data hold neither.
    bool drop(const QMimeData *data);
    static bool canDrop(const QMimeData *data);
    // File > Open Recent (filled from the settings, kept up to date).
    void setRecentMenu(QMenu *menu);

    // Saves the project. Atomic. False (and `failed`) on error.
    bool save(const QString &path);
    // File > Save Project: to the project's file, or asks for one.
    void save();
    void saveAs();
    // When there are unsaved changes, asks to save them; false when the user cancels.
    bool maybeSave();
    // Edits or marks not saved in a project.
    bool isModified() const;
    QString projectPath() const { return projectPath_; }
    QString documentName() const { return documentName_; }
    // A new document: no marks, nothing of them to save.
    void clearMarks();
    void updateTitle();

signals:
    void opened(const QString &path);
    void failed(const QString &title, const QString &message);
    // A message for the status bar (ms: how long it stays).
    void message(const QString &text, int ms);

private:
    void addRecentFile(const QString &path);
    void updateRecentMenu();

    ExplorerDocument *doc_;
    JobRunner *jobs_;
    DoctorMarks *marks_;
    Hooks hooks_;
    QWidget *window_;
    QMenu *recentMenu_ = nullptr;
    QString projectPath_;
    QString documentName_;
    bool marksModified_ = false; // doctor marks changed since the project was saved or opened
};

} // namespace es
