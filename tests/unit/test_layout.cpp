// Print layout engine (issue #12): paper sizes, 1-2-5 scale bar lengths, template parsing and its
// refusals (text below 6 pt, boxes outside the page), placeholders, table pagination, and a
// document without map data written as PDF / PNG / SVG with the text kept as text.
#include <catch2/catch.hpp>

#include "core/base/error.hpp"
#include "core/layout/layout.hpp"
#include "core/layout/template.hpp"
#include "support/test_support.hpp"

#include <filesystem>

using namespace bando;

namespace {
// "Pages:  N" of pdfinfo's output (-1 when absent).
int pdfPages(const std::string& pdfinfo)
{
    const auto p = pdfinfo.find("Pages:");
    return p == std::string::npos ? -1 : std::stoi(pdfinfo.substr(p + 6));
}
} // namespace

TEST_CASE("paper sizes A4 to A0 in points, portrait and landscape", "[layout][unit]")
{
    double w = 0, h = 0;
    layout::paperSize("A4", false, w, h);
    CHECK(w == 595);
    CHECK(h == 842);
    layout::paperSize("a3", true, w, h);
    CHECK(w == 1191);
    CHECK(h == 842);
    layout::paperSize("A2", false, w, h);
    CHECK(w == 1191);
    CHECK(h == 1684);
    layout::paperSize("A1", false, w, h);
    CHECK(w == 1684);
    CHECK(h == 2384);
    layout::paperSize("A0", false, w, h);
    CHECK(w == 2384);
    CHECK(h == 3370);
    CHECK_THROWS_AS(layout::paperSize("B5", false, w, h), Error);
}

TEST_CASE("scale bar lengths are round 1-2-5 numbers not above the room", "[layout][unit]")
{
    CHECK(layout::roundLength125(0.9) == Approx(0.5));
    CHECK(layout::roundLength125(1) == Approx(1));
    CHECK(layout::roundLength125(1.99) == Approx(1));
    CHECK(layout::roundLength125(3) == Approx(2));
    CHECK(layout::roundLength125(7.5) == Approx(5));
    CHECK(layout::roundLength125(12000) == Approx(10000));
    CHECK(layout::roundLength125(24999) == Approx(20000));
    CHECK(layout::roundLength125(0) == 0);
}

TEST_CASE("templates: placement in points, placeholders, refusals", "[layout][unit]")
{
    const std::string ok = R"({"name": "t", "paper": "A4", "landscape": false, "margin_mm": 10,
        "pages": {"map": [{"type": "title", "box": [0, 0, 1, 0.1], "font_pt": 14, "text": "{title} — {date}"},
                          {"type": "table", "box": [0, 0.5, 1, 0.5], "font_pt": 8}]}})";
    const layout::Template t = layout::parseTemplate(ok, "t.json");
    REQUIRE(t.hasPage("map"));
    const layout::Rect r = t.place(t.pages.at("map")[0].box);
    const double m = 10 / 25.4 * 72;
    CHECK(r.x == Approx(m));
    CHECK(r.y == Approx(m));
    CHECK(r.w == Approx(595 - 2 * m));
    CHECK(r.h == Approx((842 - 2 * m) * 0.1));
    // The table's rows: (h - 2.8 × 8) / (1.55 × 8)
    const double th = (842 - 2 * m) * 0.5;
    CHECK(t.tableRows("map") == static_cast<int>((th - 22.4) / 12.4));
    layout::PageFill fill;
    fill.vars = {{"title", "Vùng lõm sóng"}, {"date", "2021-09-15"}};
    const layout::Page p = layout::instantiate(t, "map", fill);
    REQUIRE(p.items.size() == 2);
    CHECK(p.items[0].text == "Vùng lõm sóng — 2021-09-15");
    CHECK(layout::substitute("{a}-{unknown}-{b", {{"a", "1"}}) == "1--{b");

    auto refuses = [](const std::string& json, const std::string& what) {
        try {
            (void)layout::parseTemplate(json, "bad.json");
        } catch (const Error& e) {
            INFO(e.what());
            CHECK(std::string(e.what()).find(what) != std::string::npos);
            return true;
        }
        return false;
    };
    CHECK(refuses(R"({"pages": {"map": [{"type": "text", "box": [0, 0, 1, 0.1], "font_pt": 5}]}})", "6 pt"));
    CHECK(refuses(R"({"pages": {"map": [{"type": "text", "box": [0.5, 0, 0.6, 0.1]}]}})", "inside the page"));
    CHECK(refuses(R"({"pages": {"map": [{"type": "bubble", "box": [0, 0, 1, 0.1]}]}})", "unknown item type"));
    CHECK(refuses(R"({"paper": "A7", "pages": {"map": []}})", "A7"));
    CHECK(refuses(R"({"pages": )", "JSON"));
    // Every default template parses and has no text under 6 pt.
    for (const char* name : {"map", "atlas", "gaps", "plan", "progress"}) {
        const layout::Template d = layout::loadTemplate(name);
        CHECK(d.hasPage(std::string(name) == "map" ? "map" : "cover"));
        for (const auto& [kind, items] : d.pages)
            for (const auto& it : items)
                CHECK(it.fontPt >= layout::kMinTextPt);
    }
}

