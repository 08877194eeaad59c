// Geography of the Lạng Sơn sample (issues #3, #8): districts, communes, villages, seats, roads,
// terrain. Real: the province and district outlines (gisdata/lang-son/districts.geojson) and the
// names, GSO codes, seats, official areas and 2019 populations (gisdata/domain/*.csv). Synthetic:
// communes, villages, terrain, roads.
//
// Method: the Voronoi diagram of a jittered point set (denser around the towns) is noded together
// with the real district boundaries and polygonized: every face (a "cell") lies in one real
// district, and the cells of a district make up its outline. Communes and villages are sets of
// whole cells, grown from their seats over the cell adjacency graph with weights tuned until the
// areas match their targets. Every polygon is the union of its cells, so neighbours share exactly
// the same vertices and the levels tile each other (and the real districts) without gaps or
// overlaps.
#include "core/sample/geo_util.hpp"
#include "core/sample/sample.hpp"

#include "core/base/error.hpp"
#include "core/base/resources.hpp"
#include "core/base/text.hpp"
#include "core/capi/gdal.hpp"
#include "core/capi/geos.hpp"
#include "core/capi/geos_convert.hpp"
#include "core/capi/proj.hpp"
#include "core/model/schema.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <queue>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace bando::sample {
namespace {

using geo::CsvTable;

constexpr const char* kGeneratorVersion = "bando-sample-geography 2";

// Province bbox (EPSG:9215 area of use); every seat must lie inside.
constexpr double kMinLon = 106.09, kMaxLon = 107.37, kMinLat = 21.32, kMaxLat = 22.47;

struct DistrictIn {
    std::string code, name, type, seatName, seatCommune;
    double seatLon = 0, seatLat = 0, area = 0, cLon = 0, cLat = 0;
    int64_t population = 0;
    XY seat, centroid;  // EPSG:9215
};

struct CommuneIn {
    std::string code, name, type, district;
    int districtIndex = -1;
};

XY toWork(double lon, double lat)
{
    auto p = crs::transform(crs::kWgs84, crs::kVn2000LangSon, lon, lat);
    return {p.x, p.y};
}

std::string cleanSeatName(const std::string& s)
{
    size_t cut = s.find_first_of("(;");
    std::string out = s.substr(0, cut);
    while (!out.empty() && (out.back() == ' ' || out.back() == ','))
        out.pop_back();
    return text::toNfc(out);
}

std::vector<DistrictIn> readDistricts()
{
    const std::string path = resourcePath("domain/districts.csv");
    CsvTable t = CsvTable::read(path);
    std::vector<DistrictIn> out;
    for (size_t r = 0; r < t.rows(); ++r) {
        DistrictIn d;
        d.code = t.at(r, "district_code");
        d.name = text::toNfc(t.at(r, "district_name"));
        d.type = text::toNfc(t.at(r, "type"));
        d.seatName = cleanSeatName(t.at(r, "seat_name"));
        d.seatCommune = t.at(r, "seat_commune_code");
        d.seatLat = t.number(r, "seat_lat");
        d.seatLon = t.number(r, "seat_lon");
        d.area = t.number(r, "area_km2_official");
        d.population = static_cast<int64_t>(t.number(r, "population_2019"));
        d.cLat = t.number(r, "centroid_lat");
        d.cLon = t.number(r, "centroid_lon");
        if (d.code.size() != 3)
            throw Error(ErrorKind::Format, t.where(r, "district_code"), "expected a 3-digit code, got '" + d.code + "'");
        if (d.seatLon < kMinLon || d.seatLon > kMaxLon || d.seatLat < kMinLat || d.seatLat > kMaxLat)
            throw Error(ErrorKind::Format, t.where(r, "seat_lon"), "seat outside the province bbox");
        d.seat = toWork(d.seatLon, d.seatLat);
        d.centroid = toWork(d.cLon, d.cLat);
        out.push_back(std::move(d));
    }
    if (out.size() != 11)
        throw Error(ErrorKind::Format, path, "expected 11 districts, found " + std::to_string(out.size()));
    return out;
}

std::vector<CommuneIn> readCommunes(const std::vector<DistrictIn>& districts)
{
    const std::string path = resourcePath("domain/communes.csv");
    CsvTable t = CsvTable::read(path);
    std::vector<CommuneIn> out;
    for (size_t r = 0; r < t.rows(); ++r) {
        CommuneIn c;
        c.code = t.at(r, "commune_code");
        c.name = text::toNfc(t.at(r, "commune_name"));
        c.type = text::toNfc(t.at(r, "type"));
        c.district = t.at(r, "district_code");
        if (c.code.size() != 5)
            throw Error(ErrorKind::Format, t.where(r, "commune_code"), "expected a 5-digit code, got '" + c.code + "'");
        for (size_t i = 0; i < districts.size(); ++i)
            if (districts[i].code == c.district)
                c.districtIndex = static_cast<int>(i);
        if (c.districtIndex < 0)
            throw Error(ErrorKind::Format, t.where(r, "district_code"), "unknown district '" + c.district + "'");
        out.push_back(std::move(c));
    }
    return out;
}

// ---------------------------------------------------------------- the real outlines

// The shipped district outlines (gisdata/lang-son/districts.geojson), in the working CRS, in the
// order of `districts`. Every district of the registry must have exactly one outline.
std::vector<Geometry> readDistrictOutlines(const std::vector<DistrictIn>& districts)
{
    gdal::init();
    const std::string path = gisdataPath("lang-son/districts.geojson");
    gdal::ErrorCapture capture;
    gdal::DatasetPtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    if (!ds || ds->GetLayerCount() != 1)
        throw Error(ErrorKind::Io, path, "cannot read the district outlines: " + capture.lastMessage());
    OGRLayer* layer = ds->GetLayer(0);
    std::vector<Geometry> out(districts.size());
    std::vector<char> seen(districts.size(), 0);
    layer->ResetReading();
    for (auto& f : *layer) {
        const std::string code = f->GetFieldAsString("district_code");
        const std::string where = path + ", feature " + std::to_string(f->GetFID()) + ", district_code";
        size_t d = 0;
        while (d < districts.size() && districts[d].code != code)
            ++d;
        if (d == districts.size())
            throw Error(ErrorKind::Format, where, "unknown district '" + code + "'");
        if (seen[d])
            throw Error(ErrorKind::Format, where, "district '" + code + "' appears twice");
        const OGRGeometry* g = f->GetGeometryRef();
        if (!g || wkbFlatten(g->getGeometryType()) != wkbMultiPolygon)
            throw Error(ErrorKind::Format, path + ", feature " + std::to_string(f->GetFID()) + ", geometry",
                        "expected a MultiPolygon for district '" + code + "'");
        std::vector<uint8_t> wkb(static_cast<size_t>(g->WkbSize()));
        g->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
        Geometry geom = fromWkb(wkb.data(), wkb.size());
        for (auto& part : geom.parts)
            for (Ring& r : part) {
                std::vector<double> xs(r.size()), ys(r.size());
                for (size_t k = 0; k < r.size(); ++k) {
                    xs[k] = r[k].x;
                    ys[k] = r[k].y;
                }
                crs::transform(crs::kWgs84, crs::kVn2000LangSon, xs.data(), ys.data(), r.size());
                for (size_t k = 0; k < r.size(); ++k)
                    r[k] = {xs[k], ys[k]};
            }
        out[d] = std::move(geom);
        seen[d] = 1;
    }
    for (size_t d = 0; d < districts.size(); ++d)
        if (!seen[d])
            throw Error(ErrorKind::Format, path, "no outline for district '" + districts[d].code + "'");
    return out;
}

// ---------------------------------------------------------------- cells

// The province is cut into cells: the faces of the Voronoi diagram of a jittered point set
// overlaid with the real district boundaries (one noded line network, polygonized), so every
// cell lies in exactly one district, neighbouring cells share exactly the same vertices, and the
// cells of a district make up its real outline.
struct Cells {
    std::vector<XY> gen;      // a point inside each cell (its Voronoi generator when inside)
    std::vector<Ring> ring;   // closed ring of each cell
    std::vector<double> area; // m²
    std::vector<double> height;
    std::vector<int> district;  // index of the real district holding the cell
    // CSR adjacency (neighbours share an edge)
    std::vector<uint32_t> start, nb;
    std::vector<float> dist;      // generator-to-generator distance
    std::vector<float> rough;     // boundary roughness multiplier (admin growth)
    // Grid index of the cells' extents (point location).
    Extent gridEnv;
    double gridSize = 2000;
    int gridCols = 0, gridRows = 0;
    std::vector<std::vector<uint32_t>> grid;
    size_t size() const { return gen.size(); }
};

double spacingAt(const XY& p, const std::vector<XY>& city, const std::vector<XY>& towns)
{
    double s = 760;
    for (const XY& c : city) {
        double d = std::hypot(p.x - c.x, p.y - c.y);
        s = std::min(s, d < 3500 ? 190.0 : 190.0 + (d - 3500) * (760 - 190) / 6000.0);
    }
    for (const XY& c : towns) {
        double d = std::hypot(p.x - c.x, p.y - c.y);
        s = std::min(s, d < 1800 ? 300.0 : 300.0 + (d - 1800) * (760 - 300) / 3500.0);
    }
    return s;
}

geos::GeomPtr geosPolygon(const Ring& r)
{
    auto h = geos::ctx();
    geos::CoordSeqPtr seq(GEOSCoordSeq_create_r(h, static_cast<unsigned>(r.size()), 2));
    if (!seq)
        geos::throwFailure("create cell ring coordinates");
    for (size_t i = 0; i < r.size(); ++i)
        GEOSCoordSeq_setXY_r(h, seq.get(), static_cast<unsigned>(i), r[i].x, r[i].y);
    // The ring takes the sequence (also on failure), the polygon takes the ring.
    geos::GeomPtr shell = geos::make("create cell ring", [&] { return GEOSGeom_createLinearRing_r(h, seq.release()); });
    return geos::make("create cell polygon", [&] { return GEOSGeom_createPolygon_r(h, shell.release(), nullptr, 0); });
}

Ring ringOf(const GEOSGeometry* ringGeom)
{
    auto h = geos::ctx();
    const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(h, ringGeom);
    unsigned n = 0;
    GEOSCoordSeq_getSize_r(h, seq, &n);
    Ring r(n);
    for (unsigned i = 0; i < n; ++i)
        GEOSCoordSeq_getXY_r(h, seq, i, &r[i].x, &r[i].y);
    return r;
}

struct Key2Hash {
    size_t operator()(const std::pair<uint64_t, uint64_t>& k) const
    {
        return std::hash<uint64_t>()(k.first * 0x9e3779b97f4a7c15ull ^ (k.second + 0x632be59bd9b4e019ull));
    }
};

uint64_t bits(double d)
{
    uint64_t u;
    std::memcpy(&u, &d, sizeof u);
    return u;
}

Cells buildCells(const std::vector<Geometry>& outlines, const std::vector<XY>& city, const std::vector<XY>& towns,
                 const geo::Terrain& terrain, Rng rng)
{
    auto h = geos::ctx();
    Extent prov;
    std::vector<Extent> dExt;
    for (const Geometry& g : outlines) {
        dExt.push_back(g.extent());
        prov.expand(dExt.back());
    }
    const Extent env = prov.buffered(3000);
    // Quadtree of jittered points: 800 m blocks split where the spacing function asks for it.
    const double B = 800;
    const int nx = static_cast<int>(std::ceil(env.width() / B)), ny = static_cast<int>(std::ceil(env.height() / B));
    // Only blocks within ~2.4 km of the province get points: half the bbox is outside it, and the
    // cells inside the province depend on their near neighbours only.
    std::vector<char> keep(static_cast<size_t>(nx) * ny, 0);
    {
        std::vector<char> inside(keep.size(), 0);
        for (int by = 0; by < ny; ++by)
            for (int bx = 0; bx < nx; ++bx) {
                const double x = env.minX + (bx + 0.5) * B, y = env.minY + (by + 0.5) * B;
                for (size_t d = 0; d < outlines.size(); ++d)
                    if (dExt[d].buffered(B).contains(x, y) && contains(outlines[d], x, y)) {
                        inside[static_cast<size_t>(by) * nx + bx] = 1;
                        break;
                    }
            }
        const int R = 4;  // blocks: 3.2 km around every block whose centre is inside
        for (int by = 0; by < ny; ++by)
            for (int bx = 0; bx < nx; ++bx)
                if (inside[static_cast<size_t>(by) * nx + bx])
                    for (int dy = -R; dy <= R; ++dy)
                        for (int dx = -R; dx <= R; ++dx) {
                            const int cx = bx + dx, cy = by + dy;
                            if (cx >= 0 && cy >= 0 && cx < nx && cy < ny)
                                keep[static_cast<size_t>(cy) * nx + cx] = 1;
                        }
    }
    std::vector<XY> pts;
    std::vector<std::vector<uint32_t>> bucket(static_cast<size_t>(nx) * ny);
    auto addLeaf = [&](double x0, double y0, double size, int bx, int by) {
        double j = 0.38 * size;
        XY p{x0 + size / 2 + rng.uniform(-j, j), y0 + size / 2 + rng.uniform(-j, j)};
        if (!keep[static_cast<size_t>(by) * nx + bx])
            return;  // drawn all the same, so the kept points do not depend on the mask
        bucket[static_cast<size_t>(by) * nx + bx].push_back(static_cast<uint32_t>(pts.size()));
        pts.push_back(p);
    };
    for (int by = 0; by < ny; ++by)
        for (int bx = 0; bx < nx; ++bx) {
            double x0 = env.minX + bx * B, y0 = env.minY + by * B;
            double s = spacingAt({x0 + B / 2, y0 + B / 2}, city, towns);
            if (s >= 600) {
                addLeaf(x0, y0, B, bx, by);
                continue;
            }
            for (int q = 0; q < 4; ++q) {
                double qx = x0 + (q % 2) * B / 2, qy = y0 + (q / 2) * B / 2;
                double s2 = spacingAt({qx + B / 4, qy + B / 4}, city, towns);
                if (s2 >= 300) {
                    addLeaf(qx, qy, B / 2, bx, by);
                    continue;
                }
                for (int r = 0; r < 4; ++r)
                    addLeaf(qx + (r % 2) * B / 4, qy + (r / 2) * B / 4, B / 4, bx, by);
            }
        }
    // Voronoi edges and the district boundaries, noded together into one line network.
    std::vector<geos::GeomPtr> gpts;
    gpts.reserve(pts.size());
    for (const XY& p : pts)
        gpts.push_back(geos::make("create point", [&] { return GEOSGeom_createPointFromXY_r(h, p.x, p.y); }));
    geos::GeomPtr mp = geos::collection(GEOS_MULTIPOINT, std::move(gpts), "create Voronoi sites");
    geos::GeomPtr edges = geos::make("VoronoiDiagram", [&] { return GEOSVoronoiDiagram_r(h, mp.get(), nullptr, 0.0, 1); });
    std::vector<geos::GeomPtr> lines;
    lines.push_back(std::move(edges));
    for (const Geometry& g : outlines) {
        geos::GeomPtr poly = geos::toGeos(g);
        lines.push_back(geos::make("district boundary", [&] { return GEOSBoundary_r(h, poly.get()); }));
    }
    geos::GeomPtr all = geos::collection(GEOS_GEOMETRYCOLLECTION, std::move(lines), "collect cell edges");
    geos::GeomPtr noded = geos::make("node cell edges", [&] { return GEOSUnaryUnion_r(h, all.get()); });
    const GEOSGeometry* nodedPtr = noded.get();
    geos::GeomPtr faces = geos::make("polygonize cells", [&] { return GEOSPolygonize_r(h, &nodedPtr, 1); });
    const int nFaces = GEOSGetNumGeometries_r(h, faces.get());
    // Keep the faces inside a district; each takes the generator inside it, else an inner point.
    Cells cells;
    for (int i = 0; i < nFaces; ++i) {
        const GEOSGeometry* face = GEOSGetGeometryN_r(h, faces.get(), i);
        if (GEOSGetNumInteriorRings_r(h, face) != 0)
            throw Error(ErrorKind::Internal, "sample", "a province cell has a hole");
        Ring r = ringOf(GEOSGetExteriorRing_r(h, face));
        Extent e;
        for (const XY& p : r)
            e.expand(p.x, p.y);
        bool haveGen = false;
        XY gen;
        int bx0 = std::max(0, static_cast<int>((e.minX - env.minX) / B)), bx1 = std::min(nx - 1, static_cast<int>((e.maxX - env.minX) / B));
        int by0 = std::max(0, static_cast<int>((e.minY - env.minY) / B)), by1 = std::min(ny - 1, static_cast<int>((e.maxY - env.minY) / B));
        for (int by = by0; by <= by1 && !haveGen; ++by)
            for (int bx = bx0; bx <= bx1 && !haveGen; ++bx)
                for (uint32_t pi : bucket[static_cast<size_t>(by) * nx + bx])
                    if (e.contains(pts[pi].x, pts[pi].y) && ringContains(r, pts[pi].x, pts[pi].y)) {
                        gen = pts[pi];  // a face holds at most one generator
                        haveGen = true;
                        break;
                    }
        if (!haveGen) {  // a piece of a cell cut by a district boundary
            geos::GeomPtr inner = geos::make("cell inner point", [&] { return GEOSPointOnSurface_r(h, face); });
            GEOSGeomGetX_r(h, inner.get(), &gen.x);
            GEOSGeomGetY_r(h, inner.get(), &gen.y);
        }
        int district = -1;
        for (size_t d = 0; d < outlines.size() && district < 0; ++d)
            if (dExt[d].contains(gen.x, gen.y) && contains(outlines[d], gen.x, gen.y))
                district = static_cast<int>(d);
        if (district < 0)
            continue;  // outside the province
        cells.gen.push_back(gen);
        cells.area.push_back(std::fabs(ringSignedArea(r)));
        cells.ring.push_back(std::move(r));
        cells.height.push_back(terrain.height(gen.x, gen.y));
        cells.district.push_back(district);
    }
    // Adjacency through shared edges (exactly equal vertices).
    const size_t n = cells.size();
    std::unordered_map<std::pair<uint64_t, uint64_t>, uint32_t, Key2Hash> vid;
    auto vertexId = [&](const XY& p) {
        auto [it, fresh] = vid.try_emplace({bits(p.x), bits(p.y)}, static_cast<uint32_t>(vid.size()));
        (void)fresh;
        return it->second;
    };
    std::unordered_map<uint64_t, uint32_t> edgeOwner;
    std::vector<std::vector<uint32_t>> adj(n);
    for (size_t c = 0; c < n; ++c) {
        const Ring& r = cells.ring[c];
        for (size_t k = 0; k + 1 < r.size(); ++k) {
            uint64_t a = vertexId(r[k]), b = vertexId(r[k + 1]);
            if (a == b)
                continue;
            uint64_t key = std::min(a, b) << 32 | std::max(a, b);
            auto [it, fresh] = edgeOwner.try_emplace(key, static_cast<uint32_t>(c));
            if (!fresh && it->second != c) {
                adj[it->second].push_back(static_cast<uint32_t>(c));
                adj[c].push_back(it->second);
            }
        }
    }
    cells.start.push_back(0);
    for (size_t c = 0; c < n; ++c) {
        std::vector<uint32_t>& nbs = adj[c];
        std::sort(nbs.begin(), nbs.end());
        nbs.erase(std::unique(nbs.begin(), nbs.end()), nbs.end());
        const XY& a = cells.gen[c];
        for (uint32_t o : nbs) {
            const XY& b = cells.gen[o];
            cells.nb.push_back(o);
            cells.dist.push_back(static_cast<float>(std::max(1.0, std::hypot(a.x - b.x, a.y - b.y))));
            double m = geo::fbm((a.x + b.x) / 2 / 7000.0, (a.y + b.y) / 2 / 7000.0, 991, 3);
            cells.rough.push_back(static_cast<float>(0.4 + 2.2 * m * m));
        }
        cells.start.push_back(static_cast<uint32_t>(cells.nb.size()));
    }
    // Grid index for point location.
    cells.gridEnv = prov;
    cells.gridCols = static_cast<int>(std::ceil(prov.width() / cells.gridSize)) + 1;
    cells.gridRows = static_cast<int>(std::ceil(prov.height() / cells.gridSize)) + 1;
    cells.grid.assign(static_cast<size_t>(cells.gridCols) * cells.gridRows, {});
    for (size_t c = 0; c < n; ++c) {
        Extent e;
        for (const XY& p : cells.ring[c])
            e.expand(p.x, p.y);
        const int c0 = static_cast<int>((e.minX - prov.minX) / cells.gridSize), c1 = static_cast<int>((e.maxX - prov.minX) / cells.gridSize);
        const int r0 = static_cast<int>((e.minY - prov.minY) / cells.gridSize), r1 = static_cast<int>((e.maxY - prov.minY) / cells.gridSize);
        for (int gr = std::max(0, r0); gr <= std::min(cells.gridRows - 1, r1); ++gr)
            for (int gc = std::max(0, c0); gc <= std::min(cells.gridCols - 1, c1); ++gc)
                cells.grid[static_cast<size_t>(gr) * cells.gridCols + gc].push_back(static_cast<uint32_t>(c));
    }
    return cells;
}

int nearestCell(const Cells& cells, const XY& p, const std::vector<int>* tagOf = nullptr, int tag = -1)
{
    int best = -1;
    double bd = 1e300;
    for (size_t c = 0; c < cells.size(); ++c) {
        if (tagOf && (*tagOf)[c] != tag)
            continue;
        double d = (cells.gen[c].x - p.x) * (cells.gen[c].x - p.x) + (cells.gen[c].y - p.y) * (cells.gen[c].y - p.y);
        if (d < bd) {
            bd = d;
            best = static_cast<int>(c);
        }
    }
    return best;
}

// The cell containing p, or -1 outside the province.
int cellContaining(const Cells& cells, const XY& p)
{
    const int gc = static_cast<int>(std::floor((p.x - cells.gridEnv.minX) / cells.gridSize));
    const int gr = static_cast<int>(std::floor((p.y - cells.gridEnv.minY) / cells.gridSize));
    if (gc < 0 || gr < 0 || gc >= cells.gridCols || gr >= cells.gridRows)
        return -1;
    for (uint32_t c : cells.grid[static_cast<size_t>(gr) * cells.gridCols + gc])
        if (ringContains(cells.ring[c], p.x, p.y))
            return static_cast<int>(c);
    return -1;
}

// Cell containing p, else (outside the province) the cell of the nearest inner point.
int cellAt(const Cells& cells, const XY& p)
{
    int c = cellContaining(cells, p);
    return c >= 0 ? c : nearestCell(cells, p);
}

// ---------------------------------------------------------------- weighted growth

class Grower {
public:
    explicit Grower(const Cells& cells) : m_c(cells), m_key(cells.size(), 1e300), m_lab(cells.size(), -1) {}

