// The bad-input corpus of tests/data/bad/ (issue #15; made by make_bad.py beside the files):
// `bando import` on each file, into a copy of the sample project, must exit with the expected
// code and message fragments, and a refused import must leave the project file byte-identical.
// The accepted cases (dates, KML folders, usual Vietnamese headers) check what was stored.
#include <catch2/catch.hpp>

#include "core/store/project_store.hpp"
#include "support/test_support.hpp"

#include <filesystem>
#include <vector>

namespace fs = std::filesystem;
using namespace bando;

namespace {

uint64_t fnv(uint64_t h, const void* data, size_t n)
{
    const auto* p = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < n; ++i)
        h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

// Order-independent checksum of every layer's rows (values + geometry WKB): opening a project
// read-write may touch GeoPackage bookkeeping bytes, never its rows.
uint64_t contentChecksum(const std::string& project)
{
    auto s = ProjectStore::open(project, ProjectStore::Mode::ReadOnly);
    uint64_t total = 0;
    for (const auto& name : s->layerNames()) {
        Layer l = s->readLayer(name);
        uint64_t lh = fnv(1469598103934665603ull, name.data(), name.size());
        for (const auto& f : l.features) {
            uint64_t h = 1469598103934665603ull;
            for (const auto& v : f.values) {
                std::string t = toString(v) + "\x1f";
                h = fnv(h, t.data(), t.size());
            }
            auto wkb = toWkb(f.geom);
            h = fnv(h, wkb.data(), wkb.size());
            lh += h;
        }
        total = total * 31 + lh + static_cast<uint64_t>(l.features.size());
    }
    return total;
}

uint64_t sampleChecksum()
{
    static const uint64_t sum = contentChecksum(test::samplePath());
    return sum;
}

std::string badDir()
{
    return (fs::path(BANDO_TEST_GISDATA).parent_path() / "tests" / "data" / "bad").string();
}

struct BadCase {
    const char* file;
    const char* args;                 // after PROJECT FILE
    int exitCode;
    std::vector<std::string> needles;  // in stderr (refused) or stdout (accepted)
    const char* lang = "en";
};

// Runs one case on a fresh copy of the sample; returns the copy's path.
std::string runCase(const test::TempDir& dir, const BadCase& c, test::RunResult& r)
{
    const std::string project = dir.file(std::string("p-") + c.file + ".gpkg");
    fs::copy_file(test::samplePath(), project, fs::copy_options::overwrite_existing);
    r = test::run(test::shellQuote(test::cliPath()) + " --lang " + c.lang + " import " + test::shellQuote(project) +
                  " " + test::shellQuote(badDir() + "/" + c.file) + " " + c.args);
    INFO(c.file << " " << c.args << "\nstdout: " << r.out << "\nstderr: " << r.err);
    CHECK(r.exitCode == c.exitCode);
    const std::string& text = c.exitCode == 0 ? r.out : r.err;
    for (const auto& n : c.needles)
        CHECK(text.find(n) != std::string::npos);
    if (c.exitCode != 0)
        CHECK(contentChecksum(project) == sampleChecksum());  // nothing written, nothing half-imported
    return project;
}

} // namespace

TEST_CASE("The bad-input corpus is refused with its file, row and field, the project unchanged", "[import][safety][bad]")
{
    REQUIRE(fs::exists(badDir() + "/make_bad.py"));
    test::TempDir dir("bad");
    const std::vector<BadCase> cases = {
        // A plain import never replaces a layer silently.
        {"villages_25.geojson", "--layer villages", 2,
         {"villages_25.geojson: layer 'villages' already has 1699 rows and the file has 25", "--append", "--replace"}},
        {"villages_25.geojson", "--layer villages", 2, {"villages_25.geojson: lớp 'villages' đã có 1699 dòng"}, "vi"},
        {"villages_25.geojson", "--layer villages --append --replace", 2, {"choose --append or --replace, not both"}},
        // A file that yields nothing usable is an error, and the layer keeps its rows.
        {"villages_lines.geojson", "--layer villages --replace", 4,
         {"villages_lines.geojson: 3 rows have another geometry type than the layer's MultiPolygon (rows 1, 2, 3)",
          "--skip-invalid", "Nothing was written."}},
        {"villages_lines.geojson", "--layer villages --replace --skip-invalid", 4,
         {"the file yields no row to store in layer 'villages' (3 read): nothing was written; the layer keeps its "
          "1699 rows"}},
        {"empty.geojson", "--layer villages --replace", 4,
         {"empty.geojson: the file has no rows", "the layer keeps its 1699 rows"}},
        // Coordinates: projected without .prj, metres declared as degrees, outside the province.
        {"noprj_far.shp", "--layer villages --replace", 4,
         {"noprj_far.shp: the file has no CRS (.prj missing)", "x 483331 … 484731, y 3018326 … 3019726",
          "VN-2000 / TM-3 107-15 (EPSG:9215)", "VN-2000 / UTM zone 48N (EPSG:3405)"}},
        {"metres_as_4326.csv", "--layer places --replace --crs 4326", 4,
         {"metres_as_4326.csv: row 1: the coordinates (483531, 2.41853e+06) are not longitude/latitude"}},
        {"outside.geojson", "--layer places --replace", 4,
         {"outside.geojson: 1 rows lie outside the province (more than 1 km beyond its districts' outline) (rows 1)",
          "--allow-outside"}},
        // Messages name the feature/line, the field, the right file, and what to do.
        {"bad_coord.geojson", "--layer places --replace", 4, {"bad_coord.geojson: feature 13 (line 14)", "fix this feature"}},
        {"nul.csv", "--layer places --replace", 4, {"nul.csv: row 2, field 'name': contains a NUL byte"}},
        {"truncated_dbf.shp", "--layer villages --replace", 4,
         {"truncated_dbf.dbf: record 8: the .dbf file is truncated: 10 records announced, 7 complete"}},
        {"missing_shx.shp", "--layer villages --replace", 4,
         {"missing_shx.shp: the index file missing_shx.shx is missing beside the .shp", "ask the sender"}},
        {"missing_shx.shp", "--layer villages --replace", 4, {"missing_shx.shp: tệp chỉ mục missing_shx.shx"}, "vi"},
        // Required fields, with the source fields and a --map line to copy.
        {"unmapped.geojson", "--layer villages --replace", 2,
         {"layer 'villages' needs the field(s) code, name", "Fields of the file: so_hieu, dia_danh",
          "--map code=\"so_hieu\" --map name=\"dia_danh\""}},
        // Codes stay unique after an append: both rows named.
        {"dup_codes.geojson", "--layer villages --append", 4,
         {"dup_codes.geojson: row 2, field 'code': duplicate code '05971001': row 1 of layer 'villages'"}},
    };
    for (const auto& c : cases) {
        DYNAMIC_SECTION(c.file << " " << c.args << " (" << c.lang << ")")
        {
            test::RunResult r;
            runCase(dir, c, r);
        }
    }
}

