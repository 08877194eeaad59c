// GUI test of the workbench with simulated input (issue #14): wxUIActionSimulator moves the
// pointer and presses the buttons and keys of the X server (XTest under Xvfb), so the events
// travel the real path — X server, GTK, wx, the map canvas's mouse handler, the frame — not a
// callback. On a copy of the sample: a click on a village identifies it (the Identify panel shows
// its code and households); Shift + drag selects the villages the rectangle meets (the same as
// search::featuresInBox on the rectangle's map corners, counted in the status bar); the polygon
// tool takes clicks and a double click (search::featuresInPolygon on the clicked vertices);
// Ctrl+Shift+A clears the selection through the menu accelerator.
// Exit 0 = pass, 1 = fail, 77 = skipped (no display).
#include "gui_fixture.hpp"

#include "app/actions/actions.hpp"
#include "app/canvas/map_canvas.hpp"
#include "app/panels/identify_panel.hpp"
#include "core/search/identify.hpp"

#include <wx/uiaction.h>

#include <algorithm>
#include <deque>

using namespace bando;

class InputTest : public guitest::GuiTest {
public:
    InputTest() : GuiTest("gui-input") {}
    bool OnInit() override
    {
        m_path = copySample("input.gpkg");
        if (m_path.empty() || !start(m_path, wxSize(1400, 900), 120000))
            return false;
        followRenders([this] { rendered(); });
        m_tick.Bind(wxEVT_TIMER, [this](wxTimerEvent&) { tick(); });
        return true;
    }

private:
    using Step = std::function<bool()>;  // true = done, go on with the next step

    void rendered()
    {
        if (m_step == 0) {
            m_step = 1;
            CallAfter([this] { zoomToVillage(); });
        } else if (m_step == 2) {
            m_step = 3;
            CallAfter([this] { script(); });
        }
    }

    void zoomToVillage()
    {
        const Layer* villages = mainFrame()->canvas()->data()->layer("villages");
        for (size_t i = 0; i < villages->features.size(); ++i)
            if (villages->integer(villages->features[i], "households") > 50) {
                m_village = i;
                break;
            }
        const Feature& v = villages->features[m_village];
        m_code = villages->text(v, "code");
        m_households = villages->integer(v, "households");
        // a view a few times the village's size: its neighbours are on screen for the rectangle
        mainFrame()->canvas()->zoomToExtent(v.geom.extent(), 0.35);
        m_step = 2;
    }

    wxPoint screen(wxPoint client) const { return mainFrame()->canvas()->ClientToScreen(client); }
    XY mapAt(wxPoint client) const
    {
        XY p;
        mainFrame()->canvas()->toMap(client, p.x, p.y);
        return p;
    }
    // Runs the steps one after the other on a 40 ms tick; each is polled until it returns true.
    void run(std::deque<Step> steps)
    {
        m_steps = std::move(steps);
        m_tick.Start(40);
    }
    void tick()
    {
        while (!m_steps.empty()) {
            if (!m_steps.front()())
                return;
            m_steps.pop_front();
        }
        m_tick.Stop();
    }
    // A step that waits `ms` from its first poll.
    Step wait(int ms)
    {
        auto until = std::make_shared<wxLongLong>(0);
        return [until, ms] {
            if (*until == 0)
                *until = wxGetLocalTimeMillis() + ms;
            return wxGetLocalTimeMillis() >= *until;
        };
    }
    // A step that waits (at most 5 s) for `cond`; on time-out it records `what` as failed.
    Step until(std::function<bool()> cond, std::string what)
    {
        auto deadline = std::make_shared<wxLongLong>(0);
        return [this, deadline, cond, what] {
            if (*deadline == 0)
                *deadline = wxGetLocalTimeMillis() + 5000;
            if (cond())
                return true;
            if (wxGetLocalTimeMillis() < *deadline)
                return false;
            check(false, what + " (timed out waiting for the events)");
            return true;
        };
    }

