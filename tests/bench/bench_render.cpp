// bando_bench_render PROJECT [N] [OUTDIR]: times the renderer on a project (median of N).
//   load      loadMapData (read + reproject + precompute), once
//   png       full-province redraw at 1920x1080 into an ARGB32 image (render only)
//   png_file  renderToFile 1920x1080 PNG (render + PNG encoding + write)
//   pdf_a3    renderToFile A3 landscape vector PDF
//   pan_zoom  issue #13: the app canvas's redraw (all 112,000 shops on, no title/legend) over a
//             sequence of 24 pans and zooms, through render::FrameCache (the base layers kept per
//             scale and moved on pan) and, for comparison, without it (every frame drawn whole)
// Prints one "name median_s min_s" line per measurement.
#include "core/capi/cairo.hpp"
#include "core/capi/gdal.hpp"
#include "core/render/frame_cache.hpp"
#include "core/render/hillshade.hpp"
#include "core/render/map_renderer.hpp"
#include "core/render/map_style.hpp"
#include "core/store/project_store.hpp"

#include <cairo.h>

#include <algorithm>
#include <chrono>
#include <clocale>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <string>
#include <vector>

using namespace bando;
using Clock = std::chrono::steady_clock;

struct Times {
    std::vector<double> wall, cpu;
};

static double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

static void report(const char* name, const Times& t)
{
    std::printf("%-9s median %.4f s  min %.4f s  cpu %.4f s  (n=%zu)\n", name, median(t.wall),
                *std::min_element(t.wall.begin(), t.wall.end()), median(t.cpu), t.wall.size());
}

static double cpuNow()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + ts.tv_nsec * 1e-9;
}

// Wall time and process CPU time (the latter is robust against other load on the machine).
static Times timeIt(int n, const std::function<void()>& f)
{
    Times t;
    for (int i = 0; i < n; ++i) {
        const auto t0 = Clock::now();
        const double c0 = cpuNow();
        f();
        t.cpu.push_back(cpuNow() - c0);
        t.wall.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    }
    return t;
}

