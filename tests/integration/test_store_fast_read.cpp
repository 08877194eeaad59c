// readLayer through GDAL's sqlite3 connection (issue #9) gives what the OGR path gives, field by
// field and geometry by geometry, on every layer of the sample and of the analysed sample.
#include <catch2/catch.hpp>

#include "core/store/project_store.hpp"
#include "support/test_support.hpp"

#include <sqlite3.h>

#include <cmath>
#include <cstring>
#include <filesystem>

using namespace bando;

namespace {

// Values equal as OGR gives them: same alternative, same bits for reals (NaN equal to NaN).
bool sameValue(const Value& a, const Value& b)
{
    if (a.index() != b.index())
        return false;
    if (auto* x = std::get_if<double>(&a)) {
        const double y = std::get<double>(b);
        return std::memcmp(x, &y, sizeof y) == 0;
    }
    return a == b;
}

void compareEveryLayer(const std::string& path)
{
    auto store = ProjectStore::open(path);
    int layersWithRows = 0;
    for (const auto& name : store->layerNames()) {
        INFO(path << " layer " << name);
        store->setFastIo(false);
        const Layer ogr = store->readLayer(name);
        store->setFastIo(true);
        const Layer fast = store->readLayer(name);
        CHECK(fast.name == ogr.name);
        CHECK(fast.geomType == ogr.geomType);
        CHECK(fast.epsg == ogr.epsg);
        REQUIRE(fast.fields.size() == ogr.fields.size());
        for (size_t i = 0; i < ogr.fields.size(); ++i) {
            CHECK(fast.fields[i].name == ogr.fields[i].name);
            CHECK(fast.fields[i].type == ogr.fields[i].type);
            CHECK(fast.fields[i].width == ogr.fields[i].width);
            CHECK(fast.fields[i].notNull == ogr.fields[i].notNull);
        }
        REQUIRE(fast.features.size() == ogr.features.size());
        layersWithRows += ogr.features.empty() ? 0 : 1;
        size_t differing = 0;
        for (size_t k = 0; k < ogr.features.size(); ++k) {
            const Feature& a = ogr.features[k];
            const Feature& b = fast.features[k];
            bool same = a.fid == b.fid && a.values.size() == b.values.size() && a.geom.type == b.geom.type &&
                        toWkb(a.geom) == toWkb(b.geom);
            for (size_t i = 0; same && i < a.values.size(); ++i)
                same = sameValue(a.values[i], b.values[i]);
            if (!same && differing++ < 3) {
                INFO("feature fid " << a.fid);
                CHECK(same);
            }
        }
        CHECK(differing == 0);
    }
    CHECK(layersWithRows >= 10);
}

} // namespace

TEST_CASE("readLayer through sqlite equals the OGR read on every layer of the sample", "[store][fast]")
{
    compareEveryLayer(test::samplePath());
}

TEST_CASE("readLayer through sqlite equals the OGR read on every layer of the analysed sample", "[store][fast]")
{
    compareEveryLayer(test::analysedPath());
}

namespace {

// readPointColumns (the compact read) against the PointColumns of the whole layer as readLayer
// gives it, with and without the fast path.
void comparePointColumns(ProjectStore& store, const std::string& layer, const std::vector<std::string>& columns)
{
    store.setFastIo(true);
    const PointColumns fast = store.readPointColumns(layer, columns);
    const PointColumns viaLayer = PointColumns::fromLayer(store.readLayer(layer), columns);
    store.setFastIo(false);
    const PointColumns viaOgr = PointColumns::fromLayer(store.readLayer(layer), columns);
    store.setFastIo(true);
    for (const PointColumns* ref : {&viaLayer, &viaOgr}) {
        REQUIRE(fast.size() == ref->size());
        CHECK(fast.epsg == ref->epsg);
        CHECK(fast.columns == ref->columns);
        size_t differing = 0;
        for (size_t k = 0; k < fast.size(); ++k) {
            bool same = fast.hasPoint[k] == ref->hasPoint[k] &&
                        std::memcmp(&fast.xy[k], &ref->xy[k], sizeof(XY)) == 0;
            for (size_t c = 0; same && c < columns.size(); ++c)
                same = sameValue(fast.value(c, k), ref->value(c, k));
            if (!same && differing++ < 3) {
                INFO("row " << k);
                CHECK(same);
            }
        }
        CHECK(differing == 0);
        // interned: each distinct value once
        for (size_t c = 0; c < columns.size(); ++c)
            CHECK(fast.values[c].size() == ref->values[c].size());
    }
}

} // namespace

