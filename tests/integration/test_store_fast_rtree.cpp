// The bulk-loaded GeoPackage R-tree of the fast write path (issue #9): an empty R-tree is filled
// by writing SQLite's rtree shadow tables directly. The tree must hold the very floats one rtree
// INSERT per row stores, pass SQLite's rtreecheck() also after later edits by SQLite's rtree module
// (through OGR's triggers and the fast path, in the same and in a later session), and answer
// GDAL's spatial filters exactly.
#include <catch2/catch.hpp>

#include "core/base/error.hpp"
#include "core/capi/sqlite.hpp"
#include "core/store/gpkg_fast.hpp"
#include "core/store/project_store.hpp"
#include "support/test_support.hpp"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>
#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

using namespace bando;

namespace {

// Every row of `sql`, values typed and exact (reals as %a, blobs as their length).
std::vector<std::string> rowsOf(sqlite3* db, const std::string& sql)
{
    INFO(sql);
    const sqlite::StatementPtr stmt = sqlite::prepare(db, sql);
    REQUIRE(stmt);
    sqlite3_stmt* st = stmt.get();
    std::vector<std::string> out;
    int rc = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        std::string row;
        for (int i = 0; i < sqlite3_column_count(st); ++i) {
            char b[64];
            switch (sqlite3_column_type(st, i)) {
            case SQLITE_NULL: row += "null"; break;
            case SQLITE_INTEGER: row += std::to_string(sqlite3_column_int64(st, i)); break;
            case SQLITE_FLOAT:
                std::snprintf(b, sizeof b, "%a", sqlite3_column_double(st, i));
                row += b;
                break;
            case SQLITE_TEXT: row += reinterpret_cast<const char*>(sqlite3_column_text(st, i)); break;
            default: row += "blob" + std::to_string(sqlite3_column_bytes(st, i));
            }
            row += "|";
        }
        out.push_back(row);
    }
    REQUIRE(rc == SQLITE_DONE);
    return out;
}

int64_t intOf(sqlite3* db, const std::string& sql)
{
    const auto r = rowsOf(db, sql);
    REQUIRE(r.size() == 1);
    return std::stoll(r[0]);
}

