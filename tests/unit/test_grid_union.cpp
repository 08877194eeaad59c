// Coverage unions on a raster grid (analysis/grid_union.hpp, issue #9): the traced polygons must
// be valid and cover exactly the chosen cells, the grid must be found through sub-millimetre
// noise and refused for anything that is not a raster, and a raster clipped by a sloping outline
// must count every cell the outline cuts.
#include <catch2/catch.hpp>

#include "core/analysis/grid_union.hpp"
#include "core/base/splitmix.hpp"
#include "core/capi/geos.hpp"
#include "core/capi/geos_convert.hpp"

#include <cmath>

using namespace bando;
using namespace bando::analysis;

namespace {

CellGrid unitGrid(int64_t nx, int64_t ny, double cell = 1)
{
    CellGrid g;
    g.cellX = g.cellY = cell;
    g.nx = nx;
    g.ny = ny;
    return g;
}

// The cells as squares, unioned by GEOS.
geos::GeomPtr cellsByGeos(const CellGrid& grid, const std::vector<uint8_t>& in)
{
    std::vector<GEOSGeometry*> squares;
    for (int64_t j = 0; j < grid.ny; ++j)
        for (int64_t i = 0; i < grid.nx; ++i)
            if (in[static_cast<size_t>(j * grid.nx + i)]) {
                const double x0 = grid.x(i), y0 = grid.y(j), x1 = grid.x(i + 1), y1 = grid.y(j + 1);
                squares.push_back(geos::toGeos(Geometry::polygon({{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}})).release());
            }
    geos::GeomPtr coll(GEOSGeom_createCollection_r(geos::ctx(), GEOS_GEOMETRYCOLLECTION, squares.data(),
                                                   static_cast<unsigned>(squares.size())));
    return geos::GeomPtr(GEOSUnaryUnion_r(geos::ctx(), coll.get()));
}

double symDiffArea(const Geometry& a, const GEOSGeometry* b)
{
    geos::GeomPtr ga = geos::toGeos(a);
    geos::GeomPtr d(GEOSSymDifference_r(geos::ctx(), ga.get(), b));
    double area = 0;
    GEOSArea_r(geos::ctx(), d.get(), &area);
    return area;
}

bool valid(const Geometry& g)
{
    geos::GeomPtr p = geos::toGeos(g);
    return GEOSisValid_r(geos::ctx(), p.get()) == 1;
}

std::vector<uint8_t> cells(const std::vector<const char*>& rowsTopDown)
{
    std::vector<uint8_t> in;
    for (size_t r = rowsTopDown.size(); r-- > 0;)
        for (const char* c = rowsTopDown[r]; *c; ++c)
            in.push_back(*c == '#');
    return in;
}

Geometry rect(double x0, double y0, double x1, double y1)
{
    return Geometry::polygon({{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}});
}

} // namespace

TEST_CASE("traceCells: corner contacts, holes and a hole touching its shell give valid polygons", "[gridunion]")
{
    SECTION("two cells touching at a corner are two polygons")
    {
        const auto g = traceCells(unitGrid(2, 2), cells({"#.", ".#"}));
        REQUIRE(g);
        CHECK(g->parts.size() == 2);
        CHECK(area(*g) == 2);
        CHECK(valid(*g));
    }
    SECTION("a ring of cells is one polygon with one hole")
    {
        const auto g = traceCells(unitGrid(3, 3), cells({"###", "#.#", "###"}));
        REQUIRE(g);
        REQUIRE(g->parts.size() == 1);
        CHECK(g->parts[0].size() == 2);
        CHECK(g->parts[0][0].size() == 5);  // corners only: no point in the middle of a side
        CHECK(area(*g) == 8);
        CHECK(valid(*g));
    }
    SECTION("a C whose tips touch at a corner: its inside is a hole touching the shell at that corner")
    {
        const auto g = traceCells(unitGrid(4, 4), cells({"###.", "#..#", "#..#", "####"}));
        REQUIRE(g);
        CHECK(area(*g) == 11);
        CHECK(valid(*g));
        const auto ref = cellsByGeos(unitGrid(4, 4), cells({"###.", "#..#", "#..#", "####"}));
        CHECK(symDiffArea(*g, ref.get()) < 1e-12);
    }
    SECTION("an island inside a hole, touching the ring around it at a corner")
    {
        const auto in = cells({"#####", "#...#", "#.#.#", "#..##", "#####"});
        const auto g = traceCells(unitGrid(5, 5), in);
        REQUIRE(g);
        CHECK(valid(*g));
        CHECK(symDiffArea(*g, cellsByGeos(unitGrid(5, 5), in).get()) < 1e-12);
    }
    SECTION("nothing selected: an empty MultiPolygon")
    {
        const auto g = traceCells(unitGrid(3, 2), std::vector<uint8_t>(6, 0));
        REQUIRE(g);
        CHECK(g->isEmpty());
        CHECK(g->type == GeomType::MultiPolygon);
    }
}

