// `bando analyze` on the sample (issue #9): the classification totals stay 148 / 140 / 405, the
// shops add up, covered + gap areas close, the results are stored (and readable by GDAL), a
// re-run reuses every part and an edit made with sqlite3 recomputes only what depends on it.
#include <catch2/catch.hpp>

#include "core/base/error.hpp"
#include "core/capi/sqlite.hpp"
#include "core/store/project_store.hpp"
#include "core/tasks/analyze_task.hpp"
#include "core/tasks/classify_task.hpp"
#include "core/tasks/job.hpp"
#include "support/test_support.hpp"

#include <sqlite3.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>

using namespace bando;

namespace {

std::string copySample(const test::TempDir& dir)
{
    const std::string p = dir.file("p.gpkg");
    std::filesystem::copy_file(test::samplePath(), p);
    return p;
}

bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

void sql(const std::string& path, const std::string& statement)
{
    sqlite3* raw = nullptr;
    const int opened = sqlite3_open(path.c_str(), &raw);
    const sqlite::ConnectionPtr db(raw);
    REQUIRE(opened == SQLITE_OK);
    char* err = nullptr;
    const int rc = sqlite3_exec(db.get(), statement.c_str(), nullptr, nullptr, &err);
    INFO((err ? err : ""));
    sqlite3_free(err);
    REQUIRE(rc == SQLITE_OK);
}

int64_t sqlInt(const std::string& path, const std::string& query)
{
    sqlite3* raw = nullptr;
    const int opened = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
    const sqlite::ConnectionPtr db(raw);
    REQUIRE(opened == SQLITE_OK);
    sqlite3_stmt* rawSt = nullptr;
    int64_t v = -1;
    const int prepared = sqlite3_prepare_v2(db.get(), query.c_str(), -1, &rawSt, nullptr);
    const sqlite::StatementPtr st(rawSt);
    if (prepared == SQLITE_OK && sqlite3_step(st.get()) == SQLITE_ROW)
        v = sqlite3_column_int64(st.get(), 0);
    return v;
}

int64_t trainedTotal(const tasks::AnalyzeResult& r)
{
    int64_t n = 0;
    for (const auto& v : r.villages)
        n += v.teamTrained;
    return n;
}

} // namespace

