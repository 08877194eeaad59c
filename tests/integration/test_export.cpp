// Export round trips: project layer -> GeoPackage / Shapefile / KML / KMZ / GeoJSON / CSV ->
// import gives the same features and attributes (codes stay text with their leading zeros); every
// exported file is also read back with plain GDAL (the OGR C API and the ogrinfo program).
#include <catch2/catch.hpp>

#include "core/base/error.hpp"
#include "core/io/exporter.hpp"
#include "core/io/importer.hpp"
#include "core/model/schema.hpp"
#include "core/store/project_store.hpp"
#include "support/test_support.hpp"

#include <gdal.h>
#include <gdal_priv.h>
#include <ogr_feature.h>
#include <ogr_api.h>

#include <filesystem>
#include <map>
#include <memory>

namespace fs = std::filesystem;
using namespace bando;
using namespace bando::io;

namespace {

Layer sampleVillages()
{
    Layer v = schema::makeLayer("villages");
    auto add = [&](const char* code, const char* name, const char* commune, int64_t hh, double x, double y) {
        Ring r{{x, y}, {x + 0.01, y}, {x + 0.01, y + 0.008}, {x, y + 0.008}, {x, y}};
        Feature& f = v.addFeature(Geometry::polygon({r}));
        f.geom.type = GeomType::MultiPolygon;
        v.set(f, "code", std::string(code));
        v.set(f, "name", std::string(name));
        v.set(f, "commune_code", std::string(commune));
        v.set(f, "district_code", std::string("178"));
        v.set(f, "households", hh);
    };
    add("0597701", "Khối Lạng Sơn", "05977", 312, 106.755, 21.848);
    add("0604003", "Thôn Nà Pài", "06040", 87, 106.62, 21.66);
    add("0611205", "Bản Đồng Đăng", "06112", 140, 106.70, 21.95);
    return v;
}

std::string makeProjectWith(const std::string& path, const Layer& l)
{
    auto s = ProjectStore::create(path);
    {
        ProjectStore::Transaction t(*s);
        s->replaceLayer(l);
        t.commit();
    }
    s->close();
    return path;
}

void checkSame(const Layer& a, const Layer& b, double tol)
{
    REQUIRE(a.features.size() == b.features.size());
    for (size_t i = 0; i < a.features.size(); ++i) {
        INFO("feature " << i);
        for (const char* f : {"code", "name", "commune_code", "district_code"})
            CHECK(a.text(a.features[i], f) == b.text(b.features[i], f));
        CHECK(a.integer(a.features[i], "households") == b.integer(b.features[i], "households"));
        const auto& ra = a.features[i].geom.parts.at(0).at(0);
        const auto& rb = b.features[i].geom.parts.at(0).at(0);
        REQUIRE(rb.size() == ra.size());
        // Same ring up to orientation/start: compare extents and area.
        CHECK(area(a.features[i].geom) == Approx(area(b.features[i].geom)).epsilon(1e-6));
        Extent ea = a.features[i].geom.extent(), eb = b.features[i].geom.extent();
        CHECK(ea.minX == Approx(eb.minX).margin(tol));
        CHECK(ea.minY == Approx(eb.minY).margin(tol));
        CHECK(ea.maxX == Approx(eb.maxX).margin(tol));
        CHECK(ea.maxY == Approx(eb.maxY).margin(tol));
    }
}

// Reads an exported file back with the plain OGR C API (not Bando's importer): the layer holds
// the three villages, their codes as text with the leading zeros, and their names.
void checkWithOgr(const std::string& path, const Layer& original)
{
    INFO("OGR C API on " << path);
    GDALAllRegister();
    GDALDatasetUniquePtr ds(GDALDataset::FromHandle(
        GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr)));
    REQUIRE(ds);
    REQUIRE(GDALDatasetGetLayerCount(GDALDataset::ToHandle(ds.get())) >= 1);
    OGRLayerH layer = GDALDatasetGetLayer(GDALDataset::ToHandle(ds.get()), 0);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    const int iCode = OGR_FD_GetFieldIndex(defn, "code"), iName = OGR_FD_GetFieldIndex(defn, "name");
    REQUIRE(iCode >= 0);
    REQUIRE(iName >= 0);
    CHECK(OGR_Fld_GetType(OGR_FD_GetFieldDefn(defn, iCode)) == OFTString);
    std::map<std::string, std::string> read;  // code -> name
    int withGeometry = 0;
    OGR_L_ResetReading(layer);
    while (OGRFeatureUniquePtr owned{OGRFeature::FromHandle(OGR_L_GetNextFeature(layer))}) {
        OGRFeatureH f = OGRFeature::ToHandle(owned.get());
        read[OGR_F_GetFieldAsString(f, iCode)] = OGR_F_GetFieldAsString(f, iName);
        withGeometry += OGR_F_GetGeometryRef(f) != nullptr || OGR_FD_GetGeomFieldCount(defn) == 0;
    }
    std::map<std::string, std::string> expected;
    for (const auto& f : original.features)
        expected[original.text(f, "code")] = original.text(f, "name");
    CHECK(read == expected);
    if (OGR_FD_GetGeomFieldCount(defn) > 0)
        CHECK(withGeometry == 3);
}

// The same file through the `ogrinfo` program of gdal-bin (a prerequisite of the tests).
void checkWithOgrinfo(const std::string& path)
{
    INFO("ogrinfo on " << path);
    auto summary = test::run("ogrinfo -ro -al -so " + test::shellQuote(path));
    INFO(summary.err);
    REQUIRE(summary.exitCode == 0);
    CHECK(summary.out.find("Feature Count: 3") != std::string::npos);
    auto all = test::run("ogrinfo -ro -al " + test::shellQuote(path));
    REQUIRE(all.exitCode == 0);
    CHECK(all.out.find("0604003") != std::string::npos);
    CHECK(all.out.find("Thôn Nà Pài") != std::string::npos);
}

} // namespace

