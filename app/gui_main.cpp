#include "gui_main.h"

#include "mainwindow.h"

#include <QApplication>

namespace es {

int runGui(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("EmbedScope"));
    QApplication::setOrganizationName(QStringLiteral("EmbedScope"));
    QApplication::setApplicationVersion(QStringLiteral(EMBEDSCOPE_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("io.github.embedscope.EmbedScope"));
    MainWindow window;
    window.show();
    const QStringList args = QApplication::arguments();
    if (args.size() > 1)
        window.openFile(args.at(1));
    return QApplication::exec();
}

} // namespace es
