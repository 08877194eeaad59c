// Layers and tables added by the import work (issue #4): surveyed coverage-gap lists and saved
// field mappings (schema version 3). Owned by the import/export module.
#include "core/model/schema.hpp"

namespace bando::schema {

void appendImportSchemas(std::vector<LayerSchema>& out)
{
    auto T = [](const char* n, int w = 0) { return FieldDef{n, FieldType::Text, w, false}; };
    auto I = [](const char* n) { return FieldDef{n, FieldType::Integer, 0, false}; };
    out.push_back({"survey_gaps", GeomType::None,
                   {T("village_code"), T("village_name"), T("commune_code", 5), T("district_code", 3), T("operator"),
                    T("status"), T("surveyed"), T("source"), I("source_row"), T("note")},
                   "Surveyed coverage gaps (villages reported without or with unstable signal / broadband)", 3});
    out.push_back({"import_mappings", GeomType::None,
                   {T("source_kind"), T("target_layer"), T("target_field"), T("source_field")},
                   "Field mappings of the last import per source kind and layer", 3});
}

} // namespace bando::schema
