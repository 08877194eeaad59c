#pragma once
// Edit: set attribute values of one feature, or undo / redo the last edit, in the project
// (`bando edit`, the app's attribute table and Ctrl+Z / Ctrl+Y). The rules and the stack are in
// core/edit/edit.hpp: validated with the import's rules, one transaction per edit, logged in
// `edit_log`; the result names the analysis parts made stale (`bando analyze` recomputes only
// those).
#include "core/base/feedback.hpp"
#include "core/edit/edit.hpp"

#include <string>
#include <utility>
#include <vector>

namespace bando::tasks {

struct EditRequest {
    enum class Action { Set, Undo, Redo, Log };
    std::string project;            // opened read-write
    Action action = Action::Set;    // --undo, --redo, --log
    std::string layer;              // --layer (Set)
    std::string id;                 // --id: the feature's key (code; teams: village_code#team_no)
    int64_t fid = -1;               // --fid: the feature by fid instead of --id
    std::vector<std::pair<std::string, std::string>> set;  // --set FIELD=VALUE (repeatable; VALUE "" = NULL)
    std::string who;                // --who; "" = $USER (or "unknown")
    size_t logLimit = 20;           // --log: the last N rows
    void validate() const;
};

struct EditLogRow {
    int64_t fid = 0, group = 0, featureFid = 0, state = 0;
    std::string at, who, action, layer, key, field, oldValue, newValue;  // NULL as ""
    bool oldNull = false, newNull = false;
};

struct EditResult {
    std::string project;
    std::string action;                 // edit | undo | redo | log
    bool changed = false;               // false: already so / nothing to undo or redo
    edit::AppliedEdit edit;             // when changed
    std::vector<std::string> staleParts;  // analysis parts that read the edited layer and are stale now
    int undoable = 0, redoable = 0;
    std::vector<EditLogRow> log;        // --log
};

EditResult run(const EditRequest& request, Feedback& fb);

} // namespace bando::tasks
