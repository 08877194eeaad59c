// `bando report` and `bando render --layout/--atlas` on the analysed sample (issue #12; the
// `analyse_sample` CTest fixture analyses a copy of the sample at 2021-09-15): the gap report's
// rows carry the classification totals 148 / 140 / 405, the CSV and the XLSX (read back by
// openpyxl) hold the same rows with codes keeping their leading zeros, the PDF keeps its text
// (title, legend, table rows with diacritics), embeds every font, passes qpdf --check and holds
// no raster image; the atlas has one page per unit after a cover with their page numbers.
#include <catch2/catch.hpp>

#include "core/capi/cairo.hpp"
#include "core/capi/proj.hpp"
#include "core/io/csv_util.hpp"
#include "core/layout/layout.hpp"
#include "core/render/map_renderer.hpp"
#include "core/tasks/layout_task.hpp"
#include "core/report/documents.hpp"
#include "core/report/gaps.hpp"
#include "core/store/project_store.hpp"
#include "support/test_support.hpp"

#include <cairo.h>

#include <cmath>
#include <cstring>
#include <set>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

using namespace bando;

namespace {
// "Pages:  N" of pdfinfo's output (-1 when absent).
int pdfPages(const std::string& pdfinfo)
{
    const auto p = pdfinfo.find("Pages:");
    return p == std::string::npos ? -1 : std::stoi(pdfinfo.substr(p + 6));
}
} // namespace

namespace {

std::string analysed() { return test::analysedPath(); }

using test::cli;

// Splits CSV text into rows of fields (quotes as io::csvField writes them).
std::vector<std::vector<std::string>> parseCsv(const std::string& text)
{
    std::vector<std::vector<std::string>> rows(1);
    std::string field;
    bool quoted = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            rows.back().push_back(field);
            field.clear();
        } else if (c == '\n') {
            rows.back().push_back(field);
            field.clear();
            rows.emplace_back();
        } else {
            field += c;
        }
    }
    if (rows.back().empty())
        rows.pop_back();
    return rows;
}

size_t count(const std::string& hay, const std::string& needle)
{
    size_t n = 0;
    for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + needle.size()))
        ++n;
    return n;
}

} // namespace

