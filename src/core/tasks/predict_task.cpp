// Predict: see predict_task.hpp and docs/PREDICTION.md.
#include "core/tasks/predict_task.hpp"

#include "core/analysis/spatial_index.hpp"
#include "core/base/clock.hpp"

#include "core/base/error.hpp"
#include "core/capi/gdal.hpp"
#include "core/capi/geos.hpp"
#include "core/capi/geos_convert.hpp"
#include "core/crs/reproject.hpp"
#include "core/i18n/i18n.hpp"
#include "core/model/schema.hpp"
#include "core/predict/candidates.hpp"
#include "core/predict/engine.hpp"
#include "core/predict/sites.hpp"
#include "core/predict/terrain_io.hpp"
#include "core/store/project_store.hpp"

#include <gdal_alg.h>
#include <gdalwarper.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <ctime>
#include <unistd.h>

namespace bando::tasks {
namespace {

constexpr int kWorkEpsg = 9215;  // VN-2000 / TM-3 107-15: metric work and the rasters
constexpr float kLevelNoData = -9999.0f;
constexpr int kServerNoData = -1;

using analysis::rf::Technology;
namespace fs = std::filesystem;

const char* techName(Technology t) { return t == Technology::G3 ? "3G" : "4G"; }

bool isIdentifier(const std::string& s)
{
    if (s.empty() || s.size() > 60 || !(std::islower(static_cast<unsigned char>(s[0])) || s[0] == '_'))
        return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_';
    });
}

// Lower-case ASCII file-name part ("Viettel" -> "viettel", "VTL-0001-4G" -> "vtl_0001_4g").
std::string fileTag(const std::string& s)
{
    std::string out;
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        out += std::isalnum(u) && u < 128 ? static_cast<char>(std::tolower(u)) : '_';
    }
    return out.empty() ? "x" : out;
}

double settingDbm(const ProjectStore& store, const std::string& key, double fallback)
{
    auto v = store.meta(key);
    if (!v || v->empty())
        return fallback;
    char* end = nullptr;
    const double d = std::strtod(v->c_str(), &end);
    if (end == v->c_str() || *end != '\0' || !std::isfinite(d) || d > 0 || d < -200)
        throw Error(ErrorKind::Format, store.path() + ": bando_meta " + key,
                    "not a level in dBm between -200 and 0: '" + *v + "'");
    return d;
}

PredictThresholds loadThresholds(const ProjectStore& store)
{
    PredictThresholds t;
    t.g4.goodDbm = settingDbm(store, "setting.rsrp_good_dbm", t.g4.goodDbm);
    t.g4.weakDbm = settingDbm(store, "setting.rsrp_weak_dbm", t.g4.weakDbm);
    t.g3.goodDbm = settingDbm(store, "setting.rscp_good_dbm", t.g3.goodDbm);
    t.g3.weakDbm = settingDbm(store, "setting.rscp_weak_dbm", t.g3.weakDbm);
    if (t.g4.weakDbm > t.g4.goodDbm)
        throw Error(ErrorKind::Format, store.path() + ": bando_meta setting.rsrp_weak_dbm", "above setting.rsrp_good_dbm");
    if (t.g3.weakDbm > t.g3.goodDbm)
        throw Error(ErrorKind::Format, store.path() + ": bando_meta setting.rscp_weak_dbm", "above setting.rscp_good_dbm");
    return t;
}

// "calibration=VNPT -3.20 dB, Viettel +1.05 dB; " or "" without calibration.
std::string calibrationNote(const std::optional<predict::Calibration>& c)
{
    if (!c)
        return {};
    std::string s = "calibration=";
    for (size_t i = 0; i < c->operators.size(); ++i) {
        char b[96];
        std::snprintf(b, sizeof b, "%s%s %+.2f dB", i ? ", " : "", c->operators[i].operatorName.c_str(), c->operators[i].offsetDb);
        s += b;
    }
    return s + "; ";
}

// The uncalibrated level at a measurement: its operator's best server of its technology at its
// grid cell (NaN when there is none).
double levelAt(const predict::Measurement& m, const std::map<std::pair<std::string, int>, size_t>& groupIndex,
               const std::vector<predict::BestServer>& bests, const predict::Grid& grid)
{
    const auto g = groupIndex.find({m.operatorName, static_cast<int>(m.tech)});
    const int c = static_cast<int>(std::floor((m.x - grid.originX) / grid.cell));
    const int r = static_cast<int>(std::floor((grid.originY - m.y) / grid.cell));
    if (g == groupIndex.end() || c < 0 || r < 0 || c >= grid.cols || r >= grid.rows)
        return std::numeric_limits<double>::quiet_NaN();
    return static_cast<double>(bests[g->second].levelDbm[static_cast<size_t>(r) * grid.cols + c]);
}

