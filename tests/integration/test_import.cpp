// Import of agency-shaped files made here with GDAL: TCVN3 shapefiles without .prj, broken
// inputs (each must leave the project unchanged and name file/row/field), geometry repair,
// CSV quirks, streaming with progress and cancel, saved field mappings.
#include <catch2/catch.hpp>

#include "core/base/error.hpp"
#include "core/capi/gdal.hpp"
#include "core/io/encoding.hpp"
#include "core/i18n/i18n.hpp"
#include "core/io/importer.hpp"
#include "core/store/project_store.hpp"
#include "support/test_support.hpp"

#include <ogr_spatialref.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using namespace bando;
using namespace bando::io;

namespace {

// These tests pin the English wording of importer messages (Vietnamese is the default language;
// tests/integration/test_bad_inputs.cpp checks Vietnamese ones).
struct EnglishMessages {
    std::string previous = i18n::language();
    EnglishMessages() { i18n::setLanguage("en"); }
    ~EnglishMessages() { i18n::setLanguage(previous); }
};

std::string makeProject(const test::TempDir& dir, const std::string& name = "p.gpkg")
{
    const std::string p = dir.file(name);
    auto s = ProjectStore::create(p);
    s->close();
    return p;
}

uint64_t fnv(uint64_t h, const void* data, size_t n)
{
    const auto* p = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < n; ++i)
        h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

// Order-independent checksum of every layer's rows (values + geometry WKB) of a project.
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

struct RawFeature {
    std::vector<std::string> values;  // raw bytes
    std::string wkt;
};

// Writes a shapefile with raw (undecoded) bytes; epsg 0 = no .prj.
void writeShapefile(const std::string& path, OGRwkbGeometryType gt, const std::vector<std::string>& fieldNames,
                    const std::vector<RawFeature>& feats, int epsg, const char* cpg = nullptr)
{
    gdal::init();
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("ESRI Shapefile");
    gdal::DatasetPtr ds(drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    REQUIRE(ds);
    OGRSpatialReference srs;
    if (epsg)
        srs.importFromEPSG(epsg);
    char** lco = CSLSetNameValue(nullptr, "ENCODING", "");
    OGRLayer* l = ds->CreateLayer(fs::path(path).stem().string().c_str(), epsg ? &srs : nullptr, gt, lco);
    CSLDestroy(lco);
    REQUIRE(l);
    for (const auto& n : fieldNames) {
        OGRFieldDefn fd(n.c_str(), OFTString);
        fd.SetWidth(60);
        REQUIRE(l->CreateField(&fd) == OGRERR_NONE);
    }
    for (const auto& rf : feats) {
        OGRFeature f(l->GetLayerDefn());
        for (size_t i = 0; i < rf.values.size(); ++i)
            f.SetField(static_cast<int>(i), rf.values[i].c_str());
        OGRGeometry* g = nullptr;
        if (!rf.wkt.empty()) {
            REQUIRE(OGRGeometryFactory::createFromWkt(rf.wkt.c_str(), nullptr, &g) == OGRERR_NONE);
            f.SetGeometryDirectly(g);
        }
        REQUIRE(l->CreateFeature(&f) == OGRERR_NONE);
    }
    ds.reset();
    if (cpg)
        std::ofstream(fs::path(path).replace_extension(".cpg")) << cpg;
}

std::string square(double cx, double cy, double h)
{
    char b[256];
    std::snprintf(b, sizeof b, "POLYGON ((%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f))", cx - h, cy - h, cx + h,
                  cy - h, cx + h, cy + h, cx - h, cy + h, cx - h, cy - h);
    return b;
}

void writeText(const std::string& path, const std::string& content)
{
    std::ofstream(path, std::ios::binary) << content;
}

bool hasDiag(const Diagnostics& d, const std::string& needle)
{
    for (const auto& i : d.items())
        if (i.message.find(needle) != std::string::npos)
            return true;
    return false;
}

// TCVN3 village file from a land office: no .prj, VN-2000 / TM-3 107-15 coordinates.
std::vector<RawFeature> tcvn3Villages()
{
    // TP Lạng Sơn is E 449,262.3 / N 2,417,428.1 in EPSG:9215 (DOMAIN.md §4).
    return {{{"V001", "L\xB9ng S\xACn", "05977"}, square(449262.3, 2417428.1, 250)},
            {{"V002", "Th\xABn N\xB5 P\xB5i", "06040"}, square(452000, 2419000, 300)},
            {{"V003", "KH\xE8I 1", "05977"}, square(447000, 2416000, 200)}};
}

} // namespace

TEST_CASE("TCVN3 shapefile without .prj: names decoded, VN-2000 TM-3 zone guessed", "[import][encoding][crs]")
{
    test::TempDir dir("imp-tcvn3");
    const std::string project = makeProject(dir);
    const std::string shp = dir.file("thon.shp");
    writeShapefile(shp, wkbPolygon, {"MA", "T\xAAn", "MA_XA"}, tcvn3Villages(), 0);
    REQUIRE_FALSE(fs::exists(dir.file("thon.prj")));

    SourceInfo info = inspectSource(shp);
    CHECK(info.encoding == Encoding::Tcvn3);
    CHECK(info.epsg == 9215);
    CHECK(info.epsgGuessed);
    REQUIRE(info.fields.size() == 3);
    CHECK(info.fields[1].name == "Tên");
    REQUIRE(info.preview.size() == 3);
    CHECK(info.preview[0][1] == "Lạng Sơn");
    CHECK(info.preview[2][1] == "KHỐI 1");  // .VnTimeH capitals restored

    ImportOptions o;
    o.targetLayer = "villages";
    auto r = importFile(project, shp, o);
    CHECK(r.stats.read == 3);
    CHECK(r.stats.written == 3);
    CHECK(r.mapping.at("name") == "Tên");
    CHECK(r.mapping.at("code") == "MA");
    CHECK(hasDiag(r.diagnostics, "CRS guessed"));
    CHECK(hasDiag(r.diagnostics, "TCVN3"));

    auto s = ProjectStore::open(project);
    Layer v = s->readLayer("villages");
    REQUIRE(v.features.size() == 3);
    CHECK(v.text(v.features[0], "name") == "Lạng Sơn");
    CHECK(v.text(v.features[0], "commune_code") == "05977");
    CHECK(v.text(v.features[1], "name") == "Thôn Nà Pài");
    CHECK(v.text(v.features[2], "name") == "KHỐI 1");
    XY c = v.features[0].geom.extent().center();
    CHECK(c.x == Approx(106.7610).margin(3e-4));
    CHECK(c.y == Approx(21.8526).margin(3e-4));
}

TEST_CASE("Encoding override and UTF-8 .cpg are honoured", "[import][encoding]")
{
    test::TempDir dir("imp-override");
    const std::string vni = dir.file("vni.shp");
    writeShapefile(vni, wkbPoint, {"TEN"}, {{{"La\xEFng S\xF4n"}, "POINT (106.76 21.85)"}, {{"\xD1\xECnh La\xE4p"}, "POINT (107.1 21.6)"}},
                   4326);
    auto info = inspectSource(vni);
    CHECK(info.encoding == Encoding::Vni);
    CHECK(info.preview[1][0] == "Đình Lập");
    SourceOptions so;
    so.encoding = Encoding::Tcvn3;
    auto forced = inspectSource(vni, so);
    CHECK(forced.encoding == Encoding::Tcvn3);
    CHECK(forced.encodingSource == "override");
    CHECK(forced.preview[0][0] != "Lạng Sơn");
    CHECK(info.epsg == 4326);
    CHECK_FALSE(info.epsgGuessed);

    const std::string utf = dir.file("utf.shp");
    writeShapefile(utf, wkbPoint, {"TEN"}, {{{"Lạng Sơn"}, "POINT (106.76 21.85)"}}, 4326, "UTF-8");
    auto u = inspectSource(utf);
    CHECK(u.encoding == Encoding::Utf8);
    CHECK(u.preview[0][0] == "Lạng Sơn");
}

TEST_CASE("Broken shapefiles are refused and leave the project unchanged", "[import][safety]")
{
    EnglishMessages english;
    test::TempDir dir("imp-broken");
    const std::string project = makeProject(dir);
    // A first good import so that the project has content to protect.
    const std::string good = dir.file("good.shp");
    writeShapefile(good, wkbPolygon, {"MA", "T\xAAn", "MA_XA"}, tcvn3Villages(), 9215);
    ImportOptions o;
    o.targetLayer = "villages";
    importFile(project, good, o);
    const uint64_t before = contentChecksum(project);
    o.mode = ImportMode::Replace;

    std::vector<RawFeature> many;
    for (int i = 0; i < 60; ++i)
        many.push_back({{"X" + std::to_string(i), "L\xB9ng S\xACn"}, square(440000 + i * 700, 2410000, 300)});

    SECTION("truncated .shp")
    {
        const std::string shp = dir.file("tshp.shp");
        writeShapefile(shp, wkbPolygon, {"MA", "T\xAAn"}, many, 9215);
        fs::resize_file(shp, fs::file_size(shp) / 2);
        try {
            importFile(project, shp, o);
            FAIL("no error");
        } catch (const Error& e) {
            INFO(e.what());
            CHECK(std::string(e.what()).find("tshp.shp") != std::string::npos);
            CHECK(std::string(e.what()).find("feature") != std::string::npos);
        }
    }
    SECTION("truncated .dbf")
    {
        const std::string shp = dir.file("tdbf.shp");
        writeShapefile(shp, wkbPolygon, {"MA", "T\xAAn"}, many, 9215);
        const std::string dbf = dir.file("tdbf.dbf");
        fs::resize_file(dbf, fs::file_size(dbf) - 40 * 121);
        try {
            importFile(project, shp, o);
            FAIL("no error");
        } catch (const Error& e) {
            INFO(e.what());
            CHECK(std::string(e.what()).find("tdbf") != std::string::npos);
        }
    }
    SECTION("missing .shx")
    {
        const std::string shp = dir.file("noshx.shp");
        writeShapefile(shp, wkbPolygon, {"MA", "T\xAAn"}, many, 9215);
        fs::remove(dir.file("noshx.shx"));
        try {
            importFile(project, shp, o);
            FAIL("no error");
        } catch (const Error& e) {
            INFO(e.what());
            CHECK(std::string(e.what()).find("noshx") != std::string::npos);
            CHECK(std::string(e.what()).find(".shx") != std::string::npos);
        }
    }
    CHECK(contentChecksum(project) == before);
}

TEST_CASE("A GeoPackage with a corrupt page is refused", "[import][safety]")
{
    test::TempDir dir("imp-gpkg");
    const std::string project = makeProject(dir);
    const uint64_t before = contentChecksum(project);
    const std::string src = dir.file("src.gpkg");
    {
        GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
        gdal::DatasetPtr ds(drv->Create(src.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        OGRSpatialReference srs;
        srs.importFromEPSG(4326);
        OGRLayer* l = ds->CreateLayer("pts", &srs, wkbPoint, nullptr);
        OGRFieldDefn fd("name", OFTString);
        l->CreateField(&fd);
        ds->StartTransaction();
        for (int i = 0; i < 5000; ++i) {
            OGRFeature f(l->GetLayerDefn());
            f.SetField(0, ("Điểm số " + std::to_string(i) + std::string(60, 'x')).c_str());
            f.SetGeometryDirectly(new OGRPoint(106.5 + i * 1e-4, 21.8));
            REQUIRE(l->CreateFeature(&f) == OGRERR_NONE);
        }
        ds->CommitTransaction();
    }
    // Overwrite pages in the middle of the table's b-tree with garbage.
    {
        const auto size = fs::file_size(src);
        std::fstream f(src, std::ios::in | std::ios::out | std::ios::binary);
        std::string junk(4096 * 4, '\xA5');
        f.seekp(static_cast<std::streamoff>(size / 2 / 4096 * 4096));
        f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
    }
    ImportOptions o;
    o.targetLayer = "places";
    try {
        importFile(project, src, o);
        FAIL("no error");
    } catch (const Error& e) {
        INFO(e.what());
        CHECK(std::string(e.what()).find("src.gpkg") != std::string::npos);
        CHECK(e.kind() == ErrorKind::Format);
    }
    CHECK(contentChecksum(project) == before);
}

namespace {

uint32_t crc32(const std::string& s)
{
    uint32_t c = 0xFFFFFFFFu;
    for (unsigned char b : s) {
        c ^= b;
        for (int k = 0; k < 8; ++k)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return ~c;
}

// A stored (uncompressed) zip archive with the given entries.
void writeZip(const std::string& path, const std::vector<std::pair<std::string, std::string>>& entries)
{
    std::string out, cd;
    auto u16 = [](std::string& s, uint16_t v) { s += static_cast<char>(v & 0xFF); s += static_cast<char>(v >> 8); };
    auto u32 = [&](std::string& s, uint32_t v) { u16(s, static_cast<uint16_t>(v & 0xFFFF)); u16(s, static_cast<uint16_t>(v >> 16)); };
    for (const auto& [name, data] : entries) {
        const uint32_t offset = static_cast<uint32_t>(out.size()), crc = crc32(data);
        u32(out, 0x04034b50); u16(out, 20); u16(out, 0); u16(out, 0); u16(out, 0); u16(out, 0);
        u32(out, crc); u32(out, static_cast<uint32_t>(data.size())); u32(out, static_cast<uint32_t>(data.size()));
        u16(out, static_cast<uint16_t>(name.size())); u16(out, 0);
        out += name;
        out += data;
        u32(cd, 0x02014b50); u16(cd, 20); u16(cd, 20); u16(cd, 0); u16(cd, 0); u16(cd, 0); u16(cd, 0);
        u32(cd, crc); u32(cd, static_cast<uint32_t>(data.size())); u32(cd, static_cast<uint32_t>(data.size()));
        u16(cd, static_cast<uint16_t>(name.size())); u16(cd, 0); u16(cd, 0); u16(cd, 0); u16(cd, 0); u32(cd, 0);
        u32(cd, offset);
        cd += name;
    }
    const uint32_t cdOffset = static_cast<uint32_t>(out.size());
    out += cd;
    u32(out, 0x06054b50); u16(out, 0); u16(out, 0);
    u16(out, static_cast<uint16_t>(entries.size())); u16(out, static_cast<uint16_t>(entries.size()));
    u32(out, static_cast<uint32_t>(cd.size())); u32(out, cdOffset); u16(out, 0);
    writeText(path, out);
}

const char* kKml = R"(<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>Trạm Chi Lăng</name>
<Point><coordinates>106.62,21.66</coordinates></Point></Placemark></Document></kml>)";

} // namespace

TEST_CASE("KMZ whose entries point outside the archive is refused (zip-slip)", "[import][safety]")
{
    test::TempDir dir("imp-kmz");
    const std::string project = makeProject(dir);
    const uint64_t before = contentChecksum(project);
    const std::string bad = dir.file("coverage.kmz");
    writeZip(bad, {{"doc.kml", kKml}, {"../../evil.kml", kKml}});
    ImportOptions o;
    o.targetLayer = "places";
    try {
        importFile(project, bad, o);
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(std::string(e.what()).find("coverage.kmz") != std::string::npos);
        CHECK(std::string(e.what()).find("'../../evil.kml' points outside the archive") != std::string::npos);
    }
    CHECK_FALSE(fs::exists(dir.path().parent_path().parent_path() / "evil.kml"));
    CHECK(contentChecksum(project) == before);

    // The same archive without the bad entry imports.
    const std::string ok = dir.file("ok.kmz");
    writeZip(ok, {{"doc.kml", kKml}});
    auto r = importFile(project, ok, o);
    CHECK(r.stats.written == 1);
    auto s = ProjectStore::open(project);
    Layer pl = s->readLayer("places");
    REQUIRE(pl.features.size() == 1);
    CHECK(pl.text(pl.features[0], "name") == "Trạm Chi Lăng");
    CHECK(pl.features[0].geom.parts[0][0][0].x == Approx(106.62));
}

TEST_CASE("Invalid polygons are repaired and counted, odd geometries dropped with notes", "[import][geometry]")
{
    EnglishMessages english;
    test::TempDir dir("imp-geom");
    const std::string project = makeProject(dir);
    const std::string gj = dir.file("villages.geojson");
    // Offsets put everything in Lạng Sơn, except the last feature.
    writeText(gj, R"({"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"code":"B1","name":"Bow-tie"},"geometry":{"type":"Polygon","coordinates":[[[106.50,21.80],[106.51,21.81],[106.51,21.80],[106.50,21.81],[106.50,21.80]]]}},
{"type":"Feature","properties":{"code":"S1","name":"Self-touching"},"geometry":{"type":"Polygon","coordinates":[[[106.60,21.80],[106.64,21.80],[106.62,21.82],[106.64,21.84],[106.60,21.84],[106.62,21.82],[106.60,21.80]]]}},
{"type":"Feature","properties":{"code":"OK","name":"Valid 3D"},"geometry":{"type":"Polygon","coordinates":[[[106.70,21.80,250],[106.71,21.80,251],[106.71,21.81,252],[106.70,21.80,250]]]}},
{"type":"Feature","properties":{"code":"PT","name":"A point"},"geometry":{"type":"Point","coordinates":[106.7,21.8]}},
{"type":"Feature","properties":{"code":"NG","name":"No geometry"},"geometry":null},
{"type":"Feature","properties":{"code":"FAR","name":"Hà Nội"},"geometry":{"type":"Polygon","coordinates":[[[105.80,21.00],[105.81,21.00],[105.81,21.01],[105.80,21.00]]]}}
]})");
    ImportOptions o;
    o.targetLayer = "villages";
    // Rows of another type, without geometry or outside the province are refused by default,
    // each named (issue #15) ...
    const uint64_t before = contentChecksum(project);
    try {
        importFile(project, gj, o);
        FAIL("no error");
    } catch (const Error& e) {
        INFO(e.what());
        CHECK(e.kind() == ErrorKind::Format);
        CHECK(std::string(e.what()).find("1 rows have another geometry type than the layer's MultiPolygon (rows 4).") !=
              std::string::npos);
        CHECK(std::string(e.what()).find("1 rows have no usable geometry (rows 5).") != std::string::npos);
        CHECK(std::string(e.what()).find("outside Lạng Sơn") != std::string::npos);
        CHECK(std::string(e.what()).find("(rows 6)") != std::string::npos);
        CHECK(std::string(e.what()).find("--skip-invalid") != std::string::npos);
        CHECK(std::string(e.what()).find("--allow-outside") != std::string::npos);
    }
    CHECK(contentChecksum(project) == before);
    // ... and skipped or kept, and listed, when the user says so.
    o.skipInvalid = true;
    o.allowOutside = true;
    auto r = importFile(project, gj, o);
    CHECK(r.stats.read == 6);
    CHECK(r.stats.repaired == 2);
    CHECK(r.stats.flattened == 1);
    CHECK(r.stats.droppedType == 1);
    CHECK(r.stats.droppedEmpty == 1);
    CHECK(r.stats.outsideProvince == 1);
    CHECK(r.stats.written == 4);
    CHECK(hasDiag(r.diagnostics, "2 invalid polygons repaired"));
    CHECK(hasDiag(r.diagnostics, "outside Lạng Sơn"));
    CHECK(hasDiag(r.diagnostics, "(rows 6)"));
    CHECK(hasDiag(r.diagnostics, "(rows 4)"));
    auto s = ProjectStore::open(project);
    Layer v = s->readLayer("villages");
    REQUIRE(v.features.size() == 4);
    // The bow-tie becomes two triangles of 0.01 x 0.005 / 2 deg² each.
    CHECK(v.features[0].geom.parts.size() == 2);
    CHECK(area(v.features[0].geom) == Approx(0.00005).epsilon(1e-6));
    CHECK(v.features[1].geom.parts.size() == 2);
    CHECK(area(v.features[1].geom) == Approx(0.0008).epsilon(1e-6));
}

