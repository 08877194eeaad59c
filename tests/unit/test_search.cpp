// Place search (core/search): diacritic- and case-insensitive, abbreviation-aware, ordered by
// match quality, level and Vietnamese collation.
#include "core/search/place_search.hpp"

#include <catch2/catch.hpp>

using namespace bando;
using namespace bando::search;

namespace {

struct Units {
    Layer d, c, v;
    Units()
    {
        d.fields = {{"code", FieldType::Text}, {"name", FieldType::Text}};
        c.fields = {{"code", FieldType::Text}, {"name", FieldType::Text}, {"district_code", FieldType::Text}};
        v.fields = {{"code", FieldType::Text}, {"name", FieldType::Text}, {"commune_code", FieldType::Text},
                    {"district_code", FieldType::Text}};
        unit(d, {"178", "Thành phố Lạng Sơn"});
        unit(d, {"181", "Huyện Đình Lập"});
        unit(d, {"186", "Huyện Chi Lăng"});
        unit(d, {"187", "Huyện Hữu Lũng"});
        unit(c, {"05977", "Phường Chi Lăng", "178"});
        unit(c, {"06100", "Thị trấn Đình Lập", "181"});
        unit(c, {"06103", "Xã Đình Lập", "181"});
        unit(c, {"06040", "Xã Chi Lăng", "186"});
        unit(c, {"06028", "Thị trấn Đồng Mỏ", "186"});
        unit(c, {"06019", "Xã Mai Pha", "178"});
        unit(c, {"06200", "Xã Đồng Tân", "187"});
        unit(v, {"0604001", "Thôn Nà Pài", "06040", "186"});
        unit(v, {"0602801", "Khối Đồng Mỏ", "06028", "186"});
        unit(v, {"0610001", "Khu Đình Lập", "06100", "181"});
        unit(v, {"0601901", "Thôn Mai Pha", "06019", "178"});
        unit(v, {"0620001", "Bản Đông", "06200", "187"});
        unit(v, {"0620002", "Bản Đồng", "06200", "187"});
        unit(v, {"0620003", "Bản Dung", "06200", "187"});
    }
    static void unit(Layer& l, std::vector<const char*> values)
    {
        auto& f = l.addFeature({});
        for (size_t i = 0; i < values.size(); ++i)
            f.values[i] = std::string(values[i]);
    }
};

std::vector<std::string> names(const std::vector<Hit>& hits)
{
    std::vector<std::string> out;
    for (const auto& h : hits)
        out.push_back(h.place.name);
    return out;
}

} // namespace

TEST_CASE("place search ignores diacritics and case and knows the abbreviations", "[search]")
{
    const Units u;
    const PlaceIndex idx(u.d, u.c, u.v);
    CHECK(idx.size() == 4 + 7 + 7);

    // "lang son": the city first (exact name), then what lies in it (commune, village context)
    auto hits = idx.find("lang son");
    REQUIRE(!hits.empty());
    CHECK(hits[0].place.name == "Thành phố Lạng Sơn");
    CHECK(hits[0].score == 100);
    CHECK(hits[0].place.level == Level::District);
    CHECK(names(idx.find("LẠNG SƠN", 1)) == std::vector<std::string>{"Thành phố Lạng Sơn"});

    // "tt dong mo": the town only (the village "Khối Đồng Mỏ" is not a thị trấn)
    CHECK(names(idx.find("tt dong mo")) == std::vector<std::string>{"Thị trấn Đồng Mỏ"});
    CHECK(names(idx.find("thị trấn đồng mỏ")) == std::vector<std::string>{"Thị trấn Đồng Mỏ"});
    // without the abbreviation: the town and the village of the same name
    CHECK(names(idx.find("dong mo")) == std::vector<std::string>{"Thị trấn Đồng Mỏ", "Khối Đồng Mỏ"});

    // "x. mai pha": the commune, not the village
    CHECK(names(idx.find("x. mai pha")) == std::vector<std::string>{"Xã Mai Pha"});
    CHECK(names(idx.find("thon mai pha")) == std::vector<std::string>{"Thôn Mai Pha"});

    // "dinh lap": district, then the two communes in collation order (Thị trấn < Xã), then the village
    CHECK(names(idx.find("dinh lap")) ==
          std::vector<std::string>{"Huyện Đình Lập", "Thị trấn Đình Lập", "Xã Đình Lập", "Khu Đình Lập"});
    CHECK(names(idx.find("h. dinh lap")) == std::vector<std::string>{"Huyện Đình Lập"});

    // "chi lang": the district, then the communes: Phường before Xã in Vietnamese order
    hits = idx.find("chi lang");
    CHECK(names(std::vector<Hit>(hits.begin(), hits.begin() + 3)) ==
          std::vector<std::string>{"Huyện Chi Lăng", "Phường Chi Lăng", "Xã Chi Lăng"});
    // the village by its name with its commune ("na pai chi lang")
    CHECK(names(idx.find("na pai chi lang")) == std::vector<std::string>{"Thôn Nà Pài"});
    CHECK(idx.find("na pai")[0].place.communeName == "Xã Chi Lăng");
    CHECK(idx.find("na pai")[0].place.districtName == "Huyện Chi Lăng");

    CHECK(idx.find("").empty());
    CHECK(idx.find("  . ").empty());
    CHECK(idx.find("khong co").empty());
}

