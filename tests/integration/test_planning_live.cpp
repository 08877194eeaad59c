// Issue #10, this round: the live re-ranking behind the app's weight sliders (the same scores as
// `bando rank --weight`), the ranking theme's classes, the telecom preset's operator criterion
// read from the stored `bando split` assignment, and target scenarios (`bando targets|progress
// --scenario NAME`, `--csv FILE`) on a copy of the analysed sample.
#include <catch2/catch.hpp>

#include "core/base/error.hpp"
#include "core/model/schema.hpp"
#include "core/planning/rank_theme.hpp"
#include "core/store/project_store.hpp"
#include "core/tasks/job.hpp"
#include "core/tasks/progress_task.hpp"
#include "core/tasks/rank_task.hpp"
#include "core/tasks/targets_task.hpp"
#include "support/test_support.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <sstream>

using namespace bando;

namespace {

std::vector<std::vector<std::string>> csvRows(const std::string& path) { return test::readCsvRows(path); }

size_t column(const std::vector<std::string>& header, const std::string& name)
{
    auto it = std::find(header.begin(), header.end(), name);
    REQUIRE(it != header.end());
    return static_cast<size_t>(it - header.begin());
}

} // namespace

TEST_CASE("live re-ranking gives bando rank --weight's scores, ranking theme classes", "[rank][planning][integration]")
{
    test::TempDir dir("planning-live");
    const std::string path = dir.file("p.gpkg");
    std::filesystem::copy_file(BANDO_TEST_ANALYSED, path);  // the sample analysed at 2021-09-15
    Feedback fb;
    tasks::RankRequest req;
    req.project = path;
    req.preset = "team";
    req.runs = 0;
    tasks::LiveRanking live(tasks::runTask(req, fb));
    REQUIRE(live.size() > 100);
    // at the preset's weights: the run's own order
    for (size_t pos = 0; pos < live.size(); ++pos)
        REQUIRE(live.village(live.order()[pos]).rank == static_cast<int>(pos) + 1);

    // a slider move: team_gap 0.15 → 0.6, phase 0.10 → 0
    std::vector<double> w;
    for (const auto& c : live.criteria())
        w.push_back(c.name == "team_gap" ? 0.6 : c.name == "phase" ? 0.0 : c.weight);
    live.setWeights(w);
    req.weights = {{"team_gap", 0.6}, {"phase", 0.0}};
    const auto expected = tasks::runTask(req, fb);
    REQUIRE(expected.villages.size() == live.size());
    size_t moved = 0;
    for (size_t pos = 0; pos < live.size(); ++pos) {
        const size_t v = live.order()[pos];
        const auto& e = expected.villages[pos];
        REQUIRE(live.village(v).code == e.code);
        REQUIRE(live.score(v) == e.score);  // the same products in the same order
        REQUIRE(live.rankOf(v) == e.rank);
        double sum = 0;
        for (size_t k = 0; k < live.criteria().size(); ++k) {
            REQUIRE(live.contribution(v, k) == e.contributions[k]);
            sum += live.contribution(v, k);
        }
        REQUIRE(sum == live.score(v));
        moved += live.village(v).rank != e.rank ? 1 : 0;
    }
    CHECK(moved > 0);  // the move did reorder villages
    CHECK(live.indexOf(expected.villages[0].code) == static_cast<int>(live.order()[0]));
    CHECK(live.indexOf("no-such-code") == -1);
    // a result cut by --top cannot be re-ranked
    req.top = 5;
    CHECK_THROWS_AS(tasks::LiveRanking(tasks::runTask(req, fb)), Error);

    // the theme: classes by current rank, joined to the village polygons by code
    auto store = ProjectStore::open(path, ProjectStore::Mode::ReadOnly);
    const Layer villages = store->readLayer("villages");
    std::vector<std::string> codes;
    std::vector<int> ranks;
    for (size_t v = 0; v < live.size(); ++v) {
        codes.push_back(live.village(v).code);
        ranks.push_back(live.rankOf(v));
    }
    const planning::RankThemeBuilder builder(&villages, codes);
    CHECK(builder.joined() == live.size());
    const auto theme = builder.make(ranks, 20);
    REQUIRE(theme.classCounts.size() == 5);
    const int n = static_cast<int>(live.size());
    const int top10 = n / 10, top25 = n / 4, top50 = n / 2;
    CHECK(theme.classCounts[0] == 20);
    CHECK(theme.classCounts[1] == top10 - 20);
    CHECK(theme.classCounts[2] == top25 - top10);
    CHECK(theme.classCounts[3] == top50 - top25);
    CHECK(theme.classCounts[4] == n - top50);
    const int top1Feature = builder.featureOf(live.order()[0]);
    REQUIRE(top1Feature >= 0);
    CHECK(villages.text(villages.features[static_cast<size_t>(top1Feature)], "code") == expected.villages[0].code);
    CHECK(theme.villageClass[static_cast<size_t>(top1Feature)] == 0);
}

