// `bando render` end to end: PNG pixels, PDF text/fonts/vectors, district zoom, error exits;
// tasks::RenderRequest run directly (export defaults, the app's view export, no partial files).
#include <catch2/catch.hpp>

#include "core/capi/cairo.hpp"
#include "core/base/error.hpp"
#include "core/render/hillshade.hpp"
#include "core/render/layer_tree.hpp"
#include "core/render/map_renderer.hpp"
#include "core/store/project_store.hpp"
#include "core/style/style_store.hpp"
#include "core/tasks/job.hpp"
#include "core/tasks/render_task.hpp"
#include "support/test_support.hpp"

#include <cairo.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <sstream>

using namespace bando;

namespace bando::test {
std::string renderProjectPath();  // test_render_project.cpp
}

namespace {

struct Png {
    int w = 0, h = 0, stride = 0;
    std::vector<uint32_t> px;  // 0xAARRGGBB
    uint32_t at(int x, int y) const { return px[static_cast<size_t>(y) * static_cast<size_t>(w) + static_cast<size_t>(x)]; }
    uint32_t rgb(int x, int y) const { return at(x, y) & 0xffffff; }
};

Png loadPng(const std::string& path)
{
    cairo::SurfacePtr sOwned(cairo_image_surface_create_from_png(path.c_str()));
    cairo_surface_t* s = sOwned.get();
    REQUIRE(cairo_surface_status(s) == CAIRO_STATUS_SUCCESS);
    Png p;
    p.w = cairo_image_surface_get_width(s);
    p.h = cairo_image_surface_get_height(s);
    const int stride = cairo_image_surface_get_stride(s);
    const unsigned char* d = cairo_image_surface_get_data(s);
    p.px.resize(static_cast<size_t>(p.w) * static_cast<size_t>(p.h));
    for (int y = 0; y < p.h; ++y)
        for (int x = 0; x < p.w; ++x)
            p.px[static_cast<size_t>(y) * p.w + x] = *reinterpret_cast<const uint32_t*>(d + y * stride + x * 4);
    sOwned.reset();
    return p;
}

std::string cli() { return test::shellQuote(test::cliPath()); }
std::string q(const std::string& s) { return test::shellQuote(s); }

// ColorBrewer YlGnBu-6, the documented density palette (independent of the renderer's table).
const std::vector<uint32_t> kDensityPalette = {0xffffcc, 0xc7e9b4, 0x7fcdbb, 0x41b6c4, 0x2c7fb8, 0x253494};

std::shared_ptr<const render::MapData> projectData()
{
    static std::shared_ptr<const render::MapData> data = [] {
        auto store = ProjectStore::open(test::renderProjectPath());
        return render::loadMapData(*store, 9215, nullptr, render::layersForTheme("density"));
    }();
    return data;
}

} // namespace

TEST_CASE("bando render writes a province PNG with the density classes and legend", "[render][cli]")
{
    test::TempDir dir("render-png");
    const std::string out = dir.file("map.png");
    auto r = test::run(cli() + " render " + q(test::renderProjectPath()) + " --out " + q(out) + " --size 1200x900");
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    Png img = loadPng(out);
    REQUIRE(img.w == 1200);
    REQUIRE(img.h == 900);

    std::map<uint32_t, int> counts;
    for (uint32_t p : img.px)
        ++counts[p & 0xffffff];
    CHECK(counts.size() > 50);  // not blank

    auto data = projectData();
    const auto* theme = data->theme("density");
    REQUIRE(theme);
    const size_t n = theme->colours.size();
    REQUIRE(n == 6);  // ~1,700 villages with varied densities give 6 quantile classes
    CHECK(theme->colours == kDensityPalette);
    // Quantile classes hold roughly a sixth of the villages each.
    int classified = 0;
    for (int c : theme->classCounts)
        classified += c;
    for (int c : theme->classCounts) {
        CHECK(c > classified / 6 / 3);
        CHECK(c < classified / 6 * 3);
    }
    // Each class colour fills many pixels (villages, not just its legend swatch).
    for (uint32_t c : kDensityPalette) {
        INFO("colour " << std::hex << c);
        CHECK(counts[c] > 1500);
    }
    // The legend swatches sit where legendLayout() says, in the class colours.
    render::MapSettings s;
    s.widthPx = 1200;
    s.heightPx = 900;
    auto legend = render::legendLayout(*data, s);
    REQUIRE(legend.size() >= n);
    for (size_t i = 0; i < n; ++i) {
        const auto& it = legend[i];
        CHECK(it.colour == kDensityPalette[i]);
        CHECK(img.rgb(static_cast<int>(it.x + it.w / 2), static_cast<int>(it.y + it.h / 2)) == kDensityPalette[i]);
        CHECK(it.x < 200);  // bottom-left corner
        CHECK(it.y > 600);
    }
    // A white title panel at the top centre, behind dark title text.
    int dark = 0;
    for (int y = 10; y < 60; ++y)
        for (int x = 400; x < 800; ++x)
            dark += (img.rgb(x, y) & 0xff) < 0x40;
    CHECK(dark > 200);
}