struct File {
    explicit File(const std::string& path)
    {
        sqlite3* raw = nullptr;
        REQUIRE(sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
        db.reset(raw);
    }
    sqlite::ConnectionPtr db;
    std::vector<std::string> rows(const std::string& sql) const { return rowsOf(db.get(), sql); }
    int64_t scalar(const std::string& sql) const { return intOf(db.get(), sql); }
    std::string check(const std::string& rtree) const { return rows("SELECT rtreecheck('" + rtree + "')").at(0); }
};

// How many nodes an STR tree of `n` entries with `cap` cells per node has.
int64_t strNodes(int64_t n, int64_t cap)
{
    int64_t total = 0;
    do {
        n = (n + cap - 1) / cap;
        total += n;
    } while (n > 1);
    return total;
}

// A value of any magnitude (1e-8 to 1e8, either sign), rarely exactly a float.
double anyValue(std::mt19937_64& rng)
{
    std::uniform_real_distribution<double> mant(1.0, 10.0), expo(-8.0, 8.0);
    std::bernoulli_distribution neg(0.5);
    const double v = mant(rng) * std::pow(10.0, std::floor(expo(rng)));
    return neg(rng) ? -v : v;
}

// Axis-parallel rectangles (so a spatial filter's exact test is the envelope test) over Lạng Sơn
// and across the date line and the equator, every 9th row without geometry, in groups "g0".."g2".
Layer boxes(int n, uint64_t seed, const std::string& name = "boxes")
{
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> x(-2.0, 2.0), y(-1.0, 1.0), w(1e-9, 0.05);
    Layer l;
    l.name = name;
    l.geomType = GeomType::Polygon;
    l.fields = {{"code", FieldType::Text, 0, true}, {"grp", FieldType::Text, 0, false}, {"n", FieldType::Integer, 0, false}};
    for (int i = 0; i < n; ++i) {
        Geometry g;
        if (i % 9 != 4) {
            // half of them near Lạng Sơn, half around (0, 0) where both signs round
            const double x0 = (i % 2 ? 106.5 : 0.0) + x(rng), y0 = (i % 2 ? 21.8 : 0.0) + y(rng);
            const double dx = w(rng), dy = w(rng);
            g = Geometry::polygon({{{x0, y0}, {x0 + dx, y0}, {x0 + dx, y0 + dy}, {x0, y0 + dy}, {x0, y0}}});
        }
        Feature& f = l.addFeature(std::move(g));
        l.set(f, "code", "B" + std::to_string(seed) + "-" + std::to_string(i));
        l.set(f, "grp", "g" + std::to_string(i % 3));
        l.set(f, "n", int64_t(i));
    }
    return l;
}

// The fids GDAL's spatial filter gives on `layer` of `path` (opened afresh) for `count` random
// rectangles, and the fids whose envelope meets each rectangle (from a plain read of the layer).
void checkSpatialFilters(const std::string& path, const std::string& layer, int count, uint64_t seed)
{
    std::vector<std::pair<int64_t, Extent>> envelopes;
    {
        auto s = ProjectStore::open(path);
        for (const Feature& f : s->readLayer(layer).features)
            if (!f.geom.isEmpty())
                envelopes.emplace_back(f.fid, f.geom.extent());
    }
    REQUIRE(envelopes.size() > 100);
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    REQUIRE(ds);
    OGRLayer* l = ds->GetLayerByName(layer.c_str());
    REQUIRE(l);
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> jitter(-0.2, 0.05), size(0.0, 0.3);
    size_t hits = 0, empty = 0;
    for (int q = 0; q < count; ++q) {
        // near a feature, small and (every 5th) large; every 7th just touching its envelope's corner
        const Extent& e = envelopes[static_cast<size_t>(rng() % envelopes.size())].second;
        double x0 = e.minX + jitter(rng), y0 = e.minY + jitter(rng);
        double x1 = x0 + size(rng) * (q % 5 == 0 ? 10 : 1), y1 = y0 + size(rng) * (q % 5 == 0 ? 10 : 1);
        if (q % 7 == 3) {
            x0 = e.maxX;
            y0 = e.maxY;
            x1 = e.maxX + 0.01;
            y1 = e.maxY + 0.01;
        }
        std::vector<int64_t> expected, got;
        for (const auto& [fid, e] : envelopes)
            if (e.minX <= x1 && e.maxX >= x0 && e.minY <= y1 && e.maxY >= y0)
                expected.push_back(fid);
        l->SetSpatialFilterRect(x0, y0, x1, y1);
        l->ResetReading();
        while (OGRFeatureUniquePtr f{l->GetNextFeature()})
            got.push_back(f->GetFID());
        std::sort(expected.begin(), expected.end());
        std::sort(got.begin(), got.end());
        INFO("rectangle " << q << ": " << x0 << " " << y0 << " " << x1 << " " << y1);
        REQUIRE(got == expected);
        hits += got.size();
        empty += got.empty() ? 1 : 0;
    }
    // the rectangles were not all empty nor all everything
    CHECK(hits > static_cast<size_t>(count));
    CHECK(empty > 0);
    CHECK(empty < static_cast<size_t>(count) / 2);
}

const char* kBoxesTree = "rtree_boxes_geom";

} // namespace

