// DEM import: mosaic, void fill, reprojection, the project's `dem` table. See dem_import.hpp.
#include "core/io/dem_import.hpp"

#include "core/base/error.hpp"
#include "core/capi/gdal.hpp"

#include <cpl_string.h>
#include <gdal_alg.h>
#include <gdal_priv.h>
#include <gdal_utils.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <set>

namespace bando::io {

namespace fs = std::filesystem;

namespace {

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

struct WarpOptionsFree {
    void operator()(GDALWarpAppOptions* o) const { GDALWarpAppOptionsFree(o); }
};
struct TranslateOptionsFree {
    void operator()(GDALTranslateOptions* o) const { GDALTranslateOptionsFree(o); }
};
struct BuildVrtOptionsFree {
    void operator()(GDALBuildVRTOptions* o) const { GDALBuildVRTOptionsFree(o); }
};

GDALDatasetUniquePtr own(GDALDatasetH h) { return GDALDatasetUniquePtr(GDALDataset::FromHandle(h)); }

std::string gdalPath(const std::string& f)
{
    return lower(f).size() > 8 && lower(f).ends_with(".hgt.zip") ? "/vsizip/" + f + "/" + fs::path(f).stem().string() : f;
}

// Geographic box (lon/lat) of a raster, from its corners and edge midpoints.
Extent geographicExtent(GDALDataset& ds)
{
    Extent e;
    double gt[6];
    const OGRSpatialReference* srs = ds.GetSpatialRef();
    if (!srs || ds.GetGeoTransform(gt) != CE_None)
        return e;
    OGRSpatialReference wgs;
    wgs.importFromEPSG(4326);
    wgs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    OGRSpatialReference src(*srs);
    src.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&src, &wgs));
    if (!ct)
        return e;
    const double w = ds.GetRasterXSize(), h = ds.GetRasterYSize();
    for (double fx : {0.0, 0.5, 1.0})
        for (double fy : {0.0, 0.5, 1.0}) {
            double x = gt[0] + fx * w * gt[1] + fy * h * gt[2];
            double y = gt[3] + fx * w * gt[4] + fy * h * gt[5];
            if (ct->Transform(1, &x, &y))
                e.expand(x, y);
        }
    return e;
}

} // namespace

bool isDemFile(const std::string& path)
{
    const std::string l = lower(path);
    for (const char* ext : {".tif", ".tiff", ".hgt", ".hgt.zip", ".vrt", ".dem", ".asc"})
        if (l.ends_with(ext))
            return true;
    return false;
}

std::string srtmTileName(int lon, int lat)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%c%02d%c%03d", lat >= 0 ? 'N' : 'S', std::abs(lat), lon >= 0 ? 'E' : 'W', std::abs(lon));
    return buf;
}

