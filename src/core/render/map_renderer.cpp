// The map renderer: one traversal drawing on any cairo_t (image, PDF, screen).
#include "core/render/map_renderer.hpp"

#include "core/base/error.hpp"
#include "core/base/text.hpp"
#include "core/i18n/i18n.hpp"
#include "core/model/schema.hpp"
#include "core/capi/cairo.hpp"
#include "core/render/font.hpp"
#include "core/render/frame_cache.hpp"
#include "core/render/grid_outline.hpp"
#include "core/render/hillshade.hpp"
#include "core/render/layer_tree.hpp"
#include "core/render/map_style.hpp"
#include "core/render/styled_layer.hpp"
#include "core/render/themes.hpp"

#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace bando::render {
namespace {

constexpr uint32_t kNoDataColour = 0xd9d9d9;
constexpr uint32_t kBackground = 0xf4f3ef;
constexpr int kCheckEvery = 128;  // features between Feedback checks

void setRgb(cairo_t* cr, uint32_t c, double alpha = 1)
{
    cairo_set_source_rgba(cr, ((c >> 16) & 0xff) / 255.0, ((c >> 8) & 0xff) / 255.0, (c & 0xff) / 255.0, alpha);
}

// Everything one renderMap() call needs while drawing.
struct Painter {
    cairo_t* cr = nullptr;
    const MapData* data = nullptr;
    const MapSettings* s = nullptr;
    ViewTransform vt;
    Extent view;          // visible map extent
    double pt = 1;        // device units per typographic point
    double tol = 0.5;     // device-space decimation tolerance
    bool raster = true;   // image surface (else vector: PDF)
    std::string lang;
    const Feedback* fb = nullptr;
    int counter = 0;
    std::vector<Extent> placed;  // device boxes of labels already drawn (collision test)
    double scaleDenom = 0;       // of the drawn view
    std::vector<LabelCandidate> labels;  // from styled layers, placed by priority at the end
    std::vector<PlacedLabel>* placedLabels = nullptr;  // labelLayout's output
    std::vector<std::string> seatNames;  // seat labels drawn: a commune's name is not repeated

    // Reserves a label box; false when it would overlap one already placed or leave the page.
    bool place(double x, double y, double w, double h)
    {
        Extent b{x, y, x + w, y + h};
        if (b.minX < 0 || b.minY < 0 || b.maxX > s->widthPx || b.maxY > s->heightPx)
            return false;
        for (const auto& o : placed)
            if (o.intersects(b))
                return false;
        placed.push_back(b);
        return true;
    }

    const char* tr(const char* msgid) const { return i18n::tr(lang, msgid); }

    void tick()
    {
        if (++counter % kCheckEvery == 0)
            throwIfCancelled(fb);
    }

    bool hidden(const std::string& layer) const
    {
        return std::find(s->hiddenLayers.begin(), s->hiddenLayers.end(), layer) != s->hiddenLayers.end();
    }

    // The legend toggles of `layer` (nullptr when none).
    const std::vector<int>* hiddenClasses(const std::string& layer) const
    {
        for (const auto& d : s->display)
            if (d.layer == layer && !d.hiddenClasses.empty())
                return &d.hiddenClasses;
        return nullptr;
    }

    // Appends a ring to the current path in device space, dropping points closer than `tol`
    // to the previous one (small-scale simplification; the last point is always kept).
    void addRing(const Ring& r, bool close)
    {
        const size_t n = r.size();
        if (n == 0)
            return;
        double lx = vt.toDeviceX(r[0].x), ly = vt.toDeviceY(r[0].y);
        cairo_move_to(cr, lx, ly);
        size_t emitted = 1;
        for (size_t i = 1; i < n; ++i) {
            const double x = vt.toDeviceX(r[i].x), y = vt.toDeviceY(r[i].y);
            if (i + 1 < n && std::fabs(x - lx) < tol && std::fabs(y - ly) < tol)
                continue;
            cairo_line_to(cr, x, y);
            lx = x;
            ly = y;
            ++emitted;
        }
        if (close)
            cairo_close_path(cr);
        (void)emitted;
    }

    void addGeometry(const Geometry& g)
    {
        const bool polygon = g.type == GeomType::Polygon || g.type == GeomType::MultiPolygon;
        for (const auto& part : g.parts)
            for (const auto& ring : part)
                addRing(ring, polygon);
    }

    bool visible(int layerIdx, size_t f) const
    {
        return data->featureExtents[static_cast<size_t>(layerIdx)][f].intersects(view);
    }

    void font(FontStyle style, double sizePt)
    {
        cairo_set_font_face(cr, fontFace(style));
        cairo_set_font_size(cr, sizePt * pt);
    }

    double textWidth(const std::string& t)
    {
        cairo_text_extents_t e;
        cairo_text_extents(cr, t.c_str(), &e);
        return e.x_advance;
    }

