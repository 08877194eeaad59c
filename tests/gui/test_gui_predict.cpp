// GUI test of Analysis → Predict coverage… (issue #16, app part) on a copy of the sample under
// Xvfb, through the menu action as a user runs it:
//   1. the dialog shows the request's defaults; OK with all operators starts the prediction
//      behind the progress dialog; once sites are done (progress moves, the step names the site
//      count) Cancel is pressed: the status bar says the previous coverage is kept and the
//      project has no new layer;
//   2. the dialog again, filled with one operator, 5 km and a 500 m grid: the run finishes, the
//      notice names the layer, and the project holds coverage_predicted with that operator's
//      good / weak polygons and the prediction's note; the map reloads.
// BANDO_SCREENSHOT_DIR=dir saves screenshots (import -window root). Exit 0 = pass, 1 = fail,
// 77 = skipped (no display).
#include "gui_fixture.hpp"

#include "app/actions/actions.hpp"
#include "app/bridge/bridge.hpp"
#include "app/dialogs/predict_dialog.hpp"
#include "core/store/project_store.hpp"

#include <wx/button.h>
#include <wx/checkbox.h>
#include <wx/choice.h>
#include <wx/progdlg.h>
#include <wx/spinctrl.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

#include <set>

namespace {

using bando::guitest::findChild;

// Saves a screenshot once pending paints are drawn.
void screenshot(const std::string& name) { bando::guitest::screenshot(name, true); }

// Texts of every static text in `w` (the progress dialog's message and step).
std::string labels(wxWindow* w)
{
    std::string out;
    for (wxWindow* c : w->GetChildren()) {
        if (auto* t = dynamic_cast<wxStaticText*>(c))
            out += bando::app::utf8(t->GetLabel()) + "\n";
        out += labels(c);
    }
    return out;
}

void click(wxWindow* dlg, int id)
{
    if (auto* b = dynamic_cast<wxButton*>(dlg->FindWindow(id))) {
        wxCommandEvent ev(wxEVT_BUTTON, id);
        ev.SetEventObject(b);
        b->ProcessWindowEvent(ev);
    }
}

template <class T>
T* shownTopLevel(const wxString& name = wxEmptyString)
{
    for (wxWindow* w : wxTopLevelWindows)
        if (auto* t = dynamic_cast<T*>(w); t && w->IsShown() && (name.empty() || w->GetName() == name))
            return t;
    return nullptr;
}

} // namespace

class GuiPredictApp : public bando::guitest::GuiTest {
public:
    GuiPredictApp() : GuiTest("gui-predict") {}
    bool OnInit() override
    {
        m_path = copySample("predict.gpkg");
        if (m_path.empty() || !start(m_path, wxSize(1400, 900), 280000))
            return false;
        auto* frame = mainFrame();
        frame->onProjectLoaded = [this](bool ok) {
            if (!ok)
                finish("the project did not load");
            else if (m_phase == Phase::Reload)
                m_phase = Phase::ReloadRender;
        };
        frame->onRenderComplete = [this](uint64_t) { rendered(); };
        m_poll.SetOwner(this, 2);
        Bind(wxEVT_TIMER, [this](wxTimerEvent&) { poll(); }, 2);
        beforeClose = [this] { m_poll.Stop(); };
        return true;
    }

private:
    enum class Phase { FirstRender, FillCancel, WaitToCancel, Cancelled, FillRun, Running, Reload, ReloadRender, Done };

    std::string where() const override { return "in phase " + std::to_string(static_cast<int>(m_phase)); }

    size_t layerFeatures(const std::string& layer, bool* exists = nullptr)
    {
        auto s = bando::ProjectStore::open(m_path, bando::ProjectStore::Mode::ReadOnly);
        const bool has = s->hasLayer(layer);
        if (exists)
            *exists = has;
        return has ? s->readLayer(layer).features.size() : 0;
    }

    void rendered()
    {
        if (m_phase == Phase::FirstRender) {
            bool has = true;
            m_coverageBefore = layerFeatures("coverage");
            layerFeatures("coverage_predicted", &has);
            check(!has, "the sample has no coverage_predicted layer yet");
            check(m_coverageBefore > 0, "the sample has a coverage layer");
            m_phase = Phase::FillCancel;
            m_poll.Start(100);
            CallAfter([this] { runPredict(); });
        } else if (m_phase == Phase::ReloadRender) {
            m_phase = Phase::Done;
            screenshot("predict-after.png");
            finish("");
        }
    }

