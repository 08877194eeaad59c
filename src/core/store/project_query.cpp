#include "core/store/project_query.hpp"

#include "core/base/error.hpp"
#include "core/i18n/i18n.hpp"
#include "core/store/project_store.hpp"
#include "core/tasks/job.hpp"

#include <filesystem>

namespace bando {

std::unique_ptr<ProjectQuery> ProjectQuery::open(const std::string& path)
{
    if (!std::filesystem::exists(path))
        throw Error(ErrorKind::Io, path, tr("no such file"));
    if (auto recovered = recoverInterruptedProject(path))
        if (Feedback* fb = tasks::FeedbackScope::current())
            fb->notify(*recovered);
    auto lock = std::make_unique<ProjectLock>(path, ProjectLock::Kind::Shared);
    auto db = sqlite::Connection::openReadOnlySpatial(path);
    db->refuseChanges();
    return std::unique_ptr<ProjectQuery>(new ProjectQuery(path, std::move(lock), std::move(db)));
}

} // namespace bando
