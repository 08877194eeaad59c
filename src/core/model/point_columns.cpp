#include "core/model/point_columns.hpp"

#include <cstring>

namespace bando {

ValueInterner::ValueInterner() { m_values.emplace_back(); }

uint32_t ValueInterner::intern(char tag, std::string_view bytes, Value (*make)(std::string_view))
{
    m_key.assign(1, tag);
    m_key.append(bytes);
    auto it = m_ids.find(std::string_view(m_key));
    if (it != m_ids.end())
        return it->second;
    const auto id = static_cast<uint32_t>(m_values.size());
    m_values.push_back(make(bytes));
    m_ids.emplace(m_key, id);
    return id;
}

uint32_t ValueInterner::integer(int64_t v)
{
    char b[sizeof v];
    std::memcpy(b, &v, sizeof v);
    return intern('i', {b, sizeof b}, [](std::string_view s) {
        int64_t x;
        std::memcpy(&x, s.data(), sizeof x);
        return Value{x};
    });
}

uint32_t ValueInterner::real(double v)
{
    char b[sizeof v];
    std::memcpy(b, &v, sizeof v);
    return intern('r', {b, sizeof b}, [](std::string_view s) {
        double x;
        std::memcpy(&x, s.data(), sizeof x);
        return Value{x};
    });
}

uint32_t ValueInterner::text(std::string_view v)
{
    return intern('t', v, [](std::string_view s) { return Value{std::string(s)}; });
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
