// Candidate evaluation. See candidates.hpp.
#include "core/predict/candidates.hpp"

#include <algorithm>
#include <cmath>

namespace bando::predict {

std::vector<CandidateReach> candidateCoverage(const std::vector<Site>& candidates, const std::vector<DemandPoint>& demand,
                                              const Terrain& terrain, const EngineOptions& options, double cellM,
                                              const CandidateThresholds& thresholds, const std::atomic<bool>* cancel,
                                              const std::function<void(size_t, size_t)>& onDone)
{
    std::vector<CandidateReach> out(candidates.size());
    if (candidates.empty())
        return out;
    // One grid over every candidate's reach, aligned on whole cells.
    double minX = candidates[0].x, maxX = minX, minY = candidates[0].y, maxY = minY;
    for (const auto& c : candidates) {
        minX = std::min(minX, c.x);
        maxX = std::max(maxX, c.x);
        minY = std::min(minY, c.y);
        maxY = std::max(maxY, c.y);
    }
    Grid g;
    g.cell = cellM;
    g.originX = std::floor((minX - options.radiusM) / cellM) * cellM - cellM;
    g.originY = std::ceil((maxY + options.radiusM) / cellM) * cellM + cellM;
    g.cols = static_cast<int>(std::ceil((maxX + options.radiusM + cellM - g.originX) / cellM));
    g.rows = static_cast<int>(std::ceil((g.originY - (minY - options.radiusM - cellM)) / cellM));
    const auto losses = predictLosses(candidates, g, terrain, options, cancel, onDone);
    for (size_t s = 0; s < candidates.size(); ++s) {
        const Site& site = candidates[s];
        const SiteLoss& w = losses[s];
        const auto thr = site.tech == analysis::rf::Technology::G3 ? thresholds.g3 : thresholds.g4;
        CandidateReach& r = out[s];
        for (size_t i = 0; i < demand.size(); ++i) {
            const DemandPoint& d = demand[i];
            if (std::hypot(d.x - site.x, d.y - site.y) > options.radiusM)
                continue;
            const int c = static_cast<int>(std::floor((d.x - g.originX) / g.cell));
            const int row = static_cast<int>(std::floor((g.originY - d.y) / g.cell));
            const float loss = w.at(c, row);
            if (std::isnan(loss))
                continue;
            const int i0 = c - w.col0, j0 = row - w.row0;
            const float gain = w.gainDb[static_cast<size_t>(j0) * w.cols + i0];
            const double level = siteLevelDbm(site, loss, gain);
            if (level >= thr.goodDbm) {
                r.good.push_back(static_cast<int>(i));
                r.goodWeight += d.weight;
            } else if (level >= thr.weakDbm) {
                r.weak.push_back(static_cast<int>(i));
                r.weakWeight += d.weight;
            }
        }
        r.goodNew = r.good;
        r.weakNew = r.weak;
        r.goodNewWeight = r.goodWeight;
        r.weakNewWeight = r.weakWeight;
    }
    return out;
}

void subtractCovered(std::vector<CandidateReach>& reach, const std::vector<DemandPoint>& demand,
                     const std::vector<Covered>& existing)
{
    auto keep = [&](const std::vector<int>& from, Covered atMost, std::vector<int>& to, double& weight) {
        to.clear();
        weight = 0;
        for (int i : from) {
            const auto k = static_cast<size_t>(i);
            if (k < existing.size() && existing[k] > atMost)
                continue;
            to.push_back(i);
            weight += demand[k].weight;
        }
    };
    for (auto& r : reach) {
        keep(r.good, Covered::Weak, r.goodNew, r.goodNewWeight);
        keep(r.weak, Covered::None, r.weakNew, r.weakNewWeight);
    }
}

std::vector<Covered> demandCoverage(const std::vector<Site>& sites, const std::vector<SiteLoss>& losses, const Grid& grid,
                                    const std::vector<DemandPoint>& demand, const CandidateThresholds& thresholds)
{
    std::vector<Covered> out(demand.size(), Covered::None);
    for (auto tech : {analysis::rf::Technology::G3, analysis::rf::Technology::G4}) {
        const auto thr = tech == analysis::rf::Technology::G3 ? thresholds.g3 : thresholds.g4;
        const BestServer best = bestServer(sites, losses, grid, [&](size_t s) { return sites[s].tech == tech; });
        for (size_t i = 0; i < demand.size(); ++i) {
            const int c = static_cast<int>(std::floor((demand[i].x - grid.originX) / grid.cell));
            const int r = static_cast<int>(std::floor((grid.originY - demand[i].y) / grid.cell));
            if (c < 0 || r < 0 || c >= grid.cols || r >= grid.rows)
                continue;
            const float level = best.levelDbm[static_cast<size_t>(r) * grid.cols + c];
            if (std::isnan(level))
                continue;
            const Covered k = level >= thr.goodDbm ? Covered::Good : level >= thr.weakDbm ? Covered::Weak : Covered::None;
            out[i] = std::max(out[i], k);
        }
    }
    return out;
}

} // namespace bando::predict
