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
    char** oo = nullptr;
    const char* drivers[3] = {nullptr, nullptr, nullptr};
    switch (src.kind) {
    case SourceKind::Shapefile:
        oo = CSLSetNameValue(oo, "ENCODING", "");
        drivers[0] = "ESRI Shapefile";
        break;
    case SourceKind::Csv:
        oo = CSLSetNameValue(oo, "AUTODETECT_TYPE", "NO");
        oo = CSLSetNameValue(oo, "GEOM_POSSIBLE_NAMES", "__none__");
        oo = CSLSetNameValue(oo, "X_POSSIBLE_NAMES", "__none__");
        oo = CSLSetNameValue(oo, "Y_POSSIBLE_NAMES", "__none__");
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
                                        drivers[0] ? drivers : nullptr, oo, nullptr);
    CSLDestroy(oo);
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
OGRFeature* nextFeature(OGRLayer* layer, gdal::ErrorCapture& cap, const std::string& path, int64_t number)
{
    const size_t before = cap.errors().size();
    OGRFeature* f = layer->GetNextFeature();
    if (cap.errors().size() > before) {
        OGRFeature::DestroyFeature(f);
        throw Error(ErrorKind::Format, path + ": feature " + std::to_string(number),
                    "cannot read: " + cap.errors().back());
    }
    return f;
}

std::string rawValue(OGRFeature* f, int i) { return f->GetFieldAsString(i); }

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
            OGRFeature* f = nextFeature(l, cap, path, n + 1);
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
                    std::string v = rawValue(f, i);
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
            OGRFeature::DestroyFeature(f);
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
    geos::GeomPtr gg(GEOSGeomFromWKB_buf_r(h, wkb.data(), wkb.size()));
    if (!gg)
        return false;
    char valid = GEOSisValid_r(h, gg.get());
    if (valid == 1)
        return true;
    geos::GeomPtr fixed(GEOSMakeValid_r(h, gg.get()));
    if (!fixed)
        return false;
    g = geos::polygonalPart(fixed.get());
    repaired = true;
    return !g.parts.empty();
}

// ---- field schema of the target ----

struct Target {
    std::string name;
    GeomType geomType = GeomType::None;
    std::vector<FieldDef> fields;
    bool exists = false;
};

