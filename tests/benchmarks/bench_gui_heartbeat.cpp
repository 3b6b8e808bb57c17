// GUI-thread heartbeat during jobs: a 5 ms timer on the GUI thread records the longest gap
// between its ticks while the window loads, embeds and analyses (target: never more than
// 100 ms, issue 6). Prints one line per scenario; fails nothing (figures, not assertions).
// Each line also names the single event that took the GUI thread longest (TimingApp), so a
// long block points at its cause (a job result handler, a paint of the window, ...).
#include "mainwindow.h"

#include "formats/vectors.h"
#include "models/sentencemodel.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QComboBox>
#include <QFile>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <cstdio>
#include <ctime>
#include <random>
#include <vector>

using namespace es;

namespace {

double threadCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

// Time this thread spent runnable but waiting for a CPU (Linux schedstat; 0 elsewhere):
// a gap that is neither GUI-thread CPU nor run-queue wait is time the thread slept
// (waiting for the OpenGL rasteriser's threads, the X server, a lock).
double threadRunQueueMs()
{
    std::FILE *f = std::fopen("/proc/thread-self/schedstat", "r");
    if (!f)
        return 0;
    unsigned long long run = 0, wait = 0;
    const int got = std::fscanf(f, "%llu %llu", &run, &wait);
    std::fclose(f);
    return got == 2 ? wait / 1e6 : 0;
}

// Measures the longest stall of the GUI thread (wall time between 5 ms ticks) and, for
// that gap, how much CPU time the GUI thread itself used: on a loaded machine a long gap
// with little GUI CPU is the scheduler, not work done on the GUI thread.
struct Heartbeat {
    QTimer timer;
    QElapsedTimer clock;
    qint64 last = 0, maxGap = 0, maxGapStart = 0;
    double lastCpu = 0, maxGapCpu = 0, maxCpu = 0;
    double lastWait = 0, maxGapWait = 0;
    int ticks = 0;
    Heartbeat()
    {
        timer.setInterval(5);
        timer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&timer, &QTimer::timeout, [this] {
            const qint64 now = clock.elapsed();
            const double cpu = threadCpuMs();
            const double wait = threadRunQueueMs();
            if (now - last > maxGap) {
                maxGap = now - last;
                maxGapStart = last;
                maxGapCpu = cpu - lastCpu;
                maxGapWait = wait - lastWait;
            }
            lastWait = wait;
            maxCpu = std::max(maxCpu, cpu - lastCpu);
            last = now;
            lastCpu = cpu;
            ++ticks;
        });
    }
    void start()
    {
        clock.start();
        last = 0;
        maxGap = 0;
        lastCpu = threadCpuMs();
        lastWait = threadRunQueueMs();
        maxGapCpu = maxCpu = maxGapWait = 0;
        ticks = 0;
        timer.start();
    }
    void stop() { timer.stop(); }
};

void randomData(int n, int d, Dataset &ds, Matrix &v, unsigned seed = 11)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> g(0, 1);
    v.resize(n, d);
    Column label{"label", {}};
    for (int i = 0; i < n; ++i) {
        ds.texts.push_back("item " + std::to_string(i + 1));
        const int c = i % 8;
        label.values.push_back("group " + std::to_string(c));
        for (int k = 0; k < d; ++k)
            v(i, k) = g(rng) + (k == c ? 3.0f : 0.0f);
    }
    ds.columns.push_back(label);
    ds.labelColumn = 0;
}

