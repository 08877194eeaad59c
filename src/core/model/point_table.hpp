#pragma once
// An exact (bit for bit) table of distinct points: each point added gets the index of its first
// occurrence. Open addressing on the coordinates' bits, for the hot loops that transform or look
// up every vertex of a layer once (crs::reproject, the gap geometry's way back to the villages'
// CRS): several times faster than a node-based std::unordered_map.
#include "core/model/geometry.hpp"

#include <cstdint>
#include <cstring>
#include <vector>

namespace bando {

class PointTable {
public:
    explicit PointTable(size_t expected = 0)
    {
        size_t capacity = 16;
        while (capacity < 2 * expected)
            capacity *= 2;
        m_slots.assign(capacity, kEmpty);
    }

    // The index of `p` among the distinct points: an earlier one's, or the next (and `added` set).
    uint32_t add(const XY& p, bool* added = nullptr)
    {
        if (2 * (m_points.size() + 1) > m_slots.size())
            grow();
        const uint64_t bx = bits(p.x), by = bits(p.y);
        size_t slot = slotOf(bx, by);
        while (true) {
            const uint32_t u = m_slots[slot];
            if (u == kEmpty) {
                m_slots[slot] = static_cast<uint32_t>(m_points.size());
                m_points.push_back(p);
                if (added)
                    *added = true;
                return m_slots[slot];
            }
            if (bits(m_points[u].x) == bx && bits(m_points[u].y) == by) {
                if (added)
                    *added = false;
                return u;
            }
            slot = (slot + 1) & (m_slots.size() - 1);
        }
    }
    const std::vector<XY>& points() const { return m_points; }
    size_t size() const { return m_points.size(); }

private:
    static constexpr uint32_t kEmpty = 0xffffffffu;
    static uint64_t bits(double v)
    {
        uint64_t b;
        std::memcpy(&b, &v, sizeof b);
        return b;
    }
    size_t slotOf(uint64_t bx, uint64_t by) const
    {
        const uint64_t h = (bx ^ (by * 0x9e3779b97f4a7c15ull)) * 0xff51afd7ed558ccdull;
        return static_cast<size_t>(h >> 32) & (m_slots.size() - 1);
    }
    void grow()
    {
        m_slots.assign(m_slots.size() * 2, kEmpty);
        for (uint32_t u = 0; u < m_points.size(); ++u) {
            size_t slot = slotOf(bits(m_points[u].x), bits(m_points[u].y));
            while (m_slots[slot] != kEmpty)
                slot = (slot + 1) & (m_slots.size() - 1);
            m_slots[slot] = u;
        }
    }
    std::vector<uint32_t> m_slots;
    std::vector<XY> m_points;
};

} // namespace bando
