#include "core/io/importer.hpp"

#include "core/base/error.hpp"
#include "core/base/text.hpp"
#include "core/capi/gdal.hpp"
#include "core/capi/ogr_types.hpp"
#include "core/capi/geos.hpp"
#include "core/capi/geos_convert.hpp"
#include "core/i18n/i18n.hpp"
#include "core/io/archive.hpp"
#include "core/io/crs_guess.hpp"
#include "core/model/schema.hpp"
#include "core/store/project_store.hpp"

#include <ogr_spatialref.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <unordered_map>

namespace fs = std::filesystem;

namespace bando::io {
using gdal::fromOgr;

namespace {

std::string lowerExt(const std::string& path)
{
    std::string e = fs::path(path).extension().string();
    for (auto& c : e)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return e;
}

bool isAscii(std::string_view s)
{
    for (char c : s)
        if (static_cast<unsigned char>(c) >= 0x80)
            return false;
    return true;
}

std::string squashKey(const std::string& name)
{
    std::string f = text::foldForMatch(name), o;
    for (char c : f)
        if (c != ' ')
            o += c;
    return o;
}


FieldType fieldTypeOf(OGRFieldType t)
{
    switch (t) {
    case OFTInteger:
    case OFTInteger64: return FieldType::Integer;
    case OFTReal: return FieldType::Real;
    case OFTDate:
    case OFTDateTime: return FieldType::Date;
    default: return FieldType::Text;
    }
}

enum class Family { None, Point, Line, Polygon };
Family familyOf(GeomType t)
{
    switch (t) {
    case GeomType::Point:
    case GeomType::MultiPoint: return Family::Point;
    case GeomType::LineString:
    case GeomType::MultiLineString: return Family::Line;
    case GeomType::Polygon:
    case GeomType::MultiPolygon: return Family::Polygon;
    default: return Family::None;
    }
}

// ---- opening sources ----

struct OpenedSource {
    gdal::DatasetPtr ds;
    OGRLayer* layer = nullptr;
    SourceKind kind = SourceKind::Other;
    std::string cpg;  // contents of a shapefile's .cpg
};

std::string readSmallFile(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' '))
        s.pop_back();
    return s;
}

OpenedSource openSource(const std::string& path, const SourceOptions& opts)
{
    gdal::init();
    if (!fs::exists(path))
        throw Error(ErrorKind::Io, path, "no such file");
    OpenedSource src;
    src.kind = sourceKindOf(path);
    if (src.kind == SourceKind::Kmz)
        checkArchiveEntries(path);
    if (src.kind == SourceKind::Csv) {
        // NUL bytes would silently cut values short inside GDAL: refuse them with the row.
        std::ifstream in(path, std::ios::binary);
        std::vector<char> buf(1 << 20);
        int64_t line = 1;
        while (in) {
            in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
            const auto n = static_cast<size_t>(in.gcount());
            const char* nul = static_cast<const char*>(std::memchr(buf.data(), 0, n));
            const char* end = nul ? nul : buf.data() + n;
            line += std::count(static_cast<const char*>(buf.data()), end, '\n');
            if (nul)
                throw Error(ErrorKind::Format, path + ": row " + std::to_string(line - 1),
                            "contains a NUL byte (binary data in a text file)");
        }
    }
    CPLStringList oo;
    const char* drivers[3] = {nullptr, nullptr, nullptr};
    switch (src.kind) {
    case SourceKind::Shapefile:
        oo.SetNameValue("ENCODING", "");
        drivers[0] = "ESRI Shapefile";
        break;
    case SourceKind::Csv:
        oo.SetNameValue("AUTODETECT_TYPE", "NO");
        oo.SetNameValue("GEOM_POSSIBLE_NAMES", "__none__");
        oo.SetNameValue("X_POSSIBLE_NAMES", "__none__");
        oo.SetNameValue("Y_POSSIBLE_NAMES", "__none__");
        drivers[0] = "CSV";
        break;
    case SourceKind::Kml:
    case SourceKind::Kmz:
        drivers[0] = "LIBKML";
        drivers[1] = "KML";
        break;
    case SourceKind::GeoPackage: drivers[0] = "GPKG"; break;
    case SourceKind::GeoJson: drivers[0] = "GeoJSON"; break;
    case SourceKind::Xlsx: drivers[0] = "XLSX"; break;
    case SourceKind::Ods: drivers[0] = "ODS"; break;
    case SourceKind::Gml: drivers[0] = "GML"; break;
    default: break;
    }
    gdal::ErrorCapture cap;
    GDALDataset* ds = GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY,
                                        drivers[0] ? drivers : nullptr, oo.List(), nullptr);
    if (!ds)
        throw Error(ErrorKind::Format, path, "cannot open: " + cap.lastMessage("not a readable vector file"));
    src.ds.reset(ds);
    if (ds->GetLayerCount() == 0)
        throw Error(ErrorKind::Format, path, "the file contains no layer");
    if (!opts.layer.empty()) {
        src.layer = ds->GetLayerByName(opts.layer.c_str());
        if (!src.layer)
            throw Error(ErrorKind::Usage, path, "no layer '" + opts.layer + "' in the file");
    } else {
        // The first layer with features (KML files often carry empty folders first).
        for (int i = 0; i < ds->GetLayerCount() && !src.layer; ++i)
            if (ds->GetLayer(i)->GetFeatureCount(FALSE) != 0)
                src.layer = ds->GetLayer(i);
        if (!src.layer)
            src.layer = ds->GetLayer(0);
    }
    if (src.kind == SourceKind::Shapefile) {
        fs::path cpg = fs::path(path).replace_extension(".cpg");
        if (!fs::exists(cpg))
            cpg = fs::path(path).replace_extension(".CPG");
        if (fs::exists(cpg))
            src.cpg = readSmallFile(cpg);
    }
    return src;
}

std::optional<Encoding> encodingOfCpg(const std::string& cpg)
{
    std::string c;
    for (char ch : cpg)
        c += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (c.empty())
        return std::nullopt;
    if (c.find("utf") != std::string::npos || c == "65001")
        return Encoding::Utf8;
    if (c.find("1258") != std::string::npos)
        return Encoding::Cp1258;
    if (c.find("tcvn") != std::string::npos)
        return Encoding::Tcvn3;
    if (c.find("1252") != std::string::npos || c.find("8859-1") != std::string::npos || c == "88591")
        return Encoding::Latin1;
    return std::nullopt;
}

