#pragma once
// BANDO_TIMING=1 prints the wall and process CPU time of each step of a long operation to
// stderr (for docs/PERFORMANCE.md). Off, it costs two clock reads per step.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace bando {

struct StepTimer {
    bool on = std::getenv("BANDO_TIMING") != nullptr;
    std::chrono::steady_clock::time_point t = std::chrono::steady_clock::now();
    std::clock_t cpu = std::clock();  // process CPU time (all threads)
    void operator()(const char* step)
    {
        const auto now = std::chrono::steady_clock::now();
        const std::clock_t c = std::clock();
        if (on)
            std::fprintf(stderr, "[timing] %-32s %8.3f s wall %8.3f s cpu\n", step,
                         std::chrono::duration<double>(now - t).count(),
                         static_cast<double>(c - cpu) / CLOCKS_PER_SEC);
        t = now;
        cpu = c;
    }
};

} // namespace bando
