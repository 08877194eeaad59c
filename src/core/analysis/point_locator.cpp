// Point location in a polygon coverage with the lower-rank-wins boundary rule. See point_locator.hpp.
#include "core/analysis/point_locator.hpp"

#include <algorithm>
#include <cmath>
#include <thread>

namespace bando::analysis {
namespace {

inline void twoSum(double a, double b, double& s, double& e)
{
    s = a + b;
    const double bv = s - a;
    e = (a - (s - bv)) + (b - bv);
}
inline void twoProd(double a, double b, double& p, double& e)
{
    p = a * b;
    e = std::fma(a, b, -p);
}

// Adds `x` to the nonoverlapping expansion `e` (Shewchuk's Grow-Expansion), exactly.
void grow(std::vector<double>& e, double x)
{
    double q = x;
    for (double& c : e) {
        double s, h;
        twoSum(q, c, s, h);
        c = h;
        q = s;
    }
    e.push_back(q);
}

int exactOrientation(const XY& a, const XY& b, const XY& p)
{
    // det = (bx-ax)(py-ay) - (by-ay)(px-ax), every difference and product split exactly
    double d[4][2];
    twoSum(b.x, -a.x, d[0][0], d[0][1]);
    twoSum(p.y, -a.y, d[1][0], d[1][1]);
    twoSum(b.y, -a.y, d[2][0], d[2][1]);
    twoSum(p.x, -a.x, d[3][0], d[3][1]);
    std::vector<double> e;
    e.reserve(17);
    for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 2; ++j) {
            double pr, er;
            twoProd(d[0][i], d[1][j], pr, er);
            grow(e, pr);
            grow(e, er);
            twoProd(-d[2][i], d[3][j], pr, er);
            grow(e, pr);
            grow(e, er);
        }
    for (auto it = e.rbegin(); it != e.rend(); ++it)
        if (*it != 0)
            return *it > 0 ? 1 : -1;
    return 0;
}

} // namespace

int orientation(const XY& a, const XY& b, const XY& p)
{
    const double l = (b.x - a.x) * (p.y - a.y);
    const double r = (b.y - a.y) * (p.x - a.x);
    const double det = l - r;
    const double bound = 3.3306690738754716e-16 * (std::fabs(l) + std::fabs(r));
    if (det > bound)
        return 1;
    if (-det > bound)
        return -1;
    return exactOrientation(a, b, p);
}

