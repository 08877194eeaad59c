// GUI test of Analysis → Figures in another unit version… (issue #17, app part), on a copy of the
// analysed sample under Xvfb: runs the units request through the frame (progress dialog on a
// worker thread) with the targets, progress reports and gap lists, sees the project reload, checks
// the stored tables (66 rows of v2025-07, households conserved against the villages, xã Thất Khê
// apportioned, the 65 dissolved units), the status bar's conserved totals, and that showing the
// communes_v2025_07 layer changes the map. BANDO_SCREENSHOT_DIR=dir saves screenshots (import
// -window root). Exit 0 = pass, 1 = fail, 77 = skipped (no display).
#include "app/app.hpp"
#include "app/canvas/map_canvas.hpp"
#include "app/frames/main_frame.hpp"
#include "app/panels/layer_panel.hpp"
#include "core/store/project_store.hpp"
#include "core/tasks/units_task.hpp"
#include "support/test_support.hpp"

#include <wx/timer.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>

namespace {

void screenshot(const std::string& name)
{
    const char* dir = std::getenv("BANDO_SCREENSHOT_DIR");
    if (!dir || !*dir)
        return;
    const std::string cmd = "import -window root '" + std::string(dir) + "/" + name + "'";
    if (std::system(cmd.c_str()) != 0)
        std::printf("  (screenshot %s failed)\n", name.c_str());
}

long differingPixels(const wxImage& a, const wxImage& b)
{
    if (a.GetWidth() != b.GetWidth() || a.GetHeight() != b.GetHeight())
        return -1;
    const unsigned char *p = a.GetData(), *q = b.GetData();
    const long n = static_cast<long>(a.GetWidth()) * a.GetHeight() * 3;
    long d = 0;
    for (long i = 0; i < n; i += 3)
        d += p[i] != q[i] || p[i + 1] != q[i + 1] || p[i + 2] != q[i + 2];
    return d;
}

} // namespace

class GuiUnitsApp : public bando::app::BandoApp {
public:
    bool OnInit() override
    {
        const std::string analysed = BANDO_TEST_ANALYSED;
        if (!std::filesystem::exists(analysed)) {
            std::fprintf(stderr, "FAIL: analysed sample %s missing\n", analysed.c_str());
            return false;
        }
        m_path = m_dir.file("units.gpkg");
        std::filesystem::copy_file(analysed, m_path);
        m_projectArg = m_path;
        if (!BandoApp::OnInit())
            return false;
        auto* frame = mainFrame();
        frame->SetSize(wxSize(1400, 900));
        frame->onProjectLoaded = [this](bool ok) { loaded(ok); };
        frame->onRenderComplete = [this](uint64_t) { rendered(); };
        m_timeout.SetOwner(this);
        Bind(wxEVT_TIMER, [this](wxTimerEvent&) { finish("timed out at step " + std::to_string(m_step)); });
        m_timeout.StartOnce(170000);
        return true;
    }
    int OnRun() override
    {
        BandoApp::OnRun();
        return m_result;
    }
    int OnExit() override
    {
        BandoApp::OnExit();
        return m_result;
    }

private:
    bool check(bool cond, const std::string& what)
    {
        std::printf("  %s %s\n", cond ? "ok  " : "FAIL", what.c_str());
        std::fflush(stdout);
        if (!cond)
            ++m_failures;
        return cond;
    }

