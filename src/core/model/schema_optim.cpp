// Tables and layers of the planning optimisation (issue #11, schema versions 6 and 7): candidate sites a
// user imports, the chosen sites of each `bando sites` scenario, the support-team bases of each
// `bando bases` scenario and the operators' gap villages of each `bando split` scenario, and the support-team schedules of `bando schedule` (version 7). Every column is documented
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
    out.push_back({"planned_site_villages", GeomType::None,
                   {T("scenario"), T("village_code"), T("district_code"), T("class_before"), T("class_after"),
                    R("share_good_before"), R("share_good_after")},
                   "Optimisation: the villages whose class changes with the sites of each bando sites scenario", 7});
    // Support-team schedules (bando schedule, schema version 7).
    out.push_back({"team_schedule", GeomType::Point,
                   {T("scenario"), T("created"), T("team"), T("base_commune_code"), T("village_code"),
                    T("village_name"), T("district_code"), I("rank"), T("visit_date"), I("week"), I("slot"),
                    R("leg_km"), T("target_date")},
                   "Schedule: which support team visits which village on which day (bando schedule); "
                   "unscheduled villages have no team and no date", 7});
    out.push_back({"team_schedule_districts", GeomType::None,
                   {T("scenario"), T("district_code"), I("villages"), I("unscheduled"), T("last_visit"),
                    T("target_date"), T("naive_last_visit"), T("naive_target_date")},
                   "Schedule: per district, the last visit and the expected target date, planned and naive", 7});
    out.push_back({"team_schedule_runs", GeomType::None,
                   {T("scenario"), T("created"), T("bases_scenario"), T("from_date"), T("to_date"), I("teams"),
                    I("villages_per_day"), R("lag_weeks"), I("villages"), I("unscheduled"), T("finish_date"),
                    I("team_days"), R("travel_km"), T("naive_finish_date"), I("naive_team_days"),
                    R("naive_travel_km")},
                   "Schedule: the totals of each bando schedule scenario, planned and naive (2021 order)", 7});
}

} // namespace bando::schema
