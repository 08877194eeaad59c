// The one target rule (planning::TargetResolver, which TargetTable::resolve, bando targets,
// bando progress and the analysis call) on hand-made cases.
#include <catch2/catch.hpp>

#include "core/planning/targets.hpp"

using namespace bando;
using namespace bando::planning;

TEST_CASE("target rule: the resolver and TargetTable::resolve agree, the most specific row wins", "[targets][planning]")
{
    TargetTable t;
    t.rows.push_back({"province", "20", 50, 50, 10, std::nullopt, ""});
    t.rows.push_back({"district", "180", 55, 50, 10, std::nullopt, ""});
    t.rows.push_back({"commune", "06001", 75, 60, 12, std::nullopt, ""});
    t.rows.push_back({"commune", "06001", 99, 99, 99, std::nullopt, "a duplicate: the first row wins"});
    t.rows.push_back({"village", "V1", 30, 20, 5, std::nullopt, ""});
    const TargetResolver r(t);
    struct Case {
        const char *village, *commune, *district;
        double shop;
        const char* scope;
    };
    for (const Case& c : {Case{"V1", "06001", "180", 30, "village"}, Case{"V2", "06001", "180", 75, "commune"},
                          Case{"V2", "06002", "180", 55, "district"}, Case{"V2", "06002", "181", 50, "province"},
                          Case{"", "", "", 50, "province"}}) {
        const auto a = r.resolve(c.village, c.commune, c.district, "");
        const auto b = t.resolve(c.village, c.commune, c.district, "");
        CHECK(a.shopPct == c.shop);
        CHECK(a.scope == c.scope);
        CHECK(b.shopPct == a.shopPct);
        CHECK(b.scope == a.scope);
    }
    TargetTable none;
    const auto d = TargetResolver(none).resolve("V1", "06001", "180", "");
    CHECK(d.scope == "program");
    CHECK(d.shopPct == 50);
    CHECK(d.locomotivePct == 10);
}
