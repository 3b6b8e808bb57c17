#pragma once
// MainWindow: the sentence table, the views and the inspector, wired to one JobRunner.
#include <QMainWindow>

namespace es {

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Opens texts, vectors or a project; errors are shown, never thrown.
    bool openFile(const QString &path);
};

} // namespace es
