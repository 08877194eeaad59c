// DEM import (io/dem_import, tasks::DemImportRequest): a generated GeoTIFF in EPSG:4326 with a
// void, SRTM .hgt tiles mosaicked across a seam, the missing-tile error that leaves the project
// byte-identical, and the replacement of a previous DEM. Heights are planes, which bilinear
// reprojection keeps exact, so the values read back through predict::loadTerrain are known.
#include <catch2/catch.hpp>

#include "core/base/error.hpp"
#include "core/capi/gdal.hpp"
#include "core/model/schema.hpp"
#include "core/predict/terrain_io.hpp"
#include "core/store/project_store.hpp"
#include "core/tasks/dem_import_task.hpp"
#include "core/tasks/job.hpp"
#include "support/test_support.hpp"

#include <gdal_priv.h>
#include <gdalwarper.h>
#include <ogr_spatialref.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

using namespace bando;

namespace {

double plane(double lon, double lat, double k = 1.0) { return k * (100.0 + 1000.0 * (lon - 106.0) + 500.0 * (lat - 21.0)); }

// A GDAL raster on the geographic grid of `posting` degrees, pixel centres on k * posting,
// covering [lon0, lon0 + spanLon] x [lat0, lat0 + spanLat] (centres), heights from plane().
void writeRaster(const std::string& path, const char* driver, double lon0, double lat0, int n, double posting,
                 double k = 1.0, int voidCol = -1, int voidRow = -1, int voidSize = 0)
{
    gdal::init();
    GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
    GDALDatasetUniquePtr ds(mem->Create("", n, n, 1, GDT_Int16, nullptr));
    const double gt[6] = {lon0 - posting / 2, posting, 0, lat0 + (n - 1) * posting + posting / 2, 0, -posting};
    ds->SetGeoTransform(const_cast<double*>(gt));
    OGRSpatialReference wgs;
    wgs.importFromEPSG(4326);
    ds->SetSpatialRef(&wgs);
    std::vector<int16_t> z(static_cast<size_t>(n) * n);
    for (int r = 0; r < n; ++r)
        for (int c = 0; c < n; ++c) {
            const bool hole = c >= voidCol && c < voidCol + voidSize && r >= voidRow && r < voidRow + voidSize;
            z[static_cast<size_t>(r) * n + c] =
                hole ? int16_t(-32768) : static_cast<int16_t>(std::lround(plane(lon0 + c * posting, gt[3] - (r + 0.5) * posting, k)));
        }
    GDALRasterBand* b = ds->GetRasterBand(1);
    b->SetNoDataValue(-32768);
    REQUIRE(b->RasterIO(GF_Write, 0, 0, n, n, z.data(), n, n, GDT_Int16, 0, 0, nullptr) == CE_None);
    GDALDriver* out = GetGDALDriverManager()->GetDriverByName(driver);
    GDALDatasetUniquePtr copy(out->CreateCopy(path.c_str(), ds.get(), FALSE, nullptr, nullptr, nullptr));
    REQUIRE(copy);
}

// A project whose province (one district) is the lon/lat box given.
void makeProject(const std::string& path, double lon0, double lat0, double lon1, double lat1)
{
    auto s = ProjectStore::create(path);
    Layer d = schema::makeLayer("districts");
    auto& f = d.addFeature(Geometry::polygon({{{lon0, lat0}, {lon1, lat0}, {lon1, lat1}, {lon0, lat1}, {lon0, lat0}}}));
    d.set(f, "code", std::string("001"));
    d.set(f, "name", std::string("Test"));
    ProjectStore::Transaction t(*s);
    s->replaceLayer(d);
    t.commit();
}

// Height of the project's DEM at (lon, lat), through the same reader `bando predict` uses.
double demAt(const predict::Terrain& t, double lon, double lat)
{
    OGRSpatialReference wgs, work;
    wgs.importFromEPSG(4326);
    wgs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    work.importFromEPSG(9215);
    work.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&wgs, &work));
    double x = lon, y = lat;
    REQUIRE(ct->Transform(1, &x, &y));
    return t.height(x, y);
}

