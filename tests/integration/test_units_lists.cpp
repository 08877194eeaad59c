// Lists typed in another unit version (issue #17): a households list naming the communes of
// 7/2025 ("Thôn …, xã Lộc Bình" = TT Lộc Bình + Khánh Xuân + Đồng Bục + Hữu Khánh of 2021) is
// matched to the right villages of the project (keyed on 2021) and written; a commune name that
// means different units in different versions, in a list whose version cannot be told, goes to
// review with the village under each meaning.
#include <catch2/catch.hpp>

#include "core/io/lists.hpp"
#include "core/store/project_store.hpp"
#include "support/test_support.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

using namespace bando;
using namespace bando::io;

namespace {

struct V {
    std::string code, name, commune;
    int64_t households = 0;
};

std::vector<V> readVillages(const std::string& project)
{
    auto s = ProjectStore::open(project);
    const Layer l = s->readLayer("villages");
    std::vector<V> out;
    for (const auto& f : l.features)
        out.push_back({l.text(f, "code"), l.text(f, "name"), l.text(f, "commune_code"), l.integer(f, "households")});
    return out;
}

// A village of `commune` whose name no other village of `among` has.
const V* uniqueIn(const std::vector<V>& vs, const std::string& commune, const std::set<std::string>& among)
{
    for (const auto& v : vs) {
        if (v.commune != commune)
            continue;
        int same = 0;
        for (const auto& w : vs)
            same += among.count(w.commune) && w.name == v.name;
        if (same == 1)
            return &v;
    }
    return nullptr;
}

} // namespace

TEST_CASE("units: a households list in the names of 7/2025 matched to the project's 2021 villages", "[units][integration][lists]")
{
    test::TempDir dir("units-lists");
    const std::string project = dir.file("p.gpkg");
    std::filesystem::copy_file(test::samplePath(), project);
    const auto vs = readVillages(project);
    // xã Lộc Bình (06529 in v2025-07) = TT Lộc Bình 06529, Khánh Xuân 06544, Hữu Khánh 06550, Đồng Bục 06553 (v2021)
    const std::set<std::string> locBinh = {"06529", "06544", "06550", "06553"};
    // xã Thất Khê (06040 in v2025-07) = Chi Lăng 06034, Chí Minh 06013, TT Thất Khê 05995, most of Đại Đồng 06040
    const std::set<std::string> thatKhe = {"06034", "06013", "05995", "06040"};
    std::vector<std::pair<const V*, std::string>> rows;
    for (const char* c : {"06544", "06550", "06553", "06529"})
        rows.push_back({uniqueIn(vs, c, locBinh), "Xã Lộc Bình"});
    for (const char* c : {"06013", "05995"})
        rows.push_back({uniqueIn(vs, c, thatKhe), "xã Thất Khê"});
    std::string csv = "STT,Thôn,Xã,so_ho\n";
    std::map<std::string, int64_t> wanted;
    int n = 0;
    for (const auto& [v, commune] : rows) {
        REQUIRE(v);
        const int64_t hh = 3000 + n++;
        wanted[v->code] = hh;
        csv += std::to_string(n) + ",\"" + v->name + "\",\"" + commune + "\"," + std::to_string(hh) + "\n";
    }
    INFO(csv);
    const std::string list = dir.file("so_ho_2026.csv");
    std::ofstream(list) << csv;
    {
        auto s = ProjectStore::open(project, ProjectStore::Mode::ReadWrite);
        ListImportOptions o;
        o.kind = ListKind::Households;
        const ListImportResult r = importList(*s, list, o);
        CHECK(r.unitVersion == "v2025-07");
        CHECK(r.rows == 6);
        CHECK(r.matched == 6);
        CHECK(r.needsReview() == false);
        for (size_t i = 0; i < r.review.size(); ++i)
            CHECK(r.review[i].match.unit.code == rows[i].first->code);
        CHECK(r.wrote);
        CHECK(r.written == 6);
    }
    for (const auto& v : readVillages(project))
        if (wanted.count(v.code))
            CHECK(v.households == wanted[v.code]);

    // The same villages under their 2021 communes still match (the list's version cannot be told
    // between v2021 and v2024-12, both name them alike).
    std::string old = "Thôn,Xã,so_ho\n\"" + rows[0].first->name + "\",\"Xã Khánh Xuân\",1234\n";
    const std::string list21 = dir.file("so_ho_2021.csv");
    std::ofstream(list21) << old;
    {
        auto s = ProjectStore::open(project, ProjectStore::Mode::ReadWrite);
        ListImportOptions o;
        o.kind = ListKind::Households;
        o.reviewOnly = true;
        const ListImportResult r = importList(*s, list21, o);
        REQUIRE(r.review.size() == 1);
        CHECK(r.review[0].match.status == UnitMatch::Status::Matched);
        CHECK(r.review[0].match.unit.code == rows[0].first->code);
        CHECK(r.unitVersion != "v2025-07");
    }
}

TEST_CASE("units: a commune name of different units in different versions goes to review", "[units][integration][lists]")
{
    test::TempDir dir("units-lists-amb");
    const std::string project = dir.file("p.gpkg");
    std::filesystem::copy_file(test::samplePath(), project);
    const auto vs = readVillages(project);
    // "xã Chi Lăng": Tràng Định's old xã (06034) in v2021 and v2024-12; in v2025-07 the new xã
    // 06463 = xã Chi Lăng 06523 + TT Chi Lăng 06466 + TT Đồng Mỏ 06463 of Chi Lăng district.
    const std::set<std::string> newChiLang = {"06523", "06466", "06463"};
    std::string shared;
    std::set<std::string> codes;
    for (const auto& a : vs)
        if (a.commune == "06034")
            for (const auto& b : vs)
                if (newChiLang.count(b.commune) && b.name == a.name && shared.empty()) {
                    shared = a.name;
                    codes = {a.code, b.code};
                }
    if (shared.empty())
        FAIL("the sample has no village name shared by old and new xã Chi Lăng");
    const std::string list = dir.file("ds.csv");
    std::ofstream(list) << "Thôn,Xã,so_ho\n\"" << shared << "\",\"Xã Chi Lăng\",100\n";
    std::map<std::string, int64_t> before;
    for (const auto& v : vs)
        if (codes.count(v.code))
            before[v.code] = v.households;
    auto s = ProjectStore::open(project, ProjectStore::Mode::ReadWrite);
    ListImportOptions o;
    o.kind = ListKind::Households;
    const ListImportResult r = importList(*s, list, o);
    CHECK(r.unitVersion.empty());  // one row named in every version: cannot tell
    REQUIRE(r.review.size() == 1);
    const UnitMatch& m = r.review[0].match;
    CHECK(m.status == UnitMatch::Status::Ambiguous);
    std::set<std::string> got;
    for (const auto& c : m.candidates)
        got.insert(c.code);
    CHECK(got == codes);
    CHECK(m.reason.find("different unit versions") != std::string::npos);
    CHECK_FALSE(r.wrote);
    s.reset();
    for (const auto& v : readVillages(project))  // nothing written
        if (codes.count(v.code))
            CHECK(v.households == before.at(v.code));
}