TEST_CASE("SQLite's float rounding of R-tree bounds is reproduced", "[store][fast][rtree]")
{
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(":memory:", &raw) == SQLITE_OK);
    sqlite::ConnectionPtr db(raw);
    gpkg::exec(raw, "CREATE VIRTUAL TABLE r USING rtree(id, minx, maxx, miny, maxy)", "test");
    const sqlite::StatementPtr ins = sqlite::prepare(raw, "INSERT INTO r VALUES (?, ?, ?, ?, ?)");
    const sqlite::StatementPtr get = sqlite::prepare(raw, "SELECT minx, maxx, miny, maxy FROM r WHERE id = ?");
    std::mt19937_64 rng(7);
    int roundedDown = 0, roundedUp = 0;
    for (int i = 1; i <= 3000; ++i) {
        double a = anyValue(rng), b = anyValue(rng);
        if (i % 10 == 0)
            a = b = static_cast<float>(a);  // exact floats stay as they are
        if (a > b)
            std::swap(a, b);
        sqlite3_bind_int64(ins.get(), 1, i);
        for (int k = 0; k < 4; ++k)
            sqlite3_bind_double(ins.get(), 2 + k, k % 2 ? b : a);
        REQUIRE(sqlite3_step(ins.get()) == SQLITE_DONE);
        sqlite3_reset(ins.get());
        sqlite3_bind_int64(get.get(), 1, i);
        REQUIRE(sqlite3_step(get.get()) == SQLITE_ROW);
        INFO(a << " " << b);
        CHECK(sqlite3_column_double(get.get(), 0) == static_cast<double>(gpkg::rtreeDown(a)));
        CHECK(sqlite3_column_double(get.get(), 1) == static_cast<double>(gpkg::rtreeUp(b)));
        sqlite3_reset(get.get());
        roundedDown += gpkg::rtreeDown(a) < a ? 1 : 0;
        roundedUp += gpkg::rtreeUp(b) > b ? 1 : 0;
        CHECK(gpkg::rtreeDown(a) <= a);
        CHECK(gpkg::rtreeUp(b) >= b);
    }
    CHECK(roundedDown > 2000);
    CHECK(roundedUp > 2000);
}