    // Text at (x, y) (baseline left); the halo is a stroked path, the glyphs stay text (PDF).
    void text(double x, double y, const std::string& utf8, uint32_t colour, bool halo = false)
    {
        const std::string t = text::toNfc(utf8);
        if (halo) {
            cairo_save(cr);
            cairo_move_to(cr, x, y);
            cairo_text_path(cr, t.c_str());
            setRgb(cr, 0xffffff, 0.85);
            cairo_set_line_width(cr, 2.2 * pt);
            cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
            cairo_stroke(cr);
            cairo_restore(cr);
        }
        setRgb(cr, colour);
        cairo_move_to(cr, x, y);
        cairo_show_text(cr, t.c_str());
        cairo_new_path(cr);
    }
};

int findDistrict(const MapData& data, const std::string& code)
{
    const Layer* d = data.layer(schema::kDistricts);
    if (!d)
        return -1;
    const int ci = d->fieldIndex("code");
    if (ci < 0)
        return -1;
    for (size_t i = 0; i < d->features.size(); ++i)
        if (toString(d->features[i].values[static_cast<size_t>(ci)]) == code)
            return static_cast<int>(i);
    return -1;
}

std::string knownDistrictCodes(const MapData& data)
{
    std::string out;
    if (const Layer* d = data.layer(schema::kDistricts))
        for (const auto& f : d->features)
            out += (out.empty() ? "" : ", ") + d->text(f, "code");
    return out;
}

// ---- layers ----

// The villages as one path per class, snapped to a 300-dpi grid with their shared boundaries
// simplified once and the edges within a class cancelled (grid_outline.hpp): on a national page it
// draws a few thousand loops instead of 80,000 rings, and neighbours still meet exactly.
void fillClassOutlines(Painter& p, const Layer& layer, const std::vector<std::vector<size_t>>& byClass,
                       const std::vector<uint32_t>& colours)
{
    GridOutline outline(72.0 / 300.0 * p.pt, p.vt.scale, p.vt.originX, p.vt.originY);
    for (size_t c = 0; c < byClass.size(); ++c)
        for (size_t i : byClass[c]) {
            const Geometry& g = layer.features[i].geom;
            if (g.type == GeomType::Polygon || g.type == GeomType::MultiPolygon)
                for (const auto& part : g.parts)
                    outline.addPolygon(static_cast<int>(c), part);
            p.tick();
        }
    const auto loops = outline.classLoops();
    cairo_save(p.cr);
    cairo_set_fill_rule(p.cr, CAIRO_FILL_RULE_WINDING);
    for (size_t c = 0; c < loops.size(); ++c) {
        if (loops[c].empty())
            continue;
        cairo_new_path(p.cr);
        for (const auto& loop : loops[c]) {
            cairo_move_to(p.cr, loop[0].x, loop[0].y);
            for (size_t k = 1; k < loop.size(); ++k)
                cairo_line_to(p.cr, loop[k].x, loop[k].y);
            cairo_close_path(p.cr);
        }
        setRgb(p.cr, colours[c]);
        cairo_fill(p.cr);
    }
    cairo_restore(p.cr);
}

// The boundaries of a polygon layer's visible features for stroking, each shared boundary once,
// snapped and simplified at 300 dpi (grid_outline.hpp).
void addBoundaryLines(Painter& p, const Layer& layer, int li)
{
    GridOutline outline(72.0 / 300.0 * p.pt, p.vt.scale, p.vt.originX, p.vt.originY);
    for (size_t i = 0; i < layer.features.size(); ++i) {
        if (!p.visible(li, i))
            continue;
        for (const auto& part : layer.features[i].geom.parts)
            outline.addPolygon(0, part);
        p.tick();
    }
    for (const auto& line : outline.boundaryLines()) {
        cairo_move_to(p.cr, line[0].x, line[0].y);
        for (size_t k = 1; k < line.size(); ++k)
            cairo_line_to(p.cr, line[k].x, line[k].y);
    }
}

void drawVillages(Painter& p, const MapData::Theme* theme)
{
    const int li = p.data->layerIndex(schema::kVillages);
    if (li < 0 || p.hidden(schema::kVillages))
        return;
    const Layer& layer = p.data->layers[static_cast<size_t>(li)];
    cairo_t* cr = p.cr;
    const size_t nClasses = theme ? theme->colours.size() : 0;
    std::vector<std::vector<size_t>> byClass(nClasses + 1);  // last = no data
    std::vector<char> shown(nClasses + 1, 1);                 // legend toggles
    if (const auto* off = p.hiddenClasses(schema::kVillages))
        for (int c : *off)
            if (c >= 0 && static_cast<size_t>(c) <= nClasses)
                shown[static_cast<size_t>(c)] = 0;
    for (size_t i = 0; i < layer.features.size(); ++i) {
        if (!p.visible(li, i))
            continue;
        int c = theme && i < theme->villageClass.size() ? theme->villageClass[i] : -1;
        const size_t k = c < 0 ? nClasses : static_cast<size_t>(c);
        if (shown[k])
            byClass[k].push_back(i);
    }
    // Thin village outlines, only where villages are large enough on screen for them to help
    // (at province scale they would cost most of the frame and blur the colours).
    const double meanSidePx = p.data->meanVillageSize * p.vt.scale;
    const bool outlines = meanSidePx >= 24 * p.pt;
    if (!p.raster && !outlines) {  // print at small scale: the classes' outlines at 300 dpi
        std::vector<uint32_t> colours(nClasses + 1, kNoDataColour);
        for (size_t c = 0; c < nClasses; ++c)
            colours[c] = theme->colours[c];
        fillClassOutlines(p, layer, byClass, colours);
        return;
    }
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    for (size_t c = 0; c <= nClasses; ++c) {
        if (byClass[c].empty())
            continue;
        cairo_new_path(cr);
        for (size_t i : byClass[c]) {
            p.addGeometry(layer.features[i].geom);
            p.tick();
        }
        setRgb(cr, c < nClasses ? theme->colours[c] : kNoDataColour);
        cairo_fill(cr);
    }
    if (!outlines)
        return;
    cairo_new_path(cr);
    for (const auto& cls : byClass)
        for (size_t i : cls) {
            p.addGeometry(layer.features[i].geom);
            p.tick();
        }
    const StrokeStyle outline = layerStyle(schema::kVillages, layer.geomType).stroke;
    setRgb(cr, outline.colour, outline.alpha);
    cairo_set_line_width(cr, outline.widthPt * p.pt);
    if (p.raster)
        cairo_set_antialias(cr, CAIRO_ANTIALIAS_FAST);
    cairo_stroke(cr);
    cairo_set_antialias(cr, CAIRO_ANTIALIAS_DEFAULT);
}

void strokeLayer(Painter& p, const char* name)
{
    const int li = p.data->layerIndex(name);
    if (li < 0 || p.hidden(name))
        return;
    const Layer& layer = p.data->layers[static_cast<size_t>(li)];
    const StrokeStyle style = layerStyle(name, layer.geomType).stroke;
    const double widthPt = style.widthPt;
    cairo_new_path(p.cr);
    if (!p.raster && (layer.geomType == GeomType::Polygon || layer.geomType == GeomType::MultiPolygon))
        addBoundaryLines(p, layer, li);  // print: each shared boundary once, at 300 dpi
    else
        for (size_t i = 0; i < layer.features.size(); ++i) {
            if (!p.visible(li, i))
                continue;
            p.addGeometry(layer.features[i].geom);
            p.tick();
        }
    setRgb(p.cr, style.colour, style.alpha);
    cairo_set_line_width(p.cr, widthPt * p.pt);
    cairo_set_line_join(p.cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(p.cr, CAIRO_LINE_CAP_ROUND);
    // Hairlines on raster output: the faster rasteriser is indistinguishable at <= 1 px.
    if (p.raster && widthPt * p.pt <= 1.0)
        cairo_set_antialias(p.cr, CAIRO_ANTIALIAS_FAST);
    cairo_stroke(p.cr);
    cairo_set_antialias(p.cr, CAIRO_ANTIALIAS_DEFAULT);
}

int roadRank(const std::string& cls)
{
    if (cls.find("national") != std::string::npos || cls == "QL" || cls == "motorway" || cls == "trunk")
        return 2;
    if (cls.find("provincial") != std::string::npos || cls == "DT" || cls == "primary")
        return 1;
    return 0;
}

void drawRoads(Painter& p)
{
    const int li = p.data->layerIndex(schema::kRoads);
    if (li < 0 || p.hidden(schema::kRoads))
        return;
    const Layer& layer = p.data->layers[static_cast<size_t>(li)];
    const int ci = layer.fieldIndex("class");
    const std::vector<StrokeStyle>& styles = roadStyles();  // by rank
    cairo_set_line_join(p.cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(p.cr, CAIRO_LINE_CAP_ROUND);
    for (int rank = 0; rank < static_cast<int>(styles.size()); ++rank) {
        cairo_new_path(p.cr);
        bool any = false;
        for (size_t i = 0; i < layer.features.size(); ++i) {
            const auto& f = layer.features[i];
            const int r = ci < 0 ? 0 : roadRank(toString(f.values[static_cast<size_t>(ci)]));
            if (r != rank || !p.visible(li, i))
                continue;
            p.addGeometry(f.geom);
            any = true;
            p.tick();
        }
        if (!any)
            continue;
        const StrokeStyle& style = styles[static_cast<size_t>(rank)];
        setRgb(p.cr, style.colour, style.alpha);
        cairo_set_line_width(p.cr, style.widthPt * p.pt);
        cairo_stroke(p.cr);
    }
    cairo_new_path(p.cr);
}

// Dims everything outside the highlighted district.
void dimOutside(Painter& p, int district)
{
    const Layer* d = p.data->layer(schema::kDistricts);
    cairo_new_path(p.cr);
    cairo_rectangle(p.cr, -10, -10, p.s->widthPx + 20, p.s->heightPx + 20);
    p.addGeometry(d->features[static_cast<size_t>(district)].geom);
    cairo_set_fill_rule(p.cr, CAIRO_FILL_RULE_EVEN_ODD);
    setRgb(p.cr, 0xffffff, 0.6);
    cairo_fill(p.cr);
}

void drawDistrictLabels(Painter& p, int highlighted)
{
    const Layer* d = p.data->layer(schema::kDistricts);
    if (!d || p.hidden(schema::kDistricts))
        return;
    const int ni = d->fieldIndex("name");
    if (ni < 0)
        return;
    p.font(FontStyle::Bold, highlighted >= 0 ? 12 : 9.5);
    for (size_t i = 0; i < d->features.size() && i < p.data->districtLabelPoints.size(); ++i) {
        const XY lp = p.data->districtLabelPoints[i];
        if (!p.view.contains(lp.x, lp.y) || (highlighted >= 0 && static_cast<int>(i) != highlighted))
            continue;
        const std::string name = text::toNfc(toString(d->features[i].values[static_cast<size_t>(ni)]));
        const double w = p.textWidth(name), h = (highlighted >= 0 ? 12 : 9.5) * p.pt;
        const double x = p.vt.toDeviceX(lp.x) - w / 2, y = p.vt.toDeviceY(lp.y);
        if (p.place(x, y - h, w, h * 1.25))
            p.text(x, y, name, 0x3a3a3a, true);
    }
}

struct Seat {
    double x = 0, y = 0, r = 0;
    bool district = false;
    std::string name;
};

// District seats (always) and, when zoomed to a district, the commune seats inside it.
std::vector<Seat> collectSeats(Painter& p, int highlighted)
{
    std::vector<Seat> seats;
    const int li = p.data->layerIndex(schema::kPlaces);
    if (li < 0 || p.hidden(schema::kPlaces))
        return seats;
    const Layer& layer = p.data->layers[static_cast<size_t>(li)];
    const int ni = layer.fieldIndex("name"), ki = layer.fieldIndex("kind"), ci = layer.fieldIndex("code");
    const Geometry* hlGeom =
        highlighted >= 0 ? &p.data->layer(schema::kDistricts)->features[static_cast<size_t>(highlighted)].geom : nullptr;
    for (int pass = 0; pass < 2; ++pass)  // district seats first: they win label space
        for (size_t i = 0; i < layer.features.size(); ++i) {
            const auto& f = layer.features[i];
            if (!p.visible(li, i) || f.geom.isEmpty() || f.geom.parts[0].empty() || f.geom.parts[0][0].empty())
                continue;
            const std::string kind = ki < 0 ? "" : toString(f.values[static_cast<size_t>(ki)]);
            const std::string code = ci < 0 ? "" : toString(f.values[static_cast<size_t>(ci)]);
            const bool district = kind.find("district") != std::string::npos || (kind.empty() && code.size() == 3);
            const bool commune = !district && kind.find("commune") != std::string::npos;
            if (district != (pass == 0))
                continue;
            const XY pt = f.geom.parts[0][0][0];
            if (!district && !(commune && hlGeom && contains(*hlGeom, pt.x, pt.y)))
                continue;
            Seat seat;
            seat.x = p.vt.toDeviceX(pt.x);
            seat.y = p.vt.toDeviceY(pt.y);
            seat.r = seatStyle(district).markerRadiusPt * p.pt;
            seat.district = district;
            seat.name = ni < 0 ? "" : text::toNfc(toString(f.values[static_cast<size_t>(ni)]));
            // A commune seat at a district seat (the district town itself) is drawn once.
            bool dup = false;
            for (const auto& o : seats)
                dup = dup || (std::fabs(o.x - seat.x) < 4 * p.pt && std::fabs(o.y - seat.y) < 4 * p.pt);
            if (dup)
                continue;
            seats.push_back(std::move(seat));
            p.tick();
        }
    return seats;
}

// Markers reserve their space before any label is placed.
void reserveSeats(Painter& p, const std::vector<Seat>& seats)
{
    for (const auto& s : seats)
        p.placed.push_back({s.x - s.r, s.y - s.r, s.x + s.r, s.y + s.r});
}

void drawSeats(Painter& p, const std::vector<Seat>& seats)
{
    for (const auto& s : seats) {
        const LayerStyle style = seatStyle(s.district);
        cairo_new_path(p.cr);
        cairo_arc(p.cr, s.x, s.y, s.r, 0, 2 * M_PI);
        setRgb(p.cr, style.fill, style.fillAlpha);
        cairo_fill_preserve(p.cr);
        setRgb(p.cr, style.stroke.colour, style.stroke.alpha);
        cairo_set_line_width(p.cr, style.stroke.widthPt * p.pt);
        cairo_stroke(p.cr);
    }
    for (const auto& s : seats) {
        if (s.name.empty())
            continue;
        const double size = s.district ? 8 : 7;
        p.font(s.district ? FontStyle::Bold : FontStyle::Regular, size);
        const double w = p.textWidth(s.name), h = size * p.pt, gap = s.r + 2 * p.pt;
        // Try right, left, above, below the marker.
        const double cand[4][2] = {{s.x + gap, s.y + h * 0.35},
                                   {s.x - gap - w, s.y + h * 0.35},
                                   {s.x - w / 2, s.y - gap},
                                   {s.x - w / 2, s.y + gap + h}};
        for (const auto& c : cand)
            if (p.place(c[0], c[1] - h, w, h * 1.25)) {
                p.text(c[0], c[1], s.name, 0x111111, true);
                p.seatNames.push_back(s.name);
                break;
            }
    }
}

// The Context group's place names, placed with the styled layers' labels by priority (after
// the district names and seats, which keep their space): commune names centred on the commune
// from 1:400,000, named settlements beside their point from 1:100,000, larger ones first.
inline constexpr double kCommuneLabelMaxScale = 400000;
inline constexpr double kSettlementLabelMaxScale = 100000;

void collectPlaceLabels(Painter& p)
{
    if (p.scaleDenom <= 0)
        return;
    if (const Layer* c = p.data->layer(schema::kCommunes); c && p.scaleDenom <= kCommuneLabelMaxScale * (1 + 1e-9)) {
        const int ni = c->fieldIndex("name");
        for (size_t i = 0; ni >= 0 && i < c->features.size() && i < p.data->communeLabelPoints.size(); ++i) {
            const XY lp = p.data->communeLabelPoints[i];
            const std::string name = toString(c->features[i].values[static_cast<size_t>(ni)]);
            if (name.empty() || !p.view.contains(lp.x, lp.y))
                continue;
            LabelCandidate l;
            l.x = p.vt.toDeviceX(lp.x);
            l.y = p.vt.toDeviceY(lp.y);
            l.text = name;
            l.priority = 1e12;  // above any household count
            l.sizePt = 7.5;
            l.centred = true;
            l.colour = 0x4a4a4a;
            p.labels.push_back(std::move(l));
            p.tick();
        }
    }
    const int li = p.data->layerIndex("settlements");
    if (li < 0 || p.scaleDenom > kSettlementLabelMaxScale * (1 + 1e-9))
        return;
    const Layer& s = p.data->layers[static_cast<size_t>(li)];
    const int ni = s.fieldIndex("name"), hi = s.fieldIndex("households");
    for (size_t i = 0; ni >= 0 && i < s.features.size(); ++i) {
        const auto& f = s.features[i];
        if (!p.visible(li, i) || f.geom.isEmpty() || f.geom.parts[0].empty() || f.geom.parts[0][0].empty())
            continue;
        const std::string name = toString(f.values[static_cast<size_t>(ni)]);
        if (name.empty())
            continue;
        const XY pt = f.geom.parts[0][0][0];
        LabelCandidate l;
        l.x = p.vt.toDeviceX(pt.x);
        l.y = p.vt.toDeviceY(pt.y);
        l.offset = 2 * p.pt;
        l.text = name;
        l.priority = hi < 0 ? 0 : toReal(f.values[static_cast<size_t>(hi)]).value_or(0);
        l.sizePt = 6.5;
        p.labels.push_back(std::move(l));
        p.tick();
    }
}

// Village names for print layouts (MapSettings::villageLabels): centred on the village's
// interior point, larger households first, below the commune names; villages smaller than
// kVillageLabelMinPt on the page are not named (at a national scale none are), nor, when a
// district is highlighted, the villages of the dimmed rest.
void collectVillageLabels(Painter& p)
{
    const int li = p.data->layerIndex(schema::kVillages);
    if (li < 0 || p.hidden(schema::kVillages))
        return;
    const Layer& v = p.data->layers[static_cast<size_t>(li)];
    const int ni = v.fieldIndex("name"), hi = v.fieldIndex("households"), di = v.fieldIndex("district_code");
    const auto& extents = p.data->featureExtents[static_cast<size_t>(li)];
    const double minSize = kVillageLabelMinPt * p.pt / p.vt.scale;  // map units
    for (size_t i = 0; ni >= 0 && i < v.features.size(); ++i) {
        const Extent& e = extents[i];
        if (!e.intersects(p.view) || std::max(e.width(), e.height()) < minSize)
            continue;
        const auto& f = v.features[i];
        if (!p.s->districtCode.empty() && di >= 0 && toString(f.values[static_cast<size_t>(di)]) != p.s->districtCode)
            continue;  // a highlighted district: the dimmed rest is not named
        std::string name = toString(f.values[static_cast<size_t>(ni)]);
        if (name.empty() || f.geom.isEmpty())
            continue;
        const XY lp = interiorPoint(f.geom);
        LabelCandidate l;
        l.x = p.vt.toDeviceX(lp.x);
        l.y = p.vt.toDeviceY(lp.y);
        l.text = std::move(name);
        l.priority = hi < 0 ? 0 : toReal(f.values[static_cast<size_t>(hi)]).value_or(0);
        l.sizePt = 6;
        l.centred = true;
        l.colour = 0x202020;
        p.labels.push_back(std::move(l));
        p.tick();
    }
}

// Any other layer listed in MapSettings::layerOrder: points as one path of dots (one PDF
// path, not one per point), lines as strokes, polygons as a light fill with an outline, in
// the layer's style (layerStyle).
void drawGenericLayer(Painter& p, const std::string& name)
{
    const int li = p.data->layerIndex(name);
    if (li < 0 || p.hidden(name))
        return;
    const Layer& layer = p.data->layers[static_cast<size_t>(li)];
    const LayerStyle pointStyle = layerStyle(name, GeomType::Point);
    cairo_t* cr = p.cr;
    cairo_new_path(cr);
    const double r = pointStyle.markerRadiusPt * p.pt;
    bool points = false, lines = false, polys = false;
    for (size_t i = 0; i < layer.features.size(); ++i) {
        if (!p.visible(li, i))
            continue;
        const Geometry& g = layer.features[i].geom;
        switch (g.type) {
        case GeomType::Point:
        case GeomType::MultiPoint:
            for (const auto& part : g.parts)
                for (const auto& ring : part)
                    for (const auto& pt : ring) {
                        cairo_rectangle(cr, p.vt.toDeviceX(pt.x) - r, p.vt.toDeviceY(pt.y) - r, 2 * r, 2 * r);
                        points = true;
                    }
            break;
        case GeomType::LineString:
        case GeomType::MultiLineString:
            p.addGeometry(g);
            lines = true;
            break;
        case GeomType::Polygon:
        case GeomType::MultiPolygon:
            p.addGeometry(g);
            polys = true;
            break;
        default:
            break;
        }
        p.tick();
    }
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    if (points) {
        setRgb(cr, pointStyle.fill, pointStyle.fillAlpha);
        cairo_fill(cr);
    } else if (polys) {
        const LayerStyle style = layerStyle(name, GeomType::Polygon);
        setRgb(cr, style.fill, style.fillAlpha);
        cairo_fill_preserve(cr);
        setRgb(cr, style.stroke.colour, style.stroke.alpha);
        cairo_set_line_width(cr, style.stroke.widthPt * p.pt);
        cairo_stroke(cr);
    } else if (lines) {
        const StrokeStyle style = layerStyle(name, GeomType::LineString).stroke;
        setRgb(cr, style.colour, style.alpha);
        cairo_set_line_width(cr, style.widthPt * p.pt);
        cairo_stroke(cr);
    }
    cairo_new_path(cr);
}

// ---- decorations ----

void roundedRect(cairo_t* cr, double x, double y, double w, double h, double r)
{
    cairo_new_sub_path(cr);
    cairo_arc(cr, x + w - r, y + r, r, -M_PI / 2, 0);
    cairo_arc(cr, x + w - r, y + h - r, r, 0, M_PI / 2);
    cairo_arc(cr, x + r, y + h - r, r, M_PI / 2, M_PI);
    cairo_arc(cr, x + r, y + r, r, M_PI, 3 * M_PI / 2);
    cairo_close_path(cr);
}

void panel(Painter& p, double x, double y, double w, double h)
{
    cairo_new_path(p.cr);
    roundedRect(p.cr, x, y, w, h, 4 * p.pt);
    setRgb(p.cr, 0xffffff, 0.9);
    cairo_fill_preserve(p.cr);
    setRgb(p.cr, 0x9a9a9a);
    cairo_set_line_width(p.cr, 0.6 * p.pt);
    cairo_stroke(p.cr);
}

std::string districtName(const MapData& data, int d)
{
    const Layer* l = data.layer(schema::kDistricts);
    return l->text(l->features[static_cast<size_t>(d)], "name");
}

void drawTitle(Painter& p, const MapData::Theme* theme, int highlighted)
{
    std::string title = p.s->titleText.empty() ? p.tr("Lạng Sơn province") : p.s->titleText;
    if (highlighted >= 0 && p.s->titleText.empty())
        title += " — " + districtName(*p.data, highlighted);
    std::string sub;
    if (const ThemeInfo* info = theme ? themeInfo(theme->name) : nullptr)
        sub = p.tr(info->subtitle);
    title = text::toNfc(title);
    sub = text::toNfc(sub);
    p.font(FontStyle::Bold, 18);
    const double tw = p.textWidth(title);
    p.font(FontStyle::Regular, 10.5);
    const double sw = sub.empty() ? 0 : p.textWidth(sub);
    const double pad = 8 * p.pt;
    const double w = std::max(tw, sw) + 2 * pad;
    const double h = (sub.empty() ? 22 : 36) * p.pt + pad;
    const double x = (p.s->widthPx - w) / 2, y = 8 * p.pt;
    panel(p, x, y, w, h);
    p.font(FontStyle::Bold, 18);
    p.text((p.s->widthPx - tw) / 2, y + pad / 2 + 19 * p.pt, title, 0x1a1a1a);
    if (!sub.empty()) {
        p.font(FontStyle::Regular, 10.5);
        p.text((p.s->widthPx - sw) / 2, y + pad / 2 + 33 * p.pt, sub, 0x404040);
    }
}

struct LegendBox {
    double x = 0, y = 0, w = 0, h = 0;
    std::string title;
    std::vector<LegendItem> items;
};

// `skipHidden`: leave out the classes toggled off in the legend (the drawn map's legend); the
// app's legend panel lists them to turn them on again.
LegendBox layoutLegend(Painter& p, const MapData::Theme& theme, bool skipHidden)
{
    const std::vector<int>* off = skipHidden ? p.hiddenClasses(schema::kVillages) : nullptr;
    LegendBox box;
    box.title = text::toNfc(p.tr(theme.legendTitle.c_str()));
    const double pad = 8 * p.pt, sw = 16 * p.pt, sh = 11 * p.pt, row = 15 * p.pt;
    p.font(FontStyle::Bold, 10);
    double textW = p.textWidth(box.title);
    p.font(FontStyle::Regular, 8.5);
    int nextClass = 0;
    auto add = [&](uint32_t colour, std::string label, int count) {
        LegendItem it;
        it.classIndex = nextClass++;
        if (off && std::find(off->begin(), off->end(), it.classIndex) != off->end())
            return;
        it.colour = colour;
        it.label = text::toNfc(label) + " (" + std::to_string(count) + ")";
        it.count = count;
        it.w = sw;
        it.h = sh;
        textW = std::max(textW, sw + 6 * p.pt + p.textWidth(it.label));
        box.items.push_back(it);
    };
    for (size_t c = 0; c < theme.colours.size(); ++c) {
        const std::string& l = c < theme.classLabels.size() ? theme.classLabels[c] : std::string();
        add(theme.colours[c], theme.labelsTranslatable ? p.tr(l.c_str()) : l,
            c < theme.classCounts.size() ? theme.classCounts[c] : 0);
    }
    int noData = 0;
    for (int c : theme.villageClass)
        noData += c < 0;
    if (noData > 0)
        add(kNoDataColour, p.tr("No data"), noData);
    box.w = textW + 2 * pad;
    box.h = pad + 14 * p.pt + row * static_cast<double>(box.items.size()) + pad / 2;
    box.x = 10 * p.pt;
    box.y = p.s->heightPx - 10 * p.pt - box.h;
    double y = box.y + pad + 14 * p.pt + (row - sh) / 2;
    for (auto& it : box.items) {
        it.x = box.x + pad;
        it.y = y;
        y += row;
    }
    return box;
}

double drawLegend(Painter& p, const MapData::Theme& theme)
{
    LegendBox box = layoutLegend(p, theme, true);
    panel(p, box.x, box.y, box.w, box.h);
    const double pad = 8 * p.pt;
    p.font(FontStyle::Bold, 10);
    p.text(box.x + pad, box.y + pad + 9 * p.pt, box.title, 0x1a1a1a);
    p.font(FontStyle::Regular, 8.5);
    for (const auto& it : box.items) {
        cairo_new_path(p.cr);
        cairo_rectangle(p.cr, it.x, it.y, it.w, it.h);
        setRgb(p.cr, it.colour);
        cairo_fill_preserve(p.cr);
        setRgb(p.cr, 0x606060);
        cairo_set_line_width(p.cr, 0.5 * p.pt);
        cairo_stroke(p.cr);
        p.text(it.x + it.w + 6 * p.pt, it.y + it.h - 1.5 * p.pt, it.label, 0x1a1a1a);
    }
    return box.y;
}

DrawContext drawContext(Painter& p)
{
    DrawContext c;
    c.cr = p.cr;
    c.data = p.data;
    c.vt = p.vt;
    c.view = p.view;
    c.pt = p.pt;
    c.raster = p.raster;
    c.widthPx = p.s->widthPx;
    c.heightPx = p.s->heightPx;
    c.scaleDenominator = p.scaleDenom;
    c.tol = p.tol;
    c.fb = p.fb;
    c.labels = &p.labels;
    return c;
}

// Labels of styled layers by priority (larger first); a label is drawn only where its box
// overlaps no label or marker placed before it (right, left, above or below its anchor).
void drawStyleLabels(Painter& p)
{
    auto& labels = p.labels;
    std::stable_sort(labels.begin(), labels.end(),
                     [](const LabelCandidate& a, const LabelCandidate& b) { return a.priority > b.priority; });
    size_t tried = 0;
    for (const auto& l : labels) {
        if (++tried > 20000)
            break;
        p.tick();
        if (l.centred && std::find(p.seatNames.begin(), p.seatNames.end(), text::toNfc(l.text)) != p.seatNames.end())
            continue;  // an area already named at its seat
        p.font(FontStyle::Regular, l.sizePt);
        const std::string t = text::toNfc(l.text);
        const double w = p.textWidth(t), h = l.sizePt * p.pt, gap = l.offset + 1.5 * p.pt;
        const double cand[5][2] = {{l.x - w / 2, l.y + h * 0.35},
                                   {l.x + gap, l.y + h * 0.35},
                                   {l.x - gap - w, l.y + h * 0.35},
                                   {l.x - w / 2, l.y - gap},
                                   {l.x - w / 2, l.y + gap + h}};
        for (size_t ci = l.centred ? 0 : 1; ci < 5; ++ci)
            if (const auto& c = cand[ci]; p.place(c[0], c[1] - h, w, h * 1.25)) {
                p.text(c[0], c[1], t, l.colour, l.halo);
                if (p.placedLabels)
                    p.placedLabels->push_back({p.placed.back(), l.text});
                break;
            }
    }
}

const char* layerTitleMsgid(const std::string& name)
{
    static const std::pair<const char*, const char*> kTitles[] = {
        {"shops", N_("Digital shops")},       {"sites", N_("Mobile sites")},
        {"broadband_nodes", N_("Broadband nodes")}, {"settlements", N_("Settlements")},
        {"villages", N_("Village boundaries")},         {"survey_gaps", N_("Surveyed coverage gaps")},
        {"coverage", N_("Mobile coverage")},  {"fibre", N_("Fibre lines")},
        {"coverage_predicted", N_("Predicted coverage")},
    };
    for (const auto& [n, t] : kTitles)
        if (name == n)
            return t;
    return nullptr;
}

// The legend of a styled layer, in a panel above `top` (bottom-left corner); returns its top.
double drawStyleLegend(Painter& p, const ResolvedStyle& rs, double top)
{
    const style::Style& st = rs.style;
    const Layer& layer = p.data->layers[static_cast<size_t>(rs.layerIndex)];
    const char* msgid = layerTitleMsgid(st.layer);
    std::string title = msgid ? p.tr(msgid) : st.layer;
    if (st.renderer == style::Renderer::Heatmap)
        title += " / km²";
    else if (!st.field.empty())
        title += " — " + st.field;
    title = text::toNfc(title);
    const double pad = 8 * p.pt, row = 14 * p.pt, sw = 14 * p.pt;
    p.font(FontStyle::Bold, 9.5);
    double textW = p.textWidth(title);
    p.font(FontStyle::Regular, 8.5);
    std::vector<std::pair<size_t, std::string>> rows;
    std::vector<double> ticks;
    double barW = 0;
    if (st.renderer == style::Renderer::Heatmap) {
        barW = 130 * p.pt;
        for (double t : style::prettyEdges({0.0, rs.maxDensity}, 4))
            if (t <= rs.maxDensity * 1.0001)
                ticks.push_back(t);
        textW = std::max(textW, barW + 12 * p.pt);
    } else {
        const std::vector<int>* off = p.hiddenClasses(st.layer);  // legend toggles
        for (size_t c = 0; c < rs.colours.size(); ++c) {
            if (!rs.visible[c] || (off && std::find(off->begin(), off->end(), static_cast<int>(c)) != off->end()))
                continue;
            std::string label = static_cast<int>(c) == rs.noDataClass ? p.tr("No data") : p.tr(rs.labels[c].c_str());
            if (st.renderer == style::Renderer::Single)
                label = msgid ? p.tr(msgid) : st.layer;
            label = text::toNfc(label) + " (" + std::to_string(rs.counts[c]) + ")";
            textW = std::max(textW, sw + 6 * p.pt + p.textWidth(label));
            rows.emplace_back(c, std::move(label));
        }
    }
    const double h = pad + 13 * p.pt + (barW > 0 ? 30 * p.pt : row * static_cast<double>(rows.size())) + pad / 2;
    const double w = textW + 2 * pad;
    const double x = 10 * p.pt;
    const double y = (top >= p.s->heightPx ? p.s->heightPx - 10 * p.pt : top - 6 * p.pt) - h;
    panel(p, x, y, w, h);
    p.font(FontStyle::Bold, 9.5);
    p.text(x + pad, y + pad + 8.5 * p.pt, title, 0x1a1a1a);
    p.font(FontStyle::Regular, 8.5);
    double ry = y + pad + 13 * p.pt;
    if (barW > 0) {
        const std::string ramp = st.ramp.empty() ? style::defaultRamp(st.renderer) : st.ramp;
        const cairo::PatternPtr grad(cairo_pattern_create_linear(x + pad, 0, x + pad + barW, 0));
        for (int i = 0; i <= 8; ++i) {
            const uint32_t c = style::rampAt(ramp, 0.1 + 0.9 * i / 8.0);
            cairo_pattern_add_color_stop_rgb(grad.get(), i / 8.0, ((c >> 16) & 0xff) / 255.0,
                                             ((c >> 8) & 0xff) / 255.0, (c & 0xff) / 255.0);
        }
        cairo_new_path(p.cr);
        cairo_rectangle(p.cr, x + pad, ry + 2 * p.pt, barW, 10 * p.pt);
        cairo_set_source(p.cr, grad.get());
        cairo_fill(p.cr);
        for (double t : ticks) {
            const double tx = x + pad + barW * (rs.maxDensity > 0 ? t / rs.maxDensity : 0);
            const std::string lt = formatNumber(t);
            cairo_new_path(p.cr);
            cairo_move_to(p.cr, tx, ry + 2 * p.pt);
            cairo_line_to(p.cr, tx, ry + 15 * p.pt);
            setRgb(p.cr, 0x404040);
            cairo_set_line_width(p.cr, 0.5 * p.pt);
            cairo_stroke(p.cr);
            p.text(std::min(tx - p.textWidth(lt) / 2, x + w - pad - p.textWidth(lt)), ry + 25 * p.pt, lt, 0x1a1a1a);
        }
        return y;
    }
    const bool points = layer.geomType == GeomType::Point || layer.geomType == GeomType::MultiPoint;
    for (const auto& [c, label] : rows) {
        const double cy = ry + row / 2;
        if (points) {
            drawMarkerAt(p.cr, st, rs.colours[c], x + pad + sw / 2, cy, std::min(5.0, st.sizePt * 1.6) * p.pt, p.pt);
        } else {
            cairo_new_path(p.cr);
            cairo_rectangle(p.cr, x + pad, cy - 5 * p.pt, sw, 10 * p.pt);
            setRgb(p.cr, rs.colours[c]);
            cairo_fill(p.cr);
        }
        p.text(x + pad + sw + 6 * p.pt, cy + 3 * p.pt, label, 0x1a1a1a);
        ry += row;
    }
    return y;
}

double niceLength(double maxLen)
{
    if (maxLen <= 0)
        return 0;
    const double mag = std::pow(10.0, std::floor(std::log10(maxLen)));
    for (double m : {5.0, 2.0, 1.0})
        if (m * mag <= maxLen)
            return m * mag;
    return mag;
}

void drawScaleBar(Painter& p)
{
    if (p.vt.scale <= 0)
        return;
    const double maxDev = std::min(p.s->widthPx * 0.2, 160.0 * p.pt);
    const double metres = niceLength(maxDev / p.vt.scale);
    if (metres <= 0)
        return;
    const double len = metres * p.vt.scale;
    char label[64];
    if (metres >= 1000)
        std::snprintf(label, sizeof label, "%g km", metres / 1000);
    else
        std::snprintf(label, sizeof label, "%g m", metres);
    const double pad = 8 * p.pt, barH = 5 * p.pt;
    p.font(FontStyle::Regular, 8.5);
    const double lw = p.textWidth(label);
    const double w = len + lw / 2 + 2 * pad + 6 * p.pt, h = 26 * p.pt;
    const double x = p.s->widthPx - 10 * p.pt - w, y = p.s->heightPx - 10 * p.pt - h;
    panel(p, x, y, w, h);
    const double bx = x + pad + 3 * p.pt, by = y + h - pad - barH;
    const int segs = 4;
    for (int i = 0; i < segs; ++i) {
        cairo_new_path(p.cr);
        cairo_rectangle(p.cr, bx + len * i / segs, by, len / segs, barH);
        setRgb(p.cr, i % 2 ? 0xffffff : 0x1a1a1a);
        cairo_fill(p.cr);
    }
    cairo_new_path(p.cr);
    cairo_rectangle(p.cr, bx, by, len, barH);
    setRgb(p.cr, 0x1a1a1a);
    cairo_set_line_width(p.cr, 0.7 * p.pt);
    cairo_stroke(p.cr);
    p.text(bx - p.textWidth("0") / 2, by - 3 * p.pt, "0", 0x1a1a1a);
    p.text(bx + len - lw / 2, by - 3 * p.pt, label, 0x1a1a1a);
}

void drawNorthArrow(Painter& p)
{
    const double cx = p.s->widthPx - 26 * p.pt, top = 14 * p.pt, h = 26 * p.pt, w = 9 * p.pt;
    cairo_new_path(p.cr);
    cairo_move_to(p.cr, cx, top + 12 * p.pt);
    cairo_line_to(p.cr, cx + w / 2, top + 12 * p.pt + h);
    cairo_line_to(p.cr, cx, top + 12 * p.pt + h * 0.75);
    cairo_close_path(p.cr);
    setRgb(p.cr, 0x1a1a1a);
    cairo_fill(p.cr);
    cairo_move_to(p.cr, cx, top + 12 * p.pt);
    cairo_line_to(p.cr, cx - w / 2, top + 12 * p.pt + h);
    cairo_line_to(p.cr, cx, top + 12 * p.pt + h * 0.75);
    cairo_close_path(p.cr);
    setRgb(p.cr, 0xffffff);
    cairo_fill_preserve(p.cr);
    setRgb(p.cr, 0x1a1a1a);
    cairo_set_line_width(p.cr, 0.7 * p.pt);
    cairo_stroke(p.cr);
    p.font(FontStyle::Bold, 10);
    const std::string n = p.tr("N");
    p.text(cx - p.textWidth(n) / 2, top + 9 * p.pt, n, 0x1a1a1a, true);
}

const MapData::Theme* pickTheme(const MapData& data, const MapSettings& s)
{
    if (s.villageTheme)
        return s.villageTheme.get();
    const std::string name = s.theme.empty() ? "density" : s.theme;
    const MapData::Theme* t = data.theme(name);
    if (!t && name != "density") {
        std::string avail;
        for (const auto& n : availableThemes(data))
            avail += (avail.empty() ? "" : ", ") + n;
        throw Error(ErrorKind::Usage, "theme", "theme '" + name + "' is not available for this project (available: " +
                                                   (avail.empty() ? "none" : avail) + ")");
    }
    return t;
}

Painter makePainter(cairo_t* cr, const MapData& data, const MapSettings& s, const Feedback* fb)
{
    Painter p;
    p.cr = cr;
    p.data = &data;
    p.s = &s;
    p.fb = fb;
    p.vt = viewTransform(s, data);
    p.view.minX = p.vt.toMapX(0);
    p.view.maxX = p.vt.toMapX(s.widthPx);
    p.view.maxY = p.vt.toMapY(0);
    p.view.minY = p.vt.toMapY(s.heightPx);
    p.pt = (s.dpi > 0 ? s.dpi : 96) / 72.0;
    const bool raster = cairo_surface_get_type(cairo_get_target(cr)) == CAIRO_SURFACE_TYPE_IMAGE;
    p.tol = raster ? 0.5 : 0.15;
    p.raster = raster;
    p.lang = s.language.empty() ? i18n::language() : s.language;
    p.scaleDenom = p.vt.scale > 0 ? 72.0 * p.pt / 0.0254 / p.vt.scale : 0;
    return p;
}

} // namespace

void paperSizePoints(const std::string& paper, bool landscape, int& widthPt, int& heightPt)
{
    std::string up = text::toUpper(paper);
    if (up == "A4") {
        widthPt = 595;
        heightPt = 842;
    } else if (up == "A3") {
        widthPt = 842;
        heightPt = 1191;
    } else {
        throw Error(ErrorKind::Usage, "paper", "unknown paper size '" + paper + "' (expected A4 or A3)");
    }
    if (landscape)
        std::swap(widthPt, heightPt);
}

ViewTransform viewTransform(const MapSettings& s)
{
    ViewTransform vt;
    const Extent& e = s.extent;
    if (e.isEmpty() || s.widthPx <= 0 || s.heightPx <= 0)
        return vt;
    const double ew = std::max(e.width(), 1e-9), eh = std::max(e.height(), 1e-9);
    vt.scale = std::min(s.widthPx / ew, s.heightPx / eh);
    const XY c = e.center();
    vt.originX = c.x - s.widthPx / 2.0 / vt.scale;
    vt.originY = c.y + s.heightPx / 2.0 / vt.scale;
    return vt;
}

Extent effectiveExtent(const MapSettings& s, const MapData& data)
{
    Extent e;
    if (!s.districtCode.empty()) {
        const int d = findDistrict(data, s.districtCode);
        if (d < 0)
            throw Error(ErrorKind::Usage, "district " + s.districtCode,
                        "unknown district code (known: " + knownDistrictCodes(data) + ")");
        e = data.layer(schema::kDistricts)->features[static_cast<size_t>(d)].geom.extent();
    } else if (!s.extent.isEmpty()) {
        return s.extent;  // an explicit view (canvas pan/zoom) is drawn as given
    } else {
        e = data.extent;
    }
    if (e.isEmpty())
        return e;
    const double w = e.width(), h = e.height();
    e.minX -= 0.04 * w;
    e.maxX += 0.04 * w;
    e.minY -= 0.05 * h;
    e.maxY += (s.title ? 0.13 : 0.04) * h;  // room for the title panel
    return e;
}

ViewTransform viewTransform(const MapSettings& s, const MapData& data)
{
    MapSettings copy = s;
    copy.extent = effectiveExtent(s, data);
    return viewTransform(copy);
}

double scaleDenominator(const MapSettings& s, const MapData& data)
{
    const ViewTransform vt = viewTransform(s, data);
    const double pt = (s.dpi > 0 ? s.dpi : 96) / 72.0;
    return vt.scale > 0 ? 72.0 * pt / 0.0254 / vt.scale : 0;
}

std::vector<LegendItem> legendLayout(const MapData& data, const MapSettings& s)
{
    const MapData::Theme* theme = pickTheme(data, s);
    if (!theme || !s.legend)
        return {};
    // Text is measured on a scratch context: the layout is the one renderMap draws.
    cairo::SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1));
    const cairo::ContextPtr cr = cairo::makeContext(surface.get());
    Painter p = makePainter(cr.get(), data, s, nullptr);
    return layoutLegend(p, *theme, false).items;
}