TEST_CASE("gap report: CSV rows, XLSX read back equal to the CSV, PDF text, fonts and structure",
          "[report][integration]")
{
    test::TempDir dir("report-gaps");
    const std::string project = test::shellQuote(analysed());
    auto r = cli("report " + project + " --kind gaps --out " + test::shellQuote(dir.file("g.csv")) + " --json");
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    CHECK(r.out.find("\"no_signal\": 148") != std::string::npos);
    CHECK(r.out.find("\"unstable\": 140") != std::string::npos);
    CHECK(r.out.find("\"no_broadband\": 405") != std::string::npos);
    const auto rows = parseCsv(test::readFile(dir.file("g.csv")));
    REQUIRE(rows.size() > 1);
    const auto& header = rows[0];
    REQUIRE(header.size() == 12);
    int noSignal = 0, unstable = 0, noBroadband = 0, leadingZero = 0;
    std::map<std::string, int> perDistrict;
    for (size_t i = 1; i < rows.size(); ++i) {
        REQUIRE(rows[i].size() == 12);
        noSignal += rows[i][7] == "Trắng sóng";
        unstable += rows[i][7] == "Lõm sóng";
        noBroadband += rows[i][9] == "không";
        leadingZero += rows[i][0].size() == 8 && rows[i][0][0] == '0';
        // a gap village: no signal, unstable or no broadband
        CHECK((rows[i][7] != "Có sóng" || rows[i][9] == "không"));
        CHECK(rows[i][0].substr(0, 5) == rows[i][2]);  // the village code starts with its commune's
        ++perDistrict[rows[i][4]];
    }
    CHECK(noSignal == 148);
    CHECK(unstable == 140);
    CHECK(noBroadband == 405);
    CHECK(leadingZero > 0);

    // XLSX: summary + one sheet per district; read back by a real reader.
    r = cli("report " + project + " --kind gaps --out " + test::shellQuote(dir.file("g.xlsx")) + " --json");
    REQUIRE(r.exitCode == 0);
    // + the last sheet: the gaps of every operator by district (the report groups by operator)
    CHECK(r.out.find("\"sheets\": " + std::to_string(perDistrict.size() + 2)) != std::string::npos);
    CHECK(r.out.find("\"operators\": [\"MobiFone\", \"VNPT\", \"Viettel\"]") != std::string::npos);
    if (test::run("/usr/bin/python3 -c 'import openpyxl'").exitCode != 0)
        BANDO_SKIP("python3-openpyxl is not installed: the XLSX is not read back");
    {
        std::ofstream py(dir.file("read.py"));
        py << R"(import csv, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
out = csv.writer(open(sys.argv[2], 'w', newline=''), lineterminator='\n')
first = True
for ws in wb.worksheets[1:-1]:
    assert ws.freeze_panes == 'A2', ws.freeze_panes
    assert ws.auto_filter.ref, 'no autofilter'
    assert ws.column_dimensions['B'].width > 10
    for i, row in enumerate(ws.iter_rows(values_only=True)):
        if i == 0 and not first:
            continue
        cells = []
        for v in row:
            if v is None: cells.append('')
            elif isinstance(v, float) and v.is_integer(): cells.append(str(int(v)))
            else: cells.append(str(v))
        out.writerow(cells)
    first = False
s = wb.worksheets[0]
print(s.title, s.max_row, [c.value for c in s[s.max_row]])
o = wb.worksheets[-1]
print(o.title, sorted(set(r[0] for r in o.iter_rows(min_row=2, values_only=True))))
)";
    }
    const auto back = test::run("/usr/bin/python3 " + test::shellQuote(dir.file("read.py")) + " " +
                                test::shellQuote(dir.file("g.xlsx")) + " " + test::shellQuote(dir.file("back.csv")));
    INFO(back.err);
    REQUIRE(back.exitCode == 0);
    CHECK(back.out.find("Tổng hợp " + std::to_string(perDistrict.size() + 2)) == 0);  // districts + header + total
    CHECK(back.out.find("148, 140, 405") != std::string::npos);
    CHECK(back.out.find("Theo nhà mạng ['MobiFone', 'VNPT', 'Viettel']") != std::string::npos);
    const auto rowsBack = parseCsv(test::readFile(dir.file("back.csv")));
    REQUIRE(rowsBack.size() == rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
        INFO("row " << i);
        REQUIRE(rowsBack[i].size() == rows[i].size());
        for (size_t c = 0; c < rows[i].size(); ++c) {
            if (c == 8 && i > 0)  // a real number: equal as numbers
                CHECK(std::stod(rowsBack[i][c]) == Approx(std::stod(rows[i][c])));
            else
                CHECK(rowsBack[i][c] == rows[i][c]);
        }
    }
}

