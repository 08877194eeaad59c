#include "core/analysis/grid_union.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace bando::analysis {
namespace {

// The largest step (> tol) of which `g` and `d` are both whole multiples, within `tol`: Euclid's
// algorithm on reals. 0 stands for "no step yet".
double foldStep(double g, double d, double tol)
{
    d = std::fabs(d);
    if (d <= tol)
        return g;
    if (g == 0)
        return d;
    double a = std::max(g, d), b = std::min(g, d);
    while (b > tol) {
        double r = std::fmod(a, b);
        if (b - r <= tol)
            r = 0;
        a = b;
        b = r;
    }
    return a;
}

} // namespace

std::optional<CellGrid> detectCellGrid(const std::vector<const Geometry*>& polygons, const Extent& window,
                                       const GridDetectOptions& opt, std::vector<Segment>* sloping)
{
    const double tol = opt.tolerance;
    // The grid lines are those of the axis-parallel edges: the x of vertical edges, the y of
    // horizontal ones. Their common step by a tolerant Euclid, their range for the exact step.
    struct Axis {
        bool any = false;
        double ref = 0, step = 0, far = 0, lo = 0, hi = 0;  // far: the largest |v - ref| seen
        bool add(double v, double tol, double minCell)
        {
            if (!any) {
                any = true;
                ref = lo = hi = v;
                return true;
            }
            lo = std::min(lo, v);
            hi = std::max(hi, v);
            const double d = std::fabs(v - ref);
            if (d <= tol)
                return true;
            if (step == 0) {
                step = far = d;
                return step >= minCell;
            }
            // on the step known: within the noise of two vertices and the step's own error
            // (which is the noise over the farthest distance, times the steps to here)
            const double k = std::round(d / step);
            if (k >= 1 && std::fabs(d - k * step) <= 2 * tol * std::max(1.0, d / far) + tol) {
                if (d > far) {
                    far = d;
                    step = d / k;  // the farther, the more exact
                }
                return true;
            }
            step = foldStep(step, d, 3 * tol);
            far = std::max(far, d);
            step = far / std::round(far / step);
            return step >= minCell;
        }
    } ax, ay;
    size_t axisEdges = 0;
    for (const Geometry* g : polygons) {
        if (!g || g->isEmpty())
            continue;
        if (g->type != GeomType::Polygon && g->type != GeomType::MultiPolygon)
            return std::nullopt;
        for (const auto& part : g->parts)
            for (size_t ri = 0; ri < part.size(); ++ri) {
                const Ring& ring = part[ri];
                int interiorLeft = 0;  // +1: the polygon lies left of the ring's edges, -1 right
                for (size_t k = 0; k + 1 < ring.size(); ++k) {
                    const XY p = ring[k], q = ring[k + 1];
                    if (!std::isfinite(p.x) || !std::isfinite(p.y) || !std::isfinite(q.x) || !std::isfinite(q.y))
                        return std::nullopt;
                    const bool vertical = std::fabs(p.x - q.x) <= tol, horizontal = std::fabs(p.y - q.y) <= tol;
                    if (vertical && horizontal)
                        continue;  // a repeated point
                    axisEdges += vertical || horizontal;
                    if (vertical) {
                        if (!ax.add(p.x, tol, opt.minCell) || !ax.add(q.x, tol, opt.minCell))
                            return std::nullopt;
                    } else if (horizontal) {
                        if (!ay.add(p.y, tol, opt.minCell) || !ay.add(q.y, tol, opt.minCell))
                            return std::nullopt;
                    } else {
                        if (!sloping)
                            return std::nullopt;  // not a raster
                        if (interiorLeft == 0)
                            interiorLeft = (ri == 0) == (ringSignedArea(ring) > 0) ? 1 : -1;
                        sloping->push_back(interiorLeft > 0 ? Segment{p, q} : Segment{q, p});
                        if (sloping->size() > 100000 && sloping->size() > axisEdges)
                            return std::nullopt;  // see below
                    }
                }
            }
    }
    if (ax.step == 0 || ay.step == 0 || window.isEmpty())
        return std::nullopt;
    if (sloping && sloping->size() > std::max<size_t>(1000, axisEdges))
        return std::nullopt;  // mostly sloping: drawn polygons (circles, sectors), not a raster
    // the step from the extremes (the noise of two lines, not of the many steps folded above)
    const double gx = (ax.hi - ax.lo) / std::round((ax.hi - ax.lo) / ax.step);
    const double gy = (ay.hi - ay.lo) / std::round((ay.hi - ay.lo) / ay.step);
    if (!(gx >= opt.minCell) || !(gy >= opt.minCell))
        return std::nullopt;
    CellGrid grid;
    grid.originX = ax.lo;
    grid.originY = ay.lo;
    grid.cellX = gx;
    grid.cellY = gy;
    auto onGrid = [&](double v, double o, double step) {
        const double f = (v - o) / step;
        return std::fabs(f - std::round(f)) * step <= tol;
    };
    // every axis-parallel edge on a grid line
    for (const Geometry* g : polygons) {
        if (!g || g->isEmpty())
            continue;
        for (const auto& part : g->parts)
            for (const auto& ring : part)
                for (size_t k = 0; k + 1 < ring.size(); ++k) {
                    const XY p = ring[k], q = ring[k + 1];
                    const bool vertical = std::fabs(p.x - q.x) <= tol, horizontal = std::fabs(p.y - q.y) <= tol;
                    if (vertical && !horizontal && !(onGrid(p.x, grid.originX, gx) && onGrid(q.x, grid.originX, gx)))
                        return std::nullopt;
                    if (horizontal && !vertical && !(onGrid(p.y, grid.originY, gy) && onGrid(q.y, grid.originY, gy)))
                        return std::nullopt;
                }
    }
    const double i0 = std::floor((window.minX - grid.originX) / gx), i1 = std::ceil((window.maxX - grid.originX) / gx);
    const double j0 = std::floor((window.minY - grid.originY) / gy), j1 = std::ceil((window.maxY - grid.originY) / gy);
    if (!(i1 > i0) || !(j1 > j0) || (i1 - i0) * (j1 - j0) > static_cast<double>(opt.maxCells))
        return std::nullopt;
    grid.i0 = static_cast<int64_t>(i0);
    grid.j0 = static_cast<int64_t>(j0);
    grid.nx = static_cast<int64_t>(i1 - i0);
    grid.ny = static_cast<int64_t>(j1 - j0);
    grid.tolerance = tol;
    return grid;
}

