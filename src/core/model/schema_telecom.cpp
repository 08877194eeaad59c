// Telecom and settlement layers (schema version 2, issue #3).
#include "core/model/schema.hpp"

namespace bando::schema {

void appendTelecomSchemas(std::vector<LayerSchema>& out)
{
    auto T = [](const char* n) { return FieldDef{n, FieldType::Text, 0, false}; };
    auto I = [](const char* n) { return FieldDef{n, FieldType::Integer, 0, false}; };
    auto R = [](const char* n) { return FieldDef{n, FieldType::Real, 0, false}; };
    out.push_back({"settlements", GeomType::Point,
                   {T("village_code"), I("households"), I("is_centre"), T("name")},
                   "Household clusters of each village (the centre / cultural house marked)", 2});
    out.push_back({"sites", GeomType::Point,
                   {T("site_id"), T("operator"), T("technology"), I("band_mhz"), R("height_m"), R("eirp_dbm"),
                    R("ground_m"), T("district_code")},
                   "Mobile base stations", 2});
    out.push_back({"coverage", GeomType::MultiPolygon,
                   {T("operator"), T("technology"), T("level")},
                   "Modelled mobile coverage per operator and technology: good, and weak (the ring outside good)", 2});
    out.push_back({"broadband_nodes", GeomType::Point,
                   {T("node_id"), T("kind"), T("district_code")},
                   "Fixed broadband OLTs and cabinets", 2});
    out.push_back({"fibre", GeomType::LineString,
                   {T("district_code"), T("kind")},
                   "Fibre lines along roads", 2});
}

} // namespace bando::schema
