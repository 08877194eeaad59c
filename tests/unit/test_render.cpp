// Renderer unit tests on hand-made in-memory layers (no files): view transform, themes,
// drawing, RenderRequest validation and export policy, default layer state, styles.
#include <catch2/catch.hpp>

#include "core/base/error.hpp"
#include "core/model/schema.hpp"
#include "core/render/map_renderer.hpp"
#include "core/render/map_style.hpp"
#include "core/render/themes.hpp"
#include "core/capi/cairo.hpp"
#include "core/tasks/job.hpp"
#include "core/tasks/render_task.hpp"

#include <cairo.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <functional>
#include <thread>

using namespace bando;
using namespace bando::render;

namespace {

Ring square(double x0, double y0, double size)
{
    return {{x0, y0}, {x0 + size, y0}, {x0 + size, y0 + size}, {x0, y0 + size}, {x0, y0}};
}

// 12 villages of 1 km² in a row (x = 0..12 km), households 10, 20, ..., 120 (density = hh),
// plus one village without households at x = 12..13 km; one district covering all.
MapData makeRowData()
{
    MapData d;
    d.epsg = 9215;
    Layer v = schema::makeLayer(schema::kVillages);
    v.epsg = 9215;
    for (int i = 0; i < 13; ++i) {
        auto& f = v.addFeature(Geometry::polygon({square(i * 1000.0, 0, 1000)}));
        v.set(f, "code", "v" + std::to_string(i));
        if (i < 12)
            v.set(f, "households", static_cast<int64_t>(10 * (i + 1)));
    }
    Layer dist = schema::makeLayer(schema::kDistricts);
    dist.epsg = 9215;
    auto& f = dist.addFeature(Geometry::polygon({{{0, 0}, {13000, 0}, {13000, 1000}, {0, 1000}, {0, 0}}}));
    dist.set(f, "code", "183");
    dist.set(f, "name", "Huyện Cao Lộc");
    d.layers.push_back(std::move(v));
    d.layers.push_back(std::move(dist));
    d.prepare();
    return d;
}

uint32_t pixel(cairo_surface_t* s, int x, int y)
{
    cairo_surface_flush(s);
    const unsigned char* data = cairo_image_surface_get_data(s);
    return *reinterpret_cast<const uint32_t*>(data + y * cairo_image_surface_get_stride(s) + x * 4) & 0xffffff;
}

MapSettings bareSettings(int w, int h, Extent e)
{
    MapSettings s;
    s.widthPx = w;
    s.heightPx = h;
    s.extent = e;
    s.title = s.legend = s.scaleBar = s.northArrow = false;
    return s;
}

// A big synthetic data set: `n` villages of 64 vertices each.
std::shared_ptr<MapData> makeHeavyData(int n)
{
    auto d = std::make_shared<MapData>();
    Layer v = schema::makeLayer(schema::kVillages);
    v.epsg = 9215;
    const int side = static_cast<int>(std::ceil(std::sqrt(n)));
    for (int i = 0; i < n; ++i) {
        const double cx = (i % side) * 100.0, cy = (i / side) * 100.0;
        Ring r;
        for (int k = 0; k <= 64; ++k) {
            const double a = 2 * M_PI * (k % 64) / 64;
            r.push_back({cx + 45 * std::cos(a), cy + 45 * std::sin(a)});
        }
        auto& f = v.addFeature(Geometry::polygon({r}));
        v.set(f, "households", static_cast<int64_t>(i % 97 + 1));
    }
    d->layers.push_back(std::move(v));
    d->prepare();
    return d;
}

} // namespace

