#pragma once
// Runs the built `embedscope` binary as a user would (QProcess) and collects its exit
// status and output; shared by the command-line test suites.
#include <QProcess>
#include <QString>
#include <QStringList>

namespace clitest {

inline QString binary()
{
    return QStringLiteral(EMBEDSCOPE_BINARY_DIR "/bin/embedscope");
}

struct Run {
    int exitCode = -1; // -1: crashed or timed out
    QString out, err;
};

inline Run run(const QStringList &args, const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment(),
               int timeoutMs = 240000)
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(binary(), args);
    Run r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        r.err = QStringLiteral("timed out");
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

} // namespace clitest
