#include "app/dialogs/predict_dialog.hpp"

#include "app/bridge/bridge.hpp"

#include <wx/checkbox.h>
#include <wx/choice.h>
#include <wx/dialog.h>
#include <wx/sizer.h>
#include <wx/spinctrl.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

namespace bando::app {

bool runPredictDialog(wxWindow* parent, const std::string& projectPath, tasks::PredictRequest& request)
{
    wxDialog dlg(parent, wxID_ANY, wtr("Predict coverage"), wxDefaultPosition, wxDefaultSize,
                 wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER, kPredictDialogName);
    auto* top = new wxBoxSizer(wxVERTICAL);
    top->Add(new wxStaticText(&dlg, wxID_ANY,
                              wtr("Predicts mobile coverage from the project's base stations over its terrain "
                                  "and stores good / weak coverage polygons per operator and technology.")),
             0, wxALL | wxEXPAND, 10);
    auto* grid = new wxFlexGridSizer(2, 6, 8);
    grid->AddGrowableCol(1);
    // Model: the core's names, the default first as the request has it.
    static const char* const kModels[] = {"hata", "cost231", "itm", "fspl"};
    static const char* const kModelLabels[] = {N_("Okumura-Hata / COST-231 + knife edge (default)"), N_("COST-231 Hata"),
                                               N_("Longley-Rice ITM on the terrain"), N_("Free space")};
    grid->Add(new wxStaticText(&dlg, wxID_ANY, wtr("Propagation model")), 0, wxALIGN_CENTER_VERTICAL);
    auto* model = new wxChoice(&dlg, wxID_ANY, wxDefaultPosition, wxDefaultSize, 0, nullptr, 0, wxDefaultValidator, "model");
    for (size_t i = 0; i < 4; ++i) {
        model->Append(wtr(kModelLabels[i]));
        if (request.model == kModels[i])
            model->SetSelection(static_cast<int>(i));
    }
    grid->Add(model, 1, wxEXPAND);
    grid->Add(new wxStaticText(&dlg, wxID_ANY, wtr("Radius around each site (km)")), 0, wxALIGN_CENTER_VERTICAL);
    auto* radius = new wxSpinCtrlDouble(&dlg, wxID_ANY, "", wxDefaultPosition, wxDefaultSize, wxSP_ARROW_KEYS, 1, 100,
                                        request.radiusKm, 1, "radius");
    grid->Add(radius, 1, wxEXPAND);
    grid->Add(new wxStaticText(&dlg, wxID_ANY, wtr("Grid resolution (m)")), 0, wxALIGN_CENTER_VERTICAL);
    auto* resolution = new wxSpinCtrlDouble(&dlg, wxID_ANY, "", wxDefaultPosition, wxDefaultSize, wxSP_ARROW_KEYS, 20,
                                            5000, request.resolutionM, 10, "resolution");
    grid->Add(resolution, 1, wxEXPAND);
    grid->Add(new wxStaticText(&dlg, wxID_ANY, wtr("Operator (empty = all)")), 0, wxALIGN_CENTER_VERTICAL);
    auto* op = new wxTextCtrl(&dlg, wxID_ANY, wx(request.operatorName), wxDefaultPosition, wxDefaultSize, 0,
                              wxDefaultValidator, "operator");
    grid->Add(op, 1, wxEXPAND);
    top->Add(grid, 0, wxLEFT | wxRIGHT | wxEXPAND, 10);
    auto* replace = new wxCheckBox(&dlg, wxID_ANY, wtr("Replace the coverage layer used by the analysis"),
                                   wxDefaultPosition, wxDefaultSize, 0, wxDefaultValidator, "replace");
    replace->SetValue(request.replace);
    top->Add(replace, 0, wxALL, 10);
    top->Add(dlg.CreateStdDialogButtonSizer(wxOK | wxCANCEL), 0, wxALL | wxEXPAND, 10);
    dlg.SetSizerAndFit(top);
    for (;;) {
        if (dlg.ShowModal() != wxID_OK)
            return false;
        tasks::PredictRequest r = request;
        r.project = projectPath;
        const int m = model->GetSelection();
        r.model = m >= 0 ? kModels[m] : request.model;
        r.radiusKm = radius->GetValue();
        r.resolutionM = resolution->GetValue();
        r.operatorName = utf8(op->GetValue().Trim().Trim(false));
        r.replace = replace->GetValue();
        // The core validates (ranges, layer); a bad value keeps the dialog open.
        if (guarded(&dlg, wtr("Predict coverage"), [&] { r.validate(); })) {
            request = r;
            return true;
        }
    }
}

} // namespace bando::app
