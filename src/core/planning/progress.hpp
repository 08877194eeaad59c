#pragma once
// Progress at every level at a date, and the forecast (issue #10).
//
// Progress: counts at the end of a date — shops opened, e-payment accounts opened, locomotive
// households (from the `shops` layer's dates), community technology teams formed and the villages
// whose team meets the rule (3–5 members, >= 2 trained) — for every village, commune, district
// and the province, against the households and the targets (TargetTable::resolve). A target
// count is ceil(pct / 100 × households) per village, summed over the villages of a unit, so the
// levels add up.
//
// Forecast: the date a series reaches a target at its recent pace. The series is a list of dated
// cumulative values (the shops layer gives one point per day with events; reports one per
// report). At the date D: the current point is the last point on or before D (value V, day Dv);
// the base point is the last point on or before D − window (when the series starts later, its
// first point) (value B, day Db). pace = (V − B) / (Dv − Db). Reached already (V >= target): the
// first day the series reached it. Pace > 0: Dv + ceil((target − V) / pace). Otherwise — no
// growth since the base point, including a place with no new point for the whole window — "not
// at this pace".
#include "core/model/layer.hpp"
#include "core/planning/targets.hpp"

#include <map>
#include <string>
#include <vector>

namespace bando::planning {

struct ProgressCounts {
    int64_t households = 0, shops = 0, accounts = 0, locomotives = 0;
    int64_t teams = 0, villages = 0, villagesWithTeam = 0, villagesTeamRuleMet = 0;
    int64_t targetShops = 0, targetAccounts = 0, targetLocomotives = 0;  // households the targets ask for
};

struct PlaceProgress {
    std::string level;  // province | district | commune | village
    std::string code, name, parent;
    EffectiveTarget target;  // village: its own; higher levels: the unit's own row (resolve without lower codes)
    ProgressCounts c;
};

struct ProgressInput {
    const Layer* districts = nullptr;
    const Layer* communes = nullptr;
    const Layer* villages = nullptr;  // required
    const Layer* shops = nullptr;
    const Layer* teams = nullptr;
    const TargetTable* targets = nullptr;
    std::string provinceCode = "20";
};

// Province first, then districts, communes and villages, each by code.
std::vector<PlaceProgress> progressAt(const ProgressInput& in, const std::string& date);

struct SeriesPoint {
    int day = 0;       // dayNumber()
    double value = 0;  // cumulative count at the end of that day
};
// The cumulative series of event days (one point per day with events).
std::vector<SeriesPoint> cumulativeSeries(std::vector<int> eventDays);

enum class ForecastStatus { Reached, OnPace, NotAtThisPace, NoData };
const char* forecastStatusName(ForecastStatus s);  // reached | on_pace | not_at_this_pace | no_data

struct Forecast {
    ForecastStatus status = ForecastStatus::NoData;
    double current = 0, target = 0;
    double pace = 0;           // per day over the window
    int baseDay = 0;           // the base point's day
    double baseValue = 0;
    int day = 0;               // Reached: the first day at or above the target; OnPace: the forecast day
};

// `series` sorted by day (equal days allowed: the last value of a day counts).
Forecast forecast(const std::vector<SeriesPoint>& series, int asOfDay, double target, int windowDays);

} // namespace bando::planning
