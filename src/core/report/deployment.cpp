// The deployment plan's bases and schedule as stored by `bando bases` / `bando schedule`.
#include "core/report/deployment.hpp"

#include "core/i18n/i18n.hpp"
#include "core/planning/targets.hpp"
#include "core/store/project_store.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace bando::report {
namespace {

std::string T(const char* msgid) { return i18n::tr(msgid); }

// The row with the latest `created` (ties: the last stored) and its scenario.
std::string latestScenario(const Layer& l, std::string* created)
{
    std::string best, bestCreated;
    for (const auto& f : l.features) {
        const std::string c = l.text(f, "created");
        if (best.empty() || c >= bestCreated) {
            best = l.text(f, "scenario");
            bestCreated = c;
        }
    }
    if (created)
        *created = bestCreated;
    return best;
}

} // namespace

std::string weekMonday(const std::string& from, int week)
{
    if (!planning::isIsoDate(from) || week < 1)
        return "";
    const int d = planning::dayNumber(from);
    // dayNumber counts days; 1970-01-01 (day 0 of the civil count) was a Thursday.
    const int weekday = ((d % 7) + 7 + 3) % 7;  // 0 = Monday
    return planning::isoFromDay(d - weekday + (week - 1) * 7);
}

DeploymentPlan loadDeploymentPlan(const ProjectStore& store, const std::string& district)
{
    DeploymentPlan p;
    if (store.hasLayer("team_schedule_runs")) {
        const Layer runs = store.readLayer("team_schedule_runs");
        p.scheduleScenario = latestScenario(runs, &p.scheduleCreated);
        for (const auto& f : runs.features)
            if (runs.text(f, "scenario") == p.scheduleScenario && runs.text(f, "created") == p.scheduleCreated) {
                p.basesScenario = runs.text(f, "bases_scenario");
                p.from = runs.text(f, "from_date");
                p.to = runs.text(f, "to_date");
                p.teams = static_cast<int>(runs.integer(f, "teams"));  // all bases' teams together
                p.villagesPerDay = static_cast<int>(runs.integer(f, "villages_per_day"));
                p.lagWeeks = runs.real(f, "lag_weeks");
                p.villages = static_cast<int>(runs.integer(f, "villages"));
                p.unscheduled = static_cast<int>(runs.integer(f, "unscheduled"));
                p.finishDate = runs.text(f, "finish_date");
                p.teamDays = static_cast<int>(runs.integer(f, "team_days"));
                p.travelKm = runs.real(f, "travel_km");
                p.naiveFinishDate = runs.text(f, "naive_finish_date");
                p.naiveTeamDays = static_cast<int>(runs.integer(f, "naive_team_days"));
                p.naiveTravelKm = runs.real(f, "naive_travel_km");
            }
    }
    if (p.hasSchedule() && store.hasLayer("team_schedule")) {
        const Layer s = store.readLayer("team_schedule");
        for (const auto& f : s.features) {
            if (s.text(f, "scenario") != p.scheduleScenario)
                continue;
            DeploymentVisit v;
            v.villageCode = s.text(f, "village_code");
            v.villageName = s.text(f, "village_name");
            v.districtCode = s.text(f, "district_code");
            if (!district.empty() && v.districtCode != district)
                continue;
            v.rank = static_cast<int>(s.integer(f, "rank"));
            v.team = s.text(f, "team");
            v.baseCode = s.text(f, "base_commune_code");
            v.date = s.text(f, "visit_date");
            v.week = v.date.empty() ? 0 : static_cast<int>(s.integer(f, "week"));
            v.legKm = s.real(f, "leg_km");
            v.targetDate = s.text(f, "target_date");
            p.visits.push_back(std::move(v));
        }
        std::stable_sort(p.visits.begin(), p.visits.end(), [](const DeploymentVisit& a, const DeploymentVisit& b) {
            const bool ua = a.date.empty(), ub = b.date.empty();
            if (ua != ub)
                return ub;  // scheduled first
            if (ua)
                return a.rank < b.rank;
            return std::tie(a.date, a.team) < std::tie(b.date, b.team);
        });
    }
    if (store.hasLayer("team_bases")) {
        const Layer b = store.readLayer("team_bases");
        if (p.basesScenario.empty())
            p.basesScenario = latestScenario(b, &p.basesCreated);
        int scenarioBases = 0;
        for (const auto& f : b.features) {
            if (b.text(f, "scenario") != p.basesScenario)
                continue;
            ++scenarioBases;
            DeploymentBase base;
            base.communeCode = b.text(f, "commune_code");
            base.name = b.text(f, "name");
            base.districtCode = b.text(f, "district_code");
            if (!district.empty() && base.districtCode != district)
                continue;
            p.basesCreated = std::max(p.basesCreated, b.text(f, "created"));
            base.villages = static_cast<int>(b.integer(f, "villages"));
            base.households = b.real(f, "households");
            base.meanKm = b.real(f, "mean_km");
            base.maxKm = b.real(f, "max_km");
            if (!f.geom.isEmpty() && !f.geom.parts.empty() && !f.geom.parts[0].empty() && !f.geom.parts[0][0].empty())
                base.lonLat = f.geom.parts[0][0][0];
            p.bases.push_back(std::move(base));
        }
        // Teams per base: the schedule's teams over the scenario's bases (every base gets as many).
        if (p.teams > 0 && scenarioBases > 0) {
            p.teamsPerBase = p.teams / scenarioBases;
            for (auto& base : p.bases)
                base.teams = p.teamsPerBase;
        }
        std::sort(p.bases.begin(), p.bases.end(),
                  [](const DeploymentBase& a, const DeploymentBase& c) { return a.communeCode < c.communeCode; });
    }
    return p;
}