TEST_CASE("bulkLoadRtree stores what one INSERT per entry stores, in a tree SQLite checks and edits", "[store][fast][rtree]")
{
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(":memory:", &raw) == SQLITE_OK);
    sqlite::ConnectionPtr db(raw);
    // sizes: one leaf root, full, two leaves, depth 1, depth 2
    for (const int n : {1, 51, 52, 2000, 51 * 51 + 7}) {
        INFO(n << " entries");
        gpkg::exec(raw, "DROP TABLE IF EXISTS bulk; DROP TABLE IF EXISTS one", "test");
        gpkg::exec(raw, "CREATE VIRTUAL TABLE \"bulk\" USING rtree(id, minx, maxx, miny, maxy)", "test");
        gpkg::exec(raw, "CREATE VIRTUAL TABLE one USING rtree(id, minx, maxx, miny, maxy)", "test");
        const int nodeSize = gpkg::emptyRtreeNodeSize(raw, "bulk");
        REQUIRE(nodeSize == 4 + 51 * 24);
        std::mt19937_64 rng(static_cast<uint64_t>(n));
        std::vector<gpkg::RtreeEntry> entries;
        const sqlite::StatementPtr ins = sqlite::prepare(raw, "INSERT INTO one VALUES (?, ?, ?, ?, ?)");
        for (int i = 0; i < n; ++i) {
            double x0 = anyValue(rng), x1 = anyValue(rng), y0 = anyValue(rng), y1 = anyValue(rng);
            if (x0 > x1)
                std::swap(x0, x1);
            if (y0 > y1)
                std::swap(y0, y1);
            if (i % 50 == 7)
                x1 = x0;  // a line
            const gpkg::RtreeEntry e{int64_t(i) + 1000, x0, x1, y0, y1};
            entries.push_back(e);
            sqlite3_bind_int64(ins.get(), 1, e.id);
            sqlite3_bind_double(ins.get(), 2, e.minX);
            sqlite3_bind_double(ins.get(), 3, e.maxX);
            sqlite3_bind_double(ins.get(), 4, e.minY);
            sqlite3_bind_double(ins.get(), 5, e.maxY);
            REQUIRE(sqlite3_step(ins.get()) == SQLITE_DONE);
            sqlite3_reset(ins.get());
        }
        std::shuffle(entries.begin(), entries.end(), rng);
        gpkg::bulkLoadRtree(raw, "bulk", nodeSize, entries, "test");
        CHECK(rowsOf(raw, "SELECT rtreecheck('bulk')").at(0) == "ok|");
        CHECK(rowsOf(raw, "SELECT * FROM bulk ORDER BY id") == rowsOf(raw, "SELECT * FROM one ORDER BY id"));
        CHECK(intOf(raw, "SELECT count(*) FROM bulk_node") == strNodes(n, 51));
        const int64_t depth = n <= 51 ? 0 : n <= 51 * 51 ? 1 : 2;
        CHECK(rowsOf(raw, "SELECT hex(substr(data, 1, 2)) FROM bulk_node WHERE nodeno = 1").at(0) ==
              (depth == 0 ? "0000|" : depth == 1 ? "0001|" : "0002|"));
        // not empty any more
        CHECK(gpkg::emptyRtreeNodeSize(raw, "bulk") == 0);

        // SQLite's module edits both trees the same way: inserts (splitting full nodes), deletes
        // of two thirds (condensing the tree), moves; then queries agree with each other and with
        // a brute-force test of the stored floats
        for (const char* t : {"bulk", "one"}) {
            const std::string q = t;
            gpkg::exec(raw,
                       "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 300) INSERT INTO " + q +
                           " SELECT i, i * 0.37 - 50, i * 0.37 - 49.9, -i * 0.11, -i * 0.11 + 0.5 FROM k",
                       "test");
            gpkg::exec(raw, "DELETE FROM " + q + " WHERE id % 3 != 0 AND id >= 1000", "test");
            gpkg::exec(raw, "UPDATE " + q + " SET minx = minx - 1, maxx = maxx + 1 WHERE id % 7 = 0", "test");
            CHECK(rowsOf(raw, "SELECT rtreecheck('" + q + "')").at(0) == "ok|");
        }
        CHECK(rowsOf(raw, "SELECT * FROM bulk ORDER BY id") == rowsOf(raw, "SELECT * FROM one ORDER BY id"));
        std::uniform_real_distribution<double> u(-1e3, 1e3);
        for (int k = 0; k < 200; ++k) {
            double a = u(rng), b = u(rng), c = u(rng), d = u(rng);
            if (k % 3 == 0) {
                a /= 1e4;
                c /= 1e4;
            }
            char where[256];
            std::snprintf(where, sizeof where, " WHERE minx <= %.17g AND maxx >= %.17g AND miny <= %.17g AND maxy >= %.17g",
                          std::max(a, b), std::min(a, b), std::max(c, d), std::min(c, d));
            const auto viaTree = rowsOf(raw, std::string("SELECT id FROM bulk") + where + " ORDER BY id");
            CHECK(viaTree == rowsOf(raw, std::string("SELECT id FROM one") + where + " ORDER BY id"));
            // the same test on a plain copy of the stored values (no index)
            CHECK(viaTree == rowsOf(raw, std::string("SELECT id FROM (SELECT * FROM bulk ORDER BY id LIMIT -1)") + where +
                                             " ORDER BY id"));
        }
    }
}

