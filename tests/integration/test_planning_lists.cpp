// `bando import-list --kind progress` and `--kind commune_flags` (issue #10): dated district
// figures and commune flags through the one name-matched list pipeline with its review step,
// then read by `bando check`, `bando progress --source reports` and the ranking's flags.
#include <catch2/catch.hpp>

#include "core/base/error.hpp"
#include "core/store/project_store.hpp"
#include "core/tasks/check_task.hpp"
#include "core/tasks/job.hpp"
#include "core/tasks/list_import_task.hpp"
#include "core/tasks/progress_task.hpp"
#include "support/test_support.hpp"

#include <filesystem>
#include <fstream>

using namespace bando;

namespace {

void writeFile(const std::string& path, const std::string& text)
{
    std::ofstream o(path, std::ios::binary);
    o << text;
}

int countRows(const std::string& project, const std::string& layer, const std::string& field, const std::string& value)
{
    auto store = ProjectStore::open(project);
    if (!store->hasLayer(layer))
        return 0;
    const Layer l = store->readLayer(layer);
    int n = 0;
    for (const auto& f : l.features)
        n += l.text(f, field) == value;
    return n;
}

} // namespace

TEST_CASE("import-list --kind progress: dated district figures, reviewed, then checked and forecast",
          "[lists][progress][planning][integration]")
{
    test::TempDir dir("planning-lists");
    const std::string path = dir.file("p.gpkg");
    std::filesystem::copy_file(test::samplePath(), path);
    const std::string csv = dir.file("tien-do.csv");
    writeFile(csv, "Ngày báo cáo,Huyện,Số cửa hàng số,Tài khoản thanh toán,Hộ đầu tàu\n"
                   "15/9/2021,Huyện Đình Lập,1200,800,90\n"
                   "15/9/2021,Lộc Bình,1500,900,100\n"
                   "30/09/2021,Huyện Đình Lập,1100,900,95\n"
                   "2021-09-30,Huyện Không Có,10,10,1\n");
    Feedback fb;
    tasks::ListImportRequest q;
    q.project = path;
    q.file = csv;
    q.kind = tasks::listKindOption("progress");
    // the review: one district is unknown, nothing is written
    auto r = tasks::runTask(q, fb);
    CHECK(r.list.rows == 4);
    CHECK(r.list.matched == 3);
    CHECK(r.list.unmatched == 1);
    CHECK_FALSE(r.list.wrote);
    CHECK(countRows(path, "progress_reports", "scope", "district") == 0);
    REQUIRE(r.list.rowsToReview().size() == 1);
    CHECK(r.list.rowsToReview()[0].row == 4);
    // written without the unmatched row
    q.skipUnmatched = true;
    r = tasks::runTask(q, fb);
    CHECK(r.list.wrote);
    CHECK(r.list.written == 3);
    CHECK(countRows(path, "progress_reports", "code", "189") == 2);
    CHECK(countRows(path, "progress_reports", "code", "188") == 1);
    {
        auto store = ProjectStore::open(path);
        const Layer l = store->readLayer("progress_reports");
        bool found = false;
        for (const auto& f : l.features)
            if (l.text(f, "code") == "189" && l.text(f, "date") == "2021-09-30") {
                found = true;
                CHECK(l.text(f, "scope") == "district");
                CHECK(l.integer(f, "shops") == 1100);
                CHECK(l.integer(f, "accounts") == 900);
                CHECK(l.integer(f, "locomotives") == 95);
                CHECK(l.text(f, "source") == "tien-do.csv, row 3");
            }
        CHECK(found);
    }
    // imported again: the rows of the same date and place are replaced, not doubled
    r = tasks::runTask(q, fb);
    CHECK(countRows(path, "progress_reports", "code", "189") == 2);

    // bando check: Đình Lập's shops went down from 1,200 to 1,100
    tasks::CheckRequest c;
    c.project = path;
    c.kinds = {"count_decreases"};
    const auto checked = tasks::runTask(c, fb);
    REQUIRE(checked.findings.size() == 1);
    CHECK(checked.findings[0].code == "189");
    CHECK(checked.findings[0].name == "Huyện Đình Lập");
    CHECK(checked.findings[0].date == "2021-09-30");

    // bando progress --source reports: Lộc Bình has one report (no pace), Đình Lập went down
    tasks::ProgressRequest p;
    p.project = path;
    p.source = "reports";
    p.date = "2021-10-01";
    const auto pr = tasks::runTask(p, fb);
    for (const auto& t : pr.forecasts)
        if (t.level == "district" && (t.code == "188" || t.code == "189") && t.measure == "shops") {
            CHECK(t.forecast.status == planning::ForecastStatus::NotAtThisPace);
            CHECK(t.forecast.current == (t.code == "189" ? 1100 : 1500));
            CHECK(t.late);
        }
    for (const auto& t : pr.forecasts)
        if (t.level == "district" && t.code == "189" && t.measure == "accounts") {
            CHECK(t.forecast.status == planning::ForecastStatus::OnPace);
            CHECK(t.forecast.pace == Approx(100.0 / 15));
        }

    // a bad date names the file, row and field, and nothing is written
    const std::string bad = dir.file("bad.csv");
    writeFile(bad, "Ngày báo cáo,Huyện,Số cửa hàng số\n1/10/2021,Đình Lập,1300\n31/2/2021,Lộc Bình,1600\n");
    q.file = bad;
    CHECK_THROWS_WITH(tasks::runTask(q, fb), Catch::Contains("bad.csv: row 2") && Catch::Contains("Ngày báo cáo") &&
                                                 Catch::Contains("not a date"));
    CHECK(countRows(path, "progress_reports", "date", "2021-10-01") == 0);
    // a list without a date column takes --date
    const std::string nodate = dir.file("nodate.csv");
    writeFile(nodate, "Huyện,Số cửa hàng số\nĐình Lập,1300\n");
    q.file = nodate;
    CHECK_THROWS_WITH(tasks::runTask(q, fb), Catch::Contains("no date column"));
    q.reportDate = "5/10/2021";
    r = tasks::runTask(q, fb);
    CHECK(r.list.written == 1);
    CHECK(countRows(path, "progress_reports", "date", "2021-10-05") == 1);

    // the CLI
    const auto cli = test::run(test::shellQuote(test::cliPath()) + " import-list " + test::shellQuote(path) + " " +
                               test::shellQuote(csv) + " --kind progress --review-only");
    CHECK(cli.exitCode == 4);  // a row needs review
    CHECK(cli.out.find("Không Có") != std::string::npos);
}