TEST_CASE("place search orders equal matches by Vietnamese collation", "[search]")
{
    const Units u;
    const PlaceIndex idx(u.d, u.c, u.v);
    // "Bản Dung", "Bản Đông", "Bản Đồng" all start with d… : Vietnamese order puts D before Đ, and
    // the level tone (Đông) before the grave tone (Đồng); a byte or folded order would not.
    auto hits = idx.find("ban d");
    CHECK(names(hits) == std::vector<std::string>{"Bản Dung", "Bản Đông", "Bản Đồng"});
}

#include "core/base/error.hpp"
#include "core/search/identify.hpp"

TEST_CASE("identify lists every layer under the point, rectangle and polygon selection, planar measures", "[search]")
{
    Layer villages, shops;
    villages.name = "villages";
    villages.fields = {{"code", FieldType::Text}};
    shops.name = "shops";
    shops.fields = {{"village_code", FieldType::Text}};
    // two 1000 m squares side by side, a shop 3 m from (500, 500)
    villages.addFeature(Geometry::polygon({{{0, 0}, {1000, 0}, {1000, 1000}, {0, 1000}, {0, 0}}}));
    villages.addFeature(Geometry::polygon({{{1000, 0}, {2000, 0}, {2000, 1000}, {1000, 1000}, {1000, 0}}}));
    shops.addFeature(Geometry::point(503, 504));
    shops.addFeature(Geometry::point(900, 900));

    auto hits = identifyAt({&villages, &shops}, 500, 500, 10);
    REQUIRE(hits.size() == 2);
    CHECK(hits[0].layer == "villages");
    CHECK(hits[0].feature == 0);
    CHECK(hits[1].layer == "shops");
    CHECK(hits[1].feature == 0);
    CHECK(hits[1].distance == Approx(5.0));
    hits = identifyAt({&villages, &shops}, 1500, 500, 10);
    REQUIRE(hits.size() == 1);
    CHECK(hits[0].feature == 1);
    CHECK(identifyAt({&villages}, 2500, 500, 10).empty());

    CHECK(featuresInBox(villages, {900, 100, 1100, 200}) == std::vector<size_t>{0, 1});
    CHECK(featuresInBox(villages, {1400, 400, 1600, 600}) == std::vector<size_t>{1});  // inside, no vertex
    CHECK(featuresInBox(shops, {800, 800, 1000, 1000}) == std::vector<size_t>{1});

    // polygon selection (GEOS prepared intersects): an L-shaped outline whose extent covers part of
    // the second village but whose area meets only the first one's corner
    const std::vector<XY> ell{{100, 100}, {200, 100}, {200, -100}, {1900, -100}, {1900, -200}, {100, -200}};
    CHECK(featuresInPolygon(villages, ell) == std::vector<size_t>{0});
    CHECK(featuresInPolygon(shops, ell).empty());
    // a small triangle around the second shop, inside the first village
    const std::vector<XY> tri{{850, 850}, {950, 850}, {900, 950}};
    CHECK(featuresInPolygon(villages, tri) == std::vector<size_t>{0});
    CHECK(featuresInPolygon(shops, tri) == std::vector<size_t>{1});
    // a vertex exactly on the shared edge touches both villages
    CHECK(featuresInPolygon(villages, {{1000, 500}, {900, 400}, {900, 600}}) == std::vector<size_t>{0, 1});
    // a self-crossing "bow tie" over both villages is made valid, not refused
    CHECK(featuresInPolygon(villages, {{500, 500}, {1500, 600}, {1500, 500}, {500, 600}}) == std::vector<size_t>{0, 1});
    // the same vertex clicked twice counts once: 2 distinct vertices, and a flat outline, are refused
    CHECK_THROWS_AS(featuresInPolygon(villages, {{0, 0}, {10, 10}, {10, 10}}), Error);
    CHECK_THROWS_AS(featuresInPolygon(villages, {{0, 0}, {10, 10}, {20, 20}}), Error);

    CHECK(measureLength({{0, 0}, {3000, 4000}, {3000, 5000}}) == Approx(6000));
    CHECK(measureArea({{0, 0}, {2000, 0}, {2000, 500}, {0, 500}}) == Approx(1e6));  // 1 km²
    CHECK(measureArea({{0, 0}, {1, 1}}) == 0);
}
