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
        if (std::isalnum(static_cast<unsigned char>(c)))
            o += c;
    return o;
}

std::string num(int64_t n) { return std::to_string(n); }

// "4, 7, 12" for the first 20 rows, then "… and N more".
std::string rowsText(const std::vector<int64_t>& rows, int64_t count)
{
    std::string s;
    for (auto r : rows)
        s += (s.empty() ? "" : ", ") + std::to_string(r);
    if (count > static_cast<int64_t>(rows.size()))
        s += trf(" and {1} more", {num(count - static_cast<int64_t>(rows.size()))});
    return s;
}
constexpr size_t kListedRows = 20;

uint32_t le32(const unsigned char* p) { return p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<uint32_t>(p[3]) << 24); }
uint16_t le16(const unsigned char* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }

fs::path sibling(const std::string& path, const char* ext)
{
    fs::path p = fs::path(path).replace_extension(ext);
    if (fs::exists(p))
        return p;
    std::string up = ext;
    for (auto& c : up)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    fs::path q = fs::path(path).replace_extension(up);
    return fs::exists(q) ? q : p;
}

// The parts of a shapefile, checked before GDAL sees them: GDAL's own messages name the .shp
// for a truncated .dbf and advise a configuration option for a missing .shx.
void checkShapefileParts(const std::string& path)
{
    if (lowerExt(path) != ".shp")
        return;
    const fs::path shx = sibling(path, ".shx");
    if (!fs::exists(shx))
        throw Error(ErrorKind::Format, path,
                    trf("the index file {1} is missing beside the .shp: copy the whole shapefile again (the .shp, "
                        ".shx and .dbf files of the same name, and the .prj and .cpg if any) or ask the sender for "
                        "the missing file",
                        {shx.filename().string()}));
    const fs::path dbf = sibling(path, ".dbf");
    if (!fs::exists(dbf))
        throw Error(ErrorKind::Format, path,
                    trf("the attribute file {1} is missing beside the .shp: copy the whole shapefile again",
                        {dbf.filename().string()}));
    std::ifstream in(dbf, std::ios::binary);
    unsigned char h[12] = {};
    in.read(reinterpret_cast<char*>(h), sizeof h);
    if (in.gcount() < 12)
        throw Error(ErrorKind::Format, dbf.string(), tr("the .dbf file is truncated (no complete header): copy it again"));
    const uint64_t records = le32(h + 4), headerLen = le16(h + 8), recordLen = le16(h + 10);
    const uint64_t size = fs::file_size(dbf);
    if (recordLen > 0 && size < headerLen + records * recordLen) {
        const uint64_t complete = size > headerLen ? (size - headerLen) / recordLen : 0;
        throw Error(ErrorKind::Format, dbf.string() + ": " + trf("record {1}", {num(static_cast<int64_t>(complete + 1))}),
                    trf("the .dbf file is truncated: {1} records announced, {2} complete; copy the file again from "
                        "the sender",
                        {num(static_cast<int64_t>(records)), num(static_cast<int64_t>(complete))}));
    }
}