TEST_CASE("readPointColumns equals the shops read as a layer, on the sample and on odd rows", "[store][fast]")
{
    test::TempDir dir("store-point-columns");
    const std::string path = dir.file("p.gpkg");
    std::filesystem::copy_file(test::samplePath(), path);
    const std::vector<std::string> columns{"opened", "epay_opened", "locomotive", "locomotive_since", "village_code",
                                           "no_such_column"};
    {
        auto store = ProjectStore::open(path);
        comparePointColumns(*store, "shops", columns);
        const PointColumns pc = store->readPointColumns("shops", columns);
        CHECK(pc.size() > 100000);
        CHECK(pc.values[5].size() == 1);  // the missing column: null only
        CHECK(pc.values[4].size() > 1000);  // village codes
        CHECK(pc.values[4].size() < 3000);
    }
    // rows stored as other tools may store them: values of another type than the column's, NULLs,
    // a multipoint, an empty point, no geometry (GDAL's SQL functions are absent here: the
    // R-tree triggers go first)
    {
        sqlite3* db = nullptr;
        REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
        const char* sql =
            "DROP TRIGGER rtree_shops_geom_update1; DROP TRIGGER rtree_shops_geom_update2;"
            "DROP TRIGGER rtree_shops_geom_update3; DROP TRIGGER rtree_shops_geom_update4;"
            "UPDATE shops SET locomotive = 'yes' WHERE fid = 1;"
            "UPDATE shops SET locomotive = 0.6 WHERE fid = 2;"
            "UPDATE shops SET opened = NULL, epay_opened = '2021-07-01T10:00:00' WHERE fid = 3;"
            "UPDATE shops SET village_code = NULL, geom = NULL WHERE fid = 4;"
            // MULTIPOINT((106.5 21.8), (106.6 21.9)): its first point counts
            "UPDATE shops SET geom = X'47500001E610000001040000000200000001010000000000000000A05A4033333333"
            "33D3354001010000006666666666A65A406666666666E63540' WHERE fid = 5;"
            // POINT EMPTY (NaN NaN, the empty flag set)
            "UPDATE shops SET geom = X'47500011E61000000101000000000000000000F87F000000000000F87F' WHERE fid = 6;"
            "UPDATE shops SET opened = 20210505 WHERE fid = 7;";
        char* err = nullptr;
        const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
        INFO((err ? err : ""));
        REQUIRE(rc == SQLITE_OK);
        sqlite3_close(db);
    }
    auto store = ProjectStore::open(path);
    comparePointColumns(*store, "shops", columns);
    const PointColumns pc = store->readPointColumns("shops", columns);
    const Layer shops = store->readLayer("shops");
    auto row = [&](int64_t fid) {
        for (size_t k = 0; k < shops.features.size(); ++k)
            if (shops.features[k].fid == fid)
                return k;
        FAIL("no fid " << fid);
        return size_t(0);
    };
    CHECK(std::get<int64_t>(pc.value(2, row(1))) == 0);  // 'yes' in an INTEGER column reads as 0, as in OGR
    CHECK(std::get<int64_t>(pc.value(2, row(2))) == 0);  // and 0.6 too
    CHECK(std::holds_alternative<std::monostate>(pc.value(0, row(3))));
    CHECK(toString(pc.value(1, row(3))) == "2021-07-01T10:00:00");
    CHECK(pc.hasPoint[row(4)] == 0);
    CHECK(pc.hasPoint[row(5)] == 1);
    CHECK(pc.xy[row(5)].x == 106.5);
    CHECK(pc.xy[row(5)].y > 21.824);
    CHECK(pc.xy[row(5)].y < 21.826);
    CHECK(pc.hasPoint[row(6)] == 0);
    CHECK(toString(pc.value(0, row(7))) == "20210505");
}
