#pragma once
// The one map renderer: draws a project onto any cairo_t (PNG image, vector PDF, the screen).
// Design (QGIS map renderer jobs, Mapnik's one-traversal-any-surface):
//   * MapData is an immutable snapshot of the project's layers in the map CRS, built once on
//     the calling thread and shared (shared_ptr<const>) with render workers; workers never
//     touch the ProjectStore.
//   * MapSettings is a value: extent, size, dpi, visible layers, decorations, language.
//   * renderMap() draws synchronously and checks the Feedback every N features.
//   * RenderJob renders into an ARGB32 image on a worker thread: start() returns at once,
//     cancel() never blocks, wait() blocks, the destructor cancels then joins.
#include "core/analysis/classify.hpp"
#include "core/base/feedback.hpp"
#include "core/model/layer.hpp"
#include "core/render/dem.hpp"
#include "core/style/style.hpp"

#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

typedef struct _cairo cairo_t;
typedef struct _cairo_surface cairo_surface_t;

namespace bando {
class ProjectStore;
}

namespace bando::render {

// Immutable snapshot of the project for drawing, coordinates in `epsg` (default EPSG:9215).
struct MapData {
    int epsg = 9215;
    std::vector<Layer> layers;  // every project layer (or the subset asked for), reprojected
    Extent extent;              // full extent of all layers, map CRS
    std::string projectTitle;   // e.g. "Lạng Sơn"
    analysis::Thresholds thresholds;  // the project's village classification settings
    // The rows of the `village_indicators` table (bando analyze) at its latest date; empty when
    // the project has not been analysed. Feeds the analysis themes.
    Layer indicators;
    // The project's DEM (hillshade.hpp: loadDem) in the map CRS; empty when it has none.
    DemGrid dem;
    HillshadeParams hillshadeLight;

    const Layer* layer(const std::string& name) const;

    // ---- device-independent data precomputed by prepare() (loadMapData calls it) ----
    // A thematic classification of the villages layer (map_style.hpp: themeTable()).
    struct Theme {
        std::string name;
        std::string legendTitle;               // English msgid, translated when drawn
        std::vector<uint32_t> colours;         // 0xRRGGBB per class
        std::vector<std::string> classLabels;  // per class; msgids when labelsTranslatable
        bool labelsTranslatable = false;
        std::vector<int> villageClass;         // per village feature; -1 = no data
        std::vector<int> classCounts;          // villages per class
        std::vector<double> breaks;            // upper bounds of classes 0..n-2 (numeric themes)
        std::vector<double> villageValue;      // the classified value per village (NaN = none)
    };
    std::vector<Theme> themes;
    std::vector<std::vector<Extent>> featureExtents;  // parallel to layers / features
    std::vector<double> villageDensity;    // households per km² (area in the map CRS); NaN = no area
    std::vector<XY> districtLabelPoints;   // interior point per district feature
    std::vector<XY> communeLabelPoints;    // interior point per commune feature
    // The hillshade of `dem` as a premultiplied ARGB32 overlay, one pixel per cell
    // (dem.hpp: hillshade, hillshadeOverlay); empty without a DEM.
    std::vector<uint32_t> hillshadeImage;
    double meanVillageSize = 0;            // sqrt of the mean village area (map units)
    bool prepared = false;
    uint64_t generation = 0;  // a fresh id per prepare(): keys the renderer's style caches

