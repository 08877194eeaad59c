// Hillshade: Horn's gradient on hand-made planes and a ridge (values worked out by hand in the
// comments), the overlay colours, and the renderer's pixels over a known DEM.
#include <catch2/catch.hpp>

#include "core/capi/cairo.hpp"
#include "core/render/hillshade.hpp"
#include "core/render/layer_tree.hpp"
#include "core/render/map_renderer.hpp"
#include "core/render/map_style.hpp"
#include "core/model/schema.hpp"
#include "core/render/styled_layer.hpp"

#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <functional>

using namespace bando;
using namespace bando::render;

namespace {

DemGrid makeDem(int cols, int rows, double cell, const std::function<double(int, int)>& z)
{
    DemGrid d;
    d.cols = cols;
    d.rows = rows;
    d.cell = cell;
    d.originX = 0;
    d.originY = rows * cell;
    d.epsg = 9215;
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c)
            d.z.push_back(static_cast<float>(z(c, r)));
    return d;
}

float shadeAt(const std::vector<float>& s, const DemGrid& d, int c, int r)
{
    return s[static_cast<size_t>(r * d.cols + c)];
}

// Light from 315° at 45°: L = (sin 315·cos 45, cos 315·cos 45, sin 45) = (−0.5, 0.5, 0.70711).
// A 45° slope has |∇z| = 1, normal (−dz/dx, −dz/dy, 1)/√2.
constexpr double kLit = (0.5 + 0.7071067811865476) / 1.4142135623730951;   // faces west: 0.853553
constexpr double kDark = (-0.5 + 0.7071067811865476) / 1.4142135623730951; // faces east: 0.146447
constexpr double kFlat = 0.7071067811865476;                                // sin 45°

uint32_t pixelAt(cairo_surface_t* s, int x, int y)
{
    cairo_surface_flush(s);
    const unsigned char* data = cairo_image_surface_get_data(s);
    return *reinterpret_cast<const uint32_t*>(data + y * cairo_image_surface_get_stride(s) + x * 4) & 0xffffff;
}

// `bg` (0xRRGGBB) under the premultiplied overlay `argb`, per channel, rounded.
uint32_t over(uint32_t argb, uint32_t bg)
{
    const double a = (argb >> 24) / 255.0;
    uint32_t out = 0;
    for (int sh : {16, 8, 0}) {
        const double src = (argb >> sh) & 0xff, dst = (bg >> sh) & 0xff;
        out |= static_cast<uint32_t>(std::lround(src + dst * (1 - a))) << sh;
    }
    return out;
}

bool near(uint32_t a, uint32_t b, int tol = 1)
{
    for (int sh : {16, 8, 0})
        if (std::abs(static_cast<int>((a >> sh) & 0xff) - static_cast<int>((b >> sh) & 0xff)) > tol)
            return false;
    return true;
}

} // namespace

TEST_CASE("hillshade: planes facing west, east and south under the default light", "[render][hillshade][unit]")
{
    // z rises 10 m per 10 m cell eastwards: dz/dx = ((3·10) − (−3·10))/80 = 1 at every interior cell.
    const DemGrid east = makeDem(5, 5, 10, [](int c, int) { return 10.0 * c; });
    const auto s1 = hillshade(east);
    CHECK(shadeAt(s1, east, 2, 2) == Approx(kLit).epsilon(1e-6));
    CHECK(shadeAt(s1, east, 1, 3) == Approx(kLit).epsilon(1e-6));
    // Falling eastwards: the slope faces east, away from the north-west light.
    const DemGrid west = makeDem(5, 5, 10, [](int c, int) { return 100.0 - 10.0 * c; });
    CHECK(shadeAt(hillshade(west), west, 2, 2) == Approx(kDark).epsilon(1e-6));
    // Rising northwards (row 0 is north): dz/dy = +1, the slope faces south → as dark as east.
    const DemGrid north = makeDem(5, 5, 10, [](int, int r) { return 10.0 * (4 - r); });
    CHECK(shadeAt(hillshade(north), north, 2, 2) == Approx(kDark).epsilon(1e-6));
    // Rising southwards: faces north, lit like the west-facing slope.
    const DemGrid south = makeDem(5, 5, 10, [](int, int r) { return 10.0 * r; });
    CHECK(shadeAt(hillshade(south), south, 2, 2) == Approx(kLit).epsilon(1e-6));
    // A z-factor of 2 on a 45° slope: n = (−2, 0, 1)/√5 → (1 + 0.70711)/2.23607 = 0.763441.
    HillshadeParams p;
    p.zFactor = 2;
    CHECK(shadeAt(hillshade(east, p), east, 2, 2) == Approx((1 + kFlat) / std::sqrt(5.0)).epsilon(1e-6));
    // Light from the east (90°) at 30°: L = (0.86603, 0, 0.5); the west-facing slope gets
    // (−0.86603 + 0.5)/√2 < 0 → 0.
    p = {};
    p.azimuthDeg = 90;
    p.altitudeDeg = 30;
    CHECK(shadeAt(hillshade(east, p), east, 2, 2) == 0.0f);
}

