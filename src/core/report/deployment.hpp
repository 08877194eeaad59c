#pragma once
// The deployment plan's team bases and week-by-week schedule (issue #12, report --kind plan), read
// from what planning core II stored: team_bases (`bando bases`), team_schedule,
// team_schedule_districts and team_schedule_runs (`bando schedule`). The latest schedule run is
// reported with the bases scenario it was made from; without a schedule, the latest bases
// scenario. Nothing stored: empty (the report says so and how to make them).
#include "core/model/geometry.hpp"
#include "core/report/table_file.hpp"

#include <string>
#include <vector>

namespace bando {
class ProjectStore;
}

namespace bando::report {

struct DeploymentBase {
    std::string communeCode, name, districtCode;
    int villages = 0, teams = 0;
    double households = 0, meanKm = 0, maxKm = 0;
    XY lonLat;  // WGS 84 (as stored)
};

struct DeploymentVisit {
    int week = 0;  // 0 = unscheduled
    std::string date, team, baseCode, villageCode, villageName, districtCode, targetDate;
    int rank = 0;
    double legKm = 0;
};

struct DeploymentPlan {
    std::string basesScenario, basesCreated;
    std::string scheduleScenario, scheduleCreated, from, to, finishDate, naiveFinishDate;
    int teams = 0, teamsPerBase = 0, villagesPerDay = 0, villages = 0, unscheduled = 0, teamDays = 0, naiveTeamDays = 0;
    double travelKm = 0, naiveTravelKm = 0, lagWeeks = 0;
    std::vector<DeploymentBase> bases;    // by commune code
    std::vector<DeploymentVisit> visits;  // by week, date, team, slot; the unscheduled last (by rank)
    bool hasBases() const { return !bases.empty(); }
    bool hasSchedule() const { return !scheduleScenario.empty(); }
};

// The stored plan; `district` ("" = all) keeps that district's bases and visits.
DeploymentPlan loadDeploymentPlan(const ProjectStore& store, const std::string& district = "");

// Base commune code, base, district code, teams, villages, households, mean and max road km.
Table basesTable(const DeploymentPlan& p);
// One row per visit: week, date, team, base commune code, village code, village, district code,
// rank, road km driven to it, target date (unscheduled: no week, date or team).
Table scheduleTable(const DeploymentPlan& p);
// One row per week: week, Monday, last visit day, villages visited, teams out, road km, districts.
Table weeksTable(const DeploymentPlan& p);

// The monday (ISO date) of the week `week` of a schedule starting on `from` (week 1 holds `from`).
std::string weekMonday(const std::string& from, int week);

} // namespace bando::report
