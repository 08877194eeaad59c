// Styled layers in the shared renderer: exact pixels for each marker symbol, the heatmap
// radius in metres at two zooms, label collision, classes and legends.
#include "core/base/error.hpp"
#include "core/capi/cairo.hpp"
#include "core/render/layer_tree.hpp"
#include "core/render/map_style.hpp"
#include "core/render/map_renderer.hpp"
#include "core/render/styled_layer.hpp"

#include <catch2/catch.hpp>

#include <cairo.h>

#include <cmath>

using namespace bando;
using namespace bando::render;

namespace {

constexpr uint32_t kBg = 0xfff4f3ef;  // the map background, opaque ARGB
constexpr uint32_t kRed = 0xffff0000;

MapData pointData(const std::vector<XY>& pts, const std::vector<std::string>& names = {})
{
    MapData d;
    d.epsg = 9215;
    Layer l;
    l.name = "pts";
    l.geomType = GeomType::Point;
    l.epsg = 9215;
    l.fields = {{"name", FieldType::Text, 0, false}, {"rank", FieldType::Integer, 0, false}};
    for (size_t i = 0; i < pts.size(); ++i) {
        Feature& f = l.addFeature(Geometry::point(pts[i].x, pts[i].y));
        l.set(f, "name", i < names.size() ? names[i] : std::string("P") + std::to_string(i));
        l.set(f, "rank", static_cast<int64_t>(i));
    }
    d.layers.push_back(std::move(l));
    d.prepare();
    return d;
}

MapSettings bareSettings(const Extent& e, int w, int h, const style::Style& st)
{
    MapSettings s;
    s.extent = e;
    s.widthPx = w;
    s.heightPx = h;
    s.dpi = 72;  // 1 pixel per point
    s.title = s.legend = s.scaleBar = s.northArrow = false;
    s.layerOrder = {"pts"};
    s.styles = {st};
    return s;
}

struct Raster {
    cairo::SurfacePtr surface;
    uint32_t at(int x, int y) const
    {
        const unsigned char* d = cairo_image_surface_get_data(surface.get());
        return *reinterpret_cast<const uint32_t*>(d + y * cairo_image_surface_get_stride(surface.get()) + 4 * x);
    }
};

Raster draw(const MapData& d, const MapSettings& s)
{
    Raster r{cairo::SurfacePtr(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, s.widthPx, s.heightPx))};
    {
        const cairo::ContextPtr cr = cairo::makeContext(r.surface.get());
        renderMap(cr.get(), d, s);
    }
    cairo_surface_flush(r.surface.get());
    return r;
}

style::Style marker(style::Symbol sym)
{
    style::Style st;
    st.layer = "pts";
    st.symbol = sym;
    st.sizePt = 4;
    st.scaleWithZoom = false;
    st.strokeWidthPt = 0;
    st.colour = 0xff0000;
    return st;
}

} // namespace

TEST_CASE("Each marker symbol is drawn with exact pixels", "[render][style][points]")
{
    // One point at device (50.5, 50.5): the marker's centre is the centre of pixel (50, 50).
    const MapData d = pointData({{50.5, 49.5}});
    const Extent e{0, 0, 100, 100};
    auto px = [&](style::Symbol sym, int dx, int dy) {
        return draw(d, bareSettings(e, 100, 100, marker(sym))).at(50 + dx, 50 + dy);
    };
    auto partial = [](uint32_t v) { return v != kRed && v != kBg; };
    using S = style::Symbol;
    // Circle r = 4: (0,3) is fully inside, (3,3) straddles the edge, (6,0) is outside.
    CHECK(px(S::Circle, 0, 0) == kRed);
    CHECK(px(S::Circle, 0, 3) == kRed);
    CHECK(partial(px(S::Circle, 3, 3)));
    CHECK(px(S::Circle, 6, 0) == kBg);
    // Square half-side 4: the (3,3) corner pixel is filled, (5,0) is outside.
    CHECK(px(S::Square, 3, 3) == kRed);
    CHECK(px(S::Square, -3, -3) == kRed);
    CHECK(px(S::Square, 5, 0) == kBg);
    // Triangle (apex 5 above the centre, base 2.5 below): (0,-3) inside, nothing below the
    // base at (0,3), nothing beside the apex at (3,-3).
    CHECK(px(S::Triangle, 0, -3) == kRed);
    CHECK(px(S::Triangle, 0, 3) == kBg);
    CHECK(px(S::Triangle, 3, -3) == kBg);
    // Diamond (half-diagonal 5.2): (0,4) inside, (3,3) on the edge, (4,4) outside.
    CHECK(px(S::Diamond, 0, 4) == kRed);
    CHECK(partial(px(S::Diamond, 3, 3)));
    CHECK(px(S::Diamond, 4, 4) == kBg);
}

