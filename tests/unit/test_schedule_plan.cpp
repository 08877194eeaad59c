// Support-team schedules (issue #11, core/planning/schedule_plan): hand-checked instances (rank
// order, travel, helping another base, the naive order's detours) and the constraints on random
// instances: a team in one village per slot and at most `villagesPerDay` a day, only on working
// days, inside every village's window, each village at most once, no team idle while a village it
// could reach waits and later stays unscheduled, the travel equal to the day round trips.
#include "core/base/error.hpp"
#include "core/base/splitmix.hpp"
#include "core/planning/schedule_plan.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <tuple>

using namespace bando;
using namespace bando::planning;

namespace {

using Rng = bando::SplitMix64;

// Villages and bases on a line (km positions): distances are |x − y|.
ScheduleProblem onLine(const std::vector<double>& basePos, const std::vector<double>& villagePos,
                       const std::vector<int>& villageBase, const std::vector<int>& teamBase, int firstDay, int dayCount)
{
    ScheduleProblem p;
    p.villages = static_cast<int>(villagePos.size());
    p.bases = static_cast<int>(basePos.size());
    p.teamBase = teamBase;
    p.villageBase = villageBase;
    for (int i = 0; i < p.villages; ++i) {
        p.priority.push_back(i);
        p.earliest.push_back(firstDay);
        p.latest.push_back(firstDay + 1000);
    }
    for (double b : basePos)
        for (double v : villagePos)
            p.baseKm.push_back(std::fabs(b - v));
    for (double a : villagePos)
        for (double v : villagePos)
            p.villageKm.push_back(std::fabs(a - v));
    for (int d = 0; d < dayCount; ++d)
        p.days.push_back(firstDay + d);
    return p;
}

} // namespace

TEST_CASE("schedule: one team visits its base's villages in rank order, travel is the round trips", "[schedule]")
{
    // Base at 0; villages at 10, 3, 7 ranked in that order (priority 0, 1, 2).
    auto p = onLine({0}, {10, 3, 7}, {0, 0, 0}, {0}, 100, 5);
    const auto s = planSchedule(p, ScheduleMode::Planned);
    REQUIRE(s.visits.size() == 3);
    CHECK(s.visits[0].village == 0);
    CHECK(s.visits[0].day == 100);
    CHECK(s.visits[1].village == 1);
    CHECK(s.visits[1].day == 101);
    CHECK(s.visits[2].village == 2);
    CHECK(s.visits[2].day == 102);
    CHECK(s.travelKm == Approx(2 * (10 + 3 + 7)));
    CHECK(s.teamDays == 3);
    CHECK(s.finishDay == 102);
    CHECK(s.unscheduled.empty());

    // Two a day: the first is the best ranked, the second the nearest of the next ones (7 before 3 from 10).
    p.villagesPerDay = 2;
    const auto s2 = planSchedule(p, ScheduleMode::Planned);
    REQUIRE(s2.visits.size() == 3);
    CHECK(s2.visits[0].village == 0);
    CHECK(s2.visits[1].village == 2);
    CHECK(s2.visits[1].day == 100);
    CHECK(s2.visits[1].slot == 1);
    CHECK(s2.visits[1].legKm == Approx(3));
    CHECK(s2.visits[2].village == 1);
    CHECK(s2.visits[2].day == 101);
    CHECK(s2.travelKm == Approx((10 + 3 + 7) + (3 + 3)));
    CHECK(s2.teamDays == 2);
}

TEST_CASE("schedule: a team whose base is done helps with the village nearest its base", "[schedule]")
{
    // Base A at 0 with one village (1); base B at 100 with villages 90, 60, 95 (ranked so).
    // Day 1: A takes 1, B takes 90. Day 2: A has none left: it takes the village nearest 0 (60), B takes 95.
    auto p = onLine({0, 100}, {1, 90, 60, 95}, {0, 1, 1, 1}, {0, 1}, 10, 5);
    const auto s = planSchedule(p, ScheduleMode::Planned);
    REQUIRE(s.visits.size() == 4);
    std::map<int, std::pair<int, int>> at;  // village -> (team, day)
    for (const auto& v : s.visits)
        at[v.village] = {v.team, v.day};
    CHECK(at[0] == std::make_pair(0, 10));
    CHECK(at[1] == std::make_pair(1, 10));
    CHECK(at[2] == std::make_pair(0, 11));
    CHECK(at[3] == std::make_pair(1, 11));
    CHECK(s.helpVisits == 1);
    CHECK(s.finishDay == 11);
    CHECK(s.travelKm == Approx(2 * 1 + 2 * 10 + 2 * 60 + 2 * 5));
}

