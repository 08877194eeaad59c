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
    std::vector<std::string> operators;             // --operator NAME (repeatable): villages it is responsible for
    std::string operatorScenario = "split";         // --operator-scenario: the bando split scenario giving the operators
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
    int phase = 0;  // the district's roll-out phase (0 = none)
    std::string op;  // the operator responsible (bando split); "" = none
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

// The weight sliders of the app's ranking panel: the villages of a full run (RankRequest::top = 0)
// in code order and a Ranker over their stored values, so that a weight change re-ranks without
// reading the project (one pass over N × K values and a sort; docs/PERFORMANCE.md: 24 ms for
// 80,000 villages). Scores and contributions are the ones `bando rank --weight` gives.
class LiveRanking {
public:
    // Throws bando::Error(Usage) when `result` was cut by --top.
    explicit LiveRanking(RankResult result);
    LiveRanking(const LiveRanking&) = delete;  // holds pointers into its own result
    LiveRanking& operator=(const LiveRanking&) = delete;
    const RankResult& result() const { return m_result; }
    const std::vector<planning::Criterion>& criteria() const { return m_ranker.criteria(); }
    size_t size() const { return m_byCode.size(); }
    // Village v in code order (its stored name, district, values; rank/score as first run).
    const RankedVillage& village(size_t v) const { return *m_byCode[v]; }
    // Sets the weights (criteria order) and re-ranks.
    void setWeights(const std::vector<double>& weights);
    // Village indices (code order) in rank order for the current weights.
    const std::vector<uint32_t>& order() const { return m_order; }
    double score(size_t v) const { return m_ranker.scores()[v]; }
    double normalised(size_t v, size_t k) const { return m_ranker.normalised(v, k); }
    double contribution(size_t v, size_t k) const { return m_ranker.contribution(v, k); }
    int rankOf(size_t v) const { return m_rankOf[v]; }  // 1-based, current weights
    // Code-order index of a village code; -1 when not ranked.
    int indexOf(const std::string& code) const;

private:
    void reorder();
    RankResult m_result;
    std::vector<const RankedVillage*> m_byCode;
    planning::Ranker m_ranker;
    std::vector<uint32_t> m_order;
    std::vector<int> m_rankOf;
};

// Names of the presets saved in the project (planning_presets), sorted; empty when none.
std::vector<std::string> savedPresetNames(const std::string& project);

// Parses "NAME=FIELD[:minmax|rank][:higher|lower][:W]" (defaults minmax, higher, 1).
planning::Criterion parseCriterionSpec(const std::string& spec);

} // namespace bando::tasks
