// Print layouts: items drawn on any Cairo surface, documents written as PDF, PNG or SVG.
#include "core/layout/layout.hpp"

#include "core/base/error.hpp"
#include "core/base/text.hpp"
#include "core/capi/proj.hpp"
#include "core/capi/cairo.hpp"
#include "core/capi/cairo_output.hpp"
#include "core/i18n/i18n.hpp"
#include "core/model/schema.hpp"
#include "core/planning/targets.hpp"
#include "core/render/font.hpp"
#include "core/render/layer_tree.hpp"
#include "core/render/map_style.hpp"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>

namespace bando::layout {
namespace {

constexpr uint32_t kInk = 0x1a1a1a;
constexpr uint32_t kGrey = 0x606060;
constexpr uint32_t kRule = 0x9a9a9a;
constexpr uint32_t kNoDataColour = 0xd9d9d9;  // the renderer's "no data" fill
constexpr uint32_t kFrameRed = 0xd7301f;

void rgb(cairo_t* cr, uint32_t c, double a = 1)
{
    cairo_set_source_rgba(cr, ((c >> 16) & 0xff) / 255.0, ((c >> 8) & 0xff) / 255.0, (c & 0xff) / 255.0, a);
}

std::string lang(const Document& doc) { return doc.language.empty() ? i18n::language() : doc.language; }
std::string tr(const Document& doc, const char* msgid) { return i18n::tr(lang(doc), msgid); }

// Text in the fixed fonts (DejaVu Sans, embedded), NFC, never below kMinTextPt.
class Pen {
public:
    explicit Pen(cairo_t* cr) : m_cr(cr) {}
    void font(double pt, bool bold = false)
    {
        m_pt = std::max(pt, kMinTextPt);
        cairo_set_font_face(m_cr, render::fontFace(bold ? render::FontStyle::Bold : render::FontStyle::Regular));
        cairo_set_font_size(m_cr, m_pt);
    }
    double size() const { return m_pt; }
    double width(const std::string& s) const
    {
        cairo_text_extents_t e;
        cairo_text_extents(m_cr, s.c_str(), &e);
        return e.x_advance;
    }
    void show(double x, double y, const std::string& s, uint32_t colour = kInk)
    {
        rgb(m_cr, colour);
        cairo_move_to(m_cr, x, y);
        cairo_show_text(m_cr, s.c_str());
        cairo_new_path(m_cr);
    }
    // `s` cut with an ellipsis to fit `w`.
    std::string fit(const std::string& s, double w) const
    {
        if (width(s) <= w)
            return s;
        std::string cut = s;
        while (!cut.empty()) {
            // drop one UTF-8 character
            size_t n = cut.size() - 1;
            while (n > 0 && (static_cast<unsigned char>(cut[n]) & 0xc0) == 0x80)
                --n;
            cut.resize(n);
            if (width(cut + "…") <= w)
                return cut + "…";
        }
        return cut;
    }
    // Lines of `s` wrapped at spaces to `w` (explicit '\n' kept).
    std::vector<std::string> wrap(const std::string& s, double w) const
    {
        std::vector<std::string> out;
        size_t start = 0;
        while (start <= s.size()) {
            size_t nl = s.find('\n', start);
            if (nl == std::string::npos)
                nl = s.size();
            const std::string para = s.substr(start, nl - start);
            std::string line;
            size_t i = 0;
            while (i <= para.size()) {
                size_t sp = para.find(' ', i);
                if (sp == std::string::npos)
                    sp = para.size();
                const std::string word = para.substr(i, sp - i);
                const std::string cand = line.empty() ? word : line + " " + word;
                if (!line.empty() && width(cand) > w) {
                    out.push_back(line);
                    line = word;
                } else {
                    line = cand;
                }
                i = sp + 1;
            }
            out.push_back(line);
            start = nl + 1;
        }
        return out;
    }

private:
    cairo_t* m_cr;
    double m_pt = 9;
};

// The per-layer display of a map frame: its own, else the document's (the saved map's), whose
// village class toggles hold only for the theme they were saved with.
std::vector<render::MapSettings::LayerDisplay> frameDisplay(const Document& doc, const Item& it)
{
    if (!it.map.display.empty())
        return it.map.display;
    std::vector<render::MapSettings::LayerDisplay> out = doc.display;
    const std::string frameTheme = it.map.theme.empty() ? "density" : it.map.theme;
    const std::string savedTheme = doc.displayTheme.empty() ? "density" : doc.displayTheme;
    if (frameTheme != savedTheme)
        for (auto& d : out)
            if (d.layer == schema::kVillages)
                d.hiddenClasses.clear();
    return out;
}

render::MapSettings frameSettings(const Item& it)
{
    render::MapSettings s = it.map;
    s.widthPx = std::max(1, static_cast<int>(std::lround(it.box.w)));
    s.heightPx = std::max(1, static_cast<int>(std::lround(it.box.h)));
    s.dpi = 72;  // device units are points
    s.title = s.legend = s.scaleBar = s.northArrow = false;
    return s;
}

const Item* mapOf(const Page& page, const Item& it)
{
    if (it.mapRef >= 0 && static_cast<size_t>(it.mapRef) < page.items.size() &&
        page.items[static_cast<size_t>(it.mapRef)].type == ItemType::Map)
        return &page.items[static_cast<size_t>(it.mapRef)];
    for (const auto& m : page.items)
        if (m.type == ItemType::Map)
            return &m;
    return nullptr;
}

void pathGeometry(cairo_t* cr, const Geometry& g, const render::ViewTransform& vt)
{
    for (const auto& part : g.parts)
        for (const auto& ring : part) {
            bool first = true;
            for (const auto& p : ring) {
                if (first)
                    cairo_move_to(cr, vt.toDeviceX(p.x), vt.toDeviceY(p.y));
                else
                    cairo_line_to(cr, vt.toDeviceX(p.x), vt.toDeviceY(p.y));
                first = false;
            }
            cairo_close_path(cr);
        }
}

void strokeBox(cairo_t* cr, const Rect& b, uint32_t colour, double width)
{
    cairo_new_path(cr);
    cairo_rectangle(cr, b.x, b.y, b.w, b.h);
    rgb(cr, colour);
    cairo_set_line_width(cr, width);
    cairo_stroke(cr);
}

// ---- items ----

// The coordinate grid over a map frame: thin lines clipped to the frame, labels at the frame's
// edge inside it on a white ground (a label that would overlap the previous one is left out).
void drawGrid(cairo_t* cr, const Document& doc, const Item& it)
{
    const Grid g = gridLayout(doc, it);
    cairo_save(cr);
    cairo_rectangle(cr, it.box.x, it.box.y, it.box.w, it.box.h);
    cairo_clip(cr);
    cairo_new_path(cr);
    for (const auto& l : g.lines)
        for (size_t i = 0; i < l.points.size(); ++i) {
            if (i == 0)
                cairo_move_to(cr, l.points[i].x, l.points[i].y);
            else
                cairo_line_to(cr, l.points[i].x, l.points[i].y);
        }
    rgb(cr, 0x303030, 0.55);
    cairo_set_line_width(cr, 0.35);
    cairo_stroke(cr);
    Pen pen(cr);
    pen.font(kMinTextPt);
    const double pad = 1.5, h = pen.size();
    std::vector<Rect> placed;
    for (const auto& l : g.lines) {
        const std::string t = text::toNfc(l.label);
        const double w = pen.width(t);
        for (const auto& e : l.ends) {
            Rect b;  // the label's box, inside the frame at the edge it meets
            if (std::fabs(e.y - it.box.y) < 0.01)
                b = {e.x - w / 2, it.box.y + pad, w, h};
            else if (std::fabs(e.y - (it.box.y + it.box.h)) < 0.01)
                b = {e.x - w / 2, it.box.y + it.box.h - pad - h, w, h};
            else if (std::fabs(e.x - it.box.x) < 0.01)
                b = {it.box.x + pad, e.y - h / 2, w, h};
            else
                b = {it.box.x + it.box.w - pad - w, e.y - h / 2, w, h};
            if (b.x < it.box.x || b.x + b.w > it.box.x + it.box.w || b.y < it.box.y || b.y + b.h > it.box.y + it.box.h)
                continue;
            const bool overlaps = std::any_of(placed.begin(), placed.end(), [&](const Rect& o) {
                return b.x < o.x + o.w + 2 && o.x < b.x + b.w + 2 && b.y < o.y + o.h + 1 && o.y < b.y + b.h + 1;
            });
            if (overlaps)
                continue;
            placed.push_back(b);
            cairo_rectangle(cr, b.x - 1, b.y - 0.5, b.w + 2, b.h + 1);
            rgb(cr, 0xffffff, 0.85);
            cairo_fill(cr);
            pen.show(b.x, b.y + h * 0.8, t, 0x202020);
        }
    }
    cairo_restore(cr);
}

void drawMap(cairo_t* cr, const Document& doc, const Item& it, const Feedback* fb)
{
    if (!doc.data)
        return;
    render::MapSettings s = frameSettings(it);
    s.display = frameDisplay(doc, it);
    cairo_save(cr);
    cairo_translate(cr, it.box.x, it.box.y);
    render::renderMap(cr, *doc.data, s, fb);
    if (!it.highlight.empty()) {
        if (const Layer* communes = doc.data->layer(schema::kCommunes)) {
            const render::ViewTransform vt = render::viewTransform(s, *doc.data);
            cairo_rectangle(cr, 0, 0, s.widthPx, s.heightPx);
            cairo_clip(cr);
            cairo_new_path(cr);
            for (const auto& f : communes->features)
                if (std::find(it.highlight.begin(), it.highlight.end(), communes->text(f, "code")) != it.highlight.end())
                    pathGeometry(cr, f.geom, vt);
            rgb(cr, 0x000000);
            cairo_set_line_width(cr, 2.2);
            cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
            cairo_stroke(cr);
        }
    }
    cairo_restore(cr);
    if (!it.grid.empty())
        drawGrid(cr, doc, it);
    strokeBox(cr, it.box, 0x404040, 0.8);
}

void drawText(cairo_t* cr, const Item& it)
{
    Pen pen(cr);
    pen.font(it.fontPt, it.bold || it.type == ItemType::Title);
    const double pad = it.framed ? 5 : 0;
    const double lineH = pen.size() * 1.3;
    const auto lines = pen.wrap(text::toNfc(it.text), it.box.w - 2 * pad);
    double y = it.box.y + pad + pen.size();
    for (const auto& l : lines) {
        if (y > it.box.y + it.box.h - pad + 0.01)
            break;  // what does not fit is not drawn over the next item
        const double x = it.centred ? it.box.x + (it.box.w - pen.width(l)) / 2 : it.box.x + pad;
        pen.show(x, y, l, it.type == ItemType::Title ? kInk : 0x303030);
        y += lineH;
    }
    if (it.framed)
        strokeBox(cr, it.box, kRule, 0.5);
}

void drawRule(cairo_t* cr, const Item& it)
{
    cairo_new_path(cr);
    cairo_move_to(cr, it.box.x, it.box.y);
    cairo_line_to(cr, it.box.x + it.box.w, it.box.y);
    rgb(cr, kRule);
    cairo_set_line_width(cr, 0.6);
    cairo_stroke(cr);
}

void drawLegend(cairo_t* cr, const Document& doc, const Page& page, const Item& it)
{
    const Item* map = mapOf(page, it);
    if (!map || !doc.data)
        return;
    Pen pen(cr);
    const double fs = std::max(it.fontPt, 7.0);
    double y = it.box.y + fs + 2;
    pen.font(fs + 1.5, true);
    const render::MapData::Theme* theme = doc.data->theme(map->map.theme.empty() ? "density" : map->map.theme);
    if (theme) {
        pen.show(it.box.x, y, pen.fit(text::toNfc(tr(doc, theme->legendTitle.c_str())), it.box.w));
        y += fs * 0.8;
    }
    pen.font(fs);
    const double sw = fs * 1.8, sh = fs * 1.15, row = fs * 1.65;
    auto swatchRow = [&](const std::string& label) {
        pen.show(it.box.x + sw + 6, y + sh - fs * 0.2, pen.fit(text::toNfc(label), it.box.w - sw - 6));
        y += row;
    };
    for (const auto& e : legendEntries(doc, *map)) {
        if (y + row > it.box.y + it.box.h)
            break;
        cairo_new_path(cr);
        cairo_rectangle(cr, it.box.x, y, sw, sh);
        rgb(cr, e.colour);
        cairo_fill_preserve(cr);
        rgb(cr, kGrey);
        cairo_set_line_width(cr, 0.4);
        cairo_stroke(cr);
        swatchRow(e.label);
    }
    // The line symbols of the base map.
    const auto hidden = [&](const char* name) {
        return !doc.data->layer(name) ||
               std::find(map->map.hiddenLayers.begin(), map->map.hiddenLayers.end(), name) != map->map.hiddenLayers.end();
    };
    struct LineSym {
        const char* layer;
        const char* label;
        render::StrokeStyle stroke;
    };
    std::vector<LineSym> lines;
    if (!hidden(schema::kDistricts))
        lines.push_back({schema::kDistricts, N_("District boundary"),
                         render::layerStyle(schema::kDistricts, GeomType::MultiPolygon).stroke});
    if (!hidden(schema::kCommunes))
        lines.push_back({schema::kCommunes, N_("Commune boundary"),
                         render::layerStyle(schema::kCommunes, GeomType::MultiPolygon).stroke});
    if (!hidden(schema::kRoads) && !render::roadStyles().empty())
        lines.push_back({schema::kRoads, N_("National road"), render::roadStyles().back()});
    y += row * 0.3;
    for (const auto& l : lines) {
        if (y + row > it.box.y + it.box.h)
            break;
        cairo_new_path(cr);
        cairo_move_to(cr, it.box.x, y + sh / 2);
        cairo_line_to(cr, it.box.x + sw, y + sh / 2);
        rgb(cr, l.stroke.colour, l.stroke.alpha);
        cairo_set_line_width(cr, std::max(0.5, l.stroke.widthPt));
        cairo_stroke(cr);
        swatchRow(tr(doc, l.label));
    }
}

void drawScaleBar(cairo_t* cr, const Document& doc, const Page& page, const Item& it)
{
    const Item* map = mapOf(page, it);
    if (!map || !doc.data)
        return;
    const render::ViewTransform vt = render::viewTransform(frameSettings(*map), *doc.data);
    // The bar fits the item's box as well as the frame.
    double metres = scaleBarMetres(doc, *map);
    const double fitBox = roundLength125((it.box.w - 20) / vt.scale);
    metres = std::min(metres, fitBox);
    if (metres <= 0 || vt.scale <= 0)
        return;
    const double len = metres * vt.scale;
    Pen pen(cr);
    pen.font(std::max(it.fontPt, 7.0));
    const double barH = 4.5, x0 = it.box.x + 4, y0 = it.box.y + it.box.h - barH - 2;
    const int segs = 4;
    for (int i = 0; i < segs; ++i) {
        cairo_new_path(cr);
        cairo_rectangle(cr, x0 + len * i / segs, y0, len / segs, barH);
        rgb(cr, i % 2 ? 0xffffff : kInk);
        cairo_fill(cr);
    }
    strokeBox(cr, {x0, y0, len, barH}, kInk, 0.6);
    auto label = [&](double m) {
        char buf[32];
        if (metres >= 1000)
            std::snprintf(buf, sizeof buf, "%g", m / 1000);
        else
            std::snprintf(buf, sizeof buf, "%g", m);
        return std::string(buf);
    };
    const double ty = y0 - 3;
    for (double f : {0.0, 0.5, 1.0}) {
        const std::string l = label(metres * f);
        pen.show(x0 + len * f - pen.width(l) / 2, ty, l);
    }
    const std::string unit = metres >= 1000 ? "km" : "m";
    pen.show(x0 + len + 6, y0 + barH, unit);
    // The representative fraction under the title of the bar.
    char rf[64];
    const double denom = 72.0 / 0.0254 / vt.scale;
    const double rounded = roundLength125(denom) == denom ? denom : std::round(denom / 1000) * 1000;
    std::snprintf(rf, sizeof rf, "1 : %s", thousands(static_cast<int64_t>(rounded), lang(doc)).c_str());
    pen.show(x0, it.box.y + pen.size(), rf, kGrey);
}

void drawNorthArrow(cairo_t* cr, const Document& doc, const Item& it)
{
    const double h = std::min(it.box.h - 12, it.box.w * 2.2), w = h * 0.38;
    const double cx = it.box.x + it.box.w / 2, top = it.box.y + 12;
    cairo_new_path(cr);
    cairo_move_to(cr, cx, top);
    cairo_line_to(cr, cx + w / 2, top + h);
    cairo_line_to(cr, cx, top + h * 0.75);
    cairo_close_path(cr);
    rgb(cr, kInk);
    cairo_fill(cr);
    cairo_move_to(cr, cx, top);
    cairo_line_to(cr, cx - w / 2, top + h);
    cairo_line_to(cr, cx, top + h * 0.75);
    cairo_close_path(cr);
    rgb(cr, 0xffffff);
    cairo_fill_preserve(cr);
    rgb(cr, kInk);
    cairo_set_line_width(cr, 0.7);
    cairo_stroke(cr);
    Pen pen(cr);
    pen.font(9, true);
    const std::string n = tr(doc, "N");
    pen.show(cx - pen.width(n) / 2, top - 2, n);
}

void drawOverview(cairo_t* cr, const Document& doc, const Page& page, const Item& it)
{
    if (!doc.data)
        return;
    const Layer* districts = doc.data->layer(schema::kDistricts);
    if (!districts)
        return;
    render::MapSettings s;
    s.extent = districts->extent().buffered(std::max(districts->extent().width(), districts->extent().height()) * 0.03);
    s.widthPx = std::max(1, static_cast<int>(std::lround(it.box.w)));
    s.heightPx = std::max(1, static_cast<int>(std::lround(it.box.h)));
    const render::ViewTransform vt = render::viewTransform(s);
    cairo_save(cr);
    cairo_rectangle(cr, it.box.x, it.box.y, it.box.w, it.box.h);
    rgb(cr, 0xffffff);
    cairo_fill_preserve(cr);
    cairo_clip(cr);
    cairo_translate(cr, it.box.x, it.box.y);
    const Item* map = mapOf(page, it);
    const std::string focus = map ? map->map.districtCode : std::string();
    for (const auto& f : districts->features) {
        cairo_new_path(cr);
        pathGeometry(cr, f.geom, vt);
        rgb(cr, !focus.empty() && districts->text(f, "code") == focus ? 0xbdbdbd : 0xeeeae2);
        cairo_fill_preserve(cr);
        rgb(cr, 0x8a8a8a);
        cairo_set_line_width(cr, 0.4);
        cairo_stroke(cr);
    }
    if (map) {
        const Extent e = frameExtent(doc, *map);
        const Extent all = districts->extent();
        // The frame of the main map, unless it shows the whole province anyway.
        if (!(e.minX <= all.minX && e.minY <= all.minY && e.maxX >= all.maxX && e.maxY >= all.maxY)) {
            cairo_new_path(cr);
            cairo_rectangle(cr, vt.toDeviceX(e.minX), vt.toDeviceY(e.maxY), e.width() * vt.scale, e.height() * vt.scale);
            rgb(cr, kFrameRed);
            cairo_set_line_width(cr, 1.2);
            cairo_stroke(cr);
        }
    }
    cairo_restore(cr);
    strokeBox(cr, it.box, 0x404040, 0.6);
}

void drawTable(cairo_t* cr, const Item& it)
{
    const TableData& t = it.table;
    const size_t nc = t.header.size();
    if (nc == 0)
        return;
    Pen pen(cr);
    const double fs = std::max(it.fontPt, kMinTextPt);
    const double row = fs * 1.55, headH = fs * 2.8, pad = fs * 0.4;
    std::vector<double> w(nc, 1.0);
    for (size_t c = 0; c < nc && c < t.widths.size(); ++c)
        w[c] = std::max(0.01, t.widths[c]);
    double sum = 0;
    for (double v : w)
        sum += v;
    std::vector<double> xs(nc + 1, it.box.x);
    for (size_t c = 0; c < nc; ++c)
        xs[c + 1] = xs[c] + w[c] / sum * it.box.w;
    auto numeric = [&](size_t c) { return c < t.numeric.size() && t.numeric[c]; };
    // header: bold, up to two lines per column
    cairo_new_path(cr);
    cairo_rectangle(cr, it.box.x, it.box.y, it.box.w, headH);
    rgb(cr, 0xe4e8ee);
    cairo_fill(cr);
    pen.font(fs, true);
    for (size_t c = 0; c < nc; ++c) {
        const double cw = xs[c + 1] - xs[c] - 2 * pad;
        auto lines = pen.wrap(text::toNfc(t.header[c]), cw);
        if (lines.size() > 2) {
            std::string rest;
            for (size_t k = 1; k < lines.size(); ++k)
                rest += (k > 1 ? " " : "") + lines[k];
            lines = {lines[0], rest};
        }
        const double lh = fs * 1.1;
        double y = it.box.y + headH - fs * 0.55 - lh * static_cast<double>(lines.size() - 1);
        for (const auto& l0 : lines) {
            const std::string h = pen.fit(l0, cw);
            const double x = numeric(c) ? xs[c + 1] - pad - pen.width(h) : xs[c] + pad;
            pen.show(x, y, h);
            y += lh;
        }
    }
    pen.font(fs);
    double y = it.box.y + headH;
    for (size_t r = 0; r < t.rows.size(); ++r) {
        if (y + row > it.box.y + it.box.h + 0.01)
            break;
        if (r % 2) {
            cairo_new_path(cr);
            cairo_rectangle(cr, it.box.x, y, it.box.w, row);
            rgb(cr, 0xf5f6f8);
            cairo_fill(cr);
        }
        for (size_t c = 0; c < nc && c < t.rows[r].size(); ++c) {
            const std::string v = pen.fit(text::toNfc(t.rows[r][c]), xs[c + 1] - xs[c] - 2 * pad);
            const double x = numeric(c) ? xs[c + 1] - pad - pen.width(v) : xs[c] + pad;
            pen.show(x, y + row - fs * 0.45, v);
        }
        y += row;
    }
    cairo_new_path(cr);
    cairo_move_to(cr, it.box.x, it.box.y + headH);
    cairo_line_to(cr, it.box.x + it.box.w, it.box.y + headH);
    cairo_move_to(cr, it.box.x, y);
    cairo_line_to(cr, it.box.x + it.box.w, y);
    rgb(cr, kGrey);
    cairo_set_line_width(cr, 0.6);
    cairo_stroke(cr);
}

// "2021-09" style month label of a day number.
std::string monthLabel(int day)
{
    const std::string iso = planning::isoFromDay(day);
    return iso.substr(5, 2) + "/" + iso.substr(0, 4);
}

void drawTimeChart(cairo_t* cr, const Document& doc, const Item& it)
{
    const ChartData& c = it.chart;
    Pen pen(cr);
    const double fs = std::max(it.fontPt, 7.0);
    double top = it.box.y;
    if (!c.title.empty()) {
        pen.font(fs + 1.5, true);
        pen.show(it.box.x, top + fs + 1.5, pen.fit(text::toNfc(c.title), it.box.w));
        top += (fs + 1.5) * 1.8;
    }
    int d0 = INT32_MAX, d1 = INT32_MIN;
    double maxV = 0;
    for (const auto& s : c.timeSeries) {
        for (size_t i = 0; i < s.days.size() && i < s.values.size(); ++i) {
            d0 = std::min(d0, s.days[i]);
            d1 = std::max(d1, s.days[i]);
            if (std::isfinite(s.values[i]))
                maxV = std::max(maxV, s.values[i]);
        }
        if (std::isfinite(s.target))
            maxV = std::max(maxV, s.target);
    }
    if (d0 > d1)
        return;
    if (d1 == d0)
        ++d1;
    if (maxV <= 0)
        maxV = 1;
    const double keyH = fs * 1.9;
    pen.font(fs);
    const double step = roundLength125(maxV / 4);  // 4 to 10 gridlines
    const double yMax = std::ceil(maxV * 1.04 / step) * step;
    const std::string lng = lang(doc);
    const double axisW = pen.width(thousands(static_cast<int64_t>(yMax), lng)) + 6;
    const double x0 = it.box.x + axisW, x1 = it.box.x + it.box.w - 4;
    const double y0 = it.box.y + it.box.h - keyH - fs * 1.8, y1 = top + fs * 0.5;  // y0: the x axis
    auto X = [&](double day) { return x0 + (day - d0) / (d1 - d0) * (x1 - x0); };
    auto Y = [&](double v) { return y0 - v / yMax * (y0 - y1); };
    // value gridlines and labels
    for (double v = 0; v <= yMax + step * 1e-6; v += step) {
        cairo_new_path(cr);
        cairo_move_to(cr, x0, Y(v));
        cairo_line_to(cr, x1, Y(v));
        rgb(cr, v == 0 ? kGrey : 0xdddddd);
        cairo_set_line_width(cr, v == 0 ? 0.8 : 0.5);
        cairo_stroke(cr);
        const std::string l = thousands(std::llround(v), lng);
        pen.show(x0 - 4 - pen.width(l), Y(v) + fs * 0.35, l, 0x404040);
    }
    // month ticks (every month, labelled every k-th so that labels do not touch)
    const std::string iso0 = planning::isoFromDay(d0);
    int y = std::atoi(iso0.substr(0, 4).c_str()), m = std::atoi(iso0.substr(5, 2).c_str());
    std::vector<int> months;
    for (int guard = 0; guard < 600; ++guard) {
        if (++m > 12) {
            m = 1;
            ++y;
        }
        const int day = planning::dayNumber(std::to_string(y) + (m < 10 ? "-0" : "-") + std::to_string(m) + "-01");
        if (day > d1)
            break;
        months.push_back(day);
    }
    bool dayTicks = false;
    if (months.size() < 3) {  // a short span: weekly ticks, labelled day/month
        months.clear();
        for (int day = d0; day <= d1; day += 7)
            months.push_back(day);
        dayTicks = true;
    }
    const double labelW = pen.width("00/0000") + 8;
    size_t every = 1;
    while (months.size() > 1 && (X(months[std::min(every, months.size() - 1)]) - X(months[0])) < labelW &&
           every < months.size())
        ++every;
    for (size_t i = 0; i < months.size(); ++i) {
        cairo_new_path(cr);
        cairo_move_to(cr, X(months[i]), y0);
        cairo_line_to(cr, X(months[i]), y0 + 3);
        rgb(cr, kGrey);
        cairo_set_line_width(cr, 0.6);
        cairo_stroke(cr);
        if (i % every == 0) {
            const std::string iso = planning::isoFromDay(months[i]);
            const std::string l = dayTicks ? iso.substr(8, 2) + "/" + iso.substr(5, 2) : monthLabel(months[i]);
            pen.show(X(months[i]) - pen.width(l) / 2, y0 + 3 + fs * 1.1, l, 0x404040);
        }
    }
    // targets (dashed), then the series
    std::vector<double> labelYs;  // target labels already drawn: a close one goes below its line
    for (const auto& s : c.timeSeries) {
        if (!std::isfinite(s.target))
            continue;
        const double dash[] = {4, 3};
        cairo_new_path(cr);
        cairo_set_dash(cr, dash, 2, 0);
        cairo_move_to(cr, x0, Y(s.target));
        cairo_line_to(cr, x1, Y(s.target));
        rgb(cr, s.colour);
        cairo_set_line_width(cr, 1.0);
        cairo_stroke(cr);
        cairo_set_dash(cr, nullptr, 0, 0);
        const std::string l = text::toNfc(tr(doc, "Target") + std::string(": ") + thousands(std::llround(s.target), lng));
        double ly = Y(s.target) - 2.5;
        for (double o : labelYs)
            if (std::fabs(o - ly) < fs * 1.1)
                ly = Y(s.target) + fs + 1.5;
        labelYs.push_back(ly);
        pen.show(x1 - pen.width(l), ly, l, s.colour);
    }
    for (const auto& s : c.timeSeries) {
        const size_t n = std::min(s.days.size(), s.values.size());
        cairo_new_path(cr);
        if (s.points) {
            for (size_t i = 0; i < n; ++i)
                if (std::isfinite(s.values[i])) {
                    cairo_new_sub_path(cr);
                    cairo_arc(cr, X(s.days[i]), Y(s.values[i]), 2.6, 0, 2 * M_PI);
                }
            rgb(cr, 0xffffff);
            cairo_fill_preserve(cr);
            rgb(cr, s.colour);
            cairo_set_line_width(cr, 1.2);
            cairo_stroke(cr);
            continue;
        }
        // a step line: the count holds until the next day with events
        bool first = true;
        double lastY = 0;
        for (size_t i = 0; i < n; ++i) {
            if (!std::isfinite(s.values[i]))
                continue;
            if (first)
                cairo_move_to(cr, X(s.days[i]), Y(s.values[i]));
            else {
                cairo_line_to(cr, X(s.days[i]), lastY);
                cairo_line_to(cr, X(s.days[i]), Y(s.values[i]));
            }
            lastY = Y(s.values[i]);
            first = false;
        }
        rgb(cr, s.colour);
        cairo_set_line_width(cr, 1.6);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        cairo_stroke(cr);
    }
    // key
    double kx = x0;
    const double ky = it.box.y + it.box.h - keyH / 2;
    for (const auto& s : c.timeSeries) {
        cairo_new_path(cr);
        if (s.points) {
            cairo_arc(cr, kx + fs / 2, ky, 2.6, 0, 2 * M_PI);
            rgb(cr, 0xffffff);
            cairo_fill_preserve(cr);
            rgb(cr, s.colour);
            cairo_set_line_width(cr, 1.2);
            cairo_stroke(cr);
        } else {
            cairo_move_to(cr, kx - 2, ky);
            cairo_line_to(cr, kx + fs + 2, ky);
            rgb(cr, s.colour);
            cairo_set_line_width(cr, 1.6);
            cairo_stroke(cr);
        }
        const std::string n = text::toNfc(s.name);
        pen.show(kx + fs + 5, ky + fs * 0.35, n);
        kx += fs + 5 + pen.width(n) + 14;
    }
}

void drawChart(cairo_t* cr, const Document& doc, const Item& it)
{
    const ChartData& c = it.chart;
    if (!c.timeSeries.empty()) {
        drawTimeChart(cr, doc, it);
        return;
    }
    if (c.labels.empty() || c.series.empty())
        return;
    Pen pen(cr);
    const double fs = std::max(it.fontPt, 7.0);
    double top = it.box.y;
    if (!c.title.empty()) {
        pen.font(fs + 1.5, true);
        pen.show(it.box.x, top + fs + 1.5, pen.fit(text::toNfc(c.title), it.box.w));
        top += (fs + 1.5) * 1.8;
    }
    // series key at the bottom
    const double keyH = fs * 1.8;
    const double bottom = it.box.y + it.box.h - keyH;
    pen.font(fs);
    double labelW = 0;
    for (const auto& l : c.labels)
        labelW = std::max(labelW, pen.width(text::toNfc(l)));
    labelW = std::min(labelW + 6, it.box.w * 0.35);
    double maxV = 0;
    for (const auto& s : c.series)
        for (double v : s.values)
            if (std::isfinite(v))
                maxV = std::max(maxV, v);
    for (double t : c.targets)
        if (std::isfinite(t))
            maxV = std::max(maxV, t);
    if (maxV <= 0)
        maxV = 1;
    const double valueW = pen.width("000000");
    const double x0 = it.box.x + labelW, barMax = it.box.w - labelW - valueW - 4;
    const double groupH = (bottom - top) / static_cast<double>(c.labels.size());
    const double barH = std::min(fs * 1.4, groupH * 0.8 / static_cast<double>(c.series.size()));
    for (size_t i = 0; i < c.labels.size(); ++i) {
        const double gy = top + groupH * static_cast<double>(i);
        const double used = barH * static_cast<double>(c.series.size());
        const double by0 = gy + (groupH - used) / 2;
        pen.show(it.box.x, by0 + used / 2 + fs * 0.35, pen.fit(text::toNfc(c.labels[i]), labelW - 6));
        for (size_t s = 0; s < c.series.size(); ++s) {
            const double v = i < c.series[s].values.size() ? c.series[s].values[i] : NAN;
            if (!std::isfinite(v))
                continue;
            const double by = by0 + barH * static_cast<double>(s);
            cairo_new_path(cr);
            cairo_rectangle(cr, x0, by + 0.5, std::max(0.0, v / maxV * barMax), barH - 1);
            rgb(cr, c.series[s].colour);
            cairo_fill(cr);
            char buf[32];
            std::snprintf(buf, sizeof buf, v == std::floor(v) ? "%.0f" : "%.1f", v);
            pen.show(x0 + v / maxV * barMax + 3, by + barH / 2 + fs * 0.35, buf, 0x303030);
        }
        if (i < c.targets.size() && std::isfinite(c.targets[i])) {
            const double tx = x0 + c.targets[i] / maxV * barMax;
            cairo_new_path(cr);
            cairo_move_to(cr, tx, by0 - 2);
            cairo_line_to(cr, tx, by0 + used + 2);
            rgb(cr, kInk);
            cairo_set_line_width(cr, 1.4);
            cairo_stroke(cr);
        }
    }
    cairo_new_path(cr);
    cairo_move_to(cr, x0, top);
    cairo_line_to(cr, x0, bottom);
    rgb(cr, kGrey);
    cairo_set_line_width(cr, 0.6);
    cairo_stroke(cr);
    double kx = x0;
    const double ky = it.box.y + it.box.h - keyH / 2;
    for (const auto& s : c.series) {
        cairo_new_path(cr);
        cairo_rectangle(cr, kx, ky - fs * 0.5, fs, fs);
        rgb(cr, s.colour);
        cairo_fill(cr);
        const std::string n = text::toNfc(s.name);
        pen.show(kx + fs + 4, ky + fs * 0.4, n);
        kx += fs + 4 + pen.width(n) + 14;
    }
    if (!c.targets.empty() && !c.targetName.empty()) {
        cairo_new_path(cr);
        cairo_move_to(cr, kx + fs / 2, ky - fs * 0.6);
        cairo_line_to(cr, kx + fs / 2, ky + fs * 0.6);
        rgb(cr, kInk);
        cairo_set_line_width(cr, 1.4);
        cairo_stroke(cr);
        pen.show(kx + fs + 4, ky + fs * 0.4, text::toNfc(c.targetName));
    }
    (void)doc;
}

void drawToc(cairo_t* cr, const Item& it)
{
    Pen pen(cr);
    pen.font(it.fontPt);
    const double row = pen.size() * 1.7;
    double y = it.box.y + pen.size();
    for (const auto& e : it.toc) {
        if (y > it.box.y + it.box.h)
            break;
        const std::string num = std::to_string(e.page);
        const double nw = pen.width(num);
        const std::string title = pen.fit(text::toNfc(e.title), it.box.w - nw - 30);
        pen.show(it.box.x, y, title);
        // dotted leader
        const double lx0 = it.box.x + pen.width(title) + 6, lx1 = it.box.x + it.box.w - nw - 6;
        if (lx1 > lx0) {
            cairo_new_path(cr);
            const double dashes[] = {0.8, 2.6};
            cairo_set_dash(cr, dashes, 2, 0);
            cairo_move_to(cr, lx0, y);
            cairo_line_to(cr, lx1, y);
            rgb(cr, kGrey);
            cairo_set_line_width(cr, 0.8);
            cairo_stroke(cr);
            cairo_set_dash(cr, nullptr, 0, 0);
        }
        pen.show(it.box.x + it.box.w - nw, y, num);
        y += row;
    }
}

std::string isoNow()
{
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

} // namespace

void paperSize(const std::string& paper, bool landscape, double& widthPt, double& heightPt, const std::string& option)
{
    // ISO 216 in millimetres, converted to points.
    static const struct {
        const char* name;
        double w, h;
    } kSizes[] = {{"A4", 210, 297}, {"A3", 297, 420}, {"A2", 420, 594}, {"A1", 594, 841}, {"A0", 841, 1189}};
    const std::string up = text::toUpper(paper);
    for (const auto& s : kSizes)
        if (up == s.name) {
            widthPt = std::round(s.w / 25.4 * 72);
            heightPt = std::round(s.h / 25.4 * 72);
            if (landscape)
                std::swap(widthPt, heightPt);
            return;
        }
    throw Error(ErrorKind::Usage, option, "unknown paper size '" + paper + "' (expected A4, A3, A2, A1 or A0)");
}

Format formatOf(const std::string& path)
{
    const std::string ext = text::toLower(std::filesystem::path(path).extension().string());
    if (ext == ".pdf")
        return Format::Pdf;
    if (ext == ".png")
        return Format::Png;
    if (ext == ".svg")
        return Format::Svg;
    throw Error(ErrorKind::Usage, path,
                "unknown output format '" + (ext.empty() ? std::string("(none)") : ext) + "' (expected .pdf, .png or .svg)");
}

std::string pageFile(const std::string& path, size_t page)
{
    if (page == 0)
        return path;
    const std::filesystem::path p(path);
    return (p.parent_path() / (p.stem().string() + "-" + std::to_string(page + 1) + p.extension().string())).string();
}

std::string formatDegrees(double deg)
{
    const double a = std::fabs(deg);
    long long totalSec = std::llround(a * 3600);
    const long long d = totalSec / 3600, m = (totalSec / 60) % 60, sec = totalSec % 60;
    std::string out = (deg < 0 && totalSec > 0 ? "-" : "") + std::to_string(d) + "°";
    if (m || sec)
        out += (m < 10 ? "0" : "") + std::to_string(m) + "′";
    if (sec)
        out += (sec < 10 ? "0" : "") + std::to_string(sec) + "″";
    return out;
}

Grid gridLayout(const Document& doc, const Item& mapItem)
{
    Grid g;
    if (!doc.data || mapItem.grid.empty())
        return g;
    const bool geographic = mapItem.grid == "wgs84";
    const int mapEpsg = doc.data->epsg;
    g.epsg = geographic ? crs::kWgs84 : mapEpsg;
    const render::MapSettings s = frameSettings(mapItem);
    const render::ViewTransform vt = render::viewTransform(s, *doc.data);
    const double W = mapItem.box.w, H = mapItem.box.h;  // the frame (the map is drawn on whole points)
    // The frame's bounds in the grid CRS: its edge sampled and transformed.
    constexpr int kSamples = 24;
    std::vector<double> xs, ys;
    for (int i = 0; i <= kSamples; ++i) {
        const double f = static_cast<double>(i) / kSamples;
        const double dx[4] = {f * W, f * W, 0, W}, dy[4] = {0, H, f * H, f * H};
        for (int k = 0; k < 4; ++k) {
            xs.push_back(vt.toMapX(dx[k]));
            ys.push_back(vt.toMapY(dy[k]));
        }
    }
    crs::transform(mapEpsg, g.epsg, xs.data(), ys.data(), xs.size());
    const double minX = *std::min_element(xs.begin(), xs.end()), maxX = *std::max_element(xs.begin(), xs.end());
    const double minY = *std::min_element(ys.begin(), ys.end()), maxY = *std::max_element(ys.begin(), ys.end());
    const double span = std::max(maxX - minX, maxY - minY) / 4;  // at least 4 lines across
    if (geographic) {
        static const double kSteps[] = {10, 5, 2, 1, 0.5, 20.0 / 60, 15.0 / 60, 10.0 / 60, 5.0 / 60,
                                        2.0 / 60, 1.0 / 60, 30.0 / 3600, 15.0 / 3600};
        g.interval = kSteps[std::size(kSteps) - 1];
        for (double st : kSteps)
            if (st <= span * (1 + 1e-9)) {
                g.interval = st;
                break;
            }
    } else {
        g.interval = roundLength125(span);
    }
    if (!(g.interval > 0))
        return g;
    const std::string language = lang(doc);
    const int steps = geographic ? 48 : 1;  // meridians and parallels bend in the map's CRS
    for (int vertical = 1; vertical >= 0; --vertical) {
        const double lo = vertical ? minX : minY, hi = vertical ? maxX : maxY;
        const double olo = vertical ? minY : minX, ohi = vertical ? maxY : maxX;
        for (long long k = static_cast<long long>(std::ceil(lo / g.interval - 1e-9)); k * g.interval <= hi + 1e-9; ++k) {
            GridLine l;
            l.value = static_cast<double>(k) * g.interval;
            l.vertical = vertical != 0;
            l.label = geographic ? formatDegrees(l.value) : thousands(std::llround(l.value), language);
            std::vector<double> px, py;
            for (int i = 0; i <= steps; ++i) {
                const double o = olo + (ohi - olo) * i / steps;
                px.push_back(vertical ? l.value : o);
                py.push_back(vertical ? o : l.value);
            }
            crs::transform(g.epsg, mapEpsg, px.data(), py.data(), px.size());
            for (size_t i = 0; i < px.size(); ++i) {
                const XY d{vt.toDeviceX(px[i]), vt.toDeviceY(py[i])};
                if (i > 0) {  // where the segment meets the edges it is labelled at
                    const XY a = l.points.back();
                    const XY pa{a.x - mapItem.box.x, a.y - mapItem.box.y};
                    auto cross = [&](double edge, bool horizontalEdge) {
                        const double a0 = horizontalEdge ? pa.y : pa.x, b0 = horizontalEdge ? d.y : d.x;
                        if ((a0 - edge) * (b0 - edge) > 0 || a0 == b0)
                            return;
                        const double t = (edge - a0) / (b0 - a0);
                        const double x = pa.x + t * (d.x - pa.x), y = pa.y + t * (d.y - pa.y);
                        if (horizontalEdge ? (x >= 0 && x <= W) : (y >= 0 && y <= H))
                            l.ends.push_back({mapItem.box.x + (horizontalEdge ? x : edge),
                                              mapItem.box.y + (horizontalEdge ? edge : y)});
                    };
                    if (vertical) {
                        cross(0, true);
                        cross(H, true);
                    } else {
                        cross(0, false);
                        cross(W, false);
                    }
                }
                l.points.push_back({mapItem.box.x + d.x, mapItem.box.y + d.y});
            }
            if (!l.ends.empty())
                g.lines.push_back(std::move(l));
        }
    }
    return g;
}

std::string thousands(int64_t n, const std::string& language)
{
    const char sep = language == "en" ? ',' : '.';
    std::string digits = std::to_string(n < 0 ? -n : n), out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0)
            out += sep;
        out += digits[i];
    }
    return n < 0 ? "-" + out : out;
}

