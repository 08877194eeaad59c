#pragma once
// Import: an agency file into a project layer (`bando import`, File -> Import…), and the
// inspection of a file before importing it (`bando import --inspect`, the dialog's preview).
// The target layer decides the route: name-matched lists (survey gaps, households, team
// rosters) go through the list pipeline (list_import_task.hpp), everything else is a file import.
#include "core/base/feedback.hpp"
#include "core/io/importer.hpp"
#include "core/io/lists.hpp"

#include <map>
#include <set>
#include <optional>
#include <string>
#include <utility>

namespace bando::tasks {

// Option values shared by the import commands, checked in the core (errors name the option).
io::Encoding encodingOption(const std::string& name);                         // --encoding
std::pair<std::string, std::string> mappingOption(const std::string& text);  // --map TARGET=SOURCE

enum class ImportRoute { File, SurveyList, HouseholdList, TeamList };
// survey_gaps -> the survey list; households (a pseudo-layer) -> the household list; teams -> the
// team roster list, unless an explicit field mapping is given (a code-keyed table mapped field by
// field); any other layer -> a file import.
ImportRoute importRouteOf(const std::string& targetLayer, bool explicitMapping = false);
// The list kind of a list route; nullopt for ImportRoute::File.
std::optional<io::ListKind> listKindOf(ImportRoute route);

struct InspectRequest {
    std::string file;
    io::SourceOptions source;
    size_t previewRows = 20;
    void validate() const;
};

struct InspectResult {
    io::SourceInfo source;
};

InspectResult run(const InspectRequest& request, Feedback& fb);

struct ImportRequest {
    std::string project;      // opened read-write (read-only for a list review)
    std::string file;
    std::string targetLayer;  // decides the route
    io::SourceOptions source;
    // What happens to the rows the target layer already has: a layer with rows needs Append or
    // Replace (the CLI's --append / --replace, the app's question); lists: Append adds to them.
    io::ImportMode mode = io::ImportMode::Unspecified;
    bool allowOutside = false;  // file import: keep features beyond the province (listed as a warning)
    bool skipInvalid = false;   // file import: skip rows without geometry or of another type (listed)
    std::set<int64_t> skipRows; // file import: source rows (1-based) the user chose to leave out (listed)
    bool dryRun = false;        // file import: convert and check, write nothing (lists every outside row)
    // Target field -> source field; empty: the saved mapping, else the automatic one (file import).
    std::map<std::string, std::string> mapping;
    bool saveMapping = true;     // file import: remember the mapping for the next file of this kind
    bool skipUnmatched = false;  // lists: write the matched rows even when some rows need review
    bool reviewOnly = false;     // lists: match and check every row, write nothing
    void validate() const;
    ImportRoute route() const { return importRouteOf(targetLayer, !mapping.empty()); }
};

struct ImportResult {
    ImportRoute route = ImportRoute::File;
    std::optional<io::ImportResult> file;      // ImportRoute::File
    std::optional<io::ListImportResult> list;  // the list routes
};

ImportResult run(const ImportRequest& request, Feedback& fb);

} // namespace bando::tasks
