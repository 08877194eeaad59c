// The cheap validity proof of the analysis's first step (simple_polygon.hpp) against GEOS: it
// never calls valid what GEOS calls invalid, it proves the plain cases, and it leaves every
// crossing, touch and spike to GEOS.
#include "core/analysis/simple_polygon.hpp"
#include "core/capi/geos.hpp"
#include "core/capi/geos_convert.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>

using namespace bando;
using namespace bando::analysis;

namespace {

Geometry polygon(std::vector<XY> ring)
{
    if (!ring.empty() && !(ring.front() == ring.back()))
        ring.push_back(ring.front());
    Geometry g;
    g.type = GeomType::Polygon;
    g.parts.push_back({ring});
    return g;
}

bool geosValid(const Geometry& g)
{
    geos::GeomPtr gg = geos::toGeos(g);
    return GEOSisValid_r(geos::ctx(), gg.get()) == 1;
}

// own RNG (PITFALLS: std distributions differ between standard libraries)
struct Rng {
    uint64_t s;
    double uniform(double a, double b)
    {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        return a + (b - a) * static_cast<double>(s >> 11) / 9007199254740992.0;
    }
};

} // namespace

TEST_CASE("validity proof: plain polygons proved, crossings, touches and spikes left to GEOS", "[analysis][validity]")
{
    // proved valid (and GEOS agrees)
    const Geometry square = polygon({{0, 0}, {10, 0}, {10, 10}, {0, 10}});
    const Geometry concave = polygon({{0, 0}, {10, 0}, {10, 10}, {5, 2}, {0, 10}});
    const Geometry repeated = polygon({{0, 0}, {10, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 10}});
    const Geometry straight = polygon({{0, 0}, {5, 0}, {10, 0}, {10, 10}, {0, 10}});  // collinear neighbours
    for (const Geometry* g : {&square, &concave, &repeated, &straight}) {
        CHECK(provablyValidSimplePolygon(*g));
        CHECK(geosValid(*g));
    }
    // not proved: GEOS decides (and finds them invalid)
    const Geometry bowtie = polygon({{0, 0}, {10, 10}, {10, 0}, {0, 10}});
    const Geometry spike = polygon({{0, 0}, {10, 0}, {10, 10}, {10, 15}, {10, 10}, {0, 10}});
    const Geometry selfTouch = polygon({{0, 0}, {10, 0}, {5, 5}, {10, 10}, {0, 10}, {5, 5}});  // vertex visited twice
    const Geometry vertexOnEdge = polygon({{0, 0}, {10, 0}, {10, 10}, {5, 0}, {0, 10}});       // touches its own edge
    const Geometry flat = polygon({{0, 0}, {5, 0}, {10, 0}});
    for (const Geometry* g : {&bowtie, &spike, &selfTouch, &vertexOnEdge, &flat}) {
        CHECK_FALSE(provablyValidSimplePolygon(*g));
        CHECK_FALSE(geosValid(*g));
    }
    // not proved although valid: a hole, two parts (GEOS is asked)
    Geometry holed = square;
    holed.parts[0].push_back({{2, 2}, {2, 4}, {4, 4}, {4, 2}, {2, 2}});
    Geometry two = square;
    two.type = GeomType::MultiPolygon;
    two.parts.push_back({{{20, 0}, {30, 0}, {30, 10}, {20, 10}, {20, 0}}});
    CHECK_FALSE(provablyValidSimplePolygon(holed));
    CHECK_FALSE(provablyValidSimplePolygon(two));
    CHECK(geosValid(holed));
    CHECK(geosValid(two));
    // open ring, NaN, too few points
    Geometry open;
    open.type = GeomType::Polygon;
    open.parts.push_back({{{0, 0}, {10, 0}, {10, 10}, {0, 10}}});
    CHECK_FALSE(provablyValidSimplePolygon(open));
    const double nan = std::numeric_limits<double>::quiet_NaN();
    CHECK_FALSE(provablyValidSimplePolygon(polygon({{0, 0}, {10, 0}, {nan, 10}, {0, 10}})));
    CHECK_FALSE(provablyValidSimplePolygon(polygon({{0, 0}, {10, 0}})));
    CHECK_FALSE(provablyValidSimplePolygon(Geometry{}));
}

TEST_CASE("validity proof: random star polygons, never valid where GEOS says invalid", "[analysis][validity]")
{
    // stars around a centre: simple when the angles increase; shuffling a few vertices or
    // snapping them to a coarse grid makes crossings, touches and collinear contacts
    Rng rng{42};
    int proved = 0, geosValidCount = 0, total = 0;
    for (int t = 0; t < 3000; ++t) {
        const int n = 4 + static_cast<int>(rng.uniform(0, 40));
        std::vector<XY> ring;
        for (int k = 0; k < n; ++k) {
            const double a = 2 * M_PI * (k + rng.uniform(0, 0.9)) / n;
            const double r = rng.uniform(2, 10);
            XY p{r * std::cos(a), r * std::sin(a)};
            if (t % 3 == 1) {  // a coarse grid: many collinear and touching configurations
                p.x = std::round(p.x);
                p.y = std::round(p.y);
            }
            ring.push_back(p);
        }
        if (t % 3 == 2)  // swap two vertices: often a crossing
            std::swap(ring[static_cast<size_t>(rng.uniform(0, n))], ring[static_cast<size_t>(rng.uniform(0, n))]);
        const Geometry g = polygon(ring);
        const bool p = provablyValidSimplePolygon(g);
        const bool v = geosValid(g);
        ++total;
        proved += p ? 1 : 0;
        geosValidCount += v ? 1 : 0;
        if (p && !v) {
            INFO("star " << t << " proved valid, GEOS: invalid");
            CHECK_FALSE(p);
        }
    }
    // it proves most of what GEOS finds valid, and the test meets invalid ones too
    CHECK(proved > geosValidCount * 9 / 10);
    CHECK(geosValidCount < total * 9 / 10);
}