TEST_CASE("bando render --district zooms to the district and changes the image", "[render][cli]")
{
    test::TempDir dir("render-district");
    const std::string full = dir.file("full.png"), zoom = dir.file("zoom.png");
    auto r1 = test::run(cli() + " render " + q(test::renderProjectPath()) + " --out " + q(full) + " --size 800x600");
    auto r2 = test::run(cli() + " render " + q(test::renderProjectPath()) + " --out " + q(zoom) +
                        " --size 800x600 --district 183");
    INFO(r1.err << r2.err);
    REQUIRE(r1.exitCode == 0);
    REQUIRE(r2.exitCode == 0);
    Png a = loadPng(full), b = loadPng(zoom);
    REQUIRE(a.px.size() == b.px.size());
    size_t differ = 0;
    for (size_t i = 0; i < a.px.size(); ++i)
        differ += a.px[i] != b.px[i];
    CHECK(differ > a.px.size() / 3);

    auto data = projectData();
    render::MapSettings s;
    s.widthPx = 800;
    s.heightPx = 600;
    const double provinceScale = render::viewTransform(s, *data).scale;
    s.districtCode = "183";
    const auto vt = render::viewTransform(s, *data);
    CHECK(vt.scale > 1.5 * provinceScale);  // Cao Lộc is ~1/13 of the province
    // The district's seat label point lies inside the view: the district is centred.
    const Layer* d = data->layer("districts");
    REQUIRE(d);
    Extent de;
    for (const auto& f : d->features)
        if (d->text(f, "code") == "183")
            de = f.geom.extent();
    REQUIRE_FALSE(de.isEmpty());
    CHECK(vt.toDeviceX(de.minX) >= 0);
    CHECK(vt.toDeviceX(de.maxX) <= 800);
    CHECK(vt.toDeviceY(de.maxY) >= 0);
    CHECK(vt.toDeviceY(de.minY) <= 600);
    // Outside the district the map is dimmed (60% white): no pixel in a strip beyond the
    // district's west edge is darker than the dimmed darkest class colour.
    const int west = static_cast<int>(vt.toDeviceX(de.minX)) - 4;
    REQUIRE(west > 2);
    int darkest = 255;
    for (int y = 150; y < 350; ++y)
        for (int x = 0; x < std::min(west, 20); ++x)
            darkest = std::min<int>(darkest, b.rgb(x, y) & 0xff);  // blue channel
    CHECK(darkest >= 150);  // 60% white over black = 153; undimmed boundaries are 37
}