// The column of a CSV holding a NUL byte: the header's name for the field the byte falls in.
std::string csvFieldAt(const std::string& header, const std::string& linePrefix)
{
    const char sep = std::count(header.begin(), header.end(), ';') > std::count(header.begin(), header.end(), ',') ? ';' : ',';
    auto column = [sep](const std::string& line, size_t upto) {
        size_t col = 0;
        bool quoted = false;
        for (size_t i = 0; i < std::min(upto, line.size()); ++i) {
            if (line[i] == '"')
                quoted = !quoted;
            else if (line[i] == sep && !quoted)
                ++col;
        }
        return col;
    };
    const size_t col = column(linePrefix, linePrefix.size());
    size_t start = 0, c = 0;
    bool quoted = false;
    for (size_t i = 0; i <= header.size(); ++i) {
        if (i < header.size() && header[i] == '"')
            quoted = !quoted;
        if (i == header.size() || (header[i] == sep && !quoted)) {
            if (c == col) {
                std::string n = header.substr(start, i - start);
                n.erase(std::remove(n.begin(), n.end(), '"'), n.end());
                while (!n.empty() && (n.back() == '\r' || n.back() == ' '))
                    n.pop_back();
                return n;
            }
            ++c;
            start = i + 1;
        }
    }
    return "#" + std::to_string(col + 1);
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
    std::vector<OGRLayer*> layers;  // read in turn: every KML folder with features, else `layer`
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
    if (src.kind == SourceKind::Shapefile)
        checkShapefileParts(path);
    if (src.kind == SourceKind::Csv) {
        // NUL bytes would silently cut values short inside GDAL: refuse them with the row and field.
        std::ifstream in(path, std::ios::binary);
        std::vector<char> buf(1 << 20);
        int64_t line = 1;
        std::string header, current;  // the first line; the current line up to the end of the buffer
        bool inHeader = true;
        while (in) {
            in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
            const auto n = static_cast<size_t>(in.gcount());
            const char* nul = static_cast<const char*>(std::memchr(buf.data(), 0, n));
            const char* end = nul ? nul : buf.data() + n;
            for (const char* c = buf.data(); c < end; ++c) {
                if (*c == '\n') {
                    ++line;
                    inHeader = false;
                    current.clear();
                } else if (inHeader)
                    header += *c;
                else if (nul)
                    current += *c;
            }
            if (nul)
                throw Error(ErrorKind::Format,
                            path + ": " + trf("row {1}, field '{2}'", {num(line - 1), csvFieldAt(header, current)}),
                            tr("contains a NUL byte (binary data in a text file): remove it, or export the table "
                               "again as CSV text"));
            if (line > 1)
                current.clear();
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
    src.layers.push_back(src.layer);
    // KML folders are layers: every folder with features is read (none is dropped silently).
    // They must share the first one's fields, else the user picks one with --source-layer.
    if (opts.layer.empty() && (src.kind == SourceKind::Kml || src.kind == SourceKind::Kmz)) {
        OGRFeatureDefn* first = src.layer->GetLayerDefn();
        for (int i = 0; i < ds->GetLayerCount(); ++i) {
            OGRLayer* l = ds->GetLayer(i);
            if (l == src.layer || l->GetFeatureCount(FALSE) == 0)
                continue;
            OGRFeatureDefn* d = l->GetLayerDefn();
            bool same = d->GetFieldCount() == first->GetFieldCount();
            for (int f = 0; same && f < d->GetFieldCount(); ++f)
                same = std::strcmp(d->GetFieldDefn(f)->GetNameRef(), first->GetFieldDefn(f)->GetNameRef()) == 0;
            if (!same)
                throw Error(ErrorKind::Usage, path,
                            trf("the folders '{1}' and '{2}' have different fields: import them one at a time "
                                "with --source-layer",
                                {src.layer->GetName(), l->GetName()}));
            src.layers.push_back(l);
        }
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

// The feature of a GeoJSON file that GDAL cannot read: GDAL parses the whole file at once and
// blames "feature 1". Each element of "features" is cut out (brace depth outside strings) and
// read alone; returns its 1-based index and the line it starts on, or {0, 0}.
std::pair<int64_t, int64_t> locateGeoJsonError(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const size_t feats = text.find("\"features\"");
    if (feats == std::string::npos)
        return {0, 0};
    size_t i = text.find('[', feats);
    if (i == std::string::npos)
        return {0, 0};
    int64_t index = 0, line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(i), '\n');
    int depth = 0;
    bool inString = false;
    size_t start = 0;
    int64_t startLine = 0;
    for (++i; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\n')
            ++line;
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"')
            inString = true;
        else if (c == '{') {
            if (depth++ == 0)
                start = i, startLine = line;
        } else if (c == '}' && --depth == 0) {
            ++index;
            const std::string one = text.substr(start, i - start + 1);
            gdal::ErrorCapture cap;
            const char* drivers[] = {"GeoJSON", nullptr};
            gdal::DatasetPtr ds(GDALDataset::Open(one.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, nullptr, nullptr));
            bool bad = !ds || ds->GetLayerCount() == 0;
            if (!bad) {
                OGRFeatureUniquePtr f(ds->GetLayer(0)->GetNextFeature());
                bad = !f || !cap.errors().empty();
            }
            if (bad)
                return {index, startLine};
        } else if (c == ']' && depth == 0)
            break;
    }
    return {0, 0};
}

// Reads the next feature; throws when GDAL reported an error (a truncated or corrupt file must
// never look like a short one).
OGRFeatureUniquePtr nextFeature(OGRLayer* layer, gdal::ErrorCapture& cap, const std::string& path, int64_t number)
{
    const size_t before = cap.errors().size();
    OGRFeatureUniquePtr f(layer->GetNextFeature());
    if (cap.errors().size() > before) {
        if (sourceKindOf(path) == SourceKind::GeoJson)
            if (auto [index, line] = locateGeoJsonError(path); index > 0)
                throw Error(ErrorKind::Format, path + ": " + trf("feature {1} (line {2})", {num(index), num(line)}),
                            trf("cannot read it ({1}): fix this feature in the file", {cap.errors().back()}));
        throw Error(ErrorKind::Format, path + ": " + trf("feature {1}", {num(number)}),
                    trf("cannot read it ({1}): the file is damaged or incomplete; copy it again from the sender",
                        {cap.errors().back()}));
    }
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
        info.extent = e;
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
        info.extent = e;
    }
    rawRows.resize(std::min(rawRows.size(), previewRows));
    info.preview = std::move(rawRows);
    return info;
}

// ---- value conversion ----

std::string where(const std::string& path, int64_t row, const std::string& field)
{
    return path + ": " + trf("row {1}, field '{2}'", {num(row), field});
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
                        trf("value is {1} bytes long (limit {2})", {num(static_cast<int64_t>(s.size())),
                                                                    num(static_cast<int64_t>(opts.maxTextBytes))}));
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
                throw Error(ErrorKind::Format, where(path, row, sourceField), trf("'{1}' is not a whole number", {s.substr(0, 40)}));
        }
        if (d != std::floor(d) || std::abs(d) > 9e15)
            throw Error(ErrorKind::Format, where(path, row, sourceField), trf("'{1}' is not a whole number", {formatNumber(d)}));
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
            throw Error(ErrorKind::Format, where(path, row, sourceField), trf("'{1}' is not a number", {s.substr(0, 40)}));
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
        throw Error(ErrorKind::Usage, path, tr("no target layer given"));
    if (opts.targetLayer == "bando_meta" || opts.targetLayer == kMappingTable)
        throw Error(ErrorKind::Usage, path, trf("layer '{1}' cannot be imported into", {opts.targetLayer}));
    if (!store.writable())
        throw Error(ErrorKind::Store, store.path(), tr("project is open read-only"));
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
    // Required fields: refuse with the source's fields and a --map line to copy.
    if (!target.fromSource) {
        std::vector<std::string> missing;
        for (const auto& r : requiredFields(target.name))
            if (!m.mapping.count(r))
                missing.push_back(r);
        if (!missing.empty()) {
            std::set<std::string> used;
            for (const auto& [tf, sf] : m.mapping)
                used.insert(sf);
            std::string names, sourceNames, line;
            for (const auto& f : info.fields)
                sourceNames += (sourceNames.empty() ? "" : ", ") + f.name;
            size_t next = 0;
            for (const auto& r : missing) {
                names += (names.empty() ? "" : ", ") + r;
                while (next < info.fields.size() && used.count(info.fields[next].name))
                    ++next;
                const std::string guess = next < info.fields.size() ? info.fields[next++].name : "SOURCE_FIELD";
                line += (line.empty() ? "" : " ") + std::string("--map ") + r + "=\"" + guess + "\"";
            }
            throw Error(ErrorKind::Usage, path,
                        trf("layer '{1}' needs the field(s) {2}, which no field of the file matches. Fields of the "
                            "file: {3}. Say which field holds each one, e.g. (change the names after '=' to the right "
                            "ones): {4}",
                            {target.name, names, sourceNames.empty() ? "-" : sourceNames, line}));
        }
    }
    m.sourceOfTarget.assign(target.fields.size(), -1);
    for (const auto& [tf, sfName] : m.mapping) {
        int ti = -1;
        for (size_t i = 0; i < target.fields.size(); ++i)
            if (target.fields[i].name == tf)
                ti = static_cast<int>(i);
        if (ti < 0)
            throw Error(ErrorKind::Usage, path, trf("layer '{1}' has no field '{2}'", {target.name, tf}));
        int si = sourceIndex(info.fields, sfName);
        if (si < 0)
            throw Error(ErrorKind::Usage, path, trf("the file has no field '{1}' (mapped to '{2}')", {sfName, tf}));
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
    if (p.wanted && info.epsg == 0) {
        // A projected file without .prj in no zone Bando recognises: never guess further.
        std::string range = "-", candidates;
        if (!info.extent.isEmpty()) {
            char b[160];
            std::snprintf(b, sizeof b, "x %.0f … %.0f, y %.0f … %.0f", info.extent.minX, info.extent.maxX,
                          info.extent.minY, info.extent.maxY);
            range = b;
        }
        for (const auto& z : vn2000Zones())
            if (z.epsg == 9215 || z.epsg == 5898 || z.epsg == 3405 || z.epsg == 3406)
                candidates += (candidates.empty() ? "" : ", ") + z.name + " (EPSG:" + std::to_string(z.epsg) + ")";
        throw Error(ErrorKind::Crs, path,
                    trf("the file has no CRS (.prj missing) and its coordinates ({1}) match no zone Bando knows. "
                        "Ask the sender for the .prj file, or give the CRS with --crs; candidates for Lạng Sơn: {2}",
                        {range, candidates}));
    }
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

// The project's province for the outside check: its districts' outline buffered by about 1 km
// (so that boundary villages digitised slightly differently still pass); Lạng Sơn's box,
// buffered the same, when the project has no districts.
class ProvinceOutline {
public:
    static constexpr double kBuffer = 0.0097;  // degrees: 1 km of longitude at 22.5° N, 1.08 km of latitude

    explicit ProvinceOutline(const ProjectStore& store)
    {
        m_box = kProvinceBox.buffered(kBuffer);
        if (!store.hasLayer(schema::kDistricts))
            return;
        const Layer d = store.readLayer(schema::kDistricts);
        GEOSContextHandle_t h = geos::ctx();
        std::vector<geos::GeomPtr> parts;
        Extent e;
        for (const auto& f : d.features)
            if (!f.geom.parts.empty()) {
                parts.push_back(geos::toGeos(f.geom));
                e.expand(f.geom.extent());
            }
        if (parts.empty())
            return;
        geos::GeomPtr all = geos::collection(GEOS_GEOMETRYCOLLECTION, std::move(parts), "collect districts");
        geos::GeomPtr u(GEOSUnaryUnion_r(h, all.get()));
        if (!u)
            return;
        m_outline.reset(GEOSBuffer_r(h, u.get(), kBuffer, 8));
        if (!m_outline)
            return;
        m_prepared.reset(GEOSPrepare_r(h, m_outline.get()));
        m_box = e.buffered(kBuffer);
    }
    bool fromDistricts() const { return m_prepared != nullptr; }
    bool contains(const Geometry& g) const
    {
        if (!g.extent().intersects(m_box))
            return false;
        if (!m_prepared)
            return true;
        geos::GeomPtr gg = geos::toGeos(g);
        return GEOSPreparedIntersects_r(geos::ctx(), m_prepared.get(), gg.get()) == 1;
    }

private:
    Extent m_box;
    geos::GeomPtr m_outline;
    geos::PreparedPtr m_prepared;
};

// Turns source features into target features: values converted and checked (duplicate codes),
// geometry built, flattened, type-checked, transformed to WGS 84 and repaired. Counts what it
// drops in the stats.
class FeatureConverter {
public:
    FeatureConverter(const std::string& path, const SourceInfo& info, const Target& target, const FieldMap& fields,
                     const GeometryPlan& geometry, const ImportOptions& opts, ImportStats& stats,
                     const ProvinceOutline* province,
                     std::unordered_map<std::string, int64_t> existingCodes = {})
        : m_path(path), m_info(info), m_target(target), m_fields(fields), m_geometry(geometry), m_opts(opts),
          m_stats(stats), m_province(province), m_existingCodes(std::move(existingCodes))
    {
        for (size_t i = 0; i < target.fields.size(); ++i)
            if (target.fields[i].name == "code" && fields.sourceOfTarget[i] >= 0)
                m_keyField = static_cast<int>(i);
        const auto dates = dateFields(target.name);
        m_dateFormat.assign(target.fields.size(), std::nullopt);
        for (size_t i = 0; i < target.fields.size(); ++i)
            if (std::find(dates.begin(), dates.end(), target.fields[i].name) != dates.end())
                m_dateFormat[i] = std::string();
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
            if (m_dateFormat[ti])
                normaliseDateValue(out.values[ti], ti, m_info.fields[static_cast<size_t>(si)].name, row);
        }
        checkDuplicateCode(out, row);
        return !m_geometry.wanted || convertGeometry(f, source, row, out.geom);
    }

    const std::vector<int64_t>& noGeometryRows() const { return m_noGeometryRows; }
    const std::vector<int64_t>& wrongTypeRows() const { return m_wrongTypeRows; }
    const std::vector<int64_t>& outsideRows() const { return m_outsideRows; }
    const std::vector<OutsideRow>& outside() const { return m_outside; }
    // Source field -> the date format detected in it (only fields whose dates were rewritten).
    const std::map<std::string, std::string>& dateFormats() const { return m_dateFormats; }

private:
    void normaliseDateValue(Value& v, size_t ti, const std::string& field, int64_t row)
    {
        auto* s = std::get_if<std::string>(&v);
        if (!s)
            return;
        std::string& columnFormat = *m_dateFormat[ti];
        bool ambiguous = false;
        const std::string detected = detectDateFormat(*s, &ambiguous);
        if (detected.empty())
            throw Error(ErrorKind::Format, where(m_path, row, field),
                        trf("'{1}' is not a date (write it as 2021-07-20 or 20/07/2021)", {s->substr(0, 40)}));
        if (detected == "yyyy-mm-dd")
            return;  // ISO already (a time part, if any, is kept)
        std::string format = ambiguous ? (columnFormat.empty() ? std::string("dd/mm/yyyy") : columnFormat) : detected;
        if (!ambiguous && !columnFormat.empty() && columnFormat != format &&
            (columnFormat == "mm/dd/yyyy" || format == "mm/dd/yyyy"))
            throw Error(ErrorKind::Format, where(m_path, row, field),
                        trf("date '{1}' is written {2} but the earlier dates of this field are {3}: write every date "
                            "of the field the same way",
                            {*s, format, columnFormat}));
        if (columnFormat.empty() || !ambiguous)
            columnFormat = format;
        std::string iso = normaliseDate(*s, format);
        if (iso.empty())
            throw Error(ErrorKind::Format, where(m_path, row, field),
                        trf("'{1}' is not a date (write it as 2021-07-20 or 20/07/2021)", {s->substr(0, 40)}));
        *s = std::move(iso);
        m_dateFormats[field] = columnFormat;
        ++m_stats.datesNormalised;
    }

    void checkDuplicateCode(const Feature& feat, int64_t row)
    {
        if (m_keyField < 0)
            return;
        const Value& kv = feat.values[static_cast<size_t>(m_keyField)];
        if (isNull(kv))
            return;
        const int si = m_fields.sourceOfTarget[static_cast<size_t>(m_keyField)];
        if (auto ex = m_existingCodes.find(toString(kv)); ex != m_existingCodes.end())
            throw Error(ErrorKind::Format, where(m_path, row, m_info.fields[static_cast<size_t>(si)].name),
                        trf("duplicate code '{1}': row {2} of layer '{3}' in the project already has it (codes must "
                            "stay unique after an append)",
                            {toString(kv), num(ex->second), m_target.name}));
        auto [it, fresh] = m_seenCodes.emplace(toString(kv), row);
        if (!fresh)
            throw Error(ErrorKind::Format, where(m_path, row, m_info.fields[static_cast<size_t>(si)].name),
                        trf("duplicate code '{1}' (first in row {2})", {toString(kv), num(it->second)}));
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
            throw Error(ErrorKind::Format, where(m_path, row, field), trf("'{1}' is not a coordinate", {s.substr(0, 40)}));
        m_stats.decimalCommas += comma;
        return true;
    }

    static void dropped(int64_t& counter, std::vector<int64_t>& rows, int64_t row)
    {
        ++counter;
        if (rows.size() < kListedRows)
            rows.push_back(row);
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
                    throw Error(ErrorKind::Format, where(m_path, row, m_info.wktField), tr("not a WKT geometry"));
                g = parsed;
            }
        } else
            g = f.GetGeometryRef();
        if (!g || g->IsEmpty()) {
            dropped(m_stats.droppedEmpty, m_noGeometryRows, row);
            return false;
        }
        if (g->Is3D() || g->IsMeasured()) {
            g->flattenTo2D();
            g->setMeasured(FALSE);
            ++m_stats.flattened;
        }
        if (wkbFlatten(g->getGeometryType()) == wkbGeometryCollection ||
            familyOf(fromOgr(g->getGeometryType())) != m_geometry.family) {
            dropped(m_stats.droppedType, m_wrongTypeRows, row);
            return false;
        }
        OGREnvelope before;
        g->getEnvelope(&before);
        if (m_geometry.toWgs84 && g->transform(m_geometry.toWgs84.get()) != OGRERR_NONE)
            throw Error(ErrorKind::Crs, m_path + ": " + trf("row {1}", {num(row)}),
                        trf("the coordinates ({1}) cannot be transformed from the file's CRS (EPSG:{2}) to "
                            "longitude/latitude: check the CRS, or give the right one with --crs",
                            {coordText(before), num(m_info.epsg)}));
        // Whatever the CRS said, longitude/latitude lie within ±180° / ±90°.
        OGREnvelope env;
        g->getEnvelope(&env);
        if (!(env.MinX >= -180 && env.MaxX <= 180 && env.MinY >= -90 && env.MaxY <= 90))
            throw Error(ErrorKind::Crs, m_path + ": " + trf("row {1}", {num(row)}),
                        trf("the coordinates ({1}) are not longitude/latitude (beyond ±180° / ±90°) in the CRS "
                            "EPSG:{2}: the file is probably in metres of a projected CRS; give it with --crs (for "
                            "Lạng Sơn usually EPSG:9215, VN-2000 / TM-3 107-15)",
                            {coordText(before), num(m_info.epsg)}));
        std::vector<unsigned char> wkb(static_cast<size_t>(g->WkbSize()));
        g->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
        out = fromWkb(wkb.data(), wkb.size());
        if (m_geometry.family == Family::Polygon) {
            bool repaired = false;
            if (!repairPolygons(out, repaired)) {
                dropped(m_stats.droppedEmpty, m_noGeometryRows, row);
                return false;
            }
            m_stats.repaired += repaired;
        }
        // Single-part targets take single parts only.
        const GeomType tt = m_target.geomType;
        if ((tt == GeomType::Point || tt == GeomType::LineString || tt == GeomType::Polygon) && out.parts.size() > 1) {
            dropped(m_stats.droppedType, m_wrongTypeRows, row);
            return false;
        }
        out.type = tt;
        if (m_province && !m_province->contains(out)) {
            dropped(m_stats.outsideProvince, m_outsideRows, row);
            if (m_outside.size() < kListedOutside) {
                double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300;
                for (const auto& part : out.parts)
                    for (const auto& ring : part)
                        for (const auto& pt : ring) {
                            x0 = std::min(x0, pt.x), y0 = std::min(y0, pt.y);
                            x1 = std::max(x1, pt.x), y1 = std::max(y1, pt.y);
                        }
                m_outside.push_back({row, (x0 + x1) / 2, (y0 + y1) / 2});
            }
        }
        return true;
    }

    static std::string coordText(const OGREnvelope& e)
    {
        char b[128];
        if (e.MinX == e.MaxX && e.MinY == e.MaxY)
            std::snprintf(b, sizeof b, "%.6g, %.6g", e.MinX, e.MinY);
        else
            std::snprintf(b, sizeof b, "%.6g … %.6g, %.6g … %.6g", e.MinX, e.MaxX, e.MinY, e.MaxY);
        return b;
    }

    const std::string& m_path;
    const SourceInfo& m_info;
    const Target& m_target;
    const FieldMap& m_fields;
    const GeometryPlan& m_geometry;
    const ImportOptions& m_opts;
    ImportStats& m_stats;
    const ProvinceOutline* m_province;
    std::unordered_map<std::string, int64_t> m_existingCodes;  // code -> row of the target layer (append)
    int m_keyField = -1;
    std::unordered_map<std::string, int64_t> m_seenCodes;
    std::vector<int64_t> m_noGeometryRows, m_wrongTypeRows, m_outsideRows;
    static constexpr size_t kListedOutside = 100000;
    std::vector<OutsideRow> m_outside;
    std::vector<std::optional<std::string>> m_dateFormat;  // per target field: set for date fields (detected format)
    std::map<std::string, std::string> m_dateFormats;
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
                  BatchWriter& writer, ImportStats& st, const std::set<int64_t>& skipRows, Diagnostics& diag,
                  Feedback* fb)
{
    double total = estimateFeatureTotal(path, info);
    if (src.layers.size() > 1)
        for (size_t i = 1; i < src.layers.size(); ++i)
            total += static_cast<double>(src.layers[i]->GetFeatureCount(FALSE));
    gdal::ErrorCapture cap;
    int64_t row = 0;  // numbered across the layers read (KML folders in file order)
    for (OGRLayer* l : src.layers) {
        OGRFeatureDefn* defn = l->GetLayerDefn();
        std::vector<Value> source(static_cast<size_t>(defn->GetFieldCount()));
        l->ResetReading();
        while (OGRFeatureUniquePtr f = nextFeature(l, cap, path, row + 1)) {
            ++row;
            ++st.read;
            if ((row & 1023) == 0) {
                throwIfCancelled(fb);
                if (fb && total > 0)
                    fb->setProgress(std::min(99.0, 100.0 * static_cast<double>(row) / total));
            }
            if (skipRows.count(row)) {
                ++st.skippedByChoice;
                continue;
            }
            readSourceValues(*f, defn, info, source);
            Feature feat;
            if (converter.convert(*f, source, row, feat))
                writer.add(std::move(feat));
        }
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

// Rows that cannot be imported as they are: an error naming them (up to 20, then a count), or,
// when the user chose so, a warning listing them. Runs before the transaction commits.
void checkRows(const std::string& path, const Target& target, const ImportStats& st, const FeatureConverter& converter,
               const ImportOptions& opts, const ProvinceOutline* province, Diagnostics& diag)
{
    std::vector<std::string> errors;
    auto report = [&](bool allowed, const std::string& message, const char* advice) {
        if (allowed)
            diag.warning(path, message);
        else
            errors.push_back(message + ". " + tr(advice));
    };
    if (st.droppedType)
        report(opts.skipInvalid,
               trf("{1} rows have another geometry type than the layer's {2} (rows {3})",
                   {num(st.droppedType), geomTypeName(target.geomType), rowsText(converter.wrongTypeRows(), st.droppedType)}),
               "Fix them, or pass --skip-invalid to import the other rows without them.");
    if (st.droppedEmpty)
        report(opts.skipInvalid,
               trf("{1} rows have no usable geometry (rows {2})",
                   {num(st.droppedEmpty), rowsText(converter.noGeometryRows(), st.droppedEmpty)}),
               "Fix them, or pass --skip-invalid to import the other rows without them.");
    if (st.outsideProvince)
        report(opts.allowOutside,
               trf(province && province->fromDistricts()
                       ? "{1} rows lie outside the province (more than 1 km beyond its districts' outline) (rows {2})"
                       : "{1} rows lie outside Lạng Sơn (more than 1 km beyond the province's box) (rows {2})",
                   {num(st.outsideProvince), rowsText(converter.outsideRows(), st.outsideProvince)}),
               "Check the file's CRS (--crs) and coordinates, or pass --allow-outside to import them anyway.");
    if (!errors.empty()) {
        std::string m;
        for (const auto& e : errors)
            m += (m.empty() ? "" : " ") + e;
        throw Error(ErrorKind::Format, path, m + " " + tr("Nothing was written."));
    }
}

void reportStats(const std::string& path, const ImportStats& st, const FeatureConverter& converter,
                 Diagnostics& diag)
{
    if (st.repaired)
        diag.info(path, trf("{1} invalid polygons repaired", {num(st.repaired)}));
    if (st.flattened)
        diag.info(path, trf("{1} geometries had Z/M values: dropped (2D kept)", {num(st.flattened)}));
    if (st.decimalCommas)
        diag.info(path, trf("{1} numbers written with a decimal comma read", {num(st.decimalCommas)}));
    for (const auto& [field, format] : converter.dateFormats())
        diag.info(path, trf("field '{1}': dates written {2} stored as ISO 8601 (yyyy-mm-dd)", {field, format}));
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

const char* importModeName(ImportMode m)
{
    switch (m) {
    case ImportMode::Append: return "append";
    case ImportMode::Replace: return "replace";
    case ImportMode::Unspecified: break;
    }
    return "unspecified";
}

std::vector<std::string> requiredFields(const std::string& layer)
{
    static const std::map<std::string, std::vector<std::string>> required = {
        {"districts", {"code", "name"}},   {"communes", {"code", "name"}},  {"villages", {"code", "name"}},
        {"places", {"name"}},              {"shops", {"village_code", "opened"}},
        {"settlements", {"village_code"}}, {"teams", {"village_code"}},
    };
    auto it = required.find(layer);
    return it == required.end() ? std::vector<std::string>{} : it->second;
}

std::vector<std::string> dateFields(const std::string& layer)
{
    static const std::map<std::string, std::vector<std::string>> dates = {
        {"shops", {"opened", "epay_opened", "locomotive_since"}},
        {"teams", {"formed"}},
        {"phases", {"start", "end"}},
        {"progress_reports", {"date"}},
    };
    auto it = dates.find(layer);
    return it == dates.end() ? std::vector<std::string>{} : it->second;
}

namespace {
// Splits "12/07/2021" into numbers and separators; false when it is not three numbers.
bool dateParts(const std::string& in, int& a, int& b, int& c, char& sep1, char& sep2, size_t& lenA, size_t& lenC)
{
    const std::string s = trim(in);
    size_t i = 0;
    auto number = [&](int& out, size_t& len) {
        size_t st = i;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])))
            ++i;
        len = i - st;
        if (len == 0 || len > 4)
            return false;
        out = std::atoi(s.substr(st, len).c_str());
        return true;
    };
    size_t lenB = 0;
    if (!number(a, lenA) || i >= s.size())
        return false;
    sep1 = s[i++];
    if (!number(b, lenB) || i >= s.size() || lenB > 2)
        return false;
    sep2 = s[i++];
    if (!number(c, lenC))
        return false;
    return i == s.size() && sep1 == sep2 && (sep1 == '/' || sep1 == '-' || sep1 == '.');
}