OGRSpatialReference workSrs()
{
    OGRSpatialReference srs;
    srs.importFromEPSG(kWorkEpsg);
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
}

// The project's DEM (GeoPackage gridded coverage `dem`), in the working CRS (warped if needed).
predict::Terrain readDem(const std::string& project)
{
    {
        gdal::init();
        gdal::ErrorCapture cap;
        const char* drivers[] = {"GPKG", nullptr};
        const char* options[] = {"TABLE=dem", nullptr};
        GDALDatasetUniquePtr src(GDALDataset::FromHandle(
            GDALOpenEx(project.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, drivers, options, nullptr)));
        if (!src || src->GetRasterCount() < 1)
            throw Error(ErrorKind::Format, project,
                        "the project has no DEM (raster table 'dem'): prediction needs terrain heights");
    }
    return predict::loadTerrain(project, {"TABLE=dem"}, kWorkEpsg, project + ": dem");
}

// One band GeoTIFF in the working CRS with nodata and internal overviews, written to `path`.
template <class T>
void writeGeoTiff(const std::string& path, const predict::Grid& g, int col0, int row0, int cols, int rows,
                  const std::vector<T>& data, double noData, const char* resampling, const std::string& description)
{
    gdal::ErrorCapture cap;
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GTiff");
    CPLStringList o;
    o.SetNameValue("COMPRESS", "DEFLATE");
    o.SetNameValue("TILED", "YES");
    const GDALDataType type = std::is_same_v<T, float> ? GDT_Float32 : GDT_Int32;
    GDALDatasetUniquePtr ds(drv->Create(path.c_str(), cols, rows, 1, type, o.List()));
    if (!ds)
        throw Error(ErrorKind::Io, path, "cannot create the raster: " + cap.lastMessage());
    double gt[6] = {g.originX + col0 * g.cell, g.cell, 0, g.originY - row0 * g.cell, 0, -g.cell};
    const OGRSpatialReference srs = workSrs();
    ds->SetGeoTransform(gt);
    ds->SetSpatialRef(&srs);
    GDALRasterBand* band = ds->GetRasterBand(1);
    band->SetNoDataValue(noData);
    band->SetDescription(description.c_str());
    if (band->RasterIO(GF_Write, 0, 0, cols, rows, const_cast<T*>(data.data()), cols, rows, type, 0, 0, nullptr) != CE_None)
        throw Error(ErrorKind::Io, path, "cannot write the raster: " + cap.lastMessage());
    std::vector<int> levels;
    for (int f = 2; cols / f >= 64 || rows / f >= 64; f *= 2)
        levels.push_back(f);
    if (levels.empty()) levels.push_back(2);
    if (ds->BuildOverviews(resampling, static_cast<int>(levels.size()), levels.data(), 0, nullptr, nullptr, nullptr) != CE_None)
        throw Error(ErrorKind::Io, path, "cannot build overviews: " + cap.lastMessage());
    ds.reset();
    if (!cap.errors().empty())
        throw Error(ErrorKind::Io, path, "cannot write the raster: " + cap.lastMessage());
}

