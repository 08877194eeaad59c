#pragma once
// Import of agency files (Shapefile, GeoPackage, GeoJSON, KML/KMZ, GML, CSV, XLSX/ODS) into a
// project layer. One import = one transaction: on any error nothing is written and the error
// names the file, the row (feature number, 1-based) and the field.
#include "core/base/diagnostics.hpp"
#include "core/base/feedback.hpp"
#include "core/io/encoding.hpp"
#include "core/model/layer.hpp"

#include <map>
#include <set>
#include <optional>
#include <string>
#include <vector>

namespace bando {
class ProjectStore;
}

namespace bando::io {

enum class SourceKind { Shapefile, GeoPackage, GeoJson, Kml, Kmz, Gml, Csv, Xlsx, Ods, Other };
const char* sourceKindName(SourceKind k);  // "shapefile", "gpkg", "geojson", "kml", "kmz", "gml", "csv", "xlsx", "ods", "other"
SourceKind sourceKindOf(const std::string& path);

struct SourceOptions {
    std::optional<Encoding> encoding;  // override of the detected encoding
    int epsg = 0;                      // override of the source / guessed CRS (0 = automatic)
    std::string layer;                 // layer of a multi-layer source (default: the first)
    // Tables (CSV, XLSX, ODS): geometry columns. Auto-detected (lon/lat/x/y/kinh_do/vi_do, wkt/geom)
    // when empty; a table without them is imported without geometry.
    std::string xField, yField, wktField;
};

struct SourceField {
    std::string rawName;  // as stored (bytes)
    std::string name;     // decoded, NFC
    FieldType type = FieldType::Text;
};

struct SourceInfo {
    std::string path;
    SourceKind kind = SourceKind::Other;
    std::vector<std::string> layers;
    std::string layer;
    std::vector<SourceField> fields;
    int64_t featureCount = -1;  // -1 when unknown without a full scan
    GeomType geomType = GeomType::None;
    bool legacyText = false;    // raw bytes that need decoding (DBF, CSV)
    EncodingGuess encodingGuess;
    Encoding encoding = Encoding::Utf8;
    std::string encodingSource;  // "detected", ".cpg", "override", "format (UTF-8)"
    int epsg = 0;                // 0 = unknown
    bool epsgGuessed = false;
    Extent extent;               // of the source's coordinates, in the source CRS (empty when unknown)
    std::string crsNote;
    std::string xField, yField, wktField;
    std::vector<std::vector<std::string>> preview;  // first rows, decoded (all fields)
};

// Opens the source, detects encoding and CRS, reads a preview. Throws bando::Error.
SourceInfo inspectSource(const std::string& path, const SourceOptions& opts = {}, size_t previewRows = 20);

// What to do with the rows a target layer already has. Importing into a layer that has rows
// needs an explicit Append or Replace: Unspecified is refused then (nothing is ever replaced
// silently).
enum class ImportMode { Unspecified, Append, Replace };
const char* importModeName(ImportMode m);  // "unspecified", "append", "replace"

struct ImportOptions {
    SourceOptions source;
    std::string targetLayer;
    ImportMode mode = ImportMode::Unspecified;
    // Target field -> source field (decoded name). Empty: the mapping saved for this source kind
    // and layer, else automatic (same name, shapefile-truncated name, common Vietnamese names).
    std::map<std::string, std::string> mapping;
    bool saveMapping = true;
    // Features beyond the project's province (its districts' outline buffered by 1 km; Lạng Sơn's
    // box when the project has no districts) are an error unless allowed (then listed as a warning).
    bool allowOutside = false;
    // Rows without geometry or of another geometry type are an error naming them unless skipped
    // (then listed in the diagnostics).
    bool skipInvalid = false;
    size_t maxTextBytes = 10000;   // longer text values are refused
    // Source rows (1-based, numbered as the messages number them) the user chose to leave out, e.g.
    // the outside-province rows unticked in the app. Listed in the diagnostics, never silent.
    std::set<int64_t> skipRows;
    // Convert and check every row, write nothing (the transaction is rolled back): the result says
    // what the import would do, with every row outside the province in `outside`.
    bool dryRun = false;
};

// A row whose geometry lies beyond the province: where it is, so the user can decide per row.
struct OutsideRow {
    int64_t row = 0;
    double lon = 0, lat = 0;  // centre of the row's bounding box, EPSG:4326
};

struct ImportStats {
    int64_t read = 0, written = 0;
    int64_t repaired = 0;          // invalid polygons repaired (GEOSMakeValid)
    int64_t droppedEmpty = 0;      // null or empty geometries
    int64_t droppedType = 0;       // wrong geometry type
    int64_t flattened = 0;         // Z/M dropped
    int64_t outsideProvince = 0;
    int64_t existing = 0;          // rows the target layer had before the import
    int64_t datesNormalised = 0;   // date values rewritten to ISO 8601
    int64_t decimalCommas = 0;     // numbers written with a decimal comma
    int64_t skippedByChoice = 0;   // rows left out because ImportOptions::skipRows names them
};

struct ImportResult {
    SourceInfo source;
    std::string targetLayer;
    ImportMode mode = ImportMode::Unspecified;  // as applied (Replace for a new or empty layer)
    std::vector<std::string> sourceLayers;      // the source layers read (every KML folder with features)
    std::map<std::string, std::string> dateFormats;  // source field -> detected date format ("dd/mm/yyyy")
    std::map<std::string, std::string> mapping;  // used
    bool savedMappingUsed = false;
    ImportStats stats;
    std::vector<OutsideRow> outside;  // every row beyond the province (up to 100,000)
    bool dryRun = false;              // nothing was written
    Diagnostics diagnostics;
    double seconds = 0;
};

// Fields a target layer needs (villages: code and name; shops: village_code and opened; …);
// an import leaving one unmapped is refused. Empty for layers without requirements.
std::vector<std::string> requiredFields(const std::string& layer);
// Fields of a target layer holding dates (stored as ISO 8601 text).
std::vector<std::string> dateFields(const std::string& layer);
// Normalises a date to ISO 8601 (yyyy-mm-dd) given a format ("yyyy-mm-dd", "dd/mm/yyyy",
// "mm/dd/yyyy", "dd-mm-yyyy", "dd.mm.yyyy", "yyyy/mm/dd"); "" when `s` is not a valid date in it.
std::string normaliseDate(const std::string& s, const std::string& format);
// The format of a date value: "" when none fits; a value whose day and month could be swapped
// (03/04/2021) is read dd/mm/yyyy, the Vietnamese order, and *ambiguous is set.
std::string detectDateFormat(const std::string& s, bool* ambiguous = nullptr);

// Automatic mapping target field -> source field.
std::map<std::string, std::string> autoMapping(const std::vector<FieldDef>& target,
                                               const std::vector<SourceField>& source,
                                               const std::string& targetLayer = {});
// Mapping saved in the project for (source kind, layer); empty when none.
std::map<std::string, std::string> savedMapping(const ProjectStore& store, SourceKind kind,
                                                const std::string& layer);
// The mapping an import uses when none is given: the saved one when every source field it names
// exists in this source, else the automatic one.
struct MappingChoice {
    std::map<std::string, std::string> mapping;
    bool saved = false;
};
MappingChoice chooseMapping(const ProjectStore& store, const SourceInfo& source, const std::string& targetLayer,
                            const std::vector<FieldDef>& targetFields);
// What an import into `targetLayer` proposes (the app's mapping panel): the target's fields and
// the chosen mapping; `newLayer` when the layer is neither in the project nor in the schema (it
// is created with the source's fields, no mapping to choose).
struct MappingProposal {
    bool newLayer = false;
    std::vector<FieldDef> targetFields;
    std::map<std::string, std::string> mapping;
    bool saved = false;
};
MappingProposal proposeMapping(const ProjectStore& store, const SourceInfo& source, const std::string& targetLayer);

// Rows the target layer has now (0 when the project has no such layer): what the app shows
// beside the file's count when it asks Append or Replace.
int64_t existingRows(const ProjectStore& store, const std::string& targetLayer);

// Imports into an open (writable) project store, in one transaction.
ImportResult importFile(ProjectStore& store, const std::string& path, const ImportOptions& opts,
                        Feedback* fb = nullptr);
// Opens the project read-write, imports, closes.
ImportResult importFile(const std::string& projectPath, const std::string& path, const ImportOptions& opts,
                        Feedback* fb = nullptr);

// Reads every row of a source as decoded text (numbers formatted, nulls empty): for tabular
// lists keyed by names. Row i of `rows` is feature/row i+1 of the file.
struct TableData {
    SourceInfo info;
    std::vector<std::vector<std::string>> rows;
};
TableData readTable(const std::string& path, const SourceOptions& opts = {}, const Feedback* fb = nullptr);

// Parses a number written with '.' or ',' as decimal separator ("12,5", "1.234,5", "1,234.5").
// Sets *usedComma when a decimal comma was read. Returns false when `s` is not a number.
bool parseDecimal(std::string_view s, double& out, bool* usedComma = nullptr);

} // namespace bando::io