bool validDate(int y, int m, int d)
{
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1800 || y > 2200 || m < 1 || m > 12 || d < 1 || d > days[m - 1])
        return false;
    return m != 2 || d <= 28 || (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
}
} // namespace

std::string detectDateFormat(const std::string& in, bool* ambiguous)
{
    if (ambiguous)
        *ambiguous = false;
    const std::string s = trim(in);
    // ISO, possibly with a time part.
    if (s.size() >= 10 && s[4] == '-' && s[7] == '-' && (s.size() == 10 || s[10] == ' ' || s[10] == 'T')) {
        int y = std::atoi(s.substr(0, 4).c_str()), m = std::atoi(s.substr(5, 2).c_str()), d = std::atoi(s.substr(8, 2).c_str());
        return validDate(y, m, d) ? "yyyy-mm-dd" : "";
    }
    int a = 0, b = 0, c = 0;
    char s1 = 0, s2 = 0;
    size_t lenA = 0, lenC = 0;
    if (!dateParts(s, a, b, c, s1, s2, lenA, lenC))
        return "";
    const std::string sep(1, s1);
    if (lenA == 4)
        return validDate(a, b, c) && s1 == '/' ? "yyyy/mm/dd" : "";
    if (lenC != 4)
        return "";
    if (validDate(c, b, a) && validDate(c, a, b) && a != b) {
        if (ambiguous)
            *ambiguous = true;
        return "dd" + sep + "mm" + sep + "yyyy";
    }
    if (validDate(c, b, a))
        return "dd" + sep + "mm" + sep + "yyyy";
    if (validDate(c, a, b))
        return "mm" + sep + "dd" + sep + "yyyy";
    return "";
}

