#include "core/io/exporter.hpp"

#include "core/base/error.hpp"
#include "core/capi/gdal.hpp"
#include "core/capi/ogr_types.hpp"
#include "core/crs/reproject.hpp"
#include "core/io/crs_guess.hpp"
#include "core/store/project_store.hpp"

#include <ogr_spatialref.h>

#include <cctype>
#include <filesystem>

namespace fs = std::filesystem;

namespace bando::io {
using gdal::toOgr;

namespace {


const char* driverOf(ExportFormat f)
{
    switch (f) {
    case ExportFormat::GeoPackage: return "GPKG";
    case ExportFormat::Shapefile: return "ESRI Shapefile";
    case ExportFormat::Kml:
    case ExportFormat::Kmz: return "LIBKML";
    case ExportFormat::GeoJson: return "GeoJSON";
    case ExportFormat::Csv: return "CSV";
    }
    return "";
}

std::vector<std::string> companionFiles(const std::string& path, ExportFormat f)
{
    std::vector<std::string> out{path};
    if (f == ExportFormat::Shapefile)
        for (const char* ext : {".shx", ".dbf", ".prj", ".cpg"})
            out.push_back(fs::path(path).replace_extension(ext).string());
    if (f == ExportFormat::Csv)
        out.push_back(fs::path(path).replace_extension(".csvt").string());
    return out;
}

} // namespace

const char* exportFormatName(ExportFormat f)
{
    switch (f) {
    case ExportFormat::GeoPackage: return "gpkg";
    case ExportFormat::Shapefile: return "shp";
    case ExportFormat::Kml: return "kml";
    case ExportFormat::Kmz: return "kmz";
    case ExportFormat::GeoJson: return "geojson";
    case ExportFormat::Csv: return "csv";
    }
    return "?";
}

std::optional<ExportFormat> parseExportFormat(const std::string& nameIn)
{
    std::string n;
    for (char c : nameIn)
        n += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!n.empty() && n[0] == '.')
        n.erase(0, 1);
    if (n == "gpkg" || n == "geopackage")
        return ExportFormat::GeoPackage;
    if (n == "shp" || n == "shapefile")
        return ExportFormat::Shapefile;
    if (n == "kml")
        return ExportFormat::Kml;
    if (n == "kmz")
        return ExportFormat::Kmz;
    if (n == "geojson" || n == "json")
        return ExportFormat::GeoJson;
    if (n == "csv")
        return ExportFormat::Csv;
    return std::nullopt;
}

std::optional<ExportFormat> exportFormatOfPath(const std::string& path)
{
    return parseExportFormat(fs::path(path).extension().string());
}

