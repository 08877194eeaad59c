#pragma once
// Split: which operator takes which gap village (issue #11; `bando split`). The no_signal and
// unstable villages of the latest (or --date) indicators are shared among the operators so that
// each operator's share of the gap households is within ±tolerance of its market share
// (renormalised to 100 %), minimising the household-weighted distance from each village to the
// operator's own nearest site (core/optim/split, CBC). Compactness is reported as the mean
// distance from each operator's villages to their household-weighted centre. Stored in
// operator_gap_villages and operator_gap_shares (one transaction). See docs/OPTIMISATION.md.
#include "core/base/feedback.hpp"

#include <string>
#include <utility>
#include <vector>

namespace bando::tasks {

struct SplitRequest {
    std::string project;
    std::string date;  // --date: indicators date ("" = latest)
    // --share OP=PCT (repeatable; replaces the whole list when given). DOMAIN.md §2 (≈2021–22).
    std::vector<std::pair<std::string, double>> shares{{"Viettel", 56}, {"VNPT", 21}, {"MobiFone", 18}};
    double tolerancePp = 2;       // --tolerance: ± percentage points
    double timeLimitSeconds = 30; // --time-limit S
    std::string scenario = "split";
    bool store = true;            // --no-store
    void validate() const;
};

struct OperatorShare {
    std::string op;
    double targetPct = 0, achievedPct = 0;
    int villages = 0;
    double households = 0, meanSiteKm = 0, meanCentreKm = 0;
};

struct SplitVillage {
    std::string code, name, district, op;
    double households = 0, siteKm = 0, lon = 0, lat = 0;
};

struct SplitResult {
    std::string project, date, scenario;
    int villages = 0;
    double households = 0, tolerancePp = 0;
    double objective = 0, unconstrained = 0;  // Σ households × km (with and without the shares)
    bool optimal = false;
    double seconds = 0;
    std::vector<OperatorShare> operators;
    std::vector<SplitVillage> assignment;
    std::vector<std::string> notes;
};

SplitResult run(const SplitRequest& request, Feedback& fb);

} // namespace bando::tasks