TEST_CASE("Categories colour points by value, hidden classes are not drawn", "[render][style][points]")
{
    const MapData d = pointData({{20.5, 79.5}, {60.5, 39.5}}, {"a", "b"});
    style::Style st = marker(style::Symbol::Square);
    st.renderer = style::Renderer::Categorized;
    st.field = "name";
    st.categories = {{"a", 0x0000ff, "", true}, {"b", 0x00ff00, "", true}};
    const auto r = draw(d, bareSettings({0, 0, 100, 100}, 100, 100, st));
    CHECK(r.at(20, 20) == 0xff0000ff);
    CHECK(r.at(60, 60) == 0xff00ff00);
    const auto rs = resolveStyle(d, st);
    REQUIRE(rs);
    CHECK(rs->counts == std::vector<int>{1, 1});
    st.categories[1].visible = false;
    const auto r2 = draw(d, bareSettings({0, 0, 100, 100}, 100, 100, st));
    CHECK(r2.at(20, 20) == 0xff0000ff);
    CHECK(r2.at(60, 60) == kBg);
}

TEST_CASE("A legend toggle hides one class on the map and flags its legend row", "[render][style][legend]")
{
    const MapData d = pointData({{20.5, 79.5}, {60.5, 39.5}}, {"a", "b"});
    style::Style st = marker(style::Symbol::Square);
    st.renderer = style::Renderer::Categorized;
    st.field = "name";
    st.categories = {{"a", 0x0000ff, "", true}, {"b", 0x00ff00, "", true}};
    MapSettings s = bareSettings({0, 0, 100, 100}, 100, 100, st);
    // The layer tree's state with class 0 ("a") toggled off, as the app and bando render apply it.
    MapState state;
    state.layers.push_back({"pts"});
    REQUIRE(setClassHidden(state, "pts", 0, true));
    CHECK(state.layers[0].hiddenClasses == std::vector<int>{0});
    applyMapState(state, s);
    s.layerOrder = {"pts"};
    const auto r = draw(d, s);
    CHECK(r.at(20, 20) == kBg);          // "a" is not drawn
    CHECK(r.at(60, 60) == 0xff00ff00);   // "b" still is
    const auto rows = layerLegendRows(d, s, "pts");
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].classIndex == 0);
    CHECK(rows[0].hidden);
    CHECK_FALSE(rows[1].hidden);
    // Toggled on again: both drawn.
    REQUIRE(setClassHidden(state, "pts", 0, false));
    CHECK(state.layers[0].hiddenClasses.empty());
    applyMapState(state, s);
    s.layerOrder = {"pts"};
    const auto r2 = draw(d, s);
    CHECK(r2.at(20, 20) == 0xff0000ff);
    CHECK_FALSE(setClassHidden(state, "other", 0, true));
    CHECK_FALSE(setClassHidden(state, "pts", -1, true));
    state.layers[0].hiddenClasses = {-2};
    CHECK_THROWS_AS(validate(state), Error);
}