TEST_CASE("import-list --kind commune_flags fills the flags the telecom preset reads", "[lists][planning][integration]")
{
    test::TempDir dir("planning-flags");
    const std::string path = dir.file("p.gpkg");
    std::filesystem::copy_file(test::samplePath(), path);
    const std::string csv = dir.file("xa.csv");
    writeFile(csv, "Xã,Huyện,Loại\n"
                   "Xã Bắc Xa,Đình Lập,\"biên giới, ĐBKK\"\n"
                   "Xã Mẫu Sơn,Lộc Bình,đặc biệt khó khăn\n");
    Feedback fb;
    tasks::ListImportRequest q;
    q.project = path;
    q.file = csv;
    q.kind = tasks::listKindOption("commune_flags");
    const auto r = tasks::runTask(q, fb);
    INFO(r.list.rows << " rows, " << r.list.unmatched << " unmatched");
    CHECK(r.list.matched == 2);
    CHECK(r.list.written == 3);
    CHECK(countRows(path, "commune_flags", "commune_code", "06619") == 2);  // Bắc Xa: border and difficult
    CHECK(countRows(path, "commune_flags", "commune_code", "06532") == 1);  // Mẫu Sơn
    CHECK(countRows(path, "commune_flags", "flag", "border") == 1);
    // a row without a flag word is an error naming the row and field
    const std::string bad = dir.file("bad.csv");
    writeFile(bad, "Xã,Huyện,Loại\nXã Bắc Xa,Đình Lập,vùng núi\n");
    q.file = bad;
    CHECK_THROWS_WITH(tasks::runTask(q, fb), Catch::Contains("row 1") && Catch::Contains("Loại"));
    CHECK(countRows(path, "commune_flags", "commune_code", "06619") == 2);
}
