#pragma once
// DEM import (issue #16): GeoTIFF in any CRS, SRTM .hgt tiles (1" and 3", several mosaicked),
// voids filled, reprojected (bilinear) to the project's working CRS and stored as the project's
// `dem` GeoPackage gridded coverage, which `bando predict` reads. The project file is replaced
// atomically (built in a temporary copy, renamed over it): a failure leaves it unchanged.
#include "core/base/feedback.hpp"
#include "core/model/geometry.hpp"

#include <string>
#include <vector>

namespace bando::io {

// True for the files the DEM import takes: .tif/.tiff, .hgt (also .hgt.zip), .vrt, .dem/.asc.
bool isDemFile(const std::string& path);

struct DemImportOptions {
    double resolutionM = 0;  // 0: the source's pixel size in metres, rounded (3" -> 93 m, 1" -> 31 m)
    bool fillVoids = true;   // GDAL FillNodata over at most 100 pixels
    int workEpsg = 9215;     // VN-2000 / TM-3 107-15, the project's working CRS
    // The area the DEM must cover (EPSG:4326 lon/lat), e.g. the province; empty = not checked.
    Extent mustCover;
};

struct DemGrid {
    int cols = 0, rows = 0;
    double originX = 0, originY = 0, cell = 0;  // top-left corner, square cells (work CRS, m)
    std::vector<float> z;                       // row-major from the north; noData for unknown
    float noData = -9999.f;
};

struct DemImportResult {
    std::vector<std::string> files;
    int cols = 0, rows = 0;
    double cellM = 0;
    double minM = 0, maxM = 0;
    long long voidsFilled = 0;   // source pixels without a height that were interpolated
    long long voidsLeft = 0;     // grid cells still without a height (outside the sources)
};

// The tile name SRTM uses for the 1 x 1 degree tile whose south-west corner is (lon, lat):
// "N21E106". Used in the missing-coverage message.
std::string srtmTileName(int lon, int lat);

// Reads, mosaics, fills and reprojects the files. Throws bando::Error naming the file for an
// unreadable or unreferenced raster, files in different CRSs, and, when options.mustCover is
// set, a DEM that does not cover it (naming the missing 1-degree tiles).
DemGrid readDem(const std::vector<std::string>& files, const DemImportOptions& options, DemImportResult& info,
                Feedback* fb = nullptr);

// Replaces the project's `dem` raster table by `grid` (atomic: temporary copy + rename). The
// project must not be open for writing elsewhere. Returns true when a previous DEM was replaced.
bool writeDem(const DemGrid& grid, int epsg, const std::string& project, const std::string& description);

} // namespace bando::io
