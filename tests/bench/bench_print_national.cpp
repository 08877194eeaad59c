// National-size print benchmark data (issue #12): writes a project of ~80,000 villages — the
// analysis benchmark's jittered lattice (tests/bench/bench_analysis.cpp: same cell, wiggle and
// seed, so neighbours share their edges exactly) placed over Vietnam's extent in VN-2000 / TM-3 —
// with named villages and households, and its ~8,900 communes (3 × 3 villages) and ~100
// districts (30 × 30) dissolved from them with GEOS, so shared boundaries meet. Then time
//   bando render OUT.gpkg --layout map --out national.pdf
// (tests/bench/run_print_bench.sh does). Not run by CI. See docs/PERFORMANCE.md.
//   bando_bench_print_national OUT.gpkg [villages=80000]
#include "core/capi/geos.hpp"
#include "core/capi/geos_convert.hpp"
#include "core/model/schema.hpp"
#include "core/store/project_store.hpp"
#include "bench_lattice.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

using namespace bando;
using namespace bando::bench;

namespace {

// The union of polygons (GEOS), as a MultiPolygon.
Geometry dissolve(const std::vector<const Ring*>& rings)
{
    std::vector<GEOSGeometry*> parts;
    for (const Ring* r : rings) {
        Geometry g = Geometry::polygon({*r});
        parts.push_back(geos::toGeos(g).release());
    }
    geos::GeomPtr coll(GEOSGeom_createCollection_r(geos::ctx(), GEOS_GEOMETRYCOLLECTION, parts.data(),
                                                   static_cast<unsigned>(parts.size())));
    geos::GeomPtr u(GEOSUnaryUnion_r(geos::ctx(), coll.get()));
    if (!u) {  // a wiggled edge crossing its neighbour near a corner: repair, then dissolve
        geos::GeomPtr valid(GEOSMakeValid_r(geos::ctx(), coll.get()));
        if (valid)
            u.reset(GEOSUnaryUnion_r(geos::ctx(), valid.get()));
    }
    if (!u) {  // still not: the parts as they are
        Geometry g;
        g.type = GeomType::MultiPolygon;
        for (const Ring* r : rings)
            g.parts.push_back({*r});
        return g;
    }
    Geometry g = geos::polygonalPart(u.get());
    g.type = GeomType::MultiPolygon;
    return g;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: bando_bench_print_national OUT.gpkg [villages=80000]\n");
        return 2;
    }
    const std::string out = argv[1];
    const int villages = argc > 2 ? std::atoi(argv[2]) : 80000;
    const int nx = static_cast<int>(std::lround(std::sqrt(villages * 1.25))), ny = std::max(1, villages / nx);
    const double cell = 2200;  // as bench_analysis.cpp: ~4.8 km² per village
    const auto t0 = std::chrono::steady_clock::now();
    // Over northern and central Vietnam in the TM-3 107-15 plane (x 180-900 km, y 1,800-2,360 km).
    const std::vector<Ring> rings = latticeRings(nx, ny, cell, 180000, 1800000, 20211231);
    Rng rng{7};
    Layer v = schema::makeLayer(schema::kVillages);
    v.epsg = 9215;
    std::map<std::string, std::vector<const Ring*>> communeRings, districtRings;
    std::map<std::string, int64_t> communeHouseholds, districtHouseholds;
    std::map<std::string, std::string> communeDistrict;
    char code[32];
    for (int j = 0; j < ny; ++j)
        for (int i = 0; i < nx; ++i) {
            const Ring& r = rings[static_cast<size_t>(j) * static_cast<size_t>(nx) + static_cast<size_t>(i)];
            Geometry g = Geometry::polygon({r});
            g.type = GeomType::MultiPolygon;
            Feature& f = v.addFeature(std::move(g));
            std::snprintf(code, sizeof code, "%08d", j * nx + i);
            v.set(f, "code", std::string(code));
            v.set(f, "name", "Thôn " + std::to_string(j * nx + i + 1));
            std::snprintf(code, sizeof code, "%05d", (j / 3) * (nx / 3 + 1) + i / 3);
            const std::string commune = code;
            std::snprintf(code, sizeof code, "%03d", (j / 30) * (nx / 30 + 1) + i / 30);
            const std::string district = code;
            v.set(f, "commune_code", commune);
            v.set(f, "district_code", district);
            const int64_t hh = 40 + static_cast<int64_t>(rng.uniform() * rng.uniform() * 600);
            v.set(f, "households", hh);
            v.set(f, "population", hh * 4);
            communeRings[commune].push_back(&r);
            districtRings[district].push_back(&r);
            communeHouseholds[commune] += hh;
            districtHouseholds[district] += hh;
            communeDistrict[commune] = district;
        }
    Layer c = schema::makeLayer(schema::kCommunes);
    c.epsg = 9215;
    for (const auto& [k, rs] : communeRings) {
        Feature& f = c.addFeature(dissolve(rs));
        c.set(f, "code", k);
        c.set(f, "name", "Xã " + k);
        c.set(f, "district_code", communeDistrict[k]);
        c.set(f, "households", communeHouseholds[k]);
    }
    Layer d = schema::makeLayer(schema::kDistricts);
    d.epsg = 9215;
    for (const auto& [k, rs] : districtRings) {
        Feature& f = d.addFeature(dissolve(rs));
        d.set(f, "code", k);
        d.set(f, "name", "Huyện " + k);
        d.set(f, "households", districtHouseholds[k]);
    }
    // National roads: a dozen straight lines across the lattice (so QGIS's script has its layer).
    Layer roads = schema::makeLayer(schema::kRoads);
    roads.epsg = 9215;
    const double W = nx * cell, H = ny * cell;
    for (int k = 1; k <= 6; ++k) {
        Feature& a = roads.addFeature(Geometry::lineString({{180000, 1800000 + H * k / 7}, {180000 + W, 1800000 + H * (7 - k) / 7}}));
        roads.set(a, "ref", "QL" + std::to_string(k));
        roads.set(a, "class", std::string("national"));
        Feature& b = roads.addFeature(Geometry::lineString({{180000 + W * k / 7, 1800000}, {180000 + W * k / 7, 1800000 + H}}));
        roads.set(b, "ref", "QL" + std::to_string(k + 6));
        roads.set(b, "class", std::string("national"));
    }
    const double genS = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::filesystem::remove(out);
    auto store = ProjectStore::create(out);
    {
        ProjectStore::Transaction tx(*store);
        store->setMeta("province_name", "Quốc gia (mẫu tổng hợp)");
        store->setMeta("synthetic_data", "national-size benchmark lattice (bench_print_national)");
        store->replaceLayer(d);
        store->replaceLayer(c);
        store->replaceLayer(v);
        store->replaceLayer(roads);
        tx.commit();
    }
    store->close();
    std::printf("bench_print_national: %d villages, %zu communes, %zu districts; generated in %.1f s, written in %.1f s "
                "to %s (%.1f MB)\n",
                nx * ny, c.features.size(), d.features.size(), genS,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() - genS, out.c_str(),
                static_cast<double>(std::filesystem::file_size(out)) / 1e6);
    return 0;
}
