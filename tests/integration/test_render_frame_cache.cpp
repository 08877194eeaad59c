// render::FrameCache on the sample (issue #13): the base layers cached per scale and moved on
// pan give the same image as drawing the frame whole, and each redraw reuses what it should.
#include <catch2/catch.hpp>

#include "core/capi/cairo.hpp"
#include "core/render/frame_cache.hpp"
#include "core/render/map_renderer.hpp"
#include "core/render/map_style.hpp"
#include "core/store/project_store.hpp"

#include <cairo.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

using namespace bando;

namespace bando::test {
std::string renderProjectPath();  // test_render_project.cpp
}

namespace {

render::Image wholeFrame(const render::MapData& data, const render::MapSettings& s)
{
    render::Image img;
    img.width = s.widthPx;
    img.height = s.heightPx;
    img.stride = cairo_format_stride_for_width(CAIRO_FORMAT_ARGB32, s.widthPx);
    img.pixels.assign(static_cast<size_t>(img.stride) * static_cast<size_t>(s.heightPx), 0);
    cairo::SurfacePtr surfOwned(cairo_image_surface_create_for_data(img.pixels.data(), CAIRO_FORMAT_ARGB32, img.width, img.height, img.stride));
    cairo_surface_t* surf = surfOwned.get();
    cairo::ContextPtr crOwned(cairo_create(surf));
    cairo_t* cr = crOwned.get();
    render::renderMap(cr, data, s);
    crOwned.reset();
    surfOwned.reset();
    return img;
}

struct Diff {
    int pixels = 0;   // pixels with any channel differing by more than `tol`
    int maxDelta = 0;
};
Diff compare(const render::Image& a, const render::Image& b, int tol)
{
    REQUIRE(a.width == b.width);
    REQUIRE(a.height == b.height);
    Diff d;
    for (int y = 0; y < a.height; ++y)
        for (int x = 0; x < a.width; ++x) {
            const size_t o = static_cast<size_t>(y) * static_cast<size_t>(a.stride) + static_cast<size_t>(x) * 4;
            int m = 0;
            for (int c = 0; c < 4; ++c)
                m = std::max(m, std::abs(int(a.pixels[o + c]) - int(b.pixels[o + c])));
            d.maxDelta = std::max(d.maxDelta, m);
            if (m > tol && std::getenv("BANDO_DIFF_DEBUG"))
                std::fprintf(stderr, "diff %d,%d %02x%02x%02x%02x vs %02x%02x%02x%02x\n", x, y, a.pixels[o + 3], a.pixels[o + 2],
                             a.pixels[o + 1], a.pixels[o], b.pixels[o + 3], b.pixels[o + 2], b.pixels[o + 1], b.pixels[o]);
            d.pixels += m > tol;
        }
    return d;
}

} // namespace

TEST_CASE("FrameCache redraws a pan and a zoom back as renderMap draws them", "[render][cache]")
{
    auto store = ProjectStore::open(test::renderProjectPath(), ProjectStore::Mode::ReadOnly);
    const auto data = render::loadMapData(*store);
    // The canvas's settings (no title or legend) with the 112,000 shops on above the base.
    render::MapSettings s;
    s.widthPx = 640;
    s.heightPx = 400;
    s.title = false;
    s.legend = false;
    const render::LayerState st = render::defaultLayerState(*data);
    for (const auto& name : st.order)
        if (name == "shops" || std::find(st.hidden.begin(), st.hidden.end(), name) == st.hidden.end())
            s.layerOrder.push_back(name);
    REQUIRE(std::find(s.layerOrder.begin(), s.layerOrder.end(), "shops") != s.layerOrder.end());
    // villages, communes, roads, districts are cached; shops (markers) and above are not.
    CHECK(render::cacheableBaseLayers(*data, s) == 4);

    const XY c = data->extent.center();
    const double res = std::max(data->extent.width() / 640, data->extent.height() / 400) * 0.5;  // 2× zoom
    auto view = [&](double cx, double cy, double r) {
        render::MapSettings v = s;
        v.extent = {cx - 320 * r, cy - 200 * r, cx + 320 * r, cy + 200 * r};
        return v;
    };
    render::FrameCache cache;
    render::Image img;

    const auto first = cache.render(img, *data, view(c.x, c.y, res));
    CHECK(first.reuse == render::FrameCache::Reuse::None);
    Diff d = compare(img, wholeFrame(*data, view(c.x, c.y, res)), 2);
    CHECK(d.pixels == 0);

    // Pan 37 px right and 23 px up (the map moves left and down): a column of 37 and a row of
    // 23 over the remaining 603 pixels are drawn, the rest is moved.
    const double px = c.x + 37 * res, py = c.y + 23 * res;
    const auto pan = cache.render(img, *data, view(px, py, res));
    CHECK(pan.reuse == render::FrameCache::Reuse::Shifted);
    CHECK(pan.exposedFraction == Approx((37.0 * 400 + 23.0 * 603) / (640.0 * 400)));
    const render::Image whole = wholeFrame(*data, view(px, py, res));
    d = compare(img, whole, 2);
    INFO("max channel difference " << d.maxDelta);
    CHECK(d.pixels <= 640 * 400 / 2000);  // antialiased edges may round differently
    CHECK(compare(img, whole, 24).pixels == 0);
    // The shops (drawn over the base on every frame) are in it: without them 1000s of pixels differ.
    render::MapSettings noShops = view(px, py, res);
    noShops.layerOrder.erase(std::find(noShops.layerOrder.begin(), noShops.layerOrder.end(), "shops"));
    CHECK(compare(img, wholeFrame(*data, noShops), 24).pixels > 1000);

    // A zoom to a new scale draws the base whole; back at the first scale and place it is reused.
    CHECK(cache.render(img, *data, view(px, py, res / 1.25)).reuse == render::FrameCache::Reuse::None);
    CHECK(cache.size() == 2);
    CHECK(cache.render(img, *data, view(px, py, res)).reuse == render::FrameCache::Reuse::Same);
    CHECK(compare(img, whole, 24).pixels == 0);

    // A pan farther than the image: nothing overlaps, the base is drawn whole.
    CHECK(cache.render(img, *data, view(px + 700 * res, py, res)).reuse == render::FrameCache::Reuse::None);

    // Another look of a base layer (a legend toggle on the villages) is not the cached image.
    render::MapSettings toggled = view(px + 700 * res, py, res);
    render::MapSettings::LayerDisplay dsp;
    dsp.layer = "villages";
    dsp.hiddenClasses = {0};
    toggled.display.push_back(dsp);
    CHECK(cache.render(img, *data, toggled).reuse == render::FrameCache::Reuse::None);
    CHECK(compare(img, wholeFrame(*data, toggled), 2).pixels == 0);
}