std::string slurp(const std::string& p)
{
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}


} // namespace

TEST_CASE("DEM import: a GeoTIFF in EPSG:4326 with a void, reprojected into the project", "[predict][dem]")
{
    test::TempDir dir("dem_tif");
    const std::string tif = dir.file("dem.tif"), project = dir.file("p.gpkg");
    // 0.3 x 0.3 degrees at 3" (361 posts), a 6 x 6 void in the middle.
    writeRaster(tif, "GTiff", 106.5, 21.7, 361, 1.0 / 1200, 1.0, 180, 180, 6);
    makeProject(project, 106.55, 21.75, 106.75, 21.95);
    tasks::DemImportRequest req;
    req.project = project;
    req.files = {tif};
    Feedback fb;
    const auto r = tasks::runTask(req, fb);
    CHECK_FALSE(r.replaced);
    CHECK(r.dem.voidsFilled == 36);
    CHECK(r.dem.cellM == 93.0);  // 3" = 92.8 m, rounded
    const predict::Terrain t = predict::loadTerrain(project, {"TABLE=dem"}, 9215, "dem");
    CHECK(t.cellX == Approx(93.0));
    for (auto [lon, lat] : {std::pair{106.6, 21.8}, std::pair{106.7, 21.9}, std::pair{106.56, 21.94}})
        CHECK(demAt(t, lon, lat) == Approx(plane(lon, lat)).margin(1.0));
    // The void (106.65, 21.85 +- 3 posts) is interpolated from its edges: on a plane, close to it.
    CHECK(demAt(t, 106.6521, 21.8521) == Approx(plane(106.6521, 21.8521)).margin(3.0));
    // The project's layers are still there.
    auto store = ProjectStore::open(project);
    CHECK(store->hasLayer("districts"));
}

TEST_CASE("DEM import: SRTM .hgt tiles mosaicked, a missing tile is named and nothing is written", "[predict][dem]")
{
    test::TempDir dir("dem_hgt");
    const std::string south = dir.file("N21E106.hgt"), north = dir.file("N22E106.hgt"), project = dir.file("p.gpkg");
    writeRaster(south, "SRTMHGT", 106.0, 21.0, 1201, 1.0 / 1200);
    writeRaster(north, "SRTMHGT", 106.0, 22.0, 1201, 1.0 / 1200);
    // The province straddles the 22 N seam.
    makeProject(project, 106.40, 21.90, 106.60, 22.10);
    Feedback fb;

    tasks::DemImportRequest only;
    only.project = project;
    only.files = {south};
    const std::string before = slurp(project);
    try {
        tasks::runTask(only, fb);
        FAIL("a DEM not covering the province must be refused");
    } catch (const Error& e) {
        const std::string m = e.what();
        INFO(m);
        CHECK(m.find("N22E106.hgt") != std::string::npos);
        CHECK(m.find("N21E106") != std::string::npos);  // the file given, named first
        CHECK(m.find("does not cover the province") != std::string::npos);
    }
    CHECK(slurp(project) == before);

    tasks::DemImportRequest both = only;
    both.files = {south, north};
    both.resolutionM = 90;
    const auto r = tasks::runTask(both, fb);
    CHECK(r.dem.cellM == 90.0);
    CHECK(r.dem.voidsFilled == 0);
    const predict::Terrain t = predict::loadTerrain(project, {"TABLE=dem"}, 9215, "dem");
    for (double lat : {21.95, 21.999, 22.001, 22.05})
        CHECK(demAt(t, 106.5, lat) == Approx(plane(106.5, lat)).margin(1.0));

    // A second import replaces the DEM (heights doubled).
    const std::string south2 = dir.file("b/N21E106.hgt"), north2 = dir.file("b/N22E106.hgt");
    std::filesystem::create_directories(dir.file("b"));
    writeRaster(south2, "SRTMHGT", 106.0, 21.0, 1201, 1.0 / 1200, 2.0);
    writeRaster(north2, "SRTMHGT", 106.0, 22.0, 1201, 1.0 / 1200, 2.0);
    both.files = {south2, north2};
    const auto r2 = tasks::runTask(both, fb);
    CHECK(r2.replaced);
    const predict::Terrain t2 = predict::loadTerrain(project, {"TABLE=dem"}, 9215, "dem");
    CHECK(demAt(t2, 106.5, 22.05) == Approx(plane(106.5, 22.05, 2.0)).margin(1.0));
}

