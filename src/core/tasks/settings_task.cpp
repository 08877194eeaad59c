#include "core/tasks/settings_task.hpp"

#include "core/base/error.hpp"
#include "core/store/project_store.hpp"

#include <cmath>
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

} // namespace

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
    if (reset && (noSignalShareAny || unstableShareGood || broadbandShare || broadbandDistanceM))
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
        tx.commit();
        r.changed = true;
        r.thresholds = analysis::loadThresholds(*store);
    } else {
        auto store = ProjectStore::open(request.project, ProjectStore::Mode::ReadOnly);
        r.thresholds = analysis::loadThresholds(*store);
    }
    return r;
}

} // namespace bando::tasks