    // Multiplicatively weighted multi-source Dijkstra over the cells of `region` (cells with
    // tagOf[c] == tag). seeds: (cell, label). Writes labels into out[c] for region cells.
    void run(const std::vector<int>& region, const std::vector<int>& tagOf, int tag,
             const std::vector<std::pair<int, int>>& seeds, const std::vector<double>& w, std::vector<int>& out)
    {
        for (int c : region) {
            m_key[c] = 1e300;
            m_lab[c] = -1;
        }
        using Item = std::pair<double, std::pair<int, int>>;  // key, (cell, label)
        std::priority_queue<Item, std::vector<Item>, std::greater<Item>> pq;
        for (auto [c, l] : seeds)
            pq.push({0.0, {c, l}});
        while (!pq.empty()) {
            auto [k, cl] = pq.top();
            pq.pop();
            auto [c, l] = cl;
            if (m_lab[c] >= 0)
                continue;
            m_lab[c] = l;
            m_key[c] = k;
            for (uint32_t e = m_c.start[c]; e < m_c.start[c + 1]; ++e) {
                int o = static_cast<int>(m_c.nb[e]);
                if (tagOf[o] != tag || m_lab[o] >= 0)
                    continue;
                double nk = k + m_c.dist[e] * m_c.rough[e] / w[l];
                if (nk < m_key[o]) {
                    m_key[o] = nk;
                    pq.push({nk, {o, l}});
                }
            }
        }
        for (int c : region)
            out[c] = m_lab[c];
    }

