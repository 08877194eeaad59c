#pragma once
// BANDO_TIMING=1 prints the wall and process CPU time of each step of a long operation to
// stderr (for docs/PERFORMANCE.md), with the time since the first timer of the process ("at")
// and the thread that ran the step, so overlapping steps can be told apart. Off, it costs two
// clock reads per step.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <thread>

namespace bando {

struct StepTimer {
    // the process's first timer (main() may create one first, to start the clock there)
    static std::chrono::steady_clock::time_point origin()
    {
        static const std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now();
        return t0;
    }
    bool on = std::getenv("BANDO_TIMING") != nullptr;
    std::chrono::steady_clock::time_point t = (origin(), std::chrono::steady_clock::now());
    std::clock_t cpu = std::clock();  // process CPU time (all threads)
    double threadCpu = threadSeconds();
    static double threadSeconds()
    {
        timespec ts{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
    }
    void operator()(const char* step)
    {
        const auto now = std::chrono::steady_clock::now();
        const std::clock_t c = std::clock();
        const double tc = on ? threadSeconds() : 0;
        if (on)
            std::fprintf(stderr,
                         "[timing] %-44s %8.3f s wall %8.3f s cpu %7.3f s this thread   at %6.3f s  thread %02zu\n",
                         step, std::chrono::duration<double>(now - t).count(),
                         static_cast<double>(c - cpu) / CLOCKS_PER_SEC, tc - threadCpu,
                         std::chrono::duration<double>(now - origin()).count(),
                         std::hash<std::thread::id>{}(std::this_thread::get_id()) % 100);
        t = now;
        cpu = c;
        threadCpu = tc;
    }
};

} // namespace bando
