// JobRunner: results arrive on the GUI thread; a newer job of the same kind makes the
// older one's result stale (dropped, never delivered); cancel stops work and reports it;
// errors are reported; progress reaches the GUI thread; busy state follows the jobs.
#include "jobs/jobrunner.h"

#include "jobs/background.h"

#include <QSignalSpy>
#include <QTest>
#include "tools/testmain.h"
#include <QProgressBar>
#include <QSemaphore>
#include <QThread>
#include <QThreadPool>

#include <atomic>
#include <thread>

#ifdef Q_OS_LINUX
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

using es::Error;
using es::JobContext;
using es::JobRunner;
using es::Result;

class TestJobRunner : public QObject {
    Q_OBJECT
private slots:
    void deliversOnGuiThread()
    {
        JobRunner jobs;
        QSignalSpy finished(&jobs, &JobRunner::jobFinished);
        int got = 0;
        QThread *deliveredOn = nullptr;
        QThread *workedOn = nullptr;
        jobs.start<int>("sum", "Sum", [&](JobContext &) -> Result<int> {
            workedOn = QThread::currentThread();
            return 42;
        }, [&](int &v) {
            got = v;
            deliveredOn = QThread::currentThread();
        });
        QVERIFY(jobs.isBusy());
        QVERIFY(jobs.waitForIdle(10000));
        QCOMPARE(got, 42);
        QCOMPARE(finished.count(), 1);
        QCOMPARE(deliveredOn, QThread::currentThread());
        QVERIFY(workedOn != QThread::currentThread());
    }

    void staleResultsAreDropped()
    {
        JobRunner jobs;
        std::atomic<bool> release{false};
        QList<int> delivered;
        QSignalSpy finished(&jobs, &JobRunner::jobFinished);
        // The first job ignores its stop token and finishes after the second started.
        jobs.start<int>("embed", "old", [&](JobContext &) -> Result<int> {
            while (!release)
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            return 1;
        }, [&](int &v) { delivered << v; });
        const quint64 g2 = jobs.start<int>("embed", "new", [&](JobContext &) -> Result<int> {
            while (!release)
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            return 2;
        }, [&](int &v) { delivered << v; });
        QCOMPARE(jobs.generation("embed"), g2);
        release = true;
        QVERIFY(jobs.waitForIdle(10000));
        QCOMPARE(delivered, QList<int>({2}));
        QCOMPARE(finished.count(), 1);
        QVERIFY(!jobs.isRunning("embed"));
    }

    void cancelStopsAndReports()
    {
        JobRunner jobs;
        QSignalSpy cancelled(&jobs, &JobRunner::jobCancelled);
        QSignalSpy busy(&jobs, &JobRunner::busyChanged);
        std::atomic<bool> started{false};
        bool delivered = false;
        jobs.start<int>("tsne", "t-SNE", [&](JobContext &ctx) -> Result<int> {
            started = true;
            while (!ctx.stop.stop_requested())
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            return Error::cancel();
        }, [&](int &) { delivered = true; });
        QTRY_VERIFY(started);
        jobs.cancel("tsne");
        QVERIFY(jobs.waitForIdle(10000));
        QCOMPARE(cancelled.count(), 1);
        QVERIFY(!delivered);
        QCOMPARE(busy.count(), 2);
        QCOMPARE(busy.at(0).at(0).toBool(), true);
        QCOMPARE(busy.at(1).at(0).toBool(), false);
        // The runner stays usable.
        int v = 0;
        jobs.start<int>("tsne", "again", [](JobContext &) -> Result<int> { return 5; }, [&](int &x) { v = x; });
        QVERIFY(jobs.waitForIdle(10000));
        QCOMPARE(v, 5);
    }

    void errorsAndExceptionsAreReported()
    {
        JobRunner jobs;
        QSignalSpy failed(&jobs, &JobRunner::jobFailed);
        jobs.start<int>("load", "Load", [](JobContext &) -> Result<int> {
            return Error{"bad.csv, line 3: empty text"};
        }, [](int &) { QFAIL("must not be delivered"); });
        QVERIFY(jobs.waitForIdle(10000));
        QCOMPARE(failed.count(), 1);
        QCOMPARE(failed.at(0).at(1).toString(), QString("bad.csv, line 3: empty text"));
        jobs.start<int>("load", "Load", [](JobContext &) -> Result<int> {
            throw std::runtime_error("boom");
        }, [](int &) {});
        QVERIFY(jobs.waitForIdle(10000));
        QCOMPARE(failed.count(), 2);
        QVERIFY(failed.at(1).at(1).toString().contains("boom"));
    }