TEST_CASE("traceCells: 400 random cell sets equal GEOS's union of their squares and are valid", "[gridunion]")
{
    SplitMix64 rng(20261130);
    int polygons = 0, holes = 0;
    for (int t = 0; t < 400; ++t) {
        CellGrid grid = unitGrid(1 + rng.below(14), 1 + rng.below(14), 250);
        grid.originX = 400000.0007;
        grid.originY = 2400000.0003;
        grid.i0 = rng.below(50) - 25;
        grid.j0 = rng.below(50) - 25;
        const double fill = rng.uniform(0.2, 0.8);
        std::vector<uint8_t> in(static_cast<size_t>(grid.nx * grid.ny));
        size_t count = 0;
        for (auto& c : in)
            count += (c = rng.uniform() < fill);
        const auto g = traceCells(grid, in);
        REQUIRE(g);
        INFO("case " << t << ": " << grid.nx << " x " << grid.ny);
        CHECK(area(*g) == Approx(static_cast<double>(count) * 250 * 250).margin(1e-6));
        CHECK(valid(*g));
        if (count > 0)
            CHECK(symDiffArea(*g, cellsByGeos(grid, in).get()) < 1e-6);
        polygons += static_cast<int>(g->parts.size());
        for (const auto& p : g->parts)
            holes += static_cast<int>(p.size()) - 1;
    }
    CHECK(polygons > 1000);
    CHECK(holes > 50);
}

TEST_CASE("detectCellGrid: finds a noisy 250 m raster and refuses what is not one", "[gridunion]")
{
    SplitMix64 rng(7);
    auto noisy = [&](double v) { return v + rng.uniform(-1e-4, 1e-4); };
    const double ox = 400000.0007, oy = 2400000.0003;
    std::vector<Geometry> raster;
    for (int k = 0; k < 20; ++k) {
        const int i = rng.below(40), j = rng.below(40), w = 1 + rng.below(5), h = 1 + rng.below(5);
        raster.push_back(rect(noisy(ox + 250.0 * i), noisy(oy + 250.0 * j), noisy(ox + 250.0 * (i + w)), noisy(oy + 250.0 * (j + h))));
    }
    std::vector<const Geometry*> polys;
    for (const auto& g : raster)
        polys.push_back(&g);
    const Extent window{ox + 1000, oy - 500, ox + 6000, oy + 9000};
    const auto grid = detectCellGrid(polys, window);
    REQUIRE(grid);
    CHECK(grid->cellX == Approx(250).margin(1e-6));
    CHECK(grid->cellY == Approx(250).margin(1e-6));
    CHECK(std::fabs(std::remainder(grid->originX - ox, 250)) < 2e-4);
    CHECK(std::fabs(std::remainder(grid->originY - oy, 250)) < 2e-4);
    // the window is covered by whole cells
    CHECK(grid->x(0) <= window.minX);
    CHECK(grid->x(grid->nx) >= window.maxX);
    CHECK(grid->x(grid->nx) - window.maxX < 250);
    CHECK(grid->y(0) <= window.minY);
    CHECK(grid->y(grid->ny) >= window.maxY);

    // a vertex 1 cm off its line, a rotated square, a 0.5 m grid: not a raster
    Geometry off = rect(ox, oy, ox + 500.01, oy + 250);
    polys.push_back(&off);
    CHECK_FALSE(detectCellGrid(polys, window));
    polys.pop_back();
    const Geometry rotated = Geometry::polygon({{{ox, oy}, {ox + 100, oy + 50}, {ox + 50, oy + 150}, {ox - 50, oy + 100}, {ox, oy}}});
    polys.push_back(&rotated);
    CHECK_FALSE(detectCellGrid(polys, window));
    std::vector<Segment> sloping;
    CHECK(detectCellGrid(polys, window, {}, &sloping));  // allowed when the caller checks them
    CHECK(sloping.size() == 4);
    polys.pop_back();
    const Geometry fine = rect(ox, oy, ox + 0.5, oy + 0.5);
    CHECK_FALSE(detectCellGrid({&fine}, window));
}

