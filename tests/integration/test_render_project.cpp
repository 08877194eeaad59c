// The project the render integration tests draw: the generated sample when the `sample`
// fixture produced it, else a small synthetic Lạng Sơn project built here with ProjectStore
// (grid villages and communes, districts named from domain/districts.csv, seats, roads).
#include <catch2/catch.hpp>

#include "core/base/resources.hpp"
#include "core/model/schema.hpp"
#include "core/store/project_store.hpp"
#include "support/test_support.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>

namespace fs = std::filesystem;
using namespace bando;

namespace {

std::vector<std::string> splitCsv(const std::string& line)
{
    std::vector<std::string> out(1);
    bool q = false;
    for (size_t i = 0; i < line.size(); ++i) {
        char c = line[i];
        if (q) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"')
                out.back() += '"', ++i;
            else if (c == '"')
                q = false;
            else
                out.back() += c;
        } else if (c == '"')
            q = true;
        else if (c == ',')
            out.emplace_back();
        else
            out.back() += c;
    }
    return out;
}

struct District {
    std::string code, name, seat;
    double lat = 0, lon = 0, seatLat = 0, seatLon = 0;
};

std::vector<District> readDistricts()
{
    std::ifstream in(resourcePath("domain/districts.csv"));
    std::string line;
    std::getline(in, line);
    auto head = splitCsv(line);
    auto col = [&](const char* n) {
        for (size_t i = 0; i < head.size(); ++i)
            if (head[i] == n)
                return i;
        FAIL("districts.csv lacks " << n);
        return size_t(0);
    };
    const size_t cCode = col("district_code"), cName = col("district_name"), cSeat = col("seat_name"),
                 cLat = col("centroid_lat"), cLon = col("centroid_lon"), cSLat = col("seat_lat"),
                 cSLon = col("seat_lon");
    std::vector<District> out;
    while (std::getline(in, line)) {
        auto f = splitCsv(line);
        if (f.size() < head.size())
            continue;
        District d;
        d.code = f[cCode];
        d.name = f[cName];
        d.seat = f[cSeat].substr(0, f[cSeat].find(" ("));
        d.lat = std::stod(f[cLat]);
        d.lon = std::stod(f[cLon]);
        d.seatLat = std::stod(f[cSLat]);
        d.seatLon = std::stod(f[cSLon]);
        out.push_back(d);
    }
    return out;
}

Ring square(double x0, double y0, double x1, double y1) { return {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}; }

void buildSynthetic(const std::string& path)
{
    const auto ds = readDistricts();
    REQUIRE(ds.size() == 11);
    // 4x4-village communes on a 0.04° grid over the province bbox; a commune belongs to the
    // district whose centroid is nearest.
    const double x0 = 106.10, y0 = 21.34, cell = 0.04;
    const int cols = 32, rows = 28;  // communes are 4x4 cells
    Layer villages = schema::makeLayer(schema::kVillages), communes = schema::makeLayer(schema::kCommunes),
          districts = schema::makeLayer(schema::kDistricts), roads = schema::makeLayer(schema::kRoads),
          places = schema::makeLayer(schema::kPlaces);
    std::map<std::string, Geometry> dGeom;
    uint64_t rng = 12345;
    auto rnd = [&] {
        rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<double>(rng >> 11) / 9007199254740992.0;
    };
    int communeNo = 0;
    for (int br = 0; br < rows / 4; ++br)
        for (int bc = 0; bc < cols / 4; ++bc) {
            const double cx0 = x0 + bc * 4 * cell, cy0 = y0 + br * 4 * cell;
            const double mx = cx0 + 2 * cell, my = cy0 + 2 * cell;
            // inside a rough province ellipse only
            const double ex = (mx - 106.73) / 0.64, ey = (my - 21.90) / 0.56;
            if (ex * ex + ey * ey > 1.0)
                continue;
            size_t best = 0;
            double bestD = 1e9;
            for (size_t i = 0; i < ds.size(); ++i) {
                const double d = std::hypot(ds[i].lon - mx, ds[i].lat - my);
                if (d < bestD)
                    bestD = d, best = i;
            }
            const std::string ccode = std::to_string(10000 + communeNo++);
            auto& cf = communes.addFeature(Geometry::polygon({square(cx0, cy0, cx0 + 4 * cell, cy0 + 4 * cell)}));
            cf.geom.type = GeomType::MultiPolygon;
            communes.set(cf, "code", ccode);
            communes.set(cf, "name", "Xã " + std::to_string(communeNo));
            communes.set(cf, "district_code", ds[best].code);
            auto& dg = dGeom[ds[best].code];
            dg.type = GeomType::MultiPolygon;
            dg.parts.push_back({square(cx0, cy0, cx0 + 4 * cell, cy0 + 4 * cell)});
            for (int r = 0; r < 4; ++r)
                for (int c = 0; c < 4; ++c) {
                    auto& vf = villages.addFeature(Geometry::polygon(
                        {square(cx0 + c * cell, cy0 + r * cell, cx0 + (c + 1) * cell, cy0 + (r + 1) * cell)}));
                    vf.geom.type = GeomType::MultiPolygon;
                    villages.set(vf, "code", ccode + "-" + std::to_string(r * 4 + c));
                    villages.set(vf, "name", "Thôn " + std::to_string(r * 4 + c + 1));
                    villages.set(vf, "commune_code", ccode);
                    villages.set(vf, "district_code", ds[best].code);
                    villages.set(vf, "households", static_cast<int64_t>(20 + std::pow(rnd(), 2.5) * 600));
                }
        }
    for (const auto& d : ds) {
        auto it = dGeom.find(d.code);
        REQUIRE(it != dGeom.end());
        auto& f = districts.addFeature(it->second);
        districts.set(f, "code", d.code);
        districts.set(f, "name", d.name);
        auto& p = places.addFeature(Geometry::point(d.seatLon, d.seatLat));
        places.set(p, "name", d.seat);
        places.set(p, "kind", "district_seat");
        places.set(p, "code", d.code);
        if (d.code != "178") {
            auto& r = roads.addFeature(Geometry::lineString({{106.761, 21.8526}, {d.seatLon, d.seatLat}}));
            roads.set(r, "class", d.code < "184" ? "national" : "provincial");
        }
    }
    writeProjectAtomically(path, [&](ProjectStore& store) {
        ProjectStore::Transaction t(store);
        for (const Layer* l : {&districts, &communes, &villages, &roads, &places})
            store.replaceLayer(*l);
        t.commit();
    });
}

} // namespace

namespace bando::test {

std::string renderProjectPath()
{
    static std::once_flag once;
    static std::string path;
    std::call_once(once, [] {
        std::error_code ec;
        if (fs::exists(samplePath(), ec) && !std::getenv("BANDO_RENDER_SYNTHETIC")) {
            auto s = ProjectStore::open(samplePath());
            if (s->hasLayer(schema::kVillages) && s->layerInfo(schema::kVillages).featureCount > 0) {
                path = samplePath();
                return;
            }
        }
        // One file per process: CTest runs test cases of this executable in parallel.
        static TempDir dir("render-project");
        path = dir.file("render-synthetic.gpkg");
        buildSynthetic(path);
    });
    return path;
}

} // namespace bando::test
