// bando bases PROJECT --count P [--district CODE]... [--time-limit S] [--scenario NAME] [--no-store] [--json]
// Support-team bases by p-median on road distances (issue #11). Parses arguments into tasks::BasesRequest.
#include "cli/command.hpp"
#include "cli/console.hpp"
#include "cli/text_table.hpp"
#include "core/base/error.hpp"
#include "core/base/json.hpp"
#include "core/i18n/i18n.hpp"
#include "core/tasks/bases_task.hpp"
#include "core/tasks/job.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

namespace bando::cli {
namespace {

void printJson(const tasks::BasesResult& r)
{
    JsonWriter w(std::cout);
    w.beginObject();
    w.field("file", r.project).field("count", r.count).field("villages", r.villages).field("candidates", r.candidates);
    w.field("households", static_cast<int64_t>(std::llround(r.households))).field("objective_hh_km", r.objective).field("mean_km", r.meanKm);
    w.field("greedy_hh_km", r.greedyObjective).field("first_local_hh_km", r.firstLocalObjective);
    w.field("restarts", r.restarts).field("unreachable_villages", r.unreachable);
    w.field("optimal", r.optimal);
    if (r.boundComputed)
        w.field("lower_bound", r.lowerBound).field("gap", r.gap).field("bound_seconds", r.boundSeconds);
    w.field("matrix_seconds", r.matrixSeconds).field("solve_seconds", r.solveSeconds);
    if (!r.scenario.empty())
        w.field("scenario", r.scenario);
    w.key("bases").beginArray();
    for (const auto& b : r.bases)
        w.beginObject(true)
            .field("commune_code", b.communeCode)
            .field("name", b.name)
            .field("district_code", b.districtCode)
            .field("lon", b.lon)
            .field("lat", b.lat)
            .field("villages", b.villages)
            .field("households", static_cast<int64_t>(std::llround(b.households)))
            .field("mean_km", b.meanKm)
            .field("max_km", b.maxKm)
            .endObject();
    w.endArray();
    w.strings("notes", r.notes);
    w.endObject();
}

void printText(const tasks::BasesResult& r)
{
    std::printf("%s: %d   %s: %d   P = %d\n", tr("Villages"), r.villages, tr("Candidate communes"), r.candidates, r.count);
    std::printf("%s: %.1f km   (%s: %.0f, %s: %.0f %s)\n", tr("Mean road distance per household"), r.meanKm,
                tr("Greedy"), r.greedyObjective, tr("final"), r.objective, tr("household-km"));
    if (r.boundComputed)
        std::printf("%s: %.0f   %s: %.3f %%   %s: %s\n", tr("Lower bound"), r.lowerBound, tr("Gap"), 100 * r.gap,
                    tr("Optimal"), r.optimal ? tr("yes") : tr("no"));
    using A = TextTable::Align;
    TextTable t;
    t.column(tr("Code")).column(tr("Commune")).column(tr("Villages"), A::Right).column(tr("Households"), A::Right);
    t.column("km", A::Right).column("max km", A::Right);
    for (const auto& b : r.bases)
        t.row({b.communeCode, b.name, TextTable::num(b.villages), TextTable::num("%.0f", b.households),
               TextTable::num("%.1f", b.meanKm), TextTable::num("%.1f", b.maxKm)});
    t.print();
    if (!r.scenario.empty())
        std::printf("%s: team_bases, team_base_villages, %s '%s'\n", tr("Stored"), tr("scenario"), r.scenario.c_str());
    for (const auto& n : r.notes)
        std::fprintf(stderr, "%s: %s\n", tr("note"), n.c_str());
}

int runBases(const Args& a)
{
    a.allowOnly({"count", "district", "time-limit", "scenario", "no-store", "json", "bound-time", "bound-max-pairs"});
    if (a.positional.size() != 1)
        throw Error(ErrorKind::Usage, "", tr("expected one PROJECT file"));
    tasks::BasesRequest q;
    q.project = a.positional[0];
    q.count = static_cast<int>(parseNumber(a.require("count"), "--count"));
    if (a.has("time-limit"))
        q.timeLimitSeconds = parseNumber(a.get("time-limit"), "--time-limit");
    if (a.has("bound-time"))
        q.boundSeconds = parseNumber(a.get("bound-time"), "--bound-time");
    if (a.has("bound-max-pairs"))
        q.boundMaxPairs = static_cast<int>(parseNumber(a.get("bound-max-pairs"), "--bound-max-pairs"));
    q.scenario = a.get("scenario", q.scenario);
    q.store = !a.has("no-store");
    for (const auto& [name, value] : a.options)
        if (name == "district")
            q.districts.push_back(value);
    const auto result = tasks::runTask(q, consoleFeedback());
    if (a.has("json"))
        printJson(result);
    else
        printText(result);
    return ExitOk;
}

CommandRegistration reg({"bases",
                         "bases PROJECT --count P [--district CODE]... [--time-limit S] [--bound-time S] [--bound-max-pairs N] "
                         "[--scenario NAME] [--no-store] [--json]",
                         "Chooses P communes to base the support teams at (their seats), so that the household-"
                         "weighted road distance from every village to its nearest base is least (p-median: greedy + "
                         "vertex substitution with seeded restarts, on the analysis's road network). Stores the bases "
                         "in team_bases and each village's base in team_base_villages. See docs/OPTIMISATION.md.",
                         {"no-store", "json"}, runBases});

} // namespace
} // namespace bando::cli
