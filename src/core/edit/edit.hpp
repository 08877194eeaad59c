#pragma once
// Attribute edits with undo / redo, stored in the project (issue #14).
//
// An edit sets fields of one feature. It is validated with the import's rules (checkFeature:
// household and team counts, target percentages, gap statuses, field types and widths; key
// fields are never edited here), then committed at once in its own transaction together with its
// rows in `edit_log` (who, when, old -> new). Undo applies the compensating edit the same way
// (validated, one transaction, logged as `undo`), redo re-applies it; a new edit drops what could
// be redone. Undo and redo refuse when the value was changed since by something else (an
// import): nothing is overwritten silently. The stack lives in the project, so it survives a
// crash or a restart and the CLI and the app share it.
#include "core/model/layer.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace bando {
class ProjectStore;
}

namespace bando::edit {

struct FieldChange {
    std::string field;
    Value oldValue, newValue;
};

struct AppliedEdit {
    int64_t group = 0;           // edit_log.edit_group
    std::string action;          // "edit" | "undo" | "redo"
    std::string layer;
    int64_t fid = -1;
    std::string key;             // the feature's code (villages, communes, …) or village_code#team_no
    std::string at, who;
    std::vector<FieldChange> changes;  // empty: the values were already so (nothing logged)
};

// Parses typed text for a field ("" = NULL); throws bando::Error(Format) naming `where`.
Value parseValue(const FieldDef& field, const std::string& text, const std::string& where);
// The log's text form of a value (NULL -> nullopt); parseValue reads it back exactly.
std::optional<std::string> encodeValue(const Value& v);

// The data rules an edited feature must keep (the import's): throws bando::Error(Format) whose
// `where` names the layer, the feature and the field.
void checkFeature(const Layer& layer, const Feature& f);
// Fields an edit may not change: keys that join layers.
bool isKeyField(const std::string& layer, const std::string& field);
// The feature's key as shown to people (code, or village_code#team_no for teams).
std::string featureKey(const Layer& layer, const Feature& f);
// The fid of the feature whose key is `key`; throws bando::Error(Usage, "--id") when none or
// several features have it.
int64_t findFeature(const Layer& layer, const std::string& key);

class EditStack {
public:
    // `who` goes to the log (the app: the OS user name; the CLI: --who or $USER).
    EditStack(ProjectStore& store, std::string who);

    // Sets fields of feature `fid` of `layer` from text values (parseValue) and commits.
    AppliedEdit apply(const std::string& layer, int64_t fid, const std::vector<std::pair<std::string, std::string>>& set);
    AppliedEdit applyValues(const std::string& layer, int64_t fid, const std::vector<std::pair<std::string, Value>>& set);
    // Undoes the last applied edit / redoes the last undone one; nullopt when there is none.
    std::optional<AppliedEdit> undo();
    std::optional<AppliedEdit> redo();
    int undoable() const;  // edits that undo() can take back
    int redoable() const;

private:
    std::optional<AppliedEdit> step(bool undo);
    ProjectStore& m_store;
    std::string m_who;
};

// How many edits undo() / redo() could take, read from a project open in any mode.
struct StackCounts {
    int undoable = 0, redoable = 0;
};
StackCounts stackCounts(const ProjectStore& store);

// Parts of the stored analysis (economy, coverage, access) that read `layer` and whose stored
// fingerprint no longer matches it: stale until `bando analyze` recomputes them (incrementally:
// the other parts are reused).
std::vector<std::string> staleParts(const ProjectStore& store, const std::string& layer);

// UTC now as 2026-11-30T12:55:00Z.
std::string utcNow();

} // namespace bando::edit
