#pragma once
// Area of the intersection of two polygons from flat coordinate arrays, without building a GEOS
// geometry (issue #9, speed): the boundary integral of A ∩ B is the part of A's boundary inside B
// plus the part of B's boundary inside A, so area(A ∩ B) = Σ over those sub-edges of
// (x0·y1 − x1·y0) / 2 with every ring oriented interior-on-the-left. Edges are split at every
// crossing with the other polygon's edges and each piece is kept when its midpoint lies inside the
// other polygon. Degenerate configurations (collinear overlapping edges: a shared border) give
// NaN, and the caller falls back to an exact overlay (GEOS).
#include "core/analysis/spatial_index.hpp"
#include "core/capi/geos.hpp"
#include "core/model/geometry.hpp"

#include <vector>

namespace bando::analysis {

class FlatPolygon {
public:
    FlatPolygon() = default;
    explicit FlatPolygon(const Geometry& g);  // Polygon or MultiPolygon; parts: shell then holes

    bool empty() const { return a_.empty(); }
    const Extent& extent() const { return extent_; }
    double area() const { return area_; }
    // Even-odd point in polygon over every ring (a point on the boundary may go either way).
    bool contains(double x, double y) const;

    friend double intersectionArea(const FlatPolygon& A, const FlatPolygon& B);

private:
    std::vector<XY> a_, b_;  // edge i runs from a_[i] to b_[i], interior on its left
    std::vector<uint32_t> ringStart_;  // first edge of each ring, and the edge count at the end
    std::vector<double> ringArea2_;    // twice the oriented area of each ring (holes negative)
    Extent extent_;
    double area_ = 0;
    PolygonIndex index_;  // horizontal strips: point in polygon without walking every edge
};

// Area of A ∩ B (≥ 0), or NaN when A and B have collinear overlapping edges.
double intersectionArea(const FlatPolygon& A, const FlatPolygon& B);

// Recursively clips `g` (polygonal, or a collection of polygons) into pieces of at most 256
// vertices, like ST_Subdivide: the box (x0, y0)–(x1, y1) is halved along its longer side until a
// piece is small enough or `depth` reaches 16. Empty and non-polygonal parts are dropped.
void subdivide(geos::GeomPtr g, double x0, double y0, double x1, double y1, int depth,
               std::vector<geos::GeomPtr>& out);

// Covered area (m², planar) of every village by every coverage polygon: result[v][c]. The
// coverage is cut once into small pieces (≤ 256 vertices, recursive rectangle clipping like
// ST_Subdivide) in a grid index; each village × piece pair is decided by an envelope test, then
// by the crossing-free shortcuts (village inside the piece, piece inside the village, disjoint),
// then by intersectionArea; GEOS only where that is degenerate. Villages are spread over
// `threads` threads. Pieces of one coverage polygon do not overlap, so their areas add.
std::vector<std::vector<double>> coveredAreas(const std::vector<const Geometry*>& villages,
                                              const std::vector<const Geometry*>& coverage, unsigned threads);

} // namespace bando::analysis