namespace {
// What one renderMapImpl call draws: the whole map, or (FrameCache) only the base layers
// (order[0, baseCount), optionally only inside a device rectangle), or everything above them
// (the base layers still set their label flags and collect their labels).
struct Pass {
    enum Mode { All, Base, Overlay } mode = All;
    size_t baseCount = 0;
    Extent clipPx;  // Base: the device rectangle to draw (empty = the whole image)
};

void renderMapImpl(cairo_t* cr, const MapData& dataIn, const MapSettings& s, const Feedback* fb,
                   std::vector<PlacedLabel>* placedLabels, const Pass& pass = {});
}

void renderMap(cairo_t* cr, const MapData& data, const MapSettings& s, const Feedback* fb)
{
    renderMapImpl(cr, data, s, fb, nullptr);
}

std::vector<PlacedLabel> labelLayout(cairo_t* cr, const MapData& data, const MapSettings& s)
{
    std::vector<PlacedLabel> out;
    renderMapImpl(cr, data, s, nullptr, &out);
    return out;
}

namespace {
// The layers renderMap draws for `s`, bottom to top.
std::vector<std::string> drawOrder(const MapData& data, const MapSettings& s)
{
    if (!s.layerOrder.empty())
        return s.layerOrder;
    std::vector<std::string> order;
    const LayerState state = defaultLayerState(data);
    for (const auto& name : state.order)
        if (std::find(state.hidden.begin(), state.hidden.end(), name) == state.hidden.end())
            order.push_back(name);
    return order;
}
} // namespace

