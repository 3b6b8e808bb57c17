#pragma once
// Helpers of the main-window tests of the doctor's tools (tst_doctorcaptions,
// tst_doctormarks, tst_doctorwindow).
#include "mainwindow.h"

#include <QCoreApplication>
#include <QStandardPaths>
#include <QTest>

namespace windowtest {

// Settings of a test run stay out of the user's (QStandardPaths test mode, own organisation).
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

} // namespace windowtest