int main(int argc, char** argv)
{
    std::setlocale(LC_ALL, "C");
    if (argc < 2) {
        std::fprintf(stderr, "usage: bando_bench_render PROJECT [N=11] [OUTDIR=.]\n");
        return 2;
    }
    const std::string project = argv[1];
    const int n = argc > 2 ? std::max(1, std::atoi(argv[2])) : 11;
    const std::string outDir = argc > 3 ? argv[3] : ".";
    try {
        gdal::init();
        std::shared_ptr<const render::MapData> data;
        report("load", timeIt(1, [&] {
                   auto store = ProjectStore::open(project);
                   data = render::loadMapData(*store);
               }));
        size_t vertices = 0, features = 0;
        for (const auto& l : data->layers)
            for (const auto& f : l.features) {
                ++features;
                vertices += f.geom.pointCount();
            }
        std::printf("data      %zu layers, %zu features, %zu vertices\n", data->layers.size(), features, vertices);

        render::MapSettings s;
        s.widthPx = 1920;
        s.heightPx = 1080;
        cairo::SurfacePtr surfOwned(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1920, 1080));
        cairo_surface_t* surf = surfOwned.get();
        {  // warm-up (fonts, glyph caches)
            cairo::ContextPtr crOwned(cairo_create(surf));
            cairo_t* cr = crOwned.get();
            render::renderMap(cr, *data, s);
            crOwned.reset();
        }
        report("png", timeIt(n, [&] {
                   cairo::ContextPtr crOwned(cairo_create(surf));
                   cairo_t* cr = crOwned.get();
                   render::renderMap(cr, *data, s);
                   crOwned.reset();
                   cairo_surface_flush(surf);
               }));
        cairo_surface_write_to_png(surf, (outDir + "/bench-province.png").c_str());
        surfOwned.reset();
        report("png_file", timeIt(n, [&] { render::renderToFile(*data, s, outDir + "/bench-province-file.png"); }));
        render::PaperSpec a3{"A3", true};
        report("pdf_a3", timeIt(n, [&] { render::renderToFile(*data, s, outDir + "/bench-province.pdf", a3); }));
        {  // issue #13: the base map plus all 112,000 shops as points (default style: by
           // marketplace, one marker stamped per point), then as a 1.5 km heatmap.
            render::MapSettings sp = s;
            const render::LayerState st = render::defaultLayerState(*data);
            for (const auto& name : st.order)
                if (name == "shops" ||
                    std::find(st.hidden.begin(), st.hidden.end(), name) == st.hidden.end())
                    sp.layerOrder.push_back(name);
            cairo::SurfacePtr ssOwned(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1920, 1080));
            cairo_surface_t* ss = ssOwned.get();
            auto once = [&] {
                cairo::ContextPtr crOwned(cairo_create(ss));
                cairo_t* cr = crOwned.get();
                render::renderMap(cr, *data, sp);
                crOwned.reset();
                cairo_surface_flush(ss);
            };
            once();  // warm-up: classes are resolved once per MapData and style
            report("shops", timeIt(n, once));
            cairo_surface_write_to_png(ss, (outDir + "/bench-shops.png").c_str());
            bando::style::Style heat;
            heat.layer = "shops";
            heat.renderer = bando::style::Renderer::Heatmap;
            heat.radiusM = 1500;
            sp.styles = {heat};
            once();
            report("heatmap", timeIt(n, once));
            ssOwned.reset();
            sp.styles.clear();
            report("shops_pdf", timeIt(std::max(1, n / 4), [&] {
                       render::renderToFile(*data, sp, outDir + "/bench-shops.pdf", a3);
                   }));
        }
        {  // issue #13: the base map with the Context layers on (hillshade of the DEM, place names)
            render::MapSettings sh = s;
            const render::LayerState st = render::defaultLayerState(*data);
            for (const auto& name : st.order)
                if (name == render::kHillshadeLayer || name == render::kPlaceLabelsLayer ||
                    std::find(st.hidden.begin(), st.hidden.end(), name) == st.hidden.end())
                    sh.layerOrder.push_back(name);
            cairo::SurfacePtr hsOwned(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1920, 1080));
            cairo_surface_t* hs = hsOwned.get();
            auto once = [&] {
                cairo::ContextPtr crOwned(cairo_create(hs));
                cairo_t* cr = crOwned.get();
                render::renderMap(cr, *data, sh);
                crOwned.reset();
                cairo_surface_flush(hs);
            };
            once();
            report("hillshade", timeIt(n, once));
            cairo_surface_write_to_png(hs, (outDir + "/bench-hillshade.png").c_str());
            hsOwned.reset();
        }
        {  // issue #13: redraw after pan/zoom as the canvas does it (MapCanvas::settingsFor)
            const render::LayerState st = render::defaultLayerState(*data);
            render::MapSettings base;
            base.widthPx = 1920;
            base.heightPx = 1080;
            base.title = false;
            base.legend = false;
            for (const auto& name : st.order)
                if (name == "shops" ||
                    std::find(st.hidden.begin(), st.hidden.end(), name) == st.hidden.end())
                    base.layerOrder.push_back(name);
            const Extent full = data->extent;
            const double res0 = std::max(full.width() / (1920 * 0.94), full.height() / (1080 * 0.94));
            struct Step {
                char kind;  // 'p' pan by (a, b) pixels, 'z' zoom by a about the centre
                double a, b;
            };
            // Drag pans of 40-250 px, wheel zooms of 1.25 (in, back out), as a user looks around.
            const std::vector<Step> steps = {
                {'p', 120, 0},  {'p', 80, 60},  {'p', -200, 0}, {'p', 0, -150}, {'p', 40, 40},
                {'z', 1.25, 0}, {'p', -90, 30}, {'p', 150, -60}, {'p', 0, 120}, {'z', 1.25, 0},
                {'p', 60, 60},  {'p', -250, 0}, {'p', 100, -80}, {'z', 0.8, 0}, {'p', 70, 0},
                {'p', -40, 90}, {'z', 0.8, 0},  {'p', 200, 20},  {'p', -60, -60}, {'p', 0, 180},
                {'p', -120, 0}, {'p', 90, -90}, {'p', 30, 30},  {'p', -80, 40}};
            std::vector<render::MapSettings> frames;
            double cx = full.center().x, cy = full.center().y, res = res0;
            auto add = [&] {
                render::MapSettings f = base;
                f.extent = {cx - 960 * res, cy - 540 * res, cx + 960 * res, cy + 540 * res};
                frames.push_back(f);
            };
            add();
            for (const auto& st2 : steps) {
                if (st2.kind == 'p') {
                    cx -= st2.a * res;
                    cy += st2.b * res;
                } else {
                    res /= st2.a;
                }
                add();
            }
            auto sequence = [&](bool cached, Times& t, int& full, int& shifted, int& same, const char* png) {
                render::FrameCache cache;
                render::Image img;
                for (size_t i = 0; i < frames.size(); ++i) {
                    const auto t0 = Clock::now();
                    const double c0 = cpuNow();
                    if (cached) {
                        const auto r = cache.render(img, *data, frames[i]);
                        full += r.reuse == render::FrameCache::Reuse::None;
                        shifted += r.reuse == render::FrameCache::Reuse::Shifted;
                        same += r.reuse == render::FrameCache::Reuse::Same;
                    } else {
                        img.width = 1920;
                        img.height = 1080;
                        img.stride = 1920 * 4;
                        img.pixels.assign(static_cast<size_t>(img.stride) * 1080, 0);
                        cairo::SurfacePtr fsOwned(cairo_image_surface_create_for_data(
                            img.pixels.data(), CAIRO_FORMAT_ARGB32, 1920, 1080, img.stride));
                        cairo_surface_t* fs = fsOwned.get();
                        cairo::ContextPtr crOwned(cairo_create(fs));
                        cairo_t* cr = crOwned.get();
                        render::renderMap(cr, *data, frames[i]);
                        crOwned.reset();
                        fsOwned.reset();
                    }
                    const double cpu = cpuNow() - c0;
                    const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
                    if (i > 0) {  // the first frame opens the view
                        t.cpu.push_back(cpu);
                        t.wall.push_back(wall);
                    }
                }
                cairo::SurfacePtr lastOwned(cairo_image_surface_create_for_data(img.pixels.data(), CAIRO_FORMAT_ARGB32,
                                                                            1920, 1080, img.stride));
                cairo_surface_t* last = lastOwned.get();
                cairo_surface_write_to_png(last, (outDir + "/" + png).c_str());
                lastOwned.reset();
            };
            Times whole, cached;
            int f0 = 0, s0 = 0, z0 = 0, f1 = 0, s1 = 0, z1 = 0;
            sequence(false, whole, f0, s0, z0, "bench-panzoom-whole.png");
            sequence(true, cached, f1, s1, z1, "bench-panzoom-cached.png");
            report("pan_whole", whole);
            report("pan_cache", cached);
            std::printf("pan_cache frames: %d base drawn whole, %d moved + strips, %d reused (of %zu, first excluded)\n",
                        f1, s1, z1, frames.size());
            Times fullOnly;
            for (size_t i = 0; i < cached.cpu.size(); ++i)
                if (steps[i].kind == 'z') {
                    fullOnly.cpu.push_back(cached.cpu[i]);
                    fullOnly.wall.push_back(cached.wall[i]);
                }
            if (!fullOnly.cpu.empty())
                report("pan_zoomstep", fullOnly);
        }
        s.districtCode = "183";
        surfOwned.reset(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1920, 1080));
        surf = surfOwned.get();
        report("district", timeIt(n, [&] {
                   cairo::ContextPtr crOwned(cairo_create(surf));
                   cairo_t* cr = crOwned.get();
                   render::renderMap(cr, *data, s);
                   crOwned.reset();
               }));
        surfOwned.reset();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bando_bench_render: %s\n", e.what());
        return 1;
    }
    return 0;
}