TEST_CASE("hillshade: a north-south ridge, flat crest and no-data cells", "[render][hillshade][unit]")
{
    // z = 100 − 10·|c − 3| on 10 m cells: west flank rises to the crest at column 3.
    const DemGrid ridge = makeDem(7, 4, 10, [](int c, int) { return 100.0 - 10.0 * std::abs(c - 3); });
    const auto s = hillshade(ridge);
    for (int r = 0; r < 4; ++r) {
        CHECK(shadeAt(s, ridge, 1, r) == Approx(kLit).epsilon(1e-6));
        CHECK(shadeAt(s, ridge, 2, r) == Approx(kLit).epsilon(1e-6));
        // Crest: (c + 2f + i) − (a + 2d + g) = 4·90 − 4·90 = 0 → flat.
        CHECK(shadeAt(s, ridge, 3, r) == Approx(kFlat).epsilon(1e-6));
        CHECK(shadeAt(s, ridge, 4, r) == Approx(kDark).epsilon(1e-6));
        CHECK(shadeAt(s, ridge, 5, r) == Approx(kDark).epsilon(1e-6));
    }
    // Edges and corners: a neighbour outside is extrapolated (west of column 0: 2·70 − 80 = 60;
    // north of the crest: 2·z(2, 0) − z(2, 1) = 90), so flanks and crest stay exact to the border.
    CHECK(shadeAt(s, ridge, 3, 0) == Approx(kFlat).epsilon(1e-6));
    CHECK(shadeAt(s, ridge, 0, 1) == Approx(kLit).epsilon(1e-6));
    CHECK(shadeAt(s, ridge, 0, 0) == Approx(kLit).epsilon(1e-6));
    CHECK(shadeAt(s, ridge, 6, 3) == Approx(kDark).epsilon(1e-6));
    // A corner neighbour with nothing to extrapolate from (a one-column grid rising southwards):
    // the corners take the centre's 10 m, so dz/dy = ((10 + 0 + 10) − (10 + 40 + 10))/80 = −0.5,
    // n = (0, 0.5, 1)/√1.25 → (0.25 + 0.70711)/1.11803 = 0.856073.
    const DemGrid column = makeDem(1, 3, 10, [](int, int r) { return 10.0 * r; });
    CHECK(shadeAt(hillshade(column), column, 0, 1) == Approx((0.25 + kFlat) / std::sqrt(1.25)).epsilon(1e-6));

    DemGrid holes = makeDem(5, 5, 10, [](int c, int) { return 10.0 * c; });
    holes.z[static_cast<size_t>(2 * 5 + 3)] = std::numeric_limits<float>::quiet_NaN();  // (3, 2)
    const auto h = hillshade(holes);
    CHECK(std::isnan(shadeAt(h, holes, 3, 2)));
    // (2, 2) sees (3, 2) missing → 2·20 − 10 = 30 from (1, 2): the plane again.
    CHECK(shadeAt(h, holes, 2, 2) == Approx(kLit).epsilon(1e-6));
    // Both (3, 2) and (1, 2) missing (nothing to extrapolate from) → the centre's 20 on both sides: dz/dx = ((30 + 40 + 30) −
    // (10 + 40 + 10))/80 = 0.5, n = (−0.5, 0, 1)/√1.25 → (0.25 + 0.70711)/1.11803 = 0.856073.
    holes.z[static_cast<size_t>(2 * 5 + 1)] = std::numeric_limits<float>::quiet_NaN();
    CHECK(shadeAt(hillshade(holes), holes, 2, 2) == Approx((0.25 + kFlat) / std::sqrt(1.25)).epsilon(1e-6));
    CHECK(hillshade(DemGrid{}).empty());
}

TEST_CASE("hillshadeOverlay: flat ground untouched, shadow black, light white", "[render][hillshade][unit]")
{
    CHECK(hillshadeOverlay(static_cast<float>(kFlat), kFlat) == 0u);
    // Shade 0: black at alpha round(0.55·255) = 140 = 0x8c.
    CHECK(hillshadeOverlay(0.f, kFlat) == 0x8c000000u);
    // Shade 1: white at alpha round(0.35·255) = 89 = 0x59, premultiplied 89.
    CHECK(hillshadeOverlay(1.f, kFlat) == 0x59595959u);
    // Half-way into the shadow: alpha round(0.275·255) = 70 = 0x46.
    CHECK(hillshadeOverlay(static_cast<float>(kFlat / 2), kFlat) == 0x46000000u);
    CHECK(hillshadeOverlay(std::numeric_limits<float>::quiet_NaN(), kFlat) == 0u);
}

