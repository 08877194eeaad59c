#pragma once
// The map's layer tree, shared by the app and anything that draws a project's saved map:
//   * the grouping table (Administrative, Telecom, Digital economy, Analysis, Context);
//   * the per-layer display state (visible, opacity, visibility scale range) in drawing order,
//     merged with the core's default map for layers the saved state does not know;
//   * the saved view bookmarks;
//   * legend rows per layer with swatches drawn by the renderer's own code (the default point
//     styles of core/style included), so a legend shows what the map draws;
//   * storage in the project: tables `bando_map_layers` and `bando_bookmarks`, written together
//     in one transaction (QGIS shows them as attribute tables).
#include "core/render/map_renderer.hpp"

#include <string>
#include <vector>

namespace bando {
class ProjectStore;
}

namespace bando::render {

// ---- groups ----
struct LayerGroupInfo {
    const char* id;     // "administrative", "telecom", "economy", "analysis", "context"
    const char* label;  // msgid
};
// The groups as the tree shows them, top first.
const std::vector<LayerGroupInfo>& layerGroups();
// The group id of a layer (layers nobody knows: "context").
std::string layerGroup(const std::string& layer);

// ---- display state ----
struct LayerView {
    std::string layer;
    bool visible = true;
    double opacity = 1;               // 0..1
    double minScale = 0, maxScale = 0;  // drawn when minScale <= denominator <= maxScale (0 = no limit)
    // Legend toggles: the classes not drawn, as indices in legend order (ascending, unique; the
    // village layer: the classes of the current theme; a styled layer: the classes of its
    // style, the "No data" class last).
    std::vector<int> hiddenClasses;
    bool operator==(const LayerView&) const = default;
};
struct Bookmark {
    std::string name;
    Extent extent;  // map CRS of the app (EPSG:9215)
    bool operator==(const Bookmark& o) const
    {
        return name == o.name && extent.minX == o.extent.minX && extent.minY == o.extent.minY &&
               extent.maxX == o.extent.maxX && extent.maxY == o.extent.maxY;
    }
};
struct MapState {
    std::vector<LayerView> layers;  // drawing order, bottom to top
    std::vector<Bookmark> bookmarks;
    std::string theme;              // the village theme ("" = the default)
    bool operator==(const MapState&) const = default;
};
inline constexpr const char* kMapLayersTable = "bando_map_layers";
inline constexpr const char* kBookmarksTable = "bando_bookmarks";

// The default state of `data` (defaultLayerState: order and visibility, opacity 1, no range).
MapState defaultMapState(const MapData& data);
// `saved` applied to `data`: its layers that `data` can draw, in its order, then the drawable
// layers it does not list at their default place (above their lower neighbour in the default
// order) and visibility. Bookmarks and theme are kept.
MapState mergeMapState(const MapData& data, const MapState& saved);
// Drag to reorder: moves `layer` directly above (drawn after) `target` when `above`, else
// directly below it. Both must be in the same group (render::layerGroup); false (and `state`
// unchanged) when they are not, when either is missing or when layer == target.
bool moveLayer(MapState& state, const std::string& layer, const std::string& target, bool above);
// Legend toggle: hides (or shows again) class `classIndex` of `layer`. False when the layer is
// not in the state or the index is negative.
bool setClassHidden(MapState& state, const std::string& layer, int classIndex, bool hidden);

// Validates (opacity 0..1, scales >= 0 and min <= max when both set, bookmark extents not
// empty): throws bando::Error(Usage, "layer <name>" / "bookmark <name>", …).
void validate(const MapState& state);
// Writes both tables in one transaction (validated first: a bad state writes nothing).
void saveMapState(ProjectStore& store, const MapState& state);
// The saved state, or an empty MapState when the project has none. Throws bando::Error(Usage)
// naming the project, the table and the row for a bad row.
MapState loadMapState(const ProjectStore& store);

// The settings fields the state drives: layer order, hidden layers (not visible), per-layer
// opacity, scale range and hidden classes.
void applyMapState(const MapState& state, MapSettings& settings);
// True when `layer` is drawn at `scaleDenominator` by its display range in `s`.
bool inDisplayRange(const MapSettings& s, const std::string& layer, double scaleDenominator);

// ---- legend rows ----
struct LegendRow {
    std::string label;  // translated into s.language (per class: the class label)
    int count = -1;     // features in the class (-1: not counted)
    Image swatch;       // ARGB32 premultiplied, drawn by the renderer's code
    int classIndex = -1;  // the class it stands for (setClassHidden); -1 = the whole layer
    bool hidden = false;  // the class is toggled off (listed so it can be turned on again)
};
// The rows of one layer's legend as the renderer draws it with `s`: one row per class of its
// style (hidden classes of s.display included, flagged) (s.styles, or style::defaultStyle for point layers), else one row in its built-in look
// (layerStyle). `sizePx` is the swatch's side in pixels.
std::vector<LegendRow> layerLegendRows(const MapData& data, const MapSettings& s, const std::string& layer,
                                       int sizePx = 20);

} // namespace bando::render
