#pragma once
// In-memory layers: a field schema, features with attribute values and geometry, and a CRS.
#include "core/model/geometry.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace bando {

enum class FieldType { Integer, Real, Text, Date };

struct FieldDef {
    std::string name;
    FieldType type = FieldType::Text;
    int width = 0;  // 0 = unlimited
    bool notNull = false;
};

// null, integer, real or text (dates are ISO-8601 text).
using Value = std::variant<std::monostate, int64_t, double, std::string>;

bool isNull(const Value& v);
std::string toString(const Value& v);
std::optional<int64_t> toInt(const Value& v);
std::optional<double> toReal(const Value& v);

struct Feature {
    int64_t fid = -1;
    Geometry geom;
    std::vector<Value> values;  // aligned with Layer::fields
};

struct Layer {
    std::string name;
    GeomType geomType = GeomType::None;
    int epsg = 4326;
    std::vector<FieldDef> fields;
    std::vector<Feature> features;

    int fieldIndex(const std::string& field) const;  // -1 when absent
    int requireField(const std::string& field) const;  // throws bando::Error(Store)
    Extent extent() const;

    const Value& value(const Feature& f, const std::string& field) const;
    std::string text(const Feature& f, const std::string& field) const;
    int64_t integer(const Feature& f, const std::string& field, int64_t fallback = 0) const;
    double real(const Feature& f, const std::string& field, double fallback = 0) const;

    Feature& addFeature(Geometry g);  // values sized to the schema, all null
    void set(Feature& f, const std::string& field, Value v) const;
    // Reprojection is crs::reproject(layer, epsg) (core/crs/reproject.hpp).
};

} // namespace bando