DemGrid readDem(const std::vector<std::string>& files, const DemImportOptions& o, DemImportResult& info, Feedback* fb)
{
    if (files.empty())
        throw Error(ErrorKind::Usage, "", "no DEM file given");
    gdal::init();
    gdal::ErrorCapture cap;
    info.files = files;
    // 1. Each file into memory (Float32), its voids filled inside the file only.
    std::vector<GDALDatasetUniquePtr> mem;
    std::vector<Extent> footprints;
    std::unique_ptr<OGRSpatialReference> srs;
    double srcRes = 0;
    bool geographic = false;
    for (const auto& f : files) {
        throwIfCancelled(fb);
        GDALDatasetUniquePtr src(GDALDataset::Open(gdalPath(f).c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
        if (!src || src->GetRasterCount() < 1)
            throw Error(ErrorKind::Format, f, "not a raster GDAL can read: " + cap.lastMessage());
        double gt[6];
        const OGRSpatialReference* s = src->GetSpatialRef();
        if (!s || src->GetGeoTransform(gt) != CE_None)
            throw Error(ErrorKind::Crs, f, "the DEM has no coordinate reference system or georeferencing");
        if (gt[2] != 0 || gt[4] != 0 || gt[5] >= 0)
            throw Error(ErrorKind::Format, f, "the DEM is not a north-up grid");
        if (!srs) {
            srs = std::make_unique<OGRSpatialReference>(*s);
            geographic = s->IsGeographic();
            srcRes = std::min(gt[1], -gt[5]);
        } else if (!srs->IsSame(s))
            throw Error(ErrorKind::Crs, f, "the DEM files are in different coordinate reference systems: convert them to one first");
        footprints.push_back(geographicExtent(*src));
        const char* targs[] = {"-of", "MEM", "-ot", "Float32", nullptr};
        std::unique_ptr<GDALTranslateOptions, TranslateOptionsFree> topt(
            GDALTranslateOptionsNew(const_cast<char**>(targs), nullptr));
        GDALDatasetUniquePtr m = own(GDALTranslate("", GDALDataset::ToHandle(src.get()), topt.get(), nullptr));
        if (!m)
            throw Error(ErrorKind::Io, f, "cannot read the DEM: " + cap.lastMessage());
        GDALRasterBand* b = m->GetRasterBand(1);
        int hasNd = 0;
        const double nd = b->GetNoDataValue(&hasNd);
        if (hasNd) {
            std::vector<float> z(static_cast<size_t>(m->GetRasterXSize()) * m->GetRasterYSize());
            if (b->RasterIO(GF_Read, 0, 0, m->GetRasterXSize(), m->GetRasterYSize(), z.data(), m->GetRasterXSize(),
                            m->GetRasterYSize(), GDT_Float32, 0, 0, nullptr) != CE_None)
                throw Error(ErrorKind::Io, f, "cannot read the DEM: " + cap.lastMessage());
            const long long voids = std::count(z.begin(), z.end(), static_cast<float>(nd));
            if (voids > 0 && o.fillVoids) {
                if (GDALFillNodata(GDALRasterBand::ToHandle(b), nullptr, 100, 0, 0, nullptr, nullptr, nullptr) != CE_None)
                    throw Error(ErrorKind::Io, f, "cannot fill the DEM's voids: " + cap.lastMessage());
                std::vector<float> after(z.size());
                if (b->RasterIO(GF_Read, 0, 0, m->GetRasterXSize(), m->GetRasterYSize(), after.data(),
                                m->GetRasterXSize(), m->GetRasterYSize(), GDT_Float32, 0, 0, nullptr) != CE_None)
                    throw Error(ErrorKind::Io, f, "cannot read the DEM: " + cap.lastMessage());
                info.voidsFilled += voids - std::count(after.begin(), after.end(), static_cast<float>(nd));
            }
        }
        mem.push_back(std::move(m));
        reportProgress(fb, 40.0 * static_cast<double>(mem.size()) / static_cast<double>(files.size()));
    }

    // 2. Mosaic (a VRT over the filled files) and reprojection to the working CRS.
    std::vector<GDALDatasetH> handles;
    for (auto& m : mem)
        handles.push_back(GDALDataset::ToHandle(m.get()));
    std::unique_ptr<GDALBuildVRTOptions, BuildVrtOptionsFree> vopt(GDALBuildVRTOptionsNew(nullptr, nullptr));
    GDALDatasetUniquePtr vrt = own(GDALBuildVRT("", static_cast<int>(handles.size()), handles.data(), nullptr, vopt.get(), nullptr));
    if (!vrt)
        throw Error(ErrorKind::Io, files.front(), "cannot mosaic the DEM files: " + cap.lastMessage());
    double res = o.resolutionM;
    if (!(res > 0)) {
        res = geographic ? std::round(srcRes * 111320.0) : std::round(srcRes);
        res = std::max(res, 1.0);
    }
    const std::string t = "EPSG:" + std::to_string(o.workEpsg), r = std::to_string(res);
    const char* wargs[] = {"-of", "MEM", "-t_srs", t.c_str(), "-tr", r.c_str(), r.c_str(), "-tap", "-r", "bilinear",
                           "-ot", "Float32", "-dstnodata", "-9999", nullptr};
    std::unique_ptr<GDALWarpAppOptions, WarpOptionsFree> wopt(GDALWarpAppOptionsNew(const_cast<char**>(wargs), nullptr));
    GDALDatasetH vh = GDALDataset::ToHandle(vrt.get());
    GDALDatasetUniquePtr warped = own(GDALWarp("", nullptr, 1, &vh, wopt.get(), nullptr));
    if (!warped)
        throw Error(ErrorKind::Crs, files.front(), "cannot reproject the DEM to EPSG:" + std::to_string(o.workEpsg) + ": " +
                                                        cap.lastMessage());
    throwIfCancelled(fb);
    reportProgress(fb, 80);
    DemGrid g;
    double gt[6];
    warped->GetGeoTransform(gt);
    g.cols = warped->GetRasterXSize();
    g.rows = warped->GetRasterYSize();
    g.originX = gt[0];
    g.originY = gt[3];
    g.cell = gt[1];
    g.z.resize(static_cast<size_t>(g.cols) * g.rows);
    if (warped->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, g.cols, g.rows, g.z.data(), g.cols, g.rows, GDT_Float32, 0, 0,
                                           nullptr) != CE_None)
        throw Error(ErrorKind::Io, files.front(), "cannot read the reprojected DEM: " + cap.lastMessage());
    info.cols = g.cols;
    info.rows = g.rows;
    info.cellM = g.cell;
    info.minM = 1e300;
    info.maxM = -1e300;
    for (float v : g.z) {
        if (v == g.noData) {
            ++info.voidsLeft;
            continue;
        }
        info.minM = std::min<double>(info.minM, v);
        info.maxM = std::max<double>(info.maxM, v);
    }
    if (info.minM > info.maxM)
        throw Error(ErrorKind::Format, files.front(), "the DEM has no heights");

    // 3. Coverage of the area that must be covered (the province).
    if (!o.mustCover.isEmpty()) {
        OGRSpatialReference wgs, work;
        wgs.importFromEPSG(4326);
        wgs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        work.importFromEPSG(o.workEpsg);
        work.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&wgs, &work));
        // Sample the box on a 50 x 50 lattice: a point outside the grid or on nodata is uncovered.
        const Extent& b = o.mustCover;
        std::set<std::pair<int, int>> missingTiles;
        int uncovered = 0, total = 0;
        for (int i = 0; i <= 50; ++i)
            for (int j = 0; j <= 50; ++j) {
                const double lon = b.minX + b.width() * i / 50.0, lat = b.minY + b.height() * j / 50.0;
                double x = lon, y = lat;
                ++total;
                bool ok = ct && ct->Transform(1, &x, &y);
                if (ok) {
                    const int c = static_cast<int>(std::floor((x - g.originX) / g.cell));
                    const int rr = static_cast<int>(std::floor((g.originY - y) / g.cell));
                    ok = c >= 0 && rr >= 0 && c < g.cols && rr < g.rows &&
                         g.z[static_cast<size_t>(rr) * g.cols + c] != g.noData;
                }
                if (!ok) {
                    ++uncovered;
                    bool inFile = false;
                    for (const Extent& e : footprints)
                        inFile = inFile || (lon >= e.minX && lon <= e.maxX && lat >= e.minY && lat <= e.maxY);
                    if (!inFile)
                        missingTiles.insert({static_cast<int>(std::floor(lon)), static_cast<int>(std::floor(lat))});
                }
            }
        if (uncovered > 0) {
            char pct[32];
            std::snprintf(pct, sizeof pct, "%.1f %%", 100.0 * uncovered / total);
            std::string msg = std::string("the DEM does not cover the province (") + pct + " of its box has no height)";
            if (!missingTiles.empty()) {
                msg += ": missing tiles";
                for (const auto& [lon, lat] : missingTiles)
                    msg += " " + srtmTileName(lon, lat) + ".hgt";
            } else
                msg += ": voids too large to fill";
            throw Error(ErrorKind::Format, files.size() == 1 ? files.front() : files.front() + " (+" +
                                                                   std::to_string(files.size() - 1) + ")", msg);
        }
    }
    reportProgress(fb, 90);
    return g;
}

