#include <catch2/catch.hpp>

#include "core/base/text.hpp"
#include "core/capi/proj.hpp"
#include "core/model/geometry.hpp"

using namespace bando;

TEST_CASE("polygon area, containment and WKB round trip", "[geometry]")
{
    Geometry sq = Geometry::polygon({{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}, {{2, 2}, {4, 2}, {4, 4}, {2, 4}, {2, 2}}});
    CHECK(area(sq) == Approx(96.0));
    CHECK(contains(sq, 5, 5));
    CHECK_FALSE(contains(sq, 3, 3));  // in the hole
    CHECK_FALSE(contains(sq, 11, 5));
    auto wkb = toWkb(sq);
    CHECK(wkb.size() == 1 + 4 + 4 + (4 + 5 * 16) * 2);
    Geometry back = fromWkb(wkb.data(), wkb.size());
    CHECK(back.type == GeomType::Polygon);
    CHECK(back.parts == sq.parts);
    CHECK_THROWS(fromWkb(wkb.data(), wkb.size() - 3));
    XY ip = interiorPoint(sq);
    CHECK(contains(sq, ip.x, ip.y));
}

TEST_CASE("TP Lạng Sơn in VN-2000 / TM-3 107-15 matches DOMAIN.md", "[crs]")
{
    auto p = crs::transform(crs::kWgs84, crs::kVn2000LangSon, 106.7610, 21.8526);
    CHECK(p.x == Approx(449262.3).margin(1.0));
    CHECK(p.y == Approx(2417428.1).margin(1.0));
    auto q = crs::transform(crs::kVn2000LangSon, crs::kWgs84, p.x, p.y);
    CHECK(q.x == Approx(106.7610).margin(1e-7));
    CHECK(q.y == Approx(21.8526).margin(1e-7));
    CHECK(std::string(crs::crsName(9215)) == "VN-2000 / TM-3 107-15");
}

TEST_CASE("text: NFC and matching keys", "[text]")
{
    const std::string decomposed = "La\xcc\xa3ng So\xcc\x9bn";  // a + combining dot below, o + horn
    CHECK_FALSE(text::isNfc(decomposed));
    CHECK(text::toNfc(decomposed) == "Lạng Sơn");
    CHECK(text::isNfc("Lạng Sơn"));
    CHECK(text::foldForMatch("  Thôn  Nà Pài ") == "thon na pai");
    CHECK(text::foldForMatch("ĐÌNH LẬP") == "dinh lap");
    CHECK(text::toUpper("lạng sơn") == "LẠNG SƠN");
    CHECK_FALSE(text::isValidUtf8("\xff\xfe"));
}
