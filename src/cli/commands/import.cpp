// bando import PROJECT FILE --layer NAME [...]: agency files into a project layer, in one
// transaction (see docs/IMPORT.md). --inspect shows the detected encoding, CRS and a preview.
#include "cli/command.hpp"
#include "cli/console.hpp"
#include "core/base/error.hpp"
#include "core/base/json.hpp"
#include "core/i18n/i18n.hpp"
#include "core/io/crs_guess.hpp"
#include "core/io/importer.hpp"
#include "core/io/dem_import.hpp"
#include "core/tasks/dem_import_task.hpp"
#include "core/tasks/import_task.hpp"
#include "core/tasks/job.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <set>

namespace bando::cli {
namespace {

const char* severityName(Severity s)
{
    switch (s) {
    case Severity::Info: return tr("note");
    case Severity::Warning: return tr("warning");
    case Severity::Error: return tr("error");
    }
    return "";
}

io::SourceOptions sourceOptions(const Args& a)
{
    io::SourceOptions so;
    if (a.has("encoding"))
        so.encoding = tasks::encodingOption(a.get("encoding"));
    if (a.has("crs"))
        so.epsg = io::parseCrs(a.get("crs"));
    so.layer = a.get("source-layer");
    so.xField = a.get("x");
    so.yField = a.get("y");
    so.wktField = a.get("wkt");
    return so;
}

void printInfo(const io::SourceInfo& info)
{
    std::printf("%s: %s\n", tr("File"), info.path.c_str());
    std::printf("%s: %s, %s '%s'", tr("Format"), io::sourceKindName(info.kind), tr("layer"), info.layer.c_str());
    if (info.featureCount >= 0)
        std::printf(", %lld %s", static_cast<long long>(info.featureCount), tr("features"));
    std::printf(", %s\n", geomTypeName(info.geomType));
    std::printf("%s: %s (%s)\n", tr("Text encoding"), io::encodingLabel(info.encoding), info.encodingSource.c_str());
    if (info.epsg > 0)
        std::printf("CRS: EPSG:%d%s — %s\n", info.epsg, info.epsgGuessed ? tr(" (guessed: please confirm)") : "",
                    info.crsNote.c_str());
    else
        std::printf("CRS: %s\n", info.crsNote.c_str());
    std::printf("%s:", tr("Fields"));
    for (const auto& f : info.fields)
        std::printf(" %s", f.name.c_str());
    std::printf("\n");
    for (const auto& row : info.preview) {
        std::printf("  |");
        for (const auto& v : row)
            std::printf(" %.40s |", v.c_str());
        std::printf("\n");
    }
}

// Lists keyed by names: matched to the project's villages, with a review list before writing.
int printListResult(const std::string& file, const io::ListImportResult& r)
{
    std::printf("%s: %lld %s, %lld %s, %lld %s\n", file.c_str(), static_cast<long long>(r.rows), tr("rows"),
                static_cast<long long>(r.matched), tr("matched"), static_cast<long long>(r.written), tr("written"));
    const auto review = r.rowsToReview();
    if (!review.empty()) {
        std::printf("%s:\n", tr("Rows to review"));
        for (const auto& rv : review) {
            std::printf("  %s %lld: %s — %s", tr("row"), static_cast<long long>(rv.row), rv.input.c_str(),
                        rv.match.status == io::UnitMatch::Status::Ambiguous ? tr("ambiguous") : tr("not found"));
            for (const auto& c : rv.match.candidates)
                std::printf(" [%s %s, %s]", c.code.c_str(), c.name.c_str(), c.communeName.c_str());
            std::printf("\n");
        }
    }
    for (const auto& d : r.diagnostics.items())
        std::printf("%s: %s\n", severityName(d.severity), d.message.c_str());
    if (!r.wrote) {
        std::fprintf(stderr, "%s\n", tr("Nothing written: fix the rows above or pass --skip-unmatched."));
        return ExitFormat;
    }
    return 0;
}

int printFileJson(const std::string& file, const io::ImportResult& r)
{
    JsonWriter w(std::cout);
    w.beginObject();
    w.field("file", file).field("layer", r.targetLayer).field("dry_run", r.dryRun);
    w.field("mode", r.mode == io::ImportMode::Append ? "append" : "replace");
    w.field("read", r.stats.read).field("written", r.stats.written).field("existing", r.stats.existing);
    w.field("skipped_by_choice", r.stats.skippedByChoice).field("outside_province", r.stats.outsideProvince);
    w.field("repaired", r.stats.repaired);
    w.key("outside").beginArray();
    for (const auto& o : r.outside) {
        w.beginObject(true).field("row", o.row);
        w.key("lon").fixed(o.lon, 6);
        w.key("lat").fixed(o.lat, 6);
        w.endObject();
    }
    w.endArray();
    w.key("diagnostics").beginArray();
    for (const auto& d : r.diagnostics.items())
        w.beginObject(true).field("severity", d.severity == Severity::Info ? "info" : d.severity == Severity::Warning ? "warning" : "error").field("message", d.message).endObject();
    w.endArray();
    w.endObject();
    std::cout << "\n";
    return 0;
}

// "12,40-45" -> {12, 40, 41, ..., 45}
std::set<int64_t> parseRowList(const std::string& text)
{
    std::set<int64_t> rows;
    size_t i = 0;
    while (i < text.size()) {
        size_t end = text.find(',', i);
        if (end == std::string::npos)
            end = text.size();
        const std::string item = text.substr(i, end - i);
        i = end + 1;
        if (item.empty())
            continue;
        char* e = nullptr;
        const long long a = std::strtoll(item.c_str(), &e, 10);
        long long b = a;
        if (*e == '-')
            b = std::strtoll(e + 1, &e, 10);
        if (*e != '\0' || a < 1 || b < a || b - a > 10000000)
            throw Error(ErrorKind::Usage, "--skip-rows",
                        trf("'{1}' is not a row number or range (write e.g. 12,40-45)", {item}));
        for (long long r = a; r <= b; ++r)
            rows.insert(r);
    }
    return rows;
}

int printFileResult(const std::string& file, const io::ImportResult& r)
{
    const auto& s = r.stats;
    std::fprintf(stderr, "\n");
    std::printf("%s: %lld %s, %lld %s → '%s' (%.2f s)\n", file.c_str(), static_cast<long long>(s.read), tr("read"),
                static_cast<long long>(s.written), tr("written"), r.targetLayer.c_str(), r.seconds);
    if (s.existing > 0)
        std::printf("%s: %lld → %lld (%s)\n", tr("Rows in the layer"), static_cast<long long>(s.existing),
                    static_cast<long long>(r.mode == io::ImportMode::Append ? s.existing + s.written : s.written),
                    r.mode == io::ImportMode::Append ? tr("appended") : tr("replaced"));
    std::printf("%s: %s (%s); CRS: EPSG:%d%s\n", tr("Text encoding"), io::encodingLabel(r.source.encoding),
                r.source.encodingSource.c_str(), r.source.epsg, r.source.epsgGuessed ? tr(" (guessed: please confirm)") : "");
    std::printf("%s:", tr("Field mapping"));
    for (const auto& [t, src] : r.mapping)
        std::printf(" %s←%s", t.c_str(), src.c_str());
    std::printf("%s\n", r.savedMappingUsed ? tr(" (saved mapping)") : "");
    for (const auto& d : r.diagnostics.items())
        std::printf("%s: %s\n", severityName(d.severity), d.message.c_str());
    if (r.dryRun) {
        for (const auto& o : r.outside)
            std::printf("%s %lld: %.6f, %.6f\n", tr("outside the province: row"), static_cast<long long>(o.row), o.lon,
                        o.lat);
        std::printf("%s\n", tr("Dry run: nothing was written."));
    }
    return 0;
}

// bando import PROJECT dem.tif | N21E106.hgt N22E106.hgt ...: the project's DEM (dem_import_task).
int runDemImport(const Args& a)
{
    a.allowOnly({"layer", "resolution", "no-fill", "no-coverage-check"});
    tasks::DemImportRequest request;
    request.project = a.positional[0];
    request.files.assign(a.positional.begin() + 1, a.positional.end());
    if (a.has("resolution")) {
        const std::string v = a.get("resolution");
        char* end = nullptr;
        request.resolutionM = std::strtod(v.c_str(), &end);
        if (v.empty() || *end != '\0')
            throw Error(ErrorKind::Usage, "--resolution", "expected a number, got '" + v + "'");
    }
    request.fillVoids = !a.has("no-fill");
    request.checkCoverage = !a.has("no-coverage-check");
    const tasks::DemImportResult r = tasks::runTask(request, consoleFeedback());
    std::printf("%s: %s %d x %d, %.0f m, %.0f..%.0f m; %lld %s (%.2f s)\n", r.project.c_str(), tr("DEM"), r.dem.cols,
                r.dem.rows, r.dem.cellM, r.dem.minM, r.dem.maxM, r.dem.voidsFilled, tr("void pixels filled"), r.seconds);
    return 0;
}

int runImport(const Args& a)
{
    if (a.positional.size() >= 2 && (!a.has("layer") || a.get("layer") == "dem") &&
        std::all_of(a.positional.begin() + 1, a.positional.end(), [](const std::string& f) { return io::isDemFile(f); }))
        return runDemImport(a);
    a.allowOnly({"layer", "append", "replace", "allow-outside", "skip-invalid", "encoding", "crs", "source-layer", "x", "y", "wkt", "map", "inspect",
                 "no-save-mapping", "skip-unmatched", "skip-rows", "dry-run", "json"});
    if (a.positional.size() != 2)
        throw Error(ErrorKind::Usage, "", "expected PROJECT and FILE");
    const std::string project = a.positional[0], file = a.positional[1];
    io::SourceOptions so = sourceOptions(a);
    if (a.has("inspect")) {
        tasks::InspectRequest inspect;
        inspect.file = file;
        inspect.source = so;
        printInfo(tasks::runTask(inspect, consoleFeedback()).source);
        return 0;
    }
    tasks::ImportRequest request;
    request.project = project;
    request.file = file;
    request.targetLayer = a.require("layer");
    request.source = so;
    if (a.has("append") && a.has("replace"))
        throw Error(ErrorKind::Usage, "--append", tr("choose --append or --replace, not both"));
    request.mode = a.has("append") ? io::ImportMode::Append
                   : a.has("replace") ? io::ImportMode::Replace
                                      : io::ImportMode::Unspecified;
    request.allowOutside = a.has("allow-outside");
    request.skipInvalid = a.has("skip-invalid");
    request.saveMapping = !a.has("no-save-mapping");
    request.skipUnmatched = a.has("skip-unmatched");
    if (a.has("skip-rows"))
        request.skipRows = parseRowList(a.require("skip-rows"));
    request.dryRun = a.has("dry-run");
    for (const auto& [k, v] : a.options)
        if (k == "map") {
            auto [target, source] = tasks::mappingOption(v);
            request.mapping[target] = source;
        }
    const tasks::ImportResult r = tasks::runTask(request, consoleFeedback());
    if (r.file && a.has("json"))
        return printFileJson(file, *r.file);
    return r.list ? printListResult(file, *r.list) : printFileResult(file, *r.file);
}

CommandRegistration reg(
    {"import",
     "import PROJECT FILE --layer NAME [--append | --replace] [--allow-outside] [--skip-invalid] [--encoding utf-8|tcvn3|vni|cp1258] [--crs EPSG|ZONE] "
     "[--source-layer L] [--x F --y F | --wkt F] [--map TARGET=SOURCE]... [--no-save-mapping] [--inspect] "
     "[--skip-unmatched] [--skip-rows LIST] [--dry-run] [--json] | import PROJECT DEM.tif|TILE.hgt... [--resolution M] [--no-fill] [--no-coverage-check]",
     "Imports a Shapefile, GeoPackage, GeoJSON, KML/KMZ, GML, CSV, XLSX or ODS file into a project layer in one "
     "transaction: legacy Vietnamese encodings (TCVN3, VNI, Windows-1258) are detected and decoded, a missing .prj "
     "is guessed from the coordinates, invalid polygons are repaired. On any error nothing is written. A layer that "
     "already has rows needs --append (add the file's rows) or --replace (replace them); an import that would store "
     "nothing is refused. Rows without geometry or of another geometry type are refused unless --skip-invalid, "
     "features outside the province unless --allow-outside (--dry-run lists every one of them with its "
     "position and writes nothing; --skip-rows 12,40-45 leaves the rows you name out, listed); required fields (villages: code and name) must be "
     "mapped. --inspect "
     "only shows the detected encoding, CRS and a preview. With --layer survey_gaps, households or teams (without "
     "--map) the rows of a surveyed coverage-gap list, a household list or a team roster are matched to villages "
     "by code or by (district, commune, village) names; unmatched or ambiguous rows are listed and nothing is "
     "written unless --skip-unmatched. Terrain rasters (GeoTIFF in any CRS, SRTM .hgt tiles, several mosaicked, "
     "voids filled) become the project's DEM (raster table 'dem', reprojected to EPSG:9215), which bando predict "
     "reads; a DEM that does not cover the province is refused, naming the missing tiles.",
     {"append", "replace", "allow-outside", "skip-invalid", "inspect", "no-save-mapping", "skip-unmatched", "dry-run",
      "json", "no-fill", "no-coverage-check"},
     runImport});

} // namespace
} // namespace bando::cli
