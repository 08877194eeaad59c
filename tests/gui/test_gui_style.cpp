// GUI test of the map's layer tree, legend toggles, style editor and hillshade (issue #13, app
// parts), on a copy of the sample under Xvfb:
//   1. a layer dragged onto another (villages above the district boundaries) is saved in
//      bando_map_layers in that order;
//   2. a click on the lightest density class in the legend hides it: its colour leaves the map,
//      the toggle is saved (hidden_classes) and a second click brings it back;
//   3. Layer → Style… on the villages: graduated on households, Jenks 5 classes, ramp Reds, then
//      breaks typed by hand; OK stores the style (bando_styles JSON read back: manual breaks,
//      ramp) and the re-rendered map shows the class colours, with the exact class colour at a
//      village's label point;
//   4. the hillshade toggled on changes the map's pixels, toggled off restores them.
// BANDO_SCREENSHOT_DIR=dir saves screenshots (import -window root). Exit 0 = pass, 1 = fail,
// 77 = skipped (no display).
#include "gui_fixture.hpp"

#include "app/canvas/map_canvas.hpp"
#include "app/dialogs/style_dialog.hpp"
#include "app/panels/layer_panel.hpp"
#include "app/panels/legend_panel.hpp"
#include "core/model/geometry.hpp"
#include "core/render/hillshade.hpp"
#include "core/render/layer_tree.hpp"
#include "core/store/project_store.hpp"
#include "core/style/style_store.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <thread>

namespace {

using bando::guitest::differingPixels;
using bando::guitest::histogram;
using bando::guitest::screenshot;

uint32_t pixel(const wxImage& img, int x, int y)
{
    return (uint32_t(img.GetRed(x, y)) << 16) | (uint32_t(img.GetGreen(x, y)) << 8) | img.GetBlue(x, y);
}

constexpr uint32_t kLightestDensity = 0xffffcc;  // ColorBrewer YlGnBu-6, class 0

} // namespace

class GuiStyleApp : public bando::guitest::GuiTest {
public:
    GuiStyleApp() : GuiTest("gui-style") {}
    bool OnInit() override
    {
        m_path = copySample("style.gpkg");
        if (m_path.empty() || !start(m_path, wxSize(1400, 900), 170000))
            return false;
        auto* frame = mainFrame();
        frame->onProjectLoaded = [this](bool ok) {
            if (!ok)
                finish("the project did not load");
        };
        frame->onRenderComplete = [this](uint64_t) { rendered(); };
        return true;
    }

private:
    bando::render::MapState savedState()
    {
        mainFrame()->saveMapState();
        auto store = bando::ProjectStore::open(m_path);
        return bando::render::loadMapState(*store);
    }

    const bando::render::LayerView* viewOf(const bando::render::MapState& st, const std::string& layer)
    {
        for (const auto& v : st.layers)
            if (v.layer == layer)
                return &v;
        return nullptr;
    }

    // Runs `act` on the next turn and waits for a render started after it.
    void then(int step, std::function<void()> act)
    {
        m_step = step;
        CallAfter([this, act] {
            act();
            m_after = mainFrame()->canvas()->generation();
            m_waiting = true;
        });
    }

    bool fresh()
    {
        auto* c = mainFrame()->canvas();
        return m_waiting && c->shownGeneration() > m_after && !c->rendering();
    }

