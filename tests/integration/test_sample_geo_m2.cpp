// The sample's geography, issue #3 level: province outline, district areas, seats, the city
// inside Cao Lộc, terrain (DEM raster in the project), road network, settlements. Issue #8: the
// districts are the real outlines Bando ships (gisdata/lang-son), compared here with the shipped
// files through resourcePath/gisdataPath, never with ../shared.
#include <catch2/catch.hpp>

#include "core/base/resources.hpp"
#include "core/capi/gdal.hpp"
#include "core/capi/geos.hpp"
#include "core/sample/geo_util.hpp"
#include "support/test_support.hpp"

#include <ogr_spatialref.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <numeric>
#include <set>

using namespace bando;
namespace fs = std::filesystem;

namespace {

struct OgrGeomDel {
    void operator()(OGRGeometry* g) const { OGRGeometryFactory::destroyGeometry(g); }
};
using OgrGeomPtr = std::unique_ptr<OGRGeometry, OgrGeomDel>;

GDALDatasetUniquePtr openSample(unsigned kind = GDAL_OF_VECTOR)
{
    gdal::init();
    REQUIRE(fs::exists(test::samplePath()));
    GDALDatasetUniquePtr ds(GDALDataset::Open(test::samplePath().c_str(), kind | GDAL_OF_READONLY));
    REQUIRE(ds);
    return ds;
}

std::unique_ptr<OGRCoordinateTransformation> toMetric(const OGRSpatialReference* src)
{
    OGRSpatialReference dst;
    dst.importFromEPSG(9215);
    dst.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    OGRSpatialReference wgs;
    wgs.importFromEPSG(4326);
    wgs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(src ? src : &wgs, &dst));
    REQUIRE(ct);
    return ct;
}

// Features of a layer in EPSG:9215 keyed by a field.
std::map<std::string, OgrGeomPtr> metricByKey(GDALDataset& ds, const char* layer, const char* key)
{
    OGRLayer* l = ds.GetLayerByName(layer);
    REQUIRE(l);
    auto ct = toMetric(l->GetSpatialRef());
    std::map<std::string, OgrGeomPtr> out;
    l->ResetReading();
    for (auto& f : *l) {
        OgrGeomPtr g(f->GetGeometryRef()->clone());
        REQUIRE(g->transform(ct.get()) == OGRERR_NONE);
        out[f->GetFieldAsString(key)] = std::move(g);
    }
    return out;
}

OGRPoint metricPoint(double lon, double lat)
{
    auto ct = toMetric(nullptr);
    double x = lon, y = lat;
    REQUIRE(ct->Transform(1, &x, &y));
    return OGRPoint(x, y);
}

double polyArea(const OGRGeometry* g)
{
    switch (wkbFlatten(g->getGeometryType())) {
    case wkbPolygon: return g->toPolygon()->get_Area();
    case wkbMultiPolygon: return g->toMultiPolygon()->get_Area();
    case wkbGeometryCollection: return g->toGeometryCollection()->get_Area();
    default: return 0;
    }
}

OgrGeomPtr provinceOf(const std::map<std::string, OgrGeomPtr>& districts)
{
    OGRMultiPolygon all;
    for (const auto& [k, g] : districts)
        for (const auto* p : *g->toMultiPolygon())
            all.addGeometry(p);
    OgrGeomPtr u(all.UnionCascaded());
    REQUIRE(u);
    return u;
}

struct Dem {
    int cols = 0, rows = 0;
    double gt[6] = {};
    std::vector<float> z;
    double noData = 0;
    double at(double x, double y) const
    {
        int c = static_cast<int>((x - gt[0]) / gt[1]), r = static_cast<int>((y - gt[3]) / gt[5]);
        if (c < 0 || r < 0 || c >= cols || r >= rows)
            return noData;
        return z[static_cast<size_t>(r) * cols + c];
    }
};

