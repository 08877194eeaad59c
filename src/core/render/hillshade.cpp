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

std::vector<float> hillshade(const DemGrid& dem, const HillshadeParams& params)
{
    std::vector<float> out;
    if (dem.empty() || !(dem.cell > 0))
        return out;
    out.assign(dem.z.size(), std::numeric_limits<float>::quiet_NaN());
    const double az = params.azimuthDeg * M_PI / 180, alt = params.altitudeDeg * M_PI / 180;
    const double lx = std::sin(az) * std::cos(alt), ly = std::cos(az) * std::cos(alt), lz = std::sin(alt);
    const double k = params.zFactor / (8 * dem.cell);
    for (int r = 0; r < dem.rows; ++r)
        for (int c = 0; c < dem.cols; ++c) {
            const float e = dem.at(c, r);
            if (!std::isfinite(e))
                continue;
            auto valid = [&](int cc, int rr, double& out) {
                if (cc < 0 || rr < 0 || cc >= dem.cols || rr >= dem.rows)
                    return false;
                const float v = dem.at(cc, rr);
                out = v;
                return std::isfinite(v);
            };
            // Neighbour (dc, dr); where it has no data or lies outside, extrapolated linearly
            // (exact on a plane): along the column, else along the row, else through the centre
            // from the opposite neighbour, else the centre's height.
            auto h = [&](int dc, int dr) -> double {
                double v = 0, w = 0;
                if (valid(c + dc, r + dr, v))
                    return v;
                if (dr != 0 && valid(c + dc, r, v) && valid(c + dc, r - dr, w))
                    return 2.0 * v - w;
                if (dc != 0 && valid(c, r + dr, v) && valid(c - dc, r + dr, w))
                    return 2.0 * v - w;
                if (valid(c - dc, r - dr, v))
                    return 2.0 * e - v;
                return e;
            };
            const double a = h(-1, -1), b = h(0, -1), cc = h(1, -1);
            const double d = h(-1, 0), f = h(1, 0);
            const double g = h(-1, 1), hh = h(0, 1), i = h(1, 1);
            const double dzdx = ((cc + 2 * f + i) - (a + 2 * d + g)) * k;
            const double dzdy = ((a + 2 * b + cc) - (g + 2 * hh + i)) * k;
            const double norm = std::sqrt(dzdx * dzdx + dzdy * dzdy + 1);
            const double shade = (-dzdx * lx - dzdy * ly + lz) / norm;
            out[static_cast<size_t>(r) * static_cast<size_t>(dem.cols) + static_cast<size_t>(c)] =
                static_cast<float>(std::max(0.0, shade));
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
    // Cells larger than a pixel are interpolated; smaller ones are averaged.
    cairo_pattern_set_filter(pat.get(), k < 1 ? CAIRO_FILTER_BILINEAR : CAIRO_FILTER_GOOD);
    cairo_save(cr);
    cairo_set_source(cr, pat.get());
    cairo_paint_with_alpha(cr, std::clamp(opacity, 0.0, 1.0));
    cairo_restore(cr);
}

} // namespace bando::render
