#pragma once
// Render: the project map written to a PNG image or a vector PDF (`bando render`, the app's
// File → Export PNG / PDF).
//
// Export defaults — one policy for both (the request's defaults below):
//   * PNG without a size or a paper: 1920 × 1080 pixels at 96 dpi (kDefaultWidthPx/HeightPx,
//     kScreenDpi); with widthPx × heightPx: that many pixels at `dpi` (96 when 0);
//   * PNG on a paper size: the page at render::kPaperPngDpi (150 dpi);
//   * PDF without a size or a paper: A3 (kDefaultPaper) landscape; on a paper or with a size:
//     that page in points (72 per inch), text and lines as vectors;
//   * the export of a view the app shows (fitView): PNG at kViewExportScale times the view's
//     pixel size and dpi; PDF on the default paper in the view's orientation.
#include "core/base/feedback.hpp"
#include "core/model/geometry.hpp"
#include "core/render/map_renderer.hpp"
#include "core/style/style.hpp"

#include <memory>
#include <string>
#include <vector>

namespace bando::tasks {

struct RenderRequest {
    static constexpr int kDefaultWidthPx = 1920;   // PNG without --size / --paper
    static constexpr int kDefaultHeightPx = 1080;
    static constexpr double kScreenDpi = 96;       // symbol sizes of a pixel image
    static constexpr const char* kDefaultPaper = "A3";  // PDF without --size / --paper
    static constexpr int kViewExportScale = 2;     // the app's PNG: twice the window's pixels
    static constexpr int kMaxSizePx = 20000;

    std::string project;  // the project file (read only); names the project in errors
    std::string out;      // FILE.png or FILE.pdf (written beside, renamed when complete)
    // Already loaded map data (the app exports what it shows without reloading); null = load
    // the layers the theme needs from `project`.
    std::shared_ptr<const render::MapData> data;

    // Output size: pixels (PNG) or points (PDF); 0 × 0 = the defaults above. Excludes `paper`.
    int widthPx = 0, heightPx = 0;
    std::string paper;       // "", "A4" or "A3" (--paper)
    bool landscape = false;  // with a paper only (--landscape)
    double dpi = 0;          // symbol sizes of a PNG of widthPx × heightPx; 0 = kScreenDpi

    std::string district;             // zoom to and highlight this district (GSO code)
    std::string units;                // --units v2024-12|v2025-07: communes of that version (bando units); "" = the project's
    std::string theme = "density";    // village theme (render::themeTable())
    std::string titleText;            // "" = the default title in the current language
    bool title = true, legend = true, scaleBar = true, northArrow = true;
    std::vector<std::string> hiddenLayers;  // layers not drawn
    std::vector<std::string> layerOrder;    // bottom to top; empty = render::defaultLayerState()
    Extent extent;                          // an explicit view (the app's canvas); empty = the map
    std::string language;                   // "vi" / "en"; "" = the current language
    // Layer styles (core/style): the project's saved styles (table bando_styles), then those
    // of `styleFile` (--style FILE, JSON), then `styles`, each replacing earlier ones of the
    // same layer. A styled layer is drawn (shown even when the default map hides it) unless
    // listed in hiddenLayers or saved as not visible.
    std::string styleFile;
    std::vector<style::Style> styles;
    bool projectStyles = true;  // read the project's saved styles (only when loading it)
    // The project's saved map state (table bando_map_layers, the app's layer tree: order,
    // visibility, opacity, scale ranges), read when loading the project: `layerOrder` replaces
    // its order, `hiddenLayers` hide more, and a layer styled by `styleFile` or `styles` is
    // drawn even when saved as not visible. Ignored when `data` is given (the app passes its
    // view's state in layerOrder / hiddenLayers / display).
    bool projectState = true;
    // Per-layer opacity and scale range, replacing the saved ones of the same layer.
    std::vector<render::MapSettings::LayerDisplay> display;

    // Throws bando::Error(Usage) naming the offending option (the messages of `bando render`).
    void validate() const;
    // The output format from `out` (validate() has checked it).
    render::OutputFormat format() const;
    // The app's export of a view of viewWidthPx × viewHeightPx pixels at kScreenDpi (see the
    // policy above); `out` must be set first.
    void fitView(int viewWidthPx, int viewHeightPx);
};

struct RenderResult {
    std::string out;
    render::OutputFormat format = render::OutputFormat::Png;
    int widthPx = 0, heightPx = 0;  // as written: pixels (PNG) or points (PDF)
    double dpi = 0;
    double loadSeconds = 0;    // reading the project (0 when the request carried the data)
    double renderSeconds = 0;  // drawing and writing the file
    std::vector<std::string> styledLayers;  // layers drawn with a style, in drawing order
};

RenderResult run(const RenderRequest& request, Feedback& fb);

} // namespace bando::tasks
