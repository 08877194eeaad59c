#include "core/model/layer.hpp"

#include "core/base/error.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace bando {

bool isNull(const Value& v) { return std::holds_alternative<std::monostate>(v); }

std::string toString(const Value& v)
{
    if (auto* i = std::get_if<int64_t>(&v))
        return std::to_string(*i);
    if (auto* d = std::get_if<double>(&v)) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.15g", *d);
        return buf;
    }
    if (auto* s = std::get_if<std::string>(&v))
        return *s;
    return {};
}

std::optional<int64_t> toInt(const Value& v)
{
    if (auto* i = std::get_if<int64_t>(&v))
        return *i;
    if (auto* d = std::get_if<double>(&v))
        return static_cast<int64_t>(std::llround(*d));
    if (auto* s = std::get_if<std::string>(&v)) {
        int64_t out = 0;
        auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), out);
        if (ec == std::errc() && p == s->data() + s->size())
            return out;
    }
    return std::nullopt;
}

std::optional<double> toReal(const Value& v)
{
    if (auto* i = std::get_if<int64_t>(&v))
        return static_cast<double>(*i);
    if (auto* d = std::get_if<double>(&v))
        return *d;
    if (auto* s = std::get_if<std::string>(&v)) {
        double out = 0;
        auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), out);
        if (ec == std::errc() && p == s->data() + s->size())
            return out;
    }
    return std::nullopt;
}

int Layer::fieldIndex(const std::string& field) const
{
    for (size_t i = 0; i < fields.size(); ++i)
        if (fields[i].name == field)
            return static_cast<int>(i);
    return -1;
}

int Layer::requireField(const std::string& field) const
{
    int i = fieldIndex(field);
    if (i < 0)
        throw Error(ErrorKind::Store, "layer " + name, "missing field '" + field + "'");
    return i;
}

Extent Layer::extent() const
{
    Extent e;
    for (const auto& f : features)
        e.expand(f.geom.extent());
    return e;
}

const Value& Layer::value(const Feature& f, const std::string& field) const
{
    static const Value null;
    int i = fieldIndex(field);
    if (i < 0 || static_cast<size_t>(i) >= f.values.size())
        return null;
    return f.values[i];
}

std::string Layer::text(const Feature& f, const std::string& field) const { return toString(value(f, field)); }

int64_t Layer::integer(const Feature& f, const std::string& field, int64_t fallback) const
{
    return toInt(value(f, field)).value_or(fallback);
}

double Layer::real(const Feature& f, const std::string& field, double fallback) const
{
    return toReal(value(f, field)).value_or(fallback);
}

Feature& Layer::addFeature(Geometry g)
{
    Feature f;
    f.fid = static_cast<int64_t>(features.size()) + 1;
    f.geom = std::move(g);
    f.values.resize(fields.size());
    features.push_back(std::move(f));
    return features.back();
}

void Layer::set(Feature& f, const std::string& field, Value v) const
{
    int i = requireField(field);
    if (f.values.size() < fields.size())
        f.values.resize(fields.size());
    f.values[i] = std::move(v);
}

} // namespace bando
