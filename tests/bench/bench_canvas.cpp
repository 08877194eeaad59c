// bando_bench_canvas [VILLAGES=80000] [SHOPS=2000000]: the app's map canvas at national size
// (issue #13). The analysis benchmark's village lattice (bench_lattice.hpp, 80,000 villages with
// households) and SHOPS uniform shops are built in memory and prepared as the app's loader does
// (MapData::prepare), shown in a MapCanvas in a 1400 × 900 window with the villages' density
// theme and the shops layer on, then driven as a user would: 12 pans and wheel zooms, each
// waiting for its render, and a burst of 10 drag steps 20 ms apart (every one cancels the
// render before it). Renders run on the canvas's worker (RenderJob through its FrameCache).
// On the UI thread, a 5 ms timer records every gap between its ticks while a render runs,
// with the UI thread's own CPU time inside each gap (a long gap with little CPU is the scheduler
// on a busy machine, not the UI thread blocked), and each pan's synchronous repaint (the last
// image moved, MapCanvas::onPaint) is timed.
// Prints the gaps' max and p99, the repaint times and the worker's render times. Needs a
// display: run under xvfb-run -a. Not run by CI. See docs/PERFORMANCE.md.
#include "app/app.hpp"
#include "app/canvas/map_canvas.hpp"
#include "bench_lattice.hpp"
#include "core/model/schema.hpp"

#include <wx/app.h>
#include <wx/frame.h>
#include <wx/timer.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <vector>

using namespace bando;
using Clock = std::chrono::steady_clock;

namespace {

double cpuNow()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + ts.tv_nsec * 1e-9;
}

double threadCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1000 + ts.tv_nsec * 1e-6;
}

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double quantile(std::vector<double> v, double q)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())))];
}

std::shared_ptr<const render::MapData> nationalData(int villages, int shops)
{
    const int nx = static_cast<int>(std::lround(std::sqrt(villages * 1.25))), ny = std::max(1, villages / nx);
    const double cell = 2200;  // as bench_analysis.cpp
    const std::vector<Ring> rings = bench::latticeRings(nx, ny, cell, 180000, 1800000, 20211231);
    auto data = std::make_shared<render::MapData>();
    Layer v = schema::makeLayer(schema::kVillages);
    v.epsg = 9215;
    bench::Rng rng{7};
    for (size_t i = 0; i < rings.size(); ++i) {
        Geometry g = Geometry::polygon({rings[i]});
        g.type = GeomType::MultiPolygon;
        Feature& f = v.addFeature(std::move(g));
        v.set(f, "code", std::to_string(10000000 + i));
        v.set(f, "name", "Thôn " + std::to_string(i + 1));
        const int64_t hh = 40 + static_cast<int64_t>(rng.uniform() * rng.uniform() * 600);
        v.set(f, "households", hh);
    }
    Layer s;
    s.name = "shops";
    s.geomType = GeomType::Point;
    s.epsg = 9215;
    s.fields = {{"marketplace", FieldType::Text}};
    const char* markets[] = {"shopee", "lazada", "tiktok", "other"};
    for (int i = 0; i < shops; ++i) {
        Feature& f = s.addFeature(Geometry::point(180000 + rng.uniform() * nx * cell, 1800000 + rng.uniform() * ny * cell));
        s.set(f, "marketplace", std::string(markets[rng.next() % 4]));
    }
    data->layers.push_back(std::move(v));
    data->layers.push_back(std::move(s));
    for (const auto& l : data->layers)
        data->extent.expand(l.extent());
    data->prepare();
    return data;
}

} // namespace

namespace bando::bench {

class BenchApp : public wxApp {
public:
    bool OnInit() override
    {
        const int villages = argc > 1 ? std::atoi(argv[1].mb_str()) : 80000;
        const int shops = argc > 2 ? std::atoi(argv[2].mb_str()) : 2000000;
        const auto t0 = Clock::now();
        m_data = nationalData(villages, shops);
        size_t vertices = 0;
        for (const auto& f : m_data->layers[0].features)
            vertices += f.geom.pointCount();
        std::printf("data      %zu villages (%zu vertices), %zu shops; built and prepared in %.1f s\n",
                    m_data->layers[0].features.size(), vertices, m_data->layers[1].features.size(),
                    std::chrono::duration<double>(Clock::now() - t0).count());
        m_frame = new wxFrame(nullptr, wxID_ANY, "bando_bench_canvas", wxDefaultPosition, wxSize(1400, 900));
        m_canvas = new app::MapCanvas(m_frame);
        m_frame->Show();
        m_canvas->setData(m_data);
        m_canvas->setLayerState({schema::kVillages, "shops"}, {});
        m_canvas->onRenderComplete = [this](uint64_t) { onRendered(); };
        m_ticker.SetOwner(this);
        Bind(wxEVT_TIMER, [this](wxTimerEvent&) { tick(); }, m_ticker.GetId());
        m_ticker.Start(5);
        m_watchdog.SetOwner(this, wxID_HIGHEST + 1);
        Bind(wxEVT_TIMER, [this](wxTimerEvent&) {
            std::fprintf(stderr, "bando_bench_canvas: no render completed in 300 s\n");
            m_exit = 1;
            finish();
        }, m_watchdog.GetId());
        m_watchdog.StartOnce(300000);
        return true;
    }
    int OnExit() override { return m_exit; }

private:
    void tick()
    {
        const auto now = Clock::now();
        const double cpu = threadCpuMs();
        if (m_canvas && m_canvas->rendering() && m_lastTickValid) {
            m_gaps.push_back(ms(now - m_lastTick));
            m_gapCpu.push_back(cpu - m_lastTickCpu);  // the UI thread's own work in that gap
        }
        m_lastTick = now;
        m_lastTickCpu = cpu;
        m_lastTickValid = true;
        if (m_burst > 0 && ms(now - m_lastBurst) >= 20) {  // a drag: one small pan every 20 ms
            m_lastBurst = now;
            --m_burst;
            step(25, -10);
        }
    }