TEST_CASE("telecom preset: operator_responsible reads the stored split assignment", "[rank][planning][integration]")
{
    test::TempDir dir("planning-operator");
    const std::string path = dir.file("p.gpkg");
    std::filesystem::copy_file(BANDO_TEST_ANALYSED, path);
    Feedback fb;
    tasks::RankRequest req;
    req.project = path;
    req.preset = "telecom";
    req.runs = 0;
    const auto before = tasks::runTask(req, fb);
    REQUIRE(before.criteria.size() == 7);
    REQUIRE(before.criteria.back().name == "operator_responsible");
    CHECK(before.criteria.back().weight == 0.05);
    double sum = 0;
    for (const auto& c : before.criteria)
        sum += c.weight;
    CHECK(sum == Approx(1.0));
    CHECK(std::any_of(before.notes.begin(), before.notes.end(),
                      [](const std::string& n) { return n.find("no operator assignment") != std::string::npos; }));
    for (const auto& v : before.villages) {
        REQUIRE(v.op.empty());
        REQUIRE(v.contributions.back() == 0);
    }

    // a hand-made assignment: 3 villages to Viettel, 2 to VNPT (scenario "split"), 1 to MobiFone in another
    const std::vector<std::pair<std::string, std::string>> assigned{
        {before.villages[10].code, "Viettel"}, {before.villages[20].code, "Viettel"}, {before.villages[30].code, "Viettel"},
        {before.villages[40].code, "VNPT"},    {before.villages[50].code, "VNPT"}};
    {
        auto store = ProjectStore::open(path, ProjectStore::Mode::ReadWrite);
        ProjectStore::Transaction tx(*store);
        Layer l = schema::makeLayer("operator_gap_villages");
        auto add = [&](const std::string& scenario, const std::string& code, const std::string& op) {
            Feature& f = l.addFeature(Geometry::point(106.7, 21.8));
            l.set(f, "scenario", scenario);
            l.set(f, "village_code", code);
            l.set(f, "operator", op);
        };
        for (const auto& [code, op] : assigned)
            add("split", code, op);
        add("other", before.villages[60].code, "MobiFone");
        store->appendFeatures(l);
        tx.commit();
    }
    const auto after = tasks::runTask(req, fb);
    CHECK(std::none_of(after.notes.begin(), after.notes.end(),
                       [](const std::string& n) { return n.find("no operator assignment") != std::string::npos; }));
    std::map<std::string, std::string> opOf(assigned.begin(), assigned.end());
    const size_t k = after.criteria.size() - 1;
    int withOperator = 0;
    for (const auto& v : after.villages) {
        auto it = opOf.find(v.code);
        if (it != opOf.end()) {
            ++withOperator;
            CHECK(v.op == it->second);
            CHECK(v.values[k] == 1);
            CHECK(v.normalised[k] == 1);
            CHECK(v.contributions[k] == Approx(5.0).epsilon(1e-12));  // 100 × 0.05 / 1.0 × 1
        } else {
            REQUIRE(v.op.empty());
            REQUIRE(v.contributions[k] == 0);
        }
    }
    CHECK(withOperator == 5);

    // --operator: only that operator's villages
    tasks::RankRequest vnpt = req;
    vnpt.operators = {"VNPT"};
    const auto own = tasks::runTask(vnpt, fb);
    CHECK(own.villagesRanked == 2);
    CHECK(own.filter == "operator=VNPT");
    for (const auto& v : own.villages)
        CHECK(v.op == "VNPT");
    // --operator-scenario: another split scenario
    tasks::RankRequest other = req;
    other.operatorScenario = "other";
    other.operators = {"MobiFone"};
    const auto mobi = tasks::runTask(other, fb);
    REQUIRE(mobi.villagesRanked == 1);
    CHECK(mobi.villages[0].code == before.villages[60].code);
    // the CLI writes the operator
    const auto cli = test::run(test::shellQuote(test::cliPath()) + " rank " + test::shellQuote(path) +
                               " --preset telecom --operator Viettel --runs 0 --json");
    INFO(cli.err);
    REQUIRE(cli.exitCode == 0);
    CHECK(cli.out.find("\"operator\": \"Viettel\"") != std::string::npos);
    CHECK(cli.out.find("\"villages_ranked\": 3") != std::string::npos);
}

