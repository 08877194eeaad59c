#pragma once
// Analyze: every village's indicators at a date, the coverage gaps and the roll-ups, stored in
// the project (`bando analyze`, the app's Analyse action). Incremental: each part of the
// analysis (economy, coverage, access) records the fingerprints of the input layers it read
// (gpkg_contents.last_change, row count, max fid, a hash of the rows) in `analysis_state`; a
// part whose inputs and settings are unchanged is reused from the stored results. Everything the
// run writes goes in one transaction: a cancelled or failed run leaves the previous results.
#include "core/analysis/indicators.hpp"
#include "core/base/feedback.hpp"

#include <map>
#include <string>
#include <vector>

namespace bando::tasks {

struct AnalyzeRequest {
    std::string project;  // opened read-write (results are stored)
    std::string date;     // --date YYYY-MM-DD; "" = the latest date in the shops layer
    std::string since;    // --since YYYY-MM-DD; "" = no change columns
    int metricEpsg = 0;   // 0 = the province's TM-3 zone chosen from the data (analysis/metric_crs.hpp)
    unsigned threads = 2;
    bool force = false;   // recompute every part even when its inputs are unchanged
    // --speed CLASS=KMH: road speeds for this run (defaults: the project's, `bando settings --speed`,
    // over analysis::AccessOptions's)
    std::map<std::string, double> speedKmh;
    void validate() const;
};

struct AnalyzeResult {
    std::string project;
    std::string date, since;
    int metricEpsg = 0;
    std::string metricCrsName;
    analysis::Thresholds thresholds;
    analysis::ClassCounts total;  // the classification rule's counts (classify's totals)
    std::vector<analysis::VillageIndicators> villages;
    std::vector<analysis::Rollup> rollups;  // communes, districts, province
    int64_t gapRows = 0;
    int64_t shopsTotal = 0, shopsLocated = 0, shopsOutside = 0, shopsBoundary = 0, shopsTabular = 0,
            shopsCodeMismatch = 0;
    std::vector<std::string> notes;
    std::vector<std::string> recomputed, reused;  // parts: economy, coverage, access
    const analysis::Rollup* province() const;
};

AnalyzeResult run(const AnalyzeRequest& request, Feedback& fb);

// Fingerprint of a layer of a GeoPackage: "last_change|rows|max_fid|hash" ("" when absent).
std::string layerFingerprint(const std::string& gpkgPath, const std::string& layer);

} // namespace bando::tasks
