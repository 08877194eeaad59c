#include "core/model/point_columns.hpp"

#include <cstring>

namespace bando {

namespace {

uint64_t mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

uint64_t hashBytes(std::string_view s)
{
    uint64_t h = 0x9e3779b97f4a7c15ull ^ s.size();
    size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
        uint64_t w;
        std::memcpy(&w, s.data() + i, 8);
        h = mix(h ^ w);
    }
    uint64_t w = 0;
    std::memcpy(&w, s.data() + i, s.size() - i);
    return mix(h ^ w ^ 0x74ull);
}

} // namespace

ValueInterner::ValueInterner() : m_slots(64, 0)
{
    m_values.emplace_back();
    m_hashes.push_back(0);
}

void ValueInterner::grow()
{
    m_slots.assign(m_slots.size() * 2, 0);
    const size_t mask = m_slots.size() - 1;
    for (uint32_t id = 1; id < m_values.size(); ++id) {
        size_t slot = static_cast<size_t>(m_hashes[id]) & mask;
        while (m_slots[slot] != 0)
            slot = (slot + 1) & mask;
        m_slots[slot] = id + 1;
    }
}

template <class Same, class Make> uint32_t ValueInterner::intern(uint64_t hash, Same&& same, Make&& make)
{
    if (2 * m_values.size() >= m_slots.size())
        grow();
    const size_t mask = m_slots.size() - 1;
    size_t slot = static_cast<size_t>(hash) & mask;
    while (const uint32_t u = m_slots[slot]) {
        const uint32_t id = u - 1;
        if (m_hashes[id] == hash && same(m_values[id]))
            return id;
        slot = (slot + 1) & mask;
    }
    const auto id = static_cast<uint32_t>(m_values.size());
    m_values.push_back(make());
    m_hashes.push_back(hash);
    m_slots[slot] = id + 1;
    return id;
}

uint32_t ValueInterner::integer(int64_t v)
{
    return intern(
        mix(static_cast<uint64_t>(v) ^ 0x69ull),
        [v](const Value& x) {
            auto* i = std::get_if<int64_t>(&x);
            return i && *i == v;
        },
        [v] { return Value{v}; });
}

uint32_t ValueInterner::real(double v)
{
    uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    return intern(
        mix(bits ^ 0x72ull),
        [bits](const Value& x) {
            auto* d = std::get_if<double>(&x);
            if (!d)
                return false;
            uint64_t b;
            std::memcpy(&b, d, sizeof b);
            return b == bits;
        },
        [v] { return Value{v}; });
}

uint32_t ValueInterner::text(std::string_view v)
{
    return intern(
        hashBytes(v),
        [v](const Value& x) {
            auto* s = std::get_if<std::string>(&x);
            return s && std::string_view(*s) == v;
        },
        [v] { return Value{std::string(v)}; });
}

uint32_t ValueInterner::add(const Value& v)
{
    if (auto* i = std::get_if<int64_t>(&v))
        return integer(*i);
    if (auto* d = std::get_if<double>(&v))
        return real(*d);
    if (auto* s = std::get_if<std::string>(&v))
        return text(*s);
    return null();
}

bool firstPointOf(const Geometry& g, XY& p)
{
    if (g.isEmpty() || g.parts[0].empty() || g.parts[0][0].empty())
        return false;
    p = g.parts[0][0][0];
    return true;
}

PointColumns PointColumns::fromLayer(const Layer& layer, const std::vector<std::string>& columns)
{
    PointColumns out;
    out.epsg = layer.epsg;
    out.columns = columns;
    const size_t n = layer.features.size();
    out.xy.resize(n);
    out.hasPoint.resize(n);
    for (size_t k = 0; k < n; ++k)
        out.hasPoint[k] = firstPointOf(layer.features[k].geom, out.xy[k]) ? 1 : 0;
    for (const auto& name : columns) {
        const int i = layer.fieldIndex(name);
        ValueInterner interner;
        std::vector<uint32_t> ids(n, interner.null());
        if (i >= 0)
            for (size_t k = 0; k < n; ++k) {
                const auto& values = layer.features[k].values;
                if (static_cast<size_t>(i) < values.size())
                    ids[k] = interner.add(values[static_cast<size_t>(i)]);
            }
        out.ids.push_back(std::move(ids));
        out.values.push_back(interner.take());
    }
    return out;
}

} // namespace bando