TEST_CASE("gap report PDF: text with diacritics, embedded fonts, qpdf, no raster images", "[report][integration]")
{
    test::TempDir dir("report-pdf");
    const std::string project = test::shellQuote(analysed());
    const std::string pdf = dir.file("g.pdf");
    auto r = cli("report " + project + " --kind gaps --district 180 --out " + test::shellQuote(pdf) + " --json");
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    const auto txt = test::run("pdftotext -layout " + test::shellQuote(pdf) + " -");
    REQUIRE(txt.exitCode == 0);
    CHECK(txt.out.find("Vùng lõm sóng — tất cả nhà mạng") != std::string::npos);  // title
    CHECK(txt.out.find("Huyện Tràng Định") != std::string::npos);
    CHECK(txt.out.find("Trắng sóng") != std::string::npos);  // legend and table
    CHECK(txt.out.find("Ranh giới huyện") != std::string::npos);
    CHECK(txt.out.find("05998002") != std::string::npos);  // a table row, code with its zero
    CHECK(txt.out.find("Thôn Kéo Hin") != std::string::npos);
    CHECK(txt.out.find("Dữ liệu mẫu tổng hợp") != std::string::npos);  // the synthetic-data notice
    CHECK(txt.out.find("EPSG:9215") != std::string::npos);
    CHECK(txt.out.find("Ngưỡng: trắng sóng khi dưới 50 %") != std::string::npos);
    const auto fonts = test::run("pdffonts " + test::shellQuote(pdf));
    REQUIRE(fonts.exitCode == 0);
    std::istringstream lines(fonts.out);
    std::string line;
    int fontRows = 0;
    for (int n = 0; std::getline(lines, line); ++n) {
        if (n < 2 || line.empty())
            continue;
        ++fontRows;
        CHECK(line.find(" yes yes ") != std::string::npos);  // embedded, subset
    }
    CHECK(fontRows >= 2);
    CHECK(test::run("qpdf --check " + test::shellQuote(pdf)).exitCode == 0);
    const auto images = test::run("pdfimages -list " + test::shellQuote(pdf));
    REQUIRE(images.exitCode == 0);
    CHECK(count(images.out, "\n") == 2);  // the header only: every layer is vector
    const auto info = test::run("pdfinfo " + test::shellQuote(pdf));
    CHECK(info.out.find("Author:          Bando") != std::string::npos);
    CHECK(info.out.find("Subject:         Báo cáo vùng lõm sóng") != std::string::npos);
    CHECK(info.out.find("CreationDate:") != std::string::npos);
}

TEST_CASE("gap report per operator and the refusals", "[report][integration]")
{
    test::TempDir dir("report-op");
    const std::string project = test::shellQuote(analysed());
    auto r = cli("report " + project + " --kind gaps --operator Viettel --out " + test::shellQuote(dir.file("v.csv")) +
                   " --json");
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    // One operator's good ∪ weak coverage lies inside every operator's: never fewer gaps.
    const auto pos = r.out.find("\"no_signal\": ");
    REQUIRE(pos != std::string::npos);
    CHECK(std::stoi(r.out.substr(pos + 13)) >= 148);
    r = cli("report " + project + " --kind gaps --operator Nokia --out " + test::shellQuote(dir.file("x.csv")));
    CHECK(r.exitCode == 2);
    CHECK(r.err.find("--operator") != std::string::npos);
    CHECK(r.err.find("Viettel") != std::string::npos);
    r = cli("report " + project + " --kind gaps --district 999 --out " + test::shellQuote(dir.file("x.csv")));
    CHECK(r.exitCode == 2);
    CHECK(r.err.find("--district") != std::string::npos);
    r = cli("report " + project + " --kind gaps --out " + test::shellQuote(dir.file("x.docx")));
    CHECK(r.exitCode == 2);
    r = cli("report " + project + " --kind flowers --out " + test::shellQuote(dir.file("x.pdf")));
    CHECK(r.exitCode == 2);
    CHECK(r.err.find("--kind") != std::string::npos);
    r = cli("report " + test::shellQuote(test::samplePath()) + " --kind gaps --out " + test::shellQuote(dir.file("x.csv")));
    CHECK(r.exitCode == 2);  // not analysed
    CHECK(r.err.find("bando analyze") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir.file("x.csv")));
}

TEST_CASE("plan report: the ranking with its reasons as CSV and PDF", "[report][integration]")
{
    test::TempDir dir("report-plan");
    const std::string project = test::shellQuote(analysed());
    auto r = cli("report " + project + " --kind plan --top 30 --out " + test::shellQuote(dir.file("p.csv")));
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    const auto rows = parseCsv(test::readFile(dir.file("p.csv")));
    REQUIRE(rows.size() == 31);
    for (size_t i = 1; i < rows.size(); ++i) {
        CHECK(rows[i][0] == std::to_string(i));  // rank order
        CHECK_FALSE(rows[i][9].empty());         // reasons
        if (i > 1)
            CHECK(std::stod(rows[i][6]) <= std::stod(rows[i - 1][6]));
    }
    r = cli("report " + project + " --kind plan --top 30 --out " + test::shellQuote(dir.file("p.pdf")));
    REQUIRE(r.exitCode == 0);
    const auto txt = test::run("pdftotext -layout " + test::shellQuote(dir.file("p.pdf")) + " -");
    CHECK(txt.out.find("Kế hoạch triển khai") != std::string::npos);
    CHECK(txt.out.find(rows[1][1]) != std::string::npos);  // the first village's code
    CHECK(txt.out.find(rows[1][2]) != std::string::npos);  // and name
}

