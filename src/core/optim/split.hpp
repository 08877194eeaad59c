#pragma once
// Splitting gap villages among operators (issue #11): every village goes to one operator so that
// each operator's share of the total weight (households) lies within ±tolerance of its target
// share, minimising Σ weight × cost (the distance from the village to the operator's own nearest
// site) — an assignment MIP solved by CBC. Independent of the project. See docs/OPTIMISATION.md.
#include "core/base/feedback.hpp"

#include <vector>

namespace bando::optim {

struct SplitProblem {
    std::vector<double> weight;  // per item (village): households, ≥ 0
    std::vector<double> share;   // per operator: target fraction (renormalised to sum 1)
    std::vector<double> cost;    // items × operators, row-major (finite, ≥ 0)
    double tolerance = 0.02;     // ± fraction of the total weight (2 percentage points)
};

struct SplitSolution {
    std::vector<int> assignment;      // per item: the operator
    std::vector<double> achieved;     // per operator: share of the total weight
    double objective = 0;             // Σ weight × cost
    double bound = 0;                 // lower bound (CBC)
    bool optimal = false;
    double unconstrained = 0;         // Σ weight × min cost (each item to its cheapest operator)
    double seconds = 0;
};

// Throws bando::Error(Usage, "--share") when the shares cannot be met within the tolerance (no
// feasible split) and bando::Error(Usage, ...) on inconsistent input.
SplitSolution solveSplit(const SplitProblem& p, double seconds, Feedback* fb = nullptr);

} // namespace bando::optim
