#include "core/capi/geos.hpp"

#include "core/base/error.hpp"
#include "core/base/feedback.hpp"
#include "core/tasks/job.hpp"

#include <mutex>

namespace bando::geos {
namespace {

// Set by the interrupt callback on the thread it interrupts; read by the wrappers.
thread_local bool t_interrupted = false;
GEOSInterruptCallback* g_previousCallback = nullptr;

// The one process-wide GEOS interrupt callback. GEOS invokes it on the thread that is working;
// only that thread's Feedback is consulted, and the interruption is an exception thrown on that
// thread (never GEOS_interruptRequest, whose flag every thread shares).
void interruptCallback()
{
    if (g_previousCallback)
        g_previousCallback();
    const Feedback* fb = tasks::FeedbackScope::current();
    if (fb && fb->isCancelled()) {
        t_interrupted = true;
        throw CancelledError();
    }
}

struct ThreadContext {
    GEOSContextHandle_t handle = nullptr;
    std::string lastError;
    ThreadContext()
    {
        static std::once_flag once;
        std::call_once(once, [] { g_previousCallback = GEOS_interruptRegisterCallback(&interruptCallback); });
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

void clearError()
{
    threadContext().lastError.clear();
    t_interrupted = false;
}

void GeomDeleter::operator()(GEOSGeometry* g) const { GEOSGeom_destroy_r(ctx(), g); }
void PreparedDeleter::operator()(const GEOSPreparedGeometry* g) const { GEOSPreparedGeom_destroy_r(ctx(), g); }
void WkbReaderDeleter::operator()(GEOSWKBReader* r) const { GEOSWKBReader_destroy_r(ctx(), r); }
void WkbWriterDeleter::operator()(GEOSWKBWriter* w) const { GEOSWKBWriter_destroy_r(ctx(), w); }
void CoordSeqDeleter::operator()(GEOSCoordSequence* s) const { GEOSCoordSeq_destroy_r(ctx(), s); }
void BufferDeleter::operator()(unsigned char* p) const { GEOSFree_r(ctx(), p); }

namespace {
std::string takeGeosString(char* text)
{
    std::string out = text ? text : "";
    GEOSFree_r(ctx(), text);
    return out;
}
} // namespace

std::string validReason(const GEOSGeometry* g) { return takeGeosString(GEOSisValidReason_r(ctx(), g)); }
std::string toWkt(const GEOSGeometry* g) { return takeGeosString(GEOSGeomToWKT_r(ctx(), g)); }

void throwFailure(const char* operation)
{
    const bool interrupted = t_interrupted;
    t_interrupted = false;
    std::string message = takeError();
    if (interrupted || isCancelled(tasks::FeedbackScope::current()))
        throw CancelledError();
    throw Error(ErrorKind::Geometry, std::string("GEOS ") + operation, message);
}

GeomPtr check(GEOSGeometry* g, const char* operation)
{
    if (!g)
        throwFailure(operation);
    return GeomPtr(g);
}

GeomPtr collection(int geosType, std::vector<GeomPtr> parts, const char* operation)
{
    std::vector<GEOSGeometry*> raw;
    raw.reserve(parts.size());
    for (auto& p : parts)
        raw.push_back(p.release());
    return make(operation, [&] {
        return GEOSGeom_createCollection_r(ctx(), geosType, raw.data(), static_cast<unsigned>(raw.size()));
    });
}

} // namespace bando::geos