TEST_CASE("atlas of two districts: cover with the table of contents, one page each", "[report][atlas][integration]")
{
    test::TempDir dir("atlas");
    const std::string project = test::shellQuote(analysed());
    const std::string pdf = dir.file("a.pdf");
    auto r = cli("render " + project + " --atlas districts --where \"code in ('183', '178')\" --theme coverage --out " +
                   test::shellQuote(pdf) + " --json");
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    CHECK(r.out.find("\"units\": [\"178\", \"183\"]") != std::string::npos);
    const auto pagesPos = r.out.find("\"pages\": ");
    REQUIRE(pagesPos != std::string::npos);
    const int pages = std::stoi(r.out.substr(pagesPos + 9));
    CHECK(pages >= 3);
    const auto info = test::run("pdfinfo " + test::shellQuote(pdf));
    CHECK(pdfPages(info.out) == pages);
    const auto cover = test::run("pdftotext -layout -f 1 -l 1 " + test::shellQuote(pdf) + " -");
    CHECK(cover.out.find("Mục lục") != std::string::npos);
    CHECK(cover.out.find("Thành phố Lạng Sơn") != std::string::npos);
    const auto page2 = test::run("pdftotext -layout -f 2 -l 2 " + test::shellQuote(pdf) + " -");
    CHECK(page2.out.find("Thành phố Lạng Sơn") != std::string::npos);
    CHECK(test::run("qpdf --check " + test::shellQuote(pdf)).exitCode == 0);
    // PNG: one file per page
    r = cli("render " + project + " --atlas districts --where \"code = '183'\" --out " +
              test::shellQuote(dir.file("a.png")) + " --dpi 30 --json");
    REQUIRE(r.exitCode == 0);
    CHECK(std::filesystem::exists(dir.file("a.png")));
    CHECK(std::filesystem::exists(dir.file("a-2.png")));
    // a bad filter is refused before anything is written
    r = cli("render " + project + " --atlas districts --where \"code = \" --out " + test::shellQuote(dir.file("b.pdf")));
    CHECK(r.exitCode == 2);
    r = cli("render " + project + " --atlas districts --where \"1); DROP TABLE districts; --\" --out " +
              test::shellQuote(dir.file("b.pdf")));
    CHECK(r.exitCode == 2);
    CHECK_FALSE(std::filesystem::exists(dir.file("b.pdf")));
}