PointLocator::PointLocator(const std::vector<const Geometry*>& polygons, const std::vector<uint32_t>& rank)
    : m_rank(rank)
{
    m_rank.resize(polygons.size(), UINT32_MAX);
    m_polys.resize(polygons.size());
    for (size_t i = 0; i < polygons.size(); ++i) {
        Poly& P = m_polys[i];
        P.firstEdge = static_cast<uint32_t>(m_edges.size());
        if (polygons[i])
            for (const auto& part : polygons[i]->parts)
                for (const auto& ring : part) {
                    const size_t n = ring.size();
                    if (n < 2)
                        continue;
                    for (size_t k = 0; k + 1 < n; ++k)
                        if (!(ring[k] == ring[k + 1]))
                            m_edges.push_back({ring[k], ring[k + 1]});
                    if (!(ring.front() == ring.back()))
                        m_edges.push_back({ring.back(), ring.front()});
                    for (const auto& p : ring)
                        P.extent.expand(p.x, p.y);
                }
        P.edgeCount = static_cast<uint32_t>(m_edges.size()) - P.firstEdge;
        if (P.edgeCount == 0)
            continue;
        m_extent.expand(P.extent);
        P.strips = static_cast<int>(std::clamp<uint32_t>(P.edgeCount / 4, 1, 1 << 14));
        P.stripH = std::max(P.extent.height() / P.strips, 1e-300);
        auto stripOf = [&](double y) {
            return std::clamp(static_cast<int>((y - P.extent.minY) / P.stripH), 0, P.strips - 1);
        };
        std::vector<uint32_t> counts(P.strips + 1, 0);
        for (uint32_t k = 0; k < P.edgeCount; ++k) {
            const Edge& e = m_edges[P.firstEdge + k];
            for (int s = stripOf(std::min(e.a.y, e.b.y)), s1 = stripOf(std::max(e.a.y, e.b.y)); s <= s1; ++s)
                ++counts[s + 1];
        }
        P.stripStart.assign(P.strips + 1, 0);
        for (int s = 0; s < P.strips; ++s)
            P.stripStart[s + 1] = P.stripStart[s] + counts[s + 1];
        P.stripEdges.resize(P.stripStart[P.strips]);
        std::vector<uint32_t> fill(P.stripStart.begin(), P.stripStart.end() - 1);
        for (uint32_t k = 0; k < P.edgeCount; ++k) {
            const Edge& e = m_edges[P.firstEdge + k];
            for (int s = stripOf(std::min(e.a.y, e.b.y)), s1 = stripOf(std::max(e.a.y, e.b.y)); s <= s1; ++s)
                P.stripEdges[fill[s]++] = k;
        }
    }
    if (m_extent.isEmpty())
        return;
    // grid of extents: about one polygon per cell
    const double cells = std::max<double>(1, static_cast<double>(polygons.size()));
    m_cell = std::max(std::sqrt(std::max(m_extent.width() * m_extent.height(), 1e-300) / cells), 1e-12);
    m_nx = std::clamp(static_cast<int>(m_extent.width() / m_cell) + 1, 1, 4096);
    m_ny = std::clamp(static_cast<int>(m_extent.height() / m_cell) + 1, 1, 4096);
    auto cx = [&](double x) { return std::clamp(static_cast<int>((x - m_extent.minX) / m_cell), 0, m_nx - 1); };
    auto cy = [&](double y) { return std::clamp(static_cast<int>((y - m_extent.minY) / m_cell), 0, m_ny - 1); };
    std::vector<uint32_t> counts(static_cast<size_t>(m_nx) * m_ny + 1, 0);
    for (const auto& P : m_polys)
        if (P.edgeCount)
            for (int y = cy(P.extent.minY); y <= cy(P.extent.maxY); ++y)
                for (int x = cx(P.extent.minX); x <= cx(P.extent.maxX); ++x)
                    ++counts[static_cast<size_t>(y) * m_nx + x + 1];
    m_cellStart.assign(counts.size(), 0);
    for (size_t c = 1; c < counts.size(); ++c)
        m_cellStart[c] = m_cellStart[c - 1] + counts[c];
    m_cellPolys.resize(m_cellStart.back());
    std::vector<uint32_t> fill(m_cellStart.begin(), m_cellStart.end() - 1);
    for (uint32_t i = 0; i < m_polys.size(); ++i) {
        const Poly& P = m_polys[i];
        if (P.edgeCount)
            for (int y = cy(P.extent.minY); y <= cy(P.extent.maxY); ++y)
                for (int x = cx(P.extent.minX); x <= cx(P.extent.maxX); ++x)
                    m_cellPolys[fill[static_cast<size_t>(y) * m_nx + x]++] = i;
    }
}

PointLocator::Where PointLocator::where(uint32_t polygon, double x, double y) const
{
    const Poly& P = m_polys[polygon];
    if (!P.extent.contains(x, y))
        return Where::Outside;
    const int s = std::clamp(static_cast<int>((y - P.extent.minY) / P.stripH), 0, P.strips - 1);
    const XY p{x, y};
    bool inside = false;
    for (uint32_t k = P.stripStart[s]; k < P.stripStart[s + 1]; ++k) {
        const Edge& e = m_edges[P.firstEdge + P.stripEdges[k]];
        const bool up = e.a.y <= y && y < e.b.y, down = e.b.y <= y && y < e.a.y;
        const bool inBox = std::min(e.a.x, e.b.x) <= x && x <= std::max(e.a.x, e.b.x) &&
                           std::min(e.a.y, e.b.y) <= y && y <= std::max(e.a.y, e.b.y);
        if (!up && !down && !inBox)
            continue;
        if (!up && !down && std::max(e.a.x, e.b.x) < x)
            continue;
        const int o = orientation(e.a, e.b, p);
        if (o == 0 && inBox)
            return Where::Boundary;
        if ((up && o > 0) || (down && o < 0))
            inside = !inside;
    }
    return inside ? Where::Inside : Where::Outside;
}