TEST_CASE("CSV quirks: decimal commas read, NUL bytes, duplicate codes and huge names refused", "[import][csv][safety]")
{
    EnglishMessages english;
    test::TempDir dir("imp-csv");
    const std::string project = makeProject(dir);
    const std::string okCsv = dir.file("places.csv");
    writeText(okCsv, "code,name,kind,lon,lat\n"
                     "05971,Phường Hoàng Văn Thụ,ward,\"106,7610\",\"21,8526\"\n"
                     "05974,Phường Tam Thanh,ward,106.7700,21.8600\n"
                     "06040,\"Xã Chi Lăng, huyện Chi Lăng\",commune,\"106,62\",21.66\n");
    ImportOptions o;
    o.targetLayer = "places";
    auto r = importFile(project, okCsv, o);
    CHECK(r.stats.written == 3);
    CHECK(r.stats.decimalCommas == 3);
    CHECK(r.source.epsg == 4326);
    const uint64_t before = contentChecksum(project);
    o.mode = ImportMode::Replace;  // the layer has rows now: the refusals below are about the files
    {
        auto s = ProjectStore::open(project);
        Layer pl = s->readLayer("places");
        REQUIRE(pl.features.size() == 3);
        CHECK(pl.text(pl.features[0], "code") == "05971");
        CHECK(pl.features[0].geom.parts[0][0][0].x == Approx(106.7610));
        CHECK(pl.features[0].geom.parts[0][0][0].y == Approx(21.8526));
        CHECK(pl.text(pl.features[2], "name") == "Xã Chi Lăng, huyện Chi Lăng");
        CHECK(pl.features[2].geom.parts[0][0][0].x == Approx(106.62));
    }
    auto expectRefused = [&](const std::string& file, const std::string& content, std::vector<std::string> needles) {
        writeText(dir.file(file), content);
        try {
            importFile(project, dir.file(file), o);
            FAIL("no error for " + file);
        } catch (const Error& e) {
            INFO(e.what());
            CHECK(std::string(e.what()).find(file) != std::string::npos);
            for (const auto& n : needles)
                CHECK(std::string(e.what()).find(n) != std::string::npos);
        }
        CHECK(contentChecksum(project) == before);
    };
    expectRefused("nul.csv", std::string("code,name,lon,lat\n1,a,106.7,21.8\n2,b\0c,106.7,21.8\n", 46),
                  {"row 2", "NUL byte"});
    expectRefused("dup.csv", "code,name,lon,lat\n05971,A,106.7,21.8\n05974,B,106.7,21.8\n05971,C,106.7,21.8\n",
                  {"row 3", "field 'code'", "duplicate code '05971' (first in row 1)"});
    expectRefused("huge.csv", "code,name,lon,lat\n1,A,106.7,21.8\n2," + std::string(100 * 1024, 'n') + ",106.7,21.8\n",
                  {"row 2", "field 'name'", "102400 bytes long"});
    expectRefused("badnum.csv", "code,name,lon,lat\n1,A,106.7,21.8\n2,B,106.7,21.8\n3,C,abc,21.8\n",
                  {"row 3", "field 'lon'", "not a coordinate"});
}

