// Styled layers: classes per feature (cached), markers drawn once and reused, lines and
// polygons by class, the kernel density heatmap.
#include "core/render/styled_layer.hpp"

#include "core/base/error.hpp"
#include "core/capi/cairo.hpp"
#include "core/i18n/i18n.hpp"
#include "core/render/themes.hpp"

#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

namespace bando::render {
namespace {

constexpr uint32_t kNoData = 0xbdbdbd;
constexpr int kCheckEvery = 4096;

void setRgb(cairo_t* cr, uint32_t c, double alpha = 1)
{
    cairo_set_source_rgba(cr, ((c >> 16) & 0xff) / 255.0, ((c >> 8) & 0xff) / 255.0, (c & 0xff) / 255.0, alpha);
}

bool isPoint(GeomType t) { return t == GeomType::Point || t == GeomType::MultiPoint; }
bool isPolygon(GeomType t) { return t == GeomType::Polygon || t == GeomType::MultiPolygon; }

std::shared_ptr<ResolvedStyle> computeStyle(const MapData& data, const style::Style& s)
{
    const int li = data.layerIndex(s.layer);
    if (li < 0)
        return nullptr;
    const Layer& layer = data.layers[static_cast<size_t>(li)];
    auto rs = std::make_shared<ResolvedStyle>();
    rs->style = s;
    rs->layerIndex = li;
    const size_t n = layer.features.size();
    rs->featureClass.assign(n, -1);
    const std::string ramp = s.ramp.empty() ? style::defaultRamp(s.renderer) : s.ramp;
    const int fi = s.field.empty() ? -1 : layer.fieldIndex(s.field);
    if ((s.renderer == style::Renderer::Categorized || s.renderer == style::Renderer::Graduated) && fi < 0)
        throw Error(ErrorKind::Usage, "style " + s.layer,
                    "layer '" + s.layer + "' has no field '" + s.field + "'");
    auto text = [&](size_t i) { return toString(layer.features[i].values[static_cast<size_t>(fi)]); };
    switch (s.renderer) {
    case style::Renderer::Single:
    case style::Renderer::Heatmap:
        rs->colours = {s.colour};
        rs->labels = {""};
        std::fill(rs->featureClass.begin(), rs->featureClass.end(), 0);
        if (s.renderer == style::Renderer::Heatmap)
            rs->maxDensity = s.maxDensity > 0 ? s.maxDensity : maxDensity(layer, s.radiusM);
        break;
    case style::Renderer::Categorized: {
        std::vector<style::Category> cats = s.categories;
        if (cats.empty()) {
            std::vector<std::string> values;
            {
                std::unordered_set<std::string> seen;
                for (size_t i = 0; i < n; ++i)
                    if (seen.insert(text(i)).second)
                        values.push_back(text(i));
            }
            std::sort(values.begin(), values.end());
            values.erase(std::remove(values.begin(), values.end(), std::string()), values.end());
            const auto colours = style::rampColours(ramp, static_cast<int>(values.size()));
            for (size_t c = 0; c < values.size(); ++c)
                cats.push_back({values[c], colours[c], "", true});
        }
        std::unordered_map<std::string, int> index;
        for (size_t c = 0; c < cats.size(); ++c) {
            index.emplace(cats[c].value, static_cast<int>(c));
            rs->colours.push_back(cats[c].colour);
            rs->labels.push_back(cats[c].label.empty() ? cats[c].value : cats[c].label);
            rs->visible.push_back(cats[c].visible ? 1 : 0);
        }
        bool noData = false;
        for (size_t i = 0; i < n; ++i) {
            const std::string v = text(i);
            const auto it = index.find(v);
            if (it != index.end())
                rs->featureClass[i] = it->second;
            else if (v.empty() && s.categories.empty())
                noData = true, rs->featureClass[i] = -2;
        }
        if (noData) {
            rs->noDataClass = static_cast<int>(rs->colours.size());
            rs->colours.push_back(kNoData);
            rs->labels.push_back("");
            rs->visible.push_back(1);
            for (int& c : rs->featureClass)
                if (c == -2)
                    c = rs->noDataClass;
        }
        break;
    }
    case style::Renderer::Graduated: {
        std::vector<double> values(n, std::numeric_limits<double>::quiet_NaN());
        for (size_t i = 0; i < n; ++i)
            if (auto v = toReal(layer.features[i].values[static_cast<size_t>(fi)]))
                values[i] = *v;
        rs->edges = style::classEdges(s, values);
        const int k = rs->edges.size() < 2 ? 0 : static_cast<int>(rs->edges.size()) - 1;
        rs->colours = style::rampColours(ramp, k);
        for (int c = 0; c < k; ++c)
            rs->labels.push_back(formatNumber(rs->edges[static_cast<size_t>(c)]) + " – " +
                                 formatNumber(rs->edges[static_cast<size_t>(c) + 1]));
        bool noData = false;
        for (size_t i = 0; i < n; ++i) {
            rs->featureClass[i] = style::classIndex(rs->edges, values[i]);
            if (rs->featureClass[i] < 0) {
                noData = true;
                rs->featureClass[i] = -2;
            }
        }
        if (noData) {
            rs->noDataClass = k;
            rs->colours.push_back(kNoData);
            rs->labels.push_back("");
        }
        for (int& c : rs->featureClass)
            if (c == -2)
                c = rs->noDataClass;
        break;
    }
    }
    rs->visible.resize(rs->colours.size(), 1);
    rs->counts.assign(rs->colours.size(), 0);
    for (int c : rs->featureClass)
        if (c >= 0)
            ++rs->counts[static_cast<size_t>(c)];
    return rs;
}

// ---- markers ----

void markerPath(cairo_t* cr, style::Symbol sym, double cx, double cy, double r)
{
    switch (sym) {
    case style::Symbol::Circle:
        cairo_new_sub_path(cr);
        cairo_arc(cr, cx, cy, r, 0, 2 * M_PI);
        break;
    case style::Symbol::Square:
        cairo_rectangle(cr, cx - r, cy - r, 2 * r, 2 * r);
        break;
    case style::Symbol::Triangle: {  // pointing up, the same area as the circle's bounding square
        const double h = r * 1.25;
        cairo_move_to(cr, cx, cy - h);
        cairo_line_to(cr, cx + h * 0.866, cy + h * 0.5);
        cairo_line_to(cr, cx - h * 0.866, cy + h * 0.5);
        cairo_close_path(cr);
        break;
    }
    case style::Symbol::Diamond: {
        const double h = r * 1.3;
        cairo_move_to(cr, cx, cy - h);
        cairo_line_to(cr, cx + h, cy);
        cairo_line_to(cr, cx, cy + h);
        cairo_line_to(cr, cx - h, cy);
        cairo_close_path(cr);
        break;
    }
    }
}

void drawMarker(cairo_t* cr, const style::Style& s, uint32_t fill, double cx, double cy, double r, double pt)
{
    cairo_new_path(cr);
    markerPath(cr, s.symbol, cx, cy, r);
    setRgb(cr, fill);
    if (s.strokeWidthPt > 0) {
        cairo_fill_preserve(cr);
        setRgb(cr, s.strokeColour);
        cairo_set_line_width(cr, s.strokeWidthPt * pt);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
        cairo_stroke(cr);
    } else {
        cairo_fill(cr);
    }
}

// One marker rendered once into premultiplied ARGB32 pixels, stamped at every point.
struct Sprite {
    int size = 0, half = 0;  // size = 2 * half + 1; the centre is pixel (half, half)
    std::vector<uint32_t> px;
};

Sprite makeSprite(const style::Style& s, uint32_t fill, double r, double pt, double opacity)
{
    Sprite sp;
    sp.half = static_cast<int>(std::ceil(r * 1.3 + s.strokeWidthPt * pt / 2 + 1));
    sp.size = 2 * sp.half + 1;
    cairo::SurfacePtr surf(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, sp.size, sp.size));
    {
        const cairo::ContextPtr cr = cairo::makeContext(surf.get());
        cairo_push_group(cr.get());
        drawMarker(cr.get(), s, fill, sp.half + 0.5, sp.half + 0.5, r, pt);
        cairo_pop_group_to_source(cr.get());
        cairo_paint_with_alpha(cr.get(), opacity);
    }
    cairo_surface_flush(surf.get());
    const unsigned char* data = cairo_image_surface_get_data(surf.get());
    const int stride = cairo_image_surface_get_stride(surf.get());
    sp.px.resize(static_cast<size_t>(sp.size) * sp.size);
    for (int y = 0; y < sp.size; ++y)
        for (int x = 0; x < sp.size; ++x)
            sp.px[static_cast<size_t>(y) * sp.size + x] =
                *reinterpret_cast<const uint32_t*>(data + static_cast<size_t>(y) * stride + 4 * x);
    return sp;
}

inline void over(uint32_t& d, uint32_t s)
{
    const uint32_t sa = s >> 24;
    if (sa == 0)
        return;
    if (sa == 255) {
        d = s;
        return;
    }
    const uint32_t ia = 255 - sa;
    auto ch = [&](int sh) {
        const uint32_t dv = (d >> sh) & 0xff;
        const uint32_t t = dv * ia + 128;
        return (((s >> sh) & 0xff) + ((t + (t >> 8)) >> 8)) << sh;
    };
    d = ch(24) | ch(16) | ch(8) | ch(0);
}

// The image surface `cr` draws on when markers can be stamped straight into its pixels
// (identity transform, no group pushed); nullptr otherwise.
cairo_surface_t* stampTarget(cairo_t* cr)
{
    cairo_surface_t* t = cairo_get_target(cr);
    if (cairo_surface_get_type(t) != CAIRO_SURFACE_TYPE_IMAGE || cairo_get_group_target(cr) != t)
        return nullptr;
    const cairo_format_t f = cairo_image_surface_get_format(t);
    if (f != CAIRO_FORMAT_ARGB32 && f != CAIRO_FORMAT_RGB24)
        return nullptr;
    cairo_matrix_t m;
    cairo_get_matrix(cr, &m);
    if (m.xx != 1 || m.yy != 1 || m.xy != 0 || m.yx != 0 || m.x0 != 0 || m.y0 != 0)
        return nullptr;
    double ox = 0, oy = 0;
    cairo_surface_get_device_offset(t, &ox, &oy);
    return ox == 0 && oy == 0 ? t : nullptr;
}

// A class is drawn unless its style or a legend toggle (ctx.hiddenClasses) turns it off.
bool classShown(const DrawContext& ctx, const ResolvedStyle& rs, int c)
{
    if (c < 0 || static_cast<size_t>(c) >= rs.visible.size() || !rs.visible[static_cast<size_t>(c)])
        return false;
    return !ctx.hiddenClasses ||
           std::find(ctx.hiddenClasses->begin(), ctx.hiddenClasses->end(), c) == ctx.hiddenClasses->end();
}

// Device positions of the visible points of each class (duplicates within `grid` device units
// merged: at small scales thousands of shops share a pixel).
std::vector<std::vector<std::pair<float, float>>> classPositions(const DrawContext& ctx, const ResolvedStyle& rs,
                                                                 double margin, double grid)
{
    const Layer& layer = ctx.data->layers[static_cast<size_t>(rs.layerIndex)];
    const auto& extents = ctx.data->featureExtents[static_cast<size_t>(rs.layerIndex)];
    std::vector<std::vector<std::pair<float, float>>> out(rs.colours.size());
    std::vector<std::unordered_set<uint64_t>> seen(rs.colours.size());
    Extent view = ctx.view;
    const double m = margin / ctx.vt.scale;
    view.minX -= m;
    view.minY -= m;
    view.maxX += m;
    view.maxY += m;
    for (size_t i = 0; i < layer.features.size(); ++i) {
        if (i % kCheckEvery == 0)
            throwIfCancelled(ctx.fb);
        const int c = rs.featureClass[i];
        if (c < 0 || !classShown(ctx, rs, c) || !extents[i].intersects(view))
            continue;
        for (const auto& part : layer.features[i].geom.parts)
            for (const auto& ring : part)
                for (const auto& p : ring) {
                    const double x = ctx.vt.toDeviceX(p.x), y = ctx.vt.toDeviceY(p.y);
                    const uint64_t key = (static_cast<uint64_t>(static_cast<uint32_t>(std::floor(x / grid) + 1e6)) << 32) |
                                         static_cast<uint32_t>(std::floor(y / grid) + 1e6);
                    if (seen[static_cast<size_t>(c)].insert(key).second)
                        out[static_cast<size_t>(c)].emplace_back(static_cast<float>(x), static_cast<float>(y));
                }
    }
    return out;
}

// Classes in drawing order: the grey "no data" class first, the others above it in order.
std::vector<size_t> drawOrder(const ResolvedStyle& rs)
{
    std::vector<size_t> order;
    if (rs.noDataClass >= 0)
        order.push_back(static_cast<size_t>(rs.noDataClass));
    for (size_t c = 0; c < rs.colours.size(); ++c)
        if (static_cast<int>(c) != rs.noDataClass)
            order.push_back(c);
    return order;
}

void drawPoints(const DrawContext& ctx, const ResolvedStyle& rs)
{
    const style::Style& s = rs.style;
    const double r = style::markerRadiusPt(s, ctx.scaleDenominator) * ctx.pt;
    cairo_t* cr = ctx.cr;
    cairo_surface_t* target = ctx.raster ? stampTarget(cr) : nullptr;
    const auto positions = classPositions(ctx, rs, r * 1.5 + s.strokeWidthPt * ctx.pt, target ? 1.0 : 0.25);
    if (target) {
        // Raster: each class's marker is rendered once and its pixels stamped at every point.
        cairo_surface_flush(target);
        unsigned char* data = cairo_image_surface_get_data(target);
        const int stride = cairo_image_surface_get_stride(target);
        const int w = std::min(cairo_image_surface_get_width(target), ctx.widthPx);
        const int h = std::min(cairo_image_surface_get_height(target), ctx.heightPx);
        for (size_t c : drawOrder(rs)) {
            const Sprite sp = makeSprite(s, rs.colours[c], r, ctx.pt, s.opacity);
            for (const auto& [fx, fy] : positions[c]) {
                const int x0 = static_cast<int>(std::floor(fx)) - sp.half;
                const int y0 = static_cast<int>(std::floor(fy)) - sp.half;
                const int ya = std::max(0, -y0), yb = std::min(sp.size, h - y0);
                const int xa = std::max(0, -x0), xb = std::min(sp.size, w - x0);
                for (int y = ya; y < yb; ++y) {
                    uint32_t* row = reinterpret_cast<uint32_t*>(data + static_cast<size_t>(y0 + y) * stride) + x0;
                    const uint32_t* src = sp.px.data() + static_cast<size_t>(y) * sp.size;
                    for (int x = xa; x < xb; ++x)
                        over(row[x], src[x]);
                }
            }
        }
        cairo_surface_mark_dirty(target);
        return;
    }
    // Vector (PDF) or a transformed context: the marker is recorded once per class and the
    // recording painted at each point (one PDF form object, referenced).
    const double ext = r * 1.3 + s.strokeWidthPt * ctx.pt + 1;
    for (size_t c : drawOrder(rs)) {
        if (positions[c].empty())
            continue;
        cairo_rectangle_t box{-ext, -ext, 2 * ext, 2 * ext};
        cairo::SurfacePtr rec(cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &box));
        {
            const cairo::ContextPtr rcr = cairo::makeContext(rec.get());
            drawMarker(rcr.get(), s, rs.colours[c], 0, 0, r, ctx.pt);
        }
        const cairo::PatternPtr pattern(cairo_pattern_create_for_surface(rec.get()));
        if (s.opacity < 1)
            cairo_push_group(cr);
        cairo_matrix_t m;
        size_t k = 0;
        for (const auto& [fx, fy] : positions[c]) {
            if (++k % kCheckEvery == 0)
                throwIfCancelled(ctx.fb);
            cairo_matrix_init_translate(&m, -fx, -fy);
            cairo_pattern_set_matrix(pattern.get(), &m);
            cairo_set_source(cr, pattern.get());
            cairo_paint(cr);
        }
        if (s.opacity < 1) {
            cairo_pop_group_to_source(cr);
            cairo_paint_with_alpha(cr, s.opacity);
        }
    }
}

