// The deployment plan report with planning core II's team bases and week-by-week schedule
// (issue #12): what `bando bases` and `bando schedule` stored comes out as the bases page (map
// and table), the weeks and a table per week in the PDF, as sheets in the XLSX and as CSV files
// beside the ranking's; without them the report says what is missing and the command to run.
#include <catch2/catch.hpp>

#include "core/report/deployment.hpp"
#include "core/store/project_store.hpp"
#include "support/test_support.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

using namespace bando;

namespace {

std::string analysed() { return test::analysedPath(); }

using test::cli;

std::vector<std::vector<std::string>> readCsv(const std::string& path) { return test::readCsvRows(path); }

} // namespace

TEST_CASE("deployment plan: the Monday of a schedule week", "[report][plan]")
{
    CHECK(report::weekMonday("2021-07-20", 1) == "2021-07-19");  // a Tuesday: its week's Monday
    CHECK(report::weekMonday("2021-07-19", 1) == "2021-07-19");
    CHECK(report::weekMonday("2021-07-25", 2) == "2021-07-26");  // a Sunday: week 2 starts the next day
    CHECK(report::weekMonday("2021-12-30", 2) == "2022-01-03");
}

TEST_CASE("plan report: team bases and the week-by-week schedule, or what is missing", "[report][plan][integration]")
{
    test::TempDir dir("report-plan");
    const std::string project = dir.file("p.gpkg");
    std::filesystem::copy_file(analysed(), project);
    const std::string P = test::shellQuote(project);

    // Nothing stored yet: the report says so and names the commands.
    auto r = cli("report " + P + " --kind plan --top 20 --out " + test::shellQuote(dir.file("none.pdf")) + " --json");
    REQUIRE(r.exitCode == 0);
    CHECK(r.out.find("\"bases\": 0") != std::string::npos);
    auto text = test::run("pdftotext " + test::shellQuote(dir.file("none.pdf")) + " -");
    CHECK(text.out.find("bando bases") != std::string::npos);
    CHECK(text.out.find("bando schedule") != std::string::npos);
    r = cli("report " + P + " --kind plan --top 20 --out " + test::shellQuote(dir.file("none.csv")));
    REQUIRE(r.exitCode == 0);
    CHECK_FALSE(std::filesystem::exists(dir.file("none-bases.csv")));

    REQUIRE(cli("bases " + P + " --count 4 --bound-time 0 --time-limit 1").exitCode == 0);
    REQUIRE(cli("schedule " + P + " --teams 3").exitCode == 0);
    // What was stored, read independently of the report.
    std::map<std::string, std::string> storedBases;  // commune code -> name
    int storedVisits = 0, storedScheduled = 0;
    {
        auto store = ProjectStore::open(project);
        const Layer b = store->readLayer("team_bases");
        for (const auto& f : b.features)
            storedBases[b.text(f, "commune_code")] = b.text(f, "name");
        const Layer s = store->readLayer("team_schedule");
        for (const auto& f : s.features) {
            ++storedVisits;
            if (!s.text(f, "visit_date").empty())
                ++storedScheduled;
        }
    }
    REQUIRE(storedBases.size() == 4);
    REQUIRE(storedScheduled > 1000);

    // CSV: the bases and the visits beside the ranking.
    r = cli("report " + P + " --kind plan --top 20 --out " + test::shellQuote(dir.file("plan.csv")) + " --json");
    REQUIRE(r.exitCode == 0);
    CHECK(r.out.find("\"bases\": 4") != std::string::npos);
    CHECK(r.out.find("\"scheduled_visits\": " + std::to_string(storedScheduled)) != std::string::npos);
    const auto bases = readCsv(dir.file("plan-bases.csv"));
    REQUIRE(bases.size() == 5);  // header + 4
    std::set<std::string> csvCodes;
    for (size_t i = 1; i < bases.size(); ++i) {
        csvCodes.insert(bases[i][0]);
        CHECK(storedBases[bases[i][0]] == bases[i][1]);
        CHECK(bases[i][3] == "3");  // teams per base
    }
    CHECK(csvCodes.size() == 4);
    const auto visits = readCsv(dir.file("plan-schedule.csv"));
    REQUIRE(visits.size() == static_cast<size_t>(storedVisits) + 1);
    // Every scheduled visit lies in its week (Monday to Sunday) and its team is one of a base's.
    int scheduled = 0;
    std::map<int, int> perWeek;
    for (size_t i = 1; i < visits.size(); ++i) {
        const auto& v = visits[i];
        if (v[1].empty())
            continue;
        ++scheduled;
        const int week = std::stoi(v[0]);
        ++perWeek[week];
        const std::string monday = report::weekMonday("2021-07-20", week);
        CHECK(v[1] >= monday);
        CHECK(v[1] < report::weekMonday("2021-07-20", week + 1));
        CHECK(storedBases.count(v[3]) == 1);
        CHECK(v[2].rfind(v[3] + "-", 0) == 0);
    }
    CHECK(scheduled == storedScheduled);

    // PDF: the bases page with every base, the weeks and a page per week.
    r = cli("report " + P + " --kind plan --top 20 --out " + test::shellQuote(dir.file("plan.pdf")) + " --json");
    REQUIRE(r.exitCode == 0);
    text = test::run("pdftotext " + test::shellQuote(dir.file("plan.pdf")) + " -");
    for (const auto& [code, name] : storedBases) {
        CHECK(text.out.find(code) != std::string::npos);
        CHECK(text.out.find(name) != std::string::npos);
    }
    CHECK(text.out.find("bando bases") == std::string::npos);  // nothing reported missing
    const std::string lastWeek = report::weekMonday("2021-07-20", perWeek.rbegin()->first);
    CHECK(text.out.find(lastWeek) != std::string::npos);  // the last week's heading
    CHECK(test::run("qpdf --check " + test::shellQuote(dir.file("plan.pdf"))).exitCode == 0);

    // XLSX: the ranking, the criteria, the bases, the weeks and the visits.
    r = cli("report " + P + " --kind plan --top 20 --out " + test::shellQuote(dir.file("plan.xlsx")) + " --json");
    REQUIRE(r.exitCode == 0);
    CHECK(r.out.find("\"sheets\": 5") != std::string::npos);
    if (test::run("/usr/bin/python3 -c 'import openpyxl'").exitCode != 0)
        BANDO_SKIP("python3-openpyxl is not installed: the XLSX is not read back");
    const auto rows = test::run("/usr/bin/python3 -c \"import openpyxl, sys; wb = openpyxl.load_workbook(sys.argv[1]); "
                                "print(wb.worksheets[2].max_row, wb.worksheets[3].max_row, wb.worksheets[4].max_row, "
                                "wb.worksheets[2]['A2'].value)\" " +
                                test::shellQuote(dir.file("plan.xlsx")));
    REQUIRE(rows.exitCode == 0);
    std::istringstream in(rows.out);
    int basesRows = 0, weeksRows = 0, visitRows = 0;
    std::string firstCode;
    in >> basesRows >> weeksRows >> visitRows >> firstCode;
    CHECK(basesRows == 5);
    CHECK(weeksRows == static_cast<int>(perWeek.size()) + 1);
    CHECK(visitRows == storedVisits + 1);
    CHECK(firstCode == storedBases.begin()->first);  // a text cell: the leading zero kept
}