TEST_CASE("DEM import: bad requests name the option or file", "[predict][dem]")
{
    tasks::DemImportRequest r;
    r.project = "p.gpkg";
    CHECK_THROWS_WITH(r.validate(), Catch::Contains("at least one DEM file"));
    r.files = {"villages.csv"};
    CHECK_THROWS_WITH(r.validate(), Catch::Contains("villages.csv"));
    r.files = {"/nonexistent/N21E106.hgt"};
    CHECK_THROWS_WITH(r.validate(), Catch::Contains("no such file"));
}

// ---- calibration against measured points (predict/calibration, bando predict --calibrate) ----

#include "core/predict/calibration.hpp"
#include "core/tasks/predict_task.hpp"

TEST_CASE("calibration: error statistics and the fitted offset per operator", "[predict][calibration]")
{
    predict::SiteRows rows;
    rows.source = "drive.csv";
    rows.epsg = 9215;
    rows.header = {"x", "y", "Operator", "Technology", "level_dbm", "date"};
    rows.rows = {{"1", "1", "A", "4G", "-90", "2024-05-01"}, {"2", "1", "A", "LTE", "-95.5", ""},
                 {"3", "1", "B", "3g", "-80", ""},           {"4", "1", "B", "4G", "-70", ""}};
    for (int i = 0; i < 4; ++i)
        rows.position.push_back(XY{i + 1.0, 1.0});
    const auto ok = predict::parseMeasurements(rows, 9215);
    REQUIRE(ok.errors.empty());
    REQUIRE(ok.points.size() == 4);
    CHECK(ok.points[1].levelDbm == -95.5);
    CHECK(ok.points[2].tech == analysis::rf::Technology::G3);
    CHECK(ok.points[0].date == "2024-05-01");
    CHECK(predict::parseMeasurements(rows, 9215, "b").points.size() == 2);

    // Bad rows are named by row and field.
    predict::SiteRows bad = rows;
    bad.rows[1][4] = "strong";
    bad.rows[2][3] = "5G";
    bad.rows[3][4] = "-10";
    bad.position[0].reset();
    const auto b = predict::parseMeasurements(bad, 9215);
    REQUIRE(b.errors.size() == 4);
    CHECK(b.errors[0] == "drive.csv row 1, field position: missing position (no coordinates)");
    CHECK(b.errors[1] == "drive.csv row 2, field level_dbm: 'strong' is not a number");
    CHECK(b.errors[2] == "drive.csv row 3, field Technology: technology '5G' is not 3G or 4G");
    CHECK(b.errors[3] == "drive.csv row 4, field level_dbm: level -10 dBm outside -150..-20 dBm");

    // Synthetic measurements from a known offset: operator A measures 6 dB below the model with
    // +-1 dB alternating noise, B 4 dB above; one point without a prediction.
    std::vector<predict::Measurement> pts;
    for (int i = 0; i < 40; ++i) {
        predict::Measurement m;
        m.operatorName = i % 2 ? "B" : "A";
        m.x = i;
        m.levelDbm = (i % 2 ? -80.0 + 4 : -80.0 - 6) + ((i / 2) % 2 ? 1 : -1);
        pts.push_back(m);
    }
    pts.push_back(predict::Measurement{1e9, 0, "A", analysis::rf::Technology::G4, -80, "", 41});
    const auto cal = predict::calibrate(pts, [](const predict::Measurement& m) {
        return m.x > 1e6 ? std::numeric_limits<double>::quiet_NaN() : -80.0;
    });
    CHECK(cal.unmatched == 1);
    CHECK(cal.overall.points == 40);
    REQUIRE(cal.operators.size() == 2);
    CHECK(cal.operators[0].operatorName == "A");
    CHECK(cal.operators[0].meanErrorDb == Approx(6.0));
    CHECK(cal.operators[0].stdDevDb == Approx(1.0));
    CHECK(cal.operators[0].offsetDb == Approx(-6.0));
    CHECK(cal.operators[1].meanErrorDb == Approx(-4.0));
    CHECK(cal.offsetFor("B") == Approx(4.0));
    CHECK(cal.offsetFor("C") == 0.0);
    CHECK(cal.overall.meanErrorDb == Approx(1.0));
    CHECK(cal.overall.stdDevDb == Approx(std::sqrt(26.0)));  // +-5 around the mean, +-1 noise
}

