// The sample project's geography, checked through GDAL/OGR directly (not only through our
// store): counts, codes, names, tiling, validity, extent, seats, roads, GeoPackage validity
// and reproducibility.
#include <catch2/catch.hpp>

#include "core/base/resources.hpp"
#include "core/base/text.hpp"
#include "core/capi/gdal.hpp"
#include "core/capi/geos.hpp"
#include "core/sample/geo_util.hpp"
#include "core/sample/sample.hpp"
#include "support/test_support.hpp"

#include <ogr_spatialref.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <set>

using namespace bando;
namespace fs = std::filesystem;

namespace {

struct OgrGeomDel {
    void operator()(OGRGeometry* g) const { OGRGeometryFactory::destroyGeometry(g); }
};
using OgrGeomPtr = std::unique_ptr<OGRGeometry, OgrGeomDel>;

GDALDatasetUniquePtr openSample()
{
    gdal::init();
    REQUIRE(fs::exists(test::samplePath()));
    GDALDatasetUniquePtr ds(GDALDataset::Open(test::samplePath().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    REQUIRE(ds);
    return ds;
}

OGRLayer* layer(GDALDataset& ds, const char* name)
{
    OGRLayer* l = ds.GetLayerByName(name);
    REQUIRE(l != nullptr);
    return l;
}

// Geometries of a layer in EPSG:9215 keyed by the value of `keyField`.
struct Rows {
    std::vector<std::string> key, parent;
    std::vector<OgrGeomPtr> geom;
};

Rows readMetric(OGRLayer* l, const char* keyField, const char* parentField)
{
    OGRSpatialReference dst;
    dst.importFromEPSG(9215);
    dst.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(l->GetSpatialRef(), &dst));
    REQUIRE(ct);
    Rows r;
    l->ResetReading();
    for (auto& f : *l) {
        r.key.push_back(f->GetFieldAsString(keyField));
        r.parent.push_back(parentField ? f->GetFieldAsString(parentField) : "");
        OgrGeomPtr g(f->GetGeometryRef()->clone());
        REQUIRE(g->transform(ct.get()) == OGRERR_NONE);
        r.geom.push_back(std::move(g));
    }
    return r;
}

geos::GeomPtr toGeos(const OGRGeometry* g)
{
    std::vector<unsigned char> wkb(g->WkbSize());
    g->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
    return geos::check(GEOSGeomFromWKB_buf_r(geos::ctx(), wkb.data(), wkb.size()), "fromWKB");
}

double areaOf(const OGRGeometry* g) { return g->toMultiPolygon()->get_Area(); }

// Checks that the children tile each parent: areas add up and the union equals the parent.
void checkTiling(const Rows& parents, const Rows& children, const char* what)
{
    std::map<std::string, std::vector<const OGRGeometry*>> byParent;
    for (size_t i = 0; i < children.key.size(); ++i)
        byParent[children.parent[i]].push_back(children.geom[i].get());
    REQUIRE(byParent.size() == parents.key.size());
    for (size_t p = 0; p < parents.key.size(); ++p) {
        INFO(what << " " << parents.key[p]);
        const auto& kids = byParent[parents.key[p]];
        REQUIRE_FALSE(kids.empty());
        double pa = areaOf(parents.geom[p].get()), sum = 0;
        OGRMultiPolygon u;
        for (const OGRGeometry* k : kids) {
            sum += areaOf(k);
            for (const auto* poly : *k->toMultiPolygon())
                u.addGeometry(poly);
        }
        CHECK(std::fabs(sum - pa) / pa < 1e-4);
        OgrGeomPtr merged(u.UnionCascaded());
        REQUIRE(merged);
        OgrGeomPtr diff(merged->SymDifference(parents.geom[p].get()));
        REQUIRE(diff);
        double da = 0;
        if (!diff->IsEmpty()) {
            OGRwkbGeometryType t = wkbFlatten(diff->getGeometryType());
            if (t == wkbPolygon)
                da = diff->toPolygon()->get_Area();
            else if (t == wkbMultiPolygon)
                da = diff->toMultiPolygon()->get_Area();
            else if (t == wkbGeometryCollection)
                da = diff->toGeometryCollection()->get_Area();
        }
        CHECK(da < pa * 1e-7);
        geos::GeomPtr parentGeos = toGeos(parents.geom[p].get());
        // every child lies inside its parent: its interior point is within the parent
        for (const OGRGeometry* k : kids) {
            geos::GeomPtr gk = toGeos(k);
            geos::GeomPtr pt = geos::check(GEOSPointOnSurface_r(geos::ctx(), gk.get()), "PointOnSurface");
            CHECK(GEOSWithin_r(geos::ctx(), pt.get(), parentGeos.get()) == 1);
        }
    }
}

std::string python3()
{
    if (fs::exists("/usr/bin/python3"))
        return "/usr/bin/python3";
    return "python3";
}

} // namespace

TEST_CASE("sample: administrative units and villages have the expected counts and households", "[sample][geo]")
{
    auto ds = openSample();
    CHECK(layer(*ds, "districts")->GetFeatureCount() == 11);
    CHECK(layer(*ds, "communes")->GetFeatureCount() == 200);
    OGRLayer* v = layer(*ds, "villages");
    const auto nv = v->GetFeatureCount();
    CHECK(nv >= 1650);
    CHECK(nv <= 1760);
    int64_t households = 0, population = 0;
    std::map<std::string, int> perCommune;
    std::set<std::string> codes;
    v->ResetReading();
    for (auto& f : *v) {
        households += f->GetFieldAsInteger64("households");
        population += f->GetFieldAsInteger64("population");
        CHECK(f->GetFieldAsInteger64("households") > 0);
        perCommune[f->GetFieldAsString("commune_code")]++;
        std::string code = f->GetFieldAsString("code");
        // village code = commune code + 3-digit sequence
        CHECK(code.size() == 8);
        CHECK(code.substr(0, 5) == f->GetFieldAsString("commune_code"));
        codes.insert(code);
    }
    CHECK(codes.size() == static_cast<size_t>(nv));
    CHECK(households >= 195000);
    CHECK(households <= 205000);
    CHECK(static_cast<double>(population) / households == Approx(3.9).margin(0.15));
    CHECK(perCommune.size() == 200);
    // Bắc Sơn: ~148 villages
    int bacSon = 0;
    v->ResetReading();
    for (auto& f : *v)
        bacSon += std::string(f->GetFieldAsString("district_code")) == "185";
    CHECK(bacSon >= 140);
    CHECK(bacSon <= 156);
}

TEST_CASE("sample: district households follow the 2019 populations", "[sample][geo]")
{
    auto ds = openSample();
    auto t = sample::geo::CsvTable::read(resourcePath("domain/districts.csv"));
    std::map<std::string, double> pop;
    double total = 0;
    for (size_t r = 0; r < t.rows(); ++r) {
        pop[t.at(r, "district_code")] = t.number(r, "population_2019");
        total += t.number(r, "population_2019");
    }
    OGRLayer* d = layer(*ds, "districts");
    double hh = 0;
    d->ResetReading();
    for (auto& f : *d)
        hh += f->GetFieldAsDouble("households");
    d->ResetReading();
    for (auto& f : *d) {
        INFO(f->GetFieldAsString("code"));
        double share = f->GetFieldAsDouble("households") / hh;
        CHECK(share == Approx(pop[f->GetFieldAsString("code")] / total).margin(0.002));
    }
}

TEST_CASE("sample: codes are text with leading zeros and names are NFC", "[sample][geo]")
{
    auto ds = openSample();
    OGRLayer* c = layer(*ds, "communes");
    int codeIdx = c->GetLayerDefn()->GetFieldIndex("code");
    REQUIRE(codeIdx >= 0);
    CHECK(c->GetLayerDefn()->GetFieldDefn(codeIdx)->GetType() == OFTString);
    std::set<std::string> codes;
    c->ResetReading();
    for (auto& f : *c)
        codes.insert(f->GetFieldAsString("code"));
    CHECK(codes.count("05971"));
    CHECK(codes.count("06613"));
    CHECK(codes.size() == 200);
    for (const char* name : {"districts", "communes", "villages", "places", "roads"}) {
        OGRLayer* l = layer(*ds, name);
        int idx = l->GetLayerDefn()->GetFieldIndex("name");
        REQUIRE(idx >= 0);
        l->ResetReading();
        for (auto& f : *l) {
            std::string n = f->GetFieldAsString(idx);
            INFO(name << ": " << n);
            CHECK_FALSE(n.empty());
            CHECK(text::isNfc(n));
        }
    }
    // village names unique within their commune, with a Thôn/Bản/Khối prefix
    OGRLayer* v = layer(*ds, "villages");
    std::set<std::string> seen;
    v->ResetReading();
    for (auto& f : *v) {
        std::string n = f->GetFieldAsString("name");
        CHECK(seen.insert(std::string(f->GetFieldAsString("commune_code")) + "|" + n).second);
        CHECK((n.rfind("Thôn ", 0) == 0 || n.rfind("Bản ", 0) == 0 || n.rfind("Khối ", 0) == 0));
    }
}

TEST_CASE("sample: villages tile communes, communes tile districts, all valid", "[sample][geo]")
{
    auto ds = openSample();
    Rows d = readMetric(layer(*ds, "districts"), "code", nullptr);
    Rows c = readMetric(layer(*ds, "communes"), "code", "district_code");
    Rows v = readMetric(layer(*ds, "villages"), "code", "commune_code");
    for (const Rows* rows : {&d, &c, &v})
        for (size_t i = 0; i < rows->geom.size(); ++i) {
            INFO(rows->key[i]);
            CHECK(rows->geom[i]->IsValid());
        }
    checkTiling(c, v, "commune");
    checkTiling(d, c, "district");
}

TEST_CASE("sample: everything lies inside the province bbox", "[sample][geo]")
{
    auto ds = openSample();
    // every spatial layer, including the modelled coverage (clipped to the province)
    for (const char* name : {"districts", "communes", "villages", "roads", "places", "settlements", "sites",
                             "coverage", "broadband_nodes", "fibre", "shops"}) {
        OGRLayer* l = layer(*ds, name);
        REQUIRE(l->GetFeatureCount() > 0);
        OGREnvelope e;
        REQUIRE(l->GetExtent(&e, TRUE) == OGRERR_NONE);
        INFO(l->GetName());
        CHECK(e.MinX >= 106.09);
        CHECK(e.MaxX <= 107.37);
        CHECK(e.MinY >= 21.32);
        CHECK(e.MaxY <= 22.47);
    }
}

TEST_CASE("sample: district seats at their real coordinates, national roads through them", "[sample][geo]")
{
    auto ds = openSample();
    auto t = sample::geo::CsvTable::read(resourcePath("domain/districts.csv"));
    std::map<std::string, OGRPoint> seat;
    for (size_t r = 0; r < t.rows(); ++r)
        seat[t.at(r, "district_code")] = OGRPoint(t.number(r, "seat_lon"), t.number(r, "seat_lat"));
    OGRLayer* p = layer(*ds, "places");
    int found = 0, communeSeats = 0;
    p->ResetReading();
    for (auto& f : *p) {
        std::string kind = f->GetFieldAsString("kind");
        if (kind == "commune_seat")
            ++communeSeats;
        if (kind != "district_seat")
            continue;
        const OGRPoint* pt = f->GetGeometryRef()->toPoint();
        const OGRPoint& want = seat.at(f->GetFieldAsString("code"));
        CHECK(std::fabs(pt->getX() - want.getX()) < 1e-6);
        CHECK(std::fabs(pt->getY() - want.getY()) < 1e-6);
        ++found;
    }
    CHECK(found == 11);
    CHECK(communeSeats == 200);
    CHECK(p->GetFeatureCount() >= 211);

    std::map<std::string, OgrGeomPtr> roads;
    OGRLayer* r = layer(*ds, "roads");
    r->ResetReading();
    for (auto& f : *r)
        if (std::string(f->GetFieldAsString("class")) == "national")
            roads[f->GetFieldAsString("ref")] = OgrGeomPtr(f->GetGeometryRef()->clone());
    const std::map<std::string, std::vector<std::string>> through = {
        {"QL1A", {"186", "187", "178"}}, {"QL1B", {"184", "181", "185"}}, {"QL4A", {"178", "182", "180"}},
        {"QL4B", {"178", "188", "189"}}, {"QL31", {"189"}},               {"QL279", {"187", "184", "181"}},
        {"QL3B", {"180"}}};
    for (const auto& [ref, seats] : through) {
        INFO(ref);
        REQUIRE(roads.count(ref));
        for (const auto& code : seats)
            CHECK(roads[ref]->Distance(&seat.at(code)) < 1e-7);  // degrees: < 1 cm
    }
}

TEST_CASE("sample: metadata says what is real and what is synthetic", "[sample][geo]")
{
    auto ds = openSample();
    OGRLayer* m = layer(*ds, "bando_meta");
    std::map<std::string, std::string> meta;
    m->ResetReading();
    for (auto& f : *m)
        meta[f->GetFieldAsString("key")] = f->GetFieldAsString("value");
    CHECK(meta["synthetic_geometry"] == "true");
    CHECK(meta["synthetic_note"].find("synthetic") != std::string::npos);
    // issue #8: what is real and what is synthetic, said exactly
    CHECK(meta["real_data"].find("province and district outlines") != std::string::npos);
    CHECK(meta["real_data"].find("GSO codes") != std::string::npos);
    CHECK(meta["real_data"].find("populations") != std::string::npos);
    CHECK(meta["synthetic_data"].find("commune and village boundaries") != std::string::npos);
    for (const char* synthetic : {"village", "terrain", "roads", "telecom", "shops"}) {
        INFO(synthetic);
        CHECK(meta["synthetic_data"].find(synthetic) != std::string::npos);
        CHECK(meta["real_data"].find(synthetic) == std::string::npos);
    }
    CHECK(meta["outline_source"].find("GPL-3.0") != std::string::npos);
    CHECK(meta["province_code"] == "20");
    CHECK(meta["province_name"] == "Lạng Sơn");
    CHECK(meta["seed"] == "20210720");
    CHECK_FALSE(meta["generator"].empty());
}

TEST_CASE("sample: the file passes GDAL's GeoPackage validator", "[sample][geo]")
{
    auto probe = test::run(python3() + " -c 'import osgeo_utils.samples.validate_gpkg'");
    if (probe.exitCode != 0) {
        BANDO_SKIP("osgeo_utils.samples.validate_gpkg is not installed: GeoPackage validation not run");
    }
    auto r = test::run(python3() + " -m osgeo_utils.samples.validate_gpkg " + test::shellQuote(test::samplePath()));
    INFO(r.out << r.err);
    CHECK(r.exitCode == 0);
}

TEST_CASE("sample: the same seed gives a byte-identical file, another seed a different one", "[sample][geo]")
{
    // In-process (geography + writer) so the test stays fast; the CLI path is the fixture's.
    test::TempDir dir("sample-det");
    const std::string a = dir.file("a.gpkg"), b = dir.file("b.gpkg"), c = dir.file("c.gpkg");
    auto make = [](const std::string& path, uint64_t seed) {
        sample::Options opt;
        opt.seed = seed;
        sample::SampleData data;
        sample::generateGeography(data, opt, nullptr);
        sample::writeSample(data, path, nullptr);
    };
    make(a, 7);
    make(b, 7);
    make(c, 8);
    const std::string bytesA = test::readFile(a);
    CHECK(bytesA.size() > 100000);
    CHECK(bytesA == test::readFile(b));
    CHECK(bytesA != test::readFile(c));
}

TEST_CASE("sample: an existing file is not overwritten without --force", "[sample][geo]")
{
    test::TempDir dir("sample-force");
    const std::string a = dir.file("a.gpkg");
    {
        std::FILE* f = std::fopen(a.c_str(), "wb");
        REQUIRE(f);
        std::fputs("not a project", f);
        std::fclose(f);
    }
    auto r = test::run(test::shellQuote(test::cliPath()) + " sample --out " + test::shellQuote(a));
    CHECK(r.exitCode == 3);
    CHECK(r.err.find("--force") != std::string::npos);
    CHECK(test::readFile(a) == "not a project");
    auto u = test::run(test::shellQuote(test::cliPath()) + " sample --out " + test::shellQuote(a) + " --seed x --force");
    CHECK(u.exitCode == 2);
    CHECK(test::readFile(a) == "not a project");
}
