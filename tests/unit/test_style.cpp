// The style model: classification methods against hand-computed cases, ramps, JSON.
#include "core/base/error.hpp"
#include "core/style/style.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

using namespace bando;
using namespace bando::style;

TEST_CASE("Jenks natural breaks match hand-computed optima", "[style][jenks]")
{
    // Three obvious groups: SSD 2 + 2 + 2 = 6.
    const std::vector<double> a = {22, 1, 11, 2, 21, 3, 10, 12, 20};
    const auto e = jenksEdges(a, 3);
    REQUIRE(e == std::vector<double>{1, 3, 12, 22});
    CHECK(sumSquaredDeviations(a, e) == Approx(6.0));

    // {0, 1, 5, 6, 7} in 2 classes, by hand: {0,1}{5,6,7} SSD 0.5 + 2 = 2.5;
    // {0}{1,5,6,7} 20.75; {0,1,5}{6,7} 14.5; {0,1,5,6}{7} 20.75 → the break after 1.
    const std::vector<double> b = {0, 1, 5, 6, 7};
    REQUIRE(jenksEdges(b, 2) == std::vector<double>{0, 1, 7});
    CHECK(sumSquaredDeviations(b, jenksEdges(b, 2)) == Approx(2.5));

    // {1,2,4,5,6,9,10,20} in 3 classes. Enumerating the 21 splits by hand gives the optimum
    // {1,2,4,5,6}{9,10}{20}: 17.2 + 0.5 + 0 = 17.7 ({1,2}{4,5,6,9,10}{20}: 0.5 + 26.8 = 27.3).
    const std::vector<double> c = {1, 2, 4, 5, 6, 9, 10, 20};
    const auto ce = jenksEdges(c, 3);
    REQUIRE(ce == std::vector<double>{1, 6, 10, 20});
    CHECK(sumSquaredDeviations(c, ce) == Approx(17.7));

    // Equal values are never split, and NaN is ignored.
    const auto d = jenksEdges({5, 5, 5, 1, NAN, 9}, 5);
    CHECK(d == std::vector<double>{1, 1, 5, 9});
}

TEST_CASE("Jenks is exact on a large input: no other split of the sorted values is better", "[style][jenks]")
{
    std::vector<double> v;
    uint32_t x = 12345;
    for (int i = 0; i < 400; ++i) {
        x = x * 1103515245u + 12345u;
        v.push_back(static_cast<double>((x >> 8) % 1000) / 10.0);
    }
    const auto e = jenksEdges(v, 3);
    REQUIRE(e.size() == 4);
    const double best = sumSquaredDeviations(v, e);
    std::vector<double> s = v;
    std::sort(s.begin(), s.end());
    s.erase(std::unique(s.begin(), s.end()), s.end());
    for (size_t i = 0; i + 2 < s.size(); ++i)
        for (size_t j = i + 1; j + 1 < s.size(); ++j)
            REQUIRE(sumSquaredDeviations(v, {s.front(), s[i], s[j], s.back()}) >= best - 1e-6);
}

TEST_CASE("Pretty breaks give exactly the class count asked for, with nice widths", "[style][pretty]")
{
    std::vector<double> v;
    for (int i = 0; i <= 97; ++i)
        v.push_back(i);
    CHECK(prettyEdges(v, 5) == std::vector<double>{0, 20, 40, 60, 80, 100});
    CHECK(prettyEdges(v, 4) == std::vector<double>{0, 25, 50, 75, 100});
    CHECK(prettyEdges(v, 3) == std::vector<double>{0, 50, 100, 150});
    for (int k = 1; k <= 9; ++k) {
        const auto e = prettyEdges({3.7, 1234.5, 812}, k);
        REQUIRE(e.size() == static_cast<size_t>(k) + 1);
        CHECK(e.front() <= 3.7);
        CHECK(e.back() >= 1234.5);
    }
    // 0.01 wide classes from 0.01 end at 0.05 < 0.051: the next nice width, 0.02, from 0.
    const auto small = prettyEdges({0.013, 0.051}, 4);
    REQUIRE(small.size() == 5);
    for (size_t i = 0; i < small.size(); ++i)
        CHECK(small[i] == Approx(0.02 * static_cast<double>(i)).margin(1e-12));
}

TEST_CASE("Quantile, equal interval and fixed interval edges", "[style]")
{
    const std::vector<double> v = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    CHECK(quantileEdges(v, 4) == std::vector<double>{1, 3, 5, 7, 9});
    CHECK(equalIntervalEdges(v, 4) == std::vector<double>{1, 3, 5, 7, 9});
    CHECK(equalIntervalEdges({0, 10}, 3)[1] == Approx(10.0 / 3));
    CHECK(fixedIntervalEdges({12, 37, 58}, 25) == std::vector<double>{0, 25, 50, 75});
    CHECK(quantileEdges({1, 1, 1, 1, 2}, 4) == std::vector<double>{1, 2});  // ties: no empty class
    CHECK(classIndex({0, 10, 20}, 0) == 0);
    CHECK(classIndex({0, 10, 20}, 10) == 0);
    CHECK(classIndex({0, 10, 20}, 10.5) == 1);
    CHECK(classIndex({0, 10, 20}, 21) == -1);
    CHECK(classIndex({0, 10, 20}, NAN) == -1);
}