TEST_CASE("ViewTransform fits the extent, keeps the aspect ratio and round-trips", "[render][unit]")
{
    MapSettings s;
    s.widthPx = 200;
    s.heightPx = 100;
    s.extent = {0, 0, 1000, 500};
    auto vt = viewTransform(s);
    CHECK(vt.scale == Approx(0.2));
    CHECK(vt.toDeviceX(0) == Approx(0));
    CHECK(vt.toDeviceX(1000) == Approx(200));
    CHECK(vt.toDeviceY(500) == Approx(0));
    CHECK(vt.toDeviceY(0) == Approx(100));

    // A square device: the extent is centred vertically (50 px above and below).
    s.heightPx = 200;
    vt = viewTransform(s);
    CHECK(vt.scale == Approx(0.2));
    CHECK(vt.toDeviceY(500) == Approx(50));
    CHECK(vt.toDeviceY(0) == Approx(150));
    CHECK(vt.toMapX(vt.toDeviceX(123.5)) == Approx(123.5));
    CHECK(vt.toMapY(vt.toDeviceY(-77.25)) == Approx(-77.25));

    // A tall extent in a wide device: height limits the scale, x is centred.
    s.widthPx = 400;
    s.heightPx = 100;
    s.extent = {10, 20, 60, 120};
    vt = viewTransform(s);
    CHECK(vt.scale == Approx(1.0));
    CHECK(vt.toDeviceX(35) == Approx(200));
    CHECK(vt.toDeviceY(70) == Approx(50));
}

TEST_CASE("effectiveExtent zooms to a district and rejects unknown codes", "[render][unit]")
{
    MapData d = makeRowData();
    MapSettings s;
    CHECK(effectiveExtent(s, d).minX < 0);  // data extent plus margins
    CHECK(effectiveExtent(s, d).maxY > 1000);
    s.districtCode = "183";
    const Extent e = effectiveExtent(s, d);
    CHECK(e.minX == Approx(-520));  // 4% of 13 km
    CHECK(e.maxX == Approx(13520));
    s.districtCode = "999";
    try {
        effectiveExtent(s, d);
        FAIL("no error");
    } catch (const Error& err) {
        CHECK(err.kind() == ErrorKind::Usage);
        CHECK(std::string(err.what()).find("999") != std::string::npos);
        CHECK(std::string(err.what()).find("183") != std::string::npos);  // lists known codes
    }
}

TEST_CASE("Density theme: quantile classes on households per km²", "[render][unit]")
{
    MapData d = makeRowData();
    REQUIRE(d.villageDensity.size() == 13);
    CHECK(d.villageDensity[0] == Approx(10));
    CHECK(d.villageDensity[11] == Approx(120));
    CHECK(std::isnan(d.villageDensity[12]));
    const auto* t = d.theme("density");
    REQUIRE(t);
    CHECK(t->breaks == std::vector<double>{30, 50, 70, 90, 110});
    CHECK(t->villageClass == std::vector<int>{0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, -1});
    CHECK(t->classCounts == std::vector<int>{2, 2, 2, 2, 2, 2});
    CHECK(t->classLabels.front() == "< 30");
    CHECK(t->classLabels[1] == "30 – 50");
    CHECK(t->classLabels.back() == "≥ 110");
    CHECK(d.theme("shops") == nullptr);  // no shops layer
    CHECK(d.theme("coverage") == nullptr);

    CHECK(roundSignificant(1234, 2) == Approx(1200));
    CHECK(roundSignificant(0.0456, 2) == Approx(0.046));
    CHECK(quantileBreaks({5, 5, 5, 5, 5, 5}, 6).empty());  // one class when all equal
    CHECK(formatNumber(12500) == "12\u2009500");
}

