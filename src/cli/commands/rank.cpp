// bando rank PROJECT --preset team|telecom|NAME [--weight CRITERION=W]… [--criterion NAME=FIELD[:…]]…
//   [--district CODE]… [--phase N]… [--class C]… [--operator NAME]… [--operator-scenario S] [--top N] [--date D] [--runs N] [--seed S]
//   [--scenario NAME] [--save-preset NAME] [--json | --csv FILE]
// The transparent village ranking (issue #10). Parses arguments into tasks::RankRequest.
#include "cli/command.hpp"
#include "cli/console.hpp"
#include "core/base/error.hpp"
#include "core/io/csv_util.hpp"
#include "core/base/json.hpp"
#include "core/i18n/i18n.hpp"
#include "core/tasks/job.hpp"
#include "core/tasks/rank_task.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

namespace bando::cli {
namespace {

void printJson(const tasks::RankResult& r)
{
    JsonWriter w(std::cout);
    w.beginObject();
    w.field("file", r.project).field("date", r.date).field("preset", r.preset);
    if (!r.filter.empty())
        w.field("filter", r.filter);
    if (!r.scenario.empty())
        w.field("scenario", r.scenario);
    w.field("villages_ranked", r.villagesRanked);
    w.key("criteria").beginArray();
    for (const auto& c : r.criteria)
        w.beginObject(true)
            .field("name", c.name)
            .field("field", c.field)
            .field("normalisation", planning::normalisationName(c.normalisation))
            .field("direction", planning::directionName(c.direction))
            .field("weight", c.weight)
            .endObject();
    w.endArray();
    w.key("sensitivity").beginObject(true);
    w.field("runs", r.runs).field("seed", static_cast<int64_t>(r.seed)).field("spread", r.spread).field("top", r.robustTop);
    w.endObject();
    w.key("villages").beginArray();
    for (const auto& v : r.villages) {
        w.beginObject(true)
            .field("rank", v.rank)
            .field("code", v.code)
            .field("name", v.name)
            .field("commune_code", v.commune)
            .field("district_code", v.district)
            .field("class", v.mobileClass)
            .field("operator", v.op)
            .field("score", v.score);
        w.key("contributions").beginObject(true);
        for (size_t k = 0; k < r.criteria.size(); ++k)
            w.field(r.criteria[k].name, v.contributions[k]);
        w.endObject();
        w.key("values").beginObject(true);
        for (size_t k = 0; k < r.criteria.size(); ++k)
            w.field(r.criteria[k].name, v.values[k]);  // NaN is written as null
        w.endObject();
        if (r.runs > 0)
            w.field("rank_min", v.stability.rankMin)
                .field("rank_max", v.stability.rankMax)
                .field("top_share", v.stability.topShare)
                .field("robust", v.robust);
        w.endObject();
    }
    w.endArray();
    w.strings("notes", r.notes);
    w.endObject();
}

std::string num(double v)
{
    if (std::isnan(v))
        return "";
    char b[64];
    std::snprintf(b, sizeof b, "%.17g", v);
    return b;
}

void writeCsv(const tasks::RankResult& r, const std::string& path)
{
    std::ofstream o(path, std::ios::binary);
    if (!o)
        throw Error(ErrorKind::Io, path, tr("cannot write file"));
    o << "rank,village_code,village_name,commune_code,district_code,class,operator,score";
    for (const auto& c : r.criteria)
        o << ',' << io::csvField(c.name);
    if (r.runs > 0)
        o << ",rank_min,rank_max,top_share,robust";
    o << '\n';
    for (const auto& v : r.villages) {
        o << v.rank << ',' << io::csvField(v.code) << ',' << io::csvField(v.name) << ',' << v.commune << ',' << v.district << ','
          << v.mobileClass << ',' << io::csvField(v.op) << ',' << num(v.score);
        for (double c : v.contributions)
            o << ',' << num(c);
        if (r.runs > 0)
            o << ',' << v.stability.rankMin << ',' << v.stability.rankMax << ',' << num(v.stability.topShare) << ','
              << (v.robust ? 1 : 0);
        o << '\n';
    }
    if (!o)
        throw Error(ErrorKind::Io, path, tr("cannot write file"));
}

void printTable(const tasks::RankResult& r)
{
    std::printf("%s: %s   %s: %s   %s: %s   %s: %d\n", tr("Project"), r.project.c_str(), tr("Date"), r.date.c_str(),
                tr("Preset"), r.preset.c_str(), tr("Villages ranked"), r.villagesRanked);
    for (const auto& c : r.criteria)
        std::printf("  %-24s %-22s %-6s %-6s %6.3f\n", c.name.c_str(), c.field.c_str(),
                    planning::normalisationName(c.normalisation), planning::directionName(c.direction), c.weight);
    std::printf("%5s %-12s %-28s %7s  %s\n", "#", tr("Code"), tr("Village"), tr("Score"), tr("Contributions"));
    for (const auto& v : r.villages) {
        std::string why;
        for (size_t k = 0; k < r.criteria.size(); ++k) {
            char b[96];
            std::snprintf(b, sizeof b, "%s%s %.1f", k ? ", " : "", r.criteria[k].name.c_str(), v.contributions[k]);
            why += b;
        }
        std::printf("%5d %-12s %s %7.2f  %s%s\n", v.rank, v.code.c_str(), padRight(v.name, 28).c_str(), v.score,
                    why.c_str(), r.runs > 0 && v.robust ? "  [robust]" : "");
    }
    for (const auto& n : r.notes)
        std::fprintf(stderr, "%s: %s\n", tr("note"), n.c_str());
}

int runRank(const Args& a)
{
    a.allowOnly({"preset", "weight", "criterion", "district", "phase", "class", "operator", "operator-scenario", "top", "date", "runs", "seed",
                 "spread", "robust-top", "scenario", "save-preset", "json", "csv"});
    if (a.positional.size() != 1)
        throw Error(ErrorKind::Usage, "", tr("expected one PROJECT file"));
    if (a.has("json") && a.has("csv"))
        throw Error(ErrorKind::Usage, "--csv", tr("choose one of --json and --csv"));
    tasks::RankRequest q;
    q.project = a.positional[0];
    q.preset = a.get("preset", q.preset);
    q.date = a.get("date");
    q.scenario = a.get("scenario");
    q.savePreset = a.get("save-preset");
    q.operatorScenario = a.get("operator-scenario", q.operatorScenario);
    if (a.has("top"))
        q.top = static_cast<int>(parseNumber(a.get("top"), "--top"));
    if (a.has("runs"))
        q.runs = static_cast<int>(parseNumber(a.get("runs"), "--runs"));
    if (a.has("seed"))
        q.seed = static_cast<uint64_t>(parseNumber(a.get("seed"), "--seed"));
    if (a.has("spread"))
        q.spread = parseNumber(a.get("spread"), "--spread");
    if (a.has("robust-top"))
        q.robustTop = static_cast<int>(parseNumber(a.get("robust-top"), "--robust-top"));
    for (const auto& [name, value] : a.options) {
        if (name == "weight") {
            const auto eq = value.find('=');
            if (eq == std::string::npos || eq == 0)
                throw Error(ErrorKind::Usage, "--weight", "expected CRITERION=WEIGHT, got '" + value + "'");
            q.weights[value.substr(0, eq)] = parseNumber(value.substr(eq + 1), "--weight");
        } else if (name == "criterion")
            q.addCriteria.push_back(tasks::parseCriterionSpec(value));
        else if (name == "district")
            q.districts.push_back(value);
        else if (name == "phase")
            q.phases.push_back(static_cast<int>(parseNumber(value, "--phase")));
        else if (name == "class")
            q.classes.push_back(value);
        else if (name == "operator")
            q.operators.push_back(value);
    }
    const auto result = tasks::runTask(q, consoleFeedback());
    if (a.has("json"))
        printJson(result);
    else if (a.has("csv")) {
        writeCsv(result, a.get("csv"));
        std::printf("%s: %d → %s\n", tr("Villages ranked"), result.villagesRanked, a.get("csv").c_str());
    } else
        printTable(result);
    return ExitOk;
}

CommandRegistration reg({"rank",
                         "rank PROJECT [--preset team|telecom|NAME] [--weight CRITERION=W]... "
                         "[--criterion NAME=FIELD[:minmax|rank][:higher|lower][:W]]... [--district CODE]... "
                         "[--phase N]... [--class CLASS]... [--operator NAME]... [--operator-scenario S] [--top N] [--date YYYY-MM-DD] [--runs N] [--seed S] "
                         "[--scenario NAME] [--save-preset NAME] [--json | --csv FILE]",
                         "Ranks the villages by a transparent weighted sum of normalised criteria read from the "
                         "stored village indicators (run `bando analyze` first): every village's score and each "
                         "criterion's contribution (they sum to the score), and how stable its rank is when the "
                         "weights move by +/-20 % (seeded). --scenario stores the run in the project; "
                         "--save-preset stores the criteria. See docs/PLANNING.md.",
                         {"json"}, runRank});

} // namespace
} // namespace bando::cli