Dem readDem()
{
    gdal::init();
    std::string name = "GPKG:" + test::samplePath() + ":dem";
    GDALDatasetUniquePtr ds(GDALDataset::Open(name.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    REQUIRE(ds);
    Dem d;
    d.cols = ds->GetRasterXSize();
    d.rows = ds->GetRasterYSize();
    REQUIRE(ds->GetGeoTransform(d.gt) == CE_None);
    const OGRSpatialReference* srs = ds->GetSpatialRef();
    REQUIRE(srs);
    CHECK(std::string(srs->GetAuthorityCode(nullptr)) == "9215");
    GDALRasterBand* b = ds->GetRasterBand(1);
    CHECK(b->GetRasterDataType() == GDT_Float32);
    int has = 0;
    d.noData = b->GetNoDataValue(&has);
    d.z.resize(static_cast<size_t>(d.cols) * d.rows);
    REQUIRE(b->RasterIO(GF_Read, 0, 0, d.cols, d.rows, d.z.data(), d.cols, d.rows, GDT_Float32, 0, 0, nullptr) ==
            CE_None);
    return d;
}

// The shipped features of a gisdata GeoJSON in EPSG:9215, keyed by `key` ("" for the only one).
std::map<std::string, OgrGeomPtr> shippedByKey(const std::string& relative, const char* key)
{
    gdal::init();
    const std::string path = gisdataPath(relative);
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    REQUIRE(ds);
    OGRLayer* l = ds->GetLayer(0);
    auto ct = toMetric(l->GetSpatialRef());
    std::map<std::string, OgrGeomPtr> out;
    l->ResetReading();
    for (auto& f : *l) {
        OgrGeomPtr g(f->GetGeometryRef()->clone());
        REQUIRE(g->transform(ct.get()) == OGRERR_NONE);
        out[*key ? f->GetFieldAsString(key) : ""] = std::move(g);
    }
    return out;
}

double iou(const OGRGeometry* a, const OGRGeometry* b)
{
    OgrGeomPtr inter(a->Intersection(b)), uni(a->Union(b));
    REQUIRE(inter);
    REQUIRE(uni);
    return polyArea(inter.get()) / polyArea(uni.get());
}

} // namespace

TEST_CASE("sample outline: the real province, one piece, its real extent", "[sample][geo2]")
{
    auto ds = openSample();
    auto districts = metricByKey(*ds, "districts", "code");
    REQUIRE(districts.size() == 11);
    auto prov = provinceOf(districts);
    // The real outline: 8,331.6 km² in UTM 48N (gisdata/README.md), 8,331.7 km² in the TM-3
    // working CRS; the official figure is 8,310.18 km².
    const double area = polyArea(prov.get()) / 1e6;
    CHECK(area == Approx(8331.7).epsilon(0.0005));
    CHECK(area == Approx(8310.18).epsilon(0.006));
    // the outline is one piece without holes
    REQUIRE(wkbFlatten(prov->getGeometryType()) == wkbPolygon);
    CHECK(prov->toPolygon()->getNumInteriorRings() == 0);
    // a long irregular line: much longer than its convex hull
    OgrGeomPtr hull(prov->ConvexHull());
    const double perim = prov->toPolygon()->getExteriorRing()->get_Length();
    CHECK(perim > 1.3 * hull->toPolygon()->getExteriorRing()->get_Length());
    // the province's real extent (gisdata/README.md): 106.0949-107.3640 E, 21.3252-22.4599 N
    OGREnvelope e;
    OGRLayer* l = ds->GetLayerByName("districts");
    REQUIRE(l->GetExtent(&e, TRUE) == OGRERR_NONE);
    CHECK(e.MinX == Approx(106.0949).margin(2e-4));
    CHECK(e.MaxX == Approx(107.3640).margin(2e-4));
    CHECK(e.MinY == Approx(21.3252).margin(2e-4));
    CHECK(e.MaxY == Approx(22.4599).margin(2e-4));
}

TEST_CASE("sample districts equal the shipped real outlines (IoU >= 0.999), the province too", "[sample][geo2]")
{
    auto ds = openSample();
    auto districts = metricByKey(*ds, "districts", "code");
    auto shipped = shippedByKey("lang-son/districts.geojson", "district_code");
    REQUIRE(shipped.size() == 11);
    REQUIRE(districts.size() == 11);
    for (const auto& [code, g] : shipped) {
        INFO("district " << code);
        REQUIRE(districts.count(code));
        const double v = iou(districts[code].get(), g.get());
        CHECK(v >= 0.999);
        CHECK(v <= 1.0 + 1e-9);
        // as many parts as the real one (Cao Lộc is two)
        CHECK(districts[code]->toMultiPolygon()->getNumGeometries() == g->toMultiPolygon()->getNumGeometries());
    }
    auto prov = provinceOf(districts);
    auto shippedProv = shippedByKey("lang-son/province.geojson", "");
    REQUIRE(shippedProv.size() == 1);
    CHECK(iou(prov.get(), shippedProv.begin()->second.get()) >= 0.999);
}

TEST_CASE("sample: the China border lies on the province's real outline", "[sample][geo2]")
{
    auto ds = openSample();
    auto prov = provinceOf(metricByKey(*ds, "districts", "code"));
    OgrGeomPtr boundary(prov->Boundary());
    auto border = shippedByKey("lang-son/china_border_segment.geojson", "");
    REQUIRE(border.size() == 1);
    const OGRGeometry* g = border.begin()->second.get();
    std::vector<OGRLineString*> lines;
    if (wkbFlatten(g->getGeometryType()) == wkbLineString)
        lines.push_back(const_cast<OGRGeometry*>(g)->toLineString());
    else
        for (auto* ls : *const_cast<OGRGeometry*>(g)->toMultiLineString())
            lines.push_back(ls);
    std::vector<double> d;
    double length = 0;
    for (auto* ls : lines) {
        length += ls->get_Length();
        for (int i = 0; i < ls->getNumPoints(); i += 3) {
            OGRPoint p(ls->getX(i), ls->getY(i));
            d.push_back(p.Distance(boundary.get()));
        }
    }
    CHECK(length / 1000 == Approx(220.3).epsilon(0.01));
    REQUIRE(d.size() > 100);
    std::sort(d.begin(), d.end());
    CHECK(d[d.size() / 2] < 0.5);  // metres: the border's vertices are the outline's
    CHECK(d.back() < 5.0);
}

TEST_CASE("sample districts: real areas within 5 % of the official ones, seats inside", "[sample][geo2]")
{
    auto ds = openSample();
    auto districts = metricByKey(*ds, "districts", "code");
    auto t = sample::geo::CsvTable::read(resourcePath("domain/districts.csv"));
    REQUIRE(t.rows() == 11);
    for (size_t r = 0; r < t.rows(); ++r) {
        const std::string code = t.at(r, "district_code");
        INFO("district " << code);
        REQUIRE(districts.count(code));
        const OGRGeometry* g = districts[code].get();
        CHECK(polyArea(g) / 1e6 == Approx(t.number(r, "area_km2_official")).epsilon(0.05));
        OGRPoint seat = metricPoint(t.number(r, "seat_lon"), t.number(r, "seat_lat"));
        CHECK(seat.Within(g));
        // one piece each, but Cao Lộc, which really is two
        CHECK(g->toMultiPolygon()->getNumGeometries() == (code == "183" ? 2 : 1));
    }
}

TEST_CASE("sample: the city is small and nearly enclosed by Cao Lộc", "[sample][geo2]")
{
    auto ds = openSample();
    auto districts = metricByKey(*ds, "districts", "code");
    const OGRGeometry* city = districts.at("178").get();
    CHECK(polyArea(city) / 1e6 < 100);
    OgrGeomPtr cityEdge(city->Boundary());
    OgrGeomPtr caoLocEdge(districts.at("183")->Boundary());
    OgrGeomPtr shared(cityEdge->Intersection(caoLocEdge.get()));
    REQUIRE(shared);
    double sharedLen = 0;
    if (auto t = wkbFlatten(shared->getGeometryType()); t == wkbLineString)
        sharedLen = shared->toLineString()->get_Length();
    else if (t == wkbMultiLineString)
        sharedLen = shared->toMultiLineString()->get_Length();
    else if (t == wkbGeometryCollection)
        for (auto* g : *shared->toGeometryCollection())
            if (wkbFlatten(g->getGeometryType()) == wkbLineString)
                sharedLen += g->toLineString()->get_Length();
    const double cityLen = cityEdge->toMultiLineString() ? cityEdge->toMultiLineString()->get_Length() : 0;
    REQUIRE(cityLen > 0);
    CHECK(sharedLen / cityLen > 0.75);
}

TEST_CASE("sample terrain: a DEM raster in the project, karst heights and Mẫu Sơn", "[sample][geo2][dem]")
{
    Dem dem = readDem();
    CHECK(dem.gt[1] <= 90.0 + 1e-9);
    CHECK(-dem.gt[5] <= 90.0 + 1e-9);
    CHECK(static_cast<double>(dem.cols) * dem.gt[1] > 120000);
    auto ds = openSample();
    auto prov = provinceOf(metricByKey(*ds, "districts", "code"));
    // heights inside the province: every 13th cell
    double lo = 1e9, hi = -1e9, sum = 0;
    size_t n = 0;
    OGREnvelope env;
    prov->getEnvelope(&env);
    std::unique_ptr<OGRGeometry, OgrGeomDel> simple(prov->SimplifyPreserveTopology(500));
    for (int r = 0; r < dem.rows; r += 13)
        for (int c = 0; c < dem.cols; c += 13) {
            double x = dem.gt[0] + (c + 0.5) * dem.gt[1], y = dem.gt[3] + (r + 0.5) * dem.gt[5];
            if (x < env.MinX || x > env.MaxX || y < env.MinY || y > env.MaxY)
                continue;
            OGRPoint p(x, y);
            if (!p.Within(simple.get()))
                continue;
            double z = dem.z[static_cast<size_t>(r) * dem.cols + c];
            REQUIRE(z != dem.noData);
            lo = std::min(lo, z);
            hi = std::max(hi, z);
            sum += z;
            ++n;
        }
    REQUIRE(n > 5000);
    CHECK(lo >= 190);
    CHECK(lo < 300);
    CHECK(hi <= 1545);
    CHECK(sum / n > 350);
    CHECK(sum / n < 900);
    // the highest cell of the whole raster is Mẫu Sơn: ~1,541 m, within 3 km of 21.85 N 107.0 E
    size_t imax = static_cast<size_t>(std::max_element(dem.z.begin(), dem.z.end()) - dem.z.begin());
    CHECK(dem.z[imax] == Approx(1541).margin(5));
    double px = dem.gt[0] + (static_cast<double>(imax % dem.cols) + 0.5) * dem.gt[1];
    double py = dem.gt[3] + (static_cast<double>(imax / dem.cols) + 0.5) * dem.gt[5];
    OGRPoint peak = metricPoint(107.0, 21.85);
    CHECK(std::hypot(px - peak.getX(), py - peak.getY()) < 3000);
    // a karst landscape, not a plain: plenty of relief between nearby cells
    double steep = 0;
    size_t m = 0;
    for (int r = 0; r + 11 < dem.rows; r += 37)
        for (int c = 0; c + 11 < dem.cols; c += 37) {
            steep += std::fabs(dem.z[static_cast<size_t>(r) * dem.cols + c] - dem.z[static_cast<size_t>(r + 11) * dem.cols + c + 11]);
            ++m;
        }
    CHECK(steep / m > 60);  // mean height difference over ~1.4 km
}

TEST_CASE("sample: settlements and roads lie in the valleys", "[sample][geo2][dem]")
{
    Dem dem = readDem();
    auto ds = openSample();
    auto ct = toMetric(nullptr);
    auto meanHeight = [&](OGRLayer* l, bool allVertices) {
        double s = 0;
        size_t n = 0;
        l->ResetReading();
        for (auto& f : *l) {
            const OGRGeometry* g = f->GetGeometryRef();
            std::vector<std::pair<double, double>> pts;
            if (wkbFlatten(g->getGeometryType()) == wkbPoint)
                pts.push_back({g->toPoint()->getX(), g->toPoint()->getY()});
            else if (wkbFlatten(g->getGeometryType()) == wkbLineString && allVertices)
                for (const auto& p : *g->toLineString())
                    pts.push_back({p.getX(), p.getY()});
            for (auto [x, y] : pts) {
                REQUIRE(ct->Transform(1, &x, &y));
                double z = dem.at(x, y);
                REQUIRE(z != dem.noData);
                s += z;
                ++n;
            }
        }
        REQUIRE(n > 0);
        return s / n;
    };
    double all = 0;
    size_t n = 0;
    for (float z : dem.z)
        if (z != dem.noData) {
            all += z;
            ++n;
        }
    all /= n;
    const double settlements = meanHeight(ds->GetLayerByName("settlements"), false);
    const double roads = meanHeight(ds->GetLayerByName("roads"), true);
    INFO("terrain " << all << " m, settlements " << settlements << " m, roads " << roads << " m");
    // clearly below the mean terrain: by at least 20 % of the relief above the 200 m floor
    CHECK(settlements < all - 0.2 * (all - 200));
    CHECK(roads < all - 0.2 * (all - 200));
}

TEST_CASE("sample roads: one snapped network reaching every commune seat", "[sample][geo2][roads]")
{
    auto ds = openSample();
    OGRLayer* roads = ds->GetLayerByName("roads");
    REQUIRE(roads);
    struct Line {
        std::string ref, cls;
        std::vector<std::pair<double, double>> pts;
    };
    std::vector<Line> lines;
    std::set<std::string> classes;
    roads->ResetReading();
    for (auto& f : *roads) {
        Line l{f->GetFieldAsString("ref"), f->GetFieldAsString("class"), {}};
        classes.insert(l.cls);
        for (const auto& p : *f->GetGeometryRef()->toLineString())
            l.pts.push_back({p.getX(), p.getY()});
        REQUIRE(l.pts.size() >= 2);
        lines.push_back(std::move(l));
    }
    CHECK(classes == std::set<std::string>{"national", "provincial", "district"});
    // union-find over lines sharing an exact vertex
    std::vector<int> parent(lines.size());
    std::iota(parent.begin(), parent.end(), 0);
    std::function<int(int)> find = [&](int i) { return parent[i] == i ? i : parent[i] = find(parent[i]); };
    std::map<std::pair<double, double>, std::vector<int>> at;
    for (size_t i = 0; i < lines.size(); ++i)
        for (const auto& p : lines[i].pts)
            at[p].push_back(static_cast<int>(i));
    for (const auto& [p, ids] : at)
        for (int id : ids)
            parent[find(id)] = find(ids[0]);
    std::set<int> roots;
    for (size_t i = 0; i < lines.size(); ++i)
        roots.insert(find(static_cast<int>(i)));
    CHECK(roots.size() == 1);
    // every commune and district seat is a vertex of the network
    OGRLayer* places = ds->GetLayerByName("places");
    std::set<std::pair<double, double>> seats;
    int communeSeats = 0;
    places->ResetReading();
    for (auto& f : *places) {
        const OGRPoint* p = f->GetGeometryRef()->toPoint();
        std::pair<double, double> key{p->getX(), p->getY()};
        seats.insert(key);
        const std::string kind = f->GetFieldAsString("kind");
        INFO(kind << " " << f->GetFieldAsString("code"));
        if (kind == "commune_seat" || kind == "district_seat")
            CHECK(at.count(key) == 1);
        communeSeats += kind == "commune_seat";
    }
    CHECK(communeSeats == 200);
    // no dangling near-misses: a line end is a place (seat, border gate), a vertex of another
    // line, or on the province edge (where a national road leaves the province)
    auto districts = metricByKey(*ds, "districts", "code");
    auto prov = provinceOf(districts);
    OgrGeomPtr edge(prov->Boundary());
    auto ct = toMetric(nullptr);
    for (size_t i = 0; i < lines.size(); ++i)
        for (const auto& p : {lines[i].pts.front(), lines[i].pts.back()}) {
            if (seats.count(p))
                continue;
            bool shared = false;
            for (int id : at[p])
                shared = shared || id != static_cast<int>(i);
            if (shared)
                continue;
            double x = p.first, y = p.second;
            REQUIRE(ct->Transform(1, &x, &y));
            OGRPoint mp(x, y);
            INFO(lines[i].ref << " ends at " << p.first << " " << p.second);
            CHECK(mp.Distance(edge.get()) < 1500);
        }
}

TEST_CASE("sample settlements: household clusters add up to each village and lie inside it", "[sample][geo2]")
{
    auto ds = openSample();
    auto villages = metricByKey(*ds, "villages", "code");
    std::map<std::string, int64_t> vh;
    OGRLayer* v = ds->GetLayerByName("villages");
    v->ResetReading();
    for (auto& f : *v)
        vh[f->GetFieldAsString("code")] = f->GetFieldAsInteger64("households");
    OGRLayer* s = ds->GetLayerByName("settlements");
    REQUIRE(s);
    auto ct = toMetric(s->GetSpatialRef());
    std::map<std::string, int64_t> sum;
    std::map<std::string, int> centres;
    std::map<std::string, std::vector<OGRPoint>> pts;
    s->ResetReading();
    for (auto& f : *s) {
        std::string code = f->GetFieldAsString("village_code");
        sum[code] += f->GetFieldAsInteger64("households");
        CHECK(f->GetFieldAsInteger64("households") > 0);
        centres[code] += f->GetFieldAsInteger("is_centre");
        OgrGeomPtr g(f->GetGeometryRef()->clone());
        REQUIRE(g->transform(ct.get()) == OGRERR_NONE);
        pts[code].push_back(*g->toPoint());
    }
    CHECK(sum.size() == vh.size());
    size_t outside = 0;
    for (const auto& [code, h] : vh) {
        INFO("village " << code);
        CHECK(sum[code] == h);
        CHECK(centres[code] == 1);
        for (const auto& p : pts[code])
            outside += !p.Within(villages.at(code).get());
    }
    CHECK(outside == 0);
}