TEST_CASE("renderMap fills each village with its class colour", "[render][unit]")
{
    MapData d = makeRowData();
    // 13 km x 1 km drawn into 1300 x 100 px: village i covers x = 100 i .. 100 i + 100.
    const MapSettings s = bareSettings(1300, 100, {0, 0, 13000, 1000});
    cairo::SurfacePtr surfOwned(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1300, 100));
    cairo_surface_t* surf = surfOwned.get();
    cairo::ContextPtr crOwned(cairo_create(surf));
    cairo_t* cr = crOwned.get();
    renderMap(cr, d, s);
    CHECK(cairo_status(cr) == CAIRO_STATUS_SUCCESS);
    CHECK(pixel(surf, 50, 50) == 0xffffcc);    // 10 hh/km²
    CHECK(pixel(surf, 350, 50) == 0xc7e9b4);   // 40
    CHECK(pixel(surf, 550, 50) == 0x7fcdbb);   // 60
    CHECK(pixel(surf, 750, 50) == 0x41b6c4);   // 80
    CHECK(pixel(surf, 950, 50) == 0x2c7fb8);   // 100
    CHECK(pixel(surf, 1150, 50) == 0x253494);  // 120
    CHECK(pixel(surf, 1250, 50) == 0xd9d9d9);  // no households: no-data grey
    // Hidden villages leave the background.
    MapSettings hidden = s;
    hidden.hiddenLayers = {"villages"};
    renderMap(cr, d, hidden);
    CHECK(pixel(surf, 50, 50) == 0xf4f3ef);
    crOwned.reset();
    surfOwned.reset();
}

TEST_CASE("Legend layout lists the classes with colours and counts", "[render][unit]")
{
    MapData d = makeRowData();
    MapSettings s = bareSettings(800, 600, {});
    s.legend = true;
    auto items = legendLayout(d, s);
    REQUIRE(items.size() == 7);  // six classes + no data
    CHECK(items[0].colour == 0xffffcc);
    CHECK(items[5].colour == 0x253494);
    CHECK(items[6].colour == 0xd9d9d9);
    CHECK(items[0].label == "< 30 (2)");
    CHECK(items[6].count == 1);
    for (size_t i = 1; i < items.size(); ++i)
        CHECK(items[i].y > items[i - 1].y);
    CHECK(items.back().y + items.back().h < 600);

    // The swatches are drawn where the layout says.
    cairo::SurfacePtr surfOwned(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 800, 600));
    cairo_surface_t* surf = surfOwned.get();
    cairo::ContextPtr crOwned(cairo_create(surf));
    cairo_t* cr = crOwned.get();
    renderMap(cr, d, s);
    for (const auto& it : items)
        CHECK(pixel(surf, static_cast<int>(it.x + it.w / 2), static_cast<int>(it.y + it.h / 2)) == it.colour);
    crOwned.reset();
    surfOwned.reset();
}

TEST_CASE("renderMap throws CancelledError when the feedback is cancelled", "[render][unit]")
{
    MapData d = makeRowData();
    Feedback fb;
    fb.cancel();
    cairo::SurfacePtr surfOwned(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 100, 100));
    cairo_surface_t* surf = surfOwned.get();
    cairo::ContextPtr crOwned(cairo_create(surf));
    cairo_t* cr = crOwned.get();
    CHECK_THROWS_AS(renderMap(cr, d, bareSettings(100, 100, {0, 0, 13000, 1000}), &fb), CancelledError);
    crOwned.reset();
    surfOwned.reset();
}

TEST_CASE("RenderJob renders on a worker thread and reports on it", "[render][unit][job]")
{
    auto data = std::make_shared<MapData>(makeRowData());
    RenderJob job(data, bareSettings(260, 20, {0, 0, 13000, 1000}));
    std::thread::id doneThread;
    std::atomic<bool> called{false};
    job.start([&](RenderJob& j) {
        doneThread = std::this_thread::get_id();
        CHECK(j.isFinished());
        called = true;
    });
    job.wait();
    REQUIRE(called);
    CHECK(doneThread != std::this_thread::get_id());
    CHECK_FALSE(job.error());
    CHECK_FALSE(job.wasCancelled());
    REQUIRE(job.image().width == 260);
    REQUIRE(job.image().height == 20);
    const auto& img = job.image();
    auto px = [&](int x, int y) {
        return *reinterpret_cast<const uint32_t*>(&img.pixels[static_cast<size_t>(y * img.stride + x * 4)]) & 0xffffff;
    };
    CHECK(px(10, 10) == 0xffffcc);
    CHECK(px(230, 10) == 0x253494);
    CHECK(job.elapsedSeconds() > 0);
    CHECK_THROWS_AS(job.start(), Error);  // a job runs once
}

