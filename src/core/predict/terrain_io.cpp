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
namespace {

// Forwards to GDALGenImgProjTransform. Given this function instead, GDALSuggestedWarpOutput2 skips
// its GenImgProj-only check of whether a pole or the antimeridian falls in the output (four more
// source-to-target coordinate transformations, each a search of PROJ's database: 4 % of a
// one-site ITM run's CPU), which cannot change the grid of a source that reaches neither.
int forwardGenImgProj(void* arg, int dstToSrc, int n, double* x, double* y, double* z, int* ok)
{
    return GDALGenImgProjTransform(arg, dstToSrc, n, x, y, z, ok);
}

// A geographic source clear of the poles and the antimeridian.
bool clearOfPolesAndAntimeridian(GDALDataset* src, const OGRSpatialReference& srs)
{
    double gt[6];
    if (!srs.IsGeographic() || src->GetGeoTransform(gt) != CE_None || gt[2] != 0 || gt[4] != 0)
        return false;
    const double x0 = gt[0], x1 = gt[0] + gt[1] * src->GetRasterXSize();
    const double y0 = gt[3], y1 = gt[3] + gt[5] * src->GetRasterYSize();
    return std::min(x0, x1) > -179 && std::max(x0, x1) < 179 && std::min(y0, y1) > -85 && std::max(y0, y1) < 85;
}

// The warped VRT of `src` in `dstWkt`, bilinear, 0.125 pixel approximation, on `threads` threads:
// what GDALAutoCreateWarpedVRTEx builds (same grid, nodata and values), without the pole and
// antimeridian check for a geographic source clear of both (the .hgt mosaics and WGS 84 GeoTIFFs).
GDALDatasetUniquePtr warpToWork(GDALDataset* src, const OGRSpatialReference& srcSrs, const char* dstWkt, int threads)
{
    gdal::WarpOptionsPtr wo(GDALCreateWarpOptions());
    // The warp kernel splits each chunk's rows between `threads` threads (same values).
    wo->papszWarpOptions = CSLSetNameValue(wo->papszWarpOptions, "NUM_THREADS", std::to_string(std::max(1, threads)).c_str());
    if (!clearOfPolesAndAntimeridian(src, srcSrs))
        return GDALDatasetUniquePtr(GDALDataset::FromHandle(
            GDALAutoCreateWarpedVRTEx(GDALDataset::ToHandle(src), nullptr, dstWkt, GRA_Bilinear, 0.125, wo.get(), nullptr)));
    GDALDatasetH hSrc = GDALDataset::ToHandle(src);
    gdal::StringListPtr to(CSLSetNameValue(nullptr, "DST_SRS", dstWkt));
    gdal::TransformerPtr trOwned(GDALCreateGenImgProjTransformer2(hSrc, nullptr, to.get()));
    void* tr = trOwned.get();
    if (!tr)
        return nullptr;
    double gt[6];
    int px = 0, ln = 0;
    if (GDALSuggestedWarpOutput(hSrc, forwardGenImgProj, tr, gt, &px, &ln) != CE_None)
        return nullptr;
    GDALSetGenImgProjTransformerDstGeoTransform(tr, gt);
    wo->eResampleAlg = GRA_Bilinear;
    wo->hSrcDS = hSrc;
    GDALWarpInitDefaultBandMapping(wo.get(), src->GetRasterCount());
    for (int i = 0; i < wo->nBandCount; ++i) {
        int has = 0;
        const double nd = src->GetRasterBand(wo->panSrcBands[i])->GetNoDataValue(&has);
        if (has) {
            GDALWarpInitSrcNoDataReal(wo.get(), -1.1e20);
            wo->padfSrcNoDataReal[i] = nd;
            GDALWarpInitDstNoDataReal(wo.get(), -1.1e20);
            wo->padfDstNoDataReal[i] = nd;
        }
    }
    if (wo->padfDstNoDataReal && !CSLFetchNameValue(wo->papszWarpOptions, "INIT_DEST"))
        wo->papszWarpOptions = CSLSetNameValue(wo->papszWarpOptions, "INIT_DEST", "NO_DATA");
    // The approximating transformer owns the exact one; the warped VRT owns both.
    wo->pTransformerArg = GDALCreateApproxTransformer(GDALGenImgProjTransform, trOwned.release(), 0.125);
    GDALApproxTransformerOwnsSubtransformer(wo->pTransformerArg, TRUE);
    wo->pfnTransformer = GDALApproxTransform;
    // On failure the transformer is left alone, as GDALAutoCreateWarpedVRTEx leaves it (the
    // half-built warped dataset may already own it).
    GDALDatasetH out = GDALCreateWarpedVRT(hSrc, px, ln, gt, wo.get());
    if (!out)
        return nullptr;
    GDALSetProjection(out, dstWkt);
    return GDALDatasetUniquePtr(GDALDataset::FromHandle(out));
}

} // namespace

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
        warped = warpToWork(src.get(), *srcSrs, wkt, threads);
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
