#pragma once
// main() for the Qt Test suites, instead of QTEST_MAIN / QTEST_GUILESS_MAIN, so that what
// CTest shows is what happened:
//  - a run in which tests were skipped and none failed exits 77 (CTest's SKIP_RETURN_CODE,
//    set for every test in tests/CMakeLists.txt): it shows as skipped, never as passed;
//  - a GUI suite (ES_TEST_MAIN) that skips anything while EMBEDSCOPE_REQUIRE_GL=1 (the
//    README's test command sets it) fails: a window or OpenGL test that cannot run here
//    must not pass silently;
//  - a run asked for a CPU path that this machine does not have (OPENBLAS_CORETYPE naming
//    an AVX-512 core, EMBEDSCOPE_KERNEL=avx512, on a CPU without AVX-512) is skipped with a
//    message; a path that was asked for but is not the one in use fails. The CTest
//    variants of the analysis and end-to-end tests (tests/CMakeLists.txt: es_add_cpu_variants)
//    rely on this.
// The skip count comes from a second Qt Test logger (plain text, in a temporary file) whose
// "Totals:" line is read after the run; the usual output still goes to stdout.
#include "analysis/dense.h"

#include <QCoreApplication>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <csignal>
#include <execinfo.h>
#include <unistd.h>

namespace es::test {

inline bool envIs(const char *name, const char *value)
{
    const char *v = std::getenv(name);
    return v && QByteArray(v).compare(value, Qt::CaseInsensitive) == 0;
}

// -1: go on; otherwise the exit status (77: this CPU path cannot run here; 1: it was asked
// for and is not in use).
inline int checkCpuPath()
{
    using namespace es::analysis;
    const bool avx512 = dense::kernelAvailable(dense::Kernel::Avx512);
    const char *core = std::getenv("OPENBLAS_CORETYPE");
    const bool wantsAvx512Blas = core
        && (envIs("OPENBLAS_CORETYPE", "SkylakeX") || envIs("OPENBLAS_CORETYPE", "CooperLake")
            || envIs("OPENBLAS_CORETYPE", "SapphireRapids"));
    if ((wantsAvx512Blas || envIs("EMBEDSCOPE_KERNEL", "avx512")) && !avx512) {
        std::printf("SKIP: this CPU has no AVX-512, so the path asked for (OPENBLAS_CORETYPE=%s, "
                    "EMBEDSCOPE_KERNEL=%s) cannot run here\n",
                    core ? core : "", std::getenv("EMBEDSCOPE_KERNEL") ? std::getenv("EMBEDSCOPE_KERNEL") : "");
        return 77;
    }
    const std::string note = dense::kernelNote();
    if (!note.empty()) {
        std::printf("FAIL: %s\n", note.c_str());
        return 1;
    }
    const std::string blas = dense::blasCoreName();
    if (core && *core && !blas.empty() && QByteArray(core).compare(blas.c_str(), Qt::CaseInsensitive) != 0) {
        std::printf("FAIL: OPENBLAS_CORETYPE=%s but OpenBLAS runs its %s kernels\n", core, blas.c_str());
        return 1;
    }
    std::printf("CPU path: %s kernel, OpenBLAS core %s\n", dense::kernelName(dense::kernel()),
                blas.empty() ? "(not OpenBLAS)" : blas.c_str());
    return -1;
}

// A crash prints a backtrace at once and ends the run. Qt Test's own handler (installed by
// qExec) prints the signal and the test function, then chains to this one. Its debugger-based
// stack dump is switched off (QTEST_DISABLE_STACK_DUMP): on a CI machine it attached a
// debugger that never returned, so a crash cost the whole CTest timeout and showed no trace.
// The frames come from glibc's backtrace(); the test executables are linked with
// ENABLE_EXPORTS (tests/CMakeLists.txt) so that our own functions are named.
inline void onFatalSignal(int sig)
{
    static const char head[] = "\n=== Backtrace (glibc) ===\n";
    static const char tail[] = "=== End of backtrace ===\n";
    void *frames[128];
    const int n = backtrace(frames, 128);
    [[maybe_unused]] ssize_t w = write(STDERR_FILENO, head, sizeof head - 1);
    backtrace_symbols_fd(frames, n, STDERR_FILENO);
    w = write(STDERR_FILENO, tail, sizeof tail - 1);
    _exit(128 + sig);
}

inline void installCrashBacktrace()
{
    if (!std::getenv("QTEST_DISABLE_STACK_DUMP"))
        setenv("QTEST_DISABLE_STACK_DUMP", "1", 1);
    void *warm[1];
    backtrace(warm, 1); // loads libgcc's unwinder now, not inside the handler
    struct sigaction act = {};
    act.sa_handler = onFatalSignal;
    sigemptyset(&act.sa_mask);
    for (int sig : {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL})
        sigaction(sig, &act, nullptr);
}

// Ends the process after the suite, its objects and the application are destroyed:
// output flushed, then _exit, without the libraries' exit handlers. Debian 12's OpenBLAS
// (0.3.21) joins its worker threads in one (gotoblas_quit -> blas_thread_shutdown_), and
// now and then the worker never sees the wake-up: the suite had passed and printed its
// totals, then hung until CTest's timeout (tst_heatmap, about 1 run in 25 on a loaded
// machine; gdb: main thread in pthread_join under _dl_fini, the OpenBLAS worker in
// pthread_cond_wait). app/main.cpp ends the same way.
[[noreturn]] inline void finish(int status)
{
    std::fflush(nullptr);
    _exit(status);
}

// Runs the suite and turns "skipped, none failed" into 77 (see above).
inline int runSuite(QObject *suite, int argc, char **argv, bool gui)
{
    std::vector<char *> args(argv, argv + argc);
    bool ownLoggers = true;
    for (int i = 1; i < argc; ++i)
        if (!std::strcmp(argv[i], "-o") || !std::strncmp(argv[i], "-o", 2) || !std::strcmp(argv[i], "-help")
            || !std::strcmp(argv[i], "-functions") || !std::strcmp(argv[i], "-datatags"))
            ownLoggers = false;
    QTemporaryDir dir;
    const QByteArray totalsFile = dir.filePath(QStringLiteral("totals.txt")).toLocal8Bit() + ",txt";
    QByteArray o1("-o"), o2("-o"), stdoutTxt("-,txt"), totalsArg(totalsFile);
    if (ownLoggers && dir.isValid()) {
        args.push_back(o1.data());
        args.push_back(stdoutTxt.data());
        args.push_back(o2.data());
        args.push_back(totalsArg.data());
    } else {
        ownLoggers = false;
    }
    installCrashBacktrace();
    const int status = QTest::qExec(suite, int(args.size()), args.data());
    if (status != 0 || !ownLoggers)
        return status;
    QFile totals(dir.filePath(QStringLiteral("totals.txt")));
    if (!totals.open(QIODevice::ReadOnly)) {
        std::printf("FAIL: the test totals were not written (%s)\n", qPrintable(totals.fileName()));
        return 1;
    }
    const QString text = QString::fromUtf8(totals.readAll());
    const auto m = QRegularExpression(QStringLiteral("Totals: (\\d+) passed, (\\d+) failed, (\\d+) skipped"))
                       .match(text);
    if (!m.hasMatch()) {
        std::printf("FAIL: no totals line in the test log\n");
        return 1;
    }
    const int skipped = m.captured(3).toInt();
    if (skipped == 0)
        return 0;
    if (gui && envIs("EMBEDSCOPE_REQUIRE_GL", "1")) {
        std::printf("FAIL: %d test(s) skipped in a GUI suite while EMBEDSCOPE_REQUIRE_GL=1: the window, display "
                    "or OpenGL they need is missing here (see the SKIP lines above)\n",
                    skipped);
        return 1;
    }
    std::printf("%d test(s) skipped: exit 77 so that CTest shows this suite as skipped\n", skipped);
    return 77;
}

// In a GUI suite: skip a test that needs OpenGL (or a display) when there is none, unless
// EMBEDSCOPE_REQUIRE_GL=1, where that is a failure.
#define ES_SKIP_WITHOUT_GL(why)                                                                                   \
    do {                                                                                                         \
        if (es::test::envIs("EMBEDSCOPE_REQUIRE_GL", "1"))                                                       \
            QFAIL(qPrintable(QStringLiteral("EMBEDSCOPE_REQUIRE_GL=1 but: ") + (why)));                           \
        QSKIP(qPrintable(why));                                                                                  \
    } while (false)

} // namespace es::test

