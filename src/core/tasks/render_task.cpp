#include "core/tasks/render_task.hpp"

#include "core/base/error.hpp"
#include "core/base/text.hpp"
#include "core/capi/proj.hpp"
#include "core/render/layer_tree.hpp"
#include "core/render/map_style.hpp"
#include "core/store/project_store.hpp"
#include "core/style/style_store.hpp"
#include "core/units/map_units.hpp"

#include <algorithm>

#include <chrono>
#include <cmath>

namespace bando::tasks {
namespace {

double secondsBetween(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b)
{
    return std::chrono::duration<double>(b - a).count();
}

bool hasSize(const RenderRequest& r) { return r.widthPx != 0 || r.heightPx != 0; }

// The map settings and paper of a request, with the export defaults applied.
render::MapSettings mapSettings(const RenderRequest& r, render::PaperSpec& paper)
{
    render::MapSettings s;
    paper.paper = r.paper;
    paper.landscape = r.landscape;
    if (hasSize(r)) {
        s.widthPx = r.widthPx;
        s.heightPx = r.heightPx;
    } else if (r.paper.empty()) {
        if (r.format() == render::OutputFormat::Pdf) {
            paper.paper = RenderRequest::kDefaultPaper;
            paper.landscape = true;
        } else {
            s.widthPx = RenderRequest::kDefaultWidthPx;
            s.heightPx = RenderRequest::kDefaultHeightPx;
        }
    }
    s.dpi = r.dpi > 0 ? r.dpi : RenderRequest::kScreenDpi;
    s.extent = r.extent;
    s.hiddenLayers = r.hiddenLayers;
    s.layerOrder = r.layerOrder;
    s.districtCode = r.district;
    s.title = r.title;
    s.legend = r.legend;
    s.scaleBar = r.scaleBar;
    s.northArrow = r.northArrow;
    s.titleText = r.titleText;
    s.language = r.language;
    s.theme = r.theme;
    s.display = r.display;
    return s;
}

} // namespace

void RenderRequest::validate() const
{
    if (project.empty() && !data)
        throw Error(ErrorKind::Usage, "", "expected one PROJECT file");
    if (out.empty())
        throw Error(ErrorKind::Usage, "--out", "empty output path");
    if (hasSize(*this) && !paper.empty())
        throw Error(ErrorKind::Usage, "", "--size and --paper exclude each other");
    if (landscape && paper.empty())
        throw Error(ErrorKind::Usage, "", "--landscape needs --paper");
    const std::string ext = text::toLower(out.size() >= 4 ? out.substr(out.size() - 4) : std::string());
    if (ext != ".png" && ext != ".pdf")
        throw Error(ErrorKind::Usage, out, "unknown output format (expected a .png or .pdf file name)");
    if (hasSize(*this) && (widthPx < 1 || heightPx < 1 || widthPx > kMaxSizePx || heightPx > kMaxSizePx))
        throw Error(ErrorKind::Usage, "--size",
                    "expected WIDTHxHEIGHT (1-20000), got '" + std::to_string(widthPx) + "x" +
                        std::to_string(heightPx) + "'");
    if (!paper.empty()) {
        int w = 0, h = 0;
        render::paperSizePoints(paper, landscape, w, h);  // names the paper when unknown
    }
    if (!render::themeInfo(theme))
        throw Error(ErrorKind::Usage, "--theme",
                    "unknown theme '" + theme + "' (expected " + render::themeIdList() + ")");
    for (const auto& st : styles)
        st.validate();
    for (const auto& d : display) {
        if (!(d.opacity >= 0 && d.opacity <= 1))
            throw Error(ErrorKind::Usage, "layer " + d.layer, "opacity must be between 0 and 1");
        if (!(d.minScale >= 0) || !(d.maxScale >= 0) || (d.minScale > 0 && d.maxScale > 0 && d.minScale > d.maxScale))
            throw Error(ErrorKind::Usage, "layer " + d.layer, "expected scale limits 0 (none) or 0 < min <= max");
    }
    if (!std::isfinite(dpi) || dpi < 0 || dpi > 2400)
        throw Error(ErrorKind::Usage, "--dpi", "expected a resolution between 1 and 2400 dpi");
}

render::OutputFormat RenderRequest::format() const { return render::outputFormat(out); }

void RenderRequest::fitView(int viewWidthPx, int viewHeightPx)
{
    if (format() == render::OutputFormat::Pdf) {
        widthPx = heightPx = 0;
        paper = kDefaultPaper;
        landscape = viewWidthPx >= viewHeightPx;
        dpi = 0;
    } else {
        paper.clear();
        landscape = false;
        widthPx = viewWidthPx * kViewExportScale;
        heightPx = viewHeightPx * kViewExportScale;
        dpi = kScreenDpi * kViewExportScale;
    }
}

RenderResult run(const RenderRequest& request, Feedback& fb)
{
    const auto t0 = std::chrono::steady_clock::now();
    // Styles: saved in the project < --style FILE < the request's own, per layer.
    std::vector<style::Style> styles;
    std::vector<std::string> savedHidden;
    auto addStyle = [&](const style::Style& st) {
        auto it = std::find_if(styles.begin(), styles.end(), [&](const auto& o) { return o.layer == st.layer; });
        if (it != styles.end())
            *it = st;
        else
            styles.push_back(st);
    };
    std::shared_ptr<const render::MapData> data = request.data;
    std::unique_ptr<ProjectStore> store;
    if (!data) {
        store = ProjectStore::open(request.project, ProjectStore::Mode::ReadOnly);
        if (request.projectStyles)
            for (const auto& saved : style::loadStyles(*store)) {
                addStyle(saved.style);
                if (!saved.visible)
                    savedHidden.push_back(saved.style.layer);
            }
    }
    std::vector<std::string> explicitlyStyled;  // --style FILE and the request's styles
    if (!request.styleFile.empty())
        for (const auto& st : style::readStyleFile(request.styleFile)) {
            addStyle(st);
            explicitlyStyled.push_back(st.layer);
        }
    for (const auto& st : request.styles) {
        addStyle(st);
        explicitlyStyled.push_back(st.layer);
    }
    render::MapState savedState;
    if (store && request.projectState)
        savedState = render::loadMapState(*store);
    if (store) {
        std::vector<std::string> layers = render::layersForTheme(request.theme);
        if (!request.units.empty())
            layers.push_back(units::communesLayerOf(request.units));
        for (const auto& st : styles)
            if (std::find(layers.begin(), layers.end(), st.layer) == layers.end())
                layers.push_back(st.layer);
        for (const auto& v : savedState.layers)  // what the saved map shows
            if (v.visible && std::find(layers.begin(), layers.end(), v.layer) == layers.end())
                layers.push_back(v.layer);
        data = render::loadMapData(*store, crs::kVn2000LangSon, &fb, layers);
        store.reset();
    }
    if (!request.units.empty())
        data = units::mapInVersion(*data, request.units, &fb);
    for (const auto& st : styles)
        if (!data->layer(st.layer))
            throw Error(ErrorKind::Usage, request.styleFile.empty() ? request.project : request.styleFile,
                        "style for layer '" + st.layer + "': the project has no such layer");
    render::PaperSpec paper;
    render::MapSettings settings = mapSettings(request, paper);
    settings.styles = styles;
    auto isExplicit = [&](const std::string& layer) {
        return std::find(explicitlyStyled.begin(), explicitlyStyled.end(), layer) != explicitlyStyled.end();
    };
    for (const auto& h : savedHidden)
        if (!isExplicit(h))
            settings.hiddenLayers.push_back(h);
    if (!savedState.layers.empty()) {
        // The map as the app's layer tree left it: order, visibility, opacity, scale ranges.
        render::MapSettings saved;
        render::applyMapState(render::mergeMapState(*data, savedState), saved);
        if (settings.layerOrder.empty())
            settings.layerOrder = saved.layerOrder;
        for (const auto& st : styles)
            if (std::find(settings.layerOrder.begin(), settings.layerOrder.end(), st.layer) == settings.layerOrder.end())
                settings.layerOrder.push_back(st.layer);
        for (const auto& h : saved.hiddenLayers)
            if (!isExplicit(h))
                settings.hiddenLayers.push_back(h);
        std::vector<render::MapSettings::LayerDisplay> display = saved.display;
        for (const auto& d : request.display) {
            std::erase_if(display, [&](const auto& o) { return o.layer == d.layer; });
            display.push_back(d);
        }
        settings.display = std::move(display);
    } else if (settings.layerOrder.empty() && !styles.empty()) {
        // The default map plus every styled layer, in the default order.
        const render::LayerState state = render::defaultLayerState(*data);
        for (const auto& name : state.order) {
            const bool hidden = std::find(state.hidden.begin(), state.hidden.end(), name) != state.hidden.end();
            const bool styled = std::any_of(styles.begin(), styles.end(), [&](const auto& st) { return st.layer == name; });
            if (!hidden || styled)
                settings.layerOrder.push_back(name);
        }
    }
    // District and theme errors name the project.
    try {
        (void)render::effectiveExtent(settings, *data);
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::Usage)
            throw Error(ErrorKind::Usage, request.project, e.what());
        throw;
    }
    if (!data->theme(settings.theme)) {
        std::string available;
        for (const auto& name : render::availableThemes(*data))
            available += (available.empty() ? "" : ", ") + name;
        throw Error(ErrorKind::Usage, request.project,
                    "theme '" + settings.theme + "' needs layers this project does not have (available: " +
                        available + ")");
    }
    const auto t1 = std::chrono::steady_clock::now();
    render::renderToFile(*data, settings, request.out, paper, &fb);
    const auto t2 = std::chrono::steady_clock::now();

    RenderResult r;
    r.out = request.out;
    r.format = request.format();
    const render::MapSettings written = render::outputSettings(settings, r.format, paper);
    r.widthPx = written.widthPx;
    r.heightPx = written.heightPx;
    r.dpi = written.dpi;
    r.loadSeconds = request.data ? 0.0 : secondsBetween(t0, t1);
    r.renderSeconds = secondsBetween(t1, t2);
    for (const auto& name : settings.layerOrder)
        if (std::any_of(styles.begin(), styles.end(), [&](const auto& st) { return st.layer == name; }) &&
            std::find(settings.hiddenLayers.begin(), settings.hiddenLayers.end(), name) == settings.hiddenLayers.end())
            r.styledLayers.push_back(name);
    fb.setProgress(100);
    return r;
}

} // namespace bando::tasks
