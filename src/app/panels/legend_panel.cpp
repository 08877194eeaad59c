#include "app/panels/legend_panel.hpp"

#include "app/bridge/bridge.hpp"
#include "app/panels/layer_panel.hpp"
#include "core/render/layer_tree.hpp"
#include "core/render/map_style.hpp"

#include <wx/dcbuffer.h>
#include <wx/settings.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace bando::app {
namespace {

wxColour colour(uint32_t rgb) { return wxColour((rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff); }

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
    m_rows.clear();
    m_title.clear();
    if (data) {
        if (settings.villageTheme)
            m_title = wtr(settings.villageTheme->legendTitle.c_str());
        else if (const auto* th = data->theme(settings.theme))
            m_title = wtr(th->legendTitle.c_str());
        try {
            render::MapSettings withLegend = settings;
            withLegend.legend = true;
            m_items = render::legendLayout(*data, withLegend);
        } catch (...) {
            m_items.clear();
        }
        for (const auto& name : visibleLayers) {
            std::vector<render::LegendRow> rows;
            try {
                rows = render::layerLegendRows(*data, settings, name, 20);
            } catch (...) {
                continue;
            }
            if (rows.empty())
                continue;
            const bool single = rows.size() == 1 && rows[0].label.empty();
            if (!single)
                m_rows.push_back({layerLabel(name), wxBitmap(), true});
            for (const auto& r : rows) {
                wxString label = r.label.empty() ? layerLabel(name) : wx(r.label);
                if (r.count >= 0 && !single)
                    label << " (" << r.count << ")";
                m_rows.push_back({label, wxBitmap(toWxImage(r.swatch)), false});
            }
        }
    }
    int lineH = GetCharHeight() + 8;
    SetVirtualSize(-1, static_cast<int>((m_items.size() + m_rows.size() + 4) * lineH));
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
    if (!m_rows.empty()) {
        y += 6;
        dc.SetFont(bold);
        dc.DrawText(wtr("Visible layers"), x, y);
        y += lineH;
        for (const auto& r : m_rows) {
            dc.SetFont(r.heading ? normal.Italic() : normal);
            if (r.swatch.IsOk())
                dc.DrawBitmap(r.swatch, x + (r.heading ? 0 : 4), y + (sh - r.swatch.GetHeight()) / 2, true);
            dc.DrawText(r.label, r.heading ? x : x + sw + 10, y);
            y += lineH;
        }
    }
}

} // namespace bando::app
