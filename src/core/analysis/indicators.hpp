#pragma once
// The analysis core (issue #9): every village's indicators — digital economy at a date, mobile
// coverage per operator × technology and for any operator, broadband reach and distances, the
// gap geometry, access to the seats and the main roads — and their roll-ups to commune, district
// and province. GUI-free; the request/job wrapper is tasks/analyze_task.hpp, the columns are
// documented in docs/ANALYSIS.md.
//
// Rules (docs/ANALYSIS.md states them for users):
//   * Shops are located by point-in-polygon in the stored WGS 84 coordinates (PointLocator): a
//     shop on a shared edge or vertex goes to the lowest village code among the villages whose
//     boundary holds it; shops without a geometry count in the village named by their
//     village_code (tabular counts).
//   * Areas, distances and overlays are computed in `metricEpsg` (the province's TM-3 zone).
//   * The classification (no_signal / unstable / covered, broadband) is analysis::classifyVillages
//     unchanged, with the project's four thresholds.
//   * "any" coverage = 3G or 4G of any operator (as in the classification rule); an operator's
//     own coverage = its 3G or 4G. Per operator × technology rows cover every technology present.
#include "core/analysis/classify.hpp"
#include "core/base/feedback.hpp"
#include "core/model/layer.hpp"
#include "core/model/point_columns.hpp"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace bando::analysis {

struct AnalysisOutput;

struct AnalysisInput {
    // All in the project's storage CRS (any EPSG; transformed internally). villages is required.
    const Layer* villages = nullptr;
    const Layer* settlements = nullptr;
    const Layer* shops = nullptr;
    const Layer* teams = nullptr;
    const Layer* targets = nullptr;
    const Layer* coverage = nullptr;
    const Layer* broadbandNodes = nullptr;
    const Layer* fibre = nullptr;
    const Layer* roads = nullptr;
    const Layer* places = nullptr;
    const Layer* communes = nullptr;
    const Layer* districts = nullptr;
    // Optional, used where `shops` is null: called once, on a thread of its own while the
    // coverage part runs, and what it returns (may be null) is the shops' rows with the columns
    // kShopColumns, freed on that thread when the economy part is done with them. Lets a caller
    // read (and free) the largest layer in parallel with the analysis, compactly
    // (ProjectStore::readPointColumns). It may be called from another thread than the caller's.
    std::function<std::shared_ptr<const PointColumns>()> shopsReader;
};

// The columns of the shops layer the economy part reads.
inline const std::vector<std::string> kShopColumns{"opened", "epay_opened", "locomotive", "locomotive_since",
                                                   "village_code"};

struct AccessOptions {
    // km/h per road class; classes not listed use `otherKmh`; off-network legs use `offRoadKmh`.
    std::map<std::string, double> speedKmh{{"national", 60}, {"provincial", 40}, {"district", 30}};
    double otherKmh = 20;
    double offRoadKmh = 5;
    std::vector<std::string> mainClasses{"national", "provincial"};  // "nearest main road"
};

// Which parts of the analysis to compute (the incremental run reuses the others).
struct AnalysisParts {
    bool economy = true;
    bool coverage = true;  // mobile shares, classification, gaps, broadband
    bool access = true;
};

struct AnalysisOptions {
    std::string date;   // YYYY-MM-DD; "" = the latest date in the shops layer
    std::string since;  // YYYY-MM-DD; "" = no change columns
    int metricEpsg = 9215;
    unsigned threads = 2;
    Thresholds thresholds;
    AccessOptions access;
    AnalysisParts parts;
    // The coverage part through a GEOS overlay per village (the former implementation, kept as
    // the tests' oracle for the flat clipping that is the default).
    bool geosOverlay = false;
    // Degenerate village × coverage pairs (shared edges, a vertex on the other boundary) decided
    // by the flat clip after a symbolic shift of the village (false: by GEOS, as before; kept
    // for the tests that compare the two).
    bool shiftDegenerate = true;
    // Coverage that is a polygonized raster in the metric CRS (axis-parallel edges, vertices on
    // one grid: analysis/grid_union.hpp) is unioned and differenced cell by cell instead of by
    // GEOS (false: always GEOS; kept for the tests that compare the two).
    bool gridUnions = true;
    // 0: the gap geometries come back in the metric CRS. Else in the villages' own CRS (the
    // store's): a vertex of a village is given back its stored coordinates exactly, and every
    // other vertex is transformed once however many gap rows share it.
    bool gapsInVillageCrs = false;
    // A caller that stores the results can store the coverage part's while the analysis goes on.
    // Both are called on the calling thread, in this order, once the coverage part is done:
    //  * afterShares: every village's code, class, households and coverage shares are final;
    //    the gap rows are not (they are being transformed to the villages' CRS on another
    //    thread: do not touch out.gaps), nor the broadband distances.
    //  * afterGaps: the gap rows and the broadband distances are final too (the callback may
    //    move the gap geometries out).
    // The economy and access parts wait until afterGaps is called and run during it, on the
    // cores the caller's store leaves idle: neither callback may read their fields. The shops
    // reader (AnalysisInput::shopsReader) has returned before afterShares is called.
    std::function<void(AnalysisOutput&)> afterShares;
    std::function<void(AnalysisOutput&)> afterGaps;
};