TEST_CASE("bando render writes a vector PDF with embedded fonts and Vietnamese text", "[render][cli][pdf]")
{
    test::TempDir dir("render-pdf");
    const std::string out = dir.file("map.pdf");
    auto r = test::run(cli() + " render " + q(test::renderProjectPath()) + " --out " + q(out) + " --paper A3");
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    CHECK(test::readFile(out).rfind("%PDF-", 0) == 0);

    auto txt = test::run("pdftotext -enc UTF-8 " + q(out) + " -");
    REQUIRE(txt.exitCode == 0);
    CHECK(txt.out.find("Tỉnh Lạng Sơn") != std::string::npos);
    CHECK(txt.out.find("Cao Lộc") != std::string::npos);
    CHECK(txt.out.find("Số hộ trên km²") != std::string::npos);

    auto fonts = test::run("pdffonts " + q(out));
    REQUIRE(fonts.exitCode == 0);
    std::istringstream lines(fonts.out);
    std::string line;
    int fontRows = 0, embedded = 0;
    int lineNo = 0;
    while (std::getline(lines, line)) {
        if (++lineNo <= 2 || line.empty())
            continue;  // header rows
        ++fontRows;
        // columns: name type encoding emb sub uni object ID
        std::istringstream cols(line);
        std::vector<std::string> c;
        for (std::string w; cols >> w;)
            c.push_back(w);
        REQUIRE(c.size() >= 7);
        embedded += c[c.size() - 5] == "yes";
        CHECK(line.find("DejaVu") != std::string::npos);
    }
    CHECK(fontRows >= 2);  // regular and bold
    CHECK(embedded == fontRows);

    auto check = test::run("qpdf --check " + q(out));
    INFO(check.out << check.err);
    CHECK(check.exitCode == 0);

    auto images = test::run("pdfimages -list " + q(out));
    REQUIRE(images.exitCode == 0);
    int imageRows = 0;
    std::istringstream il(images.out);
    lineNo = 0;
    while (std::getline(il, line))
        if (++lineNo > 2 && !line.empty())
            ++imageRows;
    CHECK(imageRows == 0);  // vectors, no raster fallback

    // Fills and strokes are PDF path operators (uncompressed with qpdf).
    auto qd = test::run("qpdf --qdf --object-streams=disable " + q(out) + " " + q(dir.file("plain.pdf")));
    REQUIRE(qd.exitCode == 0);
    const std::string plain = test::readFile(dir.file("plain.pdf"));
    auto countOp = [&](const std::string& op) {
        size_t n = 0;
        for (size_t pos = 0; (pos = plain.find(op, pos)) != std::string::npos; ++pos)
            ++n;
        return n;
    };
    CHECK(countOp(" f*\n") + countOp(" f\n") >= 6);  // one fill per density class at least
    CHECK(countOp(" S\n") >= 4);                      // strokes: outlines, communes, roads, districts
    CHECK(countOp(" l ") + countOp(" l\n") > 5000);  // line-to segments: boundaries are vectors
    CHECK(countOp("Tj\n") + countOp("TJ\n") >= 5);   // text is text
}

TEST_CASE("bando render reports bad arguments with documented exit codes naming the file", "[render][cli]")
{
    test::TempDir dir("render-err");
    const std::string project = test::renderProjectPath();
    auto r = test::run(cli() + " render " + q(project) + " --out " + q(dir.file("m.png")) + " --district 999");
    CHECK(r.exitCode == 2);
    CHECK(r.err.find("999") != std::string::npos);
    CHECK(r.err.find(project) != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir.file("m.png")));

    r = test::run(cli() + " render " + q(project) + " --out " + q(dir.file("no/such/dir/m.png")));
    CHECK(r.exitCode == 3);
    CHECK(r.err.find("no/such/dir/m.png") != std::string::npos);

    r = test::run(cli() + " render " + q(project) + " --out " + q(dir.file("m.jpg")));
    CHECK(r.exitCode == 2);
    CHECK(r.err.find("m.jpg") != std::string::npos);

    r = test::run(cli() + " render " + q(dir.file("missing.gpkg")) + " --out " + q(dir.file("m.png")));
    CHECK(r.exitCode == 3);
    CHECK(r.err.find("missing.gpkg") != std::string::npos);

    r = test::run(cli() + " render " + q(project) + " --out " + q(dir.file("m.png")) + " --paper B5");
    CHECK(r.exitCode == 2);
    CHECK(r.err.find("B5") != std::string::npos);

    r = test::run(cli() + " render " + q(project) + " --out " + q(dir.file("m.png")) + " --theme rainbow");
    CHECK(r.exitCode == 2);
    CHECK(r.err.find("rainbow") != std::string::npos);
}

