// Surveyed coverage-gap lists keyed by names, on the generated sample project: review list
// before writing, partial import, survey-diff against the modelled classification.
#include <catch2/catch.hpp>

#include "core/analysis/classify.hpp"
#include "core/base/text.hpp"
#include "core/analysis/survey_diff.hpp"
#include "core/io/lists.hpp"
#include "core/store/project_store.hpp"
#include "support/test_support.hpp"

#include <filesystem>
#include <fstream>
#include <map>

namespace fs = std::filesystem;
using namespace bando;
using namespace bando::io;

namespace {

std::string abbreviate(const std::string& commune)
{
    for (auto [full, abbr] : {std::pair{"Thị trấn ", "TT "}, std::pair{"Xã ", "X. "}, std::pair{"Phường ", "P. "}})
        if (commune.rfind(full, 0) == 0)
            return abbr + commune.substr(std::string(full).size());
    return commune;
}

} // namespace

TEST_CASE("Survey list matched by names with a review list, survey-diff", "[import][survey]")
{
    test::TempDir dir("imp-survey");
    const std::string project = dir.file("p.gpkg");
    fs::copy_file(test::samplePath(), project);
    std::vector<std::string> codes;
    std::string csv = "STT,Địa chỉ,Tình trạng,Nhà mạng\n";
    std::string ambiguousName;
    {
        auto s = ProjectStore::open(project);
        Layer v = s->readLayer("villages");
        Layer c = s->readLayer("communes");
        std::map<std::string, std::string> communeName;
        for (const auto& f : c.features)
            communeName[c.text(f, "code")] = c.text(f, "name");
        std::map<std::string, int> nameCount;
        for (const auto& f : v.features)
            ++nameCount[v.text(f, "name")];
        for (const auto& [n, k] : nameCount)
            if (k > 1 && ambiguousName.empty())
                ambiguousName = n;
        REQUIRE_FALSE(ambiguousName.empty());
        // Six villages spread over the list, written the way communes write them.
        int row = 0;
        for (size_t i = 7; i < v.features.size() && codes.size() < 6; i += 131) {
            const auto& f = v.features[i];
            std::string name = v.text(f, "name");
            if (nameCount[name] > 1)
                continue;
            std::string commune = abbreviate(communeName[v.text(f, "commune_code")]);
            if (codes.size() % 2)
                name = text::toUpper(name);
            else
                commune = text::toLower(commune);
            codes.push_back(v.text(f, "code"));
            csv += std::to_string(++row) + ",\"" + name + ", " + commune + "\"," +
                   (codes.size() % 3 ? "Trắng sóng" : "Lõm sóng") + ",Viettel\n";
        }
        REQUIRE(codes.size() == 6);
        csv += "7,\"Thôn Không Có Thật, xã Chi Lăng\",Trắng sóng,VNPT\n";
        csv += "8," + ambiguousName + ",Lõm sóng,VNPT\n";
    }
    const std::string list = dir.file("khao_sat.csv");
    std::ofstream(list) << csv;

    {
        auto s = ProjectStore::open(project, ProjectStore::Mode::ReadWrite);
        ListImportOptions o;
        o.kind = ListKind::SurveyGaps;
        auto r = importList(*s, list, o);
        CHECK(r.rows == 8);
        CHECK(r.matched == 6);
        CHECK(r.unmatched == 1);
        CHECK(r.ambiguous == 1);
        CHECK_FALSE(r.wrote);
        REQUIRE(r.review.size() == 8);  // every row, in file order
        const auto toReview = r.rowsToReview();
        REQUIRE(toReview.size() == 2);
        CHECK(toReview[0].row == 7);
        CHECK(toReview[0].match.status == UnitMatch::Status::Unmatched);
        CHECK(toReview[1].row == 8);
        CHECK(toReview[1].match.status == UnitMatch::Status::Ambiguous);
        CHECK(toReview[1].match.candidates.size() >= 2);
        for (size_t i = 0; i < 6; ++i)
            CHECK(r.review[i].match.unit.code == codes[i]);
        CHECK(s->layerInfo("survey_gaps").featureCount == 0);

        o.skipUnmatched = true;
        r = importList(*s, list, o);
        CHECK(r.wrote);
        CHECK(r.written == 6);
        Layer g = s->readLayer("survey_gaps");
        REQUIRE(g.features.size() == 6);
        for (size_t i = 0; i < 6; ++i) {
            CHECK(g.text(g.features[i], "village_code") == codes[i]);
            CHECK(g.integer(g.features[i], "source_row") == static_cast<int64_t>(i + 1));
            CHECK(g.text(g.features[i], "status") == ((i + 1) % 3 ? "no_signal" : "unstable"));
            CHECK(g.text(g.features[i], "operator") == "Viettel");
        }
    }
    // survey-diff: a surveyed village disagrees exactly when the model's class differs.
    auto s = ProjectStore::open(project);
    analysis::SurveyDiff d = analysis::surveyDiff(*s);
    CHECK(d.surveyedVillages == 6);
    CHECK(d.agree + static_cast<int>(d.disagreements.size()) == 6);
    Layer villages = s->readLayer("villages"), settlements = s->readLayer("settlements"),
          coverage = s->readLayer("coverage"), nodes = s->readLayer("broadband_nodes"), fibre = s->readLayer("fibre");
    analysis::ClassificationInput in{&villages, &settlements, &coverage, &nodes, &fibre};
    auto st = analysis::classifyVillages(in, analysis::loadThresholds(*s));
    std::map<std::string, analysis::MobileClass> model;
    for (const auto& x : st)
        model[x.villageCode] = x.mobile;
    int expectedDisagree = 0;
    for (size_t i = 0; i < 6; ++i) {
        auto want = (i + 1) % 3 ? analysis::MobileClass::NoSignal : analysis::MobileClass::Unstable;
        expectedDisagree += model.at(codes[i]) != want;
    }
    CHECK(static_cast<int>(d.disagreements.size()) == expectedDisagree);
    s->close();

    // The same on the command line: review list and exit code 4, then survey-diff.
    const std::string q = test::shellQuote(test::cliPath());
    auto r = test::run(q + " import " + test::shellQuote(project) + " " + test::shellQuote(list) + " --layer survey_gaps");
    CHECK(r.exitCode == 4);
    CHECK(r.out.find("Thôn Không Có Thật") != std::string::npos);
    r = test::run(q + " survey-diff " + test::shellQuote(project) + " --csv");
    CHECK(r.exitCode == 0);
    CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 1 + expectedDisagree);
}