std::string normaliseDate(const std::string& in, const std::string& format)
{
    const std::string s = trim(in);
    int y = 0, m = 0, d = 0;
    if (format == "yyyy-mm-dd") {
        if (detectDateFormat(s) != "yyyy-mm-dd")
            return "";
        return s;
    }
    int a = 0, b = 0, c = 0;
    char s1 = 0, s2 = 0;
    size_t lenA = 0, lenC = 0;
    if (!dateParts(s, a, b, c, s1, s2, lenA, lenC) || format.size() != 10 || s1 != format[format[0] == 'y' ? 4 : 2])
        return "";
    if (format == "yyyy/mm/dd")
        y = a, m = b, d = c;
    else if (format.rfind("dd", 0) == 0)
        d = a, m = b, y = c;
    else if (format.rfind("mm", 0) == 0)
        m = a, d = b, y = c;
    if ((format[0] == 'y') != (lenA == 4) || (format[0] != 'y' && lenC != 4) || !validDate(y, m, d))
        return "";
    char out[16];
    std::snprintf(out, sizeof out, "%04d-%02d-%02d", y, m, d);
    return out;
}

int64_t existingRows(const ProjectStore& store, const std::string& targetLayer)
{
    return store.hasLayer(targetLayer) ? store.layerInfo(targetLayer).featureCount : 0;
}

