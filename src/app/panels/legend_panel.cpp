#include "app/panels/legend_panel.hpp"

#include "app/bridge/bridge.hpp"
#include "app/panels/layer_panel.hpp"
#include "core/render/map_style.hpp"

#include <wx/dcbuffer.h>
#include <wx/settings.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace bando::app {
namespace {

wxColour colour(uint32_t rgb) { return wxColour((rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff); }

// A style colour with its opacity, composed over the panel background (the DC has no alpha).
wxColour blend(uint32_t rgb, double alpha, const wxColour& bg)
{
    const wxColour c = colour(rgb);
    auto mix = [alpha](int a, int b) { return static_cast<unsigned char>(std::lround(a * alpha + b * (1 - alpha))); };
    return wxColour(mix(c.Red(), bg.Red()), mix(c.Green(), bg.Green()), mix(c.Blue(), bg.Blue()));
}

// Typographic points to screen pixels (96 dpi), at least one pixel.
int pixels(double pt) { return std::max(1, static_cast<int>(std::lround(pt * 96.0 / 72.0))); }

} // namespace

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
        dc.SetBrush(wxBrush(colour(it.colour)));
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
        const wxColour bg = wxSystemSettings::GetColour(wxSYS_COLOUR_WINDOW);
        for (size_t i = 0; i < m_layers.size(); ++i) {
            // The swatch is drawn in the renderer's own style of the layer (render::layerStyle).
            const auto g = static_cast<GeomType>(m_layerGeom[i]);
            const render::LayerStyle st = render::layerStyle(m_layers[i], g);
            const wxColour stroke = blend(st.stroke.colour, st.stroke.alpha, bg);
            const wxColour fill = blend(st.fill, st.fillAlpha, bg);
            const int cy = y + sh / 2 + 1;
            if (st.marker != render::Marker::None) {
                dc.SetPen(st.stroke.widthPt > 0 ? wxPen(stroke, pixels(st.stroke.widthPt)) : wxPen(fill));
                dc.SetBrush(wxBrush(fill));
                const int r = std::max(3, pixels(st.markerRadiusPt));
                if (st.marker == render::Marker::Circle)
                    dc.DrawCircle(x + sw / 2, cy, r);
                else
                    dc.DrawRectangle(x + sw / 2 - r, cy - r, 2 * r, 2 * r);
            } else if (g == GeomType::LineString || g == GeomType::MultiLineString) {
                dc.SetPen(wxPen(stroke, pixels(st.stroke.widthPt)));
                dc.DrawLine(x, cy + 3, x + sw / 2, cy - 3);
                dc.DrawLine(x + sw / 2, cy - 3, x + sw, cy + 2);
            } else if (st.themedFill) {
                // Villages take the theme's class colours (listed above): the first class.
                dc.SetPen(wxPen(wxColour(0x60, 0x60, 0x60)));
                dc.SetBrush(m_items.empty() ? *wxTRANSPARENT_BRUSH : wxBrush(colour(m_items.front().colour)));
                dc.DrawRectangle(x, y + 1, sw, sh);
            } else {
                dc.SetPen(wxPen(stroke, pixels(st.stroke.widthPt)));
                dc.SetBrush(st.fillAlpha > 0 ? wxBrush(fill) : *wxTRANSPARENT_BRUSH);
                dc.DrawRectangle(x, y + 1, sw, sh);
            }
            dc.DrawText(layerLabel(m_layers[i]), x + sw + 8, y);
            y += lineH;
        }
    }
}

} // namespace bando::app
