#include "app/panels/legend_panel.hpp"

#include "app/bridge/bridge.hpp"
#include "app/panels/layer_panel.hpp"

#include <wx/dcbuffer.h>
#include <wx/settings.h>

namespace bando::app {

LegendPanel::LegendPanel(wxWindow* parent) : wxScrolledWindow(parent, wxID_ANY, wxDefaultPosition, wxSize(220, 260))
{
    SetBackgroundStyle(wxBG_STYLE_PAINT);
    SetScrollRate(0, 10);
    Bind(wxEVT_PAINT, &LegendPanel::onPaint, this);
}

void LegendPanel::update(std::shared_ptr<const render::MapData> data, const render::MapSettings& settings,
                         const std::vector<std::string>& visibleLayers)
{
    m_items.clear();
    m_layers.clear();
    m_layerGeom.clear();
    m_title.clear();
    if (data) {
        if (const auto* th = data->theme(settings.theme))
            m_title = wtr(th->legendTitle.c_str());
        try {
            render::MapSettings withLegend = settings;
            withLegend.legend = true;
            m_items = render::legendLayout(*data, withLegend);
        } catch (...) {
            m_items.clear();
        }
        for (const auto& name : visibleLayers) {
            const Layer* l = data->layer(name);
            if (!l || l->geomType == GeomType::None)
                continue;
            m_layers.push_back(name);
            m_layerGeom.push_back(static_cast<int>(l->geomType));
        }
    }
    int lineH = GetCharHeight() + 8;
    SetVirtualSize(-1, static_cast<int>((m_items.size() + m_layers.size() + 4) * lineH));
    Refresh();
}

void LegendPanel::onPaint(wxPaintEvent&)
{
    wxAutoBufferedPaintDC dc(this);
    DoPrepareDC(dc);
    dc.SetBackground(wxBrush(wxSystemSettings::GetColour(wxSYS_COLOUR_WINDOW)));
    dc.Clear();
    dc.SetTextForeground(wxSystemSettings::GetColour(wxSYS_COLOUR_WINDOWTEXT));
    wxFont normal = GetFont();
    wxFont bold = normal.Bold();
    int lineH = GetCharHeight() + 8, x = 10, y = 8, sw = 22, sh = GetCharHeight();
    if (!m_title.empty()) {
        dc.SetFont(bold);
        dc.DrawText(m_title, x, y);
        y += lineH;
    }
    dc.SetFont(normal);
    for (const auto& it : m_items) {
        wxColour c((it.colour >> 16) & 0xff, (it.colour >> 8) & 0xff, it.colour & 0xff);
        dc.SetBrush(wxBrush(c));
        dc.SetPen(wxPen(wxColour(0x60, 0x60, 0x60)));
        dc.DrawRectangle(x, y + 1, sw, sh);
        dc.DrawText(wx(it.label), x + sw + 8, y);  // the label already carries the village count
        y += lineH;
    }
    if (!m_layers.empty()) {
        y += 6;
        dc.SetFont(bold);
        dc.DrawText(wtr("Visible layers"), x, y);
        y += lineH;
        dc.SetFont(normal);
        for (size_t i = 0; i < m_layers.size(); ++i) {
            auto g = static_cast<GeomType>(m_layerGeom[i]);
            // Line colours of the core renderer for the base layers; grey for the others.
            const std::string& n = m_layers[i];
            wxColour ink = n == "roads" ? wxColour(0xc8, 0x28, 0x1e)
                         : n == "communes" ? wxColour(0x6e, 0x6e, 0x6e)
                         : n == "districts" ? wxColour(0x25, 0x25, 0x25)
                                            : wxColour(0x44, 0x44, 0x44);
            int width = n == "districts" ? 2 : 1;
            dc.SetPen(wxPen(ink, n == "roads" ? 2 : width));
            dc.SetBrush(*wxTRANSPARENT_BRUSH);
            int cy = y + sh / 2 + 1;
            if (g == GeomType::Point || g == GeomType::MultiPoint) {
                dc.SetPen(wxPen(wxColour(0x11, 0x11, 0x11), 1));
                dc.SetBrush(n == "places" ? *wxWHITE_BRUSH : wxBrush(ink));
                dc.DrawCircle(x + sw / 2, cy, 4);
            } else if (g == GeomType::LineString || g == GeomType::MultiLineString) {
                dc.DrawLine(x, cy + 3, x + sw / 2, cy - 3);
                dc.DrawLine(x + sw / 2, cy - 3, x + sw, cy + 2);
            } else {
                dc.SetPen(wxPen(ink, width));
                if (n == "villages")
                    dc.SetBrush(wxBrush(wxColour(0xc7, 0xe9, 0xb4)));
                dc.DrawRectangle(x, y + 1, sw, sh);
            }
            dc.DrawText(layerLabel(m_layers[i]), x + sw + 8, y);
            y += lineH;
        }
    }
}

} // namespace bando::app
