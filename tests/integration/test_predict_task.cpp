// `bando predict` on the sample (issue #16): rasters GDAL reopens with EPSG:9215, nodata and
// overviews; a coverage layer `bando classify` reads; nothing destroyed silently; bad site rows
// named by row and field; a cancelled run leaves the project and the output folder unchanged.
#include <catch2/catch.hpp>

#include "core/base/error.hpp"
#include "core/capi/gdal.hpp"
#include "core/capi/geos.hpp"
#include "core/capi/geos_convert.hpp"
#include "core/store/project_store.hpp"
#include "core/tasks/classify_task.hpp"
#include "core/tasks/job.hpp"
#include "core/tasks/predict_task.hpp"
#include "support/test_support.hpp"

#include <ogr_spatialref.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>

using namespace bando;
namespace fs = std::filesystem;

namespace {

std::string copySample(const test::TempDir& dir)
{
    const std::string p = dir.file("p.gpkg");
    fs::copy_file(test::samplePath(), p);
    return p;
}

std::string cli(const std::string& args) { return test::shellQuote(test::cliPath()) + " " + args; }

size_t tifCount(const std::string& dir)
{
    size_t n = 0;
    if (fs::exists(dir))
        for (const auto& e : fs::directory_iterator(dir)) n += e.path().extension() == ".tif" || e.path().string().find(".part") != std::string::npos;
    return n;
}

} // namespace