namespace {

// Adds the signed area a segment (in cell units of the window) puts into the cells on its right,
// row by row: acc[r * (nx + 1) + i] for the cell it crosses and the rest carried to i + 1, so that
// a prefix sum along each row gives the area of the ring's interior in every cell (font
// rasterizers accumulate coverage the same way). `sign` makes a shell count +1 and a hole -1
// whatever the rings' orientation.
void accumulate(std::vector<double>& acc, int64_t nx, int64_t ny, double x0, double y0, double x1, double y1,
                double sign)
{
    if (y0 == y1)
        return;
    const double w = -sign;  // a counter-clockwise shell: its interior is right of its downward edges
    const double ylo = std::max(std::min(y0, y1), 0.0), yhi = std::min(std::max(y0, y1), static_cast<double>(ny));
    if (!(ylo < yhi))
        return;
    const double dxdy = (x1 - x0) / (y1 - y0);
    const double dir = y1 > y0 ? 1.0 : -1.0;
    const size_t stride = static_cast<size_t>(nx + 1);
    for (int64_t r = static_cast<int64_t>(std::floor(ylo)); r < ny && static_cast<double>(r) < yhi; ++r) {
        const double ya = std::max(ylo, static_cast<double>(r)), yb = std::min(yhi, static_cast<double>(r + 1));
        if (!(ya < yb))
            continue;
        double xa = x0 + (ya - y0) * dxdy, xb = x0 + (yb - y0) * dxdy;
        double* row = acc.data() + static_cast<size_t>(r) * stride;
        // walk the sub-segment from ya to yb across the columns, left to right
        if (xa > xb)
            std::swap(xa, xb);
        const double dyTotal = (yb - ya) * dir;
        const double width = xb - xa;
        double x = xa;
        while (true) {
            const double col = std::floor(x);
            const double xe = width > 0 ? std::min(xb, col + 1) : xb;
            const double dy = width > 0 ? dyTotal * (xe - x) / width : dyTotal;
            if (col < 0) {
                row[0] += w * dy;  // left of the window: every cell of the row is to its right
            } else if (col < static_cast<double>(nx)) {
                const size_t c = static_cast<size_t>(col);
                const double right = dy * (1 - ((x + xe) / 2 - col));  // the part of the cell right of it
                row[c] += w * right;
                row[c + 1] += w * (dy - right);
            }
            if (xe >= xb)
                break;
            x = xe;
        }
    }
}

// Every ring of `g` into `acc`, its coordinates put in the window's cell units by cx() and cy().
template <class CX, class CY>
void accumulatePolygon(std::vector<double>& acc, int64_t nx, int64_t ny, const Geometry& g, CX cx, CY cy)
{
    for (const auto& part : g.parts)
        for (size_t r = 0; r < part.size(); ++r) {
            const Ring& ring = part[r];
            const double sa = ringSignedArea(ring);
            if (sa == 0)
                continue;
            const double sign = (r == 0) == (sa > 0) ? 1.0 : -1.0;
            for (size_t k = 0; k + 1 < ring.size(); ++k)
                accumulate(acc, nx, ny, cx(ring[k].x), cy(ring[k].y), cx(ring[k + 1].x), cy(ring[k + 1].y), sign);
        }
}

} // namespace

