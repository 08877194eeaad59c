// bando report PROJECT --kind gaps|plan|progress [--operator NAME] [--district CODE] [--date D]
//   --out FILE.pdf|.png|.svg|.csv|.xlsx [--layout TEMPLATE] [--paper A4..A0] [--landscape|--portrait]
//   [--dpi N] [--preset NAME] [--top N] [--json]
// Parses arguments into tasks::ReportRequest (its defaults and checks are the core's) and runs it.
#include "cli/command.hpp"
#include "cli/console.hpp"
#include "core/base/error.hpp"
#include "core/base/json.hpp"
#include "core/i18n/i18n.hpp"
#include "core/tasks/job.hpp"
#include "core/tasks/report_task.hpp"

#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace bando::cli {
namespace {

double number(const std::string& s, const char* option)
{
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (s.empty() || *end != '\0')
        throw Error(ErrorKind::Usage, option, "'" + s + "' is not a number");
    return v;
}

int runReport(const Args& a)
{
    a.allowOnly({"kind", "operator", "district", "date", "units", "out", "layout", "paper", "landscape", "portrait", "dpi",
                 "preset", "top", "from", "to", "no-checks", "no-operator-groups", "json"});
    if (a.positional.size() != 1)
        throw Error(ErrorKind::Usage, "", tr("expected one PROJECT file"));
    if (a.has("landscape") && a.has("portrait"))
        throw Error(ErrorKind::Usage, "--portrait", "choose one of --landscape and --portrait");
    tasks::ReportRequest q;
    q.project = a.positional[0];
    q.kind = a.get("kind", q.kind);
    q.operatorName = a.get("operator");
    q.district = a.get("district");
    q.units = a.get("units");
    q.date = a.get("date");
    if (a.has("to")) {
        if (a.has("date") && a.get("date") != a.get("to"))
            throw Error(ErrorKind::Usage, "--to", "--to and --date name the same date: give one");
        q.date = a.get("to");
    }
    q.from = a.get("from");
    q.checks = !a.has("no-checks");
    q.byOperator = !a.has("no-operator-groups");
    q.out = a.require("out");
    q.layout = a.get("layout");
    q.paper = a.get("paper");
    if (a.has("landscape"))
        q.landscape = 1;
    if (a.has("portrait"))
        q.landscape = 0;
    if (a.has("dpi"))
        q.dpi = number(a.get("dpi"), "--dpi");
    q.preset = a.get("preset", q.preset);
    if (a.has("top"))
        q.top = static_cast<int>(number(a.get("top"), "--top"));
    const auto r = tasks::runTask(q, consoleFeedback());
    if (a.has("json")) {
        JsonWriter w(std::cout);
        w.beginObject()
            .field("kind", r.kind)
            .field("out", r.out)
            .field("format", r.format)
            .field("date", r.date)
            .field("pages", r.pages)
            .field("sheets", r.sheets)
            .field("rows", r.rows);
        if (r.kind == "progress")
            w.field("from", r.from).field("check_errors", r.checkErrors).field("check_warnings", r.checkWarnings);
        if (r.kind == "plan")
            w.field("bases", r.bases).field("scheduled_visits", r.scheduledVisits);
        if (r.kind == "gaps")
            w.strings("operators", r.operators, true);
        if (r.kind == "gaps")
            w.field("no_signal", r.noSignal)
                .field("unstable", r.unstable)
                .field("no_broadband", r.noBroadband)
                .field("households", static_cast<int64_t>(r.households));
        w.field("seconds", r.seconds);
        w.key("files").beginArray(true);
        for (const auto& f : r.files)
            w.value(f);
        w.endArray().endObject();
        return ExitOk;
    }
    for (const auto& f : r.files)
        std::printf("%s %s\n", tr("Wrote"), f.c_str());
    std::printf("%s: %d, %s: %s", tr("Villages"), r.rows, tr("Date"), r.date.c_str());
    if (r.pages)
        std::printf(", %s: %d", tr("pages"), r.pages);
    std::printf(" (%.2f s)\n", r.seconds);
    return ExitOk;
}

CommandRegistration reg(
    {"report",
     "report PROJECT --kind gaps|plan|progress [--operator NAME] [--district CODE] [--date D] [--units v2025-07] "
     "--out FILE.pdf|.png|.svg|.csv|.xlsx [--layout TEMPLATE] [--paper A4|A3|A2|A1|A0] [--landscape|--portrait] "
     "[--dpi N] [--preset NAME] [--top N] [--from D1 --to D2] [--no-checks] [--no-operator-groups] [--json]",
     "Writes a report of an analysed project (bando analyze). gaps: the coverage-gap report of one operator "
     "(--operator Viettel) or all — villages with no signal, unstable signal or no broadband, households, covered "
     "share, distance to the operator's nearest site — a summary and a page per district; one operator's maps show its own classes, and the all-operators report adds a section per operator with its map and totals (--no-operator-groups: without). plan: the village ranking "
     "(--preset, --top) with the reasons per village, the team bases (bando bases) and the week-by-week schedule "
     "(bando schedule) as stored, or what is missing and how to make it (CSV: FILE-bases.csv and FILE-schedule.csv beside FILE.csv). The format follows the extension: a vector PDF laid out by "
     "a template (resources/layouts/<kind>.json or --layout FILE.json; see docs/REPORTS.md), PNG/SVG one file per "
     "page, CSV with one row per village, or XLSX with a summary sheet and a sheet per district (codes as text). "
     "progress: shops, e-payment accounts, locomotive households and teams against the targets at --date, by district and commune, with the forecast at the recent pace (bando progress), a chart of the province's counts over time against the targets and the data-check findings (bando check; --no-checks: without); --from D1 --to D2 adds the change between the two dates. Exit codes: 2 bad option, unknown "
     "operator, district, kind or date; 3 project unreadable or output not writable. --units v2025-07 (gaps) groups "
     "and pages the gap villages by the units of that version (stored by `bando units --to v2025-07`); --district "
     "then names one of them.",
     {"landscape", "portrait", "no-checks", "no-operator-groups", "json"},
     runReport});

} // namespace
} // namespace bando::cli
