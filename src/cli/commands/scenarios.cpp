// bando scenarios PROJECT [--compare A B] [--top N] [--json]
// Lists the named scenarios stored in the project and compares two of them (issue #10).
#include "cli/command.hpp"
#include "cli/console.hpp"
#include "core/base/error.hpp"
#include "core/base/json.hpp"
#include "core/i18n/i18n.hpp"
#include "core/tasks/job.hpp"
#include "core/tasks/scenarios_task.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

namespace bando::cli {
namespace {

void writeChanges(JsonWriter& w, const char* key, const std::vector<tasks::ScenarioChange>& list)
{
    w.key(key).beginArray();
    for (const auto& c : list) {
        w.beginObject(true).field("code", c.code).field("name", c.name);
        if (c.rankA)
            w.field("rank_a", c.rankA).field("score_a", c.scoreA);
        if (c.rankB)
            w.field("rank_b", c.rankB).field("score_b", c.scoreB);
        w.key("why").beginObject(true);
        for (const auto& [k, d] : c.why)
            w.field(k, d);
        w.endObject();
        w.endObject();
    }
    w.endArray();
}

void printJson(const tasks::ScenariosResult& r)
{
    JsonWriter w(std::cout);
    w.beginObject();
    w.field("file", r.project);
    w.key("scenarios").beginArray();
    for (const auto& s : r.scenarios) {
        w.beginObject(true)
            .field("name", s.name)
            .field("kind", s.kind)
            .field("created", s.created)
            .field("indicators_date", s.indicatorsDate)
            .field("preset", s.preset)
            .field("filter", s.filter)
            .field("villages", s.villages);
        w.key("weights").beginObject(true);
        for (const auto& [k, v] : s.weights)
            w.field(k, v);
        w.endObject();
        w.endObject();
    }
    w.endArray();
    if (r.compared) {
        const auto& c = r.comparison;
        w.key("compare").beginObject();
        w.field("a", c.a).field("b", c.b).field("top", c.top);
        w.key("inputs").beginObject(true);
        for (const auto& [k, ab] : c.inputs) {
            w.key(k).beginArray(true).value(ab.first).value(ab.second).endArray();
        }
        w.endObject();
        w.key("weights").beginObject(true);
        for (const auto& [k, ab] : c.weights)
            w.key(k).beginArray(true).value(ab.first).value(ab.second).endArray();
        w.endObject();
        writeChanges(w, "entered", c.entered);
        writeChanges(w, "left", c.left);
        writeChanges(w, "moved", c.moved);
        w.field("unchanged", c.unchanged);
        w.endObject();
    }
    w.endObject();
}

void printChanges(const char* title, const std::vector<tasks::ScenarioChange>& list)
{
    std::printf("%s: %zu\n", title, list.size());
    for (const auto& c : list) {
        std::string why;
        for (const auto& [k, d] : c.why) {
            char b[96];
            std::snprintf(b, sizeof b, "%s%s %+.2f", why.empty() ? "" : ", ", k.c_str(), d);
            why += b;
        }
        std::printf("  %-12s %s %4s → %-4s  %s\n", c.code.c_str(), padRight(c.name, 26).c_str(),
                    c.rankA ? std::to_string(c.rankA).c_str() : "-", c.rankB ? std::to_string(c.rankB).c_str() : "-",
                    why.c_str());
    }
}

void printTable(const tasks::ScenariosResult& r)
{
    std::printf("%s: %s\n", tr("Project"), r.project.c_str());
    for (const auto& s : r.scenarios)
        std::printf("  %-20s %-6s %-10s %-10s %6d  %s\n", s.name.c_str(), s.kind.c_str(), s.preset.c_str(),
                    s.indicatorsDate.c_str(), s.villages, s.filter.c_str());
    if (!r.compared)
        return;
    const auto& c = r.comparison;
    std::printf("\n%s %s → %s (top %d)\n", tr("Compare"), c.a.c_str(), c.b.c_str(), c.top);
    for (const auto& [k, ab] : c.inputs)
        std::printf("  %s: %s → %s\n", k.c_str(), ab.first.c_str(), ab.second.c_str());
    for (const auto& [k, ab] : c.weights)
        std::printf("  %s: %g → %g\n", k.c_str(), ab.first, ab.second);
    printChanges(tr("Entered the top"), c.entered);
    printChanges(tr("Left the top"), c.left);
    printChanges(tr("Moved"), c.moved);
    std::printf("%s: %d\n", tr("Unchanged"), c.unchanged);
}

int runScenarios(const Args& a)
{
    a.allowOnly({"compare", "top", "reasons", "json"});
    tasks::ScenariosRequest q;
    // --compare takes two values: the first is the option's value, the second a positional.
    std::vector<std::string> pos = a.positional;
    if (a.has("compare")) {
        q.compareA = a.get("compare");
        if (pos.size() != 2)
            throw Error(ErrorKind::Usage, "--compare", "expected PROJECT --compare A B");
        q.compareB = pos[1];
        pos.resize(1);
    }
    if (pos.size() != 1)
        throw Error(ErrorKind::Usage, "", tr("expected one PROJECT file"));
    q.project = pos[0];
    if (a.has("top"))
        q.top = std::atoi(a.get("top").c_str());
    if (a.has("reasons"))
        q.reasons = std::atoi(a.get("reasons").c_str());
    const auto result = tasks::runTask(q, consoleFeedback());
    if (a.has("json"))
        printJson(result);
    else
        printTable(result);
    return ExitOk;
}

CommandRegistration reg({"scenarios",
                         "scenarios PROJECT [--compare A B] [--top N] [--reasons N] [--json]",
                         "Lists the named scenarios stored in the project (bando rank --scenario NAME) and, with "
                         "--compare A B, what changed from A to B: inputs and weights, the villages that entered, "
                         "left or moved in the top N, and for each the criteria whose contributions changed most. "
                         "See docs/PLANNING.md.",
                         {"json"}, runScenarios});

} // namespace
} // namespace bando::cli
