#pragma once
// Which polygon of a polygon coverage (villages) holds a point, with the boundary rule:
//   * a point strictly inside one polygon belongs to it;
//   * a point exactly on the boundary (an edge or a vertex) of one or more polygons belongs to the
//     one with the lowest rank among them (the analysis ranks villages by code, so the lower
//     village code wins); it is reported as a boundary point;
//   * a point inside no polygon and on no boundary belongs to none.
// "Exactly" is decided with an exact orientation predicate (an error-bounded float test with an
// exact expansion fallback), so the answer does not depend on rounding. Points are located in
// the coordinates the polygons are stored in (the project's WGS 84), where a point placed on a
// shared edge really is on it; no GEOS geometry is built per point (PITFALLS: GEOS 3.11 has no
// prepared XY predicates). Polygons are flat edge arrays with a horizontal-strip index per
// polygon and a uniform grid over the polygons' extents; locateAll() uses several threads.
#include "core/base/feedback.hpp"
#include "core/model/geometry.hpp"

#include <cstdint>
#include <vector>

namespace bando::analysis {

// Sign of the orientation of (a, b, p): > 0 left turn, < 0 right turn, 0 collinear — exact.
int orientation(const XY& a, const XY& b, const XY& p);

class PointLocator {
public:
    // `rank[i]` orders polygon i for the boundary rule (lower wins); polygons may be empty.
    PointLocator(const std::vector<const Geometry*>& polygons, const std::vector<uint32_t>& rank);

    struct Hit {
        int32_t polygon = -1;  // -1: in no polygon
        bool boundary = false; // on the boundary of `polygon` (and maybe of its neighbours)
    };
    Hit locate(double x, double y) const;
    // Locates every point on `threads` threads; cancellable between blocks.
    std::vector<Hit> locateAll(const std::vector<XY>& points, unsigned threads = 2, const Feedback* fb = nullptr) const;

private:
    enum class Where { Outside, Inside, Boundary };
    Where where(uint32_t polygon, double x, double y) const;
    Hit locateInCell(uint32_t cell, double x, double y) const;

    struct Edge {
        XY a, b;
    };
    struct Poly {
        Extent extent;
        uint32_t firstEdge = 0, edgeCount = 0;
        std::vector<uint32_t> stripStart, stripEdges;  // CSR, edge ids relative to firstEdge
        double stripH = 1;
        int strips = 0;
    };
    std::vector<Edge> m_edges;
    std::vector<Poly> m_polys;
    std::vector<uint32_t> m_rank;
    // grid of polygon extents
    Extent m_extent;
    double m_cell = 1;
    int m_nx = 0, m_ny = 0;
    std::vector<uint32_t> m_cellStart, m_cellPolys;
};

} // namespace bando::analysis
