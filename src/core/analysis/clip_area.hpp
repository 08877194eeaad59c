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

#include <cstdint>
#include <memory>
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

    // Edge i runs from a(i) to b(i) with the interior on its left; ring r holds the edges
    // ringStart(r) .. ringStart(r + 1) - 1 (ringCount() rings).
    size_t edgeCount() const { return a_.size(); }
    const XY& a(size_t i) const { return a_[i]; }
    const XY& b(size_t i) const { return b_[i]; }
    size_t ringCount() const { return ringStart_.size() - 1; }
    uint32_t ringStart(size_t r) const { return ringStart_[r]; }
    double ringArea2(size_t r) const { return ringArea2_[r]; }
    uint32_t ringOf(uint32_t edge) const;   // the ring holding `edge`
    uint32_t nextEdge(uint32_t edge) const; // the edge after `edge` along its ring

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

// A large polygon (a whole coverage layer or a union of layers) with a grid over its edges and
// its rings, so that one village can be intersected with it without scanning it or cutting it
// into pieces.
class IndexedPolygon {
public:
    IndexedPolygon() = default;
    // touchPoints = false: skip finding them (callers that only want areas)
    explicit IndexedPolygon(const Geometry& g, bool touchPoints = true);

    const FlatPolygon& flat() const { return flat_; }
    const Geometry& geometry() const { return geom_; }
    bool empty() const { return flat_.empty(); }
    // Edges whose box meets `e` (an edge can be listed in several cells: `visit` dedupes by cell).
    template <class F> void forEdgesNear(const Extent& e, F&& visit) const;
    // Rings whose lowest-left corner lies in `e`.
    template <class F> void forRingsStartingIn(const Extent& e, F&& visit) const;
    int cellX(double x) const;
    int cellY(double y) const;
    const Extent& ringExtent(size_t r) const { return ringExtent_[r]; }
    // Vertices lying exactly inside another edge of the polygon (a hole touching its shell at a
    // point of an edge: valid, but a ring traced through it touches itself there), sorted.
    const std::vector<XY>& touchPoints() const { return touch_; }

private:
    Geometry geom_;
    std::vector<XY> touch_;
    FlatPolygon flat_;
    std::vector<Extent> ringExtent_;
    Extent grid_;
    double cell_ = 1;
    int nx_ = 0, ny_ = 0;
    std::vector<uint32_t> edgeStart_, edges_, ringCellStart_, rings_;
    void findTouchPoints();
};

// The intersection of a polygon with an IndexedPolygon: its area (m² in the planar CRS) and, on
// request, its geometry (a MultiPolygon; empty when the intersection has no area).
struct Clip {
    double area = 0;
    Geometry geom;
    bool exact = true;  // false: a degenerate configuration (collinear edges, a vertex on an edge)
    // The traced boundary passed twice through a point and was cut there into simple rings, or
    // rings touching at vertices form a cycle. The rings are right, but holes touching one another
    // can enclose part of a shell ("interior is disconnected"): repairTouches() mends those.
    bool cutAtTouches = false;
};

// V ∩ P from flat arrays. The boundary of the intersection is traced from the crossings of the
// two boundaries: at each crossing the boundary continues along the polygon that enters the
// other one (the sign of the cross product of the two edges); rings nothing crosses are decided
// whole by one point test. Returns exact = false (nothing else set) on a degenerate
// configuration: the caller then uses GEOS (clipWithGeos).
Clip clip(const FlatPolygon& V, const IndexedPolygon& P, bool wantGeometry);

// The same where clip() met a degenerate configuration, on the village translated by a tiny
// shift (`translated`, see VillageClipper): crossings are decided by the exact orientation
// predicate, so only an exact contact (a vertex exactly on an edge, collinear edges) is
// degenerate, and rings the shift made along shared edges (thinner than 1e-5 m on average) are
// dropped. exact = false when the shifted pair is still degenerate.
Clip clipShifted(const FlatPolygon& shiftedV, const IndexedPolygon& P, bool wantGeometry);
Geometry translated(const Geometry& g, double dx, double dy);

// One village clipped against many polygons: clip(); where that is degenerate (a shared edge, a
// vertex on the other boundary, identical polygons) a symbolic perturbation — the village moved
// by kShift (1e-7 m) in one direction, then in a second — and clipShifted. The area moves by at
// most kShift × the length of the other boundary inside the village (~1e-10 of a village's
// area). exact = false only when all three fail: the caller then uses clipWithGeos.
class VillageClipper {
public:
    static constexpr double kShift = 1e-7;
    // `village` must outlive the clipper; shift = false: degenerate pairs are left to the caller
    explicit VillageClipper(const Geometry& village, bool shift = true);
    const FlatPolygon& flat() const { return flat_; }
    Clip operator()(const IndexedPolygon& P, bool wantGeometry);
    int64_t shiftedClips = 0;  // pairs decided after a shift
    int64_t failed = 0;        // pairs left to GEOS

private:
    const Geometry& village_;
    FlatPolygon flat_;
    std::unique_ptr<FlatPolygon> shifted_[2];
    bool shift_;
};

// The same with a GEOS overlay: `p` is P's geometry converted by the calling thread.
Clip clipWithGeos(const Geometry& v, const GEOSGeometry* p, bool wantGeometry);

// A clip whose rings were cut at touch points (Clip::cutAtTouches) and are not a valid polygon by
// GEOS: replaced by GEOS's repair where that keeps its area (within 1e-9).
void repairTouches(Clip& c);

template <class F> void IndexedPolygon::forEdgesNear(const Extent& e, F&& visit) const
{
    if (edges_.empty() || !grid_.intersects(e))
        return;
    const int x0 = cellX(e.minX), x1 = cellX(e.maxX), y0 = cellY(e.minY), y1 = cellY(e.maxY);
    for (int y = y0; y <= y1; ++y)
        for (int x = x0; x <= x1; ++x) {
            const size_t c = static_cast<size_t>(y) * nx_ + x;
            for (uint32_t k = edgeStart_[c]; k < edgeStart_[c + 1]; ++k)
                visit(edges_[k], x, y);
        }
}

template <class F> void IndexedPolygon::forRingsStartingIn(const Extent& e, F&& visit) const
{
    if (rings_.empty() || !grid_.intersects(e))
        return;
    const int x0 = cellX(e.minX), x1 = cellX(e.maxX), y0 = cellY(e.minY), y1 = cellY(e.maxY);
    for (int y = y0; y <= y1; ++y)
        for (int x = x0; x <= x1; ++x) {
            const size_t c = static_cast<size_t>(y) * nx_ + x;
            for (uint32_t k = ringCellStart_[c]; k < ringCellStart_[c + 1]; ++k) {
                const Extent& r = ringExtent_[rings_[k]];
                if (r.minX >= e.minX && r.minY >= e.minY && r.minX <= e.maxX && r.minY <= e.maxY)
                    visit(rings_[k]);
            }
        }
}

// The same result as coveredAreas through IndexedPolygon and clip (no subdivision): each coverage
// polygon is indexed whole, each village traced against it; GEOS for degenerate pairs only.
std::vector<std::vector<double>> coveredAreasIndexed(const std::vector<const Geometry*>& villages,
                                                     const std::vector<const Geometry*>& coverage, unsigned threads);

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
