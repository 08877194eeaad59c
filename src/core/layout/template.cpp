#include "core/layout/template.hpp"

#include "core/base/error.hpp"
#include "core/base/resources.hpp"

#include <cpl_json.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace bando::layout {
namespace {

ItemType itemType(const std::string& s, const std::string& source)
{
    static const std::map<std::string, ItemType> kTypes = {
        {"map", ItemType::Map},           {"title", ItemType::Title},       {"text", ItemType::Text},
        {"legend", ItemType::Legend},     {"scalebar", ItemType::ScaleBar}, {"north", ItemType::NorthArrow},
        {"overview", ItemType::Overview}, {"table", ItemType::Table},       {"chart", ItemType::Chart},
        {"toc", ItemType::Toc},           {"rule", ItemType::Rule}};
    auto it = kTypes.find(s);
    if (it == kTypes.end())
        throw Error(ErrorKind::Usage, source,
                    "unknown item type '" + s +
                        "' (expected map, title, text, legend, scalebar, north, overview, table, chart, toc or rule)");
    return it->second;
}

} // namespace

void Template::pageSize(double& widthPt, double& heightPt) const
{
    paperSize(paper, landscape, widthPt, heightPt, source.empty() ? "--layout" : source);
}

Rect Template::place(const Rect& f) const
{
    double w = 0, h = 0;
    pageSize(w, h);
    const double m = marginMm / 25.4 * 72;
    const double cw = w - 2 * m, ch = h - 2 * m;
    return {m + f.x * cw, m + f.y * ch, f.w * cw, f.h * ch};
}

int Template::tableRows(const std::string& kind) const
{
    auto it = pages.find(kind);
    if (it == pages.end())
        return 0;
    for (const auto& item : it->second)
        if (item.type == ItemType::Table)
            return tableRowsThatFit(place(item.box).h, item.fontPt);
    return 0;
}

Template parseTemplate(const std::string& json, const std::string& source)
{
    CPLJSONDocument doc;
    if (!doc.LoadMemory(json))
        throw Error(ErrorKind::Usage, source, "not a valid JSON layout template");
    const CPLJSONObject root = doc.GetRoot();
    if (root.GetType() != CPLJSONObject::Type::Object)
        throw Error(ErrorKind::Usage, source, "a layout template is a JSON object");
    Template t;
    t.source = source;
    t.name = root.GetString("name", std::filesystem::path(source).stem().string());
    t.paper = root.GetString("paper", t.paper);
    t.landscape = root.GetBool("landscape", t.landscape);
    t.marginMm = root.GetDouble("margin_mm", t.marginMm);
    double pw = 0, ph = 0;
    paperSize(t.paper, t.landscape, pw, ph, source);
    if (!(t.marginMm >= 0 && t.marginMm < 100))
        throw Error(ErrorKind::Usage, source, "margin_mm must be between 0 and 100");
    const CPLJSONObject pages = root.GetObj("pages");
    if (!pages.IsValid() || pages.GetType() != CPLJSONObject::Type::Object || pages.GetChildren().empty())
        throw Error(ErrorKind::Usage, source, "\"pages\" must be an object of page kinds, each a list of items");
    for (const auto& page : pages.GetChildren()) {
        const std::string kind = page.GetName();
        if (page.GetType() != CPLJSONObject::Type::Array)
            throw Error(ErrorKind::Usage, source, "page '" + kind + "' must be a list of items");
        auto& items = t.pages[kind];
        const CPLJSONArray arr = page.ToArray();
        for (int i = 0; i < arr.Size(); ++i) {
            const CPLJSONObject o = arr[i];
            const std::string where = "page '" + kind + "', item " + std::to_string(i + 1);
            TemplateItem it;
            it.type = itemType(o.GetString("type"), source + " (" + where + ")");
            const CPLJSONArray box = o.GetArray("box");
            if (!box.IsValid() || box.Size() != 4)
                throw Error(ErrorKind::Usage, source, where + ": \"box\" must be [x, y, w, h] (fractions of the page)");
            double v[4];
            for (int k = 0; k < 4; ++k)
                v[k] = box[k].ToDouble(-1);
            if (v[0] < 0 || v[1] < 0 || v[2] <= 0 || v[3] < 0 || v[0] + v[2] > 1.0001 || v[1] + v[3] > 1.0001)
                throw Error(ErrorKind::Usage, source, where + ": the box must lie inside the page (fractions 0-1)");
            it.box = {v[0], v[1], v[2], v[3]};
            it.fontPt = o.GetDouble("font_pt", it.fontPt);
            if (it.fontPt < kMinTextPt)
                throw Error(ErrorKind::Usage, source,
                            where + ": font_pt " + std::to_string(it.fontPt) + " is below the 6 pt minimum");
            it.bold = o.GetBool("bold", false);
            it.centred = o.GetBool("centred", false);
            it.framed = o.GetBool("framed", false);
            it.text = o.GetString("text", "");
            it.villageLabels = o.GetBool("village_labels", false);
            it.grid = o.GetString("grid", "");
            if (!it.grid.empty() && it.grid != "wgs84" && it.grid != "tm3")
                throw Error(ErrorKind::Usage, source, where + ": grid '" + it.grid + "' (expected wgs84 or tm3)");
            if ((it.villageLabels || !it.grid.empty()) && it.type != ItemType::Map)
                throw Error(ErrorKind::Usage, source, where + ": village_labels and grid belong to a map item");
            items.push_back(it);
        }
    }
    return t;
}

