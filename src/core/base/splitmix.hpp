#pragma once
// SplitMix64 (Steele, Lea and Flood 2014): a tiny seeded generator that gives the same stream
// on every compiler and standard library (std:: distributions do not: see PITFALLS.md). Used
// where a run must be reproducible from its seed: the p-median search's random restarts, and
// the random instances of the tests and benchmarks.
#include <cstdint>

namespace bando {

struct SplitMix64 {
    uint64_t state;

    uint64_t next()
    {
        uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    // Uniform in [0, 1), 53 bits.
    double uniform() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }
    // Uniform in [a, b).
    double uniform(double a, double b) { return a + (b - a) * uniform(); }
    // Uniform integer in [0, n), n > 0 (modulo bias below 2^-40 for the n used here).
    int below(int n) { return static_cast<int>(next() % static_cast<uint64_t>(n)); }
};

} // namespace bando
