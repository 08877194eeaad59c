// Tables and layers of the planning optimisation (issue #11, schema version 6): candidate sites a
// user imports, and the chosen sites of each `bando sites` scenario. Every column is documented
// in docs/OPTIMISATION.md. Owned by the optimisation module.
#include "core/model/schema.hpp"

namespace bando::schema {

void appendOptimSchemas(std::vector<LayerSchema>& out)
{
    auto T = [](const char* n) { return FieldDef{n, FieldType::Text, 0, false}; };
    auto I = [](const char* n) { return FieldDef{n, FieldType::Integer, 0, false}; };
    auto R = [](const char* n) { return FieldDef{n, FieldType::Real, 0, false}; };
    out.push_back({"site_candidates", GeomType::Point,
                   {T("candidate_id"), T("name"), R("cost"), T("source")},
                   "Optimisation: candidate places for new base stations (bando sites reads them)", 6});
    out.push_back({"planned_sites", GeomType::Point,
                   {T("scenario"), T("created"), I("pick"), T("site_id"), I("locked"), R("radius_km"), R("cost"),
                    I("settlements"), R("households"), R("households_in_reach"), R("cost_per_household"),
                    R("objective"), R("bound"), I("optimal")},
                   "Optimisation: the new base stations chosen by each bando sites scenario", 6});
}

} // namespace bando::schema