    // One user step: the view moves, the last image is repainted moved at once (timed), and a
    // render starts on the worker.
    void step(int dx, int dy, double zoom = 0)
    {
        const auto t0 = Clock::now();
        if (zoom > 0)
            m_canvas->zoomBy(zoom);
        else
            m_canvas->panByPixels(dx, dy);
        m_canvas->Update();  // the paint of the moved image, now
        m_paints.push_back(ms(Clock::now() - t0));
    }

    void onRendered()
    {
        m_renders.push_back(m_canvas->lastRenderSeconds() * 1000);
        if (m_stage == 0) {  // the first full view: measurements start here
            m_cpu0 = cpuNow();
            m_wall0 = Clock::now();
            m_gaps.clear();
            m_gapCpu.clear();
            m_renders.clear();
        }
        static const int kSteps[][3] = {{120, 0, 0},   {0, -150, 0}, {-200, 60, 0}, {0, 0, 125}, {90, 90, 0},
                                        {-150, 0, 0},  {0, 0, 125},  {60, -120, 0}, {0, 0, 80},  {200, 0, 0},
                                        {-80, 100, 0}, {0, 0, 80}};
        const int n = static_cast<int>(sizeof kSteps / sizeof kSteps[0]);
        if (m_stage < n) {
            const auto& s = kSteps[m_stage++];
            CallAfter([this, s] { step(s[0], s[1], s[2] / 100.0); });
            return;
        }
        if (m_stage == n) {  // the drag burst, then one last render
            ++m_stage;
            m_burst = 10;
            m_lastBurst = Clock::now();
            return;
        }
        if (m_burst > 0)
            return;  // a render finished between two drag steps
        finish();
    }

    void finish()
    {
        m_ticker.Stop();
        m_watchdog.Stop();
        if (!m_gaps.empty()) {
            const double cpu = cpuNow() - m_cpu0, wall = ms(Clock::now() - m_wall0) / 1000;
            std::printf("ui_gap    max %.1f ms  p99 %.1f ms  median %.1f ms  (%zu ticks of a 5 ms timer while rendering)\n",
                        quantile(m_gaps, 1.0), quantile(m_gaps, 0.99), quantile(m_gaps, 0.5), m_gaps.size());
            const size_t worst = static_cast<size_t>(std::max_element(m_gaps.begin(), m_gaps.end()) - m_gaps.begin());
            std::printf("ui_busy   max %.1f ms  p99 %.1f ms  (UI-thread CPU time within a gap; the longest gap: %.1f ms of "
                        "%.1f ms)\n",
                        quantile(m_gapCpu, 1.0), quantile(m_gapCpu, 0.99), m_gapCpu[worst], m_gaps[worst]);
            std::printf("ui_paint  max %.1f ms  median %.1f ms  (%zu repaints of the moved image)\n",
                        quantile(m_paints, 1.0), quantile(m_paints, 0.5), m_paints.size());
            std::printf("render    median %.0f ms  max %.0f ms  (worker wall, %zu completed)\n",
                        quantile(m_renders, 0.5), quantile(m_renders, 1.0), m_renders.size());
            std::printf("session   %.1f s wall, %.1f s CPU (both threads)\n", wall, cpu);
            if (quantile(m_gaps, 1.0) > 100)
                std::printf("ui_gap    OVER the 100 ms bound\n");
        }
        m_canvas->onRenderComplete = nullptr;
        m_frame->Destroy();
    }

    std::shared_ptr<const render::MapData> m_data;
    wxFrame* m_frame = nullptr;
    app::MapCanvas* m_canvas = nullptr;
    wxTimer m_ticker, m_watchdog;
    Clock::time_point m_lastTick, m_lastBurst, m_wall0;
    bool m_lastTickValid = false;
    std::vector<double> m_gaps, m_gapCpu, m_paints, m_renders;
    double m_lastTickCpu = 0;
    int m_stage = 0, m_burst = 0, m_exit = 0;
    double m_cpu0 = 0;
};

} // namespace bando::bench

using bando::bench::BenchApp;
wxIMPLEMENT_APP_NO_MAIN(BenchApp);

int main(int argc, char** argv)
{
    if (!app::haveDisplay()) {
        std::fprintf(stderr, "bando_bench_canvas: no display (run under xvfb-run -a)\n");
        return 77;
    }
    std::printf("# load average: ");
    if (FILE* f = std::fopen("/proc/loadavg", "r")) {
        char buf[64] = {};
        if (std::fgets(buf, sizeof buf, f))
            std::printf("%s", buf);
        std::fclose(f);
    }
    return wxEntry(argc, argv);
}
