// `bando bases` (issue #11) on the sample: p-median support-team bases on road distances, the
// objective recounted from the stored per-village rows, road distances never shorter than the
// straight line, a district filter, and the CLI's JSON.
#include <catch2/catch.hpp>

#include "core/analysis/indicators.hpp"
#include "core/base/error.hpp"
#include "core/crs/reproject.hpp"
#include "core/store/project_store.hpp"
#include "core/tasks/bases_task.hpp"
#include "core/tasks/job.hpp"
#include "support/test_support.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>

using namespace bando;

TEST_CASE("bando bases on the sample: 11 bases, objective recounted, road >= straight line", "[bases][optim][integration]")
{
    test::TempDir dir("bases");
    const std::string path = dir.file("p.gpkg");
    std::filesystem::copy_file(test::samplePath(), path);
    Feedback fb;
    tasks::BasesRequest q;
    q.project = path;
    q.count = 11;
    q.timeLimitSeconds = 2;
    const auto r = tasks::runTask(q, fb);
    REQUIRE(r.bases.size() == 11);
    CHECK(r.villages > 1600);
    CHECK(r.candidates == 200);
    CHECK(r.unreachable == 0);
    CHECK(r.objective <= r.firstLocalObjective + 1e-6);
    CHECK(r.firstLocalObjective <= r.greedyObjective + 1e-6);
    CHECK(r.objective > 0);

    auto store = ProjectStore::open(path);
    const Layer tv = store->readLayer("team_base_villages");
    const Layer tb = store->readLayer("team_bases");
    CHECK(tb.features.size() == 11);
    REQUIRE(static_cast<int>(tv.features.size()) == r.villages);
    std::map<std::string, XY> baseXY;
    {
        Layer m = tb;
        crs::reproject(m, analysis::AnalysisOptions{}.metricEpsg);
        for (const auto& f : m.features)
            baseXY[m.text(f, "commune_code")] = f.geom.parts[0][0][0];
    }
    std::map<std::string, XY> villageXY;
    {
        Layer v = store->readLayer("villages");
        crs::reproject(v, analysis::AnalysisOptions{}.metricEpsg);
        for (const auto& f : v.features)
            villageXY[v.text(f, "code")] = interiorPoint(f.geom);
    }
    double objective = 0, households = 0;
    std::map<std::string, int> perBase;
    for (const auto& f : tv.features) {
        const std::string base = tv.text(f, "base_commune_code");
        REQUIRE(baseXY.count(base) == 1);
        const double km = tv.real(f, "road_km");
        objective += tv.real(f, "households") * km;
        households += tv.real(f, "households");
        ++perBase[base];
        const XY a = villageXY.at(tv.text(f, "village_code")), b = baseXY.at(base);
        CHECK(km * 1000 >= std::hypot(a.x - b.x, a.y - b.y) - 1e-6);
    }
    CHECK(objective == Approx(r.objective).epsilon(1e-9));
    CHECK(households == r.households);
    for (const auto& b : r.bases)
        CHECK(perBase[b.communeCode] == b.villages);
    store.reset();

    // One district, one base: in that district.
    q.districts = {"178"};
    q.count = 1;
    q.scenario = "city";
    const auto c = tasks::runTask(q, fb);
    REQUIRE(c.bases.size() == 1);
    CHECK(c.bases[0].districtCode == "178");
    CHECK(c.villages < r.villages);
    // Small enough for the exact MIP bound through CBC; the whole province is not (1,699 × 200).
    CHECK_FALSE(r.boundComputed);
    REQUIRE(c.boundComputed);
    CHECK(c.optimal);  // p = 1: substitution tries every commune
    CHECK(c.lowerBound == Approx(c.objective).epsilon(1e-9));
    q.count = 3;
    const auto c3 = tasks::runTask(q, fb);
    REQUIRE(c3.boundComputed);
    CHECK(c3.lowerBound <= c3.objective + 1e-6);
    CHECK(c3.gap >= 0);
    CHECK(c3.gap < 0.002);
    std::printf("bases, district 178, P = 3: objective %.1f, CBC lower bound %.1f, gap %.4f %%, optimal %d (%.2f s)\n",
                c3.objective, c3.lowerBound, 100 * c3.gap, c3.optimal ? 1 : 0, c3.boundSeconds);

    // The CLI: JSON, and P larger than the candidates refused naming --count.
    auto run = test::run(test::shellQuote(test::cliPath()) + " bases " + test::shellQuote(path) +
                         " --count 3 --district 178 --no-store --json");
    REQUIRE(run.exitCode == 0);
    CHECK(run.out.find("\"count\": 3") != std::string::npos);
    CHECK(run.out.find("\"unreachable_villages\": 0") != std::string::npos);
    CHECK(run.out.find("\"lower_bound\"") != std::string::npos);
    run = test::run(test::shellQuote(test::cliPath()) + " bases " + test::shellQuote(path) + " --count 500 --no-store");
    CHECK(run.exitCode == ExitUsage);
    CHECK(run.err.find("--count") != std::string::npos);
}
