// Targets, progress and the forecast (issue #10) on hand-computed cases.
#include "core/base/error.hpp"
#include "core/model/schema.hpp"
#include "core/planning/progress.hpp"
#include "core/planning/targets.hpp"

#include <catch2/catch.hpp>

using namespace bando;
using namespace bando::planning;

TEST_CASE("ISO dates and day numbers", "[progress]")
{
    CHECK(dayNumber("1970-01-01") == 0);
    CHECK(dayNumber("2021-09-20") - dayNumber("2021-07-20") == 62);
    CHECK(dayNumber("2022-01-01") - dayNumber("2021-01-01") == 365);
    CHECK(isoFromDay(dayNumber("2021-07-20")) == "2021-07-20");
    CHECK(isoFromDay(dayNumber("2020-02-29") + 1) == "2020-03-01");
    CHECK(isIsoDate("2020-02-29"));
    CHECK_FALSE(isIsoDate("2021-02-29"));
    CHECK_FALSE(isIsoDate("2021-13-01"));
    CHECK_FALSE(isIsoDate("20/7/2021"));
    CHECK_THROWS_AS(dayNumber("2021-7-20"), Error);
}

TEST_CASE("the forecast on a hand-computed series", "[progress]")
{
    const std::vector<SeriesPoint> s = {{0, 10}, {10, 30}, {20, 50}, {30, 60}};
    // window 20: from day 10 (30) to day 30 (60): 1.5 a day; 40 more → 27 days → day 57
    Forecast f = forecast(s, 30, 100, 20);
    CHECK(f.status == ForecastStatus::OnPace);
    CHECK(f.current == 60);
    CHECK(f.baseDay == 10);
    CHECK(f.baseValue == 30);
    CHECK(f.pace == Approx(1.5));
    CHECK(f.day == 57);
    // window 28: the base is the last point on or before day 2: day 0 (10): 50 / 30 a day;
    // 40 / (5 / 3) = 24 → day 54
    f = forecast(s, 30, 100, 28);
    CHECK(f.baseDay == 0);
    CHECK(f.baseValue == 10);
    CHECK(f.pace == Approx(50.0 / 30));
    CHECK(f.day == 54);
    // window 40: the series starts inside it: from its first point, the same
    f = forecast(s, 30, 100, 40);
    CHECK(f.baseDay == 0);
    CHECK(f.day == 54);
    // reached: the first day at or above the target
    f = forecast(s, 30, 50, 20);
    CHECK(f.status == ForecastStatus::Reached);
    CHECK(f.day == 20);
    // at day 15 the current point is day 10's (30), the base day 0's (10): 2 a day; 20 more → day 20
    f = forecast(s, 15, 50, 10);
    CHECK(f.status == ForecastStatus::OnPace);
    CHECK(f.current == 30);
    CHECK(f.pace == Approx(2.0));
    CHECK(f.day == 20);
    // sparse reports: the pace runs between the reports, not to the date asked
    f = forecast({{0, 1000}, {85, 68311}}, 100, 100000, 28);
    CHECK(f.pace == Approx(67311.0 / 85));
    CHECK(f.day == 85 + 41);  // 31,689 / 791.9 = 40.02 → 41
    // no new point for the whole window: not at this pace
    f = forecast({{0, 0}, {10, 20}}, 20, 100, 10);
    CHECK(f.status == ForecastStatus::NotAtThisPace);
    CHECK(f.pace == 0);
    // before the first point: no data
    CHECK(forecast(s, -1, 100, 10).status == ForecastStatus::NoData);
    CHECK(forecast({}, 10, 100, 10).status == ForecastStatus::NoData);
    CHECK(std::string(forecastStatusName(ForecastStatus::NotAtThisPace)) == "not_at_this_pace");

    const auto c = cumulativeSeries({5, 3, 5, 9});
    REQUIRE(c.size() == 3);
    CHECK(c[0].day == 3);
    CHECK(c[0].value == 1);
    CHECK(c[1].day == 5);
    CHECK(c[1].value == 3);
    CHECK(c[2].value == 4);
}

