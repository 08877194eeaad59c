// The versioned registry of administrative units (issue #17): 200 -> 194 -> 65 communes, every
// old unit mapped once with split shares summing to 1, and the code-reuse traps resolved by version.
#include <catch2/catch.hpp>

#include "core/base/error.hpp"
#include "core/units/registry.hpp"

#include <cmath>
#include <map>
#include <set>

using namespace bando;
using namespace bando::units;

namespace {

std::map<std::string, double> shareSums(const std::vector<Link>& links)
{
    std::map<std::string, double> s;
    for (const auto& l : links)
        s[l.fromCode] += l.share;
    return s;
}

std::vector<Link> linksFrom(const std::vector<Link>& links, const std::string& code)
{
    std::vector<Link> out;
    for (const auto& l : links)
        if (l.fromCode == code)
            out.push_back(l);
    return out;
}

} // namespace

TEST_CASE("units registry: 200 -> 194 -> 65 communes, 11 districts then none", "[units]")
{
    const Registry& r = Registry::shipped();
    CHECK(r.units(kV2021).size() == 200);
    CHECK(r.units(kV2024).size() == 194);
    CHECK(r.units(kV2025).size() == 65);
    CHECK(r.units(kV2021, "district").size() == 11);
    CHECK(r.units(kV2024, "district").size() == 11);
    CHECK(r.units(kV2025, "district").empty());
    CHECK_FALSE(r.version(kV2025).hasDistricts);
    int xa = 0, phuong = 0;
    for (const Unit* u : r.units(kV2025)) {
        CHECK(u->parentCode == kProvinceCode);
        xa += u->type == "Xã";
        phuong += u->type == "Phường";
    }
    CHECK(xa == 61);
    CHECK(phuong == 4);
    // the 2024 step removed exactly these six codes (TT Thất Khê took 06040)
    std::set<std::string> gone;
    for (const Unit* u : r.units(kV2021))
        if (!r.find(kV2024, u->code))
            gone.insert(u->code);
    CHECK(gone == std::set<std::string>{"05995", "06007", "06295", "06301", "06454", "06574"});
    CHECK_THROWS_AS(r.version("v2030"), Error);
}

TEST_CASE("units crosswalk: every old unit mapped once, split shares sum to 1", "[units]")
{
    const Registry& r = Registry::shipped();
    for (const auto& [from, to, nFrom, nTo] :
         std::vector<std::tuple<std::string, std::string, size_t, size_t>>{
             {kV2021, kV2024, 200, 194}, {kV2024, kV2025, 194, 65}, {kV2021, kV2025, 200, 65}}) {
        INFO(from << " -> " << to);
        const auto links = r.crosswalk(from, to);
        const auto sums = shareSums(links);
        CHECK(sums.size() == nFrom);
        for (const auto& [code, s] : sums) {
            INFO(code);
            CHECK(s == Approx(1).epsilon(1e-12));
        }
        std::set<std::string> targets;
        std::set<std::pair<std::string, std::string>> pairs;
        for (const auto& l : links) {
            targets.insert(l.toCode);
            CHECK(r.find(to, l.toCode) != nullptr);
            CHECK(pairs.insert({l.fromCode, l.toCode}).second);  // each (old, new) pair once
        }
        CHECK(targets.size() == nTo);
    }
    // 2021 -> 2025: 197 whole, 3 split in two (203 memberships, as the sources count them)
    const auto x = r.crosswalk(kV2021, kV2025);
    CHECK(x.size() == 203);
    int split = 0;
    for (const auto& [code, n] : [&] {
             std::map<std::string, int> m;
             for (const auto& l : x)
                 m[l.fromCode]++;
             return m;
         }())
        split += n > 1;
    CHECK(split == 3);

    // Đại Đồng: 8,527 of 8,615 people to TT Thất Khê (-> xã Thất Khê), the rest to Đội Cấn (-> Quốc Khánh)
    const auto dd = linksFrom(r.crosswalk(kV2021, kV2024), "06040");
    REQUIRE(dd.size() == 2);
    CHECK(dd[0].toName == "Thị trấn Thất Khê");
    CHECK(dd[0].toCode == "06040");
    CHECK(dd[0].share == Approx(8527.0 / 8615.0));
    CHECK(dd[0].basis == "population (published)");
    CHECK(dd[1].toName == "Xã Đội Cấn");
    CHECK(dd[1].share == Approx(88.0 / 8615.0));
    const auto dd25 = linksFrom(x, "06040");
    REQUIRE(dd25.size() == 2);
    CHECK(dd25[0].toName == "Xã Thất Khê");
    CHECK(dd25[1].toName == "Xã Quốc Khánh");
    CHECK(dd25[1].toCode == "06004");
    // Kiên Mộc: the part that remains keeps name and code; one part goes to Châu Sơn
    const auto km = linksFrom(x, "06625");
    REQUIRE(km.size() == 2);
    CHECK(km[0].toCode == "06625");
    CHECK(km[1].toCode == "06637");
    CHECK(km[0].confidence == "M");
    const auto bx = linksFrom(x, "06622");
    REQUIRE(bx.size() == 2);
    CHECK(bx[0].toCode == "06625");  // xã Kiên Mộc (primary by convention)
    CHECK(bx[1].toCode == "06613");  // xã Đình Lập
    CHECK(bx[0].confidence == "L");
}