TEST_CASE("bando predict --calibrate: measured offsets are found and applied", "[predict][calibration]")
{
    test::TempDir dir("calib");
    const std::string tif = dir.file("dem.tif"), project = dir.file("p.gpkg"), sitesCsv = dir.file("sites.csv");
    writeRaster(tif, "GTiff", 106.5, 21.7, 361, 1.0 / 1200, 0.01);
    makeProject(project, 106.58, 21.78, 106.72, 21.92);
    Feedback fb;
    tasks::DemImportRequest dem;
    dem.project = project;
    dem.files = {tif};
    tasks::runTask(dem, fb);
    {
        std::ofstream s(sitesCsv);
        s << "site_id,lon,lat,operator,technology,band_mhz,height_m,eirp_dbm\n"
          << "A1,106.65,21.85,OpA,4G,1800,30,25\nB1,106.66,21.86,OpB,4G,1800,30,23\n";
    }
    tasks::PredictRequest req;
    req.project = project;
    req.sites = sitesCsv;
    req.model = "fspl";
    req.radiusKm = 5;
    req.resolutionM = 250;
    req.outDir = dir.file("out0");
    req.layer = "coverage_plain";
    const auto plain = tasks::runTask(req, fb);
    CHECK_FALSE(plain.calibration);

    // Measurements at cell centres: OpA 6 dB below its predicted level (+-1 dB), OpB 4 dB above.
    OGRSpatialReference wgs, work;
    wgs.importFromEPSG(4326);
    wgs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    work.importFromEPSG(9215);
    work.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> back(OGRCreateCoordinateTransformation(&work, &wgs));
    const std::string measCsv = dir.file("drive.csv");
    std::ofstream meas(measCsv);
    meas.precision(10);
    meas << "lon,lat,operator,technology,level_dbm,date\n";
    std::vector<double> levelA;  // the predicted levels at OpA's points
    for (const char* op : {"OpA", "OpB"}) {
        GDALDatasetUniquePtr ds(GDALDataset::Open((req.outDir + "/level_" + std::string(op == std::string("OpA") ? "opa" : "opb") + "_4g.tif").c_str(),
                                                  GDAL_OF_RASTER));
        REQUIRE(ds);
        double gt[6];
        ds->GetGeoTransform(gt);
        std::vector<float> v(static_cast<size_t>(ds->GetRasterXSize()) * ds->GetRasterYSize());
        REQUIRE(ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, ds->GetRasterXSize(), ds->GetRasterYSize(), v.data(),
                                               ds->GetRasterXSize(), ds->GetRasterYSize(), GDT_Float32, 0, 0, nullptr) == CE_None);
        int n = 0;
        for (int r = 0; r < ds->GetRasterYSize() && n < 20; r += 3)
            for (int c = 0; c < ds->GetRasterXSize() && n < 20; c += 3) {
                const float l = v[static_cast<size_t>(r) * ds->GetRasterXSize() + c];
                if (l < -140 || l > -30)
                    continue;  // nodata or beyond a plausible measurement
                double x = gt[0] + (c + 0.5) * gt[1], y = gt[3] + (r + 0.5) * gt[5];
                REQUIRE(back->Transform(1, &x, &y));
                const double truth = op == std::string("OpA") ? l - 6.0 + (n % 2 ? 1 : -1) : l + 4.0;
                meas << x << "," << y << "," << op << ",4G," << truth << ",2024-05-0" << (1 + n % 9) << "\n";
                if (op == std::string("OpA"))
                    levelA.push_back(l);
                ++n;
            }
        REQUIRE(n == 20);
    }
    meas.close();

    req.calibrateFile = measCsv;
    req.outDir = dir.file("out1");
    req.layer = "coverage_cal";
    const auto cal = tasks::runTask(req, fb);
    REQUIRE(cal.calibration);
    CHECK(cal.calibration->unmatched == 0);
    REQUIRE(cal.calibration->operators.size() == 2);
    const auto& a = cal.calibration->operators[0];
    CHECK(a.operatorName == "OpA");
    CHECK(a.points == 20);
    CHECK(a.meanErrorDb == Approx(6.0).margin(0.01));
    CHECK(a.stdDevDb == Approx(1.0).margin(0.01));
    CHECK(a.offsetDb == Approx(-6.0).margin(0.01));
    CHECK(cal.calibration->operators[1].offsetDb == Approx(4.0).margin(0.01));
    // Applied: OpA's good area shrinks, OpB's grows; the note in the project states the offsets.
    CHECK(cal.coverage[0].goodCells < plain.coverage[0].goodCells);
    CHECK(cal.coverage[1].goodCells > plain.coverage[1].goodCells);
    auto store = ProjectStore::open(project);
    const auto note = store->meta("predict.layer.coverage_cal");
    REQUIRE(note);
    CHECK(note->find("calibration=OpA -6.00 dB, OpB +4.00 dB") != std::string::npos);
}

