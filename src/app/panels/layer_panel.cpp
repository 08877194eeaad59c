#include "app/panels/layer_panel.hpp"

#include "app/bridge/bridge.hpp"

#include <wx/button.h>
#include <wx/sizer.h>
#include <wx/stattext.h>

#include <algorithm>
#include <map>

namespace bando::app {

wxString layerLabel(const std::string& name)
{
    static const std::map<std::string, const char*> labels{
        {"districts", N_("Districts")},
        {"communes", N_("Communes")},
        {"villages", N_("Village boundaries")},
        {"roads", N_("Roads")},
        {"places", N_("Places")},
        {"settlements", N_("Household clusters")},
        {"sites", N_("Mobile base stations")},
        {"coverage", N_("Mobile coverage")},
        {"broadband_nodes", N_("Broadband nodes")},
        {"fibre", N_("Fibre lines")},
        {"shops", N_("Digital shops")},
    };
    auto it = labels.find(name);
    return it == labels.end() ? wx(name) : wtr(it->second);
}

LayerPanel::LayerPanel(wxWindow* parent) : wxPanel(parent, wxID_ANY)
{
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    m_list = new wxCheckListBox(this, wxID_ANY, wxDefaultPosition, wxSize(220, 200));
    m_list->SetToolTip(wtr("Tick to show a layer; the top of the list is drawn on top"));
    sizer->Add(m_list, 1, wxEXPAND | wxALL, 4);
    auto* buttons = new wxBoxSizer(wxHORIZONTAL);
    m_up = new wxButton(this, wxID_UP, wtr("Move up"));
    m_down = new wxButton(this, wxID_DOWN, wtr("Move down"));
    m_up->SetBitmap(icon("arrow-up", 16));
    m_down->SetBitmap(icon("arrow-down", 16));
    buttons->Add(m_up, 1, wxRIGHT, 4);
    buttons->Add(m_down, 1);
    sizer->Add(buttons, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, 4);
    SetSizer(sizer);

    m_list->Bind(wxEVT_CHECKLISTBOX, [this](wxCommandEvent&) { notify(); });
    m_list->Bind(wxEVT_LISTBOX, [this](wxCommandEvent&) { updateButtons(); });
    m_up->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { move(m_list->GetSelection(), -1); });
    m_down->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { move(m_list->GetSelection(), +1); });
    updateButtons();
}

void LayerPanel::setLayers(const std::vector<std::string>& bottomToTop, const std::vector<std::string>& hidden)
{
    m_names.assign(bottomToTop.rbegin(), bottomToTop.rend());
    m_list->Clear();
    for (size_t i = 0; i < m_names.size(); ++i) {
        m_list->Append(layerLabel(m_names[i]));
        bool isHidden = std::find(hidden.begin(), hidden.end(), m_names[i]) != hidden.end();
        m_list->Check(static_cast<unsigned>(i), !isHidden);
    }
    updateButtons();
}

std::vector<std::string> LayerPanel::orderBottomToTop() const { return {m_names.rbegin(), m_names.rend()}; }

std::vector<std::string> LayerPanel::hidden() const
{
    std::vector<std::string> out;
    for (size_t i = 0; i < m_names.size(); ++i)
        if (!m_list->IsChecked(static_cast<unsigned>(i)))
            out.push_back(m_names[i]);
    return out;
}

void LayerPanel::setVisible(const std::string& layer, bool visible)
{
    for (size_t i = 0; i < m_names.size(); ++i)
        if (m_names[i] == layer)
            m_list->Check(static_cast<unsigned>(i), visible);
    notify();
}

void LayerPanel::move(int index, int delta)
{
    int target = index + delta;
    if (index < 0 || target < 0 || index >= static_cast<int>(m_names.size()) || target >= static_cast<int>(m_names.size()))
        return;
    bool a = m_list->IsChecked(index), b = m_list->IsChecked(target);
    std::swap(m_names[index], m_names[target]);
    m_list->SetString(index, layerLabel(m_names[index]));
    m_list->SetString(target, layerLabel(m_names[target]));
    m_list->Check(index, b);
    m_list->Check(target, a);
    m_list->SetSelection(target);
    updateButtons();
    notify();
}

void LayerPanel::updateButtons()
{
    int sel = m_list->GetSelection();
    m_up->Enable(sel > 0);
    m_down->Enable(sel >= 0 && sel + 1 < static_cast<int>(m_names.size()));
}

void LayerPanel::notify()
{
    if (onChanged)
        onChanged();
}

} // namespace bando::app
