// GUI smoke test: starts the real app (bando_app) on the generated sample project, waits for the
// first complete render (event-driven, with a timeout), checks the map is really drawn, zooms
// with a simulated mouse wheel and checks a new, different image was rendered, then zooms to a
// district. Exit code 0 = pass, 1 = fail, 77 = skipped (no display).
#include "gui_fixture.hpp"

#include "app/app.hpp"
#include "app/canvas/map_canvas.hpp"
#include "app/frames/main_frame.hpp"
#include "app/panels/layer_panel.hpp"
#include "core/render/map_style.hpp"
#include "support/test_support.hpp"

#include <wx/timer.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

namespace {

using Clock = std::chrono::steady_clock;
const auto kStart = Clock::now();
double elapsed() { return std::chrono::duration<double>(Clock::now() - kStart).count(); }

struct PixelStats {
    long nonBackground = 0;
    long total = 0;
    size_t distinctColours = 0;
    uint32_t background = 0;
};

PixelStats stats(const wxImage& img)
{
    PixelStats s;
    if (!img.IsOk())
        return s;
    const unsigned char* p = img.GetData();
    long n = static_cast<long>(img.GetWidth()) * img.GetHeight();
    std::map<uint32_t, long> hist;
    for (long i = 0; i < n; ++i)
        ++hist[(uint32_t(p[3 * i]) << 16) | (uint32_t(p[3 * i + 1]) << 8) | p[3 * i + 2]];
    long best = 0;
    for (const auto& [c, k] : hist)
        if (k > best) {
            best = k;
            s.background = c;
        }
    // Distinct colours after quantising to 5 bits per channel (anti-aliasing does not count).
    std::set<uint32_t> quant;
    for (const auto& [c, k] : hist)
        if (k >= 20)
            quant.insert(((c >> 19) & 0x1f) << 10 | ((c >> 11) & 0x1f) << 5 | ((c >> 3) & 0x1f));
    s.distinctColours = quant.size();
    int br = (s.background >> 16) & 0xff, bg = (s.background >> 8) & 0xff, bb = s.background & 0xff;
    for (long i = 0; i < n; ++i)
        if (std::abs(p[3 * i] - br) + std::abs(p[3 * i + 1] - bg) + std::abs(p[3 * i + 2] - bb) > 24)
            ++s.nonBackground;
    s.total = n;
    return s;
}

// Fraction of pixels that differ between two images of the same size (1 if sizes differ).
double differingFraction(const wxImage& a, const wxImage& b)
{
    if (!a.IsOk() || !b.IsOk() || a.GetSize() != b.GetSize())
        return 1.0;
    const unsigned char *p = a.GetData(), *q = b.GetData();
    long n = static_cast<long>(a.GetWidth()) * a.GetHeight(), diff = 0;
    for (long i = 0; i < n; ++i)
        if (std::abs(p[3 * i] - q[3 * i]) + std::abs(p[3 * i + 1] - q[3 * i + 1]) + std::abs(p[3 * i + 2] - q[3 * i + 2]) > 24)
            ++diff;
    return n ? static_cast<double>(diff) / n : 1.0;
}

} // namespace

