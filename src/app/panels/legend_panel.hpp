#pragma once
// The legend: the classes of the current village theme (colour, label, village count), as the
// core renderer draws them (render::legendLayout), plus the visible layers with swatches the
// renderer draws itself (render::layerLegendRows: the styles and default point styles of
// core/style, or the built-in look of render::layerStyle).
#include "core/render/map_renderer.hpp"

#include <wx/bitmap.h>
#include <wx/scrolwin.h>

#include <memory>
#include <string>
#include <vector>

namespace bando::app {

class LegendPanel : public wxScrolledWindow {
public:
    explicit LegendPanel(wxWindow* parent);
    void update(std::shared_ptr<const render::MapData> data, const render::MapSettings& settings,
                const std::vector<std::string>& visibleLayersTopFirst);

private:
    void onPaint(wxPaintEvent&);
    wxString m_title;
    std::vector<render::LegendItem> m_items;
    struct Row {
        wxString label;
        wxBitmap swatch;
        bool heading = false;  // the layer's name above its classes
    };
    std::vector<Row> m_rows;

public:
    // For tests: the rows drawn under "Visible layers" (label, swatch).
    size_t rowCount() const { return m_rows.size(); }
    const wxBitmap& rowSwatch(size_t i) const { return m_rows[i].swatch; }
    const wxString& rowLabel(size_t i) const { return m_rows[i].label; }
};

} // namespace bando::app