Table basesTable(const DeploymentPlan& p)
{
    Table t;
    t.columns = {{T("Base commune code")},
                 {T("Base")},
                 {T("District code")},
                 {T("Teams"), ColumnKind::Integer},
                 {T("Villages"), ColumnKind::Integer},
                 {T("Households"), ColumnKind::Integer},
                 {T("Mean road km"), ColumnKind::Real},
                 {T("Longest road km"), ColumnKind::Real}};
    for (const auto& b : p.bases)
        t.rows.push_back({b.communeCode, b.name, b.districtCode, b.teams > 0 ? std::to_string(b.teams) : "",
                          std::to_string(b.villages), number(b.households, 0), number(b.meanKm, 1), number(b.maxKm, 1)});
    return t;
}

Table scheduleTable(const DeploymentPlan& p)
{
    Table t;
    t.columns = {{T("Week"), ColumnKind::Integer},
                 {T("Date")},
                 {T("Team")},
                 {T("Base commune code")},
                 {T("Village code")},
                 {T("Village")},
                 {T("District code")},
                 {T("Rank"), ColumnKind::Integer},
                 {T("Road km to it"), ColumnKind::Real},
                 {T("Target date")}};
    for (const auto& v : p.visits)
        t.rows.push_back({v.week > 0 ? std::to_string(v.week) : "", v.date, v.team, v.baseCode, v.villageCode,
                          v.villageName, v.districtCode, std::to_string(v.rank), v.date.empty() ? "" : number(v.legKm, 1),
                          v.targetDate});
    return t;
}

Table weeksTable(const DeploymentPlan& p)
{
    Table t;
    t.columns = {{T("Week"), ColumnKind::Integer},
                 {T("Monday")},
                 {T("Last visit")},
                 {T("Villages visited"), ColumnKind::Integer},
                 {T("Teams out"), ColumnKind::Integer},
                 {T("Road km"), ColumnKind::Real},
                 {T("District codes")}};
    struct Week {
        int villages = 0;
        double km = 0;
        std::string last;
        std::set<std::string> teams, districts;
    };
    std::map<int, Week> weeks;
    for (const auto& v : p.visits) {
        if (v.week <= 0)
            continue;
        Week& w = weeks[v.week];
        ++w.villages;
        w.km += v.legKm;
        w.last = std::max(w.last, v.date);
        w.teams.insert(v.team);
        w.districts.insert(v.districtCode);
    }
    for (const auto& [n, w] : weeks) {
        std::string d;
        for (const auto& c : w.districts)
            d += (d.empty() ? "" : ", ") + c;
        t.rows.push_back({std::to_string(n), weekMonday(p.from, n), w.last, std::to_string(w.villages),
                          std::to_string(w.teams.size()), number(w.km, 1), d});
    }
    return t;
}

} // namespace bando::report