bool legacyCapable(SourceKind k) { return k == SourceKind::Shapefile || k == SourceKind::Csv; }
bool isTable(SourceKind k) { return k == SourceKind::Csv || k == SourceKind::Xlsx || k == SourceKind::Ods; }

std::string findField(const std::vector<SourceField>& fields, std::initializer_list<const char*> keys)
{
    for (const char* k : keys)
        for (const auto& f : fields)
            if (squashKey(f.name) == k)
                return f.name;
    return {};
}

int sourceIndex(const std::vector<SourceField>& fields, const std::string& name)
{
    for (size_t i = 0; i < fields.size(); ++i)
        if (fields[i].name == name)
            return static_cast<int>(i);
    return -1;
}

// Reads the next feature; throws when GDAL reported an error (a truncated or corrupt file must
// never look like a short one).
OGRFeatureUniquePtr nextFeature(OGRLayer* layer, gdal::ErrorCapture& cap, const std::string& path, int64_t number)
{
    const size_t before = cap.errors().size();
    OGRFeatureUniquePtr f(layer->GetNextFeature());
    if (cap.errors().size() > before)
        throw Error(ErrorKind::Format, path + ": feature " + std::to_string(number),
                    "cannot read: " + cap.errors().back());
    return f;
}

std::string rawValue(const OGRFeature& f, int i) { return f.GetFieldAsString(i); }

SourceInfo inspectOpened(OpenedSource& src, const std::string& path, const SourceOptions& opts, size_t previewRows)
{
    SourceInfo info;
    info.path = path;
    info.kind = src.kind;
    for (int i = 0; i < src.ds->GetLayerCount(); ++i)
        info.layers.push_back(src.ds->GetLayer(i)->GetName());
    OGRLayer* l = src.layer;
    info.layer = l->GetName();
    info.legacyText = legacyCapable(src.kind);
    OGRFeatureDefn* defn = l->GetLayerDefn();
    std::vector<std::string> samples;
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
        SourceField sf;
        sf.rawName = defn->GetFieldDefn(i)->GetNameRef();
        sf.type = fieldTypeOf(defn->GetFieldDefn(i)->GetType());
        info.fields.push_back(sf);
        samples.push_back(sf.rawName);
    }
    info.geomType = fromOgr(l->GetGeomType());
    {
        gdal::ErrorCapture cap;
        info.featureCount = src.kind == SourceKind::Csv ? -1 : l->GetFeatureCount(FALSE);
    }
    // Sample pass: text for encoding detection, raw rows for the preview.
    std::vector<std::vector<std::string>> rawRows;
    std::vector<std::vector<bool>> rawIsText;
    {
        gdal::ErrorCapture cap;
        l->ResetReading();
        int64_t n = 0;
        while (n < 2000) {
            OGRFeatureUniquePtr f = nextFeature(l, cap, path, n + 1);
            if (!f)
                break;
            ++n;
            if (info.geomType == GeomType::None && f->GetGeometryRef())
                info.geomType = fromOgr(f->GetGeometryRef()->getGeometryType());
            std::vector<std::string> row;
            std::vector<bool> isText;
            for (int i = 0; i < defn->GetFieldCount(); ++i) {
                const bool txt = info.fields[static_cast<size_t>(i)].type == FieldType::Text;
                if (f->IsFieldSetAndNotNull(i)) {
                    std::string v = rawValue(*f, i);
                    if (txt && !isAscii(v))
                        samples.push_back(v);
                    row.push_back(std::move(v));
                } else
                    row.emplace_back();
                isText.push_back(txt);
            }
            if (rawRows.size() < previewRows || (isTable(src.kind) && rawRows.size() < 2000)) {
                rawRows.push_back(std::move(row));
                rawIsText.push_back(std::move(isText));
            }
        }
        l->ResetReading();
    }
    info.encodingGuess = detectEncoding(samples);
    if (opts.encoding) {
        info.encoding = *opts.encoding;
        info.encodingSource = "override";
    } else if (!info.legacyText) {
        info.encoding = Encoding::Utf8;
        info.encodingSource = "format (UTF-8)";
    } else if (auto cpg = encodingOfCpg(src.cpg);
               cpg && !(cpg == Encoding::Utf8 && !info.encodingGuess.allAscii &&
                        info.encodingGuess.encoding != Encoding::Utf8)) {
        info.encoding = *cpg;
        info.encodingSource = ".cpg";
    } else {
        info.encoding = info.encodingGuess.encoding;
        info.encodingSource = info.encodingGuess.allAscii ? "ASCII only" : "detected";
    }
    for (auto& f : info.fields)
        f.name = isAscii(f.rawName) ? f.rawName : decodeValue(f.rawName, info.encoding);
    for (size_t r = 0; r < rawRows.size(); ++r) {
        std::vector<std::string> row;
        for (size_t i = 0; i < rawRows[r].size(); ++i)
            row.push_back(rawIsText[r][i] && info.legacyText ? decodeValue(rawRows[r][i], info.encoding)
                                                             : rawRows[r][i]);
        rawRows[r] = std::move(row);
    }
    // Geometry columns of tables.
    if (isTable(src.kind)) {
        info.xField = opts.xField.empty() ? findField(info.fields, {"lon", "long", "lng", "longitude", "x", "kinhdo",
                                                                    "kinh", "easting", "toadox"})
                                          : opts.xField;
        info.yField = opts.yField.empty()
                          ? findField(info.fields, {"lat", "latitude", "y", "vido", "vi", "northing", "toadoy"})
                          : opts.yField;
        info.wktField = opts.wktField.empty() ? findField(info.fields, {"wkt", "geom", "geometry", "thegeom", "wktgeom"})
                                              : opts.wktField;
        for (const std::string* f : {&info.xField, &info.yField, &info.wktField})
            if (!f->empty() && sourceIndex(info.fields, *f) < 0)
                throw Error(ErrorKind::Usage, path, "no column '" + *f + "' in the table");
        if (info.xField.empty() != info.yField.empty())
            info.xField.clear(), info.yField.clear();
        if (!info.xField.empty())
            info.geomType = GeomType::Point;
        else if (!info.wktField.empty())
            info.geomType = GeomType::None;  // known per row
    }
    // CRS: override, the source's own, or a guess from the coordinates.
    if (opts.epsg) {
        validateEpsg(opts.epsg, path);
        info.epsg = opts.epsg;
        info.crsNote = "CRS chosen by the user";
    } else if (const OGRSpatialReference* srs = l->GetSpatialRef(); srs && !isTable(src.kind)) {
        info.epsg = identifyEpsg(*srs);
        info.crsNote = info.epsg ? "CRS read from the file" : "CRS of the file has no EPSG code";
        if (!info.epsg)
            info.epsg = -1;  // use the source SRS as is
    } else if (isTable(src.kind)) {
        Extent e;
        int ix = sourceIndex(info.fields, info.xField), iy = sourceIndex(info.fields, info.yField);
        if (ix >= 0 && iy >= 0)
            for (const auto& row : rawRows) {
                double x, y;
                if (parseDecimal(row[static_cast<size_t>(ix)], x) && parseDecimal(row[static_cast<size_t>(iy)], y))
                    e.expand(x, y);
            }
        if (!info.wktField.empty() || e.isEmpty() || (e.minX >= -180 && e.maxX <= 180 && e.minY >= -90 && e.maxY <= 90)) {
            info.epsg = 4326;
            info.crsNote = "longitude/latitude columns read as WGS 84 (choose VN-2000 EPSG:4756 if the list was "
                           "measured in VN-2000: about 220 m apart)";
        } else {
            CrsGuess g = guessCrsFromExtent(e);
            info.epsg = g.epsg;
            info.epsgGuessed = g.guessed;
            info.crsNote = g.reason;
        }
    } else if (info.geomType != GeomType::None) {
        gdal::ErrorCapture cap;
        OGREnvelope env;
        Extent e;
        if (l->GetExtent(&env, TRUE) == OGRERR_NONE)
            e = {env.MinX, env.MinY, env.MaxX, env.MaxY};
        CrsGuess g = guessCrsFromExtent(e);
        info.epsg = g.epsg;
        info.epsgGuessed = g.guessed;
        info.crsNote = std::string("no CRS in the file (.prj missing): ") + g.reason;
    }
    rawRows.resize(std::min(rawRows.size(), previewRows));
    info.preview = std::move(rawRows);
    return info;
}

