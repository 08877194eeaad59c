#include "core/analysis/spatial_index.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace bando::analysis {

PolygonIndex::PolygonIndex(const Geometry& g)
{
    for (const auto& part : g.parts)
        for (const auto& ring : part) {
            for (size_t i = 0; i + 1 < ring.size(); ++i) {
                const XY& a = ring[i];
                const XY& b = ring[i + 1];
                if (a.y == b.y)
                    continue;  // horizontal edges never count as crossings
                m_edges.push_back({a.x, a.y, b.x, b.y});
                m_extent.expand(a.x, a.y);
                m_extent.expand(b.x, b.y);
            }
            // rings that are not explicitly closed
            if (ring.size() > 2 && !(ring.front() == ring.back()) && ring.front().y != ring.back().y)
                m_edges.push_back({ring.back().x, ring.back().y, ring.front().x, ring.front().y});
        }
    if (m_edges.empty())
        return;
    m_strips = static_cast<int>(std::clamp<size_t>(m_edges.size() / 4, 1, 1 << 16));
    m_stripH = std::max(m_extent.height() / m_strips, 1e-9);
    std::vector<uint32_t> counts(m_strips + 1, 0);
    auto stripOf = [&](double y) {
        return std::clamp(static_cast<int>((y - m_extent.minY) / m_stripH), 0, m_strips - 1);
    };
    for (const auto& e : m_edges) {
        int s0 = stripOf(std::min(e.y0, e.y1)), s1 = stripOf(std::max(e.y0, e.y1));
        for (int s = s0; s <= s1; ++s)
            ++counts[s + 1];
    }
    m_stripStart.assign(m_strips + 1, 0);
    for (int s = 0; s < m_strips; ++s)
        m_stripStart[s + 1] = m_stripStart[s] + counts[s + 1];
    m_stripEdges.resize(m_stripStart[m_strips]);
    std::vector<uint32_t> fill(m_stripStart.begin(), m_stripStart.end() - 1);
    for (uint32_t i = 0; i < m_edges.size(); ++i) {
        const auto& e = m_edges[i];
        int s0 = stripOf(std::min(e.y0, e.y1)), s1 = stripOf(std::max(e.y0, e.y1));
        for (int s = s0; s <= s1; ++s)
            m_stripEdges[fill[s]++] = i;
    }
}

bool PolygonIndex::contains(double x, double y) const
{
    if (m_edges.empty() || !m_extent.contains(x, y))
        return false;
    const int s = std::clamp(static_cast<int>((y - m_extent.minY) / m_stripH), 0, m_strips - 1);
    bool inside = false;
    for (uint32_t k = m_stripStart[s]; k < m_stripStart[s + 1]; ++k) {
        const Edge& e = m_edges[m_stripEdges[k]];
        if ((e.y0 > y) != (e.y1 > y)) {
            const double xi = e.x0 + (y - e.y0) * (e.x1 - e.x0) / (e.y1 - e.y0);
            if (x < xi)
                inside = !inside;
        }
    }
    return inside;
}


double pointSegmentDistance(double px, double py, double x0, double y0, double x1, double y1)
{
    double ox, oy;
    pointSegmentOffset(px, py, x0, y0, x1, y1, ox, oy);
    return std::hypot(ox, oy);
}

SegmentIndex::SegmentIndex(double cellSize) : m_cell(cellSize > 0 ? cellSize : 1) {}

void SegmentIndex::addPoint(double x, double y) { addSegment(x, y, x, y); }

void SegmentIndex::addLine(const Ring& line)
{
    if (line.size() == 1)
        addPoint(line[0].x, line[0].y);
    for (size_t i = 0; i + 1 < line.size(); ++i)
        addSegment(line[i].x, line[i].y, line[i + 1].x, line[i + 1].y);
}

void SegmentIndex::addSegment(double x0, double y0, double x1, double y1)
{
    const uint32_t id = static_cast<uint32_t>(m_segs.size());
    m_segs.push_back({x0, y0, x1, y1});
    const int64_t cx0 = static_cast<int64_t>(std::floor(std::min(x0, x1) / m_cell));
    const int64_t cx1 = static_cast<int64_t>(std::floor(std::max(x0, x1) / m_cell));
    const int64_t cy0 = static_cast<int64_t>(std::floor(std::min(y0, y1) / m_cell));
    const int64_t cy1 = static_cast<int64_t>(std::floor(std::max(y0, y1) / m_cell));
    for (int64_t cx = cx0; cx <= cx1; ++cx)
        for (int64_t cy = cy0; cy <= cy1; ++cy) {
            // only cells the segment's buffer of one cell can touch
            const double mx = (cx + 0.5) * m_cell, my = (cy + 0.5) * m_cell;
            if (pointSegmentDistance(mx, my, x0, y0, x1, y1) > m_cell * 0.7072)
                continue;
            m_cells.push_back({key(cx, cy), id});
            if (m_maxX < m_minX) {
                m_minX = m_maxX = cx;
                m_minY = m_maxY = cy;
            } else {
                m_minX = std::min(m_minX, cx);
                m_maxX = std::max(m_maxX, cx);
                m_minY = std::min(m_minY, cy);
                m_maxY = std::max(m_maxY, cy);
            }
        }
    m_sorted = false;
}