    // Computes the caches above from `layers` (call again after changing layers).
    void prepare(const Feedback* fb = nullptr);
    const Theme* theme(const std::string& name) const;  // nullptr when not available
    int layerIndex(const std::string& name) const;        // -1 when absent
};

// Loads every layer of the project (or only `onlyLayers` when not empty; unknown names are
// ignored) and reprojects it; cancellable.
std::shared_ptr<const MapData> loadMapData(const ProjectStore& store, int epsg = 9215,
                                           const Feedback* fb = nullptr,
                                           const std::vector<std::string>& onlyLayers = {});
// The layers renderMap draws for a theme (core layers + the theme's inputs), for onlyLayers.
std::vector<std::string> layersForTheme(const std::string& theme);

struct MapSettings {
    Extent extent;             // area to show, map CRS; widened to the output's aspect ratio
    int widthPx = 1024;        // output size in device units (pixels, or points for PDF)
    int heightPx = 768;
    double dpi = 96;           // for symbol sizes (PDF: 72 device units per inch)
    std::vector<std::string> hiddenLayers;   // layers not drawn
    // Bottom-to-top; empty = the visible layers of defaultLayerState() (map_style.hpp: villages,
    // communes, roads, districts, places). Other layers of MapData are drawn only when listed
    // here (points as dots, lines, outlines, in their layerStyle()).
    std::vector<std::string> layerOrder;
    std::string districtCode;  // if set, zoom to and highlight this district
    bool title = true, legend = true, scaleBar = true;
    std::string titleText;     // empty = default title in the current language
    std::string language;      // "vi" / "en"; empty = current i18n language
    std::string theme = "density";  // village theme: "density", "coverage", "shops"
    // A village theme computed outside MapData (the app's ranking panel re-colours the map as its
    // weights move, planning/rank_theme.hpp): drawn instead of `theme` when set.
    std::shared_ptr<const MapData::Theme> villageTheme;
    bool northArrow = true;
    // Per-layer styles (core/style): a layer with a style here is drawn with it — points as
    // markers drawn once and reused, lines, polygons, or a kernel density heatmap — and gets
    // a legend. Point layers without one use style::defaultStyle().
    std::vector<style::Style> styles;
    // Per-layer display (the layer tree, layer_tree.hpp): a layer listed here is drawn with this
    // opacity and only inside its scale range (denominators, 0 = no limit).
    struct LayerDisplay {
        std::string layer;
        double opacity = 1;
        double minScale = 0, maxScale = 0;
        // Legend toggles: classes not drawn (indices in legend order: the village theme's
        // classes for "villages", else the classes of the layer's style).
        std::vector<int> hiddenClasses;
    };
    std::vector<LayerDisplay> display;
    // Village names (6 pt, halo) on villages at least kVillageLabelMinPt across, larger
    // households first, placed with the other labels without overlapping them (print layouts);
    // with districtCode, only that district's villages.
    bool villageLabels = false;
};
inline constexpr double kVillageLabelMinPt = 6;  // a village narrower than the text is not named

// Page size in PostScript points for "A4"/"A3" (portrait unless landscape). Throws
// bando::Error(Usage) for other names.
void paperSizePoints(const std::string& paper, bool landscape, int& widthPt, int& heightPt);

// The mapping between map coordinates and device units used for a given settings value.
struct ViewTransform {
    double scale = 1;      // device units per map unit
    double originX = 0;    // map x at device x = 0
    double originY = 0;    // map y at device y = 0 (top)
    double toDeviceX(double x) const { return (x - originX) * scale; }
    double toDeviceY(double y) const { return (originY - y) * scale; }
    double toMapX(double dx) const { return originX + dx / scale; }
    double toMapY(double dy) const { return originY - dy / scale; }
};
// Fits s.extent (centred, aspect ratio kept) into widthPx × heightPx.
ViewTransform viewTransform(const MapSettings& s);
// The extent actually drawn for `s` on `data`: the district's extent when s.districtCode is set,
// else s.extent exactly as given (a canvas view), else the data extent; the district and data
// extents get margins (and room for the title). Throws bando::Error(Usage) for an unknown
// district code. renderMap draws with viewTransform(s, data).
Extent effectiveExtent(const MapSettings& s, const MapData& data);
ViewTransform viewTransform(const MapSettings& s, const MapData& data);
// The scale denominator of the drawn view (map CRS in metres): 250000 for 1:250,000.
double scaleDenominator(const MapSettings& s, const MapData& data);
// Legend swatches as drawn by renderMap for `s` (device units), for tests and hit-testing;
// classes hidden by a legend toggle are listed here but left out of the drawn legend.
struct LegendItem {
    double x = 0, y = 0, w = 0, h = 0;  // swatch rectangle
    uint32_t colour = 0;                // 0xRRGGBB
    std::string label;
    int count = 0;                      // villages in the class
    int classIndex = -1;                // the theme class (MapSettings::LayerDisplay::hiddenClasses)
};
std::vector<LegendItem> legendLayout(const MapData& data, const MapSettings& s);
// Names of the themes `data` can draw (density always; coverage/shops when their layers exist).
std::vector<std::string> availableThemes(const MapData& data);

// Draws the map synchronously on `cr` (device space = widthPx × heightPx). Throws
// CancelledError when `fb` is cancelled.
void renderMap(cairo_t* cr, const MapData& data, const MapSettings& settings, const Feedback* fb = nullptr);

// The labels of styled layers as renderMap places them (device boxes, in placement order):
// draws the map on `cr` and returns them (for tests and hit-testing).
struct PlacedLabel {
    Extent box;  // device units, y down
    std::string text;
};
std::vector<PlacedLabel> labelLayout(cairo_t* cr, const MapData& data, const MapSettings& settings);

enum class OutputFormat { Png, Pdf };
struct PaperSpec {
    std::string paper;  // "" (use widthPx/heightPx), "A4", "A3"
    bool landscape = false;
};
// Resolution of a PNG drawn on a paper size.
inline constexpr double kPaperPngDpi = 150;
// The format of an output file from its extension (.png / .pdf, any case); throws
// bando::Error(Usage) naming the file otherwise.
OutputFormat outputFormat(const std::string& path);
// The settings renderToFile draws with: on a paper size, the page in points (PDF, 72 dpi) or
// in pixels at kPaperPngDpi (PNG); without one, the given size (PDF: points at 72 dpi).
MapSettings outputSettings(MapSettings settings, OutputFormat format, const PaperSpec& paper);
// Renders to a PNG or PDF file (format from the extension, size from outputSettings). For PDF,
// text stays text with embedded fonts and lines stay vectors. The file is written beside the
// target and renamed only when complete, so a failure or a cancel leaves no partial output.
// Throws bando::Error(Io) naming the file on failure.
void renderToFile(const MapData& data, MapSettings settings, const std::string& path, const PaperSpec& paper = {},
                  const Feedback* fb = nullptr);

// Rendered ARGB32 (premultiplied) image.
struct Image {
    int width = 0, height = 0, stride = 0;
    std::vector<uint8_t> pixels;
};

class FrameCache;  // frame_cache.hpp

class RenderJob {
public:
    using Done = std::function<void(RenderJob&)>;  // called on the worker thread when finished
    RenderJob(std::shared_ptr<const MapData> data, MapSettings settings);
    ~RenderJob();  // cancels and joins
    RenderJob(const RenderJob&) = delete;
    RenderJob& operator=(const RenderJob&) = delete;

    // Renders through `cache` (the base layers kept per scale and moved on pan); set before start().
    void setFrameCache(std::shared_ptr<FrameCache> cache) { m_cache = std::move(cache); }
    void start(Done onDone = {});  // returns at once
    void cancel();                 // never blocks
    void wait();                   // blocks until the worker has finished
    bool isFinished() const { return m_finished.load(); }
    bool wasCancelled() const { return m_feedback.isCancelled(); }
    std::exception_ptr error() const { return m_error; }
    const MapSettings& settings() const { return m_settings; }
    // Valid after a successful finish.
    const Image& image() const { return m_image; }
    double elapsedSeconds() const { return m_elapsed; }

private:
    std::shared_ptr<const MapData> m_data;
    MapSettings m_settings;
    std::shared_ptr<FrameCache> m_cache;
    Feedback m_feedback;
    std::thread m_thread;
    std::atomic<bool> m_finished{false};
    std::exception_ptr m_error;
    Image m_image;
    double m_elapsed = 0;
};

} // namespace bando::render