TEST_CASE("Drag to reorder moves a layer within its group only", "[render][layertree]")
{
    MapState st;
    for (const char* n : {"villages", "communes", "shops", "roads", "districts"})
        st.layers.push_back({n});
    auto order = [&] {
        std::string o;
        for (const auto& v : st.layers)
            o += v.layer + " ";
        return o;
    };
    // villages dropped above districts (same group): drawn last of the three administrative.
    CHECK(moveLayer(st, "villages", "districts", true));
    CHECK(order() == "communes shops roads districts villages ");
    // ... and back below communes.
    CHECK(moveLayer(st, "villages", "communes", false));
    CHECK(order() == "villages communes shops roads districts ");
    // Across groups (shops: Digital economy; roads: Context) nothing moves.
    CHECK_FALSE(moveLayer(st, "shops", "districts", true));
    CHECK_FALSE(moveLayer(st, "roads", "villages", false));
    CHECK_FALSE(moveLayer(st, "villages", "villages", true));
    CHECK_FALSE(moveLayer(st, "nothing", "villages", true));
    CHECK(order() == "villages communes shops roads districts ");
}

TEST_CASE("A marker drawn on PDF is the same shape (vector path) as on PNG", "[render][style][points]")
{
    // The vector path paints a recorded marker; on an image it must give the stamp's pixels.
    const MapData d = pointData({{50.5, 49.5}});
    const MapSettings s = bareSettings({0, 0, 100, 100}, 100, 100, marker(style::Symbol::Square));
    cairo::SurfacePtr img(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 100, 100));
    {
        const cairo::ContextPtr cr = cairo::makeContext(img.get());
        cairo_translate(cr.get(), 0.0, 0.0);
        cairo_scale(cr.get(), 1.0, 1.0000001);  // not the identity: forces the recorded marker
        renderMap(cr.get(), d, s);
    }
    cairo_surface_flush(img.get());
    const unsigned char* p = cairo_image_surface_get_data(img.get());
    const int stride = cairo_image_surface_get_stride(img.get());
    auto at = [&](int x, int y) { return *reinterpret_cast<const uint32_t*>(p + y * stride + 4 * x); };
    CHECK(at(50, 50) == kRed);
    CHECK(at(53, 47) == kRed);
    CHECK(at(56, 50) == kBg);
}

TEST_CASE("Heatmap radius is in metres on the ground at any zoom", "[render][style][heatmap]")
{
    // One point at the centre; radius 1000 m. At 0.1 px/m the footprint is 100 px wide in
    // radius... measured along the row through the point, at two zooms.
    const MapData d = pointData({{5000, 5000}});
    style::Style st;
    st.layer = "pts";
    st.renderer = style::Renderer::Heatmap;
    st.radiusM = 1000;
    st.maxDensity = 1;  // full colour from 1 point per km²
    auto footprint = [&](double extentM) {
        // extentM metres across 400 px.
        const double h = extentM / 2;
        const auto r = draw(d, bareSettings({5000 - h, 5000 - h, 5000 + h, 5000 + h}, 400, 400, st));
        int left = 200, right = 200;
        while (left > 0 && r.at(left - 1, 200) != kBg)
            --left;
        while (right < 399 && r.at(right + 1, 200) != kBg)
            ++right;
        return (right - left + 1) / 2.0;  // radius in pixels
    };
    const double r1 = footprint(8000);  // 0.05 px per metre: 1000 m = 50 px
    const double r2 = footprint(4000);  // 0.1 px per metre: 1000 m = 100 px
    CHECK(r1 == Approx(50).margin(2.5));
    CHECK(r2 == Approx(100).margin(3));
    CHECK(r2 / r1 == Approx(2).epsilon(0.05));

    // The grid's values are points per km² of the quartic kernel: 3 / (π r²) at the point.
    ViewTransform vt;
    vt.scale = 0.1;  // px per metre
    vt.originX = 3000;
    vt.originY = 7000;
    const DensityGrid g = densityGrid(d.layers[0], 1000, vt, 400, 400, 1.0);
    const double centre = 3 / (M_PI * 1.0);  // per km², r = 1 km
    CHECK(g.at(200, 200) == Approx(centre).epsilon(0.001));
    // 500 m away (50 cells): (1 - 0.25)² of the centre value.
    CHECK(g.at(250, 200) == Approx(centre * 0.5625).epsilon(0.02));
    CHECK(g.at(301, 200) == 0.0f);  // beyond 1000 m
    CHECK(maxDensity(d.layers[0], 1000) == Approx(centre).epsilon(0.05));
}

