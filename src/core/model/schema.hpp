#pragma once
// The project's layer schemas. A layer's schema is declared once here; the store's migrations
// create layers from these declarations and the generator and importers fill them.
#include "core/model/layer.hpp"

#include <string>
#include <vector>

namespace bando::schema {

// Current Bando schema version (kept in the bando_meta table, never in PRAGMA user_version).
int currentVersion();

struct LayerSchema {
    std::string name;
    GeomType geomType = GeomType::None;
    std::vector<FieldDef> fields;
    std::string description;  // written to gpkg_contents.description
    int sinceVersion = 1;     // schema version whose migration creates the layer
};

const LayerSchema& layer(const std::string& name);  // throws bando::Error(Store) when unknown
const std::vector<LayerSchema>& all();
// An empty in-memory layer with this schema, in WGS 84.
Layer makeLayer(const std::string& name);

// Names of the core layers.
inline constexpr const char* kDistricts = "districts";
inline constexpr const char* kCommunes = "communes";
inline constexpr const char* kVillages = "villages";
inline constexpr const char* kRoads = "roads";
inline constexpr const char* kPlaces = "places";

} // namespace bando::schema
