#pragma once
// Layers drawn with a style (core/style): the per-feature classes of a style on a MapData
// (computed once and cached per MapData generation), point markers drawn once and reused,
// lines and polygons by class, and the kernel density heatmap. Used by renderMap (map_renderer)
// for the screen, PNG and PDF alike.
#include "core/render/map_renderer.hpp"
#include "core/style/style.hpp"

#include <memory>
#include <string>
#include <vector>

namespace bando::render {

// A style applied to the features of one layer of a MapData (device-independent).
struct ResolvedStyle {
    style::Style style;
    int layerIndex = -1;
    std::vector<int> featureClass;       // per feature; -1 = not drawn
    std::vector<uint32_t> colours;       // per class
    std::vector<std::string> labels;     // per class (the "No data" class has an empty label)
    std::vector<int> counts;             // features per class
    std::vector<char> visible;           // per class (legend toggles)
    std::vector<double> edges;           // graduated: k+1 class edges
    int noDataClass = -1;                // the grey class of features without a value, if any
    double maxDensity = 0;               // heatmap: points per km² at full colour
};
// Classes for `s` on its layer (nullptr when the layer is absent). Cached: the same MapData
// generation and style give the same object.
std::shared_ptr<const ResolvedStyle> resolveStyle(const MapData& data, const style::Style& s);
// The style renderMap uses for layer `name`: the one in s.styles, else for point layers
// style::defaultStyle(name); nullptr for lines/polygons without a style (their built-in look).
const style::Style* styleFor(const MapSettings& s, const MapData& data, const std::string& name,
                             style::Style& scratch);

// Kernel density of a point layer on a device grid (cell = cellPx device units), in points per
// km²: the quartic (biweight) kernel 3 / (π r²) · (1 − d²/r²)² with r = radiusM metres on the
// ground, evaluated at cell centres.
struct DensityGrid {
    int width = 0, height = 0;  // cells
    double cellPx = 1;
    std::vector<float> perKm2;  // row-major
    float at(int x, int y) const { return perKm2[static_cast<size_t>(y) * width + x]; }
};
DensityGrid densityGrid(const Layer& points, double radiusM, const ViewTransform& vt, int widthPx, int heightPx,
                        double cellPx, const Feedback* fb = nullptr);
// The highest density of the layer (points per km²), on a ground grid of radiusM / 8.
double maxDensity(const Layer& points, double radiusM);

// Everything drawStyledLayer needs from the renderer.
struct LabelCandidate {
    double x = 0, y = 0;      // anchor, device units
    double offset = 0;        // marker radius: the label goes beside it
    std::string text;
    double priority = 0;      // larger first
    double sizePt = 7.5;
    bool halo = true;
    bool centred = false;     // an area's name: centred on the anchor first, else beside it
    uint32_t colour = 0x1a1a1a;  // 0xRRGGBB
};
struct DrawContext {
    cairo_t* cr = nullptr;
    const MapData* data = nullptr;
    ViewTransform vt;
    Extent view;
    double pt = 1;             // device units per point
    bool raster = true;        // image surface: markers are stamped as pixels
    int widthPx = 0, heightPx = 0;
    double scaleDenominator = 0;
    double tol = 0.5;
    const Feedback* fb = nullptr;
    std::vector<LabelCandidate>* labels = nullptr;
    const std::vector<int>* hiddenClasses = nullptr;  // legend toggles (class indices); may be null
};
// Draws layer `rs` (respecting its scale range and opacity).
void drawStyledLayer(const DrawContext& ctx, const ResolvedStyle& rs);
// One marker of style `s` in colour `fill` at (cx, cy), radius r device units (legends).
void drawMarkerAt(cairo_t* cr, const style::Style& s, uint32_t fill, double cx, double cy, double r, double pt);
// True when the style's scale range includes the denominator.
bool inScaleRange(const style::Style& s, double scaleDenominator);

} // namespace bando::render
