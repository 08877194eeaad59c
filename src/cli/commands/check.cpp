// bando check PROJECT [--kind ID]... [--errors-only] [--date D] [--store] [--json | --csv FILE]
// The planner's data checks (issue #10): each finding names the place, the figures, the rule
// broken and its severity. See docs/PLANNING.md.
#include "cli/command.hpp"
#include "cli/console.hpp"
#include "core/base/error.hpp"
#include "core/base/json.hpp"
#include "core/i18n/i18n.hpp"
#include "core/io/csv_util.hpp"
#include "core/tasks/check_task.hpp"
#include "core/tasks/job.hpp"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

namespace bando::cli {
namespace {

const char* ruleOf(const std::string& kind)
{
    const auto* k = planning::findCheckKind(kind);
    return k ? tr(k->rule) : "";
}

void printJson(const tasks::CheckResult& r)
{
    JsonWriter w(std::cout);
    w.beginObject();
    w.field("file", r.project);
    w.field("class_date", r.classDate);
    w.field("errors", r.errors).field("warnings", r.warnings).field("stored", r.stored);
    w.key("counts").beginObject(true);
    for (const auto& [k, n] : r.countByKind)
        w.field(k, n);
    w.endObject();
    w.key("findings").beginArray();
    for (const auto& f : r.findings) {
        w.beginObject(true)
            .field("kind", f.kind)
            .field("severity", planning::severityName(f.severity))
            .field("level", f.level)
            .field("code", f.code)
            .field("name", f.name)
            .field("layer", f.layer)
            .field("row", f.row)
            .field("date", f.date)
            .field("rule", ruleOf(f.kind))
            .field("message", f.message);
        w.key("figures").beginObject(true);
        for (const auto& [k, v] : f.figures)
            w.field(k, v);
        w.endObject();
        if (!f.extent.isEmpty())
            w.key("bbox")
                .beginArray(true)
                .value(f.extent.minX)
                .value(f.extent.minY)
                .value(f.extent.maxX)
                .value(f.extent.maxY)
                .endArray();
        w.endObject();
    }
    w.endArray();
    w.strings("notes", r.notes, true);
    w.endObject();
}

void writeCsv(const tasks::CheckResult& r, const std::string& path)
{
    std::ofstream o(path, std::ios::binary);
    if (!o)
        throw Error(ErrorKind::Io, path, tr("cannot write file"));
    o << "kind,severity,level,code,name,layer,row,date,rule,message\n";
    for (const auto& f : r.findings)
        o << f.kind << ',' << planning::severityName(f.severity) << ',' << f.level << ',' << io::csvField(f.code) << ','
          << io::csvField(f.name) << ',' << io::csvField(f.layer) << ',' << f.row << ',' << f.date << ','
          << io::csvField(ruleOf(f.kind)) << ',' << io::csvField(f.message) << '\n';
    if (!o)
        throw Error(ErrorKind::Io, path, tr("cannot write file"));
}

void printTable(const tasks::CheckResult& r)
{
    std::printf("%s: %s\n", tr("Project"), r.project.c_str());
    for (const auto& f : r.findings)
        std::printf("%-7s %-22s %-8s %-10s %s — %s\n",
                    f.severity == planning::Severity::Error ? tr("error") : tr("warning"), f.kind.c_str(),
                    f.level.c_str(), f.code.c_str(), padRight(f.name, 20).c_str(), f.message.c_str());
    std::printf("\n");
    for (const auto& k : planning::checkKinds())
        if (auto it = r.countByKind.find(k.id); it != r.countByKind.end())
            std::printf("  %-7s %-24s %6d  %s\n", k.severity == planning::Severity::Error ? tr("error") : tr("warning"),
                        k.id, it->second, ruleOf(k.id));
    std::printf("%s: %d   %s: %d\n", tr("Errors"), r.errors, tr("Warnings"), r.warnings);
    for (const auto& n : r.notes)
        std::fprintf(stderr, "%s: %s\n", tr("note"), n.c_str());
}

int runCheck(const Args& a)
{
    a.allowOnly({"kind", "errors-only", "date", "json", "csv", "store"});
    if (a.positional.size() != 1)
        throw Error(ErrorKind::Usage, "", tr("expected one PROJECT file"));
    if (a.has("json") && a.has("csv"))
        throw Error(ErrorKind::Usage, "--csv", tr("choose one of --json and --csv"));
    tasks::CheckRequest q;
    q.project = a.positional[0];
    q.errorsOnly = a.has("errors-only");
    q.date = a.get("date");
    q.store = a.has("store");
    for (const auto& [name, value] : a.options)
        if (name == "kind")
            q.kinds.push_back(value);
    const auto result = tasks::runTask(q, consoleFeedback());
    if (a.has("json"))
        printJson(result);
    else if (a.has("csv")) {
        writeCsv(result, a.get("csv"));
        std::printf("%s: %d   %s: %d → %s\n", tr("Errors"), result.errors, tr("Warnings"), result.warnings,
                    a.get("csv").c_str());
    } else
        printTable(result);
    return ExitOk;
}

CommandRegistration reg({"check",
                         "check PROJECT [--kind ID]... [--errors-only] [--date YYYY-MM-DD] [--store] [--json | --csv FILE]",
                         "Checks the project's data as a planner needs it: claims and targets above the households, "
                         "totals that do not add up, dated counts that go down, shops or accounts above households, "
                         "shops without signal or outside every village, teams outside 3-5 members or with fewer "
                         "than 2 trained, duplicate or missing codes, targets above 100 %. Each finding names the "
                         "place (code and name), the figures and the rule, as an error (cannot be true) or a warning "
                         "(a program rule not met). --store replaces the project's check_findings layer (a point per "
                         "finding, for QGIS) with them. See docs/PLANNING.md.",
                         {"json", "errors-only", "store"}, runCheck});

} // namespace
} // namespace bando::cli
