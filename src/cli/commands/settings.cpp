// bando settings PROJECT [--no-signal-share-any X] [--unstable-share-good X] [--broadband-share X]
// [--broadband-distance-m M] [--speed CLASS=KMH]... [--speed-other KMH] [--speed-off-road KMH]
// [--reset] [--json]: shows or sets the project's classification thresholds and road speeds
// (bando_meta setting.*). Parses arguments into tasks::SettingsRequest.
#include "cli/command.hpp"
#include "core/base/error.hpp"
#include "core/base/json.hpp"
#include "core/i18n/i18n.hpp"
#include "core/tasks/job.hpp"
#include "core/tasks/settings_task.hpp"

#include "cli/console.hpp"

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

namespace bando::cli {
namespace {

std::optional<double> numberOption(const Args& a, const char* name)
{
    if (!a.has(name))
        return std::nullopt;
    const std::string v = a.get(name);
    char* end = nullptr;
    const double d = std::strtod(v.c_str(), &end);
    if (v.empty() || *end != '\0')
        throw Error(ErrorKind::Usage, std::string("--") + name, "expected a number, got '" + v + "'");
    return d;
}

int runSettings(const Args& a)
{
    a.allowOnly({"json", "reset", "no-signal-share-any", "unstable-share-good", "broadband-share", "broadband-distance-m",
                 "speed", "speed-other", "speed-off-road"});
    if (a.positional.size() != 1)
        throw Error(ErrorKind::Usage, "", tr("expected one PROJECT file"));
    tasks::SettingsRequest request;
    request.project = a.positional[0];
    request.noSignalShareAny = numberOption(a, "no-signal-share-any");
    request.unstableShareGood = numberOption(a, "unstable-share-good");
    request.broadbandShare = numberOption(a, "broadband-share");
    request.broadbandDistanceM = numberOption(a, "broadband-distance-m");
    request.otherKmh = numberOption(a, "speed-other");
    request.offRoadKmh = numberOption(a, "speed-off-road");
    for (const auto& [name, value] : a.options) {
        if (name != "speed")
            continue;
        const auto eq = value.find('=');
        char* end = nullptr;
        const double kmh = eq == std::string::npos ? 0 : std::strtod(value.c_str() + eq + 1, &end);
        if (eq == std::string::npos || eq + 1 == value.size() || *end != '\0')
            throw Error(ErrorKind::Usage, "--speed", "expected CLASS=KMH, got '" + value + "'");
        request.speedKmh[value.substr(0, eq)] = kmh;  // the request validates the class and the speed
    }
    request.reset = a.has("reset");
    const auto r = tasks::runTask(request, consoleFeedback());
    const auto& t = r.thresholds;
    if (a.has("json")) {
        JsonWriter w(std::cout);
        w.beginObject();
        w.field("file", r.project).field("changed", r.changed);
        w.field("no_signal_share_any", t.noSignalShareAny)
            .field("unstable_share_good", t.unstableShareGood)
            .field("broadband_share", t.broadbandShare)
            .field("broadband_distance_m", t.broadbandDistanceM);
        w.key("speed_kmh").beginObject();
        for (const auto& [cls, kmh] : r.speeds.speedKmh)
            w.field(cls, kmh);
        w.endObject();
        w.field("speed_other_kmh", r.speeds.otherKmh).field("speed_off_road_kmh", r.speeds.offRoadKmh);
        w.endObject();
    } else {
        std::printf("%s: %s\n", tr("Project"), r.project.c_str());
        std::printf("setting.no_signal_share_any  %g\nsetting.unstable_share_good  %g\nsetting.broadband_share      %g\n"
                    "setting.broadband_distance_m %g\n",
                    t.noSignalShareAny, t.unstableShareGood, t.broadbandShare, t.broadbandDistanceM);
        for (const auto& [cls, kmh] : r.speeds.speedKmh)
            std::printf("setting.speed.%-14s %g km/h\n", cls.c_str(), kmh);
        std::printf("setting.speed_other          %g km/h\nsetting.speed_off_road       %g km/h\n", r.speeds.otherKmh,
                    r.speeds.offRoadKmh);
    }
    return ExitOk;
}

CommandRegistration reg({"settings",
                         "settings PROJECT [--no-signal-share-any X] [--unstable-share-good X] [--broadband-share X] "
                         "[--broadband-distance-m M] [--speed CLASS=KMH]... [--speed-other KMH] [--speed-off-road KMH] "
                         "[--reset] [--json]",
                         "Shows or sets the project's classification thresholds (bando_meta setting.*, read by "
                         "`bando classify` and `bando analyze`): a village has no signal below the share of households "
                         "with any signal, an unstable signal below the share with good signal, broadband when the "
                         "share of households within the distance of an OLT/cabinet or a fibre line is reached. "
                         "Road speeds (km/h, above 0 and at most 200) per road class, on other roads and off the "
                         "network are the defaults of every `bando analyze` (its --speed still wins for that run). "
                         "--reset restores the defaults (0.5, 0.8, 0.5, 2000 m; 60, 40, 30, 20 and 5 km/h). Written in "
                         "one transaction.",
                         {"json", "reset"}, runSettings});

} // namespace
} // namespace bando::cli