ExportResult exportLayer(const Layer& input, const std::string& outPath, const ExportOptions& opts, const Feedback* fb)
{
    gdal::init();
    if (opts.epsg != 4326)
        validateEpsg(opts.epsg, outPath);
    if ((opts.format == ExportFormat::Kml || opts.format == ExportFormat::Kmz) && opts.epsg != 4326)
        throw Error(ErrorKind::Usage, outPath, "KML and KMZ files are always in WGS 84 (EPSG:4326)");
    if (fs::path(outPath).has_parent_path() && !fs::exists(fs::path(outPath).parent_path()))
        throw Error(ErrorKind::Io, outPath, "folder does not exist");
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName(driverOf(opts.format));
    if (!drv)
        throw Error(ErrorKind::Internal, outPath, std::string("GDAL has no ") + driverOf(opts.format) + " driver");
    if (fs::exists(outPath)) {
        if (!opts.overwrite)
            throw Error(ErrorKind::Io, outPath, "file already exists (use --force to overwrite)");
        for (const auto& f : companionFiles(outPath, opts.format)) {
            std::error_code ec;
            fs::remove(f, ec);
        }
    }
    Layer layer = input;
    if (layer.geomType != GeomType::None)
        crs::reproject(layer, opts.epsg);
    gdal::ErrorCapture cap;
    CPLStringList dsco;
    if (opts.format == ExportFormat::GeoPackage)
        dsco.SetNameValue("VERSION", "1.3");
    gdal::DatasetPtr ds(drv->Create(outPath.c_str(), 0, 0, 0, GDT_Unknown, dsco.List()));
    if (!ds)
        throw Error(ErrorKind::Io, outPath, "cannot create file: " + cap.lastMessage());
    OGRSpatialReference srs;
    srs.importFromEPSG(opts.epsg);
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    CPLStringList lco;
    OGRwkbGeometryType gt = toOgr(layer.geomType);
    switch (opts.format) {
    case ExportFormat::Shapefile: lco.SetNameValue("ENCODING", "UTF-8"); break;
    case ExportFormat::Csv:
        lco.SetNameValue("GEOMETRY", layer.geomType == GeomType::Point ? "AS_XY" : "AS_WKT");
        lco.SetNameValue("CREATE_CSVT", "YES");
        lco.SetNameValue("STRING_QUOTING", "ALWAYS");
        break;
    case ExportFormat::GeoJson:
        if (opts.epsg == 4326)
            lco.SetNameValue("WRITE_NAME", "NO");
        break;
    case ExportFormat::GeoPackage: lco.SetNameValue("FID", "fid"); break;
    default: break;
    }
    OGRLayer* l = ds->CreateLayer(layer.name.c_str(), gt == wkbNone ? nullptr : &srs, gt, lco.List());
    if (!l)
        throw Error(ErrorKind::Io, outPath, "cannot create layer '" + layer.name + "': " + cap.lastMessage());
    for (const auto& f : layer.fields) {
        OGRFieldType t = f.type == FieldType::Integer ? OFTInteger64 : f.type == FieldType::Real ? OFTReal : OFTString;
        OGRFieldDefn fd(f.name.c_str(), t);
        if (opts.format == ExportFormat::Shapefile && t == OFTString)
            fd.SetWidth(254);
        if (l->CreateField(&fd) != OGRERR_NONE)
            throw Error(ErrorKind::Io, outPath, "cannot create field '" + f.name + "': " + cap.lastMessage());
    }
    OGRFeatureDefn* defn = l->GetLayerDefn();
    ExportResult res;
    if (ds->TestCapability(ODsCTransactions))
        ds->StartTransaction();
    size_t row = 0;
    for (const auto& feat : layer.features) {
        if ((++row & 1023) == 0)
            throwIfCancelled(fb);
        OGRFeature f(defn);
        for (size_t i = 0; i < layer.fields.size() && i < feat.values.size(); ++i) {
            const Value& v = feat.values[i];
            const int idx = static_cast<int>(i);
            if (auto* iv = std::get_if<int64_t>(&v))
                f.SetField(idx, static_cast<GIntBig>(*iv));
            else if (auto* dv = std::get_if<double>(&v))
                f.SetField(idx, *dv);
            else if (auto* sv = std::get_if<std::string>(&v))
                f.SetField(idx, sv->c_str());
            else
                f.SetFieldNull(idx);
        }
        if (!feat.geom.isEmpty() && gt != wkbNone) {
            std::vector<uint8_t> wkb = toWkb(feat.geom);
            OGRGeometry* parsed = nullptr;
            const OGRErr err = OGRGeometryFactory::createFromWkb(wkb.data(), nullptr, &parsed, wkb.size());
            OGRGeometryUniquePtr g(parsed);
            if (err != OGRERR_NONE || !g)
                throw Error(ErrorKind::Geometry, outPath + ": feature " + std::to_string(row), "cannot encode geometry");
            // forceTo* take ownership of their argument and return the (possibly new) geometry.
            if (gt == wkbMultiPolygon && wkbFlatten(g->getGeometryType()) == wkbPolygon)
                g.reset(OGRGeometryFactory::forceToMultiPolygon(g.release()));
            else if (gt == wkbMultiLineString && wkbFlatten(g->getGeometryType()) == wkbLineString)
                g.reset(OGRGeometryFactory::forceToMultiLineString(g.release()));
            f.SetGeometryDirectly(g.release());
        }
        if (l->CreateFeature(&f) != OGRERR_NONE)
            throw Error(ErrorKind::Io, outPath + ": feature " + std::to_string(row),
                        "cannot write feature: " + cap.lastMessage());
        ++res.features;
    }
    if (ds->TestCapability(ODsCTransactions) && ds->CommitTransaction() != OGRERR_NONE)
        throw Error(ErrorKind::Io, outPath, "cannot write: " + cap.lastMessage());
    ds.reset();
    if (!cap.errors().empty())
        throw Error(ErrorKind::Io, outPath, "write failed: " + cap.lastMessage());
    for (const auto& f : companionFiles(outPath, opts.format))
        if (fs::exists(f))
            res.files.push_back(f);
    return res;
}

ExportResult exportLayer(const std::string& projectPath, const std::string& layerName, const std::string& outPath,
                         const ExportOptions& opts, const Feedback* fb)
{
    auto store = ProjectStore::open(projectPath, ProjectStore::Mode::ReadOnly);
    if (!store->hasLayer(layerName))
        throw Error(ErrorKind::Usage, projectPath, "no layer '" + layerName + "' in the project");
    Layer l = store->readLayer(layerName, fb);
    store->close();
    return exportLayer(l, outPath, opts, fb);
}

} // namespace bando::io