int tableRowsThatFit(double h, double fontPt)
{
    const double fs = std::max(fontPt, kMinTextPt);
    return std::max(0, static_cast<int>(std::floor((h - fs * 2.8 + 0.01) / (fs * 1.55))));
}

Extent frameExtent(const Document& doc, const Item& mapItem)
{
    if (!doc.data)
        return {};
    const render::MapSettings s = frameSettings(mapItem);
    const render::ViewTransform vt = render::viewTransform(s, *doc.data);
    Extent e;
    e.minX = vt.toMapX(0);
    e.maxX = vt.toMapX(s.widthPx);
    e.maxY = vt.toMapY(0);
    e.minY = vt.toMapY(s.heightPx);
    return e;
}

std::vector<LegendEntry> legendEntries(const Document& doc, const Item& mapItem)
{
    std::vector<LegendEntry> out;
    if (!doc.data)
        return out;
    const render::MapData& data = *doc.data;
    const render::MapData::Theme* theme = data.theme(mapItem.map.theme.empty() ? "density" : mapItem.map.theme);
    const int vi = data.layerIndex(schema::kVillages);
    if (!theme || vi < 0 || static_cast<size_t>(vi) >= data.featureExtents.size())
        return out;
    const Extent frame = frameExtent(doc, mapItem);
    const auto& extents = data.featureExtents[static_cast<size_t>(vi)];
    std::vector<bool> present(theme->colours.size(), false);
    bool noData = false;
    for (size_t i = 0; i < extents.size() && i < theme->villageClass.size(); ++i) {
        if (!extents[i].intersects(frame))
            continue;
        const int c = theme->villageClass[i];
        if (c >= 0 && static_cast<size_t>(c) < present.size())
            present[static_cast<size_t>(c)] = true;
        else
            noData = true;
    }
    // Classes the saved map hides (legend toggles): not drawn, so not listed.
    for (const auto& d : frameDisplay(doc, mapItem))
        if (d.layer == schema::kVillages)
            for (int c : d.hiddenClasses) {
                if (c >= 0 && static_cast<size_t>(c) < present.size())
                    present[static_cast<size_t>(c)] = false;
                else if (c >= 0 && static_cast<size_t>(c) == present.size())
                    noData = false;
            }
    for (size_t c = 0; c < present.size(); ++c) {
        if (!present[c])
            continue;
        const std::string& l = c < theme->classLabels.size() ? theme->classLabels[c] : std::string();
        out.push_back({theme->labelsTranslatable ? tr(doc, l.c_str()) : l, theme->colours[c]});
    }
    if (noData)
        out.push_back({tr(doc, "No data"), kNoDataColour});
    return out;
}

