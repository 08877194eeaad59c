// bando schedule PROJECT [--teams N] [--from DATE] [--to DATE] [--workdays SPEC] [--holiday DATE]...
//   [--holidays FILE] [--window DISTRICT=FROM..TO]... [--per-day N] [--lookahead N] [--lag-weeks W]
//   [--bases-scenario NAME] [--preset NAME] [--date DATE] [--district CODE]... [--scenario NAME] [--no-store]
//   [--json] [--csv FILE]
// Week-by-week support-team schedule (issue #11). Parses arguments into tasks::ScheduleRequest.
#include "cli/command.hpp"
#include "cli/console.hpp"
#include "cli/text_table.hpp"
#include "core/base/error.hpp"
#include "core/base/json.hpp"
#include "core/i18n/i18n.hpp"
#include "core/io/csv_util.hpp"
#include "core/tasks/job.hpp"
#include "core/tasks/schedule_task.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <utility>

namespace bando::cli {
namespace {

void planJson(JsonWriter& w, const char* key, const tasks::SchedulePlanSummary& s)
{
    w.key(key).beginObject();
    w.field("finish_date", s.finishDate).field("weeks", s.weeks).field("team_days", s.teamDays);
    w.field("travel_km", s.travelKm).field("scheduled", s.scheduled).field("unscheduled", s.unscheduled);
    w.field("visits_away_from_base", s.helpVisits);
    w.endObject();
}

void printJson(const tasks::ScheduleResult& r)
{
    JsonWriter w(std::cout);
    w.beginObject();
    w.field("file", r.project).field("rank_date", r.rankDate).field("preset", r.preset);
    w.field("bases_scenario", r.basesScenario).field("from", r.from).field("to", r.to);
    w.field("bases", r.bases).field("teams", r.teams).field("villages", r.villages);
    w.field("working_days", r.workingDays).field("villages_per_day", r.villagesPerDay).field("lag_weeks", r.lagWeeks);
    w.field("matrix_seconds", r.matrixSeconds).field("solve_seconds", r.solveSeconds);
    if (!r.scenario.empty())
        w.field("scenario", r.scenario);
    planJson(w, "planned", r.planned);
    planJson(w, "naive", r.naive);
    w.key("difference").beginObject();
    w.field("team_days", r.naive.teamDays - r.planned.teamDays);
    w.field("travel_km", r.naive.travelKm - r.planned.travelKm);
    w.field("weeks", r.naive.weeks - r.planned.weeks);
    w.endObject();
    w.key("districts").beginArray();
    for (const auto& d : r.districts)
        w.beginObject(true)
            .field("district_code", d.code)
            .field("villages", d.villages)
            .field("unscheduled", d.unscheduled)
            .field("last_visit", d.lastVisit)
            .field("target_date", d.targetDate)
            .field("naive_last_visit", d.naiveLastVisit)
            .field("naive_target_date", d.naiveTargetDate)
            .endObject();
    w.endArray();
    w.key("visits").beginArray();
    for (const auto& v : r.visits)
        w.beginObject(true)
            .field("village_code", v.villageCode)
            .field("district_code", v.districtCode)
            .field("rank", v.rank)
            .field("team", v.team)
            .field("date", v.date)
            .field("week", v.week)
            .field("slot", v.slot)
            .field("leg_km", v.legKm)
            .field("target_date", v.targetDate)
            .endObject();
    w.endArray();
    w.strings("notes", r.notes);
    w.endObject();
}

void printText(const tasks::ScheduleResult& r)
{
    std::printf("%s: %d   %s: %d (%d %s)   %s: %s .. %s (%d %s)\n", tr("Villages"), r.villages, tr("Support teams"), r.teams,
                r.bases, tr("bases"), tr("Window"), r.from.c_str(), r.to.c_str(), r.workingDays, tr("working days"));
    using A = TextTable::Align;
    TextTable plans;
    plans.column("").column(tr("Finish")).column(tr("Weeks"), A::Right).column(tr("Team-days"), A::Right);
    plans.column(tr("Travel km"), A::Right).column(tr("Unscheduled"), A::Right);
    for (const auto& [label, s] : {std::make_pair(tr("Planned"), &r.planned), std::make_pair(tr("Naive 2021"), &r.naive)})
        plans.row({label, s->finishDate, TextTable::num(s->weeks), TextTable::num(s->teamDays),
                   TextTable::num("%.0f", s->travelKm), TextTable::num(s->unscheduled)});
    plans.print();
    std::map<int, int> perWeek;
    for (const auto& v : r.visits)
        if (!v.date.empty())
            ++perWeek[v.week];
    std::printf("%s:", tr("Villages per week"));
    for (const auto& [week, count] : perWeek)
        std::printf(" %d:%d", week, count);
    std::printf("\n");
    TextTable districts;
    districts.column(tr("District")).column(tr("Villages"), A::Right).column(tr("Last visit")).column(tr("Target date"));
    districts.column(tr("Naive target"));
    for (const auto& d : r.districts)
        districts.row({d.code, TextTable::num(d.villages), d.lastVisit, d.targetDate, d.naiveTargetDate});
    districts.print();
    if (!r.scenario.empty())
        std::printf("%s: team_schedule, team_schedule_districts, team_schedule_runs, %s '%s'\n", tr("Stored"),
                    tr("scenario"), r.scenario.c_str());
    for (const auto& n : r.notes)
        std::fprintf(stderr, "%s: %s\n", tr("note"), n.c_str());
}

void writeCsv(const std::string& path, const tasks::ScheduleResult& r)
{
    std::ofstream out(path, std::ios::binary);
    if (!out)
        throw Error(ErrorKind::Io, path, "cannot be written");
    out << "village_code,village_name,district_code,rank,team,base_commune_code,date,week,slot,leg_km,target_date\n";
    for (const auto& v : r.visits) {
        char km[32] = "";
        if (!v.date.empty())
            std::snprintf(km, sizeof km, "%.3f", v.legKm);
        out << io::csvField(v.villageCode) << ',' << io::csvField(v.villageName) << ',' << io::csvField(v.districtCode)
            << ',' << v.rank << ',' << io::csvField(v.team) << ',' << io::csvField(v.baseCode) << ',' << v.date << ','
            << (v.date.empty() ? std::string() : std::to_string(v.week)) << ','
            << (v.date.empty() ? std::string() : std::to_string(v.slot)) << ',' << km << ',' << v.targetDate << '\n';
    }
    out.close();
    if (!out)
        throw Error(ErrorKind::Io, path, "write failed");
}

int runSchedule(const Args& a)
{
    a.allowOnly({"teams", "from", "start", "to", "workdays", "holiday", "holidays", "window", "per-day", "lookahead",
                 "lag-weeks", "bases-scenario", "preset", "date", "district", "scenario", "no-store", "json", "csv"});
    if (a.positional.size() != 1)
        throw Error(ErrorKind::Usage, "", tr("expected one PROJECT file"));
    tasks::ScheduleRequest q;
    q.project = a.positional[0];
    if (a.has("teams"))
        q.teams = static_cast<int>(parseNumber(a.get("teams"), "--teams"));
    if (a.has("from") && a.has("start"))
        throw Error(ErrorKind::Usage, "--start", "give --from or --start, not both");
    q.from = a.get("from", a.get("start", q.from));
    q.to = a.get("to", q.to);
    if (a.has("workdays"))
        q.workdays = tasks::parseWorkdays(a.get("workdays"));
    q.holidaysFile = a.get("holidays");
    if (a.has("per-day"))
        q.villagesPerDay = static_cast<int>(parseNumber(a.get("per-day"), "--per-day"));
    if (a.has("lookahead"))
        q.lookahead = static_cast<int>(parseNumber(a.get("lookahead"), "--lookahead"));
    if (a.has("lag-weeks"))
        q.lagWeeks = parseNumber(a.get("lag-weeks"), "--lag-weeks");
    q.basesScenario = a.get("bases-scenario", q.basesScenario);
    q.preset = a.get("preset", q.preset);
    q.date = a.get("date");
    q.scenario = a.get("scenario", q.scenario);
    q.store = !a.has("no-store");
    for (const auto& [name, value] : a.options) {
        if (name == "holiday")
            q.holidays.push_back(value);
        else if (name == "district")
            q.districts.push_back(value);
        else if (name == "window") {
            const auto w = tasks::parseWindow(value);
            q.windows[w.first] = w.second;
        }
    }
    const auto result = tasks::runTask(q, consoleFeedback());
    if (a.has("csv"))
        writeCsv(a.get("csv"), result);
    if (a.has("json"))
        printJson(result);
    else
        printText(result);
    return ExitOk;
}

CommandRegistration reg({"schedule",
                         "schedule PROJECT [--teams N] [--from DATE] [--to DATE] [--workdays 1-5] [--holiday DATE]... "
                         "[--holidays FILE] [--window DISTRICT=FROM..TO]... [--per-day N] [--lag-weeks W] "
                         "[--bases-scenario NAME] [--district CODE]... [--scenario NAME] [--no-store] [--json] "
                         "[--csv FILE]",
                         "Plans which support team visits which village on which working day: N teams at each base of "
                         "a bando bases scenario, villages in the team ranking's order with short road travel, inside "
                         "the window, on working weekdays that are not holidays, a day's capacity per team. Compares "
                         "with the naive 2021 order (phase-1 districts, then phase-2, villages by code) and stores "
                         "team_schedule, team_schedule_districts and team_schedule_runs. See docs/OPTIMISATION.md.",
                         {"no-store", "json"}, runSchedule});

} // namespace
} // namespace bando::cli
