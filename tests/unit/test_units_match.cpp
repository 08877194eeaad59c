// Commune names across unit versions (issue #17): a list typed in the names of 7/2025 is
// recognised as such and matched to the new units; a name that means different units in
// different versions is ambiguous until the version is known.
#include <catch2/catch.hpp>

#include "core/io/unit_match.hpp"

#include <set>

using namespace bando;
using namespace bando::io;

TEST_CASE("versioned matcher: a 2026 list in new names is v2025-07 and matches the new units", "[units][match]")
{
    VersionedUnitMatcher m;
    // typed as people type: no prefix, lower case, "P." for phường
    const std::vector<std::pair<std::string, std::string>> list = {
        {"xã Lộc Bình", ""}, {"Xã Thất Khê", ""}, {"P. Kỳ Lừa", ""}, {"xa Doan Ket", ""},
        {"Đồng Đăng", ""},   {"xã Chi Lăng", ""}, {"Phường Đông Kinh", ""}, {"xã Quốc Khánh", ""}};
    const VersionDetection d = m.detectVersion(list);
    CHECK(d.rows == 8);
    CHECK(d.certain);
    CHECK(d.version == units::kV2025);
    CHECK(d.matched.at(units::kV2025) == 8);
    CHECK(d.matched.at(units::kV2021) < 8);

    // "xã Lộc Bình" in that list: the new unit 06529 (TT Lộc Bình + Khánh Xuân + Đồng Bục + Hữu Khánh)
    auto r = m.matchCommune("xã Lộc Bình", "", d.version);
    REQUIRE(r.status == VersionedMatch::Status::Matched);
    CHECK(r.unit.version == units::kV2025);
    CHECK(r.unit.code == "06529");
    // the old thị trấn is another unit, found only in the older versions
    r = m.matchCommune("Thị trấn Lộc Bình", "", "");
    REQUIRE(r.status == VersionedMatch::Status::Matched);  // unchanged 2021 -> 2024: one meaning
    CHECK(r.unit.version == units::kV2024);
    CHECK(r.unit.name == "Thị trấn Lộc Bình");
    CHECK(m.matchCommune("Thị trấn Lộc Bình", "", units::kV2025).status == VersionedMatch::Status::Unmatched);
    // new xã Chi Lăng (06463), not Tràng Định's old xã Chi Lăng (06034)
    r = m.matchCommune("xã Chi Lăng", "", d.version);
    REQUIRE(r.status == VersionedMatch::Status::Matched);
    CHECK(r.unit.code == "06463");
    CHECK(r.unit.name == "Xã Chi Lăng");
    // 06040 by name: "Thất Khê" is xã Thất Khê in 2025
    r = m.matchCommune("Thất Khê", "", d.version);
    REQUIRE(r.status == VersionedMatch::Status::Matched);
    CHECK(r.unit.code == "06040");
}

TEST_CASE("versioned matcher: names ambiguous across versions ask, a district settles v2021", "[units][match]")
{
    VersionedUnitMatcher m;
    // xã Chi Lăng: Tràng Định's and Chi Lăng district's in 2021 (and 2024), the new unit in 2025
    auto r = m.matchCommune("xã Chi Lăng", "", "");
    REQUIRE(r.status == VersionedMatch::Status::Ambiguous);
    CHECK(r.reason.find("different unit versions") != std::string::npos);
    std::set<std::string> codes;
    for (const auto& c : r.candidates)
        codes.insert(c.version + ":" + c.code);
    CHECK(codes.count("v2025-07:06463"));
    CHECK(codes.count("v2024-12:06034"));  // unchanged 2021 -> 2024: one meaning, the newest listed
    CHECK(codes.count("v2024-12:06523"));
    CHECK_FALSE(codes.count("v2021:06034"));
    r = m.matchCommune("xã Chi Lăng", "huyện Tràng Định", units::kV2021);
    REQUIRE(r.status == VersionedMatch::Status::Matched);
    CHECK(r.unit.code == "06034");
    // a list of old names with districts is v2021
    const VersionDetection d = m.detectVersion({{"Xã Vĩnh Tiến", "Tràng Định"},
                                                {"Xã Đại Đồng", "Tràng Định"},
                                                {"Thị trấn Na Sầm", "Văn Lãng"},
                                                {"Xã Sơn Hà", "Hữu Lũng"}});
    CHECK(d.version == units::kV2021);
    CHECK(d.certain);
    // not found anywhere
    CHECK(m.matchCommune("xã Không Có", "", "").status == VersionedMatch::Status::Unmatched);
    // a name that cannot tell: "Xã Đoàn Kết" alone exists in every version (with other territory in 2025)
    const VersionDetection one = m.detectVersion({{"Xã Đoàn Kết", ""}});
    CHECK_FALSE(one.certain);
    CHECK(one.version.empty());
}