CellMasks::CellMasks(const CellGrid& grid, const std::vector<const Geometry*>& polygons) : grid_(grid)
{
    const int64_t nx = grid.nx, ny = grid.ny;
    masks_.assign(static_cast<size_t>(nx * ny), 0);
    const size_t stride = static_cast<size_t>(nx + 1);
    std::vector<double> acc(stride * static_cast<size_t>(ny));
    // a coordinate within the tolerance of a grid line is put on it (the sub-millimetre noise of a
    // reprojected raster would otherwise leave slivers in the neighbouring cells)
    const double tol = grid.tolerance;
    auto gridX = [&](double x) {
        const double f = (x - grid.originX) / grid.cellX, n = std::round(f);
        return (std::fabs(f - n) * grid.cellX <= tol ? n : f) - static_cast<double>(grid.i0);
    };
    auto gridY = [&](double y) {
        const double f = (y - grid.originY) / grid.cellY, n = std::round(f);
        return (std::fabs(f - n) * grid.cellY <= tol ? n : f) - static_cast<double>(grid.j0);
    };
    ranges_.assign(std::min<size_t>(polygons.size(), 64), {0.0, 0.0});
    for (size_t b = 0; b < polygons.size() && b < 64; ++b) {
        const Geometry* g = polygons[b];
        if (!g || g->isEmpty())
            continue;
        std::fill(acc.begin(), acc.end(), 0.0);
        accumulatePolygon(acc, nx, ny, *g, gridX, gridY);
        // a cell belongs to the polygon where the polygon has area in it (a cell cut by a sloping
        // edge counts whole: see detectCellGrid)
        const uint64_t bit = uint64_t{1} << b;
        double least = 0, greatest = 0;
        for (int64_t r = 0; r < ny; ++r) {
            const double* row = acc.data() + static_cast<size_t>(r) * stride;
            uint64_t* m = masks_.data() + static_cast<size_t>(r * nx);
            double cover = 0;
            for (int64_t c = 0; c < nx; ++c) {
                cover += row[c];
                least = std::min(least, cover);
                greatest = std::max(greatest, cover);
                if (cover > kMinCellShare)
                    m[c] |= bit;
            }
        }
        ranges_[b] = {least, greatest};
    }
}

void CellMasks::areasIn(const Geometry& polygon, std::vector<std::pair<size_t, double>>& out) const
{
    out.clear();
    const Extent e = polygon.extent();
    if (e.isEmpty())
        return;
    // the polygon's own window of cells (clamped to the grid's)
    const CellGrid& g = grid_;
    const int64_t i0 = std::clamp<int64_t>(static_cast<int64_t>(std::floor((e.minX - g.originX) / g.cellX)) - g.i0, 0, g.nx);
    const int64_t i1 = std::clamp<int64_t>(static_cast<int64_t>(std::ceil((e.maxX - g.originX) / g.cellX)) - g.i0, 0, g.nx);
    const int64_t j0 = std::clamp<int64_t>(static_cast<int64_t>(std::floor((e.minY - g.originY) / g.cellY)) - g.j0, 0, g.ny);
    const int64_t j1 = std::clamp<int64_t>(static_cast<int64_t>(std::ceil((e.maxY - g.originY) / g.cellY)) - g.j0, 0, g.ny);
    const int64_t nx = i1 - i0, ny = j1 - j0;
    if (nx <= 0 || ny <= 0)
        return;
    thread_local std::vector<double> acc;
    acc.assign(static_cast<size_t>((nx + 1) * ny), 0.0);
    const double ox = static_cast<double>(g.i0 + i0), oy = static_cast<double>(g.j0 + j0);
    accumulatePolygon(
        acc, nx, ny, polygon, [&](double x) { return (x - g.originX) / g.cellX - ox; },
        [&](double y) { return (y - g.originY) / g.cellY - oy; });
    const double cellArea = g.cellX * g.cellY;
    for (int64_t r = 0; r < ny; ++r) {
        const double* row = acc.data() + static_cast<size_t>(r * (nx + 1));
        double cover = 0;
        for (int64_t c = 0; c < nx; ++c) {
            cover += row[c];
            if (cover > 0)  // (a cell outside the polygon can sum to -1e-16)
                out.push_back({static_cast<size_t>((j0 + r) * g.nx + i0 + c), cover * cellArea});
        }
    }
}