size_t cacheableBaseLayers(const MapData& data, const MapSettings& s)
{
    const std::vector<std::string> order = drawOrder(data, s);
    size_t n = 0;
    for (const auto& name : order) {
        const bool hidden = std::find(s.hiddenLayers.begin(), s.hiddenLayers.end(), name) != s.hiddenLayers.end();
        if (!hidden && name != kHillshadeLayer && name != kPlaceLabelsLayer) {
            style::Style scratch;
            const style::Style* st = styleFor(s, data, name, scratch);
            if (st && name == schema::kPlaces && st == &scratch)
                st = nullptr;
            const Layer* layer = data.layer(name);
            if (st) {
                // Markers, heatmaps and labelled layers are drawn over the cached base.
                if (st->renderer == style::Renderer::Heatmap || !st->labelField.empty() || !layer ||
                    layer->geomType == GeomType::Point || layer->geomType == GeomType::MultiPoint)
                    break;
            } else if (name != schema::kVillages && name != schema::kCommunes && name != schema::kRoads &&
                       name != schema::kDistricts && name != schema::kPlaces) {
                if (!layer || layer->geomType == GeomType::Point || layer->geomType == GeomType::MultiPoint)
                    break;  // generic dots: over the base
            }
        }
        ++n;
    }
    return n;
}

