// GUI test of Analysis → Figures in another unit version… (issue #17, app part), on a copy of the
// analysed sample under Xvfb: runs the units request through the frame (progress dialog on a
// worker thread) with the targets, progress reports and gap lists, sees the project reload, checks
// the stored tables (66 rows of v2025-07, households conserved against the villages, xã Thất Khê
// apportioned, the 65 dissolved units), the status bar's conserved totals, and that showing the
// communes_v2025_07 layer changes the map. BANDO_SCREENSHOT_DIR=dir saves screenshots (import
// -window root). Exit 0 = pass, 1 = fail, 77 = skipped (no display).
#include "gui_fixture.hpp"

#include "app/canvas/map_canvas.hpp"
#include "app/panels/layer_panel.hpp"
#include "core/store/project_store.hpp"
#include "core/tasks/units_task.hpp"

using bando::guitest::differingPixels;
using bando::guitest::screenshot;

class GuiUnitsApp : public bando::guitest::GuiTest {
public:
    GuiUnitsApp() : GuiTest("gui-units") {}
    bool OnInit() override
    {
        m_path = copySample("units.gpkg", BANDO_TEST_ANALYSED);
        if (m_path.empty() || !start(m_path, wxSize(1400, 900), 170000))
            return false;
        auto* frame = mainFrame();
        frame->onProjectLoaded = [this](bool ok) { loaded(ok); };
        frame->onRenderComplete = [this](uint64_t) { rendered(); };
        return true;
    }

private:
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

    std::string m_path;
    wxImage m_before;
};

BANDO_GUI_TEST_MAIN(GuiUnitsApp)
