// JobRunner: results arrive on the GUI thread; a newer job of the same kind makes the
// older one's result stale (dropped, never delivered); cancel stops work and reports it;
// errors are reported; progress reaches the GUI thread; busy state follows the jobs.
#include "jobs/jobrunner.h"

#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <atomic>
#include <thread>

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

QTEST_MAIN(TestJobRunner)
#include "tst_jobrunner.moc"
