#include "core/tasks/edit_task.hpp"

#include "core/base/error.hpp"
#include "core/store/project_store.hpp"

#include <cstdlib>

namespace bando::tasks {

void EditRequest::validate() const
{
    if (project.empty())
        throw Error(ErrorKind::Usage, "PROJECT", "expected one PROJECT file");
    if (action != Action::Set) {
        if (!layer.empty() || !id.empty() || fid >= 0 || !set.empty())
            throw Error(ErrorKind::Usage, action == Action::Undo ? "--undo" : action == Action::Redo ? "--redo" : "--log",
                        "takes no --layer, --id, --fid or --set");
        return;
    }
    if (layer.empty())
        throw Error(ErrorKind::Usage, "--layer", "expected the layer to edit (e.g. --layer villages)");
    if (id.empty() == (fid < 0))
        throw Error(ErrorKind::Usage, "--id", "expected the feature: --id CODE or --fid N (one of them)");
    if (set.empty())
        throw Error(ErrorKind::Usage, "--set", "expected at least one --set FIELD=VALUE");
    for (const auto& [field, value] : set)
        if (field.empty())
            throw Error(ErrorKind::Usage, "--set", "expected FIELD=VALUE");
}

EditResult run(const EditRequest& request, Feedback& fb)
{
    auto store = ProjectStore::open(request.project, ProjectStore::Mode::ReadWrite);
    std::string who = request.who;
    if (who.empty())
        for (const char* var : {"USER", "LOGNAME", "USERNAME"})
            if (const char* v = std::getenv(var); v && *v && who.empty())
                who = v;
    edit::EditStack stack(*store, who);
    EditResult r;
    r.project = store->path();
    throwIfCancelled(&fb);
    switch (request.action) {
    case EditRequest::Action::Set: {
        fb.setStep("Editing");
        const Layer l = store->hasLayer(request.layer) ? store->readLayer(request.layer) : Layer{};
        if (!store->hasLayer(request.layer))
            throw Error(ErrorKind::Usage, "--layer", "the project has no layer '" + request.layer + "'");
        const int64_t fid = request.fid >= 0 ? request.fid : edit::findFeature(l, request.id);
        r.action = "edit";
        r.edit = stack.apply(request.layer, fid, request.set);
        r.changed = !r.edit.changes.empty();
        break;
    }
    case EditRequest::Action::Undo:
    case EditRequest::Action::Redo: {
        const bool undo = request.action == EditRequest::Action::Undo;
        r.action = undo ? "undo" : "redo";
        if (auto e = undo ? stack.undo() : stack.redo()) {
            r.edit = *e;
            r.changed = true;
        }
        break;
    }
    case EditRequest::Action::Log: {
        r.action = "log";
        if (store->hasLayer("edit_log")) {
            const Layer l = store->readLayer("edit_log");
            const size_t from = l.features.size() > request.logLimit ? l.features.size() - request.logLimit : 0;
            for (size_t i = from; i < l.features.size(); ++i) {
                const Feature& f = l.features[i];
                EditLogRow row;
                row.fid = f.fid;
                row.group = l.integer(f, "edit_group");
                row.featureFid = l.integer(f, "feature_fid");
                row.state = l.integer(f, "state");
                row.at = l.text(f, "at");
                row.who = l.text(f, "who");
                row.action = l.text(f, "action");
                row.layer = l.text(f, "layer");
                row.key = l.text(f, "feature_key");
                row.field = l.text(f, "field");
                row.oldNull = isNull(l.value(f, "old_value"));
                row.newNull = isNull(l.value(f, "new_value"));
                row.oldValue = l.text(f, "old_value");
                row.newValue = l.text(f, "new_value");
                r.log.push_back(std::move(row));
            }
        }
        break;
    }
    }
    if (r.changed)
        r.staleParts = edit::staleParts(*store, r.edit.layer);
    r.undoable = stack.undoable();
    r.redoable = stack.redoable();
    fb.setProgress(100.0);
    return r;
}

} // namespace bando::tasks
