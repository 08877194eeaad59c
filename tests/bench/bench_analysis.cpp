// Analysis benchmark (issue #9): a synthetic country or province generated in memory with a fixed
// seed (own RNG: the numbers reproduce across standard libraries), then
//   (a) shops per village: analysis::PointLocator over every shop (2 threads);
//   (b) covered area per village per operator x technology, with the gaps of every operator and
//       "any": analysis::analyze with only its coverage part.
// Timed on loaded in-memory layers (what PostGIS's queries run on: loaded tables); generation is
// reported separately. Not run by CI. See docs/PERFORMANCE.md.
//   bando_bench_analysis national|province [villages shops sites] [a|b]   ("a": only (a), no coverage;
//   "b": (a) and the flat covered areas (b), not the whole coverage step with its gap geometry)
//   bando_bench_analysis national|province [villages shops sites] --gpkg FILE
//       writes the generated layers villages, shops and coverage to a new project FILE (Bando's
//       store: GeoPackage, WGS 84; placed in EPSG:9215 at 150 km E, 2,000 km N), then reads them
//       back (timed: cold with the file evicted from the page cache, then warm) and runs (a) on the
//       stored WGS 84 coordinates and (b) (the indexed clip) on the layers reprojected to
//       EPSG:9215; writes the results to FILE.a.csv (code,shops) and FILE.b.csv
//       (code,operator,technology,level,area_m2; pairs with a zero area left out) for the peers
//       (tests/bench/run_analysis_peers.sh national).
#include "core/analysis/clip_area.hpp"
#include "core/analysis/indicators.hpp"
#include "core/analysis/point_locator.hpp"
#include "core/capi/geos.hpp"
#include "core/capi/geos_convert.hpp"
#include "core/crs/reproject.hpp"
#include "core/store/project_store.hpp"

#include "bench_lattice.hpp"

#include <fcntl.h>
#include <unistd.h>

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

using Rng = SplitMix64;

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

