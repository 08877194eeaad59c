#pragma once
// Schedule: week-by-week plan of the district support teams (issue #11; `bando schedule`, the
// app's Planning → Schedule). Teams are based at the bases of a `bando bases` scenario (`teams`
// per base); every village is visited once, in the order of the team ranking preset
// (`bando rank --preset team`) where possible, with travel on the analysis's road network, inside
// the phase window and the villages' windows, on working weekdays that are not holidays, at most
// `villagesPerDay` villages per team and day (planning/schedule_plan.hpp has the rules). The same
// teams, calendar and capacity also run the naive 2021 order (phase-1 districts, then phase-2,
// villages in code order) for comparison. Stored as the scenario's rows of team_schedule,
// team_schedule_districts and team_schedule_runs (one transaction). See docs/OPTIMISATION.md.
#include "core/base/feedback.hpp"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace bando::tasks {

struct ScheduleRequest {
    std::string project;
    int teams = 5;                       // --teams N: teams per base (20–30 staff per district, 4–5 per team)
    std::string from = "2021-07-20";     // --from DATE (alias --start): first day of the window
    std::string to = "2021-12-20";       // --to DATE: last day of the window
    std::vector<int> workdays{1, 2, 3, 4, 5};  // --workdays 1-5 | 1,2,3,4,5,6 (ISO weekdays, 1 = Monday)
    std::vector<std::string> holidays;   // --holiday DATE (repeatable)
    std::string holidaysFile;            // --holidays FILE: CSV with a `date` column (YYYY-MM-DD)
    std::map<std::string, std::pair<std::string, std::string>> windows;  // --window DISTRICT=FROM..TO
    int villagesPerDay = 1;              // --per-day N: villages a team visits in a day
    int lookahead = 8;                   // --lookahead N: ranked villages a day's later stops choose among
    double lagWeeks = 8;                 // --lag-weeks W: a visited village reaches its target W weeks later
    std::string basesScenario = "bases"; // --bases-scenario NAME: the team_bases scenario
    std::string preset = "team";         // --preset: the ranking preset giving the order
    std::string date;                    // --date: indicators date of the ranking ("" = latest)
    std::vector<std::string> districts;  // --district CODE (repeatable): only these districts' villages
    std::string scenario = "schedule";   // --scenario NAME
    bool store = true;                   // --no-store
    void validate() const;
};

struct ScheduledVisit {
    std::string villageCode, villageName, districtCode;
    int rank = 0;             // in the ranking (1 = first)
    std::string team;         // "<base commune code>-<k>"; empty when unscheduled
    std::string baseCode;     // the team's base commune
    std::string date;         // ISO; empty when unscheduled
    int week = 0;             // 1 = the week (Monday to Sunday) holding `from`
    int slot = 0;             // 0 = the day's first village
    double legKm = 0;         // road km driven to reach it
    std::string targetDate;   // date + lag weeks
    double lon = 0, lat = 0;  // the village's label point (project CRS)
};

struct SchedulePlanSummary {
    std::string finishDate;  // the last visit ("" when none)
    int weeks = 0;           // weeks from `from`'s week to the finish
    int teamDays = 0, scheduled = 0, unscheduled = 0, helpVisits = 0;
    double travelKm = 0;
};

struct DistrictSchedule {
    std::string code;
    int villages = 0, unscheduled = 0;
    std::string lastVisit, targetDate, naiveLastVisit, naiveTargetDate;
};

struct ScheduleResult {
    std::string project, scenario, basesScenario, rankDate, preset, from, to;
    int bases = 0, teams = 0, villages = 0, workingDays = 0, villagesPerDay = 1;
    double lagWeeks = 0;
    SchedulePlanSummary planned, naive;
    std::vector<ScheduledVisit> visits;  // by date, team, slot; then the unscheduled villages by rank
    std::vector<DistrictSchedule> districts;
    double matrixSeconds = 0, solveSeconds = 0;
    std::vector<std::string> notes;
};

ScheduleResult run(const ScheduleRequest& request, Feedback& fb);

// Parses "--workdays": "1-5", "1,2,3,4,5,6", "1-3,5" (ISO weekdays 1 = Monday … 7 = Sunday).
std::vector<int> parseWorkdays(const std::string& spec);
// Parses "--window DISTRICT=FROM..TO".
std::pair<std::string, std::pair<std::string, std::string>> parseWindow(const std::string& spec);

} // namespace bando::tasks
