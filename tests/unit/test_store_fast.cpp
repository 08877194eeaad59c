// The project store's fast I/O (issue #9): rows written straight to GDAL's sqlite3 connection
// must be the rows the OGR path stores, with the GeoPackage bookkeeping (R-tree, feature counts,
// gpkg_contents) GDAL keeps; and large layers reproject in parallel to the serial result.
#include <catch2/catch.hpp>

#include "core/base/error.hpp"
#include "core/capi/sqlite.hpp"
#include "core/crs/reproject.hpp"
#include "core/store/gpkg_fast.hpp"
#include "core/store/project_store.hpp"
#include "support/test_support.hpp"

#include <cpl_conv.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>
#include <sqlite3.h>

#include <cmath>
#include <cstdio>
#include <cstring>

using namespace bando;

namespace {

// Every row of an SQL query, each value typed and exact (reals as %a, blobs in hex).
std::vector<std::string> rows(const std::string& path, const std::string& sql)
{
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite::ConnectionPtr db(raw);
    INFO(sql);
    const sqlite::StatementPtr stmt = sqlite::prepare(raw, sql);
    REQUIRE(stmt);
    sqlite3_stmt* st = stmt.get();
    std::vector<std::string> out;
    while (sqlite3_step(st) == SQLITE_ROW) {
        std::string row;
        for (int i = 0; i < sqlite3_column_count(st); ++i) {
            char b[64];
            switch (sqlite3_column_type(st, i)) {
            case SQLITE_NULL: row += "null"; break;
            case SQLITE_INTEGER: row += "i:" + std::to_string(sqlite3_column_int64(st, i)); break;
            case SQLITE_FLOAT:
                std::snprintf(b, sizeof b, "r:%a", sqlite3_column_double(st, i));
                row += b;
                break;
            case SQLITE_TEXT: row += std::string("t:") + reinterpret_cast<const char*>(sqlite3_column_text(st, i)); break;
            default: {
                const auto* p = static_cast<const unsigned char*>(sqlite3_column_blob(st, i));
                row += "b:";
                for (int k = 0; k < sqlite3_column_bytes(st, i); ++k) {
                    std::snprintf(b, sizeof b, "%02x", p[k]);
                    row += b;
                }
            }
            }
            row += "|";
        }
        out.push_back(row);
    }
    return out;
}

int64_t scalar(const std::string& path, const std::string& sql)
{
    auto r = rows(path, sql);
    REQUIRE(r.size() == 1);
    REQUIRE(r[0].rfind("i:", 0) == 0);
    return std::stoll(r[0].substr(2));
}

Ring square(double x, double y, double d)
{
    return {{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}};
}

// Polygons (promoted to the MultiPolygon layer), one real MultiPolygon, one without geometry,
// and values of every type, also in fields of another type (converted the way OGR does).
Layer parcels(int n, double shift = 0)
{
    Layer l;
    l.name = "parcels";
    l.geomType = GeomType::MultiPolygon;
    l.fields = {{"code", FieldType::Text, 0, true},
                {"households", FieldType::Integer, 0, false},
                {"share", FieldType::Real, 0, false},
                {"surveyed", FieldType::Date, 0, false},
                {"note", FieldType::Text, 0, false}};
    for (int i = 0; i < n; ++i) {
        Geometry g = Geometry::polygon({square(106.5 + i * 0.01 + shift, 21.7 + (i % 7) * 0.013, 0.005 + i * 1e-5)});
        if (i == 3) {
            g.type = GeomType::MultiPolygon;
            g.parts.push_back({square(106.2, 21.2, 0.1), square(106.22, 21.22, 0.01)});
        }
        if (i == 5)
            g = Geometry{};
        Feature& f = l.addFeature(std::move(g));
        l.set(f, "code", "P" + std::to_string(i) + " Nà Pài");
        l.set(f, "households", int64_t(i * 37 - 5));
        l.set(f, "share", i * 0.1 + 1.0 / 3);
        l.set(f, "surveyed", std::string("2021-09-") + (i % 2 ? "15" : "01"));
        if (i % 4 == 1)
            l.set(f, "note", int64_t(42 + i));  // an integer in a text field
        else if (i % 4 == 2)
            l.set(f, "note", 2.5 + i);  // a real in a text field
        if (i == 7) {
            l.set(f, "households", 12.9);  // a real in an integer field
            l.set(f, "share", int64_t(7));  // an integer in a real field
        }
        if (i == 8)
            l.set(f, "households", std::string("123"));  // text in an integer field
        if (i == 9)
            l.set(f, "share", Value{});  // null
    }
    return l;
}

Layer roads(int n)
{
    Layer l;
    l.name = "tracks";
    l.geomType = GeomType::MultiLineString;
    l.fields = {{"name", FieldType::Text, 0, false}, {"length", FieldType::Real, 0, false}};
    for (int i = 0; i < n; ++i) {
        Feature& f = l.addFeature(Geometry::lineString({{106.0 + i * 0.1, 21.0}, {106.05 + i * 0.1, 21.1 + i * 1e-3}}));
        l.set(f, "name", "Đường " + std::to_string(i));
        l.set(f, "length", 1000.0 / (i + 3));
    }
    return l;
}

// Points in VN-2000 / TM-3 107-15 (reprojected to WGS 84 on the way in).
Layer wells(int n)
{
    Layer l;
    l.name = "wells";
    l.geomType = GeomType::Point;
    l.epsg = 9215;
    l.fields = {{"depth", FieldType::Real, 0, false}};
    for (int i = 0; i < n; ++i) {
        Feature& f = l.addFeature(Geometry::point(420000 + i * 517.3, 2400000 + i * 311.9));
        l.set(f, "depth", 3.5 * i);
    }
    return l;
}

Layer notes(int n)
{
    Layer l;
    l.name = "notes";
    l.geomType = GeomType::None;
    l.fields = {{"key", FieldType::Text, 0, true}, {"value", FieldType::Integer, 0, false}};
    for (int i = 0; i < n; ++i) {
        Feature& f = l.addFeature(Geometry{});
        l.set(f, "key", "k" + std::to_string(i));
        l.set(f, "value", int64_t(i * i));
    }
    return l;
}

// Pins GDAL's and our last_change stamp so two files can be compared byte for byte.
struct PinnedDate {
    PinnedDate() { CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", "2021-07-20T00:00:00.000Z"); }
    ~PinnedDate() { CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", nullptr); }
};

const char* kTables[] = {"parcels", "tracks", "wells", "notes"};

} // namespace

TEST_CASE("fast writes store exactly the rows, blobs, R-tree and contents the OGR path stores", "[store][fast]")
{
    PinnedDate pinned;
    test::TempDir dir("store-fast");
    const std::string ogr = dir.file("ogr.gpkg"), fast = dir.file("fast.gpkg");
    // the same writes through OGR and through the fast path: create, replace (clearing the old
    // rows), append, filtered replace
    auto fillReal = [](const std::string& path, bool isFast) {
        auto s = ProjectStore::create(path);
        s->setFastIo(isFast);
        {
            ProjectStore::Transaction t(*s);
            s->replaceLayer(parcels(40));
            s->replaceLayer(roads(12));
            s->replaceLayer(wells(30));
            s->replaceLayer(notes(25));
            t.commit();
        }
        {
            ProjectStore::Transaction t(*s);
            s->replaceLayer(parcels(33, 0.5));
            s->appendFeatures(parcels(6, 1.0));
            s->appendFeatures(roads(3));
            s->replaceLayer(notes(4));
            t.commit();
        }
        const Layer extra = parcels(2, 2.0);
        s->replaceRowsWhere("code", "P1 Nà Pài", {&extra}, nullptr);
        s->close();
    };
    fillReal(ogr, false);
    fillReal(fast, true);
    for (const char* t : kTables) {
        INFO(t);
        const std::string q = sqlite::quoteIdentifier(t);
        const auto a = rows(ogr, "SELECT * FROM " + q + " ORDER BY fid");
        const auto b = rows(fast, "SELECT * FROM " + q + " ORDER BY fid");
        CHECK(a.size() > 3);
        CHECK(a == b);
        // gpkg_contents as GDAL keeps it: extent (the union of what was ever written; GDAL keeps
        // it in memory between saves, so the last bits depend on when it saved) and last_change
        const std::string contents = "SELECT data_type, printf('%.12g %.12g %.12g %.12g', min_x, min_y, max_x, "
                                     "max_y), srs_id, last_change FROM gpkg_contents WHERE table_name = '" +
                                     std::string(t) + "'";
        CHECK(rows(ogr, contents) == rows(fast, contents));
        // the feature count is the row count (GDAL may leave it NULL: then count(*) is used)
        CHECK(scalar(fast, "SELECT feature_count FROM gpkg_ogr_contents WHERE table_name = '" + std::string(t) + "'") ==
              scalar(fast, "SELECT count(*) FROM " + q));
        // the triggers are all there
        const std::string trig = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = '" +
                                 std::string(t) + "' ORDER BY name";
        CHECK(rows(ogr, trig) == rows(fast, trig));
        if (std::string(t) != "notes") {
            const std::string rtree = sqlite::quoteIdentifier("rtree_" + std::string(t) + "_geom");
            CHECK(rows(ogr, "SELECT * FROM " + rtree + " ORDER BY id") == rows(fast, "SELECT * FROM " + rtree + " ORDER BY id"));
            CHECK(scalar(fast, "SELECT count(*) FROM " + rtree) ==
                  scalar(fast, "SELECT count(*) FROM " + q + " WHERE geom IS NOT NULL"));
        }
    }
    // the example rows really went through the conversions
    CHECK(rows(fast, "SELECT count(*) FROM parcels WHERE code = 'P7 Nà Pài'").front() == "i:1|");
    CHECK(rows(fast, "SELECT count(*) FROM parcels WHERE code = 'P2 Nà Pài'").front() == "i:2|");  // 33 + 6
    CHECK(rows(fast, "SELECT households FROM parcels WHERE code = 'P8 Nà Pài'").front() == "i:123|");
    CHECK(rows(fast, "SELECT households, share FROM parcels WHERE code = 'P7 Nà Pài'").front() == "i:12|r:0x1.cp+2|");
    CHECK(rows(fast, "SELECT note FROM parcels WHERE code = 'P5 Nà Pài'").front() == "t:47|");
    CHECK(rows(fast, "SELECT note FROM parcels WHERE code = 'P2 Nà Pài' ORDER BY fid").front() == "t:4.5|");
    CHECK(rows(fast, "SELECT count(*) FROM parcels WHERE code = 'P1 Nà Pài'").front() == "i:1|");
    CHECK(rows(fast, "PRAGMA integrity_check").front() == "t:ok|");

    // OGR reads both files the same (values and WKB), through a read-only ProjectStore
    auto a = ProjectStore::open(ogr), b = ProjectStore::open(fast);
    for (const char* t : kTables) {
        INFO(t);
        const Layer la = a->readLayer(t), lb = b->readLayer(t);
        REQUIRE(la.features.size() == lb.features.size());
        CHECK(a->layerInfo(t).featureCount == b->layerInfo(t).featureCount);
        CHECK(b->layerInfo(t).featureCount == static_cast<int64_t>(lb.features.size()));
        for (size_t i = 0; i < la.features.size(); ++i) {
            CHECK(la.features[i].fid == lb.features[i].fid);
            CHECK(la.features[i].values == lb.features[i].values);
            CHECK(toWkb(la.features[i].geom) == toWkb(lb.features[i].geom));
        }
    }
}

TEST_CASE("the GeoPackage blob is the one GDAL writes", "[store][fast]")
{
    std::vector<uint8_t> blob;
    Extent env;
    gpkg::encodeBlob(Geometry::point(106.5, 21.25), GeomType::Point, 4326, blob, env);
    REQUIRE(blob.size() == 8 + 21);
    CHECK(blob[0] == 'G');
    CHECK(blob[1] == 'P');
    CHECK(blob[2] == 0);
    CHECK(blob[3] == 0x01);  // little-endian, no envelope for a point
    int32_t srs = 0;
    std::memcpy(&srs, &blob[4], 4);
    CHECK(srs == 4326);
    bool empty = true;
    CHECK(gpkg::wkbOffset(blob.data(), blob.size(), empty) == 8);
    CHECK_FALSE(empty);

    gpkg::encodeBlob(Geometry::polygon({square(1, 2, 3)}), GeomType::MultiPolygon, 4326, blob, env);
    CHECK(blob[3] == 0x03);  // envelope type 1 (XY)
    double e[4];
    std::memcpy(e, &blob[8], 32);
    CHECK(e[0] == 1);  // minx maxx miny maxy
    CHECK(e[1] == 4);
    CHECK(e[2] == 2);
    CHECK(e[3] == 5);
    REQUIRE(gpkg::wkbOffset(blob.data(), blob.size(), empty) == 40);
    const Geometry back = fromWkb(blob.data() + 40, blob.size() - 40);
    CHECK(back.type == GeomType::MultiPolygon);  // promoted
    CHECK(back.parts.size() == 1);
    CHECK(back.parts[0][0] == square(1, 2, 3));
    CHECK(gpkg::wkbOffset(blob.data(), 7, empty) == -1);
}

TEST_CASE("raw and OGR writes mixed on one layer in one session keep the feature count", "[store][fast]")
{
    test::TempDir dir("store-mix");
    const std::string path = dir.file("mix.gpkg");
    {
        auto s = ProjectStore::create(path);
        ProjectStore::Transaction t(*s);
        s->setFastIo(false);
        s->replaceLayer(parcels(10));  // GDAL writes: it drops the count triggers, counts in memory
        CHECK(s->layerInfo("parcels").featureCount == 10);
        s->setFastIo(true);
        s->appendFeatures(parcels(7, 1));  // raw, on top of GDAL's pending state
        CHECK(s->layerInfo("parcels").featureCount == 17);
        s->setFastIo(false);
        s->appendFeatures(parcels(5, 2));  // GDAL again, after the raw rows
        CHECK(s->layerInfo("parcels").featureCount == 22);
        CHECK(s->readLayer("parcels").features.size() == 22);
        s->setFastIo(true);
        s->appendFeatures(parcels(4, 3));
        CHECK(s->layerInfo("parcels").featureCount == 26);
        const Extent e = s->layerInfo("parcels").extent;
        CHECK(e.maxX == Approx(106.5 + 3 * 0.01 + 3 + 0.005 + 3e-5));
        t.commit();
    }
    CHECK(scalar(path, "SELECT count(*) FROM parcels") == 26);
    CHECK(scalar(path, "SELECT feature_count FROM gpkg_ogr_contents WHERE table_name = 'parcels'") == 26);
    CHECK(scalar(path, "SELECT count(*) FROM rtree_parcels_geom") == 26 - 2);  // 2 rows without geometry
    // the R-tree bounds are the geometry envelopes (as float, rounded outwards)
    CHECK(scalar(path, "SELECT count(*) FROM parcels p JOIN rtree_parcels_geom r ON r.id = p.fid") == 24);
    for (const auto& r : rows(path, "SELECT r.minx, r.maxx, r.miny, r.maxy, p.fid FROM parcels p JOIN "
                                    "rtree_parcels_geom r ON r.id = p.fid")) {
        INFO(r);
        CHECK(r.find("null") == std::string::npos);
    }
    auto s = ProjectStore::open(path);
    CHECK(s->layerInfo("parcels").featureCount == 26);
    const Layer l = s->readLayer("parcels");
    REQUIRE(l.features.size() == 26);
    for (const auto& f : l.features) {
        if (f.geom.isEmpty())
            continue;
        const Extent g = f.geom.extent();
        char sql[512];
        std::snprintf(sql, sizeof sql,
                      "SELECT minx <= %.17g AND maxx >= %.17g AND miny <= %.17g AND maxy >= %.17g AND "
                      "maxx - minx < %.17g FROM rtree_parcels_geom WHERE id = %lld",
                      g.minX, g.maxX, g.minY, g.maxY, g.width() + 1e-4, static_cast<long long>(f.fid));
        const auto r = rows(path, sql);
        REQUIRE(r.size() == 1);
        CHECK(r[0] == "i:1|");
    }
    // GDAL itself, read-only, agrees
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    REQUIRE(ds);
    CHECK(ds->GetLayerByName("parcels")->GetFeatureCount(TRUE) == 26);
}

TEST_CASE("a failing row names file, layer, row and field and nothing is half-written", "[store][fast]")
{
    test::TempDir dir("store-fail");
    const std::string path = dir.file("fail.gpkg");
    auto s = ProjectStore::create(path);
    {
        ProjectStore::Transaction t(*s);
        s->replaceLayer(parcels(10));
        t.commit();
    }
    const auto before = rows(path, "SELECT * FROM parcels ORDER BY fid");
    const auto rtreeBefore = rows(path, "SELECT * FROM rtree_parcels_geom ORDER BY id");
    Layer bad = parcels(8, 5);
    bad.set(bad.features[5], "code", Value{});  // NOT NULL
    bool threw = false;
    try {
        ProjectStore::Transaction t(*s);
        s->replaceLayer(bad);
        t.commit();
    } catch (const Error& e) {
        threw = true;
        const std::string what = e.what();
        INFO(what);
        CHECK(e.kind() == ErrorKind::Store);
        CHECK(what.find(path) != std::string::npos);
        CHECK(what.find("parcels row 6") != std::string::npos);
        CHECK(what.find("field 'code'") != std::string::npos);
        CHECK(what.find("NOT NULL") != std::string::npos);
    }
    CHECK(threw);
    CHECK(s->layerInfo("parcels").featureCount == 10);
    CHECK(s->readLayer("parcels").features.size() == 10);
    s->close();
    CHECK(rows(path, "SELECT * FROM parcels ORDER BY fid") == before);
    CHECK(rows(path, "SELECT * FROM rtree_parcels_geom ORDER BY id") == rtreeBefore);
    CHECK(scalar(path, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'parcels'") == 8);
    auto again = ProjectStore::open(path);
    CHECK(again->layerInfo("parcels").featureCount == 10);
}

TEST_CASE("a large layer reprojects in parallel to the serial result, bit for bit", "[store][fast][crs]")
{
    Layer l;
    l.epsg = 9215;
    l.geomType = GeomType::Polygon;
    for (int i = 0; i < 1500; ++i) {
        Ring r;
        for (int k = 0; k < 20; ++k)
            r.push_back({400000.0 + i * 37.1 + std::cos(k * 0.3) * 90, 2350000.0 + i * 53.3 + std::sin(k * 0.3) * 70});
        r.push_back(r.front());
        l.addFeature(Geometry::polygon({r}));
    }
    REQUIRE(l.features.size() * 21 > crs::kParallelVertices);
    Layer serial = l;
    for (auto& f : serial.features)
        crs::reproject(f.geom, 9215, 4326);
    crs::reproject(l, 4326);
    CHECK(l.epsg == 4326);
    size_t differing = 0;
    for (size_t i = 0; i < l.features.size(); ++i)
        for (size_t r = 0; r < l.features[i].geom.parts[0].size(); ++r) {
            const Ring& a = l.features[i].geom.parts[0][r];
            const Ring& b = serial.features[i].geom.parts[0][r];
            REQUIRE(a.size() == b.size());
            differing += std::memcmp(a.data(), b.data(), a.size() * sizeof(XY)) != 0;
        }
    CHECK(differing == 0);
    // and really moved: VN-2000 metres became WGS 84 degrees near Lạng Sơn
    CHECK(l.features[0].geom.parts[0][0][0].x == Approx(106.0).margin(1.5));
    CHECK(l.features[0].geom.parts[0][0][0].y == Approx(21.3).margin(1.0));
}

TEST_CASE("a raster-like layer whose cells share their corners reprojects to the per-geometry result", "[store][fast][crs]")
{
    // crs::reproject(Layer&) transforms each distinct point once and hands the result to every
    // vertex that repeats it: neighbouring cells share corners, rings repeat their first point.
    // Small (serial) and large (parallel) layers must both equal the per-geometry transformation.
    for (int side : {20, 120}) {
        Layer l;
        l.epsg = 9215;
        l.geomType = GeomType::Polygon;
        for (int i = 0; i < side; ++i)
            for (int j = 0; j < side; ++j)
                l.addFeature(Geometry::polygon({square(400000.0 + i * 250.0, 2350000.0 + j * 250.0, 250)}));
        INFO(side << " x " << side << " cells, " << l.features.size() * 5 << " vertices");
        Layer serial = l;
        for (auto& f : serial.features)
            crs::reproject(f.geom, 9215, 4326);
        crs::reproject(l, 4326);
        size_t differing = 0;
        for (size_t i = 0; i < l.features.size(); ++i) {
            const Ring& a = l.features[i].geom.parts[0][0];
            const Ring& b = serial.features[i].geom.parts[0][0];
            REQUIRE(a.size() == b.size());
            differing += std::memcmp(a.data(), b.data(), a.size() * sizeof(XY)) != 0;
        }
        CHECK(differing == 0);
        // a corner shared by four cells is one point in all of them
        const XY corner = l.features[side + 1].geom.parts[0][0][0];
        CHECK(l.features[0].geom.parts[0][0][2] == corner);
        CHECK(l.features[1].geom.parts[0][0][1] == corner);
        CHECK(l.features[side].geom.parts[0][0][3] == corner);
        CHECK(corner.x == Approx(106.0).margin(1.5));
    }
}

TEST_CASE("one huge ring reprojects in parallel to the serial result, bit for bit", "[store][fast][crs]")
{
    Ring r;
    for (int k = 0; k < 30000; ++k)
        r.push_back({400000.0 + std::cos(k * 1e-4) * 20000 + k * 0.01, 2350000.0 + std::sin(k * 1e-4) * 15000});
    r.push_back(r.front());
    Layer l;
    l.epsg = 9215;
    l.geomType = GeomType::Polygon;
    l.addFeature(Geometry::polygon({r}));
    l.addFeature(Geometry::polygon({square(410000, 2360000, 100)}));
    Layer serial = l;
    for (auto& f : serial.features)
        crs::reproject(f.geom, 9215, 4326);
    crs::reproject(l, 4326);
    for (size_t i = 0; i < l.features.size(); ++i) {
        const Ring& a = l.features[i].geom.parts[0][0];
        const Ring& b = serial.features[i].geom.parts[0][0];
        REQUIRE(a.size() == b.size());
        CHECK(std::memcmp(a.data(), b.data(), a.size() * sizeof(XY)) == 0);
        CHECK(a[0].x != r[0].x);
    }
}