// Villages: the jittered lattice of bench_lattice.hpp (edges wiggling through 7-19 points, shared
// exactly by neighbours), with codes: 3 x 3 villages a commune, 30 x 30 a district.
Layer makeVillages(int nx, int ny, double cell, uint64_t seed, XY origin = {0, 0})
{
    std::vector<Ring> rings = bench::latticeRings(nx, ny, cell, origin.x, origin.y, seed);
    Layer l;
    l.name = "villages";
    l.geomType = GeomType::MultiPolygon;
    l.epsg = 9215;
    l.fields = {{"code", FieldType::Text}, {"commune_code", FieldType::Text}, {"district_code", FieldType::Text}};
    char code[32];
    for (int j = 0; j < ny; ++j)
        for (int i = 0; i < nx; ++i) {
            Geometry g = Geometry::polygon({std::move(rings[static_cast<size_t>(j) * static_cast<size_t>(nx) + static_cast<size_t>(i)])});
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


void evict(const std::string& path)  // drops the file's pages from the page cache (a cold read)
{
    const int fd = ::open(path.c_str(), O_RDONLY);
    if (fd >= 0) {
        ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
        ::close(fd);
    }
}

struct Loaded {
    Layer villages, shops, coverage;  // as stored (WGS 84)
    Layer villagesM, coverageM;       // reprojected to EPSG:9215 for (b)
};

Loaded load(const std::string& path, const char* what)
{
    Loaded l;
    auto t0 = std::chrono::steady_clock::now();
    double c0 = cpuSeconds();
    {
        auto store = ProjectStore::open(path);
        l.villages = store->readLayer("villages");
        l.shops = store->readLayer("shops");
        l.coverage = store->readLayer("coverage");
    }
    const double rWall = seconds(t0), rCpu = cpuSeconds() - c0;
    t0 = std::chrono::steady_clock::now();
    c0 = cpuSeconds();
    l.villagesM = l.villages;
    l.coverageM = l.coverage;
    crs::reproject(l.villagesM, 9215);
    crs::reproject(l.coverageM, 9215);
    std::printf("load %s: read the 3 layers %.3f s wall, %.3f s CPU; reproject villages and coverage to EPSG:9215 "
                "%.3f s wall, %.3f s CPU\n",
                what, rWall, rCpu, seconds(t0), cpuSeconds() - c0);
    return l;
}

// Writes the generated layers to a new project, reads them back and runs (a) and (b) on them.
int fromGpkg(const std::string& path, Layer& v, const std::vector<XY>& pts, Layer& cov)
{
    auto t0 = std::chrono::steady_clock::now();
    Layer shops;
    shops.name = "shops";
    shops.geomType = GeomType::Point;
    shops.epsg = 9215;
    shops.features.reserve(pts.size());
    for (const auto& p : pts)
        shops.addFeature(Geometry::point(p.x, p.y));
    std::remove(path.c_str());
    {
        auto store = ProjectStore::create(path);
        ProjectStore::Transaction tx(*store);
        store->replaceLayer(v);
        store->replaceLayer(shops);
        store->replaceLayer(cov);
        tx.commit();
    }
    std::printf("written to %s in %.1f s (not timed as load)\n", path.c_str(), seconds(t0));
    v = Layer{};
    cov = Layer{};
    shops = Layer{};

    evict(path);
    (void)load(path, "cold (file evicted from the page cache)");
    const Loaded l = load(path, "warm");

    // (a) on the stored WGS 84 coordinates (the analysis locates shops there)
    std::vector<const Geometry*> polys;
    std::vector<uint32_t> rank(l.villages.features.size());
    std::iota(rank.begin(), rank.end(), 0u);  // stored in code order
    for (const auto& f : l.villages.features)
        polys.push_back(&f.geom);
    std::vector<XY> xy;
    xy.reserve(l.shops.features.size());
    for (const auto& f : l.shops.features)
        xy.push_back(f.geom.parts[0][0][0]);
    t0 = std::chrono::steady_clock::now();
    double c0 = cpuSeconds();
    analysis::PointLocator loc(polys, rank);
    const auto hits = loc.locateAll(xy, 2);
    std::vector<int64_t> counts(polys.size(), 0);
    int64_t boundary = 0;
    for (const auto& h : hits)
        if (h.polygon >= 0) {
            ++counts[static_cast<size_t>(h.polygon)];
            boundary += h.boundary;
        }
    const double aWall = seconds(t0), aCpu = cpuSeconds() - c0;
    std::printf("(a) shops per village, from the GeoPackage: %.3f s wall, %.3f s CPU (%lld located, %lld on a boundary)\n",
                aWall, aCpu, static_cast<long long>(std::accumulate(counts.begin(), counts.end(), int64_t{0})),
                static_cast<long long>(boundary));

    // (b) on EPSG:9215
    std::vector<const Geometry*> polysM, covM;
    for (const auto& f : l.villagesM.features)
        polysM.push_back(&f.geom);
    for (const auto& f : l.coverageM.features)
        covM.push_back(&f.geom);
    t0 = std::chrono::steady_clock::now();
    c0 = cpuSeconds();
    const auto areas = analysis::coveredAreasIndexed(polysM, covM, 2);
    const double bWall = seconds(t0), bCpu = cpuSeconds() - c0;
    double total = 0;
    for (const auto& row : areas)
        for (double a : row)
            total += a;
    std::printf("(b) covered area per village per operator x technology x level, from the GeoPackage (indexed): "
                "%.3f s wall, %.3f s CPU (%zu villages x %zu features, %.1f km2 in all)\n",
                bWall, bCpu, areas.size(), covM.size(), total / 1e6);

    FILE* fa = std::fopen((path + ".a.csv").c_str(), "w");
    FILE* fb = std::fopen((path + ".b.csv").c_str(), "w");
    if (!fa || !fb)
        return 1;
    for (size_t i = 0; i < polys.size(); ++i) {
        const std::string code = l.villages.text(l.villages.features[i], "code");
        std::fprintf(fa, "%s,%lld\n", code.c_str(), static_cast<long long>(counts[i]));
        for (size_t c = 0; c < covM.size(); ++c)
            if (areas[i][c] > 0) {
                const auto& f = l.coverage.features[c];
                std::fprintf(fb, "%s,%s,%s,%s,%.6f\n", code.c_str(), l.coverage.text(f, "operator").c_str(),
                             l.coverage.text(f, "technology").c_str(), l.coverage.text(f, "level").c_str(), areas[i][c]);
            }
    }
    std::fclose(fa);
    std::fclose(fb);
    std::printf("peak memory: %ld MB\n", peakMb());
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    std::string gpkg;  // --gpkg FILE: through a GeoPackage
    for (int i = 1; i + 1 < argc; ++i)
        if (std::string(argv[i]) == "--gpkg") {
            gpkg = argv[i + 1];
            for (int k = i; k + 2 < argc; ++k)
                argv[k] = argv[k + 2];
            argc -= 2;
            break;
        }
    const XY origin = gpkg.empty() ? XY{0, 0} : XY{150000, 2000000};  // inside EPSG:9215's area when stored
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
    Layer v = makeVillages(nx, ny, cell, 20211231, origin);
    size_t vertices = 0;
    for (const auto& f : v.features)
        vertices += f.geom.pointCount();
    Rng rng{42};
    const double W = nx * cell, H = ny * cell;
    std::vector<XY> pts(static_cast<size_t>(shops));
    for (auto& p : pts)
        p = {origin.x + rng.uniform(0, W), origin.y + rng.uniform(0, H)};
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
                p = {origin.x + rng.uniform(0, W), origin.y + rng.uniform(0, H)};
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
    if (!gpkg.empty())
        return fromGpkg(gpkg, v, pts, cov);

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