Template loadTemplate(const std::string& nameOrPath, const std::string& option)
{
    std::string path = nameOrPath;
    const bool isName = nameOrPath.find('/') == std::string::npos && nameOrPath.find('.') == std::string::npos;
    if (isName)
        path = resourcePath("layouts/" + nameOrPath + ".json");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(isName ? ErrorKind::Usage : ErrorKind::Io, isName ? option : path,
                    isName ? "unknown layout '" + nameOrPath + "' (defaults: map, atlas, gaps, plan, progress)"
                           : std::string("cannot read the layout template"));
    std::stringstream ss;
    ss << in.rdbuf();
    return parseTemplate(ss.str(), path);
}

std::string substitute(const std::string& text, const std::map<std::string, std::string>& vars)
{
    std::string out;
    size_t i = 0;
    while (i < text.size()) {
        const size_t open = text.find('{', i);
        if (open == std::string::npos) {
            out += text.substr(i);
            break;
        }
        const size_t close = text.find('}', open);
        if (close == std::string::npos) {
            out += text.substr(i);
            break;
        }
        out += text.substr(i, open - i);
        auto it = vars.find(text.substr(open + 1, close - open - 1));
        if (it != vars.end())
            out += it->second;
        i = close + 1;
    }
    return out;
}

Page instantiate(const Template& t, const std::string& kind, const PageFill& fill)
{
    auto pit = t.pages.find(kind);
    if (pit == t.pages.end())
        throw Error(ErrorKind::Usage, t.source, "the layout has no '" + kind + "' page");
    Page page;
    page.outline = fill.outline;
    int mapIndex = -1;
    for (const auto& ti : pit->second) {
        Item it;
        it.type = ti.type;
        it.box = t.place(ti.box);
        it.fontPt = ti.fontPt;
        it.bold = ti.bold;
        it.centred = ti.centred;
        it.framed = ti.framed;
        it.text = substitute(ti.text, fill.vars);
        switch (ti.type) {
        case ItemType::Map:
            it.map = fill.map;
            it.map.villageLabels = ti.villageLabels && fill.villageLabels;
            it.grid = fill.grid == "-" ? ti.grid : fill.grid;
            it.highlight = fill.highlight;
            if (mapIndex < 0)
                mapIndex = static_cast<int>(page.items.size());
            break;
        case ItemType::Table: it.table = fill.table; break;
        case ItemType::Chart: it.chart = fill.chart; break;
        case ItemType::Toc: it.toc = fill.toc; break;
        default: break;
        }
        page.items.push_back(std::move(it));
    }
    for (auto& it : page.items)
        if (it.type == ItemType::Legend || it.type == ItemType::ScaleBar || it.type == ItemType::Overview)
            it.mapRef = mapIndex;
    return page;
}

} // namespace bando::layout
