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
#include "core/base/feedback.hpp"
#include "core/model/layer.hpp"

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
    std::vector<Layer> layers;  // every project layer, reprojected
    Extent extent;              // full extent of all layers, map CRS
    std::string projectTitle;   // e.g. "Lạng Sơn"

    const Layer* layer(const std::string& name) const;
};

// Loads every layer of the project and reprojects it; cancellable.
std::shared_ptr<const MapData> loadMapData(const ProjectStore& store, int epsg = 9215,
                                           const Feedback* fb = nullptr);

struct MapSettings {
    Extent extent;             // area to show, map CRS; widened to the output's aspect ratio
    int widthPx = 1024;        // output size in device units (pixels, or points for PDF)
    int heightPx = 768;
    double dpi = 96;           // for symbol sizes (PDF: 72 device units per inch)
    std::vector<std::string> hiddenLayers;   // layers not drawn
    std::vector<std::string> layerOrder;     // bottom-to-top; empty = default order
    std::string districtCode;  // if set, zoom to and highlight this district
    bool title = true, legend = true, scaleBar = true;
    std::string titleText;     // empty = default title in the current language
    std::string language;      // "vi" / "en"; empty = current i18n language
};

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
ViewTransform viewTransform(const MapSettings& s);

// Draws the map synchronously on `cr` (device space = widthPx × heightPx). Throws
// CancelledError when `fb` is cancelled.
void renderMap(cairo_t* cr, const MapData& data, const MapSettings& settings, const Feedback* fb = nullptr);

enum class OutputFormat { Png, Pdf };
struct PaperSpec {
    std::string paper;  // "" (use widthPx/heightPx), "A4", "A3"
    bool landscape = false;
};
// Renders to a PNG or PDF file (format from the extension). For PDF, text stays text with
// embedded fonts and lines stay vectors. Throws bando::Error(Io) naming the file on failure.
void renderToFile(const MapData& data, MapSettings settings, const std::string& path, const PaperSpec& paper = {},
                  const Feedback* fb = nullptr);

// Rendered ARGB32 (premultiplied) image.
struct Image {
    int width = 0, height = 0, stride = 0;
    std::vector<uint8_t> pixels;
};

class RenderJob {
public:
    using Done = std::function<void(RenderJob&)>;  // called on the worker thread when finished
    RenderJob(std::shared_ptr<const MapData> data, MapSettings settings);
    ~RenderJob();  // cancels and joins
    RenderJob(const RenderJob&) = delete;
    RenderJob& operator=(const RenderJob&) = delete;

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
    Feedback m_feedback;
    std::thread m_thread;
    std::atomic<bool> m_finished{false};
    std::exception_ptr m_error;
    Image m_image;
    double m_elapsed = 0;
};

} // namespace bando::render
