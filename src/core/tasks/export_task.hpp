#pragma once
// Export: a project layer to GeoPackage, Shapefile, KML/KMZ, GeoJSON or CSV (`bando export`).
#include "core/base/feedback.hpp"
#include "core/io/exporter.hpp"

#include <string>
#include <vector>

namespace bando::tasks {

struct ExportRequest {
    std::string project;  // read only
    std::string layer;
    std::string out;
    std::string format;     // gpkg, shp, kml, kmz, geojson, csv; "" = from the extension of `out`
    int epsg = 4326;        // output CRS (KML/KMZ: WGS 84 only)
    bool overwrite = false;
    void validate() const;
    // The format named by `format`, else by the extension of `out`; throws Error(Usage).
    io::ExportFormat resolvedFormat() const;
};

struct ExportResult {
    std::string out;
    int epsg = 4326;
    int64_t features = 0;
    std::vector<std::string> files;  // files written
};

ExportResult run(const ExportRequest& request, Feedback& fb);

} // namespace bando::tasks
