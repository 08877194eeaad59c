#pragma once
// The style model: how one layer is drawn (single symbol, categorized, graduated, kernel density
// heatmap), its classification methods and the colour ramps. Device-independent: the renderer
// (core/render) draws it, `bando render --style FILE` reads it from JSON, the project keeps it in
// the `bando_styles` table (style_store.hpp), the app edits it.
#include <cstdint>
#include <string>
#include <vector>

namespace bando::style {

enum class Renderer { Single, Categorized, Graduated, Heatmap };
enum class Method { Jenks, Quantile, EqualInterval, Pretty, FixedInterval, Manual };
// Point symbols; lines and polygons ignore the symbol.
enum class Symbol { Circle, Square, Triangle, Diamond };

struct Category {
    std::string value;     // the field's value as text ("" matches empty / NULL)
    uint32_t colour = 0;   // 0xRRGGBB
    std::string label;     // "" = the value
    bool visible = true;   // per-class legend toggle
};

struct Style {
    std::string layer;
    Renderer renderer = Renderer::Single;
    std::string field;  // categorized / graduated: the classified field

    // Symbol (points), fill (polygons) or stroke (lines).
    Symbol symbol = Symbol::Circle;
    double sizePt = 2.0;          // marker radius in points at kReferenceScale
    bool scaleWithZoom = true;    // markers grow when zoomed in (clamped, see markerRadiusPt)
    uint32_t colour = 0x0072b2;   // single symbol
    uint32_t strokeColour = 0xffffff;
    double strokeWidthPt = 0.4;   // 0 = no outline
    double opacity = 1;           // whole layer, 0..1

    // Categorized: empty = one category per distinct value (sorted), coloured from `ramp`.
    std::vector<Category> categories;
    // Graduated.
    Method method = Method::Jenks;
    int classes = 5;
    double interval = 0;          // FixedInterval: class width in field units
    std::vector<double> edges;    // Manual: k+1 class edges, ascending
    // Colour ramp name (rampNames()); "" = the default for the renderer: "OkabeIto"
    // (categorized), "YlGnBu" (graduated), "YlOrRd" (heatmap) — all colour-blind safe.
    std::string ramp;

    // Heatmap: kernel radius in metres on the ground (never pixels), and the density drawn at
    // full colour in points per km² (0 = the highest density of the layer).
    double radiusM = 1500;
    double maxDensity = 0;

    // Visibility scale range as scale denominators (0 = no limit): drawn when
    // minScale <= current denominator <= maxScale.
    double minScale = 0, maxScale = 0;

    // Labels: the field drawn beside each feature ("" = none), its priority field (a larger
    // value wins the space; "" = feature order), halo, size and visibility scale range.
    std::string labelField;
    std::string labelPriorityField;
    double labelSizePt = 7.5;
    bool labelHalo = true;
    double labelMaxScale = 0;  // labels only when the denominator <= this (0 = always)

    // Throws bando::Error(Usage, "style <layer>", …) naming the bad option.
    void validate() const;
};

// Markers are sized for this scale (1:250,000, the province on a screen); closer views grow
// them by sqrt(kReferenceScale / denominator), clamped to [0.6, 3].
inline constexpr double kReferenceScale = 250000;
double markerRadiusPt(const Style& s, double scaleDenominator);

// ---- classification: k+1 ascending class edges (edges[0] <= min, edges[k] >= max) ----
// Values that are not finite are ignored. With fewer distinct values than classes, fewer
// classes come back (never an empty class from Jenks or Quantile).
// Exact Fisher–Jenks natural breaks (minimum within-class sum of squared deviations; dynamic
// programming over the distinct values, weighted by their counts).
std::vector<double> jenksEdges(std::vector<double> values, int classes);
std::vector<double> quantileEdges(std::vector<double> values, int classes);
std::vector<double> equalIntervalEdges(const std::vector<double>& values, int classes);
// Exactly `classes` classes of one "nice" width (1, 2, 2.5 or 5 × 10^n) covering the values.
std::vector<double> prettyEdges(const std::vector<double>& values, int classes);
// Classes of width `interval` aligned on multiples of it (at most 100 classes).
std::vector<double> fixedIntervalEdges(const std::vector<double>& values, double interval);
// Edges for `s` (graduated) from the values.
std::vector<double> classEdges(const Style& s, const std::vector<double>& values);
// Class of v for edges (class i covers (edges[i], edges[i+1]], class 0 includes edges[0]);
// -1 outside or NaN.
int classIndex(const std::vector<double>& edges, double v);
// Within-class sum of squared deviations of a classification (the quantity Jenks minimises).
double sumSquaredDeviations(const std::vector<double>& values, const std::vector<double>& edges);

// Histogram of the finite values in `bins` bins of equal width from min to max (the editor's
// view of the breaks); empty counts when there is no finite value.
struct Histogram {
    double min = 0, max = 0;
    std::vector<int> counts;
};
Histogram histogram(const std::vector<double>& values, int bins);
// Typed class edges ("0, 50; 120 400"): numbers separated by commas, semicolons or spaces,
// strictly ascending, at least two. Throws bando::Error(Usage, "breaks", …) otherwise.
std::vector<double> parseEdges(const std::string& text);

// ---- colour ramps ----
struct RampInfo {
    const char* name;
    const char* kind;            // "sequential", "diverging", "qualitative"
    bool colourBlindSafe;        // ColorBrewer's flag (qualitative: for every class count offered)
    std::vector<uint32_t> stops;
};
const std::vector<RampInfo>& ramps();
const RampInfo* rampInfo(const std::string& name);  // nullptr when unknown
std::string defaultRamp(Renderer r);
// `n` colours of the ramp: qualitative ramps take their colours in order (cycling), the others
// are interpolated evenly.
std::vector<uint32_t> rampColours(const std::string& name, int n);
// A colour at t in [0, 1] along the ramp (interpolated).
uint32_t rampAt(const std::string& name, double t);

// ---- names and JSON ----
const char* rendererName(Renderer r);  // "single", "categorized", "graduated", "heatmap"
const char* methodName(Method m);      // "jenks", "quantile", "equal", "pretty", "fixed", "manual"
const char* symbolName(Symbol s);      // "circle", "square", "triangle", "diamond"
// One style or an array / {"styles": [...]} of styles. Colours are "#rrggbb". Throws
// bando::Error(Usage, source, …) naming the source, the style and the bad key.
std::vector<Style> parseStyles(const std::string& json, const std::string& source);
std::string toJson(const Style& s);
std::string toJson(const std::vector<Style>& styles);
// Reads a style file; throws bando::Error(Io) naming the file when it cannot be read.
std::vector<Style> readStyleFile(const std::string& path);

// The styles the map starts from for the sample's point layers (shops by marketplace, sites by
// operator, broadband nodes by kind, settlements), and for any other layer a single symbol.
Style defaultStyle(const std::string& layer);

} // namespace bando::style
