#include "core/tasks/bases_task.hpp"
#include "core/base/clock.hpp"

#include "core/analysis/access.hpp"
#include "core/analysis/indicators.hpp"
#include "core/base/error.hpp"
#include "core/crs/reproject.hpp"
#include "core/model/schema.hpp"
#include "core/optim/pmedian.hpp"
#include "core/store/project_store.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <map>
#include <set>

namespace bando::tasks {

namespace {


double sec(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

} // namespace

void BasesRequest::validate() const
{
    if (project.empty())
        throw Error(ErrorKind::Usage, "", "expected one PROJECT file");
    if (count < 1)
        throw Error(ErrorKind::Usage, "--count", "the number of bases P must be at least 1");
    if (!(timeLimitSeconds >= 0) || !std::isfinite(timeLimitSeconds))
        throw Error(ErrorKind::Usage, "--time-limit", "must be a number of seconds, 0 or more");
    if (store && scenario.empty())
        throw Error(ErrorKind::Usage, "--scenario", "must not be empty");
    if (!(boundSeconds >= 0) || !std::isfinite(boundSeconds))
        throw Error(ErrorKind::Usage, "--bound-time", "must be a number of seconds, 0 or more");
    if (boundMaxPairs < 0)
        throw Error(ErrorKind::Usage, "--bound-max-pairs", "must be 0 or more");
}

BasesResult run(const BasesRequest& request, Feedback& fb)
{
    request.validate();
    BasesResult r;
    r.project = request.project;
    r.count = request.count;
    auto store = ProjectStore::open(request.project,
                                    request.store ? ProjectStore::Mode::ReadWrite : ProjectStore::Mode::ReadOnly);
    fb.setStep("read");
    const analysis::AnalysisOptions defaults;  // the analysis's metric CRS and road speeds
    const int epsg = defaults.metricEpsg;
    for (const char* need : {"villages", "places", "roads", "communes"})
        if (!store->hasLayer(need))
            throw Error(ErrorKind::Usage, request.project, std::string("the project has no '") + need + "' layer");
    Layer villages = store->readLayer("villages", &fb);
    Layer places = store->readLayer("places", &fb);
    Layer roads = store->readLayer("roads", &fb);
    const Layer communes = store->readLayer("communes", &fb);
    const std::set<std::string> only(request.districts.begin(), request.districts.end());
    std::map<std::string, std::pair<std::string, std::string>> communeInfo;  // code -> (name, district)
    for (const auto& f : communes.features)
        communeInfo[communes.text(f, "code")] = {communes.text(f, "name"), communes.text(f, "district_code")};
    crs::reproject(villages, epsg);
    crs::reproject(roads, epsg);
    Layer placesM = places;
    crs::reproject(placesM, epsg);

    std::vector<XY> demandXY;
    std::vector<double> weight;
    std::vector<std::string> villageCode;
    for (const auto& f : villages.features) {
        if (f.geom.isEmpty())
            continue;
        if (!only.empty() && !only.count(villages.text(f, "district_code")))
            continue;
        const double hh = static_cast<double>(std::max<int64_t>(0, villages.integer(f, "households")));
        demandXY.push_back(interiorPoint(f.geom));
        weight.push_back(hh);
        villageCode.push_back(villages.text(f, "code"));
        r.households += hh;
    }
    std::vector<XY> candXY;
    std::vector<size_t> candFeature;
    for (size_t k = 0; k < placesM.features.size(); ++k) {
        const auto& f = placesM.features[k];
        if (placesM.text(f, "kind") != "commune_seat" || f.geom.isEmpty())
            continue;
        const auto it = communeInfo.find(placesM.text(f, "code"));
        if (!only.empty() && (it == communeInfo.end() || !only.count(it->second.second)))
            continue;
        candXY.push_back(f.geom.parts[0][0][0]);
        candFeature.push_back(k);
    }
    r.villages = static_cast<int>(demandXY.size());
    r.candidates = static_cast<int>(candXY.size());
    if (demandXY.empty())
        throw Error(ErrorKind::Usage, request.districts.empty() ? request.project : "--district", "no villages to serve");
    if (candXY.empty())
        throw Error(ErrorKind::Usage, request.districts.empty() ? request.project : "--district",
                    "no commune seats (places of kind commune_seat) to base teams at");
    if (request.count > r.candidates)
        throw Error(ErrorKind::Usage, "--count",
                    "more bases than candidate communes (" + std::to_string(r.candidates) + ")");
    fb.throwIfCancelled();
    fb.setStep("road distances");
    fb.setProgress(5);
    auto t0 = std::chrono::steady_clock::now();
    const auto fromCand = analysis::roadDistanceMatrix(roads, defaults.access, candXY, demandXY, &fb);
    r.matrixSeconds = sec(t0);
    optim::PMedianProblem p;
    p.demand = r.villages;
    p.candidates = r.candidates;
    p.p = request.count;
    p.weight = weight;
    p.distance.resize(static_cast<size_t>(p.demand) * static_cast<size_t>(p.candidates));
    for (int j = 0; j < p.candidates; ++j)
        for (int i = 0; i < p.demand; ++i)
            p.distance[static_cast<size_t>(i) * static_cast<size_t>(p.candidates) + static_cast<size_t>(j)] =
                fromCand[static_cast<size_t>(j) * static_cast<size_t>(p.demand) + static_cast<size_t>(i)] / 1000.0;
    fb.setStep("p-median");
    fb.setProgress(40);
    optim::PMedianOptions o;
    o.timeLimitSeconds = request.timeLimitSeconds;
    t0 = std::chrono::steady_clock::now();
    const auto s = optim::solvePMedian(p, o, &fb);
    r.solveSeconds = sec(t0);
    r.objective = s.objective;
    r.greedyObjective = s.greedyObjective;
    r.firstLocalObjective = s.firstLocalObjective;
    r.restarts = s.restartsRun;
    r.unreachable = s.unreachable;
    const long long pairs = static_cast<long long>(p.demand) * p.candidates;
    if (request.boundSeconds > 0 && pairs <= request.boundMaxPairs) {
        fb.setStep("lower bound");
        try {
            const auto b = optim::pmedianLowerBound(p, request.boundSeconds, &fb);
            r.boundComputed = true;
            r.lowerBound = std::min(b.lowerBound, r.objective);
            r.boundSeconds = b.seconds;
            r.gap = r.objective > 0 ? (r.objective - r.lowerBound) / r.objective : 0;
            r.optimal = r.gap <= 1e-9;
            if (b.mipObjective < r.objective * (1 - 1e-9))
                r.notes.push_back("CBC found a better set of bases (" + std::to_string(b.mipObjective) +
                                  " household-km) than the heuristic within --bound-time");
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::Usage)
                throw;
            r.notes.push_back(std::string("no lower bound: ") + e.what());
        }
    } else if (request.boundSeconds > 0) {
        r.notes.push_back("no lower bound: " + std::to_string(p.demand) + " villages × " + std::to_string(p.candidates) +
                          " communes is more than --bound-max-pairs " + std::to_string(request.boundMaxPairs));
    }
    double served = 0;
    for (size_t k = 0; k < s.chosen.size(); ++k) {
        TeamBase b;
        const auto& f = places.features[candFeature[static_cast<size_t>(s.chosen[k])]];
        b.communeCode = places.text(f, "code");
        const auto it = communeInfo.find(b.communeCode);
        b.name = it != communeInfo.end() ? it->second.first : places.text(f, "name");
        b.districtCode = it != communeInfo.end() ? it->second.second : std::string();
        b.lon = f.geom.parts[0][0][0].x;
        b.lat = f.geom.parts[0][0][0].y;
        r.bases.push_back(b);
    }
    for (int i = 0; i < p.demand; ++i) {
        const int a = s.assignment[static_cast<size_t>(i)];
        if (a < 0)
            continue;
        auto& b = r.bases[static_cast<size_t>(a)];
        const double km = p.at(i, s.chosen[static_cast<size_t>(a)]);
        b.villages += 1;
        b.households += p.weight[static_cast<size_t>(i)];
        b.meanKm += p.weight[static_cast<size_t>(i)] * km;
        b.maxKm = std::max(b.maxKm, km);
        served += p.weight[static_cast<size_t>(i)];
    }
    for (auto& b : r.bases)
        b.meanKm = b.households > 0 ? b.meanKm / b.households : 0;
    r.meanKm = served > 0 ? r.objective / served : 0;
    if (r.unreachable > 0)
        r.notes.push_back(std::to_string(r.unreachable) +
                          " villages reach no base on the road network: they are left out of the objective");