    void checkStored()
    {
        using namespace bando;
        auto store = ProjectStore::open(m_path, ProjectStore::Mode::ReadOnly);
        const Layer villages = store->readLayer("villages");
        int64_t hh = 0;
        for (const auto& f : villages.features)
            hh += villages.integer(f, "households");
        const Layer ui = store->readLayer("unit_indicators_versioned");
        int rows = 0, communes = 0;
        int64_t communeHh = 0, provinceHh = -1;
        std::string thatKhe;
        for (const auto& f : ui.features) {
            if (ui.text(f, "version") != "v2025-07")
                continue;
            ++rows;
            if (ui.text(f, "level") == "commune") {
                ++communes;
                communeHh += ui.integer(f, "households");
                if (ui.text(f, "code") == "06040")
                    thatKhe = ui.text(f, "name") + " / " + ui.text(f, "method");
            }
            if (ui.text(f, "level") == "province")
                provinceHh = ui.integer(f, "households");
        }
        std::printf("  stored: %d rows of v2025-07, %d communes, households %lld (villages %lld), 06040 = %s\n", rows,
                    communes, static_cast<long long>(communeHh), static_cast<long long>(hh), thatKhe.c_str());
        check(rows == 66 && communes == 65, "unit_indicators_versioned holds the 65 units and the province of v2025-07");
        check(communeHh == hh && provinceHh == hh, "the households of the 65 units and the province equal the villages'");
        check(thatKhe == "Xã Thất Khê / apportioned", "06040 in v2025-07 is xã Thất Khê, apportioned (part of Đại Đồng)");
        check(store->readLayer("communes_v2025_07").features.size() == 65, "the layer communes_v2025_07 holds 65 units");
        int targets = 0, progress = 0;
        const Layer ut = store->readLayer("unit_targets_versioned");
        for (const auto& f : ut.features)
            targets += ut.text(f, "version") == "v2025-07";
        const Layer up = store->readLayer("unit_progress_versioned");
        for (const auto& f : up.features)
            progress += up.text(f, "version") == "v2025-07";
        check(targets == 66, "the targets were carried (66 rows)");
        check(progress > 5, "the progress reports were carried (" + std::to_string(progress) + " rows)");
    }

    void loaded(bool ok)
    {
        if (!ok) {
            finish("the project did not load");
            return;
        }
        if (m_step == 0) {
            m_step = 1;  // wait for the first render
        } else if (m_step == 2) {
            checkStored();
            m_step = 3;  // wait for the render of the reloaded project
        }
    }

    void rendered()
    {
        auto* frame = mainFrame();
        if (m_step == 1) {
            m_step = 2;
            CallAfter([this] {
                bando::tasks::UnitsRequest req;
                req.to = "v2025-07";
                req.what = {"all"};
                bool ok = false;
                try {
                    ok = mainFrame()->carryUnits(req);
                } catch (const std::exception& e) {
                    std::printf("  carryUnits threw: %s\n", e.what());
                }
                if (!check(ok, "the units action ran to the end")) {
                    finish("");
                    return;
                }
                const wxString notice = mainFrame()->notice();
                std::printf("  notice: %s\n", notice.utf8_str().data());
                check(notice.Contains("v2025-07") && notice.Contains("200") && notice.Contains("65"),
                      "a notice reports the conserved totals of v2025-07");
            });
        } else if (m_step == 3) {
            m_before = frame->canvas()->image().Copy();
            m_step = 4;
            frame->layerPanel()->setVisible("communes_v2025_07", true);
        } else if (m_step == 4) {
            const long d = differingPixels(m_before, frame->canvas()->image());
            std::printf("  showing communes_v2025_07 changed %ld pixels\n", d);
            if (d <= 0)
                return;  // an earlier render finishing
            check(d > 2000, "showing the layer communes_v2025_07 changes the map");
            screenshot("app-units-v2025.png");
            finish("");
        }
    }

    void finish(const std::string& why)
    {
        if (m_finished)
            return;
        m_finished = true;
        m_timeout.Stop();
        if (!why.empty()) {
            std::printf("FAIL: %s\n", why.c_str());
            ++m_failures;
        }
        std::printf("%s (%d failures)\n", m_failures ? "FAIL" : "PASS", m_failures);
        std::fflush(stdout);
        m_result = m_failures ? 1 : 0;
        if (auto* f = mainFrame())
            f->Destroy();
        ExitMainLoop();
    }

    bando::test::TempDir m_dir{"gui-units"};
    std::string m_path;
    int m_step = 0, m_failures = 0, m_result = 1;
    bool m_finished = false;
    wxImage m_before;
    wxTimer m_timeout;
};

wxIMPLEMENT_APP_NO_MAIN(GuiUnitsApp);

int main(int argc, char** argv)
{
    if (!bando::app::haveDisplay()) {
        std::fprintf(stderr, "SKIP: no display (run under xvfb-run -a)\n");
        return 77;
    }
    return wxEntry(argc, argv);
}