TEST_CASE("progress report: levels add up, XLSX sheets, PDF text", "[report][progress][integration]")
{
    test::TempDir dir("report-progress");
    const std::string project = test::shellQuote(analysed());
    auto r = cli("report " + project + " --kind progress --date 2021-09-15 --out " + test::shellQuote(dir.file("p.csv")));
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    const auto rows = parseCsv(test::readFile(dir.file("p.csv")));
    REQUIRE(rows.size() > 12);
    // row 1: the province; then the 11 districts; then the communes (code of 5 digits)
    REQUIRE(rows[1][0] == "20");
    long long provinceShops = std::stoll(rows[1][3]), districtShops = 0, communeShops = 0, phase1 = 0;
    int districts = 0, communes = 0;
    for (size_t i = 2; i < rows.size(); ++i) {
        const long long shops = std::stoll(rows[i][3]);
        if (rows[i][0].size() == 3) {
            ++districts;
            districtShops += shops;
            // phase 1: Tràng Định 180, Văn Quan 184, Bắc Sơn 185, Hữu Lũng 186, Chi Lăng 187
            if (rows[i][0] == "180" || rows[i][0] == "184" || rows[i][0] == "185" || rows[i][0] == "186" ||
                rows[i][0] == "187")
                phase1 += shops;
        } else {
            ++communes;
            communeShops += shops;
        }
        CHECK(std::stoll(rows[i][4]) <= std::stoll(rows[i][2]));  // the shop target never exceeds the households
    }
    CHECK(districts == 11);
    CHECK(communes > 150);
    CHECK(districtShops == provinceShops);
    CHECK(communeShops == provinceShops);
    // DOMAIN.md: 48,706 shops in the phase-1 districts by 15/9/2021 (the sample reproduces the report)
    CHECK(phase1 == Approx(48706).epsilon(0.02));
    r = cli("report " + project + " --kind progress --date 2021-09-15 --out " + test::shellQuote(dir.file("p.xlsx")) +
            " --json");
    REQUIRE(r.exitCode == 0);
    CHECK(r.out.find("\"sheets\": 5") != std::string::npos);  // + the data checks and their findings
    r = cli("report " + project + " --kind progress --date 2021-09-15 --out " + test::shellQuote(dir.file("p.pdf")));
    REQUIRE(r.exitCode == 0);
    const auto txt = test::run("pdftotext -layout " + test::shellQuote(dir.file("p.pdf")) + " -");
    CHECK(txt.out.find("Tiến độ chương trình so với chỉ tiêu") != std::string::npos);
    CHECK(txt.out.find("Huyện Đình Lập") != std::string::npos);
    CHECK(txt.out.find("Dự báo theo tốc độ gần đây") != std::string::npos);
    CHECK(test::run("qpdf --check " + test::shellQuote(dir.file("p.pdf"))).exitCode == 0);
}

