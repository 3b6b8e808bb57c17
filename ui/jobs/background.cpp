#include "jobs/background.h"

#include <QThread>
#include <QThreadPool>
#include <QtGlobal>

#include <algorithm>

#include <cerrno>

#ifdef Q_OS_LINUX
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace es {

namespace {
// Niceness 10: the usual "background" level. On an idle machine the work runs at full
// speed; when the GUI thread wakes it preempts the workers (CFS weight 1024 against 110).
constexpr int kBackgroundNice = 10;
} // namespace

void enterBackgroundPriority()
{
#ifdef Q_OS_LINUX
    thread_local bool lowered = false;
    if (lowered)
        return;
    lowered = true;
    const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
    errno = 0;
    const int current = ::getpriority(PRIO_PROCESS, tid);
    if (errno == 0 && current < kBackgroundNice)
        ::setpriority(PRIO_PROCESS, tid, kBackgroundNice); // failure only leaves it as it was
#endif
}

QThreadPool *backgroundPool()
{
    static QThreadPool *pool = [] {
        auto *p = new QThreadPool; // lives until exit, like Qt's global pool
        p->setMaxThreadCount(std::max(2, QThread::idealThreadCount()));
        p->setObjectName(QStringLiteral("EmbedScope background pool"));
        return p;
    }();
    return pool;
}

} // namespace es