// ---- value conversion ----

std::string where(const std::string& path, int64_t row, const std::string& field)
{
    return path + ": row " + std::to_string(row) + ", field '" + field + "'";
}

std::string trim(std::string s)
{
    size_t a = s.find_first_not_of(" \t\r\n");
    if (a == std::string::npos)
        return {};
    size_t b = s.find_last_not_of(" \t\r\n");
    return s.substr(a, b - a + 1);
}

std::string formatNumber(double d)
{
    if (std::isfinite(d) && d == std::floor(d) && std::abs(d) < 9e15)
        return std::to_string(static_cast<int64_t>(d));
    char b[64];
    std::snprintf(b, sizeof b, "%.15g", d);
    return b;
}

bool isCodeField(const FieldDef& f)
{
    const std::string& n = f.name;
    return n == "code" || (n.size() > 5 && n.compare(n.size() - 5, 5, "_code") == 0);
}

Value convert(const Value& v, const FieldDef& target, const ImportOptions& opts, const std::string& path, int64_t row,
              const std::string& sourceField, ImportStats& st)
{
    if (isNull(v))
        return {};
    switch (target.type) {
    case FieldType::Text:
    case FieldType::Date: {
        std::string s;
        if (auto* sv = std::get_if<std::string>(&v))
            s = *sv;
        else if (auto* iv = std::get_if<int64_t>(&v)) {
            s = std::to_string(*iv);
            if (isCodeField(target) && target.width > 0 && s.size() < static_cast<size_t>(target.width) && *iv >= 0)
                s = std::string(static_cast<size_t>(target.width) - s.size(), '0') + s;
        } else if (auto* dv = std::get_if<double>(&v)) {
            s = formatNumber(*dv);
            if (isCodeField(target) && target.width > 0 && s.size() < static_cast<size_t>(target.width) && *dv >= 0 &&
                *dv == std::floor(*dv))
                s = std::string(static_cast<size_t>(target.width) - s.size(), '0') + s;
        }
        if (s.size() > opts.maxTextBytes)
            throw Error(ErrorKind::Format, where(path, row, sourceField),
                        "value is " + std::to_string(s.size()) + " bytes long (limit " +
                            std::to_string(opts.maxTextBytes) + ")");
        if (isCodeField(target))
            s = trim(s);
        if (s.empty())
            return {};
        return s;
    }
    case FieldType::Integer: {
        if (auto* iv = std::get_if<int64_t>(&v))
            return *iv;
        double d = 0;
        bool comma = false;
        if (auto* dv = std::get_if<double>(&v))
            d = *dv;
        else {
            std::string s = trim(std::get<std::string>(v));
            if (s.empty())
                return {};
            if (!parseDecimal(s, d, &comma))
                throw Error(ErrorKind::Format, where(path, row, sourceField), "'" + s.substr(0, 40) + "' is not a whole number");
        }
        if (d != std::floor(d) || std::abs(d) > 9e15)
            throw Error(ErrorKind::Format, where(path, row, sourceField), formatNumber(d) + " is not a whole number");
        return static_cast<int64_t>(d);
    }
    case FieldType::Real: {
        if (auto* iv = std::get_if<int64_t>(&v))
            return static_cast<double>(*iv);
        if (auto* dv = std::get_if<double>(&v))
            return *dv;
        std::string s = trim(std::get<std::string>(v));
        if (s.empty())
            return {};
        double d = 0;
        bool comma = false;
        if (!parseDecimal(s, d, &comma))
            throw Error(ErrorKind::Format, where(path, row, sourceField), "'" + s.substr(0, 40) + "' is not a number");
        st.decimalCommas += comma;
        return d;
    }
    }
    return {};
}

// ---- geometry ----

