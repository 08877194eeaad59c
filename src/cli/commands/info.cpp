// bando info PROJECT [--json]: layers, feature counts, CRS, extent, metadata.
#include "cli/command.hpp"
#include "core/base/error.hpp"
#include "core/capi/proj.hpp"
#include "core/store/project_store.hpp"

#include <cstdio>
#include <string>

namespace bando::cli {
namespace {

std::string jsonEscape(const std::string& s)
{
    std::string o;
    for (unsigned char c : s) {
        switch (c) {
        case '"': o += "\\\""; break;
        case '\\': o += "\\\\"; break;
        case '\n': o += "\\n"; break;
        case '\t': o += "\\t"; break;
        default:
            if (c < 0x20) {
                char b[8];
                std::snprintf(b, sizeof b, "\\u%04x", c);
                o += b;
            } else
                o += static_cast<char>(c);
        }
    }
    return o;
}

int runInfo(const Args& a)
{
    a.allowOnly({"json"});
    if (a.positional.size() != 1)
        throw Error(ErrorKind::Usage, "", "expected one PROJECT file");
    auto store = ProjectStore::open(a.positional[0], ProjectStore::Mode::ReadOnly);
    const bool json = a.has("json");
    Extent all;
    std::vector<LayerInfo> infos;
    for (const auto& n : store->layerNames()) {
        infos.push_back(store->layerInfo(n));
        all.expand(infos.back().extent);
    }
    auto meta = store->allMeta();
    if (json) {
        std::printf("{\n  \"file\": \"%s\",\n  \"schema_version\": %d,\n  \"crs\": \"EPSG:4326\",\n",
                    jsonEscape(store->path()).c_str(), store->schemaVersion());
        if (!all.isEmpty())
            std::printf("  \"extent\": [%.6f, %.6f, %.6f, %.6f],\n", all.minX, all.minY, all.maxX, all.maxY);
        std::printf("  \"metadata\": {");
        bool first = true;
        for (const auto& [k, v] : meta) {
            std::printf("%s\n    \"%s\": \"%s\"", first ? "" : ",", jsonEscape(k).c_str(), jsonEscape(v).c_str());
            first = false;
        }
        std::printf("\n  },\n  \"layers\": [");
        first = true;
        for (const auto& li : infos) {
            std::printf("%s\n    {\"name\": \"%s\", \"geometry\": \"%s\", \"features\": %lld", first ? "" : ",",
                        jsonEscape(li.name).c_str(), geomTypeName(li.geomType),
                        static_cast<long long>(li.featureCount));
            if (!li.extent.isEmpty())
                std::printf(", \"extent\": [%.6f, %.6f, %.6f, %.6f]", li.extent.minX, li.extent.minY,
                            li.extent.maxX, li.extent.maxY);
            std::printf("}");
            first = false;
        }
        std::printf("\n  ]\n}\n");
        return 0;
    }
    std::printf("Project: %s\nSchema version: %d\nStorage CRS: EPSG:4326 (%s)\nAnalysis CRS: EPSG:%d (%s)\n",
                store->path().c_str(), store->schemaVersion(), crs::crsName(4326), crs::kVn2000LangSon,
                crs::crsName(crs::kVn2000LangSon));
    if (!all.isEmpty())
        std::printf("Extent (lon/lat): %.5f %.5f - %.5f %.5f\n", all.minX, all.minY, all.maxX, all.maxY);
    std::printf("\nLayers:\n");
    for (const auto& li : infos)
        std::printf("  %-14s %-16s %8lld features\n", li.name.c_str(), geomTypeName(li.geomType),
                    static_cast<long long>(li.featureCount));
    std::printf("\nMetadata:\n");
    for (const auto& [k, v] : meta)
        std::printf("  %s = %s\n", k.c_str(), v.c_str());
    return 0;
}

CommandRegistration reg({"info", "info PROJECT [--json]",
                         "Lists the project's layers with feature counts and extents, its CRS and metadata.",
                         {"json"}, runInfo});

} // namespace
} // namespace bando::cli
