#pragma once
// GEOS reentrant C API: a thread-local context (QGIS QgsGeosContext idea), owning pointers
// whose deleters use the calling thread's context, and error capture that never throws out
// of a C callback: the handler records the message, the wrapper throws bando::Error.
#include <geos_c.h>

#include <memory>
#include <string>

namespace bando::geos {

// The calling thread's context (created on first use, destroyed when the thread exits).
GEOSContextHandle_t ctx();
// Last error message recorded by this thread's GEOS error handler (cleared by takeError()).
std::string takeError();

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
using GeomPtr = std::unique_ptr<GEOSGeometry, GeomDeleter>;
using PreparedPtr = std::unique_ptr<const GEOSPreparedGeometry, PreparedDeleter>;

// Wrap a result: throws bando::Error(Geometry) with GEOS's message when `g` is null.
GeomPtr check(GEOSGeometry* g, const char* operation);

} // namespace bando::geos
