#pragma once
// A non-modal notice above the map (e.g. "the project was recovered after an interrupted write"):
// it never blocks the user, who closes it when read.
#include <wx/panel.h>

#include <functional>

class wxStaticText;

namespace bando::app {

class NoticeBar : public wxPanel {
public:
    explicit NoticeBar(wxWindow* parent);
    void setText(const wxString& text);
    wxString text() const;
    // Called when the user closes the notice (the frame hides its pane).
    std::function<void()> onClose;

private:
    wxStaticText* m_text = nullptr;
};

} // namespace bando::app
