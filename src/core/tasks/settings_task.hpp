#pragma once
// Settings: the project's analysis settings (the classification thresholds the core reads from
// bando_meta "setting.*" keys, core/analysis/classify.hpp) — shown and changed by
// `bando settings` and the app's Settings → Analysis settings dialog. A changed threshold makes
// the next `bando analyze` recompute the parts that read it (their fingerprints include it).
// Road speeds are project settings too (bando_meta "setting.speed.<class>", "setting.speed_other",
// "setting.speed_off_road"): every analysis starts from them (AnalyzeRequest::speedKmh given on
// the command line or by the Analyse dialog still wins for that run). A changed speed makes the
// next analysis recompute the access part (its fingerprint includes the speeds).
#include "core/analysis/classify.hpp"
#include "core/analysis/indicators.hpp"
#include "core/base/feedback.hpp"

#include <map>
#include <optional>
#include <string>

namespace bando {
class ProjectStore;
}

namespace bando::tasks {

// The road speeds in force for a project: analysis::AccessOptions's defaults with the stored
// settings over them.
struct RoadSpeeds {
    std::map<std::string, double> speedKmh;  // km/h per road class
    double otherKmh = 0;                     // roads of a class not listed
    double offRoadKmh = 0;                   // legs off the road network
};
// Throws bando::Error(Format) naming the key for a stored value that is not a speed in (0, 200].
RoadSpeeds loadRoadSpeeds(const ProjectStore& store);

struct SettingsRequest {
    std::string project;
    // Values to store (unset = unchanged). Shares in [0, 1]; the distance in (0, 50,000] m.
    std::optional<double> noSignalShareAny;    // --no-signal-share-any
    std::optional<double> unstableShareGood;   // --unstable-share-good
    std::optional<double> broadbandShare;      // --broadband-share
    std::optional<double> broadbandDistanceM;  // --broadband-distance-m
    // Road speeds in km/h, each in (0, 200]: per class (--speed CLASS=KMH, repeatable; a class is
    // lower-case letters, digits and '_'), other roads (--speed-other), off the network
    // (--speed-off-road).
    std::map<std::string, double> speedKmh;
    std::optional<double> otherKmh;
    std::optional<double> offRoadKmh;
    bool reset = false;  // --reset: remove every stored setting (thresholds and speeds: the defaults apply)
    void validate() const;
    bool changes() const
    {
        return reset || noSignalShareAny || unstableShareGood || broadbandShare || broadbandDistanceM ||
               !speedKmh.empty() || otherKmh || offRoadKmh;
    }
};

struct SettingsResult {
    std::string project;
    analysis::Thresholds thresholds;  // in force after the request
    RoadSpeeds speeds;                // in force after the request
    bool changed = false;
};

SettingsResult run(const SettingsRequest& request, Feedback& fb);

} // namespace bando::tasks
