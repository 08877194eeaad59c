// Import/export helpers without files: decimal parsing, CRS guesses, zones, field mapping.
#include <catch2/catch.hpp>

#include "core/base/error.hpp"
#include "core/io/crs_guess.hpp"
#include "core/io/exporter.hpp"
#include "core/io/importer.hpp"

#include <cmath>

using namespace bando;
using namespace bando::io;

TEST_CASE("Numbers with decimal commas or points", "[io]")
{
    double d = 0;
    bool comma = false;
    REQUIRE(parseDecimal("12,5", d, &comma));
    CHECK(d == Approx(12.5));
    CHECK(comma);
    REQUIRE(parseDecimal("12.5", d, &comma));
    CHECK(d == Approx(12.5));
    CHECK_FALSE(comma);
    REQUIRE(parseDecimal("1.234,5", d, &comma));
    CHECK(d == Approx(1234.5));
    CHECK(comma);
    REQUIRE(parseDecimal("1,234.5", d, &comma));
    CHECK(d == Approx(1234.5));
    REQUIRE(parseDecimal(" 106,7610 ", d));
    CHECK(d == Approx(106.761));
    CHECK_FALSE(parseDecimal("abc", d));
    CHECK_FALSE(parseDecimal("1,2,3", d));
    CHECK_FALSE(parseDecimal("", d));
}

TEST_CASE("CRS guess from the coordinates of a file without .prj", "[io][crs]")
{
    auto tm3 = guessCrsFromExtent({430000, 2380000, 470000, 2440000});
    CHECK(tm3.epsg == 9215);
    CHECK(tm3.guessed);
    auto utm = guessCrsFromExtent({650000, 2380000, 720000, 2440000});
    CHECK(utm.epsg == 3405);
    auto ll = guessCrsFromExtent({106.2, 21.4, 107.3, 22.4});
    CHECK(ll.epsg == 4326);
    auto unknown = guessCrsFromExtent({100, 100, 5000, 5000});
    CHECK(unknown.epsg == 0);
    CHECK_FALSE(unknown.reason.empty());
}

TEST_CASE("VN-2000 zones are offered by name, never the deprecated codes", "[io][crs]")
{
    const auto& zones = vn2000Zones();
    REQUIRE(zones.size() >= 20);
    bool has9215 = false;
    for (const auto& z : zones) {
        CHECK_FALSE(isDeprecatedVn2000(z.epsg));
        if (z.epsg == 9215) {
            has9215 = true;
            CHECK(z.name == "VN-2000 / TM-3 107-15");
        }
    }
    CHECK(has9215);
    CHECK(parseCrs("EPSG:9215") == 9215);
    CHECK(parseCrs("VN-2000 / TM-3 107-15") == 9215);
    CHECK(parseCrs("107-15") == 9215);
    CHECK(parseCrs("vn2000") == 4756);
    CHECK(parseCrs("utm48") == 3405);
    CHECK_THROWS_WITH(validateEpsg(6957, "x"), Catch::Contains("deprecated") && Catch::Contains("5897"));
}

TEST_CASE("Automatic field mapping: names, shapefile truncation, Vietnamese aliases", "[io]")
{
    std::vector<FieldDef> target{{"code", FieldType::Text, 0, false},
                                 {"name", FieldType::Text, 0, false},
                                 {"commune_code", FieldType::Text, 5, false},
                                 {"district_code", FieldType::Text, 3, false},
                                 {"households", FieldType::Integer, 0, false}};
    std::vector<SourceField> src{{"MA", "Mã", FieldType::Text},
                                 {"TEN", "Tên", FieldType::Text},
                                 {"commune_co", "commune_co", FieldType::Text},
                                 {"district_c", "district_c", FieldType::Text},
                                 {"SO_HO", "Số hộ", FieldType::Integer}};
    auto m = autoMapping(target, src);
    CHECK(m["code"] == "Mã");
    CHECK(m["name"] == "Tên");
    CHECK(m["commune_code"] == "commune_co");
    CHECK(m["district_code"] == "district_c");
    CHECK(m["households"] == "Số hộ");
}

TEST_CASE("Export formats by name and extension", "[io]")
{
    CHECK(exportFormatOfPath("a/b.SHP") == ExportFormat::Shapefile);
    CHECK(exportFormatOfPath("x.kmz") == ExportFormat::Kmz);
    CHECK(parseExportFormat("geojson") == ExportFormat::GeoJson);
    CHECK_FALSE(parseExportFormat("dwg").has_value());
    CHECK(sourceKindOf("a.dbf") == SourceKind::Shapefile);
    CHECK(sourceKindOf("a.XLSX") == SourceKind::Xlsx);
}
