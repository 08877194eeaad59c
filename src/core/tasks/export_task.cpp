#include "core/tasks/export_task.hpp"

#include "core/base/error.hpp"

namespace bando::tasks {

io::ExportFormat ExportRequest::resolvedFormat() const
{
    auto f = format.empty() ? io::exportFormatOfPath(out) : io::parseExportFormat(format);
    if (!f)
        throw Error(ErrorKind::Usage, out, "unknown export format (gpkg, shp, kml, kmz, geojson, csv)");
    return *f;
}

void ExportRequest::validate() const
{
    if (project.empty())
        throw Error(ErrorKind::Usage, "", "expected one PROJECT file");
    if (layer.empty())
        throw Error(ErrorKind::Usage, "", "missing option --layer");
    if (out.empty())
        throw Error(ErrorKind::Usage, "", "missing option --out");
    resolvedFormat();
}

ExportResult run(const ExportRequest& request, Feedback& fb)
{
    io::ExportOptions o;
    o.format = request.resolvedFormat();
    o.epsg = request.epsg;
    o.overwrite = request.overwrite;
    auto written = io::exportLayer(request.project, request.layer, request.out, o, &fb);
    ExportResult r;
    r.out = request.out;
    r.epsg = request.epsg;
    r.features = written.features;
    r.files = std::move(written.files);
    return r;
}

} // namespace bando::tasks
