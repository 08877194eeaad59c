#include "core/store/project_lock.hpp"

#include "core/base/error.hpp"
#include "core/i18n/i18n.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace bando {

ProjectLock::ProjectLock(const std::string& path, Kind kind)
{
    m_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (m_fd < 0)
        throw Error(ErrorKind::Io, path,
                    kind == Kind::Exclusive ? tr("cannot open project for writing") : tr("cannot open project for reading"));
    if (::flock(m_fd, (kind == Kind::Exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0) {
        ::close(m_fd);
        m_fd = -1;
        throw Error(ErrorKind::Store, path,
                    kind == Kind::Exclusive
                        ? tr("the project is already open for writing in another process (or a query is reading it)")
                        : tr("the project is open for writing; run the query when the write has finished"));
    }
}

ProjectLock::~ProjectLock()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

} // namespace bando