PointLocator::Hit PointLocator::locate(double x, double y) const
{
    Hit hit;
    if (m_cellPolys.empty() || !m_extent.contains(x, y))
        return hit;
    const int gx = std::clamp(static_cast<int>((x - m_extent.minX) / m_cell), 0, m_nx - 1);
    const int gy = std::clamp(static_cast<int>((y - m_extent.minY) / m_cell), 0, m_ny - 1);
    return locateInCell(static_cast<uint32_t>(static_cast<size_t>(gy) * m_nx + gx), x, y);
}

PointLocator::Hit PointLocator::locateInCell(uint32_t c, double x, double y) const
{
    Hit hit;
    for (uint32_t k = m_cellStart[c]; k < m_cellStart[c + 1]; ++k) {
        const uint32_t i = m_cellPolys[k];
        switch (where(i, x, y)) {
        case Where::Outside: break;
        case Where::Inside:
            // strictly inside wins: in a valid coverage no other polygon can claim the point
            hit.polygon = static_cast<int32_t>(i);
            hit.boundary = false;
            return hit;
        case Where::Boundary:
            if (hit.polygon < 0 || m_rank[i] < m_rank[hit.polygon] ||
                (m_rank[i] == m_rank[hit.polygon] && static_cast<int32_t>(i) < hit.polygon)) {
                hit.polygon = static_cast<int32_t>(i);
            }
            hit.boundary = true;
            break;
        }
    }
    return hit;
}

std::vector<PointLocator::Hit> PointLocator::locateAll(const std::vector<XY>& points, unsigned threads,
                                                       const Feedback* fb) const
{
    std::vector<Hit> out(points.size());
    if (m_cellPolys.empty())
        return out;
    // Points bucketed by grid cell (a counting sort): the points of one cell share their candidate
    // polygons, which stay in cache while the cell is processed.
    const size_t cells = static_cast<size_t>(m_nx) * m_ny;
    std::vector<uint32_t> cellOf(points.size());
    std::vector<uint32_t> start(cells + 2, 0);
    for (size_t i = 0; i < points.size(); ++i) {
        const XY& p = points[i];
        uint32_t c = static_cast<uint32_t>(cells);  // outside the grid
        if (m_extent.contains(p.x, p.y)) {
            const int gx = std::clamp(static_cast<int>((p.x - m_extent.minX) / m_cell), 0, m_nx - 1);
            const int gy = std::clamp(static_cast<int>((p.y - m_extent.minY) / m_cell), 0, m_ny - 1);
            c = static_cast<uint32_t>(static_cast<size_t>(gy) * m_nx + gx);
        }
        cellOf[i] = c;
        ++start[c + 1];
    }
    for (size_t c = 1; c < start.size(); ++c)
        start[c] += start[c - 1];
    std::vector<uint32_t> order(points.size());
    {
        std::vector<uint32_t> fill(start.begin(), start.end() - 1);
        for (size_t i = 0; i < points.size(); ++i)
            order[fill[cellOf[i]]++] = static_cast<uint32_t>(i);
    }
    const size_t inside = start[cells];  // points of the last bucket are outside every polygon
    threads = std::max(1u, std::min(threads, static_cast<unsigned>(inside / 4096 + 1)));
    auto work = [&](size_t from, size_t to) {
        for (size_t k = from; k < to; ++k) {
            if ((k & 4095) == 0 && isCancelled(fb))
                return;
            const uint32_t i = order[k];
            out[i] = locateInCell(cellOf[i], points[i].x, points[i].y);
        }
    };
    std::vector<std::thread> pool;
    const size_t chunk = (inside + threads - 1) / threads;
    for (unsigned t = 1; t < threads; ++t)
        pool.emplace_back(work, std::min(inside, t * chunk), std::min(inside, (t + 1) * chunk));
    work(0, std::min(inside, chunk));
    for (auto& th : pool)
        th.join();
    throwIfCancelled(fb);
    return out;
}

} // namespace bando::analysis