TEST_CASE("only an empty 2-D R-tree of GDAL's layout on a writable schema is bulk-loaded", "[store][fast][rtree]")
{
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(":memory:", &raw) == SQLITE_OK);
    sqlite::ConnectionPtr db(raw);
    gpkg::exec(raw,
               "CREATE VIRTUAL TABLE \"a\" USING rtree(id, minx, maxx, miny, maxy);"
               "CREATE VIRTUAL TABLE \"b\" USING rtree(id, minx, maxx, miny, maxy, +label);"
               "CREATE VIRTUAL TABLE \"c\" USING rtree_i32(id, minx, maxx, miny, maxy);"
               "CREATE VIRTUAL TABLE \"d\" USING rtree(id, minx, maxx, miny, maxy, minz, maxz);"
               "CREATE VIRTUAL TABLE \"e\" USING rtree(id, minx, maxx, miny, maxy);"
               "CREATE TABLE \"f\"(id, minx, maxx, miny, maxy);"
               "CREATE VIRTUAL TABLE g USING rtree(id, minx, maxx, miny, maxy);"  // not as GDAL writes it
               "INSERT INTO \"e\" VALUES (1, 0, 1, 0, 1); DELETE FROM \"e\"",  // emptied again
               "test");
    CHECK(gpkg::emptyRtreeNodeSize(raw, "a") == 1228);
    CHECK(gpkg::emptyRtreeNodeSize(raw, "b") == 0);
    CHECK(gpkg::emptyRtreeNodeSize(raw, "c") == 0);
    CHECK(gpkg::emptyRtreeNodeSize(raw, "d") == 0);
    CHECK(gpkg::emptyRtreeNodeSize(raw, "e") == 1228);  // one empty root again
    CHECK(gpkg::emptyRtreeNodeSize(raw, "f") == 0);
    CHECK(gpkg::emptyRtreeNodeSize(raw, "g") == 0);
    CHECK(gpkg::emptyRtreeNodeSize(raw, "missing") == 0);
    gpkg::exec(raw, "INSERT INTO a VALUES (1, 0, 1, 0, 1)", "test");
    CHECK(gpkg::emptyRtreeNodeSize(raw, "a") == 0);
    gpkg::exec(raw, "DELETE FROM a", "test");
    // shadow tables are read-only under SQLITE_DBCONFIG_DEFENSIVE
    int on = 0;
    REQUIRE(sqlite3_db_config(raw, SQLITE_DBCONFIG_DEFENSIVE, 1, &on) == SQLITE_OK);
    CHECK(on == 1);
    CHECK(gpkg::emptyRtreeNodeSize(raw, "a") == 0);
}

TEST_CASE("replaceLayer bulk-loads the R-tree: per-row entries, rtreecheck ok, exact spatial filters", "[store][fast][rtree]")
{
    test::TempDir dir("store-rtree");
    const Layer gaps = ProjectStore::open(test::analysedPath())->readLayer("coverage_gaps");
    REQUIRE(gaps.features.size() > 5000);
    const Layer b = boxes(4000, 11);
    int64_t withGeometry = 0;
    for (const Feature& f : b.features)
        withGeometry += f.geom.isEmpty() ? 0 : 1;
    auto write = [&](const std::string& path, bool bulk) {
        auto s = ProjectStore::create(path);
        s->setRtreeBulkLoad(bulk);
        {
            ProjectStore::Transaction t(*s);
            s->replaceLayer(b);
            s->replaceLayer(gaps);
            t.commit();
        }
        {
            // replaced: deleteRowsFast re-creates the empty R-tree, which is bulk-loaded again
            ProjectStore::Transaction t(*s);
            s->replaceLayer(b);
            t.commit();
        }
    };
    const std::string bulkPath = dir.file("bulk.gpkg"), rowPath = dir.file("rows.gpkg");
    write(bulkPath, true);
    write(rowPath, false);
    const File bulk(bulkPath), perRow(rowPath);
    for (const char* name : {"rtree_boxes_geom", "rtree_coverage_gaps_geom"}) {
        const std::string tree = name;
        INFO(tree);
        const std::string q = "SELECT id, minx, maxx, miny, maxy FROM " + tree + " ORDER BY id";
        const auto a = bulk.rows(q);
        CHECK(a.size() > 3000);
        CHECK(a == perRow.rows(q));
        CHECK(bulk.check(tree) == "ok|");
        CHECK(perRow.check(tree) == "ok|");
        // really bulk-loaded: an STR tree's node count (SQLite's splits leave nodes part-full)
        CHECK(bulk.scalar("SELECT count(*) FROM " + tree + "_node") == strNodes(static_cast<int64_t>(a.size()), 51));
        CHECK(perRow.scalar("SELECT count(*) FROM " + tree + "_node") > strNodes(static_cast<int64_t>(a.size()), 51));
    }
    CHECK(bulk.scalar("SELECT count(*) FROM rtree_boxes_geom") == withGeometry);
    CHECK(bulk.scalar("SELECT count(*) FROM rtree_boxes_geom r JOIN boxes b ON b.fid = r.id") == withGeometry);
    // the rows and the rest of the file are the same
    for (const char* t : {"boxes", "coverage_gaps"}) {
        const std::string q = std::string("SELECT * FROM ") + t + " ORDER BY fid";
        CHECK(bulk.rows(q) == perRow.rows(q));
    }
    CHECK(bulk.rows("PRAGMA integrity_check").at(0) == "ok|");
    checkSpatialFilters(bulkPath, "boxes", 300, 5);
}