    void rendered()
    {
        auto* frame = mainFrame();
        auto* canvas = frame->canvas();
        if (m_step == 0) {
            // The first render: the density theme, hillshade off.
            m_first = canvas->image().Copy();
            m_h0 = histogram(m_first);
            check(m_h0[kLightestDensity] > 500, "the lightest density class is on the map");
            then(1, [this] {
                auto* panel = mainFrame()->layerPanel();
                check(panel->dropOn("villages", "districts"), "villages dropped on the district boundaries");
                check(!panel->dropOn("shops", "villages"), "a drop into another group is refused");
            });
        } else if (m_step == 1 && fresh()) {
            m_waiting = false;
            const auto st = savedState();
            auto at = [&](const std::string& n) {
                return std::find_if(st.layers.begin(), st.layers.end(), [&](const auto& v) { return v.layer == n; }) -
                       st.layers.begin();
            };
            check(at("villages") == at("districts") + 1, "the dragged order is saved: villages right above districts");
            const auto h = histogram(canvas->image());
            check(h.at(kLightestDensity) > m_h0[kLightestDensity],
                  "no boundary line covers the villages any more (more village colour)");
            m_h1 = h;
            then(2, [this] {
                check(mainFrame()->legendPanel()->toggleClass("villages", 0), "the legend's first class is clicked");
            });
        } else if (m_step == 2 && fresh()) {
            m_waiting = false;
            auto h = histogram(canvas->image());
            check(h[kLightestDensity] == 0, "the hidden class's colour has left the map");
            check(mainFrame()->legendPanel()->themeRowHidden(0), "the legend shows the class as hidden");
            const auto st = savedState();
            const auto* v = viewOf(st, "villages");
            check(v && v->hiddenClasses == std::vector<int>{0}, "the toggle is saved (hidden_classes = 0)");
            screenshot("app-legend-toggle.png");
            then(3, [this] { mainFrame()->legendPanel()->toggleClass("villages", 0); });
        } else if (m_step == 3 && fresh()) {
            m_waiting = false;
            auto h = histogram(canvas->image());
            check(h[kLightestDensity] == m_h1[kLightestDensity], "a second click brings the class back");
            then(4, [this] { styleVillages(); });
        } else if (m_step == 4 && fresh()) {
            m_waiting = false;
            checkStyledMap();
            m_beforeShade = canvas->image().Copy();
            then(5, [this] { mainFrame()->layerPanel()->setVisible(bando::render::kHillshadeLayer, true); });
        } else if (m_step == 5 && fresh()) {
            m_waiting = false;
            const long d = differingPixels(canvas->image(), m_beforeShade);
            std::printf("  hillshade on: %ld pixels differ\n", d);
            check(d > 50000, "the hillshade toggled on shades the map");
            screenshot("app-hillshade-on.png");
            then(6, [this] { mainFrame()->layerPanel()->setVisible(bando::render::kHillshadeLayer, false); });
        } else if (m_step == 6 && fresh()) {
            m_waiting = false;
            check(differingPixels(canvas->image(), m_beforeShade) == 0, "toggled off, the map is as before to the pixel");
            // Zoom to a commune (View → Zoom to commune… picks one the same way).
            const bando::Layer* communes = canvas->data()->layer("communes");
            const auto& f = communes->features[communes->features.size() / 2];
            const bando::Extent e = f.geom.extent();
            const double res0 = canvas->view().res;
            mainFrame()->zoomToUnit("communes", communes->text(f, "code"));
            const bando::Extent v = canvas->visibleExtent();
            check(v.minX <= e.minX && v.maxX >= e.maxX && v.minY <= e.minY && v.maxY >= e.maxY &&
                      canvas->view().res < res0 / 3,
                  "zoom to commune shows the whole commune, closer in");
            bool threw = false;
            try {
                mainFrame()->zoomToUnit("communes", "no-such-code");
            } catch (const std::exception&) {
                threw = true;
            }
            check(threw, "an unknown commune code is refused");
            // The province with all 112,000 shops, then pans: the worker's render time per
            // redraw, and the longest the UI thread went without handling a 5 ms timer tick.
            m_gapTimer.SetOwner(this, wxID_HIGHEST + 8);
            Bind(wxEVT_TIMER, [this](wxTimerEvent&) {
                const auto now = std::chrono::steady_clock::now();
                if (m_lastTick.time_since_epoch().count() != 0)
                    m_maxGap = std::max(m_maxGap, std::chrono::duration<double>(now - m_lastTick).count());
                m_lastTick = now;
            }, wxID_HIGHEST + 8);
            then(8, [this] {
                mainFrame()->layerPanel()->setVisible("shops", true);
                mainFrame()->canvas()->zoomFull();
            });
        } else if (m_step == 8 && fresh()) {
            m_waiting = false;
            if (m_panTimes.empty() && !m_gapTimer.IsRunning()) {
                m_gapTimer.Start(5);
                m_lastTick = {};
                m_maxGap = 0;
            } else {
                m_panTimes.push_back(canvas->lastRenderSeconds());
            }
            if (m_panTimes.size() < 9) {
                const int k = static_cast<int>(m_panTimes.size());
                then(8, [this, k] { mainFrame()->canvas()->panByPixels(k % 2 ? 40 : -30, k % 3 ? 25 : -20); });
                return;
            }
            m_gapTimer.Stop();
            std::vector<double> t = m_panTimes;
            std::sort(t.begin(), t.end());
            std::printf("  province + 112,000 shops, redraw after pan: median %.1f ms (min %.1f, max %.1f, n=%zu); "
                        "longest UI-thread gap while rendering %.1f ms\n",
                        t[t.size() / 2] * 1000, t.front() * 1000, t.back() * 1000, t.size(), m_maxGap * 1000);
            // On a machine this busy the scheduler alone can stall the UI thread past 100 ms
            // (seen at load 20 on 2 cores): the bound is asserted when the load is below twice
            // the cores (CI), reported otherwise.
            double load = 0;
            if (FILE* f = std::fopen("/proc/loadavg", "r")) {
                if (std::fscanf(f, "%lf", &load) != 1)
                    load = 0;
                std::fclose(f);
            }
            const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
            if (load < 2.0 * cores)
                check(m_maxGap < 0.1, "the UI thread never blocked 100 ms while the map rendered");
            else
                std::printf("  (load average %.1f on %u cores: the 100 ms bound is reported, not asserted)\n", load, cores);
            finish("");
        }
    }

