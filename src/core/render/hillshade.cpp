// Hillshade: Horn gradient, overlay colours, the DEM raster read through GDAL, drawing.
#include "core/render/hillshade.hpp"

#include "core/base/error.hpp"
#include "core/capi/cairo.hpp"
#include "core/capi/gdal.hpp"
#include "core/store/project_store.hpp"

#include <cairo.h>

#include <algorithm>
#include <cmath>

namespace bando::render {

namespace {

bool validAt(const DemGrid& dem, int x, int y, double& out)
{
    if (x < 0 || y < 0 || x >= dem.cols || y >= dem.rows)
        return false;
    const float v = dem.at(x, y);
    out = v;
    return std::isfinite(v);
}

// Neighbour (dc, dr) of (c, r) whose height is e; where it has no data or lies outside,
// extrapolated linearly (exact on a plane): along the column, else along the row, else through
// the centre from the opposite neighbour, else the centre's height.
double neighbour(const DemGrid& dem, int c, int r, double e, int dc, int dr)
{
    double v = 0, w = 0;
    if (validAt(dem, c + dc, r + dr, v))
        return v;
    if (dr != 0 && validAt(dem, c + dc, r, v) && validAt(dem, c + dc, r - dr, w))
        return 2.0 * v - w;
    if (dc != 0 && validAt(dem, c, r + dr, v) && validAt(dem, c - dc, r + dr, w))
        return 2.0 * v - w;
    if (validAt(dem, c - dc, r - dr, v))
        return 2.0 * e - v;
    return e;
}

} // namespace

std::vector<float> hillshade(const DemGrid& dem, const HillshadeParams& params)
{
    std::vector<float> out;
    if (dem.empty() || !(dem.cell > 0))
        return out;
    out.assign(dem.z.size(), std::numeric_limits<float>::quiet_NaN());
    const double az = params.azimuthDeg * M_PI / 180, alt = params.altitudeDeg * M_PI / 180;
    const double lx = std::sin(az) * std::cos(alt), ly = std::cos(az) * std::cos(alt), lz = std::sin(alt);
    const double k = params.zFactor / (8 * dem.cell);
    const auto cols = static_cast<size_t>(dem.cols);
    for (int r = 0; r < dem.rows; ++r)
        for (int c = 0; c < dem.cols; ++c) {
            const size_t at = static_cast<size_t>(r) * cols + static_cast<size_t>(c);
            const float e = dem.z[at];
            if (!std::isfinite(e))
                continue;
            // The 3×3 window a b c / d e f / g h i, north row first.
            double w[9] = {0, 0, 0, 0, e, 0, 0, 0, 0};
            bool direct = c > 0 && r > 0 && c + 1 < dem.cols && r + 1 < dem.rows;
            if (direct) {
                const float* up = &dem.z[at - cols];
                const float* dn = &dem.z[at + cols];
                w[0] = up[-1], w[1] = up[0], w[2] = up[1];
                w[3] = dem.z[at - 1], w[5] = dem.z[at + 1];
                w[6] = dn[-1], w[7] = dn[0], w[8] = dn[1];
                direct = std::isfinite(w[0] + w[1] + w[2] + w[3] + w[5] + w[6] + w[7] + w[8]);
            }
            if (!direct)
                for (int i = 0; i < 9; ++i)
                    if (i != 4)
                        w[i] = neighbour(dem, c, r, e, i % 3 - 1, i / 3 - 1);
            const double dzdx = ((w[2] + 2 * w[5] + w[8]) - (w[0] + 2 * w[3] + w[6])) * k;
            const double dzdy = ((w[0] + 2 * w[1] + w[2]) - (w[6] + 2 * w[7] + w[8])) * k;
            const double norm = std::sqrt(dzdx * dzdx + dzdy * dzdy + 1);
            const double shade = (-dzdx * lx - dzdy * ly + lz) / norm;
            out[at] = static_cast<float>(std::max(0.0, shade));
        }
    return out;
}

uint32_t hillshadeOverlay(float shade, double flat)
{
    if (!std::isfinite(shade))
        return 0;
    double alpha = 0;
    uint32_t grey = 0;  // black shadow or white light
    if (shade < flat) {
        alpha = flat > 0 ? (flat - shade) / flat * kHillshadeShadowAlpha : 0;
    } else {
        alpha = flat < 1 ? (shade - flat) / (1 - flat) * kHillshadeLightAlpha : 0;
        grey = 255;
    }
    alpha = std::clamp(alpha, 0.0, 1.0);
    const auto a = static_cast<uint32_t>(std::lround(alpha * 255));
    const auto v = static_cast<uint32_t>(std::lround(grey * alpha));  // premultiplied
    return (a << 24) | (v << 16) | (v << 8) | v;
}

DemGrid readDemRaster(const std::string& path, const std::string& table, int epsg)
{
    gdal::init();
    gdal::ErrorCapture cap;
    const std::string opt = "TABLE=" + table;
    const char* const drivers[] = {"GPKG", nullptr};
    const char* const options[] = {opt.c_str(), nullptr};
    gdal::DatasetPtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, drivers, options));
    if (!ds || ds->GetRasterCount() < 1)
        throw Error(ErrorKind::Store, path, "cannot read the DEM raster '" + table + "': " + cap.lastMessage());
    DemGrid dem;
    dem.cols = ds->GetRasterXSize();
    dem.rows = ds->GetRasterYSize();
    double gt[6] = {0, 1, 0, 0, 0, -1};
    if (ds->GetGeoTransform(gt) != CE_None || gt[2] != 0 || gt[4] != 0 || !(gt[1] > 0) ||
        std::fabs(gt[1] + gt[5]) > 1e-9 * gt[1])
        throw Error(ErrorKind::Store, path,
                    "the DEM raster '" + table + "' is not a north-up grid of square cells");
    dem.originX = gt[0];
    dem.originY = gt[3];
    dem.cell = gt[1];
    int srsEpsg = 0;
    if (const OGRSpatialReference* srs = ds->GetSpatialRef())
        if (const char* code = srs->GetAuthorityCode(nullptr))
            srsEpsg = std::atoi(code);
    if (srsEpsg != epsg)
        throw Error(ErrorKind::Usage, path,
                    "the DEM raster '" + table + "' is in EPSG:" + std::to_string(srsEpsg) + ", the map in EPSG:" +
                        std::to_string(epsg) + " (the hillshade is not reprojected)");
    dem.epsg = epsg;
    GDALRasterBand* band = ds->GetRasterBand(1);
    dem.z.resize(static_cast<size_t>(dem.cols) * static_cast<size_t>(dem.rows));
    if (band->RasterIO(GF_Read, 0, 0, dem.cols, dem.rows, dem.z.data(), dem.cols, dem.rows, GDT_Float32, 0, 0,
                       nullptr) != CE_None)
        throw Error(ErrorKind::Store, path, "cannot read the DEM raster '" + table + "': " + cap.lastMessage());
    int hasNoData = 0;
    const double noData = band->GetNoDataValue(&hasNoData);
    if (hasNoData)
        for (float& v : dem.z)
            if (v == static_cast<float>(noData))
                v = std::numeric_limits<float>::quiet_NaN();
    return dem;
}

