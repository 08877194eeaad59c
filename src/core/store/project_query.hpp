#pragma once
// Read-only SQL on a project (`bando sql`): a SQLite connection opened read-only on the project
// file with SpatiaLite's functions and GeoPackage amphibious mode, holding the project's shared
// lock (ProjectLock) for its whole life so that the writer (ProjectStore, exclusive lock) and a
// long query never run at the same time. Statements that could change anything are refused.
#include "core/capi/sqlite.hpp"
#include "core/store/project_lock.hpp"

#include <memory>
#include <string>

namespace bando {

class ProjectQuery {
public:
    // Throws bando::Error(Io) when the file is missing, (Store) while it is open for writing.
    static std::unique_ptr<ProjectQuery> open(const std::string& path);

    const std::string& path() const { return m_path; }
    sqlite::Connection& connection() { return *m_db; }

private:
    ProjectQuery(std::string path, std::unique_ptr<ProjectLock> lock, std::unique_ptr<sqlite::Connection> db)
        : m_path(std::move(path)), m_lock(std::move(lock)), m_db(std::move(db))
    {
    }
    std::string m_path;
    std::unique_ptr<ProjectLock> m_lock;  // declared before the connection: released after it closes
    std::unique_ptr<sqlite::Connection> m_db;
};

} // namespace bando