SourceInfo inspectSource(const std::string& path, const SourceOptions& opts, size_t previewRows)
{
    OpenedSource src = openSource(path, opts);
    return inspectOpened(src, path, opts, previewRows);
}

std::map<std::string, std::string> autoMapping(const std::vector<FieldDef>& target, const std::vector<SourceField>& source,
                                               const std::string& targetLayer)
{
    // Headers naming a layer's own code and name (Vietnamese with or without diacritics, English).
    static const std::map<std::string, std::map<std::string, std::vector<std::string>>> layerAliases = {
        {"villages",
         {{"code", {"mathon", "mathonban", "mavillage", "villagecode", "mathonxom", "maban"}},
          {"name", {"tenthon", "tenthonban", "thon", "thonban", "tenban", "village", "villagename", "tenxom"}}}},
        {"communes", {{"code", {"maxa", "maphuongxa", "communecode"}}, {"name", {"tenxa", "xa", "commune", "communename"}}}},
        {"districts",
         {{"code", {"mahuyen", "maquanhuyen", "districtcode"}}, {"name", {"tenhuyen", "huyen", "district", "districtname"}}}},
    };
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
        std::vector<std::string> names;
        if (auto l = layerAliases.find(targetLayer); l != layerAliases.end())
            if (auto it = l->second.find(t.name); it != l->second.end())
                names = it->second;
        if (auto it = aliases.find(t.name); it != aliases.end())
            names.insert(names.end(), it->second.begin(), it->second.end());
        names.push_back(tk);
        for (const auto& a : names)
            for (const auto& s : source)
                if (found.empty() && !taken.count(s.name) && squashKey(s.name) == a)
                    found = s.name;
        // dBase truncates field names to 10 characters: "TEN_THON_B" for "ten_thon_ban".
        for (const auto& a : names)
            for (const auto& s : source) {
                const std::string sk = squashKey(s.name);
                if (found.empty() && !taken.count(s.name) && s.rawName.size() == 10 && sk.size() >= 6 &&
                    a.size() > sk.size() && a.rfind(sk, 0) == 0)
                    found = s.name;
            }
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
        c.mapping = autoMapping(targetFields, source.fields, targetLayer);
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
    if (opts.mode == ImportMode::Append && !target.exists)
        throw Error(ErrorKind::Usage, path,
                    trf("cannot append: the project has no layer '{1}' (import without --append to create it)",
                        {opts.targetLayer}));
    // Explicit intent: the rows a layer has are never replaced silently.
    res.stats.existing = target.exists ? existingRows(store, opts.targetLayer) : 0;
    res.mode = opts.mode == ImportMode::Unspecified ? ImportMode::Replace : opts.mode;
    if (res.stats.existing > 0 && opts.mode == ImportMode::Unspecified)
        throw Error(ErrorKind::Usage, path,
                    trf("layer '{1}' already has {2} rows and the file has {3}: pass --append to add the file's "
                        "rows to them, or --replace to replace them by the file's rows",
                        {opts.targetLayer, num(res.stats.existing),
                         info.featureCount >= 0 ? num(info.featureCount) : std::string("?")}));
    if (info.featureCount == 0)
        throw Error(ErrorKind::Format, path,
                    trf("the file has no rows (layer '{1}' of the file is empty): nothing was written{2}",
                        {info.layer, res.stats.existing > 0 ? trf("; the layer keeps its {1} rows", {num(res.stats.existing)})
                                                            : std::string()}));
    const FieldMap fields = mapFields(store, path, target, info, opts);
    res.mapping = fields.mapping;
    res.savedMappingUsed = fields.saved;
    if (fields.saved)
        diag.info(path, trf("field mapping saved for {1} files used", {sourceKindName(info.kind)}));
    if (fields.mapping.empty() && !target.fields.empty())
        diag.warning(path, trf("no field of the file matches a field of layer '{1}'", {opts.targetLayer}));
    const GeometryPlan geometry = planGeometry(src, info, target, path);
    for (OGRLayer* l : src.layers)
        res.sourceLayers.push_back(l->GetName());
    if (res.sourceLayers.size() > 1)
        diag.info(path, trf("{1} folders read: {2}", {num(static_cast<int64_t>(res.sourceLayers.size())), [&] {
                                std::string n;
                                for (const auto& l : res.sourceLayers)
                                    n += (n.empty() ? "'" : ", '") + l + "'";
                                return n;
                            }()}));
    std::optional<ProvinceOutline> province;
    if (geometry.wanted)
        province.emplace(store);
    // Codes stay unique across the layer after an append.
    std::unordered_map<std::string, int64_t> existingCodes;
    if (opts.mode == ImportMode::Append && res.stats.existing > 0 && fields.mapping.count("code")) {
        const Layer current = store.readLayer(opts.targetLayer);
        const int ci = current.fieldIndex("code");
        if (ci >= 0)
            for (size_t i = 0; i < current.features.size(); ++i)
                if (const Value& v = current.features[i].values[static_cast<size_t>(ci)]; !isNull(v))
                    existingCodes.emplace(toString(v), static_cast<int64_t>(i + 1));
    }

    // Convert and write in one transaction.
    ProjectStore::Transaction tx(store);
    if (fb)
        fb->setStep(tr("Importing"));
    FeatureConverter converter(path, info, target, fields, geometry, opts, res.stats,
                               province ? &*province : nullptr, std::move(existingCodes));
    BatchWriter writer(store, target, opts.mode == ImportMode::Append, res.stats, fb);
    copyFeatures(src, path, info, converter, writer, res.stats, opts.skipRows, diag, fb);
    writer.finish();
    checkRows(path, target, res.stats, converter, opts, province ? &*province : nullptr, diag);
    // An import that would store nothing is an error, never "0 written" (nor an emptied layer).
    if (res.stats.written == 0)
        throw Error(ErrorKind::Format, path,
                    trf("the file yields no row to store in layer '{1}' ({2} read): nothing was written{3}",
                        {opts.targetLayer, num(res.stats.read),
                         res.stats.existing > 0 ? trf("; the layer keeps its {1} rows", {num(res.stats.existing)})
                                                : std::string()}));
    reportStats(path, res.stats, converter, diag);
    if (res.stats.skippedByChoice) {
        std::vector<int64_t> rows(opts.skipRows.begin(), opts.skipRows.end());
        diag.info(path, trf("{1} rows left out as chosen (rows {2})",
                            {num(res.stats.skippedByChoice), rowsText(rows, static_cast<int64_t>(rows.size()))}));
    }
    res.dateFormats = converter.dateFormats();
    res.outside = converter.outside();
    if (opts.dryRun) {
        res.dryRun = true;  // the transaction rolls back: nothing is written
        res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        return res;
    }
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