    // Layer → Style… on the villages, driven through the dialog while it is modal.
    void styleVillages()
    {
        using bando::style::Method;
        using bando::style::Renderer;
        CallAfter([this] {
            auto* dlg = dynamic_cast<bando::app::StyleDialog*>(wxWindow::FindWindowByName(bando::app::kStyleDialogName));
            if (!check(dlg != nullptr, "the style editor is open")) {
                finish("no style dialog");
                return;
            }
            dlg->setRenderer(Renderer::Graduated);
            dlg->setField("households");
            dlg->setMethod(Method::Jenks);
            dlg->setClasses(5);
            dlg->setRamp("Reds");
            check(dlg->edges().size() == 6, "Jenks gives 5 classes (6 edges)");
            const auto& hist = dlg->histogram();
            const long total = std::accumulate(hist.begin(), hist.end(), 0L);
            const bando::Layer* villages = mainFrame()->canvas()->data()->layer("villages");
            long withValue = 0;
            for (const auto& f : villages->features)
                withValue += bando::toReal(f.values[static_cast<size_t>(villages->fieldIndex("households"))]).has_value();
            check(total == withValue && total > 1000, "the histogram counts every village with households");
            check(!dlg->setBreaksText("0, 50, 40"), "descending breaks are refused");
            check(dlg->setBreaksText("0, 60, 120, 200, 400, 100000"), "typed breaks are taken");
            check(dlg->style().method == Method::Manual, "typed breaks make the method manual");
            // Drag the third break (120) 25 px to the right on the histogram.
            wxWindow* hw = dlg->histogramWindow();
            const int x0 = dlg->breakPixel(2), y = hw->GetClientSize().y / 2;
            check(x0 > 0, "the break 120 is drawn on the histogram");
            auto mouse = [hw](wxEventType type, int x, int yy, bool down) {
                wxMouseEvent me(type);
                me.m_x = x;
                me.m_y = yy;
                me.m_leftDown = down;
                me.SetEventObject(hw);
                hw->GetEventHandler()->ProcessEvent(me);
            };
            const uint64_t genBefore = mainFrame()->canvas()->generation();
            mouse(wxEVT_LEFT_DOWN, x0, y, true);
            mouse(wxEVT_MOTION, x0 + 12, y, true);
            mouse(wxEVT_MOTION, x0 + 25, y, true);
            mouse(wxEVT_LEFT_UP, x0 + 25, y, false);
            m_dragged = dlg->edges().size() == 6 ? dlg->edges()[2] : 0;
            std::printf("  break dragged from 120 to %g (%d px -> %d px)\n", m_dragged, x0, dlg->breakPixel(2));
            check(m_dragged > 120 && m_dragged < 200, "dragging the break line moves the break between its neighbours");
            check(dlg->breakPixel(2) >= x0 + 20 && dlg->breakPixel(2) <= x0 + 30, "the break follows the mouse");
            check(dlg->edges()[1] == 60 && dlg->edges()[3] == 200, "the other breaks stay");
            check(dlg->breaksText().Contains(wxString::Format("%g", m_dragged)), "the breaks field shows the dragged value");
            check(dlg->style().method == Method::Manual, "a dragged break makes the method manual");
            dlg->setLabelField("name");
            dlg->setLabelPriorityField("households");
            dlg->setLabelMaxScale(60000);
            // Let GTK draw the new state before the screenshot, then press OK.
            m_dialogTimer.SetOwner(this, wxID_HIGHEST + 7);
            Bind(wxEVT_TIMER, [this, dlg, genBefore](wxTimerEvent&) {
                // The live preview (250 ms after the last change) gives the map the unsaved
                // style; wait (up to 10 s) until the canvas shows its render.
                auto* canvas = mainFrame()->canvas();
                const bool drawn = dlg->previewCount() >= 1 && canvas->generation() > genBefore && !canvas->rendering() &&
                                   canvas->shownGeneration() == canvas->generation();
                if (!drawn && ++m_previewPolls < 100) {
                    m_dialogTimer.StartOnce(100);
                    return;
                }
                check(dlg->previewCount() >= 1, "the editor previewed the style on the map");
                bool previewed = false;
                for (const auto& s : canvas->styles())
                    previewed = previewed || (s.layer == "villages" && s.method == Method::Manual && s.edges == dlg->edges());
                check(previewed, "the map draws the unsaved style with the dragged break");
                check(drawn, "the preview was rendered while the editor is open");
                // The map behind the dialog has the Reds classes of the unsaved style.
                const auto h = bando::guitest::histogram(canvas->image());
                long reds = 0;
                for (uint32_t c : bando::style::rampColours("Reds", 5))
                    reds += h.count(c) ? h.at(c) : 0;
                std::printf("  preview: %ld pixels in the Reds classes\n", reds);
                check(reds > 20000, "the previewed map shows the Reds classes before OK");
                screenshot("style-dialog.png", true);
                dlg->EndModal(wxID_OK);
            }, wxID_HIGHEST + 7);
            m_dialogTimer.StartOnce(300);
        });
        bool ok = false;
        try {
            ok = mainFrame()->editStyle("villages");
        } catch (const std::exception& e) {
            std::printf("  editStyle threw: %s\n", e.what());
        }
        check(ok, "OK stores the style");
    }