// Which event took the GUI thread longest (top-level deliveries only): names the culprit
// when the heartbeat reports a long block.
class TimingApp : public QApplication {
public:
    using QApplication::QApplication;
    bool notify(QObject *o, QEvent *e) override
    {
        if (depth_++ > 0) {
            const bool r = QApplication::notify(o, e);
            --depth_;
            return r;
        }
        const double c0 = threadCpuMs();
        QElapsedTimer wall;
        wall.start();
        const int type = int(e->type());
        const QByteArray cls = o->metaObject()->className();
        const QString name = o->objectName();
        const bool r = QApplication::notify(o, e);
        const double dt = threadCpuMs() - c0;
        const double dw = wall.nsecsElapsed() / 1e6;
        --depth_;
        if (clock && clock->isValid() && dw >= 3)
            log.push_back({clock->elapsed() - qint64(dw), dw, dt,
                           cls + "/" + name.toUtf8() + " event " + QByteArray::number(type)});
        if (dt > worst) {
            worst = dt;
            worstWhat = cls + "/" + name.toUtf8() + " event " + QByteArray::number(type);
        }
        if (dw > worstWall) {
            worstWall = dw;
            worstWallWhat = cls + "/" + name.toUtf8() + " event " + QByteArray::number(type)
                + QByteArray(" (CPU ") + QByteArray::number(dt, 'f', 0) + " ms)";
        }
        return r;
    }
    static inline double worst = 0;
    static inline QByteArray worstWhat;
    static inline double worstWall = 0;
    static inline QByteArray worstWallWhat;
    // Events of 3 ms or more (start on `clock`, wall, CPU): lists what filled the longest gap.
    struct Logged {
        qint64 start;
        double wall, cpu;
        QByteArray what;
    };
    static inline const QElapsedTimer *clock = nullptr;
    static inline std::vector<Logged> log;
    static void printEventsIn(qint64 from, qint64 to)
    {
        for (const Logged &l : log)
            if (l.start + qint64(l.wall) >= from && l.start <= to)
                std::printf("    in the longest gap: at %lld ms, %.0f ms wall, %.0f ms CPU: %s\n", l.start, l.wall,
                            l.cpu, l.what.constData());
    }

private:
    int depth_ = 0;
};

} // namespace

