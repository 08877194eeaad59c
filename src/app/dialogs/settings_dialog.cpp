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
    const analysis::Thresholds now = tasks::runTask(show, fb).thresholds;  // read-only

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
    auto* top = new wxBoxSizer(wxVERTICAL);
    top->Add(grid, 0, wxALL, 12);
    top->Add(new wxStaticText(&dlg, wxID_ANY,
                              wtr("Stored in the project; the next analysis recomputes what they change. Road speeds "
                                  "are chosen in the Analyse villages dialog.")),
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
    return true;
}

} // namespace bando::app