TEST_CASE("a document is written as PDF with text as text, and as one PNG / SVG per page", "[layout][unit]")
{
    test::TempDir dir("layout");
    layout::Document doc;
    layout::paperSize("A4", false, doc.widthPt, doc.heightPt);
    doc.title = "Báo cáo thử";
    for (int p = 0; p < 2; ++p) {
        layout::Page page;
        layout::Item title;
        title.type = layout::ItemType::Title;
        title.box = {40, 40, 500, 40};
        title.fontPt = 3;  // raised to the 6 pt minimum
        title.text = "Trang " + std::to_string(p + 1) + " — Huyện Đình Lập";
        page.items.push_back(title);
        layout::Item table;
        table.type = layout::ItemType::Table;
        table.box = {40, 100, 500, 200};
        table.fontPt = 8;
        table.table.header = {"Mã thôn", "Thôn", "Số hộ"};
        table.table.numeric = {false, false, true};
        table.table.rows = {{"06001009", "Thôn Phiêng Tát", "117"}, {"05998002", "Thôn Kéo Hin", "74"}};
        page.items.push_back(table);
        page.outline = "Trang " + std::to_string(p + 1);
        doc.pages.push_back(page);
    }
    const auto pdf = layout::write(doc, dir.file("d.pdf"));
    REQUIRE(pdf.size() == 1);
    const auto txt = test::run("pdftotext -layout " + test::shellQuote(pdf[0]) + " -");
    REQUIRE(txt.exitCode == 0);
    CHECK(txt.out.find("Trang 2 — Huyện Đình Lập") != std::string::npos);
    CHECK(txt.out.find("Thôn Phiêng Tát") != std::string::npos);
    CHECK(txt.out.find("06001009") != std::string::npos);
    const auto info = test::run("pdfinfo " + test::shellQuote(pdf[0]));
    CHECK(pdfPages(info.out) == 2);
    CHECK(info.out.find("Báo cáo thử") != std::string::npos);
    const auto png = layout::write(doc, dir.file("d.png"), 50);
    REQUIRE(png.size() == 2);
    CHECK(png[1] == dir.file("d-2.png"));
    CHECK(std::filesystem::file_size(png[1]) > 1000);
    const auto svg = layout::write(doc, dir.file("d.svg"));
    REQUIRE(svg.size() == 2);
    CHECK(test::readFile(svg[0]).find("<svg") != std::string::npos);
    CHECK_THROWS_AS(layout::write(doc, dir.file("d.docx")), Error);
    CHECK_FALSE(std::filesystem::exists(dir.file("d.pdf.part")));
}