TEST_CASE("layout map: village labels that never overlap, and the coordinate grid at the frame's edge",
          "[layout][grid][labels][integration]")
{
    test::TempDir dir("layout-grid");
    Feedback fb;
    tasks::LayoutRequest q;
    q.project = analysed();
    q.out = dir.file("m.pdf");
    q.theme = "coverage";
    layout::Document doc = tasks::buildLayoutDocument(q, fb);
    REQUIRE(doc.pages.size() == 1);
    const layout::Item* map = nullptr;
    for (const auto& it : doc.pages[0].items)
        if (it.type == layout::ItemType::Map)
            map = &it;
    REQUIRE(map);
    CHECK(map->map.villageLabels);  // the map template names the villages
    CHECK(map->grid == "wgs84");
    // Village labels: hundreds placed on the province at A3, none overlapping another.
    {
        render::MapSettings s = map->map;
        s.widthPx = static_cast<int>(std::lround(map->box.w));
        s.heightPx = static_cast<int>(std::lround(map->box.h));
        s.dpi = 72;
        s.title = s.legend = s.scaleBar = s.northArrow = false;
        bando::cairo::SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, s.widthPx, s.heightPx));
        bando::cairo::ContextPtr cr(cairo_create(surface.get()));
        const auto placed = render::labelLayout(cr.get(), *doc.data, s);
        const Layer* villages = doc.data->layer("villages");
        REQUIRE(villages);
        std::set<std::string> villageNames;
        for (const auto& f : villages->features)
            villageNames.insert(villages->text(f, "name"));
        size_t named = 0;
        for (const auto& l : placed)
            named += villageNames.count(l.text);
        INFO(named << " village labels of " << placed.size());
        CHECK(named > 300);
        for (size_t i = 0; i < placed.size(); ++i)
            for (size_t j = i + 1; j < placed.size(); ++j)
                REQUIRE_FALSE(placed[i].box.intersects(placed[j].box));
        s.villageLabels = false;
        size_t without = 0;
        for (const auto& l : render::labelLayout(cr.get(), *doc.data, s))
            without += villageNames.count(l.text) && l.text.rfind("Thôn", 0) == 0;
        CHECK(without == 0);
    }
    // The graticule: meridians and parallels at a whole number of the interval, each point of a
    // line back in WGS 84 on its longitude / latitude, labelled where it meets the frame.
    const Extent e = layout::frameExtent(doc, *map);
    const double drawnW = std::lround(map->box.w), drawnH = std::lround(map->box.h);  // the map's whole points
    auto toMap = [&](const XY& p) {
        return XY{e.minX + (p.x - map->box.x) / drawnW * e.width(), e.maxY - (p.y - map->box.y) / drawnH * e.height()};
    };
    const layout::Grid g = layout::gridLayout(doc, *map);
    CHECK(g.epsg == 4326);
    CHECK(g.interval == Approx(20.0 / 60));  // 20′ on the province at A3
    int meridians = 0, parallels = 0;
    for (const auto& l : g.lines) {
        CHECK(std::fabs(l.value / g.interval - std::round(l.value / g.interval)) < 1e-9);
        (l.vertical ? meridians : parallels)++;
        REQUIRE_FALSE(l.ends.empty());
        for (const auto& p : l.points) {
            const XY m = toMap(p);
            const auto ll = crs::transform(9215, 4326, m.x, m.y);
            CHECK((l.vertical ? ll.x : ll.y) == Approx(l.value).margin(1e-6));
        }
        for (const auto& end : l.ends)  // on the frame's edge
            CHECK((std::fabs(end.y - map->box.y) < 1e-6 || std::fabs(end.y - map->box.y - map->box.h) < 1e-6 ||
                   std::fabs(end.x - map->box.x) < 1e-6 || std::fabs(end.x - map->box.x - map->box.w) < 1e-6));
    }
    CHECK(meridians >= 4);
    CHECK(parallels >= 4);
    CHECK(layout::formatDegrees(106.75) == "106°45′");
    CHECK(layout::formatDegrees(22.0) == "22°");
    CHECK(layout::formatDegrees(21.0 + 50.0 / 60 + 30.0 / 3600) == "21°50′30″");
    // The TM-3 grid: straight lines at round metres, labelled with the metres.
    layout::Item tm = *map;
    tm.grid = "tm3";
    const layout::Grid t = layout::gridLayout(doc, tm);
    CHECK(t.epsg == 9215);
    CHECK(t.interval == Approx(20000));
    for (const auto& l : t.lines) {
        CHECK(std::fmod(l.value, t.interval) == Approx(0).margin(1e-6));
        const XY a = toMap(l.points.front()), b = toMap(l.points.back());
        CHECK((l.vertical ? a.x : a.y) == Approx(l.value).margin(0.01));
        CHECK((l.vertical ? b.x : b.y) == Approx(l.value).margin(0.01));
    }
    // The PDF: the grid's labels and village names are text.
    Feedback fb2;
    const auto written = tasks::run(q, fb2);
    const auto txt = test::run("pdftotext -layout " + test::shellQuote(dir.file("m.pdf")) + " -");
    CHECK(txt.out.find("106°40′") != std::string::npos);
    CHECK(txt.out.find("22°20′") != std::string::npos);
    size_t thon = 0;
    for (size_t p = txt.out.find("Thôn"); p != std::string::npos; p = txt.out.find("Thôn", p + 1))
        ++thon;
    CHECK(thon > 150);
    // --grid none and --no-labels drop both; a bad grid is refused.
    auto r = cli("render " + test::shellQuote(analysed()) + " --layout map --grid none --no-labels --out " +
                 test::shellQuote(dir.file("n.pdf")));
    REQUIRE(r.exitCode == 0);
    const auto plain = test::run("pdftotext -layout " + test::shellQuote(dir.file("n.pdf")) + " -");
    CHECK(plain.out.find("106°40′") == std::string::npos);
    CHECK(plain.out.find("Thôn") == std::string::npos);
    r = cli("render " + test::shellQuote(analysed()) + " --layout map --grid utm --out " + test::shellQuote(dir.file("x.pdf")));
    CHECK(r.exitCode == 2);
    CHECK(r.err.find("--grid") != std::string::npos);
}

