// `bando rank` and `bando scenarios` on the analysed sample (issue #10): contributions add up to
// the score, a criterion recomputed by hand from the stored indicators, filters, saved presets,
// scenarios stored in the project and their comparison.
#include <catch2/catch.hpp>

#include "core/base/error.hpp"
#include "core/store/project_store.hpp"
#include "core/tasks/analyze_task.hpp"
#include "core/tasks/job.hpp"
#include "core/tasks/rank_task.hpp"
#include "core/tasks/scenarios_task.hpp"
#include "support/test_support.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

using namespace bando;

TEST_CASE("rank and scenarios on the analysed sample", "[rank][planning][integration]")
{
    test::TempDir dir("planning-rank");
    const std::string path = dir.file("p.gpkg");
    std::filesystem::copy_file(test::samplePath(), path);
    Feedback fb;
    tasks::AnalyzeRequest areq;
    areq.project = path;
    areq.date = "2021-09-15";  // the phase-1 report date: households still missing everywhere
    const auto analysed = tasks::runTask(areq, fb);

    tasks::RankRequest req;
    req.project = path;
    req.preset = "team";
    req.scenario = "base";
    req.runs = 50;
    const auto base = tasks::runTask(req, fb);
    REQUIRE(base.villagesRanked == static_cast<int>(analysed.villages.size()));
    REQUIRE(base.villages.size() == analysed.villages.size());
    REQUIRE(base.criteria.size() == 5);
    for (size_t i = 0; i < base.villages.size(); ++i) {
        const auto& v = base.villages[i];
        double s = 0;
        for (double c : v.contributions)
            s += c;
        REQUIRE(s == v.score);
        REQUIRE(v.rank == static_cast<int>(i) + 1);
        if (i)
            REQUIRE(v.score <= base.villages[i - 1].score);
        REQUIRE(v.stability.rankMin <= v.rank);
        REQUIRE(v.stability.rankMax >= v.rank);
    }

    // missing_households recomputed by hand from the stored indicators for the first village
    std::map<std::string, double> missing;
    {
        auto store = ProjectStore::open(path);
        const Layer vi = store->readLayer("village_indicators");
        for (const auto& f : vi.features) {
            const double t = vi.real(f, "target_shop_pct", -1);
            if (t >= 0)
                missing[vi.text(f, "village_code")] =
                    std::max(0.0, std::ceil(t / 100.0 * vi.real(f, "households") - 1e-9) - vi.real(f, "shops"));
        }
    }
    REQUIRE(missing.size() == analysed.villages.size());
    double lo = 1e300, hi = -1e300;
    for (const auto& [k, m] : missing) {
        lo = std::min(lo, m);
        hi = std::max(hi, m);
    }
    REQUIRE(hi > lo);
    for (const auto* v : {&base.villages.front(), &base.villages[100], &base.villages.back()}) {
        CHECK(v->values[0] == missing.at(v->code));
        CHECK(v->contributions[0] == Approx(35.0 * (missing.at(v->code) - lo) / (hi - lo)).epsilon(1e-12));
    }

    // the scenario is stored: one row per village, contributions per criterion summing to the score
    {
        auto store = ProjectStore::open(path);
        const Layer res = store->readLayer("scenario_results");
        const Layer con = store->readLayer("scenario_contributions");
        CHECK(res.features.size() == base.villages.size());
        CHECK(con.features.size() == base.villages.size() * 5);
        std::map<std::string, double> sum;
        for (const auto& f : con.features)
            sum[con.text(f, "village_code")] += con.real(f, "contribution");
        for (const auto& f : res.features)
            REQUIRE(sum.at(res.text(f, "village_code")) == Approx(res.real(f, "score")).epsilon(1e-12));
    }

    // a weight change, stored as a second scenario and as a preset
    req.scenario = "signal";
    req.weights["travel_commune_seat"] = 0.6;
    req.savePreset = "signal-first";
    const auto signal = tasks::runTask(req, fb);
    CHECK(signal.criteria[2].weight == 0.6);

    tasks::ScenariosRequest sreq;
    sreq.project = path;
    sreq.compareA = "base";
    sreq.compareB = "signal";
    sreq.top = 20;
    sreq.reasons = 5;
    const auto cmp = tasks::runTask(sreq, fb);
    REQUIRE(cmp.scenarios.size() == 2);
    REQUIRE(cmp.compared);
    const auto& c = cmp.comparison;
    REQUIRE(c.weights.size() == 1);
    CHECK(c.weights[0].first == "travel_commune_seat");
    CHECK(c.weights[0].second.first == 0.15);
    CHECK(c.weights[0].second.second == 0.6);
    CHECK(c.inputs.empty());
    CHECK(c.entered.size() == c.left.size());
    CHECK(c.entered.size() + c.moved.size() + static_cast<size_t>(c.unchanged) == 20);
    CHECK(!c.entered.empty());  // 0.15 -> 0.6 on travel time reshuffles the top 20 of the sample
    for (const auto& e : c.entered) {
        CHECK(e.rankB <= 20);
        CHECK(e.rankA > 20);
        double d = 0;
        for (const auto& [k, x] : e.why)
            d += x;
        CHECK(d == Approx(e.scoreB - e.scoreA).margin(1e-9));
    }
    // the entered villages are ranked as the signal run ranks them
    for (const auto& e : c.entered) {
        auto it = std::find_if(signal.villages.begin(), signal.villages.end(), [&](const auto& v) { return v.code == e.code; });
        REQUIRE(it != signal.villages.end());
        CHECK(it->rank == e.rankB);
    }

    // the saved preset gives the same ranking
    tasks::RankRequest again;
    again.project = path;
    again.preset = "signal-first";
    again.runs = 0;
    again.top = 20;
    const auto saved = tasks::runTask(again, fb);
    REQUIRE(saved.villages.size() == 20);
    for (size_t i = 0; i < 20; ++i)
        CHECK(saved.villages[i].code == signal.villages[i].code);

    // filter: one district, telecom preset
    tasks::RankRequest tel;
    tel.project = path;
    tel.preset = "telecom";
    tel.runs = 0;
    tel.districts = {"180"};
    const auto t = tasks::runTask(tel, fb);
    int expected = 0;
    for (const auto& v : analysed.villages)
        expected += v.districtCode == "180" ? 1 : 0;
    REQUIRE(expected > 0);
    CHECK(t.villagesRanked == expected);
    for (const auto& v : t.villages)
        CHECK(v.district == "180");
    CHECK(t.filter == "district=180");

    // errors name the option
    tasks::RankRequest bad = tel;
    bad.weights["nope"] = 1;
    CHECK_THROWS_WITH(tasks::runTask(bad, fb), Catch::Contains("no criterion 'nope'"));
    bad = tel;
    bad.preset = "unknown";
    CHECK_THROWS_WITH(tasks::runTask(bad, fb), Catch::Contains("no preset 'unknown'"));
    bad = tel;
    bad.addCriteria.push_back(tasks::parseCriterionSpec("x=not_a_field"));
    CHECK_THROWS_WITH(tasks::runTask(bad, fb), Catch::Contains("no numeric field 'not_a_field'"));

    // the CLI
    const auto cli = test::run(test::shellQuote(test::cliPath()) + " rank " + test::shellQuote(path) +
                               " --preset telecom --weight border_or_difficult=0 --top 3 --runs 10 --json");
    INFO(cli.err);
    REQUIRE(cli.exitCode == 0);
    CHECK(cli.out.find("\"contributions\"") != std::string::npos);
    CHECK(cli.out.find("\"rank\": 3") != std::string::npos);
    CHECK(cli.out.find("\"rank\": 4") == std::string::npos);
    const auto sc = test::run(test::shellQuote(test::cliPath()) + " scenarios " + test::shellQuote(path) +
                              " --compare base signal --json");
    INFO(sc.err);
    REQUIRE(sc.exitCode == 0);
    CHECK(sc.out.find("\"entered\"") != std::string::npos);
    CHECK(sc.out.find("\"travel_commune_seat\": [0.15, 0.6]") != std::string::npos);
}