// Validates a polygonal geometry; repairs it with GEOSMakeValid. Returns false when nothing
// polygonal is left.
bool repairPolygons(Geometry& g, bool& repaired)
{
    repaired = false;
    GEOSContextHandle_t h = geos::ctx();
    std::vector<uint8_t> wkb = toWkb(g);
    geos::clearError();
    geos::GeomPtr gg(GEOSGeomFromWKB_buf_r(h, wkb.data(), wkb.size()));
    if (!gg)
        return false;
    if (geos::predicate("isValid", [&] { return GEOSisValid_r(h, gg.get()); }))
        return true;
    geos::clearError();
    geos::GeomPtr fixed(GEOSMakeValid_r(h, gg.get()));
    if (!fixed)
        return false;
    g = geos::polygonalPart(fixed.get());
    repaired = true;
    return !g.parts.empty();
}

// ---- field schema of the target ----

const char* kMappingTable = "import_mappings";

struct Target {
    std::string name;
    GeomType geomType = GeomType::None;
    std::vector<FieldDef> fields;
    bool exists = false;      // a layer of the project
    bool fromSource = false;  // a new layer taking the source's fields
};

Target resolveTarget(const ProjectStore& store, const std::string& name, const SourceInfo& src)
{
    Target t;
    t.name = name;
    const schema::LayerSchema* known = nullptr;
    for (const auto& s : schema::all())
        if (s.name == name)
            known = &s;
    if (auto existing = store.layerSchema(name)) {
        t.exists = true;
        t.geomType = existing->geomType;
        t.fields = existing->fields;
        // Declared widths (e.g. code widths) come from the schema when known.
        if (known)
            for (auto& f : t.fields)
                for (const auto& sf : known->fields)
                    if (sf.name == f.name)
                        f.width = sf.width;
        return t;
    }
    if (known) {
        t.geomType = known->geomType;
        t.fields = known->fields;
        return t;
    }
    // A new layer with the source's fields.
    t.fromSource = true;
    std::set<std::string> used;
    for (const auto& f : src.fields) {
        std::string n = text::toNfc(trim(f.name));
        if (n.empty() || !used.insert(n).second)
            continue;
        if (n == src.xField || n == src.yField || n == src.wktField)
            continue;
        t.fields.push_back({n, f.type == FieldType::Date ? FieldType::Text : f.type, 0, false});
    }
    switch (familyOf(src.geomType)) {
    case Family::Point: t.geomType = src.geomType == GeomType::MultiPoint ? GeomType::MultiPoint : GeomType::Point; break;
    case Family::Line: t.geomType = GeomType::MultiLineString; break;
    case Family::Polygon: t.geomType = GeomType::MultiPolygon; break;
    default: t.geomType = src.wktField.empty() ? GeomType::None : GeomType::MultiPolygon; break;
    }
    return t;
}

// ---- the steps of importFile ----

void checkImportTarget(const ProjectStore& store, const std::string& path, const ImportOptions& opts)
{
    if (opts.targetLayer.empty())
        throw Error(ErrorKind::Usage, path, "no target layer given");
    if (opts.targetLayer == "bando_meta" || opts.targetLayer == kMappingTable)
        throw Error(ErrorKind::Usage, path, "layer '" + opts.targetLayer + "' cannot be imported into");
    if (!store.writable())
        throw Error(ErrorKind::Store, store.path(), "project is open read-only");
}

void noteSource(const std::string& path, const SourceInfo& info, Diagnostics& diag)
{
    if (info.legacyText && !info.encodingGuess.allAscii)
        diag.info(path, std::string("text encoding: ") + encodingLabel(info.encoding) + " (" + info.encodingSource + ")");
    if (info.epsgGuessed)
        diag.warning(path, "CRS guessed: " + info.crsNote + " — confirm it or choose another");
}

// The mapping in use and, for every target field, the index of its source field (-1: none).
struct FieldMap {
    std::map<std::string, std::string> mapping;
    bool saved = false;
    std::vector<int> sourceOfTarget;
};

FieldMap mapFields(const ProjectStore& store, const std::string& path, const Target& target, const SourceInfo& info,
                   const ImportOptions& opts)
{
    FieldMap m;
    if (!opts.mapping.empty())
        m.mapping = opts.mapping;
    else {
        MappingChoice c = chooseMapping(store, info, target.name, target.fields);
        m.mapping = std::move(c.mapping);
        m.saved = c.saved;
    }
    m.sourceOfTarget.assign(target.fields.size(), -1);
    for (const auto& [tf, sfName] : m.mapping) {
        int ti = -1;
        for (size_t i = 0; i < target.fields.size(); ++i)
            if (target.fields[i].name == tf)
                ti = static_cast<int>(i);
        if (ti < 0)
            throw Error(ErrorKind::Usage, path, "layer '" + target.name + "' has no field '" + tf + "'");
        int si = sourceIndex(info.fields, sfName);
        if (si < 0)
            throw Error(ErrorKind::Usage, path, "no field '" + sfName + "' in the source (mapped to '" + tf + "')");
        m.sourceOfTarget[static_cast<size_t>(ti)] = si;
    }
    return m;
}

struct TransformDeleter {
    void operator()(OGRCoordinateTransformation* ct) const { OGRCoordinateTransformation::DestroyCT(ct); }
};
using TransformPtr = std::unique_ptr<OGRCoordinateTransformation, TransformDeleter>;

// Where a row's geometry comes from (the feature, lon/lat columns or a WKT column) and how it
// reaches WGS 84.
struct GeometryPlan {
    bool wanted = false;
    Family family = Family::None;
    bool tableXY = false, tableWkt = false;
    int xField = -1, yField = -1, wktField = -1;
    TransformPtr toWgs84;  // null when the source is in WGS 84
};

