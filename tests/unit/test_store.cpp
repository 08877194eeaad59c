#include <catch2/catch.hpp>

#include "core/base/error.hpp"
#include "core/i18n/i18n.hpp"
#include "core/io/importer.hpp"
#include "core/model/schema.hpp"
#include "core/store/project_store.hpp"
#include "support/test_support.hpp"

#include <filesystem>
#include <fstream>

using namespace bando;
namespace fs = std::filesystem;

namespace {
Layer twoVillages()
{
    Layer l = schema::makeLayer(schema::kVillages);
    auto& a = l.addFeature(Geometry::polygon({{{106.7, 21.8}, {106.8, 21.8}, {106.8, 21.9}, {106.7, 21.8}}}));
    l.set(a, "code", std::string("0597101"));
    l.set(a, "name", std::string("Thôn Nà Pài"));
    l.set(a, "households", int64_t(120));
    auto& b = l.addFeature(Geometry::polygon({{{106.7, 21.8}, {106.8, 21.9}, {106.7, 21.9}, {106.7, 21.8}}}));
    l.set(b, "code", std::string("0597102"));
    l.set(b, "name", std::string("Bản Khòn Khẩu"));
    l.set(b, "households", int64_t(80));
    return l;
}
} // namespace

TEST_CASE("a new project has the schema layers and version in bando_meta", "[store]")
{
    test::TempDir dir("store");
    std::string path = dir.file("p.gpkg");
    {
        auto s = ProjectStore::create(path);
        CHECK(s->schemaVersion() == schema::currentVersion());
        auto names = s->layerNames();
        for (const auto& ls : schema::all())
            CHECK(std::find(names.begin(), names.end(), ls.name) != names.end());
    }
    // one file again: no -wal/-shm/-journal left
    CHECK(fs::exists(path));
    CHECK_FALSE(fs::exists(path + "-wal"));
    CHECK_FALSE(fs::exists(path + "-shm"));
    CHECK_FALSE(fs::exists(path + "-journal"));
    auto r = ProjectStore::open(path);
    CHECK(r->meta("schema_version") == std::to_string(schema::currentVersion()));
}

TEST_CASE("layers round-trip through the store with codes as text and Unicode names", "[store]")
{
    test::TempDir dir("store");
    std::string path = dir.file("p.gpkg");
    {
        auto s = ProjectStore::create(path);
        ProjectStore::Transaction t(*s);
        s->replaceLayer(twoVillages());
        t.commit();
    }
    auto s = ProjectStore::open(path);
    Layer l = s->readLayer(schema::kVillages);
    REQUIRE(l.features.size() == 2);
    CHECK(l.text(l.features[0], "code") == "0597101");
    CHECK(l.text(l.features[1], "name") == "Bản Khòn Khẩu");
    CHECK(l.integer(l.features[0], "households") == 120);
    CHECK(l.features[0].geom.type == GeomType::MultiPolygon);
    CHECK(l.features[0].geom.parts[0][0].size() == 4);
    CHECK(s->layerInfo(schema::kVillages).featureCount == 2);
}

TEST_CASE("a write that throws inside a transaction leaves the project unchanged", "[store]")
{
    test::TempDir dir("store");
    std::string path = dir.file("p.gpkg");
    {
        auto s = ProjectStore::create(path);
        ProjectStore::Transaction t(*s);
        s->replaceLayer(twoVillages());
        t.commit();
    }
    const uint64_t before = test::fileHash(path);
    {
        auto s = ProjectStore::open(path, ProjectStore::Mode::ReadWrite);
        try {
            ProjectStore::Transaction t(*s);
            Layer l = schema::makeLayer(schema::kVillages);
            l.addFeature(Geometry::point(1, 2));
            s->replaceLayer(l);  // deletes both rows, then fails? no: writes a point into a polygon layer
            throw std::runtime_error("simulated crash before commit");
        } catch (const std::runtime_error&) {
        }
    }
    auto s = ProjectStore::open(path);
    CHECK(s->layerInfo(schema::kVillages).featureCount == 2);
    CHECK(test::fileHash(path) == before);
}

