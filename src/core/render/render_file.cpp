// renderToFile: the same renderer on a PNG image surface or a vector PDF surface.
#include "core/render/map_renderer.hpp"

#include "core/base/error.hpp"
#include "core/base/text.hpp"
#include "core/capi/cairo.hpp"
#include "core/capi/cairo_output.hpp"

#include <cairo-pdf.h>
#include <cairo.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

namespace bando::render {
namespace {

using cairo::ContextPtr;
using cairo::OutputFile;
using cairo::SurfacePtr;

} // namespace

OutputFormat outputFormat(const std::string& path)
{
    std::string ext = text::toLower(std::filesystem::path(path).extension().string());
    if (ext == ".png")
        return OutputFormat::Png;
    if (ext == ".pdf")
        return OutputFormat::Pdf;
    throw Error(ErrorKind::Usage, path,
                "unknown output format '" + (ext.empty() ? std::string("(none)") : ext) + "' (expected .png or .pdf)");
}

MapSettings outputSettings(MapSettings settings, OutputFormat format, const PaperSpec& paper)
{
    if (!paper.paper.empty()) {
        int w = 0, h = 0;
        paperSizePoints(paper.paper, paper.landscape, w, h);
        if (format == OutputFormat::Pdf) {
            settings.widthPx = w;
            settings.heightPx = h;
            settings.dpi = 72;
        } else {
            settings.dpi = kPaperPngDpi;
            settings.widthPx = static_cast<int>(std::lround(w * kPaperPngDpi / 72));
            settings.heightPx = static_cast<int>(std::lround(h * kPaperPngDpi / 72));
        }
    } else if (format == OutputFormat::Pdf) {
        settings.dpi = 72;  // device units are points
    }
    return settings;
}

void renderToFile(const MapData& data, MapSettings settingsIn, const std::string& path, const PaperSpec& paper,
                  const Feedback* fb)
{
    const OutputFormat format = outputFormat(path);
    const MapSettings settings = outputSettings(std::move(settingsIn), format, paper);
    if (settings.widthPx <= 0 || settings.heightPx <= 0 || settings.widthPx > 20000 || settings.heightPx > 20000)
        throw Error(ErrorKind::Usage, path, "output size must be between 1 and 20000 units");
    // Validate district and theme before creating the file.
    (void)effectiveExtent(settings, data);

    OutputFile out(path);
    if (format == OutputFormat::Png) {
        SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, settings.widthPx, settings.heightPx));
        if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS)
            throw Error(ErrorKind::Io, path, "cannot create image: " +
                                                 std::string(cairo_status_to_string(cairo_surface_status(surface.get()))));
        {
            const ContextPtr cr = cairo::makeContext(surface.get());
            renderMap(cr.get(), data, settings, fb);
        }
        cairo_surface_flush(surface.get());
        cairo_status_t st = cairo_surface_write_to_png_stream(surface.get(), &OutputFile::write, &out);
        if (st != CAIRO_STATUS_SUCCESS)
            out.fail("cannot write PNG", st);
    } else {
        SurfacePtr surface(cairo_pdf_surface_create_for_stream(&OutputFile::write, &out, settings.widthPx,
                                                               settings.heightPx));
        if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS)
            out.fail("cannot create PDF", cairo_surface_status(surface.get()));
        cairo_pdf_surface_restrict_to_version(surface.get(), CAIRO_PDF_VERSION_1_5);
        const std::string title =
            settings.titleText.empty() ? text::toNfc(data.projectTitle) : text::toNfc(settings.titleText);
        cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE, title.c_str());
        cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "Bando");
        {
            const ContextPtr cr = cairo::makeContext(surface.get());
            renderMap(cr.get(), data, settings, fb);
            cairo_show_page(cr.get());
        }
        cairo_surface_finish(surface.get());
        // Write errors of the PDF stream show up only here.
        if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS)
            out.fail("cannot write PDF", cairo_surface_status(surface.get()));
    }
    out.commit();
}

} // namespace bando::render
