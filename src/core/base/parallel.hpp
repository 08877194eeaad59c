#pragma once
// Work spread over threads with the first error rethrown: the one form of the analysis's parallel
// loops (village clips, coverage validity, reprojection).
//
//   runWorkers(villages.size(), threads, [&](WorkCounter& work) {
//       Scratch perThread;                              // a worker's own state
//       for (size_t i; (i = work.next()) < work.size();)
//           clip(i, perThread);
//   });
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace bando {

// Indices [0, size()) handed out one at a time to the workers; stop() ends the handing out.
class WorkCounter {
public:
    explicit WorkCounter(size_t n) : m_n(n) {}
    // The next index, or size() when none is left or the work was stopped.
    size_t next()
    {
        const size_t i = m_next.fetch_add(1, std::memory_order_relaxed);
        return i < m_n ? i : m_n;
    }
    size_t size() const { return m_n; }
    void stop() { m_next.store(m_n, std::memory_order_relaxed); }

private:
    std::atomic<size_t> m_next{0};
    const size_t m_n;
};

// Runs worker(counter) on min(threads, n) threads (at least one: the calling thread is among them)
// and waits for all of them. The first exception a worker throws stops the counter, so the others
// end after their current index, and is rethrown here once every worker has ended.
template <class Worker> void runWorkers(size_t n, unsigned threads, Worker&& worker)
{
    WorkCounter counter(n);
    std::mutex mutex;
    std::exception_ptr error;
    auto run = [&] {
        try {
            worker(counter);
        } catch (...) {
            std::lock_guard<std::mutex> lock(mutex);
            if (!error)
                error = std::current_exception();
            counter.stop();
        }
    };
    {
        struct JoinAll {
            std::vector<std::thread> pool;
            ~JoinAll()
            {
                for (auto& t : pool)
                    if (t.joinable())
                        t.join();
            }
        } joined;
        const size_t total = std::max<size_t>(1, std::min<size_t>(std::max(1u, threads), n));
        try {
            for (size_t t = 1; t < total; ++t)
                joined.pool.emplace_back(run);
        } catch (...) {
            counter.stop();  // no thread for the rest: the running ones finish, the error goes up
            throw;
        }
        run();
    }
    if (error)
        std::rethrow_exception(error);
}

} // namespace bando
