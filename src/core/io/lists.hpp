#pragma once
// Tabular lists keyed by names (per-village household counts, community technology team
// rosters): rows name a village by code, else by (district, commune, village) names, in
// separate columns or one address column ("Thôn Nà Pài, xã Chi Lăng"). Every row is matched
// with UnitMatcher and checked first (the review); only then, and only when no row needs
// review (or the caller skips those rows), the project is written in one transaction.
#include "core/base/diagnostics.hpp"
#include "core/base/feedback.hpp"
#include "core/io/importer.hpp"
#include "core/io/survey.hpp"
#include "core/io/unit_match.hpp"

#include <string>
#include <vector>

namespace bando {
class ProjectStore;
}

namespace bando::io {

enum class ListKind { Households, Teams };
const char* listKindName(ListKind k);  // "households" | "teams"
// "households" / "teams" (also "ho", "so_ho", "to", "doi"); false when unknown.
bool parseListKind(const std::string& s, ListKind& out);

struct ListImportOptions {
    SourceOptions source;
    ListKind kind = ListKind::Households;
    bool skipUnmatched = false;  // write the matched rows even when some rows need review
    bool reviewOnly = false;     // never write: only the review
    // Teams: false = the teams of the villages named in the list are replaced (other villages'
    // teams are kept); true = the rows are added to the existing teams.
    bool append = false;
};

struct ListImportResult {
    int64_t rows = 0, matched = 0, unmatched = 0, ambiguous = 0;
    int64_t written = 0;            // villages updated (households) or team rows written (teams)
    std::vector<ReviewRow> review;  // every non-blank row in file order, with its match
    bool wrote = false;             // false when the review stopped the import (or reviewOnly)
    Diagnostics diagnostics;        // warnings name the file, row and field
    std::string encoding;
    bool needsReview() const { return unmatched + ambiguous > 0; }
};

// Limits: households per village 0..kMaxVillageHouseholds; team members outside 1..10 are
// flagged (a warning); trained > members, negative or non-numeric values are errors.
constexpr int64_t kMaxVillageHouseholds = 5000;
constexpr int64_t kMaxVillagePopulation = 30000;

// Reads and checks the list, matches every row, and (unless reviewOnly or rows need review
// without skipUnmatched) writes in one transaction: households update villages.households
// (and villages.population when the list has a population column); teams write the `teams`
// table. Throws bando::Error naming the file, row and field for bad values; nothing is written then.
ListImportResult importList(ProjectStore& store, const std::string& path, const ListImportOptions& opts,
                            const Feedback* fb = nullptr);

} // namespace bando::io
