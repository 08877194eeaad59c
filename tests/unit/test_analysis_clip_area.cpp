// Covered areas from flat coordinate arrays (issue #9, speed) against the overlay they replace:
// the analysis' GEOS per-village intersections (the old implementation, kept as the oracle) and
// GEOS directly, within 1e-9 of the village area; plus the degenerate and nested cases.
#include "core/analysis/clip_area.hpp"
#include "core/analysis/indicators.hpp"
#include "core/capi/geos.hpp"
#include "core/capi/geos_convert.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>

using namespace bando;
using namespace bando::analysis;

namespace {

constexpr int kEpsg = 9215;

// own RNG (PITFALLS: std distributions differ between standard libraries)
struct Rng {
    uint64_t s;
    double uniform(double a, double b)
    {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        return a + (b - a) * static_cast<double>(s >> 11) / 9007199254740992.0;
    }
};

Ring square(double x0, double y0, double x1, double y1) { return {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}; }

// a star-shaped village of `n` vertices around (cx, cy), counter-clockwise or not
Ring star(Rng& rng, double cx, double cy, double r, int n, bool ccw)
{
    Ring ring;
    for (int k = 0; k < n; ++k) {
        const double a = 2 * M_PI * k / n * (ccw ? 1 : -1), rr = r * rng.uniform(0.6, 1.0);
        ring.push_back({cx + rr * std::cos(a), cy + rr * std::sin(a)});
    }
    ring.push_back(ring.front());
    return ring;
}

// union of disks around random sites (like the benchmark's coverage)
Geometry disks(Rng& rng, int sites, double w, double h, double radius)
{
    GEOSContextHandle_t c = geos::ctx();
    std::vector<GEOSGeometry*> parts;
    for (int i = 0; i < sites; ++i) {
        geos::GeomPtr p(GEOSGeom_createPointFromXY_r(c, rng.uniform(0, w), rng.uniform(0, h)));
        parts.push_back(GEOSBuffer_r(c, p.get(), radius * rng.uniform(0.5, 1.5), 16));
    }
    geos::GeomPtr coll(GEOSGeom_createCollection_r(c, GEOS_MULTIPOLYGON, parts.data(), static_cast<unsigned>(parts.size())));
    geos::GeomPtr u(GEOSUnaryUnion_r(c, coll.get()));
    return geos::polygonalPart(u.get());
}

double geosArea(const Geometry& a, const Geometry& b)
{
    geos::GeomPtr ga = geos::toGeos(a), gb = geos::toGeos(b);
    geos::GeomPtr i(GEOSIntersection_r(geos::ctx(), ga.get(), gb.get()));
    double area = 0;
    GEOSArea_r(geos::ctx(), i.get(), &area);
    return area;
}

} // namespace

TEST_CASE("flat intersection areas: nested, disjoint, a hole, and a shared border (GEOS fallback)", "[analysis][cliparea]")
{
    const FlatPolygon V(Geometry::polygon({square(500000, 2400000, 501000, 2401000)}));
    CHECK(V.area() == Approx(1e6));
    // the village inside a larger square: the whole village
    CHECK(intersectionArea(V, FlatPolygon(Geometry::polygon({square(499000, 2399000, 502000, 2402000)}))) ==
          Approx(1e6).epsilon(1e-12));
    // a small square inside the village: the small square
    CHECK(intersectionArea(V, FlatPolygon(Geometry::polygon({square(500100, 2400100, 500300, 2400200)}))) ==
          Approx(20000).epsilon(1e-12));
    // disjoint
    CHECK(intersectionArea(V, FlatPolygon(Geometry::polygon({square(502000, 2400000, 503000, 2401000)}))) == 0);
    // a crossing square: a quarter of it inside
    CHECK(intersectionArea(V, FlatPolygon(Geometry::polygon({square(500800, 2400900, 501200, 2401300)}))) ==
          Approx(200.0 * 100.0).epsilon(1e-12));
    // coverage with a hole holding most of the village: a 1,000 x 1,000 village minus the 800 x 800 hole
    const Geometry holed = Geometry::polygon(
        {square(499000, 2399000, 502000, 2402000), square(500100, 2400100, 500900, 2400900)});
    CHECK(intersectionArea(V, FlatPolygon(holed)) == Approx(1e6 - 640000).epsilon(1e-12));
    // a shared border (collinear edges) is degenerate: NaN, and coveredAreas falls back to GEOS
    const Geometry half = Geometry::polygon({square(500000, 2400000, 500500, 2401000)});
    CHECK(std::isnan(intersectionArea(V, FlatPolygon(half))));
    const Geometry vg = Geometry::polygon({square(500000, 2400000, 501000, 2401000)});
    const auto a = coveredAreas({&vg}, {&half, &holed}, 1);
    REQUIRE(a.size() == 1);
    CHECK(a[0][0] == Approx(500000).epsilon(1e-12));
    CHECK(a[0][1] == Approx(360000).epsilon(1e-12));
}

