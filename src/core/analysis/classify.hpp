#pragma once
// The village classification rule (issue #3), for any project data.
//   share_good = households (located by `settlements`) inside the union of good coverage
//                (any operator, 3G or 4G) / households;
//   share_any  = the same for good ∪ weak.
//   no signal  when share_any < noSignalShareAny (default 0.5);
//   unstable   when not no-signal and share_good < unstableShareGood (default 0.8);
//   covered    otherwise.
// Broadband reaches a village when settlements holding >= broadbandShare (0.5) of its
// households lie within broadbandDistanceM (2,000 m) of an OLT/cabinet or a fibre line.
// The four thresholds are project settings (bando_meta keys "setting.*") with these defaults.
#include "core/base/feedback.hpp"
#include "core/model/layer.hpp"

#include <string>
#include <vector>

namespace bando {
class ProjectStore;
}

namespace bando::analysis {

enum class MobileClass { NoSignal, Unstable, Covered };
const char* mobileClassName(MobileClass c);  // "no_signal", "unstable", "covered"

struct Thresholds {
    double noSignalShareAny = 0.5;
    double unstableShareGood = 0.8;
    double broadbandShare = 0.5;
    double broadbandDistanceM = 2000;
};

// Reads the "setting.*" keys of the project (defaults where absent).
Thresholds loadThresholds(const ProjectStore& store);

struct VillageStatus {
    std::string villageCode;
    std::string communeCode;
    std::string districtCode;
    int64_t households = 0;
    double shareGood = 0, shareAny = 0, shareBroadband = 0;
    MobileClass mobile = MobileClass::Covered;
    bool broadband = false;
};

struct ClassificationInput {
    const Layer* villages = nullptr;        // required
    const Layer* settlements = nullptr;     // required (points with village_code, households)
    const Layer* coverage = nullptr;        // optional (operator, technology, level good|weak)
    const Layer* broadbandNodes = nullptr;  // optional
    const Layer* fibre = nullptr;           // optional
};

// Layers may be in any CRS; distances are computed in `metricEpsg`. Result order = villages order.
std::vector<VillageStatus> classifyVillages(const ClassificationInput& in, const Thresholds& t,
                                            int metricEpsg = 9215, const Feedback* fb = nullptr);

struct ClassCounts {
    int noSignal = 0, unstable = 0, covered = 0, noBroadband = 0;
};
ClassCounts countClasses(const std::vector<VillageStatus>& statuses);

} // namespace bando::analysis
