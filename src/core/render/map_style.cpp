// The map's cartographic policy: default layer state, village themes, layer styles.
#include "core/render/map_style.hpp"

#include "core/i18n/i18n.hpp"
#include "core/model/schema.hpp"
#include "core/render/hillshade.hpp"
#include "core/render/map_renderer.hpp"

#include <algorithm>

namespace bando::render {

LayerState defaultLayerState(const MapData& data)
{
    // Bottom to top: the base map as `bando render` draws it, with the telecom and program
    // layers between their natural neighbours.
    static const std::vector<std::string> kPreferred = {
        schema::kVillages, "coverage", "coverage_predicted", schema::kCommunes, "fibre",        schema::kRoads, schema::kDistricts,
        "broadband_nodes", "sites",    "settlements",     "shops",        schema::kPlaces};
    static const std::vector<std::string> kBase = {schema::kVillages, schema::kCommunes, schema::kRoads,
                                                   schema::kDistricts, schema::kPlaces};
    auto drawable = [&](const std::string& name) {
        const Layer* l = data.layer(name);
        return l && l->geomType != GeomType::None && !l->features.empty();  // nothing to draw otherwise
    };
    auto listed = [](const std::vector<std::string>& v, const std::string& name) {
        return std::find(v.begin(), v.end(), name) != v.end();
    };
    LayerState state;
    for (const auto& name : kPreferred)
        if (drawable(name))
            state.order.push_back(name);
    for (const auto& l : data.layers)
        if (drawable(l.name) && !listed(state.order, l.name))
            state.order.push_back(l.name);
    // Context without a network, listed hidden (the layer tree turns them on, the project keeps
    // the choice): the hillshade of the project's DEM shades the fills (above the villages,
    // under the lines and labels); the place names go on top.
    if (!data.dem.empty()) {
        auto it = std::find(state.order.begin(), state.order.end(), schema::kVillages);
        state.order.insert(it == state.order.end() ? state.order.begin() : it + 1, kHillshadeLayer);
    }
    if (drawable(schema::kCommunes) || drawable("settlements"))
        state.order.push_back(kPlaceLabelsLayer);
    for (const auto& name : state.order)
        if (!listed(kBase, name))
            state.hidden.push_back(name);
    return state;
}

const std::vector<ThemeInfo>& themeTable()
{
    static const std::vector<ThemeInfo> kThemes = {
        {"density", N_("Household density"), N_("Household density by village"), N_("Households per km²")},
        {"coverage", N_("Mobile coverage"), N_("Mobile coverage by village"), N_("Mobile signal (3G/4G)")},
        {"shops", N_("Digital shops"), N_("Digital shops by village"), N_("Digital shops per 100 households")},
        {"class", N_("Analysis: coverage class"), N_("Village coverage class (analysis)"), N_("Mobile signal class")},
        {"penetration", N_("Analysis: shops against target"), N_("Digital shop penetration against the target"),
         N_("Share of the shop target reached")},
        {"shop_density", N_("Analysis: shops per km²"), N_("Digital shops per km² by village"), N_("Shops per km²")},
        {"gap_households", N_("Analysis: households in coverage gaps"),
         N_("Households without mobile coverage by village"), N_("Households with no signal")},
    };
    return kThemes;
}

const ThemeInfo* themeInfo(const std::string& id)
{
    for (const auto& t : themeTable())
        if (id == t.id)
            return &t;
    return nullptr;
}

bool isAnalysisTheme(const std::string& id)
{
    return id == "class" || id == "penetration" || id == "shop_density" || id == "gap_households";
}

std::string themeIdList()
{
    const auto& themes = themeTable();
    std::string out;
    for (size_t i = 0; i < themes.size(); ++i) {
        if (i > 0)
            out += i + 1 == themes.size() ? " or " : ", ";
        out += themes[i].id;
    }
    return out;
}

const std::vector<StrokeStyle>& roadStyles()
{
    static const std::vector<StrokeStyle> kRoads = {{0x8c8c8c, 0.6, 1}, {0xf08c3c, 1.0, 1}, {0xc8281e, 1.6, 1}};
    return kRoads;
}

LayerStyle seatStyle(bool district)
{
    LayerStyle s;
    s.stroke = {0x111111, district ? 1.3 : 0.9, 1};
    s.fill = 0xffffff;
    s.fillAlpha = 1;
    s.marker = Marker::Circle;
    s.markerRadiusPt = district ? 3.2 : 2.0;
    return s;
}

namespace {

// Layers the renderer has no style for get one of these, chosen by a hash of the name.
uint32_t colourForName(const std::string& name)
{
    static const uint32_t palette[] = {0x6a3d9a, 0xe31a1c, 0xff7f00, 0x1f78b4, 0x33a02c, 0xb15928, 0xfb9a99};
    uint32_t h = 2166136261u;
    for (unsigned char c : name)
        h = (h ^ c) * 16777619u;
    return palette[h % (sizeof palette / sizeof palette[0])];
}

} // namespace

LayerStyle layerStyle(const std::string& name, GeomType type)
{
    LayerStyle s;
    if (name == schema::kVillages) {
        s.stroke = {0xffffff, 0.35, 0.55};  // thin outlines when zoomed in
        s.themedFill = true;
        s.fillAlpha = 1;
        return s;
    }
    if (name == schema::kCommunes) {
        s.stroke = {0x6e6e6e, 0.45, 0.9};
        return s;
    }
    if (name == schema::kDistricts) {
        s.stroke = {0x252525, 1.5, 1};
        return s;
    }
    if (name == schema::kRoads) {
        s.stroke = roadStyles().back();
        return s;
    }
    if (name == schema::kPlaces)
        return seatStyle(true);
    const uint32_t c = colourForName(name);
    switch (type) {
    case GeomType::Point:
    case GeomType::MultiPoint:
        s.stroke = {c, 0, 0};  // filled squares, no outline
        s.fill = c;
        s.fillAlpha = 0.85;
        s.marker = Marker::Square;
        s.markerRadiusPt = 1.6;
        break;
    case GeomType::Polygon:
    case GeomType::MultiPolygon:
        s.stroke = {c, 0.8, 0.9};
        s.fill = c;
        s.fillAlpha = 0.2;
        break;
    default:
        s.stroke = {c, 1.0, 1};
        break;
    }
    return s;
}

} // namespace bando::render