TEST_CASE("RenderJob cancel does not block and leaves no image", "[render][unit][job]")
{
    auto data = makeHeavyData(6000);
    const MapSettings s = bareSettings(1000, 1000, data->extent);
    // Reference: the full render takes a while.
    RenderJob full(data, s);
    full.start();
    full.wait();
    REQUIRE_FALSE(full.error());
    const double fullTime = full.elapsedSeconds();

    RenderJob job(data, s);
    job.start();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    const auto t0 = std::chrono::steady_clock::now();
    job.cancel();
    const double cancelCall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    CHECK(cancelCall < 0.05);
    job.wait();
    CHECK(job.isFinished());
    CHECK(job.wasCancelled());
    REQUIRE(job.error());
    CHECK_THROWS_AS(std::rethrow_exception(job.error()), CancelledError);
    CHECK(job.image().width == 0);  // no partial (stale) image is exposed
    CHECK(job.image().pixels.empty());
    CHECK(job.elapsedSeconds() < fullTime);
}

TEST_CASE("A superseded RenderJob is cancelled by its destructor without blocking long", "[render][unit][job]")
{
    auto data = makeHeavyData(6000);
    const MapSettings s = bareSettings(1000, 1000, data->extent);
    std::atomic<int> finished{0};
    std::atomic<bool> staleHadImage{false};
    const auto t0 = std::chrono::steady_clock::now();
    {
        auto stale = std::make_unique<RenderJob>(data, s);
        stale->start([&](RenderJob& j) {
            staleHadImage = j.image().width > 0;
            ++finished;
        });
        // The canvas refreshes: the old job is dropped, a new one takes over.
        stale.reset();  // cancels + joins
        CHECK(finished == 1);
        CHECK_FALSE(staleHadImage);
    }
    const double dropTime = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    RenderJob fresh(data, bareSettings(100, 100, data->extent));
    fresh.start();
    fresh.wait();
    CHECK_FALSE(fresh.error());
    CHECK(fresh.image().width == 100);
    CHECK(dropTime < 0.5);
    // A job that was never started can be destroyed and waited on.
    RenderJob idle(data, s);
    idle.wait();
    CHECK_FALSE(idle.isFinished());
}

TEST_CASE("layerOrder draws other layers on request, in order", "[render][unit]")
{
    MapData d = makeRowData();
    Layer sites;
    sites.name = "sites";
    sites.geomType = GeomType::Point;
    sites.epsg = 9215;
    sites.addFeature(Geometry::point(500, 500));  // centre of village 0
    d.layers.push_back(sites);
    d.prepare();
    cairo::SurfacePtr surfOwned(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1300, 100));
    cairo_surface_t* surf = surfOwned.get();
    cairo::ContextPtr crOwned(cairo_create(surf));
    cairo_t* cr = crOwned.get();
    MapSettings s = bareSettings(1300, 100, {0, 0, 13000, 1000});
    renderMap(cr, d, s);
    CHECK(pixel(surf, 50, 50) == 0xffffcc);  // default order: sites not drawn
    s.layerOrder = {"villages", "sites"};
    renderMap(cr, d, s);
    const uint32_t dot = pixel(surf, 50, 50);
    CHECK(dot != 0xffffcc);
    CHECK(pixel(surf, 60, 50) == 0xffffcc);  // a small marker only
    s.layerOrder = {"sites", "villages"};    // villages on top hide it
    renderMap(cr, d, s);
    CHECK(pixel(surf, 50, 50) == 0xffffcc);
    s.layerOrder = {"villages", "districts"};
    renderMap(cr, d, s);
    CHECK((pixel(surf, 0, 50) & 0xff) < 0x80);  // the district boundary at the left edge
    s.layerOrder = {"villages"};  // districts not listed: no boundary
    renderMap(cr, d, s);
    CHECK((pixel(surf, 0, 50) & 0xff) > 0xc0);  // not the dark boundary
    crOwned.reset();
    surfOwned.reset();
}