TEST_CASE("Labels never overlap and the higher priority wins", "[render][style][labels]")
{
    // 60 points on a tight grid: most labels cannot be placed.
    std::vector<XY> pts;
    std::vector<std::string> names;
    for (int i = 0; i < 60; ++i) {
        pts.push_back({20.0 + (i % 10) * 16, 20.0 + (i / 10) * 12});
        names.push_back("Thôn " + std::to_string(i));
    }
    const MapData d = pointData(pts, names);
    style::Style st = marker(style::Symbol::Circle);
    st.sizePt = 1.5;
    st.labelField = "name";
    st.labelPriorityField = "rank";  // the last point has the highest rank
    MapSettings s = bareSettings({0, 0, 200, 120}, 200, 120, st);
    cairo::SurfacePtr surf(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 200, 120));
    const cairo::ContextPtr cr = cairo::makeContext(surf.get());
    const auto boxes = labelLayout(cr.get(), d, s);
    REQUIRE(boxes.size() >= 3);
    CHECK(boxes.size() < 60);
    for (size_t i = 0; i < boxes.size(); ++i)
        for (size_t j = i + 1; j < boxes.size(); ++j)
            REQUIRE_FALSE(boxes[i].box.intersects(boxes[j].box));
    CHECK(boxes.front().text == "Thôn 59");  // placed first
}

TEST_CASE("Predicted coverage is a Telecom layer drawn by signal level with its default style", "[render][style][layertree]")
{
    // Two squares as `bando predict` writes them: level good on the left, weak on the right.
    MapData d;
    d.epsg = 9215;
    Layer l;
    l.name = "coverage_predicted";
    l.geomType = GeomType::MultiPolygon;
    l.epsg = 9215;
    l.fields = {{"level", FieldType::Text, 0, false}};
    const char* levels[] = {"good", "weak"};
    for (int i = 0; i < 2; ++i) {
        const double x0 = i * 100.0;
        Geometry g = Geometry::polygon({{{x0, 0}, {x0 + 100, 0}, {x0 + 100, 100}, {x0, 100}, {x0, 0}}});
        g.type = GeomType::MultiPolygon;
        Feature& f = l.addFeature(std::move(g));
        l.set(f, "level", std::string(levels[i]));
    }
    d.layers.push_back(std::move(l));
    d.prepare();

    CHECK(layerGroup("coverage_predicted") == "telecom");
    const LayerState st = defaultLayerState(d);
    REQUIRE(st.order == std::vector<std::string>{"coverage_predicted"});
    CHECK(st.hidden == std::vector<std::string>{"coverage_predicted"});  // listed, off until ticked

    MapSettings s;
    s.extent = {0, 0, 200, 100};
    s.widthPx = 200;
    s.heightPx = 100;
    s.dpi = 72;
    s.title = s.legend = s.scaleBar = s.northArrow = false;
    s.layerOrder = {"coverage_predicted"};
    const Raster r = draw(d, s);
    // 45 % of the class colour over the background (0xf4f3ef), inside each square.
    auto blend = [](uint32_t c) {
        uint32_t out = 0xff000000;
        for (int sh : {16, 8, 0}) {
            const double v = 0.45 * ((c >> sh) & 0xff) + 0.55 * ((kBg >> sh) & 0xff);
            out |= static_cast<uint32_t>(std::lround(v)) << sh;
        }
        return out;
    };
    auto near = [](uint32_t a, uint32_t b) {
        for (int sh : {16, 8, 0})
            if (std::abs(int((a >> sh) & 0xff) - int((b >> sh) & 0xff)) > 1)
                return false;
        return true;
    };
    INFO(std::hex << r.at(50, 50) << " " << r.at(150, 50));
    CHECK(near(r.at(50, 50), blend(0x009e73)));   // good: bluish green
    CHECK(near(r.at(150, 50), blend(0xe69f00)));  // weak: orange
    // Its legend rows are the two levels, in the layer tree's legend.
    s.language = "en";
    const auto rows = layerLegendRows(d, s, "coverage_predicted");
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].label.rfind("Good signal (predicted)", 0) == 0);
    CHECK(rows[1].label.rfind("Weak signal (predicted)", 0) == 0);
}
