#pragma once
// GEOS reentrant C API: a thread-local context (QGIS QgsGeosContext idea), owning pointers
// whose deleters use the calling thread's context, and error capture that never throws out
// of a C callback: the handler records the message, the wrapper throws bando::Error.
//
// Cancel. GEOS 3.11's interrupt request is one process-wide flag (`GEOS_interruptRequest` would
// stop whichever thread checks first), so Bando never calls it. Instead one interrupt callback is
// registered for the process (GEOS_interruptRegisterCallback, once, when a thread first asks for
// its context). GEOS calls it from inside its long loops on the thread doing the work; the callback
// looks at that thread's own Feedback (tasks::FeedbackScope::current()) and, when it is cancelled,
// throws bando::CancelledError right there. The exception unwinds GEOS's own frames (the same path
// as GEOS's InterruptedException) up to the C API entry point, whose execute() catches every
// std::exception, reports it to this thread's error handler and returns the error sentinel (null,
// 0 or 2). The wrappers below then see the thread's "interrupted" mark and throw CancelledError,
// not a geometry error. Other threads never see anything: the decision is made per calling thread.
#include <geos_c.h>

#include <memory>
#include <string>
#include <vector>

namespace bando::geos {

// The calling thread's context (created on first use, destroyed when the thread exits).
GEOSContextHandle_t ctx();
// Last error message recorded by this thread's GEOS error handler (cleared by takeError()).
std::string takeError();
// Forgets the recorded error and interrupt mark: call before each checked GEOS call.
void clearError();

struct GeomDeleter {
    void operator()(GEOSGeometry* g) const;
};
struct PreparedDeleter {
    void operator()(const GEOSPreparedGeometry* g) const;
};
struct WkbReaderDeleter {
    void operator()(GEOSWKBReader* r) const;
};
struct WkbWriterDeleter {
    void operator()(GEOSWKBWriter* w) const;
};
struct CoordSeqDeleter {
    void operator()(GEOSCoordSequence* s) const;
};
struct BufferDeleter {  // buffers GEOS allocates for its output (WKB, WKT)
    void operator()(unsigned char* p) const;
};
using GeomPtr = std::unique_ptr<GEOSGeometry, GeomDeleter>;
using PreparedPtr = std::unique_ptr<const GEOSPreparedGeometry, PreparedDeleter>;
using WkbReaderPtr = std::unique_ptr<GEOSWKBReader, WkbReaderDeleter>;
using WkbWriterPtr = std::unique_ptr<GEOSWKBWriter, WkbWriterDeleter>;
using CoordSeqPtr = std::unique_ptr<GEOSCoordSequence, CoordSeqDeleter>;
using BufferPtr = std::unique_ptr<unsigned char, BufferDeleter>;

// Throws CancelledError when the last GEOS call on this thread was interrupted, else
// bando::Error(Geometry) "GEOS <operation>" with GEOS's message.
[[noreturn]] void throwFailure(const char* operation);

// GEOS's text outputs as strings (the C strings GEOS allocates are freed here).
std::string validReason(const GEOSGeometry* g);  // "Valid Geometry" or why not
std::string toWkt(const GEOSGeometry* g);

// Wrap a result: throws (see throwFailure) when `g` is null.
GeomPtr check(GEOSGeometry* g, const char* operation);

// Runs `call` (a GEOS function returning a new geometry) with the recorded error cleared first,
// and owns its result:  auto u = geos::make("union", [&] { return GEOSUnaryUnion_r(ctx(), g); });
template <class Call>
GeomPtr make(const char* operation, Call&& call)
{
    clearError();
    return check(call(), operation);
}

// Runs a GEOS predicate (0 false, 1 true, 2 exception): the exception return throws, it is never
// taken for `false`.
template <class Call>
bool predicate(const char* operation, Call&& call)
{
    clearError();
    const char r = call();
    if (r != 0 && r != 1)
        throwFailure(operation);
    return r == 1;
}

// Runs a GEOS function returning an int status (0 = exception, e.g. GEOSArea_r); throws on 0.
template <class Call>
void status(const char* operation, Call&& call)
{
    clearError();
    if (call() == 0)
        throwFailure(operation);
}

// A collection (GEOS_MULTIPOINT, GEOS_GEOMETRYCOLLECTION, …) of owned parts. GEOS 3.11 takes
// ownership of the parts whether the call succeeds or fails, so they are released into it and
// nothing leaks on either path.
GeomPtr collection(int geosType, std::vector<GeomPtr> parts, const char* operation = "create collection");

} // namespace bando::geos
