// Tables and layers written by the analysis (issue #9, schema version 4): per-village
// indicators per date, per-village coverage shares per operator × technology, the coverage gap
// geometry, the roll-ups and the fingerprints of the inputs of the last run. Every column is
// documented in docs/ANALYSIS.md. Owned by the analysis module.
#include "core/model/schema.hpp"

namespace bando::schema {

void appendAnalysisSchemas(std::vector<LayerSchema>& out)
{
    auto T = [](const char* n, int w = 0) { return FieldDef{n, FieldType::Text, w, false}; };
    auto I = [](const char* n) { return FieldDef{n, FieldType::Integer, 0, false}; };
    auto R = [](const char* n) { return FieldDef{n, FieldType::Real, 0, false}; };
    out.push_back({"village_indicators", GeomType::None,
                   {T("date"), T("since"), T("village_code"), T("village_name"), T("commune_code", 5),
                    T("district_code", 3), R("area_km2"), I("households"), I("settlements"),
                    I("shops"), I("epay"), I("locomotive"), I("shops_since"), I("epay_since"),
                    I("locomotive_since"), I("shops_change"), I("epay_change"), I("locomotive_change"),
                    I("boundary_shops"), T("target_scope"), R("target_shop_pct"), R("target_epay_pct"),
                    R("target_locomotive_pct"), R("shop_pct"), R("epay_pct"), R("locomotive_pct"),
                    R("shop_vs_target"), R("shops_per_km2"), I("teams"), I("team_members"), I("team_trained"),
                    I("team_rule_met"), T("class"), R("share_good"), R("share_any"), R("share_broadband"),
                    I("broadband"), R("area_good_share"), R("area_weak_only_share"), R("hh_good_share"),
                    R("hh_weak_only_share"), R("gap_area_km2"), R("weak_only_area_km2"), R("gap_households"),
                    R("weak_only_households"), T("centre_signal"), R("dist_olt_m"), R("dist_cabinet_m"),
                    R("dist_fibre_m"), R("line_commune_seat_m"), R("line_district_seat_m"), R("line_main_road_m"),
                    R("road_commune_seat_m"), R("road_district_seat_m"), R("road_main_road_m"),
                    R("minutes_commune_seat"), R("minutes_district_seat"), R("minutes_main_road"),
                    I("reaches_network"), R("snap_m"), I("metric_epsg")},
                   "Analysis: indicators of every village at a date (join on village_code; see docs/ANALYSIS.md)", 4});
    out.push_back({"village_coverage", GeomType::None,
                   {T("village_code"), T("operator"), T("technology"), R("area_good_share"),
                    R("area_weak_only_share"), R("hh_good_share"), R("hh_weak_only_share"), T("centre_signal")},
                   "Analysis: coverage shares of every village per operator x technology, per operator and any", 4});
    out.push_back({"coverage_gaps", GeomType::MultiPolygon,
                   {T("village_code"), T("commune_code", 5), T("district_code", 3), T("operator"), T("kind"),
                    R("area_m2"), R("households")},
                   "Analysis: parts of villages without coverage (no_coverage) or with weak coverage only", 4});
    out.push_back({"unit_indicators", GeomType::None,
                   {T("date"), T("level"), T("code"), T("name"), I("villages"), I("households"), I("shops"),
                    I("epay"), I("locomotive"), I("shops_since"), I("epay_since"), I("locomotive_since"),
                    R("shop_pct"), R("epay_pct"), R("locomotive_pct"), R("shops_per_km2"), R("area_km2"),
                    I("teams"), I("villages_team_rule_met"), I("no_signal"), I("unstable"), I("covered"),
                    I("no_broadband"), R("gap_households"), R("weak_only_households"), R("gap_area_km2"),
                    I("villages_unreachable")},
                   "Analysis: village indicators rolled up to commune, district and province per date", 4});
    out.push_back({"analysis_state", GeomType::None,
                   {T("part"), T("layer"), T("fingerprint"), T("computed")},
                   "Analysis: fingerprints of the input layers each part of the last run used", 4});
    // one row per input layer, bumped by SQLite triggers on that layer (ProjectStore::ensureChangeCounters)
    out.push_back({"layer_changes", GeomType::None, {T("layer"), I("changes")},
                   "Analysis: edits seen on each input layer (any program), for the incremental re-run", 7});
}

} // namespace bando::schema