TEST_CASE("schedule: the naive 2021 order sends teams to the far phase first, the planned one does not", "[schedule]")
{
    // Two bases 100 km apart, three villages beside each; the list (naive and rank alike) has base 0's first.
    auto p = onLine({0, 100}, {2, 4, 6, 94, 96, 98}, {0, 0, 0, 1, 1, 1}, {0, 1}, 0, 10);
    const auto n = planSchedule(p, ScheduleMode::Naive);
    const auto s = planSchedule(p, ScheduleMode::Planned);
    REQUIRE(n.visits.size() == 6);
    REQUIRE(s.visits.size() == 6);
    // Naive: day 0 villages 2 (team 0) and 4 (team 1, the only one with room); day 1 6 -> team 0,
    // 94 -> team 1; day 2 96 -> team 1 (nearest), 98 -> team 0.
    std::map<int, std::pair<int, int>> at;
    for (const auto& v : n.visits)
        at[v.village] = {v.team, v.day};
    CHECK(at[0] == std::make_pair(0, 0));
    CHECK(at[1] == std::make_pair(1, 0));
    CHECK(at[2] == std::make_pair(0, 1));
    CHECK(at[3] == std::make_pair(1, 1));
    CHECK(at[4] == std::make_pair(1, 2));
    CHECK(at[5] == std::make_pair(0, 2));
    CHECK(n.travelKm == Approx(2 * (2 + 96 + 6 + 6 + 4 + 98)));
    CHECK(n.helpVisits == 2);
    CHECK(s.travelKm == Approx(2 * (2 + 6 + 4 + 4 + 6 + 2)));
    CHECK(s.helpVisits == 0);
    CHECK(n.finishDay == 2);
    CHECK(s.finishDay == 2);
    CHECK(n.teamDays == s.teamDays);
}

TEST_CASE("schedule: windows and working days are respected, a village with no day in its window is reported",
          "[schedule]")
{
    auto p = onLine({0}, {5, 6, 7}, {0, 0, 0}, {0}, 0, 0);
    p.days = {0, 1, 2, 5, 6};  // 3 and 4 are a weekend or holidays
    p.earliest = {0, 3, 4};
    p.latest = {9, 4, 9};  // village 1 only on days 3..4: no working day
    const auto s = planSchedule(p, ScheduleMode::Planned);
    REQUIRE(s.visits.size() == 2);
    CHECK(s.visits[0].village == 0);
    CHECK(s.visits[0].day == 0);
    CHECK(s.visits[1].village == 2);
    CHECK(s.visits[1].day == 5);
    CHECK(s.unscheduled == std::vector<int>{1});
    // Inconsistent input is refused.
    p.days = {2, 1};
    CHECK_THROWS_AS(planSchedule(p, ScheduleMode::Planned), Error);
    p.days = {1, 2};
    p.villagesPerDay = 2;
    p.villageKm.clear();
    CHECK_THROWS_AS(planSchedule(p, ScheduleMode::Planned), Error);
}

