// The planner's data checks (issue #10) on hand-made layers: every kind of finding, its place,
// figures and severity, counted by hand.
#include "core/model/schema.hpp"
#include "core/planning/check.hpp"

#include <catch2/catch.hpp>

#include <map>

using namespace bando;
using namespace bando::planning;

namespace {

Geometry square(double x, double y)
{
    return Geometry::polygon({{{x, y}, {x + 1, y}, {x + 1, y + 1}, {x, y + 1}, {x, y}}});
}

struct Fixture {
    Layer districts = schema::makeLayer("districts"), communes = schema::makeLayer("communes"),
          villages = schema::makeLayer("villages"), shops = schema::makeLayer("shops"),
          teams = schema::makeLayer("teams"), targets = schema::makeLayer("targets"),
          reports = schema::makeLayer("progress_reports"), phases = schema::makeLayer("phases");
    std::map<std::string, std::string> classes;

    void district(const char* code, int64_t hh)
    {
        Feature& f = districts.addFeature(square(0, 0));
        districts.set(f, "code", std::string(code));
        districts.set(f, "name", std::string("Huyện ") + code);
        districts.set(f, "households", hh);
    }
    void commune(const char* code, const char* district, int64_t hh)
    {
        Feature& f = communes.addFeature(square(0, 0));
        communes.set(f, "code", std::string(code));
        communes.set(f, "name", std::string("Xã ") + code);
        communes.set(f, "district_code", std::string(district));
        communes.set(f, "households", hh);
    }
    void village(const char* code, const char* commune, int64_t hh, double x, double y)
    {
        Feature& f = villages.addFeature(square(x, y));
        villages.set(f, "code", std::string(code));
        villages.set(f, "name", std::string("Thôn ") + code);
        villages.set(f, "commune_code", std::string(commune));
        villages.set(f, "households", hh);
    }
    void shop(const char* village, double x, double y, bool account)
    {
        Feature& f = shops.addFeature(Geometry::point(x, y));
        shops.set(f, "village_code", std::string(village));
        shops.set(f, "opened", std::string("2021-08-01"));
        if (account)
            shops.set(f, "epay_opened", std::string("2021-08-02"));
    }
    void team(const char* village, int64_t members, int64_t trained)
    {
        Feature& f = teams.addFeature(Geometry{});
        teams.set(f, "village_code", std::string(village));
        teams.set(f, "team_no", int64_t{1});
        teams.set(f, "members", members);
        teams.set(f, "trained", trained);
    }
    void target(const char* scope, const char* code, double shopPct, int64_t claimed)
    {
        Feature& f = targets.addFeature(Geometry{});
        targets.set(f, "scope", std::string(scope));
        targets.set(f, "code", std::string(code));
        targets.set(f, "shop_pct", shopPct);
        targets.set(f, "epay_pct", 50.0);
        targets.set(f, "locomotive_pct", 10.0);
        if (claimed > 0)
            targets.set(f, "households_claimed", claimed);
    }
    void report(const char* date, const char* scope, const char* code, int64_t shopsN, int64_t accounts)
    {
        Feature& f = reports.addFeature(Geometry{});
        reports.set(f, "date", std::string(date));
        reports.set(f, "scope", std::string(scope));
        reports.set(f, "code", std::string(code));
        if (shopsN >= 0)
            reports.set(f, "shops", shopsN);
        if (accounts >= 0)
            reports.set(f, "accounts", accounts);
    }

