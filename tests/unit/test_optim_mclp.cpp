// Maximal covering (issue #11): the haversine metric, greedy + swap, and the CBC optimum against
// brute force on small instances and Church & ReVelle's Swain 55-node results.
#include "core/base/error.hpp"
#include "core/base/splitmix.hpp"
#include "core/io/csv_util.hpp"
#include "core/optim/mclp.hpp"
#include "support/test_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>

using namespace bando;
using namespace bando::optim;

namespace {

using Rng = bando::SplitMix64;

// Best covered weight over every subset of at most `count` candidates within the budget,
// always including the locked ones.
double bruteForce(const CoverageProblem& p)
{
    const int m = static_cast<int>(p.covers.size());
    double best = 0;
    for (uint32_t mask = 0; mask < (1u << m); ++mask) {
        if (__builtin_popcount(mask) > p.count)
            continue;
        bool ok = true;
        for (int j : p.locked)
            ok = ok && (mask >> j & 1u);
        if (!ok)
            continue;
        std::vector<int> chosen;
        double cost = 0;
        for (int j = 0; j < m; ++j)
            if (mask >> j & 1u) {
                chosen.push_back(j);
                cost += p.cost.empty() ? 0.0 : p.cost[static_cast<size_t>(j)];
            }
        if (cost > p.budget + 1e-9)
            continue;
        best = std::max(best, coveredWeight(p, chosen));
    }
    return best;
}

CoverageProblem randomProblem(Rng& rng, int n, int m, double radius)
{
    std::vector<Point2> demand, cand;
    CoverageProblem p;
    for (int i = 0; i < n; ++i) {
        demand.push_back({rng.uniform() * 100, rng.uniform() * 100});
        p.weight.push_back(1 + rng.below(50));
    }
    for (int j = 0; j < m; ++j)
        cand.push_back({rng.uniform() * 100, rng.uniform() * 100});
    p.covers = coverageSets(demand, cand, {radius}, Metric::Planar);
    return p;
}

} // namespace

TEST_CASE("haversine on the 6371.0088 km sphere", "[optim]")
{
    // One degree of latitude: R·π/180.
    CHECK(haversineKm(106.0, 21.0, 106.0, 22.0) == Approx(6371.0088 * M_PI / 180.0).epsilon(1e-12));
    // A quarter of the equator.
    CHECK(haversineKm(0, 0, 90, 0) == Approx(6371.0088 * M_PI / 2).epsilon(1e-12));
    CHECK(haversineKm(106.7, 21.8, 106.7, 21.8) == 0.0);
}

TEST_CASE("coverage is inclusive at the radius, with the 1e-9 tolerance", "[optim]")
{
    const std::vector<Point2> demand{{0, 0}, {3, 4}, {3, 4.0000001}, {0, -5}};
    const auto sets = coverageSets(demand, {{0, 0}}, {5.0}, Metric::Planar);
    REQUIRE(sets.size() == 1);
    CHECK(sets[0] == std::vector<int>{0, 1, 3});
    // Haversine: a point exactly one radius north is covered, one a metre further is not.
    const double oneDeg = 6371.0088 * M_PI / 180.0;
    const auto geo = coverageSets({{106, 22}, {106, 22.00001}}, {{106, 21}}, {oneDeg}, Metric::Haversine);
    CHECK(geo[0] == std::vector<int>{0});
}

TEST_CASE("greedy is not optimal on a classic trap, the MIP is", "[optim]")
{
    // Three sites of weight 7 each: greedy takes site 0 (ties go to the lower index), then
    // site 1 (+4) = 11; the optimum is sites 1 + 2 = 14, and one swap finds it.
    CoverageProblem trap;
    trap.weight = {4, 4, 3, 3};
    trap.covers = {{1, 2}, {0, 2}, {1, 3}};
    trap.count = 2;
    const auto g = greedyCover(trap);
    CHECK(coveredWeight(trap, g) == 11);
    CHECK(coveredWeight(trap, swapImprove(trap, g, 5.0)) == 14);
    const auto s = solveMaxCover(trap, {});
    CHECK(s.objective == 14);
    CHECK(s.optimal);
    CHECK(s.greedyObjective == 11);
    std::vector<int> chosen = s.chosen;
    std::sort(chosen.begin(), chosen.end());
    CHECK(chosen == std::vector<int>{1, 2});
}

