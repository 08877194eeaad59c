// Page-resolution outlines of a polygon coverage by class (print output at small scales).
//
// 1. Every ring is snapped to a grid of `cell` device units (for print: one 300-dpi dot, 0.24 pt).
//    Snapping is per point, so the edge two neighbours share snaps to the same points in both.
// 2. The snapped coverage is cut into arcs between junctions (points where three or more
//    polygons meet); each arc is simplified once (Douglas-Peucker, tolerance one cell, in a
//    canonical direction) and the points it drops are dropped from every ring using them, so both
//    neighbours of a shared boundary keep the same points: boundaries still meet, no slivers.
// 3. Per class, the polygons are merged into one path: a shared edge within the class is traversed
//    once each way and cancels, so only the class's boundary remains; it is chained into loops.
// A ring that collapses below one cell is dropped; its neighbours' snapped boundaries close over
// it. Outer rings are normalised to positive area and holes to negative: fill the loops with
// CAIRO_FILL_RULE_WINDING.
#pragma once

#include "core/model/geometry.hpp"

#include <cstdint>
#include <vector>

namespace bando::render {

class GridOutline {
public:
    // Device = ((x - originX) * scale, (originY - y) * scale), as render::ViewTransform.
    GridOutline(double cell, double scale, double originX, double originY)
        : cell_(cell > 0 ? cell : 1), scale_(scale), originX_(originX), originY_(originY)
    {
    }

    // Adds one polygon part of class `cls` (>= 0) in map units (the first ring is the outer ring,
    // the others holes).
    void addPolygon(int cls, const std::vector<Ring>& rings);

    // Per class (index = class, up to the largest class added), the merged boundary as closed loops
    // in device units (first point not repeated). Consumes what was added.
    std::vector<std::vector<std::vector<XY>>> classLoops();

    // The boundaries of everything added (class ignored) as polylines in device units, each shared
    // boundary once (for stroking: a line between two communes is drawn once, not twice), snapped
    // and simplified as above. Consumes what was added.
    std::vector<std::vector<XY>> boundaryLines();

    // Points in the rings added (after snapping) and in the loops returned by the last classLoops().
    size_t pointsIn() const { return pointsIn_; }
    size_t pointsOut() const { return pointsOut_; }

private:
    void addRing(int cls, const Ring& ring, bool hole);
    // Snapped points as indices into v_ (ring after ring, in ri_) and the points the simplified
    // arcs keep.
    void prepare(std::vector<char>& keep);
    // Ring r's kept points, without repeats (after prepare()).
    void keptRing(size_t r, const std::vector<char>& keep, std::vector<uint32_t>& kept) const;
    std::vector<uint64_t> v_;
    std::vector<uint32_t> ri_;
    double cell_, scale_, originX_, originY_;
    std::vector<uint64_t> keys_;      // snapped points of every ring, ring after ring
    std::vector<size_t> ringStart_;   // ring i is keys_[ringStart_[i], ringStart_[i + 1])
    std::vector<int> ringClass_;
    size_t pointsIn_ = 0, pointsOut_ = 0;
    int classes_ = 0;  // largest class added + 1
};

} // namespace bando::render
