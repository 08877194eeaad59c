#include "core/model/schema.hpp"

#include "core/base/error.hpp"

#include <algorithm>

namespace bando::schema {
namespace {

FieldDef text(const char* n, int w = 0) { return {n, FieldType::Text, w, false}; }
FieldDef integer(const char* n) { return {n, FieldType::Integer, 0, false}; }
FieldDef real(const char* n) { return {n, FieldType::Real, 0, false}; }

std::vector<LayerSchema> build()
{
    std::vector<LayerSchema> s;
    s.push_back({kDistricts, GeomType::MultiPolygon,
                 {text("code", 3), text("name"), text("type"), text("seat_name"), real("area_km2_official"),
                  integer("population"), integer("households"), integer("phase"), real("area_km2")},
                 "District-level units (GSO codes)"});
    s.push_back({kCommunes, GeomType::MultiPolygon,
                 {text("code", 5), text("name"), text("type"), text("district_code", 3), integer("population"),
                  integer("households"), real("area_km2")},
                 "Commune-level units (GSO codes)"});
    s.push_back({kVillages, GeomType::MultiPolygon,
                 {text("code"), text("name"), text("commune_code", 5), text("district_code", 3),
                  integer("population"), integer("households"), real("area_km2")},
                 "Villages (thôn, bản, khối phố, tổ dân phố)"});
    s.push_back({kRoads, GeomType::LineString,
                 {text("ref"), text("name"), text("class")},
                 "Road network (national, provincial, district)"});
    s.push_back({kPlaces, GeomType::Point,
                 {text("name"), text("kind"), text("code")},
                 "District and commune seats"});
    return s;
}

} // namespace

// Layers added by later issues live in their own files (schema_telecom.cpp, ...), each
// appending LayerSchema entries with their migration version.
void appendTelecomSchemas(std::vector<LayerSchema>& out);
void appendProgramSchemas(std::vector<LayerSchema>& out);
void appendImportSchemas(std::vector<LayerSchema>& out);
void appendAnalysisSchemas(std::vector<LayerSchema>& out);
void appendPlanningSchemas(std::vector<LayerSchema>& out);
void appendOptimSchemas(std::vector<LayerSchema>& out);
void appendUnitsSchemas(std::vector<LayerSchema>& out);  // core/units/schema_units.cpp
void appendEditSchemas(std::vector<LayerSchema>& out);

int currentVersion()
{
    int v = 1;
    for (const auto& s : all())
        v = std::max(v, s.sinceVersion);
    return v;
}

const std::vector<LayerSchema>& all()
{
    static const std::vector<LayerSchema> schemas = [] {
        auto s = build();
        appendTelecomSchemas(s);
        appendProgramSchemas(s);
        appendImportSchemas(s);
        appendAnalysisSchemas(s);
        appendPlanningSchemas(s);
        appendOptimSchemas(s);
        appendUnitsSchemas(s);
        appendEditSchemas(s);
        return s;
    }();
    return schemas;
}

const LayerSchema& layer(const std::string& name)
{
    for (const auto& s : all())
        if (s.name == name)
            return s;
    throw Error(ErrorKind::Store, "schema", "unknown layer '" + name + "'");
}

Layer makeLayer(const std::string& name)
{
    const auto& s = layer(name);
    Layer l;
    l.name = s.name;
    l.geomType = s.geomType;
    l.epsg = 4326;
    l.fields = s.fields;
    return l;
}

} // namespace bando::schema
