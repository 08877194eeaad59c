#pragma once
// Program targets and phases (issue #10): the rows of the project's `targets` and `phases`
// tables, the program's defaults (../shared/DOMAIN.md §1) and the one resolution rule.
//
// Resolution (the same rule the analysis applies to village_indicators): a village takes the
// whole row of the most specific scope that has one — village, then commune, then district,
// then province; with no row at all, the program defaults (50 % shops, 50 % e-payment accounts,
// 10 % locomotive households). A row is complete: an override of one figure copies the others
// from the row it overrides (TargetTable::set).
#include "core/model/layer.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bando::planning {

struct TargetRow {
    std::string scope;  // province | district | commune | village
    std::string code;
    double shopPct = 50, epayPct = 50, locomotivePct = 10;
    std::optional<int64_t> householdsClaimed;  // a household count the target claims (checked)
    std::string source;
};

struct PhaseRow {
    int phase = 0;
    std::string district;     // district code
    std::string start, end;   // ISO dates, inclusive
};

// The program's team rule: a community technology team of 3–5 members, at least 2 trained.
constexpr int kTeamMinMembers = 3, kTeamMaxMembers = 5, kTeamMinTrained = 2;

struct EffectiveTarget {
    double shopPct = 50, epayPct = 50, locomotivePct = 10;
    std::string scope = "program", code;  // where it came from ("program": the defaults)
};

struct TargetTable;

// The resolution rule, indexed for many look-ups (the analysis resolves every village with it;
// TargetTable::resolve is this rule for one place). The table must outlive the resolver.
class TargetResolver {
public:
    explicit TargetResolver(const TargetTable& table);
    EffectiveTarget resolve(const std::string& village, const std::string& commune, const std::string& district,
                            const std::string& province) const;

private:
    std::map<std::pair<std::string, std::string>, const TargetRow*> m_rows;  // (scope, code) → first row
    std::vector<const TargetRow*> m_provinces;                               // province rows in order
};

struct TargetTable {
    std::vector<TargetRow> rows;
    std::vector<PhaseRow> phases;

    const TargetRow* find(const std::string& scope, const std::string& code) const;
    // The target of a place given its codes (empty codes are skipped).
    EffectiveTarget resolve(const std::string& village, const std::string& commune, const std::string& district,
                            const std::string& province) const;
    // Sets one field ("shop_pct", "epay_pct", "locomotive_pct", "households_claimed", "source") of the
    // row (scope, code), creating it from `inherited` (the target it overrides) when absent.
    // Throws bando::Error(Usage, "--set") for an unknown field or a value out of range.
    void set(const std::string& scope, const std::string& code, const std::string& field, const std::string& value,
             const EffectiveTarget& inherited);
    bool unset(const std::string& scope, const std::string& code);  // false when there was no row
    // Replaces phase `n` (all its rows) with these districts and dates.
    void setPhase(int n, const std::string& start, const std::string& end, const std::vector<std::string>& districts);
    // The (lowest) phase of a district; 0 = none.
    int phaseOf(const std::string& district) const;
    const PhaseRow* phaseRow(const std::string& district) const;
};

TargetTable readTargetTable(const Layer* targets, const Layer* phases);
// Target scenarios (`bando targets|progress --scenario NAME`): alternative target rows stored in
// target_scenarios under a name, with the project's phases (shared by every scenario).
// The rows of `scenario` (none when the scenario does not exist).
TargetTable readScenarioTargets(const Layer* scenarioTargets, const std::string& scenario, const Layer* phases);
// The target_scenarios rows of `t` under `scenario`.
Layer scenarioTargetsLayer(const TargetTable& t, const std::string& scenario);
Layer targetsLayer(const TargetTable& t);
Layer phasesLayer(const TargetTable& t);

// The program's targets from DOMAIN.md §1: province 50/50/10; Đình Lập 55 % shops in xã Đình Lập
// (06628), TT Đình Lập (06613) and TT Nông trường Thái Bình (06616); Lộc Bình `locBinhPct`
// (default 75 %, the middle of the reported 70–80 %) in TT Lộc Bình (06529) and each commune in
// `locBinhNeighbours`; TP Lạng Sơn (178) 24 % locomotive households; phase 1, 2021-07-20 to
// 2021-09-20: Tràng Định 180, Văn Quan 184, Bắc Sơn 185, Hữu Lũng 186, Chi Lăng 187; phase 2,
// 2021-09-20 to 2021-12-20: TP Lạng Sơn 178, Bình Gia 181, Văn Lãng 182, Cao Lộc 183,
// Lộc Bình 188, Đình Lập 189.
TargetTable programDefaults(const std::vector<std::string>& locBinhNeighbours, double locBinhPct = 75);

// Lộc Bình town and its neighbours: the communes of district 188 whose polygon touches (within
// `toleranceDeg`) the polygon of commune 06529. `communes` in WGS 84.
std::vector<std::string> locBinhNeighbours(const Layer& communes, double toleranceDeg = 1e-4);

// True for a valid ISO date YYYY-MM-DD; day number (days since 1970-01-01) of one.
bool isIsoDate(const std::string& s);
int dayNumber(const std::string& isoDate);
std::string isoFromDay(int day);

} // namespace bando::planning
