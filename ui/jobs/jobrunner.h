#pragma once
// JobRunner: the one way the UI runs core work (after KDAB hotspot's JobTracker).
// Each job has a kind ("embed", "tsne", ...) and a generation number; starting a job of a
// kind cancels the running one of that kind, and results arriving for an outdated
// generation are dropped, never shown. Work runs on a private QThreadPool; results,
// progress and intermediate snapshots come back queued on the GUI thread.
#include "util/result.h"
#include "util/types.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QString>
#include <QThreadPool>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <stop_token>

class QLabel;
class QProgressBar;
class QWidget;

namespace es {

// Handed to the work function on the worker thread.
class JobContext {
public:
    std::stop_token stop;
    Progress progress;                             // throttled, forwarded as jobProgress
    // Runs fn on the GUI thread if the job is still current (for live snapshots).
    std::function<void(std::function<void()>)> post;
};

class JobRunner : public QObject {
    Q_OBJECT
public:
    explicit JobRunner(QObject *parent = nullptr);
    ~JobRunner() override; // cancels every job and waits for the workers

    // Starts work of a kind; onDone runs on the GUI thread with the value when the job
    // succeeded and is still current; errors and cancellations are reported by signals.
    template <class T>
    quint64 start(const QString &kind, const QString &title,
                  std::function<Result<T>(JobContext &)> work,
                  std::function<void(T &)> onDone)
    {
        auto holder = std::make_shared<std::optional<Result<T>>>();
        return startErased(
            kind, title,
            [work = std::move(work), holder](JobContext &ctx) -> std::optional<Error> {
                holder->emplace(work(ctx));
                if (!holder->value().ok())
                    return holder->value().error();
                return std::nullopt;
            },
            [onDone = std::move(onDone), holder]() { onDone(holder->value().value()); });
    }

    void cancel(const QString &kind);
    void cancelAll();
    bool isRunning(const QString &kind) const;
    bool isBusy() const;
    quint64 generation(const QString &kind) const;
    // Waits (processing events) until no job runs or the timeout passes; for tests and close.
    bool waitForIdle(int timeoutMs);

signals:
    void jobStarted(const QString &kind, const QString &title);
    void jobProgress(const QString &kind, double fraction, const QString &stage);
    void jobFinished(const QString &kind);               // success, result delivered
    void jobFailed(const QString &kind, const QString &message);
    void jobCancelled(const QString &kind);
    void busyChanged(bool busy);

private:
    struct Slot {
        quint64 generation = 0;
        std::shared_ptr<std::stop_source> stop;
        bool running = false;
    };
    quint64 startErased(const QString &kind, const QString &title,
                        std::function<std::optional<Error>(JobContext &)> work,
                        std::function<void()> deliver);
    bool isCurrent(const QString &kind, quint64 generation) const;
    void finish(const QString &kind, quint64 generation);

    QThreadPool pool_;
    QHash<QString, Slot> slots_;
    int running_ = 0;
};

// Sets a progress bar's value with an ordinary (coalesced) update instead of the immediate
// repaint QProgressBar::setValue does whenever the shown value changes: each immediate
// repaint flushes the window, which under OpenGL composition (a 2D map with OpenGL
// points) is a whole-window composition, 15-60 ms under software OpenGL, once per report.
void setProgressValue(QProgressBar *bar, int value);

// Runs change() on w (a QStatusBar message, say) with updates disabled, so the widget's
// own immediate repaint is skipped; enabling updates again schedules an ordinary update.
void withoutImmediateRepaint(QWidget *w, const std::function<void()> &change);

// How a panel follows one kind of job: its progress bar appears at 0 when the job starts
// and hides when it ends; status (optional) shows the stages, "Cancelled." and
// "Failed: ..."; running(true / false) at start and end; failed(message) after a failure.
struct JobWatch {
    QProgressBar *progress = nullptr;
    QLabel *status = nullptr;
    std::function<void(bool running)> running;
    std::function<void(const QString &message)> failed;
};
void watchJobs(JobRunner *runner, QObject *context, const QString &kind, JobWatch watch);

} // namespace es
