#pragma once
// Coverage prediction over a grid: per-site path loss windows, received reference-signal levels,
// best server and per-operator maximum. GUI-free, no project I/O (the predict task reads the DEM
// and sites and stores the results). Runs the sites on `threads` std::threads, one site per
// thread at a time, each with its own state; cancel is cooperative (checked per grid row).
#include "core/analysis/propagation.hpp"
#include "core/predict/models.hpp"

#include <atomic>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace bando::predict {

// A north-up terrain raster in a metric CRS. Heights in m; NaN = unknown.
struct Terrain {
    int cols = 0, rows = 0;
    double originX = 0, originY = 0;  // top-left corner
    double cellX = 90, cellY = 90;    // pixel size (both positive)
    std::vector<float> z;             // row-major, rows from north to south, NaN = nodata
    bool empty() const { return z.empty(); }
    // Bilinear height at (x, y) from the pixel centres; NaN outside the raster or next to nodata.
    double height(double x, double y) const;
};

struct Site {
    std::string id;          // the site's code (used in warnings and the best-server raster)
    std::string operatorName;
    analysis::rf::Technology tech = analysis::rf::Technology::G4;
    double x = 0, y = 0;     // working CRS (m)
    double heightAgl = 30;   // antenna height above ground
    double bandMhz = 1800;
    double eirpDbm = 60;     // total EIRP toward boresight
    Sector sector;           // omni unless an azimuth was given
    int sourceRow = 0;       // 1-based row/feature of the input, for messages
    double levelOffsetDb = 0;  // added to the level (a calibration offset; 0 = none)
};

// The output grid (cell centres are evaluated).
struct Grid {
    double originX = 0, originY = 0;  // top-left corner
    double cell = 100;
    int cols = 0, rows = 0;
    double centreX(int c) const { return originX + (c + 0.5) * cell; }
    double centreY(int r) const { return originY - (r + 0.5) * cell; }
};

struct EngineOptions {
    Model model = Model::Hata;
    double radiusM = 20000;
    double profileStepM = 90;   // terrain sampling along each path
    double rxHeightM = 1.5;
    itm::Params itm = defaultItmParams();
    int threads = 2;
    // ITM only: one terrain profile per radial, ITM evaluated at every `profileStepM` sample of
    // it on the profile's prefix (as SPLAT! does), then bilinear in (bearing, distance) to the
    // cell centres. The distances are cut into bands (each ~1.25 times as far out as the last),
    // each with its own radials at most `radialSpacingCells` output cells apart at its far end;
    // one radial per task, one site's tasks shared by the threads. false = one profile per cell
    // (exact, ~10x slower).
    // ITM is evaluated every `itmEvalEvery` samples along a radial (linear in between).
    bool itmRadials = true;
    double radialSpacingCells = 1.0;
    int itmEvalEvery = 2;
    // ITM on radials: delta_h of a prefix is reused while the prefix has grown by less than this
    // fraction (itm::PrefixEvaluator); 0 = worked out for every prefix (exact ITM).
    double itmDeltaHRefresh = 0.02;
    // Diagnostics (the benchmark): when set, the ITM radial engine records per thread its CPU
    // time and tasks in the radial and interpolation phases, and each phase's wall time.
    struct Stats {
        std::vector<double> radialCpuS, interpolationCpuS;  // per thread
        std::vector<int> radialTasks;
        double radialWallS = 0, interpolationWallS = 0;
        long long evaluations = 0;  // ITM prefixes evaluated
    };
    Stats* stats = nullptr;
};

// Loss of one site over the square window of grid cells around it; NaN outside the radius,
// outside the grid, or where the model gives no value.
struct SiteLoss {
    int col0 = 0, row0 = 0, cols = 0, rows = 0;  // window in grid cells
    std::vector<float> lossDb;                   // basic transmission loss
    std::vector<float> gainDb;                   // sector pattern gain toward the cell (0 for omni)
    float at(int gc, int gr) const;              // grid cell -> loss, NaN outside the window
};

// Computes every site's loss window. ITM with radials runs the sites one after another, each on
// all threads; the other models hand sites to threads. `onSiteDone(done, total)` is called (from any worker thread,
// serialised) after each site; `cancel` is polled per row. Throws CancelledError when cancelled.
std::vector<SiteLoss> predictLosses(const std::vector<Site>& sites, const Grid& grid, const Terrain& terrain,
                                    const EngineOptions& options, const std::atomic<bool>* cancel = nullptr,
                                    const std::function<void(size_t, size_t)>& onSiteDone = {});

// Reference-signal level (RSRP for 4G, RSCP for 3G) of a site at a cell: EIRP + pattern - loss,
// converted exactly as analysis::rf::referenceSignalDbm does, plus the site's levelOffsetDb.
inline double siteLevelDbm(const Site& s, double lossDb, double gainDb)
{
    return analysis::rf::referenceSignalDbm(s.tech, s.eirpDbm + gainDb, lossDb) + s.levelOffsetDb;
}

// Best server over a set of sites: per cell the highest level and the index of its site (-1, NaN
// where no site reaches). `filter(siteIndex)` selects the sites (e.g. one operator and one
// technology).
struct BestServer {
    std::vector<float> levelDbm;
    std::vector<int> site;
};
BestServer bestServer(const std::vector<Site>& sites, const std::vector<SiteLoss>& losses, const Grid& grid,
                      const std::function<bool(size_t)>& filter = {});

// The profile from (x0, y0) to (x1, y1): n = max(2, floor(d / step)) intervals, heights at i/n of
// the way (bilinear); nodata samples are NaN except at the ends (0 m, as the sample does).
LinkProfile sampleProfile(const Terrain& t, double x0, double y0, double x1, double y1, double stepM);

} // namespace bando::predict