GeometryPlan planGeometry(const OpenedSource& src, const SourceInfo& info, const Target& target, const std::string& path)
{
    GeometryPlan p;
    p.wanted = target.geomType != GeomType::None;
    p.family = familyOf(target.geomType);
    p.tableXY = isTable(info.kind) && !info.xField.empty();
    p.tableWkt = isTable(info.kind) && !p.tableXY && !info.wktField.empty();
    if (p.wanted && isTable(info.kind) && !p.tableXY && !p.tableWkt)
        throw Error(ErrorKind::Format, path,
                    "layer '" + target.name + "' needs geometry but the table has no lon/lat or WKT columns");
    if (p.wanted && info.epsg == 0)
        throw Error(ErrorKind::Crs, path, "unknown CRS: " + info.crsNote);
    if (p.wanted && info.epsg != 4326) {
        OGRSpatialReference wgs;
        wgs.importFromEPSG(4326);
        wgs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        OGRSpatialReference from;
        if (info.epsg > 0)
            from.importFromEPSG(info.epsg);
        else
            from = *src.layer->GetSpatialRef();
        from.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        gdal::ErrorCapture cap;
        p.toWgs84.reset(OGRCreateCoordinateTransformation(&from, &wgs));
        if (!p.toWgs84)
            throw Error(ErrorKind::Crs, path, "cannot transform to WGS 84: " + cap.lastMessage());
    }
    p.xField = p.tableXY ? sourceIndex(info.fields, info.xField) : -1;
    p.yField = p.tableXY ? sourceIndex(info.fields, info.yField) : -1;
    p.wktField = p.tableWkt ? sourceIndex(info.fields, info.wktField) : -1;
    return p;
}

// Progress total: the feature count, or an estimate from the file size for CSV.
double estimateFeatureTotal(const std::string& path, const SourceInfo& info)
{
    double total = static_cast<double>(info.featureCount);
    if (total <= 0 && info.kind == SourceKind::Csv) {
        std::ifstream in(path, std::ios::binary);
        std::string head(65536, '\0');
        in.read(head.data(), static_cast<std::streamsize>(head.size()));
        head.resize(static_cast<size_t>(in.gcount()));
        const auto lines = std::max<std::ptrdiff_t>(1, std::count(head.begin(), head.end(), '\n'));
        total = static_cast<double>(fs::file_size(path)) / (static_cast<double>(head.size()) / static_cast<double>(lines));
    }
    return total;
}

// Reads the source values of one feature: numbers as numbers, text decoded to UTF-8 (NFC).
void readSourceValues(const OGRFeature& f, OGRFeatureDefn* defn, const SourceInfo& info, std::vector<Value>& out)
{
    const int nf = defn->GetFieldCount();
    for (int i = 0; i < nf; ++i) {
        Value& v = out[static_cast<size_t>(i)];
        if (!f.IsFieldSetAndNotNull(i)) {
            v = std::monostate{};
            continue;
        }
        const OGRFieldType type = defn->GetFieldDefn(i)->GetType();
        switch (type) {
        case OFTInteger:
        case OFTInteger64: v = static_cast<int64_t>(f.GetFieldAsInteger64(i)); break;
        case OFTReal: v = f.GetFieldAsDouble(i); break;
        default: {
            std::string_view sv(f.GetFieldAsString(i));
            if (isAscii(sv))
                v = std::string(sv);
            else if (info.legacyText)
                v = decodeValue(sv, info.encoding);
            else
                v = decode(sv, Encoding::Utf8);
            if (type == OFTDate || type == OFTDateTime) {
                auto& str = std::get<std::string>(v);
                std::replace(str.begin(), str.end(), '/', '-');
            }
        }
        }
    }
}

// Turns source features into target features: values converted and checked (duplicate codes),
// geometry built, flattened, type-checked, transformed to WGS 84 and repaired. Counts what it
// drops in the stats.
class FeatureConverter {
public:
    FeatureConverter(const std::string& path, const SourceInfo& info, const Target& target, const FieldMap& fields,
                     const GeometryPlan& geometry, const ImportOptions& opts, ImportStats& stats)
        : m_path(path), m_info(info), m_target(target), m_fields(fields), m_geometry(geometry), m_opts(opts),
          m_stats(stats)
    {
        for (size_t i = 0; i < target.fields.size(); ++i)
            if (target.fields[i].name == "code" && fields.sourceOfTarget[i] >= 0)
                m_keyField = static_cast<int>(i);
    }

    // False when the feature is dropped (no geometry, another geometry type).
    bool convert(OGRFeature& f, const std::vector<Value>& source, int64_t row, Feature& out)
    {
        out.values.resize(m_target.fields.size());
        for (size_t ti = 0; ti < m_target.fields.size(); ++ti) {
            const int si = m_fields.sourceOfTarget[ti];
            if (si < 0)
                continue;
            out.values[ti] = io::convert(source[static_cast<size_t>(si)], m_target.fields[ti], m_opts, m_path, row,
                                         m_info.fields[static_cast<size_t>(si)].name, m_stats);
        }
        checkDuplicateCode(out, row);
        return !m_geometry.wanted || convertGeometry(f, source, row, out.geom);
    }

    const std::vector<int64_t>& firstDropped() const { return m_firstDropped; }
    const std::vector<int64_t>& outsideRows() const { return m_outsideRows; }

private:
    void checkDuplicateCode(const Feature& feat, int64_t row)
    {
        if (m_keyField < 0)
            return;
        const Value& kv = feat.values[static_cast<size_t>(m_keyField)];
        if (isNull(kv))
            return;
        auto [it, fresh] = m_seenCodes.emplace(toString(kv), row);
        if (!fresh) {
            const int si = m_fields.sourceOfTarget[static_cast<size_t>(m_keyField)];
            throw Error(ErrorKind::Format, where(m_path, row, m_info.fields[static_cast<size_t>(si)].name),
                        "duplicate code '" + toString(kv) + "' (first in row " + std::to_string(it->second) + ")");
        }
    }

    bool coordinate(const Value& v, const std::string& field, int64_t row, double& out)
    {
        if (isNull(v))
            return false;
        if (auto* d = std::get_if<double>(&v)) {
            out = *d;
            return true;
        }
        if (auto* i = std::get_if<int64_t>(&v)) {
            out = static_cast<double>(*i);
            return true;
        }
        const auto& s = std::get<std::string>(v);
        if (trim(s).empty())
            return false;
        bool comma = false;
        if (!parseDecimal(s, out, &comma))
            throw Error(ErrorKind::Format, where(m_path, row, field), "'" + s.substr(0, 40) + "' is not a coordinate");
        m_stats.decimalCommas += comma;
        return true;
    }