TEST_CASE("Shops theme: digital shops per 100 households, aggregated per village", "[render][unit]")
{
    MapData d = makeRowData();  // village i has 10 (i + 1) households
    Layer shops;
    shops.name = "shops";
    shops.geomType = GeomType::Point;
    shops.epsg = 9215;
    shops.fields = {{"village_code", FieldType::Text}};
    auto addShops = [&](int village, int n) {
        for (int k = 0; k < n; ++k) {
            auto& f = shops.addFeature(Geometry::point(village * 1000.0 + 500, 500));
            shops.set(f, "village_code", "v" + std::to_string(village));
        }
    };
    addShops(0, 0);   // 0 %
    addShops(1, 4);   // 4 of 20 = 20 %
    addShops(3, 16);  // 16 of 40 = 40 %
    addShops(4, 27);  // 27 of 50 = 54 %
    addShops(9, 70);  // 70 of 100 = 70 %
    d.layers.push_back(shops);
    d.prepare();
    const auto* t = d.theme("shops");
    REQUIRE(t);
    CHECK(t->villageValue[1] == Approx(20));
    CHECK(t->villageValue[4] == Approx(54));
    CHECK(t->villageClass[0] == 0);
    CHECK(t->villageClass[1] == 1);
    CHECK(t->villageClass[3] == 2);
    CHECK(t->villageClass[4] == 3);
    CHECK(t->villageClass[9] == 4);
    CHECK(t->villageClass[12] == -1);  // no households
    CHECK(t->classCounts == std::vector<int>{8, 1, 1, 1, 1});
    CHECK(availableThemes(d) == std::vector<std::string>{"density", "shops"});

    // Drawn as one fill per class: the 70 % village is dark green.
    cairo::SurfacePtr surfOwned(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1300, 100));
    cairo_surface_t* surf = surfOwned.get();
    cairo::ContextPtr crOwned(cairo_create(surf));
    cairo_t* cr = crOwned.get();
    MapSettings s = bareSettings(1300, 100, {0, 0, 13000, 1000});
    s.theme = "shops";
    renderMap(cr, d, s);
    CHECK(pixel(surf, 950, 20) == 0x006d2c);
    CHECK(pixel(surf, 50, 20) == 0xedf8e9);
    s.theme = "coverage";  // no settlements/coverage layers
    CHECK_THROWS_AS(renderMap(cr, d, s), Error);
    crOwned.reset();
    surfOwned.reset();
}

