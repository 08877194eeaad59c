#pragma once
// Scenarios: the named plans stored in the project (`bando scenarios`), and the comparison of two
// of them: what changed in the inputs and weights, which villages entered, left or moved in the
// top N, and why (the criteria whose contributions changed the most). See docs/PLANNING.md.
#include "core/base/feedback.hpp"

#include <string>
#include <vector>

namespace bando::tasks {

struct ScenariosRequest {
    std::string project;           // read only
    std::string compareA, compareB;  // --compare A B; both empty = list only
    int top = 20;                  // --top N: the top compared
    int reasons = 3;               // criteria named per changed village
    void validate() const;
};

struct ScenarioInfo {
    std::string name, kind, created, indicatorsDate, preset, filter;
    int villages = 0;
    std::vector<std::pair<std::string, double>> weights;  // criterion -> weight
};

struct ScenarioChange {
    std::string code, name;
    int rankA = 0, rankB = 0;  // 0 = not ranked in that scenario
    double scoreA = 0, scoreB = 0;
    // criterion -> B's contribution minus A's, largest |change| first (at most `reasons`)
    std::vector<std::pair<std::string, double>> why;
};

struct ScenarioComparison {
    std::string a, b;
    int top = 0;
    std::vector<std::pair<std::string, std::pair<std::string, std::string>>> inputs;  // key -> (A, B), differing only
    std::vector<std::pair<std::string, std::pair<double, double>>> weights;  // criterion -> (A, B), differing only (NaN = absent)
    std::vector<ScenarioChange> entered, left, moved;  // moved: in both top N with another rank
    int unchanged = 0;
};

struct ScenariosResult {
    std::string project;
    std::vector<ScenarioInfo> scenarios;
    bool compared = false;
    ScenarioComparison comparison;
};

ScenariosResult run(const ScenariosRequest& request, Feedback& fb);

} // namespace bando::tasks
