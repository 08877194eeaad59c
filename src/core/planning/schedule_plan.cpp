#include "core/planning/schedule_plan.hpp"

#include "core/base/error.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

namespace bando::planning {

namespace {

void check(const ScheduleProblem& p)
{
    const auto n = static_cast<size_t>(p.villages);
    auto bad = [](const std::string& what) { throw Error(ErrorKind::Usage, "schedule", what); };
    if (p.villages < 0 || p.bases < 0)
        bad("negative sizes");
    if (p.villageBase.size() != n || p.priority.size() != n || p.earliest.size() != n || p.latest.size() != n)
        bad("per-village vectors differ in size from the number of villages");
    if (p.baseKm.size() != static_cast<size_t>(p.bases) * n)
        bad("the base distance matrix is not bases × villages");
    if (p.villagesPerDay < 1)
        bad("villages per day must be at least 1");
    if (p.villagesPerDay > 1 && p.villageKm.size() != n * n)
        bad("more than one village a day needs the village distance matrix");
    for (int b : p.teamBase)
        if (b < 0 || b >= p.bases)
            bad("a team's base is out of range");
    for (int b : p.villageBase)
        if (b < -1 || b >= p.bases)
            bad("a village's base is out of range");
    if (!std::is_sorted(p.days.begin(), p.days.end()) ||
        std::adjacent_find(p.days.begin(), p.days.end()) != p.days.end())
        bad("working days must be ascending and distinct");
}

} // namespace

ScheduleSolution planSchedule(const ScheduleProblem& p, ScheduleMode mode, const Feedback* fb)
{
    check(p);
    ScheduleSolution s;
    const int n = p.villages;
    std::vector<int> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int a, int b) {
        const int pa = p.priority[static_cast<size_t>(a)], pb = p.priority[static_cast<size_t>(b)];
        return pa != pb ? pa < pb : a < b;
    });
    // Per base, its own villages in priority order (planned rule).
    std::vector<std::vector<int>> own(static_cast<size_t>(p.bases));
    for (int v : order)
        if (p.villageBase[static_cast<size_t>(v)] >= 0)
            own[static_cast<size_t>(p.villageBase[static_cast<size_t>(v)])].push_back(v);
    std::vector<size_t> ownStart(own.size(), 0);  // every village before this position is done
    size_t listStart = 0;                         // the same for `order` (naive rule)
    std::vector<char> done(static_cast<size_t>(n), 0);
    int remaining = n;
    const double inf = std::numeric_limits<double>::infinity();
    const int latestAll = n > 0 ? *std::max_element(p.latest.begin(), p.latest.end()) : 0;

    for (int day : p.days) {
        if (remaining == 0 || day > latestAll)
            break;
        throwIfCancelled(fb);
        auto eligible = [&](int team, int v) {
            const auto uv = static_cast<size_t>(v);
            return !done[uv] && p.earliest[uv] <= day && day <= p.latest[uv] &&
                   std::isfinite(p.baseAt(p.teamBase[static_cast<size_t>(team)], v));
        };
        const int teams = static_cast<int>(p.teamBase.size());
        std::vector<std::vector<int>> naiveStops(static_cast<size_t>(teams));
        if (mode == ScheduleMode::Naive) {
            // The next eligible villages of the list, in list order, each to the team with room left
            // whose base is nearest by road (ties to the lower team), until every team is full.
            while (listStart < order.size() && done[static_cast<size_t>(order[listStart])])
                ++listStart;
            int room = teams * p.villagesPerDay;
            for (size_t k = listStart; k < order.size() && room > 0; ++k) {
                const int v = order[k];
                int best = -1;
                double bestKm = inf;
                for (int t = 0; t < teams; ++t)
                    if (static_cast<int>(naiveStops[static_cast<size_t>(t)].size()) < p.villagesPerDay && eligible(t, v) &&
                        p.baseAt(p.teamBase[static_cast<size_t>(t)], v) < bestKm) {
                        best = t;
                        bestKm = p.baseAt(p.teamBase[static_cast<size_t>(t)], v);
                    }
                if (best >= 0) {
                    naiveStops[static_cast<size_t>(best)].push_back(v);
                    --room;
                }
            }
        }
        for (int t = 0; t < teams && remaining > 0; ++t) {
            const int b = p.teamBase[static_cast<size_t>(t)];
            std::vector<int> stops;
            bool helping = false;
            if (mode == ScheduleMode::Naive) {
                stops = naiveStops[static_cast<size_t>(t)];
            } else {
                auto& list = own[static_cast<size_t>(b)];
                auto& start = ownStart[static_cast<size_t>(b)];
                while (start < list.size() && done[static_cast<size_t>(list[start])])
                    ++start;
                for (size_t k = start; k < list.size(); ++k)
                    if (eligible(t, list[k])) {
                        stops.push_back(list[k]);
                        break;
                    }
                if (stops.empty()) {  // help: the eligible village nearest the base (ties by rank)
                    int best = -1;
                    double bestKm = inf;
                    for (int v : order)
                        if (eligible(t, v) && p.baseAt(b, v) < bestKm) {
                            best = v;
                            bestKm = p.baseAt(b, v);
                        }
                    if (best >= 0) {
                        stops.push_back(best);
                        helping = true;
                    }
                }
                while (!stops.empty() && static_cast<int>(stops.size()) < p.villagesPerDay) {
                    const int cur = stops.back();
                    int best = -1;
                    double bestKm = inf;
                    auto consider = [&](int v) {
                        if (std::find(stops.begin(), stops.end(), v) != stops.end() || !eligible(t, v))
                            return false;
                        const double km = p.villageAt(cur, v);
                        if (km < bestKm) {
                            best = v;
                            bestKm = km;
                        }
                        return true;
                    };
                    if (!helping) {
                        int seen = 0;
                        for (size_t k = start; k < list.size() && seen < p.lookahead; ++k)
                            seen += consider(list[k]) ? 1 : 0;
                    } else {
                        for (int v : order)
                            consider(v);
                    }
                    if (best < 0)
                        break;
                    stops.push_back(best);
                }
            }
            if (stops.empty())
                continue;
            double dayKm = 0;
            for (size_t k = 0; k < stops.size(); ++k) {
                const int v = stops[k];
                ScheduleVisit visit;
                visit.village = v;
                visit.team = t;
                visit.day = day;
                visit.slot = static_cast<int>(k);
                visit.legKm = k == 0 ? p.baseAt(b, v) : p.villageAt(stops[k - 1], v);
                dayKm += visit.legKm;
                done[static_cast<size_t>(v)] = 1;
                --remaining;
                s.visits.push_back(visit);
                if (p.villageBase[static_cast<size_t>(v)] != b)
                    ++s.helpVisits;
            }
            dayKm += p.baseAt(b, stops.back());
            s.travelKm += dayKm;
            ++s.teamDays;
            s.finishDay = std::max(s.finishDay, day);
        }
    }
    for (int v = 0; v < n; ++v)
        if (!done[static_cast<size_t>(v)])
            s.unscheduled.push_back(v);
    return s;
}

} // namespace bando::planning
