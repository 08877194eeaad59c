// bando export PROJECT --layer NAME --out FILE [--format F] [--crs EPSG|ZONE] [--force]
#include "cli/command.hpp"
#include "cli/console.hpp"
#include "core/base/error.hpp"
#include "core/i18n/i18n.hpp"
#include "core/io/crs_guess.hpp"
#include "core/tasks/export_task.hpp"
#include "core/tasks/job.hpp"

#include <cstdio>

namespace bando::cli {
namespace {

int runExport(const Args& a)
{
    a.allowOnly({"layer", "out", "format", "crs", "force"});
    if (a.positional.size() != 1)
        throw Error(ErrorKind::Usage, "", "expected one PROJECT file");
    tasks::ExportRequest request;
    request.project = a.positional[0];
    request.out = a.require("out");
    request.format = a.get("format");
    request.resolvedFormat();  // an unknown format is refused before the other options are read
    if (a.has("crs"))
        request.epsg = io::parseCrs(a.get("crs"));
    request.overwrite = a.has("force");
    request.layer = a.require("layer");
    const auto r = tasks::runTask(request, consoleFeedback());
    std::printf("%s: %lld %s (EPSG:%d)\n", r.out.c_str(), static_cast<long long>(r.features), tr("features"), r.epsg);
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
