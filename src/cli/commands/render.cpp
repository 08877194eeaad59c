// bando render PROJECT --out FILE.png|FILE.pdf: the project map as an image or a vector PDF.
// Parses arguments into tasks::RenderRequest (its defaults are the export policy) and runs it.
#include "cli/command.hpp"
#include "cli/console.hpp"
#include "core/base/error.hpp"
#include "core/base/json.hpp"
#include "core/tasks/job.hpp"
#include "core/tasks/layout_task.hpp"
#include "core/tasks/render_task.hpp"

#include <cstdio>
#include <iostream>
#include <cstdlib>
#include <limits>
#include <string>

namespace bando::cli {
namespace {

// WIDTHxHEIGHT as two positive integers; their upper bound is the request's to check.
void parseSize(const std::string& v, int& w, int& h)
{
    const auto x = v.find_first_of("xX");
    char* end = nullptr;
    if (x != std::string::npos) {
        const long a = std::strtol(v.c_str(), &end, 10);
        if (end == v.c_str() + x) {
            const long b = std::strtol(v.c_str() + x + 1, &end, 10);
            if (*end == '\0' && a > 0 && b > 0 && a <= std::numeric_limits<int>::max() &&
                b <= std::numeric_limits<int>::max()) {
                w = static_cast<int>(a);
                h = static_cast<int>(b);
                return;
            }
        }
    }
    throw Error(ErrorKind::Usage, "--size", "expected WIDTHxHEIGHT (1-20000), got '" + v + "'");
}

// --layout TEMPLATE / --atlas LAYER: the print layout (tasks::LayoutRequest).
int runLayout(const Args& a)
{
    a.allowOnly({"out", "layout", "atlas", "where", "paper", "landscape", "portrait", "district", "theme", "title",
                 "dpi", "units", "grid", "no-labels", "json"});
    tasks::LayoutRequest q;
    q.project = a.positional[0];
    q.out = a.require("out");
    q.layout = a.get("layout");
    q.atlas = a.get("atlas");
    q.where = a.get("where");
    q.units = a.get("units");
    q.paper = a.get("paper");
    if (a.has("landscape"))
        q.landscape = 1;
    if (a.has("portrait"))
        q.landscape = 0;
    q.district = a.get("district");
    q.theme = a.get("theme", q.theme);
    q.title = a.get("title");
    q.grid = a.get("grid");
    q.villageLabels = !a.has("no-labels");
    if (a.has("dpi")) {
        char* end = nullptr;
        const std::string v = a.get("dpi");
        q.dpi = std::strtod(v.c_str(), &end);
        if (v.empty() || *end != '\0')
            throw Error(ErrorKind::Usage, "--dpi", "'" + v + "' is not a number");
    }
    const auto r = tasks::runTask(q, consoleFeedback());
    if (a.has("json")) {
        JsonWriter w(std::cout);
        w.beginObject()
            .field("out", r.out)
            .field("pages", r.pages)
            .field("load_seconds", r.loadSeconds)
            .field("render_seconds", r.renderSeconds);
        w.key("files").beginArray(true);
        for (const auto& f : r.files)
            w.value(f);
        w.endArray();
        w.key("units").beginArray(true);
        for (const auto& u : r.units)
            w.value(u);
        w.endArray().endObject();
        return ExitOk;
    }
    for (const auto& f : r.files)
        std::printf("Wrote %s\n", f.c_str());
    std::printf("%d page(s) (load %.2f s, render %.2f s)\n", r.pages, r.loadSeconds, r.renderSeconds);
    return ExitOk;
}

int runRender(const Args& a)
{
    if (a.positional.size() != 1)
        throw Error(ErrorKind::Usage, "", "expected one PROJECT file");
    if (a.has("layout") || a.has("atlas"))
        return runLayout(a);
    a.allowOnly({"out", "size", "paper", "landscape", "district", "theme", "title", "no-legend", "no-scale-bar",
                 "no-north-arrow", "no-title", "style", "no-project-styles", "ignore-saved-state", "units", "json"});
    tasks::RenderRequest request;
    request.project = a.positional[0];
    request.out = a.require("out");
    request.paper = a.get("paper");
    request.landscape = a.has("landscape");
    request.district = a.get("district");
    request.units = a.get("units");
    if (a.has("theme"))
        request.theme = a.get("theme");
    request.titleText = a.get("title");
    request.legend = !a.has("no-legend");
    request.scaleBar = !a.has("no-scale-bar");
    request.northArrow = !a.has("no-north-arrow");
    request.title = !a.has("no-title");
    request.styleFile = a.get("style");
    request.projectStyles = !a.has("no-project-styles");
    request.projectState = !a.has("ignore-saved-state");
    if (a.has("size"))
        parseSize(a.get("size"), request.widthPx, request.heightPx);
    // Ctrl-C cancels loading and drawing (exit code 6) and leaves no partial output.
    const auto result = tasks::runTask(request, consoleFeedback());
    if (a.has("json")) {
        JsonWriter w(std::cout);
        w.beginObject()
            .field("out", result.out)
            .field("format", result.format == render::OutputFormat::Pdf ? "pdf" : "png")
            .field("width", result.widthPx)
            .field("height", result.heightPx)
            .field("dpi", result.dpi)
            .field("load_seconds", result.loadSeconds)
            .field("render_seconds", result.renderSeconds);
        w.key("styled_layers").beginArray(true);
        for (const auto& l : result.styledLayers)
            w.value(l);
        w.endArray().endObject();
        return ExitOk;
    }
    std::printf("Wrote %s (load %.2f s, render %.2f s)\n", result.out.c_str(), result.loadSeconds,
                result.renderSeconds);
    return ExitOk;
}

CommandRegistration reg(
    {"render",
     "render PROJECT --out FILE.png|FILE.pdf [--size WxH | --paper A4|A3 [--landscape]] [--district CODE] "
     "[--theme density|coverage|shops] [--title TEXT] [--no-legend] [--no-scale-bar] [--no-north-arrow] [--no-title] [--style FILE.json] [--no-project-styles] [--ignore-saved-state] [--units v2024-12|v2025-07] [--json]\n"
     "       render PROJECT --out FILE.pdf|.png|.svg --layout TEMPLATE | --atlas districts|communes [--where EXPR] "
     "[--units v2024-12|v2025-07] [--paper A4|A3|A2|A1|A0] [--landscape|--portrait] [--district CODE] [--theme T] "
     "[--title TEXT] [--grid wgs84|tm3|none] [--no-labels] [--dpi N] [--json]",
     "Draws the project map: villages coloured by the theme (households per km² by default; coverage = mobile "
     "signal classes; shops = digital shops per 100 households), commune and district boundaries, roads, district "
     "seats, title, legend, scale bar and north arrow. The format follows the extension: PNG (default 1920x1080 "
     "pixels; --paper renders at 150 dpi) or vector PDF with embedded fonts (default A3 landscape). --district "
     "zooms to one district (GSO code, e.g. 183) and highlights it. --style FILE draws layers with the styles of a "
     "JSON file (single symbol, categorized, graduated with jenks/quantile/equal/pretty/fixed classes, or a heatmap "
     "with radius_m; see docs/STYLES.md) over the styles saved in the project (bando_styles; "
     "--no-project-styles ignores them); styled layers are drawn and get a legend. The map follows the layer tree "
     "the app saved in the project (order, visibility, opacity, scale ranges, hidden legend classes; "
     "--ignore-saved-state draws the default map instead). --units v2025-07 draws the "
     "communes of that version (stored by `bando units --to v2025-07`) instead of the 2021 ones, without districts "
     "and 2021 seats (see docs/UNITS.md). Exit codes: 2 bad option, unknown district, "
     "theme or extension, bad style; 3 project unreadable or output not writable; 4/5 bad project data. "
     "--layout TEMPLATE draws the map on a print layout (map, or a JSON template: docs/REPORTS.md) with title, "
     "legend of the classes in the frame, 1-2-5 scale bar, north arrow, overview inset and sources; --atlas LAYER "
     "makes one page per district or commune (filtered by the SQL expression --where, e.g. \"district_code = "
     "'183'\") after a cover with a table of contents. The templates name the villages on their map frames "
     "(--no-labels: not) and draw a coordinate grid labelled at the frame's edge (map: WGS 84 degrees; atlas: "
     "VN-2000 TM-3 metres; --grid chooses, --grid none drops it).",
     {"portrait", "landscape", "no-legend", "no-scale-bar", "no-north-arrow", "no-title", "no-project-styles", "no-labels",
      "ignore-saved-state", "json"},
     runRender});

} // namespace
} // namespace bando::cli
