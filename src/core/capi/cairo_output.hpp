#pragma once
// A file Cairo writes into through a stream callback (PNG, PDF, SVG surfaces): written to
// "<path>.part" and renamed over `path` only by commit(), so a failure or a cancel leaves no
// partial output. Write errors are recorded by the callback (which never throws) and reported
// by commit() or fail() as bando::Error(Io) naming the file.
#include "core/base/error.hpp"

#include <cairo.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

namespace bando::cairo {

class OutputFile {
public:
    explicit OutputFile(std::string path) : m_path(std::move(path)), m_tmp(m_path + ".part")
    {
        m_file = std::fopen(m_tmp.c_str(), "wb");
        if (!m_file)
            throw Error(ErrorKind::Io, m_path, std::string("cannot write: ") + std::strerror(errno));
    }
    ~OutputFile()
    {
        if (m_file)
            std::fclose(m_file);
        if (!m_committed)
            std::remove(m_tmp.c_str());
    }
    OutputFile(const OutputFile&) = delete;
    OutputFile& operator=(const OutputFile&) = delete;

    // Cairo write callback: records the failure and returns a status, never throws.
    static cairo_status_t write(void* closure, const unsigned char* data, unsigned int length)
    {
        auto* self = static_cast<OutputFile*>(closure);
        if (std::fwrite(data, 1, length, self->m_file) != length) {
            self->m_errno = errno;
            return CAIRO_STATUS_WRITE_ERROR;
        }
        return CAIRO_STATUS_SUCCESS;
    }

    void commit()
    {
        const int rc = std::fclose(m_file);
        m_file = nullptr;
        if (rc != 0 || m_errno != 0)
            throw Error(ErrorKind::Io, m_path,
                        std::string("cannot write: ") + std::strerror(m_errno ? m_errno : errno));
        std::error_code ec;
        std::filesystem::rename(m_tmp, m_path, ec);
        if (ec)
            throw Error(ErrorKind::Io, m_path, "cannot write: " + ec.message());
        m_committed = true;
    }
    const std::string& path() const { return m_path; }
    [[noreturn]] void fail(const char* what, cairo_status_t st) const
    {
        std::string msg = what;
        msg += ": ";
        msg += m_errno ? std::strerror(m_errno) : cairo_status_to_string(st);
        throw Error(ErrorKind::Io, m_path, msg);
    }

private:
    std::string m_path, m_tmp;
    std::FILE* m_file = nullptr;
    int m_errno = 0;
    bool m_committed = false;
};

} // namespace bando::cairo