TEST_CASE("writes outside a transaction and on read-only projects are refused", "[store]")
{
    test::TempDir dir("store");
    std::string path = dir.file("p.gpkg");
    { auto s = ProjectStore::create(path); }
    {
        auto s = ProjectStore::open(path, ProjectStore::Mode::ReadWrite);
        CHECK_THROWS_AS(s->setMeta("a", "b"), Error);
        // a second writer on the same file is refused
        i18n::setLanguage("en");
        CHECK_THROWS_WITH(ProjectStore::open(path, ProjectStore::Mode::ReadWrite),
                          Catch::Contains("already open for writing"));
        i18n::setLanguage("vi");
        CHECK_THROWS_WITH(ProjectStore::open(path, ProjectStore::Mode::ReadWrite),
                          Catch::Contains("dự án đã được mở để ghi"));
    }
    auto ro = ProjectStore::open(path);
    CHECK_THROWS_AS(ProjectStore::Transaction(*ro), Error);
}

TEST_CASE("opening something that is not a project names the file", "[store]")
{
    test::TempDir dir("store");
    std::string path = dir.file("junk.gpkg");
    { std::ofstream(path) << "not a database"; }
    try {
        ProjectStore::open(path);
        FAIL("expected an error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Format);
        CHECK(std::string(e.what()).find("junk.gpkg") != std::string::npos);
    }
    i18n::setLanguage("en");
    CHECK_THROWS_WITH(ProjectStore::open(dir.file("missing.gpkg")), Catch::Contains("no such file"));
    i18n::setLanguage("vi");
    CHECK_THROWS_WITH(ProjectStore::open(dir.file("missing.gpkg")), Catch::Contains("không có tệp này"));
}

TEST_CASE("writeProjectAtomically leaves the old file when filling fails", "[store]")
{
    test::TempDir dir("store");
    std::string path = dir.file("p.gpkg");
    writeProjectAtomically(path, [](ProjectStore& s) {
        ProjectStore::Transaction t(s);
        s.replaceLayer(twoVillages());
        t.commit();
    });
    const uint64_t before = test::fileHash(path);
    CHECK_THROWS(writeProjectAtomically(path, [](ProjectStore&) { throw Error(ErrorKind::Io, "x", "boom"); }));
    CHECK(test::fileHash(path) == before);
    size_t files = 0;
    for (auto& e : fs::directory_iterator(dir.path()))
        files += e.is_regular_file();
    CHECK(files == 1);
}

// Finding F1 (docs/FUZZING.md): a table without geometry imported into a new layer could not be
// deleted afterwards ("database table is locked").
TEST_CASE("a freshly imported table without geometry can be deleted", "[store][F1]")
{
    test::TempDir dir("store-f1");
    const std::string csv = dir.file("table.csv");
    {
        std::ofstream f(csv, std::ios::binary);
        f << "Mã thôn,Số hộ,Ngày\n0604001,120,01/02/2023\n0604002,80,02/02/2023\n";
    }
    auto s = ProjectStore::create(dir.file("p.gpkg"));
    io::ImportOptions opts;
    opts.targetLayer = "f1_table";
    opts.saveMapping = false;
    const auto r = io::importFile(*s, csv, opts);
    REQUIRE(r.stats.written == 2);
    REQUIRE(s->hasLayer("f1_table"));
    REQUIRE(s->layerInfo("f1_table").featureCount == 2);
    {
        ProjectStore::Transaction tx(*s);
        s->deleteLayer("f1_table");
        tx.commit();
    }
    CHECK_FALSE(s->hasLayer("f1_table"));
}

// Found by the 10-minute fuzz_import run: a rolled-back transaction that created a layer left it
// in GDAL's list of layers although its table was gone, so the next delete failed with
// "no such table".
TEST_CASE("a layer created inside a rolled-back transaction is gone, and one deleted there is back",
          "[store][rollback]")
{
    test::TempDir dir("store-rollback");
    auto s = ProjectStore::create(dir.file("p.gpkg"));
    {
        ProjectStore::Transaction tx(*s);
        s->deleteLayer("villages");
        tx.commit();
    }
    REQUIRE_FALSE(s->hasLayer("villages"));
    {
        ProjectStore::Transaction tx(*s);
        s->replaceLayer(twoVillages());
        REQUIRE(s->hasLayer("villages"));
    }  // rolled back
    CHECK_FALSE(s->hasLayer("villages"));
    {
        ProjectStore::Transaction tx(*s);
        s->replaceLayer(twoVillages());
        tx.commit();
    }
    REQUIRE(s->layerInfo("villages").featureCount == 2);
    {
        ProjectStore::Transaction tx(*s);
        s->deleteLayer("villages");
    }  // rolled back: the layer and its rows are back
    REQUIRE(s->hasLayer("villages"));
    CHECK(s->layerInfo("villages").featureCount == 2);
    {
        ProjectStore::Transaction tx(*s);
        s->deleteLayer("villages");
        tx.commit();
    }
    CHECK_FALSE(s->hasLayer("villages"));
}