TEST_CASE("CellMasks: unions and differences of rasters, a raster cut by a sloping outline", "[gridunion]")
{
    // A: cells [0,4) x [0,2); B: cells [2,6) x [1,3) with a hole at cell (3, 2); unit 100 m
    const Geometry a = rect(0, 0, 400, 200);
    const Geometry b = Geometry::polygon({{{200, 100}, {600, 100}, {600, 300}, {200, 300}, {200, 100}},
                                          {{300, 200}, {300, 300 - 0.0}, {400, 300}, {400, 200}, {300, 200}}});
    // the hole touches B's top edge: make it an inner one instead
    const Geometry b2 = Geometry::polygon({{{200, 100}, {600, 100}, {600, 400}, {200, 400}, {200, 100}},
                                           {{300, 200}, {300, 300}, {400, 300}, {400, 200}, {300, 200}}});
    (void)b;
    std::vector<const Geometry*> polys{&a, &b2};
    const auto grid = detectCellGrid(polys, Extent{0, 0, 700, 500});
    REQUIRE(grid);
    CHECK(grid->nx == 7);
    CHECK(grid->ny == 5);
    const CellMasks masks(*grid, polys);
    CHECK(masks.at(0, 0) == 1);
    CHECK(masks.at(3, 1) == 3);
    CHECK(masks.at(3, 2) == 0);  // B's hole
    CHECK(masks.at(6, 4) == 0);
    const auto uni = masks.polygons(3, 0);
    REQUIRE(uni);
    CHECK(area(*uni) == Approx(8 * 1e4 + 12 * 1e4 - 1e4 - 2 * 1e4));  // A + B − hole − overlap
    CHECK(valid(*uni));
    const auto bOnly = masks.polygons(2, 1);
    REQUIRE(bOnly);
    CHECK(area(*bOnly) == Approx((12 - 1 - 2) * 1e4));
    const auto none = masks.polygons(0, 3);
    REQUIRE(none);
    CHECK(area(*none) == Approx(35 * 1e4 - area(*uni)));

    // a 4 x 4 raster cut by the outline y = x / 2 + 10 (the raster below it): cells the outline
    // cuts count whole, cells wholly above it not at all
    // (a second raster polygon far away gives the grid its 100 m lines)
    const Geometry cut = Geometry::polygon({{{0, 0}, {400, 0}, {400, 210}, {0, 10}, {0, 0}}});
    const Geometry other = rect(700, 300, 900, 400);
    std::vector<Segment> sloping;
    const auto g2 = detectCellGrid({&cut, &other}, Extent{0, 0, 400, 400}, {}, &sloping);
    REQUIRE(g2);
    CHECK(g2->cellX == 100);
    CHECK(g2->cellY == 100);
    REQUIRE(sloping.size() == 1);
    CHECK(sloping[0].a.x == 400);  // the polygon on its left: walked from right to left
    const CellMasks m2(*g2, {&cut, &other});
    int counted = 0;
    for (int64_t j = 0; j < g2->ny; ++j)
        for (int64_t i = 0; i < g2->nx; ++i) {
            const double yBelow = 100.0 * static_cast<double>(i) / 2 + 10;  // the outline at the cell's left side
            const bool cutOrBelow = 100.0 * static_cast<double>(j) < yBelow + 50;
            CHECK((m2.at(i, j) == 1) == cutOrBelow);
            counted += m2.at(i, j) == 1;
        }
    CHECK(counted == 1 + 2 + 2 + 3);
}

TEST_CASE("CellMasks: the cover range tells invalid rasters from valid ones", "[gridunion]")
{
    // A valid raster polygon covers every cell 0 or 1 times (a cell cut by a sloping edge partly);
    // overlapping parts cover some cells twice, a hole outside its shell -1 times.
    const Geometry valid = rect(0, 0, 400, 200);
    Geometry overlapping;
    overlapping.type = GeomType::MultiPolygon;
    overlapping.parts = {rect(0, 0, 300, 200).parts[0], rect(200, 0, 500, 200).parts[0]};
    const Geometry holeOutside = Geometry::polygon({rect(0, 0, 200, 200).parts[0][0], rect(300, 0, 400, 100).parts[0][0]});
    const Geometry cut = Geometry::polygon({{{0, 0}, {400, 0}, {400, 210}, {0, 10}, {0, 0}}});
    std::vector<const Geometry*> polys{&valid, &overlapping, &holeOutside, &cut};
    std::vector<Segment> sloping;
    const auto grid = detectCellGrid(polys, Extent{0, 0, 600, 400}, {}, &sloping);
    REQUIRE(grid);
    const CellMasks m(*grid, polys);
    CHECK(m.coverRange(0).first == Approx(0).margin(1e-12));
    CHECK(m.coverRange(0).second == Approx(1));
    CHECK(m.coverRange(1).second == Approx(2));  // cells [200, 300) covered by both parts
    CHECK(m.coverRange(2).first == Approx(-1));  // the hole's cell
    CHECK(m.coverRange(2).second == Approx(1));
    CHECK(m.coverRange(3).first >= -1e-12);
    CHECK(m.coverRange(3).second <= 1 + 1e-12);
    CHECK(m.coverRange(3).second == Approx(1));
    CHECK(m.at(2, 0) == (1u | 2u | 8u));  // the union's semantics for the bits: covered at least once
    CHECK((m.at(3, 0) & 4u) == 0);        // not covered where the hole lies outside the shell
}
