#include "core/capi/geos.hpp"

#include "core/base/error.hpp"

#include <cstdarg>
#include <cstdio>

namespace bando::geos {
namespace {

struct ThreadContext {
    GEOSContextHandle_t handle = nullptr;
    std::string lastError;
    ThreadContext()
    {
        handle = GEOS_init_r();
        GEOSContext_setErrorMessageHandler_r(
            handle,
            [](const char* msg, void* user) {
                // Record only: never throw out of a C callback.
                static_cast<ThreadContext*>(user)->lastError = msg ? msg : "";
            },
            this);
        GEOSContext_setNoticeMessageHandler_r(handle, [](const char*, void*) {}, nullptr);
    }
    ~ThreadContext() { GEOS_finish_r(handle); }
    ThreadContext(const ThreadContext&) = delete;
    ThreadContext& operator=(const ThreadContext&) = delete;
};

ThreadContext& threadContext()
{
    thread_local ThreadContext tc;
    return tc;
}

} // namespace

GEOSContextHandle_t ctx() { return threadContext().handle; }

std::string takeError()
{
    std::string e;
    e.swap(threadContext().lastError);
    return e;
}

void GeomDeleter::operator()(GEOSGeometry* g) const { GEOSGeom_destroy_r(ctx(), g); }
void PreparedDeleter::operator()(const GEOSPreparedGeometry* g) const { GEOSPreparedGeom_destroy_r(ctx(), g); }
void WkbReaderDeleter::operator()(GEOSWKBReader* r) const { GEOSWKBReader_destroy_r(ctx(), r); }
void WkbWriterDeleter::operator()(GEOSWKBWriter* w) const { GEOSWKBWriter_destroy_r(ctx(), w); }
void CoordSeqDeleter::operator()(GEOSCoordSequence* s) const { GEOSCoordSeq_destroy_r(ctx(), s); }

GeomPtr check(GEOSGeometry* g, const char* operation)
{
    if (!g)
        throw Error(ErrorKind::Geometry, std::string("GEOS ") + operation, takeError());
    return GeomPtr(g);
}

} // namespace bando::geos
