// Operators' shares of the gaps (issue #11): the assignment MIP against brute force, every share
// within ±2 percentage points, renormalised shares, and an impossible split refused.
#include "core/base/error.hpp"
#include "core/base/splitmix.hpp"
#include "core/optim/split.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>

using namespace bando;
using namespace bando::optim;

namespace {

using Rng = bando::SplitMix64;

// Best feasible split by enumeration (k^n), or +inf.
double bruteForce(const SplitProblem& p)
{
    const size_t n = p.weight.size(), k = p.share.size();
    double total = 0, sum = 0;
    for (double w : p.weight)
        total += w;
    for (double s : p.share)
        sum += s;
    size_t combos = 1;
    for (size_t i = 0; i < n; ++i)
        combos *= k;
    double best = std::numeric_limits<double>::infinity();
    for (size_t c = 0; c < combos; ++c) {
        size_t x = c;
        std::vector<double> got(k, 0.0);
        double cost = 0;
        for (size_t i = 0; i < n; ++i) {
            const size_t ai = x % k;
            x /= k;
            got[ai] += p.weight[i];
            cost += p.weight[i] * p.cost[i * k + ai];
        }
        bool ok = true;
        for (size_t o = 0; o < k; ++o) {
            const double t = p.share[o] / sum;
            ok = ok && got[o] >= (t - p.tolerance) * total - 1e-9 && got[o] <= (t + p.tolerance) * total + 1e-9;
        }
        if (ok)
            best = std::min(best, cost);
    }
    return best;
}

} // namespace

TEST_CASE("split: the MIP equals brute force and every share is within the tolerance", "[optim][split]")
{
    Rng rng{42};
    int feasible = 0;
    for (int t = 0; t < 12; ++t) {
        SplitProblem p;
        const int n = 9;
        p.share = {56, 21, 18};  // renormalised: 58.9 %, 22.1 %, 18.9 %
        p.tolerance = t % 2 ? 0.05 : 0.10;
        for (int i = 0; i < n; ++i) {
            p.weight.push_back(10 + std::floor(rng.uniform() * 90));
            for (int o = 0; o < 3; ++o)
                p.cost.push_back(std::floor(rng.uniform() * 40));
        }
        INFO("instance " << t);
        const double brute = bruteForce(p);
        if (!std::isfinite(brute)) {
            CHECK_THROWS_WITH(solveSplit(p, 10), Catch::Contains("--share"));
            continue;
        }
        ++feasible;
        const auto s = solveSplit(p, 10);
        CHECK(s.optimal);
        CHECK(s.objective == Approx(brute).epsilon(1e-12));
        CHECK(s.unconstrained <= s.objective + 1e-9);
        double sum = 0;
        for (size_t o = 0; o < 3; ++o) {
            CHECK(std::fabs(s.achieved[o] - p.share[o] / 95.0) <= p.tolerance + 1e-9);
            sum += s.achieved[o];
        }
        CHECK(sum == Approx(1.0));
    }
    CHECK(feasible >= 6);
}

TEST_CASE("split: 300 villages meet 56/21/18 within ±2 pp", "[optim][split]")
{
    Rng rng{2021};
    SplitProblem p;
    p.share = {56, 21, 18};
    for (int i = 0; i < 300; ++i) {
        p.weight.push_back(20 + std::floor(rng.uniform() * 200));
        for (int o = 0; o < 3; ++o)
            p.cost.push_back(rng.uniform() * 30 * (o == 0 ? 0.5 : 1.0));  // the big operator is nearer
    }
    const auto s = solveSplit(p, 20);
    CHECK(std::fabs(s.achieved[0] - 56.0 / 95) <= 0.02 + 1e-9);
    CHECK(std::fabs(s.achieved[1] - 21.0 / 95) <= 0.02 + 1e-9);
    CHECK(std::fabs(s.achieved[2] - 18.0 / 95) <= 0.02 + 1e-9);
    // Without the share rows operator 0 would take most villages: the constraint binds.
    CHECK(s.objective > s.unconstrained);
}

TEST_CASE("split: one village larger than an operator's band cannot be split", "[optim][split]")
{
    SplitProblem p;
    p.share = {50, 50};
    p.weight = {100, 1, 1};
    p.cost = {0, 0, 0, 0, 0, 0};
    CHECK_THROWS_WITH(solveSplit(p, 5), Catch::Contains("--share"));
}
