#pragma once
// Work done off the GUI thread runs on our own thread pools, at background priority.
//
// Never on QThreadPool::globalInstance(): Qt 6.4's raster paint engine splits large fills
// into tasks on the global pool and waits for them on the GUI thread (QSemaphore in
// qdrawhelper), so one long task there stalls every paint of the window until it ends
// (measured: 80-95 ms UpdateRequest events while a heatmap image was being built).
#include <QtConcurrent/QtConcurrentRun>

#include <utility>

class QThreadPool;

namespace es {

// Lowers the calling thread's scheduling priority once (Linux: nice 10 for this thread
// only; threads it starts later inherit it, as the analysis thread pools do). The
// priority cannot be raised again without privileges, so call it only on threads that
// do nothing but background work: the job runner's and backgroundPool()'s threads.
// Does nothing elsewhere or when already lowered.
void enterBackgroundPriority();

// A process-wide pool for short background tasks that have no job runner (a heatmap
// image, a provider's connection test). Submit them with runInBackground().
QThreadPool *backgroundPool();

// QtConcurrent::run(fn, args...) on backgroundPool(), at background priority.
template <typename Fn, typename... Args>
auto runInBackground(Fn &&fn, Args &&...args)
{
    return QtConcurrent::run(backgroundPool(), [fn = std::forward<Fn>(fn)](auto &&...a) mutable {
        enterBackgroundPriority();
        return fn(std::forward<decltype(a)>(a)...);
    }, std::forward<Args>(args)...);
}

} // namespace es
