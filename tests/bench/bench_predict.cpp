// Coverage prediction benchmark (issue #16): one site, ITM (or another model) over a terrain
// raster, the same pipeline as `bando predict` (terrain warped to EPSG:9215, radial engine on all
// threads). Writes the basic transmission loss as a Float32 GeoTIFF (nodata -9999) and prints the
// timings as JSON. tests/bench/run_predict_splat.sh runs it next to SPLAT! and compares.
//
//   bando_bench_predict DEM.tif LAT LON HEIGHT_AGL FREQ_MHZ RADIUS_KM OUT.tif
//                       [--threads N] [--cell M] [--step M] [--climate 1..7] [--model itm|hata|...]
//                       [--per-cell] [--spacing CELLS] [--every E] [--dh-refresh F]
#include "core/capi/gdal.hpp"
#include "core/predict/engine.hpp"
#include "core/predict/terrain_io.hpp"

#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

using namespace bando;

namespace {
double cpuSeconds()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}
double since(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
} // namespace

int main(int argc, char** argv)
{
    if (argc < 8) {
        std::fprintf(stderr, "usage: %s DEM.tif LAT LON HEIGHT_AGL FREQ_MHZ RADIUS_KM OUT.tif [--threads N] [--cell M] "
                             "[--step M] [--climate 1..7] [--model NAME] [--per-cell] [--spacing CELLS]\n", argv[0]);
        return 2;
    }
    const std::string dem = argv[1];
    const double lat = std::atof(argv[2]), lon = std::atof(argv[3]);
    predict::Site site;
    site.id = "bench";
    site.heightAgl = std::atof(argv[4]);
    site.bandMhz = std::atof(argv[5]);
    const double radiusKm = std::atof(argv[6]);
    const std::string out = argv[7];
    predict::EngineOptions o;
    o.model = predict::Model::Itm;
    o.radiusM = radiusKm * 1000;
    o.threads = 2;
    double cell = 90;
    for (int i = 8; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&] { return i + 1 < argc ? std::atof(argv[++i]) : 0.0; };
        if (a == "--threads") o.threads = static_cast<int>(next());
        else if (a == "--cell") cell = next();
        else if (a == "--step") o.profileStepM = next();
        else if (a == "--climate") o.itm.climate = static_cast<predict::itm::Climate>(static_cast<int>(next()));
        else if (a == "--per-cell") o.itmRadials = false;
        else if (a == "--spacing") o.radialSpacingCells = next();
        else if (a == "--every") o.itmEvalEvery = static_cast<int>(next());
        else if (a == "--dh-refresh") o.itmDeltaHRefresh = next();
        else if (a == "--model" && i + 1 < argc) {
            const auto m = predict::parseModel(argv[++i]);
            if (!m) { std::fprintf(stderr, "unknown model %s\n", argv[i]); return 2; }
            o.model = *m;
        } else { std::fprintf(stderr, "unknown option %s\n", a.c_str()); return 2; }
    }
    constexpr int kEpsg = 9215;
    OGRSpatialReference wgs, work;
    wgs.importFromEPSG(4326);
    wgs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    work.importFromEPSG(kEpsg);
    work.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&wgs, &work));
    double x = lon, y = lat;
    if (!ct || !ct->Transform(1, &x, &y)) {
        std::fprintf(stderr, "cannot transform the site\n");
        return 1;
    }
    site.x = x;
    site.y = y;
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = cpuSeconds();
    Extent window;
    window.expand(x - o.radiusM - 1000, y - o.radiusM - 1000);
    window.expand(x + o.radiusM + 1000, y + o.radiusM + 1000);
    const predict::Terrain terrain = predict::loadTerrain(dem, {}, kEpsg, dem, window, o.threads);
    const double loadS = since(t0), loadCpu = cpuSeconds() - c0;
    // Grid: cells of `cell` m, the site in the middle of its cell, radius + 1 cell around.
    predict::Grid g;
    g.cell = cell;
    const int rc = static_cast<int>(std::ceil(o.radiusM / cell)) + 1;
    g.cols = g.rows = 2 * rc + 1;
    g.originX = x - (rc + 0.5) * cell;
    g.originY = y + (rc + 0.5) * cell;

    const auto t1 = std::chrono::steady_clock::now();
    const double c1 = cpuSeconds();
    predict::EngineOptions::Stats stats;
    o.stats = &stats;
    const auto losses = predict::predictLosses({site}, g, terrain, o);
    const double predictS = since(t1), predictCpu = cpuSeconds() - c1;

    const auto t2 = std::chrono::steady_clock::now();
    const double c2 = cpuSeconds();
    const predict::SiteLoss& w = losses.front();
    size_t cells = 0;
    std::vector<float> band(static_cast<size_t>(g.cols) * g.rows, -9999.f);
    for (int r = 0; r < g.rows; ++r)
        for (int c = 0; c < g.cols; ++c) {
            const float v = w.at(c, r);
            if (!std::isnan(v)) {
                band[static_cast<size_t>(r) * g.cols + c] = v;
                ++cells;
            }
        }
    gdal::init();
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GTiff");
    const std::string threadsOption = "NUM_THREADS=" + std::to_string(std::max(1, o.threads));
    const char* co[] = {"COMPRESS=DEFLATE", "TILED=YES", threadsOption.c_str(), nullptr};
    GDALDatasetUniquePtr ds(drv->Create(out.c_str(), g.cols, g.rows, 1, GDT_Float32, const_cast<char**>(co)));
    if (!ds) {
        std::fprintf(stderr, "cannot create %s\n", out.c_str());
        return 1;
    }
    double gt[6] = {g.originX, cell, 0, g.originY, 0, -cell};
    ds->SetGeoTransform(gt);
    ds->SetSpatialRef(&work);
    GDALRasterBand* b = ds->GetRasterBand(1);
    b->SetNoDataValue(-9999);
    if (b->RasterIO(GF_Write, 0, 0, g.cols, g.rows, band.data(), g.cols, g.rows, GDT_Float32, 0, 0, nullptr) != CE_None)
        return 1;
    ds.reset();
    const double writeS = since(t2), writeCpu = cpuSeconds() - c2;
    std::printf("{\"model\": \"%s\", \"radials\": %s, \"threads\": %d, \"cells\": %zu, \"terrain_load_s\": %.3f, "
                "\"terrain_load_cpu_s\": %.3f, \"predict_s\": %.3f, \"predict_cpu_s\": %.3f, \"write_s\": %.3f, \"write_cpu_s\": %.3f, \"total_s\": %.3f}\n",
                predict::modelName(o.model), o.itmRadials ? "true" : "false", o.threads, cells, loadS, loadCpu,
                predictS, predictCpu, writeS, writeCpu, since(t0));
    // Per thread CPU of the two parallel phases (radials, interpolation) and their wall times:
    // how evenly the threads share them (a serial tail shows as one thread's share).
    auto list = [](const std::vector<double>& v) {
        std::string s;
        for (double x : v)
            s += (s.empty() ? "" : ", ") + std::to_string(x);
        return "[" + s + "]";
    };
    std::string tasks;
    for (int t : stats.radialTasks)
        tasks += (tasks.empty() ? "" : ", ") + std::to_string(t);
    std::fprintf(stderr, "{\"evaluations\": %lld, \"radial_wall_s\": %.4f, \"radial_thread_cpu_s\": %s, \"radial_thread_tasks\": [%s], "
                 "\"interpolation_wall_s\": %.4f, \"interpolation_thread_cpu_s\": %s}\n",
                 stats.evaluations, stats.radialWallS, list(stats.radialCpuS).c_str(), tasks.c_str(), stats.interpolationWallS,
                 list(stats.interpolationCpuS).c_str());
    return 0;
}
