#pragma once
// Helpers of the main-window tests (tst_mainwindow, tst_project_ui, tst_viewpanels and the
// doctor's tools: tst_doctorcaptions, tst_doctormarks, tst_doctorwindow): settings kept out
// of the user's, a window shown and exposed, a window shown with data and idle.
// "OpenGL available or skip" is ES_SKIP_WITHOUT_GL (tests/tools/testmain.h).
#include "mainwindow.h"

#include <QCoreApplication>
#include <QSize>
#include <QStandardPaths>
#include <QTest>
#include <QtDebug>

namespace windowtest {

// Settings of a test run stay out of the user's (QStandardPaths test mode, own organisation;
// the application name is the test's executable).
inline void isolateSettings()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("EmbedScopeTest");
}

// Until the window has no job (three idle checks: a finished job may queue the next one).
inline bool waitIdle(es::MainWindow &w, int ms = 60000)
{
    for (int i = 0; i < 3; ++i) {
        if (!w.waitForJobs(ms))
            return false;
        QTest::qWait(30);
    }
    return true;
}

// Shows w (resized to size when one is given) and waits until it is exposed on screen.
[[nodiscard]] inline bool show(QWidget &w, QSize size = {})
{
    if (size.isValid())
        w.resize(size);
    w.show();
    if (QTest::qWaitForWindowExposed(&w))
        return true;
    qWarning("windowtest::show: the window was not exposed");
    return false;
}

// Shows w at size, gives it a data set and its vectors, and waits until it is idle (the
// analysis done).
[[nodiscard]] inline bool showWithData(es::MainWindow &w, QSize size, const es::Dataset &dataset,
                                       const es::Matrix &vectors)
{
    if (!show(w, size))
        return false;
    w.setData(dataset, vectors);
    if (waitIdle(w))
        return true;
    qWarning("windowtest::showWithData: the window did not become idle");
    return false;
}

} // namespace windowtest