    void dropped(int64_t& counter, int64_t row)
    {
        ++counter;
        if (m_firstDropped.size() < 5)
            m_firstDropped.push_back(row);
    }

    bool convertGeometry(OGRFeature& f, const std::vector<Value>& source, int64_t row, Geometry& out)
    {
        OGRGeometryUniquePtr owned;
        OGRGeometry* g = nullptr;
        if (m_geometry.tableXY) {
            double x = 0, y = 0;
            const bool hx = coordinate(source[static_cast<size_t>(m_geometry.xField)], m_info.xField, row, x);
            const bool hy = coordinate(source[static_cast<size_t>(m_geometry.yField)], m_info.yField, row, y);
            if (hx && hy) {
                owned.reset(new OGRPoint(x, y));
                g = owned.get();
            }
        } else if (m_geometry.tableWkt) {
            const Value& wv = source[static_cast<size_t>(m_geometry.wktField)];
            if (auto* s = std::get_if<std::string>(&wv); s && !trim(*s).empty()) {
                OGRGeometry* parsed = nullptr;
                const OGRErr err = OGRGeometryFactory::createFromWkt(s->c_str(), nullptr, &parsed);
                owned.reset(parsed);
                if (err != OGRERR_NONE || !parsed)
                    throw Error(ErrorKind::Format, where(m_path, row, m_info.wktField), "not a WKT geometry");
                g = parsed;
            }
        } else
            g = f.GetGeometryRef();
        if (!g || g->IsEmpty()) {
            dropped(m_stats.droppedEmpty, row);
            return false;
        }
        if (g->Is3D() || g->IsMeasured()) {
            g->flattenTo2D();
            g->setMeasured(FALSE);
            ++m_stats.flattened;
        }
        if (wkbFlatten(g->getGeometryType()) == wkbGeometryCollection ||
            familyOf(fromOgr(g->getGeometryType())) != m_geometry.family) {
            dropped(m_stats.droppedType, row);
            return false;
        }
        if (m_geometry.toWgs84 && g->transform(m_geometry.toWgs84.get()) != OGRERR_NONE)
            throw Error(ErrorKind::Crs, m_path + ": feature " + std::to_string(row),
                        "cannot transform the geometry to WGS 84");
        std::vector<unsigned char> wkb(static_cast<size_t>(g->WkbSize()));
        g->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
        out = fromWkb(wkb.data(), wkb.size());
        if (m_geometry.family == Family::Polygon) {
            bool repaired = false;
            if (!repairPolygons(out, repaired)) {
                ++m_stats.droppedEmpty;
                return false;
            }
            m_stats.repaired += repaired;
        }
        // Single-part targets take single parts only.
        const GeomType tt = m_target.geomType;
        if ((tt == GeomType::Point || tt == GeomType::LineString || tt == GeomType::Polygon) && out.parts.size() > 1) {
            ++m_stats.droppedType;
            return false;
        }
        out.type = tt;
        if (m_opts.checkProvince && !out.extent().intersects(kProvinceBox.buffered(0.05))) {
            ++m_stats.outsideProvince;
            if (m_outsideRows.size() < 5)
                m_outsideRows.push_back(row);
        }
        return true;
    }

    const std::string& m_path;
    const SourceInfo& m_info;
    const Target& m_target;
    const FieldMap& m_fields;
    const GeometryPlan& m_geometry;
    const ImportOptions& m_opts;
    ImportStats& m_stats;
    int m_keyField = -1;
    std::unordered_map<std::string, int64_t> m_seenCodes;
    std::vector<int64_t> m_firstDropped, m_outsideRows;
};

// Writes converted features in batches: the first batch replaces the layer (unless appending),
// the next ones are appended. Must run inside the store's transaction.
class BatchWriter {
public:
    BatchWriter(ProjectStore& store, const Target& target, bool append, ImportStats& stats, Feedback* fb)
        : m_store(store), m_append(append), m_stats(stats), m_fb(fb)
    {
        m_batch.name = target.name;
        m_batch.geomType = target.geomType;
        m_batch.epsg = 4326;
        m_batch.fields = target.fields;
    }
    void add(Feature feat)
    {
        m_batch.features.push_back(std::move(feat));
        if (m_batch.features.size() >= kBatch)
            flush();
    }
    // Writes what is left; an import of no feature still creates or empties the layer.
    void finish()
    {
        if (!m_batch.features.empty() || m_first)
            flush();
    }

private:
    void flush()
    {
        if (m_first && !m_append)
            m_store.replaceLayer(m_batch, m_fb);
        else
            m_store.appendFeatures(m_batch, m_fb);
        m_first = false;
        m_stats.written += static_cast<int64_t>(m_batch.features.size());
        m_batch.features.clear();
    }
    static constexpr size_t kBatch = 20000;
    ProjectStore& m_store;
    bool m_append;
    ImportStats& m_stats;
    Feedback* m_fb;
    Layer m_batch;
    bool m_first = true;
};

// Reads, converts and writes every feature of the source.
void copyFeatures(OpenedSource& src, const std::string& path, const SourceInfo& info, FeatureConverter& converter,
                  BatchWriter& writer, ImportStats& st, Diagnostics& diag, Feedback* fb)
{
    const double total = estimateFeatureTotal(path, info);
    OGRLayer* l = src.layer;
    OGRFeatureDefn* defn = l->GetLayerDefn();
    std::vector<Value> source(static_cast<size_t>(defn->GetFieldCount()));
    gdal::ErrorCapture cap;
    l->ResetReading();
    int64_t row = 0;
    while (OGRFeatureUniquePtr f = nextFeature(l, cap, path, row + 1)) {
        ++row;
        ++st.read;
        if ((row & 1023) == 0) {
            throwIfCancelled(fb);
            if (fb && total > 0)
                fb->setProgress(std::min(99.0, 100.0 * static_cast<double>(row) / total));
        }
        readSourceValues(*f, defn, info, source);
        Feature feat;
        if (converter.convert(*f, source, row, feat))
            writer.add(std::move(feat));
    }
    // A shapefile whose .dbf/.shp holds fewer records than its header announces is truncated.
    if (info.kind == SourceKind::Shapefile && info.featureCount >= 0 && row < info.featureCount)
        throw Error(ErrorKind::Format, path + ": feature " + std::to_string(row + 1),
                    "file is truncated: " + std::to_string(info.featureCount) + " features announced, " +
                        std::to_string(row) + " readable");
    for (const auto& w : cap.warnings())
        if (diag.items().size() < 50)
            diag.warning(path, w);
}