class BenchGuiHeartbeat : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("EmbedScopeTest");
        QCoreApplication::setApplicationName("bench_gui_heartbeat");
    }

    void vectors_data()
    {
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("tab");
        QTest::addColumn<bool>("second");
        // 1000 rows: the most raster-series points (one graphics item each) the 2D map
        // draws below its OpenGL threshold.
        QTest::newRow("1000 map2d") << 1000 << 1 << false;
        QTest::newRow("2000 heatmap") << 2000 << 0 << false;
        QTest::newRow("2000 map2d") << 2000 << 1 << false;
        QTest::newRow("10000 heatmap") << 10000 << 0 << false;
        QTest::newRow("10000 map2d") << 10000 << 1 << false;
        // A second data set in the same window: one-time costs (the window switching to
        // OpenGL composition for the first OpenGL chart series, with its shader
        // compilation under software OpenGL) are paid by the first one only.
        QTest::newRow("10000 map2d second") << 10000 << 1 << true;
    }

    void vectors()
    {
        QFETCH(int, n);
        QFETCH(int, tab);
        QFETCH(bool, second);
        MainWindow w;
        w.resize(1400, 860);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.waitForJobs(60000));
        // Showing a tab is the user's action, not a job: its first paint (for the 2D map,
        // the OpenGL layer's set-up) is measured on its own, before the heartbeat starts.
        TimingApp::worstWall = 0;
        w.viewTabs()->setCurrentIndex(tab);
        QTest::qWait(300);
        const double tabSwitchWall = TimingApp::worstWall;
        if (second) {
            Dataset first;
            Matrix fv;
            randomData(n, 100, first, fv, 7);
            w.setData(first, fv);
            QVERIFY(w.waitForJobs(300000));
            QTest::qWait(300);
        }
        Dataset ds;
        Matrix v;
        randomData(n, 100, ds, v);
        Heartbeat hb;
        QElapsedTimer total;
        total.start();
        hb.start();
        TimingApp::worst = 0;
        TimingApp::worstWall = 0;
        TimingApp::log.clear();
        TimingApp::clock = &hb.clock;
        const double cpu0 = threadCpuMs();
        w.setData(ds, v);
        const double setDataCpu = threadCpuMs() - cpu0;
        QVERIFY(w.waitForJobs(300000));
        QTest::qWait(100); // the first paint after the results
        hb.stop();
        std::printf("heartbeat: set %sdata + similarity + knn + PCA, N=%d (%s tab): %.2f s, max GUI stall %lld ms "
                    "wall (GUI-thread CPU in it %.0f ms, waiting for a CPU %.0f ms); longest GUI-thread CPU between ticks %.0f ms "
                    "(setData call itself %.0f ms CPU; longest event %.0f ms CPU: %s; %.0f ms wall: %s); "
                    "showing the tab before: longest event %.0f ms wall\n",
                    second ? "second " : "", n, tab == 0 ? "heatmap" : "2D map", total.elapsed() / 1000.0, hb.maxGap, hb.maxGapCpu, hb.maxGapWait, hb.maxCpu,
                    setDataCpu, TimingApp::worst, TimingApp::worstWhat.constData(), TimingApp::worstWall,
                    TimingApp::worstWallWhat.constData(), tabSwitchWall);
        TimingApp::printEventsIn(hb.maxGapStart, hb.maxGapStart + hb.maxGap);
        TimingApp::clock = nullptr;
        std::fflush(stdout);
    }

    // Live t-SNE: the maps animate from the job's snapshots while it runs.
    void liveTsne_data()
    {
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("dims");
        QTest::addColumn<int>("tab");
        QTest::newRow("2000 2D on the 2D map") << 2000 << 2 << 1;
        QTest::newRow("10000 2D on the 2D map") << 10000 << 2 << 1;
        QTest::newRow("1000 3D on the 3D map") << 1000 << 3 << 2; // the most spheres drawn
        QTest::newRow("2000 3D on the 3D map") << 2000 << 3 << 2;
    }

    void liveTsne()
    {
        QFETCH(int, n);
        QFETCH(int, dims);
        QFETCH(int, tab);
        MainWindow w;
        w.resize(1400, 860);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.waitForJobs(60000));
        w.viewTabs()->setCurrentIndex(tab);
        QTest::qWait(300);
        Dataset ds;
        Matrix v;
        randomData(n, 100, ds, v);
        w.setData(ds, v);
        QVERIFY(w.waitForJobs(300000));
        QTest::qWait(300);
        w.tsneDimsBox()->setCurrentIndex(w.tsneDimsBox()->findData(dims));
        QCOMPARE(w.tsneDimsBox()->currentData().toInt(), dims);
        Heartbeat hb;
        QElapsedTimer total;
        total.start();
        hb.start();
        TimingApp::worst = 0;
        TimingApp::worstWall = 0;
        TimingApp::log.clear();
        TimingApp::clock = &hb.clock;
        QVERIFY(w.runTsne());
        QVERIFY(w.waitForJobs(600000));
        QTest::qWait(100);
        hb.stop();
        const double secs = total.elapsed() / 1000.0;
        std::printf("heartbeat: live t-SNE %dD, N=%d (%s tab): %.2f s, %d frames shown (%.1f per s), max GUI stall %lld ms "
                    "wall (GUI-thread CPU in it %.0f ms, waiting for a CPU %.0f ms); longest event %.0f ms CPU: %s; "
                    "%.0f ms wall: %s\n",
                    dims, n, tab == 1 ? "2D map" : "3D map", secs, w.tsneSnapshotsShown(), w.tsneSnapshotsShown() / secs,
                    hb.maxGap, hb.maxGapCpu, hb.maxGapWait, TimingApp::worst, TimingApp::worstWhat.constData(),
                    TimingApp::worstWall, TimingApp::worstWallWhat.constData());
        TimingApp::printEventsIn(hb.maxGapStart, hb.maxGapStart + hb.maxGap);
        TimingApp::clock = nullptr;
        std::fflush(stdout);
    }

    // Loading: a 100,000 x 64 .npy with its texts (the pair skips embedding), then the
    // neighbour lists and PCA, on the 2D map tab.
    void openLargeVectors()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const int n = 100000, d = 64;
        Dataset ds;
        Matrix v;
        randomData(n, d, ds, v);
        const QString npy = dir.filePath(QStringLiteral("synthetic.npy"));
        QVERIFY(es::formats::writeNpy(npy.toStdString(), v).ok());
        QFile csv(dir.filePath(QStringLiteral("synthetic.csv")));
        QVERIFY(csv.open(QIODevice::WriteOnly));
        csv.write("text,label\n");
        for (int i = 0; i < n; ++i)
            csv.write(QByteArray::fromStdString(ds.texts[i] + "," + ds.columns[0].values[i] + "\n"));
        csv.close();

        MainWindow w;
        w.resize(1400, 860);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.waitForJobs(60000));
        w.viewTabs()->setCurrentIndex(1);
        QTest::qWait(300);
        Heartbeat hb;
        QElapsedTimer total;
        total.start();
        hb.start();
        TimingApp::worst = 0;
        TimingApp::worstWall = 0;
        TimingApp::log.clear();
        TimingApp::clock = &hb.clock;
        QSignalSpy opened(&w, &MainWindow::fileOpened);
        QVERIFY(w.openFile(npy));
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 120000);
        QVERIFY(w.waitForJobs(600000));
        QTest::qWait(100);
        hb.stop();
        QCOMPARE(w.sentenceModel()->rowCount(), n);
        std::printf("heartbeat: open %d x %d .npy + texts, neighbours + PCA (2D map tab): %.2f s, max GUI stall %lld ms wall "
                    "(GUI-thread CPU in it %.0f ms, waiting for a CPU %.0f ms); longest event %.0f ms CPU: %s; %.0f ms wall: %s\n",
                    n, d, total.elapsed() / 1000.0, hb.maxGap, hb.maxGapCpu, hb.maxGapWait, TimingApp::worst,
                    TimingApp::worstWhat.constData(), TimingApp::worstWall, TimingApp::worstWallWhat.constData());
        TimingApp::printEventsIn(hb.maxGapStart, hb.maxGapStart + hb.maxGap);
        TimingApp::clock = nullptr;
        std::fflush(stdout);
    }

    void embedDemoSet()
    {
        const QByteArray model = qgetenv("EMBEDSCOPE_MODEL");
        if (model.isEmpty())
            QSKIP("no local model ($EMBEDSCOPE_MODEL unset)");
        MainWindow w;
        EmbedderSpec spec;
        spec.modelPath = model.toStdString();
        w.setEmbedderSpec(spec);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.waitForJobs(60000));
        Heartbeat hb;
        QElapsedTimer total;
        total.start();
        hb.start();
        QSignalSpy opened(&w, &MainWindow::fileOpened);
        QVERIFY(w.openFile(QStringLiteral(EMBEDSCOPE_SOURCE_DIR "/resources/datasets/topics300.csv")));
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 60000);
        QVERIFY(w.waitForJobs(300000));
        hb.stop();
        std::printf("heartbeat: open + embed + analyse topics300.csv (%d rows): %.2f s, max GUI stall %lld ms wall "
                    "(GUI-thread CPU in it %.0f ms); longest GUI-thread CPU between ticks %.0f ms\n",
                    w.sentenceModel()->rowCount(), total.elapsed() / 1000.0, hb.maxGap, hb.maxGapCpu, hb.maxCpu);
        std::fflush(stdout);
    }
};

int main(int argc, char **argv)
{
    TimingApp app(argc, argv);
    app.setAttribute(Qt::AA_Use96Dpi, true);
    BenchGuiHeartbeat bench;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&bench, argc, argv);
}
#include "bench_gui_heartbeat.moc"