TEST_CASE("Ramps: ColorBrewer colours, colour-blind-safe defaults", "[style][ramp]")
{
    for (Renderer r : {Renderer::Categorized, Renderer::Graduated, Renderer::Heatmap})
        CHECK(rampInfo(defaultRamp(r))->colourBlindSafe);
    CHECK(rampColours("OkabeIto", 3) == std::vector<uint32_t>{0xe69f00, 0x56b4e9, 0x009e73});
    CHECK(rampAt("YlOrRd", 0) == 0xffffcc);
    CHECK(rampAt("YlOrRd", 1) == 0x800026);
    CHECK(rampAt("Blues", 0.5) == 0x6baed6);  // the 5th of 9 stops
    CHECK_FALSE(rampInfo("RdYlGn")->colourBlindSafe);
}

TEST_CASE("Styles read from JSON, round-trip, and name the bad key", "[style][json]")
{
    const auto styles = parseStyles(R"({"styles": [
        {"layer": "shops", "renderer": "categorized", "field": "locomotive", "symbol": "diamond", "size": 2.5,
         "categories": [{"value": 1, "colour": "#d55e00", "label": "Đầu tàu"}, {"value": "0", "colour": "#56B4E9"}]},
        {"layer": "villages", "renderer": "graduated", "field": "households", "method": "pretty", "classes": 4,
         "ramp": "Greens"},
        {"layer": "shops", "renderer": "heatmap", "radius_m": 2000}]})",
                                    "test.json");
    REQUIRE(styles.size() == 3);
    CHECK(styles[0].symbol == Symbol::Diamond);
    CHECK(styles[0].categories[0].value == "1");
    CHECK(styles[0].categories[0].label == "Đầu tàu");
    CHECK(styles[0].categories[1].colour == 0x56b4e9);
    CHECK(styles[1].method == Method::Pretty);
    CHECK(styles[2].radiusM == 2000);
    const auto again = parseStyles(toJson(styles), "again");
    REQUIRE(again.size() == 3);
    CHECK(toJson(again) == toJson(styles));

    auto message = [](const std::string& json) {
        try {
            parseStyles(json, "bad.json");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::Usage);
            return std::string(e.what());
        }
        return std::string("no error");
    };
    CHECK_THAT(message(R"({"layer": "shops", "colour": "red"})"), Catch::Contains("bad.json") &&
                                                                      Catch::Contains("colour"));
    CHECK_THAT(message(R"({"layer": "shops", "sise": 2})"), Catch::Contains("unknown key \"sise\""));
    CHECK_THAT(message(R"({"layer": "shops", "renderer": "graduated"})"), Catch::Contains("\"field\""));
    CHECK_THAT(message(R"({"layer": "shops", "renderer": "heatmap", "radius_m": -5})"), Catch::Contains("radius_m"));
    CHECK_THAT(message(R"({"layer": "shops", "ramp": "Rainbow"})"), Catch::Contains("unknown ramp"));
    CHECK_THAT(message("{\"layer\": \"shops\",\n \"size\": }"), Catch::Contains("line 2"));
}

TEST_CASE("Markers grow with zoom around the reference scale, clamped", "[style]")
{
    Style s;
    s.sizePt = 2;
    CHECK(markerRadiusPt(s, kReferenceScale) == Approx(2));
    CHECK(markerRadiusPt(s, kReferenceScale / 4) == Approx(4));
    CHECK(markerRadiusPt(s, kReferenceScale * 100) == Approx(1.2));
    CHECK(markerRadiusPt(s, 1000) == Approx(6));
    s.scaleWithZoom = false;
    CHECK(markerRadiusPt(s, 1000) == Approx(2));
}

TEST_CASE("The editor's histogram and typed breaks", "[style][editor]")
{
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const auto h = style::histogram({0, 1, 2, 3, 9, 10, nan}, 5);
    CHECK(h.min == 0);
    CHECK(h.max == 10);
    // bins of width 2: [0,2) [2,4) [4,6) [6,8) [8,10]
    CHECK(h.counts == std::vector<int>{2, 2, 0, 0, 2});
    CHECK(style::histogram({}, 5).counts.empty());
    CHECK(style::histogram({4, 4}, 3).counts == std::vector<int>{2, 0, 0});

    CHECK(style::parseEdges("0, 60; 120 400") == std::vector<double>{0, 60, 120, 400});
    CHECK(style::parseEdges(" 0.5,1e3 ") == std::vector<double>{0.5, 1000});
    CHECK_THROWS_WITH(style::parseEdges("0, 50, 40"), Catch::Contains("ascending"));
    CHECK_THROWS_WITH(style::parseEdges("0, 5x"), Catch::Contains("'5x' is not a number"));
    CHECK_THROWS_WITH(style::parseEdges("7"), Catch::Contains("at least two"));
    CHECK_THROWS_WITH(style::parseEdges("0,5,5"), Catch::Contains("ascending"));
}