TEST_CASE("targets resolve from the most specific row, an override copies the row it overrides", "[targets]")
{
    TargetTable t;
    CHECK(t.resolve("v", "06613", "189", "20").scope == "program");
    CHECK(t.resolve("v", "06613", "189", "20").shopPct == 50);
    t.set("province", "20", "shop_pct", "50", {});
    t.set("district", "178", "locomotive_pct", "24", t.resolve("", "", "", "20"));
    t.set("commune", "06613", "shop_pct", "55", t.resolve("", "", "189", "20"));
    REQUIRE(t.rows.size() == 3);
    EffectiveTarget e = t.resolve("v1", "06613", "189", "20");
    CHECK(e.scope == "commune");
    CHECK(e.shopPct == 55);
    CHECK(e.locomotivePct == 10);
    e = t.resolve("v2", "05971", "178", "20");
    CHECK(e.scope == "district");
    CHECK(e.shopPct == 50);
    CHECK(e.locomotivePct == 24);
    // a commune of TP Lạng Sơn overridden copies the district's 24 % locomotives
    t.set("commune", "05971", "shop_pct", "60", t.resolve("", "", "178", "20"));
    e = t.resolve("v2", "05971", "178", "20");
    CHECK(e.shopPct == 60);
    CHECK(e.locomotivePct == 24);
    CHECK(t.resolve("v3", "x", "y", "20").scope == "province");
    t.set("village", "v9", "households_claimed", "350000", t.resolve("", "06613", "189", "20"));
    CHECK(t.find("village", "v9")->householdsClaimed == 350000);
    CHECK(t.find("village", "v9")->shopPct == 55);

    CHECK_THROWS_AS(t.set("commune", "06613", "shop_pct", "120", {}), Error);
    CHECK_THROWS_AS(t.set("commune", "06613", "shop_pct", "abc", {}), Error);
    CHECK_THROWS_AS(t.set("commune", "06613", "colour", "1", {}), Error);
    CHECK_THROWS_AS(t.set("hamlet", "1", "shop_pct", "50", {}), Error);
    CHECK(t.unset("commune", "06613"));
    CHECK_FALSE(t.unset("commune", "06613"));
    CHECK(t.resolve("v1", "06613", "189", "20").scope == "province");

    t.setPhase(1, "2021-07-20", "2021-09-20", {"180", "184"});
    t.setPhase(2, "2021-09-20", "2021-12-20", {"178"});
    t.setPhase(1, "2021-07-21", "2021-09-21", {"187"});  // replaces phase 1
    CHECK(t.phases.size() == 2);
    CHECK(t.phaseOf("187") == 1);
    CHECK(t.phaseOf("180") == 0);
    CHECK(t.phaseRow("178")->end == "2021-12-20");
    CHECK_THROWS_AS(t.setPhase(3, "2021-09-20", "2021-09-19", {"178"}), Error);

    // stored and read back
    const Layer tl = targetsLayer(t), pl = phasesLayer(t);
    const TargetTable back = readTargetTable(&tl, &pl);
    REQUIRE(back.rows.size() == t.rows.size());
    CHECK(back.find("village", "v9")->householdsClaimed == 350000);
    CHECK(back.find("commune", "05971")->locomotivePct == 24);
    CHECK(back.phaseOf("187") == 1);
}

TEST_CASE("the program defaults of DOMAIN.md §1", "[targets]")
{
    const TargetTable t = programDefaults({"06541", "06529", "06550"});
    CHECK(t.resolve("", "", "", "20").shopPct == 50);
    CHECK(t.resolve("", "", "", "20").epayPct == 50);
    CHECK(t.resolve("", "", "", "20").locomotivePct == 10);
    for (const char* c : {"06628", "06613", "06616"})
        CHECK(t.resolve("", c, "189", "20").shopPct == 55);
    CHECK(t.resolve("", "06619", "189", "20").shopPct == 50);  // another Đình Lập commune
    for (const char* c : {"06529", "06541", "06550"})
        CHECK(t.resolve("", c, "188", "20").shopPct == 75);
    CHECK(t.resolve("", "06532", "188", "20").shopPct == 50);
    CHECK(t.resolve("", "05971", "178", "20").locomotivePct == 24);
    CHECK(t.rows.size() == 1 + 1 + 3 + 3);  // 06529 once
    CHECK(t.phases.size() == 11);
    CHECK(t.phaseOf("187") == 1);
    CHECK(t.phaseOf("189") == 2);
    CHECK(t.phaseRow("180")->start == "2021-07-20");
    CHECK(t.phaseRow("188")->end == "2021-12-20");
    CHECK(programDefaults({}, 80).resolve("", "06529", "188", "20").shopPct == 80);
}

