// Terrain raster -> predict::Terrain. See terrain_io.hpp.
#include "core/predict/terrain_io.hpp"

#include "core/base/error.hpp"
#include "core/capi/gdal.hpp"

#include <gdal_priv.h>
#include <gdalwarper.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <string>

namespace bando::predict {

Terrain loadTerrain(const std::string& path, const std::vector<std::string>& openOptions, int workEpsg,
                    const std::string& label, const Extent& window, int threads)
{
    gdal::init();
    gdal::ErrorCapture cap;
    std::vector<const char*> opts;
    for (const auto& o : openOptions)
        opts.push_back(o.c_str());
    opts.push_back(nullptr);
    GDALDatasetUniquePtr src(GDALDataset::FromHandle(
        GDALOpenEx(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, opts.data(), nullptr)));
    if (!src || src->GetRasterCount() < 1)
        throw Error(ErrorKind::Format, label, "cannot open the terrain raster: " + cap.lastMessage());
    GDALDatasetUniquePtr warped;
    GDALDataset* ds = src.get();
    const OGRSpatialReference* srcSrs = src->GetSpatialRef();
    OGRSpatialReference dst;
    dst.importFromEPSG(workEpsg);
    dst.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    if (!srcSrs || !srcSrs->IsSame(&dst)) {
        if (!srcSrs)
            throw Error(ErrorKind::Crs, label, "the DEM has no coordinate reference system");
        char* wkt = nullptr;
        dst.exportToWkt(&wkt);
        std::unique_ptr<char, gdal::CplFree> owned(wkt);
        // The warp kernel splits each chunk's rows between `threads` threads (same values).
        std::unique_ptr<GDALWarpOptions, void (*)(GDALWarpOptions*)> wo(GDALCreateWarpOptions(), GDALDestroyWarpOptions);
        wo->papszWarpOptions = CSLSetNameValue(wo->papszWarpOptions, "NUM_THREADS", std::to_string(std::max(1, threads)).c_str());
        warped.reset(GDALDataset::FromHandle(GDALAutoCreateWarpedVRTEx(GDALDataset::ToHandle(src.get()), nullptr, wkt,
                                                                       GRA_Bilinear, 0.125, wo.get(), nullptr)));
        if (!warped)
            throw Error(ErrorKind::Crs, label, "cannot reproject the DEM: " + cap.lastMessage());
        ds = warped.get();
    }
    double gt[6];
    if (ds->GetGeoTransform(gt) != CE_None || gt[2] != 0 || gt[4] != 0 || gt[5] >= 0)
        throw Error(ErrorKind::Format, label, "the DEM is not a north-up georeferenced grid");
    int c0 = 0, r0 = 0, c1 = ds->GetRasterXSize(), r1 = ds->GetRasterYSize();
    if (!window.isEmpty()) {
        c0 = std::max(c0, static_cast<int>(std::floor((window.minX - gt[0]) / gt[1])) - 1);
        c1 = std::min(c1, static_cast<int>(std::ceil((window.maxX - gt[0]) / gt[1])) + 1);
        r0 = std::max(r0, static_cast<int>(std::floor((gt[3] - window.maxY) / -gt[5])) - 1);
        r1 = std::min(r1, static_cast<int>(std::ceil((gt[3] - window.minY) / -gt[5])) + 1);
        if (c1 <= c0 || r1 <= r0)
            throw Error(ErrorKind::Format, label, "the DEM does not cover the prediction area");
    }
    Terrain t;
    t.cols = c1 - c0;
    t.rows = r1 - r0;
    t.originX = gt[0] + c0 * gt[1];
    t.originY = gt[3] + r0 * gt[5];
    t.cellX = gt[1];
    t.cellY = -gt[5];
    t.z.resize(static_cast<size_t>(t.cols) * t.rows);
    GDALRasterBand* band = ds->GetRasterBand(1);
    if (band->RasterIO(GF_Read, c0, r0, t.cols, t.rows, t.z.data(), t.cols, t.rows, GDT_Float32, 0, 0, nullptr) != CE_None)
        throw Error(ErrorKind::Io, label, "cannot read the DEM: " + cap.lastMessage());
    int hasNoData = 0;
    const double nd = band->GetNoDataValue(&hasNoData);
    if (hasNoData)
        for (float& z : t.z)
            if (z == static_cast<float>(nd))
                z = std::numeric_limits<float>::quiet_NaN();
    return t;
}

} // namespace bando::predict
