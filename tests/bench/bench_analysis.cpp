// Analysis benchmark (issue #9): a synthetic country or province generated in memory with a fixed
// seed (own RNG: the numbers reproduce across standard libraries), then
//   (a) shops per village: analysis::PointLocator over every shop (2 threads);
//   (b) covered area per village per operator x technology, with the gaps of every operator and
//       "any": analysis::analyze with only its coverage part.
// Timed on loaded in-memory layers (what PostGIS's queries run on: loaded tables); generation is
// reported separately. Not run by CI. See docs/PERFORMANCE.md.
//   bando_bench_analysis national|province [villages shops sites] [a|b]   ("a": only (a), no coverage;
//   "b": (a) and the flat covered areas (b), not the whole coverage step with its gap geometry)
#include "core/analysis/clip_area.hpp"
#include "core/analysis/indicators.hpp"
#include "core/analysis/point_locator.hpp"
#include "core/capi/geos.hpp"
#include "core/capi/geos_convert.hpp"

#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <numeric>
#include <string>

using namespace bando;

namespace {

struct Rng {  // splitmix64
    uint64_t s;
    uint64_t next()
    {
        uint64_t z = (s += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    double uniform() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }
    double uniform(double a, double b) { return a + (b - a) * uniform(); }
};

double seconds(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double cpuSeconds()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

long peakMb()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss / 1024;
}

// Villages: a jittered lattice of quadrilaterals whose edges wiggle through 7-19 points each; an
// edge's points come from a hash of its two lattice vertices, so neighbours share it exactly.
Layer makeVillages(int nx, int ny, double cell, uint64_t seed)
{
    Rng rng{seed};
    std::vector<XY> lattice(static_cast<size_t>(nx + 1) * (ny + 1));
    for (int j = 0; j <= ny; ++j)
        for (int i = 0; i <= nx; ++i) {
            const bool border = i == 0 || j == 0 || i == nx || j == ny;
            lattice[static_cast<size_t>(j) * (nx + 1) + i] = {
                i * cell + (border ? 0 : rng.uniform(-0.25, 0.25) * cell),
                j * cell + (border ? 0 : rng.uniform(-0.25, 0.25) * cell)};
        }
    auto at = [&](int i, int j) { return static_cast<uint64_t>(j) * (nx + 1) + i; };
    auto edge = [&](uint64_t a, uint64_t b) {  // points from a to b, excluding b
        const bool flip = a > b;
        const uint64_t lo = flip ? b : a, hi = flip ? a : b;
        Rng e{seed ^ (lo * 0x100000001b3ull) ^ (hi << 21)};
        const int n = 7 + static_cast<int>(e.next() % 13);
        const XY p = lattice[lo], q = lattice[hi];
        const double dx = q.x - p.x, dy = q.y - p.y, len = std::hypot(dx, dy);
        std::vector<XY> pts{p};
        for (int k = 1; k < n; ++k) {
            const double t = static_cast<double>(k) / n, w = e.uniform(-0.04, 0.04) * len;
            pts.push_back({p.x + t * dx - dy / len * w, p.y + t * dy + dx / len * w});
        }
        if (flip) {
            pts.push_back(q);
            std::reverse(pts.begin(), pts.end());
            pts.pop_back();
        }
        return pts;
    };
    Layer l;
    l.name = "villages";
    l.geomType = GeomType::MultiPolygon;
    l.epsg = 9215;
    l.fields = {{"code", FieldType::Text}, {"commune_code", FieldType::Text}, {"district_code", FieldType::Text}};
    char code[32];
    for (int j = 0; j < ny; ++j)
        for (int i = 0; i < nx; ++i) {
            Ring r;
            for (auto [a, b] : {std::pair{at(i, j), at(i + 1, j)}, std::pair{at(i + 1, j), at(i + 1, j + 1)},
                                std::pair{at(i + 1, j + 1), at(i, j + 1)}, std::pair{at(i, j + 1), at(i, j)}}) {
                auto pts = edge(a, b);
                r.insert(r.end(), pts.begin(), pts.end());
            }
            r.push_back(r.front());
            Geometry g = Geometry::polygon({std::move(r)});
            g.type = GeomType::MultiPolygon;
            Feature& f = l.addFeature(std::move(g));
            std::snprintf(code, sizeof code, "%07d", j * nx + i);
            l.set(f, "code", std::string(code));
            std::snprintf(code, sizeof code, "%05d", (j / 3) * (nx / 3 + 1) + i / 3);
            l.set(f, "commune_code", std::string(code));
            std::snprintf(code, sizeof code, "%03d", (j / 30) * (nx / 30 + 1) + i / 30);
            l.set(f, "district_code", std::string(code));
        }
    return l;
}

// Coverage: the union of disks around `sites` random sites (good) and the ring to 1.6 x (weak).
Geometry disks(const std::vector<XY>& sites, double radius)
{
    GEOSContextHandle_t c = geos::ctx();
    std::vector<GEOSGeometry*> parts;
    for (const auto& s : sites) {
        geos::GeomPtr p(GEOSGeom_createPointFromXY_r(c, s.x, s.y));
        parts.push_back(GEOSBuffer_r(c, p.get(), radius, 4));
    }
    geos::GeomPtr coll(GEOSGeom_createCollection_r(c, GEOS_MULTIPOLYGON, parts.data(), static_cast<unsigned>(parts.size())));
    geos::GeomPtr u(GEOSUnaryUnion_r(c, coll.get()));
    return geos::polygonalPart(u.get());
}

} // namespace

int main(int argc, char** argv)
{
    const std::string size = argc > 1 ? argv[1] : "province";
    const bool national = size == "national";
    const int villages = argc > 2 ? std::atoi(argv[2]) : national ? 80000 : 2000;
    const int shops = argc > 3 ? std::atoi(argv[3]) : national ? 2000000 : 70000;
    const int sites = argc > 4 ? std::atoi(argv[4]) : national ? 15000 : 400;
    const bool onlyA = argc > 5 && std::string(argv[5]) == "a";
    const bool noGaps = argc > 5 && std::string(argv[5]) == "b";  // (a) and (b) flat, not the full coverage step
    const int nx = static_cast<int>(std::lround(std::sqrt(villages * 1.25))), ny = std::max(1, villages / nx);
    const double cell = 2200;  // ~4.8 km2 per village
    std::printf("bench_analysis %s: %d x %d = %d villages, %d shops, %d sites per operator x technology\n",
                size.c_str(), nx, ny, nx * ny, shops, sites);

    auto t0 = std::chrono::steady_clock::now();
    Layer v = makeVillages(nx, ny, cell, 20211231);
    size_t vertices = 0;
    for (const auto& f : v.features)
        vertices += f.geom.pointCount();
    Rng rng{42};
    const double W = nx * cell, H = ny * cell;
    std::vector<XY> pts(static_cast<size_t>(shops));
    for (auto& p : pts)
        p = {rng.uniform(0, W), rng.uniform(0, H)};
    Layer cov;
    cov.name = "coverage";
    cov.geomType = GeomType::MultiPolygon;
    cov.epsg = 9215;
    cov.fields = {{"operator", FieldType::Text}, {"technology", FieldType::Text}, {"level", FieldType::Text}};
    for (const char* op : {"A", "B", "C"})
        for (const char* tech : {"3G", "4G"}) {
            if (onlyA)
                break;
            std::vector<XY> s(static_cast<size_t>(sites));
            for (auto& p : s)
                p = {rng.uniform(0, W), rng.uniform(0, H)};
            const double r = std::strcmp(tech, "3G") == 0 ? 2500 : 1800;
            Geometry good = disks(s, r);
            Geometry outer = disks(s, r * 1.6);
            geos::GeomPtr g = geos::toGeos(good), o = geos::toGeos(outer);
            geos::GeomPtr w(GEOSDifference_r(geos::ctx(), o.get(), g.get()));
            for (auto [geom, level] : {std::pair{std::move(good), "good"}, std::pair{geos::polygonalPart(w.get()), "weak"}}) {
                Feature& f = cov.addFeature(std::move(geom));
                cov.set(f, "operator", std::string(op));
                cov.set(f, "technology", std::string(tech));
                cov.set(f, "level", std::string(level));
            }
        }
    size_t covVertices = 0;
    for (const auto& f : cov.features)
        covVertices += f.geom.pointCount();
    std::printf("generated in %.1f s: %zu village vertices, %zu coverage vertices\n", seconds(t0), vertices,
                covVertices);

    // (a) shops per village
    std::vector<const Geometry*> polys;
    std::vector<uint32_t> rank(v.features.size());
    std::iota(rank.begin(), rank.end(), 0u);
    for (const auto& f : v.features)
        polys.push_back(&f.geom);
    t0 = std::chrono::steady_clock::now();
    double c0 = cpuSeconds();
    analysis::PointLocator loc(polys, rank);
    const auto hits = loc.locateAll(pts, 2);
    const double aWall = seconds(t0), aCpu = cpuSeconds() - c0;
    int64_t located = 0, boundary = 0;
    for (const auto& h : hits) {
        located += h.polygon >= 0;
        boundary += h.boundary;
    }
    std::printf("(a) shops per village: %.3f s wall, %.3f s CPU (%lld located, %lld on a boundary)\n", aWall, aCpu,
                static_cast<long long>(located), static_cast<long long>(boundary));

    if (onlyA) {
        std::printf("peak memory: %ld MB\n", peakMb());
        return 0;
    }
    // (b) covered area per village per operator x technology, from flat coordinate arrays
    std::vector<const Geometry*> covGeoms;
    for (const auto& f : cov.features)
        covGeoms.push_back(&f.geom);
    t0 = std::chrono::steady_clock::now();
    c0 = cpuSeconds();
    const auto areas = analysis::coveredAreas(polys, covGeoms, 2);
    const double fWall = seconds(t0), fCpu = cpuSeconds() - c0;
    double flatA4G = 0;
    size_t a4g = 0;  // operator A, 4G, good: the second feature
    for (size_t c = 0; c < cov.features.size(); ++c)
        if (cov.text(cov.features[c], "operator") == "A" && cov.text(cov.features[c], "technology") == "4G" &&
            cov.text(cov.features[c], "level") == "good")
            a4g = c;
    for (const auto& row : areas)
        flatA4G += row[a4g] / 1e6;
    std::printf("(b) covered area per village per operator x technology (flat): %.3f s wall, %.3f s CPU "
                "(%zu villages x %zu coverage features; operator A 4G good %.1f km2)\n",
                fWall, fCpu, areas.size(), covGeoms.size(), flatA4G);
    // the same through whole indexed polygons (no subdivision), checked equal
    t0 = std::chrono::steady_clock::now();
    c0 = cpuSeconds();
    const auto areas2 = analysis::coveredAreasIndexed(polys, covGeoms, 2);
    const double iWall = seconds(t0), iCpu = cpuSeconds() - c0;
    double worst = 0;
    size_t wi = 0, wc = 0;
    int above = 0;
    for (size_t i = 0; i < areas.size(); ++i) {
        const double va = area(*polys[i]);
        for (size_t c = 0; c < covGeoms.size(); ++c) {
            const double d = std::fabs(areas[i][c] - areas2[i][c]) / va;
            above += d > 1e-9;
            if (d > worst) {
                worst = d;
                wi = i;
                wc = c;
            }
        }
    }
    std::printf("(b) covered area per village per operator x technology (indexed): %.3f s wall, %.3f s CPU "
                "(largest difference from the pieces: %.2e of the village area; %d pairs above 1e-9)\n",
                iWall, iCpu, worst, above);
    if (worst > 1e-9) {
        // the referee: GEOS on that pair
        geos::GeomPtr gv = geos::toGeos(*polys[wi]), gc = geos::toGeos(*covGeoms[wc]);
        geos::GeomPtr inter(GEOSIntersection_r(geos::ctx(), gv.get(), gc.get()));
        double ga = -1;
        if (inter)
            GEOSArea_r(geos::ctx(), inter.get(), &ga);
        std::printf("    village %zu, feature %zu: pieces %.3f m2, indexed %.3f m2, GEOS %.3f m2 (village valid: %d)\n", wi, wc,
                    areas[wi][wc], areas2[wi][wc], ga, GEOSisValid_r(geos::ctx(), gv.get()));
    }
    if (noGaps) {
        std::printf("peak memory: %ld MB\n", peakMb());
        return 0;
    }
    // the whole coverage step of the analysis (areas, households, the gap geometry of operators and any)
    analysis::AnalysisInput in;
    in.villages = &v;
    in.coverage = &cov;
    analysis::AnalysisOptions opt;
    opt.metricEpsg = 9215;
    opt.parts.economy = false;
    opt.parts.access = false;
    t0 = std::chrono::steady_clock::now();
    c0 = cpuSeconds();
    const auto out = analysis::analyze(in, opt);
    const double bWall = seconds(t0), bCpu = cpuSeconds() - c0;
    double covered = 0;
    for (const auto& vi : out.villages)
        for (const auto& c : vi.coverage)
            if (c.op == "A" && c.tech == "4G")
                covered += c.areaGood * vi.areaKm2;
    std::printf("coverage step (areas + gaps, flat clipping): %.3f s wall, %.3f s CPU (%zu gap rows; operator A 4G good %.1f km2)\n",
                bWall, bCpu, out.gaps.size(), covered);
    std::printf("peak memory: %ld MB\n", peakMb());
    return 0;
}
