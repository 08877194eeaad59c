#pragma once
// p-median (Hakimi; Teitz & Bart 1968): choose p facilities among candidates so that the sum of
// weight × distance from every demand point to its nearest chosen facility is least — where to
// base the district support teams (issue #11). Greedy adding, then vertex substitution (Teitz–Bart,
// with Whitaker's fast interchange: nearest and second-nearest facility per demand point), and a
// few seeded restarts from perturbed solutions within the time limit. Independent of the project:
// the caller gives the distance matrix. See docs/OPTIMISATION.md.
#include "core/base/feedback.hpp"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace bando::optim {

struct PMedianProblem {
    int demand = 0, candidates = 0;
    std::vector<double> weight;    // per demand point (≥ 0)
    std::vector<double> distance;  // demand × candidates, row-major; +inf = unreachable
    int p = 1;
    double at(int i, int j) const { return distance[static_cast<size_t>(i) * static_cast<size_t>(candidates) + static_cast<size_t>(j)]; }
};

struct PMedianOptions {
    double timeLimitSeconds = 10;  // restarts stop here (greedy + the first substitution always finish)
    int restarts = 200;            // perturbed restarts after the first local optimum (0 = none)
    uint64_t seed = 20211012;
};

struct PMedianSolution {
    std::vector<int> chosen;       // candidate indices, sorted
    std::vector<int> assignment;   // per demand point: the index into `chosen` of its nearest facility (-1 unreachable)
    double objective = 0;          // Σ weight × distance (reachable points)
    double greedyObjective = 0;    // greedy adding alone
    double firstLocalObjective = 0;  // greedy + one vertex substitution
    int unreachable = 0;           // demand points no chosen facility reaches
    int restartsRun = 0;
    double seconds = 0;
};

// Σ weight × distance to the nearest of `chosen`.
double pmedianCost(const PMedianProblem& p, const std::vector<int>& chosen);
std::vector<int> greedyPMedian(const PMedianProblem& p);
// Vertex substitution from `start` until no exchange improves.
std::vector<int> vertexSubstitution(const PMedianProblem& p, std::vector<int> start, Feedback* fb = nullptr);
PMedianSolution solvePMedian(const PMedianProblem& p, const PMedianOptions& options = {}, Feedback* fb = nullptr);

// The exact model through CBC, for small instances (pmed1–10 size: up to a few ten thousand
// demand × candidate pairs): min Σ w_i d_ij x_ij s.t. Σ_j x_ij = 1 (each reachable point),
// x_ij ≤ y_j, Σ_j y_j = p, y binary, 0 ≤ x ≤ 1 (with integral y the nearest assignment is optimal,
// so x need not be integer). Pairs at +inf distance have no x; unreachable points are left out, as
// in the objective of solvePMedian; a point that reaches some candidates but not all is refused
// (bando::Error(Usage)): the two objectives would differ. `lowerBound` is CBC's best possible objective: a proof of how
// far any answer can be from the optimum; `provenOptimal` when CBC closed the tree in time.
struct PMedianBound {
    double lowerBound = 0;       // ≤ the optimum
    double mipObjective = std::numeric_limits<double>::infinity();  // CBC's best answer (inf: none)
    bool provenOptimal = false;
    long long nodes = 0;
    int variables = 0;
    double seconds = 0;
};
PMedianBound pmedianLowerBound(const PMedianProblem& p, double seconds, Feedback* fb = nullptr);

// All-pairs shortest path lengths on an undirected graph of n vertices (0-based edges); a repeated
// edge keeps the last cost given (OR-Library's convention). Floyd–Warshall: n up to a few thousand.
struct Edge {
    int a = 0, b = 0;
    double cost = 0;
};
std::vector<double> allPairsShortestPaths(int n, const std::vector<Edge>& edges);

} // namespace bando::optim