TEST_CASE("units registry: code reuse resolved by version (06040, xã Chi Lăng)", "[units]")
{
    const Registry& r = Registry::shipped();
    // 06040 means three different places over time
    REQUIRE(r.find(kV2021, "06040"));
    REQUIRE(r.find(kV2024, "06040"));
    REQUIRE(r.find(kV2025, "06040"));
    CHECK(r.find(kV2021, "06040")->name == "Xã Đại Đồng");
    CHECK(r.find(kV2024, "06040")->name == "Thị trấn Thất Khê");
    CHECK(r.find(kV2025, "06040")->name == "Xã Thất Khê");
    // TT Thất Khê was 05995 until 12/2024: the same place under two codes
    CHECK(r.find(kV2021, "05995")->name == "Thị trấn Thất Khê");
    CHECK(r.find(kV2024, "05995") == nullptr);
    // new xã Chi Lăng (06463) comes from Chi Lăng district, not from Tràng Định's xã Chi Lăng (06034)
    const Unit* chiLang = r.find(kV2025, "06463");
    REQUIRE(chiLang);
    CHECK(chiLang->name == "Xã Chi Lăng");
    const auto x = r.crosswalk(kV2021, kV2025);
    std::set<std::string> into;
    for (const auto& l : x)
        if (l.toCode == "06463")
            into.insert(l.fromCode);
    CHECK(into == std::set<std::string>{"06463", "06466", "06523"});  // TT Đồng Mỏ, TT Chi Lăng, xã Chi Lăng (187)
    const auto tdChiLang = linksFrom(x, "06034");
    REQUIRE(tdChiLang.size() == 1);
    CHECK(tdChiLang[0].toName == "Xã Thất Khê");
    CHECK(r.find(kV2021, "06034")->parentCode == "180");
    // validity: an unchanged unit lived from 2021 to 06/2025, a merged one ended 11/2024
    CHECK(r.find(kV2021, "06004")->validTo == "2025-06-30");  // Quốc Khánh, unchanged in 2024
    CHECK(r.find(kV2021, "06007")->validTo == "2024-11-30");  // Vĩnh Tiến, merged 12/2024
    CHECK(r.find(kV2025, "06040")->validFrom == "2025-07-01");
}

