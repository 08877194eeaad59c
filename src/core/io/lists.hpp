#pragma once
// Tabular lists keyed by names: surveyed coverage gaps (survey_gaps), per-village household
// counts and community technology team rosters. Rows name a village by code, else by
// (district, commune, village) names, in separate columns or one address column ("Thôn Nà
// Pài, xã Chi Lăng"). All three go through one pipeline: read the rows, detect the columns,
// check each row's values, match its village with UnitMatcher (the review list), and only
// then — when no row needs review, or the caller skips those rows — write the project in one
// transaction.
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

// Progress: dated district (or commune) figures as districts send them (issue #10), written to
// progress_reports; CommuneFlags: border / particularly difficult communes, written to
// commune_flags. Both name a district or commune instead of a village.
enum class ListKind { Households, Teams, SurveyGaps, Progress, CommuneFlags };
const char* listKindName(ListKind k);  // "households" | "teams" | "survey_gaps" | "progress" | "commune_flags"
// "households" / "teams" / "progress" / "commune_flags" (also "ho", "so_ho", "to", "doi",
// "tien_do", "flags"); false when unknown.
bool parseListKind(const std::string& s, ListKind& out);

// "no_signal", "unstable", "no_broadband" from the words agencies use ("trắng sóng", "lõm sóng",
// "sóng yếu", "chưa có internet băng rộng", ...); "" when not recognised.
std::string normaliseGapStatus(const std::string& text);

struct ReviewRow {
    int64_t row = 0;    // 1-based data row of the file
    std::string input;  // what the row said (code, village, commune, district)
    UnitMatch match;
};

struct ListImportOptions {
    SourceOptions source;
    ListKind kind = ListKind::Households;
    bool skipUnmatched = false;  // write the matched rows even when some rows need review
    bool reviewOnly = false;     // never write: only the review
    // Teams: false = the teams of the villages named in the list are replaced (other villages'
    // teams are kept); true = the rows are added to the existing teams.
    // Survey gaps: false = survey_gaps is replaced; true = the rows are appended.
    bool append = false;
    std::string sourceLabel;  // survey gaps, progress, flags: the source column (default: the file name)
    // Progress: the report date of rows without a date column (YYYY-MM-DD or D/M/YYYY).
    std::string reportDate;
};

struct ListImportResult {
    int64_t rows = 0, matched = 0, unmatched = 0, ambiguous = 0;
    // Villages updated (households), team rows written (teams) or survey rows written.
    int64_t written = 0;
    std::vector<ReviewRow> review;  // every non-blank row in file order, with its match
    bool wrote = false;             // false when the review stopped the import (or reviewOnly)
    Diagnostics diagnostics;        // warnings name the file, row and field
    std::string encoding;
    std::string unitVersion;  // the unit version of the list's commune names (issue #17); "" = cannot tell
    bool needsReview() const { return unmatched + ambiguous > 0; }
    // The rows that are not matched (unmatched or ambiguous), in file order.
    std::vector<ReviewRow> rowsToReview() const;
};

// Limits: households per village 0..kMaxVillageHouseholds; team members outside 1..10 are
// flagged (a warning); trained > members, negative or non-numeric values are errors.
constexpr int64_t kMaxVillageHouseholds = 5000;
constexpr int64_t kMaxVillagePopulation = 30000;

// Reads and checks the list, matches every row, and (unless reviewOnly or rows need review
// without skipUnmatched) writes in one transaction: households update villages.households
// (and villages.population when the list has a population column); teams write the `teams`
// table; survey gaps write `survey_gaps`; progress rows replace the progress_reports rows of
// the same date and place (append adds without replacing); commune flags replace
// `commune_flags` (append adds). Throws bando::Error naming the file, row and field
// for bad values (an unknown gap status, an impossible count); nothing is written then.
ListImportResult importList(ProjectStore& store, const std::string& path, const ListImportOptions& opts,
                            const Feedback* fb = nullptr);

} // namespace bando::io