TEST_CASE("a bulk-loaded R-tree stays whole through later edits by OGR and the fast path", "[store][fast][rtree]")
{
    test::TempDir dir("store-rtree-edit");
    const std::string path = dir.file("edit.gpkg");
    auto check = [&](const char* when) {
        INFO(when);
        const File f(path);
        CHECK(f.check(kBoxesTree) == "ok|");
        // one entry per row with a geometry, none other
        CHECK(f.scalar("SELECT count(*) FROM boxes WHERE geom IS NOT NULL") == f.scalar("SELECT count(*) FROM rtree_boxes_geom"));
        CHECK(f.scalar("SELECT count(*) FROM boxes b JOIN rtree_boxes_geom r ON r.id = b.fid") ==
              f.scalar("SELECT count(*) FROM rtree_boxes_geom"));
    };
    {
        auto s = ProjectStore::create(path);
        ProjectStore::Transaction t(*s);
        s->replaceLayer(boxes(3000, 1));               // bulk-loaded
        s->appendFeatures(boxes(400, 2));              // fast path, per row (tree not empty)
        CHECK(s->deleteWhere("boxes", {{"grp", "g1"}}) > 1000);  // fast delete: the trigger per row
        s->setFastIo(false);
        s->appendFeatures(boxes(300, 3));              // OGR: its triggers
        CHECK(s->deleteWhere("boxes", {{"grp", "g2"}}) > 1000);
        t.commit();
    }
    check("same session");
    {
        auto s = ProjectStore::open(path, ProjectStore::Mode::ReadWrite);
        ProjectStore::Transaction t(*s);
        s->appendFeatures(boxes(500, 4));
        CHECK(s->deleteWhere("boxes", {{"grp", "g0"}}) > 1000);
        s->appendFeatures(boxes(200, 5));
        t.commit();
    }
    check("later session, fast path");
    {
        // GDAL itself: deletes, moves, inserts
        GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE));
        REQUIRE(ds);
        OGRLayer* l = ds->GetLayerByName("boxes");
        REQUIRE(l);
        std::vector<GIntBig> fids;
        l->ResetReading();
        while (OGRFeatureUniquePtr f{l->GetNextFeature()})
            fids.push_back(f->GetFID());
        REQUIRE(fids.size() > 500);
        REQUIRE(ds->StartTransaction() == OGRERR_NONE);
        for (size_t i = 0; i < fids.size(); i += 2)
            REQUIRE(l->DeleteFeature(fids[i]) == OGRERR_NONE);
        for (size_t i = 1; i < fids.size(); i += 6) {
            OGRFeatureUniquePtr f(l->GetFeature(fids[i]));
            REQUIRE(f);
            OGRPolygon poly;
            OGRLinearRing ring;
            const double x = 100.0 + static_cast<double>(i) * 1e-3;
            ring.addPoint(x, 20.0);
            ring.addPoint(x + 0.5, 20.0);
            ring.addPoint(x + 0.5, 20.25);
            ring.addPoint(x, 20.25);  // a rectangle still: the filter's exact test is the envelope test
            ring.addPoint(x, 20.0);
            poly.addRing(&ring);
            f->SetGeometry(&poly);
            REQUIRE(l->SetFeature(f.get()) == OGRERR_NONE);
        }
        REQUIRE(ds->CommitTransaction() == OGRERR_NONE);
    }
    check("later session, OGR");
    checkSpatialFilters(path, "boxes", 200, 9);
}