TEST_CASE("renderMap: the hillshade of a ridge at known pixels, toggled by the layer state", "[render][hillshade][unit]")
{
    // 9 × 9 cells of 100 m, crest at column 4; drawn at 20 px per cell.
    MapData d;
    d.dem = makeDem(9, 9, 100, [](int c, int) { return 1000.0 - 100.0 * std::abs(c - 4); });
    d.prepare();
    REQUIRE(d.hillshadeImage.size() == 81);
    CHECK(d.extent.minX == 0);
    CHECK(d.extent.maxX == 900);
    const LayerState def = defaultLayerState(d);
    CHECK(def.order == std::vector<std::string>{kHillshadeLayer});
    CHECK(def.hidden == std::vector<std::string>{kHillshadeLayer});  // turned on in the layer tree
    CHECK(layerGroup(kHillshadeLayer) == "context");

    MapSettings s;
    s.widthPx = s.heightPx = 180;
    s.extent = d.extent;
    s.title = s.legend = s.scaleBar = s.northArrow = false;
    s.layerOrder = {kHillshadeLayer};
    const uint32_t bg = 0xf4f3ef;
    const uint32_t lit = hillshadeOverlay(static_cast<float>(kLit), kFlat);
    const uint32_t dark = hillshadeOverlay(static_cast<float>(kDark), kFlat);
    auto draw = [&](const MapSettings& ms) {
        cairo::SurfacePtr img(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 180, 180));
        {
            cairo::ContextPtr cr(cairo_create(img.get()));
            renderMap(cr.get(), d, ms);
        }
        return img;
    };
    {
        const auto img = draw(s);
        // Cell centres (col·20 + 10): west flank lit, crest untouched, east flank in shadow.
        CHECK(near(pixelAt(img.get(), 2 * 20 + 10, 90), over(lit, bg)));
        CHECK(near(pixelAt(img.get(), 4 * 20 + 9, 90), bg));
        CHECK(near(pixelAt(img.get(), 6 * 20 + 10, 90), over(dark, bg)));
        CHECK(pixelAt(img.get(), 6 * 20 + 10, 90) != bg);
    }
    {
        // Half opacity from the layer tree: alpha halves.
        MapSettings half = s;
        half.display.push_back({kHillshadeLayer, 0.5, 0, 0});
        const auto img = draw(half);
        const uint32_t a = (dark >> 24) / 2;
        CHECK(near(pixelAt(img.get(), 6 * 20 + 10, 90), over(a << 24, bg), 2));
    }
    {
        MapSettings hidden = s;
        hidden.hiddenLayers = {kHillshadeLayer};
        const auto img = draw(hidden);
        CHECK(pixelAt(img.get(), 6 * 20 + 10, 90) == bg);
        CHECK(pixelAt(img.get(), 2 * 20 + 10, 90) == bg);
    }
}

