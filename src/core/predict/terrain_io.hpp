#pragma once
// Reading a terrain raster (a DEM GeoTIFF, .hgt tile, VRT or the project's `dem` gridded coverage)
// into a predict::Terrain in a metric working CRS, warped (bilinear) when the source is in another
// CRS. Shared by `bando predict` and the prediction benchmark so both run the same pipeline.
#include "core/model/geometry.hpp"
#include "core/predict/engine.hpp"

#include <string>
#include <vector>

namespace bando::predict {

// `openOptions` are GDAL open options ("TABLE=dem"); `label` names the source in messages.
// With a non-empty `window` (working CRS) only the pixels covering it are read. A warp runs on
// `threads` threads.
// Throws bando::Error (Format/Crs/Io) naming `label` on an unreadable, ungeoreferenced or
// non-north-up raster.
Terrain loadTerrain(const std::string& path, const std::vector<std::string>& openOptions, int workEpsg,
                    const std::string& label, const Extent& window = Extent(), int threads = 1);

} // namespace bando::predict
