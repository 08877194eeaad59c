#pragma once
// Surveyed coverage-gap lists (villages reported without / with unstable signal or broadband),
// keyed by names or codes, matched to the project's villages with a review list before
// anything is written; and the comparison with the modelled classification.
#include "core/base/diagnostics.hpp"
#include "core/base/feedback.hpp"
#include "core/io/importer.hpp"
#include "core/io/unit_match.hpp"

#include <string>
#include <vector>

namespace bando {
class ProjectStore;
}

namespace bando::io {

// "no_signal", "unstable", "no_broadband" from the words agencies use ("trắng sóng", "lõm sóng",
// "sóng yếu", "chưa có internet băng rộng", ...); "" when not recognised.
std::string normaliseGapStatus(const std::string& text);

struct ReviewRow {
    int64_t row = 0;      // 1-based data row of the file
    std::string input;    // what the row said (village, commune, district)
    UnitMatch match;
};

struct SurveyImportOptions {
    SourceOptions source;
    bool append = false;
    bool skipUnmatched = false;  // write the matched rows even when some rows need review
    bool reviewOnly = false;     // match and check every row, never write
    std::string sourceLabel;     // written to survey_gaps.source (default: the file name)
};

struct SurveyImportResult {
    int64_t rows = 0, matched = 0, written = 0;
    std::vector<ReviewRow> review;  // unmatched and ambiguous rows
    bool wrote = false;             // false when the review list stopped the import
    Diagnostics diagnostics;
    std::string encoding;
};

// Reads the list, matches every row, and writes `survey_gaps` in one transaction unless rows
// need review (and skipUnmatched is off). Throws bando::Error for unreadable files and rows
// with an unknown status (naming the file, row and field).
SurveyImportResult importSurveyGaps(ProjectStore& store, const std::string& path, const SurveyImportOptions& opts,
                                    const Feedback* fb = nullptr);

struct SurveyDisagreement {
    std::string villageCode, villageName, communeName, districtName;
    std::string surveyed;  // statuses from the survey ("no_signal", ...), comma-separated
    std::string modelled;  // "no_signal" | "unstable" | "covered" (+ ", no_broadband")
    double shareGood = 0, shareAny = 0;
};

struct SurveyDiff {
    int surveyedVillages = 0, agree = 0;
    std::vector<SurveyDisagreement> disagreements;
};

// Compares survey_gaps with the modelled classification (bando::analysis::classifyVillages).
SurveyDiff surveyDiff(const ProjectStore& store, const Feedback* fb = nullptr);

} // namespace bando::io
