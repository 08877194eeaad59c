#pragma once
// The legend: the classes of the current village theme (colour, label, village count), as the
// core renderer draws them (render::legendLayout), plus the visible layers in the renderer's
// layer styles (render::layerStyle).
#include "core/render/map_renderer.hpp"

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
    std::vector<std::string> m_layers;
    std::vector<int> m_layerGeom;  // GeomType per layer
};

} // namespace bando::app
