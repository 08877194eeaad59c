#pragma once
// Maximal covering location (Church & ReVelle 1974): choose at most `count` candidate sites so
// that the weight of the demand points within reach of a chosen site is largest.
// Independent of the project: the caller builds the coverage sets (coverageSets, with a metric)
// and gets back indices. Greedy + swap first (the incumbent, and the answer when CBC finds
// nothing better in time), then CBC's branch and cut (coinor-libcbc) for the proof; under a time
// limit the best found, CBC's bound and the gap. See docs/OPTIMISATION.md.
#include "core/base/feedback.hpp"

#include <limits>
#include <string>
#include <vector>

namespace bando::optim {

// The sphere of the issue: great-circle distance in km on a sphere of radius 6,371.0088 km
// (the IUGG mean Earth radius), lon/lat in degrees.
constexpr double kEarthRadiusKm = 6371.0088;
double haversineKm(double lon1, double lat1, double lon2, double lat2);
// Coverage tolerance: a point is covered when distance ≤ radius + kCoverEpsilon.
constexpr double kCoverEpsilon = 1e-9;

struct Point2 {
    double x = 0, y = 0;  // lon/lat (degrees) for the haversine metric, planar units otherwise
};
// Haversine: lon/lat in degrees, km on the sphere above; Planar: Euclidean in the points' units
// (the Swain test data).
enum class Metric { Haversine, Planar };
double distance(Metric metric, const Point2& a, const Point2& b);

// For every candidate, the sorted indices of the demand points within `radius` (+ kCoverEpsilon);
// `radius` per candidate (one value for all when radii has one element).
std::vector<std::vector<int>> coverageSets(const std::vector<Point2>& demand, const std::vector<Point2>& candidates,
                                           const std::vector<double>& radii, Metric metric,
                                           Feedback* fb = nullptr);

struct CoverageProblem {
    std::vector<double> weight;            // per demand point (≥ 0)
    std::vector<std::vector<int>> covers;  // per candidate: demand indices it covers
    std::vector<double> cost;              // per candidate; empty = no costs
    double budget = std::numeric_limits<double>::infinity();  // total cost limit (with costs)
    std::vector<int> locked;               // candidates that must be chosen (they count toward count)
    int count = 1;                         // at most this many chosen, locked included
};

enum class CoverMethod { Auto, Heuristic };

struct CoverageOptions {
    CoverMethod method = CoverMethod::Auto;  // Auto: exact MIP under the time limit; Heuristic: greedy + swap, LP bound
    double timeLimitSeconds = 60;
};

struct CoverageSolution {
    std::vector<int> chosen;      // candidate indices (locked first, then in the order chosen)
    double objective = 0;         // covered weight
    double bound = 0;             // upper bound on the optimum (LP or branch-and-cut bound)
    double gap = 0;               // (bound - objective) / max(bound, tiny), 0 when proven
    bool optimal = false;         // proven optimal
    double greedyObjective = 0;   // greedy alone
    double warmObjective = 0;     // greedy + swap
    double totalWeight = 0;       // all demand
    double coverableWeight = 0;   // demand covered by at least one candidate
    int mipRows = 0;              // demand groups in the model after merging identical coverage
    long long nodes = 0;          // branch-and-cut nodes
    double seconds = 0;
    std::string method;           // "mip" | "greedy+swap" | "trivial"
};

// Covered weight of a set of chosen candidates.
double coveredWeight(const CoverageProblem& p, const std::vector<int>& chosen);
// Greedy adding (largest marginal weight first; ties to the lower index), within the budget.
std::vector<int> greedyCover(const CoverageProblem& p);
// 1-swap local search from `start`: best exchange of a chosen (not locked) site for an unchosen
// one while it improves, until no swap improves or `deadline` (steady-clock seconds) passes.
std::vector<int> swapImprove(const CoverageProblem& p, std::vector<int> start, double seconds, Feedback* fb = nullptr);
// Throws bando::Error(Usage) on an inconsistent problem (count < locked, bad indices, budget too small).
void validateProblem(const CoverageProblem& p);
CoverageSolution solveMaxCover(const CoverageProblem& p, const CoverageOptions& options, Feedback* fb = nullptr);

// The same model as solveMaxCover's MIP (after the same merging), written as CPLEX LP text, for
// the benchmark against the `cbc` command line. Returns the constant added to the objective
// (demand covered by locked sites).
double writeMaxCoverLp(const CoverageProblem& p, const std::string& path);

} // namespace bando::optim
