// The edit log (issue #14, schema version 6): every attribute edit made through core/edit, its
// undo and redo, with who and when. Owned by core/edit (docs/WORKBENCH.md).
#include "core/model/schema.hpp"

namespace bando::schema {

void appendEditSchemas(std::vector<LayerSchema>& out)
{
    auto T = [](const char* n) { return FieldDef{n, FieldType::Text, 0, false}; };
    auto I = [](const char* n) { return FieldDef{n, FieldType::Integer, 0, false}; };
    // One row per changed field. action: edit | undo | redo. An edit's rows share `edit_group`
    // (the fid of its first row); undo/redo rows name the group they undo or redo. `state` of an
    // edit row: 0 applied, 1 undone (can be redone), 2 undone and dropped by a later edit.
    out.push_back({"edit_log", GeomType::None,
                   {T("at"), T("who"), T("action"), I("edit_group"), T("layer"), I("feature_fid"), T("feature_key"),
                    T("field"), T("old_value"), T("new_value"), I("state")},
                   "Edits of attribute values with undo / redo: who, when, old -> new", 6});
}

} // namespace bando::schema
