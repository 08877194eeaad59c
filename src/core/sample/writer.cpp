// Writes the generated sample into a new project file, atomically and reproducibly: the same
// SampleData gives a byte-identical file (GDAL's timestamps are pinned).
#include "core/sample/sample.hpp"

#include "core/base/error.hpp"
#include "core/capi/gdal.hpp"
#include "core/capi/proj.hpp"
#include "core/store/project_store.hpp"

#include <cpl_conv.h>
#include <ogr_spatialref.h>

#include <string_view>

namespace bando::sample {
namespace {

// Pins GDAL's "current date" (gpkg_contents.last_change and friends) on this thread.
class FixedGdalDate {
public:
    explicit FixedGdalDate(const char* iso)
    {
        if (const char* old = CPLGetThreadLocalConfigOption("OGR_CURRENT_DATE", nullptr)) {
            m_had = true;
            m_old = old;
        }
        CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", iso);
    }
    ~FixedGdalDate() { CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", m_had ? m_old.c_str() : nullptr); }
    FixedGdalDate(const FixedGdalDate&) = delete;
    FixedGdalDate& operator=(const FixedGdalDate&) = delete;

private:
    bool m_had = false;
    std::string m_old;
};

constexpr const char* kDemTable = "dem";
constexpr const char* kFixedDate = "2021-07-20T00:00:00.000Z";  // the program's launch date

// Adds the DEM to the (closed) project file as a GeoPackage 2D gridded coverage (Float32 TIFF
// tiles) in the working CRS, then pins the timestamps GDAL wrote.
void writeDem(const Dem& dem, const std::string& path)
{
    if (dem.empty())
        return;
    gdal::ErrorCapture cap;
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
    if (!drv)
        throw Error(ErrorKind::Internal, path, "GDAL has no GPKG driver");
    CPLStringList o;
    o.SetNameValue("APPEND_SUBDATASET", "YES");
    o.SetNameValue("RASTER_TABLE", kDemTable);
    o.SetNameValue("RASTER_IDENTIFIER", "dem");
    o.SetNameValue("RASTER_DESCRIPTION", "Synthetic terrain height in metres (EPSG:9215)");
    o.SetNameValue("TILE_FORMAT", "TIFF");
    GDALDatasetUniquePtr ds(drv->Create(path.c_str(), dem.cols, dem.rows, 1, GDT_Float32, o.List()));
    if (!ds)
        throw Error(ErrorKind::Store, path, "cannot add the DEM raster: " + cap.lastMessage());
    OGRSpatialReference srs;
    srs.importFromEPSG(crs::kVn2000LangSon);
    double gt[6] = {dem.originX, dem.cell, 0, dem.originY, 0, -dem.cell};
    if (ds->SetSpatialRef(&srs) != CE_None || ds->SetGeoTransform(gt) != CE_None)
        throw Error(ErrorKind::Store, path, "cannot georeference the DEM raster: " + cap.lastMessage());
    GDALRasterBand* band = ds->GetRasterBand(1);
    band->SetNoDataValue(dem.noData);
    if (band->RasterIO(GF_Write, 0, 0, dem.cols, dem.rows, const_cast<float*>(dem.z.data()), dem.cols, dem.rows,
                       GDT_Float32, 0, 0, nullptr) != CE_None)
        throw Error(ErrorKind::Store, path, "cannot write the DEM raster: " + cap.lastMessage());
    ds.reset();
    if (!cap.errors().empty())
        throw Error(ErrorKind::Store, path, "cannot write the DEM raster: " + cap.lastMessage());
    // GDAL stamps raster tables with the wall-clock time: pin it so the file is reproducible.
    GDALDatasetUniquePtr upd(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE));
    if (!upd)
        throw Error(ErrorKind::Store, path, "cannot reopen the project: " + cap.lastMessage());
    // A constant statement (no value spliced in): the same instant as kFixedDate.
    static constexpr const char* kPinContents = "UPDATE gpkg_contents SET last_change = '2021-07-20T00:00:00.000Z'";
    static_assert(std::string_view(kFixedDate) == "2021-07-20T00:00:00.000Z");
    if (OGRLayer* none = upd->ExecuteSQL(kPinContents, nullptr, nullptr))
        upd->ReleaseResultSet(none);
    upd.reset();
    if (!cap.errors().empty())
        throw Error(ErrorKind::Store, path, "cannot finish the DEM raster: " + cap.lastMessage());
}

} // namespace

void writeSample(const SampleData& data, const std::string& path, Feedback* fb)
{
    gdal::init();
    FixedGdalDate date(kFixedDate);
    std::vector<const Layer*> layers = {&data.districts, &data.communes, &data.villages,
                                        &data.roads,     &data.places,   &data.settlements};
    for (const auto& l : data.extraLayers)
        layers.push_back(&l);
    size_t total = 0;
    for (const Layer* l : layers)
        total += l->features.size();
    writeProjectAtomically(path, [&](ProjectStore& store) {
        ProjectStore::Transaction t(store);
        size_t done = 0;
        for (const Layer* l : layers) {
            if (l->name.empty())
                continue;
            store.replaceLayer(*l, fb);
            done += l->features.size();
            reportProgress(fb, total ? 100.0 * static_cast<double>(done) / static_cast<double>(total) : 100.0);
        }
        for (const auto& [k, v] : data.meta)
            store.setMeta(k, v);
        if (!data.dem.empty())
            store.setMeta("dem_table", kDemTable);
        t.commit();
    }, [&](const std::string& tmp) { writeDem(data.dem, tmp); });
}

} // namespace bando::sample
