// bando units PROJECT [--to VERSION] [--from VERSION] [--date D] [--no-geometry] [--dry-run]
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
    for (const auto& n : r.notes)
        std::fprintf(stderr, "%s: %s\n", tr("note"), n.c_str());
}

int runUnits(const Args& a)
{
    a.allowOnly({"to", "from", "date", "villages", "no-geometry", "dry-run", "json", "csv"});
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
                         "[--villages v2021-12] [--no-geometry] [--dry-run] [--json | --csv FILE]",
                         "Re-expresses the village indicators (run `bando analyze` first) in another version of the "
                         "administrative units: v2021 (200 communes, 11 districts), v2024-12 (194) or v2025-07 (65 "
                         "units, no districts). Merged units are summed, split units divided along village lines, "
                         "percentages re-weighted by households; each row says how it was made (exact, summed, "
                         "apportioned) and households, shops and gap villages are checked to be conserved. Stores "
                         "unit_versions, unit_crosswalk, village_units, unit_indicators_versioned and the dissolved "
                         "layer communes_v2025_07 (or communes_v2024_12). --villages v2021-12 also sums the figures per village "
                         "of the 12/2021 village merge along the project's village_crosswalk (synthetic in the sample). "
                         "See docs/UNITS.md.",
                         {"json", "no-geometry", "dry-run"}, runUnits});

} // namespace
} // namespace bando::cli
