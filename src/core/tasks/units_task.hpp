#pragma once
// Units: re-expresses a project's per-village indicators (bando analyze) in another version of
// the administrative units (`bando units PROJECT --to v2025-07`, issue #17). Every village is
// given its unit in the target version: a village of a unit that passes whole goes with it; the
// villages of a split unit are divided along village lines (matching the published share where
// one exists, e.g. Đại Đồng's 18.61 of 27.61 km², else each village to the nearest receiving
// unit). The figures are then summed village by village — households, shops and gap villages are
// conserved exactly — percentages and shares re-weighted by households, and each row says how
// it was made: exact (one old unit, unchanged), summed (several whole old units), apportioned
// (it holds part of a split old unit). Stored in one transaction: the registry (unit_versions),
// the project's crosswalk with shares by households (unit_crosswalk), every village's unit
// (village_units), the re-expressed indicators (unit_indicators_versioned) and, for a later
// version, its commune polygons dissolved from the villages (communes_v2024_12 /
// communes_v2025_07). See docs/UNITS.md.
#include "core/base/feedback.hpp"
#include "core/units/registry.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace bando::tasks {

struct UnitsRequest {
    std::string project;               // opened read-write (results are stored)
    std::string to = units::kV2025;    // --to VERSION
    std::string from = units::kV2021;  // --from VERSION: the version the project's villages are keyed on
    std::string date;                  // --date YYYY-MM-DD of the indicators; "" = the latest analysed
    bool geometry = true;              // --no-geometry: skip the dissolved commune layer
    // --villages v2021-12: also re-express the figures per village of that village version, along
    // the project's village_crosswalk (the sample's is synthetic: units/villages.hpp); "" = no
    std::string villages;
    bool store = true;                 // --dry-run: compute and report, store nothing
    // --what: the per-unit tables re-expressed in `to` (any of indicators, targets, progress,
    // gaps; "all" = every one). indicators: the village indicators (unit_indicators_versioned);
    // targets: the targets table resolved per village and summed (unit_targets_versioned);
    // progress: the dated progress_reports (unit_progress_versioned); gaps: the gap villages of
    // the analysis and the surveyed survey_gaps rows, each with its unit (unit_gaps_versioned).
    std::vector<std::string> what = {"indicators"};
    bool wants(const std::string& table) const;
    void validate() const;
};
// The --what values: indicators, targets, progress, gaps (and "all").
const std::vector<std::string>& unitsTables();

struct UnitFigures {
    std::string level;  // commune | district | province | village
    std::string code, name, parentCode;
    int villages = 0;
    int64_t households = 0, shops = 0, epay = 0, locomotive = 0;
    double shopPct = 0, epayPct = 0, locomotivePct = 0;  // of households, in percent
    double areaKm2 = 0, shopsPerKm2 = 0;
    int teams = 0, villagesTeamRuleMet = 0;
    int noSignal = 0, unstable = 0, covered = 0, noBroadband = 0;  // villages per class
    double gapHouseholds = 0, weakOnlyHouseholds = 0, gapAreaKm2 = 0;
    double hhGoodShare = 0;       // household-weighted share of households with good coverage (any operator)
    double minutesMainRoad = -1;  // household-weighted minutes to the nearest main road (-1: none known)
    std::string method;           // exact | summed | apportioned
    std::string sources;          // the old units: "06040@v2021 (67.2 %); 05995@v2021"
};

// How a split unit's villages were divided.
struct SplitReport {
    std::string fromVersion, fromCode, fromName;
    struct Part {
        std::string toCode, toName;
        int villages = 0;
        int64_t households = 0;
        double areaKm2 = 0;
        double share = 0;  // of the old unit's households (of its area when it has none)
    };
    std::vector<Part> parts;
    std::string rule;  // "area share 18.61/27.61 km² (published)" | "nearest receiving unit"
};

