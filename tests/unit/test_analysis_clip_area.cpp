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

TEST_CASE("flat clip geometry: crossing, nested, a hole, two pieces, and the GEOS fallback", "[analysis][cliparea]")
{
    const Geometry vg = Geometry::polygon({square(500000, 2400000, 501000, 2401000)});
    const FlatPolygon V(vg);
    // a crossing square: the 200 x 100 corner, one ring of 4 corners
    const Clip c = clip(V, IndexedPolygon(Geometry::polygon({square(500800, 2400900, 501200, 2401300)})), true);
    REQUIRE(c.exact);
    CHECK(c.area == Approx(20000).epsilon(1e-12));
    REQUIRE(c.geom.parts.size() == 1);
    CHECK(c.geom.parts[0].size() == 1);
    CHECK(c.geom.parts[0][0].size() == 5);
    CHECK(area(c.geom) == Approx(20000).epsilon(1e-12));
    // the village inside a polygon with a hole: the village minus the hole (a shell and a hole)
    const Clip h = clip(V, IndexedPolygon(Geometry::polygon({square(499000, 2399000, 502000, 2402000),
                                                              square(500100, 2400100, 500900, 2400900)})), true);
    REQUIRE(h.exact);
    CHECK(h.area == Approx(1e6 - 640000).epsilon(1e-12));
    REQUIRE(h.geom.parts.size() == 1);
    CHECK(h.geom.parts[0].size() == 2);
    // a bar across the village's middle and beyond: one piece; two bars: two pieces
    Geometry bars = Geometry::polygon({square(499500, 2400100, 501500, 2400200)});
    bars.parts.push_back({square(499500, 2400600, 501500, 2400900)});
    bars.type = GeomType::MultiPolygon;
    const Clip b = clip(V, IndexedPolygon(bars), true);
    REQUIRE(b.exact);
    CHECK(b.area == Approx(1000.0 * 100 + 1000.0 * 300).epsilon(1e-12));
    CHECK(b.geom.parts.size() == 2);
    // a bar that cuts the village in two: the village minus the bar, two pieces, through the
    // complement polygon (the gap of a coverage)
    const Geometry gapOf = Geometry::polygon({square(499000, 2399000, 502000, 2402000), square(499500, 2400400, 501500, 2400500)});
    const Clip g = clip(V, IndexedPolygon(gapOf), true);
    REQUIRE(g.exact);
    CHECK(g.area == Approx(1e6 - 100000).epsilon(1e-12));
    CHECK(g.geom.parts.size() == 2);
    // a polygon sharing the village's border (collinear edges): degenerate, GEOS gives the answer
    const Geometry half = Geometry::polygon({square(500000, 2400000, 500500, 2401000)});
    const Clip d = clip(V, IndexedPolygon(half), true);
    CHECK_FALSE(d.exact);
    geos::GeomPtr gh = geos::toGeos(half);
    const Clip e = clipWithGeos(vg, gh.get(), true);
    CHECK(e.area == Approx(500000).epsilon(1e-12));
    CHECK(area(e.geom) == Approx(500000).epsilon(1e-12));
    // disjoint: nothing
    const Clip n = clip(V, IndexedPolygon(Geometry::polygon({square(502000, 2400000, 503000, 2401000)})), true);
    CHECK(n.exact);
    CHECK(n.area == 0);
    CHECK(n.geom.isEmpty());
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
    opt.geosOverlay = true;
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

TEST_CASE("flat clipping: the analysis' shares and gap geometries equal the GEOS overlay", "[analysis][cliparea]")
{
    Rng rng{20261130};
    const double W = 36000, H = 27000;
    Layer villages;
    villages.name = "villages";
    villages.geomType = GeomType::MultiPolygon;
    villages.epsg = kEpsg;
    villages.fields = {{"code", FieldType::Text}, {"households", FieldType::Integer}};
    int n = 0;
    for (double y = 1500; y < H; y += 3000)
        for (double x = 1500; x < W; x += 3000) {
            std::vector<Ring> rings{star(rng, 500000 + x, 2400000 + y, 1450, 30 + n % 50, n % 2 == 0)};
            if (n % 5 == 0)  // a hole
                rings.push_back(star(rng, 500000 + x, 2400000 + y, 300, 12, n % 3 == 0));
            Geometry g = Geometry::polygon(std::move(rings));
            g.type = GeomType::MultiPolygon;
            if (n % 7 == 0)  // a multipart village: a small island next to it
                g.parts.push_back({star(rng, 500000 + x + 1200, 2400000 + y + 1200, 200, 9, true)});
            Feature& f = villages.addFeature(std::move(g));
            villages.set(f, "code", "V" + std::to_string(n++));
            villages.set(f, "households", int64_t{100});
        }
    // two operators × 3G / 4G, good = union of disks, weak = the ring to 1.6 × the radius
    Layer coverage;
    coverage.name = "coverage";
    coverage.geomType = GeomType::MultiPolygon;
    coverage.epsg = kEpsg;
    coverage.fields = {{"operator", FieldType::Text}, {"technology", FieldType::Text}, {"level", FieldType::Text}};
    auto shift = [](Geometry g) {
        for (auto& part : g.parts)
            for (auto& ring : part)
                for (auto& p : ring) {
                    p.x += 500000;
                    p.y += 2400000;
                }
        g.type = GeomType::MultiPolygon;
        return g;
    };
    for (const char* op : {"A", "B"})
        for (const char* tech : {"3G", "4G"}) {
            const uint64_t seed = rng.s;
            Geometry good = disks(rng, 25, W, H, 2200);
            rng.s = seed;  // the same sites, larger radius
            Geometry outer = disks(rng, 25, W, H, 2200 * 1.6);
            geos::GeomPtr go = geos::toGeos(outer), gg = geos::toGeos(good);
            geos::GeomPtr ring(GEOSDifference_r(geos::ctx(), go.get(), gg.get()));
            for (int lv = 0; lv < 2; ++lv) {
                Feature& f = coverage.addFeature(shift(lv == 0 ? good : geos::polygonalPart(ring.get())));
                coverage.set(f, "operator", std::string(op));
                coverage.set(f, "technology", std::string(tech));
                coverage.set(f, "level", std::string(lv == 0 ? "good" : "weak"));
            }
        }
    AnalysisInput in;
    in.villages = &villages;
    in.coverage = &coverage;
    AnalysisOptions opt;
    opt.metricEpsg = kEpsg;
    opt.date = "2021-12-31";
    opt.parts.economy = false;
    opt.parts.access = false;
    const auto flat = analyze(in, opt);
    opt.geosOverlay = true;
    const auto ref = analyze(in, opt);
    REQUIRE(flat.villages.size() == ref.villages.size());
    REQUIRE(flat.gaps.size() == ref.gaps.size());
    REQUIRE(flat.gaps.size() == villages.features.size() * 3 * 2);  // A, B, any × two kinds
    double worst = 0;
    for (size_t v = 0; v < flat.villages.size(); ++v) {
        const auto& a = flat.villages[v].coverage;
        const auto& b = ref.villages[v].coverage;
        REQUIRE(a.size() == b.size());
        for (size_t k = 0; k < a.size(); ++k) {
            CHECK(a[k].op == b[k].op);
            CHECK(a[k].tech == b[k].tech);
            worst = std::max({worst, std::fabs(a[k].areaGood - b[k].areaGood), std::fabs(a[k].areaWeakOnly - b[k].areaWeakOnly)});
            CHECK(a[k].areaGood == Approx(b[k].areaGood).margin(1e-9));
            CHECK(a[k].areaWeakOnly == Approx(b[k].areaWeakOnly).margin(1e-9));
            CHECK(a[k].centre == b[k].centre);
        }
        CHECK(flat.villages[v].gapAreaKm2 == Approx(ref.villages[v].gapAreaKm2).margin(1e-9));
    }
    // every gap geometry: the same area and the same place (symmetric difference ~ 0), valid
    int partial = 0, whole = 0, empty = 0;
    for (size_t k = 0; k < flat.gaps.size(); ++k) {
        const auto& a = flat.gaps[k];
        const auto& b = ref.gaps[k];
        REQUIRE(a.villageCode == b.villageCode);
        REQUIRE(a.op == b.op);
        REQUIRE(a.kind == b.kind);
        const double vArea = area(villages.features[static_cast<size_t>(k / 6)].geom);
        CHECK(a.areaM2 == Approx(b.areaM2).margin(1e-9 * vArea));
        CHECK(area(a.geom) == Approx(a.areaM2).margin(1e-9 * vArea));
        // the GEOS overlay may leave a sliver where the flat clip leaves nothing
        CHECK(a.geom.isEmpty() == (b.areaM2 <= 1e-9 * vArea));
        if (a.geom.isEmpty() || b.geom.isEmpty()) {
            ++empty;
            continue;
        }
        geos::GeomPtr ga = geos::toGeos(a.geom), gb = geos::toGeos(b.geom);
        CHECK(GEOSisValid_r(geos::ctx(), ga.get()) == 1);
        geos::GeomPtr d(GEOSSymDifference_r(geos::ctx(), ga.get(), gb.get()));
        double da = 0;
        GEOSArea_r(geos::ctx(), d.get(), &da);
        CHECK(da <= 1e-9 * vArea);
        (a.areaM2 >= vArea * (1 - 1e-12) ? whole : partial) += 1;
    }
    INFO("worst share difference " << worst);
    CHECK(partial > 50);
    CHECK(whole > 5);
    CHECK(empty > 5);
}

TEST_CASE("degenerate pairs by a symbolic shift: shared edges, touching vertices, identical polygons, a touching hole",
          "[analysis][cliparea]")
{
    const Geometry vg = Geometry::polygon({square(500000, 2400000, 501000, 2401000)});
    const double vArea = 1e6;
    struct Case {
        const char* name;
        Geometry p;
    };
    Geometry touchingHole = Geometry::polygon({square(499500, 2399500, 500500, 2400500),
                                               // a hole whose corner touches the shell's top edge
                                               {{500000, 2400100}, {500200, 2400500}, {500300, 2400100}, {500000, 2400100}}});
    Geometry twoCells = Geometry::polygon({square(499500, 2400000, 500000, 2400500)});
    twoCells.parts.push_back({square(500000, 2400500, 500500, 2401000)});  // raster cells meeting at a corner on V's edge
    twoCells.type = GeomType::MultiPolygon;
    const std::vector<Case> cases{
        {"shared edge, inside", Geometry::polygon({square(500000, 2400000, 500500, 2401000)})},
        {"shared edge, outside", Geometry::polygon({square(499000, 2400000, 500000, 2401000)})},
        {"shared edge, partly", Geometry::polygon({square(500200, 2400600, 501000, 2401500)})},
        {"identical", vg},
        {"vertex on the village's edge", Geometry::polygon({{{500500, 2401000}, {500700, 2401400}, {500300, 2401400}, {500500, 2401000}}})},
        {"vertex poking in through an edge vertex", Geometry::polygon({{{500000, 2400000}, {499000, 2399500}, {499000, 2400500}, {500000, 2400000}}})},
        {"corner to corner", Geometry::polygon({square(501000, 2401000, 502000, 2402000)})},
        {"a hole touching its shell, across the village", touchingHole},
        {"two cells touching at a corner on the village's edge", twoCells},
    };
    for (const auto& c : cases) {
        INFO(c.name);
        const IndexedPolygon P(c.p);
        VillageClipper clipper(vg);
        CHECK_FALSE(clip(clipper.flat(), P, true).exact);  // degenerate for the plain clip
        const Clip r = clipper(P, true);
        REQUIRE(r.exact);
        CHECK(clipper.shiftedClips == 1);
        geos::GeomPtr gp = geos::toGeos(c.p);
        const Clip g = clipWithGeos(vg, gp.get(), true);
        CHECK(r.area == Approx(g.area).margin(1e-9 * vArea));
        CHECK(area(r.geom) == Approx(r.area).margin(1e-9 * vArea));
        CHECK(r.geom.isEmpty() == g.geom.isEmpty());
        if (!r.geom.isEmpty() && !g.geom.isEmpty()) {
            geos::GeomPtr a = geos::toGeos(r.geom), b = geos::toGeos(g.geom);
            INFO(geos::validReason(a.get()));
            INFO(geos::toWkt(a.get()));
            CHECK(GEOSisValid_r(geos::ctx(), a.get()) == 1);
            geos::GeomPtr d(GEOSSymDifference_r(geos::ctx(), a.get(), b.get()));
            double da = 0;
            GEOSArea_r(geos::ctx(), d.get(), &da);
            CHECK(da <= 1e-9 * vArea);
        }
    }
    // the expected areas themselves (not only GEOS's word)
    VillageClipper clipper(vg);
    CHECK(clipper(IndexedPolygon(cases[0].p), false).area == Approx(500000).epsilon(1e-9));
    CHECK(clipper(IndexedPolygon(cases[1].p), false).area == Approx(0).margin(1e-3));
    CHECK(clipper(IndexedPolygon(cases[2].p), false).area == Approx(800.0 * 400).epsilon(1e-9));
    CHECK(clipper(IndexedPolygon(cases[3].p), false).area == Approx(1e6).epsilon(1e-9));
    CHECK(clipper(IndexedPolygon(cases[7].p), false).area == Approx(500.0 * 500 - 0.5 * 300 * 400).epsilon(1e-9));
    CHECK(clipper(IndexedPolygon(cases[8].p), false).area == Approx(250000).epsilon(1e-9));
}

TEST_CASE("clip: holes touching in a ring around part of the shell are mended into valid polygons",
          "[cliparea]")
{
    // a 5 x 5 field with four unit holes around its centre cell, touching one another at corners:
    // the centre cell is cut off from the rest of the field ("interior is disconnected")
    auto square = [](double x, double y) {
        return Ring{{x, y}, {x, y + 1}, {x + 1, y + 1}, {x + 1, y}, {x, y}};  // clockwise: a hole
    };
    const Geometry field = Geometry::polygon({{{0, 0}, {5, 0}, {5, 5}, {0, 5}, {0, 0}}, square(1, 2), square(2, 3),
                                              square(3, 2), square(2, 1)});
    const Geometry village = Geometry::polygon({{{-1, -1}, {6, -1}, {6, 6}, {-1, 6}, {-1, -1}}});
    Clip c = clip(FlatPolygon(village), IndexedPolygon(field), true);
    REQUIRE(c.exact);
    CHECK(c.area == Approx(21));
    CHECK(c.cutAtTouches);
    {
        geos::GeomPtr g = geos::toGeos(c.geom);
        CHECK(GEOSisValid_r(geos::ctx(), g.get()) == 0);  // the traced rings, as they are
    }
    repairTouches(c);
    geos::GeomPtr g = geos::toGeos(c.geom);
    CHECK(GEOSisValid_r(geos::ctx(), g.get()) == 1);
    CHECK(area(c.geom) == Approx(21));
    CHECK(c.geom.parts.size() == 2);  // the field with one hole, and the centre cell

    // one hole touching the shell at one point only: valid as it is, nothing to mend
    const Geometry notch = Geometry::polygon({{{0, 0}, {5, 0}, {5, 5}, {0, 5}, {0, 0}}, square(0, 1)});
    const Clip d = clip(FlatPolygon(village), IndexedPolygon(notch), true);
    CHECK(d.area == Approx(24));
    CHECK_FALSE(d.cutAtTouches);
}
