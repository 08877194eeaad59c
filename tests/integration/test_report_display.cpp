// Print layouts and reports honour the map display saved in the project (issue #12): a class the
// app's legend toggled off (bando_map_layers.hidden_classes) is neither drawn on the layout's map
// frames nor listed in their legends, as in `bando render`; toggles saved with another village
// theme do not touch the frame's classes.
#include <catch2/catch.hpp>

#include "core/capi/cairo.hpp"
#include "core/capi/proj.hpp"
#include "core/render/layer_tree.hpp"
#include "core/render/map_renderer.hpp"
#include "core/store/project_store.hpp"
#include "support/test_support.hpp"

#include <cairo.h>

#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>

using namespace bando;

namespace {

std::string analysed() { return test::analysedPath(); }

using test::cli;

// Pixels per exact RGB colour of a PNG.
std::map<uint32_t, int> colourCounts(const std::string& png)
{
    const cairo::SurfacePtr owned(cairo_image_surface_create_from_png(png.c_str()));
    cairo_surface_t* s = owned.get();
    std::map<uint32_t, int> out;
    if (cairo_surface_status(s) == CAIRO_STATUS_SUCCESS) {
        cairo_surface_flush(s);
        const int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
        const int stride = cairo_image_surface_get_stride(s);
        const unsigned char* data = cairo_image_surface_get_data(s);
        for (int y = 0; y < h; ++y) {
            const auto* row = reinterpret_cast<const uint32_t*>(data + static_cast<size_t>(y) * static_cast<size_t>(stride));
            for (int x = 0; x < w; ++x)
                ++out[row[x] & 0xffffff];
        }
    }
    return out;
}

} // namespace

TEST_CASE("layouts and reports honour the legend toggles saved in the project", "[report][layout][integration]")
{
    test::TempDir dir("layout-toggles");
    const std::string project = dir.file("p.gpkg");
    std::filesystem::copy_file(analysed(), project);
    uint32_t noSignal = 0, unstable = 0;
    auto save = [&](const std::string& theme, int hidden) {
        auto store = ProjectStore::open(project, ProjectStore::Mode::ReadWrite);
        const auto data = render::loadMapData(*store, crs::kVn2000LangSon, nullptr, render::layersForTheme("coverage"));
        const render::MapData::Theme* coverage = data->theme("coverage");
        REQUIRE(coverage);
        REQUIRE(coverage->colours.size() >= 2);
        noSignal = coverage->colours[0];
        unstable = coverage->colours[1];
        render::MapState st = render::mergeMapState(*data, {});
        st.theme = theme;
        if (hidden >= 0)
            REQUIRE(render::setClassHidden(st, "villages", hidden, true));
        render::saveMapState(*store, st);
    };
    auto mapPage = [&](const std::string& name) {
        const std::string out = dir.file(name + ".png");
        const auto r = cli("render " + test::shellQuote(project) + " --layout map --theme coverage --no-labels --dpi 40 --out " +
                           test::shellQuote(out));
        REQUIRE(r.exitCode == 0);
        return colourCounts(out);
    };
    save("coverage", -1);
    const auto plain = mapPage("plain");
    REQUIRE(plain.count(noSignal));
    REQUIRE(plain.at(noSignal) > 200);  // the no-signal villages and their legend swatch
    REQUIRE(plain.count(unstable));

    // "No signal" toggled off on the coverage map: not a pixel of its colour on the page (map
    // frame and legend swatch); the other classes still drawn.
    save("coverage", 0);
    const auto toggled = mapPage("toggled");
    CHECK(toggled.count(noSignal) == 0);
    REQUIRE(toggled.count(unstable));
    CHECK(toggled.at(unstable) > 100);

    // The same toggle saved on the density map: the coverage page is drawn in full.
    save("density", 0);
    const auto other = mapPage("other-theme");
    REQUIRE(other.count(noSignal));
    CHECK(other.at(noSignal) == plain.at(noSignal));

    // The reports take the same path: the gap report's first district page (map, legend, table;
    // the cover's chart keeps its no-signal bars) without the hidden class.
    auto gapPage = [&](const std::string& name) {
        const std::string out = dir.file(name + ".png");
        const auto r = cli("report " + test::shellQuote(project) + " --kind gaps --no-operator-groups --dpi 30 --out " +
                           test::shellQuote(out));
        REQUIRE(r.exitCode == 0);
        return colourCounts(dir.file(name + "-2.png"));
    };
    save("coverage", -1);
    const auto gapsPlain = gapPage("gaps-plain");
    REQUIRE(gapsPlain.count(noSignal));
    CHECK(gapsPlain.at(noSignal) > 50);
    save("coverage", 0);
    const auto gapsToggled = gapPage("gaps-toggled");
    CHECK(gapsToggled.count(noSignal) == 0);
    REQUIRE(gapsToggled.count(unstable));
    CHECK(gapsToggled.at(unstable) > 50);
}
