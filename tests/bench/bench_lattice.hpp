#pragma once
// The analysis benchmark's village lattice (tests/bench/bench_analysis.cpp: same cell, wiggle and
// seed, so neighbours share their edges exactly), shared by the national-size benchmarks
// (bench_print_national.cpp, bench_canvas.cpp).
#include "core/base/splitmix.hpp"
#include "core/model/geometry.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace bando::bench {

using Rng = SplitMix64;

// The analysis benchmark's lattice of villages, offset by (x0, y0).
inline std::vector<Ring> latticeRings(int nx, int ny, double cell, double x0, double y0, uint64_t seed)
{
    Rng rng{seed};
    std::vector<XY> lattice(static_cast<size_t>(nx + 1) * static_cast<size_t>(ny + 1));
    for (int j = 0; j <= ny; ++j)
        for (int i = 0; i <= nx; ++i) {
            const bool border = i == 0 || j == 0 || i == nx || j == ny;
            lattice[static_cast<size_t>(j) * static_cast<size_t>(nx + 1) + static_cast<size_t>(i)] = {
                x0 + i * cell + (border ? 0 : rng.uniform(-0.25, 0.25) * cell),
                y0 + j * cell + (border ? 0 : rng.uniform(-0.25, 0.25) * cell)};
        }
    auto at = [&](int i, int j) { return static_cast<uint64_t>(j) * static_cast<uint64_t>(nx + 1) + static_cast<uint64_t>(i); };
    auto edge = [&](uint64_t a, uint64_t b) {  // points from a to b, excluding b
        const bool flip = a > b;
        const uint64_t lo = flip ? b : a, hi = flip ? a : b;
        Rng e{seed ^ (lo * 0x100000001b3ull) ^ (hi << 21)};
        const int n = 7 + static_cast<int>(e.next() % 13);
        const XY p = lattice[lo], q = lattice[hi];
        const double dx = q.x - p.x, dy = q.y - p.y, len = std::hypot(dx, dy);
        std::vector<XY> pts{p};
        for (int k = 1; k < n; ++k) {
            const double t = static_cast<double>(k) / n, w = e.uniform(-0.04, 0.04) * len;
            pts.push_back({p.x + t * dx - dy / len * w, p.y + t * dy + dx / len * w});
        }
        if (flip) {
            pts.push_back(q);
            std::reverse(pts.begin(), pts.end());
            pts.pop_back();
        }
        return pts;
    };
    std::vector<Ring> out;
    for (int j = 0; j < ny; ++j)
        for (int i = 0; i < nx; ++i) {
            Ring r;
            const uint64_t c[4] = {at(i, j), at(i + 1, j), at(i + 1, j + 1), at(i, j + 1)};
            for (int k = 0; k < 4; ++k) {
                auto pts = edge(c[k], c[(k + 1) % 4]);
                r.insert(r.end(), pts.begin(), pts.end());
            }
            r.push_back(r.front());
            out.push_back(std::move(r));
        }
    return out;
}

} // namespace bando::bench
