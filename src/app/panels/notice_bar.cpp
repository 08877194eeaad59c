#include "app/panels/notice_bar.hpp"

#include "app/bridge/bridge.hpp"

#include <wx/button.h>
#include <wx/sizer.h>
#include <wx/stattext.h>

namespace bando::app {

NoticeBar::NoticeBar(wxWindow* parent) : wxPanel(parent, wxID_ANY, wxDefaultPosition, wxDefaultSize, wxTAB_TRAVERSAL, "notice")
{
    SetBackgroundColour(wxColour(255, 244, 206));
    auto* row = new wxBoxSizer(wxHORIZONTAL);
    m_text = new wxStaticText(this, wxID_ANY, wxEmptyString);
    m_text->SetForegroundColour(wxColour(70, 50, 0));
    row->Add(m_text, 1, wxALIGN_CENTER_VERTICAL | wxALL, 8);
    auto* close = new wxButton(this, wxID_CLOSE, wtr("Close"));
    row->Add(close, 0, wxALIGN_CENTER_VERTICAL | wxALL, 4);
    close->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        if (onClose)
            onClose();
    });
    SetSizer(row);
}

void NoticeBar::setText(const wxString& text)
{
    m_text->SetLabel(text);
    m_text->Wrap(std::max(400, GetParent()->GetClientSize().x - 140));
    Layout();
}

wxString NoticeBar::text() const { return m_text->GetLabel(); }

} // namespace bando::app
