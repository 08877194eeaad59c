#include "core/tasks/sites_task.hpp"
#include "core/base/clock.hpp"
#include "core/analysis/classify.hpp"
#include "core/analysis/indicators.hpp"
#include "core/crs/reproject.hpp"

#include "core/base/error.hpp"
#include "core/model/schema.hpp"
#include "core/optim/mclp.hpp"
#include "core/planning/sites_input.hpp"
#include "core/store/project_store.hpp"

#include <cmath>
#include <ctime>
#include <map>

namespace bando::tasks {

namespace {


// The villages whose class changes once a disc of `radiusKm` around every chosen site counts as
// good 4G coverage, under the analysis's rule (analysis/classify: the project's thresholds).
std::vector<ClassChange> classChangesWith(const ProjectStore& store, const std::vector<ChosenSite>& sites,
                                          double radiusKm, const Feedback* fb)
{
    const int epsg = analysis::AnalysisOptions{}.metricEpsg;
    const Layer villages = store.readLayer("villages");
    const Layer settlements = store.readLayer("settlements");
    Layer coverage = store.hasLayer("coverage") ? store.readLayer("coverage") : schema::makeLayer("coverage");
    const analysis::Thresholds t = analysis::loadThresholds(store);
    analysis::ClassificationInput in;
    in.villages = &villages;
    in.settlements = &settlements;
    in.coverage = &coverage;
    const auto before = analysis::classifyVillages(in, t, epsg, fb);
    crs::reproject(coverage, epsg);
    Layer centres;
    centres.name = "planned";
    centres.geomType = GeomType::Point;
    centres.epsg = 4326;
    for (const auto& cs : sites)
        centres.addFeature(Geometry::point(cs.lon, cs.lat));
    crs::reproject(centres, epsg);
    const double pi = std::acos(-1.0);
    for (const auto& f : centres.features) {
        const XY c = f.geom.parts[0][0][0];
        Ring ring;
        for (int k = 0; k <= 72; ++k) {
            const double a = 2 * pi * (k % 72) / 72.0;
            ring.push_back({c.x + radiusKm * 1000 * std::cos(a), c.y + radiusKm * 1000 * std::sin(a)});
        }
        Geometry g = Geometry::polygon({ring});
        g.type = GeomType::MultiPolygon;
        Feature& nf = coverage.addFeature(std::move(g));
        coverage.set(nf, "operator", std::string("planned"));
        coverage.set(nf, "technology", std::string("4G"));
        coverage.set(nf, "level", std::string("good"));
    }
    const auto after = analysis::classifyVillages(in, t, epsg, fb);
    std::vector<ClassChange> out;
    for (size_t i = 0; i < before.size() && i < after.size(); ++i)
        if (before[i].mobile != after[i].mobile)
            out.push_back({before[i].villageCode, before[i].districtCode, analysis::mobileClassName(before[i].mobile),
                           analysis::mobileClassName(after[i].mobile), before[i].shareGood, after[i].shareGood});
    return out;
}

} // namespace

void SitesRequest::validate() const
{
    const bool csv = !demandCsv.empty() || !candidatesCsv.empty();
    if (csv && (demandCsv.empty() || candidatesCsv.empty()))
        throw Error(ErrorKind::Usage, demandCsv.empty() ? "--demand" : "--candidates",
                    "--demand and --candidates go together");
    if (!csv && project.empty())
        throw Error(ErrorKind::Usage, "", "give a PROJECT, or --demand D.csv and --candidates C.csv");
    if (csv && !project.empty())
        throw Error(ErrorKind::Usage, "--demand", "CSV files and a PROJECT are alternatives: give one of them");
    if (count < 1)
        throw Error(ErrorKind::Usage, "--count", "the number of new sites K must be at least 1");
    if (!(radiusKm > 0) || !std::isfinite(radiusKm))
        throw Error(ErrorKind::Usage, "--radius-km", "must be a positive number of kilometres");
    if (!(timeLimitSeconds > 0) || !std::isfinite(timeLimitSeconds))
        throw Error(ErrorKind::Usage, "--time-limit", "must be a positive number of seconds");
    if (!(budget >= 0))
        throw Error(ErrorKind::Usage, "--budget", "must not be negative");
    if (!project.empty() && store && scenario.empty())
        throw Error(ErrorKind::Usage, "--scenario", "must not be empty");
    for (const auto& [mhz, km] : bandRadiusKm)
        if (mhz <= 0 || !(km > 0) || !std::isfinite(km))
            throw Error(ErrorKind::Usage, "--band-radius", "expected MHZ=KM with both positive, got " +
                                                                std::to_string(mhz) + "=" + std::to_string(km));
    if (band != 0 && !bandRadiusKm.count(band))
        throw Error(ErrorKind::Usage, "--band", "no radius for " + std::to_string(band) + " MHz (give --band-radius " +
                                                    std::to_string(band) + "=KM)");
}

double SitesRequest::newSiteRadius() const { return band != 0 && bandRadiusKm.count(band) ? bandRadiusKm.at(band) : radiusKm; }

SitesResult run(const SitesRequest& request, Feedback& fb)
{
    request.validate();
    SitesResult r;
    r.radiusKm = request.newSiteRadius();
    r.count = request.count;
    fb.setStep("read");
    planning::SitesInput in;
    std::unique_ptr<ProjectStore> store;
    if (request.project.empty()) {
        r.source = "csv";
        in.demand = planning::readDemandCsv(request.demandCsv);
        in.candidates = planning::readCandidatesCsv(request.candidatesCsv, in.hasCosts);
        in.demandSource = request.demandCsv;
        in.candidateSource = request.candidatesCsv;
    } else {
        r.source = request.project;
        store = ProjectStore::open(request.project,
                                   request.store ? ProjectStore::Mode::ReadWrite : ProjectStore::Mode::ReadOnly);
        in = planning::readProjectSites(*store, request.date, request.candidatesLayer);
        if (in.candidates.empty() && request.generateCandidates) {
            fb.setStep("candidates");
            in.candidates = planning::generateCandidates(*store, in.gapVillages);
            in.hasCosts = false;
            r.generatedCandidates = static_cast<int>(in.candidates.size());
            in.candidateSource = "generated in the gap villages (DEM high points, road points)";
            r.notes.push_back("'" + request.candidatesLayer + "' is empty: " + std::to_string(r.generatedCandidates) +
                              " candidates generated inside the gap villages (highest DEM cell, road point nearest the "
                              "village centre)");
        }
        if (request.existingSites) {
            // Demand within the radius of an existing station is served already: it leaves the problem.
            const auto existing = planning::readExistingSites(*store, request.bandRadiusKm, request.radiusKm);
            r.existingSites = static_cast<int>(existing.size());
            std::vector<planning::SitePoint> left;
            for (auto& d : in.demand) {
                bool served = false;
                for (const auto& e : existing)
                    if (optim::haversineKm(e.lon, e.lat, d.lon, d.lat) <= e.value + optim::kCoverEpsilon) {
                        served = true;
                        break;
                    }
                if (served)
                    r.existingWeight += d.value;
                else
                    left.push_back(std::move(d));
            }
            in.demand = std::move(left);
        }
    }
    r.demandSource = in.demandSource;
    r.candidateSource = in.candidateSource;
    r.demandPoints = static_cast<int>(in.demand.size());  // without the demand existing stations serve
    r.candidates = static_cast<int>(in.candidates.size());
    if (in.candidates.empty())
        throw Error(ErrorKind::Usage, request.project.empty() ? "--candidates" : "--candidates-layer", "no candidate sites");
    if (std::isfinite(request.budget) && !in.hasCosts)
        throw Error(ErrorKind::Usage, "--budget", "needs a cost for every candidate (a cost column)");
    fb.throwIfCancelled();
    fb.setProgress(5);

    std::vector<optim::Point2> dp, cp;
    optim::CoverageProblem p;
    for (const auto& d : in.demand) {
        dp.push_back({d.lon, d.lat});
        p.weight.push_back(d.value);
    }
    std::map<std::string, int> index;
    for (size_t j = 0; j < in.candidates.size(); ++j) {
        cp.push_back({in.candidates[j].lon, in.candidates[j].lat});
        index[in.candidates[j].id] = static_cast<int>(j);
        if (in.hasCosts)
            p.cost.push_back(in.candidates[j].value);
    }
    for (const auto& id : request.lock) {
        const auto it = index.find(id);
        if (it == index.end())
            throw Error(ErrorKind::Usage, "--lock", "no candidate with id '" + id + "'");
        p.locked.push_back(it->second);
    }
    p.budget = request.budget;
    p.count = request.count;
    if (request.count > r.candidates)
        r.notes.push_back("--count " + std::to_string(request.count) + " is more than the " + std::to_string(r.candidates) +
                          " candidates: all may be chosen");
    fb.setStep("coverage");
    p.covers = optim::coverageSets(dp, cp, {request.newSiteRadius()}, optim::Metric::Haversine, &fb);
    fb.setProgress(10);
    optim::CoverageOptions o;
    o.method = request.heuristic ? optim::CoverMethod::Heuristic : optim::CoverMethod::Auto;
    o.timeLimitSeconds = request.timeLimitSeconds;
    const auto s = optim::solveMaxCover(p, o, &fb);
    r.objective = s.objective;
    r.bound = s.bound;
    r.gap = s.gap;
    r.optimal = s.optimal;
    r.greedy = s.greedyObjective;
    r.greedySwap = s.warmObjective;
    r.totalWeight = s.totalWeight;
    r.coverableWeight = s.coverableWeight;
    r.method = s.method;
    r.nodes = s.nodes;
    r.mipRows = s.mipRows;
    r.seconds = s.seconds;
    if (!s.optimal)
        r.notes.push_back("not proven optimal within the time limit: the optimum is at most the bound");

    // Per chosen site: the demand it serves (each covered point counted once, at its nearest
    // chosen site; ties to the earlier pick), and all demand within its reach.
    std::vector<ChosenSite> sites;
    std::vector<char> isLocked(in.candidates.size(), 0);
    for (int j : p.locked)
        isLocked[static_cast<size_t>(j)] = 1;
    for (size_t k = 0; k < s.chosen.size(); ++k) {
        const auto& c = in.candidates[static_cast<size_t>(s.chosen[k])];
        ChosenSite cs;
        cs.pick = static_cast<int>(k) + 1;
        cs.id = c.id;
        cs.lon = c.lon;
        cs.lat = c.lat;
        cs.locked = isLocked[static_cast<size_t>(s.chosen[k])] != 0;
        cs.cost = c.value;
        for (int i : p.covers[static_cast<size_t>(s.chosen[k])])
            cs.weightInReach += p.weight[static_cast<size_t>(i)];
        sites.push_back(cs);
    }
    {
        std::vector<int> best(in.demand.size(), -1);
        std::vector<double> bestD(in.demand.size(), 0);
        for (size_t k = 0; k < s.chosen.size(); ++k)
            for (int i : p.covers[static_cast<size_t>(s.chosen[k])]) {
                const double d = optim::distance(optim::Metric::Haversine, cp[static_cast<size_t>(s.chosen[k])],
                                                 dp[static_cast<size_t>(i)]);
                if (best[static_cast<size_t>(i)] < 0 || d < bestD[static_cast<size_t>(i)]) {
                    best[static_cast<size_t>(i)] = static_cast<int>(k);
                    bestD[static_cast<size_t>(i)] = d;
                }
            }
        for (size_t i = 0; i < best.size(); ++i)
            if (best[i] >= 0) {
                sites[static_cast<size_t>(best[i])].points += 1;
                sites[static_cast<size_t>(best[i])].weight += p.weight[i];
            }
    }
    for (auto& cs : sites) {
        if (!std::isnan(cs.cost) && cs.weight > 0)
            cs.costPerWeight = cs.cost / cs.weight;
        r.chosen.push_back(cs.id);
    }
    r.sites = sites;
    if (store && request.classChanges && !sites.empty() && store->hasLayer("settlements")) {
        fb.setStep("class changes");
        r.classChanges = classChangesWith(*store, sites, request.newSiteRadius(), &fb);
    }

    if (store && request.store) {
        fb.setStep("store");
        const std::string created = stampIsoUtc();
        Layer l = schema::makeLayer("planned_sites");
        for (const auto& cs : sites) {
            Feature& f = l.addFeature(Geometry::point(cs.lon, cs.lat));
            l.set(f, "scenario", request.scenario);
            l.set(f, "created", created);
            l.set(f, "pick", static_cast<int64_t>(cs.pick));
            l.set(f, "site_id", cs.id);
            l.set(f, "locked", static_cast<int64_t>(cs.locked ? 1 : 0));
            l.set(f, "radius_km", request.newSiteRadius());
            if (!std::isnan(cs.cost))
                l.set(f, "cost", cs.cost);
            l.set(f, "settlements", static_cast<int64_t>(cs.points));
            l.set(f, "households", cs.weight);
            l.set(f, "households_in_reach", cs.weightInReach);
            if (!std::isnan(cs.costPerWeight))
                l.set(f, "cost_per_household", cs.costPerWeight);
            l.set(f, "objective", r.objective);
            l.set(f, "bound", r.bound);
            l.set(f, "optimal", static_cast<int64_t>(r.optimal ? 1 : 0));
        }
        Layer lc = schema::makeLayer("planned_site_villages");
        for (const auto& c : r.classChanges) {
            Feature& f = lc.addFeature(Geometry{});
            lc.set(f, "scenario", request.scenario);
            lc.set(f, "village_code", c.villageCode);
            lc.set(f, "district_code", c.districtCode);
            lc.set(f, "class_before", c.before);
            lc.set(f, "class_after", c.after);
            lc.set(f, "share_good_before", c.shareGoodBefore);
            lc.set(f, "share_good_after", c.shareGoodAfter);
        }
        store->replaceRowsWhere("scenario", request.scenario, {&l, &lc}, &fb);
        r.scenario = request.scenario;
    }
    fb.setProgress(100);
    return r;
}

} // namespace bando::tasks
