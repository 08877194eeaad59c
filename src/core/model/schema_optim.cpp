// Tables and layers of the planning optimisation (issue #11, schema version 6): candidate sites a
// user imports, the chosen sites of each `bando sites` scenario, the support-team bases of each
// `bando bases` scenario and the operators' gap villages of each `bando split` scenario. Every column is documented
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
    out.push_back({"team_bases", GeomType::Point,
                   {T("scenario"), T("created"), T("commune_code"), T("name"), T("district_code"), I("villages"),
                    R("households"), R("mean_km"), R("max_km"), R("objective_hh_km")},
                   "Optimisation: the support-team base communes of each bando bases scenario (p-median)", 6});
    out.push_back({"team_base_villages", GeomType::None,
                   {T("scenario"), T("village_code"), T("base_commune_code"), R("households"), R("road_km")},
                   "Optimisation: each village's base in each bando bases scenario (its nearest base by road)", 6});
    out.push_back({"operator_gap_villages", GeomType::Point,
                   {T("scenario"), T("village_code"), T("village_name"), T("district_code"), T("operator"),
                    R("households"), R("site_km")},
                   "Optimisation: which operator takes each gap village in each bando split scenario", 6});
    out.push_back({"operator_gap_shares", GeomType::None,
                   {T("scenario"), T("operator"), R("target_pct"), R("achieved_pct"), I("villages"), R("households"),
                    R("mean_site_km"), R("mean_centre_km")},
                   "Optimisation: each operator's share of the gap households in each bando split scenario", 6});
}

} // namespace bando::schema