TEST_CASE("bando predict --candidates: households each candidate would cover, from its prediction", "[predict][candidates]")
{
    test::TempDir dir("cand");
    const std::string tif = dir.file("dem.tif"), project = dir.file("p.gpkg"), candCsv = dir.file("cand.csv");
    writeRaster(tif, "GTiff", 106.4, 21.6, 600, 1.0 / 1200, 0.01);
    makeProject(project, 106.5, 21.7, 106.8, 21.95);
    Feedback fb;
    tasks::DemImportRequest dem;
    dem.project = project;
    dem.files = {tif};
    tasks::runTask(dem, fb);
    // Settlements 0.5, 3 and 8 km east of the candidates' position (106.6 E, 21.8 N).
    OGRSpatialReference wgs, work;
    wgs.importFromEPSG(4326);
    wgs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    work.importFromEPSG(9215);
    work.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> fwd(OGRCreateCoordinateTransformation(&wgs, &work));
    std::unique_ptr<OGRCoordinateTransformation> back(OGRCreateCoordinateTransformation(&work, &wgs));
    double sx = 106.6, sy = 21.8;
    REQUIRE(fwd->Transform(1, &sx, &sy));
    {
        auto s = ProjectStore::open(project, ProjectStore::Mode::ReadWrite);
        Layer st;
        st.name = "settlements";
        st.geomType = GeomType::Point;
        st.fields = {{"households", FieldType::Integer, 0, false}};
        const double dist[3] = {500, 3000, 8000};
        const int64_t hh[3] = {100, 50, 30};
        for (int i = 0; i < 3; ++i) {
            double x = sx + dist[i], y = sy;
            REQUIRE(back->Transform(1, &x, &y));
            auto& f = st.addFeature(Geometry::point(x, y));
            st.set(f, "households", hh[i]);
        }
        ProjectStore::Transaction t(*s);
        s->replaceLayer(st);
        t.commit();
    }
    {
        std::ofstream c(candCsv);
        c << "site_id,lon,lat,operator,technology,band_mhz,height_m,eirp_dbm\n"
          << "C1,106.6,21.8,OpA,4G,1800,30,30\nC2,106.6,21.8,OpA,4G,1800,30,45\n";
    }
    const std::string before = slurp(project);
    tasks::PredictRequest req;
    req.project = project;
    req.candidatesFile = candCsv;
    req.model = "fspl";
    req.radiusKm = 10;
    req.resolutionM = 100;
    const auto r = tasks::runTask(req, fb);
    CHECK(r.demandPoints == 3);
    CHECK(r.demandHouseholds == 180);
    REQUIRE(r.candidates.size() == 2);
    // Free space at 1800 MHz, RSRP = EIRP - L - 30.79: C1 (30 dBm) gives -92.3 / -107.9 / -116.4 dBm
    // at 0.5 / 3 / 8 km (good >= -100, weak >= -115); C2 (45 dBm) -77.3 / -92.9 / -101.4.
    CHECK(r.candidates[0].id == "C1");
    CHECK(r.candidates[0].householdsGood == 100);
    CHECK(r.candidates[0].householdsWeak == 50);
    CHECK(r.candidates[0].settlementsGood == 1);
    CHECK(r.candidates[1].householdsGood == 150);
    CHECK(r.candidates[1].householdsWeak == 30);
    CHECK(slurp(project) == before);  // nothing written
    // The project's coverage layer is empty: nothing is already covered, new = gross.
    CHECK(r.coveredBy == "coverage");
    CHECK(r.demandHouseholdsCovered == 0);
    CHECK(r.candidates[1].householdsGoodNew == 150);
    CHECK(r.candidates[1].householdsWeakNew == 30);

    // Existing coverage: good around the 0.5 km settlement (100 households), weak around the
    // 3 km one (50). C1 adds nothing (its good and weak reach are covered already); C2 lifts the
    // 3 km settlement from weak to good (50 new) and reaches the 8 km one (30 new, weak).
    auto square = [&](double cx, double half) {
        return Geometry::polygon({{{cx - half, sy - half}, {cx + half, sy - half}, {cx + half, sy + half},
                                   {cx - half, sy + half}, {cx - half, sy - half}}});
    };
    {
        auto s = ProjectStore::open(project, ProjectStore::Mode::ReadWrite);
        Layer cov = schema::makeLayer("coverage");
        cov.epsg = 9215;
        auto& g = cov.addFeature(square(sx + 500, 400));
        cov.set(g, "operator", std::string("OpB"));
        cov.set(g, "technology", std::string("4G"));
        cov.set(g, "level", std::string("good"));
        auto& w = cov.addFeature(square(sx + 3000, 400));
        cov.set(w, "operator", std::string("OpB"));
        cov.set(w, "technology", std::string("3G"));
        cov.set(w, "level", std::string("weak"));
        ProjectStore::Transaction t(*s);
        s->replaceLayer(cov);
        t.commit();
    }
    auto expectNew = [](const tasks::PredictResult& res) {
        REQUIRE(res.candidates.size() == 2);
        CHECK(res.demandHouseholdsCovered == 100);
        CHECK(res.demandHouseholdsCoveredWeak == 50);
        // Gross unchanged.
        CHECK(res.candidates[0].householdsGood == 100);
        CHECK(res.candidates[0].householdsWeak == 50);
        CHECK(res.candidates[1].householdsGood == 150);
        CHECK(res.candidates[1].householdsWeak == 30);
        CHECK(res.candidates[0].householdsGoodNew == 0);
        CHECK(res.candidates[0].householdsWeakNew == 0);
        CHECK(res.candidates[0].settlementsGoodNew == 0);
        CHECK(res.candidates[1].householdsGoodNew == 50);
        CHECK(res.candidates[1].settlementsGoodNew == 1);
        CHECK(res.candidates[1].householdsWeakNew == 30);
        CHECK(res.candidates[1].settlementsWeakNew == 1);
    };
    const auto rc = tasks::runTask(req, fb);
    CHECK(rc.coveredBy == "coverage");
    expectNew(rc);

    // The same existing coverage predicted from an existing site: C1's twin (OpB, 30 dBm EIRP).
    {
        auto s = ProjectStore::open(project, ProjectStore::Mode::ReadWrite);
        Layer sites = schema::makeLayer("sites");
        sites.epsg = 9215;
        auto& f = sites.addFeature(Geometry::point(sx, sy));
        sites.set(f, "site_id", std::string("E1"));
        sites.set(f, "operator", std::string("OpB"));
        sites.set(f, "technology", std::string("4G"));
        sites.set(f, "band_mhz", int64_t{1800});
        sites.set(f, "height_m", 30.0);
        sites.set(f, "eirp_dbm", 30.0);
        ProjectStore::Transaction t(*s);
        s->replaceLayer(sites);
        t.commit();
    }
    req.coveredBy = "sites";
    const auto rs = tasks::runTask(req, fb);
    CHECK(rs.coveredBy == "sites");
    expectNew(rs);
    req.coveredBy = "none";
    const auto rn = tasks::runTask(req, fb);
    CHECK(rn.demandHouseholdsCovered == 0);
    CHECK(rn.candidates[0].householdsGoodNew == 100);
    req.coveredBy = "no_such_layer";
    CHECK_THROWS_AS(tasks::runTask(req, fb), Error);
    req.coveredBy = "Bad Name";
    CHECK_THROWS_AS(tasks::runTask(req, fb), Error);

    // Calibrated candidates: an existing OpA site E2 (20 dBm EIRP, far from the settlements) and
    // drive-test points around it measured 10 dB below its free-space level. The offset fitted on
    // the project's sites (-10 dB for OpA) is added to the OpA candidates' levels and stated.
    double ex = 106.75, ey = 21.9;
    REQUIRE(fwd->Transform(1, &ex, &ey));
    {
        auto s = ProjectStore::open(project, ProjectStore::Mode::ReadWrite);
        Layer sites = schema::makeLayer("sites");
        sites.epsg = 9215;
        const double xs[2] = {sx, ex}, ys[2] = {sy, ey}, eirp[2] = {30, 20};
        const char* ids[2] = {"E1", "E2"};
        const char* ops[2] = {"OpB", "OpA"};
        for (int i = 0; i < 2; ++i) {
            auto& f = sites.addFeature(Geometry::point(xs[i], ys[i]));
            sites.set(f, "site_id", std::string(ids[i]));
            sites.set(f, "operator", std::string(ops[i]));
            sites.set(f, "technology", std::string("4G"));
            sites.set(f, "band_mhz", int64_t{1800});
            sites.set(f, "height_m", 30.0);
            sites.set(f, "eirp_dbm", eirp[i]);
        }
        ProjectStore::Transaction t(*s);
        s->replaceLayer(sites);
        t.commit();
    }
    const std::string measCsv = dir.file("drive.csv");
    {
        std::ofstream meas(measCsv);
        meas.precision(10);
        meas << "lon,lat,operator,technology,level_dbm,date\n";
        for (double dkm : {2.0, 3.0, 4.0, 5.0})
            for (int dir4 = 0; dir4 < 4; ++dir4) {
                double x = ex + (dir4 == 0 ? 1 : dir4 == 1 ? -1 : 0) * dkm * 1000;
                double y = ey + (dir4 == 2 ? 1 : dir4 == 3 ? -1 : 0) * dkm * 1000;
                const double level = 20 - 10 * std::log10(1200.0) - (32.45 + 20 * std::log10(1800.0) + 20 * std::log10(dkm));
                REQUIRE(back->Transform(1, &x, &y));
                meas << x << "," << y << ",OpA,4G," << level - 10 << ",2024-06-01\n";
            }
    }
    req.coveredBy = "none";
    req.calibrateFile = measCsv;
    const auto rcal = tasks::runTask(req, fb);
    REQUIRE(rcal.calibration);
    REQUIRE(rcal.calibration->operators.size() == 1);
    CHECK(rcal.calibration->operators[0].operatorName == "OpA");
    CHECK(rcal.calibration->operators[0].points == 16);
    // The cell centres are up to 71 m from the points: the fit is -10 dB within a few tenths.
    CHECK(rcal.calibration->operators[0].offsetDb == Approx(-10.0).margin(0.3));
    REQUIRE(rcal.candidates.size() == 2);
    // C1 -10 dB: -102.3 / -117.9 / -126.4 dBm -> the 0.5 km settlement only, weak.
    CHECK(rcal.candidates[0].householdsGood == 0);
    CHECK(rcal.candidates[0].householdsWeak == 100);
    // C2 -10 dB: -87.3 / -102.9 / -111.4 dBm -> good 100, weak 50 + 30.
    CHECK(rcal.candidates[1].householdsGood == 100);
    CHECK(rcal.candidates[1].householdsWeak == 80);
    CHECK(slurp(project) != before);  // (the sites layer was edited above; the run wrote nothing)
    const std::string afterEdit = slurp(project);
    tasks::runTask(req, fb);
    CHECK(slurp(project) == afterEdit);
    // Without existing sites to fit on, --calibrate with --candidates is refused by name.
    req.sites = "no_sites_here";
    CHECK_THROWS_WITH(tasks::runTask(req, fb), Catch::Contains("--calibrate"));
}

