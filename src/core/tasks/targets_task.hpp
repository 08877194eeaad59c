#pragma once
// Targets: the program's targets and phases stored in the project (`bando targets`). Shows the
// stored rows, the phases and the effective target of every district and commune (with the
// households it asks for); edits them (--set, --unset, --phase) or writes the program defaults
// (--defaults), in one transaction. See core/planning/targets.hpp and docs/PLANNING.md.
#include "core/base/feedback.hpp"
#include "core/planning/progress.hpp"
#include "core/planning/targets.hpp"

#include <string>
#include <vector>

namespace bando::tasks {

struct TargetSet {
    std::string scope, code, field, value;  // --set SCOPE:CODE:FIELD=VALUE
};
struct TargetUnset {
    std::string scope, code;  // --unset SCOPE:CODE
};
struct PhaseSet {
    int phase = 0;
    std::string start, end;
    std::vector<std::string> districts;  // --phase N:START:END:D1,D2,...
};

struct TargetsRequest {
    std::string project;
    bool defaults = false;     // --defaults: write the program's targets and phases (DOMAIN.md §1)
    bool force = false;        // --force: let --defaults replace targets or phases already stored
    double locBinhPct = 75;    // --loc-binh-pct: Lộc Bình's town and neighbours (reported 70–80 %)
    std::vector<TargetSet> sets;
    std::vector<TargetUnset> unsets;
    std::vector<PhaseSet> phases;
    // --scenario NAME: show / edit the target scenario NAME (target_scenarios) instead of the
    // project's targets; a new scenario starts as a copy of them. The phases are shared: --phase
    // is refused with --scenario.
    std::string scenario;
    void validate() const;
    bool edits() const { return defaults || !sets.empty() || !unsets.empty() || !phases.empty(); }
};

struct TargetPlace {
    std::string level, code, name, parent;
    planning::EffectiveTarget target;
    int phase = 0;
    std::string phaseStart, phaseEnd;
    int64_t households = 0, targetShops = 0, targetAccounts = 0, targetLocomotives = 0;
};

struct TargetsResult {
    std::string project;
    std::string scenario;                 // "" = the project's targets
    bool changed = false;                 // written to the project
    planning::TargetTable table;          // as stored (after the edits)
    std::vector<TargetPlace> places;      // province, districts, communes
    std::vector<std::string> notes;
};

TargetsResult run(const TargetsRequest& request, Feedback& fb);

TargetSet parseTargetSet(const std::string& spec);      // SCOPE:CODE:FIELD=VALUE
TargetUnset parseTargetUnset(const std::string& spec);  // SCOPE:CODE
PhaseSet parsePhaseSet(const std::string& spec);        // N:START:END:D1,D2,...

} // namespace bando::tasks
