#include "jobs/jobrunner.h"

#include "jobs/background.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QLabel>
#include <QMetaObject>
#include <QPointer>
#include <QProgressBar>
#include <QThread>

namespace es {

JobRunner::JobRunner(QObject *parent) : QObject(parent)
{
    pool_.setMaxThreadCount(std::max(2, QThread::idealThreadCount()));
}

JobRunner::~JobRunner()
{
    for (auto &s : slots_)
        if (s.stop)
            s.stop->request_stop();
    pool_.waitForDone();
}

quint64 JobRunner::startErased(const QString &kind, const QString &title,
                               std::function<std::optional<Error>(JobContext &)> work,
                               std::function<void()> deliver)
{
    Slot &slot = slots_[kind];
    if (slot.stop)
        slot.stop->request_stop(); // the older job of this kind is outdated
    const bool wasRunning = slot.running;
    slot.generation += 1;
    slot.stop = std::make_shared<std::stop_source>();
    slot.running = true;
    if (!wasRunning && running_++ == 0)
        emit busyChanged(true);
    const quint64 gen = slot.generation;
    emit jobStarted(kind, title);

    auto stop = slot.stop;
    pool_.start([this, kind, gen, stop, work = std::move(work), deliver = std::move(deliver)]() mutable {
        // `this` outlives the task: the destructor waits for the pool.
        enterBackgroundPriority();
        JobContext ctx;
        ctx.stop = stop->get_token();
        auto lastReport = std::make_shared<QElapsedTimer>();
        lastReport->start();
        auto lastFraction = std::make_shared<double>(-1.0);
        ctx.progress = [this, kind, gen, lastReport, lastFraction](double f, std::string_view stage) {
            // At most ~30 updates a second reach the GUI thread.
            if (f < 1.0 && *lastFraction >= 0 && lastReport->elapsed() < 33)
                return;
            lastReport->restart();
            *lastFraction = f;
            const QString st = QString::fromUtf8(stage.data(), qsizetype(stage.size()));
            QMetaObject::invokeMethod(this, [this, kind, gen, f, st]() {
                if (isCurrent(kind, gen))
                    emit jobProgress(kind, f, st);
            }, Qt::QueuedConnection);
        };
        ctx.post = [this, kind, gen](std::function<void()> fn) {
            QMetaObject::invokeMethod(this, [this, kind, gen, fn = std::move(fn)]() {
                if (isCurrent(kind, gen) && slots_.value(kind).running)
                    fn();
            }, Qt::QueuedConnection);
        };
        std::optional<Error> error;
        try {
            error = work(ctx);
        } catch (const std::bad_alloc &) {
            error = Error{"out of memory"};
        } catch (const std::exception &e) {
            error = Error{std::string("internal error: ") + e.what()};
        }
        const bool cancelled = stop->stop_requested() || (error && error->cancelled);
        QMetaObject::invokeMethod(this, [this, kind, gen, error, cancelled, deliver = std::move(deliver)]() {
            const bool current = isCurrent(kind, gen);
            if (current) {
                if (cancelled)
                    emit jobCancelled(kind);
                else if (error)
                    emit jobFailed(kind, QString::fromStdString(error->message));
                else {
                    deliver();
                    emit jobFinished(kind);
                }
            }
            finish(kind, gen);
        }, Qt::QueuedConnection);
    });
    return gen;
}

bool JobRunner::isCurrent(const QString &kind, quint64 generation) const
{
    auto it = slots_.constFind(kind);
    return it != slots_.constEnd() && it->generation == generation;
}

void JobRunner::finish(const QString &kind, quint64 generation)
{
    auto it = slots_.find(kind);
    if (it == slots_.end() || it->generation != generation || !it->running)
        return; // a newer job of this kind is still running
    it->running = false;
    if (--running_ == 0)
        emit busyChanged(false);
}

void JobRunner::cancel(const QString &kind)
{
    auto it = slots_.find(kind);
    if (it != slots_.end() && it->stop)
        it->stop->request_stop();
}

void JobRunner::cancelAll()
{
    for (auto &s : slots_)
        if (s.stop)
            s.stop->request_stop();
}

bool JobRunner::isRunning(const QString &kind) const
{
    return slots_.value(kind).running;
}

bool JobRunner::isBusy() const
{
    return running_ > 0;
}

quint64 JobRunner::generation(const QString &kind) const
{
    return slots_.value(kind).generation;
}

bool JobRunner::waitForIdle(int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (isBusy() && !deadline.hasExpired()) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        QThread::msleep(2);
    }
    QCoreApplication::processEvents();
    return !isBusy();
}

void withoutImmediateRepaint(QWidget *w, const std::function<void()> &change)
{
    if (!w->updatesEnabled() || !w->isVisible()) {
        change();
        return;
    }
    w->setUpdatesEnabled(false);
    change();
    w->setUpdatesEnabled(true); // schedules update()
}

void setProgressValue(QProgressBar *bar, int value)
{
    if (bar->value() != value)
        withoutImmediateRepaint(bar, [bar, value] { bar->setValue(value); });
}

void watchJobs(JobRunner *runner, QObject *context, const QString &kind, JobWatch watch)
{
    auto w = std::make_shared<const JobWatch>(std::move(watch));
    QObject::connect(runner, &JobRunner::jobStarted, context, [kind, w](const QString &k) {
        if (k != kind)
            return;
        w->progress->setValue(0);
        w->progress->setVisible(true);
        if (w->running)
            w->running(true);
    });
    QObject::connect(runner, &JobRunner::jobProgress, context, [kind, w](const QString &k, double f, const QString &stage) {
        if (k != kind)
            return;
        setProgressValue(w->progress, int(f * 1000));
        if (w->status && !stage.isEmpty())
            w->status->setText(stage);
    });
    auto stopped = [kind, w](const QString &k, const QString &message) {
        if (k != kind)
            return false;
        w->progress->setVisible(false);
        if (w->running)
            w->running(false);
        if (w->status && !message.isNull())
            w->status->setText(message);
        return true;
    };
    QObject::connect(runner, &JobRunner::jobFinished, context, [stopped](const QString &k) { stopped(k, QString()); });
    QObject::connect(runner, &JobRunner::jobCancelled, context,
                     [stopped](const QString &k) { stopped(k, QObject::tr("Cancelled.")); });
    QObject::connect(runner, &JobRunner::jobFailed, context, [stopped, w](const QString &k, const QString &message) {
        if (stopped(k, QObject::tr("Failed: %1").arg(message)) && w->failed)
            w->failed(message);
    });
}

} // namespace es
