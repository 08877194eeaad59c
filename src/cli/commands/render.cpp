// bando render PROJECT --out FILE.png|FILE.pdf: the project map as an image or a vector PDF.
#include "cli/command.hpp"
#include "cli/console.hpp"
#include "core/base/error.hpp"
#include "core/render/map_renderer.hpp"
#include "core/store/project_store.hpp"

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace bando::cli {
namespace {

void parseSize(const std::string& v, int& w, int& h)
{
    const auto x = v.find_first_of("xX");
    char* end = nullptr;
    if (x != std::string::npos) {
        const long a = std::strtol(v.c_str(), &end, 10);
        if (end == v.c_str() + x) {
            const long b = std::strtol(v.c_str() + x + 1, &end, 10);
            if (*end == '\0' && a > 0 && b > 0 && a <= 20000 && b <= 20000) {
                w = static_cast<int>(a);
                h = static_cast<int>(b);
                return;
            }
        }
    }
    throw Error(ErrorKind::Usage, "--size", "expected WIDTHxHEIGHT (1-20000), got '" + v + "'");
}

int runRender(const Args& a)
{
    a.allowOnly({"out", "size", "paper", "landscape", "district", "theme", "title", "no-legend", "no-scale-bar",
                 "no-north-arrow", "no-title"});
    if (a.positional.size() != 1)
        throw Error(ErrorKind::Usage, "", "expected one PROJECT file");
    const std::string project = a.positional[0];
    const std::string out = a.require("out");
    if (out.empty())
        throw Error(ErrorKind::Usage, "--out", "empty output path");
    if (a.has("size") && a.has("paper"))
        throw Error(ErrorKind::Usage, "", "--size and --paper exclude each other");
    if (a.has("landscape") && !a.has("paper"))
        throw Error(ErrorKind::Usage, "", "--landscape needs --paper");

    render::MapSettings s;
    render::PaperSpec paper;
    std::string ext = out.size() >= 4 ? out.substr(out.size() - 4) : "";
    for (auto& c : ext)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (ext != ".png" && ext != ".pdf")
        throw Error(ErrorKind::Usage, out, "unknown output format (expected a .png or .pdf file name)");
    const bool pdf = ext == ".pdf";
    if (a.has("size")) {
        parseSize(a.get("size"), s.widthPx, s.heightPx);
    } else if (a.has("paper")) {
        paper.paper = a.get("paper");
        paper.landscape = a.has("landscape");
        int w, h;
        render::paperSizePoints(paper.paper, paper.landscape, w, h);  // validates the name early
    } else if (pdf) {
        paper.paper = "A3";
        paper.landscape = true;
    } else {
        s.widthPx = 1920;
        s.heightPx = 1080;
    }
    s.districtCode = a.get("district");
    if (a.has("theme"))
        s.theme = a.get("theme");
    if (s.theme != "density" && s.theme != "coverage" && s.theme != "shops")
        throw Error(ErrorKind::Usage, "--theme", "unknown theme '" + s.theme + "' (expected density, coverage or shops)");
    s.titleText = a.get("title");
    s.legend = !a.has("no-legend");
    s.scaleBar = !a.has("no-scale-bar");
    s.northArrow = !a.has("no-north-arrow");
    s.title = !a.has("no-title");

    const auto t0 = std::chrono::steady_clock::now();
    auto store = ProjectStore::open(project, ProjectStore::Mode::ReadOnly);
    Feedback& fb = consoleFeedback();  // Ctrl-C cancels loading and drawing (exit code 6)
    auto data = render::loadMapData(*store, 9215, &fb, render::layersForTheme(s.theme));
    store.reset();
    // Name the project in district / theme errors.
    try {
        (void)render::effectiveExtent(s, *data);
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::Usage)
            throw Error(ErrorKind::Usage, project, e.what());
        throw;
    }
    if (!data->theme(s.theme)) {
        std::string avail;
        for (const auto& n : render::availableThemes(*data))
            avail += (avail.empty() ? "" : ", ") + n;
        throw Error(ErrorKind::Usage, project,
                    "theme '" + s.theme + "' needs layers this project does not have (available: " + avail + ")");
    }
    const auto t1 = std::chrono::steady_clock::now();
    render::renderToFile(*data, s, out, paper, &fb);
    const auto t2 = std::chrono::steady_clock::now();
    std::printf("Wrote %s (load %.2f s, render %.2f s)\n", out.c_str(),
                std::chrono::duration<double>(t1 - t0).count(), std::chrono::duration<double>(t2 - t1).count());
    return ExitOk;
}

CommandRegistration reg(
    {"render",
     "render PROJECT --out FILE.png|FILE.pdf [--size WxH | --paper A4|A3 [--landscape]] [--district CODE] "
     "[--theme density|coverage|shops] [--title TEXT] [--no-legend] [--no-scale-bar] [--no-north-arrow] [--no-title]",
     "Draws the project map: villages coloured by the theme (households per km² by default; coverage = mobile "
     "signal classes; shops = digital shops per 100 households), commune and district boundaries, roads, district "
     "seats, title, legend, scale bar and north arrow. The format follows the extension: PNG (default 1920x1080 "
     "pixels; --paper renders at 150 dpi) or vector PDF with embedded fonts (default A3 landscape). --district "
     "zooms to one district (GSO code, e.g. 183) and highlights it. Exit codes: 2 bad option, unknown district, "
     "theme or extension; 3 project unreadable or output not writable; 4/5 bad project data.",
     {"landscape", "no-legend", "no-scale-bar", "no-north-arrow", "no-title"},
     runRender});

} // namespace
} // namespace bando::cli