double roundLength125(double maxLen)
{
    if (!(maxLen > 0))
        return 0;
    const double mag = std::pow(10.0, std::floor(std::log10(maxLen)));
    for (double m : {5.0, 2.0, 1.0})
        if (m * mag <= maxLen * (1 + 1e-12))
            return m * mag;
    return mag;
}

double scaleBarMetres(const Document& doc, const Item& mapItem, double maxFraction)
{
    if (!doc.data)
        return 0;
    const render::MapSettings s = frameSettings(mapItem);
    const render::ViewTransform vt = render::viewTransform(s, *doc.data);
    if (vt.scale <= 0)
        return 0;
    return roundLength125(s.widthPx * maxFraction / vt.scale);
}

void drawPage(cairo_t* cr, const Document& doc, const Page& page, const Feedback* fb)
{
    cairo_save(cr);
    cairo_rectangle(cr, 0, 0, doc.widthPt, doc.heightPt);
    rgb(cr, 0xffffff);
    cairo_fill(cr);
    for (const auto& it : page.items) {
        throwIfCancelled(fb);
        cairo_save(cr);
        switch (it.type) {
        case ItemType::Map: drawMap(cr, doc, it, fb); break;
        case ItemType::Title:
        case ItemType::Text: drawText(cr, it); break;
        case ItemType::Rule: drawRule(cr, it); break;
        case ItemType::Legend: drawLegend(cr, doc, page, it); break;
        case ItemType::ScaleBar: drawScaleBar(cr, doc, page, it); break;
        case ItemType::NorthArrow: drawNorthArrow(cr, doc, it); break;
        case ItemType::Overview: drawOverview(cr, doc, page, it); break;
        case ItemType::Table: drawTable(cr, it); break;
        case ItemType::Chart: drawChart(cr, doc, it); break;
        case ItemType::Toc: drawToc(cr, it); break;
        }
        cairo_restore(cr);
    }
    cairo_restore(cr);
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS)
        throw Error(ErrorKind::Internal, "cairo", cairo_status_to_string(cairo_status(cr)));
}

