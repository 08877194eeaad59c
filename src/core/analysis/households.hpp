#pragma once
// Where the households of each village live, as the classification rule and the sample generator
// see them: the points of the `settlements` layer (village_code, households, is_centre), and for a
// village without any located household one cluster at its label point holding all its households.
#include "core/base/feedback.hpp"
#include "core/model/layer.hpp"

#include <cstdint>
#include <vector>

namespace bando::analysis {

struct HouseholdCluster {
    double x = 0, y = 0;
    int64_t households = 0;
    int village = -1;     // index into the villages layer
    bool centre = false;  // the settlement's is_centre flag; true for a village's label point
};

// The household clusters of all villages, in the same CRS as the two layers:
//   1. one per settlement point whose village_code is a village's `code` and whose households > 0,
//      in the settlements' order;
//   2. then, in the villages' order, one at the label point (interiorPoint) of every village with a
//      geometry and no cluster from step 1, holding the village's `households` (at least 1).
// An empty settlements layer needs no schema. Checks `fb` for cancellation every 1,024 settlements.
std::vector<HouseholdCluster> householdClusters(const Layer& villages, const Layer& settlements,
                                                const Feedback* fb = nullptr);

} // namespace bando::analysis
