#include "core/tasks/sites_task.hpp"
#include "core/base/clock.hpp"

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

std::string nowIso() { return stampIsoUtc(); }  // SOURCE_DATE_EPOCH-aware (core/base/clock.hpp)

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
}

SitesResult run(const SitesRequest& request, Feedback& fb)
{
    request.validate();
    SitesResult r;
    r.radiusKm = request.radiusKm;
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
    }
    r.demandSource = in.demandSource;
    r.candidateSource = in.candidateSource;
    r.demandPoints = static_cast<int>(in.demand.size());
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
    p.covers = optim::coverageSets(dp, cp, {request.radiusKm}, optim::Metric::Haversine, &fb);
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

    if (store && request.store) {
        fb.setStep("store");
        const std::string created = nowIso();
        ProjectStore::Transaction tx(*store);
        store->deleteWhere("planned_sites", {{"scenario", request.scenario}});
        Layer l = schema::makeLayer("planned_sites");
        for (const auto& cs : sites) {
            Feature& f = l.addFeature(Geometry::point(cs.lon, cs.lat));
            l.set(f, "scenario", request.scenario);
            l.set(f, "created", created);
            l.set(f, "pick", static_cast<int64_t>(cs.pick));
            l.set(f, "site_id", cs.id);
            l.set(f, "locked", static_cast<int64_t>(cs.locked ? 1 : 0));
            l.set(f, "radius_km", request.radiusKm);
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
        store->appendFeatures(l, &fb);
        fb.throwIfCancelled();
        tx.commit();
        r.scenario = request.scenario;
    }
    fb.setProgress(100);
    return r;
}

} // namespace bando::tasks
