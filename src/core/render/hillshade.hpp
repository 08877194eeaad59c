#pragma once
// Hillshade from the project's DEM: loading the raster (GDAL, GeoPackage raster table named by
// the project's `dem_table` meta) and drawing the precomputed overlay on any cairo_t.
#include "core/base/feedback.hpp"
#include "core/render/dem.hpp"
#include "core/render/map_renderer.hpp"

#include <string>

namespace bando {
class ProjectStore;
}

namespace bando::render {

// The name the layer tree and MapSettings use for the hillshade (a raster, not a project layer).
inline constexpr const char* kHillshadeLayer = "hillshade";
// The place-name labels of the Context group (commune names, named settlements).
inline constexpr const char* kPlaceLabelsLayer = "place_labels";

// The project's DEM in EPSG `epsg`, or an empty grid when the project has none (no `dem_table`
// meta). Throws bando::Error(Store) naming the project file when the raster cannot be read,
// and bando::Error(Usage) when it is in another CRS than `epsg` (it is not warped).
DemGrid loadDem(const ProjectStore& store, int epsg, const Feedback* fb = nullptr);
// Reads the raster table `table` of the GeoPackage at `path` (same errors as loadDem).
DemGrid readDemRaster(const std::string& path, const std::string& table, int epsg);

// Draws `overlay` (premultiplied ARGB32, one pixel per DEM cell, as MapData::prepare builds it)
// georeferenced by `dem` with view transform `vt`, at `opacity`.
void drawHillshade(cairo_t* cr, const DemGrid& dem, const std::vector<uint32_t>& overlay, const ViewTransform& vt,
                   double opacity);

} // namespace bando::render