TEST_CASE("The accepted corpus files store what they say: ISO dates, every KML folder, usual headers", "[import][bad]")
{
    test::TempDir dir("bad-ok");
    test::RunResult r;
    SECTION("dd/mm/yyyy dates are stored as ISO 8601 and the format reported")
    {
        const auto p = runCase(dir, {"shops_dates.csv", "--layer shops --append", 0,
                                     {"3 written", "112000 → 112003 (appended)",
                                      "field 'opened': dates written dd/mm/yyyy stored as ISO 8601"}},
                               r);
        auto s = ProjectStore::open(p);
        Layer l = s->readLayer("shops");
        REQUIRE(l.features.size() == 112003);
        CHECK(l.text(l.features[112000], "opened") == "2021-07-20");
        CHECK(l.text(l.features[112001], "opened") == "2022-04-03");
        CHECK(l.text(l.features[112002], "opened") == "2022-05-01");
    }
    SECTION("every folder of a KML is imported")
    {
        const auto p = runCase(dir, {"two_folders.kml", "--layer places --replace", 0,
                                     {"3 read, 3 written", "2 folders read: 'Trạm A', 'Trạm B'"}},
                               r);
        auto s = ProjectStore::open(p);
        Layer l = s->readLayer("places");
        REQUIRE(l.features.size() == 3);
        CHECK(l.text(l.features[2], "name") == "Trạm Hữu Lũng");
    }
    SECTION("dBase-truncated Vietnamese headers map to code and name")
    {
        const auto p = runCase(dir, {"thon_vn.shp", "--layer villages --replace", 0,
                                     {"code←MA_THON name←TEN_THON_B", "1699 → 2 (replaced)"}},
                               r);
        auto s = ProjectStore::open(p);
        Layer l = s->readLayer("villages");
        REQUIRE(l.features.size() == 2);
        CHECK(l.text(l.features[0], "code") == "T901");
        CHECK(l.text(l.features[0], "name") == "Thon Na Pai");
        CHECK(l.features[0].geom.extent().center().x == Approx(106.7610).margin(3e-4));
    }
}

TEST_CASE("Rows outside the province: a dry run lists each with its position, the user leaves chosen rows out",
          "[import][safety][bad]")
{
    test::TempDir dir("bad-rows");
    test::RunResult r;
    SECTION("--dry-run --json lists the outside row and writes nothing")
    {
        const auto p = runCase(dir, {"outside.geojson", "--layer places --replace --allow-outside --dry-run --json", 0,
                                     {"\"dry_run\": true", "\"written\": 2", "\"outside_province\": 1",
                                      "{\"row\": 1, \"lon\": 105.852000, \"lat\": 21.029000}"}},
                               r);
        CHECK(contentChecksum(p) == sampleChecksum());
    }
    SECTION("--skip-rows leaves the outside row out and imports the other, listed")
    {
        const auto p = runCase(dir, {"outside.geojson", "--layer places --replace --skip-rows 1", 0,
                                     {"2 read, 1 written", "1 rows left out as chosen (rows 1)"}},
                               r);
        auto s = ProjectStore::open(p);
        Layer l = s->readLayer("places");
        REQUIRE(l.features.size() == 1);
        CHECK(l.text(l.features[0], "name") == "Chợ Kỳ Lừa");
    }
    SECTION("a bad row list is a usage error naming the option")
    {
        runCase(dir, {"outside.geojson", "--layer places --replace --skip-rows 3-1", 2, {"--skip-rows", "12,40-45"}}, r);
    }
}