Target resolveTarget(ProjectStore& store, const std::string& name, const SourceInfo& src)
{
    Target t;
    t.name = name;
    if (OGRLayer* l = store.dataset()->GetLayerByName(name.c_str()); l && name != "bando_meta") {
        t.exists = true;
        t.geomType = fromOgr(l->GetGeomType());
        OGRFeatureDefn* d = l->GetLayerDefn();
        for (int i = 0; i < d->GetFieldCount(); ++i) {
            auto* fd = d->GetFieldDefn(i);
            t.fields.push_back({fd->GetNameRef(), fieldTypeOf(fd->GetType()) == FieldType::Date ? FieldType::Text
                                                                                                  : fieldTypeOf(fd->GetType()),
                                fd->GetWidth(), !fd->IsNullable()});
        }
        // Declared widths (e.g. code widths) come from the schema when known.
        for (const auto& s : schema::all())
            if (s.name == name)
                for (auto& f : t.fields)
                    for (const auto& sf : s.fields)
                        if (sf.name == f.name)
                            f.width = sf.width;
        return t;
    }
    for (const auto& s : schema::all())
        if (s.name == name) {
            t.geomType = s.geomType;
            t.fields = s.fields;
            return t;
        }
    // A new layer with the source's fields.
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

const char* kMappingTable = "import_mappings";

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

ImportResult importFile(ProjectStore& store, const std::string& path, const ImportOptions& opts, Feedback* fb)
{
    const auto t0 = std::chrono::steady_clock::now();
    if (opts.targetLayer.empty())
        throw Error(ErrorKind::Usage, path, "no target layer given");
    if (opts.targetLayer == "bando_meta" || opts.targetLayer == kMappingTable)
        throw Error(ErrorKind::Usage, path, "layer '" + opts.targetLayer + "' cannot be imported into");
    if (!store.writable())
        throw Error(ErrorKind::Store, store.path(), "project is open read-only");
    OpenedSource src = openSource(path, opts.source);
    ImportResult res;
    res.source = inspectOpened(src, path, opts.source, 5);
    const SourceInfo& info = res.source;
    res.targetLayer = opts.targetLayer;
    Diagnostics& diag = res.diagnostics;
    ImportStats& st = res.stats;
    if (info.legacyText && !info.encodingGuess.allAscii)
        diag.info(path, std::string("text encoding: ") + encodingLabel(info.encoding) + " (" + info.encodingSource + ")");
    if (info.epsgGuessed)
        diag.warning(path, "CRS guessed: " + info.crsNote + " — confirm it or choose another");

    Target target = resolveTarget(store, opts.targetLayer, info);
    if (opts.append && !target.exists)
        throw Error(ErrorKind::Usage, path, "cannot append: the project has no layer '" + opts.targetLayer + "'");
    // Mapping: explicit, saved, automatic.
    std::map<std::string, std::string> mapping = opts.mapping;
    if (mapping.empty()) {
        auto saved = savedMapping(store, info.kind, opts.targetLayer);
        bool ok = !saved.empty();
        for (const auto& [tf, sfName] : saved)
            ok = ok && sourceIndex(info.fields, sfName) >= 0;
        if (ok) {
            mapping = saved;
            res.savedMappingUsed = true;
            diag.info(path, "field mapping saved for " + std::string(sourceKindName(info.kind)) + " files used");
        } else
            mapping = autoMapping(target.fields, info.fields);
    }
    std::vector<int> srcIndexOfTarget(target.fields.size(), -1);
    for (const auto& [tf, sfName] : mapping) {
        int ti = -1;
        for (size_t i = 0; i < target.fields.size(); ++i)
            if (target.fields[i].name == tf)
                ti = static_cast<int>(i);
        if (ti < 0)
            throw Error(ErrorKind::Usage, path, "layer '" + opts.targetLayer + "' has no field '" + tf + "'");
        int si = sourceIndex(info.fields, sfName);
        if (si < 0)
            throw Error(ErrorKind::Usage, path, "no field '" + sfName + "' in the source (mapped to '" + tf + "')");
        srcIndexOfTarget[static_cast<size_t>(ti)] = si;
    }
    res.mapping = mapping;
    if (mapping.empty() && !target.fields.empty())
        diag.warning(path, "no source field matches a field of layer '" + opts.targetLayer + "'");

    // Geometry setup.
    const bool wantGeom = target.geomType != GeomType::None;
    const Family targetFamily = familyOf(target.geomType);
    const bool tableXY = isTable(info.kind) && !info.xField.empty();
    const bool tableWkt = isTable(info.kind) && !tableXY && !info.wktField.empty();
    if (wantGeom && isTable(info.kind) && !tableXY && !tableWkt)
        throw Error(ErrorKind::Format, path,
                    "layer '" + opts.targetLayer + "' needs geometry but the table has no lon/lat or WKT columns");
    if (wantGeom && info.epsg == 0)
        throw Error(ErrorKind::Crs, path, "unknown CRS: " + info.crsNote);
    std::unique_ptr<OGRCoordinateTransformation> ct;
    OGRSpatialReference wgs;
    wgs.importFromEPSG(4326);
    wgs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    if (wantGeom && info.epsg != 4326) {
        OGRSpatialReference from;
        if (info.epsg > 0)
            from.importFromEPSG(info.epsg);
        else
            from = *src.layer->GetSpatialRef();
        from.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        gdal::ErrorCapture cap;
        ct.reset(OGRCreateCoordinateTransformation(&from, &wgs));
        if (!ct)
            throw Error(ErrorKind::Crs, path, "cannot transform to WGS 84: " + cap.lastMessage());
    }
    const int ixField = tableXY ? sourceIndex(info.fields, info.xField) : -1;
    const int iyField = tableXY ? sourceIndex(info.fields, info.yField) : -1;
    const int iwkt = tableWkt ? sourceIndex(info.fields, info.wktField) : -1;
    const Extent box = kProvinceBox.buffered(0.05);

    // Duplicate codes in the key field.
    int keyField = -1;
    for (size_t i = 0; i < target.fields.size(); ++i)
        if (target.fields[i].name == "code" && srcIndexOfTarget[i] >= 0)
            keyField = static_cast<int>(i);
    std::unordered_map<std::string, int64_t> seenCodes;

    // Progress: feature count, or an estimate from the file size for CSV.
    double total = static_cast<double>(info.featureCount);
    if (total <= 0 && info.kind == SourceKind::Csv) {
        std::ifstream in(path, std::ios::binary);
        std::string head(65536, '\0');
        in.read(head.data(), static_cast<std::streamsize>(head.size()));
        head.resize(static_cast<size_t>(in.gcount()));
        const auto lines = std::max<std::ptrdiff_t>(1, std::count(head.begin(), head.end(), '\n'));
        total = static_cast<double>(fs::file_size(path)) / (static_cast<double>(head.size()) / static_cast<double>(lines));
    }

    std::vector<int64_t> outsideRows;
    std::vector<int64_t> firstDropped;
    Layer batch;
    batch.name = target.name;
    batch.geomType = target.geomType;
    batch.epsg = 4326;
    batch.fields = target.fields;
    const size_t kBatch = 20000;
    bool firstWrite = true;

    ProjectStore::Transaction tx(store);
    auto flush = [&] {
        if (firstWrite && !opts.append)
            store.replaceLayer(batch, fb);
        else
            store.appendFeatures(batch, fb);
        firstWrite = false;
        st.written += static_cast<int64_t>(batch.features.size());
        batch.features.clear();
    };
    if (fb)
        fb->setStep(tr("Importing"));
    {
        OGRLayer* l = src.layer;
        OGRFeatureDefn* defn = l->GetLayerDefn();
        const int nf = defn->GetFieldCount();
        std::vector<Value> srcValues(static_cast<size_t>(nf));
        gdal::ErrorCapture cap;
        l->ResetReading();
        int64_t row = 0;
        for (;;) {
            OGRFeature* raw = nextFeature(l, cap, path, row + 1);
            if (!raw)
                break;
            std::unique_ptr<OGRFeature, void (*)(OGRFeature*)> f(raw, [](OGRFeature* p) { OGRFeature::DestroyFeature(p); });
            ++row;
            ++st.read;
            if ((row & 1023) == 0) {
                throwIfCancelled(fb);
                if (fb && total > 0)
                    fb->setProgress(std::min(99.0, 100.0 * static_cast<double>(row) / total));
            }
            // Source values.
            for (int i = 0; i < nf; ++i) {
                Value& v = srcValues[static_cast<size_t>(i)];
                if (!f->IsFieldSetAndNotNull(i)) {
                    v = std::monostate{};
                    continue;
                }
                switch (defn->GetFieldDefn(i)->GetType()) {
                case OFTInteger:
                case OFTInteger64: v = static_cast<int64_t>(f->GetFieldAsInteger64(i)); break;
                case OFTReal: v = f->GetFieldAsDouble(i); break;
                default: {
                    const char* s = f->GetFieldAsString(i);
                    size_t len = std::strlen(s);
                    std::string_view sv(s, len);
                    if (isAscii(sv))
                        v = std::string(sv);
                    else if (info.legacyText)
                        v = decodeValue(sv, info.encoding);
                    else
                        v = decode(sv, Encoding::Utf8);
                    if (defn->GetFieldDefn(i)->GetType() == OFTDate || defn->GetFieldDefn(i)->GetType() == OFTDateTime) {
                        auto& str = std::get<std::string>(v);
                        std::replace(str.begin(), str.end(), '/', '-');
                    }
                }
                }
            }
            Feature feat;
            feat.values.resize(target.fields.size());
            for (size_t ti = 0; ti < target.fields.size(); ++ti) {
                int si = srcIndexOfTarget[ti];
                if (si < 0)
                    continue;
                feat.values[ti] = convert(srcValues[static_cast<size_t>(si)], target.fields[ti], opts, path, row,
                                          info.fields[static_cast<size_t>(si)].name, st);
            }
            if (keyField >= 0) {
                const Value& kv = feat.values[static_cast<size_t>(keyField)];
                if (!isNull(kv)) {
                    auto [it, fresh] = seenCodes.emplace(toString(kv), row);
                    if (!fresh)
                        throw Error(ErrorKind::Format,
                                    where(path, row, info.fields[static_cast<size_t>(srcIndexOfTarget[static_cast<size_t>(keyField)])].name),
                                    "duplicate code '" + toString(kv) + "' (first in row " + std::to_string(it->second) + ")");
                }
            }
            // Geometry.
            if (wantGeom) {
                std::unique_ptr<OGRGeometry> owned;
                OGRGeometry* g = nullptr;
                if (tableXY) {
                    const Value& xv = srcValues[static_cast<size_t>(ixField)];
                    const Value& yv = srcValues[static_cast<size_t>(iyField)];
                    auto num = [&](const Value& v, const std::string& fname, double& out) {
                        if (isNull(v))
                            return false;
                        if (auto* d = std::get_if<double>(&v)) { out = *d; return true; }
                        if (auto* i = std::get_if<int64_t>(&v)) { out = static_cast<double>(*i); return true; }
                        const auto& s = std::get<std::string>(v);
                        if (trim(s).empty())
                            return false;
                        bool comma = false;
                        if (!parseDecimal(s, out, &comma))
                            throw Error(ErrorKind::Format, where(path, row, fname), "'" + s.substr(0, 40) + "' is not a coordinate");
                        st.decimalCommas += comma;
                        return true;
                    };
                    double x = 0, y = 0;
                    bool hx = num(xv, info.xField, x), hy = num(yv, info.yField, y);
                    if (hx && hy) {
                        owned = std::make_unique<OGRPoint>(x, y);
                        g = owned.get();
                    }
                } else if (tableWkt) {
                    const Value& wv = srcValues[static_cast<size_t>(iwkt)];
                    if (auto* s = std::get_if<std::string>(&wv); s && !trim(*s).empty()) {
                        OGRGeometry* parsed = nullptr;
                        if (OGRGeometryFactory::createFromWkt(s->c_str(), nullptr, &parsed) != OGRERR_NONE || !parsed)
                            throw Error(ErrorKind::Format, where(path, row, info.wktField), "not a WKT geometry");
                        owned.reset(parsed);
                        g = parsed;
                    }
                } else
                    g = f->GetGeometryRef();
                if (!g || g->IsEmpty()) {
                    ++st.droppedEmpty;
                    if (firstDropped.size() < 5)
                        firstDropped.push_back(row);
                    continue;
                }
                if (g->Is3D() || g->IsMeasured()) {
                    g->flattenTo2D();
                    g->setMeasured(FALSE);
                    ++st.flattened;
                }
                if (wkbFlatten(g->getGeometryType()) == wkbGeometryCollection || familyOf(fromOgr(g->getGeometryType())) != targetFamily) {
                    ++st.droppedType;
                    if (firstDropped.size() < 5)
                        firstDropped.push_back(row);
                    continue;
                }
                if (ct && g->transform(ct.get()) != OGRERR_NONE)
                    throw Error(ErrorKind::Crs, path + ": feature " + std::to_string(row),
                                "cannot transform the geometry to WGS 84");
                std::vector<unsigned char> wkb(static_cast<size_t>(g->WkbSize()));
                g->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
                feat.geom = fromWkb(wkb.data(), wkb.size());
                if (targetFamily == Family::Polygon) {
                    bool repaired = false;
                    if (!repairPolygons(feat.geom, repaired)) {
                        ++st.droppedEmpty;
                        continue;
                    }
                    st.repaired += repaired;
                }
                // Single-part targets take single parts only.
                if ((target.geomType == GeomType::Point || target.geomType == GeomType::LineString ||
                     target.geomType == GeomType::Polygon) && feat.geom.parts.size() > 1) {
                    ++st.droppedType;
                    continue;
                }
                if (target.geomType == GeomType::Point)
                    feat.geom.type = GeomType::Point;
                else if (target.geomType == GeomType::LineString)
                    feat.geom.type = GeomType::LineString;
                else if (target.geomType == GeomType::Polygon)
                    feat.geom.type = GeomType::Polygon;
                else if (target.geomType == GeomType::MultiPolygon)
                    feat.geom.type = GeomType::MultiPolygon;
                else if (target.geomType == GeomType::MultiLineString)
                    feat.geom.type = GeomType::MultiLineString;
                else if (target.geomType == GeomType::MultiPoint)
                    feat.geom.type = GeomType::MultiPoint;
                if (opts.checkProvince && !feat.geom.extent().intersects(box)) {
                    ++st.outsideProvince;
                    if (outsideRows.size() < 5)
                        outsideRows.push_back(row);
                }
            }
            batch.features.push_back(std::move(feat));
            if (batch.features.size() >= kBatch)
                flush();
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
    if (!batch.features.empty() || firstWrite)
        flush();
    auto rowsText = [](const std::vector<int64_t>& rows) {
        std::string s;
        for (auto r : rows)
            s += (s.empty() ? "" : ", ") + std::to_string(r);
        return s;
    };
    if (st.repaired)
        diag.info(path, std::to_string(st.repaired) + " invalid polygons repaired");
    if (st.droppedEmpty)
        diag.warning(path, std::to_string(st.droppedEmpty) + " features without geometry skipped (rows " + rowsText(firstDropped) + (st.droppedEmpty > 5 ? ", …)" : ")"));
    if (st.droppedType)
        diag.warning(path, std::to_string(st.droppedType) + " features of another geometry type than " +
                               geomTypeName(target.geomType) + " skipped");
    if (st.flattened)
        diag.info(path, std::to_string(st.flattened) + " geometries had Z/M values: dropped (2D kept)");
    if (st.outsideProvince)
        diag.warning(path, std::to_string(st.outsideProvince) + " features lie outside Lạng Sơn (rows " +
                               rowsText(outsideRows) + (st.outsideProvince > 5 ? ", …)" : ")"));
    if (st.decimalCommas)
        diag.info(path, std::to_string(st.decimalCommas) + " numbers written with a decimal comma read");
    // Save the mapping for the next file of this kind.
    if (opts.saveMapping && !mapping.empty() && store.hasLayer(kMappingTable)) {
        gdal::ErrorCapture cap;
        std::string sql = std::string("DELETE FROM ") + kMappingTable + " WHERE source_kind = '" +
                          sourceKindName(info.kind) + "' AND target_layer = '";
        for (char c : opts.targetLayer)
            sql += c == '\'' ? std::string("''") : std::string(1, c);
        sql += "'";
        store.dataset()->ExecuteSQL(sql.c_str(), nullptr, nullptr);
        if (!cap.errors().empty())
            throw Error(ErrorKind::Store, store.path(), "cannot save the field mapping: " + cap.lastMessage());
        Layer m = schema::makeLayer(kMappingTable);
        for (const auto& [tf, sfName] : mapping) {
            Feature& f = m.addFeature({});
            m.set(f, "source_kind", std::string(sourceKindName(info.kind)));
            m.set(f, "target_layer", opts.targetLayer);
            m.set(f, "target_field", tf);
            m.set(f, "source_field", sfName);
        }
        store.appendFeatures(m);
    }
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
        OGRFeature* f = nextFeature(l, cap, path, row + 1);
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
        OGRFeature::DestroyFeature(f);
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
