#include "gui_main.h"

#include "mainwindow.h"
#include "models/sentencemodel.h"
#include "views/inspectorview.h"

#include <QApplication>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QItemSelectionModel>
#include <QScreen>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

namespace es {

namespace {

// Developer option: `embedscope FILE --screenshot OUT.png [--size WxH] [--tab N]
// [--select ROW]` opens FILE, waits until every job has finished, grabs the window into
// OUT.png and exits (0 on success). Used to look at the window under xvfb-run.
struct GuiOptions {
    QString file;
    QString screenshot;
    QSize size;
    int tab = -1;
    int select = -1;
    int timeoutSeconds = 180;
};

bool parseOptions(const QStringList &args, GuiOptions &o)
{
    for (int i = 1; i < args.size(); ++i) {
        const QString &a = args.at(i);
        auto value = [&](QString &out) {
            if (i + 1 >= args.size()) {
                std::cerr << "embedscope: " << a.toStdString() << " needs a value\n";
                return false;
            }
            out = args.at(++i);
            return true;
        };
        QString v;
        if (a == QLatin1String("--screenshot")) {
            if (!value(o.screenshot))
                return false;
        } else if (a == QLatin1String("--size")) {
            if (!value(v))
                return false;
            const QStringList wh = v.split(QLatin1Char('x'));
            if (wh.size() != 2 || wh[0].toInt() < 200 || wh[1].toInt() < 200) {
                std::cerr << "embedscope: --size wants WIDTHxHEIGHT, e.g. 1600x1000\n";
                return false;
            }
            o.size = QSize(wh[0].toInt(), wh[1].toInt());
        } else if (a == QLatin1String("--tab")) {
            if (!value(v))
                return false;
            o.tab = v.toInt();
        } else if (a == QLatin1String("--select")) {
            if (!value(v))
                return false;
            o.select = v.toInt() - 1;
        } else if (a == QLatin1String("--timeout")) {
            if (!value(v))
                return false;
            o.timeoutSeconds = v.toInt();
        } else if (o.file.isEmpty() && !a.startsWith(QLatin1String("--"))) {
            o.file = a;
        } else {
            std::cerr << "embedscope: unexpected argument " << a.toStdString() << "\n";
            return false;
        }
    }
    return true;
}

// The platform plugins Qt will try: -platform NAME, else $QT_QPA_PLATFORM (a ';' list),
// else "" (Qt's default for the session).
std::string requestedPlatform(int argc, char **argv)
{
    for (int i = 1; i + 1 < argc; ++i)
        if (std::strcmp(argv[i], "-platform") == 0)
            return argv[i + 1];
    const char *env = std::getenv("QT_QPA_PLATFORM");
    return env ? env : "";
}

bool isSet(const char *variable)
{
    const char *v = std::getenv(variable);
    return v && *v;
}

// Qt ends with qFatal (abort, SIGABRT) when no platform plugin starts: while the
// application is being made, a fatal message becomes a clear one and exit status 1.
QtMessageHandler g_previousHandler = nullptr;

void startupMessageHandler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (type != QtFatalMsg) {
        if (g_previousHandler)
            g_previousHandler(type, context, message);
        else
            std::cerr << message.toLocal8Bit().constData() << "\n";
        return;
    }
    const char *display = std::getenv("DISPLAY");
    const char *wayland = std::getenv("WAYLAND_DISPLAY");
    const std::string platform = std::getenv("QT_QPA_PLATFORM") ? std::getenv("QT_QPA_PLATFORM") : "(default)";
    std::cerr << "embedscope: cannot open the window: no Qt platform plugin could start (QT_QPA_PLATFORM="
              << platform << ", DISPLAY=" << (display ? display : "(unset)") << ", WAYLAND_DISPLAY="
              << (wayland ? wayland : "(unset)") << "). Qt says: "
              << message.section(QLatin1Char('\n'), 0, 0).toLocal8Bit().constData()
              << "\nThe command line works without a display: embedscope --help\n";
    std::cerr.flush();
    std::_Exit(1);
}

} // namespace

