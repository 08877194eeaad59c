// GUI test of the Analyse action and the layer tree (issues #9 and #13, app parts), on a copy
// of the sample under Xvfb: runs the analysis through the frame (progress dialog on a worker
// thread), sees the map reload with the "class" theme and its three colours, toggles the Telecom
// group, halves the villages' opacity (the map changes), reopens the project and finds the layer
// tree, the opacity and the theme restored; previous / next extent go back and forth.
// BANDO_SCREENSHOT_DIR=dir saves screenshots (import -window root). Exit 0 = pass, 1 = fail,
// 77 = skipped (no display).
#include "gui_fixture.hpp"

#include "app/app.hpp"
#include "app/canvas/map_canvas.hpp"
#include "app/frames/main_frame.hpp"
#include "app/panels/layer_panel.hpp"
#include "app/panels/legend_panel.hpp"
#include "support/test_support.hpp"

#include <wx/timer.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>

namespace {

using bando::guitest::histogram;
using bando::guitest::screenshot;

} // namespace

class GuiAnalysisApp : public bando::guitest::GuiTest {
public:
    GuiAnalysisApp() : GuiTest("gui-analysis") {}
    bool OnInit() override
    {
        m_path = copySample("analysis.gpkg");
        if (m_path.empty() || !start(m_path, wxSize(1400, 900), 170000))
            return false;
        auto* frame = mainFrame();
        frame->onProjectLoaded = [this](bool ok) { loaded(ok); };
        frame->onRenderComplete = [this](uint64_t) { rendered(); };
        return true;
    }

private:
    bool hasTheme(const std::string& t) const
    {
        const auto& v = mainFrame()->themes();
        return std::find(v.begin(), v.end(), t) != v.end();
    }

    void loaded(bool ok)
    {
        auto* frame = mainFrame();
        if (!ok) {
            finish("the project did not load");
            return;
        }
        if (m_step == 0) {
            check(!hasTheme("class"), "before the analysis the class theme is not offered");
            m_step = 1;  // wait for the first render
        } else if (m_step == 2) {
            check(hasTheme("class") && hasTheme("penetration") && hasTheme("shop_density") && hasTheme("gap_households"),
                  "after the analysis the four analysis themes are offered");
            check(frame->canvas()->theme() == "class", "the map switched to the class theme");
            check(std::abs(frame->canvas()->view().res - m_resBefore) < 1e-9, "the reload kept the view");
            m_step = 3;  // wait for a render with the class theme
        } else if (m_step == 5) {
            const auto& st = frame->layerPanel()->state();
            bool telecomOn = true, found = false;
            double opacity = 1;
            for (const auto& v : st.layers) {
                if (bando::render::layerGroup(v.layer) == "telecom")
                    telecomOn = telecomOn && v.visible;
                if (v.layer == "villages") {
                    opacity = v.opacity;
                    found = true;
                }
            }
            check(telecomOn, "reopened: the Telecom group is still shown");
            check(frame->layerPanel()->groupCheckState("telecom") == wxCHK_CHECKED, "reopened: the Telecom box is ticked");
            check(found && std::abs(opacity - 0.5) < 1e-9, "reopened: villages at 50 % opacity");
            check(frame->canvas()->theme() == "class", "reopened: the class theme is restored");
            check(st.bookmarks.size() == 1 && st.bookmarks[0].name == "Trung tâm", "reopened: the bookmark is restored");
            m_step = 6;
        }
    }

    void rendered()
    {
        auto* frame = mainFrame();
        auto* canvas = frame->canvas();
        if (m_step == 1) {
            m_step = 2;
            m_resBefore = canvas->view().res;
            CallAfter([this] {
                bando::tasks::AnalyzeRequest req;
                bool ok = false;
                try {
                    ok = mainFrame()->analyze(req);
                } catch (const std::exception& e) {
                    std::printf("  analyze threw: %s\n", e.what());
                }
                check(ok, "the Analyse action ran to the end");
            });
        } else if (m_step == 3) {
            if (canvas->theme() != "class")
                return;
            auto h = histogram(canvas->image());
            std::printf("  class colours: no signal %ld, unstable %ld, covered %ld pixels\n", h[0xd7191c], h[0xfdae61],
                        h[0x91cf60]);
            check(h[0xd7191c] > 1000 && h[0xfdae61] > 1000 && h[0x91cf60] > 1000,
                  "the canvas shows the three class colours");
            m_classRed = h[0xd7191c];
            screenshot("app-analysis-class.png");
            // Layer tree: show the Telecom group, halve the villages' opacity.
            auto* panel = frame->layerPanel();
            check(panel->groupCheckState("telecom") == wxCHK_UNCHECKED, "the Telecom group starts hidden");
            const size_t legendRows = frame->legendPanel()->rowCount();
            panel->setGroupVisible("telecom", true);
            check(panel->groupCheckState("telecom") == wxCHK_CHECKED, "ticking the group shows all its layers");
            check(frame->legendPanel()->rowCount() > legendRows, "the legend lists the telecom layers");
            panel->select("villages");
            panel->setOpacity("villages", 0.5);
            frame->addBookmark("Trung tâm");
            m_step = 4;
        } else if (m_step == 4) {
            auto h = histogram(canvas->image());
            if (h[0xd7191c] >= m_classRed / 2)
                return;  // an earlier render (group toggle) finishing
            check(true, "at 50 % opacity the pure class colours are gone from the villages");
            screenshot("app-layer-tree.png");
            frame->saveMapState();
            m_step = 5;
            frame->openProject(m_path);  // reopen: the state comes from the project
        } else if (m_step == 6) {
            // previous / next extent
            const double res0 = canvas->view().res;
            canvas->zoomBy(2.0);
            const double res1 = canvas->view().res;
            m_step = 7;
            CallAfter([this, res0, res1] {
                auto* c = mainFrame()->canvas();
                c->goBack();
                check(std::abs(c->view().res - res0) < 1e-9 * res0, "previous extent returns to the full view");
                c->goForward();
                check(std::abs(c->view().res - res1) < 1e-9 * res1, "next extent returns to the zoomed view");
                finish("");
            });
        }
    }

    std::string m_path;
    double m_resBefore = 0;
    long m_classRed = 0;
};

BANDO_GUI_TEST_MAIN(GuiAnalysisApp)