struct UnitsTotals {
    int villages = 0;
    int64_t households = 0, shops = 0, epay = 0, locomotive = 0;
    int noSignal = 0;  // gap villages
    double gapHouseholds = 0;
};

// Targets re-expressed (--what targets): every village takes its effective target (the targets
// table's rule: village, commune, district, province row, else the program defaults); a unit's
// target counts are the sums of its villages' households × target %, its target % the
// household-weighted average (= the counts over its households).
struct UnitTarget {
    std::string level, code, name;  // commune | province
    int64_t households = 0;
    double targetShops = 0, targetAccounts = 0, targetLocomotives = 0;
    double shopPct = 0, epayPct = 0, locomotivePct = 0;
    std::string scopes;  // the target rows its villages took: "province:20; commune:06529@v2021"
    bool uniform = true; // every village of the unit has the same target
    std::string method, sources;  // as the unit's indicator row
};

// One reported progress figure (progress_reports) re-expressed (--what progress). A province
// row stays the province's (exact); a commune row goes along the crosswalk (its villages' units:
// summed for a merge, apportioned by households for a split); a district or phase row (the
// districts of a phase) — whose level is gone in v2025-07 — is apportioned over the units holding
// its villages by their households. Apportioned counts are rounded by largest remainder so the
// parts sum exactly to the reported figure.
struct UnitProgress {
    std::string date, fromScope;     // the reported rows' date and scope (province | phase | district | commune | village)
    std::string level, code, name;   // commune | province in the target version
    int64_t shops = -1, accounts = -1, locomotives = -1, teams = -1, members = -1;  // -1: not reported
    std::string method;   // exact (one reported row, whole) | summed (several, whole) | apportioned
    std::string basis;    // whole | households (village lines)
    std::string sources;  // the reported rows: "district:180 (12.5 %); district:181"
};

// One row of a gap list re-expressed (--what gaps): a gap village of the analysis (class
// no_signal, or gap households > 0) or a surveyed survey_gaps row, with its unit in `to`.
struct UnitGap {
    std::string list;  // analysis | survey
    std::string villageCode, villageName, fromCode;  // fromCode: its commune in `from`
    std::string unitCode, unitName, how;             // how: whole | split
    std::string status, operatorName, date, source;  // analysis: class; survey: status, operator, surveyed
    int64_t households = 0;
    double gapHouseholds = 0, gapAreaKm2 = 0;
};

// Totals of --what before (the rows as stored) and after (the re-expressed rows); the task fails
// when they differ.
struct CarryTotals {  // targets and progress
    int64_t rows = 0;
    double shops = 0, accounts = 0, locomotives = 0;
};
struct GapTotals {
    int64_t gapVillages = 0, surveyRows = 0;
    double gapHouseholds = 0;
};

struct UnitsResult {
    std::string project, from, to, date;
    int communesFrom = 0, communesTo = 0;
    std::vector<units::Link> crosswalk;  // the project's: shares by households along village lines
    std::vector<SplitReport> splits;
    std::vector<UnitFigures> units;      // communes, then districts (when the version has them), province,
                                         // then with --villages the villages of that village version
    std::string villageVersion;          // request.villages
    int villagesTo = 0;                  // villages in that version
    int villagesMerged = 0, villagesDissolved = 0;  // rows of the village crosswalk by how
    UnitsTotals before, after;           // the villages' totals and the target communes' sums
    bool conserved = false;              // before == after (gap households within 1e-6)
    std::vector<UnitTarget> targets;     // --what targets: communes then the province
    std::vector<UnitProgress> progress;  // --what progress: per reported row, its parts
    std::vector<UnitGap> gaps;           // --what gaps: analysis gap villages, then survey rows
    CarryTotals targetsBefore, targetsAfter, progressBefore, progressAfter;
    GapTotals gapsBefore, gapsAfter;
    std::vector<std::string> tables;     // stored tables and layers
    std::vector<std::string> notes;
};

UnitsResult run(const UnitsRequest& request, Feedback& fb);

} // namespace bando::tasks