TEST_CASE("bando predict: one operator at 1 km writes GeoTIFFs GDAL reopens and a coverage layer classify reads",
          "[predict][cli]")
{
    test::TempDir dir("predict-cli");
    const std::string path = copySample(dir);
    const std::string out = dir.file("rasters");
    const auto t0 = std::chrono::steady_clock::now();
    auto r = test::run(cli("predict " + test::shellQuote(path) +
                           " --operator Viettel --resolution 1000 --replace --json --out " + test::shellQuote(out)));
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    CHECK(secs < 20);
    CHECK(r.out.find("\"layer\": \"coverage\"") != std::string::npos);
    CHECK(r.out.find("\"replaced\": true") != std::string::npos);
    CHECK(r.out.find("\"model\": \"hata\"") != std::string::npos);

    // rasters: level and best server per technology, EPSG:9215, nodata, overviews
    gdal::init();
    for (const char* name : {"level_viettel_3g.tif", "level_viettel_4g.tif", "best_server_viettel_3g.tif",
                             "best_server_viettel_4g.tif"}) {
        INFO(name);
        const std::string f = (fs::path(out) / name).string();
        REQUIRE(fs::exists(f));
        GDALDatasetUniquePtr ds(GDALDataset::Open(f.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
        REQUIRE(ds);
        const OGRSpatialReference* srs = ds->GetSpatialRef();
        REQUIRE(srs);
        REQUIRE(srs->GetAuthorityCode(nullptr));
        CHECK(std::string(srs->GetAuthorityCode(nullptr)) == "9215");
        GDALRasterBand* b = ds->GetRasterBand(1);
        int hasNd = 0;
        const double nd = b->GetNoDataValue(&hasNd);
        CHECK(hasNd);
        CHECK(b->GetOverviewCount() >= 1);
        double gt[6];
        REQUIRE(ds->GetGeoTransform(gt) == CE_None);
        CHECK(gt[1] == Approx(1000));
        std::vector<double> v(static_cast<size_t>(ds->GetRasterXSize()) * ds->GetRasterYSize());
        REQUIRE(b->RasterIO(GF_Read, 0, 0, ds->GetRasterXSize(), ds->GetRasterYSize(), v.data(), ds->GetRasterXSize(),
                            ds->GetRasterYSize(), GDT_Float64, 0, 0, nullptr) == CE_None);
        size_t valid = 0;
        double mx = -1e9, mn = 1e9;
        for (double x : v)
            if (x != nd) {
                ++valid;
                mx = std::max(mx, x);
                mn = std::min(mn, x);
            }
        CHECK(valid > v.size() / 4);  // Viettel reaches most of the province
        CHECK(valid < v.size());      // and not the corners of the grid
        if (std::string(name).rfind("level_", 0) == 0) {
            CHECK(mx > -80);    // next to a mast
            CHECK(mx < -20);
            CHECK(mn < -115);   // the 10 km edge in the shadow of hills
        } else {
            CHECK(mn >= 1);     // a row number of the sites layer
        }
    }

    // the coverage layer: only Viettel, good and weak per technology, valid, inside the province
    {
        const auto store = ProjectStore::open(path);
        const Layer cov = store->readLayer("coverage");
        std::set<std::string> keys;
        for (const auto& f : cov.features) {
            CHECK(cov.text(f, "operator") == "Viettel");
            keys.insert(cov.text(f, "technology") + "/" + cov.text(f, "level"));
            geos::GeomPtr g = geos::toGeos(f.geom);
            CHECK(GEOSisValid_r(geos::ctx(), g.get()) == 1);
            const Extent e = f.geom.parts.empty() ? Extent{} : cov.extent();
            CHECK(e.minX > 105.8);
            CHECK(e.maxX < 107.4);
        }
        CHECK(keys == std::set<std::string>{"3G/good", "3G/weak", "4G/good", "4G/weak"});
        CHECK(store->meta("predict.layer.coverage").has_value());
    }
    r = test::run(cli("classify " + test::shellQuote(path) + " --json"));
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    CHECK(r.out.find("\"no_signal\":") != std::string::npos);
}

TEST_CASE("bando predict without --replace writes coverage_predicted and keeps coverage", "[predict][cli]")
{
    test::TempDir dir("predict-layer");
    const std::string path = copySample(dir);
    const auto before = ProjectStore::open(path)->readLayer("coverage");
    auto r = test::run(cli("predict " + test::shellQuote(path) + " --operator VNPT --resolution 1500 --model fspl --json"));
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    CHECK(r.out.find("\"layer\": \"coverage_predicted\"") != std::string::npos);
    {
        const auto store = ProjectStore::open(path);
        const auto after = store->readLayer("coverage");
        REQUIRE(after.features.size() == before.features.size());
        for (size_t i = 0; i < after.features.size(); ++i)
            CHECK(after.features[i].values == before.features[i].values);
        const auto pred = store->readLayer("coverage_predicted");
        CHECK(pred.features.size() >= 2);
        for (const auto& f : pred.features) CHECK(pred.text(f, "operator") == "VNPT");
    }
    // its own layer may be predicted again; a user layer is never overwritten, coverage only with --replace
    r = test::run(cli("predict " + test::shellQuote(path) + " --operator VNPT --resolution 1500 --model fspl"));
    CHECK(r.exitCode == 0);
    const uint64_t hash = test::fileHash(path);
    r = test::run(cli("predict " + test::shellQuote(path) + " --operator VNPT --layer villages"));
    CHECK(r.exitCode != 0);
    CHECK(r.err.find("--layer") != std::string::npos);
    r = test::run(cli("predict " + test::shellQuote(path) + " --layer coverage"));
    CHECK(r.exitCode != 0);
    CHECK(r.err.find("--replace") != std::string::npos);
    r = test::run(cli("predict " + test::shellQuote(path) + " --layer x --replace"));
    CHECK(r.exitCode != 0);
    r = test::run(cli("predict " + test::shellQuote(path) + " --model okumura"));
    CHECK(r.exitCode != 0);
    CHECK(r.err.find("--model") != std::string::npos);
    r = test::run(cli("predict " + test::shellQuote(path) + " --radius-km abc"));
    CHECK(r.exitCode != 0);
    CHECK(r.err.find("--radius-km") != std::string::npos);
    r = test::run(cli("predict " + test::shellQuote(path) + " --operator Nobody"));
    CHECK(r.exitCode != 0);
    CHECK(r.err.find("Nobody") != std::string::npos);
    CHECK(test::fileHash(path) == hash);
}

TEST_CASE("bando predict --sites FILE names bad rows by row and field and writes nothing", "[predict][cli]")
{
    test::TempDir dir("predict-bad");
    const std::string path = copySample(dir);
    const std::string csv = dir.file("sites.csv");
    {
        std::ofstream f(csv);
        f << "site_id,operator,technology,lon,lat,height_m,band_mhz,power_dbm,gain_dbi,losses_db,azimuth\n"
          << "A1,Viettel,4G,106.76,21.85,30,1800,43,17,2,120\n"
          << "A2,Viettel,4G,106.70,21.80,0,1800,43,17,2,\n"
          << "A3,Viettel,LTE,106.70,21.80,30,3500,43,17,2,\n"
          << "A4,Viettel,3G,,,30,2100,43,17,2,\n"
          << "A5,Viettel,5G,106.70,21.80,30,2100,43,17,2,\n";
    }
    const uint64_t hash = test::fileHash(path);
    const std::string out = dir.file("r");
    auto r = test::run(cli("predict " + test::shellQuote(path) + " --sites " + test::shellQuote(csv) +
                           " --resolution 1000 --out " + test::shellQuote(out)));
    CHECK(r.exitCode != 0);
    INFO(r.err);
    CHECK(r.err.find("row 2, field height_m") != std::string::npos);
    CHECK(r.err.find("row 3, field band_mhz") != std::string::npos);
    CHECK(r.err.find("3500 MHz") != std::string::npos);
    CHECK(r.err.find("row 4, field position") != std::string::npos);
    CHECK(r.err.find("row 5, field technology") != std::string::npos);
    CHECK(r.err.find("row 1,") == std::string::npos);
    CHECK(test::fileHash(path) == hash);
    CHECK(tifCount(out) == 0);

    // the good row alone: a 120-degree sector (EIRP 43 + 17 - 2 = 58 dBm) is stronger in front than behind
    {
        std::ofstream f(csv);
        f << "site_id,operator,technology,lon,lat,height_m,band_mhz,power_dbm,gain_dbi,losses_db,azimuth\n"
          << "A1,Viettel,4G,106.76,21.85,30,1800,43,17,2,90\n";
    }
    r = test::run(cli("predict " + test::shellQuote(path) + " --sites " + test::shellQuote(csv) +
                      " --resolution 500 --model fspl --json --out " + test::shellQuote(out) + " --layer p1"));
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    gdal::init();
    GDALDatasetUniquePtr ds(GDALDataset::Open((fs::path(out) / "level_viettel_4g.tif").string().c_str(), GDAL_OF_RASTER));
    REQUIRE(ds);
    double gt[6];
    ds->GetGeoTransform(gt);
    // the site in EPSG:9215, from the stored sites file: project it the way the task did
    OGRSpatialReference wgs, vn;
    wgs.importFromEPSG(4326);
    wgs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    vn.importFromEPSG(9215);
    vn.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation, void (*)(OGRCoordinateTransformation*)> ct(
        OGRCreateCoordinateTransformation(&wgs, &vn), [](OGRCoordinateTransformation* c) { OGRCoordinateTransformation::DestroyCT(c); });
    double x = 106.76, y = 21.85;
    REQUIRE(ct->Transform(1, &x, &y));
    auto levelAt = [&](double px, double py) {
        const int c = static_cast<int>((px - gt[0]) / gt[1]);
        const int rr = static_cast<int>((py - gt[3]) / gt[5]);
        float v = 0;
        REQUIRE(ds->GetRasterBand(1)->RasterIO(GF_Read, c, rr, 1, 1, &v, 1, 1, GDT_Float32, 0, 0, nullptr) == CE_None);
        return static_cast<double>(v);
    };
    const double east = levelAt(x + 3000, y), west = levelAt(x - 3000, y);
    // free space both ways at about the same distance (cell centres: within 1 dB): the back lobe
    // is 20 dB down (front-to-back cap), the front loses only the vertical term (a few degrees)
    CHECK(east - west > 15);
    CHECK(east - west < 21.5);
}

TEST_CASE("a cancelled prediction leaves the project and the output folder unchanged", "[predict][cancel]")
{
    test::TempDir dir("predict-cancel");
    const std::string path = copySample(dir);
    const uint64_t hash = test::fileHash(path);
    tasks::PredictRequest req;
    req.project = path;
    req.operatorName = "MobiFone";
    req.resolutionM = 1000;
    req.replace = true;
    req.outDir = dir.file("out");
    Feedback fb;
    double seen = 0;
    fb.setObserver([&](double percent, const std::string&) {
        seen = std::max(seen, percent);
        if (percent >= 40) fb.cancel();
    });
    CHECK_THROWS_AS(tasks::runTask(req, fb), CancelledError);
    CHECK(seen >= 40);
    CHECK(seen < 100);
    CHECK(test::fileHash(path) == hash);
    CHECK(tifCount(req.outDir) == 0);
}

// The sample's coverage re-predicted from its own stored sites with the default model (Hata /
// COST-231 + knife edge, 10 km, 250 m, the knife-edge profile sampled every 250 m as the sample's
// generator does), compared village by village with the stored coverage. Issue #16 asks for the
// same classes within 3 %: at least 97 % of the villages keep their class, the no-signal count
// within 5 % (measured on the real-outline sample: totals 148 / 140 -> 146 / 142).
TEST_CASE("the sample's coverage re-predicted from its sites keeps >= 97 % of village classes",
          "[predict][sample]")
{
    test::TempDir dir("predict-sample");
    const std::string path = copySample(dir);
    tasks::ClassifyRequest creq;
    creq.project = path;
    Feedback fb;
    const auto before = tasks::runTask(creq, fb);
    tasks::PredictRequest req;
    req.project = path;
    req.replace = true;
    const auto res = tasks::runTask(req, fb);
    CHECK(res.coverage.size() == 6);  // 3 operators x 2 technologies
    const auto after = tasks::runTask(creq, fb);
    REQUIRE(after.villages.size() == before.villages.size());
    size_t same = 0;
    for (size_t i = 0; i < before.villages.size(); ++i) {
        REQUIRE(after.villages[i].villageCode == before.villages[i].villageCode);
        same += after.villages[i].mobile == before.villages[i].mobile;
    }
    INFO("villages with the same class: " << same << " of " << before.villages.size());
    CHECK(static_cast<double>(same) >= 0.97 * static_cast<double>(before.villages.size()));
    CHECK(std::abs(after.total.noSignal - before.total.noSignal) <= 0.05 * before.total.noSignal);
    CHECK(after.total.noBroadband == before.total.noBroadband);
}