TEST_CASE("progress at every level at a date, against the targets", "[progress]")
{
    Layer villages = schema::makeLayer("villages"), shops = schema::makeLayer("shops"), teams = schema::makeLayer("teams");
    auto village = [&](const char* code, int64_t hh) {
        Feature& f = villages.addFeature(Geometry{});
        villages.set(f, "code", std::string(code));
        villages.set(f, "commune_code", std::string("c1"));
        villages.set(f, "district_code", std::string("d1"));
        villages.set(f, "households", hh);
    };
    village("v1", 10);
    village("v2", 5);
    auto shop = [&](const char* v, const char* opened, const char* epay, const char* loco) {
        Feature& f = shops.addFeature(Geometry::point(0, 0));
        shops.set(f, "village_code", std::string(v));
        shops.set(f, "opened", std::string(opened));
        if (*epay)
            shops.set(f, "epay_opened", std::string(epay));
        shops.set(f, "locomotive", int64_t{*loco ? 1 : 0});
        if (*loco)
            shops.set(f, "locomotive_since", std::string(loco));
    };
    shop("v1", "2021-08-01", "2021-08-05", "2021-08-10");
    shop("v1", "2021-08-01", "2021-08-05", "");
    shop("v1", "2021-08-02", "2021-08-20", "");
    shop("v2", "2021-09-01", "", "");
    auto team = [&](const char* v, int64_t m, int64_t t, const char* formed) {
        Feature& f = teams.addFeature(Geometry{});
        teams.set(f, "village_code", std::string(v));
        teams.set(f, "members", m);
        teams.set(f, "trained", t);
        teams.set(f, "formed", std::string(formed));
    };
    team("v1", 3, 2, "2021-08-01");
    team("v2", 2, 2, "2021-08-01");
    TargetTable targets;
    targets.set("commune", "c1", "shop_pct", "55", {});

    ProgressInput in;
    in.villages = &villages;
    in.shops = &shops;
    in.teams = &teams;
    in.targets = &targets;
    const auto p = progressAt(in, "2021-08-15");
    // province, district d1, commune c1, v1, v2
    REQUIRE(p.size() == 5);
    CHECK(p[0].level == "province");
    CHECK(p[1].level == "district");
    CHECK(p[2].level == "commune");
    CHECK(p[3].code == "v1");
    const auto& v1 = p[3].c;
    CHECK(v1.shops == 3);
    CHECK(v1.accounts == 2);  // the third account opens on 20/8
    CHECK(v1.locomotives == 1);
    CHECK(v1.targetShops == 6);     // ceil(55 % × 10)
    CHECK(v1.targetAccounts == 5);  // 50 %
    CHECK(v1.targetLocomotives == 1);
    const auto& v2 = p[4].c;
    CHECK(v2.shops == 0);
    CHECK(v2.targetShops == 3);  // ceil(2.75)
    CHECK(v2.targetAccounts == 3);
    const auto& c1 = p[2].c;
    CHECK(c1.households == 15);
    CHECK(c1.shops == 3);
    CHECK(c1.targetShops == 9);  // 6 + 3: the levels add up
    CHECK(c1.targetAccounts == 8);
    CHECK(c1.targetLocomotives == 2);
    CHECK(c1.teams == 2);
    CHECK(c1.villagesWithTeam == 2);
    CHECK(c1.villagesTeamRuleMet == 1);
    CHECK(p[2].target.shopPct == 55);
    CHECK(p[1].target.shopPct == 50);  // the district has no row of its own
    CHECK(p[0].c.shops == 3);
    CHECK(p[0].c.targetShops == 9);
    // later: every shop and account
    const auto later = progressAt(in, "2021-12-31");
    CHECK(later[0].c.shops == 4);
    CHECK(later[0].c.accounts == 3);
    // before the teams were formed
    CHECK(progressAt(in, "2021-07-31")[0].c.teams == 0);
}