    // The menu action, as a user chooses it; returns when the dialog, the run and the reload
    // request are over (the dialogs run nested event loops meanwhile).
    void runPredict()
    {
        auto* frame = mainFrame();
        try {
            frame->runAction(bando::app::actions::predictCoverage.wxId);
        } catch (const std::exception& e) {
            check(false, std::string("the action threw: ") + e.what());
        }
        const std::string status = bando::app::utf8(frame->statusText(4));
        std::printf("  status: %s\n", status.c_str());
        if (m_phase == Phase::Cancelled || m_phase == Phase::WaitToCancel) {
            check(m_phase == Phase::Cancelled, "Cancel was pressed while the prediction ran");
            check(status == bando::app::utf8(bando::app::wtr("Prediction cancelled: the previous coverage is kept.")),
                  "the status bar says the previous coverage is kept");
            bool has = true;
            layerFeatures("coverage_predicted", &has);
            check(!has, "after Cancel the project has no coverage_predicted layer");
            check(layerFeatures("coverage") == m_coverageBefore, "after Cancel the coverage layer is unchanged");
            m_phase = Phase::FillRun;
            CallAfter([this] { runPredict(); });
            return;
        }
        check(m_phase == Phase::Running, "the second prediction ran");
        check(m_sawProgress, "the progress dialog showed the second run");
        // The reload takes the status bar; the result stays in the notice above the map.
        const std::string notice = bando::app::utf8(frame->notice());
        std::printf("  notice: %s\n", notice.c_str());
        int mobifone = 0;
        {
            auto s = bando::ProjectStore::open(m_path, bando::ProjectStore::Mode::ReadOnly);
            const bando::Layer sites = s->readLayer("sites");
            const int iOp = sites.fieldIndex("operator");
            for (const auto& f : sites.features)
                mobifone += iOp >= 0 && bando::toString(f.values[static_cast<size_t>(iOp)]) == "MobiFone";
        }
        check(mobifone > 0 && notice == bando::app::utf8(wxString::Format(
                                           bando::app::wtr("Coverage predicted for %d sites into layer %s"), mobifone,
                                           "coverage_predicted")),
              "the notice names the MobiFone radios of the sites layer (" + std::to_string(mobifone) +
                  ") and the stored layer");
        checkStoredLayer();
        m_phase = Phase::Reload;  // doPredict reloads the project: wait for it and its render
    }

    void checkStoredLayer()
    {
        auto s = bando::ProjectStore::open(m_path, bando::ProjectStore::Mode::ReadOnly);
        if (!check(s->hasLayer("coverage_predicted"), "the run stored coverage_predicted"))
            return;
        const bando::Layer l = s->readLayer("coverage_predicted");
        const int iOp = l.fieldIndex("operator"), iTech = l.fieldIndex("technology"), iLevel = l.fieldIndex("level");
        check(iOp >= 0 && iTech >= 0 && iLevel >= 0, "the layer has the coverage schema (operator, technology, level)");
        std::set<std::string> ops, levels, techs;
        size_t parts = 0;
        for (const auto& f : l.features) {
            ops.insert(bando::toString(f.values[static_cast<size_t>(iOp)]));
            techs.insert(bando::toString(f.values[static_cast<size_t>(iTech)]));
            levels.insert(bando::toString(f.values[static_cast<size_t>(iLevel)]));
            parts += f.geom.parts.size();
        }
        std::printf("  coverage_predicted: %zu features, %zu polygons\n", l.features.size(), parts);
        check(ops == std::set<std::string>{"MobiFone"}, "only the operator chosen in the dialog");
        check(levels == std::set<std::string>{"good", "weak"}, "good and weak polygons");
        check(techs == std::set<std::string>{"3G", "4G"}, "both technologies");
        check(parts >= 4, "polygons were made");
        const auto note = s->meta("predict.layer.coverage_predicted");
        check(note && note->find("hata") != std::string::npos, "the layer's note names the model");
        if (note)
            std::printf("  note: %s\n", note->c_str());
        check(s->readLayer("coverage").features.size() == m_coverageBefore, "the coverage layer is untouched");
    }

    void poll()
    {
        if (m_phase == Phase::FillCancel || m_phase == Phase::FillRun) {
            auto* dlg = shownTopLevel<wxDialog>(bando::app::kPredictDialogName);
            if (!dlg)
                return;
            auto* model = findChild<wxChoice>(dlg, "model");
            auto* radius = findChild<wxSpinCtrlDouble>(dlg, "radius");
            auto* resolution = findChild<wxSpinCtrlDouble>(dlg, "resolution");
            auto* op = findChild<wxTextCtrl>(dlg, "operator");
            auto* replace = findChild<wxCheckBox>(dlg, "replace");
            if (!check(model && radius && resolution && op && replace, "the dialog has its five controls")) {
                finish("predict dialog controls missing");
                return;
            }
            if (m_phase == Phase::FillCancel) {
                const bando::tasks::PredictRequest defaults;
                check(model->GetSelection() == 0 && defaults.model == "hata", "the dialog proposes the default model (Hata)");
                check(radius->GetValue() == defaults.radiusKm && resolution->GetValue() == defaults.resolutionM,
                      "the dialog shows the request's default radius and resolution");
                check(op->GetValue().empty() && !replace->GetValue(), "all operators, no replace by default");
                m_phase = Phase::WaitToCancel;  // all operators: long enough to cancel
            } else {
                model->SetSelection(0);
                radius->SetValue(5);
                resolution->SetValue(500);
                op->SetValue("MobiFone");
                replace->SetValue(false);
                screenshot("predict-dialog.png");
                m_phase = Phase::Running;
            }
            click(dlg, wxID_OK);
            return;
        }
        auto* progress = shownTopLevel<wxGenericProgressDialog>();
        if (!progress)
            return;
        if (m_phase == Phase::WaitToCancel) {
            const std::string text = labels(progress);
            // Sites are being predicted (the step shows "done / total") and the bar moved.
            if (progress->GetValue() < 60 || text.find(" / ") == std::string::npos)
                return;
            std::printf("  progress %d/1000, text: %s\n", progress->GetValue(), text.c_str());
            check(true, "the progress dialog counts the sites and moves");
            screenshot("predict-progress.png");
            m_phase = Phase::Cancelled;
            click(progress, wxID_CANCEL);
        } else if (m_phase == Phase::Running) {
            m_sawProgress = true;
        }
    }

    std::string m_path;
    Phase m_phase = Phase::FirstRender;
    bool m_sawProgress = false;
    size_t m_coverageBefore = 0;
    wxTimer m_poll;
};

BANDO_GUI_TEST_MAIN(GuiPredictApp)
