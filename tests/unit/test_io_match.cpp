// Name matching of agency lists to administrative units (abbreviations, diacritics, case).
#include <catch2/catch.hpp>

#include "core/io/lists.hpp"
#include "core/io/unit_match.hpp"
#include "core/model/schema.hpp"

using namespace bando;
using namespace bando::io;

namespace {

struct Units {
    Layer d = schema::makeLayer("districts"), c = schema::makeLayer("communes"), v = schema::makeLayer("villages");
    void district(const char* code, const char* name)
    {
        auto& f = d.addFeature({});
        d.set(f, "code", std::string(code));
        d.set(f, "name", std::string(name));
    }
    void commune(const char* code, const char* name, const char* dc)
    {
        auto& f = c.addFeature({});
        c.set(f, "code", std::string(code));
        c.set(f, "name", std::string(name));
        c.set(f, "district_code", std::string(dc));
    }
    void village(const char* code, const char* name, const char* cc, const char* dc)
    {
        auto& f = v.addFeature({});
        v.set(f, "code", std::string(code));
        v.set(f, "name", std::string(name));
        v.set(f, "commune_code", std::string(cc));
        v.set(f, "district_code", std::string(dc));
    }
};

Units chiLang()
{
    Units u;
    u.district("178", "Thành phố Lạng Sơn");
    u.district("186", "Huyện Chi Lăng");
    u.commune("06040", "Xã Chi Lăng", "186");
    u.commune("06028", "Thị trấn Chi Lăng", "186");
    u.commune("05971", "Phường Hoàng Văn Thụ", "178");
    u.village("0604001", "Thôn Nà Pài", "06040", "186");
    u.village("0604002", "Thôn Bó Kheo", "06040", "186");
    u.village("0602801", "Khối Bó Kheo", "06028", "186");
    u.village("0602802", "Khối 1", "06028", "186");
    u.village("0597101", "Khối 1", "05971", "178");
    return u;
}

} // namespace

TEST_CASE("Unit names: type prefixes and abbreviations", "[io][match]")
{
    CHECK(parseUnitName("TT. Chi Lăng", UnitLevel::Commune).kind == "tt");
    CHECK(parseUnitName("TT. Chi Lăng", UnitLevel::Commune).core == "chi lang");
    CHECK(parseUnitName("Thị trấn Chi Lăng", UnitLevel::Commune).kind == "tt");
    CHECK(parseUnitName("X.Chi Lăng", UnitLevel::Commune).kind == "xa");
    CHECK(parseUnitName("X.Chi Lăng", UnitLevel::Commune).core == "chi lang");
    CHECK(parseUnitName("P. Hoàng Văn Thụ", UnitLevel::Commune).kind == "phuong");
    CHECK(parseUnitName("TP Lạng Sơn", UnitLevel::District).kind == "tp");
    CHECK(parseUnitName("THÔN NÀ PÀI", UnitLevel::Village).core == "na pai");
    CHECK(parseUnitName("Bản Nà Pài", UnitLevel::Village).core == "na pai");
    CHECK(parseUnitName("Khối 01", UnitLevel::Village).core == "1");
    auto a = splitAddress("Thôn Nà Pài, xã Chi Lăng, huyện Chi Lăng");
    CHECK(a.village == "Thôn Nà Pài");
    CHECK(a.commune == "xã Chi Lăng");
    CHECK(a.district == "huyện Chi Lăng");
    auto b = splitAddress("Nà Pài - TT Chi Lăng");
    CHECK(b.village == "Nà Pài");
    CHECK(b.commune == "TT Chi Lăng");
}

TEST_CASE("Villages match by code, else by names, ambiguity is reported", "[io][match]")
{
    Units u = chiLang();
    UnitMatcher m(u.d, u.c, u.v);
    auto byCode = m.matchVillage("0602802", "", "", "");
    CHECK(byCode.status == UnitMatch::Status::Matched);
    CHECK(byCode.byCode);
    CHECK(byCode.unit.communeName == "Thị trấn Chi Lăng");

    auto r = m.matchVillage("", "thon na pai", "X. Chi Lang", "");
    REQUIRE(r.status == UnitMatch::Status::Matched);
    CHECK(r.unit.code == "0604001");
    CHECK(r.unit.districtName == "Huyện Chi Lăng");

    // "Bó Kheo" exists in xã and TT Chi Lăng: the type word decides.
    CHECK(m.matchVillage("", "Bó Kheo", "TT Chi Lăng", "").unit.code == "0602801");
    CHECK(m.matchVillage("", "Bó Kheo", "xã Chi Lăng", "").unit.code == "0604002");
    auto amb = m.matchVillage("", "Bó Kheo", "Chi Lăng", "");
    CHECK(amb.status == UnitMatch::Status::Ambiguous);
    CHECK(amb.candidates.size() == 2);
    // "Khối 1" exists in two districts: the district resolves it.
    CHECK(m.matchVillage("", "Khối 1", "", "").status == UnitMatch::Status::Ambiguous);
    CHECK(m.matchVillage("", "Khối 01", "", "TP Lạng Sơn").unit.code == "0597101");
    auto none = m.matchVillage("", "Thôn Không Có", "xã Chi Lăng", "");
    CHECK(none.status == UnitMatch::Status::Unmatched);
    CHECK(none.reason.find("not found") != std::string::npos);
    CHECK(m.matchVillage("", "Nà Pài", "xã Không Có", "").reason == "commune 'xã Không Có' not found");
}

TEST_CASE("Gap statuses from the words agencies use", "[io][match]")
{
    CHECK(normaliseGapStatus("Trắng sóng") == "no_signal");
    CHECK(normaliseGapStatus("TRẮNG SÓNG") == "no_signal");
    CHECK(normaliseGapStatus("Lõm sóng") == "unstable");
    CHECK(normaliseGapStatus("sóng yếu, chập chờn") == "unstable");
    CHECK(normaliseGapStatus("Chưa có Internet băng rộng") == "no_broadband");
    CHECK(normaliseGapStatus("tốt") == "");
}