TEST_CASE("bando render --theme coverage and shops on the sample", "[render][cli][theme]")
{
    const std::string project = test::renderProjectPath();
    auto store = ProjectStore::open(project);
    REQUIRE(store->hasLayer("settlements"));
    REQUIRE(store->layerInfo("settlements").featureCount > 0);
    REQUIRE(store->hasLayer("coverage"));
    REQUIRE(store->layerInfo("coverage").featureCount > 0);
    REQUIRE(store->hasLayer("shops"));
    REQUIRE(store->layerInfo("shops").featureCount > 0);
    const int64_t villages = store->layerInfo("villages").featureCount;
    store.reset();
    test::TempDir dir("render-theme");
    {
        auto r = test::run(cli() + " render " + q(project) + " --out " + q(dir.file("c.png")) +
                           " --theme coverage --size 1200x800");
        INFO(r.err);
        REQUIRE(r.exitCode == 0);
        auto st = ProjectStore::open(project);
        auto data = render::loadMapData(*st, 9215, nullptr, render::layersForTheme("coverage"));
        const auto* t = data->theme("coverage");
        REQUIRE(t);
        REQUIRE(t->classCounts.size() == 3);
        // The sample is calibrated to 148 villages without signal and 140 with an unstable one
        // (the same numbers `bando classify` reports).
        CHECK(t->classCounts[0] == 148);  // no signal
        CHECK(t->classCounts[1] == 140);  // unstable
        CHECK(t->classCounts[0] + t->classCounts[1] + t->classCounts[2] == villages);
        // The legend the map draws carries those counts.
        render::MapSettings s;
        s.widthPx = 1200;
        s.heightPx = 800;
        s.theme = "coverage";
        const auto legend = render::legendLayout(*data, s);
        REQUIRE(legend.size() >= 3);
        CHECK(legend[0].count == 148);
        CHECK(legend[1].count == 140);
        CHECK(legend[0].label.find("(148)") != std::string::npos);
        CHECK(legend[1].label.find("(140)") != std::string::npos);
        // Each class colour is drawn on the map itself, not only in its legend swatch.
        Png img = loadPng(dir.file("c.png"));
        double legendRight = 0, legendTop = img.h;
        for (const auto& it : legend) {
            legendRight = std::max(legendRight, it.x + it.w);
            legendTop = std::min(legendTop, it.y);
        }
        std::map<uint32_t, int> counts;
        for (int y = 0; y < img.h; ++y)
            for (int x = 0; x < img.w; ++x)
                if (x > legendRight + 300 || y < legendTop - 40)  // outside the legend panel
                    ++counts[img.rgb(x, y)];
        CHECK(counts[0xd7191c] > 5000);  // no signal
        CHECK(counts[0xfdae61] > 5000);  // unstable
        CHECK(counts[0x91cf60] > 5000);  // covered
    }
    {
        const std::string pdf = dir.file("shops.pdf");
        auto r = test::run(cli() + " render " + q(project) + " --out " + q(pdf) + " --theme shops");
        INFO(r.err);
        REQUIRE(r.exitCode == 0);
        auto txt = test::run("pdftotext -enc UTF-8 " + q(pdf) + " -");
        CHECK(txt.out.find("Số cửa hàng số trên 100 hộ") != std::string::npos);
        // Shops are aggregated per village: the PDF does not carry one path per shop.
        auto qd = test::run("qpdf --qdf --object-streams=disable " + q(pdf) + " " + q(dir.file("plain.pdf")));
        REQUIRE(qd.exitCode == 0);
        const std::string plain = test::readFile(dir.file("plain.pdf"));
        size_t moves = 0;
        for (size_t pos = 0; (pos = plain.find(" m ", pos)) != std::string::npos; ++pos)
            ++moves;
        CHECK(moves > 1000);   // the villages are there (one subpath each)
        CHECK(moves < 20000);  // ~1,700 villages + boundaries, not 112,000 shop markers
        CHECK(plain.size() < 8u * 1024 * 1024);
    }
}

