// p-median (issue #11): shortest paths with OR-Library's duplicate-edge rule, greedy + vertex
// substitution against brute force, and OR-Library pmed1–10 within 0.2 % of the known optima.
#include "core/base/splitmix.hpp"
#include "core/optim/pmedian.hpp"
#include "support/test_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <utility>
#include <filesystem>
#include <fstream>

using namespace bando;
using namespace bando::optim;

namespace {

using Rng = bando::SplitMix64;

double bruteForce(const PMedianProblem& p)
{
    double best = std::numeric_limits<double>::infinity();
    for (uint32_t mask = 0; mask < (1u << p.candidates); ++mask) {
        if (__builtin_popcount(mask) != p.p)
            continue;
        std::vector<int> chosen;
        for (int j = 0; j < p.candidates; ++j)
            if (mask >> j & 1u)
                chosen.push_back(j);
        best = std::min(best, pmedianCost(p, chosen));
    }
    return best;
}

// OR-Library pmed file: "n edges p", then "i j cost" (1-based).
PMedianProblem readPmed(const std::string& path)
{
    std::ifstream in(path);
    int n = 0, m = 0, p = 0;
    in >> n >> m >> p;
    std::vector<Edge> edges;
    for (int k = 0; k < m; ++k) {
        Edge e;
        in >> e.a >> e.b >> e.cost;
        --e.a;
        --e.b;
        edges.push_back(e);
    }
    REQUIRE(in);
    PMedianProblem pr;
    pr.demand = pr.candidates = n;
    pr.p = p;
    pr.weight.assign(static_cast<size_t>(n), 1.0);
    pr.distance = allPairsShortestPaths(n, edges);
    return pr;
}

} // namespace

TEST_CASE("all-pairs shortest paths: paths through others, and a repeated edge keeps the last cost", "[optim][pmedian]")
{
    // 0-1 (5, then 2: the last wins), 1-2 (3), 0-2 (10): d(0,2) = 2 + 3 = 5.
    const auto d = allPairsShortestPaths(4, {{0, 1, 5}, {1, 2, 3}, {0, 2, 10}, {0, 1, 2}});
    CHECK(d[0 * 4 + 1] == 2);
    CHECK(d[1 * 4 + 0] == 2);
    CHECK(d[0 * 4 + 2] == 5);
    CHECK(d[2 * 4 + 0] == 5);
    CHECK(std::isinf(d[0 * 4 + 3]));  // vertex 3 is isolated
    CHECK(d[3 * 4 + 3] == 0);
    // The last cost wins even when it is larger (the minimum rule would keep 2).
    const auto e = allPairsShortestPaths(2, {{0, 1, 2}, {0, 1, 7}});
    CHECK(e[1] == 7);
}

TEST_CASE("greedy + vertex substitution equals brute force on small random instances", "[optim][pmedian]")
{
    Rng rng{7};
    for (int t = 0; t < 20; ++t) {
        PMedianProblem p;
        p.demand = 40;
        p.candidates = 12;
        p.p = 1 + t % 5;
        std::vector<double> dx, dy, cx, cy;
        for (int i = 0; i < p.demand; ++i) {
            dx.push_back(rng.uniform() * 100);
            dy.push_back(rng.uniform() * 100);
            p.weight.push_back(1 + std::floor(rng.uniform() * 30));
        }
        for (int j = 0; j < p.candidates; ++j) {
            cx.push_back(rng.uniform() * 100);
            cy.push_back(rng.uniform() * 100);
        }
        for (int i = 0; i < p.demand; ++i)
            for (int j = 0; j < p.candidates; ++j)
                p.distance.push_back(std::hypot(dx[static_cast<size_t>(i)] - cx[static_cast<size_t>(j)],
                                                dy[static_cast<size_t>(i)] - cy[static_cast<size_t>(j)]));
        INFO("instance " << t << " p " << p.p);
        const auto s = solvePMedian(p);
        const double brute = bruteForce(p);
        CHECK(s.objective == Approx(brute).epsilon(1e-12));
        CHECK(s.chosen.size() == static_cast<size_t>(p.p));
        CHECK(s.greedyObjective >= s.firstLocalObjective - 1e-9);
        CHECK(s.firstLocalObjective >= s.objective - 1e-9);
        CHECK(pmedianCost(p, s.chosen) == Approx(s.objective).epsilon(1e-12));
        // Every point is assigned to its nearest chosen facility.
        for (int i = 0; i < p.demand; ++i)
            for (int j : s.chosen)
                CHECK(p.at(i, s.chosen[static_cast<size_t>(s.assignment[static_cast<size_t>(i)])]) <= p.at(i, j));
    }
}

