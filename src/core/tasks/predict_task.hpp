#pragma once
// Predict: coverage of a project's base stations (the `sites` layer or a CSV/XLSX list) over the
// project's DEM with a propagation model (core/predict), thresholded into good / weak polygons
// per operator x technology and stored as a coverage layer; optional GeoTIFF rasters
// (`bando predict`, docs/PREDICTION.md).
//
// Nothing is destroyed silently: the polygons go to a new layer (`coverage_predicted` unless
// `layer` names another) unless `replace` asks to replace the project's `coverage` layer, and a
// layer that exists and was not written by a prediction is never overwritten. Everything is
// written in one transaction after the whole prediction succeeded: a cancelled or failed run
// leaves the project (and the previous coverage) unchanged and no raster behind.
#include "core/analysis/propagation.hpp"
#include "core/base/feedback.hpp"
#include "core/predict/calibration.hpp"

#include <optional>

#include <string>
#include <vector>

namespace bando::tasks {

struct PredictRequest {
    std::string project;                    // the project file (written)
    std::string sites = "sites";            // a layer of the project, or a CSV/XLSX/ODS file
    std::string model = "hata";             // hata | cost231 | fspl | itm (the sample's model: hata)
    double radiusKm = 10;                   // prediction radius around each site (the sample's)
    double resolutionM = 250;               // grid cell (the sample's coverage grid)
    std::string operatorName;               // only this operator's sites (empty: all operators)
    std::string outDir;                     // GeoTIFF rasters go here (empty: no rasters)
    bool pathLossRasters = false;           // also one path-loss raster per site (needs outDir)
    std::string layer = "coverage_predicted";  // target layer unless `replace`
    bool replace = false;                   // replace the project's `coverage` layer instead
    double simplifyM = -1;                  // simplification tolerance (< 0: a quarter of the resolution)
    double rxHeightM = 1.5;                 // mobile antenna height
    // Terrain sampling along each path; 0 = the model's default: 250 m for hata / cost231 (the
    // sample generator's knife-edge profile, so the sample's coverage is reproduced), 90 m (the
    // 3" DEM posting) for itm.
    double profileStepM = 0;
    int threads = 2;
    // Measured points (CSV/XLSX: lon, lat, operator, technology, level_dbm, date): the model's
    // error per operator and a fitted per-operator offset added to the predicted levels.
    std::string calibrateFile;
    // Candidate evaluation instead of a coverage prediction: the sites of this file (or layer)
    // are predicted one by one and the project's settlements (households) each would cover are
    // counted; nothing is written to the project.
    std::string candidatesFile;
    // What counts as already covered when candidates are evaluated (their "new" households):
    // "coverage" (the project's coverage layer, the one classify / analyze read; absent: nothing,
    // with a warning), another coverage-schema layer of the project (e.g. coverage_predicted),
    // "sites" (the project's sites layer predicted with the same model and options), or "none".
    // Covered = a 3G or 4G good level of any operator (weak: reaching only the weak level).
    std::string coveredBy = "coverage";
    void validate() const;
};

// Thresholds on the reference signal (RSRP 4G, RSCP 3G): project settings setting.rsrp_good_dbm,
// setting.rsrp_weak_dbm, setting.rscp_good_dbm, setting.rscp_weak_dbm in bando_meta; defaults =
// analysis::rf::defaultThresholds (the sample's: 4G -100/-115, 3G -90/-105 dBm).
struct PredictThresholds {
    analysis::rf::LevelThresholds g3 = analysis::rf::defaultThresholds(analysis::rf::Technology::G3);
    analysis::rf::LevelThresholds g4 = analysis::rf::defaultThresholds(analysis::rf::Technology::G4);
};

struct PredictResult {
    struct Coverage {
        std::string operatorName, technology;  // "3G" / "4G"
        int sites = 0;
        double goodKm2 = 0, weakKm2 = 0;       // stored (clipped) areas
        int goodCells = 0, weakCells = 0;       // grid cells at each level (before clipping)
    };
    std::string project, model, layer;
    bool replaced = false;
    std::string sitesSource;
    size_t sites = 0;
    int gridCols = 0, gridRows = 0;
    double resolutionM = 0, radiusKm = 0;
    PredictThresholds thresholds;
    std::vector<Coverage> coverage;          // by operator, then technology
    std::vector<std::string> rasters;        // files written
    std::vector<std::string> warnings;       // sites outside the model's validity range
    // With calibrateFile: the error of the uncalibrated prediction and the offsets applied.
    std::optional<predict::Calibration> calibration;
    struct Candidate {
        std::string id, operatorName, technology;
        int sourceRow = 0;
        int settlementsGood = 0, settlementsWeak = 0;
        double householdsGood = 0, householdsWeak = 0;  // gross; weak = reaching only the weak level
        // New: not already covered (good reach not already good; weak reach not covered at all).
        int settlementsGoodNew = 0, settlementsWeakNew = 0;
        double householdsGoodNew = 0, householdsWeakNew = 0;
    };
    std::vector<Candidate> candidates;  // with candidatesFile, in the file's order
    size_t demandPoints = 0;            // settlements evaluated
    double demandHouseholds = 0;
    std::string coveredBy;                  // the source of the existing coverage ("none" if none)
    double demandHouseholdsCovered = 0;     // already at the good level
    double demandHouseholdsCoveredWeak = 0; // already at the weak level only
    std::string calibrationFile;
    double engineSeconds = 0, totalSeconds = 0;
};

PredictResult run(const PredictRequest& request, Feedback& fb);

} // namespace bando::tasks
