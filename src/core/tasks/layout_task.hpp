#pragma once
// Layout: the project map on a print layout, or an atlas of it (`bando render --layout
// TEMPLATE`, `bando render --atlas LAYER [--where EXPR]`). One page from the template's "map"
// page (the whole province, or --district), or one page per feature of LAYER (districts or
// communes) matching the OGR SQL attribute filter WHERE, after a cover with the overview and a
// table of contents. Output: PDF (every page), PNG at dpi or SVG (one file per page).
#include "core/base/feedback.hpp"
#include "core/layout/layout.hpp"

#include <string>
#include <vector>

namespace bando::tasks {

struct LayoutRequest {
    std::string project;
    std::string out;                 // FILE.pdf | FILE.png | FILE.svg
    std::string layout;              // --layout TEMPLATE: "" = "map" (single page) or "atlas"
    std::string atlas;               // --atlas LAYER: districts | communes ("" = one map page)
    std::string where;               // --where EXPR: OGR SQL filter on LAYER's attributes
    std::string units;               // --units v2025-07 (atlas communes): page by the units of that version (bando units)
    std::string district;            // --district CODE (single page): zoom to it
    std::string theme = "density";   // --theme
    std::string title;               // --title: "" = the default
    std::string paper;               // --paper: "" = the template's
    int landscape = -1;              // -1 = the template's
    double dpi = 150;                // PNG
    bool villageLabels = true;       // --no-labels: no village names even where the template has them
    std::string grid;                // --grid wgs84|tm3|none: "" = the template's coordinate grid
    void validate() const;
};

struct LayoutResult {
    std::string out;
    std::vector<std::string> files;
    int pages = 0;
    std::vector<std::string> units;  // atlas: the units' codes, in page order
    double loadSeconds = 0, renderSeconds = 0;
};

LayoutResult run(const LayoutRequest& request, Feedback& fb);

// The document run() writes, without writing it (the app's page preview draws its first page).
// Validates the request; throws like run().
layout::Document buildLayoutDocument(const LayoutRequest& request, Feedback& fb);

} // namespace bando::tasks
