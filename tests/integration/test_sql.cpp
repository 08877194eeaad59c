#include <catch2/catch.hpp>

#include "core/base/error.hpp"
#include "core/store/project_query.hpp"
#include "core/store/project_store.hpp"
#include "core/tasks/job.hpp"
#include "core/tasks/sql_task.hpp"
#include "support/test_support.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

using namespace bando;
namespace fs = std::filesystem;

namespace {

// A private copy of the sample, so that no other test's writer holds its lock.
std::string copyOfSample(const test::TempDir& dir)
{
    const std::string path = dir.file("sample.gpkg");
    fs::copy_file(test::samplePath(), path);
    return path;
}

test::RunResult sql(const std::string& project, const std::string& query, const std::string& options = "")
{
    return test::run("BANDO_LANG=en " + test::shellQuote(test::cliPath()) + " sql " + test::shellQuote(project) +
                     " " + test::shellQuote(query) + (options.empty() ? "" : " " + options));
}

tasks::SqlResult query(const std::string& project, const std::string& q)
{
    tasks::SqlRequest request;
    request.project = project;
    request.query = q;
    Feedback fb;
    return tasks::runTask(request, fb);
}

} // namespace

TEST_CASE("sql: counts and SpatiaLite functions on the project's geometry columns", "[sql]")
{
    test::TempDir dir("sql");
    const std::string project = copyOfSample(dir);

    auto count = query(project, "SELECT count(*) AS n FROM villages");
    REQUIRE(count.columns == std::vector<std::string>{"n"});
    REQUIRE(count.rows.size() == 1);
    CHECK(toInt(count.rows[0][0]) == 1699);

    // Amphibious mode: SpatiaLite reads the GeoPackage geometry blobs (NULL without it).
    auto spatial = query(project, "SELECT ST_IsValid(geom), ST_Area(geom), ST_Area(Transform(geom, 9215)), "
                                  "ST_GeometryType(geom) FROM villages ORDER BY fid LIMIT 1");
    REQUIRE(spatial.rows.size() == 1);
    const auto& row = spatial.rows[0];
    REQUIRE_FALSE(isNull(row[0]));
    REQUIRE_FALSE(isNull(row[1]));
    REQUIRE_FALSE(isNull(row[2]));
    REQUIRE_FALSE(isNull(row[3]));
    CHECK(toInt(row[0]) == 1);
    CHECK(*toReal(row[1]) > 0);
    CHECK(*toReal(row[1]) < 0.01);          // square degrees: a village is small
    CHECK(*toReal(row[2]) > 10000);         // m² in VN-2000 / TM-3
    CHECK(*toReal(row[2]) < 200'000'000);
    CHECK(toString(row[3]).find("POLYGON") != std::string::npos);

    // A spatial join by hand: every village centroid lies in some commune's bounding box.
    auto join = query(project, "SELECT count(*) FROM villages v WHERE EXISTS (SELECT 1 FROM communes c "
                               "WHERE MbrContains(c.geom, ST_Centroid(v.geom)))");
    CHECK(toInt(join.rows[0][0]) == 1699);
}

TEST_CASE("bando sql prints a table, CSV or JSON", "[sql][cli]")
{
    test::TempDir dir("sql");
    const std::string project = copyOfSample(dir);

    auto table = sql(project, "SELECT count(*) FROM villages");
    INFO(table.err);
    REQUIRE(table.exitCode == 0);
    CHECK(table.out == "count(*)\n--------\n    1699\n(1 row)\n");

    auto csv = sql(project, "SELECT code, name, households FROM villages ORDER BY code LIMIT 2", "--csv");
    REQUIRE(csv.exitCode == 0);
    CHECK(csv.out.rfind("code,name,households\r\n", 0) == 0);
    CHECK(std::count(csv.out.begin(), csv.out.end(), '\n') == 3);

    auto json = sql(project, "SELECT count(*) AS n, 'a\"b' AS s, NULL AS z FROM villages", "--json");
    REQUIRE(json.exitCode == 0);
    CHECK(json.out.find("\"columns\": [\"n\", \"s\", \"z\"]") != std::string::npos);
    CHECK(json.out.find("[1699, \"a\\\"b\", null]") != std::string::npos);
    CHECK(json.out.find("\"row_count\": 1") != std::string::npos);

    auto both = sql(project, "SELECT 1", "--csv --json");
    CHECK(both.exitCode == 2);
}

TEST_CASE("bando sql refuses anything but one read, with exit code 2, and leaves the project as it was", "[sql][cli]")
{
    test::TempDir dir("sql");
    const std::string project = copyOfSample(dir);
    const uint64_t before = test::fileHash(project);
    for (const char* q : {"DELETE FROM villages", "CREATE TABLE t(x)", "SELECT 1; DELETE FROM villages",
                          "UPDATE villages SET name = 'x'", "DROP TABLE villages", "ATTACH 'other.db' AS o",
                          "PRAGMA journal_mode = WAL", "PRAGMA user_version = 7", "VACUUM INTO 'copy.gpkg'",
                          "INSERT INTO bando_meta(key, value) VALUES ('a', 'b')"}) {
        auto r = sql(project, q);
        INFO(q << "\n" << r.out << r.err);
        CHECK(r.exitCode == 2);
        CHECK(r.err.find("Only one statement that reads is allowed") != std::string::npos);
        CHECK(r.out.empty());
    }
    CHECK(test::fileHash(project) == before);
    CHECK_FALSE(fs::exists(dir.file("copy.gpkg")));
    // Introspection PRAGMAs that only read are allowed.
    auto info = sql(project, "PRAGMA table_info(villages)");
    CHECK(info.exitCode == 0);
    // A syntax error is a usage error too; a missing file is an I/O error.
    CHECK(sql(project, "SELEKT 1").exitCode == 2);
    CHECK(sql(dir.file("nope.gpkg"), "SELECT 1").exitCode == 3);
    CHECK(test::fileHash(project) == before);
}

TEST_CASE("sql: a query and the writer never run at the same time", "[sql][store]")
{
    test::TempDir dir("sql");
    const std::string project = copyOfSample(dir);
    {
        auto reader = ProjectQuery::open(project);
        try {
            ProjectStore::open(project, ProjectStore::Mode::ReadWrite);
            FAIL("the writer opened the project while a query held it");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::Store);
        }
    }
    {
        auto writer = ProjectStore::open(project, ProjectStore::Mode::ReadWrite);
        auto r = sql(project, "SELECT count(*) FROM villages");
        CHECK(r.exitCode == 5);
        CHECK(r.err.find("open for writing") != std::string::npos);
    }
    CHECK(toInt(query(project, "SELECT count(*) FROM villages").rows[0][0]) == 1699);
}

TEST_CASE("sql: a long query stops when its Feedback is cancelled", "[sql][cancel]")
{
    test::TempDir dir("sql");
    const std::string project = copyOfSample(dir);
    tasks::SqlRequest request;
    request.project = project;
    request.query = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n";
    auto job = tasks::makeJob(request);
    job->start();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const auto t0 = std::chrono::steady_clock::now();
    job->cancel();
    job->wait();
    CHECK(job->wasCancelled());
    CHECK(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < 5.0);
}
