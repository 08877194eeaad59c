#pragma once
// Survey diff: the villages where the surveyed coverage gaps and the modelled classification
// disagree (`bando survey-diff`).
#include "core/analysis/survey_diff.hpp"
#include "core/base/feedback.hpp"

#include <string>

namespace bando::tasks {

struct SurveyDiffRequest {
    std::string project;  // read only
    void validate() const;
};

struct SurveyDiffResult {
    std::string project;
    analysis::SurveyDiff diff;
};

SurveyDiffResult run(const SurveyDiffRequest& request, Feedback& fb);

} // namespace bando::tasks
