#pragma once
// A small fixed-size thread pool for the analysis code. Work is split into chunks whose
// boundaries depend only on the problem size (never on the thread count), each chunk
// writes its own output slot, and reductions add the slots in chunk order: results are
// bit-identical on any number of threads.
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace es::analysis {

class ThreadPool {
public:
    // threads <= 0: one per hardware thread. The calling thread also works, so a pool of
    // T threads starts T - 1 workers.
    explicit ThreadPool(int threads = 0);
    ~ThreadPool();
    ThreadPool(const ThreadPool &) = delete;
    ThreadPool &operator=(const ThreadPool &) = delete;

    int threads() const { return int(workers_.size()) + 1; }

    // Calls fn(chunk) for chunk in [0, chunks), spread over the threads; returns when all
    // are done. fn must not throw.
    void run(std::size_t chunks, const std::function<void(std::size_t)> &fn);

    // Convenience: splits [0, n) into fixed chunks of `grain` items and calls
    // fn(begin, end, chunkIndex). The number of chunks is ceil(n / grain).
    void forRange(std::size_t n, std::size_t grain,
                  const std::function<void(std::size_t, std::size_t, std::size_t)> &fn);

    static int resolve(int threads);

private:
    void workerLoop();
    void drain();

    std::vector<std::thread> workers_;
    std::mutex mutex_;
    std::condition_variable wake_, done_;
    const std::function<void(std::size_t)> *job_ = nullptr;
    std::size_t chunks_ = 0, next_ = 0, finished_ = 0;
    unsigned long generation_ = 0;
    bool quit_ = false;
};

inline std::size_t chunkCount(std::size_t n, std::size_t grain)
{
    return grain == 0 ? 0 : (n + grain - 1) / grain;
}

} // namespace es::analysis