class GuiTestApp : public bando::guitest::GuiTest {
public:
    GuiTestApp() : GuiTest("gui-app") {}
    bool OnInit() override
    {
        const std::string sample = bando::test::samplePath();
        if (!std::filesystem::exists(sample)) {
            std::fprintf(stderr, "FAIL: sample project %s missing (the `sample` CTest fixture makes it)\n",
                         sample.c_str());
            return false;
        }
        // the sample itself, as if given on the command line (the start-up time is measured on it)
        if (!start(sample, wxSize(1400, 900), 120000))
            return false;
        auto* frame = mainFrame();
        frame->onProjectLoaded = [this](bool ok) {
            std::printf("project loaded: %s at %.2f s\n", ok ? "ok" : "FAILED", elapsed());
            if (!ok)
                finish("the sample project did not load");
        };
        frame->onRenderComplete = [this](uint64_t g) { onRender(g); };
        return true;
    }

private:
    void onRender(uint64_t generation)
    {
        auto* frame = mainFrame();
        auto* canvas = frame->canvas();
        const wxImage& img = canvas->image();
        if (m_step == 0) {
            std::printf("first complete render at %.2f s (render %.3f s), generation %llu, %dx%d\n", elapsed(),
                        canvas->lastRenderSeconds(), static_cast<unsigned long long>(generation), img.GetWidth(),
                        img.GetHeight());
            check(generation == canvas->generation(), "shown image is from the latest generation");
            wxSize cs = canvas->GetClientSize();
            check(img.GetWidth() == cs.x && img.GetHeight() == cs.y, "image size equals the canvas client size");
            check(img.GetWidth() >= 400 && img.GetHeight() >= 300, "canvas is at least 400x300");
            PixelStats s = stats(img);
            std::printf("  non-background pixels %ld of %ld, %zu distinct colours, background #%06x\n",
                        s.nonBackground, s.total, s.distinctColours, s.background);
            check(s.nonBackground > s.total / 10, "more than 10% of the map is drawn (not blank)");
            check(s.distinctColours >= 6, "at least 6 distinct colours (themes, roads, boundaries)");
            check(frame->districtCodes().size() == 12, "district chooser lists the province and 11 districts");
            // The layer list starts in the core's default layer state (the map `bando render` draws).
            const auto state = bando::render::defaultLayerState(*canvas->data());
            const auto hidden = frame->layerPanel()->hidden();
            check(frame->layerPanel()->orderBottomToTop() == state.order &&
                      std::set<std::string>(hidden.begin(), hidden.end()) ==
                          std::set<std::string>(state.hidden.begin(), state.hidden.end()),
                  "the layer list shows render::defaultLayerState (order and visibility)");
            check(std::set<std::string>(hidden.begin(), hidden.end()).count("villages") == 0 && !hidden.empty(),
                  "villages are shown, the telecom and program layers hidden");
            // Status bar: move the mouse over the map centre; both coordinate fields update.
            wxMouseEvent move(wxEVT_MOTION);
            move.SetEventObject(canvas);
            move.SetPosition(wxPoint(cs.x / 2, cs.y / 2));
            canvas->GetEventHandler()->ProcessEvent(move);
            wxString wgs = frame->GetStatusBar()->GetStatusText(0), vn = frame->GetStatusBar()->GetStatusText(1);
            std::printf("  status: [%s] [%s]\n", wgs.utf8_str().data(), vn.utf8_str().data());
            double lat = 0, lon = 0;
            check(std::sscanf(wgs.utf8_str().data(), "WGS 84: %lf°N, %lf°E", &lat, &lon) == 2 && lat > 21.3 &&
                      lat < 22.5 && lon > 106.0 && lon < 107.4,
                  "status bar shows the cursor in WGS 84 inside Lạng Sơn");
            double e = 0, n = 0;
            check(std::sscanf(vn.utf8_str().data(), "VN-2000 / TM-3 107-15: E %lf N %lf", &e, &n) == 2 &&
                      std::abs(e - canvas->view().cx) <= canvas->view().res &&
                      std::abs(n - canvas->view().cy) <= canvas->view().res,
                  "status bar shows the cursor in VN-2000 / TM-3 107-15 (the view centre)");
            m_first = img.Copy();
            m_firstGeneration = generation;
            m_firstRes = canvas->view().res;
            m_firstCompleted = canvas->completedRenders();
            // Zoom in with the mouse wheel, as a user would (one notch up at the centre), then
            // once more right after the first render has started: the first job is cancelled and
            // its result must never be shown over the newer one.
            m_step = 1;
            m_zoomAt = elapsed();
            wheelAt(wxPoint(cs.x / 2, cs.y / 2));
            m_generationAfterFirstWheel = canvas->generation();
            CallAfter([this, cs] {
                m_jobStartedBeforeSecondWheel = mainFrame()->canvas()->generation() > m_generationAfterFirstWheel;
                wheelAt(wxPoint(cs.x / 2, cs.y / 2));
                m_secondWheelSent = true;
            });
        } else if (m_step == 1) {
            check(generation == canvas->generation(), "a shown image always belongs to the newest generation");
            if (!m_secondWheelSent || std::abs(canvas->view().res * 1.5625 - m_firstRes) > 1e-6 * m_firstRes)
                return;  // the first zoom's render finished before the second wheel: wait for the second
            std::printf("  first zoom's job had started before the second wheel: %s\n",
                        m_jobStartedBeforeSecondWheel ? "yes (it was cancelled)" : "no");
            std::printf("render after wheel zoom at %.2f s (%.3f s after the wheel event), generation %llu\n",
                        elapsed(), elapsed() - m_zoomAt, static_cast<unsigned long long>(generation));
            check(generation > m_firstGeneration, "generation counter increased");
            check(canvas->completedRenders() <= m_firstCompleted + 2, "at most one render per wheel notch was shown");
            check(generation >= m_firstGeneration + 2, "each wheel notch started a new generation");
            check(std::abs(canvas->view().res * 1.5625 - m_firstRes) < 1e-6 * m_firstRes,
                  "two wheel notches zoom in by 1.25x each");
            double diff = differingFraction(m_first, img);
            std::printf("  %.1f%% of pixels changed\n", diff * 100);
            check(diff > 0.05, "the zoomed image differs from the first one (>5% of pixels)");
            check(stats(img).nonBackground > stats(img).total / 10, "zoomed map is not blank");
            // Zoom to a district through the toolbar chooser's code path.
            auto codes = frame->districtCodes();
            if (codes.size() > 1) {
                m_districtGeneration = canvas->generation();
                frame->zoomToDistrict(codes[1]);
                m_step = 2;
            } else {
                finish("");
            }
        } else if (m_step == 2) {
            check(generation > m_districtGeneration, "zoom to district rendered a new generation");
            check(canvas->view().res < m_firstRes, "a district view is more detailed than the province view");
            m_step = 3;
            CallAfter([this] { exportChecks(); });
        }
    }

