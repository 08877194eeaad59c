#pragma once
// The coverage-gap report (issue #12): the villages an operator (one named, or all operators
// together) must cover — no mobile signal, unstable signal or no broadband — with the figures
// a reader needs to act on them, by district.
//
// Rows come from the stored analysis (`bando analyze`: village_indicators at one date,
// village_coverage per operator). For all operators the village's class is the stored one; for
// one operator the same classification rule (analysis/classify.hpp) is applied to that
// operator's household shares (village_coverage, technology "any"): no signal when good ∪ weak
// holds < noSignalShareAny of the households, unstable when good holds < unstableShareGood.
// "Covered share" is the share of households with good signal (of the operator, or any).
// The distance is from the village's label point to the nearest site of the operator (any
// operator's for all). Broadband does not depend on the mobile operator.
#include "core/analysis/classify.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace bando {
class ProjectStore;
}

namespace bando::report {

struct GapRow {
    std::string code, name, communeCode, commune, districtCode, district;
    int64_t households = 0;
    std::string mobileClass;  // no_signal, unstable, covered
    double coveredShare = 0;  // 0..1
    bool broadband = false;
    double distSiteM = -1;    // -1 = no site of the operator
    std::string proposedSite; // "" = none (site selection not run)
};

struct GapTotals {
    std::string code, name;  // district ("" for the province total)
    int villages = 0;        // villages in the report (gap villages)
    int noSignal = 0, unstable = 0, noBroadband = 0;
    int64_t households = 0;  // households of the gap villages
};

struct GapReport {
    std::string projectTitle;    // "Lạng Sơn"
    std::string date;            // the indicators' date
    std::string operatorName;    // "" = all operators
    std::string district;        // "" = every district
    analysis::Thresholds thresholds;
    int villagesChecked = 0;     // villages of the scope
    std::vector<GapRow> rows;    // gap villages, by district then code
    std::vector<GapTotals> districts;  // one per district with a gap village, by code
    GapTotals total;
    bool proposedSites = false;  // the project holds a site selection
    std::vector<std::string> operators;  // the project's operators (sites), by name
    // Grouped by the units of a version without districts (v2025-07, bando report --units): the
    // groups are communes (xã/phường) directly under the province, and the headings say so.
    bool twoLevel = false;
};

// Reads the gap report of `operatorName` ("" = all) in `district` ("" = all) at `date` ("" =
// the latest analysed). Throws bando::Error(Usage, "--operator"/"--district"/"--date") for an
// unknown operator or district or a date without indicators.
GapReport loadGapReport(const ProjectStore& store, const std::string& operatorName, const std::string& district,
                        const std::string& date);

// Great-circle distance in metres between two WGS 84 points.
double geodesicMetres(double lon1, double lat1, double lon2, double lat2);

} // namespace bando::report