TEST_CASE("gap report in the 2025 two-level units: headings name the commune, not the district",
          "[report][units][integration]")
{
    test::TempDir dir("report-units-headings");
    const std::string project = dir.file("p.gpkg");
    std::filesystem::copy_file(analysed(), project);
    const std::string P = test::shellQuote(project);
    REQUIRE(cli("units " + P + " --to v2025-07").exitCode == 0);
    REQUIRE(cli("report " + P + " --kind gaps --out " + test::shellQuote(dir.file("d.csv"))).exitCode == 0);
    REQUIRE(cli("report " + P + " --kind gaps --units v2025-07 --no-operator-groups --out " +
                test::shellQuote(dir.file("u.csv")))
                .exitCode == 0);
    const auto districts = readCsv(dir.file("d.csv"));
    const auto units = readCsv(dir.file("u.csv"));
    REQUIRE(districts.size() > 1);
    REQUIRE(units.size() == districts.size());  // the same gap villages
    REQUIRE(units[0].size() == districts[0].size());
    // Columns 5 and 6 are the group: the district in 2021 units, the 2025 commune with --units.
    CHECK(units[0][4] != districts[0][4]);
    CHECK(units[0][5] != districts[0][5]);
    CHECK(units[0][5].find("2025") != std::string::npos);
    for (size_t c = 0; c < units[0].size(); ++c)
        if (c != 4 && c != 5)
            CHECK(units[0][c] == districts[0][c]);
    // The PDF's summary table carries the same heading, the district one nowhere.
    REQUIRE(cli("report " + P + " --kind gaps --units v2025-07 --no-operator-groups --out " +
                test::shellQuote(dir.file("u.pdf")))
                .exitCode == 0);
    const auto text = test::run("pdftotext -f 1 -l 1 " + test::shellQuote(dir.file("u.pdf")) + " -");
    CHECK(text.out.find(units[0][5]) != std::string::npos);
    CHECK(text.out.find("\n" + districts[0][5] + "\n") == std::string::npos);
}