    void wheelAt(wxPoint p)
    {
        auto* canvas = mainFrame()->canvas();
        wxMouseEvent wheel(wxEVT_MOUSEWHEEL);
        wheel.SetEventObject(canvas);
        wheel.m_wheelRotation = 120;
        wheel.m_wheelDelta = 120;
        wheel.m_wheelAxis = wxMOUSE_WHEEL_VERTICAL;
        wheel.SetPosition(p);
        canvas->GetEventHandler()->ProcessEvent(wheel);
    }

    // File → Export PNG/PDF without the file dialog: the same core renderer as `bando render`.
    void exportChecks()
    {
        auto* frame = mainFrame();
        wxSize cs = frame->canvas()->GetClientSize();
        bando::test::TempDir dir("gui-export");
        std::string png = dir.file("view.png"), pdf = dir.file("view.pdf");
        double t0 = elapsed();
        bool okPng = false, okPdf = false;
        try {
            okPng = frame->exportTo(png, false);
            okPdf = frame->exportTo(pdf, true);
        } catch (const std::exception& e) {
            std::printf("  export threw: %s\n", e.what());
        }
        std::printf("exports took %.2f s\n", elapsed() - t0);
        check(okPng && okPdf, "both exports completed");
        wxImage img;
        check(std::filesystem::exists(png) && img.LoadFile(png, wxBITMAP_TYPE_PNG), "the PNG export is a readable PNG");
        if (img.IsOk()) {
            check(img.GetWidth() == 2 * cs.x && img.GetHeight() == 2 * cs.y, "the PNG is twice the canvas size");
            PixelStats s = stats(img);
            check(s.nonBackground > s.total / 10, "the exported PNG is not blank");
        }
        std::string head = bando::test::readFile(pdf).substr(0, 5);
        check(head == "%PDF-", "the PDF export starts with %PDF-");
        check(std::filesystem::exists(pdf) && std::filesystem::file_size(pdf) > 20000, "the PDF export is larger than 20 kB");
        finish("");
    }

    bool m_secondWheelSent = false, m_jobStartedBeforeSecondWheel = false;
    uint64_t m_generationAfterFirstWheel = 0;
    wxImage m_first;
    uint64_t m_firstGeneration = 0, m_firstCompleted = 0, m_districtGeneration = 0;
    double m_firstRes = 0, m_zoomAt = 0;
};

BANDO_GUI_TEST_MAIN(GuiTestApp)
