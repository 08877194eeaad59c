#include "app/dialogs/outside_rows_dialog.hpp"

#include "app/bridge/bridge.hpp"
#include "core/i18n/i18n.hpp"

#include <wx/button.h>
#include <wx/checklst.h>
#include <wx/dialog.h>
#include <wx/sizer.h>
#include <wx/stattext.h>

#include <filesystem>

namespace bando::app {

std::optional<OutsideRowsChoice> chooseOutsideRows(wxWindow* parent, const std::string& file,
                                                   const std::vector<io::OutsideRow>& rows)
{
    wxDialog dlg(parent, wxID_ANY, wtr("Rows outside the province"), wxDefaultPosition, wxDefaultSize,
                 wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER, kOutsideRowsDialogName);
    auto* top = new wxBoxSizer(wxVERTICAL);
    const std::string name = std::filesystem::path(file).filename().string();
    auto* text = new wxStaticText(
        &dlg, wxID_ANY,
        wx(trf("{1}: {2} rows lie more than 1 km beyond the province's outline. Usually the file's coordinates or "
               "CRS are wrong. Tick the rows to import anyway; the others are left out (and listed).",
               {name, std::to_string(rows.size())})));
    text->Wrap(520);
    top->Add(text, 0, wxALL, 10);
    wxArrayString items;
    for (const auto& r : rows)
        items.Add(wx(trf("row {1}: lon {2}, lat {3}",
                         {std::to_string(r.row), wxString::Format("%.6f", r.lon).ToStdString(),
                          wxString::Format("%.6f", r.lat).ToStdString()})));
    auto* list = new wxCheckListBox(&dlg, wxID_ANY, wxDefaultPosition, wxSize(520, 260), items, 0,
                                    wxDefaultValidator, "outside_rows");
    top->Add(list, 1, wxEXPAND | wxLEFT | wxRIGHT, 10);
    auto* marks = new wxBoxSizer(wxHORIZONTAL);
    auto* all = new wxButton(&dlg, wxID_ANY, wtr("Tick all"));
    auto* none = new wxButton(&dlg, wxID_ANY, wtr("Untick all"));
    marks->Add(all, 0, wxRIGHT, 6);
    marks->Add(none, 0);
    top->Add(marks, 0, wxALL, 10);
    auto setAll = [list](bool v) {
        for (unsigned i = 0; i < list->GetCount(); ++i)
            list->Check(i, v);
    };
    all->Bind(wxEVT_BUTTON, [setAll](wxCommandEvent&) { setAll(true); });
    none->Bind(wxEVT_BUTTON, [setAll](wxCommandEvent&) { setAll(false); });
    auto* buttons = new wxStdDialogButtonSizer();
    auto* ok = new wxButton(&dlg, wxID_OK, wtr("Import"));
    buttons->AddButton(ok);
    buttons->AddButton(new wxButton(&dlg, wxID_CANCEL, wtr("Cancel")));
    buttons->Realize();
    top->Add(buttons, 0, wxEXPAND | wxALL, 10);
    dlg.SetSizerAndFit(top);
    ok->SetDefault();
    if (dlg.ShowModal() != wxID_OK)
        return std::nullopt;
    OutsideRowsChoice c;
    for (unsigned i = 0; i < list->GetCount(); ++i)
        (list->IsChecked(i) ? c.keep : c.skip).insert(rows[i].row);
    return c;
}

} // namespace bando::app
