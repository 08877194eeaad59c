#include "app/dialogs/units_dialog.hpp"

#include "app/bridge/bridge.hpp"
#include "core/units/villages.hpp"

#include <wx/checkbox.h>
#include <wx/choice.h>
#include <wx/dialog.h>
#include <wx/sizer.h>
#include <wx/stattext.h>

namespace bando::app {

bool runUnitsDialog(wxWindow* parent, const std::string& projectPath, tasks::UnitsRequest& request)
{
    wxDialog dlg(parent, wxID_ANY, wtr("Figures in another unit version"), wxDefaultPosition, wxDefaultSize,
                 wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER);
    auto* top = new wxBoxSizer(wxVERTICAL);
    top->Add(new wxStaticText(&dlg, wxID_ANY,
                              wtr("Sums the village indicators in the units of another version: merged communes "
                                  "are summed, split ones divided along village lines, and households, shops and "
                                  "gap villages are checked to be conserved. The results and the new communes' "
                                  "layer are stored in the project.")),
             0, wxALL | wxEXPAND, 10);
    auto* grid = new wxFlexGridSizer(2, 6, 8);
    grid->AddGrowableCol(1);
    grid->Add(new wxStaticText(&dlg, wxID_ANY, wtr("Unit version")), 0, wxALIGN_CENTER_VERTICAL);
    auto* version = new wxChoice(&dlg, wxID_ANY);
    for (const auto& v : units::Registry::shipped().versions())
        version->Append(wx(v.id));
    version->SetStringSelection(wx(request.to));
    grid->Add(version, 1, wxEXPAND);
    top->Add(grid, 0, wxLEFT | wxRIGHT | wxEXPAND, 10);
    auto* villages = new wxCheckBox(&dlg, wxID_ANY, wtr("Also per village after the merges of 12/2021"));
    villages->SetValue(!request.villages.empty());
    top->Add(villages, 0, wxLEFT | wxRIGHT | wxTOP, 10);
    auto* carryAll = new wxCheckBox(&dlg, wxID_ANY, wtr("Also the targets, progress reports and gap lists"));
    carryAll->SetValue(request.wants("targets"));
    top->Add(carryAll, 0, wxALL, 10);
    top->Add(dlg.CreateStdDialogButtonSizer(wxOK | wxCANCEL), 0, wxALL | wxEXPAND, 10);
    dlg.SetSizerAndFit(top);
    for (;;) {
        if (dlg.ShowModal() != wxID_OK)
            return false;
        tasks::UnitsRequest r = request;
        r.project = projectPath;
        r.to = utf8(version->GetStringSelection());
        r.villages = villages->GetValue() ? units::kVillagesV2021_12 : "";
        r.what = carryAll->GetValue() ? std::vector<std::string>{"all"} : std::vector<std::string>{"indicators"};
        if (guarded(&dlg, wtr("Figures in another unit version"), [&] { r.validate(); })) {
            request = r;
            return true;
        }
    }
}

} // namespace bando::app
