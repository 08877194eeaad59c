// `bando targets` and `bando progress` on the sample (issue #10): the stored targets and their
// edits, the program defaults, the progress matching the province's reported snapshots
// (DOMAIN.md §1, which the sample's schedule reproduces) and the forecast recomputed by hand
// from the shops layer.
#include <catch2/catch.hpp>

#include "core/base/error.hpp"
#include "core/planning/targets.hpp"
#include "core/store/project_store.hpp"
#include "core/tasks/job.hpp"
#include "core/tasks/progress_task.hpp"
#include "core/tasks/targets_task.hpp"
#include "support/test_support.hpp"

#include <cmath>
#include <filesystem>
#include <map>
#include <set>

using namespace bando;

namespace {

const tasks::TargetPlace* place(const tasks::TargetsResult& r, const std::string& level, const std::string& code)
{
    for (const auto& p : r.places)
        if (p.level == level && p.code == code)
            return &p;
    return nullptr;
}

const planning::PlaceProgress* place(const tasks::ProgressResult& r, const std::string& level, const std::string& code)
{
    for (const auto& p : r.places)
        if (p.level == level && p.code == code)
            return &p;
    return nullptr;
}

} // namespace

TEST_CASE("targets on the sample: stored rows, effective targets, edits and the defaults", "[targets][planning][integration]")
{
    test::TempDir dir("planning-targets");
    const std::string path = dir.file("p.gpkg");
    std::filesystem::copy_file(test::samplePath(), path);
    Feedback fb;

    tasks::TargetsRequest show;
    show.project = path;
    const auto r = tasks::runTask(show, fb);
    CHECK_FALSE(r.changed);
    // The households each target asks for, recomputed by hand from the villages and the stored rows.
    {
        auto store = ProjectStore::open(path);
        const Layer v = store->readLayer("villages");
        const Layer t = store->readLayer("targets");
        std::map<std::string, double> communePct, districtLoco;
        for (const auto& f : t.features) {
            if (t.text(f, "scope") == "commune")
                communePct[t.text(f, "code")] = t.real(f, "shop_pct");
            if (t.text(f, "scope") == "district")
                districtLoco[t.text(f, "code")] = t.real(f, "locomotive_pct");
        }
        REQUIRE(communePct.at("06613") == 55);
        int64_t hh = 0, shops = 0, loco = 0, dlShops = 0;
        for (const auto& f : v.features) {
            const int64_t h = v.integer(f, "households");
            const std::string c = v.text(f, "commune_code"), d = v.text(f, "district_code");
            const double pct = communePct.count(c) ? communePct[c] : 50;
            const double lp = districtLoco.count(d) && !communePct.count(c) ? districtLoco[d] : 10;
            hh += h;
            shops += static_cast<int64_t>(std::ceil(pct / 100 * h - 1e-9));
            loco += static_cast<int64_t>(std::ceil(lp / 100 * h - 1e-9));
            if (d == "189")
                dlShops += static_cast<int64_t>(std::ceil(pct / 100 * h - 1e-9));
        }
        const auto* prov = place(r, "province", "20");
        REQUIRE(prov);
        CHECK(prov->households == hh);
        CHECK(prov->targetShops == shops);
        CHECK(prov->targetLocomotives == loco);
        CHECK(place(r, "district", "189")->targetShops == dlShops);
    }
    const auto* tp = place(r, "district", "178");
    REQUIRE(tp);
    CHECK(tp->target.locomotivePct == 24);
    CHECK(tp->phase == 2);
    CHECK(tp->phaseEnd == "2021-12-20");
    const auto* dl = place(r, "commune", "06613");
    REQUIRE(dl);
    CHECK(dl->target.shopPct == 55);
    CHECK(dl->target.scope == "commune");
    CHECK(place(r, "commune", "06619")->target.shopPct == 50);
    CHECK(place(r, "district", "186")->phase == 1);
    CHECK(place(r, "district", "187")->phase == 0);  // Chi Lăng: the pilot (phase 0) comes first

    // --defaults refuses to overwrite the stored rows without --force
    tasks::TargetsRequest def;
    def.project = path;
    def.defaults = true;
    const uint64_t before = test::fileHash(path);
    CHECK_THROWS_WITH(tasks::runTask(def, fb), Catch::Contains("--force"));
    CHECK(test::fileHash(path) == before);
    def.force = true;
    const auto d = tasks::runTask(def, fb);
    CHECK(d.changed);
    CHECK(d.table.find("commune", "06529")->shopPct == 75);
    std::set<std::string> lbNeighbours;
    {
        auto store = ProjectStore::open(path);
        const Layer communes = store->readLayer("communes");
        std::map<std::string, std::string> districtOf;
        for (const auto& f : communes.features)
            districtOf[communes.text(f, "code")] = communes.text(f, "district_code");
        for (const auto& row : d.table.rows)
            if (row.shopPct == 75 && row.code != "06529") {
                lbNeighbours.insert(row.code);
                CHECK(districtOf[row.code] == "188");
            }
        CHECK(store->readLayer("phases").features.size() == 11);
        CHECK(store->readLayer("targets").features.size() == 1 + 1 + 3 + 1 + lbNeighbours.size());
    }
    CHECK(lbNeighbours.size() >= 2);
    CHECK(lbNeighbours.size() <= 10);
    CHECK(place(d, "commune", "06529")->target.shopPct == 75);

    // edits, saved in one transaction; a bad code changes nothing
    tasks::TargetsRequest set;
    set.project = path;
    set.sets = {tasks::parseTargetSet("commune:06613:shop_pct=60"), tasks::parseTargetSet("district:189:households_claimed=7000")};
    set.phases = {tasks::parsePhaseSet("3:2022-01-01:2022-03-31:189")};
    const auto e = tasks::runTask(set, fb);
    CHECK(e.table.find("commune", "06613")->shopPct == 60);
    CHECK(e.table.find("district", "189")->householdsClaimed == 7000);
    CHECK(e.table.find("district", "189")->shopPct == 50);  // copied from the province
    CHECK(e.table.phaseOf("189") == 2);                      // still phase 2 (the lowest)
    const uint64_t edited = test::fileHash(path);
    tasks::TargetsRequest bad;
    bad.project = path;
    bad.sets = {tasks::parseTargetSet("commune:06613:shop_pct=50"), tasks::parseTargetSet("commune:99999:shop_pct=50")};
    CHECK_THROWS_WITH(tasks::runTask(bad, fb), Catch::Contains("99999"));
    CHECK(test::fileHash(path) == edited);
    CHECK_THROWS_AS(tasks::parseTargetSet("commune:06613"), Error);
    CHECK_THROWS_AS(tasks::parsePhaseSet("1:2021-07-20:180"), Error);

    // bando progress --store on the edited targets: the levels and forecasts of a date, replaced on a re-run
    tasks::ProgressRequest pq;
    pq.project = path;
    pq.date = "2021-10-13";
    pq.levels = {"province", "district"};
    pq.store = true;
    for (int run = 0; run < 2; ++run) {
        const auto pr = tasks::runTask(pq, fb);
        CHECK(pr.stored);
        auto store = ProjectStore::open(path);
        const Layer lv = store->readLayer("progress_levels");
        const Layer fc = store->readLayer("progress_forecasts");
        CHECK(lv.features.size() == 12);
        CHECK(fc.features.size() == 36);
        for (const auto& f : lv.features)
            if (lv.text(f, "level") == "province") {
                CHECK(lv.integer(f, "shops") == 68311);
                CHECK(lv.text(f, "date") == "2021-10-13");
            }
        for (const auto& f : lv.features)
            if (lv.text(f, "code") == "189")
                CHECK(lv.integer(f, "target_shops") == place(pr, "district", "189")->c.targetShops);
    }

    // the CLI
    const auto cli = test::run(test::shellQuote(test::cliPath()) + " targets " + test::shellQuote(path) +
                               " --set village:" + "06613001" + ":shop_pct=65 --json");
    INFO(cli.err);
    // village codes of the sample are the commune code and a number
    if (cli.exitCode == 0) {
        CHECK(cli.out.find("\"scope\": \"village\"") != std::string::npos);
    } else {
        CHECK(cli.err.find("06613001") != std::string::npos);
    }
    const auto usage = test::run(test::shellQuote(test::cliPath()) + " targets " + test::shellQuote(path) +
                                 " --set commune:06613:shop_pct=130");
    CHECK(usage.exitCode == 2);
}

