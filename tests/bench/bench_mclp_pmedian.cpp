// p-median benchmark (issue #11, support-team bases): greedy, greedy + vertex substitution and the
// seeded restarts at province size (1,700 villages x 200 communes, p = 11 / 22), at the issue's
// 2,000 x 300 and at a national-scale 10,000 x 1,000 (p = 100). Planar distances between clustered
// random points (fixed seed, splitmix64): the road matrix is timed separately (bando bases reports
// matrix_seconds). Not run by CI (docs/PERFORMANCE.md).
//   bando_bench_mclp_pmedian [restart_seconds]
#include "core/base/splitmix.hpp"
#include "core/optim/pmedian.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

using namespace bando::optim;

using bando::SplitMix64;

namespace {

void bench(int n, int m, int p, double seconds)
{
    SplitMix64 g{20211012 + static_cast<uint64_t>(n)};
    const double side = 100.0 * std::sqrt(n / 1700.0);  // km: the province is ~100 km across
    std::vector<double> cx, cy;
    for (int c = 0; c < m; ++c) {
        cx.push_back(g.uniform() * side);
        cy.push_back(g.uniform() * side);
    }
    PMedianProblem pr;
    pr.demand = n;
    pr.candidates = m;
    pr.p = p;
    std::vector<double> dx, dy;
    for (int i = 0; i < n; ++i) {
        const size_t c = static_cast<size_t>(g.next() % static_cast<uint64_t>(m));
        const double a = g.uniform() * 6.283185307179586, r = 4.0 * std::sqrt(g.uniform());
        dx.push_back(cx[c] + r * std::cos(a));
        dy.push_back(cy[c] + r * std::sin(a));
        pr.weight.push_back(std::floor(20 + g.uniform() * 281));
    }
    pr.distance.resize(static_cast<size_t>(n) * static_cast<size_t>(m));
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < m; ++j)
            pr.distance[static_cast<size_t>(i) * static_cast<size_t>(m) + static_cast<size_t>(j)] =
                std::hypot(dx[static_cast<size_t>(i)] - cx[static_cast<size_t>(j)], dy[static_cast<size_t>(i)] - cy[static_cast<size_t>(j)]) * 1.3;
    PMedianOptions o;
    o.timeLimitSeconds = seconds;
    const auto t0 = std::chrono::steady_clock::now();
    const auto g0 = greedyPMedian(pr);
    const double tGreedy = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const auto s = solvePMedian(pr, o);
    std::printf("%6d x %5d p=%4d | greedy %.4g (%.2f s) | +substitution %.4g | +%d restarts %.4g | total %.2f s | "
                "greedy %+.2f %%, first local %+.2f %% vs best\n",
                n, m, p, s.greedyObjective, tGreedy, s.firstLocalObjective, s.restartsRun, s.objective, s.seconds,
                100 * (s.greedyObjective / s.objective - 1), 100 * (s.firstLocalObjective / s.objective - 1));
    (void)g0;
}

} // namespace

int main(int argc, char** argv)
{
    const double seconds = argc > 1 ? std::atof(argv[1]) : 10.0;
    bench(1700, 200, 11, seconds);
    bench(1700, 200, 22, seconds);
    bench(2000, 300, 10, seconds);
    bench(2000, 300, 25, seconds);
    bench(10000, 1000, 100, seconds);
    return 0;
}
