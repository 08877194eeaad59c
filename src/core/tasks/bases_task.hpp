#pragma once
// Bases: where to base the support teams (issue #11; `bando bases`, the app's Planning → Team
// bases). p base communes (their seats) minimising the household-weighted road distance from
// every village (its label point) to its nearest base: p-median by greedy + vertex substitution
// (core/optim/pmedian) on road distances from core/analysis/access (the same network as the
// analysis). Stored as the scenario's rows of team_bases and team_base_villages (one
// transaction). See docs/OPTIMISATION.md.
#include "core/base/feedback.hpp"

#include <string>
#include <vector>

namespace bando::tasks {

struct BasesRequest {
    std::string project;
    int count = 0;                       // --count P (required)
    std::vector<std::string> districts;  // --district CODE (repeatable): only these districts' villages and communes
    double timeLimitSeconds = 10;        // --time-limit S: for the restarts after the first local optimum
    std::string scenario = "bases";      // --scenario NAME
    bool store = true;                   // --no-store
    // The exact MIP through CBC as a lower bound (and the gap), for small instances only:
    double boundSeconds = 30;            // --bound-time S (0 = no bound)
    int boundMaxPairs = 40000;           // --bound-max-pairs N: only when villages × communes ≤ N (pmed10: 40,000)
    void validate() const;
};

struct TeamBase {
    std::string communeCode, name, districtCode;
    double lon = 0, lat = 0;
    int villages = 0;
    double households = 0, meanKm = 0, maxKm = 0;
};

struct BasesResult {
    std::string project, scenario;
    int count = 0, villages = 0, candidates = 0, unreachable = 0;
    double households = 0;
    double objective = 0;           // Σ households × road km
    double meanKm = 0;              // per household
    double greedyObjective = 0, firstLocalObjective = 0;
    int restarts = 0;
    bool boundComputed = false;     // the CBC bound was run
    double lowerBound = 0;          // ≤ the optimum (Σ households × road km)
    double gap = 0;                 // (objective − lowerBound) / objective
    bool optimal = false;           // proven: lowerBound = objective
    double boundSeconds = 0;
    double matrixSeconds = 0, solveSeconds = 0;
    std::vector<TeamBase> bases;
    std::vector<std::string> notes;
};

BasesResult run(const BasesRequest& request, Feedback& fb);

} // namespace bando::tasks