TEST_CASE("place names: communes from 1:400,000, settlements from 1:100,000, no overlaps", "[render][labels][unit]")
{
    MapData d;
    Layer c = schema::makeLayer(schema::kCommunes);
    c.epsg = 9215;
    for (int i = 0; i < 2; ++i) {
        auto& f = c.addFeature(Geometry::polygon({{{i * 4000.0, 0}, {i * 4000.0 + 4000, 0}, {i * 4000.0 + 4000, 4000},
                                                   {i * 4000.0, 4000}, {i * 4000.0, 0}}}));
        c.set(f, "name", i == 0 ? "Xã Hoàng Đồng" : "Xã Mai Pha");
    }
    Layer s;
    s.name = "settlements";
    s.geomType = GeomType::Point;
    s.epsg = 9215;
    s.fields = {{"name", FieldType::Text, 0, false}, {"households", FieldType::Integer, 0, false}};
    // Five settlements 5 m apart (under a pixel at 1:100,000): by households, the largest takes
    // the right of the point, the next the left; above and below overlap those boxes (a name is
    // wider than the marker gap), so the three smaller get none.
    const int hh[5] = {30, 90, 10, 50, 70};
    for (int i = 0; i < 5; ++i) {
        auto& f = s.addFeature(Geometry::point(1000 + 5 * i, 1000));
        s.set(f, "name", "Bản " + std::to_string(hh[i]));
        s.set(f, "households", static_cast<int64_t>(hh[i]));
    }
    d.layers.push_back(std::move(c));
    d.layers.push_back(std::move(s));
    d.prepare();
    const LayerState def = defaultLayerState(d);
    CHECK(def.order.back() == kPlaceLabelsLayer);
    CHECK(std::find(def.hidden.begin(), def.hidden.end(), kPlaceLabelsLayer) != def.hidden.end());

    auto labelsAt = [&](double denominator) {
        MapSettings ms;
        ms.widthPx = 400;
        ms.heightPx = 300;
        ms.dpi = 96;
        ms.title = ms.legend = ms.scaleBar = ms.northArrow = false;
        const double half = 200 * denominator * 0.0254 / 96;  // metres per 200 px
        ms.extent = {4000 - half, 2000 - half * 0.75, 4000 + half, 2000 + half * 0.75};
        ms.layerOrder = {schema::kCommunes, kPlaceLabelsLayer};
        CHECK(scaleDenominator(ms, d) == Approx(denominator).epsilon(1e-9));
        cairo::SurfacePtr img(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 400, 300));
        cairo::ContextPtr cr(cairo_create(img.get()));
        return labelLayout(cr.get(), d, ms);
    };
    auto texts = [](const std::vector<PlacedLabel>& l) {
        std::vector<std::string> t;
        for (const auto& p : l)
            t.push_back(p.text);
        return t;
    };
    CHECK(labelsAt(1000000).empty());
    CHECK(texts(labelsAt(400000)) == std::vector<std::string>{"Xã Hoàng Đồng", "Xã Mai Pha"});
    const auto near = labelsAt(100000);
    // Communes first (their priority), then the settlements by households.
    CHECK(texts(near) == std::vector<std::string>{"Xã Hoàng Đồng", "Xã Mai Pha", "Bản 90", "Bản 70"});
    CHECK(near[2].box.minX > near[3].box.maxX);  // right of the point, then left
    for (size_t i = 0; i < near.size(); ++i)
        for (size_t j = i + 1; j < near.size(); ++j)
            CHECK_FALSE(near[i].box.intersects(near[j].box));
    // A commune name is centred on its interior point (x = 2 km → device x of the anchor).
    const auto& hd = near[0].box;
    const double anchorX = 200 + (2000 - 4000) * 96 / 0.0254 / 100000;
    CHECK((hd.minX + hd.maxX) / 2 == Approx(anchorX).margin(0.5));
}

TEST_CASE("place names: a commune named at its seat is not named twice", "[render][labels][unit]")
{
    MapData d;
    Layer c = schema::makeLayer(schema::kCommunes);
    c.epsg = 9215;
    for (int i = 0; i < 2; ++i) {
        auto& f = c.addFeature(Geometry::polygon({{{i * 4000.0, 0}, {i * 4000.0 + 4000, 0}, {i * 4000.0 + 4000, 4000},
                                                   {i * 4000.0, 4000}, {i * 4000.0, 0}}}));
        c.set(f, "name", i == 0 ? "Xã Hoàng Đồng" : "Xã Mai Pha");
    }
    Layer dist = schema::makeLayer(schema::kDistricts);
    dist.epsg = 9215;
    auto& df = dist.addFeature(Geometry::polygon({{{0, 0}, {8000, 0}, {8000, 4000}, {0, 4000}, {0, 0}}}));
    dist.set(df, "code", "183");
    dist.set(df, "name", "Huyện Cao Lộc");
    Layer places = schema::makeLayer(schema::kPlaces);
    places.epsg = 9215;
    auto& pf = places.addFeature(Geometry::point(6500, 1000));  // Mai Pha's seat, off its centre
    places.set(pf, "name", "Xã Mai Pha");
    places.set(pf, "kind", "commune");
    d.layers.push_back(std::move(c));
    d.layers.push_back(std::move(dist));
    d.layers.push_back(std::move(places));
    d.prepare();
    MapSettings ms;
    ms.widthPx = 400;
    ms.heightPx = 300;
    ms.title = ms.legend = ms.scaleBar = ms.northArrow = false;
    ms.districtCode = "183";  // the district view shows its commune seats with their names
    ms.layerOrder = {schema::kCommunes, schema::kDistricts, schema::kPlaces, kPlaceLabelsLayer};
    REQUIRE(scaleDenominator(ms, d) < 400000);
    cairo::SurfacePtr img(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 400, 300));
    cairo::ContextPtr cr(cairo_create(img.get()));
    const auto labels = labelLayout(cr.get(), d, ms);
    REQUIRE(labels.size() == 1);
    CHECK(labels[0].text == "Xã Hoàng Đồng");
    // Without the seat, Mai Pha gets its area label.
    ms.layerOrder = {schema::kCommunes, schema::kDistricts, kPlaceLabelsLayer};
    CHECK(labelLayout(cr.get(), d, ms).size() == 2);
}
