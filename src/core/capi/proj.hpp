#pragma once
// PROJ: a PJ_CONTEXT per thread and a cache of normalised (lon/lat, easting/northing order)
// transformations keyed by (source EPSG, target EPSG) in it. A thread's context is lent from a
// pool and goes back to it, with its transformations, when the thread ends.
#include <cstddef>
#include <vector>

struct pj_ctx;
typedef struct pj_ctx PJ_CONTEXT;

namespace bando::crs {

constexpr int kWgs84 = 4326;
constexpr int kVn2000LangSon = 9215;  // VN-2000 / TM-3 107-15

PJ_CONTEXT* projContext();

// Makes the transformation from PROJ's database now (about 8 ms), so that a later transform on any
// thread only copies it: a task calls it on a thread of its own as soon as it knows its CRSs.
// Throws bando::Error(Crs) like transform.
void prepareTransform(int srcEpsg, int dstEpsg);
// Opens PROJ's database for the transformations and names to come (about 6 ms): a task calls it
// on a thread of its own before it knows its CRSs. Never throws.
void warmUp();

// Transforms x/y in place (lon,lat for geographic CRSs; easting,northing for projected ones).
// Throws bando::Error(Crs) if the transformation cannot be created or fails.
void transform(int srcEpsg, int dstEpsg, double* x, double* y, size_t count);

struct XYPair {
    double x, y;
};
XYPair transform(int srcEpsg, int dstEpsg, double x, double y);

// Human-readable CRS name from the PROJ database ("VN-2000 / TM-3 107-15").
const char* crsName(int epsg);

} // namespace bando::crs
