#pragma once
// Check: the planner's data checks on a project (`bando check`, the app's findings list, the
// reports). Reads the project, runs planning::runChecks and returns the findings with their
// counts per kind; with `store`, writes them to the check_findings layer (one transaction). See core/planning/check.hpp and docs/PLANNING.md.
#include "core/base/feedback.hpp"
#include "core/planning/check.hpp"

#include <map>
#include <string>
#include <vector>

namespace bando::tasks {

struct CheckRequest {
    std::string project;
    std::vector<std::string> kinds;  // --kind ID (repeatable): only these checks; empty = all
    bool errorsOnly = false;         // --errors-only: drop the warnings
    std::string date;                // --date: the analysis date whose village classes are read ("" = latest)
    bool store = false;              // --store: replace the project's check_findings with these findings
    void validate() const;           // unknown kind -> Error(Usage, "--kind")
};

struct CheckResult {
    std::string project;
    std::string classDate;  // the village_indicators date the mobile classes came from ("" = none)
    std::vector<planning::Finding> findings;
    std::map<std::string, int> countByKind;  // kind id -> findings (every kind run, 0 included)
    int errors = 0, warnings = 0;
    std::vector<std::string> notes;
    bool stored = false;
};

CheckResult run(const CheckRequest& request, Feedback& fb);

} // namespace bando::tasks
