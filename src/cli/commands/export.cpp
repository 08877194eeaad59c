// bando export PROJECT --layer NAME --out FILE [--format F] [--crs EPSG|ZONE] [--force]
#include "cli/command.hpp"
#include "cli/console.hpp"
#include "core/base/error.hpp"
#include "core/i18n/i18n.hpp"
#include "core/io/crs_guess.hpp"
#include "core/io/exporter.hpp"

#include <cstdio>

namespace bando::cli {
namespace {

int runExport(const Args& a)
{
    a.allowOnly({"layer", "out", "format", "crs", "force"});
    if (a.positional.size() != 1)
        throw Error(ErrorKind::Usage, "", "expected one PROJECT file");
    const std::string out = a.require("out");
    io::ExportOptions o;
    auto fmt = a.has("format") ? io::parseExportFormat(a.get("format")) : io::exportFormatOfPath(out);
    if (!fmt)
        throw Error(ErrorKind::Usage, out, "unknown export format (gpkg, shp, kml, kmz, geojson, csv)");
    o.format = *fmt;
    if (a.has("crs"))
        o.epsg = io::parseCrs(a.get("crs"));
    o.overwrite = a.has("force");
    auto r = io::exportLayer(a.positional[0], a.require("layer"), out, o, &consoleFeedback());
    std::printf("%s: %lld %s (EPSG:%d)\n", out.c_str(), static_cast<long long>(r.features), tr("features"), o.epsg);
    for (const auto& f : r.files)
        std::printf("  %s\n", f.c_str());
    return 0;
}

CommandRegistration reg({"export", "export PROJECT --layer NAME --out FILE [--format gpkg|shp|kml|kmz|geojson|csv] "
                                   "[--crs EPSG|ZONE] [--force]",
                         "Writes a project layer to GeoPackage, Shapefile (UTF-8, with .cpg), KML/KMZ, GeoJSON or CSV "
                         "in WGS 84 (default) or a VN-2000 CRS. Codes are kept as text.",
                         {"force"}, runExport});

} // namespace
} // namespace bando::cli
