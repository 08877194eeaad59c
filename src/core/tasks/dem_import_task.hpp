#pragma once
// DEM import (`bando import PROJECT dem.tif|N21E106.hgt ...`): one or more terrain rasters
// (GeoTIFF in any CRS, SRTM .hgt 1"/3" tiles mosaicked, voids filled) reprojected to the working
// CRS and stored as the project's `dem` raster table, which `bando predict` reads. The project
// file is replaced atomically: an error or a cancel leaves it unchanged.
#include "core/base/feedback.hpp"
#include "core/io/dem_import.hpp"

#include <string>
#include <vector>

namespace bando::tasks {

struct DemImportRequest {
    std::string project;             // opened read-write (replaced atomically)
    std::vector<std::string> files;  // one GeoTIFF, or several .hgt tiles (same CRS)
    double resolutionM = 0;          // --resolution: 0 = the source's pixel size in metres
    bool fillVoids = true;           // --no-fill: keep voids as nodata
    bool checkCoverage = true;       // --no-coverage-check: accept a DEM not covering the province
    void validate() const;
};

struct DemImportResult {
    std::string project;
    io::DemImportResult dem;
    bool replaced = false;  // the project had a DEM before
    double seconds = 0;
};

DemImportResult run(const DemImportRequest& request, Feedback& fb);

} // namespace bando::tasks