    if (request.store) {
        fb.setStep("store");
        const std::string created = stampIsoUtc();
        Layer lb = schema::makeLayer("team_bases");
        for (const auto& b : r.bases) {
            Feature& f = lb.addFeature(Geometry::point(b.lon, b.lat));
            lb.set(f, "scenario", request.scenario);
            lb.set(f, "created", created);
            lb.set(f, "commune_code", b.communeCode);
            lb.set(f, "name", b.name);
            lb.set(f, "district_code", b.districtCode);
            lb.set(f, "villages", static_cast<int64_t>(b.villages));
            lb.set(f, "households", b.households);
            lb.set(f, "mean_km", b.meanKm);
            lb.set(f, "max_km", b.maxKm);
            lb.set(f, "objective_hh_km", r.objective);
        }
        Layer lv = schema::makeLayer("team_base_villages");
        for (int i = 0; i < p.demand; ++i) {
            Feature& f = lv.addFeature(Geometry{});
            lv.set(f, "scenario", request.scenario);
            lv.set(f, "village_code", villageCode[static_cast<size_t>(i)]);
            lv.set(f, "households", p.weight[static_cast<size_t>(i)]);
            const int a = s.assignment[static_cast<size_t>(i)];
            if (a >= 0) {
                lv.set(f, "base_commune_code", r.bases[static_cast<size_t>(a)].communeCode);
                lv.set(f, "road_km", p.at(i, s.chosen[static_cast<size_t>(a)]));
            }
        }
        store->replaceRowsWhere("scenario", request.scenario, {&lb, &lv}, &fb);
        r.scenario = request.scenario;
    }
    fb.setProgress(100);
    return r;
}

} // namespace bando::tasks
