// bando split PROJECT [--share OP=PCT]... [--tolerance PP] [--date D] [--time-limit S] [--scenario NAME]
//   [--no-store] [--json]
// Operators' shares of the gap villages (issue #11). Parses arguments into tasks::SplitRequest.
#include "cli/command.hpp"
#include "cli/console.hpp"
#include "cli/text_table.hpp"
#include "core/base/error.hpp"
#include "core/base/json.hpp"
#include "core/i18n/i18n.hpp"
#include "core/tasks/job.hpp"
#include "core/tasks/split_task.hpp"

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

namespace bando::cli {
namespace {

void printJson(const tasks::SplitResult& r)
{
    JsonWriter w(std::cout);
    w.beginObject();
    w.field("file", r.project).field("date", r.date).field("villages", r.villages).field("households", r.households);
    w.field("tolerance_pp", r.tolerancePp).field("objective_hh_km", r.objective).field("unconstrained_hh_km", r.unconstrained);
    w.field("optimal", r.optimal).field("seconds", r.seconds);
    if (!r.scenario.empty())
        w.field("scenario", r.scenario);
    w.key("operators").beginArray();
    for (const auto& o : r.operators)
        w.beginObject(true)
            .field("operator", o.op)
            .field("target_pct", o.targetPct)
            .field("achieved_pct", o.achievedPct)
            .field("villages", o.villages)
            .field("households", o.households)
            .field("mean_site_km", o.meanSiteKm)
            .field("mean_centre_km", o.meanCentreKm)
            .endObject();
    w.endArray();
    w.key("villages_by_operator").beginArray();
    for (const auto& v : r.assignment)
        w.beginObject(true)
            .field("code", v.code)
            .field("operator", v.op)
            .field("households", v.households)
            .field("site_km", v.siteKm)
            .endObject();
    w.endArray();
    w.strings("notes", r.notes);
    w.endObject();
}

void printText(const tasks::SplitResult& r)
{
    std::printf("%s: %d   %s: %.0f   ±%.1f pp\n", tr("Gap villages"), r.villages, tr("Households"), r.households,
                r.tolerancePp);
    using A = TextTable::Align;
    TextTable t;
    t.column(tr("Operator")).column(tr("Target %"), A::Right).column(tr("Share %"), A::Right);
    t.column(tr("Villages"), A::Right).column(tr("Households"), A::Right).column("site km", A::Right);
    t.column("centre km", A::Right);
    for (const auto& o : r.operators)
        t.row({o.op, TextTable::num("%.1f", o.targetPct), TextTable::num("%.1f", o.achievedPct), TextTable::num(o.villages),
               TextTable::num("%.0f", o.households), TextTable::num("%.1f", o.meanSiteKm),
               TextTable::num("%.1f", o.meanCentreKm)});
    t.print();
    if (!r.scenario.empty())
        std::printf("%s: operator_gap_villages, operator_gap_shares, %s '%s'\n", tr("Stored"), tr("scenario"),
                    r.scenario.c_str());
    for (const auto& n : r.notes)
        std::fprintf(stderr, "%s: %s\n", tr("note"), n.c_str());
}

int runSplit(const Args& a)
{
    a.allowOnly({"share", "tolerance", "date", "time-limit", "scenario", "no-store", "json"});
    if (a.positional.size() != 1)
        throw Error(ErrorKind::Usage, "", tr("expected one PROJECT file"));
    tasks::SplitRequest q;
    q.project = a.positional[0];
    q.date = a.get("date");
    q.scenario = a.get("scenario", q.scenario);
    q.store = !a.has("no-store");
    if (a.has("tolerance"))
        q.tolerancePp = parseNumber(a.get("tolerance"), "--tolerance");
    if (a.has("time-limit"))
        q.timeLimitSeconds = parseNumber(a.get("time-limit"), "--time-limit");
    if (a.has("share")) {
        q.shares.clear();
        for (const auto& [name, value] : a.options)
            if (name == "share") {
                const auto eq = value.find('=');
                if (eq == std::string::npos || eq == 0)
                    throw Error(ErrorKind::Usage, "--share", "expected OPERATOR=PERCENT, got '" + value + "'");
                q.shares.emplace_back(value.substr(0, eq), parseNumber(value.substr(eq + 1), "--share"));
            }
    }
    const auto result = tasks::runTask(q, consoleFeedback());
    if (a.has("json"))
        printJson(result);
    else
        printText(result);
    return ExitOk;
}

CommandRegistration reg({"split",
                         "split PROJECT [--share OPERATOR=PERCENT]... [--tolerance PP] [--date D] [--time-limit S] "
                         "[--scenario NAME] [--no-store] [--json]",
                         "Shares the no-signal and unstable villages among the operators so that each one's share of "
                         "the gap households is within +/-2 percentage points (--tolerance) of its market share "
                         "(default Viettel 56, VNPT 21, MobiFone 18, renormalised to 100 %), with the least household-"
                         "weighted distance to the operator's own sites (exact, CBC). Reports each group's mean "
                         "distance to its centre. Stores operator_gap_villages and operator_gap_shares. See "
                         "docs/OPTIMISATION.md.",
                         {"no-store", "json"}, runSplit});

} // namespace
} // namespace bando::cli
