#pragma once
// Classify: the village classification rule applied to a project, counted per district and in
// total (`bando classify`, the app's coverage theme uses the same rule).
#include "core/analysis/classify.hpp"
#include "core/base/feedback.hpp"

#include <string>
#include <vector>

namespace bando::tasks {

struct ClassifyRequest {
    std::string project;  // the project file (read only)
    void validate() const;
};

struct ClassifyResult {
    struct District {
        std::string code, name;
        int villages = 0;
        analysis::ClassCounts counts;
    };
    std::string project;
    analysis::Thresholds thresholds;
    std::vector<analysis::VillageStatus> villages;  // in the villages layer's order
    std::vector<District> districts;                // by district code
    analysis::ClassCounts total;
};

ClassifyResult run(const ClassifyRequest& request, Feedback& fb);

} // namespace bando::tasks