TEST_CASE("Coverage theme maps classifyVillages() classes to colours", "[render][unit]")
{
    MapData d = makeRowData();
    Layer settlements = schema::makeLayer("settlements");
    settlements.epsg = 9215;
    Layer coverage = schema::makeLayer("coverage");
    coverage.epsg = 9215;
    // One settlement per village (all its households) at the village centre.
    for (int i = 0; i < 12; ++i) {
        auto& f = settlements.addFeature(Geometry::point(i * 1000.0 + 500, 500));
        settlements.set(f, "village_code", "v" + std::to_string(i));
        settlements.set(f, "households", static_cast<int64_t>(10 * (i + 1)));
        settlements.set(f, "is_centre", int64_t(1));
    }
    // Good 4G over villages 0-3, weak only over villages 4-5, nothing beyond.
    auto& good = coverage.addFeature(Geometry::polygon({square(0, 0, 4000)}));
    coverage.set(good, "operator", "Viettel");
    coverage.set(good, "technology", "4G");
    coverage.set(good, "level", "good");
    auto& weak = coverage.addFeature(Geometry::polygon({{{4000, 0}, {6000, 0}, {6000, 1000}, {4000, 1000}, {4000, 0}}}));
    coverage.set(weak, "operator", "Viettel");
    coverage.set(weak, "technology", "4G");
    coverage.set(weak, "level", "weak");
    for (auto& l : {settlements, coverage}) {
        Layer copy = l;
        for (auto& f : copy.features)
            f.geom.type = l.geomType == GeomType::Point ? GeomType::Point : GeomType::MultiPolygon;
        d.layers.push_back(copy);
    }
    d.prepare();
    const auto* t = d.theme("coverage");
    REQUIRE(t);
    CHECK(t->villageClass[0] == 2);  // covered
    CHECK(t->villageClass[3] == 2);
    CHECK(t->villageClass[4] == 1);  // unstable (weak only)
    CHECK(t->villageClass[5] == 1);
    CHECK(t->villageClass[8] == 0);  // no signal
    CHECK(t->classCounts[0] + t->classCounts[1] + t->classCounts[2] == 13);
    cairo::SurfacePtr surfOwned(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1300, 100));
    cairo_surface_t* surf = surfOwned.get();
    cairo::ContextPtr crOwned(cairo_create(surf));
    cairo_t* cr = crOwned.get();
    MapSettings s = bareSettings(1300, 100, {0, 0, 13000, 1000});
    s.theme = "coverage";
    renderMap(cr, d, s);
    CHECK(pixel(surf, 50, 20) == 0x91cf60);   // covered
    CHECK(pixel(surf, 450, 20) == 0xfdae61);  // unstable
    CHECK(pixel(surf, 850, 20) == 0xd7191c);  // no signal
    crOwned.reset();
    surfOwned.reset();
}

namespace {

// The Usage error `request.validate()` throws, or a failed check.
Error validationError(const tasks::RenderRequest& request)
{
    try {
        request.validate();
    } catch (const Error& e) {
        return e;
    }
    FAIL("validate() accepted the request");
    return Error(ErrorKind::Internal, "", "");
}

tasks::RenderRequest goodRequest()
{
    tasks::RenderRequest r;
    r.project = "p.gpkg";
    r.out = "map.png";
    return r;
}

} // namespace

TEST_CASE("RenderRequest::validate names the offending option", "[render][task][unit]")
{
    CHECK_NOTHROW(goodRequest().validate());
    struct Case {
        const char* what;
        std::function<void(tasks::RenderRequest&)> change;
        std::string where;  // the option (or the file) the error names
        std::string text;   // part of the message
    };
    const std::vector<Case> cases = {
        {"no project", [](auto& r) { r.project.clear(); }, "", "PROJECT"},
        {"empty output", [](auto& r) { r.out.clear(); }, "--out", "empty output path"},
        {"size and paper", [](auto& r) { r.widthPx = r.heightPx = 100, r.paper = "A4"; }, "", "--size and --paper"},
        {"landscape without paper", [](auto& r) { r.landscape = true; }, "", "--landscape needs --paper"},
        {"extension", [](auto& r) { r.out = "map.jpg"; }, "map.jpg", ".png or .pdf"},
        {"size too small", [](auto& r) { r.widthPx = 0, r.heightPx = 10; }, "--size", "got '0x10'"},
        {"size too large", [](auto& r) { r.widthPx = 30000, r.heightPx = 10; }, "--size", "got '30000x10'"},
        {"paper", [](auto& r) { r.paper = "B5"; }, "paper", "'B5'"},
        {"theme", [](auto& r) { r.theme = "rainbow"; }, "--theme", "'rainbow' (expected density, coverage, shops, class, penetration, shop_density or gap_households)"},
        {"dpi", [](auto& r) { r.dpi = -1; }, "--dpi", "resolution"},
    };
    for (const auto& c : cases) {
        INFO(c.what);
        tasks::RenderRequest r = goodRequest();
        c.change(r);
        const Error e = validationError(r);
        CHECK(e.kind() == ErrorKind::Usage);
        CHECK(e.where() == c.where);
        CHECK(e.message().find(c.text) != std::string::npos);
    }
    // Upper-case extensions, paper names in any case and a PDF size are fine.
    tasks::RenderRequest r = goodRequest();
    r.out = "MAP.PDF";
    r.paper = "a3";
    r.landscape = true;
    CHECK_NOTHROW(r.validate());
    CHECK(r.format() == OutputFormat::Pdf);
    // Loaded data stands in for the project file (the app).
    r = goodRequest();
    r.project.clear();
    r.data = std::make_shared<MapData>(makeRowData());
    CHECK_NOTHROW(r.validate());
}