// Polygonises a 0/1/2 class grid into the good (2) and weak (1) multipolygons.
void polygonise(const predict::Grid& g, const std::vector<uint8_t>& cls, Geometry& good, Geometry& weak)
{
    gdal::ErrorCapture ec;
    GDALDatasetUniquePtr ds(GDALDataset::FromHandle(
        GDALCreate(GDALGetDriverByName("MEM"), "", g.cols, g.rows, 1, GDT_Byte, nullptr)));
    if (!ds) throw Error(ErrorKind::Internal, "predict", ec.lastMessage());
    double gt[6] = {g.originX, g.cell, 0, g.originY, 0, -g.cell};
    ds->SetGeoTransform(gt);
    GDALRasterBandH band = GDALGetRasterBand(GDALDataset::ToHandle(ds.get()), 1);
    if (GDALRasterIO(band, GF_Write, 0, 0, g.cols, g.rows, const_cast<uint8_t*>(cls.data()), g.cols, g.rows, GDT_Byte,
                     0, 0) != CE_None)
        throw Error(ErrorKind::Internal, "predict", ec.lastMessage());
    GDALDatasetUniquePtr vds(
        GDALDataset::FromHandle(GDALCreate(GDALGetDriverByName("Memory"), "", 0, 0, 0, GDT_Unknown, nullptr)));
    if (!vds) throw Error(ErrorKind::Internal, "predict", ec.lastMessage());
    OGRLayerH lyr = GDALDatasetCreateLayer(GDALDataset::ToHandle(vds.get()), "p", nullptr, wkbPolygon, nullptr);
    OGRFieldDefn levelField("v", OFTInteger);
    OGR_L_CreateField(lyr, OGRFieldDefn::ToHandle(&levelField), TRUE);
    if (GDALPolygonize(band, band, lyr, 0, nullptr, nullptr, nullptr) != CE_None)
        throw Error(ErrorKind::Internal, "predict", "polygonize: " + ec.lastMessage());
    good.type = weak.type = GeomType::MultiPolygon;
    OGR_L_ResetReading(lyr);
    while (OGRFeatureUniquePtr owned{OGRFeature::FromHandle(OGR_L_GetNextFeature(lyr))}) {
        OGRFeatureH f = OGRFeature::ToHandle(owned.get());
        const int v = OGR_F_GetFieldAsInteger(f, 0);
        OGRGeometryH gh = OGR_F_GetGeometryRef(f);
        std::vector<uint8_t> wkb(static_cast<size_t>(OGR_G_WkbSize(gh)));
        OGR_G_ExportToIsoWkb(gh, wkbNDR, wkb.data());
        Geometry pg = fromWkb(wkb.data(), wkb.size());
        for (auto& part : pg.parts) (v == 2 ? good : weak).parts.push_back(std::move(part));
    }
}

// Simplified (topology preserving), valid, clipped to the province; empty when nothing is left.
Geometry finish(const Geometry& g, const GEOSGeometry* province, double tolerance)
{
    if (g.parts.empty())
        return g;
    geos::GeomPtr gg = geos::toGeos(g);
    geos::GeomPtr s = tolerance > 0 ? geos::make("simplify coverage", [&] {
        return GEOSTopologyPreserveSimplify_r(geos::ctx(), gg.get(), tolerance);
    }) : std::move(gg);
    if (!geos::predicate("isValid", [&] { return GEOSisValid_r(geos::ctx(), s.get()); }))
        s = geos::make("make valid", [&] { return GEOSMakeValid_r(geos::ctx(), s.get()); });
    if (province)
        s = geos::make("clip coverage", [&] { return GEOSIntersection_r(geos::ctx(), s.get(), province); });
    Geometry out = geos::polygonalPart(s.get());
    out.type = GeomType::MultiPolygon;
    return out;
}

double areaKm2(const Geometry& g)
{
    double a = 0;
    for (const auto& part : g.parts)
        for (size_t r = 0; r < part.size(); ++r) {
            double s = 0;
            const Ring& ring = part[r];
            for (size_t i = 0; i + 1 < ring.size(); ++i)
                s += ring[i].x * ring[i + 1].y - ring[i + 1].x * ring[i].y;
            a += (r == 0 ? 1 : -1) * std::abs(s) / 2;
        }
    return a / 1e6;
}

bool looksLikeFile(const std::string& s)
{
    return s.find('/') != std::string::npos || s.find('.') != std::string::npos || fs::exists(s);
}

} // namespace

void PredictRequest::validate() const
{
    if (project.empty())
        throw Error(ErrorKind::Usage, "PROJECT", "no project file given");
    if (!predict::parseModel(model))
        throw Error(ErrorKind::Usage, "--model", "unknown model '" + model + "' (itm, hata, cost231, fspl)");
    if (!(radiusKm > 0 && radiusKm <= 100))
        throw Error(ErrorKind::Usage, "--radius-km", "the radius must be > 0 and <= 100 km");
    if (!(resolutionM >= 20 && resolutionM <= 5000))
        throw Error(ErrorKind::Usage, "--resolution", "the resolution must be between 20 and 5000 m");
    if (resolutionM * 2 > radiusKm * 1000)
        throw Error(ErrorKind::Usage, "--resolution", "the resolution must be at most half the radius");
    if (sites.empty())
        throw Error(ErrorKind::Usage, "--sites", "no sites layer or file given");
    if (!replace && !isIdentifier(layer))
        throw Error(ErrorKind::Usage, "--layer",
                    "'" + layer + "' is not a layer name (lower-case letters, digits and _)");
    if (!replace && layer == "coverage")
        throw Error(ErrorKind::Usage, "--layer", "the coverage layer is replaced only with --replace");
    if (pathLossRasters && outDir.empty())
        throw Error(ErrorKind::Usage, "--path-loss", "path-loss rasters need --out DIR");
    if (!(rxHeightM > 0 && rxHeightM <= 100))
        throw Error(ErrorKind::Usage, "--rx-height", "the receiver height must be > 0 and <= 100 m");
    if (!(profileStepM >= 0 && profileStepM <= 1000))
        throw Error(ErrorKind::Usage, "--profile-step", "the profile step must be between 0 (the model's) and 1000 m");
    if (coveredBy.empty() || (coveredBy != "none" && coveredBy != "sites" && !isIdentifier(coveredBy)))
        throw Error(ErrorKind::Usage, "--covered-by", "expected coverage, sites, none or a coverage layer name");
    if (!candidatesFile.empty() && (replace || !outDir.empty()))
        throw Error(ErrorKind::Usage, "--candidates", "candidate evaluation writes nothing: no --replace or --out");
    if (!calibrateFile.empty() && !fs::exists(calibrateFile))
        throw Error(ErrorKind::Io, "--calibrate", "no such file: " + calibrateFile);
    if (simplifyM > resolutionM)
        throw Error(ErrorKind::Usage, "--simplify", "the simplification tolerance must be at most the resolution");
    if (threads < 1 || threads > 64)
        throw Error(ErrorKind::Usage, "--threads", "threads must be 1-64");
}