TEST_CASE("progress report between two dates: the change, the time series and the check findings",
          "[report][progress][integration]")
{
    test::TempDir dir("report-progress2");
    const std::string project = test::shellQuote(analysed());
    // One date each, then the change between them: the CSV's change equals the difference.
    auto r = cli("report " + project + " --kind progress --date 2021-08-31 --no-checks --out " + test::shellQuote(dir.file("a.csv")));
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    r = cli("report " + project + " --kind progress --date 2021-09-15 --no-checks --out " + test::shellQuote(dir.file("b.csv")));
    REQUIRE(r.exitCode == 0);
    r = cli("report " + project + " --kind progress --from 2021-08-31 --to 2021-09-15 --out " +
            test::shellQuote(dir.file("c.csv")) + " --json");
    REQUIRE(r.exitCode == 0);
    CHECK(r.out.find("\"from\": \"2021-08-31\"") != std::string::npos);
    // the findings are bando check's
    const auto check = cli("check " + project + " --json");
    REQUIRE(check.exitCode <= 1);
    for (const char* key : {"\"errors\": ", "\"warnings\": "}) {
        const auto p = check.out.find(key), q = r.out.find(std::string("\"check_") + (key + 1));
        REQUIRE(p != std::string::npos);
        REQUIRE(q != std::string::npos);
        CHECK(std::stoi(check.out.substr(p + std::strlen(key))) ==
              std::stoi(r.out.substr(q + std::strlen(key) + std::strlen("check_"))));
    }
    const auto a = parseCsv(test::readFile(dir.file("a.csv"))), b = parseCsv(test::readFile(dir.file("b.csv")));
    const auto c = parseCsv(test::readFile(dir.file("c.csv")));
    REQUIRE(c.size() == b.size());
    REQUIRE(c[0].size() == 15);
    std::map<std::string, std::vector<std::string>> at0, at1;
    for (size_t i = 1; i < a.size(); ++i)
        at0[a[i][0]] = a[i];
    for (size_t i = 1; i < b.size(); ++i)
        at1[b[i][0]] = b[i];
    long long provinceChange = -1;
    for (size_t i = 1; i < c.size(); ++i) {
        const auto& row = c[i];
        REQUIRE(at0.count(row[1]));
        REQUIRE(at1.count(row[1]));
        // shops (column 3 of the one-date CSV), accounts (6), locomotives (8), teams (10)
        const int cols[4] = {3, 6, 8, 10};
        for (int k = 0; k < 4; ++k) {
            CHECK(row[3 + 3 * k] == at0[row[1]][cols[k]]);
            CHECK(row[4 + 3 * k] == at1[row[1]][cols[k]]);
            CHECK(std::stoll(row[5 + 3 * k]) == std::stoll(at1[row[1]][cols[k]]) - std::stoll(at0[row[1]][cols[k]]));
        }
        if (row[1] == "20")
            provinceChange = std::stoll(row[5]);
    }
    CHECK(provinceChange > 1000);  // shops opened in the first half of September 2021
    // the PDF: the change pages, the chart page and the findings
    r = cli("report " + project + " --kind progress --from 2021-08-31 --to 2021-09-15 --out " + test::shellQuote(dir.file("p.pdf")));
    REQUIRE(r.exitCode == 0);
    const auto txt = test::run("pdftotext -layout " + test::shellQuote(dir.file("p.pdf")) + " -");
    CHECK(txt.out.find("Thay đổi giữa hai ngày") != std::string::npos);
    CHECK(txt.out.find("Tiến độ theo thời gian") != std::string::npos);
    CHECK(txt.out.find("Kết quả kiểm tra dữ liệu") != std::string::npos);
    CHECK(txt.out.find("tổ công nghệ cộng đồng có từ 3 đến 5 thành viên") != std::string::npos);  // a rule
    CHECK(txt.out.find("07/09") != std::string::npos);  // the time axis' weekly labels over two weeks
    CHECK(test::run("qpdf --check " + test::shellQuote(dir.file("p.pdf"))).exitCode == 0);
    CHECK(count(test::run("pdfimages -list " + test::shellQuote(dir.file("p.pdf"))).out, "\n") == 2);  // vector only
    // the refusals: --from after the date, --from on another kind
    r = cli("report " + project + " --kind progress --from 2021-09-20 --to 2021-09-15 --out " + test::shellQuote(dir.file("x.csv")));
    CHECK(r.exitCode == 2);
    CHECK(r.err.find("--from") != std::string::npos);
    r = cli("report " + project + " --kind gaps --from 2021-09-01 --out " + test::shellQuote(dir.file("x.csv")));
    CHECK(r.exitCode == 2);
}