TEST_CASE("analyze the sample: classification unchanged and shops add up and areas close and results stored",
          "[analyze][integration]")
{
    test::TempDir dir("analyze");
    const std::string path = copySample(dir);
    Feedback fb;
    tasks::AnalyzeRequest req;
    req.project = path;
    const auto r = tasks::runTask(req, fb);

    // the classification rule, exactly as classify
    tasks::ClassifyRequest creq;
    creq.project = test::samplePath();
    const auto c = tasks::runTask(creq, fb);
    CHECK(r.total.noSignal == 148);
    CHECK(r.total.unstable == 140);
    CHECK(r.total.noBroadband == 405);
    CHECK(r.total.covered == c.total.covered);
    REQUIRE(r.villages.size() == c.villages.size());
    for (size_t i = 0; i < r.villages.size(); ++i) {
        CHECK(r.villages[i].code == c.villages[i].villageCode);
        CHECK(r.villages[i].status.mobile == c.villages[i].mobile);
    }
    CHECK(r.metricEpsg == 9215);
    CHECK(r.recomputed.size() == 3);

    // every shop of the layer is counted once: in a village or outside every village
    const auto store = ProjectStore::open(test::samplePath());
    const int64_t shopRows = store->layerInfo("shops").featureCount;
    CHECK(r.shopsTotal == shopRows);
    int64_t sum = 0, boundary = 0;
    for (const auto& v : r.villages) {
        sum += v.shops;
        boundary += v.boundaryShops;
        CHECK(v.epay <= v.shops);
        CHECK(v.locomotive <= v.shops);
    }
    CHECK(sum + r.shopsOutside == r.shopsTotal);
    CHECK(boundary == r.shopsBoundary);
    CHECK(r.province()->shops == sum);
    CHECK(r.shopsOutside < shopRows / 1000);
    // the program's end-of-year figure (about 112,000 shops) and the targets' most specific level
    CHECK(sum > 100000);
    int communeTargets = 0;
    for (const auto& v : r.villages) {
        CHECK(!v.targetScope.empty());
        if (v.targetScope == "commune") {
            ++communeTargets;
            CHECK(v.targetShopPct > 50);
        }
    }
    CHECK(communeTargets > 0);

    // covered + gap = village area within 0.01 %, for "any" and every operator
    for (const auto& v : r.villages) {
        REQUIRE(!v.coverage.empty());
        for (const auto& s : v.coverage) {
            CHECK(s.areaGood >= 0);
            CHECK(s.areaGood + s.areaWeakOnly <= 1 + 1e-9);
        }
        const auto& any = v.coverage.back();
        REQUIRE(any.op == "any");
        const double covered = (any.areaGood + any.areaWeakOnly) * v.areaKm2;
        CHECK(std::fabs(covered + v.gapAreaKm2 - v.areaKm2) <= 1e-4 * v.areaKm2);
    }

    // stored: one row per village at the date, the roll-ups, the gaps (drawable), the state
    const auto out = ProjectStore::open(path);
    const Layer vi = out->readLayer("village_indicators");
    CHECK(vi.features.size() == r.villages.size());
    const Layer ui = out->readLayer("unit_indicators");
    bool province = false;
    for (const auto& f : ui.features)
        if (ui.text(f, "level") == "province") {
            province = true;
            CHECK(ui.integer(f, "no_signal") == 148);
            CHECK(ui.integer(f, "unstable") == 140);
            CHECK(ui.integer(f, "no_broadband") == 405);
            CHECK(ui.integer(f, "shops") == sum);
        }
    CHECK(province);
    const Layer gaps = out->readLayer("coverage_gaps");
    CHECK(static_cast<int64_t>(gaps.features.size()) == r.gapRows);
    CHECK(gaps.features.size() == r.villages.size() * 4 * 2);  // 3 operators + any, two kinds
    double gapHh = 0, gapArea = 0;
    int drawn = 0;
    for (const auto& f : gaps.features)
        if (gaps.text(f, "operator") == "any" && gaps.text(f, "kind") == "no_coverage") {
            gapHh += gaps.real(f, "households");
            gapArea += gaps.real(f, "area_m2");
            drawn += f.geom.isEmpty() ? 0 : 1;
        }
    CHECK(gapHh == Approx(r.province()->gapHouseholds));
    CHECK(gapArea / 1e6 == Approx(r.province()->gapAreaKm2));
    CHECK(drawn > 100);
    CHECK(out->layerInfo("coverage_gaps").description.find("Analysis") != std::string::npos);
}

