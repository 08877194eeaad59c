#pragma once
// libxlsxwriter handles (Debian libxlsxwriter-dev, pkg-config xlsxwriter). A workbook is
// written when it is closed: the owner closes it on every path; close() reports the error.
#include "core/base/error.hpp"

#include <xlsxwriter.h>

#include <memory>
#include <string>

namespace bando::xlsx {

struct WorkbookDeleter {
    void operator()(lxw_workbook* wb) const { workbook_close(wb); }
};
using WorkbookPtr = std::unique_ptr<lxw_workbook, WorkbookDeleter>;

// A new workbook writing `path` (with a temporary directory for its parts); throws
// bando::Error(Io) naming `path`.
inline WorkbookPtr create(const std::string& path, const std::string& name)
{
    lxw_workbook_options options{};
    options.constant_memory = LXW_FALSE;
    WorkbookPtr wb(workbook_new_opt(path.c_str(), &options));
    if (!wb)
        throw Error(ErrorKind::Io, name, "cannot create the XLSX workbook");
    return wb;
}

// Closes and writes the workbook; throws bando::Error(Io) naming `name` on failure.
inline void close(WorkbookPtr wb, const std::string& name)
{
    const lxw_error err = workbook_close(wb.release());
    if (err != LXW_NO_ERROR)
        throw Error(ErrorKind::Io, name, std::string("cannot write the XLSX workbook: ") + lxw_strerror(err));
}

} // namespace bando::xlsx
