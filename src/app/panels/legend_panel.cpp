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

bool classHidden(const render::MapSettings& s, const std::string& layer, int c)
{
    for (const auto& d : s.display)
        if (d.layer == layer)
            return std::find(d.hiddenClasses.begin(), d.hiddenClasses.end(), c) != d.hiddenClasses.end();
    return false;
}

} // namespace

LegendPanel::LegendPanel(wxWindow* parent) : wxScrolledWindow(parent, wxID_ANY, wxDefaultPosition, wxSize(220, 260))
{
    SetBackgroundStyle(wxBG_STYLE_PAINT);
    SetScrollRate(0, 10);
    SetToolTip(wtr("Click a class to hide it on the map; click again to show it"));
    Bind(wxEVT_PAINT, &LegendPanel::onPaint, this);
    Bind(wxEVT_LEFT_DOWN, &LegendPanel::onClick, this);
}

void LegendPanel::update(std::shared_ptr<const render::MapData> data, const render::MapSettings& settings,
                         const std::vector<std::string>& visibleLayers)
{
    m_themeRows.clear();
    m_rows.clear();
    m_hits.clear();
    m_title.clear();
    if (data) {
        if (settings.villageTheme)
            m_title = wtr(settings.villageTheme->legendTitle.c_str());
        else if (const auto* th = data->theme(settings.theme))
            m_title = wtr(th->legendTitle.c_str());
        try {
            render::MapSettings withLegend = settings;
            withLegend.legend = true;
            for (const auto& it : render::legendLayout(*data, withLegend)) {
                Row r;
                r.label = wx(it.label);  // the label already carries the village count
                r.layer = "villages";
                r.classIndex = it.classIndex;
                r.hidden = classHidden(settings, r.layer, it.classIndex);
                r.colour = it.colour;
                r.theme = true;
                m_themeRows.push_back(std::move(r));
            }
        } catch (...) {
            m_themeRows.clear();
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
            if (!single) {
                Row h;
                h.label = layerLabel(name);
                h.heading = true;
                m_rows.push_back(std::move(h));
            }
            for (const auto& lr : rows) {
                Row r;
                r.label = lr.label.empty() ? layerLabel(name) : wx(lr.label);
                if (lr.count >= 0 && !single)
                    r.label << " (" << lr.count << ")";
                r.swatch = wxBitmap(toWxImage(lr.swatch));
                r.layer = name;
                r.classIndex = single ? -1 : lr.classIndex;
                r.hidden = lr.hidden;
                m_rows.push_back(std::move(r));
            }
        }
    }
    int lineH = GetCharHeight() + 8;
    SetVirtualSize(-1, static_cast<int>((m_themeRows.size() + m_rows.size() + 4) * lineH));
    Refresh();
}

bool LegendPanel::toggleClass(const std::string& layer, int classIndex)
{
    for (auto* list : {&m_themeRows, &m_rows})
        for (auto& r : *list)
            if (!r.heading && r.layer == layer && r.classIndex == classIndex && classIndex >= 0) {
                r.hidden = !r.hidden;
                Refresh();
                if (onClassToggled)
                    onClassToggled(layer, classIndex, r.hidden);
                return true;
            }
    return false;
}

void LegendPanel::onClick(wxMouseEvent& e)
{
    const wxPoint p = CalcUnscrolledPosition(e.GetPosition());
    for (const auto& [rect, row] : m_hits)
        if (rect.Contains(p)) {
            const std::string layer = row->layer;  // toggleClass may rebuild the rows
            const int c = row->classIndex;
            toggleClass(layer, c);
            return;
        }
    e.Skip();
}

void LegendPanel::onPaint(wxPaintEvent&)
{
    wxAutoBufferedPaintDC dc(this);
    DoPrepareDC(dc);
    dc.SetBackground(wxBrush(wxSystemSettings::GetColour(wxSYS_COLOUR_WINDOW)));
    dc.Clear();
    const wxColour text = wxSystemSettings::GetColour(wxSYS_COLOUR_WINDOWTEXT);
    const wxColour grey = wxSystemSettings::GetColour(wxSYS_COLOUR_GRAYTEXT);
    dc.SetTextForeground(text);
    wxFont normal = GetFont();
    wxFont bold = normal.Bold();
    wxFont struck = normal.Strikethrough();
    int lineH = GetCharHeight() + 8, x = 10, y = 8, sw = 22, sh = GetCharHeight();
    const int width = std::max(GetClientSize().x, 200);
    m_hits.clear();
    if (!m_title.empty()) {
        dc.SetFont(bold);
        dc.DrawText(m_title, x, y);
        y += lineH;
    }
    for (const auto& r : m_themeRows) {
        dc.SetFont(r.hidden ? struck : normal);
        dc.SetTextForeground(r.hidden ? grey : text);
        dc.SetBrush(r.hidden ? *wxTRANSPARENT_BRUSH : wxBrush(colour(r.colour)));
        dc.SetPen(wxPen(r.hidden ? grey : wxColour(0x60, 0x60, 0x60)));
        dc.DrawRectangle(x, y + 1, sw, sh);
        dc.DrawText(r.label, x + sw + 8, y);
        m_hits.emplace_back(wxRect(0, y - 3, width, lineH), &r);
        y += lineH;
    }
    dc.SetTextForeground(text);
    if (!m_rows.empty()) {
        y += 6;
        dc.SetFont(bold);
        dc.DrawText(wtr("Visible layers"), x, y);
        y += lineH;
        for (const auto& r : m_rows) {
            dc.SetFont(r.heading ? normal.Italic() : (r.hidden ? struck : normal));
            dc.SetTextForeground(r.hidden ? grey : text);
            if (r.swatch.IsOk()) {
                if (r.hidden) {
                    dc.SetPen(wxPen(grey));
                    dc.SetBrush(*wxTRANSPARENT_BRUSH);
                    dc.DrawRectangle(x + 4, y + (sh - r.swatch.GetHeight()) / 2, r.swatch.GetWidth(), r.swatch.GetHeight());
                } else {
                    dc.DrawBitmap(r.swatch, x + (r.heading ? 0 : 4), y + (sh - r.swatch.GetHeight()) / 2, true);
                }
            }
            dc.DrawText(r.label, r.heading ? x : x + sw + 10, y);
            if (!r.heading && r.classIndex >= 0)
                m_hits.emplace_back(wxRect(0, y - 3, width, lineH), &r);
            y += lineH;
        }
    }
}

} // namespace bando::app