TEST_CASE("analyze again: nothing changed reuses every part and a sqlite3 edit recomputes what depends on it",
          "[analyze][integration][incremental]")
{
    test::TempDir dir("analyze-inc");
    const std::string path = copySample(dir);
    Feedback fb;
    tasks::AnalyzeRequest req;
    req.project = path;
    req.date = "2021-12-31";
    const auto first = tasks::runTask(req, fb);
    const auto t0 = std::chrono::steady_clock::now();
    const auto again = tasks::runTask(req, fb);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    WARN("re-run with nothing changed: " << seconds << " s");
    CHECK(again.recomputed.empty());
    CHECK(again.reused.size() == 3);
    CHECK(again.total.noSignal == 148);
    CHECK(again.province()->shops == first.province()->shops);
    CHECK(again.province()->gapHouseholds == Approx(first.province()->gapHouseholds));

    // one shop deleted with plain sqlite3 (no GDAL, gpkg_contents.last_change untouched): only the
    // economy part is recomputed. (An UPDATE would need the GeoPackage's ST_ functions for its
    // rtree triggers, which plain sqlite3 lacks.)
    sql(path, "DELETE FROM shops WHERE fid = (SELECT min(fid) FROM shops)");
    const auto edited = tasks::runTask(req, fb);
    CHECK(has(edited.recomputed, "economy"));
    CHECK(has(edited.reused, "coverage"));
    CHECK(has(edited.reused, "access"));
    CHECK(edited.province()->shops == first.province()->shops - 1);
    CHECK(edited.total.noSignal == 148);
    CHECK(edited.total.noBroadband == 405);
    CHECK(edited.province()->gapHouseholds == Approx(first.province()->gapHouseholds));

    // a settlement edit changes coverage, economy (households) and access
    sql(path, "DELETE FROM settlements WHERE fid = (SELECT min(fid) FROM settlements WHERE is_centre = 0 AND "
              "households > 0)");
    const auto edited2 = tasks::runTask(req, fb);
    CHECK(edited2.reused.empty());
    CHECK(edited2.province()->households < first.province()->households);

    // --since gives the change; a new date keeps the rows of the first
    req.since = "2021-10-13";
    const auto since = tasks::runTask(req, fb);
    CHECK(since.province()->shopsSince > 60000);
    CHECK(since.province()->shopsSince < since.province()->shops);
    req.since.clear();
    req.date = "2021-09-15";
    const auto sept = tasks::runTask(req, fb);
    CHECK(has(sept.recomputed, "economy"));
    CHECK(sept.province()->shops < since.province()->shopsSince);
    const auto store = ProjectStore::open(path);
    std::map<std::string, int> rowsPerDate;
    const Layer vi = store->readLayer("village_indicators");
    for (const auto& f : vi.features)
        ++rowsPerDate[vi.text(f, "date")];
    CHECK(rowsPerDate.size() == 2);
    CHECK(rowsPerDate["2021-09-15"] == static_cast<int>(first.villages.size()));
}

TEST_CASE("analyze again: triggers count every edit, an external sqlite3 UPDATE marks its layer stale, "
          "without triggers the row hash decides",
          "[analyze][integration][incremental]")
{
    test::TempDir dir("analyze-counters");
    const std::string path = copySample(dir);
    Feedback fb;
    tasks::AnalyzeRequest req;
    req.project = path;
    req.date = "2021-12-31";
    const auto first = tasks::runTask(req, fb);
    const char* triggers = "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'bando_changes_%'";
    // the ten input layers of the sample, three triggers each, and a counter row each
    CHECK(sqlInt(path, triggers) == 30);
    CHECK(sqlInt(path, "SELECT count(*) FROM layer_changes") == 10);
    CHECK(sqlInt(path, "SELECT count(*) FROM analysis_state WHERE layer = 'teams' AND fingerprint LIKE 'changes %'") == 1);
    const int64_t before = sqlInt(path, "SELECT changes FROM layer_changes WHERE layer = 'teams'");
    const std::string fpBefore = tasks::layerFingerprint(path, "teams");

    const auto t0 = std::chrono::steady_clock::now();
    const auto again = tasks::runTask(req, fb);
    WARN("re-run with nothing changed (counters): "
         << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() << " s");
    CHECK(again.recomputed.empty());

    // an UPDATE by another program (plain sqlite3: no GDAL, gpkg_contents.last_change, the row
    // count and the max fid all unchanged) bumps the counter: the economy part is stale
    sql(path, "UPDATE teams SET trained = trained + 1 WHERE fid = (SELECT min(fid) FROM teams WHERE trained IS NOT NULL "
              "AND village_code IN (SELECT code FROM villages))");
    CHECK(sqlInt(path, "SELECT changes FROM layer_changes WHERE layer = 'teams'") == before + 1);
    CHECK(tasks::layerFingerprint(path, "teams") != fpBefore);
    const auto edited = tasks::runTask(req, fb);
    CHECK(edited.recomputed == std::vector<std::string>{"economy"});
    CHECK(trainedTotal(edited) == trainedTotal(first) + 1);

    // a program that drops the triggers (as re-creating the table does): the row hash is used,
    // the edit is still seen, and the run puts the triggers back
    sql(path, "DROP TRIGGER bando_changes_teams_update");
    sql(path, "UPDATE teams SET trained = trained + 1 WHERE fid = (SELECT min(fid) FROM teams WHERE trained IS NOT NULL "
              "AND village_code IN (SELECT code FROM villages))");
    CHECK(sqlInt(path, triggers) == 29);
    CHECK(tasks::layerFingerprint(path, "teams").rfind("changes ", 0) == std::string::npos);
    const auto edited2 = tasks::runTask(req, fb);
    CHECK(edited2.recomputed == std::vector<std::string>{"economy"});
    CHECK(trainedTotal(edited2) == trainedTotal(first) + 2);
    CHECK(sqlInt(path, triggers) == 30);
    const auto quiet = tasks::runTask(req, fb);
    CHECK(quiet.recomputed.empty());
    CHECK(trainedTotal(quiet) == trainedTotal(first) + 2);
}