TEST_CASE("TCVN3 CSV list of villages with a saved field mapping", "[import][csv][mapping]")
{
    test::TempDir dir("imp-map");
    const std::string project = makeProject(dir);
    // Team rosters from two communes: Vietnamese headers, TCVN3 text.
    const std::string a = dir.file("xa_a.csv"), b = dir.file("xa_b.csv");
    writeText(a, "M\xB7 th\xABn,T\xE6 s\xE8,Th\xB5nh vi\xAAn,Ng\xB5y l\xCBp\nV001,1,5,2021-07-20\nV002,1,4,2021-07-21\n");
    writeText(b, "M\xB7 th\xABn,T\xE6 s\xE8,Th\xB5nh vi\xAAn,Ng\xB5y l\xCBp\nV101,2,3,2021-09-01\n");
    ImportOptions o;
    o.targetLayer = "teams";
    o.mapping = {{"village_code", "Mã thôn"}, {"team_no", "Tổ số"}, {"members", "Thành viên"}, {"formed", "Ngày lập"}};
    auto r1 = importFile(project, a, o);
    CHECK(r1.stats.written == 2);
    CHECK(r1.source.encoding == Encoding::Tcvn3);
    CHECK_FALSE(r1.savedMappingUsed);
    ImportOptions o2;
    o2.targetLayer = "teams";
    o2.mode = ImportMode::Append;
    auto r2 = importFile(project, b, o2);
    CHECK(r2.savedMappingUsed);
    CHECK(r2.mapping.at("members") == "Thành viên");
    auto s = ProjectStore::open(project);
    Layer t = s->readLayer("teams");
    REQUIRE(t.features.size() == 3);
    CHECK(t.text(t.features[2], "village_code") == "V101");
    CHECK(t.integer(t.features[2], "team_no") == 2);
    CHECK(t.integer(t.features[2], "members") == 3);
    CHECK(t.text(t.features[2], "formed") == "2021-09-01");
}

