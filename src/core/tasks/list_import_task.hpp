#pragma once
// List import: a per-village list keyed by village codes or names (household counts, team
// rosters, surveyed coverage gaps), matched and reviewed before anything is written
// (`bando import-list`, `bando import --layer survey_gaps`, the import dialog's review).
#include "core/base/feedback.hpp"
#include "core/io/lists.hpp"

#include <string>

namespace bando::tasks {

// --kind households|teams|progress|commune_flags; throws Error(Usage, "--kind") for anything else.
io::ListKind listKindOption(const std::string& text);

struct ListImportRequest {
    std::string project;  // opened read-write, or read-only for reviewOnly
    std::string file;
    io::ListKind kind = io::ListKind::Households;
    io::SourceOptions source;
    bool skipUnmatched = false;  // write the matched rows even when some rows need review
    bool reviewOnly = false;     // match and check every row, write nothing
    bool append = false;         // teams: add to the existing teams; survey gaps: append rows
    std::string reportDate;      // --date: progress rows without a date column
    void validate() const;
};

struct ListImportResult {
    std::string file;
    io::ListImportResult list;
};

ListImportResult run(const ListImportRequest& request, Feedback& fb);

} // namespace bando::tasks