void addRing(const DrawContext& ctx, const Ring& r, bool close)
{
    if (r.empty())
        return;
    double lx = ctx.vt.toDeviceX(r[0].x), ly = ctx.vt.toDeviceY(r[0].y);
    cairo_move_to(ctx.cr, lx, ly);
    for (size_t i = 1; i < r.size(); ++i) {
        const double x = ctx.vt.toDeviceX(r[i].x), y = ctx.vt.toDeviceY(r[i].y);
        if (i + 1 < r.size() && std::fabs(x - lx) < ctx.tol && std::fabs(y - ly) < ctx.tol)
            continue;
        cairo_line_to(ctx.cr, x, y);
        lx = x;
        ly = y;
    }
    if (close)
        cairo_close_path(ctx.cr);
}

void drawShapes(const DrawContext& ctx, const ResolvedStyle& rs, bool polygons)
{
    const style::Style& s = rs.style;
    const Layer& layer = ctx.data->layers[static_cast<size_t>(rs.layerIndex)];
    const auto& extents = ctx.data->featureExtents[static_cast<size_t>(rs.layerIndex)];
    cairo_t* cr = ctx.cr;
    if (s.opacity < 1)
        cairo_push_group(cr);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    for (size_t c : drawOrder(rs)) {
        if (!classShown(ctx, rs, static_cast<int>(c)))
            continue;
        cairo_new_path(cr);
        bool any = false;
        for (size_t i = 0; i < layer.features.size(); ++i) {
            if (rs.featureClass[i] != static_cast<int>(c) || !extents[i].intersects(ctx.view))
                continue;
            for (const auto& part : layer.features[i].geom.parts)
                for (const auto& ring : part)
                    addRing(ctx, ring, polygons);
            any = true;
        }
        throwIfCancelled(ctx.fb);
        if (!any)
            continue;
        if (polygons) {
            setRgb(cr, rs.colours[c]);
            if (s.strokeWidthPt > 0) {
                cairo_fill_preserve(cr);
                setRgb(cr, s.strokeColour);
                cairo_set_line_width(cr, s.strokeWidthPt * ctx.pt);
                cairo_stroke(cr);
            } else {
                cairo_fill(cr);
            }
        } else {
            setRgb(cr, rs.colours[c]);
            cairo_set_line_width(cr, std::max(s.strokeWidthPt, 0.1) * ctx.pt);
            cairo_stroke(cr);
        }
    }
    cairo_new_path(cr);
    if (s.opacity < 1) {
        cairo_pop_group_to_source(cr);
        cairo_paint_with_alpha(cr, s.opacity);
    }
}

