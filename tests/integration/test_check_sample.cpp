// `bando check` on the sample (issue #10): the clean sample has no error and a pinned number of
// each warning; the sample made with --with-errors has each seeded error, named with its place
// and figures.
#include <catch2/catch.hpp>

#include "core/store/project_store.hpp"
#include "core/tasks/check_task.hpp"
#include "core/tasks/job.hpp"
#include "core/tasks/sample_task.hpp"
#include "support/test_support.hpp"

#include <map>

using namespace bando;

namespace {

const planning::Finding* findOne(const tasks::CheckResult& r, const std::string& kind)
{
    for (const auto& f : r.findings)
        if (f.kind == kind)
            return &f;
    return nullptr;
}

double figure(const planning::Finding& f, const std::string& name)
{
    for (const auto& [k, v] : f.figures)
        if (k == name)
            return v;
    FAIL("no figure " << name << " in: " << f.message);
    return 0;
}

} // namespace

TEST_CASE("check on the clean sample: no error, the warnings counted", "[check][planning][integration]")
{
    Feedback fb;
    tasks::CheckRequest q;
    q.project = test::samplePath();
    const auto r = tasks::runTask(q, fb);
    for (const auto& f : r.findings)
        if (f.severity == planning::Severity::Error)
            UNSCOPED_INFO(f.kind << " " << f.code << ": " << f.message);
    CHECK(r.errors == 0);
    // The sample's teams (src/core/sample/program.cpp, makeTeams): 2,312 teams, every 9th pair
    // (k = 0, 9, …, 2304) has 4 and 2 members → 257 teams of 2; every team k with k % 97 == 5
    // has one trained member → 24; one team or more in every village.
    CHECK(r.countByKind.at("team_size") == 257);
    CHECK(r.countByKind.at("team_trained") == 24);
    CHECK(r.countByKind.at("village_without_team") == 0);
    CHECK(r.countByKind.at("team_impossible") == 0);
    // The sample is calibrated to the 148 villages with no signal of the 10/2021 report, and each
    // of them still got a few shops (weight 0.04 in the sample's schedule).
    CHECK(r.countByKind.at("shops_without_signal") == 148);
    CHECK(r.warnings == 257 + 24 + 148);
    CHECK(r.countByKind.size() == planning::checkKinds().size());
    for (const auto& f : r.findings)
        if (f.kind == "shops_without_signal") {
            CHECK(f.level == "village");
            CHECK_FALSE(f.name.empty());
            CHECK_FALSE(f.extent.isEmpty());
            CHECK(figure(f, "shops") > 0);
        }
}

TEST_CASE("check on the sample with errors finds each seeded error", "[check][planning][integration]")
{
    test::TempDir dir("check-errors");
    tasks::SampleRequest s;
    s.out = dir.file("errors.gpkg");
    s.withErrors = true;
    Feedback fb;
    tasks::runTask(s, fb);

    tasks::CheckRequest q;
    q.project = s.out;
    const auto r = tasks::runTask(q, fb);
    for (const auto& f : r.findings)
        if (f.severity == planning::Severity::Error)
            UNSCOPED_INFO(f.kind << " " << f.level << " " << f.code << ": " << f.message);

    // 1. Đình Lập's "350,000 households"
    const auto* claim = findOne(r, "claim_above_households");
    REQUIRE(claim);
    CHECK(r.countByKind.at("claim_above_households") == 1);
    CHECK(claim->level == "district");
    CHECK(claim->code == "189");
    CHECK(claim->name == "Huyện Đình Lập");
    CHECK(figure(*claim, "claimed") == 350000);
    CHECK(figure(*claim, "households") < 10000);
    // 2. the commune given 517 households more than its villages (and so its district too)
    int communes = 0, districts = 0;
    std::string communeDistrict;
    for (const auto& f : r.findings)
        if (f.kind == "total_mismatch") {
            if (f.level == "commune") {
                ++communes;
                CHECK(figure(f, "difference") == 517);
                CHECK(f.layer == "communes");
                CHECK_FALSE(f.name.empty());
            } else if (f.level == "district") {
                ++districts;
                CHECK(figure(f, "difference") == -517);
            }
        }
    CHECK(communes == 1);
    CHECK(districts == 1);
    CHECK(r.countByKind.at("total_mismatch") == 2);
    // 3. the province's shop count going down on 20/10/2021
    const auto* down = findOne(r, "count_decreases");
    REQUIRE(down);
    CHECK(r.countByKind.at("count_decreases") == 1);
    CHECK(down->level == "province");
    CHECK(down->date == "2021-10-20");
    CHECK(figure(*down, "shops_before") == 68311);
    CHECK(figure(*down, "shops_after") == 61311);
    // 4. the shop moved outside the province
    const auto* outside = findOne(r, "point_outside_villages");
    REQUIRE(outside);
    CHECK(r.countByKind.at("point_outside_villages") == 1);
    CHECK(outside->layer == "shops");
    CHECK(outside->row > 0);
    CHECK_FALSE(outside->extent.isEmpty());
    // nothing else is an error
    CHECK(r.errors == 1 + 2 + 1 + 1);
    // the warnings are those of the clean sample
    CHECK(r.countByKind.at("team_size") == 257);
    CHECK(r.countByKind.at("team_trained") == 24);

    // --errors-only and --kind
    tasks::CheckRequest only = q;
    only.errorsOnly = true;
    only.kinds = {"count_decreases", "team_size"};
    const auto o = tasks::runTask(only, fb);
    CHECK(o.findings.size() == 1);
    CHECK(o.countByKind.size() == 1);
    CHECK(o.warnings == 0);
    tasks::CheckRequest bad = q;
    bad.kinds = {"nope"};
    CHECK_THROWS_WITH(tasks::runTask(bad, fb), Catch::Contains("unknown check 'nope'"));

    // --store: the findings as a point layer QGIS opens
    tasks::CheckRequest st = q;
    st.store = true;
    const auto stored = tasks::runTask(st, fb);
    CHECK(stored.stored);
    {
        auto store = ProjectStore::open(s.out);
        const Layer l = store->readLayer("check_findings");
        CHECK(l.features.size() == stored.findings.size());
        int errors = 0;
        for (const auto& f : l.features) {
            errors += l.text(f, "severity") == "error";
            CHECK_FALSE(f.geom.isEmpty());
            CHECK_FALSE(l.text(f, "rule").empty());
        }
        CHECK(errors == 5);
        for (const auto& f : l.features)
            if (l.text(f, "kind") == "claim_above_households")
                CHECK(l.text(f, "figures") ==
                      "claimed=350000; households=" + std::to_string(static_cast<int64_t>(figure(*claim, "households"))));
    }

    // the CLI
    const auto cli = test::run(test::shellQuote(test::cliPath()) + " check " + test::shellQuote(s.out) +
                               " --errors-only --json");
    INFO(cli.err);
    REQUIRE(cli.exitCode == 0);
    CHECK(cli.out.find("\"errors\": 5") != std::string::npos);
    CHECK(cli.out.find("\"claimed\": 350000") != std::string::npos);
    CHECK(cli.out.find("\"severity\": \"error\"") != std::string::npos);
    CHECK(cli.out.find("\"severity\": \"warning\"") == std::string::npos);
    const auto usage = test::run(test::shellQuote(test::cliPath()) + " check " + test::shellQuote(s.out) + " --kind nope");
    CHECK(usage.exitCode == 2);
}
