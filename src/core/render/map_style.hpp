#pragma once
// The map's cartographic policy, in one place for the renderer, `bando render` and the app:
// the default layer order and visibility, the village themes (ids and labels) and the layer
// styles (what the map draws is what the app's legend shows).
#include "core/model/layer.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace bando::render {

struct MapData;

// ---- layers ----

// Drawing order bottom to top and the layers not drawn.
struct LayerState {
    std::vector<std::string> order;   // bottom to top
    std::vector<std::string> hidden;  // listed in `order`, not drawn
};
// The default map of a project: every layer with something to draw (a geometry column and
// at least one feature), the base map (villages, communes, roads, districts, places — what
// `bando render` draws) visible, the telecom and program layers listed, hidden, above their
// natural neighbours, and any other layer hidden on top in the project's order. The Context
// pseudo-layers (hillshade.hpp) are listed hidden: the hillshade above the villages when the
// project has a DEM, the place names on top when it has communes or settlements.
LayerState defaultLayerState(const MapData& data);

// ---- village themes ----

struct ThemeInfo {
    const char* id;           // "density", "coverage", "shops" (the --theme value)
    const char* label;        // msgid: the theme's name in a chooser
    const char* subtitle;     // msgid: the map subtitle under the title
    const char* legendTitle;  // msgid: the legend heading
};
// Every village theme, in the order they are offered.
const std::vector<ThemeInfo>& themeTable();
// nullptr for an unknown id.
const ThemeInfo* themeInfo(const std::string& id);
// The analysis themes (drawn from village_indicators, written by `bando analyze`).
bool isAnalysisTheme(const std::string& id);
inline constexpr const char* kIndicatorsTable = "village_indicators";
// "density, coverage or shops" (for messages).
std::string themeIdList();

// ---- layer styles ----

struct StrokeStyle {
    uint32_t colour = 0;  // 0xRRGGBB
    double widthPt = 1;   // typographic points
    double alpha = 1;
};
enum class Marker { None, Circle, Square };
struct LayerStyle {
    StrokeStyle stroke;          // lines, polygon outlines, marker outlines
    uint32_t fill = 0;           // polygon or marker fill, 0xRRGGBB
    double fillAlpha = 0;        // 0 = not filled
    bool themedFill = false;     // villages: filled with the current theme's class colours
    Marker marker = Marker::None;
    double markerRadiusPt = 0;   // points layers
};
// Road classes bottom to top: local, provincial, national (roads draw in three strokes).
const std::vector<StrokeStyle>& roadStyles();
// Seat markers of the places layer: a district seat, or a commune seat (district zoom only).
LayerStyle seatStyle(bool district);
// The style the renderer draws layer `name` with when its features are of `type` (layers the
// renderer does not know are drawn in a colour derived from their name). For roads, the
// national road style; for places, the district seat marker.
LayerStyle layerStyle(const std::string& name, GeomType type);

} // namespace bando::render
