// bando analyze PROJECT [--date D] [--since D] [--json | --csv FILE] [--speed CLASS=KMH]… [--force]
// The analysis core (issue #9): every village's indicators, the coverage gaps and the roll-ups,
// stored in the project. Parses arguments into tasks::AnalyzeRequest and prints its result.
#include "cli/command.hpp"
#include "cli/console.hpp"
#include "core/base/error.hpp"
#include "core/io/csv_util.hpp"
#include "core/base/json.hpp"
#include "core/i18n/i18n.hpp"
#include "core/tasks/analyze_task.hpp"
#include "core/tasks/job.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

namespace bando::cli {
namespace {

void writeRollup(JsonWriter& w, const analysis::Rollup& r)
{
    w.field("villages", r.villages)
        .field("no_signal", r.counts.noSignal)
        .field("unstable", r.counts.unstable)
        .field("covered", r.counts.covered)
        .field("no_broadband", r.counts.noBroadband)
        .field("households", r.households)
        .field("shops", r.shops)
        .field("epay", r.epay)
        .field("locomotive", r.locomotive);
    if (r.shopsSince >= 0)
        w.field("shops_change", r.shops - r.shopsSince)
            .field("epay_change", r.epay - r.epaySince)
            .field("locomotive_change", r.locomotive - r.locomotiveSince);
    w.field("shop_pct", r.shopPct)
        .field("epay_pct", r.epayPct)
        .field("locomotive_pct", r.locomotivePct)
        .field("shops_per_km2", r.shopsPerKm2)
        .field("area_km2", r.areaKm2)
        .field("teams", r.teams)
        .field("villages_team_rule_met", r.villagesTeamRuleMet)
        .field("gap_households", r.gapHouseholds)
        .field("weak_only_households", r.weakOnlyHouseholds)
        .field("gap_area_km2", r.gapAreaKm2)
        .field("villages_unreachable", r.villagesUnreachable);
}

void printJson(const tasks::AnalyzeResult& r)
{
    JsonWriter w(std::cout);
    w.beginObject();
    w.field("file", r.project).field("date", r.date);
    if (!r.since.empty())
        w.field("since", r.since);
    w.field("metric_epsg", r.metricEpsg).field("metric_crs", r.metricCrsName);
    w.key("thresholds").beginObject(true);
    w.field("no_signal_share_any", r.thresholds.noSignalShareAny)
        .field("unstable_share_good", r.thresholds.unstableShareGood)
        .field("broadband_share", r.thresholds.broadbandShare)
        .field("broadband_distance_m", r.thresholds.broadbandDistanceM);
    w.endObject();
    w.key("total").beginObject();
    if (const auto* p = r.province())
        writeRollup(w, *p);
    w.endObject();
    w.key("shops").beginObject(true);
    w.field("total", r.shopsTotal)
        .field("located", r.shopsLocated)
        .field("on_boundary", r.shopsBoundary)
        .field("outside_villages", r.shopsOutside)
        .field("tabular", r.shopsTabular)
        .field("village_code_mismatch", r.shopsCodeMismatch);
    w.endObject();
    w.field("coverage_gap_rows", r.gapRows);
    w.key("recomputed").beginArray(true);
    for (const auto& p : r.recomputed)
        w.value(p);
    w.endArray();
    w.key("reused").beginArray(true);
    for (const auto& p : r.reused)
        w.value(p);
    w.endArray();
    w.key("districts").beginArray();
    for (const auto& d : r.rollups) {
        if (d.level != "district")
            continue;
        w.beginObject(true).field("code", d.code).field("name", d.name);
        writeRollup(w, d);
        w.endObject();
    }
    w.endArray();
    w.strings("notes", r.notes);
    w.endObject();
}

std::string numOrEmpty(double v)
{
    if (v < 0)
        return "";
    char b[64];
    std::snprintf(b, sizeof b, "%.6g", v);
    return b;
}

void writeCsv(const tasks::AnalyzeResult& r, const std::string& path)
{
    std::ofstream o(path, std::ios::binary);
    if (!o)
        throw Error(ErrorKind::Io, path, tr("cannot write file"));
    o << "village_code,village_name,commune_code,district_code,date,households,shops,epay,locomotive,"
         "shops_change,shop_pct,target_shop_pct,target_scope,shops_per_km2,teams,team_rule_met,class,share_good,"
         "share_any,broadband,gap_households,weak_only_households,gap_area_km2,centre_signal,dist_olt_m,"
         "dist_cabinet_m,dist_fibre_m,road_commune_seat_m,road_district_seat_m,road_main_road_m,"
         "minutes_district_seat,reaches_network\n";
    for (const auto& v : r.villages) {
        o << io::csvField(v.code) << ',' << io::csvField(v.name) << ',' << io::csvField(v.communeCode) << ','
          << io::csvField(v.districtCode) << ',' << r.date << ',' << v.households << ',' << v.shops << ',' << v.epay << ','
          << v.locomotive << ',' << (v.shopsSince >= 0 ? std::to_string(v.shops - v.shopsSince) : "") << ','
          << numOrEmpty(v.shopPct) << ',' << numOrEmpty(v.targetShopPct) << ',' << v.targetScope << ','
          << numOrEmpty(v.shopsPerKm2) << ',' << v.teams << ',' << (v.teamRuleMet ? 1 : 0) << ','
          << analysis::mobileClassName(v.status.mobile) << ',' << numOrEmpty(v.status.shareGood) << ','
          << numOrEmpty(v.status.shareAny) << ',' << (v.status.broadband ? 1 : 0) << ','
          << numOrEmpty(v.gapHouseholds) << ',' << numOrEmpty(v.weakOnlyHouseholds) << ','
          << numOrEmpty(v.gapAreaKm2) << ',' << v.centreSignal << ',' << numOrEmpty(v.distOltM) << ','
          << numOrEmpty(v.distCabinetM) << ',' << numOrEmpty(v.distFibreM) << ','
          << numOrEmpty(v.roadCommuneSeatM) << ',' << numOrEmpty(v.roadDistrictSeatM) << ','
          << numOrEmpty(v.roadMainRoadM) << ',' << numOrEmpty(v.minutesDistrictSeat) << ','
          << (v.reachesNetwork ? 1 : 0) << '\n';
    }
    if (!o)
        throw Error(ErrorKind::Io, path, tr("cannot write file"));
}

void printTable(const tasks::AnalyzeResult& r)
{
    std::printf("%s: %s\n", tr("Project"), r.project.c_str());
    std::printf("%s: %s   %s: EPSG:%d %s\n", tr("Date"), r.date.c_str(), tr("Metric CRS"), r.metricEpsg,
                r.metricCrsName.c_str());
    std::printf("%s %s %s %s %s %s %s %s %s %s\n", padRight(tr("Code"), 5).c_str(),
                padRight(tr("District"), 20).c_str(), padRight(tr("Villages"), 8).c_str(),
                padRight(tr("No signal"), 9).c_str(), padRight(tr("Unstable"), 9).c_str(),
                padRight(tr("No broadband"), 12).c_str(), padRight(tr("Shops"), 8).c_str(),
                padRight(tr("Shops %"), 8).c_str(), padRight(tr("Gap households"), 14).c_str(), tr("Teams OK"));
    auto line = [](const std::string& code, const std::string& name, const analysis::Rollup& d) {
        std::printf("%s %s %8d %9d %9d %12d %8lld %7.1f%% %14.0f %8d\n", padRight(code, 5).c_str(),
                    padRight(name, 20).c_str(), d.villages, d.counts.noSignal, d.counts.unstable,
                    d.counts.noBroadband, static_cast<long long>(d.shops), d.shopPct, d.gapHouseholds,
                    d.villagesTeamRuleMet);
    };
    for (const auto& d : r.rollups)
        if (d.level == "district")
            line(d.code, d.name, d);
    if (const auto* p = r.province())
        line("", tr("Total"), *p);
    std::printf("\n%s: %lld (%s %lld, %s %lld)\n", tr("Shops at the date"), static_cast<long long>(r.shopsTotal),
                tr("on a village boundary"), static_cast<long long>(r.shopsBoundary), tr("outside every village"),
                static_cast<long long>(r.shopsOutside));
    std::string reused, recomputed;
    for (const auto& p : r.reused)
        reused += (reused.empty() ? "" : ", ") + p;
    for (const auto& p : r.recomputed)
        recomputed += (recomputed.empty() ? "" : ", ") + p;
    std::printf("%s: %s\n%s: %s\n", tr("Recomputed"), recomputed.empty() ? "-" : recomputed.c_str(), tr("Reused"),
                reused.empty() ? "-" : reused.c_str());
    for (const auto& n : r.notes)
        std::fprintf(stderr, "%s: %s\n", tr("note"), n.c_str());
}

int runAnalyze(const Args& a)
{
    a.allowOnly({"date", "since", "json", "csv", "speed", "force", "threads", "epsg"});
    if (a.positional.size() != 1)
        throw Error(ErrorKind::Usage, "", tr("expected one PROJECT file"));
    if (a.has("json") && a.has("csv"))
        throw Error(ErrorKind::Usage, "--csv", tr("choose one of --json and --csv"));
    tasks::AnalyzeRequest request;
    request.project = a.positional[0];
    request.date = a.get("date");
    request.since = a.get("since");
    request.force = a.has("force");
    if (a.has("threads"))
        request.threads = static_cast<unsigned>(std::atoi(a.get("threads").c_str()));
    if (a.has("epsg"))
        request.metricEpsg = std::atoi(a.get("epsg").c_str());
    for (const auto& [name, value] : a.options) {
        if (name != "speed")
            continue;
        const auto eq = value.find('=');
        if (eq == std::string::npos)
            throw Error(ErrorKind::Usage, "--speed", tr("expected CLASS=KMH with a speed above 0 and at most 200"));
        request.speedKmh[value.substr(0, eq)] = std::atof(value.substr(eq + 1).c_str());
    }
    const auto result = tasks::runTask(request, consoleFeedback());
    if (a.has("json"))
        printJson(result);
    else if (a.has("csv")) {
        writeCsv(result, a.get("csv"));
        printTable(result);
    } else
        printTable(result);
    return ExitOk;
}

CommandRegistration reg({"analyze",
                         "analyze PROJECT [--date YYYY-MM-DD] [--since YYYY-MM-DD] [--json | --csv FILE] "
                         "[--speed CLASS=KMH]... [--force]",
                         "Computes every village's indicators (shops, e-payment accounts and locomotive households "
                         "at the date, penetration against the most specific target, shops per km2, community "
                         "technology teams, coverage shares per operator and technology, the classification, "
                         "broadband distances, road access) with roll-ups to commune, district and province, and "
                         "stores them in the project (village_indicators, village_coverage, coverage_gaps, "
                         "unit_indicators). Parts whose input layers did not change are reused. See "
                         "docs/ANALYSIS.md.",
                         {"json", "force"}, runAnalyze});

} // namespace
} // namespace bando::cli
