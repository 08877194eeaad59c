#pragma once
// Small flat spatial indexes for hot loops (GEOS 3.11 has no prepared XY predicates):
// point-in-polygon over a polygon's rings with a horizontal-strip edge index, and
// point-to-segment distance queries over a uniform grid.
#include "core/model/geometry.hpp"

#include <cstdint>
#include <vector>

namespace bando::analysis {

// Even-odd point-in-polygon over all rings of a (multi)polygon (parts must not overlap,
// which holds for valid MultiPolygons). Points exactly on an edge may fall either way.
class PolygonIndex {
public:
    PolygonIndex() = default;
    explicit PolygonIndex(const Geometry& polygon);
    bool contains(double x, double y) const;
    const Extent& extent() const { return m_extent; }
    bool empty() const { return m_edges.empty(); }

private:
    struct Edge {
        double x0, y0, x1, y1;
    };
    std::vector<Edge> m_edges;
    std::vector<uint32_t> m_stripStart;  // CSR offsets into m_stripEdges, size strips + 1
    std::vector<uint32_t> m_stripEdges;
    Extent m_extent;
    double m_stripH = 1;
    int m_strips = 0;
};

// Segments (and points as zero-length segments) bucketed in a grid of `cellSize`; answers
// "is any segment within `radius` of (x, y)" for radius <= cellSize.
class SegmentIndex {
public:
    explicit SegmentIndex(double cellSize);
    void addPoint(double x, double y);
    void addLine(const Ring& line);
    void addSegment(double x0, double y0, double x1, double y1);
    bool withinDistance(double x, double y, double radius) const;
    double nearestDistance(double x, double y, double maxRadius) const;  // inf when none within
    size_t size() const { return m_segs.size(); }

private:
    struct Seg {
        double x0, y0, x1, y1;
    };
    int64_t key(int64_t cx, int64_t cy) const { return (cx << 32) ^ (cy & 0xffffffff); }
    // Built at the first query after an add (not thread-safe then; concurrent queries of a
    // prepared index are).
    void prepare() const;
    template <class F>
    void forCell(int64_t cx, int64_t cy, F visit) const;
    double m_cell;
    std::vector<Seg> m_segs;
    // (key, segment) pairs as added; once prepared: a dense table of the cells' segments over the
    // occupied window (start offsets, row after row), or the pairs sorted where the window is huge
    mutable std::vector<std::pair<int64_t, uint32_t>> m_cells;
    mutable bool m_sorted = true;
    int64_t m_minX = 0, m_maxX = -1, m_minY = 0, m_maxY = -1;  // the occupied cells' window
    mutable std::vector<uint32_t> m_start, m_ids;             // dense table (empty: use m_cells)
};

double pointSegmentDistance(double px, double py, double x0, double y0, double x1, double y1);

// The offset (ox, oy) from p to the nearest point of the segment: pointSegmentDistance is
// std::hypot(ox, oy). Searches compare ox² + oy² first (mayBeWithin) and take the hypot only of
// the candidates that may be nearer, which gives the same minimum.
inline void pointSegmentOffset(double px, double py, double x0, double y0, double x1, double y1, double& ox,
                               double& oy)
{
    const double dx = x1 - x0, dy = y1 - y0;
    const double len2 = dx * dx + dy * dy;
    double t = len2 > 0 ? ((px - x0) * dx + (py - y0) * dy) / len2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    ox = px - (x0 + t * dx);
    oy = py - (y0 + t * dy);
}

// False only where the offset is certainly longer than d (beyond rounding: a 1e-9 margin).
inline bool mayBeWithin(double ox, double oy, double d) { return ox * ox + oy * oy <= d * d * (1 + 1e-9); }

} // namespace bando::analysis
