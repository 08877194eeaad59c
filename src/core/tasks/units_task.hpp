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
    void validate() const;
};

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
    std::vector<std::string> tables;     // stored tables and layers
    std::vector<std::string> notes;
};

UnitsResult run(const UnitsRequest& request, Feedback& fb);

} // namespace bando::tasks