void SegmentIndex::prepare() const
{
    if (m_sorted)
        return;
    m_sorted = true;
    m_start.clear();
    m_ids.clear();
    std::sort(m_cells.begin(), m_cells.end());
    if (m_cells.empty())
        return;
    const int64_t nx = m_maxX - m_minX + 1, ny = m_maxY - m_minY + 1;
    if (nx * ny > static_cast<int64_t>(4 * m_cells.size()) + (1 << 22))
        return;  // a huge, sparse window: binary search in the sorted pairs
    // counting sort into a dense table: cell (cx, cy) -> m_ids[m_start[c] .. m_start[c + 1])
    m_start.assign(static_cast<size_t>(nx * ny) + 1, 0);
    auto cellOf = [&](int64_t k) {
        const int64_t cy = static_cast<int32_t>(k & 0xffffffff);  // key(): cy in the low 32 bits
        const int64_t cx = (k - (cy & 0xffffffff)) >> 32;
        return static_cast<size_t>((cy - m_minY) * nx + (cx - m_minX));
    };
    for (const auto& [k, id] : m_cells)
        ++m_start[cellOf(k) + 1];
    for (size_t c = 1; c < m_start.size(); ++c)
        m_start[c] += m_start[c - 1];
    m_ids.resize(m_cells.size());
    std::vector<uint32_t> fill(m_start.begin(), m_start.end() - 1);
    for (const auto& [k, id] : m_cells)
        m_ids[fill[cellOf(k)]++] = id;
}

template <class F>
void SegmentIndex::forCell(int64_t cx, int64_t cy, F visit) const
{
    if (cx < m_minX || cx > m_maxX || cy < m_minY || cy > m_maxY)
        return;
    if (!m_start.empty()) {
        const size_t c = static_cast<size_t>((cy - m_minY) * (m_maxX - m_minX + 1) + (cx - m_minX));
        for (uint32_t k = m_start[c]; k < m_start[c + 1]; ++k)
            visit(m_segs[m_ids[k]]);
        return;
    }
    const int64_t k = key(cx, cy);
    for (auto it = std::lower_bound(m_cells.begin(), m_cells.end(), std::make_pair(k, uint32_t{0}));
         it != m_cells.end() && it->first == k; ++it)
        visit(m_segs[it->second]);
}

double SegmentIndex::nearestDistance(double x, double y, double maxRadius) const
{
    prepare();
    double best = std::numeric_limits<double>::infinity();
    if (m_cells.empty())
        return best;
    const int64_t cx = static_cast<int64_t>(std::floor(x / m_cell));
    const int64_t cy = static_cast<int64_t>(std::floor(y / m_cell));
    // rings of cells around the point's cell, only where they meet the occupied window: the
    // first such ring, the last, and each ring's cells clamped to it
    const int64_t first = std::max({m_minX - cx, cx - m_maxX, m_minY - cy, cy - m_maxY, int64_t{0}});
    const int64_t window = std::max({cx - m_minX, m_maxX - cx, cy - m_minY, m_maxY - cy, int64_t{0}});
    const double cells = std::ceil(maxRadius / m_cell) + 1;  // maxRadius may be infinite
    const int64_t reach = cells < static_cast<double>(window) ? static_cast<int64_t>(cells) : window;
    auto scan = [&](int64_t ix, int64_t iy) {
        forCell(ix, iy, [&](const Seg& s) {
            double ox, oy;
            pointSegmentOffset(x, y, s.x0, s.y0, s.x1, s.y1, ox, oy);
            if (!std::isfinite(best) || mayBeWithin(ox, oy, best))
                best = std::min(best, std::hypot(ox, oy));
        });
    };
    // a segment none of whose cells lies within ring r is farther than r cells: the search stops
    // once the best is within that
    for (int64_t r = first; r <= reach; ++r) {
        const int64_t x0 = std::max(cx - r, m_minX), x1 = std::min(cx + r, m_maxX);
        const int64_t y0 = std::max(cy - r + 1, m_minY), y1 = std::min(cy + r - 1, m_maxY);
        if (r == 0) {
            scan(cx, cy);
        } else {
            for (int64_t ix = x0; ix <= x1; ++ix) {
                if (cy - r >= m_minY)
                    scan(ix, cy - r);
                if (cy + r <= m_maxY)
                    scan(ix, cy + r);
            }
            for (int64_t iy = y0; iy <= y1; ++iy) {
                if (cx - r >= m_minX)
                    scan(cx - r, iy);
                if (cx + r <= m_maxX)
                    scan(cx + r, iy);
            }
        }
        if (best <= static_cast<double>(r) * m_cell)
            break;
    }
    return best <= maxRadius ? best : std::numeric_limits<double>::infinity();
}

bool SegmentIndex::withinDistance(double x, double y, double radius) const
{
    // nearestDistance(x, y, radius) <= radius, stopping at the first segment within the radius
    prepare();
    if (m_cells.empty())
        return false;
    const int64_t cx = static_cast<int64_t>(std::floor(x / m_cell));
    const int64_t cy = static_cast<int64_t>(std::floor(y / m_cell));
    const int64_t r = static_cast<int64_t>(std::ceil(radius / m_cell)) + 1;
    bool found = false;
    for (int64_t ix = std::max(cx - r, m_minX); ix <= std::min(cx + r, m_maxX) && !found; ++ix)
        for (int64_t iy = std::max(cy - r, m_minY); iy <= std::min(cy + r, m_maxY) && !found; ++iy)
            forCell(ix, iy, [&](const Seg& s) {
                double ox, oy;
                pointSegmentOffset(x, y, s.x0, s.y0, s.x1, s.y1, ox, oy);
                found = found || (mayBeWithin(ox, oy, radius) && std::hypot(ox, oy) <= radius);
            });
    return found;
}

} // namespace bando::analysis