int runGui(int argc, char **argv)
{
    // Without a display the xcb plugin cannot start: say so instead of letting Qt abort.
    {
        const std::string platform = requestedPlatform(argc, argv);
        const bool xcbOnly = platform.empty() || platform == "xcb" || platform.rfind("xcb:", 0) == 0;
        const bool hasDisplay = isSet("DISPLAY") || (platform.empty() && isSet("WAYLAND_DISPLAY"));
        if (xcbOnly && !hasDisplay) {
            std::cerr << "embedscope: cannot open the window: no display (DISPLAY"
                      << (platform.empty() ? " and WAYLAND_DISPLAY are" : " is") << " not set"
                      << (platform.empty() ? "" : ", QT_QPA_PLATFORM=" + platform)
                      << "). Start it in a desktop session, or use the command line: embedscope --help\n";
            return 1;
        }
    }
    g_previousHandler = qInstallMessageHandler(startupMessageHandler);
    QApplication app(argc, argv);
    qInstallMessageHandler(g_previousHandler);
    QApplication::setApplicationName(QStringLiteral("EmbedScope"));
    QApplication::setOrganizationName(QStringLiteral("EmbedScope"));
    QApplication::setApplicationVersion(QStringLiteral(EMBEDSCOPE_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("io.github.embedscope.EmbedScope"));
    GuiOptions opt;
    if (!parseOptions(QApplication::arguments(), opt))
        return 2;

    MainWindow window;
    if (opt.size.isValid())
        window.resize(opt.size);
    window.show();
    if (!opt.file.isEmpty())
        window.openFile(opt.file);
    if (opt.screenshot.isEmpty())
        return QApplication::exec();

    // Screenshot mode: let the window settle, wait for the jobs (the load job starts the
    // embedding, which starts the analysis), then grab.
    QElapsedTimer clock;
    clock.start();
    int rc = 1;
    QTimer::singleShot(0, &window, [&] {
        const int timeout = opt.timeoutSeconds * 1000;
        while (clock.elapsed() < timeout) {
            window.waitForJobs(int(timeout - clock.elapsed()));
            // Two idle checks a little apart: a finished job may have queued the next one.
            QElapsedTimer settle;
            settle.start();
            while (settle.elapsed() < 300)
                QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
            if (window.waitForJobs(10))
                break;
        }
        if (opt.tab >= 0 && opt.tab < window.viewTabs()->count())
            window.viewTabs()->setCurrentIndex(opt.tab);
        if (opt.select >= 0 && opt.select < window.sentenceModel()->rowCount()) {
            // As a click would: the row is selected in every view, the table scrolls to it
            // and the inspector (shown and raised) fills with its text and neighbours.
            const QModelIndex index = window.sentenceModel()->index(opt.select, 0);
            window.selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect
                                                                | QItemSelectionModel::Rows);
            window.table()->scrollTo(index, QAbstractItemView::PositionAtCenter);
            if (auto *dock = window.findChild<QDockWidget *>(QStringLiteral("inspectorDock"))) {
                dock->show();
                dock->raise();
            }
            window.waitForJobs(int(std::max<qint64>(1000, timeout - clock.elapsed())));
            if (window.inspector()->currentRow() != opt.select)
                std::cerr << "embedscope: the inspector does not show row " << opt.select + 1 << "\n";
        } else if (opt.select >= 0) {
            std::cerr << "embedscope: --select " << opt.select + 1 << ": the data has "
                      << window.sentenceModel()->rowCount() << " rows\n";
        }
        QElapsedTimer paint;
        paint.start();
        while (paint.elapsed() < 500)
            QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        // From the screen, not QWidget::grab(): the 3D view is an OpenGL window that
        // grab() leaves blank; the screen holds what the user sees.
        QPixmap shot = window.screen() ? window.screen()->grabWindow(window.winId()) : QPixmap();
        if (shot.isNull())
            shot = window.grab();
        if (shot.save(opt.screenshot)) {
            std::cout << "screenshot: " << QFileInfo(opt.screenshot).absoluteFilePath().toStdString() << " ("
                      << shot.width() << "x" << shot.height() << ")\n";
            if (!window.lastError().isEmpty())
                std::cout << "last error shown: " << window.lastError().toStdString() << "\n";
            rc = 0;
        } else {
            std::cerr << "embedscope: could not write " << opt.screenshot.toStdString() << "\n";
        }
        QApplication::exit(rc);
    });
    QApplication::exec();
    return rc;
}

} // namespace es