TEST_CASE("RenderRequest runs the export policy and writes what bando render writes", "[render][task]")
{
    const std::string project = test::renderProjectPath();
    test::TempDir dir("render-request");
    Feedback fb;

    // Defaults: PNG 1920 x 1080 at 96 dpi, PDF on A3 landscape (points at 72 dpi).
    tasks::RenderRequest png;
    png.project = project;
    png.out = dir.file("default.png");
    const auto r1 = tasks::runTask(png, fb);
    CHECK(r1.format == render::OutputFormat::Png);
    CHECK(r1.widthPx == 1920);
    CHECK(r1.heightPx == 1080);
    CHECK(r1.dpi == 96);
    CHECK(r1.loadSeconds > 0);
    Png img = loadPng(png.out);
    CHECK(img.w == 1920);
    CHECK(img.h == 1080);

    tasks::RenderRequest pdf = png;
    pdf.out = dir.file("default.pdf");
    const auto r2 = tasks::runTask(pdf, fb);
    CHECK(r2.format == render::OutputFormat::Pdf);
    CHECK(r2.widthPx == 1191);  // A3 landscape in points
    CHECK(r2.heightPx == 842);
    CHECK(r2.dpi == 72);

    // The same request from the command line gives the same bytes.
    const std::string cliPng = dir.file("cli.png");
    auto r = test::run(cli() + " render " + q(project) + " --out " + q(cliPng));
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    CHECK(test::readFile(cliPng) == test::readFile(png.out));

    // The app's export of a 700 x 500 view, on already loaded data: PNG at twice the size and
    // dpi, PDF on A3 in the view's orientation; no loading time.
    auto store = ProjectStore::open(project);
    auto data = render::loadMapData(*store, 9215, nullptr);
    store.reset();
    tasks::RenderRequest view;
    view.project = project;
    view.data = data;
    view.out = dir.file("view.png");
    view.fitView(700, 500);
    const auto r3 = tasks::runTask(view, fb);
    CHECK(r3.widthPx == 1400);
    CHECK(r3.heightPx == 1000);
    CHECK(r3.dpi == 192);
    CHECK(r3.loadSeconds == 0);
    view.out = dir.file("view.pdf");
    view.fitView(500, 700);
    const auto r4 = tasks::runTask(view, fb);
    CHECK(r4.widthPx == 842);  // A3 portrait
    CHECK(r4.heightPx == 1191);

    // An unknown district names the project and leaves no file.
    tasks::RenderRequest bad = png;
    bad.out = dir.file("bad.png");
    bad.district = "999";
    try {
        tasks::runTask(bad, fb);
        FAIL("an unknown district must be refused");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Usage);
        CHECK(e.where() == project);
        CHECK(std::string(e.what()).find("999") != std::string::npos);
    }
    CHECK_FALSE(std::filesystem::exists(bad.out));

    // A cancelled request writes nothing either.
    Feedback cancelled;
    cancelled.cancel();
    tasks::RenderRequest stopped = png;
    stopped.out = dir.file("stopped.png");
    CHECK_THROWS_AS(tasks::runTask(stopped, cancelled), CancelledError);
    CHECK_FALSE(std::filesystem::exists(stopped.out));
    CHECK_FALSE(std::filesystem::exists(stopped.out + ".part"));
}

TEST_CASE("RenderRequest draws the project's saved layer state: visibility, opacity, scale range, hillshade",
          "[render][task][state]")
{
    test::TempDir dir("render-state");
    const std::string project = dir.file("p.gpkg");
    std::filesystem::copy_file(test::renderProjectPath(), project);
    Feedback fb;
    auto render = [&](const std::string& name, bool projectState = true) {
        tasks::RenderRequest r;
        r.project = project;
        r.out = dir.file(name);
        r.widthPx = 600;
        r.heightPx = 450;
        r.title = r.legend = r.scaleBar = r.northArrow = false;
        r.projectState = projectState;
        tasks::runTask(r, fb);
        std::map<uint32_t, int> counts;
        for (uint32_t p : loadPng(r.out).px)
            ++counts[p & 0xffffff];
        return counts;
    };
    auto palettePixels = [](std::map<uint32_t, int>& counts) {
        int n = 0;
        for (uint32_t c : kDensityPalette)
            n += counts[c];
        return n;
    };
    auto save = [&](const std::function<void(render::MapState&)>& edit) {
        auto store = ProjectStore::open(project, ProjectStore::Mode::ReadWrite);
        const auto data = render::loadMapData(*store, 9215, nullptr, render::layersForTheme("density"));
        render::MapState st = render::mergeMapState(*data, {});
        edit(st);
        render::saveMapState(*store, st);
    };
    auto view = [](render::MapState& st, const std::string& layer) -> render::LayerView& {
        auto it = std::find_if(st.layers.begin(), st.layers.end(), [&](const auto& v) { return v.layer == layer; });
        REQUIRE(it != st.layers.end());
        return *it;
    };
    const uint32_t bg = 0xf4f3ef;
    auto plain = render("plain.png");
    const int plainPalette = palettePixels(plain);
    CHECK(plainPalette > 30000);  // villages cover a good part of the 270,000 pixels
    CHECK(plain[bg] > 20000);

    // The sample has a DEM: the layer tree lists the hillshade (hidden) in the Context group.
    save([&](render::MapState& st) { CHECK_FALSE(view(st, render::kHillshadeLayer).visible); });

    // Villages saved as not visible: no village colour left.
    save([&](render::MapState& st) { view(st, "villages").visible = false; });
    auto hidden = render("hidden.png");
    CHECK(palettePixels(hidden) == 0);
    // ... unless the request ignores the saved state.
    auto ignored = render("ignored.png", false);
    CHECK(palettePixels(ignored) == plainPalette);

    // Half opacity: the lightest class becomes half-way to the background.
    save([&](render::MapState& st) { view(st, "villages").opacity = 0.5; });
    auto half = render("half.png");
    CHECK(palettePixels(half) < plainPalette / 50);
    int blended = 0;
    for (const auto& [c, n] : half) {
        bool match = true;
        for (int sh : {16, 8, 0}) {
            const int want = (static_cast<int>((kDensityPalette[0] >> sh) & 0xff) + static_cast<int>((bg >> sh) & 0xff)) / 2;
            match = match && std::abs(static_cast<int>((c >> sh) & 0xff) - want) <= 1;
        }
        blended += match ? n : 0;
    }
    CHECK(blended > plain[kDensityPalette[0]] / 2);

    // Drawn only up to 1:1,000 (the province view is ~1:500,000): not drawn.
    save([&](render::MapState& st) { view(st, "villages").maxScale = 1000; });
    auto ranged = render("ranged.png");
    CHECK(palettePixels(ranged) == 0);

    // The hillshade turned on: slopes shade the villages and the ground around them.
    save([&](render::MapState& st) { view(st, render::kHillshadeLayer).visible = true; });
    auto shaded = render("shaded.png");
    CHECK(palettePixels(shaded) < plainPalette / 2);
    CHECK(shaded[bg] < plain[bg] * 3 / 4);  // the margins outside the DEM stay plain
}