std::optional<Geometry> CellMasks::polygons(uint64_t anyOf, uint64_t noneOf) const
{
    std::vector<uint8_t> in(masks_.size());
    for (size_t k = 0; k < masks_.size(); ++k)
        in[k] = (anyOf == 0 || (masks_[k] & anyOf) != 0) && (masks_[k] & noneOf) == 0;
    return traceCells(grid_, in);
}

std::optional<Geometry> traceCells(const CellGrid& grid, const std::vector<uint8_t>& in)
{
    const int64_t nx = grid.nx, ny = grid.ny;
    Geometry out;
    out.type = GeomType::MultiPolygon;
    if (nx <= 0 || ny <= 0 || in.size() != static_cast<size_t>(nx * ny))
        return out;
    auto cell = [&](int64_t i, int64_t j) { return static_cast<size_t>(j * nx + i); };
    auto fg = [&](int64_t i, int64_t j) { return i >= 0 && j >= 0 && i < nx && j < ny && in[cell(i, j)] != 0; };

    // 4-connected components of the cells (a hole belongs to the shell of the cells around it)
    std::vector<int32_t> label(in.size(), -1);
    int32_t components = 0;
    {
        std::vector<size_t> stack;
        for (size_t start = 0; start < in.size(); ++start) {
            if (!in[start] || label[start] >= 0)
                continue;
            label[start] = components;
            stack.push_back(start);
            while (!stack.empty()) {
                const size_t k = stack.back();
                stack.pop_back();
                const int64_t i = static_cast<int64_t>(k) % nx, j = static_cast<int64_t>(k) / nx;
                const int64_t ni[4] = {i + 1, i - 1, i, i}, nj[4] = {j, j, j + 1, j - 1};
                for (int d = 0; d < 4; ++d)
                    if (fg(ni[d], nj[d]) && label[cell(ni[d], nj[d])] < 0) {
                        label[cell(ni[d], nj[d])] = components;
                        stack.push_back(cell(ni[d], nj[d]));
                    }
            }
            ++components;
        }
    }
    if (components == 0)
        return out;

    // Boundary edges run with the cells on their left. Directions: 0 east, 1 north, 2 west, 3 south.
    static constexpr int dx[4] = {1, 0, -1, 0}, dy[4] = {0, 1, 0, -1};
    auto edgeFrom = [&](int64_t x, int64_t y, int d) {
        switch (d) {
        case 0: return fg(x, y) && !fg(x, y - 1);
        case 1: return fg(x - 1, y) && !fg(x, y);
        case 2: return fg(x - 1, y - 1) && !fg(x - 1, y);
        default: return fg(x, y - 1) && !fg(x - 1, y - 1);
        }
    };
    auto saddle = [&](int64_t x, int64_t y) {
        const bool ne = fg(x, y), nw = fg(x - 1, y), sw = fg(x - 1, y - 1), se = fg(x, y - 1);
        return ne == sw && nw == se && ne != nw;
    };
    struct GridRing {
        std::vector<std::pair<int64_t, int64_t>> pts;  // corners, not closed
    };
    std::vector<GridRing> rings;
    std::vector<uint8_t> seenEast(in.size(), 0);  // the east edge along the bottom of a cell
    std::vector<std::pair<int64_t, int64_t>> path;
    std::unordered_map<uint64_t, size_t> saddleAt;  // saddle vertex -> its index in `path`
    std::vector<uint64_t> saddleOrder;
    auto key = [](int64_t x, int64_t y) { return (static_cast<uint64_t>(x) << 32) ^ static_cast<uint64_t>(y); };
    auto emit = [&](size_t from) {
        GridRing r;
        r.pts.assign(path.begin() + static_cast<std::ptrdiff_t>(from), path.end());
        rings.push_back(std::move(r));
    };
    for (int64_t j = 0; j < ny; ++j)
        for (int64_t i = 0; i < nx; ++i) {
            if (!in[cell(i, j)] || fg(i, j - 1) || seenEast[cell(i, j)])
                continue;
            path.clear();
            saddleAt.clear();
            saddleOrder.clear();
            path.emplace_back(i, j);
            if (saddle(i, j)) {
                saddleAt[key(i, j)] = 0;
                saddleOrder.push_back(key(i, j));
            }
            int64_t x = i, y = j;
            int d = 0;
            seenEast[cell(i, j)] = 1;
            for (;;) {
                x += dx[d];
                y += dy[d];
                // left turn first: the cells on the left stay 4-connected through a saddle
                int nd = -1;
                for (int turn : {1, 0, 3})
                    if (edgeFrom(x, y, (d + turn) % 4)) {
                        nd = (d + turn) % 4;
                        break;
                    }
                if (nd < 0)
                    return std::nullopt;  // not a boundary (cannot happen on a closed cell set)
                if (x == i && y == j && nd == 0)
                    break;  // back on the first edge
                if (nd == 0) {
                    if (!(x >= 0 && y >= 0 && x < nx && y < ny) || seenEast[cell(x, y)])
                        return std::nullopt;
                    seenEast[cell(x, y)] = 1;
                }
                if (nd != d) {
                    if (saddle(x, y)) {
                        const auto it = saddleAt.find(key(x, y));
                        if (it != saddleAt.end()) {
                            // the ring passes here twice: cut the loop since the first pass off
                            const size_t k = it->second;
                            emit(k);
                            path.resize(k + 1);
                            while (!saddleOrder.empty() && saddleAt[saddleOrder.back()] > k) {
                                saddleAt.erase(saddleOrder.back());
                                saddleOrder.pop_back();
                            }
                        } else {
                            saddleAt[key(x, y)] = path.size();
                            saddleOrder.push_back(key(x, y));
                            path.emplace_back(x, y);
                        }
                    } else {
                        path.emplace_back(x, y);
                    }
                }
                d = nd;
            }
            emit(0);
        }

    // shells (counter-clockwise) by component, then their holes (clockwise)
    std::vector<int64_t> shellOf(static_cast<size_t>(components), -1);
    std::vector<std::vector<Ring>> polys;
    std::vector<size_t> holes;
    std::vector<int32_t> ringComponent(rings.size());
    std::vector<int64_t> twiceArea(rings.size());
    for (size_t r = 0; r < rings.size(); ++r) {
        auto& pts = rings[r].pts;
        // drop a start point in the middle of a straight run
        if (pts.size() > 4) {
            const auto& a = pts.back();
            const auto& b = pts[0];
            const auto& c = pts[1];
            if ((a.first == b.first && b.first == c.first) || (a.second == b.second && b.second == c.second))
                pts.erase(pts.begin());
        }
        if (pts.size() < 4)
            return std::nullopt;
        int64_t a2 = 0;
        for (size_t k = 0; k < pts.size(); ++k) {
            const auto& p = pts[k];
            const auto& q = pts[(k + 1) % pts.size()];
            a2 += p.first * q.second - q.first * p.second;
        }
        twiceArea[r] = a2;
        // the cell on the left of the first edge
        const auto& p = pts[0];
        const auto& q = pts[1];
        int64_t ci = p.first, cj = p.second;
        if (q.first > p.first) { /* east: cell (x, y) */ }
        else if (q.second > p.second) ci -= 1;       // north: (x - 1, y)
        else if (q.first < p.first) { ci -= 1; cj -= 1; }  // west: (x - 1, y - 1)
        else cj -= 1;                                 // south: (x, y - 1)
        if (!fg(ci, cj))
            return std::nullopt;
        ringComponent[r] = label[cell(ci, cj)];
    }
    auto toRing = [&](const GridRing& g) {
        Ring ring;
        ring.reserve(g.pts.size() + 1);
        for (const auto& [x, y] : g.pts)
            ring.push_back({grid.x(x), grid.y(y)});
        ring.push_back(ring.front());
        return ring;
    };
    for (size_t r = 0; r < rings.size(); ++r) {
        if (twiceArea[r] <= 0) {
            holes.push_back(r);
            continue;
        }
        auto& s = shellOf[static_cast<size_t>(ringComponent[r])];
        if (s >= 0)
            return std::nullopt;  // two shells for one set of connected cells: not expected
        s = static_cast<int64_t>(polys.size());
        polys.push_back({toRing(rings[r])});
    }
    for (size_t r : holes) {
        const int64_t s = shellOf[static_cast<size_t>(ringComponent[r])];
        if (s < 0 || twiceArea[r] == 0)
            return std::nullopt;
        polys[static_cast<size_t>(s)].push_back(toRing(rings[r]));
    }
    out.parts = std::move(polys);
    return out;
}

} // namespace bando::analysis
