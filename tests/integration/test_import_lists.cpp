// Per-village lists keyed by names (household counts, team rosters) on a copy of the generated
// sample: review before writing, nothing written while rows need review, partial import with
// --skip-unmatched, team rows replaced, bad numbers named by row and field.
#include <catch2/catch.hpp>

#include "core/base/error.hpp"
#include "core/base/text.hpp"
#include "core/capi/gdal.hpp"
#include "core/io/lists.hpp"
#include "core/store/project_store.hpp"
#include "support/test_support.hpp"

#include <filesystem>
#include <fstream>
#include <functional>
#include <tuple>
#include <map>
#include <set>

namespace fs = std::filesystem;
using namespace bando;
using namespace bando::io;

namespace {

struct Sample {
    std::map<std::string, int64_t> households;  // village code -> households
    std::map<std::string, int64_t> population;
    int64_t teams = 0;
};

Sample readSample(const std::string& project)
{
    auto s = ProjectStore::open(project);
    Layer v = s->readLayer("villages");
    Sample out;
    for (const auto& f : v.features) {
        out.households[v.text(f, "code")] = v.integer(f, "households");
        out.population[v.text(f, "code")] = v.integer(f, "population");
    }
    out.teams = s->layerInfo("teams").featureCount;
    return out;
}

struct Village {
    std::string code, name, commune, district;
};

// "Thôn Nà Pài" -> "Nà Pài"
std::string withoutType(const std::string& name)
{
    for (const char* p : {"Thôn ", "Khối ", "Bản "})
        if (name.rfind(p, 0) == 0)
            return name.substr(std::string(p).size());
    return name;
}

std::string abbreviate(const std::string& commune)
{
    for (auto [full, abbr] : {std::pair{"Thị trấn ", "TT "}, std::pair{"Xã ", "X. "}, std::pair{"Phường ", "P. "}})
        if (commune.rfind(full, 0) == 0)
            return abbr + commune.substr(std::string(full).size());
    return commune;
}

// "Huyện Tràng Định" -> "H. Tràng Định", "Thành phố Lạng Sơn" -> "TP Lạng Sơn"
std::string abbreviateDistrict(const std::string& district)
{
    for (auto [full, abbr] : {std::pair{"Huyện ", "H. "}, std::pair{"Thành phố ", "TP "}})
        if (district.rfind(full, 0) == 0)
            return abbr + district.substr(std::string(full).size());
    return district;
}

std::string expectMessage(const std::function<void()>& f)
{
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

} // namespace

TEST_CASE("Household and team lists keyed by names: review, partial write, errors", "[import][lists]")
{
    test::TempDir dir("imp-lists");
    const std::string project = dir.file("p.gpkg");
    fs::copy_file(test::samplePath(), project);
    const Sample before = readSample(project);
    REQUIRE(before.households.size() > 1000);
    REQUIRE(before.teams > 0);

    // Villages with a name unique in the province, some in a town (Thị trấn), one name shared.
    std::vector<Village> unique, town;
    std::string sharedName;
    {
        auto s = ProjectStore::open(project);
        Layer v = s->readLayer("villages"), c = s->readLayer("communes"), d = s->readLayer("districts");
        std::map<std::string, std::pair<std::string, std::string>> commune;  // code -> (name, district code)
        std::map<std::string, std::string> district;
        for (const auto& f : d.features)
            district[d.text(f, "code")] = d.text(f, "name");
        for (const auto& f : c.features)
            commune[c.text(f, "code")] = {c.text(f, "name"), c.text(f, "district_code")};
        std::map<std::string, int> nameCount;
        for (const auto& f : v.features)
            ++nameCount[text::foldForMatch(withoutType(v.text(f, "name")))];
        for (size_t i = 5; i < v.features.size() && (unique.size() < 6 || town.empty()); i += 13) {
            const auto& f = v.features[i];
            if (nameCount[text::foldForMatch(withoutType(v.text(f, "name")))] != 1)
                continue;
            auto [cn, dc] = commune[v.text(f, "commune_code")];
            Village x{v.text(f, "code"), v.text(f, "name"), cn, district[dc]};
            auto& to = cn.rfind("Thị trấn ", 0) == 0 ? town : unique;
            if (to.size() < 6)
                to.push_back(x);
        }
        if (town.empty())
            for (const auto& f : v.features) {
                auto [cn, dc] = commune[v.text(f, "commune_code")];
                if (cn.rfind("Thị trấn ", 0) == 0 && nameCount[text::foldForMatch(withoutType(v.text(f, "name")))] == 1) {
                    town.push_back({v.text(f, "code"), v.text(f, "name"), cn, district[dc]});
                    break;
                }
            }
        for (const auto& f : v.features)
            if (nameCount[text::foldForMatch(withoutType(v.text(f, "name")))] > 2 && sharedName.empty())
                sharedName = v.text(f, "name");
    }
    REQUIRE(unique.size() >= 6);
    REQUIRE_FALSE(town.empty());
    REQUIRE_FALSE(sharedName.empty());

    // Six rows that match, written in different styles; two that do not; one ambiguous.
    std::map<std::string, int64_t> wanted;
    std::string csv = "STT,Thôn,Xã,Huyện,Mã thôn,so_ho\n";
    auto add = [&](int row, const std::string& village, const std::string& commune, const std::string& district,
                   const std::string& code, int64_t hh) {
        csv += std::to_string(row) + ",\"" + village + "\",\"" + commune + "\",\"" + district + "\"," + code + "," +
               std::to_string(hh) + "\n";
    };
    int64_t hh = 4000;
    add(1, unique[0].name, unique[0].commune, unique[0].district, "", wanted[unique[0].code] = ++hh);
    add(2, text::foldForMatch(unique[1].name), abbreviate(unique[1].commune), "", "", wanted[unique[1].code] = ++hh);
    add(3, withoutType(unique[2].name), text::toLower(unique[2].commune), "", "", wanted[unique[2].code] = ++hh);
    add(4, text::toUpper(unique[3].name), abbreviate(unique[3].commune), abbreviateDistrict(unique[3].district), "",
        wanted[unique[3].code] = ++hh);
    add(5, "", "", "", unique[4].code, wanted[unique[4].code] = ++hh);
    add(6, town[0].name, abbreviate(town[0].commune), "", "", wanted[town[0].code] = ++hh);
    add(7, "Thôn Không Có Thật", unique[0].commune, "", "", 10);
    add(8, sharedName, "", "", "", 11);
    add(9, unique[1].name, "Xã Không Tồn Tại", "", "", 12);
    const std::string list = dir.file("so_ho.csv");
    std::ofstream(list) << csv;
    INFO(csv);

    {
        auto s = ProjectStore::open(project, ProjectStore::Mode::ReadWrite);
        ListImportOptions o;
        o.kind = ListKind::Households;
        ListImportResult r = importList(*s, list, o);
        CHECK(r.rows == 9);
        CHECK(r.matched == 6);
        CHECK(r.unmatched == 2);
        CHECK(r.ambiguous == 1);
        CHECK_FALSE(r.wrote);
        CHECK(r.written == 0);
        REQUIRE(r.review.size() == 9);
        CHECK(r.review[6].row == 7);
        CHECK(r.review[6].match.status == UnitMatch::Status::Unmatched);
        CHECK(r.review[7].match.status == UnitMatch::Status::Ambiguous);
        CHECK(r.review[7].match.candidates.size() >= 3);
        CHECK(r.review[8].match.status == UnitMatch::Status::Unmatched);
        CHECK(r.review[4].match.byCode);
        CHECK(r.review[5].match.unit.code == town[0].code);
    }
    // Nothing written while rows need review.
    Sample after = readSample(project);
    CHECK(after.households == before.households);

    // The command line: review list and exit 4, nothing written.
    const std::string q = test::shellQuote(test::cliPath());
    const std::string args = " import-list " + test::shellQuote(project) + " " + test::shellQuote(list);
    auto cli = test::run(q + args + " --kind households");
    CHECK(cli.exitCode == 4);
    CHECK(cli.out.find("Thôn Không Có Thật") != std::string::npos);
    CHECK(cli.out.find("Xã Không Tồn Tại") != std::string::npos);
    CHECK(readSample(project).households == before.households);
    cli = test::run(q + args + " --kind households --review-only");
    CHECK(cli.exitCode == 4);
    CHECK(cli.out.find(unique[4].code) != std::string::npos);  // matched rows listed too
    CHECK(readSample(project).households == before.households);

    // --skip-unmatched: exactly the six matched villages change; population unchanged.
    cli = test::run(q + args + " --kind households --skip-unmatched");
    CHECK(cli.exitCode == 0);
    INFO(cli.out << cli.err);
    after = readSample(project);
    int changed = 0;
    for (const auto& [code, n] : after.households) {
        auto w = wanted.find(code);
        if (w != wanted.end()) {
            CHECK(n == w->second);
            ++changed;
        } else {
            CHECK(n == before.households.at(code));
        }
    }
    CHECK(changed == 6);
    CHECK(after.population == before.population);
    CHECK(after.teams == before.teams);

    // Team roster (address column): teams of the listed villages replaced, others kept.
    const Village& a = unique[0];
    const Village& b = unique[1];
    const Village& c = unique[2];
    std::string roster = "Địa chỉ,Tổ số,Số thành viên,Đã đào tạo,Ngày thành lập\n";
    roster += "\"" + a.name + ", " + a.commune + "\",1,5,3,2024-03-01\n";
    roster += "\"" + a.name + ", " + abbreviate(a.commune) + "\",2,4,4,2024-03-02\n";
    roster += "\"" + text::foldForMatch(b.name) + ", " + b.commune + "\",,6,0,\n";
    roster += "\"" + c.name + ", " + c.commune + "\",1,12,2,\n";
    const std::string teamList = dir.file("to_cong_nghe.csv");
    std::ofstream(teamList) << roster;
    int64_t oldTeamsOfListed = 0;
    {
        auto s = ProjectStore::open(project);
        Layer t = s->readLayer("teams");
        for (const auto& f : t.features)
            oldTeamsOfListed += std::set<std::string>{a.code, b.code, c.code}.count(t.text(f, "village_code"));
    }
    {
        auto s = ProjectStore::open(project, ProjectStore::Mode::ReadWrite);
        ListImportOptions o;
        o.kind = ListKind::Teams;
        ListImportResult r = importList(*s, teamList, o);
        CHECK(r.rows == 4);
        CHECK(r.matched == 4);
        CHECK(r.wrote);
        CHECK(r.written == 4);
        bool flagged = false;
        for (const auto& d : r.diagnostics.items())
            flagged = flagged || d.where.find("row 4, field 'Số thành viên'") != std::string::npos;
        CHECK(flagged);  // 12 members: outside 1–10
        Layer t = s->readLayer("teams");
        CHECK(static_cast<int64_t>(t.features.size()) == before.teams - oldTeamsOfListed + 4);
        std::map<std::string, std::vector<std::tuple<int64_t, int64_t, int64_t, std::string>>> got;
        for (const auto& f : t.features)
            got[t.text(f, "village_code")].push_back(
                {t.integer(f, "team_no"), t.integer(f, "members"), t.integer(f, "trained"), t.text(f, "formed")});
        using Row = std::tuple<int64_t, int64_t, int64_t, std::string>;
        CHECK(got[a.code] == std::vector<Row>{{1, 5, 3, "2024-03-01"}, {2, 4, 4, "2024-03-02"}});
        CHECK(got[b.code] == std::vector<Row>{{1, 6, 0, ""}});
        CHECK(got[c.code] == std::vector<Row>{{1, 12, 2, ""}});
    }
    const Sample withTeams = readSample(project);

    // Bad numbers: the message names the file, row and field; nothing changes.
    auto bad = [&](const std::string& name, const std::string& content, ListKind kind) {
        const std::string f = dir.file(name);
        std::ofstream(f) << content;
        auto s = ProjectStore::open(project, ProjectStore::Mode::ReadWrite);
        ListImportOptions o;
        o.kind = kind;
        o.skipUnmatched = true;
        return expectMessage([&] { importList(*s, f, o); });
    };
    const std::string head = "Mã thôn,so_ho\n" + unique[0].code + ",120\n";
    std::string m = bad("neg.csv", head + unique[1].code + ",-5\n", ListKind::Households);
    CHECK(m.find("neg.csv: row 2, field 'so_ho'") != std::string::npos);
    CHECK(m.find("-5") != std::string::npos);
    m = bad("nan.csv", head + unique[1].code + ",1\n" + unique[2].code + ",nhiều\n", ListKind::Households);
    CHECK(m.find("nan.csv: row 3, field 'so_ho'") != std::string::npos);
    CHECK(m.find("not a number") != std::string::npos);
    m = bad("big.csv", head + unique[1].code + ",5001\n", ListKind::Households);
    CHECK(m.find("big.csv: row 2, field 'so_ho'") != std::string::npos);
    m = bad("dup.csv", head + unique[0].code + ",130\n", ListKind::Households);
    CHECK(m.find("dup.csv: row 2") != std::string::npos);
    CHECK(m.find("row 1") != std::string::npos);
    m = bad("trained.csv", "Mã thôn,Số thành viên,Đã đào tạo\n" + a.code + ",3,2\n" + b.code + ",3,4\n", ListKind::Teams);
    CHECK(m.find("trained.csv: row 2, field 'Đã đào tạo'") != std::string::npos);
    m = bad("nomembers.csv", "Mã thôn,Số thành viên\n" + a.code + ",\n", ListKind::Teams);
    CHECK(m.find("nomembers.csv: row 1, field 'Số thành viên'") != std::string::npos);
    m = bad("pop.csv", "Mã thôn,Số hộ,Dân số\n" + unique[5].code + ",300,250\n", ListKind::Households);
    CHECK(m.find("pop.csv: row 1, field 'Dân số'") != std::string::npos);
    const Sample end = readSample(project);
    CHECK(end.households == withTeams.households);
    CHECK(end.population == withTeams.population);

    // A population column updates the population too.
    const std::string popList = dir.file("dan_so.csv");
    std::ofstream(popList) << "Mã thôn,Số hộ,Dân số\n" + unique[5].code + ",300,1234\n";
    {
        auto s = ProjectStore::open(project, ProjectStore::Mode::ReadWrite);
        ListImportOptions o;
        auto r = importList(*s, popList, o);
        CHECK(r.written == 1);
    }
    const Sample withPop = readSample(project);
    CHECK(withPop.households.at(unique[5].code) == 300);
    CHECK(withPop.population.at(unique[5].code) == 1234);
    int popChanged = 0;
    for (const auto& [code, n] : withPop.population)
        popChanged += n != end.population.at(code);
    CHECK(popChanged == 1);
    CHECK(end.teams == withTeams.teams);
}

TEST_CASE("Household list from a spreadsheet: numeric codes and counts", "[import][lists]")
{
    gdal::init();
    test::TempDir dir("imp-lists-xlsx");
    const std::string project = dir.file("p.gpkg");
    fs::copy_file(test::samplePath(), project);
    const Sample before = readSample(project);
    // Two villages whose code starts with 0 (a spreadsheet keeps 6115003), one by address.
    std::vector<Village> pick;
    {
        auto s = ProjectStore::open(project);
        Layer v = s->readLayer("villages"), c = s->readLayer("communes");
        std::map<std::string, std::string> communeName;
        for (const auto& f : c.features)
            communeName[c.text(f, "code")] = c.text(f, "name");
        std::map<std::string, int> nameCount;
        for (const auto& f : v.features)
            ++nameCount[text::foldForMatch(withoutType(v.text(f, "name")))];
        for (size_t i = 11; i < v.features.size() && pick.size() < 3; i += 101)
            if (v.text(v.features[i], "code")[0] == '0' &&
                nameCount[text::foldForMatch(withoutType(v.text(v.features[i], "name")))] == 1)
                pick.push_back({v.text(v.features[i], "code"), v.text(v.features[i], "name"),
                                communeName[v.text(v.features[i], "commune_code")], ""});
    }
    REQUIRE(pick.size() == 3);
    const std::string path = dir.file("so_ho.xlsx");
    {
        GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("XLSX");
        REQUIRE(drv);
        gdal::DatasetPtr ds(drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        REQUIRE(ds);
        OGRLayer* l = ds->CreateLayer("Số hộ", nullptr, wkbNone, nullptr);
        REQUIRE(l);
        for (auto [n, t] : {std::pair{"Mã thôn", OFTInteger}, std::pair{"Địa chỉ", OFTString}, std::pair{"Số hộ", OFTInteger}}) {
            OGRFieldDefn fd(n, t);
            REQUIRE(l->CreateField(&fd) == OGRERR_NONE);
        }
        int64_t hh = 201;
        for (size_t i = 0; i < pick.size(); ++i) {
            OGRFeature f(l->GetLayerDefn());
            if (i < 2)
                f.SetField(0, std::stoi(pick[i].code));
            else
                f.SetField(1, (pick[i].name + ", " + abbreviate(pick[i].commune)).c_str());
            f.SetField(2, static_cast<int>(hh + static_cast<int64_t>(i)));
            REQUIRE(l->CreateFeature(&f) == OGRERR_NONE);
        }
    }
    auto s = ProjectStore::open(project, ProjectStore::Mode::ReadWrite);
    ListImportOptions o;
    auto r = importList(*s, path, o);
    CHECK(r.rows == 3);
    CHECK(r.matched == 3);
    CHECK(r.wrote);
    CHECK(r.written == 3);
    s->close();
    const Sample after = readSample(project);
    for (size_t i = 0; i < pick.size(); ++i)
        CHECK(after.households.at(pick[i].code) == 201 + static_cast<int64_t>(i));
    int changed = 0;
    for (const auto& [code, n] : after.households)
        changed += n != before.households.at(code);
    CHECK(changed == 3);
}
