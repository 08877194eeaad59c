// Tables written by the planning core (issue #10, schema versions 5 and 6): saved ranking presets,
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
    // Schema version 6: the stored results of `bando check --store` and `bando progress --store`.
    out.push_back({"check_findings", GeomType::Point,
                   {T("checked"), T("kind"), T("severity"), T("level"), T("code"), T("name"), T("layer"), I("row"),
                    T("date"), T("rule"), T("message"), T("figures")},
                   "Planning: the findings of the last `bando check --store` (point: the centre of the place)", 6});
    out.push_back({"progress_levels", GeomType::None,
                   {T("date"), T("source"), T("level"), T("code"), T("name"), T("parent"), I("households"), I("shops"),
                    I("accounts"), I("locomotives"), I("teams"), I("villages"), I("villages_team_rule_met"),
                    R("target_shop_pct"), R("target_epay_pct"), R("target_locomotive_pct"), I("target_shops"),
                    I("target_accounts"), I("target_locomotives"), R("shop_pct"), R("epay_pct"), R("locomotive_pct")},
                   "Planning: progress at every level at a date (`bando progress --store`; join on level and code)", 6});
    out.push_back({"progress_forecasts", GeomType::None,
                   {T("date"), T("source"), I("window_days"), T("level"), T("code"), T("name"), T("measure"),
                    T("status"), R("current"), R("target"), R("pace_per_day"), T("forecast_date"), T("phase_end"),
                    I("late")},
                   "Planning: the date each place reaches each target at its recent pace (`bando progress --store`)", 6});
    // Schema version 7: target scenarios (`bando targets|progress --scenario NAME`).
    out.push_back({"target_scenarios", GeomType::None,
                   {T("scenario"), T("scope"), T("code"), R("shop_pct"), R("epay_pct"), R("locomotive_pct"),
                    I("households_claimed"), T("source")},
                   "Planning: alternative target rows under a scenario name (`bando targets --scenario`; the phases are shared)", 7});
}

} // namespace bando::schema
