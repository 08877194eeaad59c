#include "app/dialogs/analyze_dialog.hpp"

#include "app/bridge/bridge.hpp"
#include "core/analysis/indicators.hpp"

#include <wx/dialog.h>
#include <wx/sizer.h>
#include <wx/spinctrl.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

#include <map>

namespace bando::app {

bool runAnalyzeDialog(wxWindow* parent, const std::string& projectPath, tasks::AnalyzeRequest& request)
{
    wxDialog dlg(parent, wxID_ANY, wtr("Analyse villages"), wxDefaultPosition, wxDefaultSize,
                 wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER);
    auto* top = new wxBoxSizer(wxVERTICAL);
    top->Add(new wxStaticText(&dlg, wxID_ANY,
                              wtr("Computes every village's indicators, coverage gaps and access, and stores them "
                                  "in the project. Parts whose inputs did not change are reused.")),
             0, wxALL | wxEXPAND, 10);
    auto* grid = new wxFlexGridSizer(2, 6, 8);
    grid->AddGrowableCol(1);
    grid->Add(new wxStaticText(&dlg, wxID_ANY, wtr("Date (YYYY-MM-DD, empty = latest data)")), 0, wxALIGN_CENTER_VERTICAL);
    auto* date = new wxTextCtrl(&dlg, wxID_ANY, wx(request.date));
    grid->Add(date, 1, wxEXPAND);
    grid->Add(new wxStaticText(&dlg, wxID_ANY, wtr("Change since (YYYY-MM-DD, optional)")), 0, wxALIGN_CENTER_VERTICAL);
    auto* since = new wxTextCtrl(&dlg, wxID_ANY, wx(request.since));
    grid->Add(since, 1, wxEXPAND);
    // Road speeds: the core's defaults, overridden by the request.
    const analysis::AccessOptions defaults;
    std::map<std::string, wxSpinCtrl*> speeds;
    static const std::pair<const char*, const char*> kClasses[] = {
        {"national", N_("Speed on national roads (km/h)")},
        {"provincial", N_("Speed on provincial roads (km/h)")},
        {"district", N_("Speed on district roads (km/h)")},
    };
    for (const auto& [cls, label] : kClasses) {
        double v = 0;
        if (auto it = defaults.speedKmh.find(cls); it != defaults.speedKmh.end())
            v = it->second;
        if (auto it = request.speedKmh.find(cls); it != request.speedKmh.end())
            v = it->second;
        grid->Add(new wxStaticText(&dlg, wxID_ANY, wtr(label)), 0, wxALIGN_CENTER_VERTICAL);
        auto* spin = new wxSpinCtrl(&dlg, wxID_ANY, "", wxDefaultPosition, wxDefaultSize, wxSP_ARROW_KEYS, 1, 200,
                                    static_cast<int>(v));
        grid->Add(spin, 1, wxEXPAND);
        speeds[cls] = spin;
    }
    top->Add(grid, 0, wxLEFT | wxRIGHT | wxEXPAND, 10);
    top->Add(dlg.CreateStdDialogButtonSizer(wxOK | wxCANCEL), 0, wxALL | wxEXPAND, 10);
    dlg.SetSizerAndFit(top);
    for (;;) {
        if (dlg.ShowModal() != wxID_OK)
            return false;
        tasks::AnalyzeRequest r = request;
        r.project = projectPath;
        r.date = utf8(date->GetValue().Trim().Trim(false));
        r.since = utf8(since->GetValue().Trim().Trim(false));
        for (const auto& [cls, spin] : speeds)
            r.speedKmh[cls] = spin->GetValue();
        // The core validates (dates, speeds); a bad value keeps the dialog open.
        if (guarded(&dlg, wtr("Analyse villages"), [&] { r.validate(); })) {
            request = r;
            return true;
        }
    }
}

} // namespace bando::app
