#include "core/tasks/layout_task.hpp"

#include "core/base/error.hpp"
#include "core/base/text.hpp"
#include "core/capi/proj.hpp"
#include "core/i18n/i18n.hpp"
#include "core/layout/template.hpp"
#include "core/model/schema.hpp"
#include "core/render/map_renderer.hpp"
#include "core/render/map_style.hpp"
#include "core/report/documents.hpp"
#include "core/store/project_query.hpp"
#include "core/store/project_store.hpp"
#include "core/units/map_units.hpp"
#include "core/units/registry.hpp"

#include <chrono>

namespace bando::tasks {
namespace {

// The units of the atlas layer matching `where` (SQLite expression on its attribute columns,
// read-only), by code.
std::vector<report::AtlasUnit> atlasUnits(const std::string& project, const std::string& layer,
                                          const std::string& where)
{
    auto q = ProjectQuery::open(project);
    auto& db = q->connection();
    db.refuseChanges();
    const std::string sql = "SELECT code, name FROM " + sqlite::quoteIdentifier(layer) +
                            (where.empty() ? std::string() : " WHERE (" + where + ")") + " ORDER BY code";
    size_t tail = 0;
    sqlite::Statement st = db.prepare(sql, &tail, ErrorKind::Usage);
    if (!st.handle() || !st.readOnly() || sql.find_first_not_of(" \t\r\n;", tail) != std::string::npos)
        throw Error(ErrorKind::Usage, "--where", "expected one expression on the columns of " + layer);
    std::vector<report::AtlasUnit> units;
    while (st.step())
        units.push_back({toString(st.column(0)), toString(st.column(1))});
    if (units.empty())
        throw Error(ErrorKind::Usage, "--where", "no " + layer + " match '" + where + "'");
    return units;
}

} // namespace

void LayoutRequest::validate() const
{
    if (project.empty())
        throw Error(ErrorKind::Usage, "PROJECT", "expected the project file");
    if (out.empty())
        throw Error(ErrorKind::Usage, "--out", "expected FILE.pdf, FILE.png or FILE.svg");
    (void)layout::formatOf(out);
    if (!atlas.empty() && atlas != schema::kDistricts && atlas != schema::kCommunes)
        throw Error(ErrorKind::Usage, "--atlas", "unknown atlas layer '" + atlas + "' (expected districts or communes)");
    if (!units.empty() && atlas != schema::kCommunes)
        throw Error(ErrorKind::Usage, "--units", "--units pages the atlas by the communes of a version: use --atlas communes");
    if (!units.empty() && !units::Registry::shipped().hasVersion(units))
        throw Error(ErrorKind::Usage, "--units", "unknown unit version '" + units + "' (known: v2021, v2024-12, v2025-07)");
    if (!where.empty() && atlas.empty())
        throw Error(ErrorKind::Usage, "--where", "--where filters the features of --atlas LAYER");
    if (!district.empty() && !atlas.empty())
        throw Error(ErrorKind::Usage, "--district", "use --where \"district_code = '183'\" with --atlas communes");
    if (!render::themeInfo(theme))
        throw Error(ErrorKind::Usage, "--theme", "unknown theme '" + theme + "' (expected " + render::themeIdList() + ")");
    if (!paper.empty()) {
        double w = 0, h = 0;
        layout::paperSize(paper, false, w, h);
    }
    if (!grid.empty() && grid != "wgs84" && grid != "tm3" && grid != "none")
        throw Error(ErrorKind::Usage, "--grid", "unknown grid '" + grid + "' (expected wgs84, tm3 or none)");
    if (!(dpi >= 10 && dpi <= 1200))
        throw Error(ErrorKind::Usage, "--dpi", "expected a resolution between 10 and 1200 dpi");
}

layout::Document buildLayoutDocument(const LayoutRequest& request, Feedback& fb)
{
    request.validate();
    layout::Template tmpl = layout::loadTemplate(request.layout.empty() ? (request.atlas.empty() ? "map" : "atlas")
                                                                        : request.layout);
    if (!request.paper.empty())
        tmpl.paper = request.paper;
    if (request.landscape >= 0)
        tmpl.landscape = request.landscape == 1;
    std::vector<report::AtlasUnit> units;
    if (!request.atlas.empty())
        units = atlasUnits(request.project, request.units.empty() ? request.atlas : units::communesLayerOf(request.units),
                           request.where);
    auto store = ProjectStore::open(request.project, ProjectStore::Mode::ReadOnly);
    std::string date;
    const report::ProjectFacts facts = report::projectFacts(*store, request.project, date);
    std::vector<std::string> layers = render::layersForTheme(request.theme);
    if (!request.units.empty())
        layers.push_back(units::communesLayerOf(request.units));
    std::shared_ptr<const render::MapData> data = render::loadMapData(*store, crs::kVn2000LangSon, &fb, layers);
    std::string atlasLayer = request.atlas;
    if (!request.units.empty())  // issue #17: the pages and their village tables follow the units of that version
        data = units::atlasInVersion(*store, *data, request.units, atlasLayer, &fb);
    // The page's default title: the project's province when it names another one (a national or
    // other province's project), else the sample's.
    const std::string province = store->meta("province_name").value_or("");
    // The legend toggles (and opacity, scale ranges) the app's layer tree saved, as bando render.
    std::string displayTheme;
    std::vector<render::MapSettings::LayerDisplay> display = layout::savedDisplay(*store, *data, &displayTheme);
    store.reset();
    if (!data->theme(request.theme)) {
        std::string available;
        for (const auto& name : render::availableThemes(*data))
            available += (available.empty() ? "" : ", ") + name;
        throw Error(ErrorKind::Usage, "--theme",
                    "theme '" + request.theme + "' needs layers this project does not have (available: " + available + ")");
    }
    layout::Document doc;
    if (!request.atlas.empty()) {
        doc = report::atlasDocument(atlasLayer, units, facts, tmpl, data, request.theme, request.title);
    } else {
        layout::PageFill fill;
        const render::ThemeInfo* info = render::themeInfo(request.theme);
        std::string title = !request.title.empty()                       ? request.title
                            : province.empty() || province == "Lạng Sơn" ? std::string(i18n::tr("Lạng Sơn province"))
                                                                         : province;
        fill.map.theme = request.theme;
        fill.map.districtCode = request.district;
        if (!request.district.empty()) {
            render::MapSettings probe;
            probe.districtCode = request.district;
            (void)render::effectiveExtent(probe, *data);  // an unknown code is refused here
            if (const Layer* d = data->layer(schema::kDistricts))
                for (const auto& f : d->features)
                    if (d->text(f, "code") == request.district && request.title.empty())
                        title += " — " + d->text(f, "name");
        }
        fill.vars = facts.vars();
        fill.vars["title"] = title;
        fill.vars["subtitle"] = info ? i18n::tr(info->subtitle) : "";
        fill.vars["footer"] = facts.projectTitle + " · Bando " + facts.created;
        fill.outline = title;
        doc.data = data;
        tmpl.pageSize(doc.widthPt, doc.heightPt);
        doc.title = title;
        doc.subject = fill.vars["subtitle"];
        doc.author = "Bando";
        doc.pages.push_back(layout::instantiate(tmpl, "map", fill));
    }
    doc.display = std::move(display);
    doc.displayTheme = displayTheme;
    for (auto& page : doc.pages)
        for (auto& it : page.items)
            if (it.type == layout::ItemType::Map) {
                it.map.villageLabels = it.map.villageLabels && request.villageLabels;
                if (!request.grid.empty())
                    it.grid = request.grid == "none" ? "" : request.grid;
            }
    return doc;
}

LayoutResult run(const LayoutRequest& request, Feedback& fb)
{
    const auto t0 = std::chrono::steady_clock::now();
    const layout::Document doc = buildLayoutDocument(request, fb);
    const auto t1 = std::chrono::steady_clock::now();
    LayoutResult r;
    r.out = request.out;
    r.files = layout::write(doc, request.out, request.dpi, &fb);
    r.pages = static_cast<int>(doc.pages.size());
    for (const auto& page : doc.pages)  // the atlas units: the districts / communes of the map pages
        for (const auto& it : page.items)
            if (it.type == layout::ItemType::Map && !request.atlas.empty() && !page.outline.empty() &&
                &page != &doc.pages.front())
                r.units.push_back(it.map.districtCode.empty() ? (it.highlight.empty() ? "" : it.highlight[0])
                                                               : it.map.districtCode);
    const auto t2 = std::chrono::steady_clock::now();
    r.loadSeconds = std::chrono::duration<double>(t1 - t0).count();
    r.renderSeconds = std::chrono::duration<double>(t2 - t1).count();
    fb.setProgress(100);
    return r;
}

} // namespace bando::tasks
