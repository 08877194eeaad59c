// The analysis themes (issue #9, app part): after `analyze`, the renderer offers "class",
// "penetration", "shop_density" and "gap_households", joined from village_indicators on the
// village code; before it, it does not. The class theme carries the sample's 148 / 140 counts
// and `bando render --theme class` draws its colours.
#include <catch2/catch.hpp>

#include "core/capi/cairo.hpp"
#include "core/render/map_renderer.hpp"
#include "core/render/map_style.hpp"
#include "core/store/project_store.hpp"
#include "core/tasks/analyze_task.hpp"
#include "core/tasks/job.hpp"
#include "support/test_support.hpp"

#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

using namespace bando;

namespace {

bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

// Expected class of a value against upper bounds (independent of the renderer's classOf).
int bucket(const std::vector<double>& upper, double v)
{
    int c = 0;
    while (c < static_cast<int>(upper.size()) && v >= upper[static_cast<size_t>(c)])
        ++c;
    return c;
}

} // namespace

TEST_CASE("analysis themes: absent before analyze, joined from village_indicators after", "[render][analyze][theme]")
{
    test::TempDir dir("render-analysis");
    const std::string path = dir.file("p.gpkg");
    std::filesystem::copy_file(test::samplePath(), path);
    {
        auto store = ProjectStore::open(path);
        const auto data = render::loadMapData(*store);
        for (const char* t : {"class", "penetration", "shop_density", "gap_households"})
            CHECK_FALSE(has(render::availableThemes(*data), t));
    }
    Feedback fb;
    tasks::AnalyzeRequest req;
    req.project = path;
    const auto r = tasks::runTask(req, fb);
    REQUIRE(r.total.noSignal == 148);

    auto store = ProjectStore::open(path);
    const auto data = render::loadMapData(*store, 9215, nullptr, render::layersForTheme("class"));
    const Layer* villages = data->layer("villages");
    REQUIRE(villages);
    const size_t n = villages->features.size();
    REQUIRE(r.villages.size() == n);
    // the latest date only: one row per village
    CHECK(data->indicators.features.size() == n);

    const auto* cls = data->theme("class");
    REQUIRE(cls);
    REQUIRE(cls->classCounts.size() == 3);
    CHECK(cls->classCounts[0] == 148);
    CHECK(cls->classCounts[1] == 140);
    CHECK(cls->classCounts[2] == static_cast<int>(n) - 288);
    CHECK(cls->classCounts[2] == r.total.covered);

    // Per village, the theme class is the analysis's value of the same village (joined by code,
    // whatever the feature order of the table).
    std::map<std::string, const analysis::VillageIndicators*> byCode;
    for (const auto& v : r.villages)
        byCode[v.code] = &v;
    const int code = villages->fieldIndex("code");
    const auto* pen = data->theme("penetration");
    const auto* gap = data->theme("gap_households");
    const auto* dens = data->theme("shop_density");
    REQUIRE(pen);
    REQUIRE(gap);
    REQUIRE(dens);
    std::vector<int> penCounts(5, 0), gapCounts(5, 0);
    int checked = 0;
    for (size_t i = 0; i < n; ++i) {
        const auto* v = byCode.at(toString(villages->features[i].values[static_cast<size_t>(code)]));
        const int expectClass = v->status.mobile == analysis::MobileClass::NoSignal  ? 0
                                : v->status.mobile == analysis::MobileClass::Unstable ? 1
                                                                                     : 2;
        CHECK(cls->villageClass[i] == expectClass);
        if (v->targetShopPct > 0) {
            const double ratio = v->shopPct / v->targetShopPct;
            CHECK(pen->villageValue[i] == Approx(ratio).epsilon(1e-6));
            ++penCounts[static_cast<size_t>(bucket({0.25, 0.5, 0.75, 1}, ratio))];
        }
        CHECK(gap->villageValue[i] == Approx(v->gapHouseholds).margin(1e-6));
        ++gapCounts[static_cast<size_t>(bucket({1, 10, 30, 100}, v->gapHouseholds))];
        CHECK(dens->villageValue[i] == Approx(v->shopsPerKm2).epsilon(1e-6));
        ++checked;
    }
    CHECK(checked == static_cast<int>(n));
    CHECK(pen->classCounts == penCounts);
    CHECK(gap->classCounts == gapCounts);
    // The sample has villages in coverage gaps, and villages both below and at the target.
    CHECK(gapCounts[0] < static_cast<int>(n));
    CHECK(gapCounts[0] > 0);
    CHECK(penCounts[0] + penCounts[1] + penCounts[2] + penCounts[3] > 0);
    CHECK(penCounts[4] > 0);

    // The legend shows the class counts.
    render::MapSettings s;
    s.widthPx = 1000;
    s.heightPx = 700;
    s.theme = "class";
    const auto legend = render::legendLayout(*data, s);
    REQUIRE(legend.size() >= 3);
    CHECK(legend[0].count == 148);
    CHECK(legend[1].count == 140);
}

TEST_CASE("bando render --theme class draws the class colours of an analysed project", "[render][analyze][cli]")
{
    test::TempDir dir("render-analysis-cli");
    const std::string path = dir.file("p.gpkg");
    std::filesystem::copy_file(test::samplePath(), path);
    const std::string cli = test::shellQuote(test::cliPath());
    const std::string out = dir.file("class.png");
    // Not analysed: a clear message naming the theme.
    auto before = test::run(cli + " render " + test::shellQuote(path) + " --out " + test::shellQuote(out) +
                            " --theme class --size 800x600");
    CHECK(before.exitCode != 0);
    CHECK(before.err.find("class") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(out));

    auto a = test::run(cli + " analyze " + test::shellQuote(path) + " --json");
    INFO(a.err);
    REQUIRE(a.exitCode == 0);
    auto r = test::run(cli + " render " + test::shellQuote(path) + " --out " + test::shellQuote(out) +
                       " --theme class --size 800x600");
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    cairo::SurfacePtr imgOwned(cairo_image_surface_create_from_png(out.c_str()));
    cairo_surface_t* img = imgOwned.get();
    REQUIRE(cairo_surface_status(img) == CAIRO_STATUS_SUCCESS);
    const int w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
    const int stride = cairo_image_surface_get_stride(img);
    const unsigned char* d = cairo_image_surface_get_data(img);
    std::map<uint32_t, int> counts;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            ++counts[*reinterpret_cast<const uint32_t*>(d + y * stride + x * 4) & 0xffffff];
    imgOwned.reset();
    CHECK(counts[0xd7191c] > 2000);  // no signal
    CHECK(counts[0xfdae61] > 2000);  // unstable
    CHECK(counts[0x91cf60] > 2000);  // covered
}
