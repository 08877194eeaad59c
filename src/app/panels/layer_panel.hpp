#pragma once
// The layer list: one checkbox per map layer (visibility) and up/down buttons (drawing order).
// The top of the list is drawn last (on top), like every desktop GIS.
#include <wx/button.h>
#include <wx/checklst.h>
#include <wx/panel.h>

#include <functional>
#include <string>
#include <vector>

namespace bando::app {

// Translated display name of a project layer ("villages" -> "Thôn, bản").
wxString layerLabel(const std::string& layerName);

class LayerPanel : public wxPanel {
public:
    explicit LayerPanel(wxWindow* parent);

    // Layers bottom-to-top, as stored in the project.
    void setLayers(const std::vector<std::string>& bottomToTop, const std::vector<std::string>& hidden = {});
    std::vector<std::string> orderBottomToTop() const;
    std::vector<std::string> hidden() const;
    void setVisible(const std::string& layer, bool visible);  // also notifies
    void move(int index, int delta);                           // list index (0 = top)

    std::function<void()> onChanged;  // order or visibility changed

private:
    void notify();
    void updateButtons();
    wxCheckListBox* m_list;
    wxButton* m_up;
    wxButton* m_down;
    std::vector<std::string> m_names;  // list order: top first
};

} // namespace bando::app
