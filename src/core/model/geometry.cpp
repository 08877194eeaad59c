#include "core/model/geometry.hpp"

#include "core/base/error.hpp"

#include <cmath>
#include <algorithm>
#include <cstring>

namespace bando {

const char* geomTypeName(GeomType t)
{
    switch (t) {
    case GeomType::None: return "None";
    case GeomType::Point: return "Point";
    case GeomType::LineString: return "LineString";
    case GeomType::Polygon: return "Polygon";
    case GeomType::MultiPoint: return "MultiPoint";
    case GeomType::MultiLineString: return "MultiLineString";
    case GeomType::MultiPolygon: return "MultiPolygon";
    }
    return "?";
}

Extent Geometry::extent() const
{
    Extent e;
    for (const auto& part : parts)
        for (const auto& ring : part)
            for (const auto& p : ring)
                e.expand(p.x, p.y);
    return e;
}

size_t Geometry::pointCount() const
{
    size_t n = 0;
    for (const auto& part : parts)
        for (const auto& ring : part)
            n += ring.size();
    return n;
}

Geometry Geometry::point(double x, double y)
{
    Geometry g;
    g.type = GeomType::Point;
    g.parts.push_back({Ring{{x, y}}});
    return g;
}

Geometry Geometry::lineString(Ring line)
{
    Geometry g;
    g.type = GeomType::LineString;
    g.parts.push_back({std::move(line)});
    return g;
}

Geometry Geometry::polygon(std::vector<Ring> rings)
{
    Geometry g;
    g.type = GeomType::Polygon;
    g.parts.push_back(std::move(rings));
    return g;
}

double ringSignedArea(const Ring& r)
{
    if (r.size() < 3)
        return 0;
    double s = 0;
    // shoelace relative to the first point for numerical stability
    const double x0 = r[0].x, y0 = r[0].y;
    for (size_t i = 0, n = r.size(); i < n; ++i) {
        const XY& a = r[i];
        const XY& b = r[(i + 1) % n];
        s += (a.x - x0) * (b.y - y0) - (b.x - x0) * (a.y - y0);
    }
    return s / 2;
}

double polygonArea(const std::vector<Ring>& rings)
{
    if (rings.empty())
        return 0;
    double a = std::fabs(ringSignedArea(rings[0]));
    for (size_t i = 1; i < rings.size(); ++i)
        a -= std::fabs(ringSignedArea(rings[i]));
    return a;
}

double area(const Geometry& g)
{
    if (g.type != GeomType::Polygon && g.type != GeomType::MultiPolygon)
        return 0;
    double a = 0;
    for (const auto& part : g.parts)
        a += polygonArea(part);
    return a;
}

double length(const Geometry& g)
{
    double l = 0;
    for (const auto& part : g.parts)
        for (const auto& ring : part)
            for (size_t i = 1; i < ring.size(); ++i)
                l += std::hypot(ring[i].x - ring[i - 1].x, ring[i].y - ring[i - 1].y);
    return l;
}

bool ringContains(const Ring& r, double x, double y)
{
    bool inside = false;
    for (size_t i = 0, n = r.size(), j = n - 1; i < n; j = i++) {
        const XY& a = r[i];
        const XY& b = r[j];
        if ((a.y > y) != (b.y > y) && x < (b.x - a.x) * (y - a.y) / (b.y - a.y) + a.x)
            inside = !inside;
    }
    return inside;
}

bool contains(const Geometry& g, double x, double y)
{
    if (g.type != GeomType::Polygon && g.type != GeomType::MultiPolygon)
        return false;
    for (const auto& part : g.parts) {
        bool inside = false;
        for (const auto& ring : part)
            if (ringContains(ring, x, y))
                inside = !inside;
        if (inside)
            return true;
    }
    return false;
}

XY interiorPoint(const Geometry& g)
{
    // Largest part; scan-line through the vertical middle of its extent, take the middle of the
    // widest inside interval. Good enough for labels; exact for convex shapes.
    const std::vector<Ring>* best = nullptr;
    double bestArea = -1;
    for (const auto& part : g.parts) {
        double a = polygonArea(part);
        if (a > bestArea) {
            bestArea = a;
            best = &part;
        }
    }
    if (!best || best->empty() || (*best)[0].empty())
        return g.extent().center();
    Extent e;
    for (const auto& p : (*best)[0])
        e.expand(p.x, p.y);
    XY result = e.center();
    double bestWidth = -1;
    for (int k = 1; k < 8; ++k) {
        double y = e.minY + e.height() * (k / 8.0 + 0.0137);
        std::vector<double> xs;
        for (const auto& ring : *best)
            for (size_t i = 0, n = ring.size(), j = n - 1; i < n; j = i++) {
                const XY& a = ring[i];
                const XY& b = ring[j];
                if ((a.y > y) != (b.y > y))
                    xs.push_back((b.x - a.x) * (y - a.y) / (b.y - a.y) + a.x);
            }
        std::sort(xs.begin(), xs.end());
        for (size_t i = 0; i + 1 < xs.size(); i += 2) {
            double w = xs[i + 1] - xs[i];
            // prefer rows near the middle
            double score = w * (1.0 - 0.5 * std::fabs(k - 4) / 4.0);
            if (score > bestWidth) {
                bestWidth = score;
                result = {(xs[i] + xs[i + 1]) / 2, y};
            }
        }
    }
    return result;
}

// ---- WKB ----

namespace {

void putU32(std::vector<uint8_t>& b, uint32_t v)
{
    uint8_t t[4];
    std::memcpy(t, &v, 4);
    b.insert(b.end(), t, t + 4);
}
void putF64(std::vector<uint8_t>& b, double v)
{
    uint8_t t[8];
    std::memcpy(t, &v, 8);
    b.insert(b.end(), t, t + 8);
}
void putHeader(std::vector<uint8_t>& b, uint32_t type)
{
    b.push_back(1);  // little endian (x86/ARM hosts)
    putU32(b, type);
}
void putRing(std::vector<uint8_t>& b, const Ring& r)
{
    putU32(b, static_cast<uint32_t>(r.size()));
    for (const auto& p : r) {
        putF64(b, p.x);
        putF64(b, p.y);
    }
}
void putPolygon(std::vector<uint8_t>& b, const std::vector<Ring>& rings)
{
    putHeader(b, 3);
    putU32(b, static_cast<uint32_t>(rings.size()));
    for (const auto& r : rings)
        putRing(b, r);
}

struct Reader {
    const uint8_t* p;
    const uint8_t* end;
    bool swap = false;
    void need(size_t n)
    {
        if (static_cast<size_t>(end - p) < n)
            throw Error(ErrorKind::Geometry, "WKB", "truncated geometry");
    }
    uint8_t u8()
    {
        need(1);
        return *p++;
    }
    uint32_t u32()
    {
        need(4);
        uint8_t t[4];
        std::memcpy(t, p, 4);
        if (swap)
            std::swap(t[0], t[3]), std::swap(t[1], t[2]);
        p += 4;
        uint32_t v;
        std::memcpy(&v, t, 4);
        return v;
    }
    double f64()
    {
        need(8);
        uint8_t t[8];
        std::memcpy(t, p, 8);
        if (swap)
            for (int i = 0; i < 4; ++i)
                std::swap(t[i], t[7 - i]);
        p += 8;
        double v;
        std::memcpy(&v, t, 8);
        return v;
    }
};

struct WkbHeader {
    uint32_t base;
    int dims;
};

WkbHeader readHeader(Reader& r)
{
    uint8_t order = r.u8();
    if (order > 1)
        throw Error(ErrorKind::Geometry, "WKB", "bad byte order marker");
    r.swap = (order == 0);
    uint32_t t = r.u32();
    int dims = 2;
    uint32_t base = t;
    // ISO Z/M/ZM (1000/2000/3000) and EWKB flags
    if (t & 0x80000000u) { dims++; }
    if (t & 0x40000000u) { dims++; }
    base = t & 0x0FFFFFFFu;
    if (base >= 3000) { dims = 4; base -= 3000; }
    else if (base >= 2000) { dims = 3; base -= 2000; }
    else if (base >= 1000) { dims = 3; base -= 1000; }
    return {base, dims};
}

Ring readPoints(Reader& r, int dims, uint32_t n)
{
    r.need(static_cast<size_t>(n) * dims * 8);
    Ring ring;
    ring.reserve(n);
    for (uint32_t i = 0; i < n; ++i) {
        double x = r.f64();
        double y = r.f64();
        for (int d = 2; d < dims; ++d)
            r.f64();
        ring.push_back({x, y});
    }
    return ring;
}

std::vector<Ring> readPolygonBody(Reader& r, int dims)
{
    uint32_t nr = r.u32();
    std::vector<Ring> rings;
    for (uint32_t i = 0; i < nr; ++i)
        rings.push_back(readPoints(r, dims, r.u32()));
    return rings;
}

} // namespace

std::vector<uint8_t> toWkb(const Geometry& g)
{
    std::vector<uint8_t> b;
    appendWkb(g, b);
    return b;
}

void appendWkb(const Geometry& g, std::vector<uint8_t>& b, GeomType asType)
{
    switch (g.type) {
    case GeomType::None: break;
    case GeomType::Point:
        putHeader(b, 1);
        putF64(b, g.parts.at(0).at(0).at(0).x);
        putF64(b, g.parts.at(0).at(0).at(0).y);
        break;
    case GeomType::LineString:
        if (asType == GeomType::MultiLineString) {
            putHeader(b, 5);
            putU32(b, 1);
        }
        putHeader(b, 2);
        putRing(b, g.parts.at(0).at(0));
        break;
    case GeomType::Polygon:
        if (asType == GeomType::MultiPolygon) {
            putHeader(b, 6);
            putU32(b, 1);
        }
        putPolygon(b, g.parts.at(0));
        break;
    case GeomType::MultiPoint:
        putHeader(b, 4);
        putU32(b, static_cast<uint32_t>(g.parts.size()));
        for (const auto& part : g.parts) {
            putHeader(b, 1);
            putF64(b, part.at(0).at(0).x);
            putF64(b, part.at(0).at(0).y);
        }
        break;
    case GeomType::MultiLineString:
        putHeader(b, 5);
        putU32(b, static_cast<uint32_t>(g.parts.size()));
        for (const auto& part : g.parts) {
            putHeader(b, 2);
            putRing(b, part.at(0));
        }
        break;
    case GeomType::MultiPolygon:
        putHeader(b, 6);
        putU32(b, static_cast<uint32_t>(g.parts.size()));
        for (const auto& part : g.parts)
            putPolygon(b, part);
        break;
    }
}

Geometry fromWkb(const uint8_t* data, size_t size)
{
    Reader r{data, data + size};
    WkbHeader h = readHeader(r);
    Geometry g;
    auto readSub = [&](uint32_t expect) {
        WkbHeader sh = readHeader(r);
        if (sh.base != expect)
            throw Error(ErrorKind::Geometry, "WKB", "unexpected member type in collection");
        return sh.dims;
    };
    switch (h.base) {
    case 1: {
        g.type = GeomType::Point;
        Ring pt = readPoints(r, h.dims, 1);
        if (!(std::isnan(pt[0].x) && std::isnan(pt[0].y)))
            g.parts.push_back({pt});
        break;
    }
    case 2:
        g.type = GeomType::LineString;
        g.parts.push_back({readPoints(r, h.dims, r.u32())});
        break;
    case 3: {
        g.type = GeomType::Polygon;
        auto rings = readPolygonBody(r, h.dims);
        if (!rings.empty())
            g.parts.push_back(std::move(rings));
        break;
    }
    case 4: {
        g.type = GeomType::MultiPoint;
        uint32_t n = r.u32();
        for (uint32_t i = 0; i < n; ++i) {
            int d = readSub(1);
            g.parts.push_back({readPoints(r, d, 1)});
        }
        break;
    }
    case 5: {
        g.type = GeomType::MultiLineString;
        uint32_t n = r.u32();
        for (uint32_t i = 0; i < n; ++i) {
            int d = readSub(2);
            g.parts.push_back({readPoints(r, d, r.u32())});
        }
        break;
    }
    case 6: {
        g.type = GeomType::MultiPolygon;
        uint32_t n = r.u32();
        for (uint32_t i = 0; i < n; ++i) {
            int d = readSub(3);
            g.parts.push_back(readPolygonBody(r, d));
        }
        break;
    }
    default: throw Error(ErrorKind::Geometry, "WKB", "unsupported geometry type " + std::to_string(h.base));
    }
    return g;
}

} // namespace bando