TEST_CASE("Export -> import round trips keep features and attributes", "[export][roundtrip]")
{
    test::TempDir dir("exp-rt");
    const Layer original = sampleVillages();
    const std::string project = makeProjectWith(dir.file("src.gpkg"), original);
    struct Case {
        ExportFormat format;
        int epsg;
        const char* file;
        double tol;
    };
    for (const Case& c : {Case{ExportFormat::GeoPackage, 4326, "v.gpkg", 1e-9}, Case{ExportFormat::Shapefile, 4326, "v.shp", 1e-9},
                          Case{ExportFormat::Shapefile, 9215, "v9215.shp", 1e-7}, Case{ExportFormat::GeoJson, 4326, "v.geojson", 1e-9},
                          Case{ExportFormat::Kml, 4326, "v.kml", 1e-9}, Case{ExportFormat::Kmz, 4326, "v.kmz", 1e-9},
                          Case{ExportFormat::Csv, 4326, "v.csv", 1e-9}, Case{ExportFormat::Csv, 3405, "v3405.csv", 1e-7}}) {
        DYNAMIC_SECTION(c.file)
        {
            ExportOptions eo;
            eo.format = c.format;
            eo.epsg = c.epsg;
            auto er = exportLayer(project, "villages", dir.file(c.file), eo);
            CHECK(er.features == 3);
            if (c.format == ExportFormat::Shapefile) {
                const auto cpg = fs::path(dir.file(c.file)).replace_extension(".cpg");
                REQUIRE(fs::exists(cpg));
                CHECK(test::readFile(cpg.string()).find("UTF-8") != std::string::npos);
            }
            checkWithOgr(dir.file(c.file), original);
            checkWithOgrinfo(dir.file(c.file));
            const std::string back = dir.file(std::string("back-") + c.file + ".gpkg");
            { auto s = ProjectStore::create(back); }
            ImportOptions io;
            io.targetLayer = "villages";
            if (c.format == ExportFormat::Csv && c.epsg != 4326)
                io.source.epsg = c.epsg;
            auto r = importFile(back, dir.file(c.file), io);
            CHECK(r.stats.written == 3);
            CHECK(r.stats.repaired == 0);
            CHECK_FALSE(r.source.epsgGuessed);
            auto s = ProjectStore::open(back);
            checkSame(original, s->readLayer("villages"), c.tol);
        }
    }
}

TEST_CASE("Export refuses to overwrite, KML outside WGS 84 and deprecated VN-2000 codes", "[export]")
{
    test::TempDir dir("exp-bad");
    const std::string project = makeProjectWith(dir.file("src.gpkg"), sampleVillages());
    ExportOptions eo;
    eo.format = ExportFormat::GeoJson;
    exportLayer(project, "villages", dir.file("a.geojson"), eo);
    CHECK_THROWS_WITH(exportLayer(project, "villages", dir.file("a.geojson"), eo), Catch::Contains("already exists"));
    eo.overwrite = true;
    CHECK(exportLayer(project, "villages", dir.file("a.geojson"), eo).features == 3);
    eo.format = ExportFormat::Kml;
    eo.epsg = 9215;
    CHECK_THROWS_WITH(exportLayer(project, "villages", dir.file("a.kml"), eo), Catch::Contains("WGS 84"));
    eo.format = ExportFormat::Shapefile;
    eo.epsg = 6957;
    CHECK_THROWS_WITH(exportLayer(project, "villages", dir.file("a.shp"), eo), Catch::Contains("deprecated"));
    CHECK_FALSE(fs::exists(dir.file("a.shp")));
}

TEST_CASE("bando export and bando import on the command line", "[export][cli]")
{
    test::TempDir dir("exp-cli");
    const std::string project = makeProjectWith(dir.file("src.gpkg"), sampleVillages());
    const std::string q = test::shellQuote(test::cliPath());
    auto r = test::run(q + " export " + test::shellQuote(project) + " --layer villages --crs 107-15 --out " +
                       test::shellQuote(dir.file("v.shp")));
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    CHECK(r.out.find("3") != std::string::npos);
    CHECK(fs::exists(dir.file("v.prj")));
    { auto s = ProjectStore::create(dir.file("back.gpkg")); }
    r = test::run(q + " import " + test::shellQuote(dir.file("back.gpkg")) + " " + test::shellQuote(dir.file("v.shp")) +
                  " --layer villages");
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    CHECK(r.out.find("3") != std::string::npos);
    {
        auto s = ProjectStore::open(dir.file("back.gpkg"));
        Layer v = s->readLayer("villages");
        REQUIRE(v.features.size() == 3);
        CHECK(v.text(v.features[1], "name") == "Thôn Nà Pài");
        CHECK(v.text(v.features[1], "commune_code") == "06040");
    }
    // A bad file: exit code 4 and the file named on stderr.
    test::run("printf 'code,name,lon,lat\\n1,a,106.7,21.8\\n1,b,106.7,21.8\\n' > " + test::shellQuote(dir.file("dup.csv")));
    r = test::run(q + " import " + test::shellQuote(dir.file("back.gpkg")) + " " + test::shellQuote(dir.file("dup.csv")) +
                  " --layer places");
    CHECK(r.exitCode == 4);
    CHECK(r.err.find("dup.csv: dòng 2, trường 'code'") != std::string::npos);  // Vietnamese by default
    // Usage errors: exit code 2.
    r = test::run(q + " import " + test::shellQuote(dir.file("back.gpkg")) + " " + test::shellQuote(dir.file("dup.csv")) +
                  " --layer places --encoding klingon");
    CHECK(r.exitCode == 2);
}