TEST_CASE("gap report per operator: the operator's own classes on the map, the full report grouped by operator",
          "[report][operator][integration]")
{
    auto store = ProjectStore::open(analysed(), ProjectStore::Mode::ReadOnly);
    const report::GapReport all = report::loadGapReport(*store, "", "", "");
    REQUIRE(all.operators == std::vector<std::string>{"MobiFone", "VNPT", "Viettel"});
    const report::GapReport viettel = report::loadGapReport(*store, "Viettel", "", "");
    auto data = render::loadMapData(*store, crs::kVn2000LangSon, nullptr, render::layersForTheme("coverage"));
    const auto themed = report::withOperatorThemes(data, {&viettel});
    const render::MapData::Theme* t = themed->theme(report::operatorTheme("Viettel"));
    REQUIRE(t);
    const render::MapData::Theme* base = themed->theme("coverage");
    REQUIRE(base);
    CHECK(data->theme(report::operatorTheme("Viettel")) == nullptr);  // the shared data is left as it was
    // the operator's classes: as many no-signal and unstable villages as its report counts
    CHECK(t->classCounts[0] == viettel.total.noSignal);
    CHECK(t->classCounts[1] == viettel.total.unstable);
    CHECK(t->classCounts[0] + t->classCounts[1] + t->classCounts[2] ==
          base->classCounts[0] + base->classCounts[1] + base->classCounts[2]);
    CHECK(viettel.total.noSignal > all.total.noSignal);  // one operator covers less than all together
    CHECK(t->legendTitle.find("Viettel") != std::string::npos);
    // the PDFs: one operator's legend names it; the full report has a section per operator
    test::TempDir dir("report-op-theme");
    auto r = cli("report " + test::shellQuote(analysed()) + " --kind gaps --operator Viettel --district 183 --out " +
                 test::shellQuote(dir.file("v.pdf")));
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    auto txt = test::run("pdftotext -layout " + test::shellQuote(dir.file("v.pdf")) + " -");
    CHECK(txt.out.find("Sóng di động (3G/4G) — Viettel") != std::string::npos);
    r = cli("report " + test::shellQuote(analysed()) + " --kind gaps --district 183 --out " + test::shellQuote(dir.file("a.pdf")) +
            " --json");
    REQUIRE(r.exitCode == 0);
    txt = test::run("pdftotext -layout " + test::shellQuote(dir.file("a.pdf")) + " -");
    for (const char* op : {"MobiFone", "VNPT", "Viettel"}) {
        CHECK(txt.out.find(std::string("Vùng lõm sóng — ") + op) != std::string::npos);
        CHECK(txt.out.find(std::string("Sóng di động (3G/4G) — ") + op) != std::string::npos);
    }
    // the cover's facts block speaks Vietnamese: the sample's provenance is translated
    const auto cover = test::run("pdftotext -layout -f 1 -l 1 " + test::shellQuote(dir.file("a.pdf")) + " -");
    CHECK(cover.out.find("Dữ liệu mẫu tổng hợp") != std::string::npos);
    CHECK(cover.out.find("are synthetic") == std::string::npos);
    CHECK(cover.out.find("province and district outlines") == std::string::npos);
    CHECK(test::run("qpdf --check " + test::shellQuote(dir.file("a.pdf"))).exitCode == 0);
    r = cli("report " + test::shellQuote(analysed()) + " --kind gaps --district 183 --no-operator-groups --out " +
            test::shellQuote(dir.file("b.pdf")) + " --json");
    REQUIRE(r.exitCode == 0);
    CHECK(r.out.find("\"operators\": []") != std::string::npos);
}
