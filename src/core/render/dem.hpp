#pragma once
// A digital elevation model on a regular north-up grid (the project's `dem` raster), and the
// hillshade computed from it. Kept free of GDAL and Cairo: MapData holds one.
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace bando::render {

struct DemGrid {
    int cols = 0, rows = 0;
    double originX = 0, originY = 0;  // top-left corner of the top-left cell, map CRS
    double cell = 0;                  // cell side, map units (metres)
    std::vector<float> z;             // row-major, north row first; NaN = no data
    int epsg = 0;

    bool empty() const { return z.empty() || cols <= 0 || rows <= 0; }
    float at(int c, int r) const { return z[static_cast<size_t>(r) * static_cast<size_t>(cols) + static_cast<size_t>(c)]; }
};

// The light of a hillshade: azimuth clockwise from north, altitude above the horizon
// (degrees), and a vertical exaggeration. The defaults are those of gdaldem and QGIS.
struct HillshadeParams {
    double azimuthDeg = 315;
    double altitudeDeg = 45;
    double zFactor = 1;
};

// Illumination per cell, 0 (facing away) .. 1 (facing the light), NaN where the cell has no
// data. The surface normal comes from Horn's 3×3 gradient (gdaldem's default):
//   dz/dx = ((c + 2f + i) − (a + 2d + g)) / (8·cell)   (east)
//   dz/dy = ((a + 2b + c) − (g + 2h + i)) / (8·cell)   (north)
// with a b c / d e f / g h i the 3×3 window, north row first; a neighbour without data (or
// outside the grid) is extrapolated linearly (exact on a plane): 2·z(c+dc, r) − z(c+dc, r−dr)
// along the column, else 2·z(c, r+dr) − z(c−dc, r+dr) along the row, else 2e − the opposite
// neighbour, else the centre's height e. The shade is max(0, n·L) for the unit normal
// n ∝ (−zf·dz/dx, −zf·dz/dy, 1) and the unit light vector
// L = (sin az·cos alt, cos az·cos alt, sin alt). Flat ground gives sin(alt).
std::vector<float> hillshade(const DemGrid& dem, const HillshadeParams& params = {});

// The overlay colour of a shade (premultiplied ARGB32 as Cairo stores it): ground facing the
// light as on flat ground is left as it is (transparent); slopes turned away darken towards
// black with alpha up to kHillshadeShadowAlpha at shade 0, slopes facing the light brighten
// towards white with alpha up to kHillshadeLightAlpha at shade 1. Flat = sin(alt).
inline constexpr double kHillshadeShadowAlpha = 0.55;
inline constexpr double kHillshadeLightAlpha = 0.35;
uint32_t hillshadeOverlay(float shade, double flat);

} // namespace bando::render