namespace {
void renderMapImpl(cairo_t* cr, const MapData& dataIn, const MapSettings& s, const Feedback* fb,
                   std::vector<PlacedLabel>* placedLabels, const Pass& pass)
{
    std::shared_ptr<MapData> preparedCopy;
    const MapData* data = &dataIn;
    if (!dataIn.prepared || dataIn.featureExtents.size() != dataIn.layers.size()) {
        preparedCopy = std::make_shared<MapData>(dataIn);
        preparedCopy->prepare(fb);
        data = preparedCopy.get();
    }
    const MapData::Theme* theme = pickTheme(*data, s);
    int highlighted = -1;
    if (!s.districtCode.empty()) {
        highlighted = findDistrict(*data, s.districtCode);
        if (highlighted < 0)
            throw Error(ErrorKind::Usage, "district " + s.districtCode,
                        "unknown district code (known: " + knownDistrictCodes(*data) + ")");
    }
    Painter p = makePainter(cr, *data, s, fb);
    p.placedLabels = placedLabels;
    cairo_save(cr);
    cairo_set_antialias(cr, CAIRO_ANTIALIAS_DEFAULT);
    if (pass.mode == Pass::Base && !pass.clipPx.isEmpty()) {
        // Only this rectangle is drawn; features are culled against it (with a margin for
        // strokes), so a strip costs what it shows.
        const Extent& c = pass.clipPx;
        cairo_rectangle(cr, c.minX, c.minY, c.width(), c.height());
        const double margin = 8 * p.pt;
        p.view.minX = p.vt.toMapX(c.minX - margin);
        p.view.maxX = p.vt.toMapX(c.maxX + margin);
        p.view.maxY = p.vt.toMapY(c.minY - margin);
        p.view.minY = p.vt.toMapY(c.maxY + margin);
    } else {
        cairo_rectangle(cr, 0, 0, s.widthPx, s.heightPx);
    }
    cairo_clip(cr);
    if (pass.mode != Pass::Overlay) {
        setRgb(cr, kBackground);
        cairo_paint(cr);
    }

    const std::vector<std::string> order = drawOrder(*data, s);
    bool districtLabels = false, seatLabels = false;
    std::vector<std::shared_ptr<const ResolvedStyle>> legendStyles;
    for (size_t li = 0; li < order.size(); ++li) {
        const std::string& name = order[li];
        if (pass.mode == Pass::Base && li >= pass.baseCount)
            break;
        // Drawn in this pass (an Overlay pass only collects the base layers' labels).
        const bool draw = pass.mode != Pass::Overlay || li >= pass.baseCount;
        const bool collect = pass.mode != Pass::Base;
        // The layer tree's display settings: scale range, then opacity over the whole layer.
        if (!inDisplayRange(s, name, p.scaleDenom))
            continue;
        double alpha = 1;
        for (const auto& d : s.display)
            if (d.layer == name)
                alpha = std::clamp(d.opacity, 0.0, 1.0);
        if (name == kHillshadeLayer || name == kPlaceLabelsLayer) {
            if (p.hidden(name))
                continue;
            if (name == kHillshadeLayer) {
                if (draw)
                    drawHillshade(cr, data->dem, data->hillshadeImage, p.vt, alpha);
            } else if (collect) {
                collectPlaceLabels(p);
            }
            throwIfCancelled(fb);
            continue;
        }
        const bool grouped = draw && alpha < 1 && !p.hidden(name);
        if (grouped)
            cairo_push_group(cr);
        style::Style scratch;
        const style::Style* st = p.hidden(name) ? nullptr : styleFor(s, *data, name, scratch);
        if (st && name == schema::kPlaces && st == &scratch)
            st = nullptr;  // the places layer keeps its seat markers unless styled explicitly
        if (st) {
            if (auto rs = resolveStyle(*data, *st)) {
                if (draw) {
                    DrawContext ctx = drawContext(p);
                    ctx.hiddenClasses = p.hiddenClasses(name);
                    drawStyledLayer(ctx, *rs);
                }
                if (collect && inScaleRange(rs->style, p.scaleDenom))
                    legendStyles.push_back(rs);
            }
        } else if (name == schema::kVillages) {
            if (draw)
                drawVillages(p, theme);
        } else if (name == schema::kCommunes) {
            if (draw)
                strokeLayer(p, schema::kCommunes);
        } else if (name == schema::kRoads) {
            if (draw)
                drawRoads(p);
        } else if (name == schema::kDistricts) {
            if (draw) {
                strokeLayer(p, schema::kDistricts);
                if (highlighted >= 0 && !p.hidden(schema::kDistricts)) {
                    dimOutside(p, highlighted);
                    cairo_new_path(cr);
                    p.addGeometry(data->layer(schema::kDistricts)->features[static_cast<size_t>(highlighted)].geom);
                    setRgb(cr, 0x000000);
                    cairo_set_line_width(cr, 3.0 * p.pt);
                    cairo_stroke(cr);
                }
            }
            districtLabels = true;
        } else if (name == schema::kPlaces) {
            seatLabels = true;
        } else if (draw) {
            drawGenericLayer(p, name);
        }
        if (grouped) {
            cairo_pop_group_to_source(cr);
            cairo_paint_with_alpha(cr, alpha);
        }
        throwIfCancelled(fb);
    }
    if (pass.mode == Pass::Base) {
        cairo_restore(cr);
        if (cairo_status(cr) != CAIRO_STATUS_SUCCESS)
            throw Error(ErrorKind::Internal, "cairo", cairo_status_to_string(cairo_status(cr)));
        return;
    }
    // Labels and decorations draw with round joins whichever layers were drawn (or cached, in
    // FrameCache's overlay pass) before them.
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    // Labels above all layers: seat markers reserve their space first.
    std::vector<Seat> seats;
    if (seatLabels)
        seats = collectSeats(p, highlighted);
    reserveSeats(p, seats);
    if (districtLabels)
        drawDistrictLabels(p, highlighted);
    drawSeats(p, seats);
    if (s.villageLabels)
        collectVillageLabels(p);
    drawStyleLabels(p);
    throwIfCancelled(fb);
    if (s.title)
        drawTitle(p, theme, highlighted);
    // A styled villages layer replaces the theme's fill, and so its legend.
    const bool villagesStyled = std::any_of(legendStyles.begin(), legendStyles.end(),
                                            [](const auto& rs) { return rs->style.layer == schema::kVillages; });
    double legendTop = s.heightPx;
    if (s.legend && theme && !villagesStyled)
        legendTop = drawLegend(p, *theme);
    if (s.legend)
        for (const auto& rs : legendStyles)
            legendTop = drawStyleLegend(p, *rs, legendTop);
    if (s.scaleBar)
        drawScaleBar(p);
    if (s.northArrow)
        drawNorthArrow(p);
    cairo_restore(cr);
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS)
        throw Error(ErrorKind::Internal, "cairo", cairo_status_to_string(cairo_status(cr)));
}

} // namespace

namespace detail {
void renderBaseLayers(cairo_t* cr, const MapData& data, const MapSettings& s, size_t baseCount,
                      const Extent& clipPx, const Feedback* fb)
{
    Pass pass;
    pass.mode = Pass::Base;
    pass.baseCount = baseCount;
    pass.clipPx = clipPx;
    renderMapImpl(cr, data, s, fb, nullptr, pass);
}

void renderOverlay(cairo_t* cr, const MapData& data, const MapSettings& s, size_t baseCount, const Feedback* fb)
{
    Pass pass;
    pass.mode = Pass::Overlay;
    pass.baseCount = baseCount;
    renderMapImpl(cr, data, s, fb, nullptr, pass);
}
} // namespace detail

} // namespace bando::render
