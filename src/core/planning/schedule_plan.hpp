#pragma once
// Support-team schedules (issue #11): which team visits which village on which working day.
// GUI-free and free of project types (indices, day numbers, kilometres); the request/job wrapper
// that reads the project, the ranking and the road network is tasks/schedule_task.hpp, the rules
// are in docs/OPTIMISATION.md ("Support-team schedules").
//
//   * Calendar: `days` are the working days in ascending order (the phase window, the working
//     weekdays, minus holidays); every visit falls on one of them.
//   * A team works from its base: every working day it leaves the base, visits up to
//     `villagesPerDay` villages (slots 0, 1, …; one village per slot, so a team is never in two
//     villages at once and with one village a day never in two villages on a day) and returns.
//     The day's travel is the road distance base → first → … → last → base.
//   * A village may only be visited on a day inside its window [earliest, latest] (day numbers,
//     inclusive) and is visited at most once; a village no team can reach, or whose window holds no
//     free slot, stays unscheduled (reported, never silently dropped).
//   * Planned rule (Mode::Planned): a team takes, as its day's first village, the best-ranked
//     eligible village of its own base; when its base has none left, the eligible village nearest
//     its base by road (ties by rank), i.e. it helps a neighbouring base. Further slots of the day
//     take, among the next `lookahead` eligible villages in rank order of the same base (any base
//     when helping), the nearest by road to the village just visited.
//   * Naive rule (Mode::Naive, the 2021 order): one list (phase-1 districts, then phase-2, villages
//     in code order, as given by `priority`); every working day the next eligible villages of the
//     list go, in list order, each to the team with room left whose base is nearest by road, until
//     every team is full: the order is the 2021 one, the dispatch is sensible.
#include "core/base/feedback.hpp"

#include <limits>
#include <vector>

namespace bando::planning {

struct ScheduleProblem {
    int villages = 0;
    std::vector<int> teamBase;      // per team: its base (0 .. bases-1)
    int bases = 0;
    std::vector<int> villageBase;   // per village: its own base (-1: none; the planned rule then only helps)
    std::vector<int> priority;      // per village: position in the visiting order (lower first, distinct)
    std::vector<int> earliest, latest;  // per village: window, day numbers inclusive
    std::vector<double> baseKm;     // bases × villages, row-major, road km (+inf: not reachable)
    std::vector<double> villageKm;  // villages × villages road km; may be empty when villagesPerDay == 1
    std::vector<int> days;          // working days, ascending day numbers
    int villagesPerDay = 1;
    int lookahead = 8;

    double baseAt(int b, int v) const { return baseKm[static_cast<size_t>(b) * static_cast<size_t>(villages) + static_cast<size_t>(v)]; }
    double villageAt(int a, int b) const
    {
        return villageKm[static_cast<size_t>(a) * static_cast<size_t>(villages) + static_cast<size_t>(b)];
    }
};

struct ScheduleVisit {
    int village = 0, team = 0, day = 0, slot = 0;
    double legKm = 0;  // the road km driven to reach it (from the base or the previous village)
};

struct ScheduleSolution {
    std::vector<ScheduleVisit> visits;  // in (day, team, slot) order
    std::vector<int> unscheduled;       // village indices, ascending
    double travelKm = 0;                // Σ day round trips
    int teamDays = 0;                   // (team, day) pairs with at least one visit
    int finishDay = std::numeric_limits<int>::min();  // the last visit's day (min() when none)
    int helpVisits = 0;                 // visits by a team to a village of another base
};

enum class ScheduleMode { Planned, Naive };

// Throws bando::Error(Usage) on inconsistent sizes; CancelledError when `fb` (may be null) is
// cancelled (polled once per working day).
ScheduleSolution planSchedule(const ScheduleProblem& p, ScheduleMode mode, const Feedback* fb = nullptr);

} // namespace bando::planning
