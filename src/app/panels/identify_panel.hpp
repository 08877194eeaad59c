#pragma once
// Identify: what lies under a click on the map. A village shows its attributes, its commune and
// district, and its analysis indicators (village_indicators) with Vietnamese labels; every other
// layer under the cursor is listed after it (shops, sites, roads within a few pixels).
#include "core/render/map_renderer.hpp"
#include "core/search/identify.hpp"

#include <wx/panel.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

class wxListCtrl;

namespace bando::app {

class IdentifyPanel : public wxPanel {
public:
    explicit IdentifyPanel(wxWindow* parent);
    // Shows the features under (x, y) (map CRS); tolerance in map units. Returns the hits.
    std::vector<search::LayerHit> identify(const render::MapData& data, double x, double y, double tolerance);
    void clear();
    // The rows shown (label, value); layer headings have an empty value and a label "▸ layer".
    const std::vector<std::pair<wxString, wxString>>& rows() const { return m_rows; }
    // The value shown for a label (first match), or "" — for the GUI tests.
    wxString valueOf(const wxString& label) const;

private:
    void add(const wxString& label, const wxString& value);
    wxListCtrl* m_list = nullptr;
    std::vector<std::pair<wxString, wxString>> m_rows;
};

} // namespace bando::app
