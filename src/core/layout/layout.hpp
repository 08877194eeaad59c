#pragma once
// Print layouts (issue #12): pages of positioned items drawn with Cairo into a vector PDF
// (several pages, metadata, outline), PNG at a chosen dpi or SVG. The map frame is the shared
// renderer (render::renderMap) drawn into the frame's rectangle; every other item — title, text
// blocks, legend of the classes present in the frame, 1-2-5 scale bar, north arrow, overview
// inset, table, bar chart, table of contents — is drawn here. Units are PostScript points with
// the origin at the page's top-left corner. No text is drawn smaller than kMinTextPt.
//
// Templates (template.hpp) place the items; the report and atlas builders (core/report) fill
// them with content. The document is a plain value: building it reads nothing, writing it draws.
#include "core/base/feedback.hpp"
#include "core/render/map_renderer.hpp"

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

typedef struct _cairo cairo_t;

namespace bando {
class ProjectStore;
}

namespace bando::layout {

inline constexpr double kMinTextPt = 6;

// Page size in points for A4, A3, A2, A1 or A0 (portrait unless landscape). Throws
// bando::Error(Usage, option) for another name.
void paperSize(const std::string& paper, bool landscape, double& widthPt, double& heightPt,
               const std::string& option = "--paper");

struct Rect {
    double x = 0, y = 0, w = 0, h = 0;
};

enum class ItemType { Map, Title, Text, Legend, ScaleBar, NorthArrow, Overview, Table, Chart, Toc, Rule };

struct TableData {
    std::vector<std::string> header;
    std::vector<double> widths;  // relative column widths (any scale); empty = equal
    std::vector<bool> numeric;   // right-aligned columns
    std::vector<std::vector<std::string>> rows;
};

struct ChartSeries {
    std::string name;
    uint32_t colour = 0x4477aa;  // 0xRRGGBB
    std::vector<double> values;  // one per label
};
// A dated series of a time-series chart: cumulative values at the end of days.
struct TimeSeries {
    std::string name;
    uint32_t colour = 0x4477aa;
    std::vector<int> days;       // days since 1970-01-01 (planning::dayNumber), ascending
    std::vector<double> values;  // one per day
    double target = NAN;         // a dashed horizontal line in the series' colour (NaN = none)
    bool points = false;         // reported figures: markers, no line
};
// Horizontal grouped bars, one group per label; an optional target mark per label. With
// timeSeries, a line chart over dates instead (labels / series / targets unused): the x axis
// from the first to the last day (month ticks), the y axis from 0 with 1-2-5 ticks.
struct ChartData {
    std::string title;
    std::vector<std::string> labels;
    std::vector<ChartSeries> series;
    std::vector<double> targets;  // empty or one per label (NaN = none)
    std::string targetName;
    std::vector<TimeSeries> timeSeries;
};

struct TocEntry {
    std::string title;
    int page = 0;  // 1-based page number in the document
};

struct Item {
    ItemType type = ItemType::Text;
    Rect box;
    double fontPt = 9;    // raised to kMinTextPt when smaller
    bool bold = false;
    bool centred = false;
    bool framed = false;  // a thin border (text blocks)
    std::string text;     // Title / Text (lines separated by '\n', wrapped to the box)
    // Map and Overview: the map shown. Map: settings.extent or settings.districtCode choose the
    // view; the size is the box's. Overview: the whole map with the frame of item `mapRef`.
    render::MapSettings map;
    std::vector<std::string> highlight;  // Map: codes of communes outlined (atlas of communes)
    std::string grid;  // Map: coordinate grid "wgs84" (graticule) | "tm3" (the map's TM-3 metres) | "" none
    int mapRef = -1;  // Legend, ScaleBar, Overview: index of the Map item they describe
    TableData table;
    ChartData chart;
    std::vector<TocEntry> toc;
};

struct Page {
    std::vector<Item> items;
    std::string outline;  // the PDF bookmark of the page ("" = none)
};

struct Document {
    double widthPt = 1191, heightPt = 842;  // A3 landscape
    std::string title, subject, author, keywords;
    std::string language;  // "vi" / "en" for translated labels; "" = the current language
    std::shared_ptr<const render::MapData> data;
    std::vector<Page> pages;
    // The saved map's per-layer display (the app's layer tree: legend toggles, opacity, scale
    // range; savedDisplay()), applied to every map frame whose own settings carry none: a class
    // hidden on the map is neither drawn nor listed in the legend.
    std::vector<render::MapSettings::LayerDisplay> display;
    // The village theme those toggles were saved with ("" = density): the village classes they
    // hide apply only to frames drawing that theme (class indices differ between themes).
    std::string displayTheme;
};

// The per-layer display the project's saved map state gives `data` (table bando_map_layers,
// through render::loadMapState / mergeMapState / applyMapState, as `bando render` reads it);
// empty when none is saved. `theme` receives the saved village theme.
std::vector<render::MapSettings::LayerDisplay> savedDisplay(const ProjectStore& store, const render::MapData& data,
                                                            std::string* theme = nullptr);

enum class Format { Pdf, Png, Svg };
// The format from the extension (.pdf, .png, .svg, any case); throws bando::Error(Usage) naming
// the file otherwise.
Format formatOf(const std::string& path);

// The file written for page `page` (0-based) of a PNG or SVG export: `path` for the first page,
// "<stem>-<n><ext>" for page n ≥ 2 (a PDF holds every page in `path`).
std::string pageFile(const std::string& path, size_t page);

// Writes the document: PDF (every page, vector, fonts embedded, metadata and bookmarks), or one
// PNG (at `dpi`) / SVG per page (pageFile). Each file is written beside its target and renamed
// when complete. Returns the files written. Throws CancelledError when `fb` is cancelled.
std::vector<std::string> write(const Document& doc, const std::string& path, double dpi = 150,
                               const Feedback* fb = nullptr);

// Draws one page on `cr` (user space in points, page top-left at 0, 0).
void drawPage(cairo_t* cr, const Document& doc, const Page& page, const Feedback* fb = nullptr);

// ---- measurements the builders use ----

// Rows of `fontPt` text a table item of height `h` holds below its header.
int tableRowsThatFit(double h, double fontPt);
// The legend entries of a Map item as drawn: the theme's classes present in the frame (label,
// colour), in class order, then "No data" when a village without data is in the frame.
struct LegendEntry {
    std::string label;
    uint32_t colour = 0;
};
std::vector<LegendEntry> legendEntries(const Document& doc, const Item& mapItem);
// The length (metres) of the scale bar of a Map item: a 1-2-5 round number no longer than
// `maxFraction` of the frame's width.
double scaleBarMetres(const Document& doc, const Item& mapItem, double maxFraction = 0.3);
// A 1, 2 or 5 × 10^k length not above `maxLen` (0 for maxLen ≤ 0).
double roundLength125(double maxLen);
// The map extent drawn in a Map item (the renderer's view fitted to the box).
Extent frameExtent(const Document& doc, const Item& mapItem);
// The coordinate grid of a Map item (Item::grid): lines of equal longitude / latitude (wgs84,
// every 1-2-5 degrees or 30', 20', 15', 10', 5', 2', 1') or of equal easting / northing in the
// map's VN-2000 TM-3 CRS (tm3, 1-2-5 x 10^k metres), 4 to 12 across the frame's longer side,
// in page points, each with its label and the points where it meets the frame's edge.
struct GridLine {
    double value = 0;       // degrees (wgs84) or metres (tm3)
    bool vertical = false;  // a meridian / easting line (labelled at the top and bottom edges)
    std::string label;      // "106°45′" or "450.000" / "450,000"
    std::vector<XY> points;  // the line, page points (drawn clipped to the frame)
    std::vector<XY> ends;    // where it meets the frame's edge, page points
};
struct Grid {
    int epsg = 0;          // the grid's CRS (4326 or the map's)
    double interval = 0;   // degrees or metres
    std::vector<GridLine> lines;
};
Grid gridLayout(const Document& doc, const Item& mapItem);
// 106.75 as "106°45′" (degrees and minutes; seconds when not whole minutes).
std::string formatDegrees(double deg);

// 12345 as "12,345" (en) or "12.345" (vi).
std::string thousands(int64_t n, const std::string& language);

} // namespace bando::layout