TEST_CASE("predict::loadTerrain warps a WGS 84 DEM as GDALAutoCreateWarpedVRTEx does, voids included", "[predict][dem]")
{
    // loadTerrain builds the warped VRT itself for a geographic source clear of the poles and the
    // antimeridian (no pole check, four coordinate-operation searches fewer): the grid, the
    // values and the nodata must be those of GDALAutoCreateWarpedVRTEx, the whole raster and a window.
    test::TempDir dir("dem_warp");
    const std::string tif = dir.file("dem.tif");
    writeRaster(tif, "GTiff", 106.5, 21.5, 241, 1.0 / 1200, 1.0, 100, 90, 12);
    GDALDatasetUniquePtr src(GDALDataset::Open(tif.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    REQUIRE(src);
    OGRSpatialReference work;
    work.importFromEPSG(9215);
    char* wkt = nullptr;
    work.exportToWkt(&wkt);
    std::unique_ptr<char, gdal::CplFree> owned(wkt);
    GDALDatasetUniquePtr ref(GDALDataset::FromHandle(
        GDALAutoCreateWarpedVRTEx(GDALDataset::ToHandle(src.get()), nullptr, wkt, GRA_Bilinear, 0.125, nullptr, nullptr)));
    REQUIRE(ref);
    double gt[6];
    REQUIRE(ref->GetGeoTransform(gt) == CE_None);
    const int cols = ref->GetRasterXSize(), rows = ref->GetRasterYSize();
    std::vector<float> z(static_cast<size_t>(cols) * rows);
    REQUIRE(ref->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, cols, rows, z.data(), cols, rows, GDT_Float32, 0, 0, nullptr) ==
            CE_None);
    int voids = 0;
    auto same = [&](const predict::Terrain& t, int c0, int r0) {
        CHECK(t.originX == gt[0] + c0 * gt[1]);
        CHECK(t.originY == gt[3] + r0 * gt[5]);
        CHECK(t.cellX == gt[1]);
        CHECK(t.cellY == -gt[5]);
        int differ = 0;
        for (int r = 0; r < t.rows; ++r)
            for (int c = 0; c < t.cols; ++c) {
                const float a = t.z[static_cast<size_t>(r) * t.cols + c];
                const float b = z[static_cast<size_t>(r + r0) * cols + c + c0];
                if (b == -32768.f) {
                    ++voids;
                    differ += !std::isnan(a);
                } else {
                    differ += a != b;
                }
            }
        CHECK(differ == 0);
    };
    for (int threads : {1, 2}) {
        const predict::Terrain all = predict::loadTerrain(tif, {}, 9215, "dem.tif", Extent(), threads);
        REQUIRE(all.cols == cols);
        REQUIRE(all.rows == rows);
        same(all, 0, 0);
    }
    CHECK(voids > 2 * 100);  // the 12 x 12 void (about 12 x 12 output pixels) is nodata, twice
    // A window: the pixels covering it, one more around.
    Extent w;
    w.expand(gt[0] + 40.5 * gt[1], gt[3] + 150.5 * gt[5]);
    w.expand(gt[0] + 90.5 * gt[1], gt[3] + 60.5 * gt[5]);
    const predict::Terrain part = predict::loadTerrain(tif, {}, 9215, "dem.tif", w, 2);
    CHECK(part.cols == 90 - 40 + 3);
    CHECK(part.rows == 150 - 60 + 3);
    same(part, 39, 59);
}
