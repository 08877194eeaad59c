// Tables and layers written by `bando units` (issue #17, schema version 6): the versioned
// registry, the project's crosswalk (shares by households along village lines), the unit of every
// village in each version, the indicators re-expressed in a version, and the commune polygons of
// the newer versions dissolved from the villages. Every table that stores a unit stores its
// version: codes are not keys across versions. Columns: docs/UNITS.md.
#include "core/model/schema.hpp"

namespace bando::schema {

void appendUnitsSchemas(std::vector<LayerSchema>& out)
{
    auto T = [](const char* n, int w = 0) { return FieldDef{n, FieldType::Text, w, false}; };
    auto I = [](const char* n) { return FieldDef{n, FieldType::Integer, 0, false}; };
    auto R = [](const char* n) { return FieldDef{n, FieldType::Real, 0, false}; };
    out.push_back({"unit_versions", GeomType::None,
                   {T("version"), T("level"), T("code"), T("name"), T("type"), T("parent_code"), T("parent_name"),
                    T("valid_from"), T("valid_to")},
                   "Units: the administrative units of every version (join on version + code)", 6});
    out.push_back({"unit_crosswalk", GeomType::None,
                   {T("from_version"), T("from_code"), T("from_name"), T("to_version"), T("to_code"), T("to_name"),
                    R("share"), T("basis"), T("confidence"), I("villages"), I("households"), R("area_km2"), T("note")},
                   "Units: crosswalk between versions; share of the old unit in the new one", 6});
    out.push_back({"village_units", GeomType::None,
                   {T("village_code"), T("village_name"), T("from_version"), T("from_code"), T("version"),
                    T("unit_code"), T("unit_name"), T("how")},
                   "Units: the unit of every village in a version (whole unit, or split along village lines)", 6});
    out.push_back({"unit_indicators_versioned", GeomType::None,
                   {T("version"), T("date"), T("level"), T("code"), T("name"), T("parent_code"), I("villages"),
                    I("households"), I("shops"), I("epay"), I("locomotive"), R("shop_pct"), R("epay_pct"),
                    R("locomotive_pct"), R("area_km2"), R("shops_per_km2"), I("teams"), I("villages_team_rule_met"),
                    I("no_signal"), I("unstable"), I("covered"), I("no_broadband"), R("gap_households"),
                    R("weak_only_households"), R("gap_area_km2"), R("hh_good_share"), R("minutes_main_road"),
                    T("method"), T("sources")},
                   "Units: village indicators re-expressed in a unit version (method: exact, summed, apportioned)", 6});
    out.push_back({"village_crosswalk", GeomType::None,
                   {T("from_version"), T("from_code"), T("from_name"), T("commune_code", 5), T("to_version"),
                    T("to_code"), T("to_name"), T("how"), I("synthetic"), T("note")},
                   "Units: village versions (how: unchanged, merged, dissolved); the sample's is synthetic", 6});
    // schema version 7: the targets, progress reports and gap lists re-expressed (`bando units --what`)
    out.push_back({"unit_targets_versioned", GeomType::None,
                   {T("version"), T("level"), T("code"), T("name"), I("households"), R("target_shops"),
                    R("target_accounts"), R("target_locomotives"), R("target_shop_pct"), R("target_epay_pct"),
                    R("target_locomotive_pct"), T("scopes"), I("uniform"), T("method"), T("sources")},
                   "Units: the program targets re-expressed in a unit version (households x the villages' targets)", 7});
    out.push_back({"unit_progress_versioned", GeomType::None,
                   {T("version"), T("date"), T("from_scope"), T("level"), T("code"), T("name"), I("shops"),
                    I("accounts"), I("locomotives"), I("teams"), I("members"), T("method"), T("basis"), T("sources")},
                   "Units: the reported progress figures re-expressed in a unit version (method: exact, summed, apportioned)", 7});
    out.push_back({"unit_gaps_versioned", GeomType::None,
                   {T("version"), T("list"), T("village_code"), T("village_name"), T("from_version"), T("from_code"),
                    T("unit_code"), T("unit_name"), T("how"), T("status"), T("operator"), T("date"), T("source"),
                    I("households"), R("gap_households"), R("gap_area_km2")},
                   "Units: the gap villages (analysis) and surveyed gaps with their unit in a version", 7});
    for (const char* name : {"communes_v2024_12", "communes_v2025_07"})
        out.push_back({name, GeomType::MultiPolygon,
                       {T("version"), T("code", 5), T("name"), T("type"), T("parent_code"), I("villages"),
                        I("households"), I("population"), R("area_km2"), T("method"), T("sources")},
                       "Units: commune-level units of a later version, dissolved from the villages", 6});
}

} // namespace bando::schema
