#pragma once
// Sites: choose K new base stations to cover the most demand (maximal covering, issue #11;
// `bando sites`, the app's Planning → New sites). From the operators' CSV files (no project
// needed) or from a PROJECT (demand = settlements of the no_signal/unstable villages weighted by
// households, candidates = a point layer); with a PROJECT the chosen sites are stored as the
// scenario's rows of the `planned_sites` layer (one transaction). See docs/OPTIMISATION.md.
#include "core/base/feedback.hpp"

#include <limits>
#include <map>
#include <string>
#include <vector>

namespace bando::tasks {

struct SitesRequest {
    std::string project;                               // PROJECT (optional with --demand/--candidates)
    std::string demandCsv;                             // --demand FILE: id,lon,lat,weight
    std::string candidatesCsv;                         // --candidates FILE: id,lon,lat[,cost]
    std::string candidatesLayer = "site_candidates";   // --candidates-layer (with a PROJECT)
    std::string date;                                  // --date: indicators date ("" = latest)
    double radiusKm = 5.0;                             // --radius-km (DOMAIN.md §2: 3–5 km at 1800 MHz)
    int count = 0;                                     // --count K (required)
    double timeLimitSeconds = 60;                      // --time-limit S
    double budget = std::numeric_limits<double>::infinity();  // --budget (needs costs)
    std::vector<std::string> lock;                     // --lock ID (repeatable): candidates that must be chosen
    bool heuristic = false;                            // --heuristic: greedy + swap and the LP bound only
    std::string scenario = "sites";                    // --scenario NAME (with a PROJECT: the stored rows)
    bool store = true;                                 // --no-store: with a PROJECT, compute only
    // With a PROJECT: the `sites` layer's stations are kept (demand in their radius is served
    // already; they do not count toward K), each with the radius of its band.
    bool existingSites = true;                         // --no-existing
    // Radius per band (MHz -> km; DOMAIN.md §2 and docs/OPTIMISATION.md); --band-radius MHZ=KM.
    std::map<int, double> bandRadiusKm{{700, 7.2}, {900, 6.0}, {1800, 4.0}, {2100, 3.0}, {2600, 2.5}};
    int band = 0;                                      // --band MHZ: the new sites' radius from bandRadiusKm (0 = --radius-km)
    // With a PROJECT whose candidates layer is empty: candidates generated inside the gap villages
    // (DEM high point, road point); --no-generate refuses instead.
    bool generateCandidates = true;
    // With a PROJECT: report the villages whose class changes once the chosen sites' radii count
    // as good coverage (the analysis's classification rule).
    bool classChanges = true;                          // --no-class-changes
    double newSiteRadius() const;                      // the radius of the new sites
    void validate() const;
};

struct ClassChange {
    std::string villageCode, districtCode, before, after;
    double shareGoodBefore = 0, shareGoodAfter = 0;
};

struct ChosenSite {
    int pick = 0;          // 1-based order (locked first)
    std::string id;
    double lon = 0, lat = 0;
    bool locked = false;
    double cost = std::numeric_limits<double>::quiet_NaN();
    int points = 0;        // demand points attributed to this site (nearest chosen site in reach)
    double weight = 0;     // their weight (households); the sites' weights sum to the objective
    double weightInReach = 0;  // all demand weight within the radius (shared with other sites)
    double costPerWeight = std::numeric_limits<double>::quiet_NaN();
};

struct SitesResult {
    std::string source;  // "csv" | the project path
    std::string demandSource, candidateSource;
    int demandPoints = 0, candidates = 0, count = 0;
    double radiusKm = 0;
    std::vector<std::string> chosen;  // ids, pick order
    std::vector<ChosenSite> sites;
    double objective = 0, bound = 0, gap = 0;
    bool optimal = false;
    double greedy = 0, greedySwap = 0, totalWeight = 0, coverableWeight = 0;
    std::string method;
    long long nodes = 0;
    int mipRows = 0;
    double seconds = 0;
    int existingSites = 0;            // kept stations of the `sites` layer
    double existingWeight = 0;        // demand already within their radius (not counted in objective)
    int generatedCandidates = 0;      // candidates generated inside the gap villages
    std::vector<ClassChange> classChanges;  // villages changing class with the chosen sites
    std::string scenario;  // stored under this name ("" when nothing was stored)
    std::vector<std::string> notes;
};

SitesResult run(const SitesRequest& request, Feedback& fb);

} // namespace bando::tasks
