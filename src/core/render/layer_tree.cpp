// The layer tree: groups, display state (stored in the project), legend rows.
#include "core/render/layer_tree.hpp"

#include "core/base/error.hpp"
#include "core/capi/cairo.hpp"
#include "core/i18n/i18n.hpp"
#include "core/model/schema.hpp"
#include "core/render/hillshade.hpp"
#include "core/render/map_style.hpp"
#include "core/render/styled_layer.hpp"
#include "core/store/project_store.hpp"

#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>

namespace bando::render {

const std::vector<LayerGroupInfo>& layerGroups()
{
    static const std::vector<LayerGroupInfo> kGroups = {
        {"analysis", N_("Analysis")},
        {"economy", N_("Digital economy")},
        {"telecom", N_("Telecom")},
        {"administrative", N_("Administrative")},
        {"context", N_("Context")},
    };
    return kGroups;
}

std::string layerGroup(const std::string& layer)
{
    static const std::map<std::string, std::string> kTable = {
        {schema::kDistricts, "administrative"}, {schema::kCommunes, "administrative"},
        {schema::kVillages, "administrative"},  {schema::kPlaces, "administrative"},
        {"sites", "telecom"},                   {"coverage", "telecom"},
        {"broadband_nodes", "telecom"},         {"fibre", "telecom"},
        {"coverage_predicted", "telecom"},      {"shops", "economy"},
        {"teams", "economy"},                   {"coverage_gaps", "analysis"},
        {"survey_gaps", "analysis"},            {schema::kRoads, "context"},
        {"settlements", "context"},             {kHillshadeLayer, "context"},
        {kPlaceLabelsLayer, "context"},
    };
    auto it = kTable.find(layer);
    return it == kTable.end() ? "context" : it->second;
}

MapState defaultMapState(const MapData& data)
{
    const LayerState d = defaultLayerState(data);
    MapState st;
    for (const auto& name : d.order) {
        LayerView v;
        v.layer = name;
        v.visible = std::find(d.hidden.begin(), d.hidden.end(), name) == d.hidden.end();
        st.layers.push_back(v);
    }
    return st;
}

MapState mergeMapState(const MapData& data, const MapState& saved)
{
    const MapState def = defaultMapState(data);
    auto drawable = [&](const std::string& name) {
        return std::any_of(def.layers.begin(), def.layers.end(), [&](const LayerView& v) { return v.layer == name; });
    };
    MapState out;
    out.bookmarks = saved.bookmarks;
    out.theme = saved.theme;
    for (const auto& v : saved.layers)
        if (drawable(v.layer) &&
            std::none_of(out.layers.begin(), out.layers.end(), [&](const LayerView& o) { return o.layer == v.layer; }))
            out.layers.push_back(v);
    // Layers the saved state does not list: above their lower neighbour of the default order.
    for (size_t i = 0; i < def.layers.size(); ++i) {
        const auto& v = def.layers[i];
        if (std::any_of(out.layers.begin(), out.layers.end(), [&](const LayerView& o) { return o.layer == v.layer; }))
            continue;
        auto pos = out.layers.begin();
        for (size_t j = i; j-- > 0;) {
            auto it = std::find_if(out.layers.begin(), out.layers.end(),
                                   [&](const LayerView& o) { return o.layer == def.layers[j].layer; });
            if (it != out.layers.end()) {
                pos = it + 1;
                break;
            }
        }
        out.layers.insert(pos, v);
    }
    return out;
}

bool moveLayer(MapState& state, const std::string& layer, const std::string& target, bool above)
{
    auto& L = state.layers;
    auto named = [&](const std::string& n) {
        return std::find_if(L.begin(), L.end(), [&](const LayerView& v) { return v.layer == n; });
    };
    if (layer == target || named(layer) == L.end() || named(target) == L.end() ||
        layerGroup(layer) != layerGroup(target))
        return false;
    const auto from = named(layer);
    LayerView moved = std::move(*from);
    L.erase(from);
    auto at = named(target);
    L.insert(above ? at + 1 : at, std::move(moved));
    return true;
}

bool setClassHidden(MapState& state, const std::string& layer, int classIndex, bool hidden)
{
    if (classIndex < 0)
        return false;
    for (auto& v : state.layers)
        if (v.layer == layer) {
            auto& h = v.hiddenClasses;
            const auto it = std::lower_bound(h.begin(), h.end(), classIndex);
            const bool present = it != h.end() && *it == classIndex;
            if (hidden && !present)
                h.insert(it, classIndex);
            else if (!hidden && present)
                h.erase(it);
            return true;
        }
    return false;
}

namespace {

std::string joinClasses(const std::vector<int>& classes)
{
    std::string out;
    for (int c : classes)
        out += (out.empty() ? "" : ",") + std::to_string(c);
    return out;
}

// "0,3,5" -> {0, 3, 5}; false for anything else.
bool parseClasses(const std::string& text, std::vector<int>& out)
{
    out.clear();
    size_t i = 0;
    while (i < text.size()) {
        size_t j = text.find(',', i);
        if (j == std::string::npos)
            j = text.size();
        const std::string part = text.substr(i, j - i);
        if (part.empty() || part.size() > 6 || !std::all_of(part.begin(), part.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
            return false;
        out.push_back(std::stoi(part));
        i = j + 1;
        if (j + 1 == text.size())
            return false;  // a trailing comma
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return true;
}

} // namespace

void validate(const MapState& state)
{
    for (const auto& v : state.layers) {
        const std::string where = "layer " + v.layer;
        if (v.layer.empty())
            throw Error(ErrorKind::Usage, "layer", "empty layer name");
        if (!(v.opacity >= 0 && v.opacity <= 1))
            throw Error(ErrorKind::Usage, where, "opacity must be between 0 and 1");
        if (!(v.minScale >= 0) || !(v.maxScale >= 0))
            throw Error(ErrorKind::Usage, where, "scale limits must be 0 (none) or positive");
        if (v.minScale > 0 && v.maxScale > 0 && v.minScale > v.maxScale)
            throw Error(ErrorKind::Usage, where, "the minimum scale denominator is above the maximum");
        if (std::any_of(v.hiddenClasses.begin(), v.hiddenClasses.end(), [](int c) { return c < 0 || c > 999999; }))
            throw Error(ErrorKind::Usage, where, "a hidden class index must be between 0 and 999999");
    }
    for (const auto& b : state.bookmarks) {
        if (b.name.empty())
            throw Error(ErrorKind::Usage, "bookmark", "empty bookmark name");
        if (b.extent.isEmpty() || !std::isfinite(b.extent.width()) || !std::isfinite(b.extent.height()))
            throw Error(ErrorKind::Usage, "bookmark " + b.name, "empty extent");
    }
}

void saveMapState(ProjectStore& store, const MapState& state)
{
    validate(state);
    Layer layers;
    layers.name = kMapLayersTable;
    layers.geomType = GeomType::None;
    layers.fields = {{"layer", FieldType::Text, 0, true},      {"position", FieldType::Integer, 0, true},
                     {"group_id", FieldType::Text, 0, true},   {"visible", FieldType::Integer, 0, true},
                     {"opacity", FieldType::Real, 0, true},    {"min_scale", FieldType::Real, 0, true},
                     {"max_scale", FieldType::Real, 0, true},  {"hidden_classes", FieldType::Text, 0, true}};
    for (size_t i = 0; i < state.layers.size(); ++i) {
        const auto& v = state.layers[i];
        Feature& f = layers.addFeature(Geometry{});
        layers.set(f, "layer", v.layer);
        layers.set(f, "position", static_cast<int64_t>(i));
        layers.set(f, "group_id", layerGroup(v.layer));
        layers.set(f, "visible", static_cast<int64_t>(v.visible ? 1 : 0));
        layers.set(f, "opacity", v.opacity);
        layers.set(f, "min_scale", v.minScale);
        layers.set(f, "max_scale", v.maxScale);
        layers.set(f, "hidden_classes", joinClasses(v.hiddenClasses));
    }
    Layer marks;
    marks.name = kBookmarksTable;
    marks.geomType = GeomType::None;
    marks.fields = {{"name", FieldType::Text, 0, true},  {"min_x", FieldType::Real, 0, true},
                    {"min_y", FieldType::Real, 0, true}, {"max_x", FieldType::Real, 0, true},
                    {"max_y", FieldType::Real, 0, true}};
    for (const auto& b : state.bookmarks) {
        Feature& f = marks.addFeature(Geometry{});
        marks.set(f, "name", b.name);
        marks.set(f, "min_x", b.extent.minX);
        marks.set(f, "min_y", b.extent.minY);
        marks.set(f, "max_x", b.extent.maxX);
        marks.set(f, "max_y", b.extent.maxY);
    }
    ProjectStore::Transaction tx(store);
    store.replaceLayer(layers);
    store.replaceLayer(marks);
    store.setMeta("map_theme", state.theme);
    tx.commit();
}

MapState loadMapState(const ProjectStore& store)
{
    MapState st;
    if (store.hasLayer(kMapLayersTable)) {
        const Layer t = store.readLayer(kMapLayersTable);
        std::vector<std::pair<int64_t, LayerView>> rows;
        for (size_t i = 0; i < t.features.size(); ++i) {
            const Feature& f = t.features[i];
            LayerView v;
            v.layer = t.text(f, "layer");
            v.visible = t.integer(f, "visible", 1) != 0;
            v.opacity = t.real(f, "opacity", 1);
            v.minScale = t.real(f, "min_scale", 0);
            v.maxScale = t.real(f, "max_scale", 0);
            if (t.fieldIndex("hidden_classes") >= 0 && !parseClasses(t.text(f, "hidden_classes"), v.hiddenClasses))
                throw Error(ErrorKind::Usage,
                            store.path() + ": " + kMapLayersTable + " row " + std::to_string(i + 1) + " field hidden_classes",
                            "expected class numbers separated by commas (e.g. 0,3)");
            try {
                MapState one;
                one.layers.push_back(v);
                validate(one);
            } catch (const Error& e) {
                throw Error(ErrorKind::Usage, store.path() + ": " + kMapLayersTable + " row " + std::to_string(i + 1),
                            e.what());
            }
            rows.emplace_back(t.integer(f, "position", static_cast<int64_t>(i)), v);
        }
        std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        for (auto& r : rows)
            st.layers.push_back(std::move(r.second));
    }
    if (store.hasLayer(kBookmarksTable)) {
        const Layer t = store.readLayer(kBookmarksTable);
        for (size_t i = 0; i < t.features.size(); ++i) {
            const Feature& f = t.features[i];
            Bookmark b;
            b.name = t.text(f, "name");
            b.extent = {t.real(f, "min_x", NAN), t.real(f, "min_y", NAN), t.real(f, "max_x", NAN),
                        t.real(f, "max_y", NAN)};
            if (b.name.empty() || b.extent.isEmpty())
                throw Error(ErrorKind::Usage, store.path() + ": " + kBookmarksTable + " row " + std::to_string(i + 1),
                            "a bookmark needs a name and a non-empty extent");
            st.bookmarks.push_back(std::move(b));
        }
    }
    if (auto t = store.meta("map_theme"))
        st.theme = *t;
    return st;
}

void applyMapState(const MapState& state, MapSettings& s)
{
    s.layerOrder.clear();
    s.hiddenLayers.clear();
    s.display.clear();
    for (const auto& v : state.layers) {
        s.layerOrder.push_back(v.layer);
        if (!v.visible)
            s.hiddenLayers.push_back(v.layer);
        if (v.opacity < 1 || v.minScale > 0 || v.maxScale > 0 || !v.hiddenClasses.empty())
            s.display.push_back({v.layer, v.opacity, v.minScale, v.maxScale, v.hiddenClasses});
    }
}

bool inDisplayRange(const MapSettings& s, const std::string& layer, double denom)
{
    for (const auto& d : s.display)
        if (d.layer == layer)
            return !((d.minScale > 0 && denom < d.minScale) || (d.maxScale > 0 && denom > d.maxScale));
    return true;
}

// ---------------------------------------------------------------- legend rows

namespace {

void setRgb(cairo_t* cr, uint32_t c, double a = 1)
{
    cairo_set_source_rgba(cr, ((c >> 16) & 0xff) / 255.0, ((c >> 8) & 0xff) / 255.0, (c & 0xff) / 255.0, a);
}

template <class F>
Image swatch(int size, F&& draw)
{
    cairo::SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, size, size));
    {
        const cairo::ContextPtr cr = cairo::makeContext(surface.get());
        cairo_set_antialias(cr.get(), CAIRO_ANTIALIAS_DEFAULT);
        draw(cr.get());
    }
    cairo_surface_flush(surface.get());
    Image img;
    img.width = size;
    img.height = size;
    img.stride = cairo_image_surface_get_stride(surface.get());
    const unsigned char* d = cairo_image_surface_get_data(surface.get());
    img.pixels.assign(d, d + static_cast<size_t>(img.stride) * static_cast<size_t>(size));
    return img;
}

bool isLine(GeomType g) { return g == GeomType::LineString || g == GeomType::MultiLineString; }
bool isPoint(GeomType g) { return g == GeomType::Point || g == GeomType::MultiPoint; }

void linePath(cairo_t* cr, int size)
{
    cairo_move_to(cr, 1, size * 0.7);
    cairo_line_to(cr, size * 0.5, size * 0.3);
    cairo_line_to(cr, size - 1, size * 0.6);
}

} // namespace

std::vector<LegendRow> layerLegendRows(const MapData& data, const MapSettings& s, const std::string& layer,
                                       int size)
{
    std::vector<LegendRow> rows;
    const Layer* l = data.layer(layer);
    if (!l || l->geomType == GeomType::None)
        return rows;
    const double pt = 96.0 / 72.0;  // swatches are for a 96 dpi screen
    style::Style scratch;
    const style::Style* st = styleFor(s, data, layer, scratch);
    if (st && layer == schema::kPlaces && st == &scratch)
        st = nullptr;  // the places layer keeps its seat markers unless styled explicitly
    if (st) {
        const auto rs = resolveStyle(data, *st);
        if (!rs)
            return rows;
        const style::Style& sty = rs->style;
        const std::vector<int>* off = nullptr;  // legend toggles
        for (const auto& d : s.display)
            if (d.layer == layer)
                off = &d.hiddenClasses;
        if (sty.renderer == style::Renderer::Heatmap) {
            LegendRow r;
            r.classIndex = 0;
            r.hidden = off && std::find(off->begin(), off->end(), 0) != off->end();
            const std::string ramp = sty.ramp.empty() ? style::defaultRamp(sty.renderer) : sty.ramp;
            r.swatch = swatch(size, [&](cairo_t* cr) {
                for (int i = 0; i < size; ++i) {
                    setRgb(cr, style::rampAt(ramp, 0.1 + 0.9 * i / std::max(1, size - 1)), sty.opacity);
                    cairo_rectangle(cr, i, 2, 1, size - 4);
                    cairo_fill(cr);
                }
            });
            rows.push_back(std::move(r));
            return rows;
        }
        for (size_t c = 0; c < rs->colours.size(); ++c) {
            if (!rs->visible[c] || rs->counts[c] == 0)
                continue;
            LegendRow r;
            r.classIndex = static_cast<int>(c);
            r.hidden = off && std::find(off->begin(), off->end(), static_cast<int>(c)) != off->end();
            if (sty.renderer != style::Renderer::Single)
                r.label = static_cast<int>(c) == rs->noDataClass ? i18n::tr(s.language, "No data")
                                                                  : i18n::tr(s.language, rs->labels[c].c_str());
            r.count = rs->counts[c];
            const uint32_t colour = rs->colours[c];
            r.swatch = swatch(size, [&](cairo_t* cr) {
                if (isPoint(l->geomType)) {
                    // The marker exactly as the renderer stamps it, at the reference scale,
                    // kept inside the swatch.
                    const double rad = std::min(size / 2.0 - 1.5, std::max(2.5, style::markerRadiusPt(sty, style::kReferenceScale) * pt * 1.6));
                    drawMarkerAt(cr, sty, colour, size / 2.0, size / 2.0, rad, pt);
                } else if (isLine(l->geomType)) {
                    linePath(cr, size);
                    setRgb(cr, colour, sty.opacity);
                    cairo_set_line_width(cr, std::max(1.5, sty.strokeWidthPt * pt * 2));
                    cairo_stroke(cr);
                } else {
                    cairo_rectangle(cr, 1.5, 3.5, size - 3, size - 7);
                    setRgb(cr, colour, sty.opacity);
                    cairo_fill_preserve(cr);
                    setRgb(cr, sty.strokeColour);
                    cairo_set_line_width(cr, std::max(0.5, sty.strokeWidthPt * pt));
                    cairo_stroke(cr);
                }
            });
            rows.push_back(std::move(r));
        }
        return rows;
    }
    // The layer's built-in look.
    const LayerStyle ls = layerStyle(layer, l->geomType);
    LegendRow r;
    const MapData::Theme* theme = layer == schema::kVillages ? data.theme(s.theme.empty() ? "density" : s.theme) : nullptr;
    r.count = static_cast<int>(l->features.size());
    r.swatch = swatch(size, [&](cairo_t* cr) {
        if (ls.marker != Marker::None) {
            const double rad = std::max(2.5, ls.markerRadiusPt * pt);
            if (ls.marker == Marker::Circle)
                cairo_arc(cr, size / 2.0, size / 2.0, rad, 0, 2 * M_PI);
            else
                cairo_rectangle(cr, size / 2.0 - rad, size / 2.0 - rad, 2 * rad, 2 * rad);
            setRgb(cr, ls.fill, ls.fillAlpha);
            cairo_fill_preserve(cr);
            if (ls.stroke.widthPt > 0) {
                setRgb(cr, ls.stroke.colour, ls.stroke.alpha);
                cairo_set_line_width(cr, ls.stroke.widthPt * pt);
                cairo_stroke(cr);
            }
            cairo_new_path(cr);
        } else if (isLine(l->geomType)) {
            if (layer == schema::kRoads) {
                // the three road classes, bottom to top as drawn
                const auto& roads = roadStyles();
                for (size_t i = 0; i < roads.size(); ++i) {
                    const double y = size * (0.8 - 0.3 * static_cast<double>(i));
                    cairo_move_to(cr, 1, y);
                    cairo_line_to(cr, size - 1, y);
                    setRgb(cr, roads[i].colour, roads[i].alpha);
                    cairo_set_line_width(cr, std::max(1.0, roads[i].widthPt * pt));
                    cairo_stroke(cr);
                }
            } else {
                linePath(cr, size);
                setRgb(cr, ls.stroke.colour, ls.stroke.alpha);
                cairo_set_line_width(cr, std::max(1.0, ls.stroke.widthPt * pt));
                cairo_stroke(cr);
            }
        } else {
            cairo_rectangle(cr, 1.5, 3.5, size - 3, size - 7);
            if (theme && !theme->colours.empty()) {
                // the theme's classes side by side
                const double w = (size - 3.0) / static_cast<double>(theme->colours.size());
                for (size_t i = 0; i < theme->colours.size(); ++i) {
                    cairo_rectangle(cr, 1.5 + w * static_cast<double>(i), 3.5, w, size - 7);
                    setRgb(cr, theme->colours[i]);
                    cairo_fill(cr);
                }
                cairo_rectangle(cr, 1.5, 3.5, size - 3, size - 7);
                setRgb(cr, 0x606060);
                cairo_set_line_width(cr, 1);
                cairo_stroke(cr);
            } else {
                if (ls.fillAlpha > 0) {
                    setRgb(cr, ls.fill, ls.fillAlpha);
                    cairo_fill_preserve(cr);
                }
                setRgb(cr, ls.stroke.colour, ls.stroke.alpha);
                cairo_set_line_width(cr, std::max(1.0, ls.stroke.widthPt * pt));
                cairo_stroke(cr);
            }
        }
    });
    rows.push_back(std::move(r));
    return rows;
}

} // namespace bando::render
