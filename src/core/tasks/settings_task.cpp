#include "core/tasks/settings_task.hpp"

#include "core/base/error.hpp"
#include "core/store/project_store.hpp"

#include <cmath>
#include <cstdlib>
#include <cstdio>

namespace bando::tasks {
namespace {

std::string number(double v)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

void share(const std::optional<double>& v, const char* option)
{
    if (v && !(*v >= 0 && *v <= 1))
        throw Error(ErrorKind::Usage, option, "must be a share between 0 and 1, got " + number(*v));
}

void speed(double v, const std::string& option)
{
    if (!(v > 0 && v <= 200))
        throw Error(ErrorKind::Usage, option, "must be a speed above 0 and at most 200 km/h, got " + number(v));
}

bool isClassName(const std::string& s)
{
    if (s.empty() || s.size() > 40)
        return false;
    for (char c : s)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            return false;
    return true;
}

constexpr const char* kSpeedPrefix = "setting.speed.";
constexpr const char* kSpeedOther = "setting.speed_other";
constexpr const char* kSpeedOffRoad = "setting.speed_off_road";

double storedSpeed(const std::string& key, const std::string& text)
{
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || !(v > 0 && v <= 200))
        throw Error(ErrorKind::Format, "bando_meta " + key, "expected a speed above 0 and at most 200 km/h, got '" + text + "'");
    return v;
}

} // namespace

RoadSpeeds loadRoadSpeeds(const ProjectStore& store)
{
    const analysis::AccessOptions defaults;
    RoadSpeeds s;
    s.speedKmh = defaults.speedKmh;
    s.otherKmh = defaults.otherKmh;
    s.offRoadKmh = defaults.offRoadKmh;
    for (const auto& [key, value] : store.allMeta()) {
        if (value.empty())
            continue;  // empty = removed (--reset)
        if (key.rfind(kSpeedPrefix, 0) == 0)
            s.speedKmh[key.substr(std::string(kSpeedPrefix).size())] = storedSpeed(key, value);
        else if (key == kSpeedOther)
            s.otherKmh = storedSpeed(key, value);
        else if (key == kSpeedOffRoad)
            s.offRoadKmh = storedSpeed(key, value);
    }
    return s;
}

void SettingsRequest::validate() const
{
    if (project.empty())
        throw Error(ErrorKind::Usage, "PROJECT", "expected a project file");
    share(noSignalShareAny, "--no-signal-share-any");
    share(unstableShareGood, "--unstable-share-good");
    share(broadbandShare, "--broadband-share");
    if (broadbandDistanceM && !(*broadbandDistanceM > 0 && *broadbandDistanceM <= 50000))
        throw Error(ErrorKind::Usage, "--broadband-distance-m",
                    "must be above 0 and at most 50000 m, got " + number(*broadbandDistanceM));
    for (const auto& [cls, kmh] : speedKmh) {
        if (!isClassName(cls))
            throw Error(ErrorKind::Usage, "--speed",
                        "expected CLASS=KMH with a road class of lower-case letters, digits and '_', got '" + cls + "'");
        speed(kmh, "--speed " + cls);
    }
    if (otherKmh)
        speed(*otherKmh, "--speed-other");
    if (offRoadKmh)
        speed(*offRoadKmh, "--speed-off-road");
    if (reset && (noSignalShareAny || unstableShareGood || broadbandShare || broadbandDistanceM || !speedKmh.empty() ||
                  otherKmh || offRoadKmh))
        throw Error(ErrorKind::Usage, "--reset", "cannot be combined with values to set");
}

SettingsResult run(const SettingsRequest& request, Feedback& fb)
{
    request.validate();
    SettingsResult r;
    r.project = request.project;
    if (request.changes()) {
        auto store = ProjectStore::open(request.project, ProjectStore::Mode::ReadWrite);
        fb.throwIfCancelled();
        ProjectStore::Transaction tx(*store);
        const std::pair<const char*, const std::optional<double>*> keys[] = {
            {"setting.no_signal_share_any", &request.noSignalShareAny},
            {"setting.unstable_share_good", &request.unstableShareGood},
            {"setting.broadband_share", &request.broadbandShare},
            {"setting.broadband_distance_m", &request.broadbandDistanceM},
        };
        for (const auto& [key, value] : keys) {
            if (request.reset)
                store->setMeta(key, "");  // empty = absent: loadThresholds applies the default
            else if (*value)
                store->setMeta(key, number(**value));
        }
        if (request.reset) {
            for (const auto& [key, value] : store->allMeta())
                if (key.rfind(kSpeedPrefix, 0) == 0 || key == kSpeedOther || key == kSpeedOffRoad)
                    store->setMeta(key, "");
        }
        for (const auto& [cls, kmh] : request.speedKmh)
            store->setMeta(kSpeedPrefix + cls, number(kmh));
        if (request.otherKmh)
            store->setMeta(kSpeedOther, number(*request.otherKmh));
        if (request.offRoadKmh)
            store->setMeta(kSpeedOffRoad, number(*request.offRoadKmh));
        r.thresholds = analysis::loadThresholds(*store);
        r.speeds = loadRoadSpeeds(*store);  // inside the transaction: a bad stored value writes nothing
        tx.commit();
        r.changed = true;
    } else {
        auto store = ProjectStore::open(request.project, ProjectStore::Mode::ReadOnly);
        r.thresholds = analysis::loadThresholds(*store);
        r.speeds = loadRoadSpeeds(*store);
    }
    return r;
}

} // namespace bando::tasks