TEST_CASE("MIP equals brute force on random small instances (plain, locked, budget)", "[optim]")
{
    Rng rng{20211012};
    int mipRuns = 0;
    for (int t = 0; t < 24; ++t) {
        CoverageProblem p = randomProblem(rng, 60, 12, 18 + 4 * (t % 3));
        p.count = 1 + t % 5;
        if (t % 4 == 1 && p.count > 1)
            p.locked = {rng.below(12)};
        if (t % 4 == 2) {
            for (int j = 0; j < 12; ++j)
                p.cost.push_back(1 + rng.below(5));
            p.budget = 2 + t % 7;
        }
        INFO("instance " << t << " count " << p.count);
        const double brute = bruteForce(p);
        const auto s = solveMaxCover(p, {});
        CHECK(s.optimal);
        CHECK(s.objective == Approx(brute).epsilon(1e-12));
        CHECK(coveredWeight(p, s.chosen) == Approx(s.objective).epsilon(1e-12));
        CHECK(static_cast<int>(s.chosen.size()) <= p.count);
        for (int j : p.locked)
            CHECK(std::find(s.chosen.begin(), s.chosen.end(), j) != s.chosen.end());
        CHECK(s.bound == s.objective);
        CHECK(s.gap == 0);
        CHECK(s.greedyObjective <= s.objective + 1e-9);
        CHECK(s.warmObjective >= s.greedyObjective - 1e-9);
        mipRuns += s.method == "mip";
        // Heuristic mode: never above the optimum, the LP bound never below it.
        const auto h = solveMaxCover(p, {CoverMethod::Heuristic, 5.0});
        CHECK(h.objective <= brute + 1e-9);
        CHECK(h.bound >= brute - 1e-6);
    }
    CHECK(mipRuns >= 12);  // most instances really went through branch and cut
}

TEST_CASE("bad coverage problems are refused with the option named", "[optim]")
{
    CoverageProblem p;
    p.weight = {1, 2};
    p.covers = {{0}, {1}};
    p.count = 1;
    p.locked = {0, 1};
    CHECK_THROWS_WITH(solveMaxCover(p, {}), Catch::Contains("--count"));
    p.locked = {0};
    p.cost = {5, 1};
    p.budget = 3;
    CHECK_THROWS_WITH(solveMaxCover(p, {}), Catch::Contains("--budget"));
    p.cost.clear();
    p.weight = {-1, 2};
    CHECK_THROWS_AS(solveMaxCover(p, {}), Error);
}

TEST_CASE("Swain 55-node: Church & ReVelle's published coverage (planar, S = 10 and 15)", "[optim][shared]")
{
    if (!test::haveShared())
        BANDO_SKIP("../shared is absent: the Swain data set lives in ../shared/optim/swain");
    const std::string path = test::sharedDir() + "/optim/swain/swain55.csv";
    if (!std::filesystem::exists(path))
        BANDO_SKIP(path + " is absent");
    const auto csv = io::readCsvFile(path);
    REQUIRE(csv.rows.size() == 55);
    std::vector<Point2> pts;
    CoverageProblem p;
    for (const auto& r : csv.rows) {
        pts.push_back({std::stod(r[static_cast<size_t>(csv.column("x"))]), std::stod(r[static_cast<size_t>(csv.column("y"))])});
        p.weight.push_back(std::stod(r[static_cast<size_t>(csv.column("weight"))]));
    }
    const auto covers10 = coverageSets(pts, pts, {10.0}, Metric::Planar);
    p.covers = covers10;
    struct Case {
        int p;
        double covered;
    };
    // Fig. 4: p = 5 covers 609 of 640; the text: p = 7 → 633, p = 8 → 638, p = 9 → all 640.
    for (const Case c : {Case{5, 609}, Case{7, 633}, Case{8, 638}, Case{9, 640}}) {
        p.count = c.p;
        const auto s = solveMaxCover(p, {});
        INFO("S = 10, p = " << c.p);
        CHECK(s.objective == c.covered);
        CHECK(s.optimal);
        CHECK(s.totalWeight == 640);
    }
    // Fig. 2: with S = 15, five facilities cover everyone (and four do not).
    p.covers = coverageSets(pts, pts, {15.0}, Metric::Planar);
    p.count = 5;
    CHECK(solveMaxCover(p, {}).objective == 640);
    p.count = 4;
    const auto four = solveMaxCover(p, {});
    CHECK(four.optimal);
    CHECK(four.objective < 640);
}