void drawHeatmap(const DrawContext& ctx, const ResolvedStyle& rs)
{
    const style::Style& s = rs.style;
    const Layer& layer = ctx.data->layers[static_cast<size_t>(rs.layerIndex)];
    const double radiusPx = s.radiusM * ctx.vt.scale;
    // Cells of 2 pixels (1 point on PDF), coarser when the kernel spans more than 48 cells (it
    // is smooth: the image is drawn with bilinear filtering).
    const double cellPx = std::max(ctx.raster ? (radiusPx < 4 ? 1.0 : 2.0) : 1.0, radiusPx / 48);
    const DensityGrid g = densityGrid(layer, s.radiusM, ctx.vt, ctx.widthPx, ctx.heightPx, cellPx, ctx.fb);
    if (g.width <= 0 || g.height <= 0)
        return;
    const std::string ramp = s.ramp.empty() ? style::defaultRamp(s.renderer) : s.ramp;
    const double top = rs.maxDensity > 0 ? rs.maxDensity : 1;
    cairo::SurfacePtr img(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, g.width, g.height));
    cairo_surface_flush(img.get());
    unsigned char* data = cairo_image_surface_get_data(img.get());
    const int stride = cairo_image_surface_get_stride(img.get());
    // 64 colour steps of the ramp, alpha rising over the lowest 15 % of the range.
    std::vector<uint32_t> lut(256);
    for (int i = 0; i < 256; ++i) {
        const double t = i / 255.0;
        const uint32_t c = style::rampAt(ramp, 0.1 + 0.9 * t);
        const double a = std::min(1.0, t / 0.15 + 0.08) * 0.85;
        auto pm = [&](int sh) { return static_cast<uint32_t>(std::lround(((c >> sh) & 0xff) * a)) << sh; };
        lut[static_cast<size_t>(i)] = (static_cast<uint32_t>(std::lround(a * 255)) << 24) | pm(16) | pm(8) | pm(0);
    }
    for (int y = 0; y < g.height; ++y) {
        uint32_t* row = reinterpret_cast<uint32_t*>(data + static_cast<size_t>(y) * stride);
        for (int x = 0; x < g.width; ++x) {
            const float v = g.at(x, y);
            row[x] = v <= 0 ? 0u : lut[static_cast<size_t>(std::clamp(std::lround(v / top * 255), 0L, 255L))];
        }
    }
    cairo_surface_mark_dirty(img.get());
    cairo_t* cr = ctx.cr;
    cairo_save(cr);
    cairo_scale(cr, cellPx, cellPx);
    cairo_set_source_surface(cr, img.get(), 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_BILINEAR);
    cairo_paint_with_alpha(cr, s.opacity);
    cairo_restore(cr);
}