TEST_CASE("schedule: constraints hold on random instances, both rules", "[schedule]")
{
    const double inf = std::numeric_limits<double>::infinity();
    for (uint64_t seed = 1; seed <= 40; ++seed) {
        Rng rng{seed};
        ScheduleProblem p;
        p.villages = 20 + rng.below(60);
        p.bases = 1 + rng.below(4);
        const int teamsPerBase = 1 + rng.below(3);
        for (int b = 0; b < p.bases; ++b)
            for (int k = 0; k < teamsPerBase; ++k)
                p.teamBase.push_back(b);
        p.villagesPerDay = 1 + rng.below(3);
        p.lookahead = 1 + rng.below(6);
        std::vector<double> bx, by, vx, vy;
        for (int b = 0; b < p.bases; ++b) {
            bx.push_back(rng.uniform() * 50);
            by.push_back(rng.uniform() * 50);
        }
        std::vector<int> component(static_cast<size_t>(p.villages), 0);
        for (int v = 0; v < p.villages; ++v) {
            vx.push_back(rng.uniform() * 50);
            vy.push_back(rng.uniform() * 50);
            component[static_cast<size_t>(v)] = rng.uniform() < 0.05 ? 1 : 0;  // a few on another road network
            p.villageBase.push_back(rng.uniform() < 0.1 ? -1 : rng.below(p.bases));
            p.priority.push_back(v);
            p.earliest.push_back(rng.below(15));
            p.latest.push_back(p.earliest.back() + rng.below(30));
        }
        for (int i = p.villages - 1; i > 0; --i)  // a random rank order
            std::swap(p.priority[static_cast<size_t>(i)], p.priority[static_cast<size_t>(rng.below(i + 1))]);
        for (int b = 0; b < p.bases; ++b)
            for (int v = 0; v < p.villages; ++v)
                p.baseKm.push_back(component[static_cast<size_t>(v)] ? inf
                                                                    : 1.2 * std::hypot(bx[static_cast<size_t>(b)] - vx[static_cast<size_t>(v)],
                                                                                       by[static_cast<size_t>(b)] - vy[static_cast<size_t>(v)]));
        for (int a = 0; a < p.villages; ++a)
            for (int v = 0; v < p.villages; ++v)
                p.villageKm.push_back(component[static_cast<size_t>(a)] != component[static_cast<size_t>(v)]
                                          ? inf
                                          : 1.2 * std::hypot(vx[static_cast<size_t>(a)] - vx[static_cast<size_t>(v)],
                                                             vy[static_cast<size_t>(a)] - vy[static_cast<size_t>(v)]));
        for (int d = 0; d < 40; ++d)
            if (d % 7 < 5 && rng.uniform() > 0.1)  // weekends and a few holidays off
                p.days.push_back(d);
        const std::set<int> working(p.days.begin(), p.days.end());
        for (auto mode : {ScheduleMode::Planned, ScheduleMode::Naive}) {
            INFO("seed " << seed << (mode == ScheduleMode::Planned ? " planned" : " naive"));
            const auto s = planSchedule(p, mode);
            std::set<int> seen;
            std::set<std::tuple<int, int, int>> slots;
            std::map<std::pair<int, int>, std::vector<const ScheduleVisit*>> perTeamDay;
            for (const auto& v : s.visits) {
                CHECK(seen.insert(v.village).second);                        // each village at most once
                CHECK(slots.insert({v.team, v.day, v.slot}).second);         // one village per team and slot
                CHECK(working.count(v.day) == 1);                            // only on working days
                CHECK(v.day >= p.earliest[static_cast<size_t>(v.village)]);  // inside the window
                CHECK(v.day <= p.latest[static_cast<size_t>(v.village)]);
                CHECK(v.slot < p.villagesPerDay);
                perTeamDay[{v.team, v.day}].push_back(&v);
            }
            CHECK(seen.size() + s.unscheduled.size() == static_cast<size_t>(p.villages));
            for (int u : s.unscheduled)
                CHECK(seen.count(u) == 0);
            CHECK(static_cast<int>(perTeamDay.size()) == s.teamDays);
            double travel = 0;
            for (const auto& [key, visits] : perTeamDay) {
                CHECK(static_cast<int>(visits.size()) <= p.villagesPerDay);
                const int b = p.teamBase[static_cast<size_t>(key.first)];
                for (size_t k = 0; k < visits.size(); ++k) {
                    CHECK(visits[k]->slot == static_cast<int>(k));
                    const double leg = k == 0 ? p.baseAt(b, visits[k]->village)
                                              : p.villageAt(visits[k - 1]->village, visits[k]->village);
                    CHECK(visits[k]->legKm == Approx(leg));
                    travel += leg;
                }
                travel += p.baseAt(b, visits.back()->village);
            }
            CHECK(std::isfinite(s.travelKm));
            CHECK(s.travelKm == Approx(travel));
            // No team idles on a working day while a village it can reach waits and is never visited.
            for (int u : s.unscheduled)
                for (int d : p.days) {
                    if (d < p.earliest[static_cast<size_t>(u)] || d > p.latest[static_cast<size_t>(u)])
                        continue;
                    for (int t = 0; t < static_cast<int>(p.teamBase.size()); ++t)
                        if (std::isfinite(p.baseAt(p.teamBase[static_cast<size_t>(t)], u)))
                            CHECK(perTeamDay.count({t, d}) == 1);
                }
            // Villages on another piece of the network are never visited.
            for (int v = 0; v < p.villages; ++v)
                if (component[static_cast<size_t>(v)])
                    CHECK(seen.count(v) == 0);
        }
    }
}