    CheckInput input()
    {
        CheckInput in;
        in.districts = &districts;
        in.communes = &communes;
        in.villages = &villages;
        in.shops = &shops;
        in.teams = &teams;
        in.targets = &targets;
        in.progressReports = &reports;
        in.phases = &phases;
        in.villageClass = &classes;
        return in;
    }
};

std::map<std::string, int> countOf(const CheckOutput& out)
{
    std::map<std::string, int> n;
    for (const auto& f : out.findings)
        ++n[f.kind];
    return n;
}

const Finding* find(const CheckOutput& out, const std::string& kind, const std::string& code)
{
    for (const auto& f : out.findings)
        if (f.kind == kind && f.code == code)
            return &f;
    return nullptr;
}

double figure(const Finding& f, const std::string& name)
{
    for (const auto& [k, v] : f.figures)
        if (k == name)
            return v;
    FAIL("no figure " << name << " in " << f.message);
    return 0;
}

// The hand-made province: districts 101 (100 households) and 102 (50), communes 10101 (60),
// 10102 (40) and 10201 (55, but its one village has 50), villages v1..v4 as unit squares.
Fixture handMade()
{
    Fixture x;
    x.district("101", 100);
    x.district("102", 50);
    x.commune("10101", "101", 60);
    x.commune("10102", "101", 40);
    x.commune("10201", "102", 55);
    x.village("v1", "10101", 2, 0, 0);
    x.village("v2", "10101", 58, 1, 0);
    x.village("v3", "10102", 40, 0, 1);
    x.village("v4", "10201", 50, 1, 1);
    x.village("v3", "10102", 0, 10, 10);  // duplicate code
    x.village("", "10102", 0, 12, 12);    // missing code
    x.village("v7", "99999", 0, 14, 14);  // unknown commune, no team
    x.classes = {{"v1", "covered"}, {"v2", "covered"}, {"v3", "no_signal"}, {"v4", "unstable"}};
    for (double d : {0.4, 0.5, 0.6})
        x.shop("v1", d, d, true);          // 3 shops and 3 accounts for 2 households
    x.shop("v2", 5, 5, false);             // outside every village
    x.shop("v3", 0.5, 1.5, false);         // in a village without signal
    x.shop("v2", 1.5, 1.5, false);         // inside v4 although coded v2: inside a village
    x.shop("zz", 0.5, 0.5, false);         // unknown village code
    x.team("v1", 3, 2);
    x.team("v2", 6, 2);                    // too many members
    x.team("v3", 3, 1);                    // one trained
    x.team("v4", 2, 3);                    // more trained than members
    x.target("province", "20", 50, 0);
    x.target("commune", "10101", 120, 0);  // above 100 %
    x.target("district", "101", 50, 350);  // claims 350 of 100 households
    x.report("2021-09-01", "province", "20", 50, -1);
    x.report("2021-10-01", "province", "20", 40, 500);  // goes down; 500 accounts for 150 households
    x.report("2021-10-01", "district", "101", 30, -1);
    x.report("2021-10-01", "district", "102", 20, -1);  // 30 + 20 = 50, printed as 40
    return x;
}

} // namespace