TEST_CASE("RenderRequest export policy: defaults and the app's view export", "[render][task][unit]")
{
    tasks::RenderRequest r = goodRequest();
    CHECK(r.widthPx == 0);  // 0 = the policy's default size
    CHECK(r.paper.empty());
    CHECK(tasks::RenderRequest::kDefaultWidthPx == 1920);
    CHECK(tasks::RenderRequest::kDefaultHeightPx == 1080);
    CHECK(std::string(tasks::RenderRequest::kDefaultPaper) == "A3");
    r.fitView(640, 480);
    CHECK(r.widthPx == 1280);
    CHECK(r.heightPx == 960);
    CHECK(r.dpi == 192);
    CHECK_NOTHROW(r.validate());
    r.out = "map.pdf";
    r.fitView(480, 640);
    CHECK(r.widthPx == 0);
    CHECK(r.paper == "A3");
    CHECK_FALSE(r.landscape);
    CHECK_NOTHROW(r.validate());
    r.fitView(640, 480);
    CHECK(r.landscape);
}

TEST_CASE("RenderRequest refuses a theme the data cannot draw, naming the project", "[render][task][unit]")
{
    tasks::RenderRequest r = goodRequest();
    r.data = std::make_shared<MapData>(makeRowData());  // villages and a district, no coverage
    r.theme = "coverage";
    Feedback fb;
    try {
        tasks::runTask(r, fb);
        FAIL("the coverage theme needs settlements and coverage layers");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Usage);
        CHECK(e.where() == "p.gpkg");
        CHECK(e.message().find("coverage") != std::string::npos);
    }
    r.theme = "density";
    r.district = "999";
    try {
        tasks::runTask(r, fb);
        FAIL("an unknown district must be refused");
    } catch (const Error& e) {
        CHECK(e.where() == "p.gpkg");
        CHECK(e.message().find("999") != std::string::npos);
        CHECK(e.message().find("183") != std::string::npos);  // the known codes
    }
}

TEST_CASE("defaultLayerState: the base map shown, other drawable layers listed and hidden", "[render][unit]")
{
    MapData d;
    auto add = [&](const std::string& name, GeomType type, int features) {
        Layer l;  // no fields needed: only geometry is drawn
        l.name = name;
        l.geomType = type;
        l.epsg = 9215;
        for (int i = 0; i < features; ++i)
            l.addFeature(type == GeomType::Point ? Geometry::point(i, i) : Geometry::polygon({square(i, i, 1)}));
        d.layers.push_back(std::move(l));
    };
    // Project order differs from the drawing order; "roads" is empty, "targets" is a table.
    add("places", GeomType::Point, 2);
    add("sites", GeomType::Point, 3);
    add("extra_zones", GeomType::MultiPolygon, 1);
    add(schema::kDistricts, GeomType::MultiPolygon, 1);
    add(schema::kRoads, GeomType::MultiLineString, 0);
    add("coverage", GeomType::MultiPolygon, 2);
    add(schema::kVillages, GeomType::MultiPolygon, 4);
    add("targets", GeomType::None, 0);
    add(schema::kCommunes, GeomType::MultiPolygon, 2);
    d.prepare();
    const LayerState s = defaultLayerState(d);
    // The Context group's place names are listed on top, hidden (no DEM here: no hillshade).
    CHECK(s.order == std::vector<std::string>{"villages", "coverage", "communes", "districts", "sites", "places",
                                              "extra_zones", "place_labels"});
    CHECK(s.hidden == std::vector<std::string>{"coverage", "sites", "extra_zones", "place_labels"});
    // renderMap with no layer order draws exactly the visible part: the same image as with it.
    MapSettings s1 = bareSettings(200, 200, {0, 0, 5, 5});
    MapSettings s2 = s1;
    s2.layerOrder = s.order;
    s2.hiddenLayers = s.hidden;
    cairo::SurfacePtr a(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 200, 200));
    cairo::SurfacePtr b(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 200, 200));
    {
        cairo::ContextPtr ca(cairo_create(a.get())), cb(cairo_create(b.get()));
        renderMap(ca.get(), d, s1);
        renderMap(cb.get(), d, s2);
    }
    cairo_surface_flush(a.get());
    cairo_surface_flush(b.get());
    const size_t bytes = static_cast<size_t>(cairo_image_surface_get_stride(a.get())) * 200;
    CHECK(std::memcmp(cairo_image_surface_get_data(a.get()), cairo_image_surface_get_data(b.get()), bytes) == 0);
}

