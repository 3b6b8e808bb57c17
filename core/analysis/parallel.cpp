#include "analysis/parallel.h"

#include <algorithm>

namespace es::analysis {

int ThreadPool::resolve(int threads)
{
    if (threads > 0)
        return std::min(threads, 256);
    return int(std::max(1u, std::thread::hardware_concurrency()));
}

ThreadPool::ThreadPool(int threads)
{
    const int t = resolve(threads);
    for (int i = 1; i < t; ++i)
        workers_.emplace_back([this] { workerLoop(); });
}

ThreadPool::~ThreadPool()
{
    {
        std::lock_guard lock(mutex_);
        quit_ = true;
    }
    wake_.notify_all();
    for (auto &w : workers_)
        w.join();
}

// Takes chunks until none are left. Called with the lock held; releases it while working.
void ThreadPool::drain()
{
    std::unique_lock lock(mutex_, std::adopt_lock);
    while (job_ && next_ < chunks_) {
        const std::size_t c = next_++;
        const auto *job = job_;
        lock.unlock();
        (*job)(c);
        lock.lock();
        if (++finished_ == chunks_)
            done_.notify_all();
    }
    lock.release();
}

void ThreadPool::workerLoop()
{
    unsigned long seen = 0;
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [&] { return quit_ || generation_ != seen; });
        if (quit_)
            return;
        seen = generation_;
        lock.release();
        drain(); // returns with the mutex held again
        lock = std::unique_lock(mutex_, std::adopt_lock);
    }
}

void ThreadPool::run(std::size_t chunks, const std::function<void(std::size_t)> &fn)
{
    if (chunks == 0)
        return;
    if (workers_.empty() || chunks == 1) {
        for (std::size_t c = 0; c < chunks; ++c)
            fn(c);
        return;
    }
    std::unique_lock lock(mutex_);
    job_ = &fn;
    chunks_ = chunks;
    next_ = 0;
    finished_ = 0;
    ++generation_;
    wake_.notify_all();
    lock.release();
    drain();
    lock = std::unique_lock(mutex_, std::adopt_lock);
    done_.wait(lock, [&] { return finished_ == chunks_; });
    job_ = nullptr;
}

void ThreadPool::forRange(std::size_t n, std::size_t grain,
                          const std::function<void(std::size_t, std::size_t, std::size_t)> &fn)
{
    const std::size_t chunks = chunkCount(n, grain);
    run(chunks, [&](std::size_t c) { fn(c * grain, std::min(n, (c + 1) * grain), c); });
}

} // namespace es::analysis
