#pragma once
// Settings: the project's analysis settings (the classification thresholds the core reads from
// bando_meta "setting.*" keys, core/analysis/classify.hpp) — shown and changed by
// `bando settings` and the app's Settings → Analysis settings dialog. A changed threshold makes
// the next `bando analyze` recompute the parts that read it (their fingerprints include it).
// Road speeds are not project settings: they are options of each analysis (AnalyzeRequest::speedKmh,
// `bando analyze --speed`, the Analyse dialog).
#include "core/analysis/classify.hpp"
#include "core/base/feedback.hpp"

#include <optional>
#include <string>

namespace bando::tasks {

struct SettingsRequest {
    std::string project;
    // Values to store (unset = unchanged). Shares in [0, 1]; the distance in (0, 50,000] m.
    std::optional<double> noSignalShareAny;    // --no-signal-share-any
    std::optional<double> unstableShareGood;   // --unstable-share-good
    std::optional<double> broadbandShare;      // --broadband-share
    std::optional<double> broadbandDistanceM;  // --broadband-distance-m
    bool reset = false;                        // --reset: remove the four keys (the defaults apply)
    void validate() const;
    bool changes() const { return reset || noSignalShareAny || unstableShareGood || broadbandShare || broadbandDistanceM; }
};

struct SettingsResult {
    std::string project;
    analysis::Thresholds thresholds;  // in force after the request
    bool changed = false;
};

SettingsResult run(const SettingsRequest& request, Feedback& fb);

} // namespace bando::tasks
