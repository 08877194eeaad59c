#pragma once
// Layout templates: JSON files placing the items of each kind of page (resources/layouts/
// <name>.json, one default per report kind, or a user file given by path). Boxes are fractions
// of the page's content area (inside the margins), so one template serves A4 to A0.
//
//   { "name": "gaps", "paper": "A3", "landscape": true, "margin_mm": 12,
//     "pages": { "cover": [ITEM…], "map": [ITEM…], "table": [ITEM…] } }
//   ITEM = { "type": "map|title|text|legend|scalebar|north|overview|table|chart|toc|rule",
//            "box": [x, y, w, h], "font_pt": 9, "bold": false, "centred": false,
//            "framed": false, "text": "… {placeholder} …",
//            "village_labels": false, "grid": "" }   (the last two: map items only)
// Text placeholders ({title}, {subtitle}, {project}, {date}, {sources}, {crs}, {thresholds},
// {notice}, {page}, {pages}, {created}, …) are filled by the builder; unknown ones stay empty.
// A "map" item draws the page's map, "table" / "chart" / "toc" the page's table, chart and
// table of contents. No font below 6 pt is accepted.
#include "core/layout/layout.hpp"

#include <map>
#include <string>
#include <vector>

namespace bando::layout {

struct TemplateItem {
    ItemType type = ItemType::Text;
    Rect box;  // fractions of the content area
    double fontPt = 9;
    bool bold = false, centred = false, framed = false;
    std::string text;
    bool villageLabels = false;  // map: "village_labels": village names on the frame
    std::string grid;            // map: "grid": "wgs84" | "tm3" coordinate grid ("" = none)
};

struct Template {
    std::string name;
    std::string source;  // the file it was read from (errors name it)
    std::string paper = "A3";
    bool landscape = true;
    double marginMm = 12;
    std::map<std::string, std::vector<TemplateItem>> pages;  // page kind -> items

    bool hasPage(const std::string& kind) const { return pages.count(kind) > 0; }
    // Page size in points (paper, orientation).
    void pageSize(double& widthPt, double& heightPt) const;
    // The box of a template item on the page, in points.
    Rect place(const Rect& fraction) const;
    // Rows the first table item of page `kind` holds (0 when it has none).
    int tableRows(const std::string& kind) const;
};

// Reads a template: a name without a path separator or extension ("gaps", "map", "plan",
// "atlas") is a default of resources/layouts/, anything else a JSON file. Throws
// bando::Error(Usage, option) naming the file, with the line of a JSON error.
Template loadTemplate(const std::string& nameOrPath, const std::string& option = "--layout");
Template parseTemplate(const std::string& json, const std::string& source);

// What a builder puts on one page.
struct PageFill {
    std::map<std::string, std::string> vars;  // placeholder -> text
    render::MapSettings map;                  // the map items' view (extent / district / theme)
    std::vector<std::string> highlight;       // communes outlined on the map
    TableData table;
    ChartData chart;
    std::vector<TocEntry> toc;
    std::string outline;
    bool villageLabels = true;  // false: no village names even where the template asks for them
    std::string grid = "-";     // "-" = the template's grid; "" = none; "wgs84" | "tm3"
};

// The page of kind `kind` with its items placed and filled. Throws bando::Error(Usage) when the
// template has no such page.
Page instantiate(const Template& t, const std::string& kind, const PageFill& fill);
// "{a} and {b}" with the vars filled.
std::string substitute(const std::string& text, const std::map<std::string, std::string>& vars);

} // namespace bando::layout
