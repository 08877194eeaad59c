#pragma once
// Inputs of the new-site choice (issue #11, `bando sites`): demand points and candidate sites,
// read from the operators' CSV files or from a project.
//   demand CSV      id,lon,lat,weight        (weight ≥ 0, e.g. households)
//   candidates CSV  id,lon,lat[,cost]        (cost ≥ 0, any currency)
// Columns are found by name (any order, case-insensitive); lon in [-180, 180], lat in [-90, 90];
// ids unique. Any bad value stops the read with an error naming the file, the data row (1 = the
// first row after the header) and the field.
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace bando {
class ProjectStore;
}

namespace bando::planning {

struct SitePoint {
    std::string id;
    double lon = 0, lat = 0;
    double value = 0;           // weight (demand) or cost (candidate; NaN = no cost given)
    std::string village;        // project demand: the settlement's village code
};

struct SitesInput {
    std::vector<SitePoint> demand, candidates;
    bool hasCosts = false;      // every candidate has a cost
    std::string demandSource, candidateSource;
    int villages = 0;           // project demand: gap villages read
    std::set<std::string> gapVillages;  // project demand: their codes
};

std::vector<SitePoint> readDemandCsv(const std::string& path);
std::vector<SitePoint> readCandidatesCsv(const std::string& path, bool& hasCosts);

// Project demand: the settlements (weighted by households) of the villages whose class is
// no_signal or unstable in the latest (or `date`) village_indicators (run `bando analyze` first).
// Candidates: the point layer `layer` (site_candidates by default): id from candidate_id (else
// the fid), cost from `cost` when every row has one.
// An empty candidates layer gives no candidates (the caller may generate them).
SitesInput readProjectSites(const ProjectStore& store, const std::string& date, const std::string& layer);

// Candidates generated inside the gap villages when the project has none (docs/OPTIMISATION.md):
// per gap village, the highest cell of the project's DEM whose centre lies inside the village
// ("dem:<village code>", when the project has a DEM) and the road point inside the village
// nearest its label point, on the roads sampled every `roadStepM` metres ("road:<village code>").
// Lon/lat in the project CRS (WGS 84). Cost: none.
std::vector<SitePoint> generateCandidates(const ProjectStore& store, const std::set<std::string>& gapVillages,
                                          double roadStepM = 250, int metricEpsg = 9215);

// Existing base stations of the `sites` layer (all operators), each with the radius of its band
// (`bandRadiusKm`, MHz -> km; `fallbackKm` for a band not listed). value = the radius.
std::vector<SitePoint> readExistingSites(const ProjectStore& store, const std::map<int, double>& bandRadiusKm,
                                         double fallbackKm);

} // namespace bando::planning
