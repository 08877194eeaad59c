// Independent check of `bando analyze` with SpatiaLite SQL on the same GeoPackage (issue #9):
// per-village shop counts (ST_Within, plus the points on a village boundary counted separately)
// and covered areas (ST_Intersection, areas in EPSG:9215) must equal Bando's.
// SpatiaLite runs in GeoPackage amphibious mode; every predicate is checked to be non-NULL (a NULL
// would make the comparison pass silently: PITFALLS). Uses mod_spatialite when it can be loaded,
// else the libspatialite Bando links; exits 77 (CTest SKIP_RETURN_CODE) when neither is there.
#include "core/base/feedback.hpp"
#include "core/capi/sqlite.hpp"
#include "core/tasks/analyze_task.hpp"
#include "core/tasks/job.hpp"

#include <sqlite3.h>
// spatialite.h needs sqlite3.h first
#include <spatialite.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>

namespace {

int failures = 0;
void check(bool ok, const std::string& what)
{
    if (!ok) {
        ++failures;
        std::fprintf(stderr, "FAILED: %s\n", what.c_str());
    }
}

struct Rows {
    std::vector<std::vector<std::string>> rows;
    bool nullSeen = false;
};

Rows query(sqlite3* db, const std::string& sql)
{
    Rows out;
    const bando::sqlite::StatementPtr statement = bando::sqlite::prepare(db, sql);
    sqlite3_stmt* s = statement.get();
    if (!s) {
        std::fprintf(stderr, "SQL error: %s\n%s\n", sqlite3_errmsg(db), sql.c_str());
        std::exit(1);
    }
    while (sqlite3_step(s) == SQLITE_ROW) {
        std::vector<std::string> row;
        for (int c = 0; c < sqlite3_column_count(s); ++c) {
            const unsigned char* t = sqlite3_column_text(s, c);
            if (!t)
                out.nullSeen = true;
            row.push_back(t ? reinterpret_cast<const char*>(t) : "");
        }
        out.rows.push_back(std::move(row));
    }
    return out;
}

} // namespace

