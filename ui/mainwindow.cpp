#include "mainwindow.h"

namespace es {

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setWindowTitle(tr("EmbedScope"));
    resize(1280, 800);
}

MainWindow::~MainWindow() = default;

bool MainWindow::openFile(const QString &)
{
    return false;
}

} // namespace es
