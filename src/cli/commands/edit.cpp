// bando edit PROJECT --layer L --id CODE --set FIELD=VALUE [--set …] [--who NAME] [--json]
// bando edit PROJECT --undo | --redo | --log [--json]
// Parses arguments into tasks::EditRequest and prints its result (core/edit: validated, one
// transaction per edit, logged in edit_log, undo/redo stack in the project).
#include "cli/command.hpp"
#include "cli/console.hpp"
#include "core/base/error.hpp"
#include "core/base/json.hpp"
#include "core/tasks/edit_task.hpp"
#include "core/tasks/job.hpp"

#include <cstdio>
#include <iostream>
#include <string>

namespace bando::cli {
namespace {

void valueJson(JsonWriter& w, const Value& v)
{
    if (const auto* i = std::get_if<int64_t>(&v))
        w.value(*i);
    else if (const auto* d = std::get_if<double>(&v))
        w.value(*d);
    else if (const auto* s = std::get_if<std::string>(&v))
        w.value(*s);
    else
        w.null();
}

std::string shown(const Value& v) { return isNull(v) ? "NULL" : edit::encodeValue(v).value_or(""); }

void printJson(const tasks::EditResult& r)
{
    JsonWriter w(std::cout);
    w.beginObject();
    w.field("file", r.project).field("action", r.action).field("changed", r.changed);
    if (r.changed) {
        w.field("edit_group", r.edit.group).field("layer", r.edit.layer).field("fid", r.edit.fid)
            .field("key", r.edit.key).field("who", r.edit.who).field("at", r.edit.at);
        w.key("changes").beginArray();
        for (const auto& c : r.edit.changes) {
            w.beginObject(true).field("field", c.field);
            w.key("old");
            valueJson(w, c.oldValue);
            w.key("new");
            valueJson(w, c.newValue);
            w.endObject();
        }
        w.endArray();
    }
    w.key("stale_analysis").beginArray(true);
    for (const auto& p : r.staleParts)
        w.value(p);
    w.endArray();
    w.field("undoable", r.undoable).field("redoable", r.redoable);
    if (r.action == "log") {
        w.key("log").beginArray();
        for (const auto& row : r.log) {
            w.beginObject(true).field("id", row.fid).field("at", row.at).field("who", row.who)
                .field("action", row.action).field("edit_group", row.group).field("layer", row.layer)
                .field("fid", row.featureFid).field("key", row.key).field("field", row.field);
            w.key("old");
            row.oldNull ? w.null() : w.value(row.oldValue);
            w.key("new");
            row.newNull ? w.null() : w.value(row.newValue);
            if (row.action == "edit")
                w.field("state", row.state == 0 ? "applied" : row.state == 1 ? "undone" : "dropped");
            w.endObject();
        }
        w.endArray();
    }
    w.endObject();
}

void printText(const tasks::EditResult& r)
{
    if (r.action == "log") {
        for (const auto& row : r.log)
            std::printf("%s  %-8s %-5s #%lld %s %s.%s: %s -> %s\n", row.at.c_str(), row.who.c_str(), row.action.c_str(),
                        static_cast<long long>(row.group), row.layer.c_str(), row.key.c_str(), row.field.c_str(),
                        row.oldNull ? "NULL" : row.oldValue.c_str(), row.newNull ? "NULL" : row.newValue.c_str());
    } else if (!r.changed) {
        std::printf("%s\n", r.action == "edit" ? "Nothing changed: the feature already has these values."
                            : r.action == "undo" ? "Nothing to undo." : "Nothing to redo.");
    } else {
        std::printf("%s #%lld: %s %s (fid %lld)\n", r.action.c_str(), static_cast<long long>(r.edit.group),
                    r.edit.layer.c_str(), r.edit.key.c_str(), static_cast<long long>(r.edit.fid));
        for (const auto& c : r.edit.changes)
            std::printf("  %s: %s -> %s\n", c.field.c_str(), shown(c.oldValue).c_str(), shown(c.newValue).c_str());
        if (!r.staleParts.empty()) {
            std::string parts;
            for (const auto& p : r.staleParts)
                parts += (parts.empty() ? "" : ", ") + p;
            std::printf("Stale analysis parts: %s (run `bando analyze` to recompute them)\n", parts.c_str());
        }
    }
    std::printf("Undo: %d, redo: %d\n", r.undoable, r.redoable);
}

int runEdit(const Args& a)
{
    a.allowOnly({"json", "layer", "id", "fid", "set", "who", "undo", "redo", "log", "limit"});
    if (a.positional.size() != 1)
        throw Error(ErrorKind::Usage, "", "expected one PROJECT file");
    tasks::EditRequest request;
    request.project = a.positional[0];
    const int actions = (a.has("undo") ? 1 : 0) + (a.has("redo") ? 1 : 0) + (a.has("log") ? 1 : 0);
    if (actions > 1)
        throw Error(ErrorKind::Usage, "--undo", "choose one of --undo, --redo and --log");
    if (a.has("undo"))
        request.action = tasks::EditRequest::Action::Undo;
    else if (a.has("redo"))
        request.action = tasks::EditRequest::Action::Redo;
    else if (a.has("log"))
        request.action = tasks::EditRequest::Action::Log;
    request.layer = a.get("layer");
    request.id = a.get("id");
    request.who = a.get("who");
    if (a.has("fid")) {
        const std::string s = a.get("fid");
        try {
            size_t used = 0;
            request.fid = std::stoll(s, &used);
            if (used != s.size() || request.fid < 0)
                throw std::invalid_argument(s);
        } catch (const std::exception&) {
            throw Error(ErrorKind::Usage, "--fid", "expected a feature id (a whole number)");
        }
    }
    if (a.has("limit")) {
        try {
            request.logLimit = static_cast<size_t>(std::stoul(a.get("limit")));
        } catch (const std::exception&) {
            throw Error(ErrorKind::Usage, "--limit", "expected a number of rows");
        }
    }
    for (const auto& [name, value] : a.options) {
        if (name != "set")
            continue;
        const size_t eq = value.find('=');
        if (eq == std::string::npos || eq == 0)
            throw Error(ErrorKind::Usage, "--set", "expected FIELD=VALUE, got '" + value + "'");
        request.set.emplace_back(value.substr(0, eq), value.substr(eq + 1));
    }
    const auto result = tasks::runTask(request, consoleFeedback());
    if (a.has("json"))
        printJson(result);
    else
        printText(result);
    return ExitOk;
}

CommandRegistration reg({"edit",
                         "edit PROJECT --layer L (--id CODE | --fid N) --set FIELD=VALUE [--set …] [--who NAME] "
                         "[--json] | edit PROJECT (--undo | --redo | --log [--limit N]) [--json]",
                         "Corrects attribute values of one feature (a village's households, a team's members and "
                         "trained count, a target, a survey gap's status) with the import's rules: a value that "
                         "breaks them is refused with a message naming the layer, feature and field. Each edit is "
                         "committed at once in its own transaction and logged in the project's edit_log table (who, "
                         "when, old -> new); --undo applies the compensating edit the same way and --redo re-applies "
                         "it (refused when the value was changed since). An empty VALUE sets NULL. Prints the "
                         "analysis parts the edit made stale (`bando analyze` recomputes only those).",
                         {"json", "undo", "redo", "log"}, runEdit});

} // namespace
} // namespace bando::cli
