#include "core/capi/gdal.hpp"

#include <cpl_conv.h>
#include <cpl_error.h>

#include <mutex>

namespace bando::gdal {

void init()
{
    static std::once_flag once;
    std::call_once(once, [] {
        GDALAllRegister();
        // Never leave -wal/-shm files behind: rollback journal on project files.
        CPLSetConfigOption("OGR_SQLITE_JOURNAL", "DELETE");
        CPLSetConfigOption("OGR_GPKG_NUM_THREADS", "1");
    });
}

ErrorCapture::ErrorCapture() { CPLPushErrorHandlerEx(&ErrorCapture::handler, this); }

ErrorCapture::~ErrorCapture() { CPLPopErrorHandler(); }

void CPL_STDCALL ErrorCapture::handler(CPLErr cls, CPLErrorNum, const char* msg)
{
    auto* self = static_cast<ErrorCapture*>(CPLGetErrorHandlerUserData());
    if (!self)
        return;
    if (cls == CE_Failure || cls == CE_Fatal)
        self->m_errors.emplace_back(msg ? msg : "");
    else if (cls == CE_Warning)
        self->m_warnings.emplace_back(msg ? msg : "");
}

std::string ErrorCapture::lastMessage(const std::string& fallback) const
{
    if (!m_errors.empty())
        return m_errors.back();
    if (!m_warnings.empty())
        return m_warnings.back();
    return fallback;
}

} // namespace bando::gdal