    // Tunes weights until each label's area approaches targets[label]; keeps the best pass.
    void balance(const std::vector<int>& region, const std::vector<int>& tagOf, int tag,
                 const std::vector<std::pair<int, int>>& seeds, const std::vector<double>& targets, int iterations,
                 std::vector<int>& out)
    {
        const size_t k = targets.size();
        std::vector<double> w(k, 1.0), areas(k);
        std::vector<int> tmp(m_c.size(), -1);
        double bestErr = 1e300;
        for (int it = 0; it < iterations; ++it) {
            run(region, tagOf, tag, seeds, w, tmp);
            std::fill(areas.begin(), areas.end(), 0.0);
            for (int c : region)
                if (tmp[c] >= 0)
                    areas[tmp[c]] += m_c.area[c];
            double err = 0;
            for (size_t l = 0; l < k; ++l)
                err = std::max(err, std::fabs(areas[l] - targets[l]) / targets[l]);
            if (err < bestErr) {
                bestErr = err;
                for (int c : region)
                    out[c] = tmp[c];
            }
            if (err < 0.01)
                break;
            for (size_t l = 0; l < k; ++l) {
                double f = areas[l] > 0 ? std::pow(targets[l] / areas[l], 0.45) : 1.6;
                w[l] *= std::clamp(f, 0.6, 1.6);
            }
        }
        m_lastError = bestErr;
        fillUnreached(region, out);
    }
    double lastError() const { return m_lastError; }

