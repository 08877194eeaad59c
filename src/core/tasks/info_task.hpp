#pragma once
// Info: what a project holds — its layers with geometry type, feature count and extent, the
// storage and analysis CRSs, the schema version and the metadata (`bando info`).
#include "core/base/feedback.hpp"
#include "core/store/project_store.hpp"

#include <map>
#include <string>
#include <vector>

namespace bando::tasks {

struct InfoRequest {
    std::string project;  // the project file (read only)
    void validate() const;
};

struct InfoResult {
    std::string project;
    int schemaVersion = 0;
    int storageEpsg = 4326;
    std::string storageCrsName;
    int analysisEpsg = 0;
    std::string analysisCrsName;
    Extent extent;                 // of every layer, WGS 84
    std::vector<LayerInfo> layers;  // in the project's order
    std::map<std::string, std::string> metadata;
};

InfoResult run(const InfoRequest& request, Feedback& fb);

} // namespace bando::tasks
