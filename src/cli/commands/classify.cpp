// bando classify PROJECT [--json]: the village classification rule (issue #3) — villages with
// no signal, with an unstable signal and without broadband, per district and in total.
// Parses arguments into tasks::ClassifyRequest and prints its result.
#include "cli/command.hpp"
#include "cli/console.hpp"
#include "core/base/error.hpp"
#include "core/base/json.hpp"
#include "core/i18n/i18n.hpp"
#include "core/tasks/classify_task.hpp"
#include "core/tasks/job.hpp"

#include <cstdio>
#include <iostream>
#include <string>

namespace bando::cli {
namespace {

void writeCounts(JsonWriter& w, size_t villages, const analysis::ClassCounts& c)
{
    w.field("villages", villages)
        .field("no_signal", c.noSignal)
        .field("unstable", c.unstable)
        .field("covered", c.covered)
        .field("no_broadband", c.noBroadband);
}

void printJson(const tasks::ClassifyResult& r)
{
    JsonWriter w(std::cout);
    w.beginObject();
    w.field("file", r.project);
    w.key("thresholds").beginObject(true);
    w.field("no_signal_share_any", r.thresholds.noSignalShareAny)
        .field("unstable_share_good", r.thresholds.unstableShareGood)
        .field("broadband_share", r.thresholds.broadbandShare)
        .field("broadband_distance_m", r.thresholds.broadbandDistanceM);
    w.endObject();
    w.key("total").beginObject(true);
    writeCounts(w, r.villages.size(), r.total);
    w.endObject();
    w.key("districts").beginArray();
    for (const auto& d : r.districts) {
        w.beginObject(true).field("code", d.code).field("name", d.name);
        writeCounts(w, static_cast<size_t>(d.villages), d.counts);
        w.endObject();
    }
    w.endArray();
    w.endObject();
}

void printTable(const tasks::ClassifyResult& r)
{
    const auto& t = r.thresholds;
    std::printf("%s: %s\n", tr("Project"), r.project.c_str());
    std::printf("%s: %s < %g, %s < %g, %s >= %g / %g m\n\n", tr("Thresholds"), tr("share with any signal"),
                t.noSignalShareAny, tr("share with good signal"), t.unstableShareGood, tr("broadband share"),
                t.broadbandShare, t.broadbandDistanceM);
    std::printf("%s %s %s %s %s %s %s\n", padRight(tr("Code"), 5).c_str(), padRight(tr("District"), 24).c_str(),
                padRight(tr("Villages"), 8).c_str(), padRight(tr("No signal"), 11).c_str(),
                padRight(tr("Unstable"), 10).c_str(), padRight(tr("Covered"), 9).c_str(), tr("No broadband"));
    for (const auto& d : r.districts)
        std::printf("%s %s %8d %11d %10d %9d %12d\n", padRight(d.code, 5).c_str(), padRight(d.name, 24).c_str(),
                    d.villages, d.counts.noSignal, d.counts.unstable, d.counts.covered, d.counts.noBroadband);
    std::printf("%s %s %8zu %11d %10d %9d %12d\n", padRight("", 5).c_str(), padRight(tr("Total"), 24).c_str(),
                r.villages.size(), r.total.noSignal, r.total.unstable, r.total.covered, r.total.noBroadband);
}

int runClassify(const Args& a)
{
    a.allowOnly({"json"});
    if (a.positional.size() != 1)
        throw Error(ErrorKind::Usage, "", tr("expected one PROJECT file"));
    tasks::ClassifyRequest request;
    request.project = a.positional[0];
    const auto result = tasks::runTask(request, consoleFeedback());
    if (a.has("json"))
        printJson(result);
    else
        printTable(result);
    return ExitOk;
}

CommandRegistration reg({"classify", "classify PROJECT [--json]",
                         "Applies the village classification rule: a village has no signal when less than half of "
                         "its households (located by the settlements layer) are inside good or weak 3G/4G coverage "
                         "of any operator, an unstable signal when less than 80 % are inside good coverage, and no "
                         "broadband when less than half are within 2 km of an OLT/cabinet or a fibre line. The "
                         "thresholds are the project settings setting.* in bando_meta. Prints the counts per "
                         "district and in total.",
                         {"json"}, runClassify});

} // namespace
} // namespace bando::cli
