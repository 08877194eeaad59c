// Overlays of coverage polygons that are a polygonized raster (the common form of coverage maps:
// a prediction or a drive-test grid turned into polygons), done on the raster instead of by
// noding their edges.
//
// When every edge of every polygon is axis-parallel and every vertex lies on one grid (within
// `tolerance` metres), each polygon is exactly a set of grid cells. Unions and differences of
// such polygons are then per-cell bit operations, and the result is traced back into polygons
// whose vertices are grid points. The result equals the GEOS overlay up to the tolerance the
// input vertices were off the grid (sub-millimetre for a raster reprojected there and back).
//
// Polygons are traced with 4-connected cells: two cells touching at a corner only are two
// polygons, and a ring that passes twice through such a corner is cut there into two rings. Shells
// are counter-clockwise, holes clockwise, and every hole belongs to the shell of the cells around
// it: valid OGC polygons (GEOSisValid), tested against GEOS.
#pragma once

#include "core/model/geometry.hpp"

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace bando::analysis {

struct CellGrid {
    double originX = 0, originY = 0;  // a grid point (metres)
    double cellX = 0, cellY = 0;      // cell size
    int64_t i0 = 0, j0 = 0;           // the window: cells i0 .. i0 + nx - 1, j0 .. j0 + ny - 1
    int64_t nx = 0, ny = 0;
    double tolerance = 1e-3;          // metres a grid vertex may be off its line
    double x(int64_t i) const { return originX + static_cast<double>(i0 + i) * cellX; }
    double y(int64_t j) const { return originY + static_cast<double>(j0 + j) * cellY; }
};

struct GridDetectOptions {
    double tolerance = 1e-3;       // metres a vertex may be off the grid
    double minCell = 1.0;          // metres: a finer grid is not a raster worth this path
    int64_t maxCells = 16 << 20;   // cells in the window (a 64-bit mask and a double each)
};

struct Segment {
    XY a, b;  // the polygon lies on the left of a -> b
};

// The grid the axis-parallel edges of all `polygons` lie on, with a window of whole cells covering
// `window`; nullopt when some axis-parallel edge is off the grid, or the window would be too fine
// or too large. Empty polygons are ignored.
// Sloping edges: with `sloping` null there must be none. Otherwise they are returned there: a
// raster clipped to an outline (a province) has them along the outline. A cell such an edge cuts
// then counts as wholly inside the polygon (CellMasks), which is exact for every area that lies
// inside the outline: the caller checks that the right of every sloping edge (outside the
// polygon) lies outside its areas (villages).
std::optional<CellGrid> detectCellGrid(const std::vector<const Geometry*>& polygons, const Extent& window,
                                       const GridDetectOptions& options = {}, std::vector<Segment>* sloping = nullptr);

// Share of a cell a polygon must cover for the cell to count as inside it.
inline constexpr double kMinCellShare = 1e-7;

// Up to 64 polygons rasterized on a CellGrid: bit b of a cell is set where polygon b covers more
// than kMinCellShare of the cell (the exact area of the polygon in every cell, accumulated from its
// edges; coordinates within the grid's tolerance of a grid line are put on it first). Cells outside
// the window are not kept.
class CellMasks {
public:
    CellMasks(const CellGrid& grid, const std::vector<const Geometry*>& polygons);
    const CellGrid& grid() const { return grid_; }
    // The least and the greatest share of a cell polygon b covers, over the window: within
    // [0, 1] for a valid polygon. Its edges lie on the cell borders (but for the sloping ones),
    // so a cell lies wholly in a region of one winding number: a share below 0 or above 1 is a
    // region the polygon covers negatively or twice (an inverted ring, a hole outside its shell,
    // overlapping parts), i.e. an invalid polygon with area where it is invalid.
    std::pair<double, double> coverRange(size_t b) const { return b < ranges_.size() ? ranges_[b] : std::pair<double, double>{0, 0}; }
    uint64_t at(int64_t i, int64_t j) const { return masks_[static_cast<size_t>(j * grid_.nx + i)]; }
    uint64_t at(size_t cell) const { return masks_[cell]; }

    // The area (m²) of `polygon` in every window cell it covers, as (cell index j * nx + i, area)
    // pairs in `out` (cleared first). Exact: accumulated from its edges, coordinates as they are.
    void areasIn(const Geometry& polygon, std::vector<std::pair<size_t, double>>& out) const;

    // The MultiPolygon of the cells whose mask has a bit of `anyOf` (every cell when anyOf is 0)
    // and no bit of `noneOf`. nullopt when tracing meets a configuration it cannot make valid
    // (not expected; callers fall back to GEOS).
    std::optional<Geometry> polygons(uint64_t anyOf, uint64_t noneOf) const;

private:
    CellGrid grid_;
    std::vector<uint64_t> masks_;
    std::vector<std::pair<double, double>> ranges_;
};

// The polygons of a cell selection (nx × ny, row after row, bottom row first; non-zero = in).
std::optional<Geometry> traceCells(const CellGrid& grid, const std::vector<uint8_t>& in);

} // namespace bando::analysis