#define ES_TEST_MAIN_BODY(TestObject, AppType, gui)                                                              \
    int main(int argc, char **argv)                                                                              \
    {                                                                                                            \
        if (const int s = es::test::checkCpuPath(); s >= 0)                                                      \
            return s;                                                                                            \
        QTest::Internal::callInitMain<TestObject>();                                                             \
        QCoreApplication::setAttribute(Qt::AA_Use96Dpi, true);                                                   \
        int status = 0;                                                                                          \
        {                                                                                                        \
            AppType app(argc, argv);                                                                             \
            TestObject tc;                                                                                       \
            QTEST_SET_MAIN_SOURCE_PATH                                                                           \
            status = es::test::runSuite(&tc, argc, argv, gui);                                                   \
        }                                                                                                        \
        es::test::finish(status);                                                                                \
    }

// A suite with widgets (QApplication): skips fail under EMBEDSCOPE_REQUIRE_GL=1.
#if defined(QT_WIDGETS_LIB)
#include <QApplication>
#define ES_TEST_MAIN(TestObject) ES_TEST_MAIN_BODY(TestObject, QApplication, true)
#endif
// A suite without widgets (QCoreApplication).
#define ES_TEST_GUILESS_MAIN(TestObject) ES_TEST_MAIN_BODY(TestObject, QCoreApplication, false)