    void checkStyledMap()
    {
        // The stored style, from the project file.
        auto store = bando::ProjectStore::open(m_path);
        const auto stored = bando::style::loadStyles(*store);
        const bando::Layer table = store->readLayer(bando::style::kStylesTable);
        std::string json;
        for (const auto& f : table.features)
            if (table.text(f, "layer") == "villages")
                json = table.text(f, "style");
        std::printf("  stored: %s\n", json.c_str());
        check(json.find("\"method\": \"manual\"") != std::string::npos || json.find("\"method\":\"manual\"") != std::string::npos,
              "the stored JSON says method manual");
        const bando::style::Style* st = nullptr;
        for (const auto& s : stored)
            if (s.style.layer == "villages")
                st = &s.style;
        if (!check(st != nullptr, "bando_styles has the villages' style"))
            return;
        check(st->renderer == bando::style::Renderer::Graduated && st->field == "households" && st->ramp == "Reds",
              "graduated on households with the Reds ramp");
        check(st->edges == std::vector<double>{0, 60, m_dragged, 200, 400, 100000},
              "the typed and dragged breaks are stored exactly");
        check(st->labelField == "name" && st->labelPriorityField == "households" && st->labelMaxScale == 60000,
              "the label field, priority and scale are stored");
        // The re-rendered map: the class colours are drawn, and a village's label point has
        // the exact colour of its class.
        const auto reds = bando::style::rampColours("Reds", 5);
        const wxImage& img = mainFrame()->canvas()->image();
        auto h = histogram(img);
        long classPixels = 0;
        for (uint32_t c : reds)
            classPixels += h[c];
        check(classPixels > 50000, "the map shows the Reds classes");
        check(h[kLightestDensity] == 0, "the density theme is no longer drawn under the style");
        const bando::Layer* villages = mainFrame()->canvas()->data()->layer("villages");
        const int hi = villages->fieldIndex("households");
        int matched = 0, tried = 0;
        const double res = mainFrame()->canvas()->view().res;
        for (size_t i = 0; i < villages->features.size() && tried < 40; i += 7) {
            const auto& f = villages->features[i];
            const bando::Extent e = f.geom.extent();
            if (e.width() / res < 16 || e.height() / res < 16)
                continue;  // only villages large on screen: the label point is well inside
            const auto v = bando::toReal(f.values[static_cast<size_t>(hi)]);
            if (!v)
                continue;
            const int cls = bando::style::classIndex(st->edges, *v);
            const bando::XY p = bando::interiorPoint(f.geom);
            const wxPoint px = mainFrame()->canvas()->toPixel(p.x, p.y);
            if (cls < 0 || px.x < 0 || px.y < 0 || px.x >= img.GetWidth() || px.y >= img.GetHeight())
                continue;
            ++tried;
            matched += pixel(img, px.x, px.y) == reds[static_cast<size_t>(cls)];
        }
        std::printf("  %d of %d villages' label points have their class colour\n", matched, tried);
        check(tried >= 20 && matched >= tried * 3 / 4, "villages' label points show their class colour");
        screenshot("app-styled-villages.png");
    }

    std::string m_path;
    bool m_waiting = false;
    uint64_t m_after = 0;
    wxImage m_first, m_beforeShade;
    std::map<uint32_t, long> m_h0, m_h1;
    wxTimer m_dialogTimer, m_gapTimer;
    double m_dragged = 0;  // the break dragged on the histogram
    int m_previewPolls = 0;
    std::chrono::steady_clock::time_point m_lastTick{};
    double m_maxGap = 0;
    std::vector<double> m_panTimes;
};

BANDO_GUI_TEST_MAIN(GuiStyleApp)