void collectLabels(const DrawContext& ctx, const ResolvedStyle& rs)
{
    const style::Style& s = rs.style;
    if (!ctx.labels || s.labelField.empty() ||
        (s.labelMaxScale > 0 && ctx.scaleDenominator > s.labelMaxScale))
        return;
    const Layer& layer = ctx.data->layers[static_cast<size_t>(rs.layerIndex)];
    const int fi = layer.fieldIndex(s.labelField);
    if (fi < 0)
        throw Error(ErrorKind::Usage, "style " + s.layer,
                    "label_field: layer '" + s.layer + "' has no field '" + s.labelField + "'");
    const int pi = s.labelPriorityField.empty() ? -1 : layer.fieldIndex(s.labelPriorityField);
    const auto& extents = ctx.data->featureExtents[static_cast<size_t>(rs.layerIndex)];
    const double r = isPoint(layer.geomType) ? style::markerRadiusPt(s, ctx.scaleDenominator) * ctx.pt : 0;
    for (size_t i = 0; i < layer.features.size(); ++i) {
        const int c = rs.featureClass[i];
        if (c < 0 || !classShown(ctx, rs, c) || !extents[i].intersects(ctx.view))
            continue;
        const Feature& f = layer.features[i];
        std::string t = toString(f.values[static_cast<size_t>(fi)]);
        if (t.empty() || f.geom.isEmpty())
            continue;
        const XY p = isPoint(layer.geomType) ? f.geom.parts[0][0][0] : interiorPoint(f.geom);
        LabelCandidate lc;
        lc.x = ctx.vt.toDeviceX(p.x);
        lc.y = ctx.vt.toDeviceY(p.y);
        lc.offset = r;
        lc.text = std::move(t);
        lc.priority = pi < 0 ? -static_cast<double>(i) * 1e-9
                             : toReal(f.values[static_cast<size_t>(pi)]).value_or(-1e300);
        lc.sizePt = s.labelSizePt;
        lc.halo = s.labelHalo;
        ctx.labels->push_back(std::move(lc));
    }
}

} // namespace