TEST_CASE("units crosswalk backwards: a 2025 unit apportioned to its old units by weights", "[units]")
{
    const Registry& r = Registry::shipped();
    // xã Lộc Bình (06529) = TT Lộc Bình + Khánh Xuân + Hữu Khánh + Đồng Bục
    std::map<std::string, double> hh{{"06529", 300}, {"06544", 100}, {"06550", 50}, {"06553", 50}};
    const auto back = r.crosswalk(kV2025, kV2021, &hh);
    double sum = 0;
    std::map<std::string, double> share;
    for (const auto& l : back)
        if (l.fromCode == "06529") {
            share[l.toCode] = l.share;
            sum += l.share;
        }
    CHECK(share.size() == 4);
    CHECK(share["06529"] == Approx(0.6));
    CHECK(share["06544"] == Approx(0.2));
    CHECK(sum == Approx(1));
    CHECK(back.front().basis == "weights");
}

TEST_CASE("units: 2025 figures carried back to the 2021 communes by the weighted backward mapping", "[units]")
{
    const Registry& r = Registry::shipped();
    // weights: households of every 2021 commune (any positive numbers)
    std::map<std::string, double> hh;
    int i = 0;
    for (const Unit* u : r.units(kV2021))
        hh[u->code] = 100 + 7 * (i++ % 13);
    REQUIRE(hh.size() == 200);
    // 2021 values proportional to the weights (3 per household), carried forward along the
    // registry's crosswalk: the 2025 figures
    std::map<std::string, double> f25;
    for (const auto& l : r.crosswalk(kV2021, kV2025))
        f25[l.toCode] += 3 * hh[l.fromCode] * l.share;
    REQUIRE(f25.size() == 65);
    std::vector<Link> used;
    const auto back = carryBackward(r, kV2025, kV2021, f25, hh, &used);
    REQUIRE(back.size() == 200);
    double total25 = 0, total21 = 0;
    for (const auto& [c, v] : f25)
        total25 += v;
    for (const auto& [c, v] : back) {
        total21 += v;
        CHECK(v == Approx(3 * hh[c]));  // comes back exactly, split Đại Đồng, Kiên Mộc, Bính Xá included
    }
    CHECK(total21 == Approx(total25));
    CHECK(used.front().basis == "weights");

    // figures not proportional to the weights: each 2025 unit's figure divided by the weights of
    // its old units, a split old unit adding its parts. xã Thất Khê (06040@v2025) = Chi Lăng
    // 06034 + Chí Minh 06013 + TT Thất Khê 05995 + Đại Đồng 06040 x 8527/8615; xã Quốc Khánh
    // (06004@v2025) = Tri Phương 06016 + Đội Cấn 06025 + Quốc Khánh 06004 + Đại Đồng x 88/8615.
    const double s = 8527.0 / 8615.0;
    std::map<std::string, double> fig{{"06040", 1000}, {"06004", 500}};
    const auto b2 = carryBackward(r, kV2025, kV2021, fig, hh);
    const double denThatKhe = hh["06034"] + hh["06013"] + hh["05995"] + hh["06040"] * s;
    const double denQuocKhanh = hh["06016"] + hh["06025"] + hh["06004"] + hh["06040"] * (1 - s);
    CHECK(b2.at("06034") == Approx(1000 * hh["06034"] / denThatKhe));
    CHECK(b2.at("06040") == Approx(1000 * hh["06040"] * s / denThatKhe + 500 * hh["06040"] * (1 - s) / denQuocKhanh));
    CHECK(b2.at("06025") == Approx(500 * hh["06025"] / denQuocKhanh));
    double sum = 0;
    for (const auto& [c, v] : b2)
        sum += v;
    CHECK(sum == Approx(1500));
    CHECK(b2.at("06529") == 0);  // no figure given for xã Lộc Bình

    // no weights: equal parts
    const auto b3 = carryBackward(r, kV2025, kV2021, {{"06529", 400}}, {});
    CHECK(b3.at("06529") == Approx(100));  // TT Lộc Bình, one of four
    CHECK(b3.at("06544") == Approx(100));

    CHECK_THROWS_AS(carryBackward(r, kV2021, kV2025, f25, hh), Error);
    CHECK_THROWS_AS(carryBackward(r, kV2025, kV2021, {{"06034", 1}}, hh), Error);  // 06034 is no 2025 unit
}