TEST_CASE("progress on the sample matches the reported snapshots, the forecast by hand", "[progress][planning][integration]")
{
    Feedback fb;
    tasks::ProgressRequest q;
    q.project = test::samplePath();
    q.date = "2021-10-13";
    const auto r = tasks::runTask(q, fb);
    const auto* prov = place(r, "province", "20");
    REQUIRE(prov);
    // DOMAIN.md §1: by 13/10/2021 68,311 shops, 57,973 accounts, 2,312 teams
    CHECK(prov->c.shops == 68311);
    CHECK(prov->c.accounts == 57973);
    CHECK(prov->c.teams == 2312);
    int64_t districtShops = 0, districtHh = 0;
    for (const auto& p : r.places)
        if (p.level == "district") {
            districtShops += p.c.shops;
            districtHh += p.c.households;
        }
    CHECK(districtShops == prov->c.shops);
    CHECK(districtHh == prov->c.households);

    // by 15/9 in the phase-1 districts: 48,706 shops, 24,808 accounts, 2,409 locomotives
    q.date = "2021-09-15";
    q.levels = {"district"};
    const auto s = tasks::runTask(q, fb);
    int64_t shops = 0, accounts = 0, loco = 0;
    for (const char* d : {"180", "184", "185", "186", "187"}) {
        const auto* p = place(s, "district", d);
        REQUIRE(p);
        shops += p->c.shops;
        accounts += p->c.accounts;
        loco += p->c.locomotives;
    }
    CHECK(shops == 48706);
    CHECK(accounts == 24808);
    CHECK(loco == 2409);
    CHECK(s.places.size() == 11);

    // by 31/12: 112,000 shops, 91,200 accounts, 6,718 locomotives (the date defaults to the last in the data)
    q.date = "";
    q.levels = {"province"};
    const auto e = tasks::runTask(q, fb);
    CHECK(e.date == "2021-12-31");
    REQUIRE(e.places.size() == 1);
    CHECK(e.places[0].c.shops == 112000);
    CHECK(e.places[0].c.accounts == 91200);
    CHECK(e.places[0].c.locomotives == 6718);

    // The province's shop forecast at 13/10 recomputed from the shops layer: the current point is
    // the last day with an opening on or before 13/10, the base the last one on or before 15/9.
    {
        auto store = ProjectStore::open(test::samplePath());
        const Layer sh = store->readLayer("shops");
        std::map<std::string, int64_t> perDay;
        for (const auto& f : sh.features)
            ++perDay[sh.text(f, "opened")];
        std::string curDay, baseDay;
        int64_t cur = 0, base = 0, n = 0;
        for (const auto& [day, k] : perDay) {
            n += k;
            if (day <= "2021-10-13") {
                cur = n;
                curDay = day;
            }
            if (day <= "2021-09-15") {
                base = n;
                baseDay = day;
            }
        }
        REQUIRE(cur == 68311);
        const double pace = double(cur - base) / (planning::dayNumber(curDay) - planning::dayNumber(baseDay));
        const tasks::TargetForecast* fc = nullptr;
        for (const auto& t : r.forecasts)
            if (t.level == "province" && t.measure == "shops")
                fc = &t;
        REQUIRE(fc);
        CHECK(fc->forecast.current == 68311);
        CHECK(fc->forecast.target == prov->c.targetShops);
        CHECK(fc->forecast.pace == Approx(pace));
        REQUIRE(fc->forecast.status == planning::ForecastStatus::OnPace);
        const int expected = planning::dayNumber(curDay) +
                             static_cast<int>(std::ceil((double(prov->c.targetShops) - cur) / pace - 1e-9));
        CHECK(fc->date == planning::isoFromDay(expected));
        CHECK(fc->phaseEnd == "2021-12-20");
    }
    CHECK(r.forecasts.size() == 3 * 12);  // the province and 11 districts × 3 measures

    // the reports as the source: the province's reports on 20/7 and 13/10
    tasks::ProgressRequest rep;
    rep.project = test::samplePath();
    rep.date = "2021-11-01";
    rep.source = "reports";
    const auto rr = tasks::runTask(rep, fb);
    for (const auto& t : rr.forecasts)
        if (t.level == "province" && t.measure == "shops") {
            CHECK(t.forecast.current == 68311);
            CHECK(t.forecast.baseValue == 1000);
            CHECK(t.forecast.pace == Approx((68311.0 - 1000) / 85));
        }

    const auto cli = test::run(test::shellQuote(test::cliPath()) + " progress " + test::shellQuote(test::samplePath()) +
                               " --date 2021-10-13 --level province --json");
    INFO(cli.err);
    REQUIRE(cli.exitCode == 0);
    CHECK(cli.out.find("\"shops\": 68311") != std::string::npos);
    CHECK(cli.out.find("\"forecasts\"") != std::string::npos);
    const auto usage = test::run(test::shellQuote(test::cliPath()) + " progress " + test::shellQuote(test::samplePath()) +
                                 " --date 13/10/2021");
    CHECK(usage.exitCode == 2);
}