void drawMarkerAt(cairo_t* cr, const style::Style& s, uint32_t fill, double cx, double cy, double r, double pt)
{
    drawMarker(cr, s, fill, cx, cy, r, pt);
}

bool inScaleRange(const style::Style& s, double d)
{
    return (s.minScale <= 0 || d >= s.minScale) && (s.maxScale <= 0 || d <= s.maxScale);
}

std::shared_ptr<const ResolvedStyle> resolveStyle(const MapData& data, const style::Style& s)
{
    static std::mutex mutex;
    static std::vector<std::tuple<uint64_t, std::string, std::shared_ptr<const ResolvedStyle>>> cache;
    const std::string key = style::toJson(s);
    {
        std::lock_guard<std::mutex> lock(mutex);
        for (const auto& [gen, k, rs] : cache)
            if (gen == data.generation && k == key && data.generation != 0)
                return rs;
    }
    std::shared_ptr<const ResolvedStyle> rs = computeStyle(data, s);
    if (rs && data.generation != 0) {
        std::lock_guard<std::mutex> lock(mutex);
        if (cache.size() >= 32)
            cache.erase(cache.begin());
        cache.emplace_back(data.generation, key, rs);
    }
    return rs;
}

const style::Style* styleFor(const MapSettings& s, const MapData& data, const std::string& name,
                             style::Style& scratch)
{
    for (const auto& st : s.styles)
        if (st.layer == name)
            return &st;
    const Layer* l = data.layer(name);
    if (!l)
        return nullptr;
    scratch = style::defaultStyle(name);
    // Point layers always have a style; other layers only where one is defined (predicted coverage).
    if (isPoint(l->geomType) || scratch.renderer != style::Renderer::Single) {
        if (!scratch.field.empty() && l->fieldIndex(scratch.field) < 0) {  // not the sample's schema
            scratch.renderer = style::Renderer::Single;
            scratch.field.clear();
        }
        return &scratch;
    }
    return nullptr;
}

