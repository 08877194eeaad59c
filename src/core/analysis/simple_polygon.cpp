#include "core/analysis/simple_polygon.hpp"

#include "core/analysis/point_locator.hpp"  // orientation (exact)

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace bando::analysis {

namespace {

// p on the closed segment [a, b], given that a, b, p are collinear
bool onSegment(const XY& a, const XY& b, const XY& p)
{
    return std::min(a.x, b.x) <= p.x && p.x <= std::max(a.x, b.x) && std::min(a.y, b.y) <= p.y &&
           p.y <= std::max(a.y, b.y);
}

// Do the closed segments [a, b] and [c, d] share a point?
bool meet(const XY& a, const XY& b, const XY& c, const XY& d)
{
    const int o1 = orientation(a, b, c), o2 = orientation(a, b, d);
    const int o3 = orientation(c, d, a), o4 = orientation(c, d, b);
    if (o1 * o2 < 0 && o3 * o4 < 0)
        return true;
    return (o1 == 0 && onSegment(a, b, c)) || (o2 == 0 && onSegment(a, b, d)) || (o3 == 0 && onSegment(c, d, a)) ||
           (o4 == 0 && onSegment(c, d, b));
}

} // namespace

bool provablyValidSimplePolygon(const Geometry& g)
{
    if ((g.type != GeomType::Polygon && g.type != GeomType::MultiPolygon) || g.parts.size() != 1 ||
        g.parts[0].size() != 1)
        return false;
    const Ring& ring = g.parts[0][0];
    if (ring.size() < 4 || !(ring.front() == ring.back()))
        return false;
    // the distinct vertices in order (repeated points are allowed and ignored, as GEOS does)
    thread_local std::vector<XY> pts;
    pts.clear();
    for (size_t k = 0; k + 1 < ring.size(); ++k) {
        const XY& p = ring[k];
        if (!std::isfinite(p.x) || !std::isfinite(p.y))
            return false;
        if (pts.empty() || !(pts.back() == p))
            pts.push_back(p);
    }
    while (pts.size() > 1 && pts.back() == pts.front())
        pts.pop_back();
    const size_t n = pts.size();
    if (n < 3)
        return false;
    auto at = [&](size_t i) -> const XY& { return pts[i % n]; };
    // neighbours: no spike (the next edge folding back along this one)
    for (size_t i = 0; i < n; ++i) {
        const XY &a = at(i), &b = at(i + 1), &c = at(i + 2);
        if (orientation(a, b, c) == 0 && (a.x - b.x) * (c.x - b.x) + (a.y - b.y) * (c.y - b.y) > 0)
            return false;
    }
    // the other pairs: no shared point at all (a sweep over the edges' boxes along x)
    thread_local std::vector<uint32_t> order;
    order.resize(n);
    for (uint32_t i = 0; i < n; ++i)
        order[i] = i;
    auto minX = [&](uint32_t i) { return std::min(at(i).x, at(i + 1).x); };
    auto maxX = [&](uint32_t i) { return std::max(at(i).x, at(i + 1).x); };
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return minX(a) < minX(b); });
    for (size_t s = 0; s < n; ++s) {
        const uint32_t i = order[s];
        const double hi = maxX(i);
        const double iy0 = std::min(at(i).y, at(i + 1).y), iy1 = std::max(at(i).y, at(i + 1).y);
        for (size_t t = s + 1; t < n && minX(order[t]) <= hi; ++t) {
            const uint32_t j = order[t];
            const uint32_t d = i > j ? i - j : j - i;
            if (d == 1 || d == n - 1)
                continue;  // neighbours along the ring
            const double jy0 = std::min(at(j).y, at(j + 1).y), jy1 = std::max(at(j).y, at(j + 1).y);
            if (jy1 < iy0 || jy0 > iy1)
                continue;
            if (meet(at(i), at(i + 1), at(j), at(j + 1)))
                return false;
        }
    }
    return true;
}

} // namespace bando::analysis
