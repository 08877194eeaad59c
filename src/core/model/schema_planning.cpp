// Tables written by the planning core (issue #10, schema version 5): saved ranking presets,
// named scenarios (inputs, weights, results, per-criterion contributions) and the commune flags
// the telecom preset reads. Every column is documented in docs/PLANNING.md. Owned by the
// planning module.
#include "core/model/schema.hpp"

namespace bando::schema {

void appendPlanningSchemas(std::vector<LayerSchema>& out)
{
    auto T = [](const char* n) { return FieldDef{n, FieldType::Text, 0, false}; };
    auto I = [](const char* n) { return FieldDef{n, FieldType::Integer, 0, false}; };
    auto R = [](const char* n) { return FieldDef{n, FieldType::Real, 0, false}; };
    out.push_back({"planning_presets", GeomType::None,
                   {T("preset"), T("criterion"), T("field"), T("normalisation"), T("direction"), R("weight"),
                    T("reason")},
                   "Planning: ranking presets saved in the project (one row per criterion)", 5});
    out.push_back({"scenarios", GeomType::None,
                   {T("scenario"), T("kind"), T("created"), T("indicators_date"), T("preset"), T("filter"),
                    I("villages"), I("top_n"), I("runs"), I("seed"), R("spread")},
                   "Planning: named scenarios (their inputs; see scenario_weights and scenario_results)", 5});
    out.push_back({"scenario_weights", GeomType::None,
                   {T("scenario"), T("criterion"), T("field"), T("normalisation"), T("direction"), R("weight")},
                   "Planning: the criteria and weights of each scenario", 5});
    out.push_back({"scenario_results", GeomType::None,
                   {T("scenario"), I("rank"), T("village_code"), T("village_name"), T("commune_code"),
                    T("district_code"), R("score"), I("rank_min"), I("rank_max"), R("top_share"), I("robust")},
                   "Planning: every ranked village of each scenario (join villages on village_code = code)", 5});
    out.push_back({"scenario_contributions", GeomType::None,
                   {T("scenario"), T("village_code"), T("criterion"), R("value"), R("normalised"), R("contribution")},
                   "Planning: each criterion's contribution to each village's score (they sum to the score)", 5});
    out.push_back({"commune_flags", GeomType::None,
                   {T("commune_code"), T("flag"), T("source")},
                   "Planning: border and particularly difficult communes (flag: border | difficult)", 5});
}

} // namespace bando::schema