    void progressAndPostReachGuiThread()
    {
        JobRunner jobs;
        QSignalSpy progress(&jobs, &JobRunner::jobProgress);
        QList<int> snapshots;
        jobs.start<int>("pca", "PCA", [](JobContext &ctx) -> Result<int> {
            ctx.progress(0.0, "start");
            ctx.post([] {});
            for (int i = 1; i <= 3; ++i) {
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
                ctx.progress(i / 3.0, "step");
            }
            return 0;
        }, [](int &) {});
        jobs.start<int>("snap", "snap", [&](JobContext &ctx) -> Result<int> {
            for (int i = 0; i < 3; ++i)
                ctx.post([&snapshots, i] { snapshots << i; });
            return 0;
        }, [](int &) {});
        QVERIFY(jobs.waitForIdle(10000));
        QVERIFY(progress.count() >= 2);
        QCOMPARE(progress.last().at(1).toDouble(), 1.0);
        QCOMPARE(snapshots, QList<int>({0, 1, 2}));
    }

    // Jobs run below the GUI thread's priority (Linux: nice 10), and so do the threads a
    // job starts (the analysis thread pools): when the GUI thread, or the OpenGL rasteriser
    // it waits for, wants a CPU it gets one at once. The GUI thread keeps its priority.
    void jobsRunAtBackgroundPriority()
    {
#ifndef Q_OS_LINUX
        QSKIP("thread priorities are set on Linux only");
#else
        const auto niceOf = [] { return getpriority(PRIO_PROCESS, id_t(syscall(SYS_gettid))); };
        const int guiNice = niceOf();
        JobRunner jobs;
        std::atomic<int> jobNice{-100}, childNice{-100};
        jobs.start<int>("nice", "Nice", [&](JobContext &) -> Result<int> {
            jobNice = niceOf();
            std::thread child([&] { childNice = niceOf(); });
            child.join();
            return 0;
        }, [](int &) {});
        QVERIFY(jobs.waitForIdle(10000));
        QVERIFY2(jobNice >= 10, qPrintable(QString::number(jobNice)));
        QCOMPARE(int(childNice), int(jobNice));
        QCOMPARE(niceOf(), guiNice);

        // The shared background pool is not Qt's global pool, and its tasks lower themselves.
        QVERIFY(es::backgroundPool() != QThreadPool::globalInstance());
        std::atomic<int> poolNice{-100};
        QSemaphore done;
        es::backgroundPool()->start([&] {
            es::enterBackgroundPriority();
            poolNice = niceOf();
            done.release();
        });
        QVERIFY(done.tryAcquire(1, 10000));
        QVERIFY(poolNice >= 10);
#endif
    }

    // Progress reports repaint the bar with an ordinary update: QProgressBar::setValue
    // alone repaints (and so flushes the whole window) inside the call, once per report.
    void progressRepaintsWithTheNextUpdate()
    {
        QWidget window;
        auto *bar = new QProgressBar(&window);
        bar->setRange(0, 1000);
        bar->setGeometry(10, 10, 200, 24);
        window.resize(240, 60);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        struct PaintCounter : QObject {
            int paints = 0;
            bool eventFilter(QObject *, QEvent *e) override
            {
                if (e->type() == QEvent::Paint)
                    ++paints;
                return false;
            }
        } counter;
        bar->installEventFilter(&counter);
        QTest::qWait(50);

        counter.paints = 0;
        bar->setValue(300); // Qt's own: painted inside the call
        const int direct = counter.paints;

        counter.paints = 0;
        es::setProgressValue(bar, 700);
        QCOMPARE(counter.paints, 0);
        QCOMPARE(bar->value(), 700);
        QTRY_VERIFY(counter.paints > 0); // painted with the next update
        QVERIFY(bar->updatesEnabled());
        if (direct == 0)
            qWarning("QProgressBar::setValue no longer repaints at once; setProgressValue may be unneeded");
    }

    void independentKindsRunSideBySide()
    {
        JobRunner jobs;
        int a = 0, b = 0;
        jobs.start<int>("similarity", "s", [](JobContext &) -> Result<int> { return 1; }, [&](int &v) { a = v; });
        jobs.start<int>("knn", "k", [](JobContext &) -> Result<int> { return 2; }, [&](int &v) { b = v; });
        QVERIFY(jobs.waitForIdle(10000));
        QCOMPARE(a, 1);
        QCOMPARE(b, 2);
    }
};

ES_TEST_MAIN(TestJobRunner)
#include "tst_jobrunner.moc"
