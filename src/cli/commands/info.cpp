// bando info PROJECT [--json]: layers, feature counts, CRS, extent, metadata.
// Parses arguments into tasks::InfoRequest and prints its result.
#include "cli/command.hpp"
#include "cli/console.hpp"
#include "core/base/error.hpp"
#include "core/base/json.hpp"
#include "core/tasks/info_task.hpp"
#include "core/tasks/job.hpp"

#include <cstdio>
#include <iostream>
#include <string>

namespace bando::cli {
namespace {

void writeExtent(JsonWriter& w, const Extent& e)
{
    w.beginArray(true).fixed(e.minX, 6).fixed(e.minY, 6).fixed(e.maxX, 6).fixed(e.maxY, 6).endArray();
}

void printJson(const tasks::InfoResult& r)
{
    JsonWriter w(std::cout);
    w.beginObject();
    w.field("file", r.project);
    w.field("schema_version", r.schemaVersion);
    w.field("crs", "EPSG:" + std::to_string(r.storageEpsg));
    if (!r.extent.isEmpty())
        writeExtent(w.key("extent"), r.extent);
    w.key("metadata").beginObject();
    for (const auto& [k, v] : r.metadata)
        w.field(k, v);
    w.endObject();
    w.key("layers").beginArray();
    for (const auto& li : r.layers) {
        w.beginObject(true)
            .field("name", li.name)
            .field("geometry", geomTypeName(li.geomType))
            .field("features", static_cast<int64_t>(li.featureCount));
        if (!li.extent.isEmpty())
            writeExtent(w.key("extent"), li.extent);
        w.endObject();
    }
    w.endArray();
    w.endObject();
}

void printText(const tasks::InfoResult& r)
{
    std::printf("Project: %s\nSchema version: %d\nStorage CRS: EPSG:%d (%s)\nAnalysis CRS: EPSG:%d (%s)\n",
                r.project.c_str(), r.schemaVersion, r.storageEpsg, r.storageCrsName.c_str(), r.analysisEpsg,
                r.analysisCrsName.c_str());
    if (!r.extent.isEmpty())
        std::printf("Extent (lon/lat): %.5f %.5f - %.5f %.5f\n", r.extent.minX, r.extent.minY, r.extent.maxX,
                    r.extent.maxY);
    std::printf("\nLayers:\n");
    for (const auto& li : r.layers)
        std::printf("  %-14s %-16s %8lld features\n", li.name.c_str(), geomTypeName(li.geomType),
                    static_cast<long long>(li.featureCount));
    std::printf("\nMetadata:\n");
    for (const auto& [k, v] : r.metadata)
        std::printf("  %s = %s\n", k.c_str(), v.c_str());
}

int runInfo(const Args& a)
{
    a.allowOnly({"json"});
    if (a.positional.size() != 1)
        throw Error(ErrorKind::Usage, "", "expected one PROJECT file");
    tasks::InfoRequest request;
    request.project = a.positional[0];
    const auto result = tasks::runTask(request, consoleFeedback());
    if (a.has("json"))
        printJson(result);
    else
        printText(result);
    return ExitOk;
}

CommandRegistration reg({"info", "info PROJECT [--json]",
                         "Lists the project's layers with feature counts and extents, its CRS and metadata.",
                         {"json"}, runInfo});

} // namespace
} // namespace bando::cli
