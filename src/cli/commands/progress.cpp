// bando progress PROJECT [--date D] [--window DAYS] [--source shops|reports] [--level L]... [--store] [--json]
// The program's progress at every level at a date and the forecast of each target (issue #10).
// See docs/PLANNING.md.
#include "cli/command.hpp"
#include "cli/console.hpp"
#include "core/base/error.hpp"
#include "core/base/json.hpp"
#include "core/i18n/i18n.hpp"
#include "core/tasks/job.hpp"
#include "core/tasks/progress_task.hpp"

#include <cstdio>
#include <cstdlib>
#include <iostream>
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

void printTable(const tasks::ProgressResult& r)
{
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
    a.allowOnly({"date", "window", "source", "level", "json", "store"});
    if (a.positional.size() != 1)
        throw Error(ErrorKind::Usage, "", tr("expected one PROJECT file"));
    tasks::ProgressRequest q;
    q.project = a.positional[0];
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
    else
        printTable(result);
    return ExitOk;
}

CommandRegistration reg({"progress",
                         "progress PROJECT [--date YYYY-MM-DD] [--window DAYS] [--source shops|reports] "
                         "[--level province|district|commune|village]... [--store] [--json]",
                         "The program's progress at a date at every level (shops, e-payment accounts, locomotive "
                         "households, community technology teams) against the households and the targets, and the "
                         "date each district and the province reach each target at the pace of the last --window "
                         "days (default 28), or \"not at this pace\". --source reports reads the dated district "
                         "figures (bando import-list --kind progress) instead of the shops layer. --store writes the "
                         "levels and forecasts to progress_levels and progress_forecasts (replacing those of the same "
                         "date and source). See docs/PLANNING.md.",
                         {"json", "store"}, runProgress});

} // namespace
} // namespace bando::cli