TEST_CASE("bando analyze --json keeps classify's totals keys and adds the new ones", "[analyze][cli]")
{
    test::TempDir dir("analyze-cli");
    const std::string path = copySample(dir);
    auto r = test::run(test::shellQuote(test::cliPath()) + " analyze " + test::shellQuote(path) + " --json");
    REQUIRE(r.exitCode == 0);
    for (const char* key : {"\"no_signal\": 148", "\"unstable\": 140", "\"no_broadband\": 405", "\"covered\":",
                            "\"shops\":", "\"shop_pct\":", "\"gap_households\":", "\"districts\":", "\"reused\":"})
        CHECK(r.out.find(key) != std::string::npos);
    r = test::run(test::shellQuote(test::cliPath()) + " analyze " + test::shellQuote(path) + " --csv " +
                  test::shellQuote(dir.file("v.csv")));
    REQUIRE(r.exitCode == 0);
    const std::string csv = test::readFile(dir.file("v.csv"));
    CHECK(csv.rfind("village_code,village_name", 0) == 0);
    CHECK(std::count(csv.begin(), csv.end(), '\n') > 1500);
    r = test::run(test::shellQuote(test::cliPath()) + " analyze " + test::shellQuote(path) + " --date 2021-13-01");
    CHECK(r.exitCode != 0);
    CHECK(r.err.find("--date") != std::string::npos);
}

TEST_CASE("a cancelled analysis leaves the previous results intact", "[analyze][integration][cancel]")
{
    test::TempDir dir("analyze-cancel");
    const std::string path = copySample(dir);
    tasks::AnalyzeRequest req;
    req.project = path;
    req.date = "2021-10-13";
    Feedback fb;
    const auto first = tasks::runTask(req, fb);
    // a second run at another date, cancelled once the analysis has reached 80 %
    req.date = "2021-12-31";
    req.force = true;
    Feedback cancelling;
    cancelling.setObserver([&cancelling](double percent, const std::string&) {
        if (percent >= 80)
            cancelling.cancel();
    });
    CHECK_THROWS_AS(tasks::runTask(req, cancelling), CancelledError);
    const auto store = ProjectStore::open(path);
    const Layer vi = store->readLayer("village_indicators");
    REQUIRE(vi.features.size() == first.villages.size());
    int64_t shops = 0;
    for (const auto& f : vi.features) {
        CHECK(vi.text(f, "date") == "2021-10-13");
        shops += vi.integer(f, "shops");
    }
    CHECK(shops == first.province()->shops);
    CHECK(shops < 80000);  // the 13/10 figure (68,311 reported), not the year-end one
}

TEST_CASE("stored rows deleted by hand are recomputed instead of reused", "[analyze][integration][incremental]")
{
    test::TempDir dir("analyze-del");
    const std::string path = copySample(dir);
    tasks::AnalyzeRequest req;
    req.project = path;
    Feedback fb;
    const auto first = tasks::runTask(req, fb);
    sql(path, "DELETE FROM village_indicators WHERE fid IN (SELECT fid FROM village_indicators LIMIT 10)");
    const auto again = tasks::runTask(req, fb);
    CHECK(again.reused.empty());
    CHECK(again.villages.size() == first.villages.size());
    CHECK(again.total.noSignal == 148);
    const auto store = ProjectStore::open(path);
    CHECK(store->layerInfo("village_indicators").featureCount == static_cast<int64_t>(first.villages.size()));
}
