#pragma once
// Rank: the transparent multi-criteria village ranking (`bando rank`, the app's ranking panel).
// Reads the stored village indicators of one date (bando analyze), applies a preset (team,
// telecom or one saved in the project) with weight overrides and added criteria, filters, ranks,
// measures the rank stability under ±spread weight changes, and stores the run as a named
// scenario and/or the criteria as a preset when asked (one transaction). See docs/PLANNING.md.
#include "core/base/feedback.hpp"
#include "core/planning/rank.hpp"

#include <map>
#include <string>
#include <vector>

namespace bando::tasks {

struct RankRequest {
    std::string project;
    std::string preset = "team";  // --preset team | telecom | a preset saved in the project
    std::string date;             // --date: indicators date; "" = the latest analysed
    std::map<std::string, double> weights;          // --weight CRITERION=W (0 drops its effect)
    std::vector<planning::Criterion> addCriteria;   // --criterion NAME=FIELD[:minmax|rank][:higher|lower][:W]
    std::vector<std::string> districts;             // --district CODE (repeatable); empty = all
    std::vector<int> phases;                        // --phase N (repeatable)
    std::vector<std::string> classes;               // --class no_signal|unstable|covered (repeatable)
    int top = 0;                                    // --top N: villages returned (0 = all)
    int runs = 200;                                 // --runs: sensitivity draws (0 = none)
    uint64_t seed = 20210720;                       // --seed
    double spread = 0.2;                            // --spread: ±20 % on every weight
    int robustTop = 20;                             // --robust-top: the top N whose stability is judged
    std::string scenario;                           // --scenario NAME: store the run under this name
    std::string savePreset;                         // --save-preset NAME: store the criteria
    void validate() const;
};

struct RankedVillage {
    int rank = 0;
    std::string code, name, commune, district, mobileClass;
    double score = 0;
    std::vector<double> values, normalised, contributions;  // per criterion
    planning::Stability stability;
    bool robust = false;
};

struct RankResult {
    std::string project, date, preset, filter, scenario;
    std::vector<planning::Criterion> criteria;  // effective (weights as used)
    int villagesRanked = 0;
    int runs = 0, robustTop = 20;
    uint64_t seed = 0;
    double spread = 0;
    std::vector<RankedVillage> villages;  // rank order, `top` of them
    std::vector<std::string> notes;
};

RankResult run(const RankRequest& request, Feedback& fb);

// Parses "NAME=FIELD[:minmax|rank][:higher|lower][:W]" (defaults minmax, higher, 1).
planning::Criterion parseCriterionSpec(const std::string& spec);

} // namespace bando::tasks