PredictResult run(const PredictRequest& req, Feedback& fb)
{
    using Clock = std::chrono::steady_clock;
    const auto t0 = Clock::now();
    const predict::Model model = *predict::parseModel(req.model);
    PredictResult res;
    res.project = req.project;
    res.model = predict::modelName(model);
    res.replaced = req.replace;
    res.layer = req.replace ? "coverage" : req.layer;
    res.resolutionM = req.resolutionM;
    res.radiusKm = req.radiusKm;

    fb.setStep(tr("Reading sites and terrain"));
    // Read only until everything is computed: a cancelled or failed run never opens the project
    // for writing (the file stays byte-identical).
    auto store = ProjectStore::open(req.project, ProjectStore::Mode::ReadOnly);
    auto checkTarget = [&](const ProjectStore& s) {
        if (!req.replace && s.hasLayer(res.layer) && !s.meta("predict.layer." + res.layer))
            throw Error(ErrorKind::Usage, "--layer",
                        "the project already has a layer '" + res.layer +
                            "' that bando predict did not write: choose another name (nothing is overwritten)");
    };
    checkTarget(*store);
    res.thresholds = loadThresholds(*store);

    // ---- sites ----
    predict::SiteRows rows;
    // Candidate evaluation reads its sites from --candidates (a file or a layer) instead.
    const bool candidatesMode = !req.candidatesFile.empty();
    const std::string& sitesArg = candidatesMode ? req.candidatesFile : req.sites;
    const std::string sitesOption = candidatesMode ? "--candidates" : "--sites";
    const bool fromLayer = store->hasLayer(sitesArg) || !looksLikeFile(sitesArg);
    if (fromLayer) {
        if (!store->hasLayer(sitesArg))
            throw Error(ErrorKind::Usage, sitesOption, "the project has no layer '" + sitesArg + "' and no such file");
        rows = predict::siteRowsFromLayer(store->readLayer(sitesArg, &fb));
    } else {
        if (!fs::exists(sitesArg))
            throw Error(ErrorKind::Io, sitesOption, "no such file: " + sitesArg);
        rows = predict::siteRowsFromFile(sitesArg);
    }
    res.sitesSource = rows.source;
    predict::SiteList list =
        predict::parseSites(rows, model, req.radiusKm, req.rxHeightM, kWorkEpsg, req.operatorName);
    if (!list.errors.empty()) {
        std::string msg = std::to_string(list.errors.size()) + " bad site row(s), nothing predicted:";
        for (size_t i = 0; i < list.errors.size() && i < 20; ++i)
            msg += "\n  " + list.errors[i];
        if (list.errors.size() > 20)
            msg += "\n  ... and " + std::to_string(list.errors.size() - 20) + " more";
        throw Error(ErrorKind::Format, rows.source, msg);
    }
    if (list.sites.empty())
        throw Error(ErrorKind::Usage, req.operatorName.empty() ? "--sites" : "--operator",
                    req.operatorName.empty() ? "no sites in " + rows.source
                                             : "no site of operator '" + req.operatorName + "' in " + rows.source);
    res.sites = list.sites.size();
    res.warnings = std::move(list.warnings);
    // Measurements are checked before the (long) prediction: a bad row stops here.
    predict::MeasurementList measured;
    if (!req.calibrateFile.empty()) {
        measured = predict::parseMeasurements(predict::siteRowsFromFile(req.calibrateFile), kWorkEpsg, req.operatorName);
        if (!measured.errors.empty()) {
            std::string msg = std::to_string(measured.errors.size()) + " bad measurement row(s), nothing predicted:";
            for (size_t i = 0; i < measured.errors.size() && i < 20; ++i)
                msg += "\n  " + measured.errors[i];
            throw Error(ErrorKind::Format, req.calibrateFile, msg);
        }
        if (measured.points.empty())
            throw Error(ErrorKind::Usage, "--calibrate", "no measurement" +
                        (req.operatorName.empty() ? std::string() : " of operator '" + req.operatorName + "'") +
                        " in " + req.calibrateFile);
    }
    std::vector<predict::Site>& sites = list.sites;
    fb.throwIfCancelled();

    // ---- grid over the province (districts), as the sample's coverage grid ----
    geos::GeomPtr province;
    Extent ext;
    if (store->hasLayer("districts")) {
        Layer d = store->readLayer("districts", &fb);
        crs::reproject(d, kWorkEpsg);
        ext = d.extent();
        std::vector<geos::GeomPtr> parts;
        for (const auto& f : d.features)
            if (!f.geom.parts.empty()) parts.push_back(geos::toGeos(f.geom));
        if (!parts.empty()) {
            geos::GeomPtr all = geos::collection(GEOS_GEOMETRYCOLLECTION, std::move(parts), "collect districts");
            province = geos::make("union districts", [&] { return GEOSUnaryUnion_r(geos::ctx(), all.get()); });
        }
    }
    if (ext.isEmpty()) {  // no districts: the sites' area plus the radius
        for (const auto& s : sites) ext.expand(s.x, s.y);
        ext = ext.buffered(req.radiusKm * 1000);
    }
    predict::Grid grid;
    grid.cell = req.resolutionM;
    grid.originX = std::floor(ext.minX / 1000) * 1000 - 2000;
    grid.originY = std::ceil(ext.maxY / 1000) * 1000 + 2000;
    grid.cols = static_cast<int>(std::ceil((ext.maxX + 2000 - grid.originX) / grid.cell));
    grid.rows = static_cast<int>(std::ceil((grid.originY - (ext.minY - 2000)) / grid.cell));
    res.gridCols = grid.cols;
    res.gridRows = grid.rows;

    // Candidates are evaluated against the settlements (weighted by households).
    std::vector<predict::DemandPoint> demand;
    if (candidatesMode) {
        if (!store->hasLayer("settlements"))
            throw Error(ErrorKind::Usage, "--candidates",
                        "the project has no settlements layer (households) to evaluate the candidates against");
        Layer st = store->readLayer("settlements", &fb);
        crs::reproject(st, kWorkEpsg);
        for (const auto& f : st.features)
            if (!f.geom.parts.empty() && !f.geom.parts[0].empty() && !f.geom.parts[0][0].empty())
                demand.push_back({f.geom.parts[0][0][0].x, f.geom.parts[0][0][0].y, st.real(f, "households", 0)});
    }
    // Existing coverage of the settlements: from a coverage layer now, from the sites after the
    // terrain is read.
    std::vector<predict::Covered> existing(demand.size(), predict::Covered::None);
    predict::SiteList existingSites;
    if (candidatesMode) {
        res.coveredBy = req.coveredBy;
        // The existing sites are predicted for --covered-by sites and for --calibrate (the offsets
        // are fitted on the existing sites' prediction against the measurements, as a coverage
        // prediction fits them, then applied to the candidates).
        if (req.coveredBy == "sites" || !measured.points.empty()) {
            if (!store->hasLayer(req.sites))
                throw Error(ErrorKind::Usage, req.coveredBy == "sites" ? "--covered-by" : "--calibrate",
                            "the project has no layer '" + req.sites + "'" +
                                (req.coveredBy == "sites" ? std::string()
                                                          : " (the existing sites the calibration is fitted on)"));
            const predict::SiteRows existingRows = predict::siteRowsFromLayer(store->readLayer(req.sites, &fb));
            existingSites = predict::parseSites(existingRows, model, req.radiusKm, req.rxHeightM, kWorkEpsg, "");
            if (!existingSites.errors.empty())
                throw Error(ErrorKind::Format, existingRows.source,
                            std::to_string(existingSites.errors.size()) + " bad site row(s), nothing predicted:\n  " +
                                existingSites.errors.front());
        }
        const bool coverageLayer = req.coveredBy != "sites" && req.coveredBy != "none";
        if (coverageLayer && !store->hasLayer(req.coveredBy)) {
            if (req.coveredBy != "coverage")
                throw Error(ErrorKind::Usage, "--covered-by", "the project has no layer '" + req.coveredBy + "'");
            res.warnings.push_back("the project has no coverage layer: no household counted as already covered");
            res.coveredBy = "none";
        } else if (coverageLayer) {
            Layer cov = store->readLayer(req.coveredBy, &fb);
            crs::reproject(cov, kWorkEpsg);
            const int cTech = cov.fieldIndex("technology");
            const int cLevel = cov.fieldIndex("level");
            if (cLevel < 0)
                throw Error(ErrorKind::Usage, "--covered-by", "layer '" + req.coveredBy + "' has no level field (good / weak)");
            std::vector<analysis::PolygonIndex> good, weak;
            for (const auto& f : cov.features) {
                if (cTech >= 0) {
                    const std::string tech = toString(f.values[static_cast<size_t>(cTech)]);
                    if (tech != "3G" && tech != "4G")
                        continue;
                }
                const std::string level = toString(f.values[static_cast<size_t>(cLevel)]);
                if (level == "good")
                    good.emplace_back(f.geom);
                else if (level == "weak")
                    weak.emplace_back(f.geom);
            }
            for (size_t i = 0; i < demand.size(); ++i) {
                auto inAny = [&](const std::vector<analysis::PolygonIndex>& ps) {
                    return std::any_of(ps.begin(), ps.end(), [&](const auto& p) { return p.contains(demand[i].x, demand[i].y); });
                };
                existing[i] = inAny(good) ? predict::Covered::Good : inAny(weak) ? predict::Covered::Weak : predict::Covered::None;
            }
        }
    }
    store.reset();
    const predict::Terrain terrain = readDem(req.project);
    fb.throwIfCancelled();
    fb.setProgress(5);

    // ---- path loss per site (both cores) ----
    fb.setStep(tr("Predicting coverage per site"));
    predict::EngineOptions eo;
    eo.model = model;
    eo.radiusM = req.radiusKm * 1000;
    eo.rxHeightM = req.rxHeightM;
    eo.threads = req.threads;
    eo.profileStepM = req.profileStepM > 0                                        ? req.profileStepM
                      : (model == predict::Model::Hata || model == predict::Model::Cost231) ? 250.0
                                                                                    : 90.0;
    std::atomic<bool> cancel{false};
    const double engineShare = candidatesMode ? 90 : 75;  // of the progress
    auto onSiteDone = [&](size_t done, size_t total) {
        fb.setStep(std::string(tr("Predicting coverage per site")) + ": " + std::to_string(done) + " / " +
                   std::to_string(total));
        fb.setProgress(5 + engineShare * static_cast<double>(done) / static_cast<double>(total));
        if (fb.isCancelled()) cancel.store(true);
    };
    const auto te = Clock::now();

    if (candidatesMode) {
        const predict::CandidateThresholds thr{res.thresholds.g3, res.thresholds.g4};
        if (!existingSites.sites.empty()) {
            fb.setStep(tr("Predicting the existing sites' coverage"));
            std::vector<predict::Site>& ex = existingSites.sites;
            const auto existingLosses = predict::predictLosses(ex, grid, terrain, eo, &cancel);
            fb.throwIfCancelled();
            if (!measured.points.empty()) {
                std::map<std::pair<std::string, int>, std::vector<size_t>> members;
                for (size_t i = 0; i < ex.size(); ++i)
                    members[{ex[i].operatorName, static_cast<int>(ex[i].tech)}].push_back(i);
                std::map<std::pair<std::string, int>, size_t> groupIndex;
                std::vector<predict::BestServer> bests;
                for (const auto& [key, idx] : members) {
                    const std::set<size_t> member(idx.begin(), idx.end());
                    groupIndex[key] = bests.size();
                    bests.push_back(predict::bestServer(ex, existingLosses, grid, [&](size_t i) { return member.count(i) > 0; }));
                }
                res.calibrationFile = req.calibrateFile;
                res.calibration = predict::calibrate(
                    measured.points, [&](const predict::Measurement& m) { return levelAt(m, groupIndex, bests, grid); });
                // Applied as in a coverage prediction: to every level of the operator, here the
                // candidates' and (for --covered-by sites) the existing sites'.
                for (auto& s : ex)
                    s.levelOffsetDb = res.calibration->offsetFor(s.operatorName);
                for (auto& s : sites)
                    s.levelOffsetDb = res.calibration->offsetFor(s.operatorName);
            }
            if (req.coveredBy == "sites")
                existing = predict::demandCoverage(ex, existingLosses, grid, demand, thr);
        }
        auto reach = predict::candidateCoverage(sites, demand, terrain, eo, req.resolutionM, thr, &cancel, onSiteDone);
        predict::subtractCovered(reach, demand, existing);
        res.engineSeconds = std::chrono::duration<double>(Clock::now() - te).count();
        fb.throwIfCancelled();
        res.demandPoints = demand.size();
        for (size_t i = 0; i < demand.size(); ++i) {
            res.demandHouseholds += demand[i].weight;
            if (existing[i] == predict::Covered::Good)
                res.demandHouseholdsCovered += demand[i].weight;
            else if (existing[i] == predict::Covered::Weak)
                res.demandHouseholdsCoveredWeak += demand[i].weight;
        }
        for (size_t i = 0; i < sites.size(); ++i) {
            PredictResult::Candidate c;
            c.id = sites[i].id;
            c.sourceRow = sites[i].sourceRow;
            c.operatorName = sites[i].operatorName;
            c.technology = techName(sites[i].tech);
            c.settlementsGood = static_cast<int>(reach[i].good.size());
            c.settlementsWeak = static_cast<int>(reach[i].weak.size());
            c.householdsGood = reach[i].goodWeight;
            c.householdsWeak = reach[i].weakWeight;
            c.settlementsGoodNew = static_cast<int>(reach[i].goodNew.size());
            c.settlementsWeakNew = static_cast<int>(reach[i].weakNew.size());
            c.householdsGoodNew = reach[i].goodNewWeight;
            c.householdsWeakNew = reach[i].weakNewWeight;
            res.candidates.push_back(c);
        }
        res.layer.clear();  // nothing written
        fb.setProgress(100);
        res.totalSeconds = std::chrono::duration<double>(Clock::now() - t0).count();
        return res;
    }

    const auto losses = predict::predictLosses(sites, grid, terrain, eo, &cancel, onSiteDone);
    res.engineSeconds = std::chrono::duration<double>(Clock::now() - te).count();
    fb.throwIfCancelled();

    // ---- per operator x technology: best server, classes, polygons ----
    fb.setStep(tr("Building coverage polygons"));
    std::map<std::pair<std::string, int>, std::vector<size_t>> groups;
    for (size_t i = 0; i < sites.size(); ++i)
        groups[{sites[i].operatorName, static_cast<int>(sites[i].tech)}].push_back(i);
    Layer coverage = schema::makeLayer("coverage");
    coverage.name = res.layer;
    coverage.epsg = kWorkEpsg;
    const std::string tmpTag = ".part" + std::to_string(::getpid());
    std::vector<std::pair<std::string, std::string>> rasterFiles;  // temporary -> final
    struct TmpCleanup {
        std::vector<std::pair<std::string, std::string>>* files;
        bool keep = false;
        ~TmpCleanup()
        {
            if (keep) return;
            std::error_code ec;
            for (const auto& [tmp, fin] : *files) fs::remove(tmp, ec);
        }
    } cleanup{&rasterFiles};
    if (!req.outDir.empty()) {
        std::error_code ec;
        fs::create_directories(req.outDir, ec);
        if (ec || !fs::is_directory(req.outDir))
            throw Error(ErrorKind::Io, "--out", "cannot create the folder " + req.outDir);
    }
    auto addRaster = [&](const std::string& name) {
        const std::string fin = (fs::path(req.outDir) / name).string();
        rasterFiles.push_back({fin + tmpTag, fin});
        return fin + tmpTag;
    };
    const double tolerance = req.simplifyM < 0 ? req.resolutionM / 4 : req.simplifyM;
    const size_t N = static_cast<size_t>(grid.cols) * grid.rows;
    std::vector<predict::BestServer> bests;
    std::map<std::pair<std::string, int>, size_t> groupIndex;
    for (const auto& [key, members] : groups) {
        fb.throwIfCancelled();
        const std::set<size_t> member(members.begin(), members.end());
        groupIndex[key] = bests.size();
        bests.push_back(predict::bestServer(sites, losses, grid, [&](size_t i) { return member.count(i) > 0; }));
    }
    if (!measured.points.empty()) {
        // Error of the uncalibrated prediction at each measurement's cell, then the offsets.
        res.calibrationFile = req.calibrateFile;
        res.calibration = predict::calibrate(
            measured.points, [&](const predict::Measurement& m) { return levelAt(m, groupIndex, bests, grid); });
        for (const auto& [key, idx] : groupIndex) {
            const float off = static_cast<float>(res.calibration->offsetFor(key.first));
            for (float& v : bests[idx].levelDbm)
                if (std::isfinite(v)) v += off;
        }
    }
    size_t groupNo = 0;
    for (const auto& [key, members] : groups) {
        fb.throwIfCancelled();
        const auto tech = static_cast<Technology>(key.second);
        const predict::BestServer& best = bests[groupIndex.at(key)];
        const auto thr = tech == Technology::G3 ? res.thresholds.g3 : res.thresholds.g4;
        std::vector<uint8_t> cls(N, 0);
        PredictResult::Coverage c;
        c.operatorName = key.first;
        c.technology = techName(tech);
        c.sites = static_cast<int>(members.size());
        for (size_t i = 0; i < N; ++i) {
            const float l = best.levelDbm[i];
            if (!std::isfinite(l)) continue;
            cls[i] = l >= thr.goodDbm ? 2 : (l >= thr.weakDbm ? 1 : 0);
            c.goodCells += cls[i] == 2;
            c.weakCells += cls[i] == 1;
        }
        Geometry good, weak;
        polygonise(grid, cls, good, weak);
        for (int lv : {2, 1}) {
            Geometry g = finish(lv == 2 ? good : weak, province.get(), tolerance);
            if (g.parts.empty()) continue;
            (lv == 2 ? c.goodKm2 : c.weakKm2) = areaKm2(g);
            Feature& f = coverage.addFeature(std::move(g));
            coverage.set(f, "operator", key.first);
            coverage.set(f, "technology", std::string(c.technology));
            coverage.set(f, "level", std::string(lv == 2 ? "good" : "weak"));
        }
        if (!req.outDir.empty()) {
            const std::string tag = fileTag(key.first) + "_" + fileTag(c.technology);
            std::vector<float> level(best.levelDbm);
            for (float& v : level)
                if (!std::isfinite(v)) v = kLevelNoData;
            writeGeoTiff(addRaster("level_" + tag + ".tif"), grid, 0, 0, grid.cols, grid.rows, level, kLevelNoData,
                         "AVERAGE", std::string(tech == Technology::G3 ? "RSCP" : "RSRP") + " dBm, " + key.first);
            std::vector<int32_t> server(N, kServerNoData);
            for (size_t i = 0; i < N; ++i)
                if (best.site[i] >= 0) server[i] = sites[static_cast<size_t>(best.site[i])].sourceRow;
            writeGeoTiff(addRaster("best_server_" + tag + ".tif"), grid, 0, 0, grid.cols, grid.rows, server,
                         kServerNoData, "NEAREST", "best server: row/feature number in " + rows.source);
        }
        res.coverage.push_back(c);
        fb.setProgress(80 + 15.0 * static_cast<double>(++groupNo) / static_cast<double>(groups.size()));
    }
    if (req.pathLossRasters)
        for (size_t i = 0; i < sites.size(); ++i) {
            fb.throwIfCancelled();
            const auto& w = losses[i];
            std::vector<float> l(w.lossDb);
            for (float& v : l)
                if (!std::isfinite(v)) v = kLevelNoData;
            writeGeoTiff(addRaster("loss_" + fileTag(sites[i].id) + "_" + std::to_string(sites[i].sourceRow) + ".tif"),
                         grid, w.col0, w.row0, w.cols, w.rows, l, kLevelNoData, "AVERAGE",
                         "path loss dB, " + sites[i].id);
        }
    fb.throwIfCancelled();

    // ---- store: one transaction ----
    fb.setStep(tr("Writing the coverage layer"));
    store = ProjectStore::open(req.project, ProjectStore::Mode::ReadWrite);
    checkTarget(*store);
    fb.throwIfCancelled();
    {
        ProjectStore::Transaction tx(*store);
        store->replaceLayer(coverage, &fb);
        const std::string when = stampIsoUtc();
        store->setMeta("predict.layer." + res.layer, std::string("model=") + res.model + "; sites=" +
                                                         rows.source + "; resolution_m=" +
                                                         std::to_string(static_cast<int>(req.resolutionM)) + "; " +
                                                         calibrationNote(res.calibration) + when);
        fb.throwIfCancelled();
        tx.commit();
    }
    store->close();
    for (const auto& [tmp, fin] : rasterFiles) {
        std::error_code ec;
        fs::rename(tmp, fin, ec);
        if (ec) throw Error(ErrorKind::Io, fin, "cannot rename the finished raster: " + ec.message());
        res.rasters.push_back(fin);
    }
    cleanup.keep = true;
    fb.setProgress(100);
    res.totalSeconds = std::chrono::duration<double>(Clock::now() - t0).count();
    return res;
}

} // namespace bando::tasks