TEST_CASE("A large CSV streams with progress and can be cancelled without writing", "[import][large]")
{
    test::TempDir dir("imp-large");
    const std::string project = makeProject(dir);
    const std::string csv = dir.file("points.csv");
    const int rows = 200000;  // ~13 MB; the 1,000,000-row case is tests/bench_io
    {
        std::ofstream out(csv, std::ios::binary);
        out << "village_code,households,is_centre,name,lon,lat\n";
        char line[160];
        for (int i = 0; i < rows; ++i) {
            int n = std::snprintf(line, sizeof line, "V%05d,%d,%d,Cụm dân cư số %d thôn Nà Pài,%.6f,%.6f\n", i % 1705,
                                  1 + i % 40, i % 50 == 0, i, 106.1 + (i % 1000) * 0.0012, 21.35 + (i / 1000) * 0.0037);
            out.write(line, n);
        }
    }
    const uint64_t before = contentChecksum(project);
    ImportOptions o;
    o.targetLayer = "settlements";
    {
        Feedback fb;
        double maxSeen = 0;
        fb.setObserver([&](double pct, const std::string&) {
            maxSeen = std::max(maxSeen, pct);
            if (pct >= 30)
                fb.cancel();
        });
        CHECK_THROWS_AS(importFile(project, csv, o, &fb), CancelledError);
        CHECK(maxSeen >= 30);
        CHECK(maxSeen < 60);
        CHECK(contentChecksum(project) == before);
    }
    Feedback fb;
    double last = 0;
    int calls = 0;
    fb.setObserver([&](double pct, const std::string&) {
        last = pct;
        ++calls;
    });
    auto t0 = std::chrono::steady_clock::now();
    auto r = importFile(project, csv, o, &fb);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    CHECK(r.stats.written == rows);
    CHECK(last == Approx(100));
    CHECK(calls > 50);
    WARN("imported " << rows << " CSV points in " << secs << " s (" << rows / secs << " features/s)");
    auto s = ProjectStore::open(project);
    CHECK(s->layerInfo("settlements").featureCount == rows);
}

