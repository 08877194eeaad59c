// Maximal covering benchmark (issue #11): 2,000 demand points x 300 candidates in the Lạng Sơn
// box, K = 10 / 25 / 50, radius 5 km (DOMAIN.md §2: 3–5 km at 1800 MHz), great-circle distance.
// Demand is clustered like villages around 200 commune centres (weights: households 20–300);
// candidates are drawn near demand (half) and anywhere in the box (half). Fixed seed (splitmix64).
// For each K: Bando's solve (greedy, greedy + swap, CBC through the library, in-process) and the
// `cbc` command line (coinor-cbc) on the same model written as an LP file, in one run; the objectives
// must agree. Not run by CI (docs/PERFORMANCE.md).
//   bando_bench_mclp [demand] [candidates] [radius_km] [cbc_executable]
#include "core/base/splitmix.hpp"
#include "core/optim/mclp.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

using namespace bando::optim;

using bando::SplitMix64;

namespace {

double sec(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Runs a command, returns its wall time and the "Objective value:" it prints (NaN if none).
std::pair<double, double> runCbc(const std::string& cmd)
{
    const auto t0 = std::chrono::steady_clock::now();
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
    double objective = std::nan("");
    char line[512];
    while (pipe && std::fgets(line, sizeof line, pipe.get()))
        if (std::sscanf(line, "Objective value: %lf", &objective) == 1)
            continue;
    pipe.reset();
    return {sec(t0), objective};
}

} // namespace

int main(int argc, char** argv)
{
    const int n = argc > 1 ? std::atoi(argv[1]) : 2000;
    const int m = argc > 2 ? std::atoi(argv[2]) : 300;
    const double radius = argc > 3 ? std::atof(argv[3]) : 5.0;
    const std::string cbc = argc > 4 ? argv[4] : "cbc";
    SplitMix64 g{20211012};
    const double lon0 = 106.09, lon1 = 107.37, lat0 = 21.32, lat1 = 22.47;
    std::vector<Point2> centres, demand, cand;
    for (int c = 0; c < 200; ++c)
        centres.push_back({lon0 + g.uniform() * (lon1 - lon0), lat0 + g.uniform() * (lat1 - lat0)});
    CoverageProblem p;
    for (int i = 0; i < n; ++i) {
        const auto& c = centres[static_cast<size_t>(g.next() % centres.size())];
        const double a = g.uniform() * 6.283185307179586, r = 0.06 * std::sqrt(g.uniform());  // ≈ 6 km
        demand.push_back({c.x + r * std::cos(a), c.y + r * std::sin(a)});
        p.weight.push_back(std::floor(20 + g.uniform() * 281));
    }
    for (int j = 0; j < m; ++j) {
        if (j % 2 == 0) {
            const auto& d = demand[static_cast<size_t>(g.next() % demand.size())];
            cand.push_back({d.x + (g.uniform() - 0.5) * 0.04, d.y + (g.uniform() - 0.5) * 0.04});
        } else
            cand.push_back({lon0 + g.uniform() * (lon1 - lon0), lat0 + g.uniform() * (lat1 - lat0)});
    }
    auto t0 = std::chrono::steady_clock::now();
    p.covers = coverageSets(demand, cand, {radius}, Metric::Haversine);
    const double tCover = sec(t0);
    size_t pairs = 0;
    for (const auto& s : p.covers)
        pairs += s.size();
    std::printf("instance: %d demand x %d candidates, radius %.1f km, %zu covering pairs, coverage sets %.3f s\n", n, m,
                radius, pairs, tCover);
    std::printf("%4s %10s %10s %10s %10s %6s %5s %8s %7s | %9s %8s %s\n", "K", "greedy", "greedy+sw", "optimum", "bound",
                "rows", "opt", "nodes", "bando_s", "cbc_obj", "cbc_s", "agree");
    for (int k : {10, 25, 50}) {
        p.count = k;
        const auto s = solveMaxCover(p, {CoverMethod::Auto, 600});
        const std::string lp = "/tmp/bando_bench_mclp_" + std::to_string(k) + ".lp";
        const double constant = writeMaxCoverLp(p, lp);
        const auto [cbcSeconds, cbcObjective] = runCbc(cbc + " " + lp + " -sec 600 -solve -quit");
        const double peer = constant - cbcObjective;
        std::printf("%4d %10.0f %10.0f %10.0f %10.0f %6d %5s %8lld %7.3f | %9.0f %8.3f %s   greedy short by %.2f %%\n", k,
                    s.greedyObjective, s.warmObjective, s.objective, s.bound, s.mipRows, s.optimal ? "yes" : "no", s.nodes,
                    s.seconds, peer, cbcSeconds, std::fabs(peer - s.objective) < 1e-6 ? "yes" : "NO",
                    100.0 * (s.objective - s.greedyObjective) / s.objective);
        std::remove(lp.c_str());
    }
    return 0;
}