TEST_CASE("Theme table and layer styles: one source for the map and the app", "[render][unit]")
{
    std::vector<std::string> ids;
    for (const auto& t : themeTable())
        ids.push_back(t.id);
    CHECK(ids == std::vector<std::string>{"density", "coverage", "shops", "class", "penetration", "shop_density",
                                          "gap_households"});
    CHECK(themeIdList() == "density, coverage, shops, class, penetration, shop_density or gap_households");
    CHECK(themeInfo("rainbow") == nullptr);
    // The themes the renderer computes carry the table's legend titles.
    MapData d = makeRowData();
    REQUIRE(d.theme("density"));
    CHECK(d.theme("density")->legendTitle == themeInfo("density")->legendTitle);
    // Base layer styles, as the renderer draws them.
    CHECK(layerStyle(schema::kDistricts, GeomType::MultiPolygon).stroke.colour == 0x252525);
    CHECK(layerStyle(schema::kCommunes, GeomType::MultiPolygon).fillAlpha == 0);
    CHECK(layerStyle(schema::kRoads, GeomType::MultiLineString).stroke.colour == roadStyles().back().colour);
    CHECK(roadStyles().size() == 3);
    CHECK(layerStyle(schema::kVillages, GeomType::MultiPolygon).themedFill);
    CHECK(layerStyle(schema::kPlaces, GeomType::Point).marker == Marker::Circle);
    // Other layers: one colour per name, whatever the geometry.
    const auto pt = layerStyle("sites", GeomType::Point), ln = layerStyle("sites", GeomType::LineString);
    CHECK(pt.marker == Marker::Square);
    CHECK(pt.fill == ln.stroke.colour);
    // A points layer listed in the order is drawn with its default style (core/style): sites
    // by operator, the first operator in the colour-blind-safe Okabe-Ito orange (issue #13).
    Layer sites = schema::makeLayer("sites");
    sites.name = "sites";
    sites.geomType = GeomType::Point;
    sites.epsg = 9215;
    Feature& site = sites.addFeature(Geometry::point(6500, 500));
    sites.set(site, "operator", std::string("Viettel"));
    d.layers.push_back(sites);
    d.prepare();
    cairo::SurfacePtr surf(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1300, 100));
    {
        cairo::ContextPtr cr(cairo_create(surf.get()));
        MapSettings s = bareSettings(1300, 100, {0, 0, 13000, 1000});
        s.layerOrder = {"sites"};
        cairo_set_source_rgb(cr.get(), 1, 1, 1);
        cairo_paint(cr.get());
        renderMap(cr.get(), d, s);
    }
    CHECK(style::defaultStyle("sites").field == "operator");
    CHECK(pixel(surf.get(), 650, 50) == style::rampColours("OkabeIto", 1)[0]);  // pixel() is 0xRRGGBB
}
