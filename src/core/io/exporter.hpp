#pragma once
// Export of project layers: GeoPackage, Shapefile (UTF-8 with .cpg), KML/KMZ, GeoJSON and CSV,
// in WGS 84 or a chosen VN-2000 CRS. Codes stay text in every format.
#include "core/base/feedback.hpp"
#include "core/model/layer.hpp"

#include <optional>
#include <string>
#include <vector>

namespace bando::io {

enum class ExportFormat { GeoPackage, Shapefile, Kml, Kmz, GeoJson, Csv };
const char* exportFormatName(ExportFormat f);  // "gpkg", "shp", "kml", "kmz", "geojson", "csv"
std::optional<ExportFormat> parseExportFormat(const std::string& name);
std::optional<ExportFormat> exportFormatOfPath(const std::string& path);

struct ExportOptions {
    ExportFormat format = ExportFormat::GeoPackage;
    int epsg = 4326;        // output CRS (KML/KMZ: WGS 84 only)
    bool overwrite = false;
};

struct ExportResult {
    int64_t features = 0;
    std::vector<std::string> files;  // files written
};

// Writes `layer` (any CRS) to `outPath`. Throws bando::Error naming the file.
ExportResult exportLayer(const Layer& layer, const std::string& outPath, const ExportOptions& opts,
                         const Feedback* fb = nullptr);
// Reads `layerName` from the project and exports it.
ExportResult exportLayer(const std::string& projectPath, const std::string& layerName, const std::string& outPath,
                         const ExportOptions& opts, const Feedback* fb = nullptr);

} // namespace bando::io
