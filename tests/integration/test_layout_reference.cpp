// A layout page compared with a reference image in the repository (issue #12): the sample's
// coverage map on tests/data/layouts/ref_map.json (title, map frame, overview, north arrow,
// scale bar, legend; no date on the page) rendered at 40 dpi must match
// tests/data/layouts/ref_map.png within a tolerance (anti-aliasing and font hinting may move a
// few pixels). BANDO_UPDATE_REFS=1 rewrites the reference after a deliberate change.
#include <catch2/catch.hpp>

#include "core/capi/cairo.hpp"
#include "support/test_support.hpp"

#include <cairo.h>

#include <cstdlib>
#include <filesystem>

using namespace bando;

TEST_CASE("layout page matches the reference image within tolerance", "[layout][report][integration]")
{
    test::TempDir dir("layout-ref");
    const std::string src = std::filesystem::path(__FILE__).parent_path().parent_path().string() + "/data/layouts/";
    const std::string out = dir.file("page.png");
    const auto r = test::run(test::shellQuote(test::cliPath()) + " render " + test::shellQuote(BANDO_TEST_ANALYSED) +
                             " --layout " + test::shellQuote(src + "ref_map.json") +
                             " --theme coverage --title 'Vùng phủ sóng — Lạng Sơn' --dpi 40 --out " + test::shellQuote(out));
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    const std::string ref = src + "ref_map.png";
    if (std::getenv("BANDO_UPDATE_REFS"))
        std::filesystem::copy_file(out, ref, std::filesystem::copy_options::overwrite_existing);
    cairo::SurfacePtr a(cairo_image_surface_create_from_png(out.c_str()));
    cairo::SurfacePtr b(cairo_image_surface_create_from_png(ref.c_str()));
    REQUIRE(cairo::status(a) == CAIRO_STATUS_SUCCESS);
    REQUIRE(cairo::status(b) == CAIRO_STATUS_SUCCESS);
    const int w = cairo_image_surface_get_width(a.get()), h = cairo_image_surface_get_height(a.get());
    REQUIRE(w == cairo_image_surface_get_width(b.get()));
    REQUIRE(h == cairo_image_surface_get_height(b.get()));
    REQUIRE(w == 468);  // A4 landscape (842 pt) at 40 dpi
    cairo_surface_flush(a.get());
    cairo_surface_flush(b.get());
    const unsigned char* pa = cairo_image_surface_get_data(a.get());
    const unsigned char* pb = cairo_image_surface_get_data(b.get());
    const int sa = cairo_image_surface_get_stride(a.get()), sb = cairo_image_surface_get_stride(b.get());
    double sum = 0;
    long far = 0;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            int d = 0;
            for (int c = 0; c < 3; ++c)
                d = std::max(d, std::abs(pa[y * sa + x * 4 + c] - pb[y * sb + x * 4 + c]));
            sum += d;
            far += d > 64;
        }
    const double mean = sum / (static_cast<double>(w) * h);
    INFO("mean difference " << mean << ", pixels differing by more than 64: " << far);
    CHECK(mean < 1.5);
    CHECK(far < static_cast<long>(0.01 * w * h));
    // The page is not blank: the reference holds the map's colours (sanity of the comparison).
    long green = 0;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const unsigned char* p = pb + y * sb + x * 4;  // BGRA
            green += p[1] > 150 && p[0] < 130 && p[2] < 180;
        }
    CHECK(green > w * h / 20);
}
