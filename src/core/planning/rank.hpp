#pragma once
// Transparent multi-criteria ranking of villages (issue #10). GUI-free; the request/job wrapper is
// tasks/rank_task.hpp, the rules and the presets' weights are documented in docs/PLANNING.md.
//
//   * Each criterion is a named per-village value (a column of village_indicators or a derived
//     field), normalised over the ranked villages to 0..1 by min–max or by rank, in a stated
//     direction (`Higher`: a higher value means a higher priority; `Lower`: the reverse).
//     A missing value (NaN) normalises to 0: it never raises a village. A criterion whose values
//     are all equal normalises to 0 (min–max) or 0.5 (rank) for every village.
//   * contribution(v, k) = 100 × w_k / Σw × n(v, k); score(v) = the sum of the contributions in
//     criterion order (so they add up to the score exactly, in double arithmetic). Scores are 0..100.
//   * Order: score descending, ties by the village's position in the input (the caller passes the
//     villages sorted by code); rank = 1-based position.
// The normalised matrix is computed once: a weight change costs one pass over N × K values and a
// sort (the re-rank timing is in docs/PERFORMANCE.md).
#include <cstdint>
#include <string>
#include <vector>

namespace bando::planning {

enum class Normalisation { MinMax, Rank };
enum class Direction { Higher, Lower };

const char* normalisationName(Normalisation n);  // minmax | rank
const char* directionName(Direction d);          // higher | lower
Normalisation parseNormalisation(const std::string& s);  // throws bando::Error(Usage)
Direction parseDirection(const std::string& s);           // throws bando::Error(Usage)

struct Criterion {
    std::string name;   // shown to the user and used by --weight NAME=W
    std::string field;  // the per-village field it reads (see planning/village_table.hpp)
    Normalisation normalisation = Normalisation::MinMax;
    Direction direction = Direction::Higher;
    double weight = 1;
    std::string reason;  // why this criterion and weight (docs/PLANNING.md)
};

struct Preset {
    std::string name;
    std::string description;
    std::vector<Criterion> criteria;
};

// The user's name for a criterion in the current language: a short label for the built-in
// criteria (missing_households → "Households still missing"), the name itself for any other.
std::string criterionLabel(const std::string& name);

// The two documented presets: "team" (team deployment) and "telecom" (telecom investment).
const std::vector<Preset>& builtinPresets();
const Preset* findBuiltinPreset(const std::string& name);

// Normalises one criterion's raw values (NaN = missing) to 0..1.
std::vector<double> normalise(const std::vector<double>& raw, Normalisation n, Direction d);

class Ranker {
public:
    // raw[k][v]: criterion k's value for village v (every raw[k] has the same size).
    Ranker(std::vector<Criterion> criteria, const std::vector<std::vector<double>>& raw);

    size_t villages() const { return m_n; }
    const std::vector<Criterion>& criteria() const { return m_criteria; }
    // Sets the weights (same order as criteria(); each >= 0, at least one > 0) and re-scores.
    void setWeights(const std::vector<double>& weights);
    const std::vector<double>& scores() const { return m_scores; }
    // Village indices in rank order (score descending, ties by index).
    std::vector<uint32_t> order() const;
    double normalised(size_t v, size_t k) const { return m_norm[k * m_n + v]; }
    double contribution(size_t v, size_t k) const { return m_factor[k] * m_norm[k * m_n + v]; }

private:
    void rescore();
    std::vector<Criterion> m_criteria;
    size_t m_n = 0;
    std::vector<double> m_norm;    // K × N, criterion-major
    std::vector<double> m_factor;  // 100 × w_k / Σw
    std::vector<double> m_scores;
};

// Sensitivity of the ranking to the weights: `runs` draws (own seeded RNG, reproducible on every
// standard library), each weight multiplied by an independent uniform factor in
// [1 − spread, 1 + spread]; per village the best and worst rank over the draws and the share of
// the draws in which it is in the top `topN`. Robust = in the top N in at least 90 % of the draws.
struct Stability {
    int rankMin = 0, rankMax = 0;
    double topShare = 0;  // 0..1
};
std::vector<Stability> sensitivity(const Ranker& ranker, const std::vector<double>& baseWeights, int runs,
                                   uint64_t seed, double spread, int topN);
inline constexpr double kRobustShare = 0.9;

// The deterministic RNG used by sensitivity() (splitmix64).
struct SplitMix64 {
    uint64_t s;
    uint64_t next();
    double uniform();  // [0, 1)
};

} // namespace bando::planning
