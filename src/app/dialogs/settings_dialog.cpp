#include "app/dialogs/settings_dialog.hpp"

#include "app/bridge/bridge.hpp"
#include "core/tasks/job.hpp"

#include <wx/button.h>
#include <wx/dialog.h>
#include <wx/sizer.h>
#include <wx/spinctrl.h>
#include <wx/stattext.h>

namespace bando::app {

bool runSettingsDialog(wxWindow* parent, const std::string& project, tasks::SettingsRequest& request)
{
    tasks::SettingsRequest show;
    show.project = project;
    Feedback fb;
    const tasks::SettingsResult current = tasks::runTask(show, fb);  // read-only
    const analysis::Thresholds& now = current.thresholds;

    wxDialog dlg(parent, wxID_ANY, wtr("Analysis settings"));
    auto* grid = new wxFlexGridSizer(2, 6, 10);
    auto add = [&](const char* label, double value, double lo, double hi, double step, int digits) {
        grid->Add(new wxStaticText(&dlg, wxID_ANY, wtr(label)), 0, wxALIGN_CENTER_VERTICAL);
        auto* s = new wxSpinCtrlDouble(&dlg, wxID_ANY, "", wxDefaultPosition, wxSize(120, -1), wxSP_ARROW_KEYS, lo, hi,
                                       value, step);
        s->SetDigits(digits);
        grid->Add(s);
        return s;
    };
    auto* noSignal = add(N_("No signal below this share of households with any signal"), now.noSignalShareAny, 0, 1, 0.05, 2);
    auto* unstable = add(N_("Unstable below this share of households with good signal"), now.unstableShareGood, 0, 1, 0.05, 2);
    auto* bbShare = add(N_("Broadband from this share of households near the network"), now.broadbandShare, 0, 1, 0.05, 2);
    auto* bbDist = add(N_("Distance to an OLT/cabinet or a fibre line (m)"), now.broadbandDistanceM, 1, 50000, 100, 0);
    // road speeds: the three road classes of the sample, other roads, off the network
    static const std::pair<const char*, const char*> kClasses[] = {
        {"national", N_("Speed on national roads (km/h)")},
        {"provincial", N_("Speed on provincial roads (km/h)")},
        {"district", N_("Speed on district roads (km/h)")},
    };
    std::vector<std::pair<std::string, wxSpinCtrlDouble*>> classSpins;
    for (const auto& [cls, label] : kClasses) {
        const auto it = current.speeds.speedKmh.find(cls);
        classSpins.emplace_back(cls, add(label, it == current.speeds.speedKmh.end() ? 30.0 : it->second, 1, 200, 5, 0));
        classSpins.back().second->SetName(std::string("speed_") + cls);
    }
    auto* other = add(N_("Speed on other roads (km/h)"), current.speeds.otherKmh, 1, 200, 5, 0);
    auto* offRoad = add(N_("Speed off the road network (km/h)"), current.speeds.offRoadKmh, 1, 200, 1, 0);
    other->SetName("speed_other");
    offRoad->SetName("speed_off_road");
    auto* top = new wxBoxSizer(wxVERTICAL);
    top->Add(grid, 0, wxALL, 12);
    top->Add(new wxStaticText(&dlg, wxID_ANY,
                              wtr("Stored in the project; the next analysis recomputes what they change. The road "
                                  "speeds are every analysis's defaults (the Analyse villages dialog starts from them).")),
             0, wxLEFT | wxRIGHT, 12);
    top->Add(dlg.CreateStdDialogButtonSizer(wxOK | wxCANCEL), 0, wxALL | wxEXPAND, 12);
    dlg.SetSizerAndFit(top);
    if (dlg.ShowModal() != wxID_OK)
        return false;
    request = {};
    request.project = project;
    auto changed = [](double a, double b) { return std::abs(a - b) > 1e-12; };
    if (changed(noSignal->GetValue(), now.noSignalShareAny)) request.noSignalShareAny = noSignal->GetValue();
    if (changed(unstable->GetValue(), now.unstableShareGood)) request.unstableShareGood = unstable->GetValue();
    if (changed(bbShare->GetValue(), now.broadbandShare)) request.broadbandShare = bbShare->GetValue();
    if (changed(bbDist->GetValue(), now.broadbandDistanceM)) request.broadbandDistanceM = bbDist->GetValue();
    for (const auto& [cls, spin] : classSpins) {
        const auto it = current.speeds.speedKmh.find(cls);
        if (it == current.speeds.speedKmh.end() || changed(spin->GetValue(), it->second))
            request.speedKmh[cls] = spin->GetValue();
    }
    if (changed(other->GetValue(), current.speeds.otherKmh)) request.otherKmh = other->GetValue();
    if (changed(offRoad->GetValue(), current.speeds.offRoadKmh)) request.offRoadKmh = offRoad->GetValue();
    return true;
}

} // namespace bando::app