TEST_CASE("unreachable demand is reported, not counted", "[optim][pmedian]")
{
    PMedianProblem p;
    p.demand = 3;
    p.candidates = 2;
    p.p = 1;
    p.weight = {1, 2, 5};
    const double inf = std::numeric_limits<double>::infinity();
    p.distance = {1, 4, 2, inf, inf, inf};  // point 2 is reached by neither candidate
    const auto s = solvePMedian(p);
    CHECK(s.chosen == std::vector<int>{0});
    CHECK(s.objective == 1 * 1 + 2 * 2);
    CHECK(s.unreachable == 1);
    CHECK(s.assignment[2] == -1);
    p.p = 3;
    CHECK_THROWS_WITH(solvePMedian(p), Catch::Contains("--count"));
}

TEST_CASE("OR-Library pmed1-10 within 0.2 % of the known optima", "[optim][pmedian][shared]")
{
    if (!test::haveShared())
        BANDO_SKIP("../shared is absent: the OR-Library p-median instances live in ../shared/optim/pmed");
    const std::string dir = test::sharedDir() + "/optim/pmed/";
    if (!std::filesystem::exists(dir + "pmed1.txt"))
        BANDO_SKIP(dir + "pmed1.txt is absent");
    // SOURCE.md (pmedopt.txt).
    const double optimum[] = {5819, 4093, 4250, 3034, 1355, 7824, 5631, 4445, 2734, 1255};
    for (int k = 1; k <= 10; ++k) {
        const auto p = readPmed(dir + "pmed" + std::to_string(k) + ".txt");
        const auto s = solvePMedian(p);
        const double opt = optimum[k - 1];
        INFO("pmed" << k << ": " << s.objective << " vs optimum " << opt << " (greedy " << s.greedyObjective
                    << ", first local " << s.firstLocalObjective << ", " << s.seconds << " s)");
        CHECK(s.objective >= opt);  // never below a proven optimum: the distances are right
        CHECK(s.objective <= opt * 1.002);
        CHECK(s.unreachable == 0);
    }
}

TEST_CASE("the exact p-median MIP through CBC equals brute force on small random instances", "[optim][pmedian]")
{
    Rng rng{11};
    for (int t = 0; t < 8; ++t) {
        PMedianProblem p;
        p.demand = 30;
        p.candidates = 10;
        p.p = 1 + t % 4;
        for (int i = 0; i < p.demand; ++i)
            p.weight.push_back(1 + std::floor(rng.uniform() * 20));
        for (int i = 0; i < p.demand * p.candidates; ++i)
            p.distance.push_back(i >= 28 * p.candidates ? std::numeric_limits<double>::infinity()  // two points on another network
                                                        : std::floor(rng.uniform() * 1000) / 10);
        INFO("instance " << t << " p " << p.p);
        const auto b = pmedianLowerBound(p, 30);
        const double brute = bruteForce(p);
        CHECK(b.provenOptimal);
        CHECK(b.lowerBound == Approx(brute).epsilon(1e-9));
        CHECK(b.mipObjective == Approx(brute).epsilon(1e-9));
        CHECK(b.lowerBound <= solvePMedian(p).objective + 1e-6);
    }
    // A point reaching some candidates only: no bound claimed.
    PMedianProblem q;
    q.demand = 2;
    q.candidates = 2;
    q.p = 1;
    q.weight = {1, 1};
    q.distance = {1, std::numeric_limits<double>::infinity(), 2, 3};
    CHECK_THROWS_WITH(pmedianLowerBound(q, 5), Catch::Contains("every candidate"));
}

TEST_CASE("OR-Library pmed1 and pmed5: the CBC lower bound proves the heuristic optimal", "[optim][pmedian][shared]")
{
    if (!test::haveShared())
        BANDO_SKIP("../shared is absent: the OR-Library p-median instances live in ../shared/optim/pmed");
    const std::string dir = test::sharedDir() + "/optim/pmed/";
    if (!std::filesystem::exists(dir + "pmed1.txt"))
        BANDO_SKIP(dir + "pmed1.txt is absent");
    const std::pair<int, double> cases[] = {{1, 5819}, {5, 1355}};
    for (const auto& [k, opt] : cases) {
        const auto p = readPmed(dir + "pmed" + std::to_string(k) + ".txt");
        const auto b = pmedianLowerBound(p, 60);
        const auto s = solvePMedian(p);
        INFO("pmed" << k << ": bound " << b.lowerBound << " in " << b.seconds << " s, " << b.nodes << " nodes, "
                    << b.variables << " variables");
        CHECK(b.provenOptimal);
        CHECK(b.lowerBound == Approx(opt).epsilon(1e-9));
        CHECK(s.objective == Approx(b.lowerBound).epsilon(1e-9));  // gap 0
        std::printf("pmed%d: CBC bound %.0f proven in %.2f s (%lld nodes, %d variables); heuristic %.0f\n", k,
                    b.lowerBound, b.seconds, b.nodes, b.variables, s.objective);
    }
}