std::string rowList(const std::vector<int64_t>& rows, int64_t count)
{
    std::string s;
    for (auto r : rows)
        s += (s.empty() ? "" : ", ") + std::to_string(r);
    return s + (count > 5 ? ", …)" : ")");
}

void reportStats(const std::string& path, const Target& target, const ImportStats& st,
                 const FeatureConverter& converter, Diagnostics& diag)
{
    if (st.repaired)
        diag.info(path, std::to_string(st.repaired) + " invalid polygons repaired");
    if (st.droppedEmpty)
        diag.warning(path, std::to_string(st.droppedEmpty) + " features without geometry skipped (rows " +
                               rowList(converter.firstDropped(), st.droppedEmpty));
    if (st.droppedType)
        diag.warning(path, std::to_string(st.droppedType) + " features of another geometry type than " +
                               geomTypeName(target.geomType) + " skipped");
    if (st.flattened)
        diag.info(path, std::to_string(st.flattened) + " geometries had Z/M values: dropped (2D kept)");
    if (st.outsideProvince)
        diag.warning(path, std::to_string(st.outsideProvince) + " features lie outside Lạng Sơn (rows " +
                               rowList(converter.outsideRows(), st.outsideProvince));
    if (st.decimalCommas)
        diag.info(path, std::to_string(st.decimalCommas) + " numbers written with a decimal comma read");
}

// Saves the mapping for the next file of this kind (inside the import's transaction).
void saveMapping(ProjectStore& store, SourceKind kind, const std::string& targetLayer,
                 const std::map<std::string, std::string>& mapping)
{
    if (mapping.empty() || !store.hasLayer(kMappingTable))
        return;
    store.deleteWhere(kMappingTable, {{"source_kind", sourceKindName(kind)}, {"target_layer", targetLayer}});
    Layer m = schema::makeLayer(kMappingTable);
    for (const auto& [tf, sfName] : mapping) {
        Feature& f = m.addFeature({});
        m.set(f, "source_kind", std::string(sourceKindName(kind)));
        m.set(f, "target_layer", targetLayer);
        m.set(f, "target_field", tf);
        m.set(f, "source_field", sfName);
    }
    store.appendFeatures(m);
}

} // namespace

const char* sourceKindName(SourceKind k)
{
    switch (k) {
    case SourceKind::Shapefile: return "shapefile";
    case SourceKind::GeoPackage: return "gpkg";
    case SourceKind::GeoJson: return "geojson";
    case SourceKind::Kml: return "kml";
    case SourceKind::Kmz: return "kmz";
    case SourceKind::Gml: return "gml";
    case SourceKind::Csv: return "csv";
    case SourceKind::Xlsx: return "xlsx";
    case SourceKind::Ods: return "ods";
    case SourceKind::Other: return "other";
    }
    return "other";
}

SourceKind sourceKindOf(const std::string& path)
{
    const std::string e = lowerExt(path);
    if (e == ".shp" || e == ".dbf")
        return SourceKind::Shapefile;
    if (e == ".gpkg")
        return SourceKind::GeoPackage;
    if (e == ".geojson" || e == ".json")
        return SourceKind::GeoJson;
    if (e == ".kml")
        return SourceKind::Kml;
    if (e == ".kmz")
        return SourceKind::Kmz;
    if (e == ".gml")
        return SourceKind::Gml;
    if (e == ".csv" || e == ".txt")
        return SourceKind::Csv;
    if (e == ".xlsx")
        return SourceKind::Xlsx;
    if (e == ".ods")
        return SourceKind::Ods;
    return SourceKind::Other;
}

bool parseDecimal(std::string_view in, double& out, bool* usedComma)
{
    std::string s;
    for (char c : in)
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
            s += c;
    if (s.empty())
        return false;
    const size_t dot = s.rfind('.'), comma = s.rfind(',');
    bool commaDecimal = false;
    if (comma != std::string::npos && dot != std::string::npos) {
        if (comma > dot) {  // 1.234,5
            s.erase(std::remove(s.begin(), s.end(), '.'), s.end());
            commaDecimal = true;
        } else  // 1,234.5
            s.erase(std::remove(s.begin(), s.end(), ','), s.end());
    } else if (comma != std::string::npos) {
        if (std::count(s.begin(), s.end(), ',') > 1)
            return false;
        commaDecimal = true;
    }
    if (commaDecimal)
        std::replace(s.begin(), s.end(), ',', '.');
    char* end = nullptr;
    errno = 0;
    double d = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size() || errno == ERANGE || !std::isfinite(d))
        return false;
    out = d;
    if (usedComma)
        *usedComma = commaDecimal;
    return true;
}

SourceInfo inspectSource(const std::string& path, const SourceOptions& opts, size_t previewRows)
{
    OpenedSource src = openSource(path, opts);
    return inspectOpened(src, path, opts, previewRows);
}

std::map<std::string, std::string> autoMapping(const std::vector<FieldDef>& target, const std::vector<SourceField>& source)
{
    static const std::map<std::string, std::vector<std::string>> aliases = {
        {"code", {"ma", "maso", "id", "madonvi"}},
        {"name", {"ten", "tendonvi", "hoten"}},
        {"commune_code", {"maxa", "maphuongxa", "communecode"}},
        {"district_code", {"mahuyen", "maquanhuyen", "districtcode"}},
        {"village_code", {"mathon", "mavillage", "villagecode"}},
        {"households", {"soho", "hogiadinh", "sohogiadinh"}},
        {"population", {"danso", "sodan", "songuoi"}},
        {"village_name", {"thon", "tenthon", "thonban", "village"}},
        {"commune_name", {"xa", "tenxa", "commune"}},
        {"district_name", {"huyen", "tenhuyen", "district"}},
        {"operator", {"nhamang", "mang", "doanhnghiep"}},
        {"status", {"tinhtrang", "hientrang"}},
    };
    std::map<std::string, std::string> m;
    std::set<std::string> taken;
    for (const auto& t : target) {
        const std::string tk = squashKey(t.name);
        std::string found;
        for (const auto& s : source)
            if (!taken.count(s.name) && squashKey(s.name) == tk)
                found = s.name;
        if (found.empty())
            for (const auto& s : source) {
                std::string sk = squashKey(s.name);
                // dBase truncates field names to 10 characters.
                if (!taken.count(s.name) && s.rawName.size() == 10 && sk.size() >= 8 && tk.rfind(sk, 0) == 0) {
                    found = s.name;
                    break;
                }
            }
        if (found.empty())
            if (auto it = aliases.find(t.name); it != aliases.end())
                for (const auto& a : it->second)
                    for (const auto& s : source)
                        if (found.empty() && !taken.count(s.name) && squashKey(s.name) == a)
                            found = s.name;
        if (!found.empty()) {
            m[t.name] = found;
            taken.insert(found);
        }
    }
    return m;
}

