#pragma once
// The surveyed coverage gaps (layer survey_gaps, imported from agency lists) compared with the
// modelled village classification (classify.hpp): the villages where they disagree.
#include "core/base/feedback.hpp"

#include <string>
#include <vector>

namespace bando {
class ProjectStore;
}

namespace bando::analysis {

struct SurveyDisagreement {
    std::string villageCode, villageName, communeName, districtName;
    std::string surveyed;  // statuses from the survey ("no_signal", ...), comma-separated
    std::string modelled;  // "no_signal" | "unstable" | "covered" (+ ", no_broadband")
    double shareGood = 0, shareAny = 0;
};

struct SurveyDiff {
    int surveyedVillages = 0, agree = 0;
    std::vector<SurveyDisagreement> disagreements;  // by village code
};

// Compares survey_gaps with classifyVillages() on the project's layers. Throws
// bando::Error(Store) when survey_gaps, villages or settlements is missing.
SurveyDiff surveyDiff(const ProjectStore& store, const Feedback* fb = nullptr);

} // namespace bando::analysis
