#pragma once
// The legend: the classes of the current village theme (colour, label, village count), as the
// core renderer draws them (render::legendLayout), plus the visible layers with swatches the
// renderer draws itself (render::layerLegendRows: the styles and default point styles of
// core/style, or the built-in look of render::layerStyle). Clicking a class toggles it (the
// layer tree's hidden classes, render::setClassHidden): a hidden class stays listed, greyed.
#include "core/render/map_renderer.hpp"

#include <wx/bitmap.h>
#include <wx/scrolwin.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace bando::app {

class LegendPanel : public wxScrolledWindow {
public:
    explicit LegendPanel(wxWindow* parent);
    void update(std::shared_ptr<const render::MapData> data, const render::MapSettings& settings,
                const std::vector<std::string>& visibleLayersTopFirst);

    // A class row was clicked: show (hidden = false) or hide class `classIndex` of `layer`.
    std::function<void(const std::string& layer, int classIndex, bool hidden)> onClassToggled;
    // As a click on the row does (for tests and the keyboard): false when no such row.
    bool toggleClass(const std::string& layer, int classIndex);

private:
    void onPaint(wxPaintEvent&);
    void onClick(wxMouseEvent&);
    wxString m_title;
    struct Row {
        wxString label;
        wxBitmap swatch;
        bool heading = false;  // the layer's name above its classes
        std::string layer;     // the layer a class row belongs to
        int classIndex = -1;   // -1: not a class (heading or a single-symbol layer)
        bool hidden = false;   // toggled off
        uint32_t colour = 0;   // theme rows: the swatch colour (no bitmap)
        bool theme = false;    // a class of the village theme (drawn as a filled rectangle)
    };
    std::vector<Row> m_themeRows;  // the village theme's classes
    std::vector<Row> m_rows;       // the visible layers
    std::vector<std::pair<wxRect, const Row*>> m_hits;  // class rows as last painted (logical)

public:
    // For tests: the rows drawn under "Visible layers" (label, swatch).
    size_t rowCount() const { return m_rows.size(); }
    const wxBitmap& rowSwatch(size_t i) const { return m_rows[i].swatch; }
    const wxString& rowLabel(size_t i) const { return m_rows[i].label; }
    bool rowHidden(size_t i) const { return m_rows[i].hidden; }
    size_t themeRowCount() const { return m_themeRows.size(); }
    bool themeRowHidden(size_t i) const { return m_themeRows[i].hidden; }
};

} // namespace bando::app
