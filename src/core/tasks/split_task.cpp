#include "core/tasks/split_task.hpp"

#include "core/base/error.hpp"
#include "core/model/schema.hpp"
#include "core/optim/mclp.hpp"
#include "core/optim/split.hpp"
#include "core/planning/village_table.hpp"
#include "core/store/project_store.hpp"

#include <cmath>
#include <limits>
#include <map>
#include <set>

namespace bando::tasks {

void SplitRequest::validate() const
{
    if (project.empty())
        throw Error(ErrorKind::Usage, "", "expected one PROJECT file");
    if (shares.empty())
        throw Error(ErrorKind::Usage, "--share", "no operators");
    std::set<std::string> seen;
    double sum = 0;
    for (const auto& [op, pct] : shares) {
        if (op.empty() || !seen.insert(op).second)
            throw Error(ErrorKind::Usage, "--share", "operator names must be given once each ('" + op + "')");
        if (!(pct >= 0) || !std::isfinite(pct))
            throw Error(ErrorKind::Usage, "--share", "shares must be numbers ≥ 0");
        sum += pct;
    }
    if (!(sum > 0))
        throw Error(ErrorKind::Usage, "--share", "the shares add up to zero");
    if (!(tolerancePp >= 0) || tolerancePp > 100)
        throw Error(ErrorKind::Usage, "--tolerance", "must be between 0 and 100 percentage points");
    if (!(timeLimitSeconds > 0))
        throw Error(ErrorKind::Usage, "--time-limit", "must be a positive number of seconds");
    if (store && scenario.empty())
        throw Error(ErrorKind::Usage, "--scenario", "must not be empty");
}

SplitResult run(const SplitRequest& request, Feedback& fb)
{
    request.validate();
    SplitResult r;
    r.project = request.project;
    r.tolerancePp = request.tolerancePp;
    auto store = ProjectStore::open(request.project,
                                    request.store ? ProjectStore::Mode::ReadWrite : ProjectStore::Mode::ReadOnly);
    fb.setStep("read");
    const planning::VillageTable vt = planning::loadVillageTable(*store, request.date);
    r.date = vt.date;
    const auto* hh = vt.field("households");
    std::map<std::string, XY> label;
    {
        const Layer v = store->readLayer("villages", &fb);
        for (const auto& f : v.features)
            if (!f.geom.isEmpty())
                label[v.text(f, "code")] = interiorPoint(f.geom);
    }
    std::vector<SplitVillage> items;
    for (size_t i = 0; i < vt.size(); ++i) {
        if (vt.mobileClass[i] != "no_signal" && vt.mobileClass[i] != "unstable")
            continue;
        const auto it = label.find(vt.code[i]);
        if (it == label.end())
            continue;
        SplitVillage s;
        s.code = vt.code[i];
        s.name = vt.name[i];
        s.district = vt.district[i];
        s.households = hh && !std::isnan((*hh)[i]) ? std::max(0.0, (*hh)[i]) : 0.0;
        s.lon = it->second.x;
        s.lat = it->second.y;
        items.push_back(s);
    }
    // Each operator's sites.
    std::map<std::string, std::vector<optim::Point2>> sites;
    {
        const Layer l = store->readLayer("sites", &fb);
        for (const auto& f : l.features)
            if (!f.geom.isEmpty())
                sites[l.text(f, "operator")].push_back({f.geom.parts[0][0][0].x, f.geom.parts[0][0][0].y});
    }
    const size_t k = request.shares.size();
    for (const auto& [op, pct] : request.shares)
        if (sites[op].empty())
            throw Error(ErrorKind::Usage, "--share", "operator '" + op + "' has no site in the project's sites layer");
    fb.setProgress(10);
    optim::SplitProblem p;
    p.tolerance = request.tolerancePp / 100.0;
    double sum = 0;
    for (const auto& [op, pct] : request.shares) {
        p.share.push_back(pct);
        sum += pct;
    }
    for (const auto& v : items) {
        p.weight.push_back(v.households);
        for (const auto& [op, pct] : request.shares) {
            double best = std::numeric_limits<double>::infinity();
            for (const auto& s : sites[op])
                best = std::min(best, optim::haversineKm(v.lon, v.lat, s.x, s.y));
            p.cost.push_back(best);
        }
    }
    fb.throwIfCancelled();
    fb.setStep("split");
    const auto s = optim::solveSplit(p, request.timeLimitSeconds, &fb);
    r.objective = s.objective;
    r.unconstrained = s.unconstrained;
    r.optimal = s.optimal;
    r.seconds = s.seconds;
    r.villages = static_cast<int>(items.size());
    for (size_t o = 0; o < k; ++o) {
        OperatorShare os;
        os.op = request.shares[o].first;
        os.targetPct = 100.0 * request.shares[o].second / sum;
        os.achievedPct = 100.0 * s.achieved[o];
        r.operators.push_back(os);
    }
    for (size_t i = 0; i < items.size(); ++i) {
        auto& v = items[i];
        const size_t o = static_cast<size_t>(s.assignment[i]);
        v.op = request.shares[o].first;
        v.siteKm = p.cost[i * k + o];
        auto& os = r.operators[o];
        os.villages += 1;
        os.households += v.households;
        os.meanSiteKm += v.households * v.siteKm;
        r.households += v.households;
    }
    // Compactness: mean distance (households-weighted) to the group's households-weighted centre.
    for (size_t o = 0; o < k; ++o) {
        auto& os = r.operators[o];
        double cx = 0, cy = 0;
        for (size_t i = 0; i < items.size(); ++i)
            if (static_cast<size_t>(s.assignment[i]) == o) {
                cx += items[i].households * items[i].lon;
                cy += items[i].households * items[i].lat;
            }
        if (os.households > 0) {
            cx /= os.households;
            cy /= os.households;
            for (size_t i = 0; i < items.size(); ++i)
                if (static_cast<size_t>(s.assignment[i]) == o)
                    os.meanCentreKm += items[i].households * optim::haversineKm(items[i].lon, items[i].lat, cx, cy);
            os.meanCentreKm /= os.households;
            os.meanSiteKm /= os.households;
        }
    }
    r.assignment = items;
    if (!s.optimal)
        r.notes.push_back("not proven optimal within the time limit");

    if (request.store) {
        fb.setStep("store");
        Layer lv = schema::makeLayer("operator_gap_villages");
        for (const auto& v : items) {
            Feature& f = lv.addFeature(Geometry::point(v.lon, v.lat));
            lv.set(f, "scenario", request.scenario);
            lv.set(f, "village_code", v.code);
            lv.set(f, "village_name", v.name);
            lv.set(f, "district_code", v.district);
            lv.set(f, "operator", v.op);
            lv.set(f, "households", v.households);
            lv.set(f, "site_km", v.siteKm);
        }
        Layer ls = schema::makeLayer("operator_gap_shares");
        for (const auto& os : r.operators) {
            Feature& f = ls.addFeature(Geometry{});
            ls.set(f, "scenario", request.scenario);
            ls.set(f, "operator", os.op);
            ls.set(f, "target_pct", os.targetPct);
            ls.set(f, "achieved_pct", os.achievedPct);
            ls.set(f, "villages", static_cast<int64_t>(os.villages));
            ls.set(f, "households", os.households);
            ls.set(f, "mean_site_km", os.meanSiteKm);
            ls.set(f, "mean_centre_km", os.meanCentreKm);
        }
        store->replaceRowsWhere("scenario", request.scenario, {&lv, &ls}, &fb);
        r.scenario = request.scenario;
    }
    fb.setProgress(100);
    return r;
}

} // namespace bando::tasks
