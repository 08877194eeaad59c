// Page-resolution class outlines (render/grid_outline.hpp, issue #12: the national print page).
#include "core/render/grid_outline.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

using namespace bando;
using render::GridOutline;

namespace {

double signedArea(const std::vector<XY>& loop)
{
    double a = 0;
    for (size_t i = 0; i < loop.size(); ++i) {
        const XY& p = loop[i];
        const XY& q = loop[(i + 1) % loop.size()];
        a += p.x * q.y - q.x * p.y;
    }
    return a / 2;
}

Ring square(double x0, double y0, double x1, double y1) { return {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}; }

uint64_t lcg(uint64_t& s)
{
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return s >> 33;
}

// A jittered lattice of nx × ny polygons whose shared edges wiggle (many points each), the same
// points in both neighbours, as the national benchmark's villages.
std::vector<Ring> lattice(int nx, int ny, double cell, uint64_t seed)
{
    std::vector<XY> node(static_cast<size_t>((nx + 1) * (ny + 1)));
    for (int j = 0; j <= ny; ++j)
        for (int i = 0; i <= nx; ++i) {
            const bool border = i == 0 || j == 0 || i == nx || j == ny;
            const double dx = border ? 0 : (static_cast<double>(lcg(seed) % 1000) / 1000 - 0.5) * 0.4 * cell;
            const double dy = border ? 0 : (static_cast<double>(lcg(seed) % 1000) / 1000 - 0.5) * 0.4 * cell;
            node[static_cast<size_t>(j * (nx + 1) + i)] = {i * cell + dx, j * cell + dy};
        }
    auto at = [&](int i, int j) { return static_cast<size_t>(j * (nx + 1) + i); };
    auto edge = [&](size_t a, size_t b) {  // points from a to b, b excluded; the same for b→a reversed
        const size_t lo = std::min(a, b), hi = std::max(a, b);
        uint64_t s = lo * 7919 + hi * 104729 + 17;
        std::vector<XY> pts;
        const XY p = node[lo], q = node[hi];
        const bool border = (p.x == q.x && (p.x == 0 || p.x == nx * cell)) || (p.y == q.y && (p.y == 0 || p.y == ny * cell));
        pts.push_back(p);
        for (int k = 1; k < 12; ++k) {
            const double t = k / 12.0, w = border ? 0 : (static_cast<double>(lcg(s) % 1000) / 1000 - 0.5) * 0.1 * cell;
            pts.push_back({p.x + t * (q.x - p.x) - w * (q.y - p.y) / cell, p.y + t * (q.y - p.y) + w * (q.x - p.x) / cell});
        }
        if (a > b) {
            pts.push_back(q);
            std::reverse(pts.begin(), pts.end());
            pts.pop_back();
        }
        return pts;
    };
    std::vector<Ring> rings;
    for (int j = 0; j < ny; ++j)
        for (int i = 0; i < nx; ++i) {
            const size_t c[4] = {at(i, j), at(i + 1, j), at(i + 1, j + 1), at(i, j + 1)};
            Ring r;
            for (int k = 0; k < 4; ++k) {
                const auto pts = edge(c[k], c[(k + 1) % 4]);
                r.insert(r.end(), pts.begin(), pts.end());
            }
            r.push_back(r.front());
            rings.push_back(std::move(r));
        }
    return rings;
}

} // namespace

TEST_CASE("grid outline: two squares of one class merge into one loop of four corners", "[render][grid_outline]")
{
    // scale 1, origin (0, 100): device y = 100 - y; cell 0.5.
    GridOutline g(0.5, 1.0, 0.0, 100.0);
    g.addPolygon(0, {square(0, 0, 10, 10)});
    g.addPolygon(0, {square(10, 0, 20, 10)});
    const auto loops = g.classLoops();
    REQUIRE(loops.size() == 1);
    REQUIRE(loops[0].size() == 1);
    CHECK(loops[0][0].size() == 4);  // the shared edge cancelled, the straight runs merged
    CHECK(std::fabs(signedArea(loops[0][0])) == Approx(200.0));
}

TEST_CASE("grid outline: a hole stays a hole and a ring below one cell is dropped", "[render][grid_outline]")
{
    GridOutline g(1.0, 1.0, 0.0, 0.0);
    g.addPolygon(0, {square(0, 0, 20, 20), square(5, 5, 15, 15)});
    g.addPolygon(1, {square(30, 30, 30.2, 30.2)});  // 0.2 device units across: nothing to show
    const auto loops = g.classLoops();
    REQUIRE(loops.size() == 2);
    REQUIRE(loops[0].size() == 2);
    CHECK(std::fabs(signedArea(loops[0][0]) + signedArea(loops[0][1])) == Approx(400.0 - 100.0));
    CHECK(loops[1].empty());
}

TEST_CASE("grid outline: neighbours of different classes still meet after simplification", "[render][grid_outline]")
{
    // 30 × 30 wiggly polygons, 12 points per edge, in three classes, 12 cells across: the
    // simplification drops most points, but the classes' areas must still add up to the lattice's
    // (no sliver, no overlap) and every class's area must stay within a cell-wide band of its own.
    const int n = 30;
    const double cell = 12.0;
    const auto rings = lattice(n, n, cell, 20261130);
    GridOutline g(1.0, 1.0, 0.0, 0.0);
    std::map<int, double> exact;
    for (size_t i = 0; i < rings.size(); ++i) {
        const int cls = static_cast<int>((i * 2654435761u) % 3);
        g.addPolygon(cls, {rings[i]});
        exact[cls] += std::fabs(signedArea(rings[i]));
    }
    const size_t pointsIn = rings.size() * 48;
    const auto loops = g.classLoops();
    REQUIRE(loops.size() == 3);
    double total = 0;
    size_t loopsTotal = 0;
    for (int c = 0; c < 3; ++c) {
        double a = 0;
        for (const auto& l : loops[static_cast<size_t>(c)])
            a += signedArea(l);
        // Device y points down: the outer loops have negative area in device space.
        a = std::fabs(a);
        total += a;
        loopsTotal += loops[static_cast<size_t>(c)].size();
        // The class keeps its area within 1 % (the snapping and the one-cell simplification
        // move boundaries both ways).
        CHECK(std::fabs(a - exact[c]) < 0.01 * exact[c]);
    }
    CHECK(total == Approx(n * cell * n * cell).margin(1e-6));  // exactly: shared edges coincide
    CHECK(g.pointsIn() > 0);
    CHECK(g.pointsOut() < pointsIn / 4);  // at least 4× fewer points than the rings had
    CHECK(loopsTotal < rings.size());     // neighbours of a class merged
}

TEST_CASE("grid outline: boundary lines draw a shared edge once", "[render][grid_outline]")
{
    GridOutline g(0.5, 1.0, 0.0, 0.0);
    g.addPolygon(0, {square(0, 0, 10, 10)});
    g.addPolygon(0, {square(10, 0, 20, 10)});
    const auto lines = g.boundaryLines();
    double length = 0;
    for (const auto& l : lines)
        for (size_t i = 1; i < l.size(); ++i)
            length += std::hypot(l[i].x - l[i - 1].x, l[i].y - l[i - 1].y);
    CHECK(length == Approx(70.0));  // 7 sides of 10, not 8
}
