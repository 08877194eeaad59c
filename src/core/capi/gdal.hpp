#pragma once
// GDAL/OGR: one-time registration, owning dataset pointer, and a scoped, thread-local error
// capture (GDAL CPLErrorHandlerPusher idea) so GDAL's messages end up in bando::Error texts.
#include <gdal_alg.h>
#include <gdal_priv.h>
#include <gdalwarper.h>
#include <ogrsf_frmts.h>

#include <memory>
#include <string>
#include <vector>

namespace bando::gdal {

// Registers all drivers once and points PROJ/GDAL at their data. Safe to call from any thread.
void init();

// Owning dataset pointer (closes with GDALClose).
using DatasetPtr = GDALDatasetUniquePtr;

// Memory GDAL allocated with CPLMalloc and hands to the caller (CPLFree).
struct CplFree {
    void operator()(void* p) const { CPLFree(p); }
};
// An array of spatial references returned by FindMatches (OSRFreeSRSArray).
struct SrsArrayDeleter {
    void operator()(OGRSpatialReferenceH* a) const { OSRFreeSRSArray(a); }
};
using SrsArrayPtr = std::unique_ptr<OGRSpatialReferenceH, SrsArrayDeleter>;
// A NULL-terminated string list built with CSLSetNameValue and friends (CSLDestroy).
struct StringListDeleter {
    void operator()(char** l) const { CSLDestroy(l); }
};
using StringListPtr = std::unique_ptr<char*, StringListDeleter>;
// Warp options (GDALDestroyWarpOptions).
struct WarpOptionsDeleter {
    void operator()(GDALWarpOptions* o) const { GDALDestroyWarpOptions(o); }
};
using WarpOptionsPtr = std::unique_ptr<GDALWarpOptions, WarpOptionsDeleter>;
// A transformer of gdal_alg.h (GDALCreateGenImgProjTransformer2, ...; GDALDestroyTransformer).
struct TransformerDeleter {
    void operator()(void* t) const { GDALDestroyTransformer(t); }
};
using TransformerPtr = std::unique_ptr<void, TransformerDeleter>;

// While alive, GDAL errors/warnings raised on this thread are collected instead of printed.
class ErrorCapture {
public:
    ErrorCapture();
    ~ErrorCapture();
    ErrorCapture(const ErrorCapture&) = delete;
    ErrorCapture& operator=(const ErrorCapture&) = delete;

    const std::vector<std::string>& errors() const { return m_errors; }
    const std::vector<std::string>& warnings() const { return m_warnings; }
    // Last error (or the last warning if there was no error), or `fallback`.
    std::string lastMessage(const std::string& fallback = "unknown GDAL error") const;

private:
    static void CPL_STDCALL handler(CPLErr cls, CPLErrorNum num, const char* msg);
    std::vector<std::string> m_errors;
    std::vector<std::string> m_warnings;
};

} // namespace bando::gdal
