// The ranking theme's classes (planning/rank_theme.hpp) on hand-made cases.
#include <catch2/catch.hpp>

#include "core/model/schema.hpp"
#include "core/planning/rank_theme.hpp"

using namespace bando;
using namespace bando::planning;

TEST_CASE("rank theme: classes by rank among n with the top N first", "[rank][planning]")
{
    // n = 40, top 3: ranks 1-3 top, 4 (= 10 %) rest of the top 10 %, 5-10 (25 %), 11-20 (50 %), 21-40
    CHECK(rankClass(1, 40, 3) == 0);
    CHECK(rankClass(3, 40, 3) == 0);
    CHECK(rankClass(4, 40, 3) == 1);
    CHECK(rankClass(5, 40, 3) == 2);
    CHECK(rankClass(10, 40, 3) == 2);
    CHECK(rankClass(11, 40, 3) == 3);
    CHECK(rankClass(20, 40, 3) == 3);
    CHECK(rankClass(21, 40, 3) == 4);
    CHECK(rankClass(40, 40, 0) == 4);
    CHECK(rankClass(2, 40, 50) == 0);  // a top N above n takes every village

    Layer villages = schema::makeLayer("villages");
    for (const char* code : {"A", "B", "C", "D", "X"}) {
        Feature& f = villages.addFeature(Geometry{});
        villages.set(f, "code", std::string(code));
    }
    // ranked: D, A, C, B (codes in any order, ranks parallel); X is not ranked
    const RankThemeBuilder b(&villages, {"A", "B", "C", "D"});
    CHECK(b.joined() == 4);
    CHECK(b.featureOf(3) == 3);
    CHECK(b.featureOf(9) == -1);
    const auto t = b.make({2, 4, 3, 1}, 1);
    CHECK(t.name == kRankThemeName);
    CHECK(t.villageClass == std::vector<int>{3, 4, 4, 0, -1});  // n = 4: rank 2 is in the 50 % band, 3 and 4 below
    CHECK(t.classCounts == std::vector<int>{1, 0, 0, 1, 2});
    CHECK(t.villageValue[3] == 1);
    CHECK(t.classLabels.size() == t.colours.size());
}
