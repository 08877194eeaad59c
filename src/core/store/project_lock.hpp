#pragma once
// Advisory whole-file lock on a project (flock, independent of SQLite's own fcntl locks): the
// single writer takes it exclusive, a SQL reader (`bando sql`) shared. A writer and a reader never
// run at the same time, so a long query and a write never meet with SQLITE_BUSY; either side that
// comes second is refused at once with a message saying why.
#include <string>

namespace bando {

class ProjectLock {
public:
    enum class Kind { Shared, Exclusive };
    // Takes the lock without waiting; throws bando::Error(Store) when the other kind is held.
    ProjectLock(const std::string& path, Kind kind);
    ~ProjectLock();
    ProjectLock(const ProjectLock&) = delete;
    ProjectLock& operator=(const ProjectLock&) = delete;

private:
    int m_fd = -1;
};

} // namespace bando