DemGrid loadDem(const ProjectStore& store, int epsg, const Feedback* fb)
{
    throwIfCancelled(fb);
    const auto table = store.meta("dem_table");
    if (!table || table->empty())
        return {};
    return readDemRaster(store.path(), *table, epsg);
}

void drawHillshade(cairo_t* cr, const DemGrid& dem, const std::vector<uint32_t>& overlay, const ViewTransform& vt,
                   double opacity)
{
    if (dem.empty() || overlay.size() != dem.z.size() || !(vt.scale > 0) || opacity <= 0)
        return;
    const int stride = cairo_format_stride_for_width(CAIRO_FORMAT_ARGB32, dem.cols);
    if (stride != dem.cols * 4)
        return;  // ARGB32 rows are never padded; guard anyway
    // Cairo only reads a source surface: the overlay is shared, never written.
    cairo::SurfacePtr img(cairo_image_surface_create_for_data(
        reinterpret_cast<unsigned char*>(const_cast<uint32_t*>(overlay.data())), CAIRO_FORMAT_ARGB32, dem.cols,
        dem.rows, stride));
    if (cairo::status(img) != CAIRO_STATUS_SUCCESS)
        return;
    const cairo::PatternPtr pat(cairo_pattern_create_for_surface(img.get()));
    // Device → grid cell: col = (mapX − originX)/cell with mapX = vt.originX + dx/vt.scale.
    cairo_matrix_t m;
    const double k = 1.0 / (vt.scale * dem.cell);
    cairo_matrix_init(&m, k, 0, 0, k, (vt.originX - dem.originX) / dem.cell, (dem.originY - vt.originY) / dem.cell);
    cairo_pattern_set_matrix(pat.get(), &m);
    cairo_pattern_set_extend(pat.get(), CAIRO_EXTEND_NONE);
    // Interpolated while a cell is at least half a pixel (a smooth relief; averaging costs
    // ~25 ms more per province frame); averaged below, where bilinear would alias.
    cairo_pattern_set_filter(pat.get(), k < 2 ? CAIRO_FILTER_BILINEAR : CAIRO_FILTER_GOOD);
    cairo_save(cr);
    cairo_set_source(cr, pat.get());
    cairo_paint_with_alpha(cr, std::clamp(opacity, 0.0, 1.0));
    cairo_restore(cr);
}

} // namespace bando::render