int main()
{
    const std::string sample = BANDO_TEST_SAMPLE;
    if (!std::filesystem::exists(sample)) {
        std::fprintf(stderr, "no sample project at %s\n", sample.c_str());
        return 1;
    }
    const std::string path = std::string(BANDO_TEST_BINARY_DIR) + "/tests/analysis-spatialite.gpkg";
    std::filesystem::copy_file(sample, path, std::filesystem::copy_options::overwrite_existing);
    bando::Feedback fb;
    bando::tasks::AnalyzeRequest req;
    req.project = path;
    const auto r = bando::tasks::runTask(req, fb);

    bando::sqlite::SpatialiteCachePtr cache;  // declared first: outlives the connection that uses it
    bando::sqlite::ConnectionPtr connection;
    {
        sqlite3* opened = nullptr;
        const int rc = sqlite3_open_v2(path.c_str(), &opened, SQLITE_OPEN_READONLY, nullptr);
        connection.reset(opened);
        if (rc != SQLITE_OK)
            return 1;
    }
    sqlite3* db = connection.get();
    sqlite3_enable_load_extension(db, 1);
    char* err = nullptr;
    if (sqlite3_load_extension(db, "mod_spatialite", nullptr, &err) == SQLITE_OK) {
        std::printf("SpatiaLite: mod_spatialite\n");
    } else {
        sqlite3_free(err);
        cache.reset(spatialite_alloc_connection());
        if (!cache) {
            std::printf("SKIPPED: mod_spatialite cannot be loaded and libspatialite is unavailable\n");
            return 77;
        }
        spatialite_init_ex(db, cache.get(), 0);
        std::printf("SpatiaLite: libspatialite %s (mod_spatialite not installed)\n", spatialite_version());
    }
    query(db, "SELECT EnableGpkgAmphibiousMode()");
    // ST_Transform reads spatial_ref_sys, which a GeoPackage lacks: a temporary one (PROJ strings
    // from resources/domain/crs_vn2000_epsg.csv)
    query(db, "CREATE TEMP TABLE spatial_ref_sys (srid INTEGER PRIMARY KEY, auth_name TEXT, auth_srid INTEGER, "
              "ref_sys_name TEXT, proj4text TEXT, srtext TEXT)");
    query(db, "INSERT INTO temp.spatial_ref_sys VALUES (4326, 'epsg', 4326, 'WGS 84', "
              "'+proj=longlat +datum=WGS84 +no_defs', ''), (9215, 'epsg', 9215, 'VN-2000 / TM-3 107-15', "
              "'+proj=tmerc +lat_0=0 +lon_0=107.25 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 "
              "+towgs84=-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278 "
              "+units=m +no_defs', '')");
    // GDAL's rtree triggers would call ST_ functions: the connection is read-only anyway.

    // (a) shops per village: one DE-9IM relate per candidate pair (villages outer, so SpatiaLite's
    // geometry cache keeps the village parsed): interior "0FFFFF212", boundary "F0FFFF212".
    auto t0 = std::chrono::steady_clock::now();
    const Rows rel = query(db,
                           "SELECT v.code, ST_Relate(s.geom, v.geom) FROM villages v "
                           "JOIN rtree_shops_geom r ON r.minx <= MbrMaxX(v.geom) AND r.maxx >= MbrMinX(v.geom) "
                           "AND r.miny <= MbrMaxY(v.geom) AND r.maxy >= MbrMinY(v.geom) JOIN shops s ON s.fid = r.id");
    check(!rel.nullSeen, "ST_Relate is never NULL on the sample");
    Rows within, touching;
    std::map<std::string, int64_t> withinOf;
    int64_t touchingCount = 0;
    for (const auto& row : rel.rows) {
        if (row[1].size() == 9 && row[1][0] == '0')
            ++withinOf[row[0]];
        else if (row[1].size() == 9 && row[1][0] == 'F' && row[1][1] == '0')
            ++touchingCount;
    }
    for (const auto& [code, n] : withinOf)
        within.rows.push_back({code, std::to_string(n)});
    touching.rows.push_back({std::to_string(touchingCount)});
    std::printf("SpatiaLite point-in-polygon: %.1f s for %zu candidate pairs\n",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), rel.rows.size());
    std::map<std::string, int64_t> sl;
    int64_t slTotal = 0;
    for (const auto& row : within.rows) {
        sl[row[0]] = std::stoll(row[1]);
        slTotal += std::stoll(row[1]);
    }
    const int64_t slBoundary = touching.rows.empty() ? -1 : std::stoll(touching.rows[0][0]);
    int64_t bandoTotal = 0, mismatches = 0;
    for (const auto& v : r.villages) {
        bandoTotal += v.shops;
        const int64_t inside = v.shops - v.boundaryShops;
        if (inside != sl[v.code]) {
            ++mismatches;
            if (mismatches < 10)
                std::fprintf(stderr, "village %s: Bando %lld inside, SpatiaLite %lld\n", v.code.c_str(),
                             static_cast<long long>(inside), static_cast<long long>(sl[v.code]));
        }
    }
    check(mismatches == 0, "per-village shop counts equal SpatiaLite's");
    check(slBoundary == r.shopsBoundary, "boundary points: SpatiaLite " + std::to_string(slBoundary) + ", Bando " +
                                             std::to_string(r.shopsBoundary));
    check(slTotal + slBoundary == bandoTotal, "shop totals equal");
    std::printf("shops: Bando %lld in villages (%lld on a boundary), SpatiaLite %lld within + %lld touching\n",
                static_cast<long long>(bandoTotal), static_cast<long long>(r.shopsBoundary),
                static_cast<long long>(slTotal), static_cast<long long>(slBoundary));

    // (b) covered areas: every operator x technology good area for the villages of one district
    t0 = std::chrono::steady_clock::now();
    const Rows areas = query(
        db, "SELECT v.code, c.operator, c.technology, "
            "ST_Area(ST_Transform(ST_Intersection(v.geom, c.geom), 9215)), ST_Area(ST_Transform(v.geom, 9215)) "
            "FROM (SELECT code, geom FROM villages WHERE district_code = '178') v JOIN coverage c "
            "ON c.level = 'good' AND ST_Intersects(v.geom, c.geom) = 1");
    std::printf("SpatiaLite covered areas: %.1f s\n",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    check(!areas.rows.empty(), "SpatiaLite intersected coverage");
    std::map<std::string, const bando::analysis::VillageIndicators*> byCode;
    for (const auto& v : r.villages)
        byCode[v.code] = &v;
    int compared = 0, areaMismatch = 0;
    for (const auto& row : areas.rows) {
        check(!row[3].empty(), "ST_Area(ST_Intersection) is not NULL for " + row[0]);
        const auto* v = byCode[row[0]];
        if (!v || row[3].empty())
            continue;
        const double slArea = std::stod(row[3]);
        double bando = -1;
        for (const auto& c : v->coverage)
            if (c.op == row[1] && c.tech == row[2])
                bando = c.areaGood * v->areaKm2 * 1e6;
        ++compared;
        // VN-2000 edges are straight in 9215 for Bando, in WGS 84 for SpatiaLite: 0.05 % or 20 m2
        if (std::fabs(bando - slArea) > std::max(5e-4 * std::stod(row[4]), 20.0)) {
            ++areaMismatch;
            if (areaMismatch < 10)
                std::fprintf(stderr, "village %s %s %s: Bando %.1f m2, SpatiaLite %.1f m2\n", row[0].c_str(),
                             row[1].c_str(), row[2].c_str(), bando, slArea);
        }
    }
    check(compared > 100, "compared covered areas of " + std::to_string(compared) + " village x coverage pairs");
    check(areaMismatch == 0, "covered areas equal SpatiaLite's");
    std::printf("covered areas: %d village x operator x technology pairs compared\n", compared);
    connection.reset();
    cache.reset();
    std::filesystem::remove(path);
    std::printf(failures ? "FAILED (%d)\n" : "OK\n", failures);
    return failures ? 1 : 0;
}