DensityGrid densityGrid(const Layer& points, double radiusM, const ViewTransform& vt, int widthPx, int heightPx,
                        double cellPx, const Feedback* fb)
{
    DensityGrid g;
    g.cellPx = cellPx;
    g.width = static_cast<int>(std::ceil(widthPx / cellPx));
    g.height = static_cast<int>(std::ceil(heightPx / cellPx));
    g.perKm2.assign(static_cast<size_t>(g.width) * g.height, 0.f);
    const double cellM = cellPx / vt.scale;  // map units (metres) per cell
    const double R = radiusM / cellM;         // radius in cells
    const double r2 = radiusM * radiusM;
    const double k = 3.0 / (M_PI * r2) * 1e6;  // per km²
    size_t n = 0;
    for (const auto& f : points.features) {
        if (++n % kCheckEvery == 0)
            throwIfCancelled(fb);
        for (const auto& part : f.geom.parts)
            for (const auto& ring : part)
                for (const auto& p : ring) {
                    const double cx = vt.toDeviceX(p.x) / cellPx, cy = vt.toDeviceY(p.y) / cellPx;
                    if (cx < -R || cy < -R || cx > g.width + R || cy > g.height + R)
                        continue;
                    const int y0 = std::max(0, static_cast<int>(std::floor(cy - R)));
                    const int y1 = std::min(g.height - 1, static_cast<int>(std::ceil(cy + R)));
                    const int x0 = std::max(0, static_cast<int>(std::floor(cx - R)));
                    const int x1 = std::min(g.width - 1, static_cast<int>(std::ceil(cx + R)));
                    for (int y = y0; y <= y1; ++y) {
                        const double dy = (y + 0.5 - cy) * cellM;
                        const double dy2 = dy * dy;
                        if (dy2 >= r2)
                            continue;
                        float* row = g.perKm2.data() + static_cast<size_t>(y) * g.width;
                        for (int x = x0; x <= x1; ++x) {
                            const double dx = (x + 0.5 - cx) * cellM;
                            const double u = (dx * dx + dy2) / r2;
                            if (u < 1)
                                row[x] += static_cast<float>(k * (1 - u) * (1 - u));
                        }
                    }
                }
    }
    return g;
}

