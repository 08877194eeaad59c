// bando progress PROJECT [--date D] [--window DAYS] [--source shops|reports] [--level L]... [--scenario NAME]
//   [--store] [--json | --csv FILE]
// The program's progress at every level at a date and the forecast of each target (issue #10).
// See docs/PLANNING.md.
#include "cli/command.hpp"
#include "cli/console.hpp"
#include "core/base/error.hpp"
#include "core/base/json.hpp"
#include "core/io/csv_util.hpp"
#include "core/i18n/i18n.hpp"
#include "core/tasks/job.hpp"
#include "core/tasks/progress_task.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <string>

namespace bando::cli {
namespace {

double pct(int64_t n, int64_t of) { return of > 0 ? 100.0 * static_cast<double>(n) / static_cast<double>(of) : 0.0; }

void printJson(const tasks::ProgressResult& r)
{
    JsonWriter w(std::cout);
    w.beginObject();
    w.field("file", r.project).field("date", r.date).field("source", r.source).field("window_days", r.windowDays);
    w.field("stored", r.stored);
    if (!r.scenario.empty())
        w.field("scenario", r.scenario);
    w.key("places").beginArray();
    for (const auto& p : r.places) {
        const auto& c = p.c;
        w.beginObject(true)
            .field("level", p.level)
            .field("code", p.code)
            .field("name", p.name)
            .field("parent", p.parent)
            .field("households", c.households)
            .field("shops", c.shops)
            .field("accounts", c.accounts)
            .field("locomotives", c.locomotives)
            .field("teams", c.teams)
            .field("villages", c.villages)
            .field("villages_with_team", c.villagesWithTeam)
            .field("villages_team_rule_met", c.villagesTeamRuleMet)
            .field("target_shop_pct", p.target.shopPct)
            .field("target_epay_pct", p.target.epayPct)
            .field("target_locomotive_pct", p.target.locomotivePct)
            .field("target_shops", c.targetShops)
            .field("target_accounts", c.targetAccounts)
            .field("target_locomotives", c.targetLocomotives)
            .field("shop_pct", pct(c.shops, c.households))
            .field("epay_pct", pct(c.accounts, c.households))
            .field("locomotive_pct", pct(c.locomotives, c.households))
            .endObject();
    }
    w.endArray();
    w.key("forecasts").beginArray();
    for (const auto& t : r.forecasts) {
        w.beginObject(true)
            .field("level", t.level)
            .field("code", t.code)
            .field("name", t.name)
            .field("measure", t.measure)
            .field("status", planning::forecastStatusName(t.forecast.status))
            .field("current", t.forecast.current)
            .field("target", t.forecast.target)
            .field("pace_per_day", t.forecast.pace)
            .field("date", t.date)
            .field("phase_end", t.phaseEnd)
            .field("late", t.late)
            .endObject();
    }
    w.endArray();
    w.strings("notes", r.notes, true);
    w.endObject();
}

// One row per place (the levels asked for) with its counts, targets and, for the province and
// the districts, the forecast date of each target ("" = not at this pace or no data).
void writeCsv(const tasks::ProgressResult& r, const std::string& path)
{
    std::ofstream o(path, std::ios::binary);
    if (!o)
        throw Error(ErrorKind::Io, path, tr("cannot write file"));
    std::map<std::pair<std::string, std::string>, const tasks::TargetForecast*> fc;
    for (const auto& t : r.forecasts)
        fc[{t.level + ":" + t.code, t.measure}] = &t;
    auto forecast = [&](const planning::PlaceProgress& p, const char* measure) -> std::string {
        auto it = fc.find({p.level + ":" + p.code, measure});
        if (it == fc.end())
            return ",";
        return std::string(planning::forecastStatusName(it->second->forecast.status)) + "," + it->second->date;
    };
    o << "date,source,scenario,level,code,name,parent,households,shops,accounts,locomotives,teams,villages,"
         "villages_team_rule_met,target_shop_pct,target_epay_pct,target_locomotive_pct,target_shops,target_accounts,"
         "target_locomotives,shop_pct,epay_pct,locomotive_pct,shops_status,shops_date,accounts_status,accounts_date,"
         "locomotives_status,locomotives_date\n";
    for (const auto& p : r.places) {
        const auto& c = p.c;
        o << r.date << ',' << r.source << ',' << io::csvField(r.scenario) << ',' << p.level << ',' << io::csvField(p.code)
          << ',' << io::csvField(p.name) << ',' << io::csvField(p.parent) << ',' << c.households << ',' << c.shops << ','
          << c.accounts << ',' << c.locomotives << ',' << c.teams << ',' << c.villages << ',' << c.villagesTeamRuleMet
          << ',' << p.target.shopPct << ',' << p.target.epayPct << ',' << p.target.locomotivePct << ',' << c.targetShops
          << ',' << c.targetAccounts << ',' << c.targetLocomotives << ',' << pct(c.shops, c.households) << ','
          << pct(c.accounts, c.households) << ',' << pct(c.locomotives, c.households) << ',' << forecast(p, "shops") << ','
          << forecast(p, "accounts") << ',' << forecast(p, "locomotives") << '\n';
    }
    if (!o)
        throw Error(ErrorKind::Io, path, tr("cannot write file"));
}

void printTable(const tasks::ProgressResult& r)
{
    if (!r.scenario.empty())
        std::printf("%s: %s\n", tr("Scenario"), r.scenario.c_str());
    std::printf("%s: %s   %s: %s\n", tr("Project"), r.project.c_str(), tr("Date"), r.date.c_str());
    std::printf("%-9s %-7s %s %9s %9s %6s %9s %6s %7s %6s\n", tr("Level"), tr("Code"), padRight(tr("Name"), 24).c_str(),
                tr("HH"), "shops", "%", "accounts", "%", "loco", "%");
    for (const auto& p : r.places) {
        if (p.level == "village" || p.level == "commune")
            continue;
        const auto& c = p.c;
        std::printf("%-9s %-7s %s %9lld %9lld %6.1f %9lld %6.1f %7lld %6.1f\n", p.level.c_str(), p.code.c_str(),
                    padRight(p.name, 24).c_str(), static_cast<long long>(c.households), static_cast<long long>(c.shops),
                    pct(c.shops, c.households), static_cast<long long>(c.accounts), pct(c.accounts, c.households),
                    static_cast<long long>(c.locomotives), pct(c.locomotives, c.households));
    }
    std::printf("\n%s (%s, %d %s)\n", tr("Forecast at the recent pace"), r.source.c_str(), r.windowDays, tr("days"));
    for (const auto& t : r.forecasts) {
        const std::string when = t.forecast.status == planning::ForecastStatus::NotAtThisPace ? tr("not at this pace")
                                 : t.forecast.status == planning::ForecastStatus::NoData     ? tr("no data")
                                 : t.forecast.status == planning::ForecastStatus::Reached ? std::string(tr("reached")) + " " + t.date
                                                                                           : t.date;
        std::printf("%-9s %-7s %s %-12s %9.0f / %-9.0f %8.1f/%s  %s%s\n", t.level.c_str(), t.code.c_str(),
                    padRight(t.name, 24).c_str(), t.measure.c_str(), t.forecast.current, t.forecast.target,
                    t.forecast.pace, tr("day"), when.c_str(), t.late ? ("  [" + std::string(tr("after the phase end")) + " " + t.phaseEnd + "]").c_str() : "");
    }
    for (const auto& n : r.notes)
        std::fprintf(stderr, "%s: %s\n", tr("note"), n.c_str());
}

int runProgress(const Args& a)
{
    a.allowOnly({"date", "window", "source", "level", "scenario", "json", "csv", "store"});
    if (a.positional.size() != 1)
        throw Error(ErrorKind::Usage, "", tr("expected one PROJECT file"));
    if (a.has("json") && a.has("csv"))
        throw Error(ErrorKind::Usage, "--csv", tr("choose one of --json and --csv"));
    tasks::ProgressRequest q;
    q.project = a.positional[0];
    q.scenario = a.get("scenario");
    q.date = a.get("date");
    q.source = a.get("source", q.source);
    q.store = a.has("store");
    if (a.has("window")) {
        const std::string v = a.get("window");
        char* end = nullptr;
        q.windowDays = static_cast<int>(std::strtol(v.c_str(), &end, 10));
        if (v.empty() || *end != '\0')
            throw Error(ErrorKind::Usage, "--window", "expected a number of days, got '" + v + "'");
    }
    std::vector<std::string> levels;
    for (const auto& [name, value] : a.options)
        if (name == "level")
            levels.push_back(value);
    if (!levels.empty())
        q.levels = levels;
    const auto result = tasks::runTask(q, consoleFeedback());
    if (a.has("json"))
        printJson(result);
    else if (a.has("csv")) {
        writeCsv(result, a.get("csv"));
        std::printf("%s: %zu → %s\n", tr("Places"), result.places.size(), a.get("csv").c_str());
    } else
        printTable(result);
    return ExitOk;
}

CommandRegistration reg({"progress",
                         "progress PROJECT [--date YYYY-MM-DD] [--window DAYS] [--source shops|reports] "
                         "[--level province|district|commune|village]... [--scenario NAME] [--store] [--json | --csv FILE]",
                         "The program's progress at a date at every level (shops, e-payment accounts, locomotive "
                         "households, community technology teams) against the households and the targets, and the "
                         "date each district and the province reach each target at the pace of the last --window "
                         "days (default 28), or \"not at this pace\". --source reports reads the dated district "
                         "figures (bando import-list --kind progress) instead of the shops layer. --store writes the "
                         "levels and forecasts to progress_levels and progress_forecasts (replacing those of the same "
                         "date and source). --scenario NAME measures against a target scenario (bando targets "
                         "--scenario). --csv FILE writes one row per place with its forecast dates. See docs/PLANNING.md.",
                         {"json", "store"}, runProgress});

} // namespace
} // namespace bando::cli