    // Cells of `region` no seed reached (a part of a multi-part district or commune without a
    // seed of its own) join the label of the nearest reached cell.
    void fillUnreached(const std::vector<int>& region, std::vector<int>& out) const
    {
        std::vector<int> reached;
        for (int c : region)
            if (out[c] >= 0)
                reached.push_back(c);
        for (int c : region) {
            if (out[c] >= 0)
                continue;
            double bd = 1e300;
            for (int o : reached) {
                const double d = std::hypot(m_c.gen[c].x - m_c.gen[o].x, m_c.gen[c].y - m_c.gen[o].y);
                if (d < bd) {
                    bd = d;
                    out[c] = out[o];
                }
            }
        }
    }

private:
    const Cells& m_c;
    std::vector<double> m_key;
    std::vector<int> m_lab;
    double m_lastError = 0;
};

// Best-candidate sampling of `count` seed cells in `region`, away from `existing` seeds and
// preferring low ground (valleys).
std::vector<int> pickSeeds(const Cells& cells, const std::vector<int>& region, std::vector<int> existing, int count,
                           Rng& rng, double lowBias)
{
    double hmin = 1e300, hmax = -1e300;
    for (int c : region) {
        hmin = std::min(hmin, cells.height[c]);
        hmax = std::max(hmax, cells.height[c]);
    }
    const double span = std::max(1.0, hmax - hmin);
    std::vector<int> out;
    std::set<int> used(existing.begin(), existing.end());
    for (int k = 0; k < count; ++k) {
        int best = -1;
        double bestScore = -1;
        for (int t = 0; t < 16; ++t) {
            int c = region[static_cast<size_t>(rng.range(0, static_cast<int64_t>(region.size()) - 1))];
            if (used.count(c))
                continue;
            double dmin = 1e300;
            for (int e : existing)
                dmin = std::min(dmin, std::hypot(cells.gen[c].x - cells.gen[e].x, cells.gen[c].y - cells.gen[e].y));
            if (existing.empty())
                dmin = 1;
            double score = dmin * (1.0 - lowBias * (cells.height[c] - hmin) / span);
            if (score > bestScore) {
                bestScore = score;
                best = c;
            }
        }
        if (best < 0) {  // crowded region: any unused cell
            for (int c : region)
                if (!used.count(c)) {
                    best = c;
                    break;
                }
        }
        if (best < 0)
            break;
        used.insert(best);
        existing.push_back(best);
        out.push_back(best);
    }
    return out;
}

// ---------------------------------------------------------------- names

const char* const kFirst[] = {"Nà", "Khuổi", "Pác", "Còn", "Lũng", "Pò", "Kéo", "Bó", "Phai", "Tà", "Nặm",
                              "Cốc", "Khòn", "Slằng", "Phiêng", "Khau", "Pá", "Lạn", "Bản", "Nọi", "Khun", "Thâm"};
const char* const kSecond[] = {"Pài", "Khẩu", "Lếch", "Riềng", "Mò", "Hin", "Vằng", "Pàn", "Mạ", "Tềnh", "Slam",
                               "Pù", "Nhừ", "Đông", "Quang", "Làng", "Pàng", "Tát", "Lùng", "Rọ", "Cằm", "Thẩm",
                               "Pha", "Khuôn", "Nưa", "Luông", "Tổng", "Mủ", "Kheo", "Pìn", "Lạc", "Chè", "Sa",
                               "Tu", "Cáy", "Phầy", "Chang", "Mười", "Piệt", "Lải", "Sào", "Khoang", "Nghiều", "Thin"};

std::string villageName(const std::string& communeType, Rng& rng, std::unordered_set<std::string>& used)
{
    for (int attempt = 0; attempt < 200; ++attempt) {
        std::string prefix;
        if (communeType == "Phường")
            prefix = "Khối";
        else if (communeType == "Thị trấn")
            prefix = rng.chance(0.6) ? "Khối" : "Thôn";
        else
            prefix = rng.chance(0.55) ? "Thôn" : "Bản";
        std::string a = kFirst[rng.range(0, std::size(kFirst) - 1)];
        std::string b = kSecond[rng.range(0, std::size(kSecond) - 1)];
        if (prefix == "Bản" && a == "Bản")
            continue;
        std::string name = text::toNfc(prefix + " " + a + " " + b);
        if (used.insert(name).second)
            return name;
    }
    for (int k = 1;; ++k) {
        std::string name = "Thôn " + std::to_string(k);
        if (used.insert(name).second)
            return text::toNfc(name);
    }
}

// ---------------------------------------------------------------- roads

struct RoadDef {
    const char* ref;
    const char* name;
    std::vector<std::pair<double, double>> via;  // lon, lat (first/last may be province-edge targets)
    bool startsAtEdge, endsAtEdge;
};

std::vector<int> routeCells(const Cells& cells, int from, int to, const std::vector<double>& extraCost)
{
    const size_t n = cells.size();
    std::vector<double> d(n, 1e300);
    std::vector<int> prev(n, -1);
    using Item = std::pair<double, int>;
    std::priority_queue<Item, std::vector<Item>, std::greater<Item>> pq;
    d[from] = 0;
    pq.push({0, from});
    while (!pq.empty()) {
        auto [k, c] = pq.top();
        pq.pop();
        if (k > d[c])
            continue;
        if (c == to)
            break;
        for (uint32_t e = cells.start[c]; e < cells.start[c + 1]; ++e) {
            int o = static_cast<int>(cells.nb[e]);
            double ha = cells.height[c], hb = cells.height[o];
            double len = cells.dist[e];
            double cost = len * (1.0 + ((ha + hb) / 2 - 200.0) / 90.0 + 6.0 * std::fabs(ha - hb) / len) *
                          extraCost[o];
            if (k + cost < d[o]) {
                d[o] = k + cost;
                prev[o] = c;
                pq.push({d[o], o});
            }
        }
    }
    std::vector<int> path;
    if (d[to] >= 1e300)
        return path;
    for (int c = to; c >= 0; c = prev[c])
        path.push_back(c);
    std::reverse(path.begin(), path.end());
    return path;
}

// Chaikin smoothing of the vertices between fixed ones.
Ring smoothLine(const Ring& in, const std::vector<char>& fixed, int passes)
{
    Ring cur = in;
    std::vector<char> fx = fixed;
    for (int p = 0; p < passes; ++p) {
        Ring out;
        std::vector<char> of;
        for (size_t i = 0; i < cur.size(); ++i) {
            if (fx[i] || i == 0 || i + 1 == cur.size()) {
                out.push_back(cur[i]);
                of.push_back(1);
                continue;
            }
            const XY& a = cur[i - 1];
            const XY& b = cur[i];
            const XY& c = cur[i + 1];
            out.push_back({0.75 * b.x + 0.25 * a.x, 0.75 * b.y + 0.25 * a.y});
            of.push_back(0);
            out.push_back({0.75 * b.x + 0.25 * c.x, 0.75 * b.y + 0.25 * c.y});
            of.push_back(0);
        }
        cur.swap(out);
        fx.swap(of);
    }
    return cur;
}

// ================================================================= the stages

struct VillageOut {
    int commune;
    std::string code, name;
    int seedCell;
    int64_t households = 0, population = 0;
};

// What the geography stages hand to each other.
struct Province {
    explicit Province(uint64_t seed) : root(seed), terrain(seed ^ 0x5ca1ab1eull) {}
    Rng root;
    geo::Terrain terrain;
    std::vector<DistrictIn> districts;
    std::vector<CommuneIn> communes;
    std::map<std::string, XY> townPos;  // hand-placed second towns (approximate; the geometry is synthetic)
    std::vector<Geometry> outlines;     // the real districts, working CRS, in `districts` order
    Extent extent;                      // of the province
    Cells cells;
    double provinceArea = 0;
    std::vector<std::pair<int, int>> dSeeds;  // (cell, district): the seats first
    std::vector<int> districtOf, communeOf, villageOf;  // per cell
    std::vector<int> communeSeed;  // the cell of each commune's seat
    std::vector<XY> communeSeat;
    std::vector<VillageOut> villages;
    std::vector<std::vector<int>> villageCells;
};

// The province in the working CRS.
Layer makeLayer(const char* name)
{
    Layer l = schema::makeLayer(name);
    l.epsg = crs::kVn2000LangSon;
    return l;
}

// The real districts and communes, the towns, the outline and its Voronoi cells.
void coverWithCells(Province& province)
{
    province.districts = readDistricts();
    province.communes = readCommunes(province.districts);
    const auto& communes = province.communes;
    if (communes.size() != 200)
        throw Error(ErrorKind::Format, resourcePath("domain/communes.csv"),
                    "expected 200 communes, found " + std::to_string(communes.size()));
    const auto& districts = province.districts;
    province.townPos = {
        {"06184", toWork(106.69667, 21.94583)},  // Đồng Đăng
        {"06466", toWork(106.545, 21.615)},      // Chi Lăng
        {"06526", toWork(106.97, 21.70)},        // Na Dương
        {"06616", toWork(107.02, 21.47)},        // NT Thái Bình
    };
    std::vector<XY> city{districts[0].seat}, towns;
    for (const auto& d : districts)
        if (d.code != "178")
            towns.push_back(d.seat);
    for (const auto& [code, pos] : province.townPos)
        towns.push_back(pos);
    // ---- the real outlines and the cells
    province.outlines = readDistrictOutlines(districts);
    for (const Geometry& g : province.outlines)
        province.extent.expand(g.extent());
    province.cells = buildCells(province.outlines, city, towns, province.terrain, province.root.fork(2));
    province.provinceArea = std::accumulate(province.cells.area.begin(), province.cells.area.end(), 0.0);
}

// Districts: the real ones. Each cell already knows its district; the seat's cell seeds the
// district's communes. Every seat must lie inside its own district.
void placeDistricts(Province& province)
{
    const auto& districts = province.districts;
    const Cells& cells = province.cells;
    province.districtOf = cells.district;
    for (size_t d = 0; d < districts.size(); ++d) {
        const int c = cellContaining(cells, districts[d].seat);
        if (c < 0 || cells.district[c] != static_cast<int>(d))
            throw Error(ErrorKind::Format, resourcePath("domain/districts.csv"),
                        "the seat of district " + districts[d].code + " (" + districts[d].seatName +
                            ") is not inside its outline in " + gisdataPath("lang-son/districts.geojson"));
        province.dSeeds.push_back({c, static_cast<int>(d)});
    }
}

// Communes: seeds at the real seats, the towns and a ring of city wards, then balanced areas.
void growCommunes(Province& province, Grower& grower)
{
    const auto& districts = province.districts;
    const auto& communes = province.communes;
    const Cells& cells = province.cells;
    const size_t N = cells.size();
    const auto& dSeeds = province.dSeeds;
    const auto& districtOf = province.districtOf;
    auto& townPos = province.townPos;
    Rng crng = province.root.fork(3);
    std::vector<int>& communeSeed = province.communeSeed;
    std::vector<XY>& communeSeat = province.communeSeat;
    std::vector<int>& communeOf = province.communeOf;
    communeSeed.assign(communes.size(), -1);
    communeSeat.assign(communes.size(), XY{});
    communeOf.assign(N, -1);
    std::vector<std::vector<int>> districtCells(districts.size());
    for (size_t c = 0; c < N; ++c)
        districtCells[districtOf[c]].push_back(static_cast<int>(c));
    for (size_t d = 0; d < districts.size(); ++d) {
        std::vector<int> members;
        for (size_t i = 0; i < communes.size(); ++i)
            if (communes[i].districtIndex == static_cast<int>(d))
                members.push_back(static_cast<int>(i));
        std::vector<int> taken;
        const int seatCell = dSeeds[d].first;
        for (int i : members) {
            const auto& cm = communes[i];
            if (cm.code == districts[d].seatCommune) {
                communeSeed[i] = seatCell;
                communeSeat[i] = districts[d].seat;
            } else if (townPos.count(cm.code)) {
                XY pos = townPos[cm.code];
                int c = cellAt(cells, pos);
                if (districtOf[c] != static_cast<int>(d) || std::find(taken.begin(), taken.end(), c) != taken.end()) {
                    c = nearestCell(cells, pos, &districtOf, static_cast<int>(d));
                    pos = cells.gen[c];
                }
                communeSeed[i] = c;
                communeSeat[i] = pos;
            } else
                continue;
            taken.push_back(communeSeed[i]);
        }
        // City wards: a ring around the centre.
        int wardNo = 0;
        for (int i : members) {
            if (communeSeed[i] >= 0 || communes[i].type != "Phường")
                continue;
            double ang = 0.5 + wardNo * 2 * M_PI / 4.0;
            ++wardNo;
            XY pos{districts[d].seat.x + 1500 * std::cos(ang), districts[d].seat.y + 1500 * std::sin(ang)};
            int c = nearestCell(cells, pos, &districtOf, static_cast<int>(d));
            communeSeed[i] = c;
            communeSeat[i] = cells.gen[c];
            taken.push_back(c);
        }
        std::vector<int> rest;
        for (int i : members)
            if (communeSeed[i] < 0)
                rest.push_back(i);
        auto picked = pickSeeds(cells, districtCells[d], taken, static_cast<int>(rest.size()), crng, 0.85);
        if (picked.size() != rest.size())
            throw Error(ErrorKind::Internal, "sample", "district " + districts[d].code + " has too few cells");
        for (size_t k = 0; k < rest.size(); ++k) {
            communeSeed[rest[k]] = picked[k];
            communeSeat[rest[k]] = cells.gen[picked[k]];
        }
        // Target areas: wards and towns small, rural communes share the rest unevenly.
        double dArea = 0;
        for (int c : districtCells[d])
            dArea += cells.area[c];
        std::vector<double> targets(members.size());
        double fixedSum = 0, wsum = 0;
        std::vector<double> rw(members.size(), 0);
        for (size_t k = 0; k < members.size(); ++k) {
            const auto& t = communes[members[k]].type;
            if (t == "Phường")
                fixedSum += targets[k] = crng.uniform(2.5, 5.0) * 1e6;
            else if (t == "Thị trấn")
                fixedSum += targets[k] = crng.uniform(6.0, 16.0) * 1e6;
            else
                wsum += rw[k] = crng.uniform(0.6, 1.5);
        }
        for (size_t k = 0; k < members.size(); ++k)
            if (rw[k] > 0)
                targets[k] = (dArea - fixedSum) * rw[k] / wsum;
        std::vector<std::pair<int, int>> seeds;
        for (size_t k = 0; k < members.size(); ++k)
            seeds.push_back({communeSeed[members[k]], static_cast<int>(k)});
        std::vector<int> local(N, -1);
        grower.balance(districtCells[d], districtOf, static_cast<int>(d), seeds, targets, 40, local);
        for (int c : districtCells[d])
            communeOf[c] = members[local[c]];
    }
}

// Villages: counts per commune, households from the 2019 populations, seeds and growth.
void growVillages(Province& province, Grower& grower, Feedback* fb)
{
    const auto& districts = province.districts;
    const auto& communes = province.communes;
    const Cells& cells = province.cells;
    const size_t N = cells.size();
    const auto& communeSeed = province.communeSeed;
    const auto& communeOf = province.communeOf;
    std::vector<std::vector<int>> communeCells(communes.size());
    for (size_t c = 0; c < N; ++c)
        communeCells[communeOf[c]].push_back(static_cast<int>(c));
    for (size_t i = 0; i < communes.size(); ++i)
        if (communeCells[i].empty())
            throw Error(ErrorKind::Internal, "sample", "commune " + communes[i].code + " got no cells");
    Rng vrng = province.root.fork(4);
    const int64_t kVillages = 1705, kBacSon = 148;
    std::vector<double> dw;
    int bacSon = -1;
    for (size_t d = 0; d < districts.size(); ++d) {
        int nc = 0;
        for (const auto& c : communes)
            nc += c.districtIndex == static_cast<int>(d);
        if (districts[d].code == "185") {
            bacSon = static_cast<int>(d);
            dw.push_back(0);
        } else
            dw.push_back(nc);
    }
    auto dVillages = geo::apportion(kVillages - kBacSon, dw, 1);
    dVillages[bacSon] = kBacSon;
    std::vector<int64_t> cVillages(communes.size(), 0);
    for (size_t d = 0; d < districts.size(); ++d) {
        std::vector<int> members;
        std::vector<double> w;
        for (size_t i = 0; i < communes.size(); ++i)
            if (communes[i].districtIndex == static_cast<int>(d)) {
                members.push_back(static_cast<int>(i));
                w.push_back(communes[i].type == "Xã" ? vrng.uniform(0.55, 1.45) : 1.35);
            }
        auto counts = geo::apportion(dVillages[d], w, 3);
        for (size_t k = 0; k < members.size(); ++k) {
            int64_t cap = std::max<int64_t>(1, static_cast<int64_t>(communeCells[members[k]].size()) / 3);
            cVillages[members[k]] = std::min(counts[k], cap);
        }
    }
    // Households: district totals proportional to the 2019 population; towns denser.
    const int64_t kHouseholds = 200000;
    std::vector<double> popw;
    for (const auto& d : districts)
        popw.push_back(static_cast<double>(d.population));
    auto dHouse = geo::apportion(kHouseholds, popw, 0);

    std::vector<VillageOut>& villages = province.villages;
    std::vector<int>& villageOf = province.villageOf;
    villageOf.assign(N, -1);
    std::vector<double> cHouseWeight(communes.size(), 0);
    for (size_t i = 0; i < communes.size(); ++i) {
        const auto& t = communes[i].type;
        double f = t == "Phường" ? 3.2 : t == "Thị trấn" ? 2.2 : 1.0;
        cHouseWeight[i] = f * static_cast<double>(cVillages[i]) * vrng.uniform(0.8, 1.2);
    }
    for (size_t d = 0; d < districts.size(); ++d) {
        std::vector<int> members;
        std::vector<double> w;
        for (size_t i = 0; i < communes.size(); ++i)
            if (communes[i].districtIndex == static_cast<int>(d)) {
                members.push_back(static_cast<int>(i));
                w.push_back(cHouseWeight[i]);
            }
        auto ch = geo::apportion(dHouse[d], w, 60);
        for (size_t k = 0; k < members.size(); ++k) {
            const int i = members[k];
            const int nv = static_cast<int>(cVillages[i]);
            std::vector<int> seeds{communeSeed[i]};
            auto more = pickSeeds(cells, communeCells[i], seeds, nv - 1, vrng, 0.9);
            seeds.insert(seeds.end(), more.begin(), more.end());
            double cArea = 0;
            for (int c : communeCells[i])
                cArea += cells.area[c];
            std::vector<double> targets, hw;
            for (size_t v = 0; v < seeds.size(); ++v) {
                targets.push_back(vrng.uniform(0.6, 1.5));
                hw.push_back(vrng.uniform(0.5, 1.5));
            }
            double ts = std::accumulate(targets.begin(), targets.end(), 0.0);
            for (auto& t : targets)
                t *= cArea / ts;
            std::vector<std::pair<int, int>> vs;
            for (size_t v = 0; v < seeds.size(); ++v)
                vs.push_back({seeds[v], static_cast<int>(v)});
            std::vector<int> local(N, -1);
            grower.balance(communeCells[i], communeOf, i, vs, targets, 12, local);
            auto vh = geo::apportion(ch[k], hw, 15);
            std::unordered_set<std::string> usedNames;
            const int base = static_cast<int>(villages.size());
            for (size_t v = 0; v < seeds.size(); ++v) {
                VillageOut vo;
                vo.commune = i;
                char buf[8];
                std::snprintf(buf, sizeof buf, "%03d", static_cast<int>(v + 1));
                vo.code = communes[i].code + buf;
                vo.name = villageName(communes[i].type, vrng, usedNames);
                vo.seedCell = seeds[v];
                vo.households = vh[v];
                vo.population = static_cast<int64_t>(std::llround(static_cast<double>(vh[v]) * vrng.uniform(3.7, 4.1)));
                villages.push_back(std::move(vo));
            }
            for (int c : communeCells[i])
                villageOf[c] = base + local[c];
        }
        throwIfCancelled(fb);
    }
}

struct UnitPolygons {
    std::vector<geos::GeomPtr> villages, communes, districts;
};

// Every unit is the union of its cells (villages) or of its members' polygons.
UnitPolygons unitPolygons(Province& province, Feedback* fb)
{
    const auto& districts = province.districts;
    const auto& communes = province.communes;
    const auto& villages = province.villages;
    const auto& villageOf = province.villageOf;
    const Cells& cells = province.cells;
    const size_t N = cells.size();
    auto h = geos::ctx();
    std::vector<std::vector<int>>& villageCells = province.villageCells;
    villageCells.assign(villages.size(), {});
    for (size_t c = 0; c < N; ++c)
        villageCells[villageOf[c]].push_back(static_cast<int>(c));
    auto unionOf = [&](std::vector<geos::GeomPtr> parts) {
        geos::GeomPtr coll = geos::collection(GEOS_GEOMETRYCOLLECTION, std::move(parts));
        return geos::make("UnaryUnion", [&] { return GEOSUnaryUnion_r(h, coll.get()); });
    };
    auto checkValid = [&](const GEOSGeometry* g, const std::string& what) {
        if (!geos::predicate("isValid", [&] { return GEOSisValid_r(h, g); }))
            throw Error(ErrorKind::Geometry, "sample", what + " is not a valid polygon");
    };
    auto cloneOf = [&](const GEOSGeometry* g) { return geos::make("clone", [&] { return GEOSGeom_clone_r(h, g); }); };
    UnitPolygons polygons;
    std::vector<geos::GeomPtr>& vGeom = polygons.villages;
    vGeom.resize(villages.size());
    for (size_t v = 0; v < villages.size(); ++v) {
        if (villageCells[v].empty())
            throw Error(ErrorKind::Internal, "sample", "village " + villages[v].code + " got no cells");
        std::vector<geos::GeomPtr> parts;
        for (int c : villageCells[v])
            parts.push_back(geosPolygon(cells.ring[c]));
        vGeom[v] = unionOf(std::move(parts));
        checkValid(vGeom[v].get(), "village " + villages[v].code);
    }
    throwIfCancelled(fb);
    reportProgress(fb, 80);
    std::vector<geos::GeomPtr>& cGeom = polygons.communes;
    cGeom.resize(communes.size());
    for (size_t i = 0; i < communes.size(); ++i) {
        std::vector<geos::GeomPtr> parts;
        for (size_t v = 0; v < villages.size(); ++v)
            if (villages[v].commune == static_cast<int>(i))
                parts.push_back(cloneOf(vGeom[v].get()));
        cGeom[i] = unionOf(std::move(parts));
        checkValid(cGeom[i].get(), "commune " + communes[i].code);
    }
    std::vector<geos::GeomPtr>& dGeom = polygons.districts;
    dGeom.resize(districts.size());
    for (size_t d = 0; d < districts.size(); ++d) {
        std::vector<geos::GeomPtr> parts;
        for (size_t i = 0; i < communes.size(); ++i)
            if (communes[i].districtIndex == static_cast<int>(d))
                parts.push_back(cloneOf(cGeom[i].get()));
        dGeom[d] = unionOf(std::move(parts));
        checkValid(dGeom[d].get(), "district " + districts[d].code);
    }
    return polygons;
}

void addUnitLayers(SampleData& data, const Province& province, const UnitPolygons& polygons)
{
    const auto& districts = province.districts;
    const auto& communes = province.communes;
    const auto& villages = province.villages;
    const auto& vGeom = polygons.villages;
    const auto& cGeom = polygons.communes;
    const auto& dGeom = polygons.districts;
    data.villages = makeLayer(schema::kVillages);
    std::vector<int64_t> cHouse(communes.size(), 0), cPop(communes.size(), 0);
    for (size_t v = 0; v < villages.size(); ++v) {
        const auto& vo = villages[v];
        Feature& f = data.villages.addFeature(geos::fromGeos(vGeom[v].get()));
        data.villages.set(f, "code", vo.code);
        data.villages.set(f, "name", vo.name);
        data.villages.set(f, "commune_code", communes[vo.commune].code);
        data.villages.set(f, "district_code", communes[vo.commune].district);
        data.villages.set(f, "population", vo.population);
        data.villages.set(f, "households", vo.households);
        if (data.villages.fieldIndex("area_km2") >= 0)
            data.villages.set(f, "area_km2", area(f.geom) / 1e6);
        cHouse[vo.commune] += vo.households;
        cPop[vo.commune] += vo.population;
    }
    data.communes = makeLayer(schema::kCommunes);
    std::vector<int64_t> dHouseOut(districts.size(), 0), dPop(districts.size(), 0);
    for (size_t i = 0; i < communes.size(); ++i) {
        Feature& f = data.communes.addFeature(geos::fromGeos(cGeom[i].get()));
        data.communes.set(f, "code", communes[i].code);
        data.communes.set(f, "name", communes[i].name);
        data.communes.set(f, "type", communes[i].type);
        data.communes.set(f, "district_code", communes[i].district);
        data.communes.set(f, "population", cPop[i]);
        data.communes.set(f, "households", cHouse[i]);
        if (data.communes.fieldIndex("area_km2") >= 0)
            data.communes.set(f, "area_km2", area(f.geom) / 1e6);
        dHouseOut[communes[i].districtIndex] += cHouse[i];
        dPop[communes[i].districtIndex] += cPop[i];
    }
    data.districts = makeLayer(schema::kDistricts);
    for (size_t d = 0; d < districts.size(); ++d) {
        const auto& di = districts[d];
        Feature& f = data.districts.addFeature(geos::fromGeos(dGeom[d].get()));
        data.districts.set(f, "code", di.code);
        data.districts.set(f, "name", di.name);
        data.districts.set(f, "type", di.type);
        data.districts.set(f, "seat_name", di.seatName);
        data.districts.set(f, "area_km2_official", di.area);
        data.districts.set(f, "population", dPop[d]);
        data.districts.set(f, "households", dHouseOut[d]);
        const bool phase1 = di.code == "180" || di.code == "184" || di.code == "185" || di.code == "186" || di.code == "187";
        data.districts.set(f, "phase", int64_t(phase1 ? 1 : 2));
        if (data.districts.fieldIndex("area_km2") >= 0)
            data.districts.set(f, "area_km2", area(f.geom) / 1e6);
    }
}

// District and commune seats, and the border gates with known coordinates.
void addPlaces(SampleData& data, const Province& province)
{
    const auto& districts = province.districts;
    const auto& communes = province.communes;
    const auto& communeSeat = province.communeSeat;
    const Cells& cells = province.cells;
    data.places = makeLayer(schema::kPlaces);
    for (const auto& di : districts) {
        Feature& f = data.places.addFeature(Geometry::point(di.seat.x, di.seat.y));
        data.places.set(f, "name", di.seatName);
        data.places.set(f, "kind", std::string("district_seat"));
        data.places.set(f, "code", di.code);
    }
    for (size_t i = 0; i < communes.size(); ++i) {
        Feature& f = data.places.addFeature(Geometry::point(communeSeat[i].x, communeSeat[i].y));
        data.places.set(f, "name", communes[i].name);
        data.places.set(f, "kind", std::string("commune_seat"));
        data.places.set(f, "code", communes[i].code);
    }
    // Border gates with known coordinates (gisdata/domain/border_gates.csv).
    {
        const std::string path = resourcePath("domain/border_gates.csv");
        CsvTable t = CsvTable::read(path);
        for (size_t r = 0; r < t.rows(); ++r) {
            if (t.at(r, "lat").empty() || t.at(r, "lon").empty())
                continue;
            XY p = toWork(t.number(r, "lon"), t.number(r, "lat"));
            int c = cellAt(cells, p);
            if (c < 0 || !ringContains(cells.ring[c], p.x, p.y))
                continue;  // outside the province
            Feature& f = data.places.addFeature(Geometry::point(p.x, p.y));
            data.places.set(f, "name", text::toNfc("Cửa khẩu " + t.at(r, "name")));
            data.places.set(f, "kind", std::string("border_gate"));
            data.places.set(f, "code", t.at(r, "district_code"));
        }
    }
}

// National roads routed through the valleys between the real seats, then a provincial/district
// road from every commune seat to the nearest road. Paths run through cell generators; junctions
// keep their exact coordinates so the network is snapped. Returns the cells whose road vertex is
// a real place rather than the cell's generator.
std::unordered_map<int, XY> addRoads(SampleData& data, const Province& province)
{
    const auto& districts = province.districts;
    const auto& communes = province.communes;
    const auto& communeSeed = province.communeSeed;
    const auto& communeSeat = province.communeSeat;
    const Cells& cells = province.cells;
    const size_t N = cells.size();
    auto seatOf = [&](const char* code) {
        for (const auto& d : districts)
            if (d.code == code)
                return std::make_pair(d.seatLon, d.seatLat);
        return std::make_pair(0.0, 0.0);
    };
    const std::pair<double, double> dongDang{106.69667, 21.94583}, huuNghi{106.71222, 21.97639};
    std::vector<RoadDef> national = {
        {"QL1A", "Quốc lộ 1A", {{106.27, 21.36}, seatOf("186"), seatOf("187"), seatOf("178"), seatOf("183"), dongDang, huuNghi}, true, false},
        {"QL1B", "Quốc lộ 1B", {dongDang, seatOf("184"), seatOf("181"), seatOf("185"), {106.05, 21.83}}, false, true},
        {"QL4A", "Quốc lộ 4A", {seatOf("178"), seatOf("182"), seatOf("180"), {106.33, 22.45}}, false, true},
        {"QL4B", "Quốc lộ 4B", {seatOf("178"), seatOf("188"), seatOf("189"), {107.22, 21.33}}, false, true},
        {"QL31", "Quốc lộ 31", {{106.80, 21.47}, seatOf("189")}, true, false},
        {"QL279", "Quốc lộ 279", {seatOf("187"), seatOf("184"), seatOf("181")}, false, false},
        {"QL3B", "Quốc lộ 3B", {{106.10, 22.15}, seatOf("180")}, true, false},
    };
    // A cell is on the province edge when one of its ring edges has no neighbour.
    std::vector<char> onEdge(N, 0);
    for (size_t c = 0; c < N; ++c)
        onEdge[c] = (cells.ring[c].size() - 1) > (cells.start[c + 1] - cells.start[c]);
    std::unordered_map<int, XY> vertexAt;  // cells whose road vertex is a real place, not the generator
    for (size_t i = 0; i < communes.size(); ++i)
        vertexAt[communeSeed[i]] = communeSeat[i];
    for (const auto& d : districts)
        vertexAt[cellAt(cells, d.seat)] = d.seat;
    struct RoadPath {
        std::vector<int> cells;
        std::string ref, name, cls;
    };
    std::vector<RoadPath> paths;
    std::vector<char> inNet(N, 0);
    std::vector<double> extra(N, 1.0);
    for (const auto& rd : national) {
        std::vector<int> wpCells;
        for (size_t k = 0; k < rd.via.size(); ++k) {
            XY p = toWork(rd.via[k].first, rd.via[k].second);
            const bool edge = (k == 0 && rd.startsAtEdge) || (k + 1 == rd.via.size() && rd.endsAtEdge);
            int c = cellAt(cells, p);
            if (edge) {
                double bd = 1e300;
                for (size_t q = 0; q < N; ++q)
                    if (onEdge[q]) {
                        double dd = std::hypot(cells.gen[q].x - p.x, cells.gen[q].y - p.y);
                        if (dd < bd) {
                            bd = dd;
                            c = static_cast<int>(q);
                        }
                    }
            } else
                vertexAt[c] = p;
            wpCells.push_back(c);
        }
        RoadPath rp{{}, rd.ref, text::toNfc(rd.name), "national"};
        for (size_t k = 0; k + 1 < wpCells.size(); ++k) {
            auto path = routeCells(cells, wpCells[k], wpCells[k + 1], extra);
            if (path.empty())
                throw Error(ErrorKind::Internal, "sample", std::string("cannot route ") + rd.ref);
            rp.cells.insert(rp.cells.end(), path.begin() + (k == 0 ? 0 : 1), path.end());
        }
        for (int c : rp.cells)
            inNet[c] = 1;
        paths.push_back(std::move(rp));
    }
    // Commune connectors: shortest valley path from the commune seat to the network.
    {
        std::vector<double> dist(N, 1e300);
        std::vector<int> prev(N, -1), touched;
        for (size_t i = 0; i < communes.size(); ++i) {
            const int s0 = communeSeed[i];
            if (inNet[s0])
                continue;
            for (int c : touched) {
                dist[c] = 1e300;
                prev[c] = -1;
            }
            touched.clear();
            using Item = std::pair<double, int>;
            std::priority_queue<Item, std::vector<Item>, std::greater<Item>> pq;
            dist[s0] = 0;
            touched.push_back(s0);
            pq.push({0, s0});
            int hit = -1;
            while (!pq.empty()) {
                auto [k, c] = pq.top();
                pq.pop();
                if (k > dist[c])
                    continue;
                if (inNet[c]) {
                    hit = c;
                    break;
                }
                for (uint32_t e = cells.start[c]; e < cells.start[c + 1]; ++e) {
                    int o = static_cast<int>(cells.nb[e]);
                    double ha = cells.height[c], hb = cells.height[o], len = cells.dist[e];
                    double cost = len * (1.0 + ((ha + hb) / 2 - 200.0) / 90.0 + 6.0 * std::fabs(ha - hb) / len);
                    if (k + cost < dist[o]) {
                        if (dist[o] >= 1e300)
                            touched.push_back(o);
                        dist[o] = k + cost;
                        prev[o] = c;
                        pq.push({dist[o], o});
                    }
                }
            }
            if (hit < 0)
                throw Error(ErrorKind::Internal, "sample", "commune seat " + communes[i].code + " cannot reach a road");
            RoadPath rp;
            for (int c = hit; c >= 0; c = prev[c])
                rp.cells.push_back(c);
            std::reverse(rp.cells.begin(), rp.cells.end());  // seat first, junction last
            const bool town = communes[i].type != "Xã";
            rp.cls = town ? "provincial" : "district";
            rp.ref = (town ? "ĐT-" : "ĐH-") + communes[i].code;
            rp.name = text::toNfc(std::string(town ? "Đường tỉnh đến " : "Đường huyện đến ") + communes[i].name);
            for (int c : rp.cells)
                inNet[c] = 1;
            paths.push_back(std::move(rp));
        }
    }
    // Junctions (path ends, shared cells, real places) keep their vertex; the rest is smoothed.
    std::vector<int> useCount(N, 0);
    for (const auto& rp : paths)
        for (int c : rp.cells)
            ++useCount[c];
    data.roads = makeLayer(schema::kRoads);
    for (const auto& rp : paths) {
        Ring line;
        std::vector<char> fixed;
        for (size_t q = 0; q < rp.cells.size(); ++q) {
            const int c = rp.cells[q];
            auto it = vertexAt.find(c);
            line.push_back(it != vertexAt.end() ? it->second : cells.gen[c]);
            fixed.push_back(q == 0 || q + 1 == rp.cells.size() || useCount[c] > 1 || it != vertexAt.end());
        }
        if (line.size() < 2)
            continue;
        Feature& f = data.roads.addFeature(Geometry::lineString(smoothLine(line, fixed, 2)));
        data.roads.set(f, "ref", rp.ref);
        data.roads.set(f, "name", rp.name);
        data.roads.set(f, "class", rp.cls);
    }
    return vertexAt;
}

// Each village's household clusters, the centre (cultural house) first.
void addSettlements(SampleData& data, const Province& province, const std::unordered_map<int, XY>& vertexAt)
{
    const auto& villages = province.villages;
    const auto& villageCells = province.villageCells;
    const Cells& cells = province.cells;
    const geo::Terrain& terrain = province.terrain;
    data.settlements = makeLayer("settlements");
    Rng srng = province.root.fork(5);
    for (size_t v = 0; v < villages.size(); ++v) {
        const auto& vo = villages[v];
        std::vector<int> vc = villageCells[v];
        std::sort(vc.begin(), vc.end(), [&](int a, int b) { return cells.height[a] < cells.height[b]; });
        const int64_t hh = vo.households;
        int k = static_cast<int>(std::clamp<int64_t>(1 + hh / 45, 1, 10));
        std::vector<XY> pts;
        auto it = vertexAt.find(vo.seedCell);
        pts.push_back(it != vertexAt.end() ? it->second : cells.gen[vo.seedCell]);
        // Other clusters: the lowest of a few random spots in the village (valleys): points between
        // a cell's inner point and a corner of its ring. Cells cut by a district boundary are not
        // convex, so each spot is checked to lie in its cell.
        for (int j = 1; j < k; ++j) {
            XY bestP = pts.front();
            double bestH = 1e300;
            for (int t = 0; t < 10; ++t) {
                int c = vc[static_cast<size_t>(srng.range(0, static_cast<int64_t>(vc.size()) - 1))];
                const Ring& r = cells.ring[c];
                const XY& corner = r[static_cast<size_t>(srng.range(0, static_cast<int64_t>(r.size()) - 2))];
                const double f = srng.uniform(0.05, 0.7);
                XY p{cells.gen[c].x + f * (corner.x - cells.gen[c].x), cells.gen[c].y + f * (corner.y - cells.gen[c].y)};
                if (!ringContains(r, p.x, p.y))
                    continue;
                const double hp = terrain.height(p.x, p.y);
                if (hp < bestH) {
                    bestH = hp;
                    bestP = p;
                }
            }
            pts.push_back(bestP);
        }
        std::vector<double> w{2.0};
        for (int j = 1; j < k; ++j)
            w.push_back(srng.uniform(0.5, 1.5));
        auto split = geo::apportion(hh, w, 1);
        for (int j = 0; j < k; ++j) {
            Feature& f = data.settlements.addFeature(Geometry::point(pts[j].x, pts[j].y));
            data.settlements.set(f, "village_code", vo.code);
            data.settlements.set(f, "households", split[j]);
            data.settlements.set(f, "is_centre", int64_t(j == 0 ? 1 : 0));
            data.settlements.set(f, "name", j == 0 ? text::toNfc("Nhà văn hóa " + vo.name)
                                                   : text::toNfc(vo.name + " - cụm " + std::to_string(j + 1)));
        }
    }
}

// The terrain on a 90 m grid over the province (and a margin around it).
void sampleDem(SampleData& data, const Province& province, Feedback* fb)
{
    const geo::Terrain& terrain = province.terrain;
    {
        Extent e = province.extent.buffered(2000);
        Dem& dem = data.dem;
        dem.cell = 90;
        dem.originX = std::floor(e.minX / dem.cell) * dem.cell;
        dem.originY = std::ceil(e.maxY / dem.cell) * dem.cell;
        dem.cols = static_cast<int>(std::ceil((e.maxX - dem.originX) / dem.cell));
        dem.rows = static_cast<int>(std::ceil((dem.originY - e.minY) / dem.cell));
        dem.z.assign(static_cast<size_t>(dem.cols) * dem.rows, 0.f);
        for (int r = 0; r < dem.rows; ++r) {
            const double y = dem.originY - (r + 0.5) * dem.cell;
            for (int c = 0; c < dem.cols; ++c)
                dem.z[static_cast<size_t>(r) * dem.cols + c] =
                    static_cast<float>(terrain.height(dem.originX + (c + 0.5) * dem.cell, y));
            if ((r & 63) == 0)
                throwIfCancelled(fb);
        }
    }
}

void addMetadata(SampleData& data, const Province& province, uint64_t seed)
{
    data.meta["synthetic_geometry"] = "true";
    data.meta["real_data"] =
        "province and district outlines (gisdata/lang-son/districts.geojson, from daohoangson/dvhcvn, GPL-3.0, "
        "after gis.chinhphu.vn), the China border along them, GSO codes and names of districts and communes, "
        "district seats, official areas, 2019 census populations, border gates, program figures";
    data.meta["synthetic_data"] =
        "commune and village boundaries, village names, households and settlements, terrain (DEM), roads, "
        "telecom sites, coverage and broadband, shops and teams";
    data.meta["synthetic_note"] =
        "The province and district outlines in this sample are the real ones; the communes and villages tiling "
        "them, village names, household counts, terrain, roads, telecom and shops are synthetic. Real too: the "
        "names, GSO codes, seats, official areas and 2019 populations of the districts and communes, and the "
        "program figures.";
    data.meta["outline_source"] = "daohoangson/dvhcvn data/gis/20.json (GPL-3.0), 2019-2021 boundaries";
    data.meta["generator"] = kGeneratorVersion;
    data.meta["seed"] = std::to_string(seed);
    data.meta["province_name"] = "Lạng Sơn";
    data.meta["province_code"] = "20";
    data.meta["working_crs"] = "EPSG:9215";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f", province.provinceArea / 1e6);
    data.meta["province_area_km2"] = buf;
}

} // namespace

// ================================================================= generateGeography

void generateGeography(SampleData& data, const Options& opt, Feedback* fb)
{
    Province province(opt.seed);
    data.epsg = crs::kVn2000LangSon;
    reportProgress(fb, 1);
    coverWithCells(province);
    throwIfCancelled(fb);
    reportProgress(fb, 20);
    Grower grower(province.cells);
    placeDistricts(province);
    throwIfCancelled(fb);
    reportProgress(fb, 35);
    growCommunes(province, grower);
    throwIfCancelled(fb);
    reportProgress(fb, 50);
    growVillages(province, grower, fb);
    reportProgress(fb, 65);
    const UnitPolygons polygons = unitPolygons(province, fb);
    reportProgress(fb, 88);
    addUnitLayers(data, province, polygons);
    addPlaces(data, province);
    reportProgress(fb, 92);
    const std::unordered_map<int, XY> vertexAt = addRoads(data, province);
    reportProgress(fb, 95);
    addSettlements(data, province, vertexAt);
    sampleDem(data, province, fb);
    reportProgress(fb, 100);
    addMetadata(data, province, opt.seed);
}

} // namespace bando::sample