TEST_CASE("target scenarios: bando targets|progress --scenario NAME and --csv FILE", "[targets][progress][planning][integration]")
{
    test::TempDir dir("planning-target-scenarios");
    const std::string path = dir.file("p.gpkg");
    std::filesystem::copy_file(test::samplePath(), path);
    Feedback fb;
    tasks::TargetsRequest show;
    show.project = path;
    const auto official = tasks::runTask(show, fb);
    const auto officialTargets = [&] {
        auto store = ProjectStore::open(path, ProjectStore::Mode::ReadOnly);
        return store->hasLayer("targets") ? store->readLayer("targets").features.size() : size_t(0);
    }();

    // showing a scenario that does not exist is refused; --phase is shared
    tasks::TargetsRequest missing = show;
    missing.scenario = "plan-b";
    CHECK_THROWS_WITH(tasks::runTask(missing, fb), Catch::Contains("no target scenario 'plan-b'"));
    tasks::TargetsRequest phase = missing;
    phase.phases.push_back(tasks::parsePhaseSet("1:2021-07-20:2021-12-31:180"));
    CHECK_THROWS_WITH(tasks::runTask(phase, fb), Catch::Contains("phases are shared"));

    // create plan-b: district 180 at 60 % shops
    tasks::TargetsRequest edit = show;
    edit.scenario = "plan-b";
    edit.sets.push_back(tasks::parseTargetSet("district:180:shop_pct=60"));
    const auto planB = tasks::runTask(edit, fb);
    CHECK(planB.changed);
    CHECK(planB.scenario == "plan-b");
    const planning::TargetRow* row = planB.table.find("district", "180");
    REQUIRE(row);
    CHECK(row->shopPct == 60);
    {
        auto store = ProjectStore::open(path, ProjectStore::Mode::ReadOnly);
        const Layer ts = store->readLayer("target_scenarios");
        size_t rows = 0;
        for (const auto& f : ts.features)
            rows += ts.text(f, "scenario") == "plan-b" ? 1 : 0;
        CHECK(rows == planB.table.rows.size());
        CHECK(rows >= officialTargets);
        // the project's targets are untouched
        CHECK((store->hasLayer("targets") ? store->readLayer("targets").features.size() : size_t(0)) == officialTargets);
    }
    const auto again = tasks::runTask(show, fb);
    const planning::TargetRow* officialRow = again.table.find("district", "180");
    const double officialPct = officialRow ? officialRow->shopPct : again.table.resolve("", "", "180", "").shopPct;
    REQUIRE(officialPct != 60);
    CHECK(again.table.rows.size() == official.table.rows.size());

    // progress against plan-b: district 180's target is 60 %, the other districts' unchanged
    tasks::ProgressRequest pr;
    pr.project = path;
    pr.levels = {"province", "district"};
    const auto base = tasks::runTask(pr, fb);
    pr.scenario = "plan-b";
    const auto scen = tasks::runTask(pr, fb);
    CHECK(scen.scenario == "plan-b");
    REQUIRE(scen.places.size() == base.places.size());
    for (size_t i = 0; i < scen.places.size(); ++i) {
        const auto& a = base.places[i];
        const auto& b = scen.places[i];
        REQUIRE(a.code == b.code);
        if (b.level == "district" && b.code == "180") {
            CHECK(b.target.shopPct == 60);
            CHECK(a.target.shopPct == officialPct);
            CHECK(b.c.targetShops > a.c.targetShops);
        } else if (b.level == "district") {
            CHECK(b.target.shopPct == a.target.shopPct);
            CHECK(b.c.targetShops == a.c.targetShops);
        }
        CHECK(b.c.shops == a.c.shops);  // the counts do not depend on the targets
    }
    tasks::ProgressRequest stored = pr;
    stored.store = true;
    CHECK_THROWS_WITH(tasks::runTask(stored, fb), Catch::Contains("--store"));
    tasks::ProgressRequest unknown = pr;
    unknown.scenario = "nope";
    CHECK_THROWS_WITH(tasks::runTask(unknown, fb), Catch::Contains("no target scenario 'nope'"));

    // the CLI: --scenario and --csv
    const std::string csv = dir.file("progress.csv");
    const auto cli = test::run(test::shellQuote(test::cliPath()) + " progress " + test::shellQuote(path) +
                               " --scenario plan-b --level province --level district --csv " + test::shellQuote(csv));
    INFO(cli.err);
    REQUIRE(cli.exitCode == 0);
    const auto rows = csvRows(csv);
    REQUIRE(rows.size() == scen.places.size() + 1);
    const auto& h = rows[0];
    bool found = false;
    for (size_t i = 1; i < rows.size(); ++i) {
        const auto& place = scen.places[i - 1];
        REQUIRE(rows[i].size() == h.size());
        CHECK(rows[i][column(h, "code")] == place.code);
        CHECK(rows[i][column(h, "scenario")] == "plan-b");
        CHECK(std::stoll(rows[i][column(h, "target_shops")]) == place.c.targetShops);
        CHECK(std::stoll(rows[i][column(h, "shops")]) == place.c.shops);
        if (place.code == "180" && place.level == "district") {
            found = true;
            CHECK(std::stod(rows[i][column(h, "target_shop_pct")]) == 60);
            CHECK(!rows[i][column(h, "shops_status")].empty());  // districts have a forecast
        }
    }
    CHECK(found);
    const std::string tcsv = dir.file("targets.csv");
    const auto tcli = test::run(test::shellQuote(test::cliPath()) + " targets " + test::shellQuote(path) +
                                " --scenario plan-b --csv " + test::shellQuote(tcsv));
    INFO(tcli.err);
    REQUIRE(tcli.exitCode == 0);
    const auto trows = csvRows(tcsv);
    REQUIRE(trows.size() == planB.places.size() + 1);
    for (size_t i = 1; i < trows.size(); ++i)
        if (trows[i][column(trows[0], "level")] == "district" && trows[i][column(trows[0], "code")] == "180")
            CHECK(std::stod(trows[i][column(trows[0], "shop_pct")]) == 60);
    const auto json = test::run(test::shellQuote(test::cliPath()) + " targets " + test::shellQuote(path) +
                                " --scenario plan-b --json");
    REQUIRE(json.exitCode == 0);
    CHECK(json.out.find("\"scenario\": \"plan-b\"") != std::string::npos);
    const auto both = test::run(test::shellQuote(test::cliPath()) + " progress " + test::shellQuote(path) +
                                " --json --csv " + test::shellQuote(csv));
    CHECK(both.exitCode != 0);
}