TEST_CASE("flat covered areas equal the analysis' GEOS overlay within 1e-9 of the village area", "[analysis][cliparea]")
{
    Rng rng{20211231};
    const double W = 40000, H = 30000;
    Layer villages;
    villages.name = "villages";
    villages.geomType = GeomType::MultiPolygon;
    villages.epsg = kEpsg;
    villages.fields = {{"code", FieldType::Text}, {"households", FieldType::Integer}};
    int n = 0;
    for (double y = 1500; y < H; y += 3000)
        for (double x = 1500; x < W; x += 3000) {
            std::vector<Ring> rings{star(rng, 500000 + x, 2400000 + y, 1450, 30 + n % 50, n % 2 == 0)};
            if (n % 5 == 0)  // a hole in some villages
                rings.push_back(star(rng, 500000 + x, 2400000 + y, 300, 12, n % 3 == 0));
            Geometry g = Geometry::polygon(std::move(rings));
            g.type = GeomType::MultiPolygon;
            Feature& f = villages.addFeature(std::move(g));
            villages.set(f, "code", "V" + std::to_string(n++));
            villages.set(f, "households", int64_t{100});
        }
    Layer coverage;
    coverage.name = "coverage";
    coverage.geomType = GeomType::MultiPolygon;
    coverage.epsg = kEpsg;
    coverage.fields = {{"operator", FieldType::Text}, {"technology", FieldType::Text}, {"level", FieldType::Text}};
    for (const char* op : {"A", "B"}) {
        Geometry g = disks(rng, 40, W, H, 2500);
        for (auto& part : g.parts)
            for (auto& ring : part)
                for (auto& p : ring) {
                    p.x += 500000;
                    p.y += 2400000;
                }
        g.type = GeomType::MultiPolygon;
        Feature& f = coverage.addFeature(std::move(g));
        coverage.set(f, "operator", std::string(op));
        coverage.set(f, "technology", std::string("4G"));
        coverage.set(f, "level", std::string("good"));
    }
    size_t covVertices = 0;
    for (const auto& f : coverage.features)
        covVertices += f.geom.pointCount();
    REQUIRE(covVertices > 2000);  // enough to be cut into several pieces

    std::vector<const Geometry*> vg, cg;
    for (const auto& f : villages.features)
        vg.push_back(&f.geom);
    for (const auto& f : coverage.features)
        cg.push_back(&f.geom);
    const auto flat = coveredAreas(vg, cg, 2);

    // the old implementation: the analysis' per-village GEOS intersections
    AnalysisInput in;
    in.villages = &villages;
    in.coverage = &coverage;
    AnalysisOptions opt;
    opt.metricEpsg = kEpsg;
    opt.date = "2021-12-31";
    opt.parts.economy = false;
    opt.parts.access = false;
    const auto out = analyze(in, opt);
    REQUIRE(out.villages.size() == vg.size());
    int partial = 0, full = 0, none = 0;
    double worst = 0;
    for (size_t v = 0; v < vg.size(); ++v) {
        const double vArea = area(*vg[v]);
        for (size_t c = 0; c < cg.size(); ++c) {
            const std::string op = c == 0 ? "A" : "B";
            double old = -1;
            for (const auto& s : out.villages[v].coverage)
                if (s.op == op && s.tech == "4G")
                    old = s.areaGood * vArea;
            REQUIRE(old >= 0);
            const double direct = geosArea(*vg[v], *cg[c]);
            worst = std::max({worst, std::fabs(flat[v][c] - old) / vArea, std::fabs(flat[v][c] - direct) / vArea});
            CHECK(std::fabs(flat[v][c] - old) <= 1e-9 * vArea);
            CHECK(std::fabs(flat[v][c] - direct) <= 1e-9 * vArea);
            if (direct <= 0)
                ++none;
            else if (direct >= vArea * (1 - 1e-12))
                ++full;
            else
                ++partial;
        }
    }
    INFO("worst relative difference " << worst);
    // the data exercise every case
    CHECK(partial > 20);
    CHECK(full > 5);
    CHECK(none > 5);
}