TEST_CASE("RenderRequest draws the saved legend toggles and dragged layer order, state reads back", "[render][task][state]")
{
    test::TempDir dir("render-toggles");
    const std::string project = dir.file("p.gpkg");
    std::filesystem::copy_file(test::renderProjectPath(), project);
    Feedback fb;
    auto render = [&](const std::string& name) {
        tasks::RenderRequest r;
        r.project = project;
        r.out = dir.file(name);
        r.widthPx = 600;
        r.heightPx = 450;
        r.title = r.legend = r.scaleBar = r.northArrow = false;
        tasks::runTask(r, fb);
        std::map<uint32_t, int> counts;
        for (uint32_t p : loadPng(r.out).px)
            ++counts[p & 0xffffff];
        return counts;
    };
    auto save = [&](const std::function<void(render::MapState&)>& edit) {
        auto store = ProjectStore::open(project, ProjectStore::Mode::ReadWrite);
        const auto data = render::loadMapData(*store, 9215, nullptr, render::layersForTheme("density"));
        render::MapState st = render::mergeMapState(*data, {});
        edit(st);
        render::saveMapState(*store, st);
    };
    auto plain = render("plain.png");
    REQUIRE(plain[kDensityPalette[0]] > 1000);
    REQUIRE(plain[kDensityPalette[2]] > 1000);

    // The lightest density class toggled off in the legend: its colour is gone, the others
    // are drawn exactly as before.
    save([](render::MapState& st) { REQUIRE(render::setClassHidden(st, "villages", 0, true)); });
    {
        auto store = ProjectStore::open(project);
        const render::MapState back = render::loadMapState(*store);
        auto it = std::find_if(back.layers.begin(), back.layers.end(), [](const auto& v) { return v.layer == "villages"; });
        REQUIRE(it != back.layers.end());
        CHECK(it->hiddenClasses == std::vector<int>{0});
    }
    auto toggled = render("toggled.png");
    CHECK(toggled[kDensityPalette[0]] == 0);
    {
        // With the legend drawn, the hidden class is not in it either (no swatch of its colour).
        tasks::RenderRequest r;
        r.project = project;
        r.out = dir.file("toggled-legend.png");
        r.widthPx = 600;
        r.heightPx = 450;
        r.title = r.scaleBar = r.northArrow = false;
        tasks::runTask(r, fb);
        std::map<uint32_t, int> counts;
        for (uint32_t p : loadPng(r.out).px)
            ++counts[p & 0xffffff];
        CHECK(counts[kDensityPalette[0]] == 0);
        CHECK(counts[kDensityPalette[1]] > toggled[kDensityPalette[1]]);  // its swatch is drawn
    }
    for (size_t c = 1; c < kDensityPalette.size(); ++c)
        CHECK(toggled[kDensityPalette[c]] == plain[kDensityPalette[c]]);

    // Villages dragged above the district and commune boundaries: no line covers the fill, so
    // more village colour shows; the order reads back.
    save([](render::MapState& st) { REQUIRE(render::moveLayer(st, "villages", "districts", true)); });
    {
        auto store = ProjectStore::open(project);
        const render::MapState back = render::loadMapState(*store);
        auto at = [&](const std::string& n) {
            return std::find_if(back.layers.begin(), back.layers.end(), [&](const auto& v) { return v.layer == n; }) -
                   back.layers.begin();
        };
        CHECK(at("villages") == at("districts") + 1);
        CHECK(at("villages") > at("communes"));
    }
    auto moved = render("moved.png");
    int plainPalette = 0, movedPalette = 0;
    for (uint32_t c : kDensityPalette) {
        plainPalette += plain[c];
        movedPalette += moved[c];
    }
    CHECK(movedPalette > plainPalette + 2000);

    // bando render draws the saved state (villages above the boundaries) unless told
    // --ignore-saved-state: then the default map, pixel for pixel as before any state.
    const std::string flags = " --size 600x450 --no-title --no-legend --no-scale-bar --no-north-arrow";
    const std::string savedOut = dir.file("cli-saved.png"), ignoredOut = dir.file("cli-ignored.png");
    auto r1 = test::run(cli() + " render " + q(project) + " --out " + q(savedOut) + flags);
    REQUIRE(r1.exitCode == 0);
    auto r2 = test::run(cli() + " render " + q(project) + " --out " + q(ignoredOut) + flags + " --ignore-saved-state");
    REQUIRE(r2.exitCode == 0);
    std::map<uint32_t, int> cliSaved, cliIgnored;
    for (uint32_t p : loadPng(savedOut).px)
        ++cliSaved[p & 0xffffff];
    for (uint32_t p : loadPng(ignoredOut).px)
        ++cliIgnored[p & 0xffffff];
    CHECK(cliSaved[kDensityPalette[0]] == moved[kDensityPalette[0]]);
    CHECK(cliSaved[kDensityPalette[0]] > plain[kDensityPalette[0]]);
    CHECK(cliIgnored == plain);
}