TEST_CASE("a row failing during a bulk-loaded write names it and leaves the R-tree as it was", "[store][fast][rtree]")
{
    test::TempDir dir("store-rtree-fail");
    const std::string path = dir.file("fail.gpkg");
    auto s = ProjectStore::create(path);
    {
        ProjectStore::Transaction t(*s);
        s->replaceLayer(boxes(2000, 21));
        t.commit();
    }
    auto snapshot = [&] {
        const File f(path);
        std::vector<std::string> all = f.rows("SELECT * FROM boxes ORDER BY fid");
        for (const char* shadow : {"_node", "_rowid", "_parent"})
            for (const auto& r : f.rows(std::string("SELECT * FROM rtree_boxes_geom") + shadow + " ORDER BY 1"))
                all.push_back(r);
        for (const auto& r : f.rows("SELECT hex(data) FROM rtree_boxes_geom_node ORDER BY nodeno"))
            all.push_back(r);
        return all;
    };
    const auto before = snapshot();
    // rows are inserted 32 to a statement: a failing first, last, middle row of a batch, and of
    // the shorter last batch (2500 = 78 * 32 + 4)
    const std::vector<std::pair<const char*, size_t>> cases{
        {"boxes", 1}, {"boxes", 32}, {"boxes", 33}, {"boxes", 1800}, {"boxes", 2498}, {"boxes", 2500}, {"fresh", 1800}};
    for (const auto& [layer, badRow] : cases) {
        INFO(layer << " row " << badRow);
        Layer bad = boxes(2500, 22, layer);
        bad.set(bad.features[badRow - 1], "code", Value{});  // NOT NULL
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
            CHECK(what.find(std::string(layer) + " row " + std::to_string(badRow) + ":") != std::string::npos);
            CHECK(what.find("field 'code'") != std::string::npos);
            CHECK(what.find("NOT NULL") != std::string::npos);
        }
        CHECK(threw);
    }
    CHECK_FALSE(s->hasLayer("fresh"));
    CHECK(s->layerInfo("boxes").featureCount == 2000);
    s->close();
    CHECK(snapshot() == before);
    const File f(path);
    CHECK(f.check(kBoxesTree) == "ok|");
    CHECK(f.scalar("SELECT count(*) FROM sqlite_master WHERE name LIKE 'rtree_fresh%'") == 0);
}

TEST_CASE("rows written before a failing row keep their R-tree entries when the caller commits anyway", "[store][fast][rtree]")
{
    test::TempDir dir("store-rtree-partial");
    const std::string path = dir.file("partial.gpkg");
    for (const bool bulk : {true, false}) {
        INFO("bulk load " << bulk);
        auto s = ProjectStore::create(path);
        s->setRtreeBulkLoad(bulk);
        {
            ProjectStore::Transaction t(*s);
            Layer bad = boxes(1000, 31);
            bad.set(bad.features[700], "code", Value{});  // NOT NULL, row 701 (in the batch of rows 673-704)
            CHECK_THROWS_AS(s->replaceLayer(bad), Error);
            t.commit();  // what was written stays: rows 1-700
        }
        s->close();
        const File f(path);
        CHECK(f.scalar("SELECT count(*) FROM boxes") == 700);
        CHECK(f.check(kBoxesTree) == "ok|");
        CHECK(f.scalar("SELECT count(*) FROM boxes WHERE geom IS NOT NULL") == f.scalar("SELECT count(*) FROM rtree_boxes_geom"));
        CHECK(f.scalar("SELECT count(*) FROM boxes b JOIN rtree_boxes_geom r ON r.id = b.fid") ==
              f.scalar("SELECT count(*) FROM rtree_boxes_geom"));
        CHECK(f.scalar("SELECT count(*) FROM rtree_boxes_geom") == 622);  // every 9th row has no geometry
        if (bulk)  // bulk-loaded as the error went by
            CHECK(f.scalar("SELECT count(*) FROM rtree_boxes_geom_node") == strNodes(622, 51));
        std::remove(path.c_str());
    }
}
