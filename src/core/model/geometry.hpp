#pragma once
// Bando's own geometry value type: plain coordinate arrays, cheap to copy into render
// snapshots and to test points against. GEOS is the engine for overlay, not the storage.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace bando {

struct XY {
    double x = 0, y = 0;
    bool operator==(const XY&) const = default;
};

struct Extent {
    double minX = std::numeric_limits<double>::infinity();
    double minY = std::numeric_limits<double>::infinity();
    double maxX = -std::numeric_limits<double>::infinity();
    double maxY = -std::numeric_limits<double>::infinity();

    bool isEmpty() const { return !(minX <= maxX && minY <= maxY); }
    double width() const { return maxX - minX; }
    double height() const { return maxY - minY; }
    XY center() const { return {(minX + maxX) / 2, (minY + maxY) / 2}; }
    void expand(double x, double y)
    {
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
    }
    void expand(const Extent& o)
    {
        if (o.isEmpty()) return;
        expand(o.minX, o.minY);
        expand(o.maxX, o.maxY);
    }
    bool intersects(const Extent& o) const
    {
        return !(o.minX > maxX || o.maxX < minX || o.minY > maxY || o.maxY < minY);
    }
    bool contains(double x, double y) const { return x >= minX && x <= maxX && y >= minY && y <= maxY; }
    Extent buffered(double d) const { return {minX - d, minY - d, maxX + d, maxY + d}; }
};

enum class GeomType { None, Point, LineString, Polygon, MultiPoint, MultiLineString, MultiPolygon };

const char* geomTypeName(GeomType t);

using Ring = std::vector<XY>;  // closed rings repeat the first point at the end

// parts -> rings -> points.
//   Point / MultiPoint:           one ring of one point per part
//   LineString / MultiLineString: one ring (the line) per part
//   Polygon / MultiPolygon:       rings[0] is the shell, the rest are holes
struct Geometry {
    GeomType type = GeomType::None;
    std::vector<std::vector<Ring>> parts;

    bool isEmpty() const { return parts.empty(); }
    Extent extent() const;
    size_t pointCount() const;

    static Geometry point(double x, double y);
    static Geometry lineString(Ring line);
    static Geometry polygon(std::vector<Ring> rings);
};

// Planar geometry helpers (coordinates in a projected CRS for metric results).
double ringSignedArea(const Ring& r);
double polygonArea(const std::vector<Ring>& rings);  // shell minus holes, absolute
double area(const Geometry& g);                      // polygons only; 0 otherwise
double length(const Geometry& g);                    // lines (and polygon boundaries)
bool ringContains(const Ring& r, double x, double y);
bool contains(const Geometry& g, double x, double y);  // polygons: even-odd over all rings of a part
XY interiorPoint(const Geometry& g);                    // a point inside a polygon (label point)

// WKB (little-endian ISO, 2D) conversion, used by the store and by GEOS bridges.
std::vector<uint8_t> toWkb(const Geometry& g);
// Appends the WKB of `g` to `out`; asType MultiPolygon / MultiLineString wraps a Polygon /
// LineString in a collection of one (what a GeoPackage column of that type holds).
void appendWkb(const Geometry& g, std::vector<uint8_t>& out, GeomType asType = GeomType::None);
Geometry fromWkb(const uint8_t* data, size_t size);  // throws bando::Error(Geometry) on bad input

} // namespace bando