TEST_CASE("The style editor's save: putStyle replaces one layer's style in one transaction, bando render draws it",
          "[render][task][style]")
{
    test::TempDir dir("render-putstyle");
    const std::string project = dir.file("p.gpkg");
    std::filesystem::copy_file(test::renderProjectPath(), project);
    style::Style st;
    st.layer = "villages";
    st.renderer = style::Renderer::Graduated;
    st.field = "households";
    st.method = style::Method::Manual;
    st.edges = {0, 60, 120, 200, 400, 100000};
    st.ramp = "Reds";
    {
        auto store = ProjectStore::open(project, ProjectStore::Mode::ReadWrite);
        CHECK(style::putStyle(*store, st).size() == 1);
        st.ramp = "Blues";  // the same layer again: replaced, not added
        const auto saved = style::putStyle(*store, st);
        REQUIRE(saved.size() == 1);
        CHECK(saved[0].style.ramp == "Blues");
        style::Style bad = st;
        bad.opacity = 2;
        CHECK_THROWS_AS(style::putStyle(*store, bad), Error);
        const auto back = style::loadStyles(*store);
        REQUIRE(back.size() == 1);
        CHECK(back[0].style.opacity == 1);
        CHECK(back[0].style.edges == st.edges);
    }
    tasks::RenderRequest r;
    r.project = project;
    r.out = dir.file("styled.png");
    r.widthPx = 600;
    r.heightPx = 450;
    r.title = r.legend = r.scaleBar = r.northArrow = false;
    Feedback fb;
    const auto result = tasks::runTask(r, fb);
    CHECK(std::find(result.styledLayers.begin(), result.styledLayers.end(), "villages") != result.styledLayers.end());
    std::map<uint32_t, int> counts;
    for (uint32_t p : loadPng(r.out).px)
        ++counts[p & 0xffffff];
    int blues = 0;
    for (uint32_t c : style::rampColours("Blues", 5))
        blues += counts[c];
    CHECK(blues > 30000);
    CHECK(counts[kDensityPalette[0]] == 0);
}