bool writeDem(const DemGrid& g, int epsg, const std::string& project, const std::string& description)
{
    gdal::init();
    gdal::ErrorCapture cap;
    const fs::path dst(project);
    const fs::path tmp = dst.parent_path() / ("." + dst.filename().string() + ".dem.tmp");
    std::error_code ec;
    fs::remove(tmp, ec);
    fs::copy_file(dst, tmp, fs::copy_options::overwrite_existing, ec);
    if (ec)
        throw Error(ErrorKind::Io, project, "cannot copy the project to write the DEM: " + ec.message());
    bool hadDem = false;
    try {
        {
            GDALDatasetUniquePtr upd(GDALDataset::Open(tmp.c_str(), GDAL_OF_VECTOR | GDAL_OF_RASTER | GDAL_OF_UPDATE));
            if (!upd)
                throw Error(ErrorKind::Store, project, "cannot open the project: " + cap.lastMessage());
            std::set<std::string> tables;
            if (OGRLayer* l = upd->ExecuteSQL("SELECT name FROM sqlite_master WHERE type = 'table'", nullptr, nullptr)) {
                for (auto& f : *l)
                    tables.insert(f->GetFieldAsString(0));
                upd->ReleaseResultSet(l);
            }
            hadDem = tables.count("dem") > 0;
            if (hadDem) {
                // Constant statements only: the table name is fixed.
                static constexpr const char* kDrop[][2] = {
                    {"gpkg_2d_gridded_tile_ancillary", "DELETE FROM gpkg_2d_gridded_tile_ancillary WHERE tpudt_name = 'dem'"},
                    {"gpkg_2d_gridded_coverage_ancillary", "DELETE FROM gpkg_2d_gridded_coverage_ancillary WHERE tile_matrix_set_name = 'dem'"},
                    {"gpkg_tile_matrix", "DELETE FROM gpkg_tile_matrix WHERE table_name = 'dem'"},
                    {"gpkg_tile_matrix_set", "DELETE FROM gpkg_tile_matrix_set WHERE table_name = 'dem'"},
                    {"gpkg_extensions", "DELETE FROM gpkg_extensions WHERE table_name = 'dem'"},
                    {"gpkg_metadata_reference", "DELETE FROM gpkg_metadata_reference WHERE table_name = 'dem'"},
                    {"gpkg_contents", "DELETE FROM gpkg_contents WHERE table_name = 'dem'"},
                    {"dem", "DROP TABLE dem"}};
                for (const auto& [table, sql] : kDrop)
                    if (tables.count(table))
                        if (OGRLayer* none = upd->ExecuteSQL(sql, nullptr, nullptr))
                            upd->ReleaseResultSet(none);
            }
            upd.reset();
            if (!cap.errors().empty())
                throw Error(ErrorKind::Store, project, "cannot remove the previous DEM: " + cap.lastMessage());
        }
        GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
        CPLStringList co;
        co.SetNameValue("APPEND_SUBDATASET", "YES");
        co.SetNameValue("RASTER_TABLE", "dem");
        co.SetNameValue("RASTER_IDENTIFIER", "dem");
        co.SetNameValue("RASTER_DESCRIPTION", description.c_str());
        co.SetNameValue("TILE_FORMAT", "TIFF");
        GDALDatasetUniquePtr ds(drv->Create(tmp.c_str(), g.cols, g.rows, 1, GDT_Float32, co.List()));
        if (!ds)
            throw Error(ErrorKind::Store, project, "cannot add the DEM raster: " + cap.lastMessage());
        OGRSpatialReference srs;
        srs.importFromEPSG(epsg);
        double gt[6] = {g.originX, g.cell, 0, g.originY, 0, -g.cell};
        if (ds->SetSpatialRef(&srs) != CE_None || ds->SetGeoTransform(gt) != CE_None)
            throw Error(ErrorKind::Store, project, "cannot georeference the DEM raster: " + cap.lastMessage());
        GDALRasterBand* band = ds->GetRasterBand(1);
        band->SetNoDataValue(g.noData);
        if (band->RasterIO(GF_Write, 0, 0, g.cols, g.rows, const_cast<float*>(g.z.data()), g.cols, g.rows, GDT_Float32, 0,
                           0, nullptr) != CE_None)
            throw Error(ErrorKind::Store, project, "cannot write the DEM raster: " + cap.lastMessage());
        ds.reset();
        if (!cap.errors().empty())
            throw Error(ErrorKind::Store, project, "cannot write the DEM raster: " + cap.lastMessage());
        fs::rename(tmp, dst, ec);
        if (ec)
            throw Error(ErrorKind::Io, project, "cannot replace the project: " + ec.message());
    } catch (...) {
        fs::remove(tmp, ec);
        throw;
    }
    return hadDem;
}

} // namespace bando::io