std::vector<std::string> write(const Document& doc, const std::string& path, double dpi, const Feedback* fb)
{
    const Format format = formatOf(path);
    if (doc.pages.empty())
        throw Error(ErrorKind::Usage, path, "the document has no pages");
    if (format == Format::Png && !(dpi >= 10 && dpi <= 1200))
        throw Error(ErrorKind::Usage, "--dpi", "expected a resolution between 10 and 1200 dpi");
    std::vector<std::string> written;
    if (format == Format::Pdf) {
        cairo::OutputFile out(path);
        cairo::SurfacePtr surface(
            cairo_pdf_surface_create_for_stream(&cairo::OutputFile::write, &out, doc.widthPt, doc.heightPt));
        if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS)
            out.fail("cannot create PDF", cairo_surface_status(surface.get()));
        cairo_pdf_surface_restrict_to_version(surface.get(), CAIRO_PDF_VERSION_1_5);
        auto meta = [&](cairo_pdf_metadata_t key, const std::string& v) {
            if (!v.empty())
                cairo_pdf_surface_set_metadata(surface.get(), key, text::toNfc(v).c_str());
        };
        meta(CAIRO_PDF_METADATA_TITLE, doc.title);
        meta(CAIRO_PDF_METADATA_SUBJECT, doc.subject);
        meta(CAIRO_PDF_METADATA_AUTHOR, doc.author);
        meta(CAIRO_PDF_METADATA_KEYWORDS, doc.keywords);
        meta(CAIRO_PDF_METADATA_CREATOR, "Bando");
        meta(CAIRO_PDF_METADATA_CREATE_DATE, isoNow());
        {
            const cairo::ContextPtr cr = cairo::makeContext(surface.get());
            for (size_t i = 0; i < doc.pages.size(); ++i) {
                drawPage(cr.get(), doc, doc.pages[i], fb);
                if (!doc.pages[i].outline.empty())
                    cairo_pdf_surface_add_outline(surface.get(), CAIRO_PDF_OUTLINE_ROOT,
                                                  text::toNfc(doc.pages[i].outline).c_str(),
                                                  ("page=" + std::to_string(i + 1)).c_str(),
                                                  static_cast<cairo_pdf_outline_flags_t>(0));
                cairo_show_page(cr.get());
            }
        }
        cairo_surface_finish(surface.get());
        if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS)
            out.fail("cannot write PDF", cairo_surface_status(surface.get()));
        out.commit();
        written.push_back(path);
        return written;
    }
    // One PNG or SVG per page; every page drawn before any file is renamed into place.
    std::vector<std::unique_ptr<cairo::OutputFile>> outs;
    for (size_t i = 0; i < doc.pages.size(); ++i) {
        const std::string file = pageFile(path, i);
        outs.push_back(std::make_unique<cairo::OutputFile>(file));
        cairo::OutputFile& out = *outs.back();
        if (format == Format::Png) {
            const int w = static_cast<int>(std::ceil(doc.widthPt * dpi / 72));
            const int h = static_cast<int>(std::ceil(doc.heightPt * dpi / 72));
            if (w > 30000 || h > 30000)
                throw Error(ErrorKind::Usage, "--dpi", "the page would be larger than 30000 pixels: lower the dpi");
            cairo::SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h));
            if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS)
                out.fail("cannot create image", cairo_surface_status(surface.get()));
            {
                const cairo::ContextPtr cr = cairo::makeContext(surface.get());
                cairo_scale(cr.get(), dpi / 72, dpi / 72);
                drawPage(cr.get(), doc, doc.pages[i], fb);
            }
            cairo_surface_flush(surface.get());
            const cairo_status_t st = cairo_surface_write_to_png_stream(surface.get(), &cairo::OutputFile::write, &out);
            if (st != CAIRO_STATUS_SUCCESS)
                out.fail("cannot write PNG", st);
        } else {
            cairo::SurfacePtr surface(
                cairo_svg_surface_create_for_stream(&cairo::OutputFile::write, &out, doc.widthPt, doc.heightPt));
            if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS)
                out.fail("cannot create SVG", cairo_surface_status(surface.get()));
            cairo_svg_surface_set_document_unit(surface.get(), CAIRO_SVG_UNIT_PT);
            {
                const cairo::ContextPtr cr = cairo::makeContext(surface.get());
                drawPage(cr.get(), doc, doc.pages[i], fb);
                cairo_show_page(cr.get());
            }
            cairo_surface_finish(surface.get());
            if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS)
                out.fail("cannot write SVG", cairo_surface_status(surface.get()));
        }
    }
    for (size_t i = 0; i < outs.size(); ++i) {
        outs[i]->commit();
        written.push_back(outs[i]->path());
    }
    return written;
}

std::vector<render::MapSettings::LayerDisplay> savedDisplay(const ProjectStore& store, const render::MapData& data,
                                                            std::string* theme)
{
    const render::MapState saved = render::loadMapState(store);
    if (theme)
        *theme = saved.theme;
    if (saved.layers.empty())
        return {};
    render::MapSettings s;
    render::applyMapState(render::mergeMapState(data, saved), s);
    return s.display;
}

} // namespace bando::layout
