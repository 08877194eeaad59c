#pragma once
// Candidate evaluation for site selection (issue #16 -> #11): the demand points (settlements
// weighted by households) each candidate site would cover, from its predicted level rather than
// a fixed radius. The result per candidate is the sorted list of demand indices, the shape
// optim::coverageSets returns, so the maximal-covering solver can take either.
#include "core/analysis/propagation.hpp"
#include "core/predict/engine.hpp"

#include <atomic>
#include <functional>
#include <vector>

namespace bando::predict {

struct DemandPoint {
    double x = 0, y = 0;  // working CRS (the terrain's)
    double weight = 0;    // households
};

struct CandidateReach {
    std::vector<int> good;   // demand indices whose cell reaches the good level
    std::vector<int> weak;   // reaching the weak level but not the good one
    double goodWeight = 0, weakWeight = 0;
    // What the candidate adds (subtractCovered; = good / weak until then): good reach not
    // already covered at the good level; weak reach not covered at all.
    std::vector<int> goodNew, weakNew;
    double goodNewWeight = 0, weakNewWeight = 0;
};

// Existing coverage of a demand point.
enum class Covered : unsigned char { None = 0, Weak = 1, Good = 2 };

struct CandidateThresholds {
    analysis::rf::LevelThresholds g3 = analysis::rf::defaultThresholds(analysis::rf::Technology::G3);
    analysis::rf::LevelThresholds g4 = analysis::rf::defaultThresholds(analysis::rf::Technology::G4);
};

// Predicts every candidate (EngineOptions: model, radius, threads) on a grid of `cellM` cells
// and classifies each demand point by the level of the cell it falls in (the candidate's own
// level: EIRP + pattern - loss, as the coverage prediction). `onDone(done, total)` per
// candidate; `cancel` as predictLosses (throws CancelledError).
std::vector<CandidateReach> candidateCoverage(const std::vector<Site>& candidates, const std::vector<DemandPoint>& demand,
                                              const Terrain& terrain, const EngineOptions& options, double cellM,
                                              const CandidateThresholds& thresholds = {},
                                              const std::atomic<bool>* cancel = nullptr,
                                              const std::function<void(size_t, size_t)>& onDone = {});

// Removes from each candidate's "new" sets the demand points already covered (`existing`, one
// per demand point): a point already at the good level adds nothing; a point already at the weak
// level counts as new only where the candidate brings it to good.
void subtractCovered(std::vector<CandidateReach>& reach, const std::vector<DemandPoint>& demand,
                     const std::vector<Covered>& existing);

// Existing coverage of each demand point from a prediction of the existing sites (losses on
// `grid`, as predictLosses): the best level of each technology at the point's cell against that
// technology's thresholds, the better of the two.
std::vector<Covered> demandCoverage(const std::vector<Site>& sites, const std::vector<SiteLoss>& losses, const Grid& grid,
                                    const std::vector<DemandPoint>& demand, const CandidateThresholds& thresholds = {});

} // namespace bando::predict