TEST_CASE("Spreadsheets (XLSX, ODS) and GML import with Vietnamese headers", "[import][formats]")
{
    test::TempDir dir("imp-formats");
    const std::string project = makeProject(dir);
    for (const char* drvName : {"XLSX", "ODS", "GML"}) {
        DYNAMIC_SECTION(drvName)
        {
            const std::string ext = std::string(drvName) == "XLSX" ? "xlsx" : std::string(drvName) == "ODS" ? "ods" : "gml";
            const std::string path = dir.file(std::string("tram.") + ext);
            {
                GDALDriver* drv = GetGDALDriverManager()->GetDriverByName(drvName);
                REQUIRE(drv);
                gdal::DatasetPtr ds(drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
                REQUIRE(ds);
                const bool gml = ext == "gml";
                OGRSpatialReference srs;
                srs.importFromEPSG(4326);
                srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
                OGRLayer* l = ds->CreateLayer("Trạm", gml ? &srs : nullptr, gml ? wkbPoint : wkbNone, nullptr);
                REQUIRE(l);
                std::vector<std::pair<const char*, OGRFieldType>> fields = {{"Mã", OFTString}, {"Tên", OFTString}};
                if (!gml) {
                    fields.push_back({"Kinh độ", OFTReal});
                    fields.push_back({"Vĩ độ", OFTReal});
                }
                for (auto [n, t] : fields) {
                    OGRFieldDefn fd(n, t);
                    REQUIRE(l->CreateField(&fd) == OGRERR_NONE);
                }
                struct R { const char* code; const char* name; double x, y; } rows[] = {
                    {"T01", "Trạm Đồng Đăng", 106.70, 21.95}, {"T02", "Trạm Hữu Lũng", 106.35, 21.50}};
                for (const auto& r : rows) {
                    OGRFeature f(l->GetLayerDefn());
                    f.SetField(0, r.code);
                    f.SetField(1, r.name);
                    if (!gml) {
                        f.SetField(2, r.x);
                        f.SetField(3, r.y);
                    } else
                        f.SetGeometryDirectly(new OGRPoint(r.x, r.y));
                    REQUIRE(l->CreateFeature(&f) == OGRERR_NONE);
                }
            }
            ImportOptions o;
            o.targetLayer = "places";
            auto r = importFile(project, path, o);
            CHECK(r.stats.written == 2);
            CHECK(r.mapping.at("name") == "Tên");
            auto s = ProjectStore::open(project);
            Layer pl = s->readLayer("places");
            REQUIRE(pl.features.size() == 2);
            CHECK(pl.text(pl.features[1], "name") == "Trạm Hữu Lũng");
            CHECK(pl.text(pl.features[1], "code") == "T02");
            CHECK(pl.features[1].geom.parts[0][0][0].x == Approx(106.35));
            CHECK(pl.features[1].geom.parts[0][0][0].y == Approx(21.50));
        }
    }
}