std::map<std::string, std::string> savedMapping(const ProjectStore& store, SourceKind kind, const std::string& layer)
{
    std::map<std::string, std::string> m;
    if (!store.hasLayer(kMappingTable))
        return m;
    Layer t = store.readLayer(kMappingTable);
    for (const auto& f : t.features)
        if (t.text(f, "source_kind") == sourceKindName(kind) && t.text(f, "target_layer") == layer)
            m[t.text(f, "target_field")] = t.text(f, "source_field");
    return m;
}

MappingChoice chooseMapping(const ProjectStore& store, const SourceInfo& source, const std::string& targetLayer,
                            const std::vector<FieldDef>& targetFields)
{
    MappingChoice c;
    auto saved = savedMapping(store, source.kind, targetLayer);
    bool ok = !saved.empty();
    for (const auto& [tf, sfName] : saved)
        ok = ok && sourceIndex(source.fields, sfName) >= 0;
    if (ok) {
        c.mapping = std::move(saved);
        c.saved = true;
    } else
        c.mapping = autoMapping(targetFields, source.fields);
    return c;
}

MappingProposal proposeMapping(const ProjectStore& store, const SourceInfo& source, const std::string& targetLayer)
{
    MappingProposal p;
    const Target target = resolveTarget(store, targetLayer, source);
    p.newLayer = target.fromSource;
    if (p.newLayer)
        return p;
    p.targetFields = target.fields;
    MappingChoice c = chooseMapping(store, source, targetLayer, target.fields);
    p.mapping = std::move(c.mapping);
    p.saved = c.saved;
    return p;
}

ImportResult importFile(ProjectStore& store, const std::string& path, const ImportOptions& opts, Feedback* fb)
{
    const auto t0 = std::chrono::steady_clock::now();
    checkImportTarget(store, path, opts);
    // Open and inspect the source.
    OpenedSource src = openSource(path, opts.source);
    ImportResult res;
    res.source = inspectOpened(src, path, opts.source, 5);
    const SourceInfo& info = res.source;
    res.targetLayer = opts.targetLayer;
    Diagnostics& diag = res.diagnostics;
    noteSource(path, info, diag);
    // Resolve the target and map the fields.
    const Target target = resolveTarget(store, opts.targetLayer, info);
    if (opts.append && !target.exists)
        throw Error(ErrorKind::Usage, path, "cannot append: the project has no layer '" + opts.targetLayer + "'");
    const FieldMap fields = mapFields(store, path, target, info, opts);
    res.mapping = fields.mapping;
    res.savedMappingUsed = fields.saved;
    if (fields.saved)
        diag.info(path, "field mapping saved for " + std::string(sourceKindName(info.kind)) + " files used");
    if (fields.mapping.empty() && !target.fields.empty())
        diag.warning(path, "no source field matches a field of layer '" + opts.targetLayer + "'");
    const GeometryPlan geometry = planGeometry(src, info, target, path);

    // Convert and write in one transaction.
    ProjectStore::Transaction tx(store);
    if (fb)
        fb->setStep(tr("Importing"));
    FeatureConverter converter(path, info, target, fields, geometry, opts, res.stats);
    BatchWriter writer(store, target, opts.append, res.stats, fb);
    copyFeatures(src, path, info, converter, writer, res.stats, diag, fb);
    writer.finish();
    reportStats(path, target, res.stats, converter, diag);
    if (opts.saveMapping)
        saveMapping(store, info.kind, opts.targetLayer, fields.mapping);
    throwIfCancelled(fb);
    tx.commit();
    reportProgress(fb, 100);
    res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return res;
}

TableData readTable(const std::string& path, const SourceOptions& opts, const Feedback* fb)
{
    OpenedSource src = openSource(path, opts);
    TableData t;
    t.info = inspectOpened(src, path, opts, 5);
    OGRLayer* l = src.layer;
    OGRFeatureDefn* defn = l->GetLayerDefn();
    gdal::ErrorCapture cap;
    l->ResetReading();
    int64_t row = 0;
    for (;;) {
        OGRFeatureUniquePtr f = nextFeature(l, cap, path, row + 1);
        if (!f)
            break;
        ++row;
        if ((row & 1023) == 0)
            throwIfCancelled(fb);
        std::vector<std::string> values;
        for (int i = 0; i < defn->GetFieldCount(); ++i) {
            if (!f->IsFieldSetAndNotNull(i)) {
                values.emplace_back();
                continue;
            }
            const OGRFieldType ft = defn->GetFieldDefn(i)->GetType();
            if (ft == OFTReal)
                values.push_back(formatNumber(f->GetFieldAsDouble(i)));
            else {
                std::string_view sv = f->GetFieldAsString(i);
                values.push_back(isAscii(sv) ? std::string(sv)
                                 : t.info.legacyText ? decodeValue(sv, t.info.encoding)
                                                     : decode(sv, Encoding::Utf8));
            }
        }
        t.rows.push_back(std::move(values));
    }
    return t;
}

ImportResult importFile(const std::string& projectPath, const std::string& path, const ImportOptions& opts, Feedback* fb)
{
    auto store = ProjectStore::open(projectPath, ProjectStore::Mode::ReadWrite);
    ImportResult r = importFile(*store, path, opts, fb);
    store->close();
    return r;
}

} // namespace bando::io