struct CoverageShare {
    std::string op, tech;  // operator ("any" for any operator), technology ("any" for 3G or 4G)
    double areaGood = 0, areaWeakOnly = 0;     // shares of the village area, 0..1
    double hhGood = 0, hhWeakOnly = 0;         // shares of the households, 0..1
    std::string centre = "none";               // good | weak | none at the village centre
};

struct VillageIndicators {
    std::string code, name, communeCode, districtCode;
    double areaKm2 = 0;
    int64_t households = 0;
    int settlements = 0;
    // digital economy at the date (and at `since`, -1 when not asked)
    int64_t shops = 0, epay = 0, locomotive = 0;
    int64_t shopsSince = -1, epaySince = -1, locomotiveSince = -1;
    int64_t boundaryShops = 0;  // shops on this village's boundary counted here by the rule
    std::string targetScope;    // village | commune | district | province | "" (none)
    double targetShopPct = -1, targetEpayPct = -1, targetLocomotivePct = -1;  // -1: no target
    double shopPct = 0, epayPct = 0, locomotivePct = 0;  // of households, in percent
    double shopsPerKm2 = 0;
    int teams = 0;
    int64_t teamMembers = 0, teamTrained = 0;
    bool teamRuleMet = false;  // a team of 3–5 members with >= 2 trained
    // mobile and broadband (classification rule unchanged)
    VillageStatus status;
    std::vector<CoverageShare> coverage;  // per operator × technology, per operator (tech "any"), any
    double gapAreaKm2 = 0, weakOnlyAreaKm2 = 0;      // any operator
    double gapHouseholds = 0, weakOnlyHouseholds = 0;  // any operator
    std::string centreSignal = "none";  // any operator at the village centre
    double distOltM = -1, distCabinetM = -1, distFibreM = -1;  // -1: no such layer / feature
    // access from the village centre (-1 when not computable)
    double lineCommuneSeatM = -1, lineDistrictSeatM = -1, lineMainRoadM = -1;
    double roadCommuneSeatM = -1, roadDistrictSeatM = -1, roadMainRoadM = -1;
    double minutesCommuneSeat = -1, minutesDistrictSeat = -1, minutesMainRoad = -1;
    bool reachesNetwork = false;  // the centre and the commune and district seats lie on one road piece
    double snapM = -1;            // distance from the centre to the road network
};

struct GapPiece {
    std::string villageCode, communeCode, districtCode;
    std::string op;    // operator or "any"
    std::string kind;  // no_coverage | weak_only
    Geometry geom;     // MultiPolygon in metricEpsg, or in AnalysisOutput::gapEpsg
    double areaM2 = 0;
    double households = 0;
};

struct Rollup {
    std::string level;  // commune | district | province
    std::string code, name;
    int villages = 0;
    int64_t households = 0, shops = 0, epay = 0, locomotive = 0;
    int64_t shopsSince = -1, epaySince = -1, locomotiveSince = -1;
    double areaKm2 = 0;
    double shopPct = 0, epayPct = 0, locomotivePct = 0, shopsPerKm2 = 0;
    int teams = 0, villagesTeamRuleMet = 0;
    ClassCounts counts;
    double gapHouseholds = 0, weakOnlyHouseholds = 0, gapAreaKm2 = 0;
    int villagesUnreachable = 0;
};

struct AnalysisOutput {
    std::string date, since;
    int metricEpsg = 0;
    std::vector<VillageIndicators> villages;  // in the villages layer's order
    std::vector<GapPiece> gaps;
    std::vector<Rollup> rollups;              // communes, districts, province
    int64_t shopsTotal = 0;                   // shops in the shops layer (at the date)
    int64_t shopsLocated = 0, shopsOutside = 0, shopsBoundary = 0, shopsTabular = 0;
    int64_t shopsCodeMismatch = 0;            // located in another village than their village_code
    std::vector<std::string> notes;           // repaired polygons, villages without settlements, …
    // village × coverage clips decided after a symbolic shift (degenerate pairs: shared edges,
    // vertices on the other boundary) and the few left to GEOS (see analysis::VillageClipper)
    int64_t clipsShifted = 0, clipsGeos = 0;
    // the coverage was a (clipped) raster: its unions and differences were done on the grid
    bool coverageOnGrid = false;
    int gapEpsg = 0;  // the CRS of GapPiece::geom
};

// Latest date (YYYY-MM-DD) found in the shops layer's opened / epay_opened / locomotive_since.
std::string latestDate(const Layer* shops);
std::string latestDate(const PointColumns& shops);  // read with kShopColumns

// Computes what `options.parts` asks for; the parts not asked for stay at their defaults.
AnalysisOutput analyze(const AnalysisInput& in, const AnalysisOptions& options, const Feedback* fb = nullptr);

// Roll-ups of village indicators (also used when parts are reused from a previous run).
std::vector<Rollup> rollUp(const std::vector<VillageIndicators>& villages, const AnalysisInput& in);

} // namespace bando::analysis
