// bando sites --demand D.csv --candidates C.csv --radius-km R --count K [--time-limit S] [--json]
// bando sites PROJECT --count K [--radius-km R] [--candidates-layer L] [--scenario NAME] [--json]
// New base stations by maximal covering (issue #11). Parses arguments into tasks::SitesRequest.
#include "cli/command.hpp"
#include "cli/console.hpp"
#include "core/base/error.hpp"
#include "core/base/json.hpp"
#include "core/i18n/i18n.hpp"
#include "core/tasks/job.hpp"
#include "core/tasks/sites_task.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

namespace bando::cli {
namespace {

void printJson(const tasks::SitesResult& r)
{
    JsonWriter w(std::cout);
    w.beginObject();
    w.field("source", r.source).field("demand", r.demandSource).field("candidates", r.candidateSource);
    w.field("demand_points", r.demandPoints).field("candidate_sites", r.candidates);
    w.field("radius_km", r.radiusKm).field("count", r.count);
    w.key("chosen").beginArray();
    for (const auto& id : r.chosen)
        w.value(id);
    w.endArray();
    w.field("objective", r.objective).field("bound", r.bound).field("gap", r.gap).field("optimal", r.optimal);
    w.field("greedy", r.greedy).field("greedy_swap", r.greedySwap);
    w.field("total_weight", r.totalWeight).field("coverable_weight", r.coverableWeight);
    w.field("method", r.method).field("nodes", static_cast<int64_t>(r.nodes)).field("mip_rows", r.mipRows);
    w.field("seconds", r.seconds);
    if (!r.scenario.empty())
        w.field("scenario", r.scenario);
    w.key("sites").beginArray();
    for (const auto& s : r.sites) {
        w.beginObject(true)
            .field("pick", s.pick)
            .field("id", s.id)
            .field("lon", s.lon)
            .field("lat", s.lat)
            .field("locked", s.locked)
            .field("points", s.points)
            .field("weight", s.weight)
            .field("weight_in_reach", s.weightInReach)
            .field("cost", s.cost)  // NaN is written as null
            .field("cost_per_weight", s.costPerWeight)
            .endObject();
    }
    w.endArray();
    if (r.source != "csv") {
        w.field("existing_sites", r.existingSites).field("existing_weight", r.existingWeight);
        w.field("generated_candidates", r.generatedCandidates);
        w.key("class_changes").beginArray();
        for (const auto& c : r.classChanges)
            w.beginObject(true)
                .field("village_code", c.villageCode)
                .field("district_code", c.districtCode)
                .field("before", c.before)
                .field("after", c.after)
                .field("share_good_before", c.shareGoodBefore)
                .field("share_good_after", c.shareGoodAfter)
                .endObject();
        w.endArray();
    }
    w.strings("notes", r.notes);
    w.endObject();
}

void printText(const tasks::SitesResult& r)
{
    std::printf("%s: %d   %s: %d   %s: %.3f km   K = %d\n", tr("Demand points"), r.demandPoints, tr("Candidates"),
                r.candidates, tr("Radius"), r.radiusKm, r.count);
    std::printf("%s: %.0f / %.0f (%s: %.0f)   %s: %.0f   %s: %.2f %%   %s: %s\n", tr("Covered weight"), r.objective,
                r.totalWeight, tr("coverable"), r.coverableWeight, tr("Bound"), r.bound, tr("Gap"), 100 * r.gap,
                tr("Optimal"), r.optimal ? tr("yes") : tr("no"));
    std::printf("%s: %.0f   %s: %.0f   %.3f s\n", tr("Greedy"), r.greedy, tr("Greedy + swap"), r.greedySwap, r.seconds);
    std::printf("%4s %-16s %11s %11s %8s %12s %12s\n", "#", tr("Site"), tr("Lon"), tr("Lat"), tr("Points"), tr("Weight"),
                tr("Cost/weight"));
    for (const auto& s : r.sites)
        std::printf("%4d %-16s %11.6f %11.6f %8d %12.0f %12.4g%s\n", s.pick, s.id.c_str(), s.lon, s.lat, s.points, s.weight,
                    s.costPerWeight, s.locked ? "  [locked]" : "");
    if (!r.scenario.empty())
        std::printf("%s: planned_sites, %s '%s'\n", tr("Stored"), tr("scenario"), r.scenario.c_str());
    for (const auto& n : r.notes)
        std::fprintf(stderr, "%s: %s\n", tr("note"), n.c_str());
}

int runSites(const Args& a)
{
    a.allowOnly({"demand", "candidates", "candidates-layer", "date", "radius-km", "count", "time-limit", "budget", "lock",
                 "heuristic", "scenario", "no-store", "json", "no-existing", "band", "band-radius", "no-generate",
                 "no-class-changes"});
    if (a.positional.size() > 1)
        throw Error(ErrorKind::Usage, "", tr("expected at most one PROJECT file"));
    tasks::SitesRequest q;
    if (!a.positional.empty())
        q.project = a.positional[0];
    q.demandCsv = a.get("demand");
    q.candidatesCsv = a.get("candidates");
    q.candidatesLayer = a.get("candidates-layer", q.candidatesLayer);
    q.date = a.get("date");
    q.scenario = a.get("scenario", q.scenario);
    q.store = !a.has("no-store");
    q.heuristic = a.has("heuristic");
    q.count = static_cast<int>(parseNumber(a.require("count"), "--count"));
    if (a.has("radius-km"))
        q.radiusKm = parseNumber(a.get("radius-km"), "--radius-km");
    if (a.has("time-limit"))
        q.timeLimitSeconds = parseNumber(a.get("time-limit"), "--time-limit");
    if (a.has("budget"))
        q.budget = parseNumber(a.get("budget"), "--budget");
    q.existingSites = !a.has("no-existing");
    q.generateCandidates = !a.has("no-generate");
    q.classChanges = !a.has("no-class-changes");
    if (a.has("band"))
        q.band = static_cast<int>(parseNumber(a.get("band"), "--band"));
    for (const auto& [name, value] : a.options) {
        if (name == "lock")
            q.lock.push_back(value);
        else if (name == "band-radius") {
            const size_t eq = value.find('=');
            if (eq == std::string::npos)
                throw Error(ErrorKind::Usage, "--band-radius", "expected MHZ=KM, got '" + value + "'");
            q.bandRadiusKm[static_cast<int>(parseNumber(value.substr(0, eq), "--band-radius"))] =
                parseNumber(value.substr(eq + 1), "--band-radius");
        }
    }
    const auto result = tasks::runTask(q, consoleFeedback());
    if (a.has("json"))
        printJson(result);
    else
        printText(result);
    return ExitOk;
}

CommandRegistration reg({"sites",
                         "sites (--demand D.csv --candidates C.csv | PROJECT [--candidates-layer L] [--date D] "
                         "[--scenario NAME] [--no-store] [--no-existing] [--band MHZ] [--band-radius MHZ=KM]... [--no-generate] "
                         "[--no-class-changes]) --count K [--radius-km R] [--time-limit S] [--budget B] "
                         "[--lock ID]... [--heuristic] [--json]",
                         "Chooses K new base stations among candidate sites to cover the most demand weight within "
                         "R km (great circle, maximal covering): greedy + swap, then the exact optimum through CBC "
                         "within the time limit, with the bound and gap (optimal = proven). Demand id,lon,lat,weight "
                         "and candidates id,lon,lat[,cost] CSV files, or a PROJECT: the settlements of the no-signal "
                         "and unstable villages weighted by households, the candidates of a point layer, the chosen "
                         "sites stored in the planned_sites layer; the existing stations of the sites layer are kept (a radius per "
                         "band), candidates are generated inside the gap villages when the layer is empty, and the villages "
                         "whose class changes are listed. See docs/OPTIMISATION.md.",
                         {"heuristic", "no-store", "json", "no-existing", "no-generate", "no-class-changes"}, runSites});

} // namespace
} // namespace bando::cli