TEST_CASE("every check kind on a hand-made province", "[check]")
{
    Fixture x = handMade();
    const CheckOutput out = runChecks(x.input());
    const std::map<std::string, int> expected = {
        {"duplicate_code", 1},        {"missing_code", 3},         {"target_above_100", 1},
        {"claim_above_households", 1}, {"total_mismatch", 3},       {"count_decreases", 1},
        {"shops_above_households", 2}, {"point_outside_villages", 1}, {"team_impossible", 1},
        {"shops_without_signal", 1},  {"team_size", 1},            {"team_trained", 1},
        {"village_without_team", 1}};
    CHECK(countOf(out) == expected);
    int errors = 0, warnings = 0;
    for (const auto& f : out.findings)
        (f.severity == Severity::Error ? errors : warnings) += 1;
    CHECK(errors == 14);
    CHECK(warnings == 4);
    CHECK(out.notes.empty());

    // Findings come in checkKinds() order.
    for (size_t i = 1; i < out.findings.size(); ++i) {
        const auto* a = findCheckKind(out.findings[i - 1].kind);
        const auto* b = findCheckKind(out.findings[i].kind);
        REQUIRE(a);
        REQUIRE(b);
        CHECK(a <= b);
    }

    const Finding* claim = find(out, "claim_above_households", "101");
    REQUIRE(claim);
    CHECK(claim->level == "district");
    CHECK(claim->name == "Huyện 101");
    CHECK(claim->layer == "targets");
    CHECK(claim->row == 3);
    CHECK(figure(*claim, "claimed") == 350);
    CHECK(figure(*claim, "households") == 100);

    const Finding* commune = find(out, "total_mismatch", "10201");
    REQUIRE(commune);
    CHECK(commune->name == "Xã 10201");
    CHECK(figure(*commune, "households") == 55);
    CHECK(figure(*commune, "sum_of_parts") == 50);
    CHECK(figure(*commune, "difference") == 5);
    const Finding* district = find(out, "total_mismatch", "102");
    REQUIRE(district);
    CHECK(figure(*district, "sum_of_parts") == 55);
    const Finding* report = find(out, "total_mismatch", "20");
    REQUIRE(report);
    CHECK(report->level == "province");
    CHECK(report->date == "2021-10-01");
    CHECK(figure(*report, "shops") == 40);
    CHECK(figure(*report, "sum_of_parts") == 50);

    const Finding* down = find(out, "count_decreases", "20");
    REQUIRE(down);
    CHECK(down->date == "2021-10-01");
    CHECK(figure(*down, "shops_before") == 50);
    CHECK(figure(*down, "shops_after") == 40);

    const Finding* above = find(out, "shops_above_households", "v1");
    REQUIRE(above);
    CHECK(figure(*above, "shops") == 3);
    CHECK(figure(*above, "accounts") == 3);
    CHECK(figure(*above, "households") == 2);
    CHECK(above->extent.minX == 0);
    CHECK(above->extent.maxX == 1);
    const Finding* accounts = find(out, "shops_above_households", "20");
    REQUIRE(accounts);
    CHECK(figure(*accounts, "accounts") == 500);
    CHECK(figure(*accounts, "households") == 150);  // the province = its two districts

    const Finding* outside = find(out, "point_outside_villages", "v2");
    REQUIRE(outside);
    CHECK(outside->row == 4);
    CHECK(outside->extent.minX == 5);
    CHECK(outside->extent.minY == 5);

    CHECK(find(out, "duplicate_code", "v3"));
    CHECK(find(out, "missing_code", "v7"));
    CHECK(find(out, "missing_code", "zz"));
    CHECK(find(out, "missing_code", ""));
    CHECK(find(out, "target_above_100", "10101"));
    CHECK(find(out, "shops_without_signal", "v3"));
    CHECK(find(out, "team_size", "v2"));
    CHECK(find(out, "team_trained", "v3"));
    CHECK(find(out, "team_impossible", "v4"));
    CHECK(find(out, "village_without_team", "v7"));
    for (const auto& f : out.findings) {
        CHECK_FALSE(f.message.empty());
        CHECK(findCheckKind(f.kind)->severity == f.severity);
    }
}

TEST_CASE("clean hand-made data gives no finding, missing layers are noted", "[check]")
{
    Fixture x;
    x.district("101", 60);
    x.commune("10101", "101", 60);
    x.village("v1", "10101", 20, 0, 0);
    x.village("v2", "10101", 40, 1, 0);
    x.classes = {{"v1", "covered"}, {"v2", "unstable"}};
    x.shop("v1", 0.5, 0.5, true);
    x.shop("v2", 1.5, 0.5, false);
    x.team("v1", 3, 2);
    x.team("v2", 5, 5);
    x.target("province", "20", 100, 60);  // 100 % and a claim equal to the households are allowed
    x.report("2021-09-01", "province", "20", 1, 1);
    x.report("2021-10-01", "province", "20", 2, 1);  // equal is not a decrease
    x.report("2021-10-01", "district", "101", 2, -1);
    const CheckOutput out = runChecks(x.input());
    CHECK(out.findings.empty());
    for (const auto& f : out.findings)
        WARN(f.kind << ": " << f.message);

    CheckInput partial;
    partial.villages = &x.villages;
    const CheckOutput p = runChecks(partial);
    CHECK(p.findings.empty());
    CHECK(p.notes.size() == 4);  // targets, reports, shops, teams skipped
}

TEST_CASE("a phase report is checked against the households of the phase's districts", "[check]")
{
    Fixture x;
    x.district("101", 100);
    x.district("102", 50);
    for (const char* d : {"101", "102"}) {
        Feature& f = x.phases.addFeature(Geometry{});
        x.phases.set(f, "phase", int64_t{1});
        x.phases.set(f, "district_code", std::string(d));
    }
    x.report("2021-09-15", "phase", "1", 151, 150);
    const CheckOutput out = runChecks(x.input());
    REQUIRE(countOf(out).at("shops_above_households") == 1);
    CHECK(figure(out.findings.front(), "households") == 150);
    CHECK(figure(out.findings.front(), "shops") == 151);
}