    void script()
    {
        auto* frame = mainFrame();
        auto* canvas = frame->canvas();
        const Layer* villages = canvas->data()->layer("villages");
        const XY inside = interiorPoint(villages->features[m_village].geom);
        const wxPoint at = canvas->toPixel(inside.x, inside.y);
        std::printf("  village %s at pixel %d,%d of %dx%d\n", m_code.c_str(), at.x, at.y, canvas->GetClientSize().x,
                    canvas->GetClientSize().y);
        if (!check(wxRect(canvas->GetClientSize()).Contains(at), "the village is on screen"))
            return finish("");
        std::deque<Step> s;
        // 1. identify: a click on the village
        s.push_back([this, at] {
            m_sim.MouseMove(screen(at));
            return true;
        });
        s.push_back(wait(150));
        s.push_back([this] {
            m_sim.MouseClick();
            return true;
        });
        s.push_back(until([this] { return mainFrame()->identifyPanel()->valueOf(app::wtr("Code")) == app::wx(m_code); },
                          "identify by a real click"));
        s.push_back([this] {
            auto* id = mainFrame()->identifyPanel();
            std::printf("  identify by click: %s / %s\n", app::utf8(id->valueOf(app::wtr("Code"))).c_str(),
                        app::utf8(id->valueOf(app::wtr("Households"))).c_str());
            check(id->valueOf(app::wtr("Code")) == app::wx(m_code), "a real click identifies the village: its code");
            check(id->valueOf(app::wtr("Households")) == wxString::Format("%lld", static_cast<long long>(m_households)),
                  "the Identify panel shows its households");
            check(mainFrame()->selection() == std::set<size_t>{m_village}, "the click selected the village");
            guitest::screenshot("workbench-input-identify.png");
            return true;
        });
        // 2. rectangle: Shift + drag over the village and its neighbours
        const wxPoint a = at - wxPoint(90, 70), b = at + wxPoint(90, 70);
        s.push_back([this, a] {
            m_sim.MouseMove(screen(a));
            return true;
        });
        s.push_back(wait(100));
        s.push_back([this] {
            m_sim.KeyDown(WXK_SHIFT);
            m_sim.MouseDown();
            return true;
        });
        s.push_back(wait(100));
        s.push_back([this, a, b] {
            m_sim.MouseMove(screen((a + b) / 2));
            return true;
        });
        s.push_back(wait(100));
        s.push_back([this, b] {
            m_sim.MouseMove(screen(b));
            return true;
        });
        s.push_back(wait(100));
        s.push_back([this] {
            m_sim.MouseUp();
            m_sim.KeyUp(WXK_SHIFT);
            return true;
        });
        s.push_back(until([this] { return mainFrame()->selection().size() > 1; }, "rectangle selection by a real drag"));
        s.push_back([this, a, b, villages] {
            Extent box;
            const XY p = mapAt(a), q = mapAt(b);
            box.expand(p.x, p.y);
            box.expand(q.x, q.y);
            const auto expected = search::featuresInBox(*villages, box);
            const auto& sel = mainFrame()->selection();
            std::printf("  rectangle by Shift+drag: %zu selected, featuresInBox %zu, status: %s\n", sel.size(), expected.size(),
                        app::utf8(mainFrame()->statusText(3)).c_str());
            check(sel == std::set<size_t>(expected.begin(), expected.end()) && sel.count(m_village),
                  "Shift + drag selects exactly the villages the rectangle meets, the clicked one among them");
            check(mainFrame()->statusText(3).StartsWith(wxString::Format("%zu ", sel.size())), "the status bar counts them");
            guitest::screenshot("workbench-input-rectangle.png");
            return true;
        });
        // 3. polygon: the tool on, three clicks, a double click closes (its first click adds the 4th vertex)
        const wxPoint v1 = at + wxPoint(-80, 60), v2 = at + wxPoint(0, -80), v3 = at + wxPoint(80, 60), v4 = at + wxPoint(0, 20);
        s.push_back([this] {
            mainFrame()->runAction(app::actions::selectPolygon.wxId);
            return true;
        });
        for (const wxPoint& v : {v1, v2, v3}) {
            s.push_back([this, v] {
                m_sim.MouseMove(screen(v));
                return true;
            });
            s.push_back(wait(120));
            s.push_back([this] {
                m_sim.MouseClick();
                return true;
            });
            s.push_back(wait(450));  // longer than the double-click time: three single clicks
        }
        s.push_back([this, v4] {
            m_sim.MouseMove(screen(v4));
            return true;
        });
        s.push_back(wait(120));
        s.push_back([this] {
            m_sim.MouseDblClick();
            return true;
        });
        s.push_back(until([this] { return !mainFrame()->polygonSelecting(); }, "the double click closes the polygon"));
        s.push_back([this, v1, v2, v3, v4, villages] {
            const auto expected = search::featuresInPolygon(*villages, {mapAt(v1), mapAt(v2), mapAt(v3), mapAt(v4)});
            const auto& sel = mainFrame()->selection();
            std::printf("  polygon by clicks and a double click: %zu selected, featuresInPolygon %zu, status: %s\n",
                        sel.size(), expected.size(), app::utf8(mainFrame()->statusText(3)).c_str());
            check(!sel.empty() && sel == std::set<size_t>(expected.begin(), expected.end()),
                  "clicks and a double click select exactly the villages the polygon meets");
            return true;
        });
        // 4. a key: Ctrl+Shift+A (Edit → Clear selection) through the accelerator
        s.push_back([this, at] {
            m_sim.MouseMove(screen(at));  // no window manager: the key goes where the pointer is
            return true;
        });
        s.push_back(wait(100));
        s.push_back([this] {
            mainFrame()->canvas()->SetFocus();
            m_sim.Char('A', wxMOD_CONTROL | wxMOD_SHIFT);
            return true;
        });
        s.push_back(until([this] { return mainFrame()->selection().empty(); }, "Ctrl+Shift+A clears the selection"));
        s.push_back([this] {
            check(mainFrame()->selection().empty() && mainFrame()->statusText(3) == app::wtr("No selection"),
                  "Ctrl+Shift+A (a real key press) clears the selection");
            finish("");
            return true;
        });
        run(std::move(s));
    }

    std::string m_path, m_code;
    size_t m_village = 0;
    int64_t m_households = 0;
    wxUIActionSimulator m_sim;
    wxTimer m_tick;
    std::deque<Step> m_steps;
};

BANDO_GUI_TEST_MAIN(InputTest)
