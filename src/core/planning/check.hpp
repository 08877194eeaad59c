#pragma once
// The planner's data checks (issue #10, `bando check`, the app's findings list, the reports).
// Each finding names its place (level, code, name), the figures, the rule broken and a severity:
//   error    data that cannot be true (a claim above the households that exist, totals that do
//            not add up, a dated count that goes down, more shops than households, a point
//            outside every village, a duplicate or missing code, a target above 100 %)
//   warning  a program rule not yet met, or data that is suspicious but possible (a shop in a
//            village with no mobile signal, a team outside 3–5 members or with fewer than 2
//            trained, a village with no community technology team)
// The rules are pure functions of the layers in CheckInput (no store access), so tests can run
// them on hand-made layers; tasks::CheckRequest (core/tasks/check_task.hpp) reads the project.
// The list of kinds, their severity and their rule text: checkKinds(). See docs/PLANNING.md.
#include "core/model/geometry.hpp"
#include "core/model/layer.hpp"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace bando::planning {

enum class Severity { Error, Warning };
const char* severityName(Severity s);  // "error" | "warning"

// One kind of check. `rule` is an English msgid (translated by the caller with i18n::tr).
struct CheckKind {
    const char* id;        // stable identifier used in --json, tests and --kind filters
    Severity severity;
    const char* rule;      // the rule, e.g. "a claim cannot exceed the households that exist"
};
// Every kind, in the order findings are reported.
const std::vector<CheckKind>& checkKinds();
const CheckKind* findCheckKind(const std::string& id);

struct Finding {
    std::string kind;      // CheckKind::id
    Severity severity = Severity::Error;
    std::string level;     // province | district | commune | village | shop | team | target | report
    std::string code;      // the place's code (village/commune/district code, or the row's key)
    std::string name;      // the place's name ("" when unknown)
    std::string layer;     // the table the offending row is in
    int64_t row = 0;       // 1-based row (feature position) in `layer`; 0 = not one row
    std::string date;      // the date of the figures, when dated
    std::vector<std::pair<std::string, double>> figures;  // named figures, e.g. {"claimed", 350000}
    std::string message;   // English sentence with the figures (for logs; the UI composes its own)
    Extent extent;         // WGS 84 lon/lat of the place to zoom to; empty when unknown
};

// The layers the checks read (any may be null: its checks are skipped and noted).
struct CheckInput {
    const Layer* districts = nullptr;
    const Layer* communes = nullptr;
    const Layer* villages = nullptr;
    const Layer* shops = nullptr;
    const Layer* teams = nullptr;
    const Layer* targets = nullptr;
    const Layer* progressReports = nullptr;
    const Layer* phases = nullptr;  // resolves the households of a report of scope "phase"
    // village code -> mobile class (no_signal | unstable | covered), from the analysis
    const std::map<std::string, std::string>* villageClass = nullptr;
    std::string provinceCode = "20";
    std::string provinceName = "Lạng Sơn";
};

struct CheckOutput {
    std::vector<Finding> findings;  // in checkKinds() order, then by code
    std::vector<std::string> notes; // checks skipped for a missing layer, and why
};

CheckOutput runChecks(const CheckInput& in);

} // namespace bando::planning
