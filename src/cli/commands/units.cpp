// bando units PROJECT [--to VERSION] [--from VERSION] [--date D] [--what LIST] [--no-geometry] [--dry-run]
//   [--json | --csv FILE]
// Re-expresses the stored village indicators in another version of the administrative units
// (issue #17). Parses arguments into tasks::UnitsRequest; the policy is in the core.
#include "cli/command.hpp"
#include "cli/console.hpp"
#include "cli/text_table.hpp"
#include "core/base/error.hpp"
#include "core/base/json.hpp"
#include "core/i18n/i18n.hpp"
#include "core/io/csv_util.hpp"
#include "core/tasks/job.hpp"
#include "core/tasks/units_task.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>

namespace bando::cli {
namespace {

std::vector<std::string> splitList(const std::string& s)
{
    std::vector<std::string> out;
    std::string cur;
    for (char c : s + ",") {
        if (c == ',') {
            if (!cur.empty())
                out.push_back(cur);
            cur.clear();
        } else if (c != ' ') {
            cur += c;
        }
    }
    return out;
}

std::string num(double v)
{
    char b[64];
    std::snprintf(b, sizeof b, "%.10g", v);
    return b;
}

void totalsJson(JsonWriter& w, const char* key, const tasks::UnitsTotals& t)
{
    w.key(key).beginObject(true);
    w.field("villages", t.villages).field("households", t.households).field("shops", t.shops).field("epay", t.epay);
    w.field("locomotive", t.locomotive).field("gap_villages", t.noSignal).field("gap_households", t.gapHouseholds);
    w.endObject();
}

void carryJson(JsonWriter& w, const char* key, const tasks::CarryTotals& before, const tasks::CarryTotals& after)
{
    w.key(key).beginObject(true);
    w.field("rows_before", before.rows).field("rows_after", after.rows);
    w.field("shops_before", before.shops).field("shops_after", after.shops);
    w.field("accounts_before", before.accounts).field("accounts_after", after.accounts);
    w.field("locomotives_before", before.locomotives).field("locomotives_after", after.locomotives);
    w.endObject();
}

void printJson(const tasks::UnitsResult& r)
{
    JsonWriter w(std::cout);
    w.beginObject();
    w.field("file", r.project).field("from", r.from).field("to", r.to).field("date", r.date);
    w.field("communes_from", r.communesFrom).field("communes_to", r.communesTo).field("conserved", r.conserved);
    if (!r.villageVersion.empty())
        w.field("village_version", r.villageVersion)
            .field("villages_to", r.villagesTo)
            .field("villages_merged", r.villagesMerged)
            .field("villages_dissolved", r.villagesDissolved);
    totalsJson(w, "before", r.before);
    totalsJson(w, "after", r.after);
    w.key("splits").beginArray();
    for (const auto& s : r.splits) {
        w.beginObject().field("from_version", s.fromVersion).field("from_code", s.fromCode).field("from_name", s.fromName);
        w.field("rule", s.rule);
        w.key("parts").beginArray();
        for (const auto& p : s.parts)
            w.beginObject(true)
                .field("to_code", p.toCode)
                .field("to_name", p.toName)
                .field("villages", p.villages)
                .field("households", p.households)
                .field("area_km2", p.areaKm2)
                .field("share", p.share)
                .endObject();
        w.endArray();
        w.endObject();
    }
    w.endArray();
    w.key("units").beginArray();
    for (const auto& u : r.units)
        w.beginObject(true)
            .field("level", u.level)
            .field("code", u.code)
            .field("name", u.name)
            .field("villages", u.villages)
            .field("households", u.households)
            .field("shops", u.shops)
            .field("shop_pct", u.shopPct)
            .field("epay", u.epay)
            .field("no_signal", u.noSignal)
            .field("gap_households", u.gapHouseholds)
            .field("hh_good_share", u.hhGoodShare)
            .field("area_km2", u.areaKm2)
            .field("method", u.method)
            .field("sources", u.sources)
            .endObject();
    w.endArray();
    w.key("crosswalk").beginArray();
    for (const auto& l : r.crosswalk)
        w.beginObject(true)
            .field("from_code", l.fromCode)
            .field("from_name", l.fromName)
            .field("to_code", l.toCode)
            .field("to_name", l.toName)
            .field("share", l.share)
            .field("basis", l.basis)
            .field("confidence", l.confidence)
            .endObject();
    w.endArray();
    if (!r.targets.empty()) {
        carryJson(w, "targets_totals", r.targetsBefore, r.targetsAfter);
        w.key("targets").beginArray();
        for (const auto& t : r.targets)
            w.beginObject(true)
                .field("level", t.level)
                .field("code", t.code)
                .field("name", t.name)
                .field("households", t.households)
                .field("target_shops", t.targetShops)
                .field("target_accounts", t.targetAccounts)
                .field("target_locomotives", t.targetLocomotives)
                .field("target_shop_pct", t.shopPct)
                .field("target_epay_pct", t.epayPct)
                .field("target_locomotive_pct", t.locomotivePct)
                .field("uniform", t.uniform)
                .field("scopes", t.scopes)
                .field("method", t.method)
                .field("sources", t.sources)
                .endObject();
        w.endArray();
    }
    if (r.progressBefore.rows > 0) {
        carryJson(w, "progress_totals", r.progressBefore, r.progressAfter);
        w.key("progress").beginArray();
        for (const auto& p : r.progress) {
            w.beginObject(true).field("date", p.date).field("from_scope", p.fromScope).field("level", p.level);
            w.field("code", p.code).field("name", p.name);
            const std::pair<const char*, int64_t> vals[] = {{"shops", p.shops},
                                                            {"accounts", p.accounts},
                                                            {"locomotives", p.locomotives},
                                                            {"teams", p.teams},
                                                            {"members", p.members}};
            for (const auto& [k, v] : vals)
                if (v >= 0)
                    w.field(k, v);
            w.field("method", p.method).field("basis", p.basis).field("sources", p.sources).endObject();
        }
        w.endArray();
    }
    if (!r.gaps.empty() || r.gapsBefore.surveyRows > 0 || r.gapsBefore.gapVillages > 0) {
        w.key("gaps_totals").beginObject(true);
        w.field("gap_villages_before", r.gapsBefore.gapVillages).field("gap_villages_after", r.gapsAfter.gapVillages);
        w.field("gap_households_before", r.gapsBefore.gapHouseholds).field("gap_households_after", r.gapsAfter.gapHouseholds);
        w.field("survey_rows_before", r.gapsBefore.surveyRows).field("survey_rows_after", r.gapsAfter.surveyRows);
        w.endObject();
        w.key("gaps").beginArray();
        for (const auto& g : r.gaps)
            w.beginObject(true)
                .field("list", g.list)
                .field("village_code", g.villageCode)
                .field("village_name", g.villageName)
                .field("from_code", g.fromCode)
                .field("unit_code", g.unitCode)
                .field("unit_name", g.unitName)
                .field("how", g.how)
                .field("status", g.status)
                .field("gap_households", g.gapHouseholds)
                .endObject();
        w.endArray();
    }
    w.key("tables").beginArray();
    for (const auto& t : r.tables)
        w.value(t);
    w.endArray();
    w.strings("notes", r.notes);
    w.endObject();
}

void writeCsv(const tasks::UnitsResult& r, const std::string& path)
{
    std::ofstream o(path, std::ios::binary);
    if (!o)
        throw Error(ErrorKind::Io, path, tr("cannot write file"));
    o << "version,date,level,code,name,parent_code,villages,households,shops,epay,locomotive,shop_pct,epay_pct,"
         "locomotive_pct,area_km2,no_signal,unstable,covered,no_broadband,gap_households,hh_good_share,method,sources\n";
    for (const auto& u : r.units)
        o << (u.level == "village" ? r.villageVersion : r.to) << ',' << r.date << ',' << u.level << ',' << u.code << ',' << io::csvField(u.name) << ','
          << u.parentCode << ',' << u.villages << ',' << u.households << ',' << u.shops << ',' << u.epay << ','
          << u.locomotive << ',' << num(u.shopPct) << ',' << num(u.epayPct) << ',' << num(u.locomotivePct) << ','
          << num(u.areaKm2) << ',' << u.noSignal << ',' << u.unstable << ',' << u.covered << ',' << u.noBroadband << ','
          << num(u.gapHouseholds) << ',' << num(u.hhGoodShare) << ',' << u.method << ',' << io::csvField(u.sources)
          << '\n';
    if (!o)
        throw Error(ErrorKind::Io, path, tr("cannot write file"));
}

void printTable(const tasks::UnitsResult& r)
{
    std::printf("%s: %s   %s → %s   %s: %s\n", tr("Project"), r.project.c_str(), r.from.c_str(), r.to.c_str(),
                tr("Date"), r.date.empty() ? "-" : r.date.c_str());
    std::printf("%s: %d → %d\n", tr("Communes"), r.communesFrom, r.communesTo);
    for (const auto& s : r.splits) {
        std::printf("%s %s (%s, %s): %s\n", tr("Split"), s.fromName.c_str(), s.fromCode.c_str(), s.fromVersion.c_str(),
                    s.rule.c_str());
        for (const auto& p : s.parts)
            std::printf("    → %-28s %3d %s, %6lld %s, %7.2f km², %5.1f %%\n", p.toName.c_str(), p.villages, tr("villages"),
                        static_cast<long long>(p.households), tr("households"), p.areaKm2, 100 * p.share);
    }
    using A = TextTable::Align;
    TextTable t;
    t.column(tr("Level")).column(tr("Code")).column(tr("Name")).column(tr("Villages"), A::Right);
    t.column(tr("Households"), A::Right).column(tr("Shops"), A::Right).column(tr("Shops %"), A::Right);
    t.column(tr("Gaps"), A::Right).column(tr("Method"));
    for (const auto& u : r.units)
        if (u.level != "village")
            t.row({u.level, u.code, u.name, TextTable::num(u.villages), TextTable::num(static_cast<long long>(u.households)),
                   TextTable::num(static_cast<long long>(u.shops)), TextTable::num("%.1f", u.shopPct),
                   TextTable::num(u.noSignal), u.method});
    t.print();
    if (!r.villageVersion.empty())
        std::printf("%s (%s): %d → %d (%d %s, %d %s)\n", tr("Villages"), r.villageVersion.c_str(), r.before.villages,
                    r.villagesTo, r.villagesMerged, tr("merged"), r.villagesDissolved, tr("dissolved"));
    std::printf("%s: %s %lld / %lld, %s %lld / %lld, %s %d / %d\n", tr("Conserved"), tr("households"),
                static_cast<long long>(r.before.households), static_cast<long long>(r.after.households), tr("shops"),
                static_cast<long long>(r.before.shops), static_cast<long long>(r.after.shops), tr("gap villages"),
                r.before.noSignal, r.after.noSignal);
    if (!r.targets.empty()) {
        std::printf("%s (%s)\n", tr("Targets"), r.to.c_str());
        for (const auto& t : r.targets)
            std::printf("  %-9s %-6s %s %8lld %9.1f %9.1f %8.1f  %5.1f/%5.1f/%4.1f %% %s\n", t.level.c_str(), t.code.c_str(),
                        padRight(t.name, 24).c_str(), static_cast<long long>(t.households), t.targetShops,
                        t.targetAccounts, t.targetLocomotives, t.shopPct, t.epayPct, t.locomotivePct, t.method.c_str());
        std::printf("%s: %s %.1f / %.1f\n", tr("Conserved"), tr("target shops"), r.targetsBefore.shops, r.targetsAfter.shops);
    }
    if (r.progressBefore.rows > 0) {
        std::printf("%s (%s): %lld → %lld\n", tr("Progress reports"), r.to.c_str(),
                    static_cast<long long>(r.progressBefore.rows), static_cast<long long>(r.progressAfter.rows));
        for (const auto& p : r.progress)
            std::printf("  %s %-9s %-6s %s %7lld %7lld %s\n", p.date.c_str(), p.fromScope.c_str(), p.code.c_str(),
                        padRight(p.name, 24).c_str(), static_cast<long long>(p.shops), static_cast<long long>(p.accounts),
                        p.method.c_str());
        std::printf("%s: %s %.0f / %.0f, %s %.0f / %.0f\n", tr("Conserved"), tr("shops"), r.progressBefore.shops,
                    r.progressAfter.shops, tr("accounts"), r.progressBefore.accounts, r.progressAfter.accounts);
    }
    if (!r.gaps.empty()) {
        std::printf("%s (%s): %zu\n", tr("Gap list"), r.to.c_str(), r.gaps.size());
        for (const auto& g : r.gaps)
            std::printf("  %-8s %-12s %s → %-6s %s %s\n", g.list.c_str(), g.villageCode.c_str(),
                        padRight(g.villageName, 24).c_str(), g.unitCode.c_str(), padRight(g.unitName, 24).c_str(),
                        g.status.c_str());
        std::printf("%s: %s %lld / %lld, %s %lld / %lld\n", tr("Conserved"), tr("gap villages"),
                    static_cast<long long>(r.gapsBefore.gapVillages), static_cast<long long>(r.gapsAfter.gapVillages),
                    tr("surveyed rows"), static_cast<long long>(r.gapsBefore.surveyRows),
                    static_cast<long long>(r.gapsAfter.surveyRows));
    }
    for (const auto& n : r.notes)
        std::fprintf(stderr, "%s: %s\n", tr("note"), n.c_str());
}

int runUnits(const Args& a)
{
    a.allowOnly({"to", "from", "date", "villages", "what", "no-geometry", "dry-run", "json", "csv"});
    if (a.positional.size() != 1)
        throw Error(ErrorKind::Usage, "", tr("expected one PROJECT file"));
    if (a.has("json") && a.has("csv"))
        throw Error(ErrorKind::Usage, "--csv", tr("choose one of --json and --csv"));
    tasks::UnitsRequest q;
    q.project = a.positional[0];
    q.to = a.get("to", q.to);
    q.from = a.get("from", q.from);
    q.date = a.get("date");
    q.villages = a.get("villages");
    if (a.has("what")) {
        q.what.clear();
        for (const auto& [name, value] : a.options)
            if (name == "what")
                for (const auto& w : splitList(value))
                    q.what.push_back(w);
    }
    q.geometry = !a.has("no-geometry");
    q.store = !a.has("dry-run");
    const auto result = tasks::runTask(q, consoleFeedback());
    if (a.has("json"))
        printJson(result);
    else if (a.has("csv")) {
        writeCsv(result, a.get("csv"));
        std::printf("%s: %zu → %s\n", tr("Units"), result.units.size(), a.get("csv").c_str());
    } else
        printTable(result);
    return ExitOk;
}

CommandRegistration reg({"units",
                         "units PROJECT [--to v2021|v2024-12|v2025-07] [--from VERSION] [--date YYYY-MM-DD] "
                         "[--villages v2021-12] [--what indicators,targets,progress,gaps|all] [--no-geometry] [--dry-run] [--json | --csv FILE]",
                         "Re-expresses the village indicators (run `bando analyze` first) in another version of the "
                         "administrative units: v2021 (200 communes, 11 districts), v2024-12 (194) or v2025-07 (65 "
                         "units, no districts). Merged units are summed, split units divided along village lines, "
                         "percentages re-weighted by households; each row says how it was made (exact, summed, "
                         "apportioned) and households, shops and gap villages are checked to be conserved. Stores "
                         "unit_versions, unit_crosswalk, village_units, unit_indicators_versioned and the dissolved "
                         "layer communes_v2025_07 (or communes_v2024_12). --villages v2021-12 also sums the figures per village "
                         "of the 12/2021 village merge along the project's village_crosswalk (synthetic in the sample). "
                         "--what targets,progress,gaps (or all) also re-expresses the targets (unit_targets_versioned), "
                         "the dated progress reports (unit_progress_versioned: district and phase figures apportioned by "
                         "households) and the gap lists (unit_gaps_versioned), each checked to be conserved. "
                         "See docs/UNITS.md.",
                         {"json", "no-geometry", "dry-run"}, runUnits});

} // namespace
} // namespace bando::cli
