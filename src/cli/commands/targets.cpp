// bando targets PROJECT [--defaults [--force] [--loc-binh-pct P]] [--set SCOPE:CODE:FIELD=VALUE]...
//   [--unset SCOPE:CODE]... [--phase N:START:END:D1,D2,...]... [--scenario NAME] [--json | --csv FILE]
// The program's targets and phases stored in the project (issue #10). See docs/PLANNING.md.
#include "cli/command.hpp"
#include "cli/console.hpp"
#include "core/base/error.hpp"
#include "core/base/json.hpp"
#include "core/io/csv_util.hpp"
#include "core/i18n/i18n.hpp"
#include "core/tasks/job.hpp"
#include "core/tasks/targets_task.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

namespace bando::cli {
namespace {

void printJson(const tasks::TargetsResult& r)
{
    JsonWriter w(std::cout);
    w.beginObject();
    w.field("file", r.project).field("changed", r.changed);
    if (!r.scenario.empty())
        w.field("scenario", r.scenario);
    w.key("targets").beginArray();
    for (const auto& t : r.table.rows) {
        w.beginObject(true)
            .field("scope", t.scope)
            .field("code", t.code)
            .field("shop_pct", t.shopPct)
            .field("epay_pct", t.epayPct)
            .field("locomotive_pct", t.locomotivePct);
        if (t.householdsClaimed)
            w.field("households_claimed", *t.householdsClaimed);
        w.field("source", t.source);
        w.endObject();
    }
    w.endArray();
    w.key("phases").beginArray();
    for (const auto& p : r.table.phases)
        w.beginObject(true).field("phase", p.phase).field("district_code", p.district).field("start", p.start).field("end", p.end).endObject();
    w.endArray();
    w.key("places").beginArray();
    for (const auto& p : r.places) {
        w.beginObject(true)
            .field("level", p.level)
            .field("code", p.code)
            .field("name", p.name)
            .field("parent", p.parent)
            .field("shop_pct", p.target.shopPct)
            .field("epay_pct", p.target.epayPct)
            .field("locomotive_pct", p.target.locomotivePct)
            .field("target_from", p.target.scope + (p.target.code.empty() ? "" : ":" + p.target.code))
            .field("phase", p.phase)
            .field("phase_start", p.phaseStart)
            .field("phase_end", p.phaseEnd)
            .field("households", p.households)
            .field("target_shops", p.targetShops)
            .field("target_accounts", p.targetAccounts)
            .field("target_locomotives", p.targetLocomotives)
            .endObject();
    }
    w.endArray();
    w.strings("notes", r.notes, true);
    w.endObject();
}

// One row per place (province, districts, communes): its effective target and what it asks for.
void writeCsv(const tasks::TargetsResult& r, const std::string& path)
{
    std::ofstream o(path, std::ios::binary);
    if (!o)
        throw Error(ErrorKind::Io, path, tr("cannot write file"));
    o << "scenario,level,code,name,parent,shop_pct,epay_pct,locomotive_pct,target_from,phase,phase_start,phase_end,"
         "households,target_shops,target_accounts,target_locomotives\n";
    for (const auto& p : r.places)
        o << io::csvField(r.scenario) << ',' << p.level << ',' << io::csvField(p.code) << ',' << io::csvField(p.name) << ','
          << io::csvField(p.parent) << ',' << p.target.shopPct << ',' << p.target.epayPct << ',' << p.target.locomotivePct
          << ',' << io::csvField(p.target.scope + (p.target.code.empty() ? "" : ":" + p.target.code)) << ',' << p.phase
          << ',' << p.phaseStart << ',' << p.phaseEnd << ',' << p.households << ',' << p.targetShops << ','
          << p.targetAccounts << ',' << p.targetLocomotives << '\n';
    if (!o)
        throw Error(ErrorKind::Io, path, tr("cannot write file"));
}

void printTable(const tasks::TargetsResult& r)
{
    std::printf("%s: %s%s\n", tr("Project"), r.project.c_str(), r.changed ? "  (saved)" : "");
    if (!r.scenario.empty())
        std::printf("%s: %s\n", tr("Scenario"), r.scenario.c_str());
    std::printf("%-9s %-7s %6s %6s %6s  %s\n", tr("Scope"), tr("Code"), "shop%", "epay%", "loco%", tr("Source"));
    for (const auto& t : r.table.rows)
        std::printf("%-9s %-7s %6.1f %6.1f %6.1f  %s%s\n", t.scope.c_str(), t.code.c_str(), t.shopPct, t.epayPct,
                    t.locomotivePct, t.source.c_str(),
                    t.householdsClaimed ? ("  [claims " + std::to_string(*t.householdsClaimed) + "]").c_str() : "");
    for (const auto& p : r.table.phases)
        std::printf("%s %d: %s %s → %s\n", tr("Phase"), p.phase, p.district.c_str(), p.start.c_str(), p.end.c_str());
    std::printf("\n%-9s %-7s %s %6s %6s %6s %9s %9s %9s %9s\n", tr("Level"), tr("Code"), padRight(tr("Name"), 24).c_str(),
                "shop%", "epay%", "loco%", tr("HH"), "shops", "accounts", "loco");
    for (const auto& p : r.places)
        std::printf("%-9s %-7s %s %6.1f %6.1f %6.1f %9lld %9lld %9lld %9lld\n", p.level.c_str(), p.code.c_str(),
                    padRight(p.name, 24).c_str(), p.target.shopPct, p.target.epayPct, p.target.locomotivePct,
                    static_cast<long long>(p.households), static_cast<long long>(p.targetShops),
                    static_cast<long long>(p.targetAccounts), static_cast<long long>(p.targetLocomotives));
    for (const auto& n : r.notes)
        std::fprintf(stderr, "%s: %s\n", tr("note"), n.c_str());
}

int runTargets(const Args& a)
{
    a.allowOnly({"defaults", "force", "loc-binh-pct", "set", "unset", "phase", "scenario", "json", "csv"});
    if (a.positional.size() != 1)
        throw Error(ErrorKind::Usage, "", tr("expected one PROJECT file"));
    if (a.has("json") && a.has("csv"))
        throw Error(ErrorKind::Usage, "--csv", tr("choose one of --json and --csv"));
    tasks::TargetsRequest q;
    q.project = a.positional[0];
    q.scenario = a.get("scenario");
    q.defaults = a.has("defaults");
    q.force = a.has("force");
    if (a.has("loc-binh-pct")) {
        const std::string v = a.get("loc-binh-pct");
        char* end = nullptr;
        q.locBinhPct = std::strtod(v.c_str(), &end);
        if (v.empty() || *end != '\0')
            throw Error(ErrorKind::Usage, "--loc-binh-pct", "expected a number, got '" + v + "'");
    }
    for (const auto& [name, value] : a.options) {
        if (name == "set")
            q.sets.push_back(tasks::parseTargetSet(value));
        else if (name == "unset")
            q.unsets.push_back(tasks::parseTargetUnset(value));
        else if (name == "phase")
            q.phases.push_back(tasks::parsePhaseSet(value));
    }
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

CommandRegistration reg({"targets",
                         "targets PROJECT [--defaults [--force] [--loc-binh-pct P]] [--set SCOPE:CODE:FIELD=VALUE]... "
                         "[--unset SCOPE:CODE]... [--phase N:START:END:D1,D2,...]... [--scenario NAME] [--json | --csv FILE]",
                         "Shows the program's targets and phases stored in the project and the effective target of "
                         "every district and commune with the households it asks for; edits them (--set "
                         "commune:06613:shop_pct=55, --unset, --phase) or writes the program's defaults "
                         "(--defaults: 50 % shops, 50 % accounts, 10 % locomotives; Đình Lập 55 % in three units, "
                         "Lộc Bình 75 % in the town and its neighbours, TP Lạng Sơn 24 % locomotives, the two "
                         "phases). Edits are saved in one transaction. --scenario NAME shows or edits a target scenario "
                         "(a copy of the targets under a name; the phases are shared) that `bando progress "
                         "--scenario` measures against. See docs/PLANNING.md.",
                         {"json", "defaults", "force"}, runTargets});

} // namespace
} // namespace bando::cli