double maxDensity(const Layer& points, double radiusM)
{
    const Extent e = points.extent();
    if (e.isEmpty() || points.features.empty())
        return 0;
    // A ground grid of radius/8 (coarser for very large extents), the layer's own extent.
    const double cell = std::max(radiusM / 8, std::max(e.width(), e.height()) / 2000);
    ViewTransform vt;
    vt.scale = 1 / cell;  // one device unit per cell
    vt.originX = e.minX - radiusM;
    vt.originY = e.maxY + radiusM;
    const int w = static_cast<int>(std::ceil((e.width() + 2 * radiusM) / cell)) + 1;
    const int h = static_cast<int>(std::ceil((e.height() + 2 * radiusM) / cell)) + 1;
    const DensityGrid g = densityGrid(points, radiusM, vt, w, h, 1.0);
    return g.perKm2.empty() ? 0 : *std::max_element(g.perKm2.begin(), g.perKm2.end());
}

void drawStyledLayer(const DrawContext& ctx, const ResolvedStyle& rs)
{
    if (!inScaleRange(rs.style, ctx.scaleDenominator) || rs.layerIndex < 0)
        return;
    const Layer& layer = ctx.data->layers[static_cast<size_t>(rs.layerIndex)];
    if (rs.style.renderer == style::Renderer::Heatmap) {
        if (!isPoint(layer.geomType))
            throw Error(ErrorKind::Usage, "style " + rs.style.layer, "a heatmap needs a point layer");
        if (classShown(ctx, rs, 0))
            drawHeatmap(ctx, rs);
        return;
    }
    if (isPoint(layer.geomType))
        drawPoints(ctx, rs);
    else
        drawShapes(ctx, rs, isPolygon(layer.geomType));
    collectLabels(ctx, rs);
}

} // namespace bando::render
